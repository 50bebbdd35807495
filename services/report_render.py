"""Renderers of a `SessionReport`: printable HTML, PDF, CSV and JSON, from the one object.

Each renderer draws what the report object holds, in the order a reader needs it: the
overall result, strengths and next steps first; then scores by category and by question;
each answer with its rubric points and evidence; and, in the interviewer's report only, how
far interviewer and machine agree. A candidate's report (`candidate_view`) holds no
agreement statistics and no private notes, so no renderer can show them.

Labels, dates and numbers follow the language given (the report's by default); category,
status and scale names come from `services.names`, as on the pages. No Streamlit here.
"""

from __future__ import annotations

import csv
import html
import io
import json
import string
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from question_bank.cells import neutralize_cell
from services.names import (
    CATEGORY_NAMES,
    OVERALL_SCALE,
    POINT_SCALE,
    STATUS_NAMES,
    category_name,
    name_in,
    overall_rating_description,
    overall_rating_name,
    status_name,
)
from services.session_report import (
    CategoryRow,
    PointNote,
    PointRow,
    QuestionRow,
    Recommendation,
    SessionReport,
)

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "report": "模拟面试报告", "candidate_report": "模拟面试报告（候选人版）",
        "candidate": "候选人", "interviewer": "面试官", "date": "日期",
        "summary": "总体结果", "result": "总分（百分制）", "by_interviewer": "面试官评分",
        "by_machine": "系统评分", "machine_reference": "系统参考分",
        "points_covered": "覆盖要点", "machine": "系统评分", "human": "面试官评分",
        "difference": "差值（面试官−系统）", "overall": "总分",
        "comparison": "面试官与系统评分对比", "agreement": "评分一致性",
        "point_agreement": "要点评级一致率", "kappa": "Cohen's κ（要点）",
        "points_compared": "比较的要点数", "mean_abs_difference": "题目得分平均绝对差",
        "spearman": "题目得分 Spearman 相关", "questions_compared": "比较的题目数",
        "by_category": "各题型得分", "category": "题型", "questions": "题数",
        "by_question": "各题得分", "question_id": "题号", "title": "题目",
        "points_possible": "满分", "machine_points": "系统得分", "machine_score": "系统评分",
        "interviewer_score": "面试官评分", "overall_rating": "整体评级",
        "strengths": "做得好的地方", "gaps": "待改进的要点", "point": "评分要点",
        "weak": "常见薄弱表现", "advice": "更好的回答会", "recommendations": "建议的下一步",
        "no_recommendations": "各题型表现均衡，继续保持，并多做限时练习。",
        "focus": "重点补充", "details": "逐题详情", "answers": "回答与备注",
        "answer": "回答", "notes": "备注", "comment": "面试官点评",
        "private_notes": "私人备注（仅面试官可见）", "shared": "已分享给候选人",
        "status": "状态", "evidence": "依据", "confidence": "把握", "flags": "系统提示",
        "follow_up": "追问", "follow_up_answer": "追问回答", "lifted": "经追问补上",
        "scale": "整体评级标准", "point_scale": "要点评级", "none": "无",
        "not_rated": "未评", "source_machine": "（系统判断）",
        "chart": "各题型得分：系统与面试官",
        "footer": "本报告由面试训练系统生成，系统评分仅供参考。",
        "notes_csv": "私人备注", "comment_csv": "面试官点评",
    },
    "en": {
        "report": "Mock interview report", "candidate_report": "Mock interview report (candidate)",
        "candidate": "Candidate", "interviewer": "Interviewer", "date": "Date",
        "summary": "Overall result", "result": "Score (0–100)",
        "by_interviewer": "Interviewer's score", "by_machine": "Machine score",
        "machine_reference": "Machine score, for reference", "points_covered": "Points covered",
        "machine": "Machine score", "human": "Interviewer score",
        "difference": "Difference (interviewer − machine)", "overall": "Overall",
        "comparison": "Interviewer and machine compared", "agreement": "Agreement",
        "point_agreement": "Point ratings agree", "kappa": "Cohen's κ (points)",
        "points_compared": "Points compared",
        "mean_abs_difference": "Mean absolute difference per question",
        "spearman": "Spearman correlation per question", "questions_compared": "Questions compared",
        "by_category": "Scores by category", "category": "Category", "questions": "Questions",
        "by_question": "Scores by question", "question_id": "ID", "title": "Question",
        "points_possible": "Points", "machine_points": "Machine points",
        "machine_score": "Machine score", "interviewer_score": "Interviewer's score",
        "overall_rating": "Overall rating", "strengths": "What went well",
        "gaps": "Points to work on", "point": "Rubric point", "weak": "Typical weak answer",
        "advice": "A strong answer", "recommendations": "Next steps",
        "no_recommendations": "Balanced across categories: keep it up and practise against the clock.",
        "focus": "Focus on", "details": "Question by question", "answers": "Answers and notes",
        "answer": "Answer", "notes": "Notes", "comment": "Interviewer's comment",
        "private_notes": "Private notes (interviewer only)", "shared": "shared with the candidate",
        "status": "Status", "evidence": "Evidence", "confidence": "Confidence",
        "flags": "Machine flags", "follow_up": "Follow-up", "follow_up_answer": "Answer",
        "lifted": "lifted by the follow-up", "scale": "Overall rating scale",
        "point_scale": "Point ratings", "none": "None", "not_rated": "not rated",
        "source_machine": "(machine)", "chart": "Scores by category: machine and interviewer",
        "footer": "Generated by the interview trainer. Machine scores are a guide, not a verdict.",
        "notes_csv": "Private notes", "comment_csv": "Interviewer's comment",
    },
}  # fmt: skip
"""Every label the renderers and the report pages use, per language."""

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def _lang(language: str | None, report: SessionReport) -> str:
    return "en" if (language or report.language) == "en" else "zh"


