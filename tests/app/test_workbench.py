"""Bank workbench: validation keeps what was typed, edit conflicts, import, history, roles."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from question_bank.exchange import to_yaml, write_tables
from question_bank.loader import load_path
from question_bank.schema import LocalizedText
from services import accounts, bank
from services.accounts import Actor
from storage.db import Database
from tests.app.conftest import PASSWORD

QUESTION = "cs-beh-01"


@pytest.fixture
def seeded(app_db: Database) -> Database:
    """The test database with the shipped bank in it (as the app seeds it on first use)."""
    bank.seed_if_empty(app_db, load_path())
    return app_db


def open_question(at: AppTest, question_id: str = QUESTION) -> AppTest:
    at.selectbox(key="workbench_choice").select(question_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def point_field(at: AppTest, column: str):
    """A field of the rubric point open in the point editor (text_zh, text_en, weight ...)."""
    widgets = [*at.text_input, *at.text_area, *at.number_input]
    return next(
        w for w in widgets if w.key.startswith("workbench_point_") and w.key.endswith(f"_{column}")
    )


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def other_trainer(db: Database) -> Actor:
    _, token = accounts.sign_in(db, "admin", PASSWORD)
    return accounts.actor_for_token(db, token)


def edit_behind_the_back(db: Database, title_en: str, version: int) -> None:
    data = bank.get_question(db, QUESTION).question.model_dump(mode="json")
    data["title"]["en"] = title_en
    bank.save_question(db, other_trainer(db), data, version)


def test_a_candidate_sees_the_role_message(open_page):
    at = open_page("workbench.py", "cand", language="en")
    assert "needs the role trainer" in at.error[0].value
    assert not at.text_input and not at.data_editor


def test_a_failed_save_keeps_what_was_typed_then_the_fixed_one_saves(open_page, seeded):
    at = open_question(open_page("workbench.py", "train", language="en"))
    at.text_input(key="workbench_field_title_en").input("")
    at.text_input(key="workbench_field_title_zh").input("团队冲突（修订）")
    point_field(at, "weight").set_value(0)  # the first point is open in the point editor
    at.button(key="workbench_save").click().run()

    errors = texts(at.error)
    assert "Not saved: 2 problem(s)" in errors
    assert "Title (English)" in errors and "must not be empty" in errors
    assert "row 1 · Weight: must be greater than 0" in errors
    assert at.text_input(key="workbench_field_title_zh").value == "团队冲突（修订）"  # kept
    assert at.session_state["workbench_draft"]["fields"]["rubric"][0]["weight"] == 0
    assert bank.get_question(seeded, QUESTION).version == 1  # nothing saved

    at.text_input(key="workbench_field_title_en").input("Team conflict, revised")
    point_field(at, "weight").set_value(2)
    at.button(key="workbench_save").click().run()
    assert "Saved cs-beh-01 (version 2)" in at.success[0].value
    entry = bank.get_question(seeded, QUESTION)
    assert entry.version == 2 and entry.updated_by == "train"
    assert entry.question.title.en == "Team conflict, revised"
    assert entry.question.title.zh == "团队冲突（修订）"
    assert entry.question.rubric[0].weight == 2
    assert entry.question.examples  # graded examples kept as they were
    assert not at.error


def test_an_edit_conflict_shows_both_versions_and_overwrites_nothing(open_page, seeded):
    at = open_question(open_page("workbench.py", "train", language="en"))
    at.text_input(key="workbench_field_title_en").input("Mine: conflict handling")
    edit_behind_the_back(seeded, "Theirs: conflict handling", version=1)
    at.button(key="workbench_save").click().run()

    assert "Edit conflict" in texts(at.warning)
    code = texts(at.code)
    assert "Theirs: conflict handling" in code and "Mine: conflict handling" in code
    assert bank.get_question(seeded, QUESTION).question.title.en == "Theirs: conflict handling"

    at.button(key="workbench_take_theirs").click().run()  # take theirs: the form shows version 2
    assert at.text_input(key="workbench_field_title_en").value == "Theirs: conflict handling"
    assert at.session_state["workbench_draft"]["version"] == 2

    at.text_input(key="workbench_field_title_en").input("Mine again")
    edit_behind_the_back(seeded, "Theirs again", version=2)
    at.button(key="workbench_save").click().run()
    assert "Keep mine (save over version 3)" in [b.label for b in at.button]
    assert bank.get_question(seeded, QUESTION).question.title.en == "Theirs again"
    at.button(key="workbench_keep_mine").click().run()
    entry = bank.get_question(seeded, QUESTION)
    assert (entry.version, entry.question.title.en) == (4, "Mine again")


def test_a_valid_csv_is_previewed_then_imported(open_page, seeded, tmp_path):
    question = bank.get_question(seeded, QUESTION).question
    changed = question.model_copy(
        update={"title": LocalizedText(zh=question.title.zh, en="Imported title")}
    )
    path = write_tables([changed], tmp_path / "edited.csv")
    at = open_page("workbench.py", "train", language="en")
    at.file_uploader[0].set_value(("edited.csv", path.read_bytes(), "text/csv")).run()
    assert "1 questions: 0 new, 1 changed, 0 unchanged" in texts(at.info)
    assert bank.get_question(seeded, QUESTION).version == 1  # previewing saves nothing

    at.button(key="workbench_import_go").click().run()
    assert "Imported: 0 new, 1 changed, 0 unchanged" in at.success[0].value
    entry = bank.get_question(seeded, QUESTION)
    assert (entry.version, entry.question.title.en) == (2, "Imported title")


def test_a_malformed_csv_names_row_and_column_and_imports_nothing(open_page, seeded, tmp_path):
    question = bank.get_question(seeded, QUESTION).question
    path = write_tables([question], tmp_path / "broken.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    first_point = table.index[table["record"] == "rubric_point"][0]
    table.loc[first_point, "weight"] = "heavy"
    table.to_csv(path, index=False, encoding="utf-8-sig")

    at = open_page("workbench.py", "train", language="en")
    at.file_uploader[0].set_value(("broken.csv", path.read_bytes(), "text/csv")).run()
    assert "nothing was imported" in texts(at.error)
    problems = at.dataframe[-1].value  # one row per problem, with where it is
    assert len(problems) == 1
    assert problems["problem"][0] == "'heavy' is not a number"
    # its own table and the row a spreadsheet shows (issue 13: it said "questions row 2")
    assert problems["where"][0] == f"broken.csv · rubric_points table · row {first_point + 2}"
    assert problems["field"][0] == "weight"
    assert "workbench_import_go" not in [b.key for b in at.button]
    assert bank.get_question(seeded, QUESTION).version == 1
    assert all(e.version == 1 for e in bank.list_entries(seeded, other_trainer(seeded)))

    # the uploaded text is kept: fix it in place, and it imports
    text = at.text_area(key="workbench_import_text").value
    assert "heavy" in text
    at.text_area(key="workbench_import_text").input(text.replace("heavy", "2")).run()
    assert "1 questions: 0 new, 1 changed, 0 unchanged" in texts(at.info)
    at.button(key="workbench_import_go").click().run()
    entry = bank.get_question(seeded, QUESTION)
    assert (entry.version, entry.question.rubric[0].weight) == (2, 2)


def test_a_yaml_list_imports_new_questions(open_page, seeded):
    question = bank.get_question(seeded, QUESTION).question
    copies = [question.model_copy(update={"id": f"{QUESTION}-yaml{n}"}) for n in (1, 2)]
    at = open_page("workbench.py", "train", language="en")
    content = to_yaml(copies).encode("utf-8")
    at.file_uploader[0].set_value(("two.yaml", content, "application/x-yaml")).run()
    assert "2 questions: 2 new, 0 changed, 0 unchanged" in texts(at.info)
    at.button(key="workbench_import_go").click().run()
    assert bank.get_question(seeded, f"{QUESTION}-yaml2").version == 1


def test_an_old_export_shows_each_clash_side_by_side_and_imports_only_when_decided(
    open_page, seeded
):
    """Issue 12, finding 7: an export downloaded before a colleague's edit and deletion."""
    from services import bank_files

    entries = bank.list_entries(seeded, other_trainer(seeded))
    old_file = bank_files.export_yaml(
        [e.question for e in entries], {e.question.id: e.version for e in entries}
    )
    edit_behind_the_back(seeded, "A colleague's newer title", version=1)
    bank.delete_question(seeded, other_trainer(seeded), "cs-beh-02", 1)

    at = open_page("workbench.py", "train", language="en")
    at.file_uploader[0].set_value(("old.yaml", old_file, "application/x-yaml")).run()
    warning = texts(at.warning)
    assert "2 question(s) were changed or deleted after this file was exported" in warning
    shown = texts(at.code)
    assert "A colleague's newer title" in shown  # the bank's version beside the file's
    assert "was deleted by admin" in texts(at.markdown)
    assert at.button(key="workbench_import_go").disabled  # nothing until each is decided

    at.radio(key=f"workbench_import_choice_{QUESTION}").set_value("bank").run()
    at.radio(key="workbench_import_choice_cs-beh-02").set_value("file").run()
    assert not at.button(key="workbench_import_go").disabled
    at.button(key="workbench_import_go").click().run()
    assert "Imported: 1 new" in at.success[0].value
    entry = bank.get_question(seeded, QUESTION)
    assert (entry.version, entry.question.title.en) == (2, "A colleague's newer title")
    assert bank.get_question(seeded, "cs-beh-02").version == 3


