"""The identity and draft endpoints (server/routes.py) as an ASGI app, driven without a network:
cookies are HttpOnly and SameSite, guests are issued by the server, other sites are refused,
and a draft is saved only for the identity in the cookie."""

from __future__ import annotations

import asyncio
import json
from http.cookies import SimpleCookie

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from server import routes
from server.cookies import AUTH_COOKIE, GUEST_COOKIE
from services import accounts, identity, practice, sessions
from storage.db import Database
from tests.storage.backends import PASSWORD

HOST = "127.0.0.1:8501"
ORIGIN = f"http://{HOST}"


@pytest.fixture
def db(tmp_path, monkeypatch, fast_hashing) -> Database:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    monkeypatch.setenv("INTERVIEW_DATABASE_URL", url)
    database = routes.database()
    admin = accounts.create_first_admin(database, "admin", PASSWORD, "Admin")
    accounts.create_user(database, admin, "cand", PASSWORD, "candidate", "Cand")
    accounts.create_user(database, admin, "cand2", PASSWORD, "candidate", "Cand2")
    accounts.create_user(database, admin, "inter", PASSWORD, "interviewer", "Inter")
    accounts.create_user(database, admin, "inter2", PASSWORD, "interviewer", "Inter2")
    return database


@pytest.fixture
def app(db) -> Starlette:
    async def page(_request):
        return HTMLResponse("<html>the app</html>")

    return Starlette(
        routes=[*routes.routes(), Route("/{path:path}", page)], middleware=routes.middleware()
    )


def call(app, method: str, path: str, *, cookies=None, body=None, headers=None):
    """One request through the ASGI app; returns (status, headers list, JSON or text)."""
    raw_headers = [(b"host", HOST.encode())]
    if cookies:
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        raw_headers.append((b"cookie", cookie.encode()))
    payload = b""
    if body is not None:
        payload = json.dumps(body).encode()
        raw_headers.append((b"content-type", b"application/json"))
    for key, value in (headers if headers is not None else {"origin": ORIGIN}).items():
        raw_headers.append((key.encode(), value.encode()))
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": raw_headers,
        "scheme": "http",
        "server": ("127.0.0.1", 8501),
        "client": ("127.0.0.1", 50000),
        "http_version": "1.1",
        "root_path": "",
    }
    sent = []
    messages = [{"type": "http.request", "body": payload, "more_body": False}]

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    response_headers = [(k.decode(), v.decode()) for k, v in start["headers"]]
    try:
        parsed = json.loads(content)
    except ValueError:
        parsed = content.decode()
    return start["status"], response_headers, parsed


def set_cookies(headers) -> dict[str, str]:
    """name -> the whole Set-Cookie value."""
    found = {}
    for key, value in headers:
        if key == "set-cookie":
            found[value.split("=", 1)[0]] = value
    return found


def cookie_value(header: str) -> str:
    jar = SimpleCookie()
    jar.load(header)
    return next(iter(jar.values())).value


def test_a_page_load_without_identity_gets_a_server_issued_guest_cookie(app, db):
    status, headers, _ = call(app, "GET", "/practice")
    assert status == 200
    header = set_cookies(headers)[GUEST_COOKIE]
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
    assert identity.guest_for_key(db, cookie_value(header)) is not None
    # a reload with the cookie keeps it; a planted, unsigned key is replaced
    key = cookie_value(header)
    assert GUEST_COOKIE not in set_cookies(call(app, "GET", "/", cookies={GUEST_COOKIE: key})[1])
    replaced = set_cookies(call(app, "GET", "/", cookies={GUEST_COOKIE: "victim.chosen"})[1])
    assert cookie_value(replaced[GUEST_COOKIE]) != "victim.chosen"
    # a dead session cookie is dropped and the browser gets a guest key instead
    _, token = accounts.sign_in(db, "cand", PASSWORD)
    accounts.sign_out(db, token)
    dead = set_cookies(call(app, "GET", "/", cookies={AUTH_COOKIE: token})[1])
    assert "Max-Age=0" in dead[AUTH_COOKIE] and GUEST_COOKIE in dead
    _, live = accounts.sign_in(db, "cand", PASSWORD)
    assert set_cookies(call(app, "GET", "/", cookies={AUTH_COOKIE: live})[1]) == {}
    # Streamlit's own assets and endpoints are left alone
    assert GUEST_COOKIE not in set_cookies(call(app, "GET", "/_stcore/health")[1])


