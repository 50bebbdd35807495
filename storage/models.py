"""The database tables. Plain SQLAlchemy 2.0 declarative models; no business rules here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("candidate", "interviewer", "trainer", "admin")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "schema_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignInAttempt(Base):
    """One sign-in try, kept for rate limiting across app processes (per user name and per
    client: a hash of the key the page gives for the browser or address)."""

    __tablename__ = "sign_in_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True, default="", server_default="")
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class AuthToken(Base):
    """A signed-in browser: the token lives in an HttpOnly cookie, the database keeps its hash."""

    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Draft(Base):
    """Text being typed, autosaved under an owner ("user:3" or "guest:<token>") and a scope."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("owner", "scope"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(96), index=True)
    scope: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Attempt(Base):
    """One practice answer and the machine's report on it."""

    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(96), index=True)
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    answer: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    points_score: Mapped[float] = mapped_column(Float)
    points_possible: Mapped[float] = mapped_column(Float)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    seconds_taken: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FollowUpAnswer(Base):
    """An answer to a follow-up question aimed at a point the attempt missed; the attempt's
    score and report hold the merged result, `score_before` what it was before this one."""

    __tablename__ = "follow_up_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    point_id: Mapped[str] = mapped_column(String(64))  # the point the question aimed at
    prompt: Mapped[str] = mapped_column(Text)  # the follow-up question as shown
    source: Mapped[str] = mapped_column(String(16))  # bank | written
    answer: Mapped[str] = mapped_column(Text)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)  # the follow-up answer's own report
    lifted: Mapped[list[Any]] = mapped_column(JSON)  # point ids whose status it improved
    score_before: Mapped[float] = mapped_column(Float)
    score_after: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MockSession(Base):
    """An interviewer's mock interview of a named candidate."""

    __tablename__ = "mock_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    candidate_name: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    question_ids: Mapped[list[Any]] = mapped_column(JSON)
    show_machine_early: Mapped[bool] = mapped_column(Boolean, default=False)
    current_index: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | finished
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The candidate's account, when they have one (they then read their report); None for a
    # named external candidate. Added by upgrade 3.
    candidate_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True, index=True
    )


class SessionAnswer(Base):
    """One question of a mock session: the answer, the machine's and the interviewer's view."""

    __tablename__ = "session_answers"
    __table_args__ = (UniqueConstraint("session_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("mock_sessions.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    point_ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    overall_rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The interviewer shares `notes` with the candidate (their report shows them); upgrade 3.
    notes_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SessionFollowUp(Base):
    """A follow-up question asked in a mock session about points an answer missed, the
    candidate's answer to it, and the status it earned for each point it was scored against."""

    __tablename__ = "session_follow_ups"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("mock_sessions.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    point_id: Mapped[str] = mapped_column(String(64))  # the point the question aimed at
    prompt: Mapped[str] = mapped_column(Text)  # the follow-up question as asked
    answer: Mapped[str] = mapped_column(Text)
    point_statuses: Mapped[dict[str, Any]] = mapped_column(JSON)  # point id -> status after
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BankRecord(Base):
    __tablename__ = "banks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class QuestionRecord(Base):
    """The current version of a question; `version` grows by one on every save."""

    __tablename__ = "questions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuestionVersion(Base):
    """Every saved version of every question, for history and restore."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # seed | create | edit | delete | restore
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalibrationExample(Base):
    """A trainer's graded example answer, used to calibrate one question."""

    __tablename__ = "calibration_examples"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    answer: Mapped[str] = mapped_column(Text)
    grade: Mapped[float] = mapped_column(Float)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TranslationCheck(Base):
    """A trainer confirmed that the English of one question text (`text_key`, such as
    `rubric.p3.text`) still fits this Chinese text, although the English was not edited
    after the Chinese changed (services/bank_translations.py)."""

    __tablename__ = "translation_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    text_key: Mapped[str] = mapped_column(String(200))
    zh_text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuestionOffset(Base):
    """A trainer's calibration of one question for one encoder: a logit offset added to
    every point's probability (shared by every app process through the database)."""

    __tablename__ = "question_offsets"
    encoder: Mapped[str] = mapped_column(String(200), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[float] = mapped_column(Float)
    author: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ServerSecret(Base):
    """A random key the app processes share (created on first use), e.g. to sign guest keys."""

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
