"""Importing an old export never silently undoes newer work (issue 12, finding 7): each
question's version travels in the YAML, CSV and Excel export; a question changed or deleted
since is a clash, shown with both versions, and nothing is imported until each is decided.
On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from question_bank.exchange import read_tables
from services import bank as bank_service
from services import bank_files
from services.accounts import Actor

FORMATS = ("yaml", "csv", "xlsx")
TRAINER = Actor("trainer", "user:0", 0, "exporter")  # who downloads the export


def export(db, file_format: str) -> bytes:
    entries = bank_service.list_entries(db, TRAINER)
    questions = [e.question for e in entries]
    versions = {e.question.id: e.version for e in entries}
    if file_format == "yaml":
        return bank_files.export_yaml(questions, versions)
    return bank_files.export_table(questions, file_format, versions)


def edited(db, question_id: str, title_en: str) -> dict:
    data = bank_service.get_question(db, question_id).question.model_dump(mode="json")
    return {**data, "title": {**data["title"], "en": title_en}}


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_old_export_clashes_with_newer_edits_and_deletions(seeded, users, file_format):
    db = seeded
    old_file = export(db, file_format)  # everything at version 1
    # a colleague edits one question and deletes another after the export
    bank_service.save_question(db, users["train2"], edited(db, "cs-beh-01", "Newer work"), 1)
    bank_service.delete_question(db, users["train2"], "cs-beh-02", 1)

    check = bank_files.check_upload(f"old.{file_format}", old_file)
    assert check.ok, check.problems
    assert check.versions["cs-beh-01"] == check.versions["cs-beh-02"] == 1
    preview = bank_service.import_preview(db, users["train"], list(check.questions), check.versions)
    clashes = {c.question_id: c for c in preview["clashes"]}
    assert set(clashes) == {"cs-beh-01", "cs-beh-02"}
    changed, deleted = clashes["cs-beh-01"], clashes["cs-beh-02"]
    assert (changed.kind, changed.file_version, changed.current_version) == ("changed", 1, 2)
    assert changed.current_author == "train2"
    assert changed.current_data["title"]["en"] == "Newer work"  # theirs ...
    assert changed.file_data["title"]["en"] != "Newer work"  # ... and the file's, side by side
    assert (deleted.kind, deleted.current_version) == ("deleted", 2)
    assert preview["restores"] == ["cs-beh-02"]  # the deletion it would undo

    with pytest.raises(bank_service.ImportConflict) as conflict:
        bank_service.import_questions(db, users["train"], list(check.questions), check.versions)
    assert {c.question_id for c in conflict.value.clashes} == {"cs-beh-01", "cs-beh-02"}
    assert "Nothing was imported" in conflict.value.en and "未导入任何内容" in conflict.value.zh
    entry = bank_service.get_question(db, "cs-beh-01")
    assert (entry.version, entry.question.title.en) == (2, "Newer work")
    assert "cs-beh-02" in [e.question.id for e in bank_service.deleted_entries(db, users["train"])]

    # the trainer keeps the bank's cs-beh-01 (leaves it out) and brings cs-beh-02 back
    counts = bank_service.import_questions(
        db,
        users["train"],
        [q for q in check.questions if q.id != "cs-beh-01"],
        check.versions,
        overwrite={"cs-beh-02"},
    )
    assert counts["created"] == 1 and counts["updated"] == 0
    entry = bank_service.get_question(db, "cs-beh-01")
    assert (entry.version, entry.question.title.en) == (2, "Newer work")
    assert bank_service.get_question(db, "cs-beh-02").version == 3


def test_keeping_the_files_version_saves_it_over_the_newer_one(seeded, users):
    db = seeded
    old_file = export(db, "csv")
    bank_service.save_question(db, users["train2"], edited(db, "cs-beh-01", "Newer work"), 1)
    check = bank_files.check_upload("old.csv", old_file)
    counts = bank_service.import_questions(
        db, users["train"], list(check.questions), check.versions, overwrite={"cs-beh-01"}
    )
    assert counts["updated"] == 1
    entry = bank_service.get_question(db, "cs-beh-01")
    assert entry.version == 3 and entry.question.title.en != "Newer work"
    assert [v.action for v in bank_service.history(db, users["train"], "cs-beh-01")][:2] == [
        "edit",
        "edit",
    ]


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_current_export_edited_in_a_spreadsheet_imports_without_a_clash(
    seeded, users, file_format
):
    db = seeded
    bank_service.save_question(db, users["train"], edited(db, "cs-beh-01", "Second"), 1)
    check = bank_files.check_upload(f"now.{file_format}", export(db, file_format))
    assert check.versions["cs-beh-01"] == 2
    changed = [
        q.model_copy(update={"points": q.points + 1}) if q.id == "cs-beh-01" else q
        for q in check.questions
    ]
    preview = bank_service.import_preview(db, users["train"], changed, check.versions)
    assert preview["clashes"] == [] and preview["restores"] == []
    assert (preview["updated"], preview["created"]) == (1, 0)
    counts = bank_service.import_questions(db, users["train"], changed, check.versions)
    assert counts["updated"] == 1
    assert bank_service.get_question(db, "cs-beh-01").version == 3


def test_a_file_without_versions_still_imports_but_never_silently_restores(seeded, users, bank):
    db = seeded
    bank_service.delete_question(db, users["train2"], "cs-beh-02", 1)
    plain = bank_files.export_yaml(bank.questions)  # the command line's export: no versions
    assert b"version:" not in plain
    check = bank_files.check_upload("plain.yaml", plain)
    assert check.ok and dict(check.versions) == {}
    preview = bank_service.import_preview(db, users["train"], list(check.questions), check.versions)
    assert [c.question_id for c in preview["clashes"]] == ["cs-beh-02"]
    with pytest.raises(bank_service.ImportConflict):
        bank_service.import_questions(db, users["train"], list(check.questions))


def test_the_version_column_does_not_stop_other_readers(tmp_path, bank):
    """The command line (`python -m question_bank import`) reads an app export as before."""
    path = tmp_path / "app-export.csv"
    path.write_bytes(bank_files.export_table(bank.questions, "csv", {"cs-beh-01": 7}))
    versions: dict[str, int] = {}
    questions, problems = read_tables(path, versions)
    assert problems == [] and len(questions) == len(bank.questions)
    assert versions == {"cs-beh-01": 7}
    assert read_tables(path)[0] == questions


def planted_file(bank, file_format: str, tmp_path) -> tuple[bytes, dict[str, int]]:
    """An export with two planted errors in two tables of one question: a rubric weight that
    is not a number and a graded example's grade above 10. Returns the file and the rows a
    spreadsheet shows for them (the header is row 1)."""
    import pandas as pd

    from question_bank.exchange import RECORD_OF_TABLE, to_tables

    tables = to_tables(bank.questions)
    question_id = bank.questions[0].id
    rubric, examples = tables["rubric_points"], tables["examples"]
    point = rubric.index[rubric["question_id"] == question_id][1]  # its second point
    example = examples.index[examples["question_id"] == question_id][0]
    rubric["weight"] = rubric["weight"].astype(object)
    examples["grade"] = examples["grade"].astype(object)
    rubric.loc[point, "weight"] = "heavy"
    examples.loc[example, "grade"] = "12"
    path = tmp_path / f"planted.{file_format}"
    if file_format == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, frame in tables.items():
                frame.to_excel(writer, sheet_name=name, index=False)
        rows = {"rubric_points": int(point) + 2, "examples": int(example) + 2}
    else:
        frames = [frame.assign(record=RECORD_OF_TABLE[name]) for name, frame in tables.items()]
        combined = pd.concat(frames, ignore_index=True)
        combined = combined[["record"] + [c for c in combined.columns if c != "record"]]
        combined.to_csv(path, index=False, encoding="utf-8-sig")
        rows = {  # the row a spreadsheet shows (header row 1), whatever lines cells span
            "rubric_points": len(tables["questions"]) + int(point) + 2,
            "examples": len(tables["questions"]) + len(rubric) + int(example) + 2,
        }
    return path.read_bytes(), rows


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_planted_error_is_reported_at_its_own_table_and_row(bank, tmp_path, file_format):
    """Issue 13, item 6: two errors in two tables of one question are both reported, each
    with the table (sheet) and the row a person counts (the header is row 1)."""
    content, rows = planted_file(bank, file_format, tmp_path)
    check = bank_files.check_upload(f"planted.{file_format}", content)
    assert not check.ok
    where = sorted((p.table, p.row, p.field) for p in check.problems)
    assert where == [
        ("examples", rows["examples"], "grade"),
        ("rubric_points", rows["rubric_points"], "weight"),
    ]
    messages = {p.table: p.message.en for p in check.problems}
    assert messages["rubric_points"] == "'heavy' is not a number"
    assert messages["examples"] == "must be at most 10"
    assert {p.question_id for p in check.problems} == {bank.questions[0].id}
    assert bank.questions[0].id not in {q.id for q in check.questions}


def test_the_preview_marks_what_changes_changed_first(seeded, users):
    db = seeded
    bank_service.delete_question(db, users["train2"], "cs-beh-02", 1)
    check = bank_files.check_upload("now.yaml", export(db, "yaml"))
    questions = list(check.questions)
    last = questions[-1]
    data = last.model_dump(mode="json")
    data["title"]["en"] = "Changed title"
    data["rubric"][1]["text"]["zh"] = "改过的要点"
    questions[-1] = bank_service.validate_question(data)
    new = bank_service.validate_question({**data, "id": "cs-new-99"})
    gone = bank_service.history(db, users["train"], "cs-beh-02")[-1].data
    questions += [new, bank_service.validate_question(gone)]

    rows = bank_service.import_preview(db, users["train"], questions, check.versions)["rows"]
    assert [r.status for r in rows[:3]] == ["changed", "deleted", "new"]
    assert rows[0].question_id == last.id
    assert rows[0].changes == ("title", f"rubric {last.rubric[1].id}")
    assert rows[1].question_id == "cs-beh-02" and rows[2].question_id == "cs-new-99"
    assert {r.status for r in rows[3:]} == {"unchanged"}
    assert len(rows) == len(questions)
