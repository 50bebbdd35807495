"""HTTP endpoints and middleware that `app.py` hands to `st.App`.

- Every page load without identity cookies gets a guest key issued by the server
  (GuestCookieMiddleware); a key that does not carry the server's signature is replaced.
- POST {API}/session   {"token": ...}  the page exchanges the token of a sign-in it just
  made for an HttpOnly cookie (the token is rotated, so the one the page saw is dead).
- POST {API}/sign-out                    ends the cookie's session, gives a fresh guest key.
- POST {API}/draft     {...}             saves the text being typed, for the identity in
  the cookie; the page's owner tag must match, so a tab opened as someone else saves nothing.

The POST endpoints accept only JSON from the app's own origin (Origin must match Host, and
Host must pass `server.allowedHosts`): another site cannot sign a browser in or out, nor
write drafts, through them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlparse

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.cookies import (
    API_PREFIX,
    AUTH_COOKIE,
    GUEST_COOKIE,
    GUEST_LIFETIME,
    SAME_SITE,
    api_path,
    base_path,
)
from services import accounts, identity, practice, sessions
from services.accounts import Actor
from services.errors import NotFound, PermissionDenied, RateLimited, ServiceError
from storage.db import Database

LOGGER = logging.getLogger("interview_trainer.server")
MAX_BODY_BYTES = 512 * 1024  # a draft of practice.MAX_DRAFT_CHARS Chinese characters fits
_NO_GUEST_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/favicon", API_PREFIX)

_databases: dict[str, Database] = {}


def database() -> Database:
    """The database the endpoints use (one per URL per process; the schema is upgraded)."""
    from storage.db import database_url

    url = database_url()
    if url not in _databases:
        db = Database(url)
        db.upgrade()
        _databases[url] = db
    return _databases[url]


# --- cookies ---------------------------------------------------------------------------------


def _secure(request_scope: Scope, headers: dict[str, str]) -> bool:
    forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request_scope.get("scheme") == "https" or forwarded == "https"


def cookie_header(name: str, value: str, max_age: int, secure: bool) -> str:
    """A Set-Cookie value: HttpOnly, SameSite=Lax, the whole app's path."""
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", f"SameSite={SAME_SITE}"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int):
    secure = _secure(request.scope, {k.lower(): v for k, v in request.headers.items()})
    response.headers.append("set-cookie", cookie_header(name, value, max_age, secure))


def _clear_cookie(response: Response, name: str) -> None:
    response.headers.append(
        "set-cookie", f"{name}=; Path=/; Max-Age=0; HttpOnly; SameSite={SAME_SITE}"
    )


def _cookies(scope: Scope) -> dict[str, str]:
    raw = "; ".join(
        value.decode("latin-1") for key, value in scope.get("headers", []) if key == b"cookie"
    )
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header: treat as no cookies
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


class GuestCookieMiddleware:
    """Give a browser that arrives with no identity a guest key issued by the server.

    Only page loads (GET, not Streamlit's own assets or endpoints) are looked at; a guest
    cookie that is not signed by this server (planted, or from another installation) is
    replaced. Query parameters play no part: a link cannot choose who the guest is.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "").removeprefix(base_path())
        if path.startswith(_NO_GUEST_PREFIXES):
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        db = database()
        new_cookies = []
        token = cookies.get(AUTH_COOKIE)
        if token and await run_in_threadpool(accounts.actor_for_token, db, token) is None:
            # The session ended (signed out elsewhere, password or role changed, expired).
            new_cookies.append(f"{AUTH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite={SAME_SITE}")
            token = None
        if not token:
            guest = cookies.get(GUEST_COOKIE)
            if await run_in_threadpool(identity.guest_for_key, db, guest) is None:
                key = await run_in_threadpool(identity.new_guest_key, db)
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
                lifetime = int(GUEST_LIFETIME.total_seconds())
                new_cookies.append(
                    cookie_header(GUEST_COOKIE, key, lifetime, _secure(scope, headers))
                )

        async def send_with_cookie(message: Message) -> None:
            if new_cookies and message["type"] == "http.response.start":
                extra = [(b"set-cookie", value.encode()) for value in new_cookies]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# --- who is asking ---------------------------------------------------------------------------


def actor_from_cookies(db: Database, cookies: dict[str, str]) -> Actor | None:
    """The signed-in user of the auth cookie, else the guest of a valid guest key, else None."""
    token = cookies.get(AUTH_COOKIE)
    if token:
        actor = accounts.actor_for_token(db, token)
        if actor is not None:
            return actor
        return None  # a dead session: not silently someone's guest
    return identity.guest_for_key(db, cookies.get(GUEST_COOKIE))


def _same_origin(request: Request) -> bool:
    from streamlit.web.server.starlette.starlette_websocket import is_host_allowed

    host = request.headers.get("host")
    if not is_host_allowed(host):
        return False
    origin = request.headers.get("origin")
    if origin is None:  # browsers send Origin with every POST from a page
        return False
    return urlparse(origin).netloc == host


def _refusal(status: int, en: str, zh: str) -> JSONResponse:
    return JSONResponse({"ok": False, "en": en, "zh": zh}, status_code=status)


async def _json_body(request: Request) -> dict[str, Any] | JSONResponse:
    """The request's JSON object, or the response that refuses it."""
    if not _same_origin(request):
        return _refusal(
            403, "Refused: not from this app's page.", "已拒绝：请求不是来自本应用的页面。"
        )
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _refusal(415, "Refused: JSON expected.", "已拒绝：需要 JSON。")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return _refusal(413, "The text is too long to save.", "文本太长，无法保存。")
    try:
        data = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _refusal(400, "Refused: not valid JSON.", "已拒绝：不是有效的 JSON。")
    if not isinstance(data, dict):
        return _refusal(400, "Refused: a JSON object expected.", "已拒绝：需要 JSON 对象。")
    return data


