"""The cohort view: every candidate's latest answer to every question, computed once.

`build_cohort` reads practice attempts of candidate accounts and mock-session answers and
returns a `CohortReport`: plain, frozen data that the page draws as heat maps and tables and
that the CSV and Excel downloads render (one report, many renderers).

Who may see whom:
- trainers and administrators: every candidate account's practice and every mock session;
- interviewers: only the candidates of the mock sessions they ran (their practice too, where
  the session is linked to the candidate's account);
- candidates and guests: nobody (their own progress is on My progress).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import func, select

from question_bank.schema import Question
from services.accounts import Actor, require
from services.errors import FieldProblem, PermissionDenied, ValidationFailed
from services.names import POINT_LEVELS
from storage.db import Database
from storage.models import Attempt, MockSession, SessionAnswer, User

Source = Literal["practice", "session"]
CHUNK = 500  # ids per IN (...) query: well under SQLite's and PostgreSQL's limits


@dataclass(frozen=True)
class CohortFilters:
    """What to include. Dates are inclusive calendar days (UTC); None means no limit.

    Args:
        bank_id: only questions of this bank.
        since, until: only answers given on or between these days.
        interviewer_id: only mock sessions this interviewer ran (practice has no interviewer,
            so it is left out when this is set).
        practice, sessions: which kinds of answer to include.
    """

    bank_id: str | None = None
    since: date | None = None
    until: date | None = None
    interviewer_id: int | None = None
    practice: bool = True
    sessions: bool = True


@dataclass(frozen=True)
class Candidate:
    """A row of the cohort: a candidate account, or a named external candidate of a session."""

    key: str  # "user:3" for an account, "name:<name>" for an external candidate
    name: str
    username: str | None = None  # None for an external candidate

    @property
    def label(self) -> str:
        """The name a reader sees: "王小明 (wang)" for an account, the name alone otherwise."""
        return f"{self.name} ({self.username})" if self.username else self.name


@dataclass(frozen=True)
class Cell:
    """One candidate's latest answer to one question in the chosen range."""

    candidate: str  # Candidate.key
    question_id: str
    category: str
    score: float  # 0-100
    points_score: float
    points_possible: float
    answers: int  # how many answers to this question the candidate gave in the range
    source: Source  # where the latest one comes from
    at: datetime


@dataclass(frozen=True)
class CategoryCell:
    """One candidate's score in one category: their latest answers' points, summed."""

    candidate: str
    category: str
    score: float  # 0-100
    questions: int


@dataclass(frozen=True)
class MissedPoint:
    """A rubric point and how often the cohort's latest answers missed it."""

    question_id: str
    point_id: str
    missing: int
    partial: int
    answers: int

    @property
    def missed_share(self) -> float:
        """The share of answers that missed the point entirely (0-1)."""
        return self.missing / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class CohortReport:
    """Everything the cohort page, its heat maps and its downloads show."""

    filters: CohortFilters
    candidates: tuple[Candidate, ...]  # sorted by name
    question_ids: tuple[str, ...]  # answered questions, in bank order
    cells: tuple[Cell, ...]
    categories: tuple[CategoryCell, ...]
    missed: tuple[MissedPoint, ...]  # most often missed first
    answers: int = 0  # every answer read (before keeping the latest per cell)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.cells

    def candidate(self, key: str) -> Candidate:
        return next(c for c in self.candidates if c.key == key)


@dataclass(frozen=True)
class _Answer:
    """One answer read from the database, before the latest per cell is chosen."""

    candidate: Candidate
    question_id: str
    source: Source
    at: datetime
    row_id: int
    point_ratings: dict[str, int] = field(default_factory=dict)