def label(key: str, language: str) -> str:
    """The label `key` in `language` ("zh" or "en"; Chinese for anything else)."""
    return LABELS["en" if language == "en" else "zh"][key]


def category_label(category: str, language: str) -> str:
    """A category's name (from `services.names`); the raw id for an unknown category."""
    return category_name(category, language)


def format_date(stamp: str, language: str) -> str:
    """An ISO 8601 time as a reader writes it: "2026年12月1日 18:41", "1 December 2026, 18:41".

    Text that is not ISO 8601 is returned as it is.
    """
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if language == "en":
        return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def format_score(value: float | None, signed: bool = False) -> str:
    """A 0-100 score as a reader sees it: a whole number ("68", "+12"), "–" when missing."""
    if value is None:
        return "–"
    return f"{value:+.0f}" if signed else f"{value:.0f}"


def format_share(value: float | None) -> str:
    """A share 0-1 as a whole percentage ("87%"), "–" when missing."""
    return "–" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def rating_text(value: int | None, language: str) -> str:
    """An overall 1-5 rating as "4 · 良好"; "–" when not rated."""
    return "–" if value is None else f"{value} · {overall_rating_name(value, language)}"


def point_status_text(point: PointRow, language: str) -> str:
    """A point's status name, "not rated" when nobody judged it, and the follow-up mark."""
    if not point.status:
        return label("not_rated", language)
    text = status_name(point.status, language)
    if point.lifted_by_follow_up:
        text += ("（" if language == "zh" else " (") + label("lifted", language)
        text += "）" if language == "zh" else ")"
    return text


def headline(report: SessionReport, language: str) -> tuple[str, str]:
    """The headline score and who gave it: ("68", "面试官评分")."""
    source = report.overall_source
    who = label("by_interviewer" if source == "interviewer" else "by_machine", language)
    return format_score(report.overall), who


def shared_comment(row: QuestionRow) -> str:
    """The interviewer's notes on an answer when shared with the candidate, else ""."""
    return row.notes if row.notes_shared else ""


def private_notes(row: QuestionRow) -> str:
    """The interviewer's notes on an answer when not shared, else ""."""
    return "" if row.notes_shared else row.notes


def shared_comments(report: SessionReport) -> list[tuple[QuestionRow, str]]:
    """The interviewer's comments shared with the candidate, by question, in asking order."""
    return [(q, shared_comment(q)) for q in report.questions if shared_comment(q)]


# --------------------------------------------------------------------------- JSON and CSV


