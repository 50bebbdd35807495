"""Accounts, roles and sign-in. Every rule is enforced here, not by hiding pages."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from services.errors import (
    FieldProblem,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    nul_problem,
    strip_blank,
)
from storage.db import Database
from storage.models import ROLES, AuthToken, SignInAttempt, User

MAX_FAILURES = 5  # failed sign-ins per user name ...
FAILURE_WINDOW = timedelta(minutes=15)  # ... within this window lock further tries
TOKEN_LIFETIME = timedelta(days=7)
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 256

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user or a guest (practice only)."""

    role: str  # guest, candidate, interviewer, trainer, admin
    owner: str  # the key their own data is stored under: "user:3" or "guest:<token>"
    user_id: int | None = None
    username: str = "guest"
    display_name: str = "Guest"

    @classmethod
    def guest(cls, token: str) -> Actor:
        return cls(role="guest", owner=f"guest:{token}")

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.role, f"user:{user.id}", user.id, user.username, user.display_name)

    def can(self, *roles: str) -> bool:
        return self.role in roles or self.role == "admin"


def require(actor: Actor, *roles: str) -> None:
    """Raise PermissionDenied unless the actor has one of the roles (admins have every role)."""
    if not actor.can(*roles):
        wanted = " / ".join(roles)
        raise PermissionDenied(
            f"This needs the role {wanted}; you are signed in as {actor.role}.",
            f"此操作需要角色 {wanted}；你当前的角色是 {actor.role}。",
        )


def needs_first_admin(db: Database) -> bool:
    with db.transaction() as session:
        return not session.scalar(select(func.count()).select_from(User))


def create_first_admin(db: Database, username: str, password: str, display_name: str) -> Actor:
    """The first-run step: only allowed while there is no account at all."""
    problems = _account_problems(username, password, display_name)
    if problems:
        raise ValidationFailed(problems)
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise PermissionDenied(
                "An administrator already exists; sign in instead.",
                "管理员已存在，请直接登录。",
            )
        user = User(
            username=username,
            display_name=strip_blank(display_name),
            password_hash=_hasher.hash(password),
            role="admin",
        )
        session.add(user)
        session.flush()
        return Actor.of(user)


def create_user(
    db: Database, actor: Actor, username: str, password: str, role: str, display_name: str
) -> Actor:
    require(actor, "admin")
    problems = _account_problems(username, password, display_name)
    if role not in ROLES:
        problems.append(FieldProblem("role", f"must be one of {', '.join(ROLES)}"))
    if problems:
        raise ValidationFailed(problems)
    with db.transaction() as session:
        if session.scalar(select(User).where(User.username == username)):
            raise ValidationFailed([FieldProblem("username", f"{username!r} is already taken")])
        user = User(
            username=username,
            display_name=strip_blank(display_name),
            password_hash=_hasher.hash(password),
            role=role,
        )
        session.add(user)
        session.flush()
        return Actor.of(user)


def list_users(db: Database, actor: Actor) -> list[dict]:
    require(actor, "admin")
    with db.transaction() as session:
        users = session.scalars(select(User).order_by(User.username)).all()
        return [
            {
                "id": u.id,
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "active": u.active,
                "created_at": u.created_at,
            }
            for u in users
        ]


def update_user(
    db: Database,
    actor: Actor,
    user_id: int,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> None:
    require(actor, "admin")
    if role is not None and role not in ROLES:
        raise ValidationFailed([FieldProblem("role", f"must be one of {', '.join(ROLES)}")])
    if password is not None and not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed([FieldProblem("password", _password_rule())])
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user {user_id}.", f"没有编号为 {user_id} 的用户。")
        if user.id == actor.user_id and (role not in (None, "admin") or active is False):
            raise PermissionDenied(
                "You cannot remove your own administrator rights.", "不能撤销你自己的管理员权限。"
            )
        if role is not None:
            user.role = role
        if active is not None:
            user.active = active
            if not active:
                session.execute(delete(AuthToken).where(AuthToken.user_id == user.id))
        if password is not None:
            user.password_hash = _hasher.hash(password)


def sign_in(db: Database, username: str, password: str) -> tuple[Actor, str]:
    """Check the password; returns the actor and a token for the browser.

    Raises:
        RateLimited: after MAX_FAILURES failures for this user name within FAILURE_WINDOW.
        PermissionDenied: wrong user name or password (the message does not say which).
    """
    now = datetime.now(UTC)
    key = _attempt_key(username)
    with db.transaction() as session:
        # One sign-in per user name at a time, so parallel tries cannot all pass the count.
        db.lock(session, f"sign-in:{key}")
        failures = session.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(
                SignInAttempt.username == key,
                SignInAttempt.succeeded.is_(False),
                SignInAttempt.at > now - FAILURE_WINDOW,
            )
        )
        if failures >= MAX_FAILURES:
            minutes = int(FAILURE_WINDOW.total_seconds() // 60)
            raise RateLimited(
                f"Too many failed sign-ins for {username!r}; try again in {minutes} minutes.",
                f"{username!r} 登录失败次数过多，请 {minutes} 分钟后再试。",
            )
        user = (
            session.scalar(select(User).where(User.username == username))
            if USERNAME.fullmatch(username or "")
            else None  # no account can have this name (and PostgreSQL cannot compare NUL)
        )
        ok = _verify(user.password_hash if user else _DUMMY_HASH, password) and bool(
            user and user.active
        )
        session.add(SignInAttempt(username=key, succeeded=ok, at=now))
        if not ok:
            session.commit()  # the failure must count even though we raise
            raise PermissionDenied("Wrong user name or password.", "用户名或密码错误。")
        token = secrets.token_urlsafe(32)
        session.add(
            AuthToken(
                token_hash=_token_hash(token), user_id=user.id, expires_at=now + TOKEN_LIFETIME
            )
        )
        return Actor.of(user), token


def actor_for_token(db: Database, token: str) -> Actor | None:
    """The signed-in user behind a browser token, or None if it is unknown or expired."""
    if not token:
        return None
    with db.transaction() as session:
        row = session.get(AuthToken, _token_hash(token))
        if row is None or _aware(row.expires_at) < datetime.now(UTC):
            return None
        user = session.get(User, row.user_id)
        return Actor.of(user) if user and user.active else None


def sign_out(db: Database, token: str) -> None:
    with db.transaction() as session:
        session.execute(delete(AuthToken).where(AuthToken.token_hash == _token_hash(token)))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def _attempt_key(username: str) -> str:
    """What sign-in tries are counted under: the name as typed, storable and at most 64 chars."""
    return (username or "").replace("\x00", "\ufffd")[:64]


def _password_rule() -> str:
    return f"must be {MIN_PASSWORD} to {MAX_PASSWORD} characters"


def _account_problems(username: str, password: str, display_name: str) -> list[FieldProblem]:
    problems = []
    if not USERNAME.fullmatch(username or ""):  # match() would let a trailing newline in
        problems.append(
            FieldProblem("username", "3 to 64 letters, digits, '.', '_' or '-' (no spaces)")
        )
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        problems.append(FieldProblem("password", _password_rule()))
    if not strip_blank(display_name) or len(display_name) > 128:  # zero-width alone is blank
        problems.append(FieldProblem("display_name", "required, at most 128 characters"))
    elif problem := nul_problem("display_name", display_name):
        problems.append(problem)
    return problems
