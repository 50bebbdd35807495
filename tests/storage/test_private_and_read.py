"""Reads that take no write lock, and an SQLite database private to its user (issue 12,
findings 3 and 9)."""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest
from sqlalchemy import func, select

from storage.db import Database, ReadOnlyViolation
from storage.models import Draft


def test_a_read_does_not_wait_for_a_writer_and_refuses_to_write(database):
    holding = threading.Event()
    release = threading.Event()

    def writer() -> None:
        with database.transaction() as session:
            session.add(Draft(owner="user:1", scope="s", text="pending"))
            session.flush()
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        t0 = time.perf_counter()
        with database.read() as session:  # the write lock is held: a read does not queue
            assert session.scalar(select(func.count()).select_from(Draft)) == 0
        assert time.perf_counter() - t0 < 2
    finally:
        release.set()
        thread.join()
    with pytest.raises(ReadOnlyViolation), database.read() as session:
        session.add(Draft(owner="user:1", scope="t", text="not saved"))
        session.flush()
    with database.read() as session:
        row = session.scalar(select(Draft))
    assert (row.text, row.scope) == ("pending", "s")  # usable after the block


def test_a_new_sqlite_database_is_private_to_its_user(tmp_path):
    folder = tmp_path / "data"
    db = Database(f"sqlite:///{folder / 'interview.sqlite3'}")
    try:
        db.upgrade()
        with db.transaction() as session:
            session.add(Draft(owner="user:1", scope="s", text="x"))
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        files = sorted(p.name for p in folder.iterdir())
        assert "interview.sqlite3" in files
        for name in files:  # the database, its WAL and shared-memory files
            assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600, name
    finally:
        db.dispose()


def test_an_existing_world_readable_database_file_is_made_private(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    path = shared / "old.sqlite3"
    Database(f"sqlite:///{path}").upgrade()
    os.chmod(path, 0o644)
    db = Database(f"sqlite:///{path}")
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(shared).st_mode) == 0o755  # a folder it did not create
    finally:
        db.dispose()
