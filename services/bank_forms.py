"""The trainers' question form as plain data.

A question is edited as flat form fields (one text per language, lists one item per line,
the rubric as table rows). This module turns a question into those fields and back, says
under which field each validation problem belongs, and searches and compares questions.
Nothing here knows about Streamlit.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

import pandas as pd

from question_bank import messages
from question_bank.exchange import to_yaml
from question_bank.messages import Message
from question_bank.schema import Question, RubricPoint
from scoring.segment import language_of, split_clauses
from services.errors import FieldProblem

FIELDS: tuple[str, ...] = (
    "id",
    "bank",
    "category",
    "title_zh",
    "title_en",
    "question_zh",
    "question_en",
    "points",
    "difficulty",
    "answer_time_seconds",
    "competencies_zh",
    "competencies_en",
    "tags",
    "source_document",
    "source_section",
    "reference_zh",
    "reference_en",
    "follow_ups_zh",
    "follow_ups_en",
    "rubric",
)
RUBRIC_COLUMNS: tuple[str, ...] = (
    "id",
    "text_zh",
    "text_en",
    "weight",
    "strong_zh",
    "strong_en",
    "weak_zh",
    "weak_en",
)
NEW_SOURCE = "workbench"
_PAIRED = {"title": "title", "question": "question", "reference_answer": "reference"}
_LISTS = {"competencies": "competencies", "follow_ups": "follow_ups"}


@dataclass(frozen=True)
class FormProblem:
    """A validation problem placed on a form field.

    `row` is the 1-based rubric row or list line it concerns (None for the whole field),
    `column` the rubric column (None outside the rubric), and `message` what is wrong in
    Chinese and English.
    """

    field: str  # one of FIELDS, or "" for the question as a whole
    message: Message
    row: int | None = None
    column: str | None = None


# --- question <-> form fields ---------------------------------------------------------------


def form_fields(question: Question | dict[str, Any]) -> dict[str, Any]:
    """The form fields of a question (a `Question` or its stored data)."""
    q = question if isinstance(question, Question) else Question.model_validate(question)
    return {
        "id": q.id,
        "bank": q.bank,
        "category": q.category,
        "title_zh": q.title.zh,
        "title_en": q.title.en,
        "question_zh": q.question.zh,
        "question_en": q.question.en,
        "points": q.points,
        "difficulty": q.difficulty,
        "answer_time_seconds": q.answer_time_seconds,
        "competencies_zh": "\n".join(c.zh for c in q.competencies),
        "competencies_en": "\n".join(c.en for c in q.competencies),
        "tags": ", ".join(q.tags),
        "source_document": q.source.document,
        "source_section": q.source.section or "",
        "reference_zh": q.reference_answer.zh if q.reference_answer else "",
        "reference_en": q.reference_answer.en if q.reference_answer else "",
        "follow_ups_zh": "\n".join(f.zh for f in q.follow_ups),
        "follow_ups_en": "\n".join(f.en for f in q.follow_ups),
        "rubric": rubric_rows(q.rubric),
    }


def blank_fields(bank: str, category: str = "behavioral") -> dict[str, Any]:
    """The fields of a new, empty question in `bank`."""
    fields: dict[str, Any] = dict.fromkeys(FIELDS, "")
    fields.update(
        bank=bank,
        category=category,
        points=10,
        difficulty="medium",
        answer_time_seconds=180,
        source_document=NEW_SOURCE,
        rubric=[],
    )
    return fields


def question_data(
    fields: dict[str, Any], examples: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """Plain question data from the form fields, ready for `bank.validate_question`.

    Lists are paired line by line (a missing line becomes an empty text, so validation names
    it); the graded examples are cleaned by `example_data`.
    """
    data: dict[str, Any] = {
        "id": _text(fields.get("id")),
        "bank": _text(fields.get("bank")),
        "category": _text(fields.get("category")),
        "title": _pair(fields, "title"),
        "question": _pair(fields, "question"),
        "competencies": _pairs(fields, "competencies"),
        "points": fields.get("points"),
        "difficulty": _text(fields.get("difficulty")) or "medium",
        "answer_time_seconds": fields.get("answer_time_seconds"),
        "tags": [t.strip() for t in re.split(r"[,，]", _text(fields.get("tags"))) if t.strip()],
        "source": {
            "document": _text(fields.get("source_document")),
            "section": _text(fields.get("source_section")) or None,
        },
        "rubric": rubric_from_rows(fields.get("rubric") or []),
        "follow_ups": _pairs(fields, "follow_ups"),
        "examples": [example_data(e) for e in examples],
    }
    reference = _pair(fields, "reference")
    if reference["zh"] or reference["en"]:
        data["reference_answer"] = reference
    return data


EXAMPLE_FIELDS: tuple[str, ...] = ("id", "kind", "language", "grade", "covers", "text", "comment")


def example_data(example: dict[str, Any]) -> dict[str, Any]:
    """A graded example as question data: the form's own keys (starting with "_") left out,
    texts stripped, an empty comment left out, `covers` as a list, and the passages marked
    for the points it covers (`evidence`, left out when none is marked; marks of a point
    no longer ticked are not saved)."""
    data: dict[str, Any] = {k: v for k, v in example.items() if not str(k).startswith("_")}
    for name in ("id", "kind", "language", "text"):
        if name in data:
            data[name] = _text(data[name])
    data["covers"] = [str(c) for c in data.get("covers") or []]
    if not _text(data.get("comment")):
        data.pop("comment", None)
    else:
        data["comment"] = _text(data["comment"])
    marked = {
        point_id: [p for p in (_text(p) for p in passages or []) if p]
        for point_id, passages in (data.pop("evidence", None) or {}).items()
        if point_id in data["covers"]
    }
    marked = {point_id: passages for point_id, passages in marked.items() if passages}
    if marked:
        data["evidence"] = marked
    return data


_PHRASE_END = re.compile(r"(?<=[，,；;])")  # where a clause is cut into phrases
_PHRASE_TRIM = " \t，,；;。.！!？?"


def answer_phrases(text: str) -> list[str]:
    """The answer cut at sentence ends and commas into phrases, each an exact part of it, in
    reading order and without repeats: what a trainer picks from to mark where an example
    makes a point. A piece too short to mean anything alone ("First,", "然后，") stays
    with the next one."""
    phrases: list[str] = []
    for clause in split_clauses(text or ""):
        pending = ""
        for piece in _PHRASE_END.split(clause):
            pending += piece
            if _phrase_size(pending.strip(_PHRASE_TRIM)) >= 4:
                phrases.append(pending.strip(_PHRASE_TRIM))
                pending = ""
        if pending.strip(_PHRASE_TRIM):
            phrases.append(pending.strip(_PHRASE_TRIM))
    return [p for p in dict.fromkeys(phrases) if p and p in text]


def _phrase_size(phrase: str) -> int:
    """Chinese characters, or English words counted double (so four means two words)."""
    if language_of(phrase) == "en":
        return 2 * len(phrase.split())
    return len(phrase)


def new_example(taken: Iterable[str], language: str = "zh") -> dict[str, Any]:
    """An empty graded example with a free id (`e1`, `e2`, ...)."""
    taken = set(taken)
    n = 1
    while f"e{n}" in taken:
        n += 1
    return {
        "id": f"e{n}",
        "kind": "partial",
        "language": language,
        "grade": 5.0,
        "covers": [],
        "text": "",
        "comment": "",
    }


def example_problems(
    examples: Sequence[dict[str, Any]], point_ids: Iterable[str]
) -> list[FormProblem]:
    """What is wrong with the graded examples as typed, each on its row and field (the same
    rules the bank checks on saving: an id, a text, a grade 0-10, points that exist)."""
    known = set(point_ids)
    problems = []
    ids = [_text(e.get("id")) for e in examples]
    for row, example in enumerate(examples, start=1):
        data = example_data(example)
        example_id = data.get("id", "")

        def add(column: str, message: Message, row: int = row) -> None:
            problems.append(FormProblem("examples", message, row=row, column=column))

        if not example_id:
            add("id", messages.NOT_EMPTY)
        elif not re.fullmatch(messages.ID_PATTERN, example_id):
            add("id", messages.ID_FORMAT)
        elif ids.count(example_id) > 1:
            add("id", messages.repeated_ids("示例", "example", [example_id]))
        if not data.get("text"):
            add("text", messages.NOT_EMPTY)
        grade = data.get("grade")
        if not isinstance(grade, int | float) or not 0 <= grade <= 10:
            add("grade", messages.at_most(10))
        unknown = [c for c in data["covers"] if c not in known]
        if unknown:
            add("covers", messages.unknown_points(example_id, unknown))
        for point_id, passages in (data.get("evidence") or {}).items():
            for passage in passages:
                if passage not in data.get("text", ""):
                    add("evidence", messages.marked_not_in_text(example_id, point_id, passage))
    return problems


def rubric_rows(rubric: Iterable[RubricPoint]) -> list[dict[str, Any]]:
    """The rubric as table rows with the columns of `RUBRIC_COLUMNS`."""
    return [
        {
            "id": p.id,
            "text_zh": p.text.zh,
            "text_en": p.text.en,
            "weight": float(p.weight),
            "strong_zh": p.strong.zh if p.strong else "",
            "strong_en": p.strong.en if p.strong else "",
            "weak_zh": p.weak.zh if p.weak else "",
            "weak_en": p.weak.en if p.weak else "",
        }
        for p in rubric
    ]


def rubric_from_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rubric point data from table rows.

    Empty rows are dropped; an empty id becomes the next free `pN`; an empty weight means
    the default weight 1; strong/weak forms are left out when both languages are empty.
    """
    cleaned = [{c: _cell(row.get(c)) for c in RUBRIC_COLUMNS} for row in rows]
    cleaned = [row for row in cleaned if any(v not in ("", None) for v in row.values())]
    taken = {row["id"] for row in cleaned if row["id"]}
    points = []
    for row in cleaned:
        point_id = row["id"] or _next_point_id(taken)
        taken.add(point_id)
        point: dict[str, Any] = {
            "id": point_id,
            "text": {"zh": row["text_zh"], "en": row["text_en"]},
        }
        if row["weight"] not in ("", None):
            point["weight"] = row["weight"]
        for form in ("strong", "weak"):
            zh, en = row[f"{form}_zh"], row[f"{form}_en"]
            if zh or en:
                point[form] = {"zh": zh, "en": en}
        points.append(point)
    return points


def normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as question data, for telling whether a form has unsaved changes."""
    return question_data(fields)


def is_changed(
    fields: dict[str, Any],
    original: dict[str, Any],
    examples: Sequence[dict[str, Any]] = (),
    original_examples: Sequence[dict[str, Any]] = (),
) -> bool:
    """Whether the form differs from what was opened (the fields or the graded examples)."""
    if normalised(fields) != normalised(original):
        return True
    return [example_data(e) for e in examples] != [example_data(e) for e in original_examples]


def copy_id(question_id: str, taken: Iterable[str]) -> str:
    """A free id for a copy: `<id>-copy`, then `<id>-copy2`, ..."""
    taken = set(taken)
    candidate, n = f"{question_id}-copy", 2
    while candidate in taken:
        candidate, n = f"{question_id}-copy{n}", n + 1
    return candidate


# --- problems by field ----------------------------------------------------------------------


def place_problems(problems: Iterable[FieldProblem]) -> list[FormProblem]:
    """Put each validation problem (dotted path such as `rubric.1.weight`) on a form field,
    with its message in both languages (English where no Chinese is written)."""
    return [_place(p.field or "", Message(p.text("zh"), p.message)) for p in problems]


def problems_for(problems: Iterable[FormProblem], field: str) -> list[FormProblem]:
    return [p for p in problems if p.field == field]


def _place(path: str, message: Message) -> FormProblem:
    parts = path.split(".") if path else []
    if not parts:
        return FormProblem("", message)
    head, rest = parts[0], parts[1:]
    if head in _PAIRED:
        lang = rest[0] if rest and rest[0] in ("zh", "en") else "zh"
        return FormProblem(f"{_PAIRED[head]}_{lang}", message)
    if head in _LISTS:
        if len(rest) >= 2 and rest[0].isdigit() and rest[1] in ("zh", "en"):
            return FormProblem(f"{_LISTS[head]}_{rest[1]}", message, row=int(rest[0]) + 1)
        return FormProblem(f"{_LISTS[head]}_zh", message)
    if head == "source":
        return FormProblem(f"source_{rest[0] if rest else 'document'}", message)
    if head == "tags":
        return FormProblem("tags", message)
    if head == "rubric":
        if rest and rest[0].isdigit():
            column = rest[1] if len(rest) > 1 else None
            if column in ("text", "strong", "weak"):
                column = f"{column}_{rest[2] if len(rest) > 2 else 'zh'}"
            return FormProblem("rubric", message, row=int(rest[0]) + 1, column=column)
        return FormProblem("rubric", message)
    if head == "examples":
        if rest and rest[0].isdigit():
            column = rest[1] if len(rest) > 1 else None
            return FormProblem("examples", message, row=int(rest[0]) + 1, column=column)
        return FormProblem("examples", message)
    if head in FIELDS:
        return FormProblem(head, message)
    return FormProblem("", Message(f"{path}：{message.zh}", f"{path}: {message.en}"))


# --- search and comparison ------------------------------------------------------------------


def matches(
    question: Question,
    text: str = "",
    categories: Iterable[str] | None = None,
    banks: Iterable[str] | None = None,
) -> bool:
    """Whether a question passes the filters; `text` is searched (case-insensitively) in the
    id, the titles and the question texts in both languages."""
    if categories is not None and question.category not in set(categories):
        return False
    if banks is not None and question.bank not in set(banks):
        return False
    needle = text.strip().lower()
    if not needle:
        return True
    haystack = " ".join(
        (
            question.id,
            question.title.zh,
            question.title.en,
            question.question.zh,
            question.question.en,
        )
    ).lower()
    return needle in haystack


def yaml_diff(old: Any, new: Any, old_label: str, new_label: str) -> str:
    """A unified diff of two questions (or their data) written as YAML; empty when equal."""
    lines = difflib.unified_diff(
        to_yaml(old).splitlines(),
        to_yaml(new).splitlines(),
        fromfile=old_label,
        tofile=new_label,
        lineterm="",
    )
    return "\n".join(lines)


# --- helpers --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _cell(value: Any) -> Any:
    """A table cell as text or number; missing values (None, NaN, NA) become ""."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    if isinstance(value, str):
        return value.strip()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def _pair(fields: dict[str, Any], prefix: str) -> dict[str, str]:
    return {"zh": _text(fields.get(f"{prefix}_zh")), "en": _text(fields.get(f"{prefix}_en"))}


def _pairs(fields: dict[str, Any], prefix: str) -> list[dict[str, str]]:
    zh = [line.strip() for line in _text(fields.get(f"{prefix}_zh")).splitlines() if line.strip()]
    en = [line.strip() for line in _text(fields.get(f"{prefix}_en")).splitlines() if line.strip()]
    return [{"zh": z, "en": e} for z, e in zip_longest(zh, en, fillvalue="")]


def _next_point_id(taken: set[str]) -> str:
    n = 1
    while f"p{n}" in taken:
        n += 1
    return f"p{n}"