def to_json(report: SessionReport) -> str:
    """The report as JSON (UTF-8 text, not ASCII-escaped); `json.loads` gives `to_dict()`."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def csv_columns(report: SessionReport, include_private_notes: bool = True) -> tuple[str, ...]:
    """The CSV's columns for the report's audience (the candidate's has no differences)."""
    columns = ["question_id", "title", "category", "points_possible", "machine_points"]
    columns += ["machine_score", "interviewer_score"]
    if report.audience == "interviewer":
        columns.append("difference")
    columns += ["overall_rating", "points_covered", "answer", "comment_csv"]
    if report.audience == "interviewer" and include_private_notes:
        columns.append("notes_csv")
    return tuple(columns)


def to_csv(
    report: SessionReport, language: str | None = None, include_private_notes: bool = True
) -> str:
    """One row per question, with answer and comments; every cell neutralised for spreadsheets.

    Args:
        report: the session report.
        language: the header's and names' language; the report's by default.
        include_private_notes: the interviewer's report only: a column of unshared notes.

    Returns:
        CSV text; encode it as "utf-8-sig" so that Excel reads the Chinese.
    """
    lang = _lang(language, report)
    columns = csv_columns(report, include_private_notes)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralize_cell(label(c, lang)) for c in columns])
    for row in report.questions:
        covered = sum(p.status == "covered" for p in row.points)
        values: dict[str, Any] = {
            "question_id": row.question_id,
            "title": row.title,
            "category": category_label(row.category, lang),
            "points_possible": row.points_possible,
            "machine_points": row.machine_points,
            "machine_score": row.machine_score,
            "interviewer_score": row.interviewer_score,
            "difference": row.difference,
            "overall_rating": rating_text(row.overall_rating, lang) if row.overall_rating else "",
            "points_covered": f"{covered}/{len(row.points)}",
            "answer": row.answer,
            "comment_csv": shared_comment(row),
            "notes_csv": private_notes(row),
        }
        writer.writerow([neutralize_cell("" if values[c] is None else values[c]) for c in columns])
    return out.getvalue()


# --------------------------------------------------------------------------- HTML


def to_html(
    report: SessionReport, language: str | None = None, include_private_notes: bool = True
) -> str:
    """One self-contained, printable HTML page of the report (inline CSS and SVG).

    Args:
        report: the session report (the interviewer's, or `candidate_view`'s).
        language: the labels' language; the report's by default.
        include_private_notes: the interviewer's report only: show notes not shared.

    Returns:
        The HTML document; every text from users or the bank is escaped.
    """
    lang = _lang(language, report)

    def t(key: str) -> str:
        return _e(label(key, lang))

    score, who = headline(report, lang)
    covered, judged = report.points_covered
    cards = [_card(who, score, main=True)]
    if report.overall_source == "interviewer":
        cards.append(_card(label("machine_reference", lang), format_score(report.machine_overall)))
    if judged:
        cards.append(_card(label("points_covered", lang), f"{covered} / {judged}"))
    kind = "candidate_report" if report.audience == "candidate" else "report"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.title)} – {_e(report.candidate)}</title>",
        f"<style>{_CSS}</style></head>",
        f"<body data-audience='{report.audience}'><main>",
        f"<header><h1>{_e(report.title)}</h1><p class='sub'>{t(kind)}</p>",
        "<dl class='meta'>",
        f"<dt>{t('candidate')}</dt><dd>{_e(report.candidate)}</dd>",
        f"<dt>{t('interviewer')}</dt><dd>{_e(report.interviewer)}</dd>",
        f"<dt>{t('date')}</dt><dd>{_e(format_date(report.created_at, lang))}</dd>",
        "</dl></header>",
        f"<section><h2>{t('summary')}</h2><div class='cards'>{''.join(cards)}</div></section>",
        _strengths_html(report.strengths, lang),
        _recommendations_html(report.recommendations, lang),
        _comments_html(report, lang),
        _gaps_html(report.gaps, lang),
        f"<section><h2>{t('by_category')}</h2>",
        _chart(report.categories, lang),
        _category_table(report, lang),
        "</section>",
        f"<section><h2>{t('by_question')}</h2>",
        _question_table(report, lang),
        "</section>",
        _details_html(report, lang, include_private_notes),
    ]
    if report.audience == "interviewer" and report.agreement is not None:
        parts.append(_comparison_html(report, lang))
    parts += [_scale_html(lang), f"<footer>{t('footer')}</footer>", "</main></body></html>"]
    return "\n".join(parts)


