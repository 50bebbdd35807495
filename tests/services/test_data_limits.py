"""Storage cannot grow without bound (issue 12, finding 8): quotas per owner, a rate limit
on autosave, a time to live for guest data, and a purge of old sign-in tries and expired
tokens. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from services import limits, practice
from services.accounts import Actor
from services.errors import InputRejected, RateLimited
from storage.models import Attempt, AuthToken, Draft, SignInAttempt

GOOD = "我会先分别和两位同事单独谈话，了解分歧，再一起商定流程，最后跟进效果。"


@pytest.fixture(autouse=True)
def fresh_rate_window():
    limits.AUTOSAVES.clear()
    yield
    limits.AUTOSAVES.clear()


def count(db, model, *where) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_six_hundred_big_guest_autosaves_are_bounded(database, backend, database_url):
    """The finding: 600 guest autosaves of 200,000 characters made a 123 MB database in
    1.6 s. Now the quota on all of an owner's drafts stops them after a few."""
    guest = Actor.guest("flood")
    big = "字" * practice.MAX_DRAFT_CHARS
    saved, refused = 0, 0
    for n in range(600):
        try:
            practice.save_draft(database, guest, f"practice:flood-{n}", big)
            saved += 1
        except (InputRejected, RateLimited):
            refused += 1
    assert saved == limits.MAX_DRAFT_TOTAL_CHARS // practice.MAX_DRAFT_CHARS
    assert refused == 600 - saved
    with database.read() as session:
        total = session.scalar(
            select(func.sum(func.length(Draft.text))).where(Draft.owner == guest.owner)
        )
    assert total <= limits.MAX_DRAFT_TOTAL_CHARS
    if backend == "sqlite":
        path = database_url.split("///", 1)[1]
        size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
        assert size < 40 * 1024 * 1024, size


def test_drafts_per_owner_are_limited_and_saved_ones_stay(database, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DRAFTS", 3)
    cand = Actor.guest("quota")
    for n in range(3):
        practice.save_draft(database, cand, f"s{n}", f"text {n}")
    with pytest.raises(InputRejected) as refused:
        practice.save_draft(database, cand, "s3", "one too many")
    assert "3 saved drafts" in refused.value.en and "草稿" in refused.value.zh
    practice.save_draft(database, cand, "s0", "an existing draft still updates")
    assert practice.load_draft(database, cand, "s0") == "an existing draft still updates"
    assert practice.load_draft(database, cand, "s3") is None
    practice.save_draft(database, Actor.guest("other"), "s3", "others are not limited")


def test_autosave_is_rate_limited_per_owner(database, monkeypatch):
    monkeypatch.setattr(limits, "AUTOSAVES", limits.RateWindow(5, 60.0))
    fast = Actor.guest("fast")
    for n in range(5):
        practice.save_draft(database, fast, "box", f"typing {n}")
    with pytest.raises(RateLimited) as limited:
        practice.save_draft(database, fast, "box", "typing 5")
    assert "too often" in limited.value.en and "内容已保留" in limited.value.zh
    assert practice.load_draft(database, fast, "box") == "typing 4"
    practice.save_draft(database, Actor.guest("slow"), "box", "another owner saves")


def test_the_rate_window_slides():
    window = limits.RateWindow(2, 10.0, max_keys=2)
    assert window.allow("a", 0.0) == window.allow("a", 1.0) == 0
    assert window.allow("a", 2.0) == pytest.approx(8.0)
    assert window.allow("a", 10.5) == 0  # the first event left the window
    window.allow("b", 11.0)
    window.allow("c", 11.0)  # "a" is forgotten: at most max_keys owners are tracked
    assert "a" not in window._events


def test_practice_attempts_per_owner_are_limited(database, bank, lexical_scorer, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ATTEMPTS", {"guest": 2})
    guest = Actor.guest("many")
    question = bank.question("cs-beh-01")
    report = lexical_scorer.score(question, GOOD)
    for _ in range(2):
        practice.record_attempt(database, guest, question, GOOD, report)
    with pytest.raises(InputRejected) as refused:
        practice.record_attempt(database, guest, question, GOOD, report)
    assert "sign in to keep more" in refused.value.en
    assert count(database, Attempt, Attempt.owner == guest.owner) == 2


def test_purge_removes_old_guest_data_sign_in_tries_and_expired_tokens(
    database, users, bank, lexical_scorer
):
    now = datetime.now(UTC)
    old_guest, new_guest = Actor.guest("old"), Actor.guest("new")
    question = bank.question("cs-beh-01")
    report = lexical_scorer.score(question, GOOD)
    for actor in (old_guest, new_guest, users["cand"]):
        practice.save_draft(database, actor, "box", "kept?")
        practice.record_attempt(database, actor, question, GOOD, report)
    long_ago = now - limits.GUEST_TTL - timedelta(days=1)
    with database.transaction() as session:
        for owner in (old_guest.owner, users["cand"].owner):  # an account's data never expires
            session.execute(update(Draft).where(Draft.owner == owner).values(updated_at=long_ago))
            session.execute(
                update(Attempt).where(Attempt.owner == owner).values(created_at=long_ago)
            )
        session.add_all(
            [
                SignInAttempt(
                    username="x", client="", succeeded=False, at=now - timedelta(hours=1)
                ),
                SignInAttempt(username="x", client="", succeeded=False, at=now),
                SignInAttempt(username="y", client="", succeeded=True, at=now - timedelta(days=31)),
                SignInAttempt(username="y", client="", succeeded=True, at=now - timedelta(days=2)),
                AuthToken(token_hash="a" * 64, user_id=users["cand"].user_id, expires_at=now),
                AuthToken(
                    token_hash="b" * 64,
                    user_id=users["cand"].user_id,
                    expires_at=now + timedelta(days=1),
                ),
            ]
        )
    purged = limits.purge(database, now + timedelta(seconds=1))
    assert purged == limits.Purged(sign_in_attempts=2, tokens=1, guest_drafts=1, guest_attempts=1)
    assert practice.load_draft(database, old_guest, "box") is None
    assert practice.load_draft(database, new_guest, "box") == "kept?"
    assert practice.load_draft(database, users["cand"], "box") == "kept?"
    assert count(database, Attempt) == 2
    assert count(database, SignInAttempt) == 2 and count(database, AuthToken) == 1


def test_the_first_write_of_a_process_and_every_nth_purge(database, monkeypatch):
    monkeypatch.setattr(limits, "_writes", 0)
    monkeypatch.setattr(limits, "PURGE_EVERY", 3)
    ran: list[int] = []
    monkeypatch.setattr(limits, "purge", lambda db: ran.append(1))
    guest = Actor.guest("counter")
    for n in range(7):
        practice.save_draft(database, guest, "box", f"text {n}")
    assert len(ran) == 3  # writes 1, 4 and 7
