"""Errors the services raise; each carries a message in both languages for the page to show."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any


class ServiceError(Exception):
    """A refused or failed request, explained in Chinese and English."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh

    def message(self, language: str) -> str:
        return self.en if language == "en" else self.zh


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class RateLimited(ServiceError):
    pass


class InputRejected(ServiceError):
    """Input too large or malformed; what the user typed stays where it was."""


@dataclass(frozen=True)
class FieldProblem:
    field: str  # a dotted path such as "rubric.1.weight", or "" for the whole record
    message: str
    message_zh: str = ""  # the message in Chinese, where one is written (else `message`)

    def text(self, language: str) -> str:
        return self.message_zh if language == "zh" and self.message_zh else self.message


# Invisible characters that make a name look blank: zero-width space, ZWNJ, ZWJ, word joiner,
# byte order mark, and letters that render as nothing (Hangul fillers, the blank Braille cell)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u115f\u1160\u3164\uffa0\u2800"
_EDGES = re.compile(f"^[\\s{_INVISIBLE}]+|[\\s{_INVISIBLE}]+$")


def strip_blank(text: str | None) -> str:
    """`text` without whitespace and invisible characters (zero-width space, BOM ...) at its ends.

    A name made only of such characters comes back as "", so the usual "required" rule
    refuses it. Characters inside the text (an emoji's zero-width joiner) are kept.
    """
    stripped = _EDGES.sub("", text or "")
    if all(c.isspace() or unicodedata.category(c) in ("Cf", "Cc") for c in stripped):
        return ""  # only format or control characters left (bidi marks, soft hyphens ...)
    return stripped


def nul_position(text: str | None) -> int | None:
    """The 1-based position of the first NUL character (\\x00) in `text`, or None.

    PostgreSQL cannot store NUL in text columns (SQLite can), so the services refuse it on
    every backend alike instead of failing with a database error on one of them.
    """
    index = text.find("\x00") if isinstance(text, str) else -1
    return None if index < 0 else index + 1


def nul_problem(field_name: str, text: str | None) -> FieldProblem | None:
    """A FieldProblem for a text that holds a NUL character, or None."""
    position = nul_position(text)
    if position is None:
        return None
    return FieldProblem(
        field_name,
        f"contains a NUL character (\\x00) at position {position:,}; remove it",
        f"第 {position:,} 个字符是空字符（\\x00），无法保存，请删除它。",
    )


def reject_nul(text: str | None, what_en: str, what_zh: str) -> None:
    """Raise InputRejected if `text` holds a NUL character (the caller keeps the text)."""
    position = nul_position(text)
    if position is not None:
        raise InputRejected(
            f"The {what_en} contains a NUL character (\\x00) at position {position:,}, which "
            "cannot be saved. Remove it - your text is kept.",
            f"{what_zh}第 {position:,} 个字符是空字符（\\x00），无法保存。"
            "请删除它，你输入的内容已保留。",
        )


class ValidationFailed(ServiceError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        listed = "; ".join(f"{p.field or '-'}: {p.message}" for p in problems)
        listed_zh = "；".join(f"{p.field or '-'}：{p.text('zh')}" for p in problems)
        super().__init__(f"Not saved: {listed}", f"未保存：{listed_zh}")
        self.problems = problems

    def for_field(self, prefix: str) -> list[FieldProblem]:
        return [p for p in self.problems if p.field == prefix or p.field.startswith(prefix + ".")]


@dataclass
class EditConflict(ServiceError):
    """Someone else saved the record since it was opened: both versions, nothing overwritten."""

    record_id: str
    expected_version: int
    current_version: int
    current_author: str
    current_data: dict[str, Any] = field(default_factory=dict)
    attempted_data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ServiceError.__init__(
            self,
            f"{self.record_id} was changed by {self.current_author} (version "
            f"{self.current_version}) after you opened version {self.expected_version}. "
            "Nothing was overwritten: compare both versions and save again.",
            f"{self.record_id} 在你打开第 {self.expected_version} 版后已被 {self.current_author} "
            f"修改（现为第 {self.current_version} 版）。未覆盖任何内容：请对比两个版本后再保存。",
        )
