"""Pieces of UI more than one page draws: the question card and the feedback on an answer."""

from __future__ import annotations

import html

import streamlit as st

from app_pages.common import category_name, language, tr
from question_bank.schema import Question
from scoring.report import ScoreReport

STATUS_LOOK = {  # status -> (icon, highlight colour, zh, en)
    "covered": ("✅", "#c8f0c8", "已覆盖", "Covered"),
    "partial": ("🟡", "#fff0b3", "部分覆盖", "Partly"),
    "missing": ("❌", "#f8d0d0", "未覆盖", "Missing"),
}
STAR_NAMES = {
    "situation": ("情境", "Situation"),
    "task": ("任务", "Task"),
    "action": ("行动", "Action"),
    "result": ("结果", "Result"),
}


def status_label(status: str) -> str:
    icon, _, zh, en = STATUS_LOOK[status]
    return f"{icon} {tr(zh, en)}"


def question_card(question: Question, key: str) -> None:
    """Scenario, category and suggested time; competencies and hints behind toggles."""
    lang = language()
    with st.container(border=True):
        st.caption(
            f"{category_name(question.category)} · {question.id} · "
            + tr(f"{question.points:g} 分", f"{question.points:g} points")
            + " · "
            + tr(
                f"建议作答 {question.answer_time_seconds // 60} 分钟",
                f"suggested time {question.answer_time_seconds // 60} min",
            )
        )
        st.subheader(question.title.get(lang))
        st.markdown(question.question.get(lang))
        left, right = st.columns(2)
        if left.toggle(tr("显示考察能力", "Show competencies"), key=f"{key}_competencies"):
            left.markdown("\n".join(f"- {c.get(lang)}" for c in question.competencies))
        if right.toggle(tr("显示提示", "Show hints"), key=f"{key}_hints"):
            right.markdown(
                tr("好的回答通常会谈到：", "A good answer usually touches on:")
                + "\n"
                + "\n".join(f"- {p.text.get(lang)}" for p in question.rubric)
            )


def highlighted_answer(answer: str, report: ScoreReport) -> str:
    """The answer as HTML with each evidence clause marked by its status and point number.

    All answer text is escaped: whatever the user typed is shown as text, never as markup.
    """
    marks: list[tuple[int, int, str, int]] = []
    for number, point in enumerate(report.points, start=1):
        if point.evidence_span and point.status != "missing":
            start, end = point.evidence_span
            marks.append((start, end, point.status, number))
    marks.sort()
    pieces, cursor = [], 0
    for start, end, status, number in marks:
        if start < cursor:  # overlapping evidence: the clause is already marked
            continue
        pieces.append(html.escape(answer[cursor:start]))
        colour = STATUS_LOOK[status][1]
        pieces.append(
            f'<mark style="background:{colour};padding:0 2px;border-radius:3px">'
            f"{html.escape(answer[start:end])}<sup>{number}</sup></mark>"
        )
        cursor = end
    pieces.append(html.escape(answer[cursor:]))
    body = "".join(pieces).replace("\n", "<br>")
    return f'<div style="line-height:1.8;white-space:normal">{body}</div>'


def feedback(question: Question, answer: str, report: ScoreReport, key: str) -> None:
    """The full feedback on one answer: scores, flags, points, STAR, length, reference."""
    lang = language()
    score_col, points_col, covered_col = st.columns(3)
    score_col.metric(tr("得分（百分制）", "Score (0–100)"), f"{report.score:.0f}")
    points_col.metric(
        tr("题目分", "Question points"), f"{report.points_score:.1f} / {report.points_possible:g}"
    )
    covered_col.metric(tr("覆盖要点", "Points covered"), f"{report.covered} / {len(report.points)}")
    for flag in report.flags:
        show = {"error": st.error, "warning": st.warning}.get(flag.severity, st.info)
        show(flag.message(lang))
    for warning in report.warnings:
        st.caption(f"⚠️ {warning}")

    st.markdown(
        "**" + tr("你的回答（标出了对应要点的句子）", "Your answer (evidence marked)") + "**"
    )
    st.markdown(highlighted_answer(answer, report), unsafe_allow_html=True)

    st.markdown("**" + tr("逐条评分要点", "Rubric points, one by one") + "**")
    for number, point in enumerate(report.points, start=1):
        rubric_point = _rubric_point(question, point.point_id)
        title = rubric_point.text.get(lang) if rubric_point else point.text
        with st.container(border=True):
            st.markdown(f"**{number}. {title}** — {status_label(point.status)}")
            st.progress(min(max(point.probability, 0.0), 1.0), text=f"{point.probability:.0%}")
            if point.evidence and point.status != "missing":
                st.caption(tr("依据：", "Evidence: ") + point.evidence)
            if point.rejected:
                st.caption(
                    tr(
                        "该句提到此要点但表示不会这样做。",
                        "This clause names the point only to reject it.",
                    )
                )
            if point.status != "covered":
                advice = (
                    rubric_point.strong.get(lang) if rubric_point and rubric_point.strong else None
                )
                advice = advice or point.advice
                if advice:
                    st.markdown(
                        tr("💡 好的回答会补充：", "💡 A strong answer would add: ") + advice
                    )

    if report.star is not None and question.category == "behavioral":
        st.markdown("**" + tr("STAR 结构检查", "STAR check") + "**")
        columns = st.columns(5)
        for column, (element, (zh, en)) in zip(columns, STAR_NAMES.items(), strict=False):
            present = getattr(report.star, element)
            column.markdown(f"{'✅' if present else '⬜'} {tr(zh, en)}")
        columns[4].markdown(
            f"{'✅' if report.star.quantified_result else '⬜'} "
            + tr("量化结果", "Quantified result")
        )
    if report.suggested_chars:
        st.caption(_length_note(report))
    if question.reference_answer and st.toggle(
        tr("显示参考答案", "Show the reference answer"), key=f"{key}_reference"
    ):
        st.info(question.reference_answer.get(lang))


def _length_note(report: ScoreReport) -> str:
    """Answer length against the suggested time, in characters (Chinese) or words (English)."""
    (low, high), size = report.suggested_chars, report.length_chars
    if report.language == "en":  # content size counts an English word as 2
        low, high, size = low // 2, high // 2, size // 2
        return tr(
            f"回答长度 {size} 个英文词；按建议作答时间，合适的长度约 {low}–{high} 词。",
            f"Answer length {size} words; for the suggested time about {low}–{high} words.",
        )
    return tr(
        f"回答长度 {size} 字；按建议作答时间，合适的长度约 {low}–{high} 字。",
        f"Answer length {size} characters; for the suggested time about {low}–{high}.",
    )


def _rubric_point(question: Question, point_id: str):
    try:
        return question.point(point_id)
    except KeyError:
        return None
