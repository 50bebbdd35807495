"""My mock interviews: a candidate reads the reports of the finished sessions run for their
account (drawn under My progress). The candidate's report has their scores, each point with
its evidence, the comments the interviewer shared and next steps; no agreement statistics and
no private notes (the service leaves them out of the object)."""

from __future__ import annotations

import streamlit as st

from app_pages.common import (
    attempt,
    choice_key,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    tr,
)
from app_pages.report_view import report_downloads, report_header, show_report
from services import report_render, sessions


def candidate_sessions_section() -> None:
    """The signed-in candidate's finished mock sessions and the chosen one's report; nothing
    for a guest or someone without sessions."""
    db = database()
    actor = current_actor()
    if actor.user_id is None:
        return
    views = attempt(lambda: sessions.candidate_sessions(db, actor))
    if not views:
        return
    st.header(tr("我的模拟面试", "My mock interviews"))
    by_id = {v.id: v for v in views}
    lang = language()
    chosen = st.selectbox(
        tr("选择一场模拟面试", "Choose a session"),
        list(by_id),
        format_func=labels(
            list(by_id),
            lambda i: (
                f"{by_id[i].title} · "
                + report_render.format_date(by_id[i].created_at.isoformat(), lang)
            ),
        ),
        key=choice_key("candidate_session_choice"),
    )
    report = attempt(
        lambda: sessions.candidate_report(db, actor, chosen, live_bank().questions, lang)
    )
    if report is None:
        return
    with st.container(border=True):
        report_header(report)
        show_report(report, key=f"candidate_report_{chosen}")
        st.markdown("**" + tr("下载我的报告", "Download my report") + "**")
        report_downloads(report, f"mock-interview-{chosen}", f"candidate_download_{chosen}")
    st.divider()
