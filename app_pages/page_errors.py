"""What a page does with input it cannot use and errors it did not expect: a clear message in
the user's language, never a traceback, file path or SQL statement.

`app.py` runs every page inside `page_errors()`; pages parse ids from the address or a form
with `parse_id`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app_pages.common import show_error, tr
from services.errors import ServiceError

MAX_ID = 2_147_483_647  # ids are 32-bit integer columns on PostgreSQL

log = logging.getLogger("interview.pages")


def parse_id(text: object, maximum: int = MAX_ID) -> int | None:
    """A record id typed or found in the address: ASCII digits only, 1 to `maximum`.

    Args:
        text: the raw value (e.g. `st.query_params.get("session")`).
        maximum: the largest id the database can hold.

    Returns:
        The id, or None for anything else ("²" and "٣" are digits to `str.isdigit`, not
        here; neither are "", "-1", " 7", "1e3" or a number too large for the column).
    """
    if not isinstance(text, str) or not 0 < len(text) <= len(str(maximum)):
        return None
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= maximum else None


@contextmanager
def page_errors() -> Iterator[None]:
    """Run a page so that no error reaches the user as a traceback.

    A refused request (ServiceError) is shown as usual; a database error (busy, locked,
    unreachable) and anything unexpected become a short message in the user's language,
    with the details written to the server log. Streamlit's own control flow (st.stop,
    st.rerun, page switches) is not an Exception and passes through.
    """
    try:
        yield
    except ServiceError as error:
        show_error(error)
    except SQLAlchemyError:
        log.exception("database error while running a page")
        st.error(
            tr(
                "数据库暂时无法访问（可能正忙或已锁定），这次操作没有完成。"
                "已保存的内容不受影响；请稍后刷新页面或重试。",
                "The database cannot be reached right now (it may be busy or locked), so "
                "this step did not finish. Nothing saved before is affected; reload the page "
                "or try again in a moment.",
            )
        )
    except Exception:
        log.exception("unexpected error while running a page")
        st.error(
            tr(
                "出现了意外错误，这次操作没有完成。已保存的内容不受影响；请刷新页面后重试。"
                "如果问题重复出现，请告诉管理员（详细信息已记录在服务器日志中）。",
                "Something unexpected went wrong, so this step did not finish. Nothing "
                "saved before is affected; reload the page and try again. If it keeps "
                "happening, tell the administrator (the details are in the server log).",
            )
        )
