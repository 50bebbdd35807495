"""Mock interview sessions: set up, answered, rated and resumed; interviewers see their own.

A session may name the candidate's account: that candidate then finds it, once finished, under
My progress with the candidate's report (`candidate_sessions`, `candidate_report`), which
holds no agreement statistics and no notes the interviewer did not share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from question_bank.schema import Question
from scoring.engine import MAX_ANSWER_CHARS
from scoring.report import ScoreReport
from services.accounts import Actor, require
from services.errors import (
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    nul_problem,
    strip_blank,
)
from services.session_report import (
    FollowUpAnswer,
    RatedAnswer,
    SessionReport,
    build_report,
    candidate_view,
)
from storage.db import Database
from storage.models import MockSession, SessionAnswer, SessionFollowUp, User

SEED_EXAM_SHAPE = {"behavioral": 5, "situational": 4, "technical": 3, "stress": 2}
MAX_NOTES_CHARS = 20_000


@dataclass(frozen=True)
class AnswerView:
    question_id: str
    answer: str = ""
    report: ScoreReport | None = None
    point_ratings: dict[str, int] = field(default_factory=dict)
    overall_rating: int | None = None
    notes: str = ""
    notes_shared: bool = False
    follow_ups: tuple[FollowUpAnswer, ...] = ()

    @property
    def rated(self) -> bool:
        return self.overall_rating is not None or bool(self.point_ratings)

    @property
    def answered(self) -> bool:
        return bool(self.answer.strip())

    @property
    def touched(self) -> bool:
        """Anything was recorded for the question: answer, machine score, rating or notes."""
        return self.answered or self.report is not None or self.rated or bool(self.notes.strip())


@dataclass(frozen=True)
class SessionView:
    id: int
    interviewer_id: int
    candidate_name: str
    title: str
    language: str
    question_ids: list[str]
    show_machine_early: bool
    current_index: int
    status: str
    created_at: datetime
    updated_at: datetime
    answers: dict[str, AnswerView]
    candidate_user_id: int | None = None

    def answer(self, question_id: str) -> AnswerView:
        return self.answers.get(question_id) or AnswerView(question_id)

    @property
    def answered(self) -> int:
        """How many of the session's questions have an answer."""
        return sum(self.answer(q).answered for q in self.question_ids)

    @property
    def current_question_id(self) -> str:
        return self.question_ids[min(self.current_index, len(self.question_ids) - 1)]

    def machine_visible(self, question_id: str) -> bool:
        """Whether the interviewer may see the machine's scoring of this answer yet.

        Hidden until the interviewer has rated the whole answer, so that the machine does not
        anchor their judgement, unless the session shows it early.
        """
        return self.show_machine_early or self.answer(question_id).overall_rating is not None


@dataclass(frozen=True)
class CandidateAccount:
    """A candidate's account an interviewer can run a session for."""

    user_id: int
    username: str
    display_name: str


def candidate_accounts(db: Database, actor: Actor) -> list[CandidateAccount]:
    """The active candidate accounts, by display name (interviewers, trainers, admins)."""
    require(actor, "interviewer", "trainer")
    with db.read() as session:
        rows = session.scalars(
            select(User)
            .where(User.role == "candidate", User.active.is_(True))
            .order_by(User.display_name, User.username)
        ).all()
        return [CandidateAccount(u.id, u.username, u.display_name) for u in rows]


def seed_exam(questions: list[Question], bank_id: str | None = None) -> list[str]:
    """The seed's exam shape (5 behavioral, 4 situational, 3 technical, 2 stress), in bank order.

    Takes as many of each category as the bank has when it has fewer.
    """
    chosen: list[str] = []
    for category, count in SEED_EXAM_SHAPE.items():
        pool = [q for q in questions if q.category == category and bank_id in (None, q.bank)]
        chosen += [q.id for q in pool[:count]]
    return chosen


