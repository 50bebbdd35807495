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
