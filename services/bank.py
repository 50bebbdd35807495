"""The question bank in the database: seeded from the YAML files, edited by trainers with
version history, conflict detection on concurrent saves, and restore of earlier versions."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from question_bank.exchange import placeholder_bank
from question_bank.loader import BankSet, parse_questions
from question_bank.schema import CATEGORIES, Bank, Question
from services.accounts import Actor, require
from services.errors import EditConflict, FieldProblem, NotFound, ServiceError, ValidationFailed
from storage.db import Database
from storage.models import BankRecord, CalibrationExample, QuestionRecord, QuestionVersion

SEED_AUTHOR = "seed"


@dataclass(frozen=True)
class QuestionEntry:
    question: Question
    version: int
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class VersionEntry:
    version: int
    action: str
    author: str
    at: datetime
    data: dict[str, Any]


def seed_if_empty(db: Database, bank_set: BankSet) -> int:
    """Copy the shipped YAML bank into an empty database; returns how many questions it added."""
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(QuestionRecord)):
            return 0
        for bank in bank_set.banks.values():
            session.merge(BankRecord(id=bank.id, data=bank.model_dump(mode="json")))
        for question in bank_set.questions:
            data = question.model_dump(mode="json")
            session.add(
                QuestionRecord(
                    id=question.id,
                    bank_id=question.bank,
                    version=1,
                    data=data,
                    updated_by=SEED_AUTHOR,
                )
            )
            session.add(
                QuestionVersion(
                    question_id=question.id, version=1, action="seed", data=data, author=SEED_AUTHOR
                )
            )
        return len(bank_set.questions)


def load_bank(db: Database) -> BankSet:
    """The live bank (deleted questions left out), in the same shape the YAML loader returns.

    This is the bank every page shows, so its text is made safe to render: images (markdown
    or HTML) are replaced by their alt text, so that text a trainer wrote cannot make a
    candidate's browser fetch a remote address (`without_images`). The stored questions,
    which the workbench edits, keep the text as written.
    """
    with db.read() as session:
        banks = {
            row.id: Bank.model_validate(row.data) for row in session.scalars(select(BankRecord))
        }
        rows = session.scalars(
            select(QuestionRecord)
            .where(QuestionRecord.deleted.is_(False))
            .order_by(QuestionRecord.id)
        ).all()
        questions = tuple(Question.model_validate(_texts_without_images(row.data)) for row in rows)
    return BankSet(banks=banks, questions=_bank_order(questions))


_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+[^)]*)?\)")
_REFERENCE_IMAGE = re.compile(r"!\[([^\]]*)\]\[[^\]]*\]")
_REFERENCE_DEFINITION = re.compile(
    r"^ {0,3}\[[^\]]+\]:[ \t]*<?(?:[a-z][a-z0-9+.-]*:|//|www\.|/)\S*.*$",
    re.MULTILINE | re.IGNORECASE,
)
_HTML_MEDIA = re.compile(
    r"<\s*(?:img|image|picture|source|video|audio|iframe|embed|object|svg)\b[^>]*>",
    re.IGNORECASE,
)
_ALT = re.compile(r"\balt\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)


def without_images(text: str) -> str:
    """Text with every image replaced by its alt text (or "[image]"): markdown `![alt](url)`
    and `![alt][ref]` with their `[ref]: url` lines, and HTML `<img>` and other media tags.

    Bank text is rendered as markdown on the pages; an image there would make each reader's
    browser request its address (a tracking pixel, or a probe of the reader's network).
    """

    def alt_of_markdown(match: re.Match[str]) -> str:
        return match.group(1).strip() or "[image]"

    def alt_of_html(match: re.Match[str]) -> str:
        if not re.match(r"<\s*img", match.group(0), re.IGNORECASE):
            return ""  # <video>, <source>, <iframe> ...: no text of their own
        alt = _ALT.search(match.group(0))
        found = next((g for g in alt.groups() if g), "") if alt else ""
        return found.strip() or "[image]"

    text = _MARKDOWN_IMAGE.sub(alt_of_markdown, text)
    text = _REFERENCE_IMAGE.sub(alt_of_markdown, text)
    text = _REFERENCE_DEFINITION.sub("", text)
    return _HTML_MEDIA.sub(alt_of_html, text)


def _texts_without_images(data: Any) -> Any:
    """Question data with `without_images` applied to every text in it."""
    if isinstance(data, str):
        return without_images(data) if ("!" in data or "<" in data or "]:" in data) else data
    if isinstance(data, list):
        return [_texts_without_images(item) for item in data]
    if isinstance(data, dict):
        return {key: _texts_without_images(value) for key, value in data.items()}
    return data


def get_question(db: Database, question_id: str) -> QuestionEntry:
    with db.read() as session:
        row = session.get(QuestionRecord, question_id)
        if row is None or row.deleted:
            raise NotFound(f"No question {question_id}.", f"没有编号为 {question_id} 的题目。")
        return _entry(row)


def list_entries(db: Database, actor: Actor) -> list[QuestionEntry]:
    """Every live question with its version and last editor, in bank order (trainers)."""
    require(actor, "trainer")
    with db.read() as session:
        rows = session.scalars(
            select(QuestionRecord).where(QuestionRecord.deleted.is_(False))
        ).all()
        entries = [_entry(row) for row in rows]
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(
        entries,
        key=lambda e: (e.question.bank, rank.get(e.question.category, 9), e.question.id),
    )


def deleted_entries(db: Database, actor: Actor) -> list[QuestionEntry]:
    """Deleted questions (their last live content), newest deletion first (trainers)."""
    require(actor, "trainer")
    with db.read() as session:
        rows = session.scalars(
            select(QuestionRecord)
            .where(QuestionRecord.deleted.is_(True))
            .order_by(QuestionRecord.updated_at.desc())
        ).all()
        return [_entry(row) for row in rows]


@dataclass(frozen=True)
class ImportClash:
    """A question in an import file that would undo newer work in the database.

    kind "changed": the file holds version `file_version` (or no version) and the database
    has a newer, different one; kind "deleted": the question was deleted in the database
    after the file was exported (or the file does not say when it was exported).
    """

    question_id: str
    kind: str  # changed | deleted
    file_version: int | None
    current_version: int
    current_author: str
    current_at: datetime
    current_data: dict[str, Any]
    file_data: dict[str, Any]


class ImportConflict(ServiceError):
    """An import would overwrite newer versions or bring back deleted questions: nothing
    was imported. The page shows each clash side by side and asks what to keep."""

    def __init__(self, clashes: list[ImportClash]) -> None:
        ids = ", ".join(c.question_id for c in clashes)
        super().__init__(
            f"Nothing was imported: the file is older than the bank for {ids} (changed or "
            "deleted since it was exported). Compare each one and choose what to keep.",
            f"未导入任何内容：文件中的 {ids} 比题库中的旧（导出后已被修改或删除）。"
            "请逐一对比后选择保留哪个版本。",
        )
        self.clashes = clashes


IMPORT_STATUSES = ("changed", "deleted", "new", "unchanged")  # the order a preview lists


@dataclass(frozen=True)
class ImportRow:
    """One question of an import file against the bank.

    status: "new" (not in the bank), "changed" (differs from the bank's version),
    "deleted" (deleted in the bank; importing brings it back) or "unchanged".
    changes: what differs from the bank's version, e.g. ("title", "rubric p3").
    """

    question_id: str
    title: dict[str, str]
    status: str
    changes: tuple[str, ...] = ()


def changed_parts(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """The top-level fields that differ between two questions' data; rubric points are
    named one by one ("rubric p3"; "rubric +p9" added, "rubric -p2" removed)."""
    parts = []
    for key in dict.fromkeys([*old, *new]):
        if old.get(key) == new.get(key):
            continue
        if key != "rubric":
            parts.append(key)
            continue
        before = {p["id"]: p for p in old.get("rubric") or []}
        after = {p["id"]: p for p in new.get("rubric") or []}
        for point_id in dict.fromkeys([*before, *after]):
            if point_id not in before:
                parts.append(f"rubric +{point_id}")
            elif point_id not in after:
                parts.append(f"rubric -{point_id}")
            elif before[point_id] != after[point_id]:
                parts.append(f"rubric {point_id}")
        if not any(p.startswith("rubric") for p in parts):
            parts.append("rubric")  # the same points in another order
    return tuple(parts)


def import_preview(
    db: Database,
    actor: Actor,
    questions: list[Question],
    versions: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """What `import_questions` would do, without doing it.

    Args:
        questions: the questions read from the file.
        versions: question id -> the version the file was exported at (from the file).

    Returns:
        counts ("created", "updated", "unchanged"), "new_banks" it would add, "clashes"
        (ImportClash: newer work it would undo, nothing imported unless each is decided),
        "restores" (the ids of deleted questions it would bring back) and "rows"
        (ImportRow per question: changed first, then deleted, new, unchanged; file order
        within each).
    """
    require(actor, "trainer")
    counts: dict[str, Any] = {"created": 0, "updated": 0, "unchanged": 0}
    found: list[ImportRow] = []
    with db.read() as session:
        known_banks = set(session.scalars(select(BankRecord.id)))
        rows = {q.id: session.get(QuestionRecord, q.id) for q in questions}
        clashes = _clashes(rows, questions, versions or {})
        for question in questions:
            row = rows[question.id]
            data = question.model_dump(mode="json")
            title = data["title"]
            if row is None or row.deleted:
                counts["created"] += 1
                status = "new" if row is None else "deleted"
                changes = () if row is None else changed_parts(row.data, data)
                found.append(ImportRow(question.id, title, status, changes))
            elif row.data == data:
                counts["unchanged"] += 1
                found.append(ImportRow(question.id, title, "unchanged"))
            else:
                counts["updated"] += 1
                found.append(
                    ImportRow(question.id, title, "changed", changed_parts(row.data, data))
                )
        restores = [q.id for q in questions if rows[q.id] is not None and rows[q.id].deleted]
    counts["new_banks"] = sorted({q.bank for q in questions} - known_banks)
    counts["clashes"] = clashes
    counts["restores"] = restores
    counts["rows"] = sorted(found, key=lambda r: IMPORT_STATUSES.index(r.status))
    return counts


def _clashes(
    rows: Mapping[str, QuestionRecord | None],
    questions: list[Question],
    versions: Mapping[str, int],
) -> list[ImportClash]:
    """The questions of a file that would undo newer work (see ImportClash)."""
    found = []
    for question in questions:
        row = rows[question.id]
        if row is None:
            continue
        data = question.model_dump(mode="json")
        file_version = versions.get(question.id)
        if row.deleted:
            kind = "deleted"  # a file cannot know about a deletion: always ask
        elif file_version is not None and file_version < row.version and row.data != data:
            kind = "changed"
        else:
            continue
        found.append(
            ImportClash(
                question.id,
                kind,
                file_version,
                row.version,
                row.updated_by,
                row.updated_at,
                row.data,
                data,
            )
        )
    return found


def validate_question(data: dict[str, Any]) -> Question:
    """Validate a question given as plain data; raises ValidationFailed with field paths."""
    questions, problems = parse_questions(data, source="form")
    if problems:
        raise ValidationFailed(
            [FieldProblem(p.field or "", p.message.en, p.message.zh) for p in problems]
        )
    return questions[0]


def save_question(
    db: Database, actor: Actor, data: dict[str, Any], expected_version: int | None
) -> QuestionEntry:
    """Create (expected_version None) or update a question.

    Raises:
        ValidationFailed: the data is not a valid question; nothing is saved.
        EditConflict: someone saved the question after `expected_version`; nothing is saved.
    """
    require(actor, "trainer")
    question = validate_question(data)
    clean = question.model_dump(mode="json")
    with db.transaction() as session:
        if session.get(BankRecord, question.bank) is None:
            raise ValidationFailed(
                [FieldProblem("bank", f"no bank {question.bank!r}", f"没有题库“{question.bank}”")]
            )
        db.lock(session, f"question:{question.id}")  # FOR UPDATE cannot lock a row not there yet
        row = session.get(QuestionRecord, question.id, with_for_update=True)
        if expected_version is None:
            if row is not None and not row.deleted:
                raise ValidationFailed(
                    [
                        FieldProblem(
                            "id",
                            f"{question.id!r} already exists; choose another id",
                            f"“{question.id}”已存在，请换一个编号",
                        )
                    ]
                )
            action = "create"
        else:
            if row is None:
                raise NotFound(f"No question {question.id}.", f"没有编号为 {question.id} 的题目。")
            if row.version != expected_version:
                raise EditConflict(
                    question.id, expected_version, row.version, row.updated_by, row.data, clean
                )
            action = "edit"
        return _write(session, row, question, clean, action, actor)


def delete_question(db: Database, actor: Actor, question_id: str, expected_version: int) -> None:
    require(actor, "trainer")
    with db.transaction() as session:
        row = session.get(QuestionRecord, question_id, with_for_update=True)
        if row is None or row.deleted:
            raise NotFound(f"No question {question_id}.", f"没有编号为 {question_id} 的题目。")
        if row.version != expected_version:
            raise EditConflict(question_id, expected_version, row.version, row.updated_by, row.data)
        question = Question.model_validate(row.data)
        _write(session, row, question, row.data, "delete", actor, deleted=True)


def history(db: Database, actor: Actor, question_id: str) -> list[VersionEntry]:
    """Every saved version of a question, newest first (trainers: it includes deleted
    content and who wrote what)."""
    require(actor, "trainer")
    with db.read() as session:
        rows = session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.question_id == question_id)
            .order_by(QuestionVersion.version.desc())
        )
        return [VersionEntry(r.version, r.action, r.author, r.at, r.data) for r in rows]


def restore_version(
    db: Database, actor: Actor, question_id: str, version: int, expected_version: int
) -> QuestionEntry:
    """Make an earlier version current again (as a new version; history is never rewritten)."""
    require(actor, "trainer")
    with db.transaction() as session:
        old = session.scalar(
            select(QuestionVersion).where(
                QuestionVersion.question_id == question_id, QuestionVersion.version == version
            )
        )
        row = session.get(QuestionRecord, question_id, with_for_update=True)
        if old is None or row is None:
            raise NotFound(
                f"No version {version} of {question_id}.", f"{question_id} 没有第 {version} 版。"
            )
        if row.version != expected_version:
            raise EditConflict(question_id, expected_version, row.version, row.updated_by, row.data)
        question = Question.model_validate(old.data)
        return _write(session, row, question, old.data, "restore", actor)


def undelete_question(db: Database, actor: Actor, question_id: str) -> QuestionEntry:
    """Bring a deleted question back with the content it had when it was deleted."""
    require(actor, "trainer")
    with db.transaction() as session:
        row = session.get(QuestionRecord, question_id)
        if row is None or not row.deleted:
            raise NotFound(
                f"No deleted question {question_id}.", f"没有已删除的题目 {question_id}。"
            )
        last_live = session.scalar(
            select(func.max(QuestionVersion.version)).where(
                QuestionVersion.question_id == question_id, QuestionVersion.action != "delete"
            )
        )
        current = row.version
    return restore_version(db, actor, question_id, int(last_live or current), current)


def import_questions(
    db: Database,
    actor: Actor,
    questions: list[Question],
    versions: Mapping[str, int] | None = None,
    overwrite: Collection[str] = (),
) -> dict[str, int]:
    """Add new questions and update changed ones in one transaction; returns counts.

    Args:
        versions: question id -> the version the file was exported at (from the file).
        overwrite: ids whose clash (see `import_preview`) the trainer decided for the file:
            the file's version is saved over the newer one, or a deleted question comes back.
            Leave a question out of `questions` to keep the database's version instead.

    Raises:
        ImportConflict: the file would undo newer work for questions not in `overwrite`;
            nothing is imported.
    """
    require(actor, "trainer")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with db.transaction() as session:
        for question_id in sorted({q.id for q in questions}):  # sorted: no deadlock between two
            db.lock(session, f"question:{question_id}")
        rows = {q.id: session.get(QuestionRecord, q.id, with_for_update=True) for q in questions}
        clashes = [
            c for c in _clashes(rows, questions, versions or {}) if c.question_id not in overwrite
        ]
        if clashes:
            raise ImportConflict(clashes)
        missing_banks = {q.bank for q in questions} - set(session.scalars(select(BankRecord.id)))
        for bank_id in sorted(missing_banks):
            session.add(
                BankRecord(id=bank_id, data=placeholder_bank(bank_id).model_dump(mode="json"))
            )
        for question in questions:
            clean = question.model_dump(mode="json")
            row = session.get(QuestionRecord, question.id)
            if row is not None and not row.deleted and row.data == clean:
                counts["unchanged"] += 1
                continue
            action = "create" if row is None or row.deleted else "edit"
            counts["created" if action == "create" else "updated"] += 1
            _write(session, row, question, clean, action, actor)
    return counts


def add_calibration_example(
    db: Database, actor: Actor, question_id: str, answer: str, grade: float
) -> int:
    require(actor, "trainer")
    problems = []
    if not answer.strip():
        problems.append(FieldProblem("answer", "is empty"))
    if not 0 <= grade <= 10:
        problems.append(FieldProblem("grade", "must be between 0 and 10"))
    if problems:
        raise ValidationFailed(problems)
    get_question(db, question_id)
    with db.transaction() as session:
        row = CalibrationExample(
            question_id=question_id, answer=answer, grade=float(grade), author=actor.username
        )
        session.add(row)
        session.flush()
        return row.id


def calibration_examples(
    db: Database, actor: Actor, question_id: str
) -> list[tuple[int, str, float]]:
    """A question's graded example answers (trainers' data): (id, answer, grade)."""
    require(actor, "trainer")
    with db.read() as session:
        rows = session.scalars(
            select(CalibrationExample)
            .where(CalibrationExample.question_id == question_id)
            .order_by(CalibrationExample.id)
        )
        return [(r.id, r.answer, r.grade) for r in rows]


def delete_calibration_example(db: Database, actor: Actor, example_id: int) -> None:
    require(actor, "trainer")
    with db.transaction() as session:
        row = session.get(CalibrationExample, example_id)
        if row is not None:
            session.delete(row)


def _write(
    session: Any,
    row: QuestionRecord | None,
    question: Question,
    data: dict[str, Any],
    action: str,
    actor: Actor,
    deleted: bool = False,
) -> QuestionEntry:
    now = datetime.now(UTC)
    if row is None:
        row = QuestionRecord(id=question.id, bank_id=question.bank, version=0, data=data)
        session.add(row)
    row.version += 1
    row.data, row.bank_id, row.deleted = data, question.bank, deleted
    row.updated_by, row.updated_at = actor.username, now
    session.add(
        QuestionVersion(
            question_id=question.id,
            version=row.version,
            action=action,
            data=data,
            author=actor.username,
            at=now,
        )
    )
    session.flush()
    return _entry(row)


def _entry(row: QuestionRecord) -> QuestionEntry:
    return QuestionEntry(
        Question.model_validate(row.data), row.version, row.updated_by, row.updated_at
    )


def _bank_order(questions: tuple[Question, ...]) -> tuple[Question, ...]:
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    return tuple(sorted(questions, key=lambda q: (q.bank, rank.get(q.category, 9), q.id)))
