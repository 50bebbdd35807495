"""Cohort (interviewers and trainers): every candidate against every question and category as
heat maps, the rubric points most often missed, filters, and CSV / Excel downloads.

The numbers come from `services.cohort.build_cohort` (who may see whom is decided there);
the tables and downloads from `services.cohort_export`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import (
    attempt,
    bank_revision,
    category_name,
    choice_key,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    section_tabs,
    tr,
)
from app_pages.tables import safe_table
from services import cohort, cohort_export
from services.accounts import Actor
from services.cohort import Candidate, CohortFilters, CohortReport

SCALE = alt.Scale(domain=[0, 100], scheme="redyellowgreen")  # one colour scale for both maps
CELL_PX = 18
LABELLED_CELLS = 400  # up to this many cells each shows its number
MISSED_SHOWN = 15

db = database()
actor = current_actor()
lang = language()
bank_set = live_bank()
questions = {q.id: q for q in bank_set.questions}

st.title(tr("学员总览", "Cohort"))
st.caption(
    tr(
        "每个格子是候选人在所选期间对该题的最近一次作答得分（0–100），来自候选人账户的练习和模拟面试。"
        "颜色从红（低）到绿（高），两张热力图使用同一色标。",
        "Each cell is the candidate's latest answer to the question in the chosen period "
        "(score 0–100), from candidate accounts' practice and from mock sessions. Colours run "
        "from red (low) to green (high), on one scale for both heat maps.",
    )
)

interviewers = attempt(lambda: cohort.visible_interviewers(db, actor))
if interviewers is None:
    st.stop()

# --- filters -----------------------------------------------------------------------------------

PERIODS = {
    "all": ("全部", "All time"),
    "7": ("最近 7 天", "Last 7 days"),
    "30": ("最近 30 天", "Last 30 days"),
    "90": ("最近 90 天", "Last 90 days"),
    "custom": ("自定义日期", "Choose dates"),
}
bank_col, period_col, interviewer_col, kind_col = st.columns([2, 2, 2, 2])
ALL = ""  # the "no filter" option (not None: a widget given None shows nothing chosen)
bank_ids = [ALL, *bank_set.banks]
bank_id = bank_col.selectbox(
    tr("题库", "Bank"),
    bank_ids,
    format_func=labels(
        bank_ids,
        lambda b: tr("全部题库", "All banks") if b == ALL else bank_set.banks[b].name.get(lang),
    ),
    key=choice_key("cohort_bank"),
)
period = period_col.selectbox(
    tr("期间", "Period"),
    list(PERIODS),
    format_func=labels(PERIODS, lambda p: tr(*PERIODS[p])),
    key=choice_key("cohort_period"),
)
today = datetime.now(UTC).date()
since: date | None = None
until: date | None = None
if period == "custom":
    chosen = period_col.date_input(
        tr("从 … 到 …", "From … to …"),
        value=(today - timedelta(days=30), today),
        max_value=today,
        key="cohort_dates",
    )
    since, until = (*chosen, *chosen)[:2] if chosen else (None, None)  # one day: that day
elif period != "all":
    since = today - timedelta(days=int(period) - 1)

interviewer_ids = [ALL, *(i for i, _ in interviewers)]
interviewer_names = dict(interviewers)
interviewer_id = interviewer_col.selectbox(
    tr("面试官", "Interviewer"),
    interviewer_ids,
    format_func=labels(
        interviewer_ids,
        lambda i: (
            tr("全部（含练习）", "Everyone (and practice)") if i == ALL else interviewer_names[i]
        ),
    ),
    key=choice_key("cohort_interviewer"),
    help=tr(
        "选定面试官时只显示他主持的模拟面试（练习没有面试官）。",
        "With an interviewer chosen, only the mock sessions they ran are shown (practice has "
        "no interviewer).",
    ),
)
with kind_col:
    st.markdown(tr("作答来源", "Answers from"))
    use_practice = st.checkbox(
        tr("练习", "Practice"),
        value=True,
        key="cohort_practice",
        disabled=interviewer_id != ALL,
    )
    use_sessions = st.checkbox(tr("模拟面试", "Mock sessions"), value=True, key="cohort_sessions")

filters = CohortFilters(
    bank_id=None if bank_id == ALL else bank_id,
    since=since,
    until=until,
    interviewer_id=None if interviewer_id == ALL else interviewer_id,
    practice=use_practice,
    sessions=use_sessions,
)


@st.cache_data(show_spinner=False, max_entries=16, ttl=300)
def cohort_report(
    actor: Actor, filters: CohortFilters, bank_at: tuple[int, int], data_at: tuple[str, ...]
) -> CohortReport:
    """The report for this viewer and these filters, computed again when the bank or any
    answer changes (the revisions are part of the cache key)."""
    return cohort.build_cohort(database(), actor, live_bank().questions, filters)


with st.spinner(tr("正在汇总…", "Adding it all up…")):
    report = attempt(lambda: cohort_report(actor, filters, bank_revision(db), cohort.revision(db)))
if report is None:
    st.stop()
if report.empty:
    st.info(
        tr(
            "所选范围内还没有已评分的作答。候选人账户在「练习」中提交的回答、以及模拟面试中已评分的回答会出现在这里；"
            "可以放宽期间或来源再看。",
            "No scored answers in this range yet. Answers that candidate accounts submit in "
            "Practice, and scored answers of mock sessions, show here; try a wider period or "
            "more sources.",
        )
    )
    st.stop()

# --- summary -----------------------------------------------------------------------------------


def summary(report: CohortReport) -> None:
    scores = [c.score for c in report.cells]
    people, asked, given, mean = st.columns(4)
    people.metric(tr("候选人", "Candidates"), len(report.candidates))
    asked.metric(tr("题目", "Questions"), len(report.question_ids))
    given.metric(tr("作答（全部次数）", "Answers (all tries)"), report.answers)
    mean.metric(tr("最近作答平均分", "Mean of latest answers"), f"{sum(scores) / len(scores):.0f}")


summary(report)

# --- heat maps ---------------------------------------------------------------------------------

ORDERS = {"name": ("按姓名", "By name"), "low": ("平均分从低到高", "Lowest mean first")}
order = st.radio(
    tr("候选人排序", "Order candidates"),
    list(ORDERS),
    format_func=labels(ORDERS, lambda o: tr(*ORDERS[o])),
    horizontal=True,
    key=choice_key("cohort_order"),
)


def row_label(candidate: Candidate) -> str:
    """A heat-map row: "王小明 (wang)" for an account, the name marked external otherwise."""
    if candidate.username:
        return candidate.label
    return candidate.name + tr("（外部候选人）", " (external)")


def candidate_order(report: CohortReport, how: str) -> list[str]:
    """Candidate labels in the chosen order (by name, or weakest mean first)."""
    if how == "name":
        return [row_label(c) for c in report.candidates]
    means: dict[str, list[float]] = {}
    for cell in report.cells:
        means.setdefault(cell.candidate, []).append(cell.score)
    ranked = sorted(report.candidates, key=lambda c: sum(means[c.key]) / len(means[c.key]))
    return [row_label(c) for c in ranked]


def heat_map(
    frame: pd.DataFrame, column: str, column_title: str, columns: list[str], rows: list[str]
) -> alt.LayerChart | alt.Chart:
    """Candidates down, `column` across, each cell coloured by its score (0-100)."""
    legend = alt.Legend(
        title=tr("得分（0–100）", "Score (0–100)"), orient="right", gradientLength=240
    )
    base = alt.Chart(frame).encode(
        x=alt.X(
            f"{column}:N",
            sort=columns,
            title=column_title,
            axis=alt.Axis(
                labelAngle=0 if len(columns) <= 8 else -60, labelOverlap=False, orient="top"
            ),
        ),
        y=alt.Y(
            "candidate:N",
            sort=rows,
            title=None,
            axis=alt.Axis(labelLimit=240, labelOverlap=False),
        ),
    )
    tooltip = [
        alt.Tooltip("candidate:N", title=tr("候选人", "Candidate")),
        alt.Tooltip("label:N", title=column_title),
        alt.Tooltip("score:Q", title=tr("得分", "Score"), format=".0f"),
        alt.Tooltip("detail:N", title=tr("说明", "Detail")),
    ]
    cells = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        color=alt.Color("score:Q", scale=SCALE, legend=legend), tooltip=tooltip
    )
    chart = cells
    if len(frame) <= LABELLED_CELLS:
        dark = (alt.datum.score < 25) | (alt.datum.score > 80)  # the scale's deep ends
        numbers = base.mark_text(fontSize=11).encode(
            text=alt.Text("score:Q", format=".0f"),
            color=alt.condition(dark, alt.value("white"), alt.value("#1f1f1f")),
            tooltip=tooltip,
        )
        chart = cells + numbers
    # every candidate a readable row, every column wide enough for a number
    return chart.properties(height=alt.Step(CELL_PX), width=alt.Step(CELL_PX + 8))


rows = candidate_order(report, order)
label_of = {c.key: row_label(c) for c in report.candidates}
by_question = pd.DataFrame(
    [
        {
            "candidate": label_of[c.candidate],
            "question": c.question_id,
            "label": f"{c.question_id} {questions[c.question_id].title.get(lang)}",
            "score": round(c.score, 1),
            "detail": tr(
                f"{c.answers} 次作答，最近一次来自{'练习' if c.source == 'practice' else '模拟面试'}",
                f"{c.answers} answer(s), the latest from "
                + ("practice" if c.source == "practice" else "a mock session"),
            ),
        }
        for c in report.cells
    ]
)
by_category = pd.DataFrame(
    [
        {
            "candidate": label_of[c.candidate],
            "category": category_name(c.category),
            "label": category_name(c.category),
            "score": round(c.score, 1),
            "detail": tr(f"{c.questions} 道题", f"{c.questions} question(s)"),
        }
        for c in report.categories
    ]
)

tabs = section_tabs(
    "cohort_tabs",
    {
        "questions": ("候选人 × 题目", "Candidates × questions"),
        "categories": ("候选人 × 题型", "Candidates × categories"),
        "missed": ("最常遗漏的要点", "Most missed points"),
    },
)
with tabs["questions"]:
    st.altair_chart(
        heat_map(by_question, "question", tr("题目", "Question"), list(report.question_ids), rows),
        width="stretch",
    )
with tabs["categories"]:
    present = [category_name(c) for c in cohort_export.categories_in(report)]
    st.altair_chart(
        heat_map(by_category, "category", tr("题型", "Category"), present, rows),
        width="stretch",
    )
    st.caption(
        tr(
            "题型得分 = 该题型各题最近一次作答的得分点之和 ÷ 满分之和。",
            "A category's score is the points of the latest answers to its questions over "
            "their possible points.",
        )
    )
with tabs["missed"]:
    st.caption(
        tr(
            f"按未覆盖比例排列的前 {MISSED_SHOWN} 个要点（每人每题只计最近一次作答；模拟面试中以面试官的评分为准）。",
            f"The {MISSED_SHOWN} points missed most often (each candidate's latest answer per "
            "question; in mock sessions the interviewer's rating counts).",
        )
    )
    missed = cohort_export.missed_table(report, questions, lang, MISSED_SHOWN)
    head = lambda key: cohort_export.header(key, lang)  # noqa: E731
    st.dataframe(
        safe_table(missed.drop(columns=[head("title")])),  # the title is in the downloads
        hide_index=True,
        width="stretch",
        height=35 * (len(missed) + 1) + 3,  # every row, no inner scrolling
        column_config={
            head("question_id"): st.column_config.TextColumn(width="small"),
            head("point"): st.column_config.TextColumn(width="large"),
            head("missed_share"): st.column_config.ProgressColumn(
                head("missed_share"), min_value=0, max_value=100, format="%.0f%%", width="medium"
            ),
            head("missing"): st.column_config.NumberColumn(width="small"),
            head("partial"): st.column_config.NumberColumn(width="small"),
            head("answers"): st.column_config.NumberColumn(width="small"),
        },
    )

# --- downloads ---------------------------------------------------------------------------------

stamp = today.strftime("%Y%m%d")
csv_col, excel_col = st.columns(2)
csv_col.download_button(  # the files are written when clicked, not on every run
    tr("下载明细 CSV", "Download the details (CSV)"),
    lambda: cohort_export.csv_bytes(cohort_export.details_table(report, questions, lang)),
    f"cohort-{stamp}.csv",
    "text/csv",
    key="cohort_csv",
    on_click="ignore",
)
excel_col.download_button(
    tr("下载 Excel（四个工作表）", "Download Excel (four sheets)"),
    lambda: cohort_export.excel_bytes(report, questions, lang),
    f"cohort-{stamp}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="cohort_excel",
    on_click="ignore",
)
