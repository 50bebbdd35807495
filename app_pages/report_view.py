"""A mock-session report drawn in the app: the page's renderer of the one report object.

`show_report` draws a `SessionReport` (the interviewer's or the candidate's view) in the order
the HTML and PDF use, with their labels and number formats (`services.report_render`), so the
page, the printed report and every export say the same thing. `report_downloads` offers the
same object as PDF, HTML, CSV and JSON.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import language, plain, section_expander, tr
from services import report_render as render
from services.report_render import format_score, label
from services.session_report import (
    PointRow,
    QuestionRow,
    SessionReport,
    without_private_notes,
)

STATUS_ICONS = {"covered": "✅", "partial": "🟡", "missing": "❌"}
HUMAN_COLOUR, MACHINE_COLOUR = "#d9822b", "#6b8fb8"


def t(key: str) -> str:
    """A report label in the page's language."""
    return label(key, language())


def report_header(report: SessionReport) -> None:
    """Title, who and when, as the printed report's header."""
    lang = language()
    st.markdown(f"### {plain(report.title)}")
    colon = "：" if lang == "zh" else ": "
    st.caption(
        " · ".join(
            f"{t(key)}{colon}{plain(value)}"
            for key, value in (
                ("candidate", report.candidate),
                ("interviewer", report.interviewer),
                ("date", render.format_date(report.created_at, lang)),
            )
        )
    )


def show_report(
    report: SessionReport, include_private_notes: bool = True, key: str = "report"
) -> None:
    """The whole report: result, strengths, next steps, scores, each answer, and (interviewer
    only) the comparison with the machine. `key` names this report's expanders (one per
    answer), so that they stay open when the language changes."""
    summary(report)
    strengths_and_next_steps(report)
    comments(report)
    gaps(report)
    by_category(report)
    by_question(report)
    details(report, include_private_notes, key)
    if report.audience == "interviewer" and report.agreement is not None:
        comparison(report)


def summary(report: SessionReport) -> None:
    st.subheader(t("summary"))
    score, who = render.headline(report, language())
    covered, judged = report.points_covered
    columns = st.columns(3)
    columns[0].metric(who, f"{score} / 100" if report.overall is not None else score)
    if report.overall_source == "interviewer":
        columns[1].metric(t("machine_reference"), format_score(report.machine_overall))
    if judged:
        columns[2].metric(t("points_covered"), f"{covered} / {judged}")


def strengths_and_next_steps(report: SessionReport) -> None:
    lang = language()
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("strengths"))
        if not report.strengths:
            st.caption(t("none"))
        for note in report.strengths:
            machine = f" {t('source_machine')}" if note.source == "machine" else ""
            st.markdown(
                f"- **{render.category_label(note.category, lang)}** · {plain(note.text)} "
                f"({note.question_id}){machine}"
            )
    with right:
        st.subheader(t("recommendations"))
        if not report.recommendations:
            st.success(t("no_recommendations"))
        colon = "：" if lang == "zh" else ": "
        for number, item in enumerate(report.recommendations, start=1):
            score = format_score(item.score)
            score = f"（{score}）" if lang == "zh" else f" ({score})"
            st.markdown(
                f"{number}. **{render.category_label(item.category, lang)}{score}**{colon}"
                + plain(item.text)
            )
            if item.focus:
                st.caption(f"{t('focus')}{colon}" + plain(render.focus_text(item, lang)))


def comments(report: SessionReport) -> None:
    """The interviewer's comments shared with the candidate, near the top."""
    shared = render.shared_comments(report)
    if not shared:
        return
    st.subheader(t("comment"))
    for row, text in shared:
        st.caption(f"{row.question_id} · {plain(row.title)}")
        st.info(plain(text))


def gaps(report: SessionReport) -> None:
    if not report.gaps:
        return
    st.subheader(t("gaps"))
    text_table(
        {
            t("question_id"): [g.question_id for g in report.gaps],
            t("point"): [g.text for g in report.gaps],
            t("advice"): [g.advice or "–" for g in report.gaps],
        }
    )


def text_table(columns: dict[str, list[str]]) -> None:
    """A static table whose long texts wrap (st.table); cells shown as typed, never as
    Markdown."""
    st.table(
        pd.DataFrame({name: [plain(v) for v in values] for name, values in columns.items()}),
        hide_index=True,
    )


