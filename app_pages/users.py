"""Users (administrators only): create accounts, change roles, deactivate, reset passwords.

A new role, a reset password or deactivation signs that account out of every browser.
"""

import pandas as pd
import streamlit as st

from app_pages.common import (
    ROLE_NAMES,
    attempt,
    current_actor,
    database,
    labels,
    reporting_errors,
    show_error,
    tr,
)
from app_pages.tables import safe_table
from services import accounts
from services.errors import ServiceError
from services.passwords import MIN_PASSWORD
from storage.models import ROLES

db = database()
actor = current_actor()
st.title(tr("用户管理", "Users"))


def role_name(role: str) -> str:
    return tr(*ROLE_NAMES[role])


with reporting_errors():
    users = accounts.list_users(db, actor)
    st.dataframe(
        safe_table(pd.DataFrame(users).assign(role=lambda f: f["role"].map(role_name))),
        hide_index=True,
        column_order=["username", "display_name", "role", "active", "created_at"],
    )

    with st.form("users_create", clear_on_submit=False):
        st.subheader(tr("新建账户", "New account"))
        username = st.text_input(tr("用户名", "User name"))
        display_name = st.text_input(tr("显示名称", "Display name"))
        role = st.selectbox(tr("角色", "Role"), ROLES, format_func=labels(ROLES, role_name))
        password = st.text_input(
            tr(
                f"初始密码（至少 {MIN_PASSWORD} 位，不能是常见密码）",
                f"Initial password ({MIN_PASSWORD}+ characters, not a common one)",
            ),
            type="password",
        )
        if st.form_submit_button(tr("创建", "Create"), type="primary"):
            created = attempt(
                lambda: accounts.create_user(db, actor, username, password, role, display_name)
            )
            if created is not None:
                st.success(tr(f"已创建 {username}", f"Created {username}"))
                st.rerun()

    st.subheader(tr("修改账户", "Change an account"))
    by_name = {u["username"]: u for u in users}
    chosen = st.selectbox(tr("账户", "Account"), list(by_name), key="users_chosen")
    if chosen:
        user = by_name[chosen]
        with st.form("users_update"):
            new_role = st.selectbox(
                tr("角色", "Role"),
                ROLES,
                index=ROLES.index(user["role"]),
                format_func=labels(ROLES, role_name),
            )
            active = st.checkbox(tr("启用", "Active"), value=user["active"])
            own = user["id"] == actor.user_id
            new_password = st.text_input(
                tr("新密码（留空则不改）", "New password (blank keeps it)"),
                type="password",
                disabled=own,
                help=tr("修改自己的密码请到「账户」页。", "Change your own password on Account.")
                if own
                else None,
            )
            if st.form_submit_button(tr("保存", "Save")):
                try:
                    accounts.update_user(
                        db, actor, user["id"], new_role, active, new_password or None
                    )
                except ServiceError as error:
                    show_error(error)
                else:
                    st.success(
                        tr(
                            f"已保存 {chosen}；角色或密码改变时，该账户在所有浏览器中的登录均已失效。",
                            f"Saved {chosen}; a changed role or password has signed the account "
                            "out of every browser.",
                        )
                    )
