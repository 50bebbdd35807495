"""The rubric lab: try rubric wording and weights on sample answers, calibrate a question.

The scratch rubric is a copy of the question with other rubric points; nothing is saved
until the trainer saves it into the question (`save_scratch_rubric`). Calibration fits the
question's logit offset to graded example answers (`scoring.trainer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url

from question_bank.schema import Question
from scoring import trainer
from scoring.engine import Scorer
from scoring.report import ScoreReport
from services import bank
from services.accounts import Actor, require
from services.bank_forms import rubric_from_rows
from services.errors import InputRejected
from storage.db import Database, database_url
from storage.models import QuestionOffset, utcnow

# Whoever runs `python -m scoring calibrate --save` on the server: they can read and write
# the database file anyway, so they act as a trainer.
COMMAND_LINE = Actor(role="trainer", owner="console", username="command-line")
SEPARATOR = re.compile(r"^\s*-{3,}\s*$", re.MULTILINE)
MAX_SAMPLE_ANSWERS = 20
MAX_SAMPLE_CHARS = 50_000


@dataclass(frozen=True)
class Comparison:
    """One sample answer scored against the saved rubric and against the scratch rubric."""

    answer: str
    saved: ScoreReport
    scratch: ScoreReport


@dataclass(frozen=True)
class LabExample:
    """A graded example answer: from the bank's own examples or added by a trainer."""

    source: str  # "bank" or "trainer"
    key: str  # the bank example's id, or the database id of a trainer's example
    answer: str
    grade: float
    language: str | None = None


@dataclass(frozen=True)
class PointPhrasing:
    """A rubric point and one part of a graded example that the scorer reads as a way of
    saying it (`part` is empty for a point no example phrases yet)."""

    point_id: str
    point: str
    example_id: str
    language: str
    part: str
    marked: bool = False  # marked by a trainer in the workbench, else cited by the scorer


def example_phrasings(scorer: Scorer, question: Question, language: str) -> list[PointPhrasing]:
    """What the question's examples teach the scorer: for each rubric point, the part of
    each strong or partial example marked as covering it that answers are also compared
    with (`Scorer.example_phrasings`); an empty list when the scorer reads no examples."""
    read = scorer.example_phrasings(question)
    if not read:
        return []
    rows = []
    for point in question.rubric:
        text = point.text.get(language)
        found = [
            PointPhrasing(point.id, text, part.example_id, lang, part.part, part.marked)
            for lang, parts in read[point.id].items()
            for part in parts
        ]
        rows += found or [PointPhrasing(point.id, text, "", "", "")]
    return rows


def marked_evidence_checks(scorer: Scorer, question: Question) -> list[trainer.MarkCheck]:
    """Whether the scorer cites, in each graded example, the words a trainer marked for each
    point (`scoring.trainer.marked_evidence_checks`)."""
    return trainer.marked_evidence_checks(scorer, question)


def split_answers(text: str) -> list[str]:
    """Sample answers pasted together, separated by a line holding only `---`."""
    return [part.strip() for part in SEPARATOR.split(text or "") if part.strip()]


def scratch_question(question: Question, rows: Iterable[dict[str, Any]]) -> Question:
    """The question with its rubric replaced by the scratch rows (for scoring only).

    Raises:
        ValidationFailed: the rows are not a valid rubric (paths like `rubric.1.weight`).
    """
    data = question.model_dump(mode="json")
    data["rubric"] = rubric_from_rows(rows)
    data["examples"] = []  # examples may cover points the scratch rubric renamed
    return bank.validate_question(data)


