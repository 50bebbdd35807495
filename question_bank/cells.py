"""Spreadsheet cells: make exported text inert in Excel, and read it back unchanged.

A cell whose text starts with =, +, -, @, tab or CR can be run as a formula when a CSV or
workbook is opened in a spreadsheet ("formula injection"). Exports prefix such text with a
single quote; imports remove that quote again, so export then import gives the same text.
No dependencies: the bank exchange, the batch scorer and the services all use it.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: Any) -> Any:
    """Make a spreadsheet cell safe from formula injection.

    Args:
        value: a cell value.

    Returns:
        A string starting with =, +, -, @, tab or CR prefixed with a single quote; so is a
        string whose leading quotes are followed by one of those (so that `restore_cell` can
        undo exactly this). Any other value (numbers included) is returned unchanged.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """Undo `neutralize_cell` on a cell read back from a spreadsheet.

    Args:
        value: a cell value as read from a CSV or workbook.

    Returns:
        The text without its first character when it is a single quote and the text's leading
        quotes are followed by =, +, -, @, tab or CR (so "'=SUM(A1)" gives "=SUM(A1)"); any
        other value unchanged.
    """
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value.lstrip("'").startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value
