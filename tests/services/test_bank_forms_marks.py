"""Marking, in the workbench's example form, where a graded example makes each point."""

from __future__ import annotations

import pytest

from services import bank_forms

ANSWER = (
    "我先亲自给他回电，第一句话就是道歉。然后，我每隔两个小时给客户发一次进度，下午三点钱就到了。"
)


@pytest.mark.parametrize(
    "text",
    [
        ANSWER,
        "First, I called him back. Then I apologised, and I said sorry again, so he calmed down!",
        "没有标点的一段话我先回电再道歉最后跟进",
        "1. 先道歉\n2. 再查单，当天回复",
    ],
)
def test_the_phrases_offered_are_exact_parts_of_the_answer_in_order(text):
    phrases = bank_forms.answer_phrases(text)
    assert phrases and all(p in text for p in phrases)
    starts = [text.find(p) for p in phrases]
    assert starts == sorted(starts) and len(set(phrases)) == len(phrases)


def test_phrases_are_cut_at_commas_and_short_openers_stay_with_what_follows():
    assert bank_forms.answer_phrases(ANSWER) == [
        "我先亲自给他回电",
        "第一句话就是道歉",
        "然后，我每隔两个小时给客户发一次进度",
        "下午三点钱就到了",
    ]
    english = bank_forms.answer_phrases("First, I called him back. Then I apologised, and so on.")
    assert english[0] == "First, I called him back"


def _example(**changes):
    return {"id": "e1", "kind": "strong", "language": "zh", "grade": 8.0,
            "covers": ["p1", "p2"], "text": ANSWER, "comment": ""} | changes  # fmt: skip


def test_marks_of_a_point_no_longer_ticked_are_not_saved():
    marks = {"p1": [" 我先亲自给他回电 "], "p2": [], "p3": ["第一句话就是道歉"]}
    data = bank_forms.example_data(_example(evidence=marks))
    assert data["evidence"] == {"p1": ["我先亲自给他回电"]}
    assert "evidence" not in bank_forms.example_data(_example(evidence={"p2": []}))


def test_a_mark_the_edited_answer_no_longer_holds_is_said_under_its_field():
    example = _example(evidence={"p2": ["每两小时反馈一次"]})
    (problem,) = bank_forms.example_problems([example], ["p1", "p2"])
    assert (problem.field, problem.row, problem.column) == ("examples", 1, "evidence")
    assert "每两小时反馈一次" in problem.message.zh and "p2" in problem.message.en
    fine = _example(evidence={"p2": ["我每隔两个小时给客户发一次进度"]})
    assert bank_forms.example_problems([fine], ["p1", "p2"]) == []


def test_marking_a_passage_is_an_unsaved_change():
    original = [_example()]
    marked = [_example(evidence={"p1": ["我先亲自给他回电"]})]
    assert bank_forms.is_changed({}, {}, marked, original)
    assert not bank_forms.is_changed({}, {}, [_example(evidence={})], original)
