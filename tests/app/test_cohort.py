"""The cohort page: heat maps, most-missed points and downloads for trainers and interviewers,
in both languages; nothing for candidates."""

from __future__ import annotations

import json

import pytest

from question_bank.loader import load_path
from services import accounts, cohort
from services.cohort_seed import seed_cohort


@pytest.fixture
def cohort_db(app_db):
    """Eight seeded candidates answering ten questions; two sessions by "inter"."""
    inter = accounts.sign_in(app_db, "inter", "correct-horse-9")[0]
    seed_cohort(
        app_db,
        load_path().questions[:10],
        candidates=8,
        interviewer_ids=[inter.user_id],
        sessions_per_interviewer=2,
    )
    return app_db


def charts(at) -> list:
    return at.get("vega_lite_chart")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_trainer_sees_both_heat_maps_the_missed_points_and_downloads(
    cohort_db, open_page, language
):
    at = open_page("cohort.py", "train", language)
    assert at.title[0].value == {"zh": "学员总览", "en": "Cohort"}[language]
    assert len(charts(at)) == 2
    metrics = {m.label: m.value for m in at.metric}
    candidates = {"zh": "候选人", "en": "Candidates"}[language]
    assert int(metrics[candidates]) >= 8
    missed = at.dataframe[0].value
    assert len(missed) == 15
    share = {"zh": "未覆盖比例（%）", "en": "Missed (%)"}[language]
    assert list(missed[share]) == sorted(missed[share], reverse=True)
    assert len(at.get("download_button")) == 2


def test_an_interviewer_sees_only_the_candidates_of_their_sessions(cohort_db, open_page):
    at = open_page("cohort.py", "inter", "en")
    (interviewer,) = [s for s in at.selectbox if s.label == "Interviewer"]
    assert interviewer.options == ["Everyone (and practice)", "Inter"]
    metrics = {m.label: m.value for m in at.metric}
    people = int(metrics["Candidates"])
    assert 1 <= people <= 2  # the candidates of their two sessions only
    # their sessions (six answers each) and those candidates' practice (ten questions each)
    assert int(metrics["Answers (all tries)"]) == 2 * 6 + 10 * people
    at = interviewer.set_value(interviewer.options[1]).run()
    assert not at.exception
    practice = next(c for c in at.checkbox if c.label == "Practice")
    assert practice.disabled  # practice has no interviewer
    assert int({m.label: m.value for m in at.metric}["Answers (all tries)"]) == 2 * 6
    assert len(charts(at)) == 2


def test_an_interviewer_without_sessions_is_told_where_answers_come_from(app_db, open_page):
    at = open_page("cohort.py", "inter2", "zh")
    assert not charts(at)
    assert "还没有已评分的作答" in at.info[0].value


def test_a_candidate_is_refused(app_db, open_page):
    at = open_page("cohort.py", "cand", "en")
    assert not charts(at)
    assert "interviewer / trainer" in at.error[0].value


def test_a_chosen_period_without_answers_says_so(cohort_db, open_page):
    from datetime import date

    at = open_page("cohort.py", "train", "en")
    period = next(s for s in at.selectbox if s.label == "Period")
    at = period.set_value("custom").run()
    at.date_input(key="cohort_dates").set_value((date(2020, 1, 1), date(2020, 1, 31))).run()
    assert not at.exception
    assert not charts(at)
    assert "No scored answers in this range yet" in at.info[0].value
    at.date_input(key="cohort_dates").set_value((date(2020, 1, 1), date.today())).run()
    assert len(charts(at)) == 2


def row_order(chart) -> list[str]:
    """The candidates down the heat map, in the order the chart's y axis sorts them."""
    spec = json.loads(chart.proto.spec)
    layers = spec.get("layer", [spec])
    return layers[0]["encoding"]["y"]["sort"]


def test_candidates_can_be_ordered_weakest_first(cohort_db, open_page):
    at = open_page("cohort.py", "train", "en")
    by_name = row_order(charts(at)[0])
    at = at.radio(key="cohort_order").set_value("low").run()
    weakest_first = row_order(charts(at)[0])
    assert sorted(weakest_first) == sorted(by_name) and weakest_first != by_name
    report = cohort.build_cohort(
        cohort_db, accounts.sign_in(cohort_db, "train", "correct-horse-9")[0], load_path().questions
    )
    means = {}
    for cell in report.cells:
        means.setdefault(report.candidate(cell.candidate).label, []).append(cell.score)
    ranked = [sum(means[label]) / len(means[label]) for label in weakest_first]
    assert ranked == sorted(ranked)
