from __future__ import annotations

import pytest

from question_bank.cells import neutralize_cell, restore_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # a text that already starts with the quote gets one more
        ("''-1", "'''-1"),
        ("'plain", "'plain"),
        ("plain", "plain"),
        ("", ""),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_neutralize_then_restore_gives_the_text_back(value, written):
    assert neutralize_cell(value) == written
    assert restore_cell(written) == value


@pytest.mark.parametrize(
    ("typed", "read"),
    [("'=1", "=1"), ("'-1", "-1"), ("'@a", "@a"), ("'x", "'x"), ("'", "'"), ("a'=1", "a'=1")],
)
def test_a_quote_typed_in_a_spreadsheet_is_removed_before_a_formula_character(typed, read):
    assert restore_cell(typed) == read


def test_the_old_import_path_still_works():
    from services.session_report import neutralize_cell as old

    assert old is neutralize_cell
