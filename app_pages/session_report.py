"""Session reports: machine and interviewer scores side by side, agreement, strengths, gaps,
next steps, and the report to download as printable HTML, CSV or JSON."""

import pandas as pd
import streamlit as st

from app_pages.common import (
    LANGUAGES,
    attempt,
    category_name,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    plain,
    tr,
)
from app_pages.page_errors import parse_id
from app_pages.tables import safe_table
from services import sessions
from services.names import OVERALL_SCALE
from services.report_render import to_csv, to_html, to_json
from services.session_report import SessionReport

db = database()
actor = current_actor()
st.title(tr("面试报告", "Session reports"))


def number(value: float | None, digits: int = 0, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def default_session(views: list[sessions.SessionView]) -> int | None:
    """The session asked for (?session=, or the one just finished), else the latest finished."""
    wanted = parse_id(st.query_params.get("session", ""))
    if wanted is not None:
        return wanted  # not necessarily the actor's: the service says so when it is not
    if st.session_state.get("report_session_id") in {v.id for v in views}:
        return st.session_state["report_session_id"]
    finished = sorted(
        (v for v in views if v.status == "finished"), key=lambda v: v.updated_at, reverse=True
    )
    return (finished or views)[0].id if views else None


def session_label(view: sessions.SessionView) -> str:
    names = dict.fromkeys([view.candidate_name, view.title])  # the title may be the name
    return " · ".join([f"#{view.id}", *names, f"{view.created_at:%Y-%m-%d}"])


def chosen_changed(key: str) -> None:
    st.session_state["report_session_id"] = st.session_state[key]
    st.query_params["session"] = str(st.session_state[key])


def summary(report: SessionReport) -> None:
    machine, human, difference = st.columns(3)
    machine.metric(tr("系统总分", "Machine overall"), number(report.machine_overall, 1))
    human.metric(tr("面试官总分", "Interviewer overall"), number(report.interviewer_overall, 1))
    gap = (
        None
        if report.machine_overall is None or report.interviewer_overall is None
        else report.interviewer_overall - report.machine_overall
    )
    difference.metric(
        tr("差值（面试官−系统）", "Difference (interviewer − machine)"), number(gap, 1, True)
    )


def scores_chart(frame: pd.DataFrame, x: str) -> None:
    machine, human = tr("系统", "Machine"), tr("面试官", "Interviewer")
    st.bar_chart(
        frame.set_index(x)[[machine, human]],
        stack=False,
        horizontal=True,
        x_label="",
        y_label="0–100",  # horizontal bars: the value axis is y
        color=["#6b8fb8", "#d9822b"],
        height=90 + 44 * len(frame),
    )


def by_category(report: SessionReport) -> None:
    st.subheader(tr("各题型得分", "Scores by category"))
    frame = pd.DataFrame(
        {
            tr("题型", "Category"): [category_name(c.category) for c in report.categories],
            tr("题数", "Questions"): [c.questions for c in report.categories],
            tr("系统", "Machine"): [c.machine_score for c in report.categories],
            tr("面试官", "Interviewer"): [c.interviewer_score for c in report.categories],
            tr("差值", "Difference"): [c.difference for c in report.categories],
        }
    )
    if not frame.empty:
        scores_chart(frame, tr("题型", "Category"))
    st.dataframe(safe_table(frame), hide_index=True)


def by_question(report: SessionReport) -> None:
    st.subheader(tr("各题得分", "Scores by question"))

    def rating(value: int | None) -> str:
        if value is None:
            return "–"
        zh, en, _, _ = OVERALL_SCALE[value]
        return f"{value} · {tr(zh, en)}"

    rows = report.questions
    frame = pd.DataFrame(
        {
            tr("题号", "ID"): [q.question_id for q in rows],
            tr("题目", "Question"): [q.title for q in rows],
            tr("题型", "Category"): [category_name(q.category) for q in rows],
            tr("系统", "Machine"): [q.machine_score for q in rows],
            tr("面试官", "Interviewer"): [q.interviewer_score for q in rows],
            tr("差值", "Difference"): [q.difference for q in rows],
            tr("整体评级", "Overall rating"): [rating(q.overall_rating) for q in rows],
        }
    )
    if not frame.empty:
        scores_chart(frame, tr("题号", "ID"))
    st.dataframe(safe_table(frame), hide_index=True)


def agreement(report: SessionReport) -> None:
    st.subheader(tr("评分一致性", "Agreement"))
    a = report.agreement
    share, kappa, mad, rho = st.columns(4)
    share.metric(
        tr("要点评级一致率", "Point ratings agree"),
        "–" if a.point_agreement is None else f"{a.point_agreement:.0%}",
        help=tr(
            f"比较了 {a.points_compared} 个要点：面试官与系统给出相同等级的比例。",
            f"Over {a.points_compared} points: the share rated the same by both.",
        ),
    )
    kappa.metric(
        "Cohen's κ",
        number(a.kappa, 2),
        help=tr(
            "扣除偶然一致后的要点一致程度：1 完全一致，0 相当于随机。",
            "Point agreement beyond chance: 1 is perfect, 0 is what chance gives.",
        ),
    )
    mad.metric(
        tr("题目得分平均绝对差", "Mean absolute difference"),
        number(a.mean_abs_difference, 1),
        help=tr(
            f"比较了 {a.questions_compared} 道题的百分制得分。",
            f"Over {a.questions_compared} questions, on the 0–100 scale.",
        ),
    )
    rho.metric(
        tr("题目得分 Spearman 相关", "Spearman correlation"),
        number(a.spearman, 2),
        help=tr("至少 3 道题才计算。", "Needs at least 3 questions."),
    )


def strengths_and_gaps(report: SessionReport) -> None:
    machine_mark = tr("（系统判断）", " (machine)")
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(tr("优势", "Strengths"))
        if not report.strengths:
            st.caption(tr("无", "None"))
        for note in report.strengths:
            st.markdown(
                f"- **{category_name(note.category)}** · {plain(note.text)} "
                f"({note.question_id})" + (machine_mark if note.source == "machine" else "")
            )
    with right:
        st.subheader(tr("待改进", "Gaps"))
        if not report.gaps:
            st.caption(tr("无", "None"))
        for note in report.gaps:
            with st.container(border=True):
                st.markdown(
                    f"**{plain(note.text)}** ({note.question_id})"
                    + (machine_mark if note.source == "machine" else "")
                )
                if note.weak:
                    st.caption(tr("常见薄弱表现：", "Typical weak answer: ") + plain(note.weak))
                if note.advice:
                    st.caption(tr("更好的回答会：", "A strong answer: ") + plain(note.advice))


def recommendations(report: SessionReport) -> None:
    st.subheader(tr("建议的下一步", "Next steps"))
    if not report.recommendations:
        st.success(
            tr(
                "各题型表现均衡，继续保持，并多做限时练习。",
                "Balanced across categories: keep it up and practise against the clock.",
            )
        )
    for number_, item in enumerate(report.recommendations, start=1):
        st.markdown(
            f"{number_}. **{category_name(item.category)}** ({item.score:.0f}): " + plain(item.text)
        )
        if item.focus:
            st.caption(tr("重点补充：", "Focus on: ") + plain("; ".join(item.focus)))


def answers(report: SessionReport) -> None:
    st.subheader(tr("回答与备注", "Answers and notes"))
    for row in report.questions:
        with st.expander(f"{row.question_id} · {row.title}"):
            st.text(row.answer or "–")
            for flag in row.flags:
                st.caption("⚠️ " + plain(flag))
            if row.notes:
                st.markdown("**" + tr("备注", "Notes") + "**")
                st.text(row.notes)


def downloads(session_id: int, views: dict[int, sessions.SessionView], bank_questions) -> None:
    st.subheader(tr("下载", "Download"))
    view = views.get(session_id)
    session_language = view.language if view else language()
    report_language = st.segmented_control(
        tr("报告语言", "Report language"),
        list(LANGUAGES),
        default=session_language,
        format_func=LANGUAGES.get,
        key=f"report_download_language_{session_id}",
        required=True,
    )
    report = attempt(
        lambda: sessions.session_report(
            db, actor, session_id, bank_questions, report_language or session_language
        )
    )
    if report is None:
        return
    stem = f"mock-session-{session_id}"
    html_col, csv_col, json_col = st.columns(3)
    html_col.download_button(
        tr("可打印的 HTML", "Printable HTML"),
        to_html(report).encode("utf-8"),
        file_name=f"{stem}.html",
        mime="text/html",
        key="report_download_html",
        on_click="ignore",
    )
    csv_col.download_button(
        "CSV",
        to_csv(report).encode("utf-8-sig"),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key="report_download_csv",
        on_click="ignore",
    )
    json_col.download_button(
        "JSON",
        to_json(report).encode("utf-8"),
        file_name=f"{stem}.json",
        mime="application/json",
        key="report_download_json",
        on_click="ignore",
    )


# --- the page -------------------------------------------------------------------------------

views = attempt(lambda: sessions.list_sessions(db, actor))
if views is None:
    st.stop()
session_id = default_session(views)
if session_id is None:
    st.info(
        tr(
            "还没有模拟面试。请先在“模拟面试”中进行一场。",
            "No sessions yet: run one under “Mock sessions” first.",
        )
    )
    st.stop()

by_id = {v.id: v for v in views}
options = list(by_id) if session_id in by_id else [session_id, *by_id]
key = f"report_choice_{session_id}"  # a new widget for each session shown (see mock_session)
st.selectbox(
    tr("模拟面试", "Session"),
    options,
    index=options.index(session_id),
    format_func=labels(
        options,
        lambda i: session_label(by_id[i]) if i in by_id else f"#{i}",
    ),
    key=key,
    on_change=chosen_changed,
    args=(key,),
)

bank_questions = live_bank().questions
report = attempt(lambda: sessions.session_report(db, actor, session_id, bank_questions, language()))
if report is None:
    st.stop()

view = by_id.get(session_id)
st.markdown(
    f"### {plain(report.title)}\n"
    + tr("候选人：", "Candidate: ")
    + plain(report.candidate)
    + " · "
    + tr("面试官：", "Interviewer: ")
    + plain(report.interviewer)
    + " · "
    + report.created_at[:16].replace("T", " ")
)
if view is not None and view.status == "active":
    st.warning(
        tr(
            "这场模拟面试尚未结束，报告是阶段性的。",
            "This session is still running: the report is provisional.",
        )
    )
if not report.questions:
    st.info(tr("这场模拟面试还没有任何回答或评分。", "Nothing was answered or rated yet."))
    st.stop()

summary(report)
by_category(report)
by_question(report)
agreement(report)
strengths_and_gaps(report)
recommendations(report)
answers(report)
downloads(session_id, by_id, bank_questions)