_CSS = """
:root { --machine: #6b8fb8; --human: #d9822b; --ink: #1f2933; --line: #d5dbe1;
  --covered: #c8f0c8; --partial: #fff0b3; --missing: #f8d0d0; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5; font-size: 14px;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
    sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 24px; }
h1 { margin: 0; font-size: 24px; } h2 { font-size: 18px; border-bottom: 2px solid var(--line);
  padding-bottom: 4px; margin-top: 28px; } h3 { font-size: 15px; }
.sub { margin: 2px 0 12px; color: #52606d; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 160px; }
.card .v { font-size: 26px; font-weight: 700; } .card .k { font-size: 12px; color: #52606d; }
.card.main { border-color: var(--human); } .card.main .v { font-size: 34px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.kv { width: auto; } .chart { max-width: 640px; width: 100%; height: auto; }
.answer { white-space: pre-wrap; border-left: 3px solid var(--line); padding-left: 10px; }
.notes { white-space: pre-wrap; background: #fff8ec; padding: 6px 10px; }
.comment { white-space: pre-wrap; background: #eef6ff; padding: 6px 10px; }
.st-covered { background: var(--covered); } .st-partial { background: var(--partial); }
.st-missing { background: var(--missing); }
.src { color: #7b8794; font-size: 12px; } .muted { color: #7b8794; }
footer { margin-top: 32px; font-size: 12px; color: #7b8794; }
@page { size: A4; margin: 15mm; }
@media print {
  body { font-size: 10.5pt; } main { max-width: none; padding: 0; }
  h2 { break-after: avoid; } .qa, tr, .card, svg { break-inside: avoid; }
  thead { display: table-header-group; } th { background: #eee !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _card(key: str, value: str, main: bool = False) -> str:
    return (
        f"<div class='card{' main' if main else ''}'><div class='k'>{_e(key)}</div>"
        f"<div class='v'>{_e(value)}</div></div>"
    )


def _kv(key: str, value: str) -> str:
    return f"<tr><th>{_e(key)}</th><td class='n'>{_e(value)}</td></tr>"


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='n'>{_e(c)}</td>" if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def category_rows(report: SessionReport, language: str) -> tuple[list[str], list[list[str]]]:
    """The category table (headers, rows) every renderer shows."""
    keys = ["category", "questions", "interviewer_score", "machine_score"]
    if report.audience == "interviewer":
        keys.append("difference")
    rows = []
    for c in report.categories:
        row = [
            category_label(c.category, language),
            str(c.questions),
            format_score(c.interviewer_score),
            format_score(c.machine_score),
        ]
        if report.audience == "interviewer":
            row.append(format_score(c.difference, signed=True))
        rows.append(row)
    return [label(k, language) for k in keys], rows


def question_rows(report: SessionReport, language: str) -> tuple[list[str], list[list[str]]]:
    """The per-question table (headers, rows) every renderer shows."""
    keys = ["question_id", "title", "category", "interviewer_score", "machine_score"]
    if report.audience == "interviewer":
        keys.append("difference")
    keys.append("overall_rating")
    rows = []
    for q in report.questions:
        row = [
            q.question_id,
            q.title,
            category_label(q.category, language),
            format_score(q.interviewer_score),
            format_score(q.machine_score),
        ]
        if report.audience == "interviewer":
            row.append(format_score(q.difference, signed=True))
        row.append(rating_text(q.overall_rating, language))
        rows.append(row)
    return [label(k, language) for k in keys], rows


def _category_table(report: SessionReport, lang: str) -> str:
    headers, rows = category_rows(report, lang)
    return _table(headers, rows, numeric=set(range(1, len(headers))))


def _question_table(report: SessionReport, lang: str) -> str:
    headers, rows = question_rows(report, lang)
    return _table(headers, rows, numeric=set(range(3, len(headers) - 1)))


def _chart(categories: Sequence[CategoryRow], lang: str) -> str:
    """Grouped horizontal bars per category, interviewer vs machine, on 0-100."""
    left, width, bar, gap = 110, 420, 14, 14
    height = 30 + len(categories) * (2 * bar + gap) + 10
    out = [
        f"<svg class='chart' role='img' viewBox='0 0 {left + width + 60} {height}' "
        f"xmlns='http://www.w3.org/2000/svg' font-size='11'>",
        f"<title>{_e(label('chart', lang))}</title>",
        f"<rect x='{left}' y='4' width='10' height='10' fill='#d9822b'/>"
        f"<text x='{left + 14}' y='13'>{_e(label('human', lang))}</text>",
        f"<rect x='{left + 140}' y='4' width='10' height='10' fill='#6b8fb8'/>"
        f"<text x='{left + 154}' y='13'>{_e(label('machine', lang))}</text>",
    ]
    for tick in (0, 50, 100):
        x = left + width * tick / 100
        out.append(
            f"<line x1='{x:g}' y1='22' x2='{x:g}' y2='{height - 8}' stroke='#d5dbe1'/>"
            f"<text x='{x:g}' y='{height}' text-anchor='middle' fill='#7b8794'>{tick}</text>"
        )
    y = 26
    for c in categories:
        out.append(
            f"<text x='{left - 6}' y='{y + bar + 4}' text-anchor='end'>"
            f"{_e(category_label(c.category, lang))}</text>"
        )
        for offset, value, colour in (
            (0, c.interviewer_score, "#d9822b"),
            (bar, c.machine_score, "#6b8fb8"),
        ):
            top = y + offset
            if value is not None:
                w = width * max(0.0, min(100.0, value)) / 100
                out.append(
                    f"<rect x='{left}' y='{top}' width='{w:.1f}' height='{bar - 2}' "
                    f"fill='{colour}'/>"
                )
            out.append(
                f"<text x='{left + (width * (value or 0) / 100) + 4:.1f}' y='{top + bar - 4}'>"
                f"{_e(format_score(value))}</text>"
            )
        y += 2 * bar + gap
    out.append("</svg>")
    return "".join(out)


def _source(note: PointNote, lang: str) -> str:
    if note.source != "machine":
        return ""
    return f" <span class='src'>{_e(label('source_machine', lang))}</span>"


def _strengths_html(strengths: Sequence[PointNote], lang: str) -> str:
    parts = [f"<section><h2>{_e(label('strengths', lang))}</h2>"]
    if not strengths:
        parts.append(f"<p class='muted'>{_e(label('none', lang))}</p>")
    else:
        parts.append("<ul>")
        parts.extend(
            f"<li><strong>{_e(category_label(n.category, lang))}</strong> · {_e(n.text)} "
            f"<span class='src'>({_e(n.question_id)} {_e(n.question_title)})</span>"
            f"{_source(n, lang)}</li>"
            for n in strengths
        )
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def focus_text(recommendation: Recommendation, language: str) -> str:
    """The points a next step focuses on, joined for the language."""
    return ("；" if language == "zh" else "; ").join(recommendation.focus)


def _recommendations_html(recommendations: Sequence[Recommendation], lang: str) -> str:
    parts = [f"<section><h2>{_e(label('recommendations', lang))}</h2>"]
    if not recommendations:
        parts.append(f"<p>{_e(label('no_recommendations', lang))}</p>")
    else:
        parts.append("<ol>")
        colon = "：" if lang == "zh" else ": "
        for r in recommendations:
            focus = (
                f"<br><span class='src'>{_e(label('focus', lang))}{colon}"
                f"{_e(focus_text(r, lang))}</span>"
                if r.focus
                else ""
            )
            parts.append(
                f"<li><strong>{_e(category_label(r.category, lang))}"
                f"（{_e(format_score(r.score))}）</strong>{colon}{_e(r.text)}{focus}</li>"
                if lang == "zh"
                else f"<li><strong>{_e(category_label(r.category, lang))} "
                f"({_e(format_score(r.score))})</strong>: {_e(r.text)}{focus}</li>"
            )
        parts.append("</ol>")
    parts.append("</section>")
    return "".join(parts)


def _comments_html(report: SessionReport, lang: str) -> str:
    comments = shared_comments(report)
    if not comments:
        return ""
    items = "".join(
        f"<h3>{_e(q.question_id)} · {_e(q.title)}</h3><p class='comment'>{_e(text)}</p>"
        for q, text in comments
    )
    return f"<section><h2>{_e(label('comment', lang))}</h2>{items}</section>"


def _gaps_html(gaps: Sequence[PointNote], lang: str) -> str:
    if not gaps:
        return ""
    rows = "".join(
        f"<tr><td>{_e(g.question_id)}<br><span class='src'>{_e(g.question_title)}</span></td>"
        f"<td>{_e(g.text)}{_source(g, lang)}</td><td>{_e(g.advice or '–')}</td></tr>"
        for g in gaps
    )
    head = "".join(f"<th>{_e(label(k, lang))}</th>" for k in ("question_id", "point", "advice"))
    return (
        f"<section><h2>{_e(label('gaps', lang))}</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _points_html(points: Sequence[PointRow], lang: str) -> str:
    if not points:
        return ""
    head = "".join(
        f"<th>{_e(label(k, lang))}</th>" for k in ("point", "status", "confidence", "evidence")
    )
    rows = "".join(
        f"<tr><td>{_e(p.text)}</td><td class='st-{_e(p.status or 'none')}'>"
        f"{_e(point_status_text(p, lang))}</td>"
        f"<td class='n'>{_e(format_share(p.probability))}</td>"
        f"<td>{_e(p.evidence or '–')}</td></tr>"
        for p in points
    )
    return f"<table class='points'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _details_html(report: SessionReport, lang: str, include_private_notes: bool) -> str:
    parts = [f"<section><h2>{_e(label('details', lang))}</h2>"]
    for q in report.questions:
        parts.append(f"<div class='qa'><h3>{_e(q.question_id)} · {_e(q.title)}</h3>")
        parts.append(
            f"<p class='src'>{_e(label('interviewer_score', lang))} "
            f"{_e(format_score(q.interviewer_score))} · {_e(label('machine_score', lang))} "
            f"{_e(format_score(q.machine_score))} · {_e(label('overall_rating', lang))} "
            f"{_e(rating_text(q.overall_rating, lang))}</p>"
        )
        parts.append(f"<p class='answer'>{_e(q.answer) or '–'}</p>")
        parts.append(_points_html(q.points, lang))
        for f in q.follow_ups:
            parts.append(
                f"<p><strong>{_e(label('follow_up', lang))}</strong>"
                f"{'：' if lang == 'zh' else ': '}{_e(f.question)}</p>"
                f"<p class='answer'>{_e(f.answer) or '–'}</p>"
            )
        if q.flags:
            colon = "：" if lang == "zh" else ": "
            parts.append(
                f"<p class='src'>{_e(label('flags', lang))}{colon}{_e(' '.join(q.flags))}</p>"
            )
        if report.audience == "interviewer" and include_private_notes and private_notes(q):
            parts.append(
                f"<p><strong>{_e(label('private_notes', lang))}</strong></p>"
                f"<p class='notes'>{_e(private_notes(q))}</p>"
            )
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def agreement_rows(report: SessionReport, language: str) -> list[tuple[str, str]]:
    """The interviewer's comparison with the machine as (label, value) rows; [] without one."""
    a = report.agreement
    if a is None:
        return []
    return [
        (label("human", language), format_score(report.interviewer_overall)),
        (label("machine", language), format_score(report.machine_overall)),
        (
            label("difference", language),
            format_score(
                None
                if report.interviewer_overall is None or report.machine_overall is None
                else report.interviewer_overall - report.machine_overall,
                signed=True,
            ),
        ),
        (label("point_agreement", language), format_share(a.point_agreement)),
        (label("kappa", language), _num(a.kappa, 2)),
        (label("points_compared", language), str(a.points_compared)),
        (label("mean_abs_difference", language), _num(a.mean_abs_difference)),
        (label("spearman", language), _num(a.spearman, 2)),
        (label("questions_compared", language), str(a.questions_compared)),
    ]


