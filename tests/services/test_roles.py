"""Every role rule, enforced by the services (not by hiding pages), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from services import accounts, practice, sessions
from services import bank as bank_service
from services.accounts import Actor
from services.errors import PermissionDenied, RateLimited
from storage.models import AuthToken, MockSession, QuestionRecord, SignInAttempt, User
from tests.storage.backends import PASSWORD

ANSWER = "我先倾听客户的诉求，安抚情绪，然后查明原因，给出补偿方案并跟进回访。"


@pytest.fixture
def attempt_of(database, bank, lexical_scorer):
    def record(actor: Actor, question_id: str = "cs-beh-01"):
        question = bank.question(question_id)
        report = lexical_scorer.score(question, ANSWER)
        return practice.record_attempt(database, actor, question, ANSWER, report)

    return record


# --- attempts: only the owner (and an admin) ------------------------------------------------


def test_candidate_cannot_read_another_candidates_attempt(database, users, attempt_of):
    theirs = attempt_of(users["cand2"])
    with pytest.raises(PermissionDenied) as refused:
        practice.get_attempt(database, users["cand"], theirs.id)
    assert "someone else" in refused.value.en and "其他用户" in refused.value.zh
    with pytest.raises(PermissionDenied):
        practice.list_attempts(database, users["cand"], owner=users["cand2"].owner)
    assert practice.list_attempts(database, users["cand"]) == []
    # the owner and an admin may
    assert practice.get_attempt(database, users["cand2"], theirs.id).answer == ANSWER
    assert practice.get_attempt(database, users["admin"], theirs.id).owner == users["cand2"].owner


def test_interviewer_and_guest_cannot_read_a_candidates_attempts(database, users, attempt_of):
    theirs = attempt_of(users["cand"])
    for actor in (users["inter"], users["train"], Actor.guest("someone")):
        with pytest.raises(PermissionDenied):
            practice.get_attempt(database, actor, theirs.id)


def test_guest_attempts_are_kept_under_the_guest_key_only(database, users, attempt_of):
    guest, other_guest = Actor.guest("tab-1"), Actor.guest("tab-2")
    mine = attempt_of(guest)
    assert mine.owner == "guest:tab-1"
    assert [a.id for a in practice.list_attempts(database, guest)] == [mine.id]
    with pytest.raises(PermissionDenied):
        practice.get_attempt(database, other_guest, mine.id)


# --- mock sessions: the interviewer who ran it (and an admin) -------------------------------


def test_interviewer_cannot_open_another_interviewers_session(database, users):
    session = sessions.create_session(database, users["inter2"], "Candidate A", ["cs-beh-01"])
    other = users["inter"]
    calls = [
        lambda: sessions.get_session(database, other, session.id),
        lambda: sessions.save_answer(database, other, session.id, "cs-beh-01", answer="x"),
        lambda: sessions.move_to(database, other, session.id, 0),
        lambda: sessions.set_status(database, other, session.id, "finished"),
        lambda: sessions.set_show_machine_early(database, other, session.id, True),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert "another interviewer" in refused.value.en
    assert sessions.list_sessions(database, other) == []
    kept = sessions.get_session(database, users["inter2"], session.id)
    assert kept.answers == {} and kept.status == "active" and not kept.show_machine_early
    assert [s.id for s in sessions.list_sessions(database, users["admin"])] == [session.id]
    assert sessions.get_session(database, users["admin"], session.id).candidate_name == (
        "Candidate A"
    )


def test_candidate_and_guest_cannot_create_or_open_sessions(database, users):
    session = sessions.create_session(database, users["inter"], "Candidate A", ["cs-beh-01"])
    for actor in (users["cand"], Actor.guest("tok")):
        with pytest.raises(PermissionDenied) as refused:
            sessions.create_session(database, actor, "Someone", ["cs-beh-01"])
        assert "interviewer / trainer" in refused.value.en
        with pytest.raises(PermissionDenied):
            sessions.get_session(database, actor, session.id)
        with pytest.raises(PermissionDenied):
            sessions.list_sessions(database, actor)
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(MockSession)) == 1


# --- the bank: trainers (and admins) only ---------------------------------------------------


def test_candidate_and_interviewer_cannot_change_the_bank(seeded, users, bank):
    db = seeded
    question = bank.question("cs-beh-01")
    edited = {**question.model_dump(mode="json"), "title": {"zh": "改", "en": "Changed"}}
    new = {**edited, "id": "cs-beh-99"}
    for name in ("cand", "inter"):
        actor = users[name]
        calls = [
            lambda a=actor: bank_service.save_question(db, a, edited, 1),
            lambda a=actor: bank_service.save_question(db, a, new, None),
            lambda a=actor: bank_service.delete_question(db, a, "cs-beh-01", 1),
            lambda a=actor: bank_service.restore_version(db, a, "cs-beh-01", 1, 1),
            lambda a=actor: bank_service.import_questions(db, a, [question]),
            lambda a=actor: bank_service.add_calibration_example(db, a, "cs-beh-01", "x", 5),
            lambda a=actor: bank_service.delete_calibration_example(db, a, 1),
        ]
        for call in calls:
            with pytest.raises(PermissionDenied) as refused:
                call()
            assert "trainer" in refused.value.en
    with pytest.raises(PermissionDenied):
        bank_service.save_question(db, Actor.guest("g"), edited, 1)
    entry = bank_service.get_question(db, "cs-beh-01")
    assert entry.version == 1 and entry.question == question
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(QuestionRecord)) == len(bank.questions)
    # a trainer may
    saved = bank_service.save_question(db, users["train"], edited, 1)
    assert saved.version == 2 and saved.updated_by == "train"


# --- accounts: the admin only ---------------------------------------------------------------


def test_only_an_admin_manages_accounts(database, users):
    target = users["cand"].user_id
    for name in ("cand", "inter", "train"):
        actor = users[name]
        with pytest.raises(PermissionDenied) as refused:
            accounts.create_user(database, actor, "newbie", PASSWORD, "admin", "New")
        assert "admin" in refused.value.en
        with pytest.raises(PermissionDenied):
            accounts.list_users(database, actor)
        with pytest.raises(PermissionDenied):
            accounts.update_user(database, actor, target, role="admin")
        with pytest.raises(PermissionDenied):
            accounts.update_user(database, actor, actor.user_id, role="admin")  # not even self
    with pytest.raises(PermissionDenied):
        accounts.create_user(database, Actor.guest("g"), "newbie", PASSWORD, "admin", "New")
    with database.transaction() as s:
        assert s.scalar(select(User.role).where(User.id == target)) == "candidate"
        assert s.scalar(select(func.count()).select_from(User)) == len(users)
    # the admin may, but not remove their own rights; a second "first admin" is refused
    accounts.update_user(database, users["admin"], target, role="interviewer")
    assert {u["username"]: u["role"] for u in accounts.list_users(database, users["admin"])}[
        "cand"
    ] == "interviewer"
    with pytest.raises(PermissionDenied):
        accounts.update_user(database, users["admin"], users["admin"].user_id, role="candidate")
    with pytest.raises(PermissionDenied):
        accounts.update_user(database, users["admin"], users["admin"].user_id, active=False)
    with pytest.raises(PermissionDenied):
        accounts.create_first_admin(database, "admin2", PASSWORD, "Second")
    assert not accounts.needs_first_admin(database)


# --- sign-in, tokens ------------------------------------------------------------------------


def test_a_deactivated_users_token_stops_working(database, users):
    actor, token = accounts.sign_in(database, "inter", PASSWORD)
    assert accounts.actor_for_token(database, token) == actor
    accounts.update_user(database, users["admin"], actor.user_id, active=False)
    assert accounts.actor_for_token(database, token) is None
    with pytest.raises(PermissionDenied):
        accounts.sign_in(database, "inter", PASSWORD)
    accounts.update_user(database, users["admin"], actor.user_id, active=True)
    assert accounts.actor_for_token(database, token) is None  # the old token is gone for good
    _, fresh = accounts.sign_in(database, "inter", PASSWORD)
    assert accounts.actor_for_token(database, fresh).username == "inter"


def test_a_role_change_ends_an_open_token(database, users):
    _, token = accounts.sign_in(database, "inter", PASSWORD)
    accounts.update_user(database, users["admin"], users["inter"].user_id, role="candidate")
    assert accounts.actor_for_token(database, token) is None  # signed out: sign in again
    actor, _ = accounts.sign_in(database, "inter", PASSWORD)
    with pytest.raises(PermissionDenied):
        sessions.create_session(database, actor, "Candidate A", ["cs-beh-01"])


def test_sixth_sign_in_is_refused_even_with_the_right_password(database, users):
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(PermissionDenied) as wrong:
            accounts.sign_in(database, "cand", "wrong-password")
        assert wrong.value.en == "Wrong user name or password."
    with pytest.raises(RateLimited) as limited:
        accounts.sign_in(database, "cand", PASSWORD)
    assert "'cand'" in limited.value.en and "try again in 1 seconds" in limited.value.en
    # other user names are not locked
    assert accounts.sign_in(database, "cand2", PASSWORD)[0].username == "cand2"
    # an unknown user name is limited the same way (no hint that it does not exist)
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(PermissionDenied):
            accounts.sign_in(database, "nobody", "wrong-password")
    with pytest.raises(RateLimited):
        accounts.sign_in(database, "nobody", "wrong-password")
    # once the failures are older than the window, the right password works again
    with database.transaction() as s:
        s.execute(
            update(SignInAttempt).values(
                at=datetime.now(UTC) - accounts.FAILURE_WINDOW - timedelta(minutes=1)
            )
        )
    assert accounts.sign_in(database, "cand", PASSWORD)[0].username == "cand"


def test_tokens_expire_and_sign_out_ends_them(database, users):
    _, token = accounts.sign_in(database, "cand", PASSWORD)
    _, other = accounts.sign_in(database, "cand", PASSWORD)
    with database.transaction() as s:
        expires = s.scalar(select(AuthToken.expires_at).limit(1))
        expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
        lifetime = expires - datetime.now(UTC)
        assert accounts.TOKEN_LIFETIME - timedelta(minutes=1) < lifetime <= accounts.TOKEN_LIFETIME
        s.execute(update(AuthToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert accounts.actor_for_token(database, token) is None
    assert accounts.actor_for_token(database, other) is None
    _, token = accounts.sign_in(database, "cand", PASSWORD)
    accounts.sign_out(database, token)
    assert accounts.actor_for_token(database, token) is None
    assert accounts.actor_for_token(database, "") is None
    assert accounts.actor_for_token(database, "not-a-token") is None
