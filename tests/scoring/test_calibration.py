import numpy as np
import pytest
from sklearn.model_selection import cross_val_score

from scoring.calibration import PointCalibrator, ScoreMap


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.5, size=400) > 0).astype(int)
    return X, y


def test_fit_returns_self_and_learns():
    X, y = _data()
    model = PointCalibrator(C=1.0, feature_names=("a", "b", "c"))
    assert model.fit(X, y) is model
    assert model.coef_[0] > model.coef_[1] > abs(model.coef_[2])
    assert ((model.predict_proba(X)[:, 1] >= 0.5) == y).mean() > 0.8


def test_round_trip_through_dict_gives_the_same_probabilities():
    X, y = _data()
    model = PointCalibrator().fit(X, y)
    again = PointCalibrator.from_dict(model.to_dict())
    np.testing.assert_allclose(again.predict_proba(X), model.predict_proba(X))


def test_a_second_stage_column_leaves_rows_where_it_is_zero_as_the_first_stage_reads_them():
    """A column fitted in a second stage (say, evidence read more steeply in long answers,
    zero in short ones) moves only the rows where it is not zero, and keeps its sign."""
    X, y = _data(4)
    rng = np.random.default_rng(4)
    on = rng.random(len(y)) < 0.5  # the rows where the second-stage column is read
    steeper = np.where(on, X[:, 0], 0.0)
    wrong_way = np.where(on, -X[:, 0], 0.0)
    names = ("a", "b", "c", "d")
    first = PointCalibrator(feature_names=names, unused=("d",)).fit(np.c_[X, steeper], y)
    staged = PointCalibrator(feature_names=names, signs=(1, 1, 0, 1), second_stage=("d",))
    staged.fit(np.c_[X, steeper], y)
    p_first = first.predict_proba(np.c_[X, steeper])[:, 1]
    p_staged = staged.predict_proba(np.c_[X, steeper])[:, 1]
    np.testing.assert_allclose(p_staged[~on], p_first[~on])
    assert staged.coef_[3] > 0 and not np.allclose(p_staged[on], p_first[on])
    held = PointCalibrator(feature_names=names, signs=(1, 1, 0, 1), second_stage=("d",))
    assert held.fit(np.c_[X, wrong_way], y).coef_[3] == 0.0
    again = PointCalibrator.from_dict(staged.to_dict())
    assert again.second_stage == ("d",)
    np.testing.assert_allclose(
        again.predict_proba(np.c_[X, steeper]), staged.predict_proba(np.c_[X, steeper])
    )


def test_works_with_scikit_learn_cross_validation():
    X, y = _data(1)
    scores = cross_val_score(PointCalibrator(), X, y, cv=3, scoring="roc_auc")
    assert scores.mean() > 0.8


def test_sample_weights_shift_the_decision():
    X, y = _data(2)
    heavy_positive = np.where(y == 1, 5.0, 1.0)
    plain = PointCalibrator().fit(X, y).predict_proba(X)[:, 1].mean()
    shifted = (
        PointCalibrator().fit(X, y, sample_weight=heavy_positive).predict_proba(X)[:, 1].mean()
    )
    assert shifted > plain


def test_calibration_keeps_a_calibrator_per_domain_and_language(tmp_path, monkeypatch):
    from scoring import calibration

    monkeypatch.setattr(calibration, "CALIBRATION_DIR", tmp_path)
    X, y = _data(3)
    zh = PointCalibrator(feature_names=("a", "b", "c")).fit(X, y)
    en = PointCalibrator(feature_names=("a", "b", "c")).fit(X, 1 - y)
    short = PointCalibrator(feature_names=("a", "b", "c")).fit(X[:, ::-1], y)
    saved = calibration.Calibration(
        {"long:zh": zh, "long:en": en, "short:zh": short},
        calibration.ScoreMap.fixed(4.0, 0.4),
        calibration.ScoreMap.fixed(2.0, 0.1),
        precision_weight=0.15,
    )
    saved.save("test-encoder")
    loaded = calibration.Calibration.load("test-encoder")
    np.testing.assert_allclose(loaded.point("en").predict_proba(X), en.predict_proba(X))
    np.testing.assert_allclose(loaded.point("zh", "long").predict_proba(X), zh.predict_proba(X))
    np.testing.assert_allclose(loaded.point("zh", "short").predict_proba(X), short.predict_proba(X))
    # a missing language falls back to its domain's other language, then to any calibrator
    np.testing.assert_allclose(loaded.point("en", "short").predict_proba(X), short.predict_proba(X))
    assert loaded.point("fr") is not None
    assert loaded.has("long", "en") and not loaded.has("cross", "en")
    assert (loaded.long_map.slope_, loaded.short_map.centre_) == (4.0, 0.1)
    assert loaded.precision_weight == 0.15


