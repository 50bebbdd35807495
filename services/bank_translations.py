"""Which English texts of a question were not updated after their Chinese text changed.

Nothing is stored for the mark itself: it is read from the question's saved history (every
version's texts) and, where a trainer confirmed that an English text still fits, from the
`translation_checks` table. So it survives restarts and is the same in every app process.

A text is stale when its Chinese differs from the Chinese it had when its English was last
written (first saved, or edited), and no trainer confirmed the English against the Chinese
it has now. Editing the English, or confirming it, clears the mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select

from services.accounts import Actor, require
from storage.db import Database
from storage.models import QuestionVersion, TranslationCheck

POINT_TEXTS = ("text", "strong", "weak")  # a rubric point's bilingual texts
QUESTION_TEXTS = ("title", "question", "reference_answer")


def text_pairs(data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """A question's bilingual texts by key: `title`, `question`, `reference_answer` and, per
    rubric point, `rubric.<point id>.text` / `.strong` / `.weak`; value (Chinese, English).

    Args:
        data: question data (saved, or a form's unsaved data; missing parts are skipped).
    """
    pairs: dict[str, tuple[str, str]] = {}
    for name in QUESTION_TEXTS:
        _add(pairs, name, data.get(name))
    for point in data.get("rubric") or []:
        for name in POINT_TEXTS:
            _add(pairs, f"rubric.{point.get('id', '')}.{name}", point.get(name))
    return pairs


def _add(pairs: dict[str, tuple[str, str]], key: str, text: Any) -> None:
    if isinstance(text, Mapping):
        pairs[key] = (str(text.get("zh") or "").strip(), str(text.get("en") or "").strip())


def stale_keys(
    versions: Sequence[Mapping[str, Any]], confirmed: Iterable[tuple[str, str]] = ()
) -> set[str]:
    """The keys (see `text_pairs`) whose English is stale in the last of `versions`.

    Args:
        versions: the question's data, oldest first (the last may be an unsaved form).
        confirmed: (key, Chinese text) pairs a trainer confirmed the English against.
    """
    written_against: dict[str, str] = {}  # key -> the Chinese when the English was written
    previous: dict[str, tuple[str, str]] = {}
    for data in versions:
        pairs = text_pairs(data)
        for key, (zh, en) in pairs.items():
            if key not in previous or previous[key][1] != en:
                written_against[key] = zh
        previous = pairs
    checks = set(confirmed)
    return {
        key
        for key, (zh, en) in previous.items()
        if zh and en and zh != written_against.get(key, zh) and (key, zh) not in checks
    }


def stale_texts(
    db: Database, actor: Actor, question_id: str | None, unsaved: Mapping[str, Any] | None = None
) -> set[str]:
    """The keys of a question's texts whose English was not updated since the Chinese
    changed (trainers), in the saved question or, given `unsaved`, in that form data.

    Args:
        question_id: the saved question (None for one not saved yet: nothing is stale).
        unsaved: the form's data, taken as the newest version.
    """
    require(actor, "trainer")
    if question_id is None:
        return set()
    with db.read() as session:
        versions = [
            row.data
            for row in session.scalars(
                select(QuestionVersion)
                .where(QuestionVersion.question_id == question_id)
                .order_by(QuestionVersion.version)
            )
        ]
        confirmed = session.execute(
            select(TranslationCheck.text_key, TranslationCheck.zh_text).where(
                TranslationCheck.question_id == question_id
            )
        ).all()
    if unsaved is not None:
        versions.append(unsaved)
    return stale_keys(versions, [(key, zh) for key, zh in confirmed])


def confirm_english(db: Database, actor: Actor, question_id: str, key: str, zh_text: str) -> None:
    """Record that the English of `key` still fits the Chinese `zh_text` (the mark clears)."""
    require(actor, "trainer")
    with db.transaction() as session:
        session.add(
            TranslationCheck(
                question_id=question_id,
                text_key=key[:200],
                zh_text=zh_text.strip(),
                author=actor.username,
            )
        )
