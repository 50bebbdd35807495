"""Browser identities the server issues: guest keys and the first-run setup code.

Both are derived from one random secret kept in the database (created on first use), so every
app process sharing the database accepts them and they survive a restart. Neither can be
chosen by a link or a client: a guest key carries the server's signature, the setup code is
printed only on the server's console and log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets

from sqlalchemy import select

from services.accounts import Actor, needs_first_admin
from storage.db import Database
from storage.models import ServerSecret

LOGGER = logging.getLogger("interview_trainer.identity")
_SECRET_NAME = "browser-identity"
_secrets_by_url: dict[str, bytes] = {}


def server_secret(db: Database) -> bytes:
    """The shared random secret (32 bytes), created by the first process that needs it."""
    cached = _secrets_by_url.get(db.url)
    if cached is not None:
        return cached
    with db.transaction() as session:
        db.lock(session, f"server-secret:{_SECRET_NAME}")
        value = session.scalar(select(ServerSecret.value).where(ServerSecret.name == _SECRET_NAME))
        if value is None:
            value = secrets.token_hex(32)
            session.add(ServerSecret(name=_SECRET_NAME, value=value))
    try:
        secret = bytes.fromhex(value)
    except ValueError:  # pragma: no cover - only a hand-edited row
        secret = value.encode()
    _secrets_by_url[db.url] = secret
    return secret


def forget_cached_secret() -> None:
    """Drop the per-process copy (tests that recreate a database at the same URL)."""
    _secrets_by_url.clear()


def _sign(db: Database, purpose: str, value: str) -> str:
    mac = hmac.new(server_secret(db), f"{purpose}:{value}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode().rstrip("=")


# --- guests ---------------------------------------------------------------------------------


def new_guest_key(db: Database) -> str:
    """A fresh guest key for a browser cookie: a random id and the server's signature."""
    guest_id = secrets.token_urlsafe(16)
    return f"{guest_id}.{_sign(db, 'guest', guest_id)}"


def guest_for_key(db: Database, key: str | None) -> Actor | None:
    """The guest a key issued by this server stands for, or None for anything else."""
    if not key or len(key) > 128 or key.count(".") != 1:
        return None
    guest_id, signature = key.split(".")
    if not guest_id or not hmac.compare_digest(signature, _sign(db, "guest", guest_id)):
        return None
    return Actor.guest(guest_id)


def owner_tag(db: Database, owner: str) -> str:
    """A short tag for an owner that a page can carry and an endpoint can compare."""
    return _sign(db, "owner", owner)


# --- first run ------------------------------------------------------------------------------


def setup_code(db: Database) -> str:
    """The one-time code that creating the first administrator needs (e.g. "K7QF-2M9D-XW4P").

    Every process derives the same code from the shared secret; once an account exists no
    code is accepted any more.
    """
    raw = hmac.new(server_secret(db), b"first-admin-setup", hashlib.sha256).digest()
    letters = base64.b32encode(raw).decode().rstrip("=")[:12]
    return "-".join(letters[i : i + 4] for i in range(0, 12, 4))


def setup_code_matches(db: Database, typed: str | None) -> bool:
    """Whether `typed` is the setup code (case, spaces and dashes do not matter)."""
    wanted = setup_code(db).replace("-", "")
    given = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return hmac.compare_digest(given.encode(), wanted.encode())


def announce_setup_code(db: Database) -> str | None:
    """Print the setup code on the console and in the log while no account exists.

    Returns:
        the code, or None when the first administrator already exists.
    """
    if not needs_first_admin(db):
        return None
    code = setup_code(db)
    message = (
        f"First run: no account exists yet. Setup code for the first administrator: {code} "
        f"/ 首次使用：创建管理员需要此设置码：{code}"
    )
    print(message, flush=True)  # the console; LOGGER too, for a configured log
    LOGGER.info(message)
    return code
