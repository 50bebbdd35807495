from __future__ import annotations

import numpy as np
import pytest

from scoring import engine
from scoring.bench import free_form
from scoring.encoders import CachedEncoder
from scoring.engine import Scorer
from scoring.question_fit import (
    BELOW_GENUINE,
    MIN_QUESTIONS,
    OFF_TOPIC_AT,
    OFF_TOPIC_AT_LEAST,
    ExampleFit,
    off_topic_threshold,
)
from tests.scoring.test_engine import _HashEncoder
from tests.scoring.test_regressions import TEAM_CONFLICT  # an answer to cs-beh-01


def _codes(report):
    return {f.code for f in report.flags}


def _one_hot_vectors(questions):
    """Each example's vector points at its question's axis, so examples of one question
    agree and questions differ."""
    axis = {e.text: i for i, q in enumerate(questions) for e in q.examples}

    def vectors(texts):
        out = np.zeros((len(texts), len(questions)))
        for row, text in enumerate(texts):
            out[row, axis[text]] = 1.0
        return out

    return vectors


def test_an_answer_fits_its_own_question_and_not_another(bank):
    questions = bank.questions[:4]
    fit = ExampleFit.build(questions, _one_hot_vectors(questions))
    like_the_second = np.eye(len(questions))[1] + 0.1
    like_the_second /= np.linalg.norm(like_the_second)
    assert fit.margin(questions[1].id, "", like_the_second) > 0
    assert fit.margin(questions[0].id, "", like_the_second) < -1


def test_an_example_is_never_compared_with_itself(bank):
    questions = bank.questions[:4]
    fit = ExampleFit.build(questions, _one_hot_vectors(questions))
    example = next(e for e in questions[1].examples if e.kind == "strong")
    vector = np.eye(len(questions))[1]
    left_out = fit.margin(questions[1].id, example.text, vector)
    kept = fit.margin(questions[1].id, "another answer", vector)
    assert left_out is not None and kept is not None
    # with one example fewer the others still agree; the sums differ, the fit does not fall
    assert left_out == pytest.approx(kept)
    alone = questions[1].model_copy(update={"examples": (example,)})
    fit_alone = ExampleFit.build(
        [questions[0], alone, *questions[2:]], _one_hot_vectors(questions)
    )  # its only example is the answer: nothing left to compare with
    assert fit_alone.margin(questions[1].id, example.text, vector) is None


def test_the_closest_other_question_is_named_from_any_bank(bank):
    questions = bank.questions[:4]
    elsewhere = questions[3].model_copy(update={"bank": "another-role"})
    fit = ExampleFit.build([*questions[:3], elsewhere], _one_hot_vectors(questions))
    like_the_fourth = np.eye(len(questions))[3] + np.eye(len(questions))[1] * 0.3
    like_the_fourth /= np.linalg.norm(like_the_fourth)
    # the margin is read on the first question's bank; the name comes from any bank
    assert fit.margin(questions[0].id, "", like_the_fourth) is not None
    assert fit.closest_other(questions[0].id, "", like_the_fourth) == elsewhere.id
    assert fit.closest_other(questions[1].id, "", like_the_fourth) == elsewhere.id
    assert fit.closest_other("no-such-question", "", like_the_fourth) is None


def test_an_answer_for_another_role_is_off_topic_for_every_question_of_this_bank(bank):
    """Among this bank's questions alone it fits them all equally badly (margin 0); the
    question of the other bank it fits makes the margin fall."""
    questions = bank.questions[:4]
    elsewhere = questions[3].model_copy(update={"bank": "another-role"})
    fit = ExampleFit.build([*questions[:3], elsewhere], _one_hot_vectors(questions))
    for_the_other_role = np.eye(len(questions))[3] + 0.2 * np.eye(len(questions))[0]
    for_the_other_role /= np.linalg.norm(for_the_other_role)
    for question in questions[:3]:
        assert fit.margin(question.id, "", for_the_other_role) < fit.off_topic_at(question.id)
    assert fit.margin(questions[0].id, "", np.eye(len(questions))[0]) > 0


def _is_flagged_as_answering_its_own_question(scorer, bank, own_id, language, other_id):
    """The strong example of `own_id` in `language`, scored against `other_id` with the
    shipped bank and the development bank loaded: flagged, low, and naming its question;
    against its own question, neither."""
    from scoring.datasets import dev_bank

    dev = {q.id: q for q in dev_bank()}
    both = Scorer(scorer.encoder, [*bank.questions, *dev.values()],
                  calibration=scorer.calibration)  # fmt: skip
    answer = next(e.text for e in dev[own_id].examples
                  if e.kind == "strong" and e.language == language)  # fmt: skip
    report = both.score(dev[other_id], answer)
    assert "off_topic" in _codes(report)
    assert report.score <= 20
    assert report.seems_to_answer == own_id
    own = both.score(dev[own_id], answer)
    assert "off_topic" not in _codes(own) and own.score > 70


