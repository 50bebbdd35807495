"""Mock sessions: set up, saved piece by piece, resumed, kept to their interviewer, reported."""

from __future__ import annotations

import pytest

from scoring.report import PointResult, ScoreReport
from services import accounts, sessions
from services.errors import NotFound, PermissionDenied, ValidationFailed
from storage.db import Database

PASSWORD = "correct-horse-9"


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'sessions.sqlite3'}")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def people(db):
    admin = accounts.create_first_admin(db, "admin", PASSWORD, "Admin")
    made = {"admin": admin}
    for username, role in (
        ("inter", "interviewer"),
        ("inter2", "interviewer"),
        ("cand", "candidate"),
    ):
        made[username] = accounts.create_user(db, admin, username, PASSWORD, role, f"Ms {username}")
    return made  # fmt: skip


def machine(question, status: str = "covered") -> ScoreReport:
    return ScoreReport(
        question_id=question.id,
        category=question.category,
        language="zh",
        points_possible=float(question.points),
        points_score=float(question.points) if status == "covered" else 0.0,
        score=100.0 if status == "covered" else 0.0,
        points=tuple(
            PointResult(p.id, p.text.zh, p.weight, 0.9, status, None, None)  # type: ignore[arg-type]
            for p in question.rubric
        ),
    )


def test_the_seed_exam_has_the_seed_shape(bank):
    chosen = sessions.seed_exam(list(bank.questions))
    categories = [bank.question(i).category for i in chosen]
    assert [categories.count(c) for c in sessions.SEED_EXAM_SHAPE] == [5, 4, 3, 2]
    assert sessions.seed_exam(list(bank.questions), "no-such-bank") == []


def test_a_session_needs_a_candidate_questions_and_a_language(db, people):
    with pytest.raises(ValidationFailed) as refused:
        sessions.create_session(db, people["inter"], " ", ["a", "a"], language="fr")
    fields = {p.field for p in refused.value.problems}
    assert fields == {"candidate_name", "question_ids", "language"}
    with pytest.raises(PermissionDenied):
        sessions.create_session(db, people["cand"], "王小明", ["cs-beh-01"])


def test_answers_are_saved_piece_by_piece_and_resumed(db, people, bank):
    inter = people["inter"]
    view = sessions.create_session(db, inter, " 王小明 ", ["cs-beh-01", "cs-sit-01"])
    assert (view.candidate_name, view.title, view.answered) == ("王小明", "王小明", 0)
    sessions.save_answer(db, inter, view.id, "cs-beh-01", answer="我先单独谈话。")
    sessions.save_answer(db, inter, view.id, "cs-beh-01", point_ratings={"p1": 2})
    sessions.save_answer(db, inter, view.id, "cs-beh-01", point_ratings={"p2": 0}, notes="好")
    sessions.move_to(db, inter, view.id, 99)

    again = sessions.get_session(db, inter, view.id)
    saved = again.answer("cs-beh-01")
    assert (saved.answer, saved.point_ratings, saved.notes) == (
        "我先单独谈话。",
        {"p1": 2, "p2": 0},
        "好",
    )
    assert again.answered == 1 and again.current_index == 1
    assert again.current_question_id == "cs-sit-01"
    assert not again.answer("cs-sit-01").touched
    with pytest.raises(ValidationFailed):
        sessions.save_answer(db, inter, view.id, "cs-beh-01", overall_rating=6)
    with pytest.raises(NotFound):
        sessions.save_answer(db, inter, view.id, "cs-tec-01", answer="x")  # fmt: skip


def test_the_machine_is_hidden_until_the_whole_answer_is_rated(db, people, bank):
    inter = people["inter"]
    view = sessions.create_session(db, inter, "王小明", ["cs-beh-01"])
    report = machine(bank.question("cs-beh-01"))
    sessions.save_answer(db, inter, view.id, "cs-beh-01", report=report, point_ratings={"p1": 1})
    assert not sessions.get_session(db, inter, view.id).machine_visible("cs-beh-01")
    sessions.save_answer(db, inter, view.id, "cs-beh-01", overall_rating=3)
    assert sessions.get_session(db, inter, view.id).machine_visible("cs-beh-01")

    early = sessions.create_session(db, inter, "王小明", ["cs-beh-01"], show_machine_early=True)
    assert early.machine_visible("cs-beh-01")
    sessions.set_show_machine_early(db, inter, early.id, False)
    assert not sessions.get_session(db, inter, early.id).machine_visible("cs-beh-01")


def test_only_the_interviewer_or_an_admin_sees_a_session(db, people):
    view = sessions.create_session(db, people["inter"], "王小明", ["cs-beh-01"])
    for other, action in (
        ("inter2", lambda a: sessions.get_session(db, a, view.id)),
        ("inter2", lambda a: sessions.save_answer(db, a, view.id, "cs-beh-01", answer="x")),
        ("inter2", lambda a: sessions.set_status(db, a, view.id, "finished")),
        ("cand", lambda a: sessions.list_sessions(db, a)),
    ):
        with pytest.raises(PermissionDenied):
            action(people[other])
    assert sessions.list_sessions(db, people["inter2"]) == []
    assert [v.id for v in sessions.list_sessions(db, people["admin"])] == [view.id]
    assert sessions.get_session(db, people["admin"], view.id).candidate_name == "王小明"


def test_the_report_takes_what_was_recorded(db, people, bank):
    inter = people["inter"]
    ids = ["cs-beh-01", "cs-beh-02", "cs-sit-01"]
    view = sessions.create_session(db, inter, "王小明", ids, title="第一轮")
    beh = bank.question("cs-beh-01")
    sessions.save_answer(
        db, inter, view.id, "cs-beh-01", answer="回答", report=machine(beh),
        point_ratings={"p1": 2, "p2": 0}, overall_rating=4, notes="备注",
    )  # fmt: skip
    sessions.save_answer(db, inter, view.id, "cs-sit-01", notes="没有作答")
    sessions.save_answer(db, inter, view.id, "cs-sit-01", point_ratings={"gone": 1})

    rated = sessions.rated_answers(sessions.get_session(db, inter, view.id), bank.questions)
    assert [r.question.id for r in rated] == ["cs-beh-01", "cs-sit-01"]  # cs-beh-02: untouched
    assert rated[0].point_ratings == {"p1": 2, "p2": 0} and rated[0].machine is not None
    assert rated[1].point_ratings == {}  # a point the question no longer has is dropped

    missing_one = [q for q in bank.questions if q.id != "cs-sit-01"]
    report = sessions.session_report(db, inter, view.id, missing_one, "en")
    assert (report.candidate, report.interviewer, report.title) == ("王小明", "Ms inter", "第一轮")
    assert [q.question_id for q in report.questions] == ["cs-beh-01"]
    assert report.questions[0].title == beh.title.en
    assert report.machine_overall == 100.0
    with pytest.raises(PermissionDenied):
        sessions.session_report(db, people["inter2"], view.id, bank.questions, "zh")
