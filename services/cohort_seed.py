"""A made-up cohort for tests, benchmarks and demonstrations of the cohort view.

`seed_cohort` writes candidate accounts (who cannot sign in), their practice attempts and,
optionally, rated mock sessions, with score reports shaped like the scorer's. Each candidate
has a skill and each rubric point a difficulty, so the heat maps show real structure: strong
and weak candidates, hard questions, points most of the cohort misses. Deterministic for a
given `seed`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from question_bank.schema import Question
from scoring.report import PointResult, ScoreReport, status_of
from services.names import MACHINE_LEVEL
from storage.db import Database
from storage.models import Attempt, MockSession, SessionAnswer, User

NOT_A_PASSWORD = "!seeded: no password signs in to this account"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红"


@dataclass(frozen=True)
class SeededCohort:
    """What `seed_cohort` wrote."""

    candidate_ids: tuple[int, ...]
    attempts: int
    session_ids: tuple[int, ...]


def seed_cohort(
    db: Database,
    questions: Sequence[Question],
    candidates: int = 200,
    attempts_per_question: int = 1,
    *,
    interviewer_ids: Sequence[int] = (),
    sessions_per_interviewer: int = 0,
    prefix: str = "cohort",
    seed: int = 0,
    now: datetime | None = None,
    days: int = 60,
) -> SeededCohort:
    """Write a cohort of `candidates` accounts, each answering every question.

    Args:
        questions: the questions every candidate answers (in practice).
        attempts_per_question: practice attempts per candidate and question (the later ones
            score a little higher, as practice does).
        interviewer_ids: interviewers who run mock sessions for some of the candidates (the
            first questions of the list, rated by the interviewer point by point).
        sessions_per_interviewer: how many sessions each of them ran.
        prefix: user names are "<prefix>-001", ...; choose another for a second cohort.
        now, days: answers are spread over the `days` days before `now`.

    Returns:
        The ids written.
    """
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    difficulty = {(q.id, p.id): rng.uniform(-1.0, 1.2) for q in questions for p in q.rubric}
    with db.transaction() as session:
        users = [
            User(
                username=f"{prefix}-{number:03d}",
                display_name=_name(rng),
                password_hash=NOT_A_PASSWORD,
                role="candidate",
            )
            for number in range(1, candidates + 1)
        ]
        session.add_all(users)
        session.flush()
        skill = {u.id: rng.gauss(0.0, 1.0) for u in users}
        rows = []
        for user in users:
            for question in questions:
                for repeat in range(attempts_per_question):
                    at = now - timedelta(days=rng.uniform(0, days))
                    lift = 0.4 * repeat
                    report = _report(question, skill[user.id] + lift, difficulty, rng)
                    rows.append(_attempt(user, question, report, at, rng))
        session.add_all(rows)
        session_ids = _sessions(
            session,
            users,
            questions,
            interviewer_ids,
            sessions_per_interviewer,
            skill,
            difficulty,
            rng,
            now,
        )
        return SeededCohort(tuple(u.id for u in users), len(rows), session_ids)


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _report(
    question: Question,
    skill: float,
    difficulty: dict[tuple[str, str], float],
    rng: random.Random,
) -> ScoreReport:
    """A report like the scorer's: each point's probability from skill against difficulty."""
    points = []
    for point in question.rubric:
        logit = 1.6 * (skill - difficulty[(question.id, point.id)]) + rng.gauss(0.0, 0.8)
        probability = 1.0 / (1.0 + math.exp(-logit))
        status = status_of(probability)
        points.append(
            PointResult(point.id, point.text.zh, point.weight, probability, status, None, None)
        )
    credit = {"covered": 1.0, "partial": 0.5, "missing": 0.0}
    weights = sum(p.weight for p in points)
    share = sum(p.weight * credit[p.status] for p in points) / weights
    return ScoreReport(
        question_id=question.id,
        category=question.category,
        language="zh",
        points_possible=float(question.points),
        points_score=round(share * question.points, 2),
        score=round(100.0 * share, 1),
        points=tuple(points),
    )


def _attempt(
    user: User, question: Question, report: ScoreReport, at: datetime, rng: random.Random
) -> Attempt:
    return Attempt(
        owner=f"user:{user.id}",
        question_id=question.id,
        category=question.category,
        language="zh",
        answer="（示例数据）" + question.title.zh,
        score=report.score,
        points_score=report.points_score,
        points_possible=report.points_possible,
        report=report.to_dict(),
        seconds_taken=rng.randint(60, question.answer_time_seconds),
        created_at=at,
    )


def _sessions(
    session,
    users: list[User],
    questions: Sequence[Question],
    interviewer_ids: Sequence[int],
    per_interviewer: int,
    skill: dict[int, float],
    difficulty: dict[tuple[str, str], float],
    rng: random.Random,
    now: datetime,
) -> tuple[int, ...]:
    """Rated mock sessions (the first few questions) for randomly chosen candidates."""
    ids = []
    asked = list(questions[:6])
    for interviewer_id in interviewer_ids:
        for _ in range(per_interviewer):
            user = rng.choice(users)
            at = now - timedelta(days=rng.uniform(0, 30))
            mock = MockSession(
                interviewer_id=interviewer_id,
                candidate_name=user.display_name,
                title=f"{user.display_name} 模拟面试",
                language="zh",
                question_ids=[q.id for q in asked],
                status="finished",
                candidate_user_id=user.id,
                created_at=at,
                updated_at=at,
            )
            session.add(mock)
            session.flush()
            for question in asked:
                report = _report(question, skill[user.id] + 0.3, difficulty, rng)
                ratings = {p.point_id: MACHINE_LEVEL[p.status] for p in report.points}
                session.add(
                    SessionAnswer(
                        session_id=mock.id,
                        question_id=question.id,
                        answer="（示例数据）" + question.title.zh,
                        report=report.to_dict(),
                        point_ratings=ratings,
                        overall_rating=max(1, min(5, round(report.score / 20))),
                        updated_at=at,
                    )
                )
            ids.append(mock.id)
    return tuple(ids)
