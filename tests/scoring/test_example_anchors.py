from __future__ import annotations

import dataclasses

import numpy as np

from scoring.bench import free_form
from scoring.calibration import Calibration
from scoring.engine import FEATURES, _anchors_key
from scoring.example_anchors import MAX_ANCHORS, ExampleAnchors
from scoring.target import Target
from tests.scoring.test_regressions import TEAM_CONFLICT  # an answer to cs-beh-01


def _first_words(question, text):
    """Stands in for the scorer's cited parts: per point, the text's first ten characters
    tagged with the point's position."""
    return [f"{i}:{text[:10]}" for i in range(len(question.rubric))]


def test_only_the_points_an_example_covers_get_its_parts(bank):
    question = bank.question("cs-beh-01")
    anchors = ExampleAnchors.build(question, _first_words)
    assert any(e.evidence for e in question.examples)  # marked and unmarked examples
    for example in question.examples:
        joiner = " " if example.language == "en" else ""
        for i, point in enumerate(question.rubric):
            marked = joiner.join(example.marked(point.id))
            part = marked or f"{i}:{example.text[:10]}"  # a marked passage, else the cited part
            found = part in anchors.for_point(i, example.language, "another answer")
            genuine = example.kind in ("strong", "partial") and point.id in example.covers
            assert found == genuine, (example.id, point.id)


def test_an_example_never_anchors_itself(bank):
    question = bank.question("cs-beh-01")
    anchors = ExampleAnchors.build(question, _first_words)
    strong = next(e for e in question.examples if e.kind == "strong" and e.language == "zh")
    own_part = f"0:{strong.text[:10]}"
    assert own_part in anchors.for_point(0, "zh", "another answer")
    assert own_part not in anchors.for_point(0, "zh", strong.text + "\n")


def test_anchors_are_per_language_and_capped(bank):
    question = bank.question("cs-beh-01")
    many = question.model_copy(update={"examples": tuple(question.examples) * (MAX_ANCHORS + 1)})
    anchors = ExampleAnchors.build(many, _first_words)
    for language in ("zh", "en"):
        parts = anchors.for_point(0, language, "")
        assert 0 < len(parts) <= MAX_ANCHORS
        languages = {e.language for e in question.examples if f"0:{e.text[:10]}" in parts}
        assert languages == {language}
    assert anchors.for_point(len(question.rubric), "zh", "") == ()  # no such point


def test_a_rubric_typed_from_a_bank_question_reads_the_same_anchors(scorer, bank):
    question = bank.question("cs-beh-01")
    as_bank = scorer.evidence(Target.from_question(question), TEAM_CONFLICT)
    as_typed = scorer.evidence(free_form(question, "zh"), TEAM_CONFLICT)
    semantic = [FEATURES.index(name) for name in FEATURES if name.startswith("sem_")]
    np.testing.assert_allclose(
        as_typed.features[:, semantic], as_bank.features[:, semantic], atol=1e-6
    )
    without = scorer.evidence(Target.from_question(question), TEAM_CONFLICT, example_anchors=False)
    assert not np.allclose(without.features, as_bank.features)  # the anchors do count


def test_the_examples_parts_bring_the_quoted_private_talk_closer(scorer, bank):
    """The private-talk point ("分别与两人单独谈话") against "我先把他们分别叫到会议室单独聊":
    the examples say it in a candidate's words, so the best clause reads closer."""
    question = bank.question("cs-beh-01")
    with_parts = scorer.evidence(Target.from_question(question), TEAM_CONFLICT)
    without = scorer.evidence(Target.from_question(question), TEAM_CONFLICT, example_anchors=False)
    assert with_parts.features[0, 0] > without.features[0, 0]  # sem_clause of p1
    assert with_parts.evidence_runs == without.evidence_runs  # the cited clauses stay


def test_a_reworded_point_reads_its_own_texts_while_the_others_keep_their_examples(scorer, bank):
    """A trainer who rewords one point of a bank question keeps the other points' example
    readings; the reworded point is read through its own text alone."""
    question = bank.question("cs-beh-02")
    texts = [p.text.zh if p.id != "p4" else "至少每两小时向客户反馈一次" for p in question.rubric]
    reworded = scorer.evidence(
        Target.from_texts(texts, question=question.question.zh), "我先道歉。"
    )
    assert reworded.anchored == tuple(p.id != "p4" for p in question.rubric)
    assert scorer.evidence(Target.from_question(question), "我先道歉。").anchored == (True,) * 5
    new = Target.from_texts(["先倾听客户", "给出时间承诺"], question="客户投诉怎么处理？")
    assert scorer.evidence(new, "我先道歉。").anchored == ()


def test_points_read_through_examples_take_the_calibrators_fitted_on_such_readings(scorer, bank):
    question = bank.question("cs-beh-01")
    evidence = scorer.evidence(Target.from_question(question), TEAM_CONFLICT)
    assert scorer.calibration.fitted("long+ex") and scorer.calibration.fitted("short+ex")
    as_read = scorer._logits(evidence)
    plain = dataclasses.replace(evidence, anchored=())
    assert not np.allclose(scorer._logits(plain), as_read)
    old = Calibration(
        {k: v for k, v in scorer.calibration.points.items() if "+ex" not in k},
        scorer.calibration.long_map,
        scorer.calibration.short_map,
    )  # a calibration fitted before the "+ex" calibrators: every point reads as before
    np.testing.assert_allclose(
        scorer.with_calibration(old)._logits(evidence), scorer._logits(plain)
    )


