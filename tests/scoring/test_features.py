"""Evidence features that need no encoder: the runs of clauses that may be cited."""

import numpy as np

from scoring.features import (
    EVIDENCE_MIN_SIZE,
    choose_evidence,
    clause_runs,
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
