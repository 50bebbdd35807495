"""Session reports: the interviewer's full report of a mock session (result, strengths, next
steps, scores, each answer's points with evidence, then the comparison with the machine), and
the report to download as PDF, printable HTML, CSV or JSON, in full or as the candidate's
version. The page and every download draw the same report object."""

import streamlit as st

from app_pages.common import (
    LANGUAGES,
    attempt,
    choice_key,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    tr,
)
from app_pages.page_errors import parse_id
from app_pages.report_view import report_downloads, report_header, show_report
from services import sessions
from services.session_report import candidate_view

db = database()
actor = current_actor()
st.title(tr("面试报告", "Session reports"))


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


def downloads(session_id: int, view: sessions.SessionView | None, private: bool) -> None:
    """The report to take away: the full one or the candidate's, in either language."""
    st.subheader(tr("下载", "Download"))
    session_language = view.language if view else language()
    left, right = st.columns(2)
    report_language = left.segmented_control(
        tr("报告语言", "Report language"),
        list(LANGUAGES),
        default=session_language,
        format_func=LANGUAGES.get,
        key=f"report_download_language_{session_id}",
        required=True,
    )
    versions = ["interviewer", "candidate"]
    version = right.segmented_control(
        tr("版本", "Version"),
        versions,
        format_func=labels(
            versions,
            lambda v: (
                tr("完整报告（面试官）", "Full report (interviewer)")
                if v == "interviewer"
                else tr("候选人版", "Candidate's version")
            ),
        ),
        key=choice_key(f"report_download_version_{session_id}", "interviewer"),
        required=True,
    )
    report = attempt(
        lambda: sessions.session_report(
            db, actor, session_id, bank_questions, report_language or session_language
        )
    )
    if report is None:
        return
    if version == "candidate":
        report = candidate_view(report)
        st.caption(
            tr(
                "候选人版不含评分一致性统计和未分享的备注，可直接发给候选人。",
                "The candidate's version has no agreement statistics and no unshared notes: "
                "you can send it to the candidate.",
            )
        )
    suffix = "-candidate" if version == "candidate" else ""
    report_downloads(report, f"mock-session-{session_id}{suffix}", "report_download", private)


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
report_header(report)
if view is not None and view.candidate_user_id is not None:
    st.caption(
        tr(
            "🔗 候选人账户：结束后，候选人可在“我的进步”中查看候选人版报告。",
            "🔗 Candidate account: once finished, the candidate reads the candidate's version "
            "under “My progress”.",
        )
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

private = st.toggle(
    tr("包含私人备注（仅面试官可见）", "Include private notes (interviewer only)"),
    value=True,
    key="report_private_notes",
)
show_report(report, include_private_notes=private, key=f"report_{session_id}")
st.divider()
downloads(session_id, view, private)
