"""Score a CSV of answers: every input row comes out, with scores or an error message.

Each row has `answer` and either `question_id` (from the bank) or `question` plus
`rubric_points` (separated by new lines or " | ") or a `reference_answer` (read whole and by
its sentences and enumerated items, `Target.from_reference`); optionally `points`.

A row's error names its spreadsheet row (the header is row 1) and column; the `error`
column holds it in English, and the summary holds each in Chinese and English for a page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from question_bank.cells import neutralize_cell
from question_bank.loader import BankSet
from question_bank.messages import Message, MessageError
from scoring.engine import Scorer, Target

MAX_ROWS = 50_000
PREPARE_ROWS = 64  # rows whose texts are embedded together before they are scored
OUTPUT_COLUMNS = ["score", "points_score", "covered", "flags", "coverage_json", "error"]
NUMERIC_COLUMNS = ("score", "points_score", "covered")
_POINT_SPLIT = re.compile(r"\s*\|\s*|\n+")


@dataclass(frozen=True)
class RowProblem:
    """Why one input row was not scored; `row` as a spreadsheet numbers it (header = row 1)."""

    row: int
    message: Message


@dataclass(frozen=True)
class BatchSummary:
    rows: int
    scored: int
    errors: int
    problems: tuple[RowProblem, ...] = ()  # one per row not scored, in row order

    def __str__(self) -> str:
        return f"scored {self.scored} of {self.rows} rows; {self.errors} row(s) with errors"


def read_answers_csv(path: Path | str) -> pd.DataFrame:
    """Read an input CSV as text (nothing converted, empty cells kept as '')."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def score_frame(
    scorer: Scorer, bank: BankSet, frame: pd.DataFrame, progress=None
) -> tuple[pd.DataFrame, BatchSummary]:
    """Score each row; return the input columns plus the output columns, row order kept.

    Args:
        progress: optional callable(done, total) called after each row.
    """
    out = frame.copy()
    for column in OUTPUT_COLUMNS:
        out[column] = ""
    frame_problem = _frame_problem(frame)
    if frame_problem is not None:
        out["error"] = frame_problem.en
        problems = tuple(RowProblem(n + 2, frame_problem) for n in range(len(frame)))
        return out, BatchSummary(len(frame), 0, len(frame), problems)
    by_id = {q.id: q for q in bank.questions}
    scored = 0
    problems_found: list[RowProblem] = []
    rows = list(frame.iterrows())
    targets = [_target_or_error(row, by_id, position + 2) for position, (_, row) in enumerate(rows)]
    answers = [str(row.get("answer", "")) for _, row in rows]
    for position, (index, _) in enumerate(rows):
        row_number = position + 2  # spreadsheet row: the header is row 1
        if position % PREPARE_ROWS == 0:  # embed the next rows' texts in large batches
            chunk = range(position, min(position + PREPARE_ROWS, len(rows)))
            good = [i for i in chunk if isinstance(targets[i], Target)]
            scorer.prepare([answers[i] for i in good], [targets[i] for i in good])
        try:
            target = targets[position]
            if isinstance(target, Exception):
                raise target
            answer = answers[position]
            if not answer.strip():
                raise MessageError(_at(row_number, "answer", EMPTY_ANSWER))
            report = scorer.score(target, answer)
        except Exception as exc:  # one bad row never stops the batch
            problem = RowProblem(row_number, _row_message(row_number, exc))
            out.at[index, "error"] = problem.message.en
            problems_found.append(problem)
        else:
            out.at[index, "score"] = f"{report.score:.1f}"
            out.at[index, "points_score"] = f"{report.points_score:g}"
            out.at[index, "covered"] = str(report.covered)
            out.at[index, "flags"] = ";".join(f.code for f in report.flags)
            out.at[index, "coverage_json"] = json.dumps(
                [
                    {"point": p.text, "status": p.status, "probability": p.probability,
                     "evidence": p.evidence}
                    for p in report.points
                ],
                ensure_ascii=False,
            )  # fmt: skip
            scored += 1
        if progress is not None:
            progress(position + 1, len(frame))
    return out, BatchSummary(len(frame), scored, len(problems_found), tuple(problems_found))


