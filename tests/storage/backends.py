"""The storage backends the tests run on: SQLite always, PostgreSQL when a server is given.

PostgreSQL comes from `INTERVIEW_TEST_POSTGRES_URL` (e.g.
`postgresql+psycopg://interview:pw@127.0.0.1:55432/interview_test`; `.ci/run` starts one).
Each test gets its own empty schema in that database (chosen with `search_path` in the URL,
so subprocesses given the URL see the same schema), dropped afterwards. Without the
variable the PostgreSQL cases are skipped, unless `POSTGRES_REQUIRED=1`, which fails them.

The fixtures are imported by `tests/storage/conftest.py` and `tests/services/conftest.py`.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services import accounts
from services.accounts import Actor
from storage.db import Database

BACKENDS = ("sqlite", "postgresql")
PASSWORD = "correct-horse-9"
USERS = {  # user name -> role; "admin" is created first
    "admin": "admin",
    "cand": "candidate",
    "cand2": "candidate",
    "inter": "interviewer",
    "inter2": "interviewer",
    "train": "trainer",
    "train2": "trainer",
}


def postgres_base_url() -> str:
    """The PostgreSQL server to test against; skips (or fails if required) when there is none."""
    url = os.environ.get("INTERVIEW_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    reason = (
        "PostgreSQL tests need a server: set INTERVIEW_TEST_POSTGRES_URL="
        "postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB (.ci/run starts one)"
    )
    if os.environ.get("POSTGRES_REQUIRED") == "1":
        pytest.fail(f"POSTGRES_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def fresh_postgres_schema(base_url: str) -> tuple[str, str]:
    """Create an empty schema; returns (its name, a URL whose connections use only it)."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    engine = create_engine(base_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # a configured server that cannot be reached is a failure
        pytest.fail(f"cannot prepare a schema on INTERVIEW_TEST_POSTGRES_URL: {exc}")
    finally:
        engine.dispose()
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return schema, url.render_as_string(hide_password=False)


def drop_postgres_schema(base_url: str, schema: str) -> None:
    engine = create_engine(base_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """The URL of an empty database (no tables yet), on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'interview.sqlite3'}"
        return
    base = postgres_base_url()
    schema, url = fresh_postgres_schema(base)
    yield url
    drop_postgres_schema(base, schema)


@pytest.fixture
def backend(database_url) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def database(database_url) -> Iterator[Database]:
    """A database with the current schema, on each backend."""
    db = Database(database_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def fast_hashing(monkeypatch) -> None:
    """Cheaper argon2 parameters: the rules under test are the same, the tests are faster."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def users(database, fast_hashing) -> dict[str, Actor]:
    """One account per entry of USERS (password PASSWORD), by user name."""
    admin = accounts.create_first_admin(database, "admin", PASSWORD, "Admin")
    actors = {"admin": admin}
    for username, role in USERS.items():
        if username != "admin":
            actors[username] = accounts.create_user(
                database, admin, username, PASSWORD, role, username.title()
            )
    return actors


@pytest.fixture
def seeded(database, bank) -> Database:
    """The database with the shipped bank copied in (version 1 of every question)."""
    from services import bank as bank_service

    assert bank_service.seed_if_empty(database, bank) == len(bank.questions)
    return database


def at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0) ... work(count - 1) in threads released together; results or exceptions."""
    start = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
