"""The database: an SQLite file by default, PostgreSQL by URL; schema created and upgraded on start.

Settings (environment):
    INTERVIEW_DATABASE_URL  an SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db;
                            default sqlite:///data/interview.sqlite3 under the project folder.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Base, SchemaVersion

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'data' / 'interview.sqlite3'}"
MIGRATION_LOCK_ID = 815_4711  # PostgreSQL advisory lock held while the schema is upgraded


# Upgrades after the first schema: (version, step taking a Connection). New tables need no step
# (create_all adds them); a step is for changed columns or data. Append, never edit a released one.
MIGRATIONS: list[tuple[int, Callable]] = []
SCHEMA_VERSION = max([1, *(version for version, _ in MIGRATIONS)])


def database_url() -> str:
    return os.environ.get("INTERVIEW_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


class Database:
    """One engine and session factory; `transaction()` is the only way services write."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.engine: Engine = _engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def lock(self, session: Session, key: str) -> None:
        """Make the transactions that lock the same `key` run one after another.

        Use it before a read-then-write that must not interleave (a count before an insert, an
        insert if missing). PostgreSQL: a transaction-level advisory lock on a 64-bit hash of
        the key, released at commit or rollback. SQLite needs none: every transaction takes the
        database's write lock when it begins (BEGIN IMMEDIATE).
        """
        if self.dialect == "postgresql":
            digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
            session.execute(
                text("SELECT pg_advisory_xact_lock(:id)"),
                {"id": int.from_bytes(digest[:8], "big", signed=True)},
            )

    def upgrade(self) -> int:
        """Create missing tables and run pending upgrade steps; safe to call from many processes.

        Returns:
            the schema version now in the database.
        """
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
            Base.metadata.create_all(connection, checkfirst=True)
            current = connection.execute(select(func.max(SchemaVersion.version))).scalar()
            if current is None:  # a new database starts at the newest schema
                connection.execute(SchemaVersion.__table__.insert().values(version=SCHEMA_VERSION))
                return SCHEMA_VERSION
            for version, step in MIGRATIONS:
                if version > current:
                    step(connection)
                    connection.execute(SchemaVersion.__table__.insert().values(version=version))
                    current = version
            return current

    def dispose(self) -> None:
        self.engine.dispose()


def _set_wal(cursor: sqlite3.Cursor, timeout_s: float = 30.0) -> None:
    """Switch the database to write-ahead logging, retrying while another connection holds
    the lock: SQLite answers a journal-mode change "database is locked" at once, without its
    busy timeout, when several connections open a new database file together."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below starts them
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=30000")
            _set_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:
            # Take the write lock at the start, so concurrent writers wait instead of failing.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
