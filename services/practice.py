"""Practice: drafts autosaved while typing, attempts scored and kept per owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import delete, select

from question_bank.schema import Question
from scoring.engine import MAX_ANSWER_CHARS
from scoring.report import ScoreReport
from services.accounts import Actor
from services.errors import InputRejected, NotFound, PermissionDenied
from storage.db import Database
from storage.models import Attempt, Draft

MAX_DRAFT_CHARS = 200_000  # drafts keep more than can be scored, so a long paste is not lost


@dataclass(frozen=True)
class AttemptView:
    id: int
    owner: str
    question_id: str
    category: str
    language: str
    answer: str
    report: ScoreReport
    seconds_taken: int | None
    created_at: datetime


def check_answer_size(answer: str) -> None:
    """Raise InputRejected if the answer is too long to score; the caller keeps the text."""
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
    with db.transaction() as session:
        draft = session.scalar(
            select(Draft).where(Draft.owner == actor.owner, Draft.scope == scope)
        )
        if not text:
            if draft is not None:
                session.delete(draft)
            return
        if draft is None:
            session.add(Draft(owner=actor.owner, scope=scope, text=text))
        elif draft.text != text:
            draft.text = text
            draft.updated_at = datetime.now(UTC)


def load_draft(db: Database, actor: Actor, scope: str) -> str | None:
    with db.transaction() as session:
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
        return _view(row)


def list_attempts(
    db: Database, actor: Actor, owner: str | None = None, question_id: str | None = None
) -> list[AttemptView]:
    """The actor's own attempts, oldest first; only an admin may ask for another owner's."""
    owner = owner or actor.owner
    _check_owner(actor, owner)
    with db.transaction() as session:
        query = select(Attempt).where(Attempt.owner == owner)
        if question_id:
            query = query.where(Attempt.question_id == question_id)
        return [_view(row) for row in session.scalars(query.order_by(Attempt.id))]


def get_attempt(db: Database, actor: Actor, attempt_id: int) -> AttemptView:
    with db.transaction() as session:
        row = session.get(Attempt, attempt_id)
        if row is None:
            raise NotFound(f"No attempt {attempt_id}.", f"没有编号为 {attempt_id} 的作答记录。")
        _check_owner(actor, row.owner)
        return _view(row)


def progress_frame(attempts: list[AttemptView]) -> pd.DataFrame:
    """One row per attempt with its running mean per category, for a progress chart."""
    frame = pd.DataFrame(
        [
            {
                "attempt": i + 1,
                "time": a.created_at,
                "question_id": a.question_id,
                "category": a.category,
                "score": round(a.report.score, 1),
            }
            for i, a in enumerate(attempts)
        ],
        columns=["attempt", "time", "question_id", "category", "score"],
    )
    if not frame.empty:
        frame["running_mean"] = (
            frame.groupby("category")["score"].transform(lambda s: s.expanding().mean()).round(1)
        )
    return frame


def _check_owner(actor: Actor, owner: str) -> None:
    if owner != actor.owner and actor.role != "admin":
        raise PermissionDenied(
            "These attempts belong to someone else.", "这些作答记录属于其他用户，无权查看。"
        )


def _view(row: Attempt) -> AttemptView:
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
    )
