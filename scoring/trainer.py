"""Calibration by trainers: graded example answers set a question's threshold.

    examples = examples_from_question(question)            # or read_examples_csv(path)
    print(agreement(scorer, question, examples).summary("en"))
    result = fit_question_offset(scorer, question, examples)
    scorer.offsets[question.id] = result.offset  # stored by services.rubric_lab.apply_offset
    marks = marked_evidence_checks(scorer, question)  # does it cite the words trainers marked?

A question's offset is added to the logit of each of its rubric points before the sigmoid
(see `Scorer.probabilities`): a positive offset makes the scorer more generous on that
question, a negative one stricter. The fit chooses the offset whose machine grades
(score / 10) are closest, in squared error, to the trainer's grades.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.stats import rankdata

from question_bank.schema import Question
from scoring.engine import AnswerEvidence, Scorer, Target

MIN_EXAMPLES = 3
PREVIEW_CHARS = 40
_STRENGTH_ZH = {"strong": "高", "moderate": "中等", "weak": "低"}


@dataclass(frozen=True)
class GradedExample:
    """An answer with the grade a trainer gave it."""

    answer: str
    grade: float  # 0-10 trainer grade
    language: str | None = None  # zh / en; None: detected from the answer


@dataclass(frozen=True)
class AgreementRow:
    """One example: the trainer's grade next to the machine's (both 0-10)."""

    preview: str
    grade: float
    machine_grade: float
    language: str


@dataclass(frozen=True)
class Agreement:
    """How far the machine grades (score / 10) agree with a trainer's grades."""

    n: int
    spearman: float | None  # rank correlation; None when undefined (n < 3 or constant)
    pearson: float | None
    mean_abs_error: float  # in grade points (0-10)
    mean_error: float  # machine minus trainer: positive means the machine is more generous
    within_one: float  # share of examples with |machine - trainer| <= 1 grade point
    rows: tuple[AgreementRow, ...]

    @classmethod
    def from_rows(cls, rows: Sequence[AgreementRow]) -> Agreement:
        """Agreement statistics over some rows (e.g. the rows of several questions)."""
        grades = np.array([r.grade for r in rows], dtype=float)
        machine = np.array([r.machine_grade for r in rows], dtype=float)
        diff = machine - grades
        return cls(
            n=len(rows),
            spearman=_correlation(rankdata(machine), rankdata(grades)) if len(rows) else None,
            pearson=_correlation(machine, grades),
            mean_abs_error=float(np.abs(diff).mean()) if len(rows) else 0.0,
            mean_error=float(diff.mean()) if len(rows) else 0.0,
            within_one=float((np.abs(diff) <= 1.0 + 1e-9).mean()) if len(rows) else 0.0,
            rows=tuple(rows),
        )

    def summary(self, language: str = "en") -> str:
        """One line in plain words, in zh or en."""
        zh = language == "zh"
        if self.n == 0:
            return "没有评分示例。" if zh else "No graded examples."
        close = round(self.within_one * self.n)
        if abs(self.mean_error) < 0.5:
            lean = "整体不偏松也不偏严" if zh else "neither more generous nor stricter overall"
        elif self.mean_error > 0:
            lean = (
                f"整体偏松 {self.mean_error:.1f} 分"
                if zh
                else f"{self.mean_error:.1f} points more generous overall"
            )
        else:
            lean = (
                f"整体偏严 {-self.mean_error:.1f} 分"
                if zh
                else f"{-self.mean_error:.1f} points stricter overall"
            )
        if self.spearman is None:
            order = "无法计算排序一致性" if zh else "the ranking agreement cannot be computed"
        else:
            level = _strength(self.spearman)
            order = (
                f"排序一致性{_STRENGTH_ZH[level]}（{self.spearman:.2f}）"
                if zh
                else f"it ranks the answers with {level} agreement ({self.spearman:.2f})"
            )
        if zh:
            return (
                f"在 {self.n} 个评分示例上，机器评分与培训师评分平均相差 "
                f"{self.mean_abs_error:.1f} 分，{close} 个相差不超过 1 分；{lean}；{order}。"
            )
        return (
            f"On {self.n} graded examples the machine grade is on average "
            f"{self.mean_abs_error:.1f} points from the trainer's, {close} within one point; "
            f"it is {lean}; {order}."
        )


