"""Account pages: first-run administrator, sign in, wrong password, user management."""

from streamlit.testing.v1 import AppTest

from services import accounts, identity
from storage.db import Database
from tests.app.conftest import PASSWORD, PROJECT


def test_first_run_creates_the_administrator(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    monkeypatch.setenv("INTERVIEW_DATABASE_URL", url)
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(str(PROJECT / "app_pages" / "account.py"), default_timeout=60)
    at.session_state["language"] = "en"
    at.run()
    assert "First run" in at.info[0].value
    at.text_input(key="account_setup_code").input("AAAA-BBBB-CCCC")
    at.text_input[1].input("boss")
    at.text_input[2].input("The Boss")
    at.text_input[3].input(PASSWORD)
    at.button[0].click().run()
    assert "setup code is wrong" in at.error[0].value  # no code, no administrator
    assert accounts.needs_first_admin(Database(url))
    at.text_input(key="account_setup_code").input(identity.setup_code(Database(url)))
    at.text_input[1].input("boss")
    at.text_input[2].input("The Boss")
    at.text_input[3].input("short")
    at.button[0].click().run()
    assert "**Password**: at least 10 characters" in at.error[0].value  # refused, fields kept
    assert at.text_input[1].value == "boss"
    at.text_input[3].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert "Signed in as The Boss" in at.success[0].value
    assert not accounts.needs_first_admin(Database(url))
    st.cache_resource.clear()


def test_wrong_password_is_refused_then_right_one_signs_in(open_page):
    at = open_page("account.py", language="en")
    at.text_input(key="account_username").input("cand")
    at.text_input(key="account_password").input("wrong-password")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong user name or password."
    at.text_input(key="account_password").input(PASSWORD)
    at.button[0].click().run()
    assert "Signed in as Cand" in at.success[0].value


def test_only_an_admin_sees_the_users(open_page):
    at = open_page("users.py", "cand", language="en")
    assert "needs the role admin" in at.error[0].value
    at = open_page("users.py", "admin", language="en")
    assert "cand2" in at.dataframe[0].value["User name"].tolist()


def test_bank_browser_searches_in_both_languages(open_page):
    at = open_page("bank_browser.py", language="en")
    assert at.title[0].value == "Question bank"
    at.text_input(key="bank_browser_search").input("cs-beh-01").run()
    assert len(at.expander) == 1
    at = open_page("bank_browser.py", language="zh")
    assert at.title[0].value == "题库"


def test_a_user_changes_their_own_password_on_the_account_page(open_page, app_db):
    at = open_page("account.py", "cand", language="en")
    old_token = at.session_state["auth_token"]
    at.text_input(key="account_current_password").input(PASSWORD)
    at.text_input(key="account_new_password").input("password123")
    at.text_input(key="account_new_password_again").input("password123")
    at.button[1].click().run()
    assert "most common passwords" in at.error[0].value
    at.text_input(key="account_current_password").input(PASSWORD)
    at.text_input(key="account_new_password").input("a-quiet-lighthouse-4")
    at.text_input(key="account_new_password_again").input("a-quiet-lighthouse-4")
    at.button[1].click().run()
    assert not at.exception
    assert any("Password changed" in s.value for s in at.success)
    assert accounts.actor_for_token(app_db, old_token) is None  # other sessions ended
    assert accounts.actor_for_token(app_db, at.session_state["auth_token"]).username == "cand"
    assert accounts.sign_in(app_db, "cand", "a-quiet-lighthouse-4")[0].username == "cand"


def test_bank_browser_with_no_category_chosen_says_to_choose_one(open_page):
    at = open_page("bank_browser.py", language="en")
    assert not at.info
    key = next(m.key for m in at.multiselect if "bank_browser_categories" in m.key)
    at.multiselect(key=key).set_value([]).run()
    assert len(at.expander) == 0
    assert "Choose at least one category" in at.info[0].value
