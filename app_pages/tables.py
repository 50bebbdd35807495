"""Tables shown with st.dataframe, made safe for its own "Download as CSV" button.

st.dataframe's toolbar offers a CSV download of what the table shows, and Streamlit cannot
turn that off per table. A cell such as `=HYPERLINK(...)` or `@SUM(...)` typed by a user
would run as a formula when that file is opened in a spreadsheet, so every table goes
through `safe_table` first: text starting with =, +, -, @, tab or CR gets a leading single
quote (`question_bank.cells.neutralize_cell`, the same rule as the app's own downloads).
Plain numbers written as text ("-1.5", "+2") stay as they are: a spreadsheet reads them as
numbers and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from question_bank.cells import neutralize_cell

_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?%?")


def safe_cell(value: Any) -> Any:
    """One cell for display: formula-like text neutralised, everything else unchanged."""
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return value
    return neutralize_cell(value)


def safe_table(
    data: pd.DataFrame | Sequence[Mapping[str, Any]] | Mapping[str, Any],
) -> pd.DataFrame:
    """The data as a DataFrame whose cells and column names are safe to download as CSV.

    Args:
        data: a DataFrame, a list of row mappings or a mapping of columns.

    Returns:
        A new DataFrame (the input is not changed); pass it to st.dataframe.
    """
    frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    frame = frame.map(safe_cell) if len(frame.columns) else frame
    frame.columns = [safe_cell(c) for c in frame.columns]
    return frame