def test_term_precision_moves_only_the_short_answer_map():
    from scoring.calibration import Calibration, ScoreMap

    calibration = Calibration(
        long_map=ScoreMap.fixed(4.0, 0.5), short_map=ScoreMap.fixed(), precision_weight=0.2
    )
    assert calibration.grade(0.5, 0.0, precision=1.0) == pytest.approx(0.6)
    assert calibration.grade(0.5, 0.0, precision=0.0) == pytest.approx(0.4)
    assert calibration.grade(0.5, 0.0) == pytest.approx(0.5)  # neutral
    assert calibration.grade(0.5, 1.0, precision=1.0) == calibration.grade(0.5, 1.0)


def test_a_calibration_file_from_before_domains_serves_every_domain(tmp_path, monkeypatch):
    import json

    from scoring import calibration

    monkeypatch.setattr(calibration, "CALIBRATION_DIR", tmp_path)
    X, y = _data(8)
    zh = PointCalibrator(feature_names=("a", "b", "c")).fit(X, y)
    (tmp_path / "old.json").write_text(json.dumps({"points": {"zh": zh.to_dict()}}))
    loaded = calibration.Calibration.load("old")
    for domain in ("long", "short", "cross"):
        np.testing.assert_allclose(loaded.point("zh", domain).predict_proba(X), zh.predict_proba(X))


def test_a_file_naming_bank_and_free_domains_loads_as_long_and_short(tmp_path, monkeypatch):
    import json

    from scoring import calibration

    monkeypatch.setattr(calibration, "CALIBRATION_DIR", tmp_path)
    X, y = _data(9)
    bank = PointCalibrator(feature_names=("a", "b", "c")).fit(X, y)
    free = PointCalibrator(feature_names=("a", "b", "c")).fit(X, 1 - y)
    data = {"points": {"bank:zh": bank.to_dict(), "free:zh": free.to_dict()},
            "score_map": {"slope": 3.0, "centre": 0.5}}  # fmt: skip
    (tmp_path / "older.json").write_text(json.dumps(data))
    loaded = calibration.Calibration.load("older")
    np.testing.assert_allclose(loaded.point("zh", "long").predict_proba(X), bank.predict_proba(X))
    np.testing.assert_allclose(loaded.point("zh", "short").predict_proba(X), free.predict_proba(X))
    assert loaded.long_map.slope_ == 3.0


def test_signs_hold_each_weight_to_its_side_and_survive_the_round_trip():
    X, y = _data(4)
    X = np.column_stack([X, -X[:, 0] + np.random.default_rng(5).normal(scale=0.3, size=len(y))])
    free = PointCalibrator().fit(X, y)
    assert free.coef_[3] < 0  # a near copy of column 0 with the opposite sign
    signed = PointCalibrator(signs=(1, 1, 0, 1)).fit(X, y)
    assert signed.coef_[3] == 0 and signed.coef_[0] > 0 and signed.coef_[1] > 0
    assert ((signed.predict_proba(X)[:, 1] >= 0.5) == y).mean() > 0.8
    again = PointCalibrator.from_dict(signed.to_dict())
    assert again.signs == (1, 1, 0, 1)
    np.testing.assert_allclose(again.predict_proba(X), signed.predict_proba(X))


def test_signs_must_match_the_features():
    X, y = _data(6)
    with pytest.raises(ValueError, match="2 signs for 3 features"):
        PointCalibrator(signs=(1, 1)).fit(X, y)


def test_every_feature_against_its_sign_leaves_the_base_rate():
    X, y = _data(7)
    model = PointCalibrator(signs=(-1, -1)).fit(X[:, :2], y)  # both predict y positively
    assert (model.coef_ == 0).all()
    np.testing.assert_allclose(model.predict_proba(X[:, :2])[:, 1], y.mean())


@pytest.mark.parametrize(
    "estimator", [PointCalibrator(), *(ScoreMap(m) for m in ("answers", "distribution", "both"))]
)
def test_the_calibration_estimators_pass_scikit_learns_estimator_checks(estimator):
    import warnings

    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the checks warn about the ones they skip
        results = check_estimator(estimator, on_fail=None)
    failed = [r["check_name"] for r in results if r["status"] == "failed"]
    passed = [r for r in results if r["status"] == "passed"]
    assert len(passed) > 20 and not failed


def test_a_score_map_matched_to_the_distribution_reads_strong_answers_higher():
    rng = np.random.default_rng(0)
    grades = rng.choice([0.1, 0.4, 0.9], size=300)
    shares = np.clip(0.55 * grades + 0.15 + rng.normal(0, 0.12, size=300), 0, 1)  # noisy
    by_answer = ScoreMap("answers").fit(shares[:, None], grades)
    by_distribution = ScoreMap("distribution").fit(shares[:, None], grades)
    strong = grades == 0.9
    assert (
        by_distribution.predict(shares[strong, None]).mean()
        > by_answer.predict(shares[strong, None]).mean()
    )
    assert by_answer(0.0) == 0.0 and by_answer(1.0) == pytest.approx(1.0)
    assert np.all(np.diff(by_answer(np.linspace(0, 1, 11))) >= 0)  # keeps the order
    with pytest.raises(ValueError, match="match must be"):
        ScoreMap("median").fit(shares[:, None], grades)
