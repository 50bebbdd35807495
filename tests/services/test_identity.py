"""Browser identities: tokens end when credentials change, own password change, the password
rule, server-issued guest keys and the first-run setup code (issue 12), on both backends."""

from __future__ import annotations

import pytest

from services import accounts, identity
from services.errors import PermissionDenied, ValidationFailed
from services.passwords import password_problem
from tests.storage.backends import PASSWORD

NEW_PASSWORD = "a-fresh-harbour-71"


def signed_in(database, username: str) -> str:
    return accounts.sign_in(database, username, PASSWORD)[1]


def test_an_admins_password_reset_ends_every_session_of_the_account(database, users):
    token = signed_in(database, "cand")
    accounts.update_user(database, users["admin"], users["cand"].user_id, password=NEW_PASSWORD)
    assert accounts.actor_for_token(database, token) is None
    assert accounts.sign_in(database, "cand", NEW_PASSWORD)[0].username == "cand"


def test_a_role_change_ends_the_sessions_so_no_token_picks_up_the_new_role(database, users):
    token = signed_in(database, "cand")
    admin_token = signed_in(database, "admin")
    accounts.update_user(database, users["admin"], users["cand"].user_id, role="trainer")
    assert accounts.actor_for_token(database, token) is None
    assert accounts.actor_for_token(database, admin_token) is not None  # others unaffected
    _, again = accounts.sign_in(database, "cand", PASSWORD)
    assert accounts.actor_for_token(database, again).role == "trainer"


def test_saving_an_account_unchanged_keeps_its_sessions(database, users):
    token = signed_in(database, "cand")
    accounts.update_user(database, users["admin"], users["cand"].user_id, role="candidate")
    assert accounts.actor_for_token(database, token) is not None


def test_own_password_change_signs_out_other_browsers_and_keeps_this_one(database, users):
    here, elsewhere = signed_in(database, "cand"), signed_in(database, "cand")
    actor = accounts.actor_for_token(database, here)
    fresh = accounts.change_password(database, actor, PASSWORD, NEW_PASSWORD)
    assert accounts.actor_for_token(database, here) is None
    assert accounts.actor_for_token(database, elsewhere) is None
    assert accounts.actor_for_token(database, fresh).username == "cand"
    with pytest.raises(PermissionDenied):
        accounts.sign_in(database, "cand", PASSWORD)
    assert accounts.sign_in(database, "cand", NEW_PASSWORD)[0].username == "cand"


def test_own_password_change_needs_the_current_password_and_a_strong_new_one(database, users):
    actor = users["cand"]
    with pytest.raises(PermissionDenied) as wrong:
        accounts.change_password(database, actor, "not-my-password", NEW_PASSWORD)
    assert "当前密码不正确" in wrong.value.zh
    with pytest.raises(ValidationFailed) as weak:
        accounts.change_password(database, actor, PASSWORD, "password123")
    assert "common" in weak.value.en and "常见" in weak.value.zh
    with pytest.raises(PermissionDenied):
        accounts.change_password(database, accounts.Actor.guest("x"), PASSWORD, NEW_PASSWORD)
    assert accounts.sign_in(database, "cand", PASSWORD)[0].username == "cand"  # unchanged


@pytest.mark.parametrize(
    "weak",
    ["12345678", "password", "password123", "Password123", "1234567890", "qwertyuiop",
     "aaaaaaaaaaaa", "abcdefghijkl", "short", "", "woaini1314"],
)  # fmt: skip
def test_weak_passwords_are_refused_with_messages_in_both_languages(database, users, weak):
    problem = password_problem(weak)
    assert problem is not None and problem.field == "password"
    assert problem.message and problem.message_zh and problem.message != problem.message_zh
    with pytest.raises(ValidationFailed):
        accounts.create_user(database, users["admin"], "newbie", weak, "candidate", "New")
    with pytest.raises(ValidationFailed):
        accounts.update_user(database, users["admin"], users["cand"].user_id, password=weak)


def test_a_password_may_not_contain_the_user_name(database, users):
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_user(
            database, users["admin"], "harbour", "harbour-lights-2", "candidate", "H"
        )
    assert "user name" in refused.value.en and "用户名" in refused.value.zh
    assert password_problem("correct-horse-9") is None


def test_guest_keys_are_issued_and_signed_by_the_server(database):
    key = identity.new_guest_key(database)
    guest = identity.guest_for_key(database, key)
    assert guest is not None and guest.role == "guest"
    assert identity.guest_for_key(database, key) == guest  # stable: a reload finds it again
    guest_id, signature = key.split(".")
    for forged in (guest_id, f"chosen-by-attacker.{signature}", f"{guest_id}.x", "", "a.b.c"):
        assert identity.guest_for_key(database, forged) is None
    assert identity.new_guest_key(database) != key
    identity.forget_cached_secret()  # a restarted (or another) app process
    assert identity.guest_for_key(database, key) == guest


def test_the_first_administrator_needs_the_setup_code(database, fast_hashing):
    code = identity.setup_code(database)
    assert identity.announce_setup_code(database) == code
    with pytest.raises(PermissionDenied) as refused:
        accounts.create_first_admin(database, "boss", PASSWORD, "Boss", setup_code="")
    assert "setup code" in refused.value.en and "设置码" in refused.value.zh
    with pytest.raises(PermissionDenied):
        accounts.create_first_admin(database, "boss", PASSWORD, "Boss", setup_code="AAAA-BBBB")
    assert accounts.needs_first_admin(database)
    typed = code.lower().replace("-", " ")  # case and separators do not matter
    accounts.create_first_admin(database, "boss", PASSWORD, "Boss", setup_code=typed)
    assert identity.announce_setup_code(database) is None  # no code once an account exists
    with pytest.raises(PermissionDenied):
        accounts.create_first_admin(database, "boss2", PASSWORD, "Boss", setup_code=code)


def test_a_rotated_token_replaces_the_one_the_page_held(database, users):
    token = signed_in(database, "cand")
    fresh = accounts.rotate_token(database, token)
    assert fresh and fresh != token
    assert accounts.actor_for_token(database, token) is None
    assert accounts.actor_for_token(database, fresh).username == "cand"
    assert accounts.rotate_token(database, token) is None  # a token is exchanged once
    assert accounts.rotate_token(database, "made-up") is None
