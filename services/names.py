"""The one place for the names a reader sees: categories, point statuses, difficulties, roles
and the rating scales, in Chinese and English.

Every page, report renderer (HTML, CSV, PDF) and export draws its names from here, so that
"行为面试" on the practice page is "行为面试" in the printed report too. Each name is a
(zh, en) pair; `name_in` picks one. No Streamlit here.
"""

from __future__ import annotations

from typing import Literal

Name = tuple[str, str]
"""A name in (Simplified Chinese, English)."""

Status = Literal["covered", "partial", "missing"]

CATEGORY_NAMES: dict[str, Name] = {
    "behavioral": ("行为面试", "Behavioral"),
    "situational": ("情景面试", "Situational"),
    "technical": ("专业知识", "Technical"),
    "stress": ("压力面试", "Stress"),
    "other": ("其他", "Other"),
}
"""Question categories (the bank's four, plus "other" for anything unknown)."""

STATUS_NAMES: dict[str, Name] = {
    "covered": ("已覆盖", "Covered"),
    "partial": ("部分覆盖", "Partly covered"),
    "missing": ("未覆盖", "Missing"),
}
"""How well an answer covers one rubric point (the scorer's status and the interviewer's
0-2 point rating share these names)."""

DIFFICULTY_NAMES: dict[str, Name] = {
    "easy": ("简单", "Easy"),
    "medium": ("中等", "Medium"),
    "hard": ("困难", "Hard"),
}

ROLE_NAMES: dict[str, Name] = {
    "guest": ("访客", "Guest"),
    "candidate": ("候选人", "Candidate"),
    "interviewer": ("面试官", "Interviewer"),
    "trainer": ("培训师", "Trainer"),
    "admin": ("管理员", "Administrator"),
}

POINT_LEVELS: dict[int, Status] = {0: "missing", 1: "partial", 2: "covered"}
"""The interviewer's 0-2 rating of one rubric point, as a status."""

MACHINE_LEVEL: dict[str, int] = {status: level for level, status in POINT_LEVELS.items()}
"""A machine point status on the interviewer's 0-2 point scale."""

POINT_SCALE: dict[int, Name] = {level: STATUS_NAMES[s] for level, s in POINT_LEVELS.items()}
"""The interviewer's rating of one rubric point: rating -> (zh, en) name."""

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


def name_in(name: Name, language: str) -> str:
    """The English name for "en", the Chinese one for anything else."""
    return name[1] if language == "en" else name[0]


def category_name(category: str, language: str) -> str:
    """A category's name; the raw id for an unknown category."""
    return name_in(CATEGORY_NAMES.get(category, (category, category)), language)


def status_name(status: str, language: str) -> str:
    """A point status's name ("covered", "partial", "missing"); the raw id if unknown."""
    return name_in(STATUS_NAMES.get(status, (status, status)), language)


def difficulty_name(difficulty: str, language: str) -> str:
    """A difficulty's name; the raw id if unknown."""
    return name_in(DIFFICULTY_NAMES.get(difficulty, (difficulty, difficulty)), language)


def role_name(role: str, language: str) -> str:
    """A role's name; the raw id if unknown."""
    return name_in(ROLE_NAMES.get(role, (role, role)), language)


def point_rating_name(rating: int, language: str) -> str:
    """An interviewer's 0-2 point rating as its status name."""
    return name_in(POINT_SCALE[rating], language)


def overall_rating_name(rating: int, language: str) -> str:
    """A 1-5 overall rating's label ("良好", "Exceeds expectations")."""
    zh, en, _, _ = OVERALL_SCALE[rating]
    return en if language == "en" else zh


def overall_rating_description(rating: int, language: str) -> str:
    """What a 1-5 overall rating means, in one line."""
    _, _, zh, en = OVERALL_SCALE[rating]
    return en if language == "en" else zh
