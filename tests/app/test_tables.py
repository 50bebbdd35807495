"""Formula cells never leave through st.dataframe's own "Download as CSV" (issue 12,
finding 6): every table the pages show goes through `safe_table`."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from app_pages.tables import safe_table
from tests.app.conftest import PROJECT

FORMULAS = ['=HYPERLINK("http://evil","x")', "@SUM(1+1)", "-2+3", "+cmd|' /C calc'!A0", "\t=1"]


def dataframe_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "dataframe"
    ]


@pytest.mark.parametrize(
    "page", sorted(p.name for p in (PROJECT / "app_pages").glob("*.py")), ids=str
)
def test_every_table_on_every_page_goes_through_safe_table(page):
    for call in dataframe_calls(PROJECT / "app_pages" / page):
        first = call.args[0] if call.args else None
        assert isinstance(first, ast.Call) and getattr(first.func, "id", None) == "safe_table", (
            f"{page} line {call.lineno}: st.dataframe(safe_table(...)) keeps its CSV download safe"
        )


def test_safe_table_neutralises_formula_cells_and_column_names():
    frame = pd.DataFrame({"answer": FORMULAS, "=evil()": ["-1.5", "+2", "3", "ok", "12%"]})
    frame["score"] = [1.0, -2.0, 3, 4, 5]
    safe = safe_table(frame)
    assert list(safe["answer"]) == ["'" + f for f in FORMULAS]
    assert list(safe.columns) == ["answer", "'=evil()", "score"]
    assert list(safe["'=evil()"]) == ["-1.5", "+2", "3", "ok", "12%"]  # plain numbers stay
    assert list(safe["score"]) == [1.0, -2.0, 3, 4, 5]  # numbers stay numbers
    assert frame.loc[0, "answer"] == FORMULAS[0]  # the input is not changed
    assert safe_table([{"a": "=1"}]).loc[0, "a"] == "'=1"
    assert safe_table([]).empty


def test_the_batch_results_table_shows_neutralised_cells(open_page, monkeypatch):
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")
    rows = "\n".join(f'cs-beh-01,"{f.replace(chr(34), chr(34) * 2)}"' for f in FORMULAS)
    upload = f"question_id,answer\n{rows}\n".encode()
    at = open_page("batch.py", "inter", language="en")
    at.file_uploader[0].set_value(("answers.csv", upload, "text/csv")).run()
    preview = at.dataframe[0].value
    assert list(preview["answer"]) == ["'" + f for f in FORMULAS]
    at.button(key="batch_run").click().run()
    assert not at.exception
    shown = at.dataframe[-1].value
    assert list(shown["answer"]) == ["'" + f for f in FORMULAS]
