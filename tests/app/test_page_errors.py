"""No traceback reaches a user (issue 12, finding 5): ids in the address are parsed strictly,
and a database error on any page becomes a clear message in the user's language."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from app_pages.page_errors import MAX_ID, parse_id
from services import accounts, sessions
from services import bank as bank_service
from tests.app.conftest import PASSWORD, PROJECT

BAD_IDS = ["²", "٣", "99999999999999999999", str(MAX_ID + 1), "-1", "0", " 7", "1e3", "", "x"]


def all_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "markdown", "caption", "error", "warning", "info", "text", "code"):
        parts += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    return "\n".join(parts)


@pytest.mark.parametrize("text", BAD_IDS)
def test_parse_id_takes_only_ascii_digits_in_range(text):
    assert "²".isdigit()  # why str.isdigit is not enough
    assert parse_id(text) is None


def test_parse_id_reads_a_plain_id():
    assert parse_id("7") == 7 and parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(None) is None and parse_id(7) is None


@pytest.mark.parametrize("page", ["mock_session.py", "session_report.py"])
@pytest.mark.parametrize("wanted", ["²", "99999999999999999999", "-1"])
def test_a_bad_session_id_in_the_address_shows_no_traceback(open_page, page, wanted):
    at = open_page(page, "inter", "en")
    at.query_params["session"] = wanted
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Traceback" not in all_text(at) and "Error" not in all_text(at)


def test_a_real_session_id_still_opens_the_session(open_page, app_db):
    inter = accounts.sign_in(app_db, "inter", PASSWORD)[0]
    view = sessions.create_session(app_db, inter, "Candidate Qian", ["cs-beh-01"])
    at = open_page("mock_session.py", "inter", "en")
    at.query_params["session"] = str(view.id)
    at.run()
    assert not at.exception
    assert at.session_state["mock_open_session"] == view.id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_database_error_on_a_page_is_a_message_in_the_users_language(
    app_db, monkeypatch, language
):
    def locked(*_args, **_kwargs):
        raise OperationalError(
            "SELECT questions.id, questions.data FROM questions WHERE questions.deleted = 0",
            {},
            sqlite3.OperationalError("database is locked"),
        )

    monkeypatch.setattr(bank_service, "load_bank", locked)
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.session_state["language"] = language
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = all_text(at)
    assert "SELECT" not in shown and "database is locked" not in shown
    expected = "数据库暂时无法访问" if language == "zh" else "The database cannot be reached"
    assert any(expected in e.value for e in at.error), shown
