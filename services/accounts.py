"""Accounts, roles and sign-in. Every rule is enforced here, not by hiding pages."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from services.errors import (
    FieldProblem,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    nul_problem,
    strip_blank,
)
from services.names import role_name
from services.passwords import password_problem
from storage.db import Database
from storage.models import ROLES, AuthToken, SignInAttempt, User

# Sign-in limits (see `sign_in_wait`): failures within FAILURE_WINDOW are counted; after the
# free ones every further failure doubles the delay before the next try, up to a maximum.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5  # free failures per user name (from clients it has not signed in from)
NAME_MAX_DELAY = timedelta(seconds=60)  # short: nobody can lock an account out
CLIENT_FREE_FAILURES = 20  # free failures per client (a shared office may mistype a few)
CLIENT_MAX_DELAY = timedelta(minutes=15)
TRUST_WINDOW = timedelta(days=30)  # a client that signed in as a user is theirs this long
TOKEN_LIFETIME = timedelta(days=7)
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")

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
        wanted_zh = "或".join(role_name(r, "zh") for r in roles)
        raise PermissionDenied(
            f"This needs the role {wanted}; you are signed in as {actor.role}.",
            f"此操作需要{wanted_zh}的角色；你当前的角色是{role_name(actor.role, 'zh')}。",
        )


def needs_first_admin(db: Database) -> bool:
    with db.read() as session:
        return not session.scalar(select(func.count()).select_from(User))


def create_first_admin(
    db: Database,
    username: str,
    password: str,
    display_name: str,
    *,
    setup_code: str | None = None,
) -> Actor:
    """The first-run step: only allowed while there is no account at all.

    Args:
        setup_code: what the person typed as the setup code printed on the server console
            (`services.identity.announce_setup_code`). The page always passes it; None is
            for code run on the server itself (tests, scripts), which needs no code.
    """
    if setup_code is not None:
        from services.identity import setup_code_matches  # identity imports this module

        if not setup_code_matches(db, setup_code):
            raise PermissionDenied(
                "The setup code is wrong. It is printed on the server's console and in its "
                "log when the app starts without any account.",
                "设置码不正确。应用在没有任何账户时启动，会在服务器控制台和日志中打印设置码。",
            )
    problems = _account_problems(username, password, display_name)
    if problems:
        raise ValidationFailed(problems)
    password_hash = _hasher.hash(password)  # slow: before the transaction, not inside it
    with db.transaction() as session:
        # Two first-run sign-ups at once: the second waits here, then sees the first account
        # (PostgreSQL: an advisory lock; SQLite: the write lock every transaction takes).
        db.lock(session, "first-admin")
        if session.scalar(select(func.count()).select_from(User)):
            raise PermissionDenied(
                "An administrator already exists; sign in instead.",
                "管理员已存在，请直接登录。",
            )
        user = User(
            username=username,
            display_name=strip_blank(display_name),
            password_hash=password_hash,
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
        problems.append(_role_problem())
    if problems:
        raise ValidationFailed(problems)
    with db.transaction() as session:
        if session.scalar(select(User).where(User.username == username)):
            raise ValidationFailed(
                [
                    FieldProblem(
                        "username",
                        f"{username!r} is already taken; choose another user name",
                        f"用户名“{username}”已被使用，请换一个。",
                    )
                ]
            )
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
    with db.read() as session:
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
    """Change an account's role, active flag or password (administrators only).

    A new role, a new password or deactivation ends every session of that account: its
    browsers are signed out at their next action and sign in again with the new rights.
    """
    require(actor, "admin")
    if role is not None and role not in ROLES:
        raise ValidationFailed([_role_problem()])
    password_hash = None
    if password is not None:
        with db.read() as session:
            target = session.get(User, user_id)
            username = target.username if target else ""
        if problem := password_problem(password, username):
            raise ValidationFailed([problem])
        password_hash = _hasher.hash(password)  # slow: before the transaction, not inside it
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"No user {user_id}.", f"没有编号为 {user_id} 的用户。")
        if user.id == actor.user_id and (role not in (None, "admin") or active is False):
            raise PermissionDenied(
                "You cannot remove your own administrator rights.", "不能撤销你自己的管理员权限。"
            )
        credentials_changed = (role is not None and role != user.role) or (
            password_hash is not None
        )
        if role is not None:
            user.role = role
        if active is not None:
            user.active = active
            credentials_changed = credentials_changed or not active
        if password_hash is not None:
            user.password_hash = password_hash
        if credentials_changed:
            revoke_tokens(session, user.id)


def change_password(db: Database, actor: Actor, current: str, new: str) -> str:
    """A signed-in user changes their own password; returns a new token for this browser.

    Every other session of the account ends (tokens revoked), so a browser left signed in
    elsewhere is signed out.

    Raises:
        PermissionDenied: a guest, or the current password is wrong.
        ValidationFailed: the new password breaks the password rule.
    """
    if actor.user_id is None:
        raise PermissionDenied("Sign in to change your password.", "请先登录再修改密码。")
    with db.read() as session:
        user = session.get(User, actor.user_id)
        old_hash = user.password_hash if user and user.active else _DUMMY_HASH
    if not _verify(old_hash, current or "") or user is None:
        raise PermissionDenied("The current password is wrong.", "当前密码不正确。")
    if problem := password_problem(new, user.username):
        raise ValidationFailed([problem])
    if new == current:
        raise ValidationFailed(
            [
                FieldProblem(
                    "password", "must differ from the current one", "新密码不能与当前密码相同"
                )
            ]
        )
    new_hash = _hasher.hash(new)  # slow: before the transaction, not inside it
    token = secrets.token_urlsafe(32)
    with db.transaction() as session:
        user = session.get(User, actor.user_id)
        if user is None or not user.active or user.password_hash != old_hash:
            raise PermissionDenied(
                "The password was changed meanwhile; sign in again.", "密码已被修改，请重新登录。"
            )
        user.password_hash = new_hash
        revoke_tokens(session, user.id)
        session.add(
            AuthToken(
                token_hash=_token_hash(token),
                user_id=user.id,
                expires_at=datetime.now(UTC) + TOKEN_LIFETIME,
            )
        )
    return token


def revoke_tokens(session: Session, user_id: int) -> None:
    """End every signed-in session of a user (inside the caller's transaction)."""
    session.execute(delete(AuthToken).where(AuthToken.user_id == user_id))


def sign_in(db: Database, username: str, password: str, client: str = "") -> tuple[Actor, str]:
    """Check the password; returns the actor and a token for the browser.

    The password is checked outside any transaction: the two short writes around it (the
    try, then its outcome) hold the write lock for milliseconds, so a storm of sign-ins
    does not stall the users who are saving their work.

    Args:
        client: a key for where the try comes from (the page passes the browser's or the
            address's key); stored only as a hash. Failures are limited per client and per
            user name, with delays that grow with each failure (see `sign_in_wait`).

    Raises:
        RateLimited: too many recent failures for this client or this user name; the
            message says how many seconds to wait.
        PermissionDenied: wrong user name or password (the message does not say which).
    """
    now = datetime.now(UTC)
    name_key, client_key = _attempt_key(username), _client_key(client)
    with db.read() as session:  # refused tries take no lock at all
        _refuse_while_waiting(sign_in_wait(session, name_key, client_key, now), username)
    with db.transaction() as session:
        # One try per user name and per client at a time: parallel tries cannot all pass the
        # count. Locks are taken in one order (name, then client), so they cannot deadlock.
        db.lock(session, f"sign-in:{name_key}")
        db.lock(session, f"sign-in-client:{client_key}")
        _refuse_while_waiting(sign_in_wait(session, name_key, client_key, now), username)
        user = (
            session.scalar(select(User).where(User.username == username))
            if USERNAME.fullmatch(username or "")
            else None  # no account can have this name (and PostgreSQL cannot compare NUL)
        )
        password_hash = user.password_hash if user else _DUMMY_HASH
        # Counted as a failure until the check below says otherwise (a crash counts too).
        attempt = SignInAttempt(username=name_key, client=client_key, succeeded=False, at=now)
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    ok = _verify(password_hash, password) and bool(user and user.active)
    if not ok:
        with db.transaction() as session:  # delays count from when the failure is known
            session.execute(
                update(SignInAttempt)
                .where(SignInAttempt.id == attempt_id)
                .values(at=datetime.now(UTC))
            )
        raise PermissionDenied("Wrong user name or password.", "用户名或密码错误。")
    token = secrets.token_urlsafe(32)
    with db.transaction() as session:
        current = session.get(User, user.id)
        if current is None or not current.active or current.password_hash != password_hash:
            raise PermissionDenied("Wrong user name or password.", "用户名或密码错误。")
        session.execute(
            update(SignInAttempt).where(SignInAttempt.id == attempt_id).values(succeeded=True)
        )
        session.add(
            AuthToken(
                token_hash=_token_hash(token), user_id=current.id, expires_at=now + TOKEN_LIFETIME
            )
        )
        return Actor.of(current), token


def sign_in_wait(session: Session, name_key: str, client_key: str, now: datetime) -> int:
    """Seconds until the next sign-in try for this user name from this client is allowed.

    Two limits, each a delay that doubles with every failure in FAILURE_WINDOW after the
    first few, counted from the latest failure:
      - per client: after CLIENT_FREE_FAILURES failures (any user names), up to
        CLIENT_MAX_DELAY; one client cannot try many names or passwords quickly.
      - per user name: after MAX_FAILURES failures (from any client), up to NAME_MAX_DELAY,
        which is short: guessing one password from many clients stays slow, but nobody can
        lock an account out. A client that signed in as this user within TRUST_WINDOW (the
        real user's browser) is not held back by the user name's failures at all.
    """
    since = now - FAILURE_WINDOW
    failed = (SignInAttempt.succeeded.is_(False), SignInAttempt.at > since)
    client_count, client_last = session.execute(
        select(func.count(), func.max(SignInAttempt.at)).where(
            SignInAttempt.client == client_key, *failed
        )
    ).one()
    wait = _delay_left(client_count, client_last, CLIENT_FREE_FAILURES, CLIENT_MAX_DELAY, now)
    trusted = client_key and session.scalar(  # an unknown client ("") is trusted by no one
        select(SignInAttempt.id)
        .where(
            SignInAttempt.username == name_key,
            SignInAttempt.client == client_key,
            SignInAttempt.succeeded.is_(True),
            SignInAttempt.at > now - TRUST_WINDOW,
        )
        .limit(1)
    )
    if not trusted:
        name_count, name_last = session.execute(
            select(func.count(), func.max(SignInAttempt.at)).where(
                SignInAttempt.username == name_key, *failed
            )
        ).one()
        wait = max(wait, _delay_left(name_count, name_last, MAX_FAILURES, NAME_MAX_DELAY, now))
    return wait


def _refuse_while_waiting(wait: int, username: str) -> None:
    if wait > 0:
        raise RateLimited(
            f"Too many failed sign-ins for {username!r} or from this browser; "
            f"try again in {wait} seconds.",
            f"用户“{username}”或此浏览器登录失败次数过多，请 {wait} 秒后再试。",
        )


def _delay_left(
    failures: int, last: datetime | None, free: int, longest: timedelta, now: datetime
) -> int:
    """Whole seconds left of the delay after `failures` failures, the latest at `last`."""
    if failures < free or last is None:
        return 0
    delay = min(2.0 ** (failures - free), longest.total_seconds())
    left = (_aware(last) + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))


