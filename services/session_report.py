"""A mock-session report as plain data: computed here, rendered in `services.report_render`.

`build_report` puts the machine scores (`ScoreReport`) beside the interviewer's own ratings
of each answer and computes per-question, per-category and overall scores, each rubric point's
status with its evidence, how far interviewer and machine agree, strengths, gaps and next
steps. The result is one frozen `SessionReport`; the page, HTML, PDF, CSV and JSON all draw
it (`services.report_render`). No Streamlit here.

One object, two audiences: `build_report` gives the interviewer's full report;
`candidate_view` derives the candidate's from it, with the agreement statistics, the
interviewer-minus-machine differences and every note not marked for sharing removed, so a
renderer cannot show the candidate what is not in their object.

Texts that come from the question bank (titles, rubric points) are in the report's language.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from question_bank.cells import neutralize_cell  # noqa: F401  (re-exported: older imports)
from question_bank.schema import CATEGORIES, Question
from scoring.report import ScoreReport, aggregate
from services.names import MACHINE_LEVEL, OVERALL_SCALE, POINT_LEVELS, POINT_SCALE

Source = Literal["interviewer", "machine"]
Audience = Literal["interviewer", "candidate"]

STRENGTHS_PER_CATEGORY = 2
MAX_GAPS = 8
RECOMMEND_BELOW = 80.0  # categories scoring under this get a recommendation
MAX_RECOMMENDATIONS = 2
FOCUS_PER_RECOMMENDATION = 3

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


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class FollowUpAnswer:
    """A follow-up question aimed at missed rubric points, and how its answer covered them.

    Args:
        question: the follow-up question as asked.
        answer: the candidate's answer to it.
        point_statuses: rubric point id -> the status the follow-up answer earned.
    """

    question: str
    answer: str
    point_statuses: dict[str, str] = field(default_factory=dict)


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
        notes_shared: whether the interviewer shares `notes` with the candidate.
        follow_ups: follow-up questions asked about missed points, with their answers.
    """

    question: Question
    answer: str
    machine: ScoreReport | None = None
    point_ratings: dict[str, int] = field(default_factory=dict)
    overall_rating: int | None = None
    notes: str = ""
    notes_shared: bool = False
    follow_ups: tuple[FollowUpAnswer, ...] = ()

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
class PointRow:
    """One rubric point of one answer: who judged it how, and the clause that shows it."""

    point_id: str
    text: str
    weight: float
    status: str  # "covered", "partial" or "missing"; "" when neither rater judged it
    source: Source | None  # the interviewer's rating wins over the machine's status
    interviewer_level: int | None  # 0-2, None when not rated
    machine_status: str | None
    probability: float | None  # the machine's confidence that the point is covered
    evidence: str  # the answer's clause that earned the point ("" when missing)
    advice: str | None = None  # not covered: what a strong answer adds
    lifted_by_follow_up: bool = False  # a follow-up answer covered what the answer missed


