from __future__ import annotations

import pandas as pd
import pytest

from question_bank.exchange import (
    from_tables,
    read_tables,
    to_tables,
    write_bank_dirs,
    write_tables,
)
from question_bank.loader import DEFAULT_BANK_DIR, load_path


@pytest.fixture(scope="module")
def shipped():
    bank_set = load_path(DEFAULT_BANK_DIR)
    assert bank_set.ok
    return bank_set


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_table_round_trip_gives_the_same_bank(shipped, tmp_path, suffix):
    path = write_tables(shipped.questions, tmp_path / f"bank{suffix}")
    questions, problems = read_tables(path)
    assert problems == []
    assert tuple(questions) == shipped.questions


def test_yaml_round_trip_gives_the_same_bank(shipped, tmp_path):
    write_bank_dirs(shipped, tmp_path)
    again = load_path(tmp_path)
    assert again.ok, again.problems
    assert again.questions == shipped.questions
    assert again.banks == shipped.banks


def test_round_trip_keeps_optional_fields(make_bank, question_data, tmp_path):
    question_data["rubric"][0]["strong"] = {"zh": "分别约谈", "en": "Meets each"}
    question_data["follow_ups"] = [{"zh": "如果无效呢?", "en": "And if it fails?"}]
    question_data["examples"][0]["comment"] = "good"
    original = load_path(make_bank({"a.yaml": question_data})).questions
    questions, problems = read_tables(write_tables(original, tmp_path / "q.csv"))
    assert not problems and tuple(questions) == original


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_marked_passages_go_through_a_spreadsheet(make_bank, question_data, tmp_path, suffix):
    question_data["examples"][0]["text"] = "我先找两个人分别聊了：各有道理，后来一起定了规矩。"
    question_data["examples"][0]["evidence"] = {
        "p1": ["我先找两个人分别聊了：各有道理"],  # a colon inside the passage
        "p3": ["后来", "一起定了规矩"],
    }
    original = load_path(make_bank({"a.yaml": question_data})).questions
    path = write_tables(original, tmp_path / f"q{suffix}")
    questions, problems = read_tables(path)
    assert not problems and tuple(questions) == original


def test_a_spreadsheet_without_marks_still_reads(make_bank, question_data):
    original = load_path(make_bank({"a.yaml": question_data})).questions
    tables = to_tables(original)
    tables["examples"] = tables["examples"].drop(columns=["evidence"])  # written before marks
    questions, problems = from_tables(tables)
    assert not problems and tuple(questions) == original


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("p1 我先找两个人", "line 1 should read"),
        ("\np1: 不在回答里的话", "is not in its answer"),
    ],
)
def test_a_wrong_marks_cell_is_named_with_its_row(make_bank, question_data, cell, said):
    original = load_path(make_bank({"a.yaml": question_data})).questions
    tables = to_tables(original)
    tables["examples"].loc[0, "evidence"] = cell
    questions, problems = from_tables(tables)
    (problem,) = problems
    assert questions == [] and problem.table == "examples" and problem.row == 2
    assert problem.field == "evidence" and said in problem.message.en


def test_broken_rows_are_reported_with_row_and_column(make_bank, question_data, tmp_path):
    second = dict(question_data, id="t-beh-02")
    original = load_path(make_bank({"a.yaml": question_data, "b.yaml": second})).questions
    path = write_tables(original, tmp_path / "q.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.loc[1, "points"] = "ten"  # the second question row, spreadsheet row 3
    rubric_rows = frame.index[frame["record"] == "rubric_point"]
    frame.loc[rubric_rows[0], "question_id"] = "nope"  # an orphan rubric row
    frame.to_csv(path, index=False, encoding="utf-8-sig")

    questions, problems = read_tables(path)
    assert [q.id for q in questions] == ["t-beh-01"] or [q.id for q in questions] == []
    messages = [str(p) for p in problems]
    assert any("questions row 3" in m and "points" in m and "'ten'" in m for m in messages)
    orphan_row = rubric_rows[0] + 2
    assert any(f"rubric_points row {orphan_row}" in m and "nope" in m for m in messages)


def test_mismatched_list_lines_are_reported(make_bank, question_data, tmp_path):
    tables = to_tables(load_path(make_bank({"a.yaml": question_data})).questions)
    tables["questions"].loc[0, "competencies_en"] = "One\nTwo"
    from question_bank.exchange import from_tables

    questions, problems = from_tables(tables, source="sheet")
    assert not questions
    assert "competencies_zh has 1 lines but competencies_en has 2" in problems[0].message.en


def test_missing_column_and_record(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    questions, problems = read_tables(path)
    assert not questions and "record" in problems[0].message.en


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_like_texts_are_quoted_on_export_and_restored_on_import(
    make_bank, question_data, tmp_path, suffix
):
    question_data["title"] = {"zh": "-减分项", "en": '=HYPERLINK("http://x.example","go")'}
    question_data["rubric"][0]["text"]["en"] = "+1 for empathy"
    question_data["examples"][0]["comment"] = "'=already quoted"
    original = load_path(make_bank({"a.yaml": question_data})).questions
    path = write_tables(original, tmp_path / f"q{suffix}")
    if suffix == ".csv":
        cells = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        rubric = cells[cells["record"] == "rubric_point"].reset_index()
        examples = cells[cells["record"] == "example"].reset_index()
    else:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
        cells, rubric, examples = sheets["questions"], sheets["rubric_points"], sheets["examples"]
    assert cells.loc[0, "title_en"] == '\'=HYPERLINK("http://x.example","go")'
    assert cells.loc[0, "title_zh"] == "'-减分项"
    assert rubric.loc[0, "text_en"] == "'+1 for empathy"
    assert examples.loc[0, "comment"] == "''=already quoted"
    assert float(cells.loc[0, "points"]) == 10  # numbers are not quoted
    questions, problems = read_tables(path)
    assert problems == [] and tuple(questions) == original


def test_formulas_are_never_written_as_excel_formulas(make_bank, question_data, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    question_data["title"]["en"] = "=1+1"
    original = load_path(make_bank({"a.yaml": question_data})).questions
    sheet = openpyxl.load_workbook(write_tables(original, tmp_path / "q.xlsx"))["questions"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("title_en") + 1)
    assert (cell.data_type, cell.value) == ("s", "'=1+1")


def test_an_xlsx_that_is_a_zip_but_not_a_workbook_is_a_problem(tmp_path):
    import zipfile

    path = tmp_path / "bank.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "hello")
    questions, problems = read_tables(path)
    assert questions == [] and [str(p) for p in problems] == [
        f"{path}: cannot read the table: not a readable Excel workbook: "
        "a ZIP file without xl/workbook.xml, not an .xlsx workbook"
    ]
