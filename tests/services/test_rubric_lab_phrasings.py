"""What a question's graded examples teach the scorer, as the rubric lab lists it."""

from __future__ import annotations

from scoring.engine import Scorer
from services import rubric_lab


def test_each_point_is_listed_with_the_parts_read_for_it(scorer, bank):
    question = bank.question("cs-beh-01")
    rows = rubric_lab.example_phrasings(scorer, question, "en")
    assert {r.point_id for r in rows} == {p.id for p in question.rubric}
    texts = {p.id: p.text.en for p in question.rubric}
    assert all(r.point == texts[r.point_id] for r in rows)
    assert all(r.part and r.example_id and r.language in ("zh", "en") for r in rows)


def test_a_point_no_example_covers_is_listed_once_without_a_part(scorer, bank):
    question = bank.question("cs-beh-01")
    examples = tuple(
        e.model_copy(update={"covers": tuple(c for c in e.covers if c != "p3")})
        for e in question.examples
    )
    edited = question.model_copy(update={"examples": examples})
    rows = rubric_lab.example_phrasings(scorer, edited, "zh")
    bare = [r for r in rows if r.point_id == "p3"]
    assert len(bare) == 1 and bare[0].part == "" and bare[0].example_id == ""
    assert bare[0].point == question.rubric[2].text.zh


def test_a_scorer_that_reads_no_examples_lists_nothing(bank):
    lexical = Scorer(None, bank.questions)
    assert rubric_lab.example_phrasings(lexical, bank.question("cs-beh-01"), "zh") == []
