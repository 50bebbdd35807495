"""Browse the question bank: search, filter by category, read each question and its rubric."""

import streamlit as st

from app_pages.common import (
    category_name,
    choice_key,
    choose_options,
    labels,
    language,
    live_bank,
    section_expander,
    tr,
)
from question_bank.schema import CATEGORIES

lang = language()
bank_set = live_bank()

st.title(tr("题库", "Question bank"))
search_col, category_col = st.columns([2, 3])
search = search_col.text_input(tr("搜索", "Search"), key="bank_browser_search").strip().lower()
chosen = category_col.multiselect(
    tr("题型", "Categories"),
    CATEGORIES,
    format_func=labels(CATEGORIES, category_name),
    key=choice_key("bank_browser_categories", list(CATEGORIES)),
    placeholder=choose_options(),
)
shown = [
    q
    for q in bank_set.questions
    if q.category in chosen
    and (not search or search in f"{q.id} {q.title.get(lang)} {q.question.get(lang)}".lower())
]
st.caption(tr(f"共 {len(shown)} 题", f"{len(shown)} questions"))
if not chosen:
    st.info(tr("请至少选择一个题型。", "Choose at least one category to see its questions."))
for question in shown:
    label = f"{question.id} · {question.title.get(lang)} · {category_name(question.category)}"
    with section_expander(f"bank_browser_{question.id}", f"{label} ({question.points:g})"):
        st.write(question.question.get(lang))
        st.caption(", ".join(c.get(lang) for c in question.competencies))
        st.markdown("**" + tr("评分要点", "Rubric points") + "**")
        for point in question.rubric:
            st.markdown(f"- {point.text.get(lang)} (×{point.weight:g})")
        if question.follow_ups:
            st.markdown("**" + tr("追问", "Follow-up prompts") + "**")
            for prompt in question.follow_ups:
                st.markdown(f"- {prompt.get(lang)}")
