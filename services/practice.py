"""Practice: drafts autosaved while typing, attempts scored and kept per owner."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import delete, func, select

from question_bank.schema import Question
from scoring.engine import MAX_ANSWER_CHARS
from scoring.report import ScoreReport
from services import limits
from services.accounts import Actor
from services.errors import InputRejected, NotFound, PermissionDenied, reject_nul
from services.follow_ups import FollowUp, FollowUpResult
from storage.db import Database
from storage.models import Attempt, Draft, FollowUpAnswer

MAX_DRAFT_CHARS = 200_000  # drafts keep more than can be scored, so a long paste is not lost
SET_SCOPE = "practice-set"  # the draft scope that keeps a practice set and its position
MAX_FOLLOW_UP_ANSWERS = 30  # per attempt


@dataclass(frozen=True)
class FollowUpView:
    """A follow-up answered after an attempt: the question, the answer, what it lifted."""

    id: int
    point_id: str
    prompt: str
    source: str
    answer: str
    report: ScoreReport
    lifted: tuple[str, ...]
    score_before: float
    score_after: float
    created_at: datetime


@dataclass(frozen=True)
class AttemptView:
    """An attempt; `report` is the merged report once follow-ups have lifted points."""

    id: int
    owner: str
    question_id: str
    category: str
    language: str
    answer: str
    report: ScoreReport
    seconds_taken: int | None
    created_at: datetime
    follow_ups: tuple[FollowUpView, ...] = ()

    @property
    def lifted(self) -> frozenset[str]:
        """The points covered (or partly covered) thanks to a follow-up answer."""
        return frozenset(p for f in self.follow_ups for p in f.lifted)

    @property
    def first_score(self) -> float:
        """The score before any follow-up answer."""
        return self.follow_ups[0].score_before if self.follow_ups else self.report.score


def round_score(score: float) -> int:
    """A 0-100 score as every page shows it: a whole number, halves rounded up (36.5 -> 37),
    so the same mean reads the same in a metric, a table and a chart."""
    return math.floor(score + 0.5)


def check_answer_size(answer: str) -> None:
    """Raise InputRejected if the answer is too long to score or cannot be stored (it holds a
    NUL character); the caller keeps the text."""
    reject_nul(answer, "answer", "回答")
    if len(answer) > MAX_ANSWER_CHARS:
        raise InputRejected(
            f"The answer has {len(answer):,} characters; at most {MAX_ANSWER_CHARS:,} can be "
            "scored. Shorten it - your text is kept.",
            f"回答有 {len(answer):,} 个字符，最多可评分 {MAX_ANSWER_CHARS:,} 个。"
            "请删减后再提交，你输入的内容已保留。",
        )


def save_draft(db: Database, actor: Actor, scope: str, text: str) -> None:
    """Autosave what is typed under (owner, scope); an empty text removes the draft."""
    if len(text) > MAX_DRAFT_CHARS:
        raise InputRejected(
            f"The text has {len(text):,} characters; drafts keep at most {MAX_DRAFT_CHARS:,}.",
            f"文本有 {len(text):,} 个字符，草稿最多保存 {MAX_DRAFT_CHARS:,} 个。",
        )
    reject_nul(text, "text", "文本")
    reject_nul(scope, "draft scope", "草稿范围")
    limits.check_autosave_rate(actor)
    with db.transaction() as session:
        db.lock(session, f"draft:{actor.owner}:{scope}")  # two tabs saving the first draft
        draft = session.scalar(
            select(Draft).where(Draft.owner == actor.owner, Draft.scope == scope)
        )
        if not text:
            if draft is not None:
                session.delete(draft)
            return
        if draft is None or draft.text != text:
            limits.check_draft_quota(session, actor, scope, text, is_new=draft is None)
        if draft is None:
            session.add(Draft(owner=actor.owner, scope=scope, text=text))
        elif draft.text != text:
            draft.text = text
            draft.updated_at = datetime.now(UTC)
    limits.maybe_purge(db)


def load_draft(db: Database, actor: Actor, scope: str) -> str | None:
    with db.read() as session:
        return session.scalar(
            select(Draft.text).where(Draft.owner == actor.owner, Draft.scope == scope)
        )


def clear_draft(db: Database, actor: Actor, scope: str) -> None:
    with db.transaction() as session:
        session.execute(delete(Draft).where(Draft.owner == actor.owner, Draft.scope == scope))


def record_attempt(
    db: Database,
    actor: Actor,
    question: Question,
    answer: str,
    report: ScoreReport,
    seconds_taken: int | None = None,
) -> AttemptView:
    """Store a scored practice answer for the actor (guests too, under their guest key)."""
    check_answer_size(answer)
    with db.transaction() as session:
        limits.check_attempt_quota(session, actor)
        row = Attempt(
            owner=actor.owner,
            question_id=question.id,
            category=question.category,
            language=report.language,
            answer=answer,
            score=report.score,
            points_score=report.points_score,
            points_possible=report.points_possible,
            report=report.to_dict(),
            seconds_taken=seconds_taken,
        )
        session.add(row)
        session.flush()
        view = _view(row)
    limits.maybe_purge(db)
    return view


def same_answer(db: Database, actor: Actor, question_id: str, answer: str) -> AttemptView | None:
    """The actor's earlier attempt at this question with exactly this text (surrounding
    blanks ignored), if any: scoring it again would only duplicate it."""
    wanted = answer.strip()
    with db.read() as session:
        rows = session.scalars(
            select(Attempt)
            .where(Attempt.owner == actor.owner, Attempt.question_id == question_id)
            .order_by(Attempt.id.desc())
        )
        for row in rows:
            if row.answer.strip() == wanted:
                return _view(row, _follow_ups(session, [row.id]).get(row.id, ()))
    return None


def record_follow_up(
    db: Database,
    actor: Actor,
    attempt_id: int,
    follow_up: FollowUp,
    answer: str,
    result: FollowUpResult,
    base: ScoreReport,
) -> AttemptView:
    """Keep a follow-up answer with its attempt and make the merged report the attempt's.

    Args:
        attempt_id: the attempt (the actor's own).
        follow_up: the question that was answered.
        answer: the follow-up answer as typed.
        result: `follow_ups.score_follow_up` on the attempt's report `base`.
        base: the report the follow-up was scored against; if the attempt has changed since
            (another tab answered a follow-up), InputRejected and nothing is stored.
    """
    if not answer.strip():
        raise InputRejected(
            "The follow-up answer is empty: write it first. Nothing was recorded.",
            "追问的回答是空的：请先写下回答。没有记录任何内容。",
        )
    check_answer_size(answer)
    with db.transaction() as session:
        db.lock(session, f"attempt:{attempt_id}")
        row = session.get(Attempt, attempt_id)
        if row is None:
            raise NotFound(f"No attempt {attempt_id}.", f"没有编号为 {attempt_id} 的作答记录。")
        if row.owner != actor.owner:
            raise PermissionDenied(
                "This attempt belongs to someone else.", "这次作答属于其他用户，无法补充。"
            )
        if ScoreReport.from_dict(row.report) != base:
            raise InputRejected(
                "This attempt changed in another tab; reload the page and answer again "
                "(your text is kept).",
                "这次作答已在其他标签页中更新，请刷新页面后再回答（你的文字已保留）。",
            )
        count = session.scalar(
            select(func.count())
            .select_from(FollowUpAnswer)
            .where(FollowUpAnswer.attempt_id == attempt_id)
        )
        if count >= MAX_FOLLOW_UP_ANSWERS:
            raise InputRejected(
                f"This attempt already has {count} follow-up answers, the most it keeps.",
                f"这次作答已有 {count} 条追问回答，已达上限。",
            )
        session.add(
            FollowUpAnswer(
                attempt_id=attempt_id,
                point_id=follow_up.point_id,
                prompt=follow_up.text,
                source=follow_up.source,
                answer=answer,
                report=result.report.to_dict(),
                lifted=list(result.lifted),
                score_before=row.score,
                score_after=result.merged.score,
            )
        )
        row.score = result.merged.score
        row.points_score = result.merged.points_score
        row.report = result.merged.to_dict()
        session.flush()
        return _view(row, _follow_ups(session, [row.id]).get(row.id, ()))


def list_attempts(
    db: Database, actor: Actor, owner: str | None = None, question_id: str | None = None
) -> list[AttemptView]:
    """The actor's own attempts, oldest first; only an admin may ask for another owner's."""
    owner = owner or actor.owner
    _check_owner(actor, owner)
    with db.read() as session:
        query = select(Attempt).where(Attempt.owner == owner)
        if question_id:
            query = query.where(Attempt.question_id == question_id)
        rows = list(session.scalars(query.order_by(Attempt.id)))
        follow_ups = _follow_ups(session, [row.id for row in rows])
        return [_view(row, follow_ups.get(row.id, ())) for row in rows]


def get_attempt(db: Database, actor: Actor, attempt_id: int) -> AttemptView:
    with db.read() as session:
        row = session.get(Attempt, attempt_id)
        if row is None:
            raise NotFound(f"No attempt {attempt_id}.", f"没有编号为 {attempt_id} 的作答记录。")
        _check_owner(actor, row.owner)
        return _view(row, _follow_ups(session, [row.id]).get(row.id, ()))


def progress_frame(attempts: list[AttemptView]) -> pd.DataFrame:
    """One row per attempt with its running mean per category, for a progress chart.

    Scores are whole numbers rounded by `round_score`, the running mean from the unrounded
    scores, so every page shows the same number for the same mean."""
    frame = pd.DataFrame(
        [
            {
                "attempt": i + 1,
                "time": a.created_at,
                "question_id": a.question_id,
                "category": a.category,
                "raw": a.report.score,
            }
            for i, a in enumerate(attempts)
        ],
        columns=["attempt", "time", "question_id", "category", "raw"],
    )
    frame["score"] = frame["raw"].map(round_score)
    frame["running_mean"] = (
        frame.groupby("category")["raw"].transform(lambda s: s.expanding().mean()).map(round_score)
        if not frame.empty
        else pd.Series(dtype=int)
    )
    return frame.drop(columns="raw")


def choose_questions(
    questions: Sequence[Question],
    bank_id: str | None = None,
    categories: Collection[str] | None = None,
    difficulties: Collection[str] | None = None,
    count: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
) -> list[str]:
    """The ids of a practice set: the bank's questions that pass the filters, in bank order.

    Args:
        questions: all questions of the live bank.
        bank_id: keep only this bank's questions (None: every bank).
        categories, difficulties: keep only these (None: all; empty: none).
        count: at most this many (None: all that match).
        shuffle: draw a random set instead of the first ones in bank order.
        seed: makes the random draw repeatable (tests).

    Returns:
        The chosen question ids; empty when nothing matches.
    """
    pool = [
        q.id
        for q in questions
        if bank_id in (None, q.bank)
        and (categories is None or q.category in categories)
        and (difficulties is None or q.difficulty in difficulties)
    ]
    if shuffle:
        random.Random(seed).shuffle(pool)
    return pool if count is None else pool[: max(count, 0)]


def save_practice_set(db: Database, actor: Actor, question_ids: list[str], index: int) -> None:
    """Keep the actor's current practice set and position, so a reload resumes it."""
    payload = json.dumps({"ids": list(question_ids), "index": index}) if question_ids else ""
    save_draft(db, actor, SET_SCOPE, payload)


def load_practice_set(
    db: Database, actor: Actor, known_ids: Collection[str]
) -> tuple[list[str], int] | None:
    """The actor's saved practice set (questions no longer in the bank dropped), or None."""
    text = load_draft(db, actor, SET_SCOPE)
    if not text:
        return None
    try:
        data = json.loads(text)
        ids = [i for i in data["ids"] if isinstance(i, str) and i in known_ids]
        index = int(data.get("index", 0))
    except (ValueError, KeyError, TypeError):
        return None
    if not ids:
        return None
    return ids, min(max(index, 0), len(ids) - 1)


@dataclass(frozen=True)
class Clock:
    """An informative timer: seconds elapsed, against a budget when there is one."""

    elapsed: int
    budget: int | None = None

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.elapsed

    @property
    def over(self) -> bool:
        return self.budget is not None and self.elapsed > self.budget


def clock(started: float, now: float, budget: int | None = None) -> Clock:
    """The timer started at `started` (epoch seconds) as seen at `now`."""
    return Clock(max(int(now - started), 0), budget)


def mmss(seconds: int) -> str:
    """Seconds as m:ss (the sign dropped)."""
    minutes, rest = divmod(abs(int(seconds)), 60)
    return f"{minutes:02d}:{rest:02d}"


def category_summary(attempts: list[AttemptView]) -> pd.DataFrame:
    """Per category: number of attempts, mean, best and latest score (0-100, `round_score`)."""
    columns = ["category", "attempts", "mean", "best", "latest"]
    if not attempts:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame([{"category": a.category, "score": a.report.score} for a in attempts])
    grouped = frame.groupby("category", sort=False)["score"]
    summary = pd.DataFrame(
        {
            "attempts": grouped.count(),
            "mean": grouped.mean().map(round_score),
            "best": grouped.max().map(round_score),
            "latest": grouped.last().map(round_score),
        }
    ).reset_index()
    return summary[columns]


def mean_score(attempts: list[AttemptView]) -> int | None:
    """The mean score of these attempts, rounded as everywhere (None when there are none)."""
    if not attempts:
        return None
    return round_score(sum(a.report.score for a in attempts) / len(attempts))


def point_changes(
    first: ScoreReport, second: ScoreReport
) -> list[tuple[str, str | None, str | None]]:
    """Rubric points of two reports side by side: (point id, status in first, in second)."""
    before = {p.point_id: p.status for p in first.points}
    after = {p.point_id: p.status for p in second.points}
    order = list(before) + [point_id for point_id in after if point_id not in before]
    return [(point_id, before.get(point_id), after.get(point_id)) for point_id in order]


def _check_owner(actor: Actor, owner: str) -> None:
    if owner != actor.owner and actor.role != "admin":
        raise PermissionDenied(
            "These attempts belong to someone else.", "这些作答记录属于其他用户，无权查看。"
        )


def _view(row: Attempt, follow_ups: tuple[FollowUpView, ...] = ()) -> AttemptView:
    return AttemptView(
        row.id,
        row.owner,
        row.question_id,
        row.category,
        row.language,
        row.answer,
        ScoreReport.from_dict(row.report),
        row.seconds_taken,
        row.created_at,
        follow_ups,
    )


def _follow_ups(session, attempt_ids: list[int]) -> dict[int, tuple[FollowUpView, ...]]:
    """The follow-up answers of these attempts, oldest first, by attempt id."""
    found: dict[int, list[FollowUpView]] = {}
    for start in range(0, len(attempt_ids), 500):  # bounded IN lists
        rows = session.scalars(
            select(FollowUpAnswer)
            .where(FollowUpAnswer.attempt_id.in_(attempt_ids[start : start + 500]))
            .order_by(FollowUpAnswer.id)
        )
        for row in rows:
            found.setdefault(row.attempt_id, []).append(
                FollowUpView(
                    row.id,
                    row.point_id,
                    row.prompt,
                    row.source,
                    row.answer,
                    ScoreReport.from_dict(row.report),
                    tuple(row.lifted or ()),
                    row.score_before,
                    row.score_after,
                    row.created_at,
                )
            )
    return {key: tuple(value) for key, value in found.items()}