def _comparison_html(report: SessionReport, lang: str) -> str:
    rows = "".join(_kv(k, v) for k, v in agreement_rows(report, lang))
    return (
        f"<section class='comparison'><h2>{_e(label('comparison', lang))}</h2>"
        f"<table class='kv'><tbody>{rows}</tbody></table></section>"
    )


def scale_lines(language: str) -> tuple[list[str], str]:
    """The overall 1-5 scale as lines, and the 0-2 point scale as one line."""
    colon = ": " if language == "en" else "："
    lines = [
        f"{r} · {overall_rating_name(r, language)}{colon}{overall_rating_description(r, language)}"
        for r in OVERALL_SCALE
    ]
    separator = "；" if language == "zh" else "; "
    points = separator.join(f"{r} = {name_in(n, language)}" for r, n in POINT_SCALE.items())
    return lines, points


def _scale_html(lang: str) -> str:
    en = lang == "en"
    rows = "".join(
        f"<tr><td class='n'>{r}</td><td>{_e(en_l if en else zh_l)}</td>"
        f"<td>{_e(en_d if en else zh_d)}</td></tr>"
        for r, (zh_l, en_l, zh_d, en_d) in OVERALL_SCALE.items()
    )
    _, points = scale_lines(lang)
    return (
        f"<section><h2>{_e(label('scale', lang))}</h2><table><tbody>{rows}</tbody></table>"
        f"<p class='src'>{_e(label('point_scale', lang))}{'：' if lang == 'zh' else ': '}"
        f"{_e(points)}</p></section>"
    )