# --- endpoints -------------------------------------------------------------------------------


async def take_session(request: Request) -> Response:
    """Exchange the token of a sign-in the page just made for the HttpOnly cookie."""
    data = await _json_body(request)
    if isinstance(data, JSONResponse):
        return data
    token = data.get("token")
    if not isinstance(token, str) or not token or len(token) > 200:
        return _refusal(400, "Refused: no sign-in to store.", "已拒绝：没有可保存的登录。")
    fresh = await run_in_threadpool(accounts.rotate_token, database(), token)
    if fresh is None:
        return _refusal(
            401, "This sign-in has ended; sign in again.", "此次登录已失效，请重新登录。"
        )
    response = JSONResponse({"ok": True})
    _set_cookie(response, request, AUTH_COOKIE, fresh, int(accounts.TOKEN_LIFETIME.total_seconds()))
    _clear_cookie(response, GUEST_COOKIE)  # the next guest on this browser starts afresh
    return response


async def sign_out(request: Request) -> Response:
    """End the cookie's session and start this browser afresh as a new guest."""
    if not _same_origin(request):
        return _refusal(
            403, "Refused: not from this app's page.", "已拒绝：请求不是来自本应用的页面。"
        )
    db = database()
    token = _cookies(request.scope).get(AUTH_COOKIE)
    if token:
        await run_in_threadpool(accounts.sign_out, db, token)
    response = JSONResponse({"ok": True})
    _clear_cookie(response, AUTH_COOKIE)
    key = await run_in_threadpool(identity.new_guest_key, db)
    _set_cookie(response, request, GUEST_COOKIE, key, int(GUEST_LIFETIME.total_seconds()))
    return response


async def save_draft(request: Request) -> Response:
    """Save the text being typed in a practice or mock-session answer box."""
    data = await _json_body(request)
    if isinstance(data, JSONResponse):
        return data
    db = database()
    actor = await run_in_threadpool(actor_from_cookies, db, _cookies(request.scope))
    if actor is None:
        return _refusal(
            401,
            "Not saved: this browser's sign-in has ended. Copy your text, then reload the page.",
            "未保存：此浏览器的登录已失效。请先复制你的文字，再刷新页面。",
        )
    tag = data.get("owner_tag")
    if not isinstance(tag, str) or tag != identity.owner_tag(db, actor.owner):
        return _refusal(
            409,
            "Not saved: someone else has signed in on this browser since this page was opened. "
            "Copy your text, then reload the page.",
            "未保存：打开此页面后，此浏览器上已登录了其他用户。请先复制你的文字，再刷新页面。",
        )
    text = data.get("text")
    if not isinstance(text, str):
        return _refusal(400, "Refused: no text.", "已拒绝：没有文本。")
    try:
        await run_in_threadpool(_save, db, actor, data, text)
    except ServiceError as error:
        if isinstance(error, PermissionDenied | NotFound):
            status = 403
        else:  # too often (the page retries later) or too large: the text stays in the box
            status = 429 if isinstance(error, RateLimited) else 400
        return _refusal(status, error.en, error.zh)
    except Exception:  # the database is locked or gone: the page keeps the text and retries
        LOGGER.exception("draft save failed")
        return _refusal(
            503,
            "Not saved yet: the database is busy. Retrying; your text stays in the box.",
            "暂未保存：数据库繁忙，正在重试；你的文字仍在输入框中。",
        )
    return JSONResponse({"ok": True, "saved_at": datetime.now(UTC).isoformat()})


def _save(db: Database, actor: Actor, data: dict[str, Any], text: str) -> None:
    kind = data.get("kind")
    if kind == "practice":
        question_id = data.get("question_id")
        if not isinstance(question_id, str) or not 0 < len(question_id) <= 64:
            raise NotFound("No such question.", "没有这道题。")
        practice.save_draft(db, actor, f"practice:{question_id}", text)
    elif kind == "mock":
        session_id, question_id = data.get("session_id"), data.get("question_id")
        if type(session_id) is not int or not isinstance(question_id, str):
            raise NotFound("No such session.", "没有这场面试。")
        sessions.save_answer(db, actor, session_id, question_id, answer=text)
    else:
        raise NotFound("Nothing to save here.", "这里没有可保存的内容。")


def routes() -> list[Route]:
    return [
        Route(f"{api_path()}/session", take_session, methods=["POST"]),
        Route(f"{api_path()}/sign-out", sign_out, methods=["POST"]),
        Route(f"{api_path()}/draft", save_draft, methods=["POST"]),
    ]


def middleware() -> list[Middleware]:
    return [Middleware(GuestCookieMiddleware)]


def lifespan(announce: Callable[[Database], object] = identity.announce_setup_code):
    """st.App's lifespan: print the first-run setup code when the server starts."""

    @asynccontextmanager
    async def run(_app: object) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(announce, database())
        except Exception:  # the app still starts; the Account page explains what is wrong
            LOGGER.exception("could not check for the first administrator at start")
        yield

    return run
