"""Calibrated probability that a rubric point is covered, learned from graded answers.

`PointCalibrator` follows the scikit-learn estimator contract (parameters in the
constructor, `fit` returns self, learned attributes end in `_`), so it works with
cross-validation and pipelines. Its fitted state is plain JSON, committed under
`rubrics/calibration/`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

CALIBRATION_DIR = Path(__file__).resolve().parent.parent / "rubrics" / "calibration"


class PointCalibrator(ClassifierMixin, BaseEstimator):
    """Standardised logistic regression over evidence features.

    Args:
        C: inverse regularisation strength of the logistic regression.
        feature_names: names of the columns of X, kept with the fitted parameters.
    """

    def __init__(self, C: float = 1.0, feature_names: tuple[str, ...] = ()) -> None:
        self.C = C
        self.feature_names = feature_names

    def fit(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> PointCalibrator:
        X = np.asarray(X, dtype=float)
        self.mean_ = X.mean(axis=0)
        self.scale_ = np.where(X.std(axis=0) > 1e-9, X.std(axis=0), 1.0)
        model = LogisticRegression(C=self.C, max_iter=2000)
        model.fit((X - self.mean_) / self.scale_, np.asarray(y), sample_weight=sample_weight)
        self.coef_ = model.coef_[0]
        self.intercept_ = float(model.intercept_[0])
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        return ((X - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature_names": list(self.feature_names),
            "C": self.C,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PointCalibrator:
        model = cls(C=data["C"], feature_names=tuple(data["feature_names"]))
        model.mean_ = np.array(data["mean"])
        model.scale_ = np.array(data["scale"])
        model.coef_ = np.array(data["coef"])
        model.intercept_ = float(data["intercept"])
        model.classes_ = np.array([0, 1])
        return model


def calibration_file(encoder_name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in encoder_name)
    return CALIBRATION_DIR / f"{safe}.json"


def save_calibrator(model: PointCalibrator, encoder_name: str, provenance: dict) -> Path:
    path = calibration_file(encoder_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"encoder": encoder_name, **model.to_dict(), "provenance": provenance}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_calibrator(encoder_name: str) -> PointCalibrator | None:
    path = calibration_file(encoder_name)
    if not path.exists():
        return None
    return PointCalibrator.from_dict(json.loads(path.read_text(encoding="utf-8")))