def test_history_shows_a_diff_and_restores_an_old_version(open_page, seeded):
    original = bank.get_question(seeded, QUESTION).question.title.en
    edit_behind_the_back(seeded, "A worse title", version=1)
    at = open_question(open_page("workbench.py", "train", language="en"))
    at.selectbox(key=f"workbench_history_version_{QUESTION}").select(1).run()
    diff = texts(at.code)
    assert f"-  en: {original}" in diff and "+  en: A worse title" in diff

    at.button(key="workbench_restore").click().run()
    assert "Restored version 1; it is now version 3" in at.success[0].value
    entry = bank.get_question(seeded, QUESTION)
    assert (entry.version, entry.question.title.en) == (3, original)
    assert [v.action for v in bank.history(seeded, other_trainer(seeded), QUESTION)][:2] == [
        "restore",
        "edit",
    ]
    assert at.text_input(key="workbench_field_title_en").value == original


def test_duplicate_then_delete_with_confirmation(open_page, seeded):
    at = open_question(open_page("workbench.py", "train", language="en"))
    at.button(key="workbench_copy").click().run()
    assert at.text_input(key="workbench_field_id").value == f"{QUESTION}-copy"
    at.button(key="workbench_save").click().run()
    assert bank.get_question(seeded, f"{QUESTION}-copy").version == 1

    at.button(key="workbench_delete").click().run()
    assert f"Delete {QUESTION}-copy?" in texts(at.warning)
    assert bank.get_question(seeded, f"{QUESTION}-copy")  # not yet
    at.button(key="workbench_delete_yes").click().run()
    assert f"Deleted {QUESTION}-copy." in at.success[0].value
    assert f"{QUESTION}-copy" not in [
        e.question.id for e in bank.list_entries(seeded, other_trainer(seeded))
    ]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_page_reads_in_both_languages(open_page, language):
    at = open_page("workbench.py", "train", language=language)
    assert at.title[0].value == {"zh": "题库工作台", "en": "Bank workbench"}[language]