# --------------------------------------------------------------------------- PDF


class PdfUnavailable(RuntimeError):
    """The PDF renderer's packages (fpdf2 and a CJK font) are not installed."""


def pdf_font() -> Path:
    """The CJK font: Noto Sans CJK (SIL OFL 1.1) from the noto-cjk-sans-otc package."""
    try:
        import noto_cjk_sans_otc
    except ImportError as error:  # pragma: no cover - the requirements install it
        raise PdfUnavailable("pip install noto-cjk-sans-otc (see requirements.txt)") from error
    return Path(str(noto_cjk_sans_otc.FONT_PATH))


_SC_IN_COLLECTION = 2  # Noto Sans CJK SC in NotoSansCJK-Regular.ttc (0 JP, 1 KR, 2 SC, 3 TC)
_ALWAYS = string.printable + "–—·•…“”‘’（）：；，。、！？《》"


def _report_characters(report: SessionReport, lang: str) -> str:
    """Every character the PDF may draw: the report's data, the labels and names, ASCII."""
    tables = (LABELS[lang], CATEGORY_NAMES, STATUS_NAMES, OVERALL_SCALE, POINT_SCALE)
    texts = (to_json(report), json.dumps(tables, ensure_ascii=False), _ALWAYS)
    return "".join(sorted({*"".join(texts), *format_date(report.created_at, lang)}))