@dataclass(frozen=True)
class QuestionCalibration:
    """The fitted offset of one question, with the agreement before and after it."""

    question_id: str | None
    encoder: str
    offset: float  # the fitted logit offset (replaces the question's current one)
    previous_offset: float
    before: Agreement  # the scorer as it was
    after: Agreement  # with the fitted offset


def examples_from_question(question: Question) -> tuple[GradedExample, ...]:
    """A bank question's own graded example answers."""
    return tuple(GradedExample(e.text, float(e.grade), e.language) for e in question.examples)


def read_examples_csv(path: str | Path) -> list[GradedExample]:
    """Read graded examples from a UTF-8 CSV with columns `answer,grade` (`language` optional).

    Raises ValueError naming the row for a missing column, an empty answer or a bad grade.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = {c.strip().lower(): c for c in reader.fieldnames or ()}
        missing = [c for c in ("answer", "grade") if c not in columns]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        examples = []
        for line, row in enumerate(reader, start=2):
            answer = (row.get(columns["answer"]) or "").strip()
            raw = (row.get(columns["grade"]) or "").strip()
            if not answer and not raw:
                continue
            if not answer:
                raise ValueError(f"{path}: row {line}: the answer is empty")
            try:
                grade = float(raw)
            except ValueError:
                raise ValueError(f"{path}: row {line}: grade {raw!r} is not a number") from None
            if not 0 <= grade <= 10:
                raise ValueError(f"{path}: row {line}: grade {grade} is not between 0 and 10")
            language = (row.get(columns["language"]) or "").strip() if "language" in columns else ""
            examples.append(GradedExample(answer, grade, language or None))
    return examples


@dataclass(frozen=True)
class MarkCheck:
    """A passage a trainer marked as making a point in a graded example, beside what the
    scorer cites for that point when it scores the example as an answer."""

    example_id: str
    point_id: str
    marked: tuple[str, ...]
    cited: str | None  # None: the scorer does not find the point in the example
    agrees: bool  # the cited words meet one of the marked passages


def marked_evidence_checks(scorer: Scorer, question: Question) -> list[MarkCheck]:
    """For each point a trainer marked in a graded example, whether the scorer, scoring the
    example as an answer (never read through itself), cites words that meet the marks."""
    checks = []
    for example in question.examples:
        if not example.evidence:
            continue
        report = scorer.score(question, example.text)
        for result in report.points:
            marked = example.marked(result.point_id)
            if not marked:
                continue
            where = [(example.text.find(m), example.text.find(m) + len(m)) for m in marked]
            span = result.evidence_span
            agrees = span is not None and any(a < span[1] and span[0] < b for a, b in where)
            checks.append(MarkCheck(example.id, result.point_id, marked, result.evidence, agrees))
    return checks


def marks_summary(checks: Sequence[MarkCheck], language: str) -> str:
    """How many of the marked points the scorer cites the marked words for, in `language`."""
    agreed = sum(check.agrees for check in checks)
    if language == "zh":
        return f"标注的 {len(checks)} 个要点中，评分器引用了标注原文的有 {agreed} 个。"
    return f"Of {len(checks)} marked points, the scorer cites the marked words for {agreed}."


def agreement(
    scorer: Scorer, question: Question | Target, examples: Sequence[GradedExample]
) -> Agreement:
    """Agreement of the scorer, as it is, with the trainer's grades on these examples."""
    target = _target(question)
    return _agreement(_Prepared.build(scorer, target, examples), None)


