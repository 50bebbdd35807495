"""An interviewer's mock-session report: the data, and its HTML, JSON and CSV renderings.

`build_report` puts the machine scores (`ScoreReport`) beside the interviewer's own ratings
of each answer and computes per-question, per-category and overall scores, how far the two
agree, strengths, gaps and next steps. The result is a frozen `SessionReport` of plain data;
`to_html`, `to_json` and `to_csv` render it. No Streamlit here: pages call these functions.

Texts that come from the question bank (titles, rubric points) are in the report's language;
the renderers' own labels follow the language they are given (the report's by default).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from question_bank.cells import neutralize_cell  # re-exported (older imports use this path)
from question_bank.schema import CATEGORIES, Question
from scoring.report import ScoreReport, aggregate

Source = Literal["interviewer", "machine"]

OVERALL_SCALE: dict[int, tuple[str, str, str, str]] = {
    1: ("不合格", "Unsatisfactory", "遗漏大部分要点", "Misses most points"),
    2: ("待提高", "Needs improvement", "只覆盖少数要点，缺少具体做法",
        "Covers a few points, with little concrete action"),
    3: ("合格", "Meets expectations", "覆盖主要要点，但有疏漏",
        "Covers the main points with some gaps"),
    4: ("良好", "Exceeds expectations", "覆盖几乎所有要点，做法具体",
        "Covers nearly every point with concrete actions"),
    5: ("优秀", "Outstanding", "覆盖所有要点，有具体事例和结果",
        "Covers every point with concrete evidence and results"),
}  # fmt: skip
"""The anchored 1-5 scale for a whole answer: rating -> (zh label, en label, zh, en descriptor)."""

POINT_SCALE: dict[int, tuple[str, str]] = {
    0: ("未覆盖", "Missing"),
    1: ("部分", "Partly"),
    2: ("覆盖", "Covered"),
}
"""The interviewer's rating of one rubric point: rating -> (zh label, en label)."""

MACHINE_LEVEL: dict[str, int] = {"missing": 0, "partial": 1, "covered": 2}
"""A machine point status on the interviewer's 0-2 point scale."""

STRENGTHS_PER_CATEGORY = 2
MAX_GAPS = 8
RECOMMEND_BELOW = 80.0  # categories scoring under this get a recommendation
MAX_RECOMMENDATIONS = 2
FOCUS_PER_RECOMMENDATION = 3

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "report": "模拟面试报告", "candidate": "候选人", "interviewer": "面试官",
        "date": "日期", "summary": "总体结果", "machine": "系统评分", "human": "面试官评分",
        "difference": "差值（面试官−系统）", "overall": "总分", "agreement": "评分一致性",
        "point_agreement": "要点评级一致率", "kappa": "Cohen's κ（要点）",
        "points_compared": "比较的要点数", "mean_abs_difference": "题目得分平均绝对差",
        "spearman": "题目得分 Spearman 相关", "questions_compared": "比较的题目数",
        "by_category": "各题型得分", "category": "题型", "questions": "题数",
        "by_question": "各题得分", "question_id": "题号", "title": "题目",
        "points_possible": "满分", "machine_points": "系统得分", "machine_score": "系统（0–100）",
        "interviewer_score": "面试官（0–100）", "overall_rating": "整体评级",
        "strengths": "优势", "gaps": "待改进", "point": "评分要点", "weak": "常见薄弱表现",
        "advice": "更好的回答会", "recommendations": "建议的下一步",
        "no_recommendations": "各题型表现均衡，继续保持，并多做限时练习。",
        "focus": "重点补充", "answers": "回答与备注", "answer": "回答", "notes": "备注",
        "flags": "系统提示", "scale": "整体评级标准", "point_scale": "要点评级",
        "none": "无", "not_rated": "未评", "source_machine": "（系统判断）",
        "chart": "各题型得分：系统与面试官", "footer": "本报告由面试训练系统生成，系统评分仅供参考。",
    },
    "en": {
        "report": "Mock interview report", "candidate": "Candidate", "interviewer": "Interviewer",
        "date": "Date", "summary": "Summary", "machine": "Machine score",
        "human": "Interviewer score", "difference": "Difference (interviewer − machine)",
        "overall": "Overall", "agreement": "Agreement", "point_agreement": "Point ratings agree",
        "kappa": "Cohen's κ (points)", "points_compared": "Points compared",
        "mean_abs_difference": "Mean absolute difference per question",
        "spearman": "Spearman correlation per question", "questions_compared": "Questions compared",
        "by_category": "Scores by category", "category": "Category", "questions": "Questions",
        "by_question": "Scores by question", "question_id": "ID", "title": "Question",
        "points_possible": "Points", "machine_points": "Machine points",
        "machine_score": "Machine (0–100)", "interviewer_score": "Interviewer (0–100)",
        "overall_rating": "Overall rating", "strengths": "Strengths", "gaps": "Gaps",
        "point": "Rubric point", "weak": "Typical weak answer", "advice": "A strong answer",
        "recommendations": "Next steps",
        "no_recommendations": "Balanced across categories: keep it up and practise against the clock.",
        "focus": "Focus on", "answers": "Answers and notes", "answer": "Answer",
        "notes": "Notes", "flags": "Machine flags", "scale": "Overall rating scale",
        "point_scale": "Point ratings", "none": "None", "not_rated": "not rated",
        "source_machine": "(machine)", "chart": "Scores by category: machine and interviewer",
        "footer": "Generated by the interview trainer. Machine scores are a guide, not a verdict.",
    },
}  # fmt: skip

CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "zh": {"behavioral": "行为题", "situational": "情景题", "technical": "专业题", "stress": "压力题", "other": "其他"},
    "en": {"behavioral": "Behavioral", "situational": "Situational", "technical": "Technical", "stress": "Stress", "other": "Other"},
}  # fmt: skip

RECOMMENDATIONS: dict[str, dict[str, str]] = {
    "behavioral": {
        "zh": "用 STAR 结构准备 3–5 个真实事例：先交代情境和任务，重点讲自己的具体行动，最后用数据说明结果和收获。",
        "en": "Prepare 3–5 real stories in STAR form: set the situation and task briefly, spend most time on what you did, and close with a measured result and what you learned.",
    },
    "situational": {
        "zh": "按“先稳住局面—再分析原因—再给出方案—最后跟进复盘”的顺序作答，说清楚先做什么、找谁协调、如何衡量效果。",
        "en": "Answer in order: contain the situation, find the cause, act, then follow up. Say what you do first, whom you involve and how you will know it worked.",
    },
    "technical": {
        "zh": "把流程讲完整：分级标准、责任人、时限、升级路径和闭环回访，并准备一两个你用过的指标或工具。",
        "en": "Walk through the whole process: grading criteria, owners, time limits, escalation and closing the loop, and have one or two metrics or tools you have used ready.",
    },
    "stress": {
        "zh": "被质疑时先承认对方关切，再冷静说明事实和改进计划；练习在压力下用简短的要点作答。",
        "en": "When challenged, acknowledge the concern first, then state the facts and your plan calmly; practise answering in short, clear points under pressure.",
    },
    "other": {
        "zh": "对照评分要点逐条检查回答，补上遗漏的要点，并为每个要点准备一个具体做法。",
        "en": "Check your answer against each rubric point, add what is missing, and back every point with a concrete action.",
    },
}  # fmt: skip

CSV_COLUMNS: tuple[str, ...] = (
    "question_id", "title", "category", "points_possible", "machine_points", "machine_score",
    "interviewer_score", "difference", "overall_rating", "answer", "notes",
)  # fmt: skip