def actor_for_token(db: Database, token: str) -> Actor | None:
    """The signed-in user behind a browser token, or None if it is unknown or expired."""
    if not token:
        return None
    with db.read() as session:
        row = session.get(AuthToken, _token_hash(token))
        if row is None or _aware(row.expires_at) < datetime.now(UTC):
            return None
        user = session.get(User, row.user_id)
        return Actor.of(user) if user and user.active else None


def sign_out(db: Database, token: str) -> None:
    """End one signed-in session (the token stops working at once)."""
    if not token:
        return
    with db.transaction() as session:
        session.execute(delete(AuthToken).where(AuthToken.token_hash == _token_hash(token)))


def rotate_token(db: Database, token: str) -> str | None:
    """Swap a valid token for a new one with the same user and expiry; None if it is not valid.

    The browser's cookie gets the new token, so the one the page held (it travelled to the
    browser to be exchanged) is dead once the cookie is set.
    """
    if not token:
        return None
    fresh = secrets.token_urlsafe(32)
    with db.transaction() as session:
        row = session.get(AuthToken, _token_hash(token))
        if row is None or _aware(row.expires_at) < datetime.now(UTC):
            return None
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            return None
        session.add(
            AuthToken(token_hash=_token_hash(fresh), user_id=row.user_id, expires_at=row.expires_at)
        )
        session.delete(row)
    return fresh


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