def test_a_sign_in_is_exchanged_for_an_httponly_cookie_with_a_new_token(app, db):
    _, token = accounts.sign_in(db, "cand", PASSWORD)
    status, headers, answer = call(app, "POST", "/app-api/session", body={"token": token})
    assert status == 200 and answer["ok"]
    cookies = set_cookies(headers)
    header = cookies[AUTH_COOKIE]
    assert "HttpOnly" in header and "SameSite=lax" in header and "Max-Age=604800" in header
    fresh = cookie_value(header)
    assert fresh != token and accounts.actor_for_token(db, fresh).username == "cand"
    assert accounts.actor_for_token(db, token) is None  # the token the page saw is dead
    assert "Max-Age=0" in cookies[GUEST_COOKIE]  # the guest of this browser is dropped
    status, _, _ = call(app, "POST", "/app-api/session", body={"token": token})
    assert status == 401  # exchanged once only


def test_other_sites_cannot_sign_a_browser_in_or_out(app, db):
    _, token = accounts.sign_in(db, "cand", PASSWORD)
    for headers in ({"origin": "http://evil.example"}, {}, {"origin": "null"}):
        status, answer_headers, answer = call(
            app, "POST", "/app-api/session", body={"token": token}, headers=headers
        )
        assert status == 403 and "本应用" in answer["zh"]
        assert AUTH_COOKIE not in set_cookies(answer_headers)
    status, _, _ = call(
        app, "POST", "/app-api/sign-out", cookies={AUTH_COOKIE: token},
        headers={"origin": "http://evil.example"},
    )  # fmt: skip
    assert status == 403
    assert accounts.actor_for_token(db, token) is not None


def test_sign_out_ends_the_session_and_starts_a_new_guest(app, db):
    _, token = accounts.sign_in(db, "cand", PASSWORD)
    status, headers, _ = call(app, "POST", "/app-api/sign-out", cookies={AUTH_COOKIE: token})
    assert status == 200
    cookies = set_cookies(headers)
    assert "Max-Age=0" in cookies[AUTH_COOKIE]
    assert identity.guest_for_key(db, cookie_value(cookies[GUEST_COOKIE])) is not None
    assert accounts.actor_for_token(db, token) is None


def draft_body(db, owner: str, text: str, question_id: str = "cs-beh-01") -> dict:
    return {
        "kind": "practice",
        "question_id": question_id,
        "text": text,
        "owner_tag": identity.owner_tag(db, owner),
    }


def test_a_draft_is_saved_for_the_identity_in_the_cookie(app, db):
    _, token = accounts.sign_in(db, "cand", PASSWORD)
    cand = accounts.actor_for_token(db, token)
    status, _, answer = call(
        app, "POST", "/app-api/draft", cookies={AUTH_COOKIE: token},
        body=draft_body(db, cand.owner, "typed, not yet blurred"),
    )  # fmt: skip
    assert status == 200 and answer["ok"]
    assert practice.load_draft(db, cand, "practice:cs-beh-01") == "typed, not yet blurred"

    key = identity.new_guest_key(db)
    guest = identity.guest_for_key(db, key)
    status, _, _ = call(
        app, "POST", "/app-api/draft", cookies={GUEST_COOKIE: key},
        body=draft_body(db, guest.owner, "a guest's draft"),
    )  # fmt: skip
    assert status == 200
    assert practice.load_draft(db, guest, "practice:cs-beh-01") == "a guest's draft"