_QUESTION_COLUMNS: tuple[str, ...] = (
    "question_id", "title", "category", "points_possible", "machine_points", "machine_score",
    "interviewer_score", "difference", "overall_rating",
)  # fmt: skip
_CATEGORY_COLUMNS: tuple[str, ...] = (
    "category", "questions", "points_possible", "machine_score", "interviewer_score", "difference",
)  # fmt: skip


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class RatedAnswer:
    """One answer in a mock session: the machine's score and the interviewer's ratings.

    Args:
        question: the bank question that was asked.
        answer: the candidate's answer.
        machine: the scorer's report, or None when the answer was not scored.
        point_ratings: rubric point id -> 0 (missing), 1 (partly), 2 (covered); may be
            incomplete.
        overall_rating: the whole answer on the anchored 1-5 `OVERALL_SCALE`, or None.
        notes: the interviewer's notes.
    """

    question: Question
    answer: str
    machine: ScoreReport | None = None
    point_ratings: dict[str, int] = field(default_factory=dict)
    overall_rating: int | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        if self.machine is not None and self.machine.question_id not in (None, self.question.id):
            raise ValueError(
                f"machine report is for {self.machine.question_id}, not {self.question.id}"
            )
        known = {p.id for p in self.question.rubric}
        for point_id, rating in self.point_ratings.items():
            if point_id not in known:
                raise ValueError(f"{self.question.id}: no rubric point {point_id!r}")
            if rating not in POINT_SCALE:
                raise ValueError(f"{self.question.id}/{point_id}: rating {rating!r} not in 0-2")
        if self.overall_rating is not None and self.overall_rating not in OVERALL_SCALE:
            raise ValueError(f"{self.question.id}: overall rating {self.overall_rating!r}")


def interviewer_score(rated: RatedAnswer) -> float | None:
    """The interviewer's score for one answer on 0-100.

    Returns:
        The weighted mean of the point ratings (rating / 2) when every rubric point is rated;
        otherwise the overall rating mapped as (r - 1) / 4 * 100; None when neither exists.
    """
    rubric = rated.question.rubric
    if all(p.id in rated.point_ratings for p in rubric):
        total = sum(p.weight for p in rubric)
        return 100.0 * sum(p.weight * rated.point_ratings[p.id] / 2 for p in rubric) / total
    if rated.overall_rating is not None:
        return (rated.overall_rating - 1) / 4 * 100.0
    return None


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class QuestionRow:
    """One answered question: machine and interviewer scores side by side."""

    question_id: str
    title: str
    category: str
    points_possible: float
    machine_points: float | None
    machine_score: float | None  # 0-100
    interviewer_score: float | None  # 0-100
    difference: float | None  # interviewer - machine
    overall_rating: int | None
    points_rated: int  # rubric points the interviewer rated
    answer: str
    notes: str
    flags: tuple[str, ...] = ()  # the machine's guard messages, in the report's language


@dataclass(frozen=True)
class CategoryRow:
    """Scores of one category (points-weighted over its questions)."""

    category: str
    questions: int
    points_possible: float
    machine_score: float | None
    interviewer_score: float | None
    difference: float | None


@dataclass(frozen=True)
class Agreement:
    """How far the interviewer and the machine agree, per point and per question."""

    points_compared: int
    point_agreement: float | None  # share of points rated the same (0-1)
    kappa: float | None  # Cohen's kappa on the 0-2 point levels, None when undefined
    questions_compared: int
    mean_abs_difference: float | None  # of the 0-100 question scores
    spearman: float | None  # of the 0-100 question scores, with 3 or more questions


@dataclass(frozen=True)
class PointNote:
    """A rubric point singled out as a strength or a gap."""

    question_id: str
    question_title: str
    category: str
    point_id: str
    text: str
    weight: float
    source: Source  # who judged it: the interviewer, or the machine when not rated
    weak: str | None = None  # gaps: what a weak answer to the point sounds like
    advice: str | None = None  # gaps: what a strong answer adds


@dataclass(frozen=True)
class Recommendation:
    """A plain-language next step for one of the weakest categories."""

    category: str
    score: float
    text: str
    focus: tuple[str, ...] = ()  # missing points of the category to work on


