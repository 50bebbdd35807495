"""Errors the services raise; each carries a message in both languages for the page to show."""

from __future__ import annotations

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


class ValidationFailed(ServiceError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        listed = "; ".join(f"{p.field or '-'}: {p.message}" for p in problems)
        super().__init__(f"Not saved: {listed}", f"未保存：{listed}")
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
