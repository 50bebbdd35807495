"""Account: the first-run administrator, sign in, sign out. Guests can practise without one."""

import streamlit as st

from app_pages.common import (
    ROLE_NAMES,
    attempt,
    current_actor,
    database,
    forget_sign_in,
    remember_sign_in,
    tr,
)
from services import accounts

db = database()
actor = current_actor()
st.title(tr("账户", "Account"))

if accounts.needs_first_admin(db):
    st.info(
        tr(
            "首次使用：请创建管理员账户。之后管理员可以为候选人、面试官和培训师创建账户。",
            "First run: create the administrator account. The administrator then creates "
            "accounts for candidates, interviewers and trainers.",
        )
    )
    with st.form("account_first_admin"):
        username = st.text_input(tr("用户名", "User name"))
        display_name = st.text_input(tr("显示名称", "Display name"))
        password = st.text_input(
            tr("密码（至少 8 位）", "Password (8+ characters)"), type="password"
        )
        if st.form_submit_button(tr("创建管理员", "Create the administrator"), type="primary"):
            created = attempt(
                lambda: accounts.create_first_admin(db, username, password, display_name)
            )
            if created is not None:
                _, token = accounts.sign_in(db, username, password)
                remember_sign_in(token)
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
    st.stop()

st.caption(
    tr(
        "访客可以直接练习，记录只保存在本浏览器地址对应的访客身份下。",
        "Guests can practise without an account; their attempts are kept under this "
        "browser address's guest key.",
    )
)
with st.form("account_sign_in"):
    username = st.text_input(tr("用户名", "User name"), key="account_username")
    password = st.text_input(tr("密码", "Password"), type="password", key="account_password")
    if st.form_submit_button(tr("登录", "Sign in"), type="primary"):
        signed_in = attempt(lambda: accounts.sign_in(db, username, password))
        if signed_in is not None:
            remember_sign_in(signed_in[1])
            st.rerun()