@dataclass(frozen=True)
class SessionReport:
    """Everything an interviewer's mock-session report shows, as plain data."""

    candidate: str
    interviewer: str
    title: str
    language: str
    created_at: str  # ISO 8601
    questions: tuple[QuestionRow, ...]
    categories: tuple[CategoryRow, ...]
    machine_overall: float | None
    interviewer_overall: float | None
    agreement: Agreement
    strengths: tuple[PointNote, ...]
    gaps: tuple[PointNote, ...]
    recommendations: tuple[Recommendation, ...]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-native data (lists, not tuples)."""
        return _lists(asdict(self))


def report_from_dict(data: dict[str, Any]) -> SessionReport:
    """Rebuild a `SessionReport` from `SessionReport.to_dict()` (or parsed `to_json`)."""
    return SessionReport(
        **{
            **data,
            "questions": tuple(
                QuestionRow(**{**q, "flags": tuple(q.get("flags", ()))}) for q in data["questions"]
            ),
            "categories": tuple(CategoryRow(**c) for c in data["categories"]),
            "agreement": Agreement(**data["agreement"]),
            "strengths": tuple(PointNote(**s) for s in data["strengths"]),
            "gaps": tuple(PointNote(**g) for g in data["gaps"]),
            "recommendations": tuple(
                Recommendation(**{**r, "focus": tuple(r.get("focus", ()))})
                for r in data["recommendations"]
            ),
        }
    )


def build_report(
    candidate: str,
    interviewer: str,
    title: str,
    rated_answers: Sequence[RatedAnswer],
    language: str = "zh",
    created_at: datetime | str | None = None,
) -> SessionReport:
    """Build the report of a mock session.

    Args:
        candidate: the candidate's name.
        interviewer: the interviewer's name.
        title: the session's title.
        rated_answers: the answers, in the order they were asked.
        language: "zh" or "en", for the bank's texts in the report.
        created_at: when the session took place; now when None.

    Returns:
        A frozen `SessionReport`.
    """
    lang = "en" if language == "en" else "zh"
    if created_at is None:
        created_at = datetime.now().replace(microsecond=0)
    stamp = created_at.isoformat() if isinstance(created_at, datetime) else str(created_at)

    rows = tuple(_question_row(r, lang) for r in rated_answers)
    machines = [r.machine for r in rated_answers if r.machine is not None]
    categories = _category_rows(rows, machines)
    strengths, gaps = _strengths_and_gaps(rated_answers, lang)
    return SessionReport(
        candidate=candidate,
        interviewer=interviewer,
        title=title,
        language=lang,
        created_at=stamp,
        questions=rows,
        categories=categories,
        machine_overall=_round(aggregate(machines).score) if machines else None,
        interviewer_overall=_round(_weighted_interviewer(rows)),
        agreement=agreement(rated_answers),
        strengths=strengths,
        gaps=gaps,
        recommendations=_recommendations(categories, gaps, lang),
    )


def agreement(rated_answers: Iterable[RatedAnswer]) -> Agreement:
    """Compare interviewer and machine per rated point and per question.

    Returns:
        An `Agreement`; a statistic is None where it is undefined (nothing to compare,
        Cohen's kappa when both raters use one level only, Spearman under 3 questions or with
        constant scores).
    """
    human: list[int] = []
    machine: list[int] = []
    pairs: list[tuple[float, float]] = []
    for rated in rated_answers:
        if rated.machine is None:
            continue
        statuses = {p.point_id: p.status for p in rated.machine.points}
        for point_id, rating in rated.point_ratings.items():
            if point_id in statuses:
                human.append(rating)
                machine.append(MACHINE_LEVEL[statuses[point_id]])
        score = interviewer_score(rated)
        if score is not None:
            pairs.append((rated.machine.score, score))

    share = kappa = mad = rho = None
    if human:
        share = sum(h == m for h, m in zip(human, machine, strict=True)) / len(human)
        kappa = _kappa(human, machine)
    if pairs:
        mad = _round(sum(abs(a - b) for a, b in pairs) / len(pairs))
        if len(pairs) >= 3:
            rho = _spearman([a for a, _ in pairs], [b for _, b in pairs])
    return Agreement(len(human), share, kappa, len(pairs), mad, rho)


def _question_row(rated: RatedAnswer, lang: str) -> QuestionRow:
    q, m = rated.question, rated.machine
    human = interviewer_score(rated)
    machine_score = m.score if m is not None else None
    return QuestionRow(
        question_id=q.id,
        title=q.title.get(lang),
        category=q.category,
        points_possible=float(m.points_possible if m is not None else q.points),
        machine_points=m.points_score if m is not None else None,
        machine_score=machine_score,
        interviewer_score=_round(human),
        difference=_diff(human, machine_score),
        overall_rating=rated.overall_rating,
        points_rated=len(rated.point_ratings),
        answer=rated.answer,
        notes=rated.notes,
        flags=tuple(f.message(lang) for f in m.flags) if m is not None else (),
    )


def _category_rows(
    rows: Sequence[QuestionRow], machines: list[ScoreReport]
) -> tuple[CategoryRow, ...]:
    machine_by_category = {c.category: c.score for c in aggregate(machines).categories}
    present = {r.category for r in rows}
    order = [c for c in CATEGORIES if c in present] + sorted(present - set(CATEGORIES))
    result = []
    for category in order:
        items = [r for r in rows if r.category == category]
        machine = machine_by_category.get(category)
        human = _weighted_interviewer(items)
        result.append(
            CategoryRow(
                category=category,
                questions=len(items),
                points_possible=sum(r.points_possible for r in items),
                machine_score=_round(machine),
                interviewer_score=_round(human),
                difference=_diff(human, machine),
            )
        )
    return tuple(result)


def _weighted_interviewer(rows: Iterable[QuestionRow]) -> float | None:
    """Interviewer scores weighted by each question's points, as `aggregate` does."""
    pairs = [
        (r.interviewer_score, r.points_possible) for r in rows if r.interviewer_score is not None
    ]
    possible = sum(p for _, p in pairs)
    return sum(s * p for s, p in pairs) / possible if possible else None


