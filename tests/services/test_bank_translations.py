"""The "English not updated since the Chinese changed" mark: read from the bank's history
and the trainers' confirmations in the database, so it survives restarts (SQLite and
PostgreSQL)."""

from __future__ import annotations

from services import bank as bank_service
from services import bank_translations
from services.bank_translations import stale_keys, text_pairs
from storage.db import Database

QUESTION = "cs-beh-01"


def point_version(zh: str, en: str, strong: tuple[str, str] | None = None) -> dict:
    point = {"id": "p1", "text": {"zh": zh, "en": en}}
    if strong:
        point["strong"] = {"zh": strong[0], "en": strong[1]}
    return {"title": {"zh": "标题", "en": "Title"}, "rubric": [point]}


def test_text_pairs_name_each_bilingual_text():
    pairs = text_pairs(point_version("要点", "Point", ("好", "Good")))
    assert pairs == {
        "title": ("标题", "Title"),
        "rubric.p1.text": ("要点", "Point"),
        "rubric.p1.strong": ("好", "Good"),
    }


def test_a_chinese_change_without_an_english_one_is_stale_until_the_english_changes():
    first = point_version("安抚客户", "Calms the customer")
    zh_only = point_version("先安抚客户的情绪", "Calms the customer")
    assert stale_keys([first]) == set()
    assert stale_keys([first, zh_only]) == {"rubric.p1.text"}
    both = point_version("先安抚客户的情绪", "First calms the customer down")
    assert stale_keys([first, zh_only, both]) == set()  # the English was edited
    # both languages changed in one save: nothing stale
    assert stale_keys([first, point_version("新", "New")]) == set()
    # the Chinese changed back to what the English was written against: nothing stale
    assert stale_keys([first, zh_only, first]) == set()


def test_a_confirmation_clears_the_mark_for_that_chinese_text_only():
    first = point_version("安抚客户", "Calms the customer")
    zh_only = point_version("先安抚客户的情绪", "Calms the customer")
    confirmed = [("rubric.p1.text", "先安抚客户的情绪")]
    assert stale_keys([first, zh_only], confirmed) == set()
    again = point_version("再次修改的中文", "Calms the customer")
    assert stale_keys([first, zh_only, again], confirmed) == {"rubric.p1.text"}


def test_the_mark_comes_from_the_database_and_an_unsaved_form(seeded: Database, users):
    db, trainer = seeded, users["train"]
    data = bank_service.get_question(db, QUESTION).question.model_dump(mode="json")
    assert bank_translations.stale_texts(db, trainer, QUESTION) == set()

    point = data["rubric"][0]
    changed = {**point, "text": {**point["text"], "zh": "改过的中文"}}
    form = {**data, "rubric": [changed, *data["rubric"][1:]]}
    key = f"rubric.{point['id']}.text"
    assert bank_translations.stale_texts(db, trainer, QUESTION, form) == {key}  # live, unsaved
    bank_service.save_question(db, trainer, form, 1)
    assert bank_translations.stale_texts(db, trainer, QUESTION) == {key}  # saved: in history
    assert bank_translations.stale_texts(db, trainer, None, form) == set()  # a new question

    bank_translations.confirm_english(db, trainer, QUESTION, key, "改过的中文")
    assert bank_translations.stale_texts(db, trainer, QUESTION) == set()