def pdf_font_subset(text: str) -> bytes:
    """Noto Sans CJK SC cut down to the glyphs of `text`, as a TrueType (glyf) font.

    TrueType outlines make fpdf2 embed a CIDFontType2 font with the Identity-H encoding,
    which every PDF reader maps back to text (copy, search, pypdf); the CFF original would be
    embedded with its own CMap, which some readers cannot extract from.
    """
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(pdf_font()), fontNumber=_SC_IN_COLLECTION, lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.desubroutinize = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    cutter = subset.Subsetter(options)
    cutter.populate(text=text)
    cutter.subset(font)

    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:  # cubic CFF outlines to quadratic TrueType ones
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    del font["CFF "]
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth",
    ):  # fmt: skip
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def to_pdf(
    report: SessionReport, language: str | None = None, include_private_notes: bool = True
) -> bytes:
    """The report as an A4 PDF with the Chinese font embedded (subset: only the glyphs used).

    Args:
        report: the session report (the interviewer's, or `candidate_view`'s).
        language: the labels' language; the report's by default.
        include_private_notes: the interviewer's report only: show notes not shared.

    Returns:
        The PDF file's bytes.
    """
    try:
        from fpdf import FPDF
    except ImportError as error:  # pragma: no cover - the requirements install it
        raise PdfUnavailable("pip install fpdf2 (see requirements.txt)") from error
    lang = _lang(language, report)
    pdf = FPDF(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report-font.ttf"
        path.write_bytes(pdf_font_subset(_report_characters(report, lang)))
        pdf.add_font("noto", fname=str(path))
    pdf.set_title(f"{report.title} – {report.candidate}")
    pdf.set_creator("Interview trainer")
    pdf.set_lang("en" if lang == "en" else "zh-CN")
    pdf.add_page()
    _Pdf(pdf, lang).draw(report, include_private_notes)
    return bytes(pdf.output())


class _Pdf:
    """Draws a report on an fpdf2 document, in the same order as the HTML."""

    INK, MUTED = (31, 41, 51), (110, 120, 130)

    def __init__(self, pdf: Any, lang: str) -> None:
        self.pdf, self.lang = pdf, lang
        self.wrap = "CHAR" if lang == "zh" else "WORD"  # Chinese breaks between characters

    def t(self, key: str) -> str:
        return label(key, self.lang)

    def text(self, value: str, size: float = 10, colour: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font("noto", size=size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(
            0, size * 0.55, value, align="L", new_x="LMARGIN", new_y="NEXT", wrapmode=self.wrap
        )

    def heading(self, value: str, size: float = 14) -> None:
        if self.pdf.get_y() > self.pdf.h - 40:
            self.pdf.add_page()
        self.pdf.ln(3)
        self.text(value, size)
        y = self.pdf.get_y()
        self.pdf.set_draw_color(213, 219, 225)
        self.pdf.line(self.pdf.l_margin, y, self.pdf.w - self.pdf.r_margin, y)
        self.pdf.ln(2)

    def table(self, headers: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font("noto", size=8.5)
        pdf.set_text_color(*self.INK)
        with pdf.table(
            col_widths=widths,
            line_height=4.6,
            text_align="LEFT",
            headings_style=FontFace(emphasis=None, fill_color=(240, 243, 246)),
            first_row_as_headings=True,
            borders_layout="HORIZONTAL_LINES",
            wrapmode=self.wrap,
        ) as table:
            table.row(headers)
            for row in rows:
                table.row([value or "–" for value in row])
        pdf.ln(1)

    def draw(self, report: SessionReport, include_private_notes: bool) -> None:
        kind = "candidate_report" if report.audience == "candidate" else "report"
        self.text(report.title, 18)
        self.text(self.t(kind), 10, self.MUTED)
        colon = "：" if self.lang == "zh" else ": "
        for key, value in (
            ("candidate", report.candidate),
            ("interviewer", report.interviewer),
            ("date", format_date(report.created_at, self.lang)),
        ):
            self.text(f"{self.t(key)}{colon}{value}")

        self.heading(self.t("summary"))
        score, who = headline(report, self.lang)
        self.text(f"{who}{colon}{score} / 100", 16)
        covered, judged = report.points_covered
        extra = []
        if report.overall_source == "interviewer":
            extra.append(
                f"{self.t('machine_reference')}{colon}{format_score(report.machine_overall)}"
            )
        if judged:
            extra.append(f"{self.t('points_covered')}{colon}{covered} / {judged}")
        if extra:
            self.text(" · ".join(extra), 10, self.MUTED)

        self.heading(self.t("strengths"))
        if not report.strengths:
            self.text(self.t("none"), 10, self.MUTED)
        for note in report.strengths:
            self.text(
                f"• {category_label(note.category, self.lang)} · {note.text} ({note.question_id})"
            )

        self.heading(self.t("recommendations"))
        if not report.recommendations:
            self.text(self.t("no_recommendations"))
        for number, r in enumerate(report.recommendations, start=1):
            score = format_score(r.score)
            score = f"（{score}）" if self.lang == "zh" else f" ({score})"
            self.text(f"{number}. {category_label(r.category, self.lang)}{score}{colon}{r.text}")
            if r.focus:
                self.text(f"{self.t('focus')}{colon}{focus_text(r, self.lang)}", 9, self.MUTED)

        comments = shared_comments(report)
        if comments:
            self.heading(self.t("comment"))
            for q, text in comments:
                self.text(f"{q.question_id} · {q.title}", 10, self.MUTED)
                self.text(text)

        if report.gaps:
            self.heading(self.t("gaps"))
            self.table(
                [self.t("question_id"), self.t("point"), self.t("advice")],
                [[g.question_id, g.text, g.advice or "–"] for g in report.gaps],
                (16, 40, 44),
            )

        self.heading(self.t("by_category"))
        headers, rows = category_rows(report, self.lang)
        self.table(headers, rows, tuple([30] + [15] * (len(headers) - 1)))
        self.heading(self.t("by_question"))
        headers, rows = question_rows(report, self.lang)
        widths = [14, 40, 16, 12, 12] + ([10] if report.audience == "interviewer" else []) + [20]
        self.table(headers, rows, tuple(widths))

        self.heading(self.t("details"))
        for q in report.questions:
            self.text(f"{q.question_id} · {q.title}", 12)
            self.text(
                f"{self.t('interviewer_score')} {format_score(q.interviewer_score)} · "
                f"{self.t('machine_score')} {format_score(q.machine_score)} · "
                f"{self.t('overall_rating')} {rating_text(q.overall_rating, self.lang)}",
                9,
                self.MUTED,
            )
            self.text(f"{self.t('answer')}{colon}{q.answer or '–'}")
            if q.points:
                self.table(
                    [self.t("point"), self.t("status"), self.t("confidence"), self.t("evidence")],
                    [
                        [
                            p.text,
                            point_status_text(p, self.lang),
                            format_share(p.probability),
                            p.evidence,
                        ]
                        for p in q.points
                    ],
                    (36, 16, 10, 38),
                )
            for f in q.follow_ups:
                self.text(f"{self.t('follow_up')}{colon}{f.question}", 10)
                self.text(f"{self.t('follow_up_answer')}{colon}{f.answer or '–'}", 9, self.MUTED)
            if report.audience == "interviewer" and include_private_notes and private_notes(q):
                self.text(f"{self.t('private_notes')}{colon}{private_notes(q)}", 9, self.MUTED)
            self.pdf.ln(2)

        if report.audience == "interviewer" and report.agreement is not None:
            self.heading(self.t("comparison"))
            for key, value in agreement_rows(report, self.lang):
                self.text(f"{key}{colon}{value}", 9)

        self.heading(self.t("scale"), 12)
        lines, points = scale_lines(self.lang)
        for line in lines:
            self.text(line, 8.5, self.MUTED)
        self.text(f"{self.t('point_scale')}{colon}{points}", 8.5, self.MUTED)
        self.pdf.ln(4)
        self.text(self.t("footer"), 8, self.MUTED)
