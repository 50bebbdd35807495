"""The cohort view: who may see whom, the latest answer per cell, categories, missed points,
filters, and the seeded cohort used by the benchmark."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from scoring.report import PointResult, ScoreReport
from services import cohort, practice, sessions
from services.cohort import CohortFilters
from services.cohort_seed import seed_cohort
from services.errors import PermissionDenied, ValidationFailed
from storage.models import Attempt, SessionAnswer


def machine(question, statuses: list[str]) -> ScoreReport:
    """A report with these point statuses; scores follow (covered 1, partly 0.5, missing 0)."""
    credit = {"covered": 1.0, "partial": 0.5, "missing": 0.0}
    share = sum(credit[s] for s in statuses) / len(statuses)
    return ScoreReport(
        question_id=question.id,
        category=question.category,
        language="zh",
        points_possible=float(question.points),
        points_score=share * question.points,
        score=100.0 * share,
        points=tuple(
            PointResult(p.id, p.text.zh, p.weight, 0.5, s, None, None)  # type: ignore[arg-type]
            for p, s in zip(question.rubric, statuses, strict=False)
        ),
    )


def practise(db, actor, question, statuses: list[str], at: datetime | None = None) -> int:
    """A practice attempt with these statuses (at a chosen time); returns its id."""
    view = practice.record_attempt(db, actor, question, "答案", machine(question, statuses))
    if at is not None:
        with db.transaction() as session:
            session.execute(update(Attempt).where(Attempt.id == view.id).values(created_at=at))
    return view.id


def all_(question, status: str) -> list[str]:
    return [status] * len(question.rubric)


@pytest.fixture
def q(bank):
    return {question.id: question for question in bank.questions}


def test_candidates_and_guests_cannot_see_a_cohort(database, users, bank):
    from services.accounts import Actor

    for actor in (users["cand"], Actor.guest("tab-1")):
        with pytest.raises(PermissionDenied):
            cohort.build_cohort(database, actor, bank.questions)
        with pytest.raises(PermissionDenied):
            cohort.visible_interviewers(database, actor)


def test_a_trainer_sees_candidate_accounts_latest_answers_only(database, users, bank, q):
    from services.accounts import Actor

    beh = q["cs-beh-01"]
    first = datetime.now(UTC) - timedelta(days=3)
    practise(database, users["cand"], beh, all_(beh, "missing"), first)
    practise(database, users["cand"], beh, all_(beh, "covered"))  # the latest counts
    practise(database, users["inter"], beh, all_(beh, "covered"))  # not a candidate
    practise(database, Actor.guest("someone"), beh, all_(beh, "covered"))  # a guest
    report = cohort.build_cohort(database, users["train"], bank.questions)
    assert [c.username for c in report.candidates] == ["cand"]
    assert report.question_ids == ("cs-beh-01",)
    (cell,) = report.cells
    assert (cell.score, cell.answers, cell.source) == (100.0, 2, "practice")
    assert report.answers == 2
    assert all(p.missing == 0 for p in report.missed)  # the older, all-missing answer is gone


def test_category_scores_add_up_the_points_of_the_latest_answers(database, users, bank):
    behavioral = [x for x in bank.questions if x.category == "behavioral"][:2]
    practise(database, users["cand"], behavioral[0], all_(behavioral[0], "covered"))
    practise(database, users["cand"], behavioral[1], all_(behavioral[1], "missing"))
    report = cohort.build_cohort(database, users["admin"], bank.questions)
    (category,) = report.categories
    expected = 100.0 * behavioral[0].points / (behavioral[0].points + behavioral[1].points)
    assert category.category == "behavioral" and category.questions == 2
    assert category.score == pytest.approx(expected)


def test_missed_points_are_counted_across_the_cohort_most_missed_first(database, users, q, bank):
    beh = q["cs-beh-01"]
    ids = [p.id for p in beh.rubric]
    practise(database, users["cand"], beh, ["missing", "partial"] + ["covered"] * (len(ids) - 2))
    practise(database, users["cand2"], beh, ["missing", "missing"] + ["covered"] * (len(ids) - 2))
    report = cohort.build_cohort(database, users["train"], bank.questions)
    top, second = report.missed[:2]
    assert (top.point_id, top.missing, top.answers, top.missed_share) == (ids[0], 2, 2, 1.0)
    assert (second.point_id, second.missing, second.partial) == (ids[1], 1, 1)
    assert [c.username for c in report.candidates] == ["cand", "cand2"]


def rated_session(db, interviewer, name: str, question, ratings: dict[str, int]) -> int:
    mock = sessions.create_session(db, interviewer, name, [question.id], "", "zh")
    sessions.save_answer(
        db,
        interviewer,
        mock.id,
        question.id,
        answer="答案",
        report=machine(question, all_(question, "covered")),
        point_ratings=ratings,
        overall_rating=3,
    )
    return mock.id


def test_an_interviewer_sees_only_the_candidates_of_their_own_sessions(database, users, q, bank):
    beh = q["cs-beh-01"]
    first_point = beh.rubric[0].id
    rated_session(database, users["inter"], "候选人甲", beh, {first_point: 0})
    rated_session(database, users["inter2"], "候选人乙", beh, {})
    practise(database, users["cand"], beh, all_(beh, "covered"))  # no session links it

    mine = cohort.build_cohort(database, users["inter"], bank.questions)
    assert [c.label for c in mine.candidates] == ["候选人甲"]
    assert mine.candidates[0].username is None  # a named external candidate
    assert mine.cells[0].source == "session"
    # the interviewer's rating (0) outranks the machine's "covered"
    assert mine.missed[0].point_id == first_point and mine.missed[0].missing == 1
    assert cohort.visible_interviewers(database, users["inter"]) == [
        (users["inter"].user_id, "Inter")
    ]
    with pytest.raises(PermissionDenied):
        cohort.build_cohort(
            database,
            users["inter"],
            bank.questions,
            CohortFilters(interviewer_id=users["inter2"].user_id),
        )

    everyone = cohort.build_cohort(database, users["train"], bank.questions)
    assert {c.label for c in everyone.candidates} == {"候选人甲", "候选人乙", "Cand (cand)"}
    assert {i for i, _ in cohort.visible_interviewers(database, users["train"])} == {
        users["inter"].user_id,
        users["inter2"].user_id,
    }
    theirs = cohort.build_cohort(
        database,
        users["train"],
        bank.questions,
        CohortFilters(interviewer_id=users["inter2"].user_id),
    )
    assert [c.label for c in theirs.candidates] == ["候选人乙"]  # practice has no interviewer


def test_an_interviewer_sees_the_practice_of_a_candidate_account_they_interviewed(
    database, users, q, bank
):
    beh, sit = q["cs-beh-01"], q["cs-sit-01"]
    mock = sessions.create_session(
        database,
        users["inter"],
        "Cand",
        [beh.id],
        "",
        "zh",
        candidate_user_id=users["cand"].user_id,
    )
    sessions.save_answer(
        database,
        users["inter"],
        mock.id,
        beh.id,
        answer="答案",
        report=machine(beh, all_(beh, "covered")),
    )
    practise(database, users["cand"], sit, all_(sit, "partial"))
    practise(database, users["cand2"], sit, all_(sit, "covered"))  # never interviewed
    report = cohort.build_cohort(database, users["inter"], bank.questions)
    assert [c.username for c in report.candidates] == ["cand"]  # one row for the account
    assert {c.question_id: c.source for c in report.cells} == {
        "cs-beh-01": "session",
        "cs-sit-01": "practice",
    }
    everyone = cohort.build_cohort(database, users["train"], bank.questions)
    assert sorted(c.username for c in everyone.candidates) == ["cand", "cand2"]


def test_filters_by_bank_dates_and_kind_of_answer(database, users, q, bank):
    beh, sit = q["cs-beh-01"], q["cs-sit-01"]
    now = datetime.now(UTC)
    practise(database, users["cand"], beh, all_(beh, "covered"), now - timedelta(days=10))
    practise(database, users["cand"], sit, all_(sit, "covered"), now - timedelta(days=1))
    mock_id = rated_session(database, users["inter"], "候选人甲", beh, {})
    with database.transaction() as session:
        session.execute(
            update(SessionAnswer)
            .where(SessionAnswer.session_id == mock_id)
            .values(updated_at=now - timedelta(days=20))
        )
    trainer = users["train"]

    def shown(**filters) -> set[tuple[str, str]]:
        report = cohort.build_cohort(database, trainer, bank.questions, CohortFilters(**filters))
        return {(c.candidate.split(":")[0], c.question_id) for c in report.cells}

    assert shown() == {("user", "cs-beh-01"), ("user", "cs-sit-01"), ("name", "cs-beh-01")}
    today = now.date()
    assert shown(since=today - timedelta(days=2)) == {("user", "cs-sit-01")}
    assert shown(until=today - timedelta(days=5)) == {("user", "cs-beh-01"), ("name", "cs-beh-01")}
    ten_days_ago = (now - timedelta(days=10)).date()
    assert shown(since=ten_days_ago, until=ten_days_ago) == {("user", "cs-beh-01")}
    assert shown(practice=False) == {("name", "cs-beh-01")}
    assert shown(sessions=False) == {("user", "cs-beh-01"), ("user", "cs-sit-01")}
    assert shown(bank_id="no-such-bank") == set()
    assert shown(bank_id=beh.bank) == shown()
    with pytest.raises(ValidationFailed) as refused:
        shown(since=today, until=today - timedelta(days=1))
    assert refused.value.problems[0].field == "until"
    assert "早于" in refused.value.problems[0].text("zh")


def test_answers_to_questions_no_longer_in_the_bank_are_left_out(database, users, q, bank):
    beh, sit = q["cs-beh-01"], q["cs-sit-01"]
    practise(database, users["cand"], beh, all_(beh, "covered"))
    practise(database, users["cand"], sit, all_(sit, "missing"))
    report = cohort.build_cohort(database, users["train"], [beh])
    assert report.question_ids == ("cs-beh-01",)
    assert {p.question_id for p in report.missed} == {"cs-beh-01"}


def test_the_seeded_cohort_fills_every_cell(database, users, bank):
    questions = bank.questions[:8]
    seeded = seed_cohort(
        database,
        questions,
        candidates=12,
        attempts_per_question=2,
        interviewer_ids=[users["inter"].user_id],
        sessions_per_interviewer=3,
        now=datetime(2026, 6, 30, tzinfo=UTC),
    )
    assert len(seeded.candidate_ids) == 12 and seeded.attempts == 12 * 8 * 2
    report = cohort.build_cohort(database, users["train"], questions, CohortFilters(sessions=False))
    assert len(report.candidates) == 12 and len(report.cells) == 12 * 8
    assert report.question_ids == tuple(x.id for x in questions)
    scores = sorted(c.score for c in report.cells)
    assert scores[0] < 40 < 60 < scores[-1]  # strong and weak answers both
    assert report.missed[0].missed_share > report.missed[-1].missed_share
    assert cohort.build_cohort(
        database, users["inter"], questions, CohortFilters(since=date(2026, 1, 1))
    ).cells  # the interviewer sees their seeded sessions


def test_the_revision_changes_when_an_answer_is_saved(database, users, q):
    before = cohort.revision(database)
    assert cohort.revision(database) == before
    practise(database, users["cand"], q["cs-beh-01"], all_(q["cs-beh-01"], "covered"))
    assert cohort.revision(database) != before