def scores_chart(names: list[str], human: list, machine: list) -> None:
    """Interviewer and machine bars side by side per row, on a fixed 0-100 axis."""
    who = [t("human"), t("machine")]
    rows = [
        {"name": name, "who": source, "score": value}
        for name, values in zip(names, zip(human, machine, strict=True), strict=True)
        for source, value in zip(who, values, strict=True)
        if value is not None
    ]
    if not rows:
        return
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="0–100"),
            y=alt.Y("name:N", sort=names, title=None, axis=alt.Axis(labelLimit=240)),
            yOffset=alt.YOffset("who:N", sort=who),
            color=alt.Color(
                "who:N",
                sort=who,
                scale=alt.Scale(domain=who, range=[HUMAN_COLOUR, MACHINE_COLOUR]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=" "),
                alt.Tooltip("who:N", title=" "),
                alt.Tooltip("score:Q", title="0–100", format=".0f"),
            ],
        )
        .properties(height=alt.Step(18))
    )
    st.altair_chart(chart, width="stretch")


def by_category(report: SessionReport) -> None:
    st.subheader(t("by_category"))
    headers, rows = render.category_rows(report, language())
    if report.categories:
        scores_chart(
            [r[0] for r in rows],
            [c.interviewer_score for c in report.categories],
            [c.machine_score for c in report.categories],
        )
    text_table({name: [row[i] for row in rows] for i, name in enumerate(headers)})


def by_question(report: SessionReport) -> None:
    st.subheader(t("by_question"))
    headers, rows = render.question_rows(report, language())
    text_table({name: [row[i] for row in rows] for i, name in enumerate(headers)})


def point_status(point: PointRow) -> str:
    icon = STATUS_ICONS.get(point.status, "⬜")
    return f"{icon} {render.point_status_text(point, language())}"


def points_table(points: tuple[PointRow, ...]) -> None:
    """Each rubric point with its status and the answer's clause that shows it (wrapped)."""
    text_table(
        {
            t("point"): [p.text for p in points],
            t("status"): [point_status(p) for p in points],
            t("confidence"): [render.format_share(p.probability) for p in points],
            t("evidence"): [p.evidence or "–" for p in points],
        }
    )


def details(report: SessionReport, include_private_notes: bool, key: str) -> None:
    st.subheader(t("details"))
    for row in report.questions:
        with section_expander(f"{key}_{row.question_id}", f"{row.question_id} · {row.title}"):
            question_detail(report, row, include_private_notes)


def question_detail(report: SessionReport, row: QuestionRow, include_private_notes: bool) -> None:
    lang = language()
    st.caption(
        f"{t('interviewer_score')} {format_score(row.interviewer_score)} · "
        f"{t('machine_score')} {format_score(row.machine_score)} · "
        f"{t('overall_rating')} {render.rating_text(row.overall_rating, lang)}"
    )
    st.markdown(f"**{t('answer')}**")
    st.text(row.answer or "–")
    if row.points:
        points_table(row.points)
    for follow_up in row.follow_ups:
        st.markdown(f"**{t('follow_up')}**{tr('：', ': ')}" + plain(follow_up.question))
        st.text(follow_up.answer or "–")
    for flag in row.flags:
        st.caption("⚠️ " + plain(flag))
    if report.audience == "interviewer" and include_private_notes and render.private_notes(row):
        st.markdown(f"**{t('private_notes')}**")
        st.text(render.private_notes(row))


def comparison(report: SessionReport) -> None:
    """The interviewer's view of how far they and the machine agree (late, for the record)."""
    st.subheader(t("comparison"))
    rows = render.agreement_rows(report, language())
    columns = st.columns(3)
    for i, (name, value) in enumerate(rows):
        columns[i % 3].metric(name, value)
    st.caption(
        tr(
            "Cohen's κ：扣除偶然一致后的要点一致程度，1 完全一致，0 相当于随机；"
            "Spearman 相关至少 3 道题才计算。",
            "Cohen's κ: point agreement beyond chance (1 perfect, 0 what chance gives); "
            "the Spearman correlation needs at least 3 questions.",
        )
    )


def report_downloads(
    report: SessionReport, stem: str, key: str, include_private_notes: bool = True
) -> None:
    """PDF, printable HTML, CSV and JSON of this report object (the PDF made when asked)."""
    if not include_private_notes:
        report = without_private_notes(report)
    pdf, page, table, data = st.columns(4)
    pdf.download_button(
        "PDF",
        lambda: render.to_pdf(report, include_private_notes=include_private_notes),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        key=f"{key}_pdf",
        on_click="ignore",
        type="primary",
        icon=":material/picture_as_pdf:",
    )
    page.download_button(
        tr("可打印的 HTML", "Printable HTML"),
        render.to_html(report, include_private_notes=include_private_notes).encode("utf-8"),
        file_name=f"{stem}.html",
        mime="text/html",
        key=f"{key}_html",
        on_click="ignore",
    )
    table.download_button(
        "CSV",
        render.to_csv(report, include_private_notes=include_private_notes).encode("utf-8-sig"),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    data.download_button(
        "JSON",
        render.to_json(report).encode("utf-8"),
        file_name=f"{stem}.json",
        mime="application/json",
        key=f"{key}_json",
        on_click="ignore",
    )