def test_a_question_edited_by_a_trainer_is_read_anew(bank):
    """The anchors are kept per question; an edited rubric or example must not reuse them."""
    question = bank.question("cs-beh-01")
    point = question.rubric[0].model_copy(update={"id": "p9"})
    edited_rubric = question.model_copy(update={"rubric": (point, *question.rubric[1:])})
    example = question.examples[0].model_copy(update={"covers": ()})
    edited_example = question.model_copy(update={"examples": (example, *question.examples[1:])})
    keys = {_anchors_key(q) for q in (question, edited_rubric, edited_example)}
    assert len(keys) == 3


def test_a_score_does_not_depend_on_which_scorer_read_the_examples_first(scorer, bank):
    """The cited parts follow the bank context's term weights: a scorer with another context
    reads them anew instead of taking the parts the first one chose."""
    from scoring.datasets import dev_bank
    from scoring.engine import _EXAMPLE_ANCHORS, Scorer
    from tests.scoring.test_regressions import VIP_REFUND

    question = bank.question("cs-beh-02")
    wider = Scorer(scorer.encoder, [*bank.questions, *dev_bank()], calibration=scorer.calibration)
    _EXAMPLE_ANCHORS.clear()
    alone = wider.score(question, VIP_REFUND).score  # the wider context reads the examples
    _EXAMPLE_ANCHORS.clear()
    scorer.score(question, VIP_REFUND)  # the narrower context reads them first...
    assert wider.score(question, VIP_REFUND).score == alone  # ...and the wider its own


def test_a_trainer_sees_the_parts_each_point_is_read_with(scorer, bank):
    """`Scorer.example_phrasings` shows the parts an answer is compared with: the parts of the
    examples marked as covering the point, and nothing where the calibration reads none."""
    from scoring.example_anchors import _plain

    question = bank.question("cs-beh-01")
    shown = scorer.example_phrasings(question)
    examples = {e.id: e for e in question.examples}
    for index, point in enumerate(question.rubric):
        for language in ("zh", "en"):
            parts = shown[point.id][language]
            read = scorer._question_anchors(question).for_point(index, language, "另一个回答")
            assert tuple(p.part for p in parts) == read
            for part in parts:
                example = examples[part.example_id]
                assert point.id in example.covers and example.language == language
                passages = example.marked(point.id) if part.marked else (part.part,)
                assert passages and all(_plain(x) in _plain(example.text) for x in passages)
    assert sum(len(p) for by_language in shown.values() for p in by_language.values()) >= 10
    old = Calibration({k: v for k, v in scorer.calibration.points.items() if "+ex" not in k})
    assert scorer.with_calibration(old).example_phrasings(question) == {}


def _marked(question, example_id: str, marks: dict[str, tuple[str, ...]]):
    """The question with one example's passages marked (validated as a bank file is)."""
    examples = [
        e.model_dump(mode="json") | ({"evidence": marks} if e.id == example_id else {})
        for e in question.examples
    ]
    return type(question).model_validate(question.model_dump(mode="json") | {"examples": examples})


def _unmarked(question):
    """The question with no passage of any example marked."""
    examples = [e.model_copy(update={"evidence": None}) for e in question.examples]
    return question.model_copy(update={"examples": tuple(examples)})


def test_a_passage_a_trainer_marked_is_read_instead_of_the_cited_part(bank):
    question = _unmarked(bank.question("cs-beh-01"))
    strong = next(e for e in question.examples if e.kind == "strong" and e.language == "zh")
    passage = strong.text[40:60]
    marked = _marked(question, strong.id, {question.rubric[0].id: (passage,)})
    anchors = ExampleAnchors.build(marked, _first_words)
    read = anchors.parts(0, "zh")
    mine = [p for p in read if p.example_id == strong.id]
    assert [(p.part, p.marked) for p in mine] == [(passage, True)]
    assert all(not p.marked for p in read if p.example_id != strong.id)
    # the example's other points keep the part the scorer cites
    assert [p.part for p in anchors.parts(1, "zh") if p.example_id == strong.id] == [
        f"1:{strong.text[:10]}"
    ]
    assert _anchors_key(marked) != _anchors_key(question)  # a new mark is read anew


def test_an_example_marked_for_every_point_it_covers_is_not_cited_at_all(bank):
    question = bank.question("cs-beh-01")
    strong = next(e for e in question.examples if e.kind == "strong" and e.language == "en")
    marks = {point_id: (strong.text[:30], strong.text[-20:]) for point_id in strong.covers}
    marked = _marked(question, strong.id, marks)
    cited_texts: list[str] = []

    def cited(q, text):
        cited_texts.append(text)
        return _first_words(q, text)

    anchors = ExampleAnchors.build(marked, cited)
    assert strong.text not in cited_texts and len(cited_texts) > 0  # the others are still cited
    joined = f"{strong.text[:30]} {strong.text[-20:]}"  # two English passages, one part
    assert all(
        [p.part for p in anchors.parts(i, "en") if p.example_id == strong.id] == [joined]
        for i, point in enumerate(question.rubric)
        if point.id in strong.covers
    )
