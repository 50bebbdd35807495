"""My progress: the user's own practice attempts per category and over time; open one to reread
its feedback."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app_pages.candidate_sessions import candidate_sessions_section
from app_pages.common import (
    attempt,
    category_name,
    choice_key,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    tr,
)
from app_pages.tables import safe_table
from app_pages.widgets import feedback, follow_up_answers
from services import practice
from services.practice import round_score

db = database()
actor = current_actor()
lang = language()
bank_set = live_bank()

st.title(tr("我的进步", "My progress"))
candidate_sessions_section()  # the reports of mock sessions run for this account
attempts = attempt(lambda: practice.list_attempts(db, actor))
if attempts is None:
    st.stop()
if not attempts:
    st.info(
        tr(
            "还没有作答记录。打开左侧的「练习」页面，选择题目、写下回答并点击「提交评分」，"
            "你的得分、各题型的平均分和进步曲线就会出现在这里。",
            "No attempts yet. Open Practice in the menu, choose questions, write an answer and "
            "press “Submit for scoring”: your scores, the mean per category and your progress "
            "over time will show here.",
        )
    )
    st.stop()
if actor.role == "guest":
    st.caption(
        tr(
            "访客记录保存在本浏览器地址对应的访客身份下；登录后可长期保存。",
            "Guest attempts are kept under this browser address's guest key; sign in to keep "
            "them for good.",
        )
    )


def question_title(question_id: str) -> str:
    try:
        return bank_set.question(question_id).title.get(lang)
    except KeyError:
        return question_id


# --- summary ---------------------------------------------------------------------------------

scores = [a.report.score for a in attempts]
total_col, mean_col, best_col, questions_col = st.columns(4)
total_col.metric(tr("作答次数", "Attempts"), len(attempts))
mean_col.metric(tr("平均分", "Mean score"), practice.mean_score(attempts))
best_col.metric(tr("最高分", "Best score"), round_score(max(scores)))
questions_col.metric(
    tr("练过的题目", "Questions practised"), len({a.question_id for a in attempts})
)

st.subheader(tr("各题型", "Per category"))
summary = practice.category_summary(attempts)
summary["category"] = summary["category"].map(category_name)
st.dataframe(
    safe_table(
        summary.rename(
            columns={
                "category": tr("题型", "Category"),
                "attempts": tr("次数", "Attempts"),
                "mean": tr("平均分", "Mean"),
                "best": tr("最高分", "Best"),
                "latest": tr("最近一次", "Latest"),
            }
        )
    ),
    hide_index=True,
    key="history_summary",
)

st.subheader(tr("得分变化", "Score over attempts"))
measures = ["score", "running_mean"]
measure = st.segmented_control(
    tr("显示", "Show"),
    measures,
    format_func=labels(
        measures,
        {"score": tr("每次得分", "Each score"), "running_mean": tr("累计平均", "Running mean")}.get,
    ),
    required=True,
    key=choice_key("history_measure", "score"),
)
progress = practice.progress_frame(attempts)
progress["category"] = progress["category"].map(category_name)
columns = {
    "attempt": tr("第几次作答", "Attempt"),
    "category": tr("题型", "Category"),
    "score": tr("每次得分", "Each score"),
    "running_mean": tr("累计平均", "Running mean"),
}
shown_measure = columns[measure or "score"]
chart = (
    alt.Chart(progress.rename(columns=columns))
    .mark_line(point=alt.OverlayMarkDef(size=80, filled=True))  # one attempt is still a point
    .encode(
        x=alt.X(
            field=columns["attempt"],
            type="quantitative",
            title=columns["attempt"],
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        y=alt.Y(
            field=shown_measure,
            type="quantitative",
            title=tr("得分（百分制）", "Score (0–100)"),
            scale=alt.Scale(domain=[0, 100]),  # the whole scale: 37 does not look like a top score
        ),
        color=alt.Color(field=columns["category"], type="nominal", title=columns["category"]),
        tooltip=[
            alt.Tooltip(field=columns["attempt"], type="quantitative"),
            alt.Tooltip(field=columns["category"], type="nominal"),
            alt.Tooltip(field=shown_measure, type="quantitative"),
        ],
    )
)
st.altair_chart(chart, width="stretch")

# --- every attempt ---------------------------------------------------------------------------

st.subheader(tr("全部作答", "All attempts"))
numbered = list(enumerate(attempts, start=1))
st.dataframe(
    safe_table(
        [
            {
                "#": number,
                tr("时间", "Time"): a.created_at.strftime("%Y-%m-%d %H:%M"),
                tr("题目", "Question"): f"{a.question_id} · {question_title(a.question_id)}",
                tr("题型", "Category"): category_name(a.category),
                tr("得分", "Score"): round_score(a.report.score),
                tr(
                    "题目分", "Points"
                ): f"{a.report.points_score:.1f} / {a.report.points_possible:g}",
                tr("用时", "Time taken"): "—"
                if a.seconds_taken is None
                else practice.mmss(a.seconds_taken),
                tr("追问补充", "Follow-ups"): str(len(a.follow_ups)) if a.follow_ups else "—",
            }
            for number, a in reversed(numbered)
        ]
    ),
    hide_index=True,
    key="history_table",
)

ids = [a.id for _, a in reversed(numbered)]
names = {
    a.id: f"#{number} · {a.created_at:%m-%d %H:%M} · {a.question_id} · {round_score(a.report.score)}"
    for number, a in numbered
}
opened_id = st.selectbox(
    tr("打开一次作答查看反馈", "Open an attempt to read its feedback"),
    ids,
    index=None,
    format_func=labels(ids, names.get),
    placeholder=tr("选择一次作答…", "Choose an attempt…"),
    key="history_open",
)
if opened_id is not None:
    opened = attempt(lambda: practice.get_attempt(db, actor, opened_id))
    if opened is not None:
        try:
            question = bank_set.question(opened.question_id)
        except KeyError:
            st.warning(
                tr(
                    f"题目 {opened.question_id} 已不在题库中，只能显示你的回答。",
                    f"Question {opened.question_id} is no longer in the bank; only your answer "
                    "is shown.",
                )
            )
            st.code(opened.answer, language=None, wrap_lines=True)
        else:
            with st.container(border=True):
                st.markdown(f"**{question.title.get(lang)}**")
                st.caption(question.question.get(lang))
            feedback(
                question,
                opened.answer,
                opened.report,
                key=f"history_feedback_{opened.id}",
                lifted=opened.lifted,
                first_score=opened.first_score,
            )
            follow_up_answers(question, opened.follow_ups)