def score_csv(
    scorer: Scorer, bank: BankSet, input_path: Path, output_path: Path, progress: bool = False
) -> BatchSummary:
    """Read INPUT, score it, write OUTPUT (UTF-8 with BOM, so Excel shows Chinese).

    Text cells that a spreadsheet would run as a formula are written with a leading quote.
    """
    frame = read_answers_csv(input_path)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(frame), unit="answer", file=None)
    callback = (lambda done, total: bar.update(1)) if bar is not None else None
    out, summary = score_frame(scorer, bank, frame, callback)
    if bar is not None:
        bar.close()
    spreadsheet_safe(out).to_csv(output_path, index=False, encoding="utf-8-sig")
    return summary


def spreadsheet_safe(out: pd.DataFrame) -> pd.DataFrame:
    """The scored rows with text cells like "=HYPERLINK(...)" prefixed with a quote.

    The numeric output columns (score, points_score, covered) are left as they are.
    """
    text_columns = [c for c in out.columns if c not in NUMERIC_COLUMNS]
    safe = out.copy()
    safe[text_columns] = safe[text_columns].map(neutralize_cell)
    return safe


EMPTY_ANSWER = Message("回答为空", "the answer is empty")
NO_POINTS = Message(
    "请给出评分要点（每行一条，或用“ | ”分隔）、参考答案（reference_answer）或题目编号（question_id）",
    "give rubric points (one per line or separated by ' | '), a reference_answer or a question_id",
)
MISSING_ANSWER_COLUMN = Message("缺少 answer 列。", "missing column: answer")
MISSING_TARGET_COLUMN = Message(
    "缺少 question_id 列（题库题目），或 rubric_points、reference_answer 列（自带评分要点）。",
    "missing column: question_id (a bank question), or rubric_points or "
    "reference_answer (your own)",
)


def _at(row: int, column: str, reason: Message) -> Message:
    """A problem in one cell: its spreadsheet row and column, and the reason."""
    return Message(
        f"第 {row} 行，{column} 列：{reason.zh}。", f"row {row}, column {column}: {reason.en}"
    )


def _row_message(row: int, error: Exception) -> Message:
    """What went wrong with a row: a cell's problem, or the scorer's failure."""
    if isinstance(error, MessageError):
        return error.message
    detail = f"{type(error).__name__}: {error}"
    return Message(f"第 {row} 行：评分失败（{detail}）。", f"row {row}: scoring failed: {detail}")


def _frame_problem(frame: pd.DataFrame) -> Message | None:
    """A problem of the whole file (too many rows, a missing column), else None."""
    if len(frame) > MAX_ROWS:
        return Message(
            f"文件有 {len(frame)} 行，一次最多评分 {MAX_ROWS} 行。",
            f"the file has {len(frame)} rows; at most {MAX_ROWS} can be scored at once",
        )
    if "answer" not in frame.columns:
        return MISSING_ANSWER_COLUMN
    if not {"question_id", "rubric_points", "reference_answer"} & set(frame.columns):
        return MISSING_TARGET_COLUMN
    return None


def _target_or_error(row: pd.Series, by_id: dict, row_number: int) -> Target | Exception:
    """The row's target, or why it has none (raised again when the row is scored)."""
    try:
        return _target(row, by_id, row_number)
    except Exception as exc:  # one bad row never stops the batch
        return exc


def _target(row: pd.Series, by_id: dict, row_number: int) -> Target:
    question_id = str(row.get("question_id", "")).strip()
    if question_id:
        if question_id not in by_id:
            unknown = Message(
                f"题库中没有题目“{question_id}”", f"no question {question_id!r} in the bank"
            )
            raise MessageError(_at(row_number, "question_id", unknown))
        return Target.from_question(by_id[question_id])
    points = [p for p in _POINT_SPLIT.split(str(row.get("rubric_points", ""))) if p.strip()]
    if not points:
        reference = str(row.get("reference_answer", "")).strip()
        points = [reference] if reference else []
    if not points:
        raise MessageError(_at(row_number, "rubric_points", NO_POINTS))
    points_value = str(row.get("points", "")).strip() or "10"
    try:
        value = float(points_value)
        if value <= 0:
            raise ValueError
    except ValueError:
        not_positive = Message(
            f"“{points_value}”不是正数", f"{points_value!r} is not a positive number"
        )
        raise MessageError(_at(row_number, "points", not_positive)) from None
    return Target.from_texts(points, question=str(row.get("question", "")), points=value)