STALE = "English not updated since the Chinese changed"


def test_a_point_edited_in_both_languages_and_the_stale_mark(open_page, seeded):
    """Issue 13, item 7: the Chinese of a point changes and the English does not: marked
    (live, after saving, in a new session); editing the English clears it."""
    at = open_question(open_page("workbench.py", "train", language="en"))
    assert (
        point_field(at, "text_zh").value
        == at.session_state["workbench_draft"]["fields"]["rubric"][0]["text_zh"]
    )
    assert STALE not in texts(at.warning)
    point_field(at, "text_zh").input("先分别倾听双方的说法，再一起商量解决办法").run()
    assert STALE in texts(at.warning)  # live, before saving
    at.button(key="workbench_save").click().run()
    assert "Saved cs-beh-01 (version 2)" in at.success[0].value
    assert STALE in texts(at.warning)

    again = open_question(open_page("workbench.py", "train", language="en"))  # a new session
    assert STALE in texts(again.warning)
    marks = next(d.value for d in again.dataframe if "marks" in d.value.columns)["marks"]
    assert STALE in marks[0] and not any(marks[1:])  # the first point only, in the table too
    point_field(again, "text_en").input("First hears both sides, then agrees a way forward").run()
    assert STALE not in texts(again.warning)  # the English changed too
    again.button(key="workbench_save").click().run()
    entry = bank.get_question(seeded, QUESTION)
    assert entry.version == 3
    assert entry.question.rubric[0].text.zh == "先分别倾听双方的说法，再一起商量解决办法"
    assert entry.question.rubric[0].text.en == "First hears both sides, then agrees a way forward"
    assert STALE not in texts(again.warning)