def create_session(
    db: Database,
    actor: Actor,
    candidate_name: str,
    question_ids: list[str],
    title: str = "",
    language: str = "zh",
    show_machine_early: bool = False,
    candidate_user_id: int | None = None,
) -> SessionView:
    """Set up a session for a named candidate, or for a candidate's account.

    Args:
        candidate_name: the candidate's name; with an account, blank means the account's
            display name.
        candidate_user_id: the candidate's account (an active candidate), or None for an
            external candidate known by name only.
    """
    require(actor, "interviewer", "trainer")
    problems = []
    if candidate_user_id is not None:
        account = _candidate_account(db, candidate_user_id)
        if account is None:
            problems.append(FieldProblem("candidate_user_id", "no active candidate account"))
        elif not strip_blank(candidate_name):
            candidate_name = account.display_name
    name = strip_blank(candidate_name)  # zero-width spaces alone count as blank
    if not name or len(name) > 128:
        problems.append(FieldProblem("candidate_name", "required, at most 128 characters"))
    if not question_ids:
        problems.append(FieldProblem("question_ids", "choose at least one question"))
    if len(set(question_ids)) != len(question_ids):
        problems.append(FieldProblem("question_ids", "a question is listed twice"))
    if language not in ("zh", "en"):
        problems.append(FieldProblem("language", "must be zh or en"))
    problems += _nul_problems(candidate_name=candidate_name, title=title)
    if problems:
        raise ValidationFailed(problems)
    with db.transaction() as session:
        row = MockSession(
            interviewer_id=actor.user_id,
            candidate_name=name,
            title=strip_blank(title)[:200] or name,
            language=language,
            question_ids=list(question_ids),
            show_machine_early=show_machine_early,
            candidate_user_id=candidate_user_id,
        )
        session.add(row)
        session.flush()
        return _view(row, [])


def list_sessions(db: Database, actor: Actor) -> list[SessionView]:
    """The sessions the actor ran (an admin sees all), newest first."""
    require(actor, "interviewer", "trainer")
    with db.read() as session:
        query = select(MockSession).order_by(MockSession.id.desc())
        if actor.role != "admin":
            query = query.where(MockSession.interviewer_id == actor.user_id)
        rows = session.scalars(query).all()
        return [_view(row, _answers(session, row.id)) for row in rows]


def candidate_sessions(db: Database, actor: Actor) -> list[SessionView]:
    """The finished sessions run for the actor's own account, newest first ([] for a guest)."""
    if actor.user_id is None:
        return []
    with db.read() as session:
        rows = session.scalars(
            select(MockSession)
            .where(
                MockSession.candidate_user_id == actor.user_id,
                MockSession.status == "finished",
            )
            .order_by(MockSession.id.desc())
        ).all()
        return [_view(row, []) for row in rows]


def candidate_report(
    db: Database, actor: Actor, session_id: int, questions: Iterable[Question], language: str
) -> SessionReport:
    """The candidate's report of a finished session run for the actor's own account.

    Any other session (someone else's, not finished, not there) is answered NotFound alike,
    so a candidate learns nothing about sessions that are not theirs.
    """
    with db.read() as session:
        row = session.get(MockSession, session_id)
        if (
            row is None
            or actor.user_id is None
            or row.candidate_user_id != actor.user_id
            or row.status != "finished"
        ):
            raise NotFound(
                f"No finished session {session_id} of yours.",
                f"没有属于你的已结束模拟面试（编号 {session_id}）。",
            )
        view = _view(row, _answers(session, row.id), _follow_ups(session, row.id))
    return candidate_view(_build(db, view, questions, language))


def get_session(db: Database, actor: Actor, session_id: int) -> SessionView:
    with db.read() as session:
        row = _own(session, actor, session_id)
        return _view(row, _answers(session, row.id), _follow_ups(session, row.id))


def save_follow_up(
    db: Database,
    actor: Actor,
    session_id: int,
    question_id: str,
    point_id: str,
    prompt: str,
    answer: str,
    point_statuses: dict[str, str],
) -> FollowUpAnswer:
    """Record a follow-up asked about a missed point, the candidate's answer and the status
    the answer earned for each point it was scored against.

    Args:
        point_id: the rubric point the follow-up aimed at.
        prompt: the follow-up question as asked.
        answer: the candidate's answer (not blank).
        point_statuses: point id -> "covered", "partial" or "missing" after the follow-up.
    """
    problems = []
    if not strip_blank(answer):
        problems.append(
            FieldProblem(
                "follow_up_answer",
                "type the candidate's answer to the follow-up first",
                "请先填写候选人对追问的回答",
            )
        )
    elif len(answer) > MAX_ANSWER_CHARS:
        problems.append(
            FieldProblem(
                "follow_up_answer",
                f"at most {MAX_ANSWER_CHARS:,} characters",
                f"最多 {MAX_ANSWER_CHARS:,} 个字符",
            )
        )
    if any(status not in ("covered", "partial", "missing") for status in point_statuses.values()):
        problems.append(FieldProblem("point_statuses", "covered, partial or missing"))
    problems += _nul_problems(follow_up_answer=answer, prompt=prompt)
    if problems:
        raise ValidationFailed(problems)
    with db.transaction() as session:
        parent = _own(session, actor, session_id)
        if question_id not in parent.question_ids:
            raise NotFound(
                f"{question_id} is not part of session {session_id}.",
                f"{question_id} 不在第 {session_id} 场模拟面试中。",
            )
        session.add(
            SessionFollowUp(
                session_id=session_id,
                question_id=question_id,
                point_id=point_id,
                prompt=prompt,
                answer=answer,
                point_statuses=dict(point_statuses),
            )
        )
        parent.updated_at = datetime.now(UTC)
    return FollowUpAnswer(prompt, answer, dict(point_statuses))


