"""Fixtures for AppTest page tests: a fresh SQLite database per test and signed-in users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from services import accounts
from storage.db import Database

PROJECT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-9"
USERS = {
    "admin": "admin",
    "cand": "candidate",
    "cand2": "candidate",
    "inter": "interviewer",
    "inter2": "interviewer",
    "train": "trainer",
}


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> Iterator[Database]:
    """A new database with one user per role; the app's caches are cleared around the test."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("INTERVIEW_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    db = Database(url)
    db.upgrade()
    admin = accounts.create_first_admin(db, "admin", PASSWORD, "Admin")
    for username, role in USERS.items():
        if username != "admin":
            accounts.create_user(db, admin, username, PASSWORD, role, username.title())
    yield db
    db.dispose()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def open_page(app_db) -> Callable[..., AppTest]:
    """Run one page as `username` (None: a guest) in the given language; returns the AppTest."""

    def run(page: str, username: str | None = None, language: str = "zh") -> AppTest:
        at = AppTest.from_file(str(PROJECT / "app_pages" / page), default_timeout=60)
        at.session_state["language"] = language
        if username:
            _, token = accounts.sign_in(app_db, username, PASSWORD)
            at.session_state["auth_token"] = token
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run
