"""Practice helpers: choosing a set, keeping it across reloads, timers, summaries, comparing."""

from __future__ import annotations

import pytest

from question_bank.loader import load_path
from scoring.engine import Scorer
from services import practice
from services.accounts import Actor

BANK = load_path()


def test_choose_questions_filters_counts_and_shuffles():
    technical = practice.choose_questions(BANK.questions, "cs-supervisor", ["technical"])
    assert technical and all(BANK.question(i).category == "technical" for i in technical)
    hard = practice.choose_questions(BANK.questions, None, None, ["hard"], count=3)
    assert len(hard) == 3 and all(BANK.question(i).difficulty == "hard" for i in hard)
    assert practice.choose_questions(BANK.questions, "no-such-bank") == []
    assert practice.choose_questions(BANK.questions, None, []) == []  # none chosen: none
    everything = practice.choose_questions(BANK.questions)
    drawn = practice.choose_questions(BANK.questions, shuffle=True, seed=3)
    assert sorted(drawn) == sorted(everything) and drawn != everything
    assert drawn == practice.choose_questions(BANK.questions, shuffle=True, seed=3)


def test_practice_set_survives_and_drops_removed_questions(database):
    guest, other = Actor.guest("abc"), Actor.guest("xyz")
    known = {q.id for q in BANK.questions}
    assert practice.load_practice_set(database, guest, known) is None
    practice.save_practice_set(database, guest, ["cs-beh-01", "gone", "cs-beh-02"], 2)
    assert practice.load_practice_set(database, guest, known) == (["cs-beh-01", "cs-beh-02"], 1)
    assert practice.load_practice_set(database, other, known) is None
    practice.save_practice_set(database, guest, [], 0)  # leaving the set forgets it
    assert practice.load_practice_set(database, guest, known) is None
    practice.save_draft(database, guest, practice.SET_SCOPE, "not json")
    assert practice.load_practice_set(database, guest, known) is None


@pytest.mark.parametrize(
    ("elapsed", "budget", "remaining", "over", "shown"),
    [
        (30, 180, 150, False, "00:30"),
        (200, 180, -20, True, "03:20"),
        (75, None, None, False, "01:15"),
    ],
)
def test_clock_informs_about_time(elapsed, budget, remaining, over, shown):
    now = 1_000_000.0
    timer = practice.clock(now - elapsed, now, budget)
    assert (timer.elapsed, timer.remaining, timer.over) == (elapsed, remaining, over)
    assert practice.mmss(timer.elapsed) == shown
    assert practice.mmss(-20) == "00:20"


@pytest.mark.parametrize(
    ("score", "shown"), [(36.5, 37), (36.49, 36), (0.0, 0), (99.5, 100), (37.5, 38)]
)
def test_one_rounding_for_scores(score, shown):
    assert practice.round_score(score) == shown  # halves up, unlike round() (36.5 -> 36)


def test_summary_and_point_changes(database):
    guest = Actor.guest("abc")
    scorer = Scorer(None, context=BANK.questions)
    question = BANK.question("cs-beh-01")
    answers = ["我会单独谈话。", "我先单独谈话，再查数据找根因，调整分工，每周复盘。"]
    for text in answers:
        practice.record_attempt(database, guest, question, text, scorer.score(question, text))
    technical = BANK.question("cs-tec-01")
    practice.record_attempt(database, guest, technical, "FCR", scorer.score(technical, "FCR"))
    attempts = practice.list_attempts(database, guest)
    summary = practice.category_summary(attempts).set_index("category")
    scores = [a.report.score for a in attempts[:2]]
    assert summary.loc["behavioral", "attempts"] == 2
    assert summary.loc["behavioral", "best"] == practice.round_score(max(scores))
    assert summary.loc["behavioral", "latest"] == practice.round_score(scores[1])
    assert summary.loc["behavioral", "mean"] == practice.mean_score(attempts[:2])
    assert summary.loc["technical", "attempts"] == 1
    frame = practice.progress_frame(attempts)
    assert frame["running_mean"].tolist()[1] == practice.mean_score(attempts[:2])
    assert frame["score"].tolist() == [practice.round_score(a.report.score) for a in attempts]
    assert practice.category_summary([]).empty
    changes = practice.point_changes(attempts[0].report, attempts[1].report)
    assert [point_id for point_id, _, _ in changes] == [p.id for p in question.rubric]
    assert all(before and after for _, before, after in changes)


def test_an_identical_resubmission_is_found(database):
    guest, other = Actor.guest("same"), Actor.guest("other")
    scorer = Scorer(None, context=BANK.questions)
    question = BANK.question("cs-beh-01")
    text = "我先分别找两位同事单独谈话。"
    first = practice.record_attempt(database, guest, question, text, scorer.score(question, text))
    assert practice.same_answer(database, guest, question.id, f"  {text}\n").id == first.id
    assert practice.same_answer(database, guest, question.id, text + "然后开会。") is None
    assert practice.same_answer(database, guest, "cs-beh-02", text) is None
    assert practice.same_answer(database, other, question.id, text) is None
