"""Evidence features that need no encoder: the runs of clauses that may be cited."""

import numpy as np
import pytest

from scoring.features import (
    EVIDENCE_MIN_SIZE,
    Generality,
    choose_evidence,
    choose_evidence_in_order,
    clause_runs,
    generality,
    longness,
    order_agreement,
    relative_to_points,
    run_vectors,
    short_run_cost,
)


def test_runs_are_one_to_three_clauses_of_one_sentence():
    sentences = [0, 0, 0, 0, 1, 2, 2]
    runs = clause_runs(sentences)
    assert all(1 <= end - first <= 3 for first, end in runs)
    assert all(sentences[first] == sentences[end - 1] for first, end in runs)
    assert {(i, i + 1) for i in range(7)} <= set(runs)  # every clause alone
    assert (0, 3) in runs and (1, 4) in runs and (0, 4) not in runs
    assert (3, 5) not in runs and (4, 6) not in runs  # never across sentences


def test_a_run_reads_as_the_mean_direction_of_its_clauses():
    vecs = np.eye(3)
    out = run_vectors(vecs, [(0, 1), (0, 2), (1, 3)])
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    assert np.allclose(out[1], [2**-0.5, 2**-0.5, 0])


def test_a_candidate_shared_with_another_point_loses_to_one_of_its_own():
    support = np.array([[0.60, 0.55], [0.60, 0.10]])  # candidate 0 also serves point 1
    assert list(choose_evidence(support)) == [1, 0]


def test_a_run_too_short_to_be_proof_loses_support():
    lead_in, action = EVIDENCE_MIN_SIZE // 3, EVIDENCE_MIN_SIZE + 5
    cost = short_run_cost([lead_in, action, lead_in], [(0, 1), (1, 2), (0, 2), (2, 3)])
    assert [bool(c) for c in cost] == [True, False, False, True]


# Four points told in order in five clauses; point 1 is near clause 1, in its place, and a
# little nearer clause 3, which sits between the clauses of points 2 and 3.
ORDERED = np.array(
    [
        [0.90, 0.10, 0.10, 0.10, 0.10],
        [0.10, 0.50, 0.10, 0.53, 0.10],
        [0.10, 0.10, 0.90, 0.10, 0.10],
        [0.10, 0.10, 0.10, 0.10, 0.90],
    ]
)


def test_in_an_answer_told_in_order_the_clause_in_its_place_is_cited():
    starts = np.arange(5)
    assert list(choose_evidence(ORDERED)) == [0, 3, 2, 4]
    assert list(choose_evidence_in_order(ORDERED, starts)) == [0, 1, 2, 4]


def test_an_answer_told_out_of_the_rubrics_order_is_cited_without_it():
    reversed_starts = np.arange(5)[::-1].copy()  # the same clauses, told last to first
    chosen = choose_evidence_in_order(ORDERED, reversed_starts)
    assert list(chosen) == list(choose_evidence(ORDERED))


def test_order_agreement_is_kendalls_tau():
    assert order_agreement(np.array([0, 1, 2, 3])) == 1.0
    assert order_agreement(np.array([3, 2, 1, 0])) == -1.0
    assert order_agreement(np.array([0, 0, 0])) == 0.0
    assert abs(order_agreement(np.array([0, 2, 1, 3])) - 4 / 6) < 1e-9


def test_a_covered_point_stands_out_from_the_points_an_answer_misses():
    """A short partial answer is near every point a little less than a long one; the point
    it covers still stands out, by the same amount at any level."""
    excess = np.array([-0.2, 0.1, -0.25, -0.3])  # covers the second point
    relative = relative_to_points(excess)
    assert relative.argmax() == 1 and relative[1] > 0
    assert relative.sum() == pytest.approx(0.0)
    np.testing.assert_allclose(relative_to_points(excess - 0.15), relative)
    assert relative_to_points(np.zeros(0)).shape == (0,)


def test_longness_is_zero_for_compact_answers_and_one_for_long_stories():
    """The long-answer features read evidence more steeply from about 245 content units up,
    fully from about 490: a compact answer keeps its reading, a long story gets the steep one."""
    assert longness(0) == longness(150) == longness(240) == 0.0
    assert 0.0 < longness(300) < longness(400) < 1.0
    assert longness(500) == longness(5000) == 1.0


def test_an_answer_is_as_general_as_its_clauses_weighted_by_their_size():
    """Two clauses: a long slogan and a short concrete step that covers the first point."""
    generic = np.array([0.5, 0.1])  # each clause's closeness to the nearest general statement
    points = np.array([[0.2, 0.6], [0.1, 0.3]])  # (points, clauses)
    mostly_slogan = generality(generic, points, [30, 10])
    assert mostly_slogan.mean == pytest.approx((0.5 * 30 + 0.1 * 10) / 40)
    assert mostly_slogan.excess == pytest.approx(((0.5 - 0.2) * 30 + (0.1 - 0.6) * 10) / 40)
    assert mostly_slogan.excess > 0
    mostly_concrete = generality(generic, points, [10, 30])
    assert mostly_concrete.excess < 0 < mostly_slogan.excess
    assert generality(np.zeros(0), np.zeros((2, 0)), []) == Generality()
