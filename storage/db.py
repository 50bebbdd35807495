"""The database: an SQLite file by default, PostgreSQL by URL; schema created and upgraded on start.

Settings (environment):
    INTERVIEW_DATABASE_URL  an SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db;
                            default sqlite:///data/interview.sqlite3 under the project folder.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Base, SchemaVersion

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'data' / 'interview.sqlite3'}"
MIGRATION_LOCK_ID = 815_4711  # PostgreSQL advisory lock held while the schema is upgraded


READ_ONLY = "interview_read_only"  # execution option of the engine behind `Database.read()`


def _sign_in_client_column(connection: Connection) -> None:
    """Version 2: sign-in tries remember the client they came from (rate limits per client)."""
    connection.execute(
        text("ALTER TABLE sign_in_attempts ADD COLUMN client VARCHAR(64) NOT NULL DEFAULT ''")
    )
    connection.execute(
        text("CREATE INDEX IF NOT EXISTS ix_sign_in_attempts_client ON sign_in_attempts (client)")
    )


def _session_candidate_columns(connection: Connection) -> None:
    """Version 3: a mock session names the candidate's account (who may read its candidate
    report), and an answer's notes can be shared with the candidate. Columns already there
    (a database created by a newer create_all) are left alone."""
    columns = {
        table: {c["name"] for c in inspect(connection).get_columns(table)}
        for table in ("mock_sessions", "session_answers")
    }
    if "candidate_user_id" not in columns["mock_sessions"]:
        connection.execute(
            text(
                "ALTER TABLE mock_sessions ADD COLUMN candidate_user_id INTEGER "
                "REFERENCES users (id)"
            )
        )
    connection.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_mock_sessions_candidate_user_id "
            "ON mock_sessions (candidate_user_id)"
        )
    )
    if "notes_shared" not in columns["session_answers"]:
        connection.execute(
            text(
                "ALTER TABLE session_answers ADD COLUMN notes_shared BOOLEAN NOT NULL DEFAULT false"
            )
        )


# Upgrades after the first schema: (version, step taking a Connection). New tables need no step
# (create_all adds them); a step is for changed columns or data. Append, never edit a released one.
MIGRATIONS: list[tuple[int, Callable]] = [
    (2, _sign_in_client_column),
    (3, _session_candidate_columns),
]
SCHEMA_VERSION = max([1, *(version for version, _ in MIGRATIONS)])


def database_url() -> str:
    return os.environ.get("INTERVIEW_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


class ReadOnlyViolation(RuntimeError):
    """Something tried to write inside `Database.read()`: a programming error."""


class Database:
    """One engine and session factory; `transaction()` is the only way services write,
    `read()` the way they read without taking the write lock."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.engine: Engine = _engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

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

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only; it never takes the write lock.

        SQLite: the transaction begins DEFERRED (a snapshot for readers in WAL mode), so reads
        neither wait for a writer nor make writers wait. PostgreSQL reads never block writers.
        Any pending write is refused with ReadOnlyViolation; the transaction ends with a
        rollback when the block ends (objects read stay usable, detached).
        """
        session = self._read_sessions()
        event.listen(session, "before_flush", _refuse_flush)
        try:
            yield session
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


def _refuse_flush(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyViolation("Database.read() is for reading; use transaction() to write")


def _private_sqlite_file(path: Path) -> None:
    """Keep an SQLite database private to the user running the app: the file (and the WAL
    and shared-memory files SQLite creates with the same mode) 0600, a folder this module
    creates 0700. An existing folder chosen by the operator keeps its mode."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)  # mkdir's mode is reduced by the umask
    elif path.parent == PROJECT_DIR / "data":
        _chmod_if_mine(path.parent, 0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists():
            _chmod_if_mine(file, 0o600)


def _chmod_if_mine(path: Path, mode: int) -> None:
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)
    except OSError:  # not ours to change (a shared folder); the database still works
        pass


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
        path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
        if path and path != ":memory:":  # "sqlite://" and ":memory:" are in memory
            _private_sqlite_file(Path(path))
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
            if connection.get_execution_options().get(READ_ONLY):
                # A reader: a snapshot, no lock that writers would wait for.
                connection.exec_driver_sql("BEGIN DEFERRED")
            else:
                # Take the write lock at the start, so concurrent writers wait instead of
                # failing (a deferred transaction that later writes can fail at once).
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
