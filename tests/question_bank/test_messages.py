"""Every problem a bank import reports is written in Chinese and English where it is found."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from question_bank import exchange
from question_bank.exchange import from_tables, read_tables, to_tables, write_tables
from question_bank.loader import Problem, load_path, parse_questions
from question_bank.messages import Message, validation_message
from question_bank.schema import Question
from services import bank_files
from tests.question_bank.conftest import MINIMAL_QUESTION

CJK = re.compile(r"[\u3400-\u9fff]")
# ASCII sentence punctuation after a Chinese character ("文件是空的. ", "缺少, 列")
ASCII_AFTER_CJK = re.compile(r"[\u3400-\u9fff]\s*[,.;:!?](?:\s|$|[\u3400-\u9fff])")
ASCII_BEFORE_CJK = re.compile(r"[,;:!?]\s*[\u3400-\u9fff]")


def assert_bilingual(message: Message) -> None:
    """Both texts present; the Chinese has Chinese characters and full-width punctuation."""
    assert isinstance(message, Message), message
    assert message.zh.strip() and message.en.strip(), message
    assert CJK.search(message.zh), message
    assert not ASCII_AFTER_CJK.search(message.zh), message
    assert not ASCII_BEFORE_CJK.search(message.zh), message
    assert not CJK.search(message.en), message
    assert message.get("zh") == message.zh and message.get("en") == message.en


def question(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL_QUESTION)
    data.update(changes)
    return data


def write(folder: Path, files: dict[str, str | bytes | None]) -> Path:
    """A bank folder `test-bank` under `folder` with these question files (None: a folder)."""
    bank_dir = folder / "test-bank"
    (bank_dir / "questions").mkdir(parents=True, exist_ok=True)
    bank = {"id": "test-bank", "name": {"zh": "测", "en": "T"}, "role": {"zh": "主", "en": "S"}}
    (bank_dir / "bank.yaml").write_text(yaml.safe_dump(bank, allow_unicode=True), "utf-8")
    for name, content in files.items():
        target = bank_dir / "questions" / name
        if content is None:
            target.mkdir()
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return bank_dir


def dumped(*questions: dict[str, Any]) -> str:
    return yaml.safe_dump(list(questions), allow_unicode=True)


# --- the YAML loader ----------------------------------------------------------------------------

LOADER_FILES: dict[str, dict[str, str | bytes | None]] = {
    "not a question mapping": {"a.yaml": "- just text\n"},
    "another bank": {"a.yaml": dumped(question(bank="other-bank"))},
    "a repeated question": {"a.yaml": dumped(question()), "b.yaml": dumped(question())},
    "not UTF-8": {"a.yaml": b"id: \xff\xfe\n"},
    "an empty file": {"a.yaml": ""},
    "malformed YAML": {"a.yaml": "id: x\ntitle: [unclosed\n"},
    "an unclosed quote": {"a.yaml": 'title: "open\nen: x\nnote: "closed later" here\n'},
    "a tab": {"a.yaml": "title:\n\tzh: x\n"},
    "a YAML alias": {"a.yaml": "a: &a 1\nb: *a\n"},
    "unreadable": {"a.yaml": None},
}


@pytest.mark.parametrize("case", list(LOADER_FILES))
def test_each_loader_problem_is_said_in_both_languages(tmp_path, case):
    problems = load_path(write(tmp_path, LOADER_FILES[case])).problems
    assert problems, case
    for problem in problems:
        assert_bilingual(problem.message)
        assert problem.message.en in str(problem)  # the command line prints the English


def test_missing_paths_and_repeated_banks_are_said_in_both_languages(tmp_path):
    assert_bilingual(load_path(tmp_path / "nothing-here").problems[0].message)
    (tmp_path / "empty").mkdir()
    assert_bilingual(load_path(tmp_path / "empty").problems[0].message)
    write(tmp_path / "one", {})
    write(tmp_path / "two", {})
    for folder in ("one", "two"):
        (tmp_path / folder / "test-bank").rename(tmp_path / f"{folder}-bank")
    (problem,) = load_path(tmp_path).problems
    assert problem.field == "id"
    assert_bilingual(problem.message)


BROKEN_QUESTIONS: dict[str, dict[str, Any]] = {  # pydantic error type -> a question with it
    "missing": question(points=None),
    "extra_forbidden": question(hint="x"),
    "string_too_short": question(title={"zh": "", "en": "x"}),
    "too_short": question(rubric=[]),
    "string_pattern_mismatch": question(id="Not An Id"),
    "literal_error": question(category="chatty"),
    "greater_than": question(points=0),
    "less_than_equal": question(examples=[{**MINIMAL_QUESTION["examples"][0], "grade": 11}]),
    "greater_than_equal": question(examples=[{**MINIMAL_QUESTION["examples"][0], "grade": -1}]),
    "int_parsing": question(points="many"),
    "float_parsing": question(rubric=[{**MINIMAL_QUESTION["rubric"][0], "weight": "heavy"}]),
    "int_from_float": question(answer_time_seconds=1.5),
    "model_type": question(title="just a title"),
    "tuple_type": question(tags=5),
    "string_type": question(bank=5),
    "bank_rule": question(tags=["ok", " "]),
}
RULES = {  # the bank's own rules, raised by its validators
    "repeated points": question(rubric=MINIMAL_QUESTION["rubric"] * 2),
    "repeated examples": question(examples=MINIMAL_QUESTION["examples"] * 2),
    "unknown points": question(examples=[{**MINIMAL_QUESTION["examples"][0], "covers": ["p9"]}]),
}


def _errors(data: dict[str, Any]) -> list[Any]:
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ValidationError) as error:
        Question.model_validate(data)
    return error.value.errors()


@pytest.mark.parametrize("error_type", list(BROKEN_QUESTIONS))
def test_each_pydantic_error_type_is_said_in_both_languages(error_type):
    errors = _errors(BROKEN_QUESTIONS[error_type])
    assert error_type in [e["type"] for e in errors]
    for error in errors:
        message = validation_message(error)
        assert_bilingual(message)
        assert not message.zh.startswith("取值无效"), error  # a type the table knows


def test_pydantic_messages_keep_the_wording_the_pages_used():
    said = {
        kind: next(validation_message(e) for e in _errors(data) if e["type"] == kind)
        for kind, data in BROKEN_QUESTIONS.items()
    }
    assert said["string_too_short"] == Message("不能为空", "must not be empty")
    assert said["missing"] == Message("必填", "missing required field")
    assert said["greater_than"] == Message("必须大于 0", "must be greater than 0")
    assert said["less_than_equal"] == Message("不能大于 10", "must be at most 10")
    assert said["greater_than_equal"] == Message("不能小于 0", "must be at least 0")
    assert said["too_short"] == Message("至少需要一项", "needs at least one item")
    assert said["literal_error"].zh == "只能是 behavioral、situational、technical、stress"
    assert said["int_parsing"] == Message("必须是数字", "must be a number")
    assert said["string_pattern_mismatch"].zh.startswith("格式不对：只能用小写字母")


def test_an_unknown_error_type_keeps_pydantics_english_and_says_so_in_chinese():
    error = {"type": "something_new", "loc": ("x",), "msg": "Value error, odd", "input": 1}
    assert validation_message(error) == Message("取值无效：odd", "odd")


@pytest.mark.parametrize("rule", list(RULES))
def test_the_banks_own_rules_are_said_in_both_languages(rule):
    _, problems = parse_questions(RULES[rule], "form")
    assert len(problems) == 1
    assert_bilingual(problems[0].message)
    assert "Value error" not in problems[0].message.en


def test_a_list_empty_only_because_its_items_failed_is_not_reported_twice():
    _, problems = parse_questions(question(competencies=[{"zh": "", "en": "x"}]), "form")
    assert [p.field for p in problems] == ["competencies.0.zh"]


# --- CSV and Excel tables -----------------------------------------------------------------------


def _tables(**edits: Any) -> dict[str, pd.DataFrame]:
    tables = to_tables([Question.model_validate(question())])
    for name, edit in edits.items():
        tables[name] = edit(tables[name].astype(object))
    return tables


def _set(column: str, value: str):
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[0, column] = value
        return frame

    return edit


TABLE_CASES = {
    "a table is missing": lambda: from_tables({"questions": _tables()["questions"]}),
    "columns are missing": lambda: from_tables(
        {**_tables(), "rubric_points": _tables()["rubric_points"].drop(columns=["weight"])}
    ),
    "an unknown question": lambda: from_tables(_tables(rubric_points=_set("question_id", "nope"))),
    "not a number": lambda: from_tables(_tables(rubric_points=_set("weight", "heavy"))),
    "unpaired lines": lambda: from_tables(_tables(questions=_set("competencies_en", "A\nB"))),
    "a pydantic error in a cell": lambda: from_tables(_tables(examples=_set("grade", "12"))),
}


@pytest.mark.parametrize("case", list(TABLE_CASES))
def test_each_table_problem_is_said_in_both_languages_at_its_row(case):
    questions, problems = TABLE_CASES[case]()
    assert not questions and problems, case
    for problem in problems:
        assert_bilingual(problem.message)
        assert problem.table in exchange.TABLES, problem


def test_a_cells_problem_keeps_the_row_a_spreadsheet_shows():
    _, problems = from_tables(_tables(rubric_points=_set("weight", "heavy")))
    (problem,) = problems
    assert (problem.table, problem.row, problem.field) == ("rubric_points", 2, "weight")
    assert problem.message == Message("“heavy”不是数字", "'heavy' is not a number")


def _csv(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "bank.csv"
    path.write_text(text, encoding="utf-8")
    return read_tables(path)[1]


def test_each_csv_file_problem_is_said_in_both_languages(tmp_path):
    exported = write_tables([Question.model_validate(question())], tmp_path / "good.csv")
    text = exported.read_text(encoding="utf-8-sig")
    for problems in (
        _csv(tmp_path, "a,b\n1,2\n"),  # no record column
        _csv(tmp_path, text.replace("\nrubric_point,", "\nthing,", 1)),  # an unknown record
        _csv(tmp_path, "record,id\nquestion,a\nquestion,b,c,d\n"),  # ragged
    ):
        (problem,) = problems
        assert_bilingual(problem.message)


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def test_each_workbook_problem_is_said_in_both_languages(tmp_path, monkeypatch):
    good = write_tables([Question.model_validate(question())], tmp_path / "good.xlsx")
    path = tmp_path / "bank.xlsx"
    for content in (b"id,bank\n", _zip({"notes.txt": "hi"}), _zip({"xl/workbook.xml": "<wb"})):
        path.write_bytes(content)
        (problem,) = read_tables(path)[1]
        assert_bilingual(problem.message)
    monkeypatch.setattr(exchange, "MAX_WORKBOOK_UNPACKED_BYTES", 10)
    (problem,) = read_tables(good)[1]
    assert_bilingual(problem.message)
    assert "MB" in problem.message.zh


# --- uploads in the app (services.bank_files) ---------------------------------------------------


def test_each_upload_problem_is_said_in_both_languages(monkeypatch):
    one = dumped(question()).encode("utf-8")
    checks = [
        bank_files.check_upload("bank.txt", b"x"),
        bank_files.check_upload("bank.yaml", b"  \n"),
        bank_files.check_upload("bank.yaml", b"id: \xff\n"),
        bank_files.check_upload("bank.yaml", b"[]\n"),
        bank_files.check_upload("bank.yaml", dumped(question(), question()).encode("utf-8")),
    ]
    monkeypatch.setattr(bank_files, "MAX_UPLOAD_BYTES", 10)
    checks.append(bank_files.check_upload("bank.yaml", one))
    monkeypatch.setattr(bank_files, "MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(bank_files, "MAX_IMPORT_QUESTIONS", 0)
    checks.append(bank_files.check_upload("bank.yaml", one))
    for check in checks:
        assert check.problems, check
        for problem in check.problems:
            assert_bilingual(problem.message)
    assert checks[0].problems[0].message.zh == "不支持这种文件类型：请用 .yaml、.csv 或 .xlsx"