def _strengths_and_gaps(
    rated_answers: Sequence[RatedAnswer], lang: str
) -> tuple[tuple[PointNote, ...], tuple[PointNote, ...]]:
    """Covered and missing rubric points; the interviewer's rating wins over the machine's."""
    strengths: list[tuple[int, PointNote]] = []
    gaps: list[tuple[int, PointNote]] = []
    order = 0
    for rated in rated_answers:
        q = rated.question
        machine = {p.point_id: p for p in rated.machine.points} if rated.machine else {}
        for point in q.rubric:
            order += 1
            source: Source
            if point.id in rated.point_ratings:
                level, source = rated.point_ratings[point.id], "interviewer"
            elif point.id in machine:
                level, source = MACHINE_LEVEL[machine[point.id].status], "machine"
            else:
                continue
            note = PointNote(
                question_id=q.id,
                question_title=q.title.get(lang),
                category=q.category,
                point_id=point.id,
                text=point.text.get(lang),
                weight=point.weight,
                source=source,
            )
            if level == 2:
                strengths.append((order, note))
            elif level == 0:
                advice = point.strong.get(lang) if point.strong else None
                if advice is None and point.id in machine:
                    advice = machine[point.id].advice
                weak = point.weak.get(lang) if point.weak else None
                gaps.append((order, replace(note, weak=weak, advice=advice)))

    def priority(item: tuple[int, PointNote]) -> tuple[bool, float, int]:
        return (item[1].source != "interviewer", -item[1].weight, item[0])

    chosen: list[tuple[int, PointNote]] = []
    for category in {n.category for _, n in strengths}:
        in_category = sorted((s for s in strengths if s[1].category == category), key=priority)
        chosen.extend(in_category[:STRENGTHS_PER_CATEGORY])
    category_rank = {c: i for i, c in enumerate(CATEGORIES)}
    chosen.sort(key=lambda s: (category_rank.get(s[1].category, len(CATEGORIES)), s[0]))
    top_gaps = sorted(sorted(gaps, key=priority)[:MAX_GAPS], key=lambda g: g[0])
    return tuple(n for _, n in chosen), tuple(n for _, n in top_gaps)


def _recommendations(
    categories: Sequence[CategoryRow], gaps: Sequence[PointNote], lang: str
) -> tuple[Recommendation, ...]:
    """Next steps for the weakest categories under `RECOMMEND_BELOW` (interviewer's view first)."""
    scored = []
    for row in categories:
        score = row.interviewer_score if row.interviewer_score is not None else row.machine_score
        if score is not None and score < RECOMMEND_BELOW:
            scored.append((score, row.category))
    result = []
    for score, category in sorted(scored)[:MAX_RECOMMENDATIONS]:
        texts = RECOMMENDATIONS.get(category, RECOMMENDATIONS["other"])
        focus = tuple(g.text for g in gaps if g.category == category)[:FOCUS_PER_RECOMMENDATION]
        result.append(Recommendation(category, score, texts[lang], focus))
    return tuple(result)


