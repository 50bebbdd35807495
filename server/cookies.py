"""Names and attributes of the identity cookies, shared by the endpoints and the pages.

Both cookies are HttpOnly (page scripts cannot read them) and SameSite=Lax: a browser sends
them to this app on its own pages, its WebSocket and top-level links into it, but not with
requests that other sites start (a cross-site form POST, a cross-site WebSocket, an image).
Strict would add nothing for the WebSocket or the endpoints (other sites' requests already
go without the cookie) but would hold the cookie back when someone follows a link into the
app from a mail or chat, so a guest would be given a new key and lose their drafts.
"""

from __future__ import annotations

from datetime import timedelta

AUTH_COOKIE = "interview_session"  # a signed-in browser's token (services.accounts)
GUEST_COOKIE = "interview_guest"  # a guest's server-signed key (services.identity)
GUEST_LIFETIME = timedelta(days=30)
SAME_SITE = "lax"
API_PREFIX = "/app-api"  # the endpoints (outside Streamlit's reserved /_stcore/ and friends)


def base_path() -> str:
    """Streamlit's `server.baseUrlPath` as a path prefix ("" or "/interview")."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def api_path() -> str:
    """Where the endpoints are: API_PREFIX under the app's base path."""
    return base_path() + API_PREFIX
