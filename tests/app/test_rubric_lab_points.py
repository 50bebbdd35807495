"""Rubric lab: each point's probability is shown under both rubrics, side by side (issue 13,
item 7: the lab's tables hid the probabilities)."""

from __future__ import annotations

import pytest

from question_bank.loader import load_path
from services import bank
from storage.db import Database

ANSWER = "I would offer the customer a refund voucher right away and apologise."


@pytest.fixture
def lab(open_page, app_db: Database, monkeypatch):
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")  # fast; the page works the same
    bank.seed_if_empty(app_db, load_path())
    return lambda: open_page("rubric_lab.py", "train", language="en")


def test_each_points_probability_is_shown_under_both_rubrics(lab):
    at = lab()
    text_en = next(w for w in at.text_area if w.key.endswith("_text_en"))  # the first point
    text_en.input("Offers the customer a refund voucher")
    at.text_area(key="lab_answers").input(ANSWER).run()
    at.button(key="lab_score").click().run()
    assert not at.exception and not at.error

    table = next(d.value for d in at.dataframe if "scratch" in d.value.columns)
    assert list(table.columns) == [
        "point",
        "saved_status",
        "saved",
        "scratch_status",
        "scratch",
        "change",
    ]
    assert table["point"][0].startswith("p1 · ")
    assert all(0 <= p <= 100 for p in [*table["saved"], *table["scratch"]])  # percent
    first = table.iloc[0]
    assert first["scratch"] > first["saved"]  # the reworded point matches the answer
    assert first["change"] == pytest.approx(first["scratch"] - first["saved"])
    evidence = [d.value for d in at.dataframe if "evidence" in d.value.columns]
    assert first["saved"] == pytest.approx(100 * evidence[0]["probability"][0])  # the same
    assert first["saved_status"] and first["scratch_status"]
