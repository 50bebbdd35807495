"""The Users page: localised table and messages, a success message, and a form that is emptied
after a create (the password is not kept) but keeps the input when a create is refused."""

from __future__ import annotations

from services import accounts
from tests.app.conftest import PASSWORD

NEW_PASSWORD = "a-quiet-lighthouse-4"


def fill_create_form(at, username: str, display_name: str, password: str) -> None:
    at.text_input(key="users_new_username").input(username)
    at.text_input(key="users_new_display_name").input(display_name)
    at.text_input(key="users_new_password").input(password)


def create_button(at):
    return next(b for b in at.button if b.label in ("创建", "Create"))


def test_the_table_speaks_the_readers_language(open_page):
    at = open_page("users.py", "admin", language="zh")
    table = at.dataframe[0].value
    assert list(table.columns) == ["用户名", "显示名称", "角色", "启用", "创建时间（UTC）"]
    roles = dict(zip(table["用户名"], table["角色"], strict=True))
    assert roles["cand"] == "候选人" and roles["admin"] == "管理员"
    assert set(table["启用"]) == {"是"}


def test_creating_a_user_says_so_and_empties_the_form(open_page, app_db):
    at = open_page("users.py", "admin", language="zh")
    fill_create_form(at, "chen.cand", "陈候选人", NEW_PASSWORD)
    create_button(at).click().run()
    assert not at.exception and not at.error
    assert "已创建账户“chen.cand”（陈候选人，候选人）" in at.success[0].value
    for key in ("users_new_username", "users_new_display_name", "users_new_password"):
        assert at.text_input(key=key).value == ""  # nothing kept, the password least of all
    assert "chen.cand" in at.dataframe[0].value["用户名"].tolist()
    assert accounts.sign_in(app_db, "chen.cand", NEW_PASSWORD)[0].display_name == "陈候选人"
    at.run()  # the message is shown once
    assert not at.success


def test_a_refused_create_is_explained_in_chinese_and_keeps_the_input(open_page):
    at = open_page("users.py", "admin", language="zh")
    fill_create_form(at, "cand", "另一个人", "short")
    create_button(at).click().run()
    message = at.error[0].value
    assert "**用户名**：用户名“cand”已被使用" not in message  # the password is checked first
    assert "**密码**：密码至少需要 10 个字符（当前 5 个）" in message
    assert "password" not in message and "username" not in message
    assert at.text_input(key="users_new_username").value == "cand"
    assert at.text_input(key="users_new_display_name").value == "另一个人"
    at.text_input(key="users_new_password").input(NEW_PASSWORD)
    create_button(at).click().run()
    message = at.error[0].value
    assert "**用户名**：用户名“cand”已被使用，请换一个。" in message
    assert "already taken" not in message


def test_an_english_refusal_names_the_fields_as_the_form_does(open_page):
    at = open_page("users.py", "admin", language="en")
    fill_create_form(at, "no spaces allowed", " ", NEW_PASSWORD)
    create_button(at).click().run()
    message = at.error[0].value
    assert "**User name**: 3 to 64 letters" in message
    assert "**Display name**: required" in message


def test_changing_a_role_says_so_after_the_page_reloads(open_page, app_db):
    at = open_page("users.py", "admin", language="en")
    at.selectbox(key="users_chosen").set_value("cand2").run()
    form_role = next(s for s in at.selectbox if (s.key or "").startswith("users_role_"))
    form_role.set_value("interviewer")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception and not at.error
    assert "Saved “cand2”" in at.success[0].value
    table = at.dataframe[0].value
    assert dict(zip(table["User name"], table["Role"], strict=True))["cand2"] == "Interviewer"
    assert accounts.sign_in(app_db, "cand2", PASSWORD)[0].role == "interviewer"