def save_answer(
    db: Database,
    actor: Actor,
    session_id: int,
    question_id: str,
    *,
    answer: str | None = None,
    report: ScoreReport | None = None,
    point_ratings: dict[str, int] | None = None,
    overall_rating: int | None = None,
    notes: str | None = None,
    notes_shared: bool | None = None,
) -> AnswerView:
    """Save what is given for one question of a session; what is not given stays as it was.

    A changed answer text without a new machine report drops the old report (it scored
    other words), so the machine's scoring is never shown for text it did not read.
    """
    problems = []
    if answer is not None and len(answer) > MAX_ANSWER_CHARS:
        problems.append(FieldProblem("answer", f"at most {MAX_ANSWER_CHARS:,} characters"))
    if notes is not None and len(notes) > MAX_NOTES_CHARS:
        problems.append(FieldProblem("notes", f"at most {MAX_NOTES_CHARS:,} characters"))
    if overall_rating is not None and overall_rating not in range(1, 6):
        problems.append(FieldProblem("overall_rating", "must be 1 to 5"))
    for point_id, rating in (point_ratings or {}).items():
        if rating not in (0, 1, 2):
            problems.append(FieldProblem(f"point_ratings.{point_id}", "must be 0, 1 or 2"))
    problems += _nul_problems(answer=answer, notes=notes)
    if problems:
        raise ValidationFailed(problems)
    with db.transaction() as session:
        db.lock(session, f"mock-session:{session_id}")  # two saves creating the same answer row
        parent = _own(session, actor, session_id)
        if question_id not in parent.question_ids:
            raise NotFound(
                f"{question_id} is not part of session {session_id}.",
                f"{question_id} 不在第 {session_id} 场模拟面试中。",
            )
        row = session.scalar(
            select(SessionAnswer).where(
                SessionAnswer.session_id == session_id, SessionAnswer.question_id == question_id
            )
        )
        if row is None:
            row = SessionAnswer(session_id=session_id, question_id=question_id, point_ratings={})
            session.add(row)
        if answer is not None:
            if report is None and row.report is not None and answer != (row.answer or ""):
                row.report = None
            row.answer = answer
        if report is not None:
            row.report = report.to_dict()
        if point_ratings is not None:
            row.point_ratings = {**(row.point_ratings or {}), **point_ratings}
        if overall_rating is not None:
            row.overall_rating = overall_rating
        if notes is not None:
            row.notes = notes
        if notes_shared is not None:
            row.notes_shared = bool(notes_shared)
        row.updated_at = parent.updated_at = datetime.now(UTC)
        session.flush()
        return _answer_view(row)


def move_to(db: Database, actor: Actor, session_id: int, index: int) -> None:
    with db.transaction() as session:
        row = _own(session, actor, session_id)
        row.current_index = max(0, min(index, len(row.question_ids) - 1))
        row.updated_at = datetime.now(UTC)


def set_status(db: Database, actor: Actor, session_id: int, status: str) -> None:
    if status not in ("active", "finished"):
        raise ValidationFailed([FieldProblem("status", "must be active or finished")])
    with db.transaction() as session:
        row = _own(session, actor, session_id)
        row.status = status
        row.updated_at = datetime.now(UTC)


def set_show_machine_early(db: Database, actor: Actor, session_id: int, show: bool) -> None:
    with db.transaction() as session:
        _own(session, actor, session_id).show_machine_early = show


def questions_of(view: SessionView, questions: Iterable[Question]) -> dict[str, Question]:
    """The session's questions found in `questions` (the live bank), by id, in session order.

    A question deleted from the bank since the session was set up is left out.
    """
    by_id = {q.id: q for q in questions}
    return {qid: by_id[qid] for qid in view.question_ids if qid in by_id}


