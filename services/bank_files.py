"""Question files that trainers upload and download: YAML, CSV and Excel.

`check_upload` reads an uploaded file into questions and lists every problem with where it
is (file, row, column or field); a file with any problem imports nothing. The export
functions turn the live bank into file contents for a download; given the versions, each
question carries the version it was exported at (`version:` in YAML, a `version` column in
CSV and Excel), which the import compares with the database (`services.bank`).
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from question_bank.exchange import VERSION_COLUMN, read_tables, to_yaml, write_tables
from question_bank.loader import EMPTY_FILE, Problem, not_utf8, parse_questions, parse_yaml
from question_bank.messages import Message
from question_bank.schema import Question

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_IMPORT_QUESTIONS = 500
FORMATS: dict[str, str] = {  # file suffix -> format
    ".yaml": "yaml",
    ".yml": "yaml",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
TEXT_FORMATS = ("yaml", "csv")
MIME = {
    "yaml": "application/x-yaml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


UNSUPPORTED = Message(
    "不支持这种文件类型：请用 .yaml、.csv 或 .xlsx",
    "unsupported file type; use .yaml, .csv or .xlsx",
)
REPEATED_ID = Message("这个编号在文件中出现了不止一次", "the id appears more than once in the file")
NO_QUESTIONS = Message("文件中没有题目", "no questions found")
NOT_A_BANK = Message(
    "这不是题库文件：内容只是一段文字，没有 YAML 格式的题目",
    "not a question file: it holds plain text, not questions in YAML",
)


def _too_many() -> Message:
    return Message(
        f"文件中的题目超过 {MAX_IMPORT_QUESTIONS} 道，请拆分成几个较小的文件",
        f"the file holds more than {MAX_IMPORT_QUESTIONS} questions; split it into smaller files",
    )


def _too_large(size: int) -> Message:
    megabytes, limit = f"{size / 1024 / 1024:.2f}", MAX_UPLOAD_BYTES // 1024 // 1024
    return Message(
        f"文件有 {megabytes} MB，上限是 {limit} MB",
        f"the file is {megabytes} MB; the limit is {limit} MB",
    )


@dataclass(frozen=True)
class ImportCheck:
    """An uploaded file, read: the questions in it and what is wrong with it."""

    name: str
    format: str
    questions: tuple[Question, ...]
    problems: tuple[Problem, ...]
    versions: Mapping[str, int] = field(default_factory=dict)  # id -> version exported at

    @property
    def ok(self) -> bool:
        return bool(self.questions) and not self.problems


def format_of(file_name: str) -> str | None:
    """The format of a file by its suffix ("yaml", "csv", "xlsx"), None if unsupported."""
    return FORMATS.get(Path(file_name).suffix.lower())


def check_upload(file_name: str, content: bytes, file_format: str | None = None) -> ImportCheck:
    """Read questions from an uploaded file, listing each problem with its place.

    Args:
        file_name: the name the user gave the file (used in the problem messages).
        content: the file's bytes.
        file_format: "yaml", "csv" or "xlsx"; by default taken from the name's suffix.

    Returns:
        An `ImportCheck`; import its questions only when `ok`.
    """
    name = _safe_name(file_name)
    fmt = file_format or format_of(name)
    if fmt not in MIME:
        return _refused(name, fmt or "?", UNSUPPORTED)
    if len(content) > MAX_UPLOAD_BYTES:
        return _refused(name, fmt, _too_large(len(content)))
    if not content.strip():
        return _refused(name, fmt, EMPTY_FILE)
    versions: dict[str, int] = {}
    if fmt == "yaml":
        questions, problems = _read_yaml(name, content, versions)
    else:
        questions, problems = _read_table(name, content, fmt, versions)
    if len(questions) + len({p.question_id for p in problems}) > MAX_IMPORT_QUESTIONS:
        return _refused(name, fmt, _too_many())
    repeated = sorted(i for i, n in Counter(q.id for q in questions).items() if n > 1)
    problems += [Problem(name, REPEATED_ID, i, "id") for i in repeated]
    if not questions and not problems:
        problems.append(Problem(name, NO_QUESTIONS))
    known = {q.id for q in questions}
    versions = {i: v for i, v in versions.items() if i in known}
    return ImportCheck(name, fmt, tuple(questions), tuple(problems), versions)


def export_yaml(questions: Sequence[Question], versions: Mapping[str, int] | None = None) -> bytes:
    """All questions as one YAML file (a list of questions); with `versions`, each question
    starts with `id` and `version` (the version it has in the database)."""
    data: list[Any] = []
    for question in questions:
        item = question.model_dump(mode="json", exclude_none=True)
        if versions is not None and question.id in versions:
            item = {"id": item.pop("id"), VERSION_COLUMN: versions[question.id], **item}
        data.append(item)
    return to_yaml(data).encode("utf-8")


def export_table(
    questions: Sequence[Question], file_format: str, versions: Mapping[str, int] | None = None
) -> bytes:
    """All questions as CSV (one file, `record` column) or XLSX (three sheets); with
    `versions`, the questions table has a `version` column."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_tables(list(questions), Path(folder) / f"bank.{file_format}", versions)
        return path.read_bytes()


def _take_versions(data: Any, versions: dict[str, int]) -> Any:
    """The YAML data without `version:` keys, which go into `versions` (id -> version)."""
    if isinstance(data, list):
        return [_take_versions(item, versions) for item in data]
    if not isinstance(data, dict) or VERSION_COLUMN not in data:
        return data
    data = dict(data)
    version = data.pop(VERSION_COLUMN)
    if isinstance(version, int) and not isinstance(version, bool) and version > 0:
        versions[str(data.get("id"))] = version
    return data


def _read_yaml(
    name: str, content: bytes, versions: dict[str, int]
) -> tuple[list[Question], list[Problem]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(name, not_utf8(exc.start))]
    data, error = parse_yaml(text)  # refuses aliases ("billion laughs")
    if error:
        return [], [Problem(name, error)]
    if data is not None and not isinstance(data, (dict, list)):  # plain text, a number
        return [], [Problem(name, NOT_A_BANK)]
    if isinstance(data, dict) and "questions" in data and "id" not in data:
        data = data["questions"]
    if data is None:
        return [], []
    return parse_questions(_take_versions(data, versions), name)


def _read_table(
    name: str, content: bytes, fmt: str, versions: dict[str, int]
) -> tuple[list[Question], list[Problem]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).stem + f".{fmt}")
        path.write_bytes(content)
        questions, problems = read_tables(path, versions)
    # read_tables names the temporary path when it cannot read the file at all
    return questions, [replace(p, file=p.file.replace(str(path), name)) for p in problems]


def _refused(name: str, fmt: str, message: Message) -> ImportCheck:
    return ImportCheck(name, fmt, (), (Problem(name, message),))


def _safe_name(file_name: str) -> str:
    base = Path(file_name or "upload").name
    return re.sub(r"[^\w.\-]+", "_", base)[:100] or "upload"
