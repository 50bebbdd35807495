"""The app's database as pages see it: opened, upgraded and seeded with the shipped bank,
and a cheap fingerprint of the bank that changes on every save. Pages reach storage only
through services; this module is where they get the database they pass to them."""

from __future__ import annotations

from sqlalchemy import func, select

from question_bank.loader import load_path
from services import bank
from storage.db import Database
from storage.models import QuestionRecord

__all__ = ["Database", "bank_revision", "open_app_database"]


def open_app_database(url: str | None = None) -> Database:
    """The database (INTERVIEW_DATABASE_URL or the default), upgraded to the current schema
    and seeded with the shipped bank when it holds none."""
    db = Database(url)
    db.upgrade()
    bank.seed_if_empty(db, load_path())
    return db


def bank_revision(db: Database) -> tuple[int, int]:
    """The number of questions and the sum of their versions: it changes on every save."""
    with db.read() as session:  # every page run asks: never wait for the write lock
        count, total = session.execute(
            select(func.count(), func.coalesce(func.sum(QuestionRecord.version), 0))
        ).one()
        return int(count), int(total)
