"""The whole app: each role gets its own menu, and every page it can open renders in both
languages without an exception."""

import pytest
from streamlit.testing.v1 import AppTest

from services import accounts
from tests.app.conftest import PASSWORD, PROJECT

PAGES_BY_ROLE = {
    None: ["practice", "history", "bank_browser", "account"],
    "cand": ["practice", "history", "bank_browser", "account"],
    "inter": ["mock_session", "session_report", "batch", "cohort"],
    "train": ["workbench", "rubric_lab", "mock_session", "cohort"],
    "admin": ["users", "workbench", "batch"],
}
FORBIDDEN = {None: "workbench.py", "cand": "mock_session.py", "inter": "workbench.py"}


def run_app(app_db, username, language):
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.session_state["language"] = language
    if username:
        at.session_state["auth_token"] = accounts.sign_in(app_db, username, PASSWORD)[1]
    return at.run()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("username", list(PAGES_BY_ROLE))
def test_every_page_of_a_role_renders(app_db, username, language, monkeypatch):
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")
    at = run_app(app_db, username, language)
    assert not at.exception, [e.value for e in at.exception]
    for page in PAGES_BY_ROLE[username]:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title, page


@pytest.mark.parametrize("username", list(FORBIDDEN))
def test_pages_of_other_roles_are_not_in_the_menu(app_db, username):
    at = run_app(app_db, username, "en")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"app_pages/{FORBIDDEN[username]}")