def visible_interviewers(db: Database, actor: Actor) -> list[tuple[int, str]]:
    """The interviewers whose sessions the actor may filter by: (user id, display name).

    Trainers and administrators get everyone who ran a session; an interviewer only themself.
    """
    _require_viewer(actor)
    if not _sees_everyone(actor):
        return [(actor.user_id, actor.display_name)] if actor.user_id is not None else []
    with db.read() as session:
        rows = session.execute(
            select(User.id, User.display_name)
            .where(User.id.in_(select(MockSession.interviewer_id).distinct()))
            .order_by(User.display_name)
        ).all()
    return [(int(i), str(n)) for i, n in rows]


def revision(db: Database) -> tuple[str, ...]:
    """A cheap fingerprint of what a cohort report reads; it changes when an answer is saved,
    a session changes or an account is added (pages cache reports under it)."""
    with db.read() as session:
        values = [
            *session.execute(select(func.count(), func.max(Attempt.id))).one(),
            *session.execute(select(func.count(), func.max(SessionAnswer.updated_at))).one(),
            *session.execute(select(func.count(), func.max(MockSession.updated_at))).one(),
            *session.execute(select(func.count(), func.max(User.id))).one(),
        ]
    return tuple(str(v) for v in values)


def build_cohort(
    db: Database,
    actor: Actor,
    questions: Sequence[Question],
    filters: CohortFilters | None = None,
) -> CohortReport:
    """The cohort report for what `actor` may see, narrowed by `filters`.

    Args:
        questions: the live bank's questions; answers to other (deleted) questions are left out.

    Raises:
        PermissionDenied: the actor is not an interviewer, trainer or administrator, or an
            interviewer asks for another interviewer's sessions.
        ValidationFailed: the date range ends before it starts.
    """
    filters = filters or CohortFilters()
    _require_viewer(actor)
    if filters.since and filters.until and filters.until < filters.since:
        raise ValidationFailed(
            [
                FieldProblem(
                    "until",
                    f"the range ends ({filters.until}) before it starts ({filters.since})",
                    f"结束日期（{filters.until}）早于开始日期（{filters.since}）",
                )
            ]
        )
    if (
        filters.interviewer_id is not None
        and not _sees_everyone(actor)
        and filters.interviewer_id != actor.user_id
    ):
        raise PermissionDenied(
            "You can see only the sessions you ran.", "你只能查看自己主持的模拟面试。"
        )
    by_id = {q.id: q for q in questions if filters.bank_id in (None, q.bank)}
    window = _window(filters)
    with db.read() as session:
        answers = _session_answers(session, actor, filters, by_id, window)
        if filters.practice and filters.interviewer_id is None:
            only = None if _sees_everyone(actor) else _interviewed(session, actor)
            answers += _practice_answers(session, by_id, window, only)
        latest = _latest(answers)
        reports = _reports(session, latest.values())
    return _report(filters, by_id, answers, latest, reports)


# --- reading ---------------------------------------------------------------------------------


def _require_viewer(actor: Actor) -> None:
    require(actor, "interviewer", "trainer")


def _sees_everyone(actor: Actor) -> bool:
    return actor.can("trainer")


def _window(filters: CohortFilters) -> tuple[datetime | None, datetime | None]:
    """The filters' days as a half-open UTC range [start, end)."""
    start = datetime.combine(filters.since, time(), UTC) if filters.since else None
    end = (
        datetime.combine(filters.until + timedelta(days=1), time(), UTC) if filters.until else None
    )
    return start, end


def _in_window(moment: datetime, window: tuple[datetime | None, datetime | None]) -> bool:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone
    start, end = window
    return (start is None or moment >= start) and (end is None or moment < end)


def _candidate_accounts(session: Any, user_ids: Iterable[int] | None = None) -> dict[int, User]:
    """Active or not, the candidate accounts (all, or those with these ids)."""
    query = select(User).where(User.role == "candidate")
    if user_ids is not None:
        query = query.where(User.id.in_(list(user_ids)))
    return {u.id: u for u in session.scalars(query)}


