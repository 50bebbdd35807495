"""Sessions for a candidate's account: who may read which report, and what it holds."""

from __future__ import annotations

import pytest

from services import accounts, sessions
from services.errors import NotFound, PermissionDenied, ValidationFailed
from services.report_render import to_csv, to_html, to_json
from storage.db import Database
from tests.services.test_sessions import PASSWORD, machine

PRIVATE = "私下：候选人紧张，语速过快"
SHARED = "结构清楚，下次补充数据结果。"


@pytest.fixture
def db(database_url):
    """SQLite, and PostgreSQL where INTERVIEW_TEST_POSTGRES_URL is set."""
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def people(db):
    admin = accounts.create_first_admin(db, "admin", PASSWORD, "Admin")
    made = {"admin": admin}
    for username, role in (
        ("inter", "interviewer"),
        ("chen", "candidate"),
        ("liu", "candidate"),
        ("trainer", "trainer"),
    ):
        made[username] = accounts.create_user(
            db, admin, username, PASSWORD, role, f"{username}同学"
        )
    return made  # fmt: skip


@pytest.fixture
def finished(db, people, bank):
    """A finished session for chen's account: one answer scored and rated, with one private
    and one shared comment."""
    inter = people["inter"]
    view = sessions.create_session(
        db, inter, "", ["cs-beh-01", "cs-sit-01"], "一面", candidate_user_id=people["chen"].user_id
    )
    beh, sit = bank.question("cs-beh-01"), bank.question("cs-sit-01")
    sessions.save_answer(
        db, inter, view.id, "cs-beh-01", answer="我先单独谈话。", report=machine(beh)
    )
    sessions.save_answer(db, inter, view.id, "cs-beh-01", overall_rating=4, notes=PRIVATE)
    sessions.save_answer(db, inter, view.id, "cs-sit-01", answer="先安抚客户。")
    sessions.save_answer(
        db, inter, view.id, "cs-sit-01", report=machine(sit, "missing"), overall_rating=2
    )
    sessions.save_answer(db, inter, view.id, "cs-sit-01", notes=SHARED, notes_shared=True)
    sessions.set_status(db, inter, view.id, "finished")
    return view


def test_candidate_accounts_lists_active_candidates_only(db, people):
    names = [a.username for a in sessions.candidate_accounts(db, people["inter"])]
    assert names == ["chen", "liu"]
    accounts.update_user(db, people["admin"], people["liu"].user_id, active=False)
    assert [a.username for a in sessions.candidate_accounts(db, people["inter"])] == ["chen"]
    with pytest.raises(PermissionDenied):
        sessions.candidate_accounts(db, people["chen"])


def test_a_session_for_an_account_takes_its_name_and_refuses_other_accounts(db, people):
    view = sessions.create_session(
        db, people["inter"], " ", ["cs-beh-01"], candidate_user_id=people["chen"].user_id
    )
    assert view.candidate_name == "chen同学" and view.candidate_user_id == people["chen"].user_id
    for not_a_candidate in (people["trainer"].user_id, 10_000):
        with pytest.raises(ValidationFailed) as refused:
            sessions.create_session(
                db, people["inter"], "x", ["cs-beh-01"], candidate_user_id=not_a_candidate
            )
        assert {p.field for p in refused.value.problems} == {"candidate_user_id"}
    external = sessions.create_session(db, people["inter"], "外部候选人", ["cs-beh-01"])
    assert external.candidate_user_id is None


def test_the_candidate_sees_only_their_finished_sessions(db, people, finished):
    assert [v.id for v in sessions.candidate_sessions(db, people["chen"])] == [finished.id]
    assert sessions.candidate_sessions(db, people["liu"]) == []
    running = sessions.create_session(
        db, people["inter"], "", ["cs-beh-01"], candidate_user_id=people["chen"].user_id
    )
    assert running.id not in [v.id for v in sessions.candidate_sessions(db, people["chen"])]


