"""Training rows built from the bank (no datasets needed)."""

import numpy as np

from scoring import fit


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
