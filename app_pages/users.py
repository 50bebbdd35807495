"""Users (administrators only): create accounts, change roles, deactivate, reset passwords.

A new role, a reset password or deactivation signs that account out of every browser.
"""

import pandas as pd
import streamlit as st

from app_pages.common import (
    ROLE_NAMES,
    attempt,
    choice_key,
    current_actor,
    database,
    labels,
    reporting_errors,
    tr,
)
from app_pages.tables import safe_table
from services import accounts
from services.accounts import ROLES
from services.passwords import MIN_PASSWORD

db = database()
actor = current_actor()
st.title(tr("用户管理", "Users"))

CREATE_KEYS = ("users_new_username", "users_new_display_name", "users_new_password")
FIELDS = {
    "username": tr("用户名", "User name"),
    "display_name": tr("显示名称", "Display name"),
    "role": tr("角色", "Role"),
    "password": tr("密码", "Password"),
}


def role_name(role: str) -> str:
    return tr(*ROLE_NAMES[role])


def users_table(users: list[dict]) -> pd.DataFrame:
    """The accounts with headers and values in the reader's language."""
    frame = pd.DataFrame(
        users, columns=["username", "display_name", "role", "active", "created_at"]
    )
    frame["role"] = frame["role"].map(role_name)
    frame["active"] = frame["active"].map(lambda on: tr("是", "yes") if on else tr("否", "no"))
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).dt.strftime(
        "%Y-%m-%d %H:%M"
    )
    return frame.rename(
        columns={
            "username": FIELDS["username"],
            "display_name": FIELDS["display_name"],
            "role": FIELDS["role"],
            "active": tr("启用", "Active"),
            "created_at": tr("创建时间（UTC）", "Created (UTC)"),
        }
    )


# After a successful create the page runs again: empty the form before its widgets exist,
# and say what was created (once).
if created := st.session_state.pop("users_created", None):
    for key in CREATE_KEYS:
        st.session_state[key] = ""  # set, not deleted: the browser's boxes are emptied too
    st.success(created)
if saved := st.session_state.pop("users_saved", None):
    st.session_state["users_reset_password"] = ""
    st.success(saved)


def save(user_id: int, role: str, active: bool, password: str) -> bool:
    """Apply the change form; True when the service accepted it."""
    accounts.update_user(db, actor, user_id, role, active, password or None)
    return True


with reporting_errors(FIELDS):
    users = accounts.list_users(db, actor)
    st.dataframe(safe_table(users_table(users)), hide_index=True)

    with st.form("users_create", clear_on_submit=False):  # a refused create keeps the input
        st.subheader(tr("新建账户", "New account"))
        username = st.text_input(FIELDS["username"], key=CREATE_KEYS[0])
        display_name = st.text_input(FIELDS["display_name"], key=CREATE_KEYS[1])
        role = st.selectbox(
            FIELDS["role"],
            ROLES,
            format_func=labels(ROLES, role_name),
            key=choice_key("users_new_role"),
        )
        password = st.text_input(
            tr(
                f"初始密码（至少 {MIN_PASSWORD} 位，不能是常见密码）",
                f"Initial password ({MIN_PASSWORD}+ characters, not a common one)",
            ),
            type="password",
            key=CREATE_KEYS[2],
        )
        if st.form_submit_button(tr("创建", "Create"), type="primary"):
            made = attempt(
                lambda: accounts.create_user(db, actor, username, password, role, display_name),
                FIELDS,
            )
            if made is not None:
                st.session_state["users_created"] = tr(
                    f"已创建账户“{made.username}”（{made.display_name}，{role_name(made.role)}）。"
                    "请把初始密码告诉对方，并提醒其登录后在「账户」页修改。",
                    f"Created the account “{made.username}” ({made.display_name}, "
                    f"{role_name(made.role)}). Give them the initial password and ask them to "
                    "change it on Account after signing in.",
                )
                st.rerun()

    st.subheader(tr("修改账户", "Change an account"))
    by_name = {u["username"]: u for u in users}
    chosen = st.selectbox(tr("账户", "Account"), list(by_name), key="users_chosen")
    if chosen:
        user = by_name[chosen]
        with st.form(f"users_update_{user['id']}"):
            new_role = st.selectbox(
                FIELDS["role"],
                ROLES,
                format_func=labels(ROLES, role_name),
                # a new widget when the saved role changes (here or elsewhere)
                key=choice_key(f"users_role_{user['id']}_{user['role']}", user["role"]),
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
                key="users_reset_password",
            )
            if st.form_submit_button(tr("保存", "Save")) and attempt(
                lambda: save(user["id"], new_role, active, new_password), FIELDS
            ):
                st.session_state["users_saved"] = tr(
                    f"已保存“{chosen}”；角色或密码改变时，该账户在所有浏览器中的登录均已失效。",
                    f"Saved “{chosen}”; a changed role or password has signed the account out "
                    "of every browser.",
                )
                st.rerun()
