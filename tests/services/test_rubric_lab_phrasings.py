"""What a question's graded examples teach the scorer, as the rubric lab lists it."""

from __future__ import annotations

from scoring.engine import Scorer
from services import bank_forms, rubric_lab


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


def test_a_passage_a_trainer_marked_is_listed_as_marked(scorer, bank):
    question = bank.question("cs-beh-02")
    strong = next(e for e in question.examples if e.kind == "strong" and e.language == "zh")
    passage = strong.text[:20]
    examples = [
        e.model_dump(mode="json") | ({"evidence": {"p1": [passage]}} if e.id == strong.id else {})
        for e in question.examples
    ]
    marked = type(question).model_validate(
        question.model_dump(mode="json") | {"examples": examples}
    )
    rows = rubric_lab.example_phrasings(scorer, marked, "zh")
    mine = [(r.point_id, r.part, r.marked) for r in rows if r.example_id == strong.id]
    assert ("p1", passage, True) in mine
    assert all(not is_marked for point_id, _, is_marked in mine if point_id != "p1")


def _with_marks(question, example_id, marks):
    examples = [
        e.model_dump(mode="json") | {"evidence": marks if e.id == example_id else None}
        for e in question.examples  # the shipped marks left out
    ]
    return type(question).model_validate(question.model_dump(mode="json") | {"examples": examples})


def test_the_lab_checks_whether_the_scorer_cites_the_marked_words(scorer, bank):
    question = bank.question("cs-beh-02")
    strong = next(e for e in question.examples if e.kind == "strong" and e.language == "zh")
    report = scorer.score(question, strong.text)
    by_point = {p.point_id: p for p in report.points}
    cited = by_point["p1"].evidence
    assert cited and cited in strong.text
    elsewhere = next(  # a phrase of the answer that the scorer does not cite for p2
        phrase
        for phrase in bank_forms.answer_phrases(strong.text)
        if by_point["p2"].evidence
        and phrase not in by_point["p2"].evidence
        and by_point["p2"].evidence not in phrase
    )
    marked = _with_marks(question, strong.id, {"p1": [cited[:8]], "p2": [elsewhere]})
    checks = {c.point_id: c for c in rubric_lab.marked_evidence_checks(scorer, marked)}
    assert set(checks) == {"p1", "p2"}
    assert checks["p1"].agrees and checks["p1"].cited == cited
    assert not checks["p2"].agrees and checks["p2"].marked == (elsewhere,)
    unmarked = _with_marks(question, strong.id, {})
    assert rubric_lab.marked_evidence_checks(scorer, unmarked) == []  # nothing marked