def _practice_answers(
    session: Any,
    by_id: dict[str, Question],
    window: tuple[datetime | None, datetime | None],
    only: set[str] | None,
) -> list[_Answer]:
    """Practice attempts of candidate accounts (of the `only` candidates, when given)."""
    users = _candidate_accounts(session)
    owners = {f"user:{u.id}": u for u in users.values()}
    if only is not None:
        owners = {k: u for k, u in owners.items() if k in only}
    if not owners or not by_id:
        return []
    rows = []
    keys = list(owners)
    for start in range(0, len(keys), CHUNK):
        query = select(Attempt.id, Attempt.owner, Attempt.question_id, Attempt.created_at).where(
            Attempt.owner.in_(keys[start : start + CHUNK])
        )
        rows += session.execute(query).all()
    answers = []
    for row_id, owner, question_id, at in rows:
        if question_id in by_id and _in_window(at, window):
            user = owners[owner]
            candidate = Candidate(owner, user.display_name, user.username)
            answers.append(_Answer(candidate, question_id, "practice", at, row_id))
    return answers


def _session_answers(
    session: Any,
    actor: Actor,
    filters: CohortFilters,
    by_id: dict[str, Question],
    window: tuple[datetime | None, datetime | None],
) -> list[_Answer]:
    """Answers of the mock sessions the actor may see (rated or machine-scored ones)."""
    if not filters.sessions or not by_id:
        return []
    query = select(MockSession)
    if not _sees_everyone(actor):
        query = query.where(MockSession.interviewer_id == actor.user_id)
    if filters.interviewer_id is not None:
        query = query.where(MockSession.interviewer_id == filters.interviewer_id)
    mocks = {m.id: m for m in session.scalars(query)}
    if not mocks:
        return []
    linked_ids = {i for m in mocks.values() if (i := _linked_candidate(m)) is not None}
    accounts = _candidate_accounts(session, linked_ids) if linked_ids else {}
    ids = list(mocks)
    rows = []
    for start in range(0, len(ids), CHUNK):
        query = select(
            SessionAnswer.id,
            SessionAnswer.session_id,
            SessionAnswer.question_id,
            SessionAnswer.updated_at,
            SessionAnswer.point_ratings,
        ).where(SessionAnswer.session_id.in_(ids[start : start + CHUNK]))
        rows += session.execute(query).all()
    answers = []
    for row_id, session_id, question_id, at, ratings in rows:
        if question_id not in by_id or not _in_window(at, window):
            continue
        mock = mocks[session_id]
        account = accounts.get(_linked_candidate(mock) or -1)
        if account is not None:
            candidate = Candidate(f"user:{account.id}", account.display_name, account.username)
        else:
            candidate = Candidate(f"name:{mock.candidate_name}", mock.candidate_name)
        levels = {str(k): int(v) for k, v in (ratings or {}).items()}
        answers.append(_Answer(candidate, question_id, "session", at, row_id, levels))
    return answers


def _interviewed(session: Any, actor: Actor) -> set[str]:
    """The candidate accounts ("user:3") of the sessions the actor ran."""
    mocks = session.scalars(select(MockSession).where(MockSession.interviewer_id == actor.user_id))
    return {f"user:{i}" for m in mocks if (i := _linked_candidate(m)) is not None}


def _linked_candidate(mock: MockSession) -> int | None:
    """The candidate account a session is for; None for a named external candidate."""
    return mock.candidate_user_id


def _latest(answers: list[_Answer]) -> dict[tuple[str, str], _Answer]:
    """The latest answer per (candidate, question)."""
    latest: dict[tuple[str, str], _Answer] = {}
    for answer in answers:
        key = (answer.candidate.key, answer.question_id)
        held = latest.get(key)
        if held is None or _moment(answer.at) >= _moment(held.at):
            latest[key] = answer
    return latest