def test_the_english_can_be_confirmed_instead_of_edited(open_page, seeded):
    data = bank.get_question(seeded, QUESTION).question.model_dump(mode="json")
    data["rubric"][0]["text"]["zh"] = "保持冷静（改写）"
    bank.save_question(seeded, other_trainer(seeded), data, 1)  # e.g. an import did this
    at = open_question(open_page("workbench.py", "train", language="zh"))
    assert "英文未随中文更新" in texts(at.warning)  # in Chinese for a Chinese reader
    confirm = next(b for b in at.button if "_confirm_" in b.key)
    assert confirm.label == "英文仍然适用（确认）"
    confirm.click().run()
    assert "英文未随中文更新" not in texts(at.warning)
    again = open_question(open_page("workbench.py", "train", language="zh"))
    assert "英文未随中文更新" not in texts(again.warning)  # kept in the database
    assert bank.get_question(seeded, QUESTION).version == 2  # confirming saves no version


def example_field(at: AppTest, name: str):
    widgets = [*at.text_input, *at.text_area, *at.number_input, *at.selectbox, *at.multiselect]
    return next(
        w for w in widgets if w.key.startswith("workbench_example_") and w.key.endswith(f"_{name}")
    )


def example_button(at: AppTest, name: str):
    return next(
        b for b in at.button if b.key.startswith("workbench_example_") and b.key.endswith(name)
    )


def test_graded_examples_are_added_edited_and_removed_in_the_workbench(open_page, seeded):
    before = bank.get_question(seeded, QUESTION).question.examples
    at = open_question(open_page("workbench.py", "train", language="en"))
    example_button(at, "add").click().run()
    assert "must not be empty" in texts(at.error)  # under the empty answer, as it is typed
    example_field(at, "grade").set_value(7.5)
    example_field(at, "covers").set_value(["p1", "p2"])
    example_field(at, "text").input("我先分别听两位同事的想法，再约他们一起找解决办法。").run()
    assert "must not be empty" not in texts(at.error)
    example_field(at, "id").input("Bad Id").run()
    assert "wrong format" in texts(at.error)
    at.button(key="workbench_save").click().run()  # refused: the id; everything typed is kept
    assert "Not saved" in texts(at.error)
    assert bank.get_question(seeded, QUESTION).version == 1
    example_field(at, "id").input("trainer-1").run()
    at.button(key="workbench_save").click().run()
    assert "Saved cs-beh-01 (version 2)" in at.success[0].value
    examples = bank.get_question(seeded, QUESTION).question.examples
    added = examples[-1]
    assert len(examples) == len(before) + 1
    assert (added.id, added.grade, added.covers, added.language) == (
        "trainer-1",
        7.5,
        ("p1", "p2"),
        "en",
    )

    # edit the new example's grade, then remove it
    choice = example_field(at, "choice")
    assert choice.options[-1] == "trainer-1"
    choice.select_index(len(choice.options) - 1).run()
    example_field(at, "grade").set_value(3.0).run()
    at.button(key="workbench_save").click().run()
    assert bank.get_question(seeded, QUESTION).question.examples[-1].grade == 3.0
    example_button(at, "remove").click().run()
    at.button(key="workbench_save").click().run()
    after = bank.get_question(seeded, QUESTION).question.examples
    assert [e.id for e in after] == [e.id for e in before]


def test_a_trainer_marks_where_an_example_makes_each_point(open_page, seeded):
    question = bank.get_question(seeded, QUESTION).question
    strong = next(e for e in question.examples if e.kind == "strong" and e.language == "zh")
    at = open_question(open_page("workbench.py", "train", language="en"))
    choice = example_field(at, "choice")
    choice.select_index([e.id for e in question.examples].index(strong.id)).run()
    marks = {w.key.rsplit("_", 1)[-1]: w for w in at.multiselect if "_evidence_" in w.key}
    assert sorted(marks) == sorted(strong.covers)  # one field per ticked point
    assert "Where the answer makes each point" in texts(at.markdown)
    phrases = marks["p1"].options
    assert phrases and all(p in strong.text for p in phrases)
    picked = next(p for p in phrases if "分别" in p)
    marks["p1"].set_value([picked]).run()
    at.button(key="workbench_save").click().run()
    assert "Saved cs-beh-01 (version 2)" in at.success[0].value
    saved = bank.get_question(seeded, QUESTION).question
    assert next(e for e in saved.examples if e.id == strong.id).evidence == {"p1": (picked,)}
    (table,) = [t.value for t in at.dataframe if "marked" in t.value.columns]
    assert table.set_index("id").loc[strong.id, "marked"] == "p1"  # the list of examples says so

    # the answer edited so that the marked words are gone: said under the field, not saved
    example_field(at, "text").input(strong.text.replace(picked, "我找他们谈了谈")).run()
    assert "is not in its answer" in texts(at.error)
    at.button(key="workbench_save").click().run()
    assert "Not saved" in texts(at.error)
    assert bank.get_question(seeded, QUESTION).version == 2


