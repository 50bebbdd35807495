"""Trainers editing the bank at the same time: conflicts are detected, nothing is overwritten,
history is kept and restore adds a version. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from services import bank as bank_service
from services.errors import EditConflict


def edited(entry, title_en: str) -> dict:
    data = entry.question.model_dump(mode="json")
    return {**data, "title": {**data["title"], "en": title_en}}


def test_second_save_of_the_same_version_is_a_conflict_with_both_versions(seeded, users):
    db = seeded
    opened_by_a = bank_service.get_question(db, "cs-beh-01")
    opened_by_b = bank_service.get_question(db, "cs-beh-01")
    original = opened_by_a.question.model_dump(mode="json")
    assert opened_by_a.version == opened_by_b.version == 1

    first = bank_service.save_question(db, users["train"], edited(opened_by_a, "A's title"), 1)
    assert first.version == 2 and first.updated_by == "train"

    b_data = edited(opened_by_b, "B's title")
    with pytest.raises(EditConflict) as conflict:
        bank_service.save_question(db, users["train2"], b_data, opened_by_b.version)
    error = conflict.value
    assert (error.record_id, error.expected_version, error.current_version) == ("cs-beh-01", 1, 2)
    assert error.current_author == "train"
    assert error.current_data["title"]["en"] == "A's title"  # theirs ...
    assert error.attempted_data["title"]["en"] == "B's title"  # ... and mine, both kept
    assert "Nothing was overwritten" in error.en and "未覆盖任何内容" in error.zh

    current = bank_service.get_question(db, "cs-beh-01")
    assert current.version == 2 and current.question.title.en == "A's title"
    versions = bank_service.history(db, users["train"], "cs-beh-01")
    assert [(v.version, v.action, v.author) for v in versions] == [
        (2, "edit", "train"),
        (1, "seed", "seed"),
    ]
    assert versions[1].data == original

    # B merges and saves on top of version 2
    merged = bank_service.save_question(db, users["train2"], b_data, error.current_version)
    assert merged.version == 3 and merged.question.title.en == "B's title"


def test_restore_makes_a_new_version_and_keeps_history(seeded, users):
    db = seeded
    v1 = bank_service.get_question(db, "cs-beh-02")
    bank_service.save_question(db, users["train"], edited(v1, "second"), 1)
    bank_service.save_question(db, users["train"], edited(v1, "third"), 2)

    with pytest.raises(EditConflict):  # restoring from a stale view is a conflict too
        bank_service.restore_version(db, users["train2"], "cs-beh-02", 1, expected_version=2)
    restored = bank_service.restore_version(db, users["train2"], "cs-beh-02", 1, 3)
    assert restored.version == 4 and restored.question == v1.question
    assert restored.updated_by == "train2"
    assert [
        (v.version, v.action) for v in bank_service.history(db, users["train"], "cs-beh-02")
    ] == [
        (4, "restore"),
        (3, "edit"),
        (2, "edit"),
        (1, "seed"),
    ]
    assert bank_service.load_bank(db).question("cs-beh-02") == v1.question


def test_delete_with_a_stale_version_is_a_conflict(seeded, users):
    db = seeded
    v1 = bank_service.get_question(db, "cs-beh-03")
    bank_service.save_question(db, users["train"], edited(v1, "changed"), 1)
    with pytest.raises(EditConflict):
        bank_service.delete_question(db, users["train2"], "cs-beh-03", 1)
    assert bank_service.get_question(db, "cs-beh-03").question.title.en == "changed"
    bank_service.delete_question(db, users["train2"], "cs-beh-03", 2)
    assert "cs-beh-03" not in {q.id for q in bank_service.load_bank(db).questions}
    restored = bank_service.restore_version(db, users["train"], "cs-beh-03", 2, 3)
    assert restored.version == 4
    assert "cs-beh-03" in {q.id for q in bank_service.load_bank(db).questions}


def test_simultaneous_saves_of_one_version_one_wins_one_conflicts(seeded, users):
    """Both trainers press Save at the same moment: the row lock lets exactly one through."""
    db = seeded
    opened = bank_service.get_question(db, "cs-sit-01")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(name: str) -> None:
        start.wait()
        try:
            outcomes[name] = bank_service.save_question(
                db, users[name], edited(opened, f"by {name}"), 1
            )
        except Exception as exc:
            outcomes[name] = exc

    threads = [threading.Thread(target=save, args=(n,)) for n in ("train", "train2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conflicts = [o for o in outcomes.values() if isinstance(o, EditConflict)]
    saved = [o for o in outcomes.values() if isinstance(o, bank_service.QuestionEntry)]
    assert len(conflicts) == 1 and len(saved) == 1, outcomes
    current = bank_service.get_question(db, "cs-sit-01")
    assert current.version == 2 and current.question == saved[0].question
    assert len(bank_service.history(db, users["train"], "cs-sit-01")) == 2
