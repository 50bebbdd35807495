"""Entry point: page navigation by role. Run with `streamlit run app.py`.

`streamlit run` finds the `st.App` at the end of this file and serves it: Streamlit plus the
small endpoints in `server/` that keep who is signed in (or which guest) in HttpOnly cookies,
never in the page address. Streamlit then runs this same file as the script of each browser
session (there `__name__` is "__main__"), which draws the menu for the user's role.
"""

import streamlit as st

from app_pages.common import (
    ROLE_NAMES,
    current_actor,
    database,
    identity_bridge,
    language_switch,
    tr,
)
from app_pages.page_errors import page_errors
from services.accounts import needs_first_admin


def page(path: str, zh: str, en: str, icon: str, **options) -> st.Page:
    return st.Page(path, title=tr(zh, en), icon=icon, **options)


def navigation() -> None:
    """Draw the menu for the current user's role and run the page they chose."""
    st.set_page_config(page_title="Interview trainer / 面试训练", page_icon="🎯", layout="wide")
    language_switch()
    actor = current_actor()
    identity_bridge()

    practice = [
        page("app_pages/practice.py", "练习", "Practice", "✍️", default=True),
        page("app_pages/history.py", "我的进步", "My progress", "📈"),
    ]
    pages: dict[str, list[st.Page]] = {tr("候选人", "Candidate"): practice}
    if actor.can("interviewer", "trainer"):
        pages[tr("面试官", "Interviewer")] = [
            page("app_pages/mock_session.py", "模拟面试", "Mock sessions", "🎙️"),
            page("app_pages/session_report.py", "面试报告", "Session reports", "📋"),
            page("app_pages/batch.py", "批量评分", "Batch scoring", "📦"),
            page("app_pages/cohort.py", "学员总览", "Cohort", "🗺️"),
        ]
    if actor.can("trainer"):
        pages[tr("培训师", "Trainer")] = [
            page("app_pages/workbench.py", "题库工作台", "Bank workbench", "🛠️"),
            page("app_pages/rubric_lab.py", "评分实验室", "Rubric lab", "🧪"),
        ]
    pages[tr("其他", "More")] = [
        page("app_pages/bank_browser.py", "浏览题库", "Browse the bank", "📚"),
        page("app_pages/account.py", "账户", "Account", "👤"),
    ]
    if actor.can("admin"):
        pages[tr("其他", "More")].append(page("app_pages/users.py", "用户管理", "Users", "🔑"))

    role_zh, role_en = ROLE_NAMES[actor.role]
    if actor.role == "guest":
        st.sidebar.caption(tr("访客（未登录）", "Guest (not signed in)"))
        if needs_first_admin(database()):
            st.sidebar.info(
                tr(
                    "首次使用：在「账户」页创建管理员账户。",
                    "First run: create the administrator on the Account page.",
                )
            )
    else:
        st.sidebar.caption(f"{actor.display_name} · {tr(role_zh, role_en)}")
    st.navigation(pages).run()


if __name__ == "__main__":  # the script of one browser session
    with page_errors():  # every page: a clear message, never a traceback
        navigation()
else:  # imported by the server (`streamlit run` or uvicorn): the ASGI application
    from server import routes

    app = st.App(
        "app.py",
        routes=routes.routes(),
        middleware=routes.middleware(),
        lifespan=routes.lifespan(),
    )
