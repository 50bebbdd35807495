"""Schema creation and upgrade: idempotent, and safe when several app processes start at once."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, inspect, select, text

import storage.db as db_module
from storage.db import SCHEMA_VERSION, Database
from storage.models import Base, Draft, SchemaVersion

PROJECT = Path(__file__).resolve().parents[2]
TABLES = set(Base.metadata.tables)


def schema_rows(db: Database) -> list[int]:
    with db.transaction() as session:
        return list(session.scalars(select(SchemaVersion.version).order_by(SchemaVersion.id)))


def test_upgrade_creates_every_table_and_twice_is_a_no_op(database_url):
    db = Database(database_url)
    try:
        assert db.upgrade() == SCHEMA_VERSION
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        with db.transaction() as session:
            session.add(Draft(owner="user:1", scope="practice:cs-beh-01", text="kept"))
        assert db.upgrade() == SCHEMA_VERSION
        assert schema_rows(db) == [SCHEMA_VERSION]  # no second version row
        with db.transaction() as session:
            assert session.scalar(select(Draft.text)) == "kept"
    finally:
        db.dispose()


def upgrade_at_once(dbs: list[Database]) -> list[object]:
    """Each database's `upgrade()` from its own thread, released together: the results, or
    the exceptions raised."""
    start = threading.Barrier(len(dbs))
    results: list[object] = [None] * len(dbs)

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = dbs[i].upgrade()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(dbs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_threads_upgrading_a_fresh_database_at_once_all_succeed(database_url):
    dbs = [Database(database_url) for _ in range(4)]
    try:
        assert upgrade_at_once(dbs) == [SCHEMA_VERSION] * len(dbs)
        assert schema_rows(dbs[0]) == [SCHEMA_VERSION]
        assert set(inspect(dbs[0].engine).get_table_names()) >= TABLES
    finally:
        for db in dbs:
            db.dispose()


def test_threads_opening_new_sqlite_files_at_once_never_see_a_locked_database(tmp_path):
    """Switching a new file to WAL answered "database is locked" at once (no busy wait) in
    about one race in eight; repeated here so that a regression shows."""
    for trial in range(25):
        dbs = [Database(f"sqlite:///{tmp_path / f'race-{trial}.sqlite3'}") for _ in range(4)]
        try:
            results = upgrade_at_once(dbs)
        finally:
            for db in dbs:
                db.dispose()
        assert results == [SCHEMA_VERSION] * len(dbs), f"trial {trial}: {results}"


def test_processes_upgrading_a_fresh_database_at_once_all_succeed(database_url):
    code = (
        "import sys; from storage.db import Database; "
        "sys.stdin.readline(); print(Database(sys.argv[1]).upgrade())"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            cwd=PROJECT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:  # both are up and imported; let them go together
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == str(SCHEMA_VERSION)
    db = Database(database_url)
    try:
        assert schema_rows(db) == [SCHEMA_VERSION]
    finally:
        db.dispose()


def test_a_pending_upgrade_step_runs_once_even_when_started_twice_at_once(
    database_url, monkeypatch
):
    first = Database(database_url)
    assert first.upgrade() == SCHEMA_VERSION
    with first.transaction() as session:
        session.add(Draft(owner="user:1", scope="s", text="before the upgrade"))
    first.dispose()

    calls: list[int] = []

    def add_column(connection) -> None:
        calls.append(1)
        connection.execute(text("ALTER TABLE drafts ADD COLUMN word_count INTEGER"))
        connection.execute(text("UPDATE drafts SET word_count = 3"))

    new_version = SCHEMA_VERSION + 1
    monkeypatch.setattr(db_module, "MIGRATIONS", [*db_module.MIGRATIONS, (new_version, add_column)])
    dbs = [Database(database_url) for _ in range(2)]
    start = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = dbs[i].upgrade()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert results == [new_version, new_version]
        assert calls == [1]
        assert dbs[0].upgrade() == new_version and calls == [1]
        assert schema_rows(dbs[0]) == [SCHEMA_VERSION, new_version]
        with dbs[0].engine.connect() as connection:
            row = connection.execute(text("SELECT text, word_count FROM drafts")).one()
        assert tuple(row) == ("before the upgrade", 3)
        with dbs[0].transaction() as session:
            assert session.scalar(select(func.count()).select_from(Draft)) == 1
    finally:
        for db in dbs:
            db.dispose()


def test_a_version_1_database_gets_the_sign_in_client_column(database_url):
    """Upgrade 2 adds `sign_in_attempts.client` (rate limits per client); old rows keep ''."""
    db = Database(database_url)
    try:
        db.upgrade()
        with db.engine.begin() as connection:  # back to the version 1 table
            connection.execute(text("DROP INDEX ix_sign_in_attempts_client"))
            connection.execute(text("ALTER TABLE sign_in_attempts DROP COLUMN client"))
            connection.execute(
                text(
                    "INSERT INTO sign_in_attempts (username, succeeded, at) "
                    "VALUES ('old', false, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(text("UPDATE schema_version SET version = 1"))
        assert db.upgrade() == SCHEMA_VERSION >= 2
        columns = {c["name"] for c in inspect(db.engine).get_columns("sign_in_attempts")}
        assert "client" in columns
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT client FROM sign_in_attempts")).scalar() == ""
    finally:
        db.dispose()