def rated_answers(view: SessionView, questions: Iterable[Question]) -> list[RatedAnswer]:
    """The session's answers in asking order, as the report needs them.

    Args:
        view: the session.
        questions: the bank's questions (the session's are looked up by id).

    Returns:
        One `RatedAnswer` per question with anything recorded (answer, machine score, rating
        or notes); ratings of rubric points the question no longer has are dropped.
    """
    result = []
    for question_id, question in questions_of(view, questions).items():
        answer = view.answer(question_id)
        if not answer.touched:
            continue
        known = {p.id for p in question.rubric}
        machine = answer.report
        if machine is not None and machine.question_id not in (None, question_id):
            machine = None
        result.append(
            RatedAnswer(
                question,
                answer.answer,
                machine,
                {p: r for p, r in answer.point_ratings.items() if p in known},
                answer.overall_rating,
                answer.notes,
                answer.notes_shared,
                answer.follow_ups,
            )
        )
    return result


def session_report(
    db: Database, actor: Actor, session_id: int, questions: Iterable[Question], language: str
) -> SessionReport:
    """The report of one of the actor's sessions (see `services.session_report.build_report`).

    Args:
        db: the database.
        actor: who asks; only the session's interviewer or an admin may.
        session_id: the session.
        questions: the bank's questions.
        language: "zh" or "en", for the bank's texts in the report.
    """
    return _build(db, get_session(db, actor, session_id), questions, language)


def _build(
    db: Database, view: SessionView, questions: Iterable[Question], language: str
) -> SessionReport:
    with db.read() as session:
        interviewer = session.get(User, view.interviewer_id)
        interviewer_name = interviewer.display_name if interviewer else str(view.interviewer_id)
    return build_report(
        view.candidate_name,
        interviewer_name,
        view.title,
        rated_answers(view, questions),
        language=language,
        created_at=view.created_at.replace(microsecond=0),
    )


def _candidate_account(db: Database, user_id: int) -> User | None:
    with db.read() as session:
        user = session.get(User, user_id)
        return user if user is not None and user.role == "candidate" and user.active else None


def _nul_problems(**texts: str | None) -> list[FieldProblem]:
    """Texts holding a NUL character, which PostgreSQL cannot store: refused on every backend."""
    return [p for name, text in texts.items() if (p := nul_problem(name, text)) is not None]


def _own(session: Any, actor: Actor, session_id: int) -> MockSession:
    require(actor, "interviewer", "trainer")
    row = session.get(MockSession, session_id)
    if row is None:
        raise NotFound(f"No session {session_id}.", f"没有编号为 {session_id} 的模拟面试。")
    if row.interviewer_id != actor.user_id and actor.role != "admin":
        raise PermissionDenied(
            "This session was run by another interviewer.",
            "这场模拟面试由其他面试官主持，无权查看。",
        )
    return row


def _answers(session: Any, session_id: int) -> list[SessionAnswer]:
    return list(
        session.scalars(select(SessionAnswer).where(SessionAnswer.session_id == session_id))
    )


def _follow_ups(session: Any, session_id: int) -> dict[str, tuple[FollowUpAnswer, ...]]:
    rows = session.scalars(
        select(SessionFollowUp)
        .where(SessionFollowUp.session_id == session_id)
        .order_by(SessionFollowUp.id)
    )
    found: dict[str, list[FollowUpAnswer]] = {}
    for row in rows:
        found.setdefault(row.question_id, []).append(
            FollowUpAnswer(row.prompt, row.answer, dict(row.point_statuses or {}))
        )
    return {question_id: tuple(items) for question_id, items in found.items()}


def _answer_view(row: SessionAnswer, follow_ups: tuple[FollowUpAnswer, ...] = ()) -> AnswerView:
    return AnswerView(
        row.question_id,
        row.answer or "",
        ScoreReport.from_dict(row.report) if row.report else None,
        {k: int(v) for k, v in (row.point_ratings or {}).items()},
        row.overall_rating,
        row.notes or "",
        bool(row.notes_shared),
        follow_ups,
    )


def _view(
    row: MockSession,
    answers: list[SessionAnswer],
    follow_ups: dict[str, tuple[FollowUpAnswer, ...]] | None = None,
) -> SessionView:
    follow_ups = follow_ups or {}
    return SessionView(
        row.id,
        row.interviewer_id,
        row.candidate_name,
        row.title,
        row.language,
        list(row.question_ids),
        row.show_machine_early,
        row.current_index,
        row.status,
        row.created_at,
        row.updated_at,
        {a.question_id: _answer_view(a, follow_ups.get(a.question_id, ())) for a in answers},
        row.candidate_user_id,
    )
