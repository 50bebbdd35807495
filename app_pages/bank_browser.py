"""Browse the question bank: filter by category, read each question and its rubric."""

import streamlit as st

from question_bank.loader import load_path
from question_bank.schema import CATEGORIES


@st.cache_resource
def shipped_bank():
    return load_path()


bank_set = shipped_bank()
language = st.sidebar.radio(
    "Language / 语言",
    ["zh", "en"],
    format_func=lambda x: {"zh": "中文", "en": "English"}[x],
    key="bank_browser_language",
)
zh = language == "zh"

st.title("题库" if zh else "Question bank")
for problem in bank_set.problems:
    st.warning(str(problem))

chosen = st.multiselect(
    "题型" if zh else "Categories",
    CATEGORIES,
    default=list(CATEGORIES),
    key="bank_browser_categories",
)
for question in bank_set.questions:
    if question.category not in chosen:
        continue
    with st.expander(f"{question.id} · {question.title.get(language)} ({question.points})"):
        st.write(question.question.get(language))
        st.caption(", ".join(c.get(language) for c in question.competencies))
        st.markdown("**" + ("评分要点" if zh else "Rubric points") + "**")
        for point in question.rubric:
            st.markdown(f"- {point.text.get(language)} (×{point.weight:g})")
