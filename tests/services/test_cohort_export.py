"""The cohort's tables and downloads: localised headers, formula-safe cells, four sheets."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from services import cohort, cohort_export
from services.cohort_seed import seed_cohort
from storage.models import User


def test_tables_and_downloads_are_localised_and_formula_safe(database, users, bank):
    questions = bank.questions[:4]
    seed_cohort(database, questions, candidates=3)
    with database.transaction() as session:  # a display name that looks like a formula
        user = session.query(User).filter(User.username == "cohort-001").one()
        user.display_name = '=HYPERLINK("http://evil.example","x")'
    report = cohort.build_cohort(database, users["train"], questions)
    by_id = {q.id: q for q in questions}

    matrix = cohort_export.question_matrix(report, "zh")
    assert list(matrix.columns) == ["候选人", "用户名", *[q.id for q in questions], "平均分"]
    assert len(matrix) == 3
    row = matrix.iloc[0]
    assert row["平均分"] == round(sum(row[q.id] for q in questions) / 4, 1)
    categories = cohort_export.category_matrix(report, "en")
    assert {"Behavioral", "Mean"} <= set(categories.columns)

    details = pd.read_csv(
        io.BytesIO(cohort_export.csv_bytes(cohort_export.details_table(report, by_id, "en"))),
        dtype=str,
        encoding="utf-8-sig",
    )
    assert list(details.columns)[:3] == ["Candidate", "User name", "Question"]
    assert len(details) == 3 * 4
    names = set(details["Candidate"])
    assert '\'=HYPERLINK("http://evil.example","x")' in names  # neutralised, not a formula
    assert set(details["Source"]) == {"Practice"}

    book = load_workbook(io.BytesIO(cohort_export.excel_bytes(report, by_id, "zh")))
    assert book.sheetnames == ["按题目", "按题型", "最常遗漏的要点", "明细"]
    cells = [c.value for row in book["按题目"].iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    missed = cohort_export.missed_table(report, by_id, "zh", limit=5)
    assert len(missed) == 5 and list(missed.columns)[3] == "未覆盖比例（%）"