def compare(
    scorer: Scorer, saved: Question, scratch: Question, answers: Sequence[str]
) -> list[Comparison]:
    """Score each answer against the saved and the scratch rubric.

    Raises:
        InputRejected: too many answers or too much text.
    """
    if len(answers) > MAX_SAMPLE_ANSWERS:
        raise InputRejected(
            f"At most {MAX_SAMPLE_ANSWERS} sample answers at a time.",
            f"一次最多 {MAX_SAMPLE_ANSWERS} 个示例回答。",
        )
    if sum(len(a) for a in answers) > MAX_SAMPLE_CHARS:
        raise InputRejected(
            f"The sample answers are longer than {MAX_SAMPLE_CHARS} characters in all.",
            f"示例回答合计超过 {MAX_SAMPLE_CHARS} 字。",
        )
    scorer.prepare(list(answers))
    return [Comparison(a, scorer.score(saved, a), scorer.score(scratch, a)) for a in answers]


def save_scratch_rubric(
    db: Database,
    actor: Actor,
    question: Question,
    rows: Iterable[dict[str, Any]],
    expected_version: int,
) -> bank.QuestionEntry:
    """Save the scratch rubric into the question (its examples kept as they are).

    Raises:
        ValidationFailed: not a valid rubric, or a graded example covers a point now gone.
        EditConflict: the question was saved by someone else since `expected_version`.
    """
    data = question.model_dump(mode="json")
    data["rubric"] = rubric_from_rows(rows)
    return bank.save_question(db, actor, data, expected_version)


def lab_examples(db: Database, actor: Actor, question: Question) -> list[LabExample]:
    """The question's graded examples: the bank's own, then those trainers added (trainers
    only)."""
    own = [LabExample("bank", e.id, e.text, float(e.grade), e.language) for e in question.examples]
    added = [
        LabExample("trainer", str(example_id), answer, float(grade))
        for example_id, answer, grade in bank.calibration_examples(db, actor, question.id)
    ]
    return own + added


def calibrate(
    scorer: Scorer, question: Question, examples: Sequence[LabExample]
) -> trainer.QuestionCalibration:
    """Fit the question's offset to the graded examples; agreement before and after.

    Raises:
        InputRejected: fewer than 3 examples, or all with the same grade.
    """
    graded = [trainer.GradedExample(e.answer, e.grade, e.language) for e in examples]
    try:
        return trainer.fit_question_offset(scorer, question, graded)
    except ValueError as exc:
        raise InputRejected(
            f"Calibration needs at least {trainer.MIN_EXAMPLES} graded examples with at least "
            f"two different grades ({exc}).",
            f"校准至少需要 {trainer.MIN_EXAMPLES} 个评分示例，且分数至少有两种不同的值。",
        ) from exc


def apply_offset(
    db: Database, actor: Actor, scorer: Scorer, question_id: str, offset: float
) -> float:
    """Store the fitted offset of a question for the scorer's encoder in the database, where
    every app process reads it (`question_offsets`); the running scorer is updated too."""
    require(actor, "trainer")
    offset = float(offset)
    with db.transaction() as session:
        row = session.get(QuestionOffset, (scorer.encoder_name, question_id))
        if row is None:
            row = QuestionOffset(encoder=scorer.encoder_name, question_id=question_id)
            session.add(row)
        row.offset, row.author, row.updated_at = offset, actor.username, utcnow()
    scorer.offsets[question_id] = offset
    return offset


def question_offsets(db: Database, encoder_name: str) -> dict[str, float]:
    """The trainers' per-question offsets for one encoder (question id -> logit offset)."""
    with db.read() as session:
        rows = session.execute(
            select(QuestionOffset.question_id, QuestionOffset.offset).where(
                QuestionOffset.encoder == encoder_name
            )
        ).all()
    return {question_id: float(offset) for question_id, offset in rows}


def stored_offsets(encoder_name: str, url: str | None = None) -> dict[str, float]:
    """The offsets the app uses, for the command line: from the app's database
    (INTERVIEW_DATABASE_URL or its default), none while a SQLite database file does not exist
    yet (reading never creates it)."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if not parsed.database or parsed.database == ":memory:":
            return {}
        if not Path(parsed.database).exists():
            return {}
    db = Database(url)
    try:
        db.upgrade()
        return question_offsets(db, encoder_name)
    finally:
        db.dispose()
