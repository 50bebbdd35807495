"""Calibrated probability that a rubric point is covered, learned from graded answers.

`PointCalibrator` follows the scikit-learn estimator contract (parameters in the
constructor, `fit` returns self, learned attributes end in `_`), so it works with
cross-validation and pipelines. Its fitted state is plain JSON, committed under
`rubrics/calibration/`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

# An answer's term precision (`features.term_precision`) where it is not read (a rubric that
# is not a reference answer, an answer in another language, no terms): it leaves the
# short-answer score as coverage gives it (`Calibration.grade`).
NEUTRAL_PRECISION = 0.5

CALIBRATION_DIR = Path(__file__).resolve().parent.parent / "rubrics" / "calibration"


class PointCalibrator(ClassifierMixin, BaseEstimator):
    """Standardised, L2-regularised logistic regression over evidence features, each weight
    optionally held to a sign.

    Sign constraints keep the model honest where sources disagree: evidence for a point may
    only raise its probability and a guard signal only lower it. Without them, correlated
    features got weights of opposite sign (say, word overlap in the whole answer up, in the
    best clause down) that fitted the training sources and transferred worse to a source left
    out of fitting (the transfer table of `python -m scoring bench` compares the two).

    Args:
        C: inverse regularisation strength of the logistic regression.
        feature_names: names of the columns of X, kept with the fitted parameters.
        signs: per column, 1 (weight >= 0), -1 (weight <= 0) or 0 (free); empty: all free.
        unused: names (of `feature_names`) of columns left out: their weight stays 0.
        second_stage: names of columns fitted after the others, with the others' weights
            held (`_fit_second_stage`): where such a column is 0, the probability is what the
            other columns alone give.
        C_second: inverse regularisation strength of the second stage, on raw values.
    """

    def __init__(
        self,
        C: float = 1.0,
        feature_names: tuple[str, ...] = (),
        signs: tuple[int, ...] = (),
        unused: tuple[str, ...] = (),
        second_stage: tuple[str, ...] = (),
        C_second: float = 1.0,
    ) -> None:
        self.C = C
        self.feature_names = feature_names
        self.signs = signs
        self.unused = unused
        self.second_stage = second_stage
        self.C_second = C_second

    def fit(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> PointCalibrator:
        """Fit; a feature whose weight comes out against its sign is left out (weight 0) and
        the rest refitted, one feature at a time, until every weight keeps its sign."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, labels = np.unique(y, return_inverse=True)
        if len(self.classes_) > 2:
            raise ValueError("Only binary classification is supported: covered or not.")
        if len(self.classes_) < 2:
            raise ValueError("Only 1 class in the training data: both covered and not are needed.")
        weights = _check_sample_weight(sample_weight, X)
        signs = np.asarray(self.signs or (0,) * X.shape[1])
        if len(signs) != X.shape[1]:
            raise ValueError(f"{len(signs)} signs for {X.shape[1]} features")
        self.mean_ = np.average(X, axis=0, weights=weights)
        spread = np.sqrt(np.average((X - self.mean_) ** 2, axis=0, weights=weights))
        self.scale_ = np.where(spread > 1e-9, spread, 1.0)
        Z = (X - self.mean_) / self.scale_
        rate = float(np.clip(np.average(labels, weights=weights), 1e-6, 1 - 1e-6))
        coef, intercept = np.zeros(X.shape[1]), float(np.log(rate / (1 - rate)))  # no feature
        unknown = {*self.unused, *self.second_stage} - set(self.feature_names)
        if unknown:
            raise ValueError(f"unused or second_stage names no feature: {sorted(unknown)}")
        held = (*self.unused, *self.second_stage)
        used = np.array([name not in held for name in self.feature_names] or
                        [True] * X.shape[1])  # fmt: skip
        if len(used) != X.shape[1]:
            raise ValueError(f"{len(used)} feature names for {X.shape[1]} features")
        while used.any():
            model = LogisticRegression(C=self.C, max_iter=2000)
            model.fit(Z[:, used], labels, sample_weight=weights)
            fitted = np.zeros(X.shape[1])
            fitted[used] = model.coef_[0]
            against = fitted * signs
            if (against >= 0).all():
                coef, intercept = fitted, float(model.intercept_[0])
                break
            used[np.argmin(against)] = False
        self.coef_ = coef
        self.intercept_ = intercept
        second = np.array([n in self.second_stage and n not in self.unused
                           for n in self.feature_names], dtype=bool)  # fmt: skip
        if second.any():
            self._fit_second_stage(X, labels, weights, second, signs[second])
        return self

    def _fit_second_stage(
        self, X: np.ndarray, labels: np.ndarray, weights: np.ndarray, columns: np.ndarray,
        signs: np.ndarray,
    ) -> None:  # fmt: skip
        """Fit the `second_stage` columns on their raw values, without intercept, the first
        fit's logits held as an offset (L2 penalty `1 / C_second`, weights kept to their
        signs); then fold them into the standardised weights."""
        offset = self.logits(X)
        raw = X[:, columns]

        def loss(b: np.ndarray) -> tuple[float, np.ndarray]:
            z = offset + raw @ b
            p = expit(z)
            value = weights @ (np.logaddexp(0.0, z) - labels * z) + 0.5 * b @ b / self.C_second
            return float(value), raw.T @ (weights * (p - labels)) + b / self.C_second

        bounds = [(0, None) if s > 0 else (None, 0) if s < 0 else (None, None) for s in signs]
        b = minimize(loss, np.zeros(raw.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds).x
        self.coef_ = self.coef_.copy()
        self.coef_[columns] = b * self.scale_[columns]
        self.intercept_ = float(self.intercept_ + b @ self.mean_[columns])

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        return self.logits(validate_data(self, X, dtype=np.float64, reset=False))

    def logits(self, features: np.ndarray) -> np.ndarray:
        """`decision_function` on the engine's own float feature matrix, without
        scikit-learn's input checks (they took a tenth of a batch's time)."""
        return ((features - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        p = expit(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature_names": list(self.feature_names),
            "C": self.C,
            "signs": list(self.signs),
            "unused": list(self.unused),
            "second_stage": list(self.second_stage),
            "C_second": self.C_second,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PointCalibrator:
        model = cls(
            C=data["C"],
            feature_names=tuple(data["feature_names"]),
            signs=tuple(data.get("signs", ())),
            unused=tuple(data.get("unused", ())),
            second_stage=tuple(data.get("second_stage", ())),
            C_second=data.get("C_second", 1.0),
        )
        model.mean_ = np.array(data["mean"])
        model.scale_ = np.array(data["scale"])
        model.coef_ = np.array(data["coef"])
        model.intercept_ = float(data["intercept"])
        model.classes_ = np.array([0, 1])
        model.n_features_in_ = len(model.coef_)
        return model


def calibration_file(encoder_name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in encoder_name)
    return CALIBRATION_DIR / f"{safe}.json"


# Which answers a calibrator is for: long (interview) answers, short (exam) answers, and
# answers in a language the rubric is not written in. Files from before these domains name
# them after where the rubric came from: a bank question or a free-form rubric.
DOMAINS = ("long", "short", "cross")
# Each domain's twin for points read through example answers (`Scorer._point_anchors`):
# "long+ex:zh"... Those readings are closer to the point than its texts alone give, so they
# get calibrators of their own and a rubric without examples reads as before.
EXAMPLES_DOMAIN = "+ex"
_OLD_DOMAINS = {"bank": "long", "free": "short"}


@dataclass
class Calibration:
    """What turns evidence into scores for one encoder.

    A point calibrator per domain and answer language, keyed "long:zh", "short:en",
    "cross:en"...: long interview answers and short exam answers read differently, lexical
    evidence means different things for Chinese character bigrams and English words, and
    across languages there is only semantic evidence. The scorer picks them by what the
    answer and the rubric are (`Scorer._logits`). Then two maps from weighted coverage to a
    grade, for long and short answers.
    """

    points: dict[str, PointCalibrator] = field(default_factory=dict)  # "domain:language"
    long_map: ScoreMap = field(default_factory=lambda: ScoreMap.fixed())
    short_map: ScoreMap = field(default_factory=lambda: ScoreMap.fixed())
    provenance: dict[str, Any] = field(default_factory=dict)
    # How far a short answer's `features.term_precision` moves its coverage before the
    # short-answer map (fitted with it: `scoring.fit.fit_short_map`); 0 leaves it alone.
    precision_weight: float = 0.0
    # How general an answer's clauses must be (`features.Generality.mean`) for the vague
    # guard to fire with this encoder (`fit.fit_vague_at`); None: the guard is off.
    vague_at: float | None = None

    def grade(
        self, share: float, long_weight: float, precision: float = NEUTRAL_PRECISION
    ) -> float:
        """The grade (0-1) of a weighted coverage share: the long- and short-answer maps
        blended by how long the answer is (`engine.long_weight`), the short one reading the
        coverage moved by the answer's term precision (`NEUTRAL_PRECISION` moves nothing)."""
        moved = share + self.precision_weight * (precision - NEUTRAL_PRECISION)
        short = float(np.clip(moved, 0.0, 1.0))
        return float(long_weight * self.long_map(share) + (1 - long_weight) * self.short_map(short))

    def has(self, domain: str, language: str) -> bool:
        return f"{domain}:{language}" in self.points

    def fitted(self, domain: str) -> bool:
        """Whether a calibrator of `domain` is fitted, in any language."""
        return any(key.startswith(f"{domain}:") for key in self.points)

    def point(self, language: str, domain: str = "long") -> PointCalibrator | None:
        """The calibrator for answers in `language` of `domain`; else the domain's other
        language, else any fitted one."""
        same_domain = [key for key in self.points if key.startswith(f"{domain}:")]
        for key in (f"{domain}:{language}", *same_domain):
            if key in self.points:
                return self.points[key]
        return next(iter(self.points.values()), None)

    def save(self, encoder_name: str) -> Path:
        """Write the calibration to `rubrics/calibration/<encoder>.json`."""
        if not self.points:
            raise ValueError("nothing to save: no point calibrator is fitted")
        path = calibration_file(encoder_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "encoder": encoder_name,
            "points": {key: model.to_dict() for key, model in self.points.items()},
            "long_score_map": self.long_map.to_dict(),
            "short_score_map": self.short_map.to_dict(),
            "short_precision_weight": self.precision_weight,
            "vague_at": self.vague_at,
            "provenance": self.provenance,
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, encoder_name: str) -> Calibration | None:
        """The committed calibration for an encoder, or None if none was fitted."""
        path = calibration_file(encoder_name)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        points = data.get("points") or {"zh": data}  # files before per-language calibrators
        if not any(":" in key for key in points):  # before per-domain calibrators
            points = {f"{d}:{lang}": model for lang, model in points.items() for d in DOMAINS}
        points = {_renamed(key): model for key, model in points.items()}
        return cls(
            {key: PointCalibrator.from_dict(model) for key, model in points.items()},
            ScoreMap.fixed(**data.get("long_score_map", data.get("score_map", {}))),
            ScoreMap.fixed(**data.get("short_score_map", data.get("free_score_map", {}))),
            data.get("provenance", {}),
            float(data.get("short_precision_weight", 0.0)),
            data.get("vague_at"),
        )

    def feature_names(self) -> set[tuple[str, ...]]:
        return {tuple(model.feature_names) for model in self.points.values()}


def _renamed(key: str) -> str:
    domain, _, language = key.partition(":")
    return f"{_OLD_DOMAINS.get(domain, domain)}:{language}"


class ScoreMap(RegressorMixin, BaseEstimator):
    """A monotone map from weighted point coverage (0-1) to the grade scale (0-1).

    f(s) = (g(s) - g(0)) / (g(1) - g(0)) with g(s) = sigmoid(slope_ * (s - centre_)): it
    keeps 0 at 0 and 1 at 1 and never changes the order of answers, only how coverage reads
    as a grade (a few covered points are worth less than their share, most points nearly all).

    A scikit-learn regressor: `fit(X, y)` takes one row per answer, the coverage share in one
    column (or each point's probability in a column of its own, for equally weighted points:
    the share is their mean), and the grades on a 0-1 scale; `predict` maps new rows. The
    scorer calls the fitted map on a share directly (`map(share)`).

    Args:
        match: what `fit` matches. "answers": each answer's grade (least squares), which
            pulls every score toward the mean as far as coverage and grade disagree, so
            strong answers read low and weak ones high. "distribution": the grades'
            distribution (least squares between the sorted mapped shares and the sorted
            grades), so strong answers read as strong as graders grade them, at some cost
            in error per answer. "both": the mean of the two losses. On the answers never
            fitted (interview-style set, development bank) "both" had the lowest mean
            absolute error on one and within 0.3 of the lowest on the other, with strong
            answers at 83-85 ("answers": 80-83, "distribution": 86-88).
    """

    def __init__(self, match: str = "answers") -> None:
        self.match = match

    @classmethod
    def fixed(cls, slope: float = 0.0, centre: float = 0.5, match: str = "answers") -> ScoreMap:
        """A map with these parameters (as saved), without fitting; slope 0 is the identity."""
        score_map = cls(match)
        score_map.slope_, score_map.centre_ = float(slope), float(centre)
        score_map.n_features_in_ = 1
        return score_map

    def fit(self, X: np.ndarray, y: np.ndarray) -> ScoreMap:
        """Least squares of f(share) against grades over a small grid of slopes and centres,
        answer by answer or between the sorted values (`match`)."""
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        shares = X.mean(axis=1)
        pairs = {
            "answers": [(shares, y)],
            "distribution": [(np.sort(shares), np.sort(y))],
            "both": [(shares, y), (np.sort(shares), np.sort(y))],
        }.get(self.match)
        if pairs is None:
            raise ValueError(f"match must be answers, distribution or both, not {self.match!r}")
        best = (np.inf, 0.0, 0.5)
        for slope in np.linspace(0.5, 14, 28):
            for centre in np.linspace(0.1, 0.9, 33):
                error = float(np.mean([((_mapped(x, slope, centre) - t) ** 2).mean()
                                       for x, t in pairs]))  # fmt: skip
                if error < best[0]:
                    best = (error, slope, centre)
        _, self.slope_, self.centre_ = best
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return _mapped(X.mean(axis=1), self.slope_, self.centre_)

    def __call__(self, share: np.ndarray | float) -> np.ndarray | float:
        """The grade (0-1) of a coverage share, or of an array of them."""
        check_is_fitted(self)
        out = _mapped(np.asarray(share, dtype=float), self.slope_, self.centre_)
        return float(out) if np.ndim(share) == 0 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Bounded to 0-1 with 0 and 1 fixed: arbitrary targets are fitted only roughly.
        tags.regressor_tags.poor_score = True
        return tags

    def to_dict(self) -> dict[str, Any]:
        return {"slope": float(self.slope_), "centre": float(self.centre_), "match": self.match}


def _mapped(share: np.ndarray, slope: float, centre: float) -> np.ndarray:
    if abs(slope) < 1e-6:
        return share
    low, high = expit(slope * (0.0 - centre)), expit(slope * (1.0 - centre))
    return (expit(slope * (share - centre)) - low) / (high - low)