def test_a_page_opened_as_someone_else_saves_nothing(app, db):
    """A tab drawn for the guest keeps typing after a candidate signed in on the browser:
    the owner tag no longer matches the cookie, the save is refused, nothing is written."""
    _, token = accounts.sign_in(db, "cand", PASSWORD)
    cand = accounts.actor_for_token(db, token)
    status, _, answer = call(
        app, "POST", "/app-api/draft", cookies={AUTH_COOKIE: token},
        body=draft_body(db, "guest:someone", "the guest's private text"),
    )  # fmt: skip
    assert status == 409 and "其他用户" in answer["zh"]
    assert practice.load_draft(db, cand, "practice:cs-beh-01") is None
    accounts.sign_out(db, token)
    status, _, _ = call(
        app, "POST", "/app-api/draft", cookies={AUTH_COOKIE: token},
        body=draft_body(db, cand.owner, "after sign-out"),
    )  # fmt: skip
    assert status == 401
    status, _, _ = call(app, "POST", "/app-api/draft", body=draft_body(db, cand.owner, "x"))
    assert status == 401  # no cookie at all


def test_draft_requests_from_other_sites_or_not_json_are_refused(app, db):
    _, token = accounts.sign_in(db, "cand", PASSWORD)
    cand = accounts.actor_for_token(db, token)
    body = draft_body(db, cand.owner, "x")
    status, _, _ = call(
        app, "POST", "/app-api/draft", cookies={AUTH_COOKIE: token}, body=body,
        headers={"origin": "http://evil.example"},
    )  # fmt: skip
    assert status == 403
    status, _, _ = call(
        app, "POST", "/app-api/draft", cookies={AUTH_COOKIE: token},
        body={**body, "text": "x" * (routes.MAX_BODY_BYTES + 10)},
    )  # fmt: skip
    assert status == 413
    assert practice.load_draft(db, cand, "practice:cs-beh-01") is None


def test_a_mock_session_answer_is_saved_only_for_the_interviewer_who_runs_it(app, db):
    _, token = accounts.sign_in(db, "inter", PASSWORD)
    inter = accounts.actor_for_token(db, token)
    view = sessions.create_session(db, inter, "Candidate A", ["cs-beh-01"])
    body = {
        "kind": "mock",
        "session_id": view.id,
        "question_id": "cs-beh-01",
        "text": "transcribed while the candidate speaks",
        "owner_tag": identity.owner_tag(db, inter.owner),
    }
    status, _, _ = call(app, "POST", "/app-api/draft", cookies={AUTH_COOKIE: token}, body=body)
    assert status == 200
    saved = sessions.get_session(db, inter, view.id).answer("cs-beh-01").answer
    assert saved == "transcribed while the candidate speaks"

    _, other_token = accounts.sign_in(db, "inter2", PASSWORD)
    other = accounts.actor_for_token(db, other_token)
    status, _, answer = call(
        app, "POST", "/app-api/draft", cookies={AUTH_COOKIE: other_token},
        body={**body, "text": "overwritten", "owner_tag": identity.owner_tag(db, other.owner)},
    )  # fmt: skip
    assert status == 403 and answer["zh"]
    assert sessions.get_session(db, inter, view.id).answer("cs-beh-01").answer == saved


def test_the_endpoints_follow_the_base_url_path(db):
    """Behind a proxy path (server.baseUrlPath) the endpoints and the guest cookie move along."""
    from streamlit import config

    from server.cookies import api_path

    before = config.get_option("server.baseUrlPath")
    config.set_option("server.baseUrlPath", "interview")
    try:
        assert api_path() == "/interview/app-api"
        app = Starlette(routes=routes.routes(), middleware=routes.middleware())
        _, token = accounts.sign_in(db, "cand", PASSWORD)
        status, headers, _ = call(app, "POST", "/interview/app-api/session", body={"token": token})
        assert status == 200 and AUTH_COOKIE in set_cookies(headers)
        _, headers, _ = call(app, "GET", "/interview/_stcore/health")
        assert GUEST_COOKIE not in set_cookies(headers)
    finally:
        config.set_option("server.baseUrlPath", before)
