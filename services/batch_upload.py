"""Reading an uploaded answers CSV and writing the scored one, with clear errors."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from question_bank.cells import neutralize_cell
from scoring.batch import MAX_ROWS
from services.errors import InputRejected, ServiceError

MAX_UPLOAD_BYTES = 20_000_000


def read_upload(name: str, data: bytes) -> tuple[pd.DataFrame, ServiceError | None]:
    """Parse an uploaded CSV as text columns.

    Returns:
        the rows, and a notice when the file was not UTF-8 but could be read as GB18030.

    Raises:
        InputRejected: the file is empty, too large, not text, or not valid CSV (with the line).
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputRejected(
            f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1_000_000} MB.",
            f"{name} 大小为 {len(data) / 1e6:.1f} MB，上限为 {MAX_UPLOAD_BYTES // 1_000_000} MB。",
        )
    if not data.strip():
        raise InputRejected(f"{name} is empty.", f"{name} 是空文件。")
    if b"\x00" in data[:4096]:
        raise InputRejected(
            f"{name} is not a text CSV file (it contains binary data; is it an Excel file?).",
            f"{name} 不是文本 CSV 文件（含二进制内容，是否为 Excel 文件？）。",
        )
    notice = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise InputRejected(
                f"{name} is neither UTF-8 nor GB18030 text (byte {exc.start}).",
                f"{name} 既不是 UTF-8 也不是 GB18030 编码（第 {exc.start} 字节）。",
            ) from exc
        notice = ServiceError(
            f"{name} was read as GB18030 (not UTF-8); check that Chinese text looks right.",
            f"{name} 按 GB18030 编码读取（不是 UTF-8），请确认中文显示正常。",
        )
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error) as exc:
        en, zh = _csv_problem(str(exc))
        raise InputRejected(
            f"{name} is not valid CSV: {en}", f"{name} 不是有效的 CSV：{zh}"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputRejected(f"{name} has no header row.", f"{name} 没有表头行。") from exc
    if len(frame) > MAX_ROWS:
        raise InputRejected(
            f"{name} has {len(frame):,} rows; at most {MAX_ROWS:,} can be scored at once.",
            f"{name} 有 {len(frame):,} 行，一次最多评分 {MAX_ROWS:,} 行。",
        )
    return frame, notice


def scored_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The scored rows as UTF-8 CSV (with BOM, for Excel), formula-like cells neutralised."""
    safe = frame.map(neutralize_cell)
    return safe.to_csv(index=False).encode("utf-8-sig")


def _csv_problem(parser_message: str) -> tuple[str, str]:
    """The parser's complaint in plain words, with the line a spreadsheet shows (header = 1)."""
    if match := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", parser_message):
        expected, line, saw = match.groups()
        return (
            f"line {line} has {saw} fields but the header has {expected}; is there a comma "
            "in a value that is not in double quotes?",
            f"第 {line} 行有 {saw} 个字段，但表头只有 {expected} 个；"
            "是否有值里含逗号却没有用双引号括起来？",
        )
    if match := re.search(r"EOF inside string starting at row (\d+)", parser_message):
        line = int(match.group(1)) + 1
        return (
            f'the quoted value that starts on line {line} is never closed (a " is missing)',
            f'第 {line} 行开始的带引号的值没有结束（缺少一个 "）。',
        )
    return parser_message, f"无法解析（{parser_message}）。"
