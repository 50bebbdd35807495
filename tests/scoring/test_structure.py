"""Length against the suggested answer time, checked on the bank's graded example answers."""

from __future__ import annotations

from scoring.guards import content_size
from scoring.structure import suggested_size


def _sizes(bank, kind):
    for question in bank.questions:
        for example in question.examples:
            if example.kind == kind:
                yield (
                    content_size(example.text),
                    suggested_size(question.answer_time_seconds, example.language),
                )


def test_suggested_size_grows_with_time_and_reads_english_as_words():
    low, high = suggested_size(120, "zh")
    assert 0 < low < high
    assert suggested_size(240, "zh") == (2 * low, 2 * high)
    # An English word counts 2 in content size, so the English range is not half the Chinese.
    assert suggested_size(120, "en")[1] > high


def test_strong_example_answers_are_not_long_for_their_time(bank):
    sizes = list(_sizes(bank, "strong"))
    assert sizes
    assert all(size <= high for size, (_, high) in sizes)


def test_weak_example_answers_are_short_for_their_time(bank):
    sizes = list(_sizes(bank, "weak"))
    assert sizes
    assert all(size < low for size, (low, _) in sizes)