def _kappa(human: list[int], machine: list[int]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(cohen_kappa_score(human, machine, labels=sorted(POINT_SCALE)))
    return value if math.isfinite(value) else None


def _spearman(a: list[float], b: list[float]) -> float | None:
    from scipy.stats import spearmanr

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(spearmanr(a, b).statistic)
    return value if math.isfinite(value) else None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _diff(human: float | None, machine: float | None) -> float | None:
    return None if human is None or machine is None else round(human - machine, 1)


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


# --------------------------------------------------------------------------- renderers


def label(key: str, language: str) -> str:
    """The UI label `key` in `language` ("zh" or "en"; Chinese for anything else)."""
    return LABELS["en" if language == "en" else "zh"][key]


def category_label(category: str, language: str) -> str:
    """A category's display name in `language`; the raw id for an unknown category."""
    return CATEGORY_LABELS["en" if language == "en" else "zh"].get(category, category)


def to_json(report: SessionReport) -> str:
    """The report as JSON (UTF-8 text, not ASCII-escaped); `json.loads` gives `to_dict()`."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def to_csv(report: SessionReport, language: str | None = None) -> str:
    """One row per question, with answer and notes; every cell neutralised for spreadsheets.

    Args:
        report: the session report.
        language: the header language; the report's by default.

    Returns:
        CSV text; encode it as "utf-8-sig" so that Excel reads the Chinese.
    """
    lang = language or report.language
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralize_cell(label(c, lang)) for c in CSV_COLUMNS])
    for row in report.questions:
        values = asdict(row)
        values["category"] = category_label(row.category, lang)
        writer.writerow([neutralize_cell(values[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def to_html(report: SessionReport, language: str | None = None) -> str:
    """One self-contained, printable HTML page of the report (inline CSS and SVG).

    Args:
        report: the session report.
        language: the labels' language; the report's by default.

    Returns:
        The HTML document; every text from users or the bank is escaped.
    """
    lang = "en" if (language or report.language) == "en" else "zh"

    def t(key: str) -> str:
        return _e(label(key, lang))

    a = report.agreement
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.title)} – {_e(report.candidate)}</title>",
        f"<style>{_CSS}</style></head>",
        "<body><main>",
        f"<header><h1>{_e(report.title)}</h1><p class='sub'>{t('report')}</p>",
        "<dl class='meta'>",
        f"<dt>{t('candidate')}</dt><dd>{_e(report.candidate)}</dd>",
        f"<dt>{t('interviewer')}</dt><dd>{_e(report.interviewer)}</dd>",
        f"<dt>{t('date')}</dt><dd>{_e(report.created_at)}</dd>",
        "</dl></header>",
        f"<section><h2>{t('summary')}</h2><div class='cards'>",
        _card(label("machine", lang), report.machine_overall),
        _card(label("human", lang), report.interviewer_overall),
        _card(
            label("difference", lang),
            _diff(report.interviewer_overall, report.machine_overall),
            signed=True,
        ),
        "</div>",
        f"<h3>{t('agreement')}</h3><table class='kv'><tbody>",
        _kv(label("point_agreement", lang), _pct(a.point_agreement)),
        _kv(label("kappa", lang), _num(a.kappa, 2)),
        _kv(label("points_compared", lang), str(a.points_compared)),
        _kv(label("mean_abs_difference", lang), _num(a.mean_abs_difference)),
        _kv(label("spearman", lang), _num(a.spearman, 2)),
        _kv(label("questions_compared", lang), str(a.questions_compared)),
        "</tbody></table></section>",
        f"<section><h2>{t('by_category')}</h2>",
        _chart(report.categories, lang),
        _table(
            [label(k, lang) for k in _CATEGORY_COLUMNS],
            [
                [
                    category_label(c.category, lang),
                    c.questions,
                    _num(c.points_possible, 0),
                    _num(c.machine_score),
                    _num(c.interviewer_score),
                    _num(c.difference, signed=True),
                ]
                for c in report.categories
            ],
        ),
        "</section>",
        f"<section><h2>{t('by_question')}</h2>",
        _table(
            [label(k, lang) for k in _QUESTION_COLUMNS],
            [
                [
                    q.question_id,
                    q.title,
                    category_label(q.category, lang),
                    _num(q.points_possible, 0),
                    _num(q.machine_points),
                    _num(q.machine_score),
                    _num(q.interviewer_score),
                    _num(q.difference, signed=True),
                    _rating(q.overall_rating, lang),
                ]
                for q in report.questions
            ],
        ),
        "</section>",
        _strengths_html(report.strengths, lang),
        _gaps_html(report.gaps, lang),
        _recommendations_html(report.recommendations, lang),
        _answers_html(report.questions, lang),
        _scale_html(lang),
        f"<footer>{t('footer')}</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


_CSS = """
:root { --machine: #6b8fb8; --human: #d9822b; --ink: #1f2933; --line: #d5dbe1; }
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
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.kv { width: auto; } .chart { max-width: 640px; width: 100%; height: auto; }
.answer { white-space: pre-wrap; border-left: 3px solid var(--line); padding-left: 10px; }
.notes { white-space: pre-wrap; background: #fff8ec; padding: 6px 10px; }
.src { color: #7b8794; font-size: 12px; } .muted { color: #7b8794; }
footer { margin-top: 32px; font-size: 12px; color: #7b8794; }
@page { size: A4; margin: 15mm; }
@media print {
  body { font-size: 10.5pt; } main { max-width: none; padding: 0; }
  h2 { break-after: avoid; } section, .qa, tr, .card, svg { break-inside: avoid; }
  thead { display: table-header-group; } th { background: #eee !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | None, digits: int = 1, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _rating(value: int | None, lang: str) -> str:
    if value is None:
        return "–"
    zh, en, _, _ = OVERALL_SCALE[value]
    return f"{value} {en if lang == 'en' else zh}"


def _card(key: str, value: float | None, signed: bool = False) -> str:
    return (
        f"<div class='card'><div class='k'>{_e(key)}</div>"
        f"<div class='v'>{_e(_num(value, signed=signed))}</div></div>"
    )


def _kv(key: str, value: str) -> str:
    return f"<tr><th>{_e(key)}</th><td class='n'>{_e(value)}</td></tr>"


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='n'>{_e(c)}</td>" if isinstance(c, int | float) or _numeric(c) else
            f"<td>{_e(c)}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _numeric(text: Any) -> bool:
    return isinstance(text, str) and (text == "–" or text.lstrip("+-").replace(".", "").isdigit())


def _chart(categories: Sequence[CategoryRow], lang: str) -> str:
    """Grouped horizontal bars per category, machine vs interviewer, on 0-100."""
    left, width, bar, gap = 110, 420, 14, 14
    height = 30 + len(categories) * (2 * bar + gap) + 10
    out = [
        f"<svg class='chart' role='img' viewBox='0 0 {left + width + 60} {height}' "
        f"xmlns='http://www.w3.org/2000/svg' font-size='11'>",
        f"<title>{_e(label('chart', lang))}</title>",
        f"<rect x='{left}' y='4' width='10' height='10' fill='#6b8fb8'/>"
        f"<text x='{left + 14}' y='13'>{_e(label('machine', lang))}</text>",
        f"<rect x='{left + 140}' y='4' width='10' height='10' fill='#d9822b'/>"
        f"<text x='{left + 154}' y='13'>{_e(label('human', lang))}</text>",
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
            (0, c.machine_score, "#6b8fb8"),
            (bar, c.interviewer_score, "#d9822b"),
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
                f"{_e(_num(value))}</text>"
            )
        y += 2 * bar + gap
    out.append("</svg>")
    return "".join(out)


def _grouped(notes: Sequence[PointNote]) -> dict[str, list[PointNote]]:
    groups: dict[str, list[PointNote]] = {}
    for note in notes:
        groups.setdefault(note.category, []).append(note)
    return groups


def _source(note: PointNote, lang: str) -> str:
    if note.source != "machine":
        return ""
    return f" <span class='src'>{_e(label('source_machine', lang))}</span>"


def _strengths_html(strengths: Sequence[PointNote], lang: str) -> str:
    parts = [f"<section><h2>{_e(label('strengths', lang))}</h2>"]
    if not strengths:
        parts.append(f"<p class='muted'>{_e(label('none', lang))}</p>")
    for category, notes in _grouped(strengths).items():
        parts.append(f"<h3>{_e(category_label(category, lang))}</h3><ul>")
        parts.extend(
            f"<li>{_e(n.text)} <span class='src'>({_e(n.question_id)} {_e(n.question_title)})"
            f"</span>{_source(n, lang)}</li>"
            for n in notes
        )
        parts.append("</ul>")
    parts.append("</section>")
    return "".join(parts)


def _gaps_html(gaps: Sequence[PointNote], lang: str) -> str:
    if not gaps:
        return (
            f"<section><h2>{_e(label('gaps', lang))}</h2>"
            f"<p class='muted'>{_e(label('none', lang))}</p></section>"
        )
    rows = "".join(
        f"<tr><td>{_e(g.question_id)}<br><span class='src'>{_e(g.question_title)}</span></td>"
        f"<td>{_e(g.text)}{_source(g, lang)}</td><td>{_e(g.weak or '–')}</td>"
        f"<td>{_e(g.advice or '–')}</td></tr>"
        for g in gaps
    )
    head = "".join(
        f"<th>{_e(label(k, lang))}</th>" for k in ("question_id", "point", "weak", "advice")
    )
    return (
        f"<section><h2>{_e(label('gaps', lang))}</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _recommendations_html(recommendations: Sequence[Recommendation], lang: str) -> str:
    parts = [f"<section><h2>{_e(label('recommendations', lang))}</h2>"]
    if not recommendations:
        parts.append(f"<p>{_e(label('no_recommendations', lang))}</p>")
    else:
        parts.append("<ol>")
        for r in recommendations:
            focus = (
                f"<br><span class='src'>{_e(label('focus', lang))}: "
                f"{_e('；'.join(r.focus) if lang == 'zh' else '; '.join(r.focus))}</span>"
                if r.focus
                else ""
            )
            parts.append(
                f"<li><strong>{_e(category_label(r.category, lang))} ({_e(_num(r.score))})"
                f"</strong>: {_e(r.text)}{focus}</li>"
            )
        parts.append("</ol>")
    parts.append("</section>")
    return "".join(parts)


def _answers_html(questions: Sequence[QuestionRow], lang: str) -> str:
    parts = [f"<section><h2>{_e(label('answers', lang))}</h2>"]
    for q in questions:
        parts.append(f"<div class='qa'><h3>{_e(q.question_id)} · {_e(q.title)}</h3>")
        parts.append(f"<p class='answer'>{_e(q.answer) or '–'}</p>")
        if q.flags:
            parts.append(f"<p class='src'>{_e(label('flags', lang))}: {_e(' '.join(q.flags))}</p>")
        if q.notes:
            parts.append(
                f"<p><strong>{_e(label('notes', lang))}</strong></p>"
                f"<p class='notes'>{_e(q.notes)}</p>"
            )
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def _scale_html(lang: str) -> str:
    en = lang == "en"
    rows = "".join(
        f"<tr><td class='n'>{r}</td><td>{_e(en_l if en else zh_l)}</td>"
        f"<td>{_e(en_d if en else zh_d)}</td></tr>"
        for r, (zh_l, en_l, zh_d, en_d) in OVERALL_SCALE.items()
    )
    points = "；".join(f"{r} = {en_l if en else zh_l}" for r, (zh_l, en_l) in POINT_SCALE.items())
    return (
        f"<section><h2>{_e(label('scale', lang))}</h2><table><tbody>{rows}</tbody></table>"
        f"<p class='src'>{_e(label('point_scale', lang))}: {_e(points)}</p></section>"
    )