def fit_question_offset(
    scorer: Scorer,
    question: Question | Target,
    examples: Sequence[GradedExample],
    bounds: tuple[float, float] = (-3.0, 3.0),
) -> QuestionCalibration:
    """Fit the question's logit offset to the trainer's grades (least squares, bounded).

    The evidence of each example is computed once; only the calibrator is re-applied per
    offset. Needs at least 3 examples with at least 2 different grades (ValueError otherwise).
    """
    target = _target(question)
    if len(examples) < MIN_EXAMPLES:
        raise ValueError(
            f"calibration needs at least {MIN_EXAMPLES} graded examples, got {len(examples)}"
        )
    if len({float(e.grade) for e in examples}) < 2:
        raise ValueError("calibration needs examples with at least 2 different grades")
    if any(not 0 <= e.grade <= 10 for e in examples):
        raise ValueError("trainer grades must be between 0 and 10")
    low, high = float(bounds[0]), float(bounds[1])
    if not low < high:
        raise ValueError(f"bounds must be (low, high) with low < high, got {bounds}")

    prepared = _Prepared.build(scorer, target, examples)
    grades = np.array([e.grade for e in examples], dtype=float)

    def loss(offset: float) -> float:
        return float(((prepared.grades(offset) - grades) ** 2).sum())

    # A grid first (the loss can be flat or have several dips), then a bounded refinement.
    grid = np.linspace(low, high, max(2, round((high - low) / 0.1) + 1))
    losses = np.array([loss(o) for o in grid])
    ties = grid[losses <= losses.min() + 1e-9]
    best = float(ties[np.argmin(np.abs(ties))])  # on a flat stretch, prefer the smallest change
    step = float(grid[1] - grid[0])
    refined = minimize_scalar(
        loss,
        bounds=(max(low, best - step), min(high, best + step)),
        method="bounded",
        options={"xatol": 1e-3},
    )
    if refined.success and loss(float(refined.x)) < loss(best) - 1e-9:
        best = float(refined.x)
    best = round(best, 3)
    return QuestionCalibration(
        question_id=target.question_id,
        encoder=scorer.encoder_name,
        offset=best,
        previous_offset=float(scorer.offsets.get(target.question_id or "", 0.0)),
        before=_agreement(prepared, None),
        after=_agreement(prepared, best),
    )


# --- internals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """The examples' evidence, computed once, and how to grade it at any offset."""

    scorer: Scorer
    target: Target
    examples: tuple[GradedExample, ...]
    evidence: tuple[AnswerEvidence | None, ...]  # None for an empty answer (grade 0)

    @classmethod
    def build(cls, scorer: Scorer, target: Target, examples: Sequence[GradedExample]) -> _Prepared:
        scorer.prepare([e.answer for e in examples])
        evidence = tuple(
            scorer.evidence(target, e.answer) if e.answer and e.answer.strip() else None
            for e in examples
        )
        return cls(scorer, target, tuple(examples), evidence)

    def grades(self, offset: float | None) -> np.ndarray:
        """Machine grades (0-10, as `score / 10` of the report) with this offset."""
        out = []
        for ev in self.evidence:
            if ev is None:
                out.append(0.0)
                continue
            p = self.scorer.probabilities(self.target, ev, offset)
            score = round(100 * self.scorer.grade_share(self.target, p, ev), 1)  # as in the report
            out.append(round(score / 10, 2))
        return np.array(out, dtype=float)


def _agreement(prepared: _Prepared, offset: float | None) -> Agreement:
    machine = prepared.grades(offset)
    rows = [
        AgreementRow(
            preview=_preview(e.answer),
            grade=float(e.grade),
            machine_grade=float(m),
            language=e.language or (ev.language if ev is not None else "zh"),
        )
        for e, m, ev in zip(prepared.examples, machine, prepared.evidence, strict=True)
    ]
    return Agreement.from_rows(rows)


def _target(question: Question | Target) -> Target:
    return question if isinstance(question, Target) else Target.from_question(question)


def _correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < MIN_EXAMPLES or np.ptp(a) < 1e-12 or np.ptp(b) < 1e-12:
        return None
    value = float(np.corrcoef(a, b)[0, 1])
    return None if math.isnan(value) else value


def _strength(rho: float) -> str:
    if rho >= 0.8:
        return "strong"
    if rho >= 0.5:
        return "moderate"
    return "weak"


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"


__all__ = [
    "Agreement",
    "AgreementRow",
    "GradedExample",
    "QuestionCalibration",
    "agreement",
    "examples_from_question",
    "fit_question_offset",
    "read_examples_csv",
]