def _moment(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _reports(session: Any, answers: Iterable[_Answer]) -> dict[tuple[Source, int], dict]:
    """The stored score reports of the chosen answers, by (source, row id)."""
    wanted: dict[Source, list[int]] = defaultdict(list)
    for answer in answers:
        wanted[answer.source].append(answer.row_id)
    tables = {
        "practice": (Attempt.id, Attempt.report),
        "session": (SessionAnswer.id, SessionAnswer.report),
    }
    reports: dict[tuple[Source, int], dict] = {}
    for source, ids in wanted.items():
        id_column, report_column = tables[source]
        for start in range(0, len(ids), CHUNK):
            query = select(id_column, report_column).where(
                id_column.in_(ids[start : start + CHUNK])
            )
            for row_id, report in session.execute(query):
                reports[(source, row_id)] = report or {}
    return reports


# --- computing -------------------------------------------------------------------------------


def _report(
    filters: CohortFilters,
    by_id: dict[str, Question],
    answers: list[_Answer],
    latest: dict[tuple[str, str], _Answer],
    reports: dict[tuple[Source, int], dict],
) -> CohortReport:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for answer in answers:
        counts[(answer.candidate.key, answer.question_id)] += 1
    candidates: dict[str, Candidate] = {}
    cells: list[Cell] = []
    missed: dict[tuple[str, str], list[int]] = {}
    for key, answer in latest.items():
        report = reports.get((answer.source, answer.row_id))
        if not report:
            continue
        question = by_id[answer.question_id]
        candidates.setdefault(answer.candidate.key, answer.candidate)
        cells.append(
            Cell(
                answer.candidate.key,
                question.id,
                question.category,
                float(report.get("score", 0.0)),
                float(report.get("points_score", 0.0)),
                float(report.get("points_possible", 0.0)),
                counts[key],
                answer.source,
                _moment(answer.at),
            )
        )
        for point_id, status in _statuses(report, answer.point_ratings).items():
            tally = missed.setdefault((question.id, point_id), [0, 0, 0])
            tally[0] += status == "missing"
            tally[1] += status == "partial"
            tally[2] += 1
    order = {q: i for i, q in enumerate(by_id)}
    answered = {c.question_id for c in cells}
    return CohortReport(
        filters=filters,
        candidates=tuple(sorted(candidates.values(), key=lambda c: (c.name.casefold(), c.key))),
        question_ids=tuple(sorted(answered, key=order.__getitem__)),
        cells=tuple(sorted(cells, key=lambda c: (c.candidate, order[c.question_id]))),
        categories=_category_cells(cells),
        missed=_missed_points(missed, by_id),
        answers=len(answers),
    )


def _statuses(report: dict, ratings: dict[str, int]) -> dict[str, str]:
    """Each rubric point's status: the interviewer's rating where given, else the machine's."""
    statuses = {str(p["point_id"]): str(p["status"]) for p in report.get("points", ())}
    for point_id, level in ratings.items():
        if point_id in statuses and level in POINT_LEVELS:
            statuses[point_id] = POINT_LEVELS[level]
    return statuses


def _category_cells(cells: list[Cell]) -> tuple[CategoryCell, ...]:
    sums: dict[tuple[str, str], list[float]] = {}
    for cell in cells:
        total = sums.setdefault((cell.candidate, cell.category), [0.0, 0.0, 0])
        total[0] += cell.points_score
        total[1] += cell.points_possible
        total[2] += 1
    return tuple(
        CategoryCell(candidate, category, 100.0 * got / possible if possible else 0.0, int(n))
        for (candidate, category), (got, possible, n) in sorted(sums.items())
    )


def _missed_points(
    tallies: dict[tuple[str, str], list[int]], by_id: dict[str, Question]
) -> tuple[MissedPoint, ...]:
    known = {(q.id, p.id) for q in by_id.values() for p in q.rubric}
    points = [
        MissedPoint(question_id, point_id, missing, partial, total)
        for (question_id, point_id), (missing, partial, total) in tallies.items()
        if (question_id, point_id) in known  # a point deleted since is not shown
    ]
    return tuple(
        sorted(points, key=lambda p: (-p.missed_share, -p.missing, p.question_id, p.point_id))
    )
