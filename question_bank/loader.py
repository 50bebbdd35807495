"""Load banks from YAML files, reporting every problem with its file, question and field.

A broken question never stops the others from loading: `load_path` returns what loaded
together with the list of problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from question_bank.messages import Message, validation_message
from question_bank.schema import Bank, Question
from question_bank.text import to_simplified

BANK_FILE = "bank.yaml"
# The app's YAML export names the version each question had in its database; a bank file
# may carry it (a whole number) and the file format ignores it.
EXPORTED_VERSION = "version"
DEFAULT_BANK_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a bank file.

    For a CSV or Excel file, `table` and `row` say where a person finds it: the table (sheet)
    and the row as the spreadsheet numbers it (the header is row 1); `field` is then the
    column. `file` is a label that already includes them (for messages in English).
    `message` says what is wrong in Chinese and in English.
    """

    file: str
    message: Message
    question_id: str | None = None
    field: str | None = None
    table: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.question_id:
            where.append(f"question {self.question_id}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{': '.join(where)}: {self.message.en}"


@dataclass(frozen=True)
class BankSet:
    """Everything loaded from a path: banks, their questions, and the problems found."""

    banks: dict[str, Bank] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    problems: tuple[Problem, ...] = ()
    files: dict[str, Path] = field(default_factory=dict)  # question id -> source file

    @property
    def ok(self) -> bool:
        return not self.problems

    def question(self, question_id: str) -> Question:
        """Return the question with this id (KeyError if there is none)."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def in_bank(self, bank_id: str) -> list[Question]:
        return [q for q in self.questions if q.bank == bank_id]


def load_path(path: str | Path = DEFAULT_BANK_DIR) -> BankSet:
    """Load a question file, a bank folder, or a folder of bank folders.

    Args:
        path: a `.yaml` file of questions; a folder with a `bank.yaml`; or a folder whose
            sub-folders are banks (the shipped `question_bank/data`).

    Returns:
        A `BankSet`; `problems` is empty when everything is valid.
    """
    path = Path(path)
    collector = _Collector()
    if not path.exists():
        collector.problem(str(path), Message("没有这个文件或文件夹", "no such file or folder"))
    elif path.is_file():
        collector.add_file(path, bank_id=None)
    elif (path / BANK_FILE).is_file():
        collector.add_bank_dir(path)
    else:
        bank_dirs = sorted(p.parent for p in path.glob(f"*/{BANK_FILE}"))
        for bank_dir in bank_dirs:
            collector.add_bank_dir(bank_dir)
        loose = sorted(_yaml_files(path, recursive=False))
        for file in loose:
            collector.add_file(file, bank_id=None)
        if not bank_dirs and not loose:
            collector.problem(
                str(path),
                Message(
                    "没有找到 bank.yaml，也没有题目文件", "no bank.yaml and no question files found"
                ),
            )
    return collector.result()


def parse_questions(
    data: Any, source: str, bank_id: str | None = None
) -> tuple[list[Question], list[Problem]]:
    """Validate already-parsed YAML/JSON data: one question mapping or a list of them."""
    items = data if isinstance(data, list) else [data]
    questions: list[Question] = []
    problems: list[Problem] = []
    for index, raw in enumerate(items):
        label = source if len(items) == 1 else f"{source} [item {index + 1}]"
        if not isinstance(raw, dict):
            problems.append(Problem(label, _not_a_mapping(raw)))
            continue
        question_id = str(raw.get("id")) if raw.get("id") is not None else None
        if isinstance(raw.get(EXPORTED_VERSION), int) and not isinstance(
            raw[EXPORTED_VERSION], bool
        ):
            raw = {k: v for k, v in raw.items() if k != EXPORTED_VERSION}
        try:
            question = Question.model_validate(simplify_chinese(raw))
        except ValidationError as error:
            problems.extend(_problems_from(error, label, question_id))
            continue
        if bank_id is not None and question.bank != bank_id:
            problems.append(
                Problem(
                    label,
                    Message(
                        f"题库是“{question.bank}”，但文件在题库“{bank_id}”中",
                        f"bank is {question.bank!r} but the file is in bank {bank_id!r}",
                    ),
                    question.id,
                    "bank",
                )
            )
            continue
        questions.append(question)
    return questions, problems


def simplify_chinese(raw: Any) -> Any:
    """Return a copy of raw question data with its Chinese texts in Simplified characters."""
    if isinstance(raw, list):
        return [simplify_chinese(item) for item in raw]
    if not isinstance(raw, dict):
        return raw
    out = {key: simplify_chinese(value) for key, value in raw.items()}
    if isinstance(out.get("zh"), str):
        out["zh"] = to_simplified(out["zh"])
    if out.get("language") == "zh" and isinstance(out.get("text"), str):
        out["text"] = to_simplified(out["text"])
    return out


class _Collector:
    def __init__(self) -> None:
        self.banks: dict[str, Bank] = {}
        self.questions: list[Question] = []
        self.problems: list[Problem] = []
        self.files: dict[str, Path] = {}

    def problem(
        self,
        file: str,
        message: Message,
        question_id: str | None = None,
        field_name: str | None = None,
    ) -> None:
        self.problems.append(Problem(file, message, question_id, field_name))

    def add_bank_dir(self, bank_dir: Path) -> None:
        bank_file = bank_dir / BANK_FILE
        data, error = _read_yaml(bank_file)
        if error:
            self.problem(str(bank_file), error)
            return
        try:
            bank = Bank.model_validate(simplify_chinese(data))
        except ValidationError as exc:
            self.problems.extend(_problems_from(exc, str(bank_file), None))
            return
        if bank.id in self.banks:
            self.problem(
                str(bank_file),
                Message(f"题库编号“{bank.id}”重复", f"duplicate bank id {bank.id!r}"),
                field_name="id",
            )
            return
        self.banks[bank.id] = bank
        for file in sorted(_yaml_files(bank_dir, recursive=True)):
            if file.name != BANK_FILE:
                self.add_file(file, bank_id=bank.id)

    def add_file(self, file: Path, bank_id: str | None) -> None:
        data, error = _read_yaml(file)
        if error:
            self.problem(str(file), error)
            return
        if isinstance(data, dict) and "questions" in data and "id" not in data:
            data = data["questions"]
        questions, problems = parse_questions(data, str(file), bank_id)
        self.problems.extend(problems)
        for question in questions:
            if question.id in self.files:
                self.problem(
                    str(file),
                    Message(
                        f"题目编号重复，首次定义在 {self.files[question.id]}",
                        f"duplicate question id, first defined in {self.files[question.id]}",
                    ),
                    question.id,
                    "id",
                )
                continue
            self.files[question.id] = file
            self.questions.append(question)

    def result(self) -> BankSet:
        return BankSet(self.banks, tuple(self.questions), tuple(self.problems), self.files)


def not_utf8(byte: int) -> Message:
    """A file that is not UTF-8 text, at its first bad byte."""
    return Message(f"不是 UTF-8 文本（第 {byte} 个字节）", f"not UTF-8 text (byte {byte})")


EMPTY_FILE = Message("文件是空的", "the file is empty")


def _read_yaml(file: Path) -> tuple[Any, Message | None]:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, not_utf8(exc.start)
    except OSError as exc:
        return None, Message(f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}")
    data, error = parse_yaml(text)
    if error:
        return None, error
    if data is None:
        return None, EMPTY_FILE
    return data, None


class YamlAliasRefused(yaml.MarkedYAMLError):
    """A YAML alias (`*name`) in a question file: refused, see `NoAliasLoader`."""

    def __init__(self, alias: str, mark: yaml.Mark) -> None:
        super().__init__(problem=f"YAML aliases (*{alias}) are not allowed", problem_mark=mark)
        self.alias = alias


class NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases.

    An anchor (`&a`) with aliases (`*a`) repeats a node without copying the text, so a file
    of a few hundred bytes can stand for billions of strings ("billion laughs"), which then
    take minutes to walk (`simplify_chinese`) or to validate. Question files never need them.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlAliasRefused(str(event.anchor), event.start_mark)
        return super().compose_node(parent, index)


def parse_yaml(text: str) -> tuple[Any, Message | None]:
    """Parse the text of a question or bank file; refuse aliases.

    Returns:
        The data (None for an empty text) and None; or None and a message saying what is
        wrong and on which line ("malformed YAML: line 4, column 1: ...",
        "YAML aliases (*a) are not allowed, line 3"), in Chinese and English.
    """
    try:
        return yaml.load(text, Loader=NoAliasLoader), None  # a SafeLoader: no Python objects
    except yaml.YAMLError as exc:
        return None, yaml_error_message(exc, text)


def yaml_error_message(exc: yaml.YAMLError, text: str | None = None) -> Message:
    """Say what is wrong with a YAML text and where (1-based line and column).

    An unclosed quote or bracket is only noticed where the file ends, or where a later quote
    closes it by mistake; the message then names the line where it was opened too:
    "line 40 (opened at line 12), column 1: ...". PyYAML's own reason stays in English.
    """
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, YamlAliasRefused):
        line = mark.line + 1
        return Message(
            f"不允许使用 YAML 别名（*{exc.alias}），第 {line} 行", f"{exc.problem}, line {line}"
        )
    reason = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return Message(f"YAML 格式错误：{reason}", f"malformed YAML: {reason}")
    where, why = _yaml_where(exc, mark, reason, text)
    column = mark.column + 1
    return Message(
        f"YAML 格式错误：{where.zh}，第 {column} 列：{why.zh}",
        f"malformed YAML: {where.en}, column {column}: {why.en}",
    )


def _yaml_where(
    exc: yaml.YAMLError, mark: yaml.Mark, reason: str, text: str | None
) -> tuple[Message, Message]:
    """The line of a YAML error (and where an unclosed quote or bracket opened), and why."""
    line = mark.line + 1
    context = getattr(exc, "context", None) or ""
    opened = getattr(exc, "context_mark", None)
    if opened is not None and opened.line != mark.line and _OPENS.search(context):
        start = opened.line + 1  # PyYAML knows where it began
        why = Message(f"{reason} {context}", f"{reason} {context}")
    elif text is not None and (quoted := _quoted_text_before(text, mark)) is not None:
        start = quoted.line + 1
        why = Message(
            f"{reason}（前面从第 {start} 行开始的带引号文本是否缺少结束引号？）",
            f"{reason}, after a quoted text that runs from line {start} "
            "(is a closing quote missing there?)",
        )
    else:
        return Message(f"第 {line} 行", f"line {line}"), Message(reason, reason)
    where = Message(f"第 {line} 行（从第 {start} 行开始）", f"line {line} (opened at line {start})")
    return where, why


_OPENS = re.compile(r"quoted scalar|flow (sequence|mapping)")


def _quoted_text_before(text: str, mark: yaml.Mark) -> yaml.Mark | None:
    """Where the quoted text just before `mark` starts, if it spans several lines."""
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if (
        isinstance(last, yaml.ScalarToken)
        and last.style in ('"', "'")
        and last.end_mark.line > last.start_mark.line
        and last.end_mark.line == mark.line
    ):
        return last.start_mark
    return None


def _problems_from(error: ValidationError, file: str, question_id: str | None) -> list[Problem]:
    """Each validation error as a problem at its dotted path, in both languages.

    A list too short only because its items failed is not reported on top of those items'
    own problems.
    """
    errors = error.errors()
    paths = [".".join(str(part) for part in item["loc"]) for item in errors]
    return [
        Problem(file, validation_message(item), question_id, path or None)
        for path, item in zip(paths, errors, strict=True)
        if not (item["type"] == "too_short" and any(p.startswith(f"{path}.") for p in paths))
    ]


def _yaml_files(folder: Path, recursive: bool) -> Iterator[Path]:
    patterns: Iterable[str] = ("*.yaml", "*.yml")
    for pattern in patterns:
        yield from (folder.rglob(pattern) if recursive else folder.glob(pattern))


def _not_a_mapping(value: Any) -> Message:
    """An item of a question file that is not a question (a mapping)."""
    if value is None:
        return Message(
            "应为一道题目（键值映射），实际是空值", "expected a question mapping, got nothing"
        )
    kind = type(value).__name__
    return Message(
        f"应为一道题目（键值映射），实际是 {kind}", f"expected a question mapping, got {kind}"
    )
