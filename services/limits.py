"""Limits that keep the database from growing without bound (issue 12, finding 8).

- Quotas per owner: how many drafts, how many characters in all drafts together, how many
  practice attempts (guests fewer than accounts).
- A rate limit on autosave per owner (in this process): typing saves a few times a
  minute; hundreds of saves a second are refused with a "wait a moment" message.
- A time to live for guest data, and a purge of sign-in tries and tokens nobody needs any
  more. `purge` runs on the first write of a process and then every PURGE_EVERY writes
  (`maybe_purge`), so no scheduler is needed and every app process takes its turn.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from services import accounts
from services.accounts import Actor
from services.errors import InputRejected, RateLimited
from storage.db import Database
from storage.models import Attempt, AuthToken, Draft, SignInAttempt

MAX_DRAFTS = 200  # drafts (answer boxes, practice sets) per owner
MAX_DRAFT_TOTAL_CHARS = 2_000_000  # characters in all of an owner's drafts together
MAX_ATTEMPTS = {"guest": 500}  # practice attempts per owner, by role ...
MAX_ATTEMPTS_DEFAULT = 20_000  # ... and for accounts
AUTOSAVES_PER_WINDOW, AUTOSAVE_WINDOW_S = 120, 10.0  # per owner, per process
GUEST_TTL = timedelta(days=30)  # guest drafts and attempts untouched this long are removed
PURGE_EVERY = 500  # writes between purges (the first write of a process purges too)

log = logging.getLogger("interview.limits")


class RateWindow:
    """At most `limit` events per key in any `window_s` seconds (a sliding window), for up
    to `max_keys` keys at a time (the least recently used are forgotten)."""

    def __init__(self, limit: int, window_s: float, max_keys: int = 10_000) -> None:
        self.limit, self.window_s, self.max_keys = limit, window_s, max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> float:
        """Record an event for `key` if allowed; returns 0, or the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.window_s:
                events.popleft()
            self._events[key] = events
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
            if len(events) >= self.limit:
                return events[0] + self.window_s - now
            events.append(now)
            return 0.0

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


AUTOSAVES = RateWindow(AUTOSAVES_PER_WINDOW, AUTOSAVE_WINDOW_S)


def check_autosave_rate(actor: Actor) -> None:
    """Raise RateLimited when the actor saves drafts far faster than anyone types."""
    wait = AUTOSAVES.allow(actor.owner)
    if wait > 0:
        seconds = max(1, round(wait))
        raise RateLimited(
            f"Drafts are being saved too often; the next save is possible in {seconds} "
            "seconds. Your text is kept.",
            f"草稿保存过于频繁，请 {seconds} 秒后再保存。你输入的内容已保留。",
        )


def check_draft_quota(session, actor: Actor, scope: str, text: str, is_new: bool) -> None:
    """Raise InputRejected when saving `text` under `scope` would pass the owner's quotas.

    Args:
        session: the open transaction of the save.
        is_new: no draft exists yet under this scope.
    """
    if is_new:
        count = session.scalar(
            select(func.count()).select_from(Draft).where(Draft.owner == actor.owner)
        )
        if count >= MAX_DRAFTS:
            raise InputRejected(
                f"You have {count:,} saved drafts, the most that are kept. Submit or clear "
                "some answers first - your text is kept on the page.",
                f"你已有 {count:,} 份草稿，已达上限。请先提交或清除一些回答，"
                "你输入的内容仍保留在页面上。",
            )
    others = session.scalar(
        select(func.coalesce(func.sum(func.length(Draft.text)), 0)).where(
            Draft.owner == actor.owner, Draft.scope != scope
        )
    )
    total = int(others) + len(text)
    if total > MAX_DRAFT_TOTAL_CHARS:
        raise InputRejected(
            f"Your drafts together would hold {total:,} characters; at most "
            f"{MAX_DRAFT_TOTAL_CHARS:,} are kept. Submit or clear some answers first - your "
            "text is kept on the page.",
            f"你的草稿合计将有 {total:,} 个字符，最多保存 {MAX_DRAFT_TOTAL_CHARS:,} 个。"
            "请先提交或清除一些回答，你输入的内容仍保留在页面上。",
        )


def check_attempt_quota(session, actor: Actor) -> None:
    """Raise InputRejected when the actor already has the most practice attempts kept."""
    limit = MAX_ATTEMPTS.get(actor.role, MAX_ATTEMPTS_DEFAULT)
    count = session.scalar(
        select(func.count()).select_from(Attempt).where(Attempt.owner == actor.owner)
    )
    if count >= limit:
        raise InputRejected(
            f"You have {count:,} practice attempts, the most that are kept"
            + (" for a guest; sign in to keep more." if actor.role == "guest" else ".")
            + " This answer was not stored - your text is kept.",
            f"你已有 {count:,} 条练习记录，已达上限"
            + ("（访客）；登录后可保存更多。" if actor.role == "guest" else "。")
            + "这次回答未保存，你输入的内容已保留。",
        )


@dataclass(frozen=True)
class Purged:
    """What one purge removed."""

    sign_in_attempts: int
    tokens: int
    guest_drafts: int
    guest_attempts: int


def purge(db: Database, now: datetime | None = None) -> Purged:
    """Remove what nobody needs any more: sign-in tries older than the limits look back
    (failures: FAILURE_WINDOW; successes: TRUST_WINDOW), expired tokens, and guest drafts
    and attempts older than GUEST_TTL."""
    now = now or datetime.now(UTC)
    guest = "guest:%"
    with db.transaction() as session:
        tries = session.execute(
            delete(SignInAttempt).where(
                (
                    SignInAttempt.succeeded.is_(False)
                    & (SignInAttempt.at < now - accounts.FAILURE_WINDOW)
                )
                | (SignInAttempt.at < now - accounts.TRUST_WINDOW)
            )
        ).rowcount
        tokens = session.execute(delete(AuthToken).where(AuthToken.expires_at < now)).rowcount
        drafts = session.execute(
            delete(Draft).where(Draft.owner.like(guest), Draft.updated_at < now - GUEST_TTL)
        ).rowcount
        attempts = session.execute(
            delete(Attempt).where(Attempt.owner.like(guest), Attempt.created_at < now - GUEST_TTL)
        ).rowcount
    return Purged(tries, tokens, drafts, attempts)


_writes = 0
_writes_lock = threading.Lock()


def maybe_purge(db: Database) -> Purged | None:
    """Count a write; purge on the first one of the process and then every PURGE_EVERY.

    A failed purge is not the writer's problem: it is tried again at the next turn.
    """
    global _writes
    with _writes_lock:
        due = _writes % PURGE_EVERY == 0
        _writes += 1
    if not due:
        return None
    try:
        return purge(db)
    except Exception:  # housekeeping must never fail a user's save
        log.exception("purge failed; tried again later")
        return None