def _client_key(client: str) -> str:
    """What sign-in tries are counted under per client: a hash, so no address is stored."""
    if not client:
        return ""
    return hashlib.sha256(client.encode("utf-8", "surrogatepass")).hexdigest()[:64]


def _role_problem() -> FieldProblem:
    names_zh = "、".join(role_name(r, "zh") for r in ROLES)
    return FieldProblem("role", f"must be one of {', '.join(ROLES)}", f"角色必须是{names_zh}之一。")


def _account_problems(username: str, password: str, display_name: str) -> list[FieldProblem]:
    problems = []
    if not USERNAME.fullmatch(username or ""):  # match() would let a trailing newline in
        problems.append(
            FieldProblem(
                "username",
                "3 to 64 letters, digits, '.', '_' or '-' (no spaces)",
                "用户名须为 3–64 个字母、数字、“.”、“_”或“-”，不能有空格。",
            )
        )
    if problem := password_problem(password, username):
        problems.append(problem)
    if not strip_blank(display_name) or len(display_name) > 128:  # zero-width alone is blank
        problems.append(
            FieldProblem(
                "display_name",
                "required, at most 128 characters",
                "显示名称必填，最多 128 个字符。",
            )
        )
    elif problem := nul_problem("display_name", display_name):
        problems.append(problem)
    return problems
