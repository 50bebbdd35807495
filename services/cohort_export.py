"""Tables, CSV and Excel drawn from one `CohortReport`, with headers in the reader's language.

The page shows these tables and offers the downloads; every text cell goes through
`question_bank.cells.neutralize_cell` (the rule `app_pages.tables.safe_table` applies), so
a name such as "=HYPERLINK(...)" cannot run as a formula in a spreadsheet.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook

from question_bank.cells import neutralize_cell
from question_bank.schema import Question
from services.cohort import CohortReport
from services.names import Name, category_name, name_in

HEADERS: dict[str, Name] = {
    "candidate": ("候选人", "Candidate"),
    "username": ("用户名", "User name"),
    "question_id": ("题目编号", "Question"),
    "title": ("题目", "Title"),
    "category": ("题型", "Category"),
    "score": ("得分（0–100）", "Score (0–100)"),
    "answers": ("作答次数", "Answers"),
    "source": ("来源", "Source"),
    "at": ("最近作答（UTC）", "Latest answer (UTC)"),
    "point": ("评分要点", "Rubric point"),
    "missing": ("未覆盖", "Missing"),
    "partial": ("部分覆盖", "Partly covered"),
    "missed_share": ("未覆盖比例（%）", "Missed (%)"),
    "mean": ("平均分", "Mean"),
}
SOURCES: dict[str, Name] = {
    "practice": ("练习", "Practice"),
    "session": ("模拟面试", "Mock session"),
}
SHEETS: dict[str, Name] = {
    "questions": ("按题目", "By question"),
    "categories": ("按题型", "By category"),
    "missed": ("最常遗漏的要点", "Most missed points"),
    "details": ("明细", "Details"),
}
CATEGORY_ORDER = ("behavioral", "situational", "technical", "stress")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?%?")


def header(key: str, language: str) -> str:
    return name_in(HEADERS[key], language)


def details_table(
    report: CohortReport, questions: Mapping[str, Question], language: str
) -> pd.DataFrame:
    """One row per candidate and question: the latest answer's score, how many, from where."""
    rows = []
    for cell in report.cells:
        candidate = report.candidate(cell.candidate)
        rows.append(
            {
                "candidate": candidate.name,
                "username": candidate.username or "",
                "question_id": cell.question_id,
                "title": _title(questions, cell.question_id, language),
                "category": category_name(cell.category, language),
                "score": round(cell.score, 1),
                "answers": cell.answers,
                "source": name_in(SOURCES[cell.source], language),
                "at": cell.at.strftime("%Y-%m-%d %H:%M"),
            }
        )
    return _headed(pd.DataFrame(rows, columns=list(HEADERS)[:9]), language)


def question_matrix(report: CohortReport, language: str) -> pd.DataFrame:
    """Candidates down, questions across (bank order), the latest score in each cell."""
    scores = {(c.candidate, c.question_id): round(c.score, 1) for c in report.cells}
    return _matrix(report, report.question_ids, scores, language)


def categories_in(report: CohortReport) -> list[str]:
    """The categories the report holds, in the bank's usual order."""
    return sorted({c.category for c in report.categories}, key=_category_order)


def category_matrix(report: CohortReport, language: str) -> pd.DataFrame:
    """Candidates down, categories across, the category score in each cell."""
    categories = categories_in(report)
    scores = {(c.candidate, c.category): round(c.score, 1) for c in report.categories}
    frame = _matrix(report, categories, scores, language)
    return frame.rename(columns={c: category_name(c, language) for c in categories})


def missed_table(
    report: CohortReport,
    questions: Mapping[str, Question],
    language: str,
    limit: int | None = None,
) -> pd.DataFrame:
    """The rubric points the cohort missed most often, with the counts behind the share."""
    rows = []
    for point in report.missed[:limit]:
        question = questions[point.question_id]
        rubric = {p.id: p for p in question.rubric}
        rows.append(
            {
                "question_id": point.question_id,
                "title": question.title.get(language),
                "point": rubric[point.point_id].text.get(language),
                "missing": point.missing,
                "partial": point.partial,
                "answers": point.answers,
                "missed_share": round(100.0 * point.missed_share, 1),
            }
        )
    columns = ["question_id", "title", "point", "missed_share", "missing", "partial", "answers"]
    return _headed(pd.DataFrame(rows, columns=columns), language)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV with a BOM (Excel reads the Chinese right), formulas neutralised."""
    return _safe(frame).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(report: CohortReport, questions: Mapping[str, Question], language: str) -> bytes:
    """A workbook with the four tables, one sheet each, formulas neutralised.

    Written row by row (openpyxl's write-only mode): several times faster than a pandas
    ExcelWriter on a cohort of thousands of cells.
    """
    sheets = {
        "questions": question_matrix(report, language),
        "categories": category_matrix(report, language),
        "missed": missed_table(report, questions, language),
        "details": details_table(report, questions, language),
    }
    book = Workbook(write_only=True)
    for key, frame in sheets.items():
        sheet = book.create_sheet(name_in(SHEETS[key], language))
        safe = _safe(frame)
        sheet.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False):
            sheet.append([_excel_value(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_value(value: Any) -> Any:
    """A cell for openpyxl: numpy numbers as Python numbers, missing values as empty cells."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _matrix(
    report: CohortReport,
    columns: Sequence[str],
    scores: Mapping[tuple[str, str], float],
    language: str,
) -> pd.DataFrame:
    rows = []
    for candidate in report.candidates:
        row: dict[str, Any] = {
            header("candidate", language): candidate.name,
            header("username", language): candidate.username or "",
        }
        values = [scores.get((candidate.key, column)) for column in columns]
        row.update(dict(zip(columns, values, strict=True)))
        present = [v for v in values if v is not None]
        row[header("mean", language)] = round(sum(present) / len(present), 1) if present else None
        rows.append(row)
    names = [header("candidate", language), header("username", language), *columns]
    return pd.DataFrame(rows, columns=[*names, header("mean", language)])


def _headed(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    return frame.rename(columns={key: header(key, language) for key in frame.columns})


def _title(questions: Mapping[str, Question], question_id: str, language: str) -> str:
    question = questions.get(question_id)
    return question.title.get(language) if question else question_id


def _category_order(category: str) -> int:
    if category in CATEGORY_ORDER:
        return CATEGORY_ORDER.index(category)
    return len(CATEGORY_ORDER)


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return value
    return neutralize_cell(value)


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.map(_safe_cell) if len(frame.columns) else frame.copy()
    safe.columns = [_safe_cell(c) for c in frame.columns]
    return safe