@dataclass(frozen=True)
class FollowUpRow:
    """A follow-up asked in the session and the points its answer lifted."""

    question: str
    answer: str
    lifted: tuple[str, ...] = ()  # ids of the points it lifted


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
    notes: str  # the candidate's view keeps them only when shared
    flags: tuple[str, ...] = ()  # the machine's guard messages, in the report's language
    notes_shared: bool = False
    points: tuple[PointRow, ...] = ()
    follow_ups: tuple[FollowUpRow, ...] = ()


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
    """Everything a mock-session report shows, as plain data, for one audience."""

    candidate: str
    interviewer: str
    title: str
    language: str
    created_at: str  # ISO 8601
    questions: tuple[QuestionRow, ...]
    categories: tuple[CategoryRow, ...]
    machine_overall: float | None
    interviewer_overall: float | None
    agreement: Agreement | None  # None in the candidate's view
    strengths: tuple[PointNote, ...]
    gaps: tuple[PointNote, ...]
    recommendations: tuple[Recommendation, ...]
    audience: Audience = "interviewer"

    @property
    def overall(self) -> float | None:
        """The headline score: the interviewer's when they rated, else the machine's."""
        return (
            self.interviewer_overall
            if self.interviewer_overall is not None
            else (self.machine_overall)
        )

    @property
    def overall_source(self) -> Source | None:
        """Who gave the headline score."""
        if self.interviewer_overall is not None:
            return "interviewer"
        return "machine" if self.machine_overall is not None else None

    @property
    def points_covered(self) -> tuple[int, int]:
        """(points judged covered, points judged) over all answers."""
        judged = [p for q in self.questions for p in q.points if p.status]
        return sum(p.status == "covered" for p in judged), len(judged)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-native data (lists, not tuples)."""
        return _lists(asdict(self))


def report_from_dict(data: dict[str, Any]) -> SessionReport:
    """Rebuild a `SessionReport` from `SessionReport.to_dict()` (or parsed `to_json`)."""
    return SessionReport(
        **{
            **data,
            "questions": tuple(_question_from_dict(q) for q in data["questions"]),
            "categories": tuple(CategoryRow(**c) for c in data["categories"]),
            "agreement": Agreement(**data["agreement"]) if data.get("agreement") else None,
            "strengths": tuple(PointNote(**s) for s in data["strengths"]),
            "gaps": tuple(PointNote(**g) for g in data["gaps"]),
            "recommendations": tuple(
                Recommendation(**{**r, "focus": tuple(r.get("focus", ()))})
                for r in data["recommendations"]
            ),
        }
    )


def _question_from_dict(data: dict[str, Any]) -> QuestionRow:
    return QuestionRow(
        **{
            **data,
            "flags": tuple(data.get("flags", ())),
            "points": tuple(PointRow(**p) for p in data.get("points", ())),
            "follow_ups": tuple(
                FollowUpRow(**{**f, "lifted": tuple(f.get("lifted", ()))})
                for f in data.get("follow_ups", ())
            ),
        }
    )


def candidate_view(report: SessionReport) -> SessionReport:
    """The candidate's report: the same scores, points, evidence and next steps, without the
    agreement statistics, the interviewer-minus-machine differences and any note the
    interviewer did not mark for sharing."""
    return replace(
        report,
        audience="candidate",
        agreement=None,
        questions=tuple(
            replace(q, difference=None, notes=q.notes if q.notes_shared else "")
            for q in report.questions
        ),
        categories=tuple(replace(c, difference=None) for c in report.categories),
    )


def without_private_notes(report: SessionReport) -> SessionReport:
    """The same report with every note the interviewer did not share left out."""
    return replace(
        report,
        questions=tuple(
            replace(q, notes=q.notes if q.notes_shared else "") for q in report.questions
        ),
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
        notes_shared=rated.notes_shared,
        points=_point_rows(rated, lang),
        follow_ups=tuple(
            FollowUpRow(f.question, f.answer, _lifted_by(rated, f)) for f in rated.follow_ups
        ),
    )


def _lifted_by(rated: RatedAnswer, follow_up: FollowUpAnswer) -> tuple[str, ...]:
    """The points the follow-up's answer covered better than the first answer did."""
    first = {p.point_id: p.status for p in rated.machine.points} if rated.machine else {}
    return tuple(
        point_id
        for point_id, status in follow_up.point_statuses.items()
        if status in MACHINE_LEVEL
        and MACHINE_LEVEL[status] > MACHINE_LEVEL.get(first.get(point_id, "missing"), 0)
    )


def _point_rows(rated: RatedAnswer, lang: str) -> tuple[PointRow, ...]:
    """Each rubric point: the interviewer's rating if given, else the machine's status, raised
    by a follow-up answer that covered it better."""
    machine = {p.point_id: p for p in rated.machine.points} if rated.machine else {}
    lifted: dict[str, str] = {}
    for follow_up in rated.follow_ups:
        for point_id in _lifted_by(rated, follow_up):
            status = follow_up.point_statuses[point_id]
            if MACHINE_LEVEL[status] > MACHINE_LEVEL.get(lifted.get(point_id, "missing"), 0):
                lifted[point_id] = status
    rows = []
    for point in rated.question.rubric:
        found = machine.get(point.id)
        level = rated.point_ratings.get(point.id)
        machine_status = lifted.get(point.id) or (found.status if found else None)
        if level is not None:
            status, source = POINT_LEVELS[level], "interviewer"
        elif machine_status is not None:
            status, source = machine_status, "machine"
        else:
            status, source = "", None
        advice = None
        if status != "covered":
            advice = point.strong.get(lang) if point.strong else (found.advice if found else None)
        rows.append(
            PointRow(
                point_id=point.id,
                text=point.text.get(lang),
                weight=point.weight,
                status=status,
                source=source,
                interviewer_level=level,
                machine_status=machine_status,
                # the first answer's confidence and clause; a lifted point's came from the
                # follow-up answer, shown beside it
                probability=round(found.probability, 3)
                if found and point.id not in lifted
                else None,
                evidence=(found.evidence or "")
                if found and found.status != "missing" and point.id not in lifted
                else "",
                advice=advice,
                lifted_by_follow_up=point.id in lifted and level is None,
            )
        )
    return tuple(rows)


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
                level, source = MACHINE_LEVEL[_lifted_status(rated, machine[point.id])], "machine"
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


def _lifted_status(rated: RatedAnswer, point: Any) -> str:
    """The machine's status of a point, raised by any follow-up answer that covered it."""
    best = point.status
    for follow_up in rated.follow_ups:
        status = follow_up.point_statuses.get(point.point_id)
        if status in MACHINE_LEVEL and MACHINE_LEVEL[status] > MACHINE_LEVEL[best]:
            best = status
    return best


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
