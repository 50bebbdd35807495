"""Pieces of UI more than one page draws: the question card and the feedback on an answer.

The feedback leads with what to do next (the two or three most useful missed points, in plain
words), then shows the answer with its evidence coloured by status, then every point with a
bar in the same colour and its percentage explained.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence

import streamlit as st

from app_pages.common import category_name, language, live_bank, status_name, tr
from question_bank.schema import Question
from scoring.report import COVERED_AT, PARTIAL_AT, Flag, PointResult, ScoreReport
from services.follow_ups import point_phrase
from services.practice import FollowUpView, round_score

STATUS_LOOK = {  # status -> (icon, highlight colour, bar colour)
    "covered": ("✅", "#c8f0c8", "#2e8b57"),
    "partial": ("🟡", "#fff0b3", "#d4a017"),
    "missing": ("❌", "#f8d0d0", "#c0392b"),
}
STAR_NAMES = {
    "situation": ("情境", "Situation"),
    "task": ("任务", "Task"),
    "action": ("行动", "Action"),
    "result": ("结果", "Result"),
}
MAX_TIPS = 3


def status_label(status: str) -> str:
    """A point status with its icon ("✅ 已覆盖"), names from services.names."""
    return f"{STATUS_LOOK[status][0]} {status_name(status)}"


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
    """The answer as HTML with each point's evidence marked by its status and point number.

    Evidence that overlaps another point's is merged into one mark carrying both numbers, so
    no point loses its mark. All answer text is escaped: whatever the user typed is shown as
    text, never as markup.
    """
    pieces, cursor = [], 0
    for start, end, status, numbers in _evidence_marks(report):
        pieces.append(html.escape(answer[cursor:start]))
        colour = STATUS_LOOK[status][1]
        pieces.append(
            f'<mark style="background:{colour};padding:0 2px;border-radius:3px" '
            f'title="{html.escape(status_name(status))}">'
            f"{html.escape(answer[start:end])}<sup>{','.join(map(str, numbers))}</sup></mark>"
        )
        cursor = end
    pieces.append(html.escape(answer[cursor:]))
    body = "".join(pieces).replace("\n", "<br>")
    return f'<div style="line-height:1.8;white-space:normal;overflow-wrap:anywhere">{body}</div>'


def _evidence_marks(report: ScoreReport) -> list[tuple[int, int, str, list[int]]]:
    """(start, end, status, point numbers) of the marks in reading order, overlapping
    evidence merged; a merged mark takes the best status among its points."""
    spans = sorted(
        (point.evidence_span[0], point.evidence_span[1], point.status, number)
        for number, point in enumerate(report.points, start=1)
        if point.evidence_span and point.status != "missing"
    )
    rank = {status: i for i, status in enumerate(STATUS_LOOK)}
    marks: list[tuple[int, int, str, list[int]]] = []
    for start, end, status, number in spans:
        if marks and start < marks[-1][1]:
            first, last, best, numbers = marks[-1]
            best = min(best, status, key=rank.__getitem__)
            marks[-1] = (first, max(last, end), best, [*numbers, number])
        else:
            marks.append((start, end, status, [number]))
    return marks


def status_legend() -> str:
    """The three status colours with their names, as one line of HTML."""
    chips = [
        f'<span style="background:{light};border-left:4px solid {strong};padding:1px 6px;'
        f'border-radius:3px;margin-right:6px;white-space:nowrap">{icon} '
        f"{html.escape(status_name(status))}</span>"
        for status, (icon, light, strong) in STATUS_LOOK.items()
    ]
    return f'<div class="status-legend" style="line-height:2">{"".join(chips)}</div>'


def percentage_note() -> str:
    """What a point's percentage means, in the reader's language."""
    covered, partial = f"{COVERED_AT:.0%}", f"{PARTIAL_AT:.0%}"
    return tr(
        f"百分比表示评分器有多确定你的回答已覆盖这一点：{covered} 及以上算已覆盖，"
        f"{partial}–{covered} 算部分覆盖，低于 {partial} 算未覆盖。",
        f"The percentage is how sure the scorer is that your answer covers the point: "
        f"{covered} or more counts as covered, {partial}–{covered} as partly covered, "
        f"below {partial} as missing.",
    )


def next_steps(question: Question, report: ScoreReport) -> list[str]:
    """The two or three most useful things to add, in plain words in the reader's language:
    the heaviest missed points first, then the partly covered ones (the point rows below say
    what a strong answer would add)."""
    lang = language()
    open_points = [p for p in report.points if p.status != "covered"]
    open_points.sort(key=lambda p: (p.status != "missing", -p.weight, p.probability))
    tips = []
    for point in open_points[:MAX_TIPS]:
        rubric_point = _rubric_point(question, point.point_id)
        text = rubric_point.text.get(lang) if rubric_point else point.text
        what = point_phrase(text, lang)
        if lang == "en":
            what = f"how you {what}" if what else _lower_first(text.rstrip("."))
        if point.status == "missing":
            tips.append(tr(f"试着补充：{what}。", f"Try adding: {what}."))
        else:
            tips.append(tr(f"再具体一些：{what}。", f"Say more about {what}."))
    return tips


def flag_message(flag: Flag, report: ScoreReport) -> str:
    """A flag's message in the reader's language; an off-topic one also names the bank
    question the answer seems to answer, so the candidate can see what they answered."""
    message = flag.message(language())
    if flag.code != "off_topic" or not report.seems_to_answer:
        return message
    try:
        other = live_bank().question(report.seems_to_answer)
    except KeyError:  # removed from the bank since it was scored
        return message
    title = other.title.get(language())
    return message + tr(
        f"它更像是在回答「{title}」这道题。", f" It reads like an answer to “{title}”."
    )


def feedback_summary(
    question: Question, report: ScoreReport, key: str, first_score: float | None = None
) -> None:
    """The top of the feedback: the score, the next steps and anything wrong with the answer
    as a whole. Compact, so that on a phone it sits in the first screen. `first_score`: the
    score before follow-up answers lifted points (shown as the change)."""
    with st.container(border=True, key=f"{key}_summary"):
        score_col, tips_col = st.columns([1, 3])
        score, before = round_score(report.score), None
        if first_score is not None and round_score(first_score) != score:
            before = round_score(first_score)
        score_col.metric(
            tr("得分（百分制）", "Score (0–100)"),
            score,
            delta=None if before is None else score - before,
            help=None
            if before is None
            else tr(
                f"首次作答 {before} 分，追问回答补上要点后 {score} 分。",
                f"{before} for the answer, {score} after follow-up answers covered more points.",
            ),
        )
        score_col.caption(
            tr(
                f"覆盖要点 {report.covered} / {len(report.points)} · "
                f"题目分 {report.points_score:.1f} / {report.points_possible:g}",
                f"Points covered {report.covered} / {len(report.points)} · "
                f"question points {report.points_score:.1f} / {report.points_possible:g}",
            )
        )
        with tips_col.container(key=f"{key}_tips"):
            tips = next_steps(question, report)
            if tips:
                st.markdown("**" + tr("下一步这样改进", "What to do next") + "**")
                st.markdown("\n".join(f"{n}. {tip}" for n, tip in enumerate(tips, start=1)))
            else:
                st.markdown(
                    "**"
                    + tr("每个要点都覆盖到了。", "Every point is covered.")
                    + "** "
                    + tr(
                        "可以再对照参考答案，看看细节和结果数据。",
                        "Compare with the reference answer for detail and results.",
                    )
                )
        for flag in report.flags:
            show = {"error": st.error, "warning": st.warning}.get(flag.severity, st.info)
            show(flag_message(flag, report))


def feedback_details(
    question: Question,
    answer: str,
    report: ScoreReport,
    key: str,
    lifted: Collection[str] = (),
) -> None:
    """The evidence: the answer coloured by status, every point with its bar, STAR, length
    and the reference answer. `lifted` points were covered in a follow-up answer."""
    lang = language()
    for warning in report.warnings:
        st.caption(f"⚠️ {warning}")
    st.markdown(
        "**" + tr("你的回答（标出了对应要点的句子）", "Your answer (evidence marked)") + "**"
    )
    st.markdown(status_legend(), unsafe_allow_html=True)
    st.markdown(highlighted_answer(answer, report), unsafe_allow_html=True)

    st.markdown(
        "**" + tr("逐条评分要点", "Rubric points, one by one") + "**",
        help=percentage_note(),
    )
    st.caption(percentage_note())
    for number, point in enumerate(report.points, start=1):
        _point_row(question, number, point, point.point_id in lifted, lang)

    if report.star is not None and question.category == "behavioral":
        st.markdown("**" + tr("STAR 结构检查", "STAR check") + "**")
        found = [
            f"{'✅' if getattr(report.star, element) else '⬜'} {tr(zh, en)}"
            for element, (zh, en) in STAR_NAMES.items()
        ]
        found.append(
            f"{'✅' if report.star.quantified_result else '⬜'} "
            + tr("量化结果", "Quantified result")
        )
        st.markdown(" · ".join(found))
    if report.suggested_chars:
        st.caption(_length_note(report))
    if question.reference_answer and st.toggle(
        tr("显示参考答案", "Show the reference answer"), key=f"{key}_reference"
    ):
        st.info(question.reference_answer.get(lang))


def feedback(
    question: Question,
    answer: str,
    report: ScoreReport,
    key: str,
    lifted: Collection[str] = (),
    first_score: float | None = None,
) -> None:
    """The full feedback on one answer: score and next steps first, then the evidence."""
    feedback_summary(question, report, key, first_score)
    feedback_details(question, answer, report, key, lifted)


def follow_up_answers(question: Question, follow_ups: Sequence[FollowUpView]) -> None:
    """The follow-up questions answered after an attempt: question, answer, what it lifted."""
    if not follow_ups:
        return
    lang = language()
    st.markdown("**" + tr("已回答的追问", "Follow-ups answered") + "**")
    for item in follow_ups:
        with st.container(border=True):
            st.markdown(tr("**追问**：", "**Follow-up:** ") + html.escape(item.prompt))
            st.markdown(
                f"<div style='overflow-wrap:anywhere'>{html.escape(item.answer)}</div>",
                unsafe_allow_html=True,
            )
            if item.lifted:
                names = []
                for point_id in item.lifted:
                    point = _rubric_point(question, point_id)
                    names.append(point.text.get(lang) if point else point_id)
                st.caption(
                    tr("通过追问补充：", "Covered in the follow-up: ")
                    + tr("；", "; ").join(names)
                    + tr(
                        f"（得分 {round_score(item.score_before)} → {round_score(item.score_after)}）",
                        f" (score {round_score(item.score_before)} → {round_score(item.score_after)})",
                    )
                )
            else:
                st.caption(
                    tr("这次追问回答没有补上新的要点。", "This answer covered no new point.")
                )


def _point_row(
    question: Question, number: int, point: PointResult, lifted: bool, lang: str
) -> None:
    """One rubric point: title and status, a bar in the status colour, evidence, advice."""
    rubric_point = _rubric_point(question, point.point_id)
    title = rubric_point.text.get(lang) if rubric_point else point.text
    strong = STATUS_LOOK[point.status][2]
    share = min(max(point.probability, 0.0), 1.0)
    with st.container(border=True):
        line = f"**{number}. {title}** — {status_label(point.status)}"
        if lifted:
            line += " · " + tr("🔁 通过追问补充", "🔁 covered in the follow-up")
        st.markdown(line)
        st.markdown(
            f'<div title="{html.escape(percentage_note())}" style="display:flex;'
            'align-items:center;gap:8px">'
            f'<div style="flex:1;background:#eee;border-radius:4px;height:10px">'
            f'<div style="width:{share:.0%};background:{strong};height:10px;'
            'border-radius:4px"></div></div>'
            f'<span style="min-width:3em;text-align:right">{share:.0%}</span></div>',
            unsafe_allow_html=True,
        )
        if point.evidence and point.status != "missing":
            source = tr("追问回答中的依据：", "Evidence in the follow-up: ") if lifted else None
            st.caption((source or tr("依据：", "Evidence: ")) + point.evidence)
        if point.rejected:
            st.caption(
                tr(
                    "该句提到此要点但表示不会这样做。",
                    "This clause names the point only to reject it.",
                )
            )
        if point.status != "covered":
            advice = rubric_point.strong.get(lang) if rubric_point and rubric_point.strong else None
            advice = advice or point.advice
            if advice:
                st.markdown(tr("💡 好的回答会补充：", "💡 A strong answer would add: ") + advice)


def _lower_first(text: str) -> str:
    """ "Follows up on ..." -> "follows up on ..." (an acronym such as "CRM" stays)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


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