def test_the_import_preview_marks_the_changed_question_first(open_page, seeded):
    from services import bank_files

    entries = bank.list_entries(seeded, other_trainer(seeded))
    questions = [e.question for e in entries]
    last = questions[-1]
    questions[-1] = last.model_copy(
        update={"title": LocalizedText(zh=last.title.zh, en="A changed title")}
    )
    content = bank_files.export_yaml(questions, {e.question.id: e.version for e in entries})
    at = open_page("workbench.py", "train", language="en")
    at.file_uploader[0].set_value(("bank.yaml", content, "application/x-yaml")).run()
    changes = next(d.value for d in at.dataframe if "changes" in d.value.columns)
    assert len(changes) == 1  # only what changes is listed; the rest is folded away
    assert changes["status"][0] == "🟠 changed"
    assert (changes["id"][0], changes["changes"][0]) == (last.id, "title")
    assert f"Unchanged questions ({len(questions) - 1})" in [e.label for e in at.expander]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_problem_of_a_file_is_listed_in_the_readers_language(
    open_page, seeded, tmp_path, file_format
):
    """Issue 13, item 6: two planted errors in two tables, both listed, each with its table
    and the row a spreadsheet shows, in Chinese for a Chinese reader."""
    from tests.services.test_bank_import import planted_file

    content, rows = planted_file(load_path(), file_format, tmp_path)
    at = open_page("workbench.py", "train", language="zh")
    name = f"planted.{file_format}"
    at.file_uploader[0].set_value((name, content, "application/octet-stream")).run()
    assert "发现 2 个问题，没有导入任何内容" in texts(at.error)
    problems = at.dataframe[-1].value
    listed = dict(zip(problems["where"], problems["problem"], strict=True))
    assert listed == {
        f"{name} · 评分要点表（rubric_points） · 第 {rows['rubric_points']} 行": "“heavy”不是数字",
        f"{name} · 评分示例表（examples） · 第 {rows['examples']} 行": "不能大于 10",
    }
    assert sorted(problems["field"]) == ["grade", "weight"]


def test_a_new_question_gets_its_points_in_the_point_form(open_page, seeded):
    at = open_page("workbench.py", "train", language="en")
    at.button(key="workbench_new").click().run()
    assert "No rubric points yet; add one." in texts(at.info)
    for name, value in {
        "id": "cs-new-01",
        "title_zh": "新题",
        "title_en": "New one",
        "source_document": "workbench",
    }.items():
        at.text_input(key=f"workbench_field_{name}").input(value)
    for name, value in {
        "question_zh": "请说说你的做法。",
        "question_en": "How do you do it?",
        "competencies_zh": "沟通",
        "competencies_en": "Communication",
    }.items():
        at.text_area(key=f"workbench_field_{name}").input(value)
    next(b for b in at.button if b.key.endswith("_add") and "point" in b.key).click().run()
    point_field(at, "text_zh").input("先倾听")
    at.button(key="workbench_save").click().run()
    assert "Not saved: 1 problem(s)" in texts(at.error)
    assert "row 1 · Point (English): must not be empty" in texts(at.error)  # under the field
    point_field(at, "text_en").input("Listens first")
    at.button(key="workbench_save").click().run()
    assert "Saved cs-new-01 (version 1)" in at.success[0].value
    saved = bank.get_question(seeded, "cs-new-01").question
    assert [(p.id, p.text.zh, p.text.en, p.weight) for p in saved.rubric] == [
        ("p1", "先倾听", "Listens first", 1.0)
    ]
