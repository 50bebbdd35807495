"""Fit the point calibrator on graded data: `python -m scoring fit [--encoder NAME]`.

Training data:
- the bank's graded example answers: one row per (example, rubric point), labelled by
  whether the example genuinely covers the point;
- the train splits of sas_zh/LE and sas_zh/SR from ../shared/datasets (never their eval
  splits): one row per (answer, reference key point) with the answer's grade as a soft
  label (a positive row weighted by the grade and a negative row weighted by one minus it).
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from question_bank.schema import Question
from scoring.calibration import PointCalibrator, ScoreMap
from scoring.datasets import BankExample, GradedAnswer, available, bank_examples, sas_le, sas_sr
from scoring.engine import FEATURES, Scorer, Target, coverage_share

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"
BANK_SHARE = 0.5  # share of the total training weight given to the bank's examples
C = 0.5


def bank_rows(scorer: Scorer, examples: Sequence[BankExample]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and 0/1 labels for each (example, rubric point)."""
    X, y = [], []
    for ex in examples:
        X.append(scorer.evidence(Target.from_question(ex.question), ex.text).features)
        y.extend(int(p.id in ex.covers) for p in ex.question.rubric)
    return _stack(X), np.asarray(y)


def graded_rows(scorer: Scorer, answers: Sequence[GradedAnswer]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and soft labels (the answer's grade) for each (answer, key point)."""
    X, y = [], []
    for ga in answers:
        target = Target.from_texts(ga.reference_points, question=ga.question)
        X.append(scorer.evidence(target, ga.answer).features)
        y.extend([ga.grade] * len(ga.reference_points))
    return _stack(X), np.asarray(y, dtype=float)


def training_set(
    scorer: Scorer, examples: Sequence[BankExample], use_datasets: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, y, sample weights for the calibrator, soft labels expanded into weighted pairs."""
    Xb, yb = bank_rows(scorer, examples)
    Xd, yd = dataset_rows(scorer) if use_datasets else (np.zeros((0, len(FEATURES))), np.zeros(0))
    return combine(Xb, yb, Xd, yd)


def dataset_rows(scorer: Scorer) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the sas_zh train splits (empty when ../shared/datasets is absent)."""
    if not available():
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    return graded_rows(scorer, sas_le("train") + sas_sr("train"))


def combine(
    Xb: np.ndarray, yb: np.ndarray, Xd: np.ndarray, yd: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Join bank rows (0/1 labels) and dataset rows (soft labels) into a weighted 0/1 set.

    The datasets get `1 - BANK_SHARE` of the total weight; a soft label s becomes a positive
    row weighted s and a negative row weighted 1 - s.
    """
    scale = (1 - BANK_SHARE) / BANK_SHARE * len(yb) / max(1, len(yd))
    X = np.vstack([Xb, Xd])
    soft = np.concatenate([yb.astype(float), yd])
    base = np.concatenate([np.ones(len(yb)), np.full(len(yd), scale)])
    X2 = np.vstack([X, X])
    y2 = np.concatenate([np.ones(len(soft)), np.zeros(len(soft))]).astype(int)
    w2 = np.concatenate([base * soft, base * (1 - soft)])
    keep = w2 > 0
    return X2[keep], y2[keep], w2[keep]


def fit_calibrator(
    scorer: Scorer, questions: Sequence[Question], use_datasets: bool = True
) -> tuple[PointCalibrator, ScoreMap]:
    """Fit the point calibrator, then the map from coverage to the bank's grade scale."""
    examples = bank_examples(questions)
    X, y, w = training_set(scorer, examples, use_datasets)
    calibrator = PointCalibrator(C=C, feature_names=FEATURES).fit(X, y, sample_weight=w)
    return calibrator, fit_score_map(scorer, calibrator, examples)


def fit_score_map(
    scorer: Scorer, calibrator: PointCalibrator, examples: Sequence[BankExample], evidence=None
) -> ScoreMap:
    """Fit the coverage-to-grade map on graded examples (evidence may be precomputed)."""
    fitted = Scorer(scorer.encoder, calibrator, offsets={}, score_map=ScoreMap())
    fitted.term_weights, fitted.context, fitted._centroids = (
        scorer.term_weights, scorer.context, scorer._centroids
    )  # fmt: skip
    shares = []
    for i, ex in enumerate(examples):
        target = Target.from_question(ex.question)
        ev = evidence[i] if evidence is not None else fitted.evidence(target, ex.text)
        shares.append(coverage_share(target, fitted.probabilities(target, ev)))
    return ScoreMap().fit(np.array(shares), np.array([ex.grade / 10 for ex in examples]))


def load_embedding_cache(scorer: Scorer) -> None:
    """Fill the scorer's embedding cache from disk (speeds up repeated fits and benchmarks)."""
    if scorer.encoder is None:
        return
    path = CACHE_DIR / f"embeddings-{_safe(scorer.encoder_name)}.pkl"
    if path.exists():
        with path.open("rb") as handle:
            scorer.encoder._cache.update(pickle.load(handle))


def save_embedding_cache(scorer: Scorer) -> None:
    if scorer.encoder is None:
        return
    CACHE_DIR.mkdir(exist_ok=True)
    path = CACHE_DIR / f"embeddings-{_safe(scorer.encoder_name)}.pkl"
    with path.open("wb") as handle:
        pickle.dump(dict(scorer.encoder._cache), handle)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _stack(rows: list[np.ndarray]) -> np.ndarray:
    return np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))
