"""The benchmark's own inputs: what its timings are measured on."""

from __future__ import annotations

from collections import Counter

from scoring.bench import distinct_answers
from scoring.segment import split_clauses


def test_the_timed_answers_share_no_clause(bank):
    """No embedding cached for one answer can help another: cut side by side, two answers
    share no clause (a clause cut at a window's edge is a different text)."""
    answers = distinct_answers(list(bank.questions), 250, 240)
    assert len(answers) == 240
    assert all(len(a) == 250 for a in answers)
    clauses = Counter(c for a in answers for c in set(split_clauses(a)) if len(c) >= 12)
    shared = [c for c, n in clauses.items() if n > 1]
    assert not shared, shared[:3]