def test_a_strong_answer_for_another_role_is_flagged_off_topic(scorer, bank):
    """A hotel front-office manager's overbooking story against the bank-branch question on
    fraud at the counter, both banks loaded: it scored 91 when only the branch's questions
    were compared."""
    _is_flagged_as_answering_its_own_question(scorer, bank, "hfo-beh-01", "zh", "bbs-beh-01")


def test_a_strong_answer_to_another_question_of_a_small_bank_is_flagged(scorer, bank):
    """A night-audit walkthrough (hfo-tec-01, in English) against the question on a VIP who
    arrives before his room is ready (hfo-sit-01), both of the hotel role's four questions:
    it scored 94, since among four questions the margin cannot fall far (-1.9 here)."""
    _is_flagged_as_answering_its_own_question(scorer, bank, "hfo-tec-01", "en", "hfo-sit-01")


def test_the_off_topic_margin_scales_with_the_banks_size():
    """A margin is read among a bank's questions, so a few questions bound it: n / sqrt(n - 1)."""
    assert off_topic_threshold(4) == pytest.approx(-OFF_TOPIC_AT_LEAST)
    assert off_topic_threshold(30) == OFF_TOPIC_AT  # as measured on the bank's 30
    assert off_topic_threshold(60) < off_topic_threshold(30)
    # a bank whose own examples reach further keeps them clear of the line
    assert off_topic_threshold(4, lowest_genuine=-1.6) == pytest.approx(-1.6 - BELOW_GENUINE)


def test_no_margin_without_enough_questions_with_examples(bank):
    few = bank.questions[: MIN_QUESTIONS - 1]
    fit = ExampleFit.build(few, _one_hot_vectors(few))
    assert fit.margin(few[0].id, "", np.eye(len(few))[0]) is None
    assert fit.margin("no-such-question", "", np.eye(len(few))[0]) is None


def test_a_strong_answer_to_another_question_is_flagged_off_topic(scorer, bank):
    """The team-conflict answer against the angry-customer question: its rubric alone reads
    it as fitting well (complaints, follow-up, calming people down), the example answers
    of the two questions tell them apart."""
    report = scorer.score(bank.question("cs-sit-06"), TEAM_CONFLICT)
    assert "off_topic" in _codes(report)
    assert report.score <= 20
    assert report.seems_to_answer == "cs-beh-01"  # named, so the candidate sees why
    own = scorer.score(bank.question("cs-beh-01"), TEAM_CONFLICT)
    assert "off_topic" not in _codes(own)
    assert own.score > 40
    assert own.seems_to_answer is None


def test_the_question_named_survives_a_saved_report(scorer, bank):
    report = scorer.score(bank.question("cs-sit-06"), TEAM_CONFLICT)
    again = type(report).from_dict(report.to_dict())
    assert again.seems_to_answer == "cs-beh-01"
    older = {k: v for k, v in report.to_dict().items() if k != "seems_to_answer"}
    assert type(report).from_dict(older).seems_to_answer is None  # saved before it existed


def test_a_free_form_rubric_typed_from_a_bank_question_is_checked_the_same(scorer, bank):
    question = bank.question("cs-sit-06")
    bank_path = scorer.score(question, TEAM_CONFLICT)
    typed = scorer.score(free_form(question, "zh"), TEAM_CONFLICT)
    assert "off_topic" in _codes(typed)
    assert abs(typed.score - bank_path.score) <= 5


def test_the_banks_own_genuine_examples_are_not_flagged_against_their_questions(scorer, bank):
    """Each compared without itself, as an answer never seen. Before the examples decided,
    the rubric's z-score flagged cs-beh-07's compact strong example (12.6 points)."""
    for question in bank.questions:
        for example in question.examples:
            if example.kind in ("strong", "partial", "weak"):
                report = scorer.score(question, example.text)
                assert "off_topic" not in _codes(report), example.id


def test_the_examples_are_embedded_once_for_every_scorer_of_the_model(bank, monkeypatch):
    """The app makes a scorer per bank revision (and its tests clear its caches): a second
    scorer of the same model and examples embeds the answer, not the examples again."""
    monkeypatch.setattr(engine, "_EXAMPLE_FITS", {})  # as in a new process
    monkeypatch.setattr(engine, "_EXAMPLE_ANCHORS", {})
    question = bank.question("cs-beh-01")
    first, second = _HashEncoder(), _HashEncoder()
    Scorer(CachedEncoder(first), context=bank.questions).score(question, TEAM_CONFLICT)
    Scorer(CachedEncoder(second), context=bank.questions).score(question, TEAM_CONFLICT)
    examples = sum(1 for q in bank.questions for e in q.examples if e.kind == "strong")
    assert sum(first.calls) > examples
    assert sum(second.calls) < sum(first.calls) - examples