def test_nobody_else_reads_a_candidate_report(db, people, finished, bank):
    questions = bank.questions
    for reader in ("liu", "inter", "trainer", "admin"):  # not the candidate of that session
        with pytest.raises(NotFound):
            sessions.candidate_report(db, people[reader], finished.id, questions, "zh")
    with pytest.raises(NotFound):
        sessions.candidate_report(db, people["chen"], finished.id + 1, questions, "zh")
    sessions.set_status(db, people["inter"], finished.id, "active")  # reopened: not readable
    with pytest.raises(NotFound):
        sessions.candidate_report(db, people["chen"], finished.id, questions, "zh")


def test_the_candidate_report_holds_scores_points_and_shared_comments_only(
    db, people, finished, bank
):
    report = sessions.candidate_report(db, people["chen"], finished.id, bank.questions, "zh")
    assert report.audience == "candidate" and report.agreement is None
    assert report.candidate == "chen同学"
    beh, sit = report.questions
    assert beh.notes == "" and sit.notes == SHARED  # private notes are not in the object
    assert beh.difference is None and all(c.difference is None for c in report.categories)
    assert beh.interviewer_score == 75.0 and beh.machine_score == 100.0
    assert [p.status for p in beh.points] == ["covered"] * len(beh.points)
    assert {p.status for p in sit.points} == {"missing"}
    assert report.recommendations  # next steps
    for text in (to_html(report), to_csv(report), to_json(report)):
        assert PRIVATE not in text and SHARED in text
        assert "Cohen" not in text and "κ" not in text and "Spearman" not in text


def test_the_interviewer_keeps_the_full_report(db, people, finished, bank):
    report = sessions.session_report(db, people["inter"], finished.id, bank.questions, "zh")
    assert report.audience == "interviewer" and report.agreement is not None
    page = to_html(report)
    assert PRIVATE in page and SHARED in page and "Cohen" in page
    assert PRIVATE not in to_html(report, include_private_notes=False)
    assert SHARED in to_html(report, include_private_notes=False)


def test_a_changed_answer_drops_the_stale_machine_report(db, people, bank):
    inter = people["inter"]
    view = sessions.create_session(db, inter, "王", ["cs-beh-01"])
    beh = bank.question("cs-beh-01")
    sessions.save_answer(db, inter, view.id, "cs-beh-01", answer="一", report=machine(beh))
    sessions.save_answer(db, inter, view.id, "cs-beh-01", answer="一")  # same text: kept
    assert sessions.get_session(db, inter, view.id).answer("cs-beh-01").report is not None
    sessions.save_answer(db, inter, view.id, "cs-beh-01", answer="二")
    assert sessions.get_session(db, inter, view.id).answer("cs-beh-01").report is None


def test_a_follow_up_that_covers_a_missed_point_shows_as_lifted(db, people, bank):
    inter = people["inter"]
    view = sessions.create_session(
        db, inter, "", ["cs-sit-01"], candidate_user_id=people["chen"].user_id
    )
    sit = bank.question("cs-sit-01")
    sessions.save_answer(
        db, inter, view.id, "cs-sit-01", answer="先安抚。", report=machine(sit, "missing")
    )
    with pytest.raises(ValidationFailed) as refused:
        sessions.save_follow_up(db, inter, view.id, "cs-sit-01", "p1", "追问？", " ", {})
    assert refused.value.problems[0].text("zh") == "请先填写候选人对追问的回答"
    with pytest.raises(PermissionDenied):
        sessions.save_follow_up(db, people["chen"], view.id, "cs-sit-01", "p1", "追问？", "答", {})
    sessions.save_follow_up(
        db, inter, view.id, "cs-sit-01", "p1", "那之后你怎么做？", "立即启动预案。",
        {"p1": "covered", "p2": "missing"},
    )  # fmt: skip
    sessions.set_status(db, inter, view.id, "finished")
    report = sessions.candidate_report(db, people["chen"], view.id, bank.questions, "zh")
    (row,) = report.questions
    assert row.follow_ups[0].question == "那之后你怎么做？" and row.follow_ups[0].lifted == ("p1",)
    points = {p.point_id: p for p in row.points}
    assert points["p1"].status == "covered" and points["p1"].lifted_by_follow_up
    assert points["p2"].status == "missing" and not points["p2"].lifted_by_follow_up
    assert "p1" not in {g.point_id for g in report.gaps}
    assert "经追问补上" in to_html(report)
