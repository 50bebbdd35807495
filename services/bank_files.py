"""Question files that trainers upload and download: YAML, CSV and Excel.

`check_upload` reads an uploaded file into questions and lists every problem with where it
is (file, row, column or field); a file with any problem imports nothing. The export
functions turn the live bank into file contents for a download.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from question_bank.exchange import read_tables, to_yaml, write_tables
from question_bank.loader import Problem, parse_questions, parse_yaml
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


@dataclass(frozen=True)
class ImportCheck:
    """An uploaded file, read: the questions in it and what is wrong with it."""

    name: str
    format: str
    questions: tuple[Question, ...]
    problems: tuple[Problem, ...]

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
        return _refused(name, fmt or "?", "unsupported file type; use .yaml, .csv or .xlsx")
    if len(content) > MAX_UPLOAD_BYTES:
        return _refused(
            name,
            fmt,
            f"the file is {len(content) / 1024 / 1024:.2f} MB; "
            f"the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB",
        )
    if not content.strip():
        return _refused(name, fmt, "the file is empty")
    if fmt == "yaml":
        questions, problems = _read_yaml(name, content)
    else:
        questions, problems = _read_table(name, content, fmt)
    if len(questions) + len({p.question_id for p in problems}) > MAX_IMPORT_QUESTIONS:
        return _refused(
            name,
            fmt,
            f"the file holds more than {MAX_IMPORT_QUESTIONS} questions; split it into smaller files",
        )
    repeated = sorted(i for i, n in Counter(q.id for q in questions).items() if n > 1)
    problems += [
        Problem(name, "the id appears more than once in the file", i, "id") for i in repeated
    ]
    if not questions and not problems:
        problems.append(Problem(name, "no questions found"))
    return ImportCheck(name, fmt, tuple(questions), tuple(problems))


def export_yaml(questions: Sequence[Question]) -> bytes:
    """All questions as one YAML file (a list of questions)."""
    return to_yaml(list(questions)).encode("utf-8")


def export_table(questions: Sequence[Question], file_format: str) -> bytes:
    """All questions as CSV (one file, `record` column) or XLSX (three sheets)."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_tables(list(questions), Path(folder) / f"bank.{file_format}")
        return path.read_bytes()


def _read_yaml(name: str, content: bytes) -> tuple[list[Question], list[Problem]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(name, f"not UTF-8 text (byte {exc.start})")]
    data, error = parse_yaml(text)  # refuses aliases ("billion laughs")
    if error:
        return [], [Problem(name, error)]
    if isinstance(data, dict) and "questions" in data and "id" not in data:
        data = data["questions"]
    if data is None:
        return [], []
    return parse_questions(data, name)


def _read_table(name: str, content: bytes, fmt: str) -> tuple[list[Question], list[Problem]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).stem + f".{fmt}")
        path.write_bytes(content)
        questions, problems = read_tables(path)
    # read_tables names the temporary path when it cannot read the file at all
    return questions, [
        Problem(p.file.replace(str(path), name), p.message, p.question_id, p.field)
        for p in problems
    ]


def _refused(name: str, fmt: str, message: str) -> ImportCheck:
    return ImportCheck(name, fmt, (), (Problem(name, message),))


def _safe_name(file_name: str) -> str:
    base = Path(file_name or "upload").name
    return re.sub(r"[^\w.\-]+", "_", base)[:100] or "upload"
