"""Account: the first-run administrator, sign in, change your password, sign out.

Guests can practise without an account. Who is signed in is kept in an HttpOnly cookie the
server sets (never in the page address); signing in or out reloads the page, so nothing of
the previous person stays in it.
"""

import streamlit as st

from app_pages.common import (
    ROLE_NAMES,
    attempt,
    current_actor,
    database,
    forget_sign_in,
    remember_sign_in,
    sign_in_client,
    tr,
)
from services import accounts
from services.passwords import MIN_PASSWORD

db = database()
actor = current_actor()
st.title(tr("账户", "Account"))
FIELDS = {
    "username": tr("用户名", "User name"),
    "display_name": tr("显示名称", "Display name"),
    "password": tr("密码", "Password"),
}

if accounts.needs_first_admin(db):
    st.info(
        tr(
            "首次使用：请创建管理员账户。需要输入服务器启动时在控制台（及日志）中打印的设置码。"
            "之后管理员可以为候选人、面试官和培训师创建账户。",
            "First run: create the administrator account. It needs the setup code the server "
            "printed on its console (and in its log) when it started. The administrator then "
            "creates accounts for candidates, interviewers and trainers.",
        )
    )
    with st.form("account_first_admin"):
        code = st.text_input(tr("设置码", "Setup code"), key="account_setup_code")
        username = st.text_input(tr("用户名", "User name"))
        display_name = st.text_input(tr("显示名称", "Display name"))
        password = st.text_input(
            tr(f"密码（至少 {MIN_PASSWORD} 位）", f"Password ({MIN_PASSWORD}+ characters)"),
            type="password",
        )
        if st.form_submit_button(tr("创建管理员", "Create the administrator"), type="primary"):
            created = attempt(
                lambda: accounts.create_first_admin(
                    db, username, password, display_name, setup_code=code
                ),
                FIELDS,
            )
            if created is not None:
                signed_in = attempt(
                    lambda: accounts.sign_in(db, username, password, sign_in_client())
                )
                if signed_in is not None:
                    remember_sign_in(signed_in[1])
                    st.rerun()
    st.stop()

if actor.role != "guest":
    role_zh, role_en = ROLE_NAMES[actor.role]
    st.success(
        tr(
            f"已登录：{actor.display_name}（{actor.username}，{role_zh}）",
            f"Signed in as {actor.display_name} ({actor.username}, {role_en})",
        )
    )
    if st.button(tr("退出登录", "Sign out"), key="account_sign_out"):
        forget_sign_in()
        st.rerun()

    st.subheader(tr("修改密码", "Change your password"))
    with st.form("account_change_password", clear_on_submit=True):
        current = st.text_input(
            tr("当前密码", "Current password"), type="password", key="account_current_password"
        )
        new = st.text_input(
            tr(
                f"新密码（至少 {MIN_PASSWORD} 位，不能是常见密码）",
                f"New password ({MIN_PASSWORD}+ characters, not a common one)",
            ),
            type="password",
            key="account_new_password",
        )
        again = st.text_input(
            tr("再次输入新密码", "New password again"),
            type="password",
            key="account_new_password_again",
        )
        if st.form_submit_button(tr("修改密码", "Change password")):
            if new != again:
                st.error(tr("两次输入的新密码不一致。", "The two new passwords differ."))
            else:
                token = attempt(
                    lambda: accounts.change_password(db, actor, current, new),
                    {"password": tr("新密码", "New password")},
                )
                if token is not None:
                    changed = tr(
                        "密码已修改；其他浏览器中的登录已全部失效。",
                        "Password changed; every other browser signed in as you has been "
                        "signed out.",
                    )
                    remember_sign_in(token, notice=changed)
                    st.session_state["account_password_changed"] = changed
                    st.rerun()
    if changed := st.session_state.get("account_password_changed"):
        st.success(changed)  # until the page reloads; then the sidebar shows it once
    st.stop()

st.caption(
    tr(
        "访客可以直接练习，草稿和记录保存在此浏览器的访客身份下（由服务器发放，保存在 Cookie 中）。",
        "Guests can practise without an account; drafts and attempts are kept under this "
        "browser's guest identity (issued by the server, kept in a cookie).",
    )
)
with st.form("account_sign_in"):
    username = st.text_input(tr("用户名", "User name"), key="account_username")
    password = st.text_input(tr("密码", "Password"), type="password", key="account_password")
    if st.form_submit_button(tr("登录", "Sign in"), type="primary"):
        signed_in = attempt(lambda: accounts.sign_in(db, username, password, sign_in_client()))
        if signed_in is not None:
            remember_sign_in(signed_in[1])
            st.rerun()
