from __future__ import annotations

import numpy as np

from scoring.bench import free_form
from scoring.engine import FEATURES
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
    for example in question.examples:
        for i, point in enumerate(question.rubric):
            part = f"{i}:{example.text[:10]}"
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
