"""Malformed and hostile input: each case says what it sends, checks the message (what and
where) and checks that nothing already saved was lost. docs/hostile-inputs.md lists them.

Service cases run on SQLite and PostgreSQL; file cases (bank loaders, batch scoring) need no
database and run once.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from question_bank.exchange import read_tables, write_tables
from question_bank.loader import BankSet, load_path
from scoring.batch import score_csv, score_frame
from scoring.engine import MAX_ANSWER_CHARS, Scorer
from services import accounts, practice, sessions
from services import bank as bank_service
from services.accounts import Actor
from services.bank_files import check_upload
from services.errors import InputRejected, NotFound, PermissionDenied, ValidationFailed
from storage.db import Database
from storage.models import Attempt, CalibrationExample, MockSession, SessionAnswer, User
from tests.storage.backends import PASSWORD

PROJECT = Path(__file__).resolve().parents[2]
DOC = PROJECT / "docs" / "hostile-inputs.md"
QUESTION_FILE = (
    PROJECT / "question_bank" / "data" / "cs-supervisor" / "questions" / "cs-beh-01.yaml"
)
SCOPE = "practice:cs-beh-01"
GOOD = "我会先分别和两位同事单独谈话，了解分歧，再一起商定流程，最后跟进效果。"


@dataclass(frozen=True)
class Case:
    id: str
    input: str  # one line: what is sent, for docs/hostile-inputs.md
    check: Callable


@dataclass
class Ctx:
    db: Database
    users: dict[str, Actor]
    bank: BankSet
    scorer: Scorer
    tmp: Path

    def report(self, question_id: str = "cs-beh-01", answer: str = GOOD):
        return self.scorer.score(self.bank.question(question_id), answer)

    def count(self, model) -> int:
        with self.db.transaction() as session:
            return session.scalar(select(func.count()).select_from(model))

    def session(self, name: str = "Candidate A", questions=("cs-beh-01", "cs-sit-01")):
        return sessions.create_session(self.db, self.users["inter"], name, list(questions))


SERVICE_CASES: list[Case] = []
FILE_CASES: list[Case] = []


def service_case(case_id: str, description: str):
    def register(check: Callable) -> Callable:
        SERVICE_CASES.append(Case(case_id, description, check))
        return check

    return register


def file_case(case_id: str, description: str):
    def register(check: Callable) -> Callable:
        FILE_CASES.append(Case(case_id, description, check))
        return check

    return register


def problems_of(error: ValidationFailed) -> dict[str, str]:
    return {p.field: p.message for p in error.problems}


# --- practice: answers and drafts -----------------------------------------------------------


@service_case("empty-answer", "empty and whitespace-only practice answers")
def _(c: Ctx) -> None:
    for blank in ("", "   \n\t  "):
        report = c.report(answer=blank)
        assert [f.code for f in report.flags] == ["empty"]
        assert report.flags[0].message("en") == "The answer is empty." and report.score == 0
    practice.save_draft(c.db, c.users["cand"], "practice:cs-sit-01", "other draft")
    practice.save_draft(c.db, c.users["cand"], SCOPE, "")  # clearing one box ...
    assert practice.load_draft(c.db, c.users["cand"], "practice:cs-sit-01") == "other draft"


@service_case("answer-100k-chars", "a 100,000-character practice answer")
def _(c: Ctx) -> None:
    huge = "客户至上，先倾听再处理。" * 8_334  # 100,008 characters
    huge = huge[:100_000]
    with pytest.raises(InputRejected) as rejected:
        practice.check_answer_size(huge)
    assert "100,000 characters; at most 20,000" in rejected.value.en
    assert "你输入的内容已保留" in rejected.value.zh
    with pytest.raises(InputRejected):
        practice.record_attempt(
            c.db, c.users["cand"], c.bank.question("cs-beh-01"), huge, c.report()
        )
    assert c.count(Attempt) == 0
    practice.save_draft(c.db, c.users["cand"], SCOPE, huge)  # ... but the text is kept
    assert practice.load_draft(c.db, c.users["cand"], SCOPE) == huge
    report = c.report(answer=huge)  # the scorer itself scores the beginning and says so
    assert "too_long" in [f.code for f in report.flags]


@service_case("draft-200001-chars", "a 200,001-character draft (autosave)")
def _(c: Ctx) -> None:
    practice.save_draft(c.db, c.users["cand"], SCOPE, "earlier draft")
    with pytest.raises(InputRejected) as rejected:
        practice.save_draft(c.db, c.users["cand"], SCOPE, "x" * 200_001)
    assert "200,001 characters; drafts keep at most 200,000" in rejected.value.en
    assert practice.load_draft(c.db, c.users["cand"], SCOPE) == "earlier draft"
    practice.save_draft(c.db, c.users["cand"], SCOPE, "y" * 200_000)  # the limit itself is fine
    assert len(practice.load_draft(c.db, c.users["cand"], SCOPE)) == 200_000


@service_case("nul-in-answer-and-draft", "NUL characters (\\x00) in a practice answer and draft")
def _(c: Ctx) -> None:
    practice.save_draft(c.db, c.users["cand"], SCOPE, "earlier draft")
    with pytest.raises(InputRejected) as rejected:
        practice.save_draft(c.db, c.users["cand"], SCOPE, "ab\x00cd")
    assert "NUL character" in rejected.value.en and "position 3" in rejected.value.en
    assert practice.load_draft(c.db, c.users["cand"], SCOPE) == "earlier draft"
    answer = GOOD + "\x00"
    with pytest.raises(InputRejected) as rejected:
        practice.check_answer_size(answer)
    assert f"position {len(answer)}" in rejected.value.en
    with pytest.raises(InputRejected):
        practice.record_attempt(
            c.db, c.users["cand"], c.bank.question("cs-beh-01"), answer, c.report()
        )
    assert c.count(Attempt) == 0


@service_case("nul-in-session-fields", "NUL characters in a candidate name, session answer, notes")
def _(c: Ctx) -> None:
    with pytest.raises(ValidationFailed) as failed:
        c.session(name="Wang\x00Xiaoming")
    assert "NUL character" in problems_of(failed.value)["candidate_name"]
    session = c.session()
    sessions.save_answer(c.db, c.users["inter"], session.id, "cs-beh-01", answer=GOOD, notes="n")
    with pytest.raises(ValidationFailed) as failed:
        sessions.save_answer(
            c.db, c.users["inter"], session.id, "cs-beh-01", answer="a\x00", notes="\x00"
        )
    assert set(problems_of(failed.value)) == {"answer", "notes"}
    assert "position 2" in problems_of(failed.value)["answer"]
    kept = sessions.get_session(c.db, c.users["inter"], session.id).answer("cs-beh-01")
    assert (kept.answer, kept.notes) == (GOOD, "n")
    assert c.count(MockSession) == 1


@service_case("nul-in-sign-in", "a user name with a NUL character at sign-in (5 times, then 6th)")
def _(c: Ctx) -> None:
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(PermissionDenied) as denied:
            accounts.sign_in(c.db, "cand\x00", PASSWORD)
        assert denied.value.en == "Wrong user name or password."
    with pytest.raises(accounts.RateLimited):
        accounts.sign_in(c.db, "cand\x00", PASSWORD)
    assert accounts.sign_in(c.db, "cand", PASSWORD)[0].username == "cand"  # others unaffected
    with pytest.raises(ValidationFailed) as failed:
        accounts.create_user(c.db, c.users["admin"], "nul-user", PASSWORD, "candidate", "A\x00")
    assert "NUL character" in problems_of(failed.value)["display_name"]


@service_case("rtl-zero-width-emoji", "RTL, zero-width and emoji text in answers, drafts, names")
def _(c: Ctx) -> None:
    text = "مرحبا بالعميل \u200f\u202e עברית\u202c \u200b\u200d\ufeff 👩‍💼🇨🇳 先倾听 é\u0301"
    report = c.report(answer=text)
    attempt = practice.record_attempt(
        c.db, c.users["cand"], c.bank.question("cs-beh-01"), text, report
    )
    assert practice.get_attempt(c.db, c.users["cand"], attempt.id).answer == text
    practice.save_draft(c.db, c.users["cand"], SCOPE, text)
    assert practice.load_draft(c.db, c.users["cand"], SCOPE) == text
    session = c.session(name="\u202eنادية 👩‍💼")
    sessions.save_answer(c.db, c.users["inter"], session.id, "cs-beh-01", answer=text, notes=text)
    again = sessions.get_session(c.db, c.users["inter"], session.id)
    assert again.candidate_name == "\u202eنادية 👩‍💼"
    assert again.answer("cs-beh-01").answer == again.answer("cs-beh-01").notes == text


@service_case("sql-injection-user-name", "user names like admin'; DROP TABLE users;--")
def _(c: Ctx) -> None:
    before = c.count(User)
    for name in ("admin'; DROP TABLE users;--", "' OR '1'='1", 'x" OR 1=1 --'):
        with pytest.raises(ValidationFailed) as failed:
            accounts.create_user(c.db, c.users["admin"], name, PASSWORD, "candidate", "X")
        assert "no spaces" in problems_of(failed.value)["username"]
        with pytest.raises(PermissionDenied) as denied:
            accounts.sign_in(c.db, name, PASSWORD)
        assert denied.value.en == "Wrong user name or password."
    assert c.count(User) == before
    assert accounts.actor_for_token(c.db, "' OR '1'='1") is None


@service_case("sql-injection-answer", "answers and notes like '); DROP TABLE attempts; --")
def _(c: Ctx) -> None:
    text = "'); DROP TABLE attempts; -- \" OR 1=1; DELETE FROM users WHERE '1'='1"
    first = practice.record_attempt(
        c.db, c.users["cand"], c.bank.question("cs-beh-01"), GOOD, c.report()
    )
    second = practice.record_attempt(
        c.db, c.users["cand"], c.bank.question("cs-beh-01"), text, c.report(answer=text)
    )
    practice.save_draft(c.db, c.users["cand"], text, text)  # as a scope too
    assert practice.load_draft(c.db, c.users["cand"], text) == text
    assert [a.answer for a in practice.list_attempts(c.db, c.users["cand"])] == [GOOD, text]
    assert (first.id, second.id) == tuple(
        a.id for a in practice.list_attempts(c.db, c.users["cand"])
    )
    session = c.session(name=text[:128])
    sessions.save_answer(c.db, c.users["inter"], session.id, "cs-beh-01", notes=text)
    assert (
        sessions.get_session(c.db, c.users["inter"], session.id).answer("cs-beh-01").notes == text
    )
    assert c.count(User) == len(c.users)


@service_case("script-in-names-and-notes", "<script> in a candidate name, title and notes")
def _(c: Ctx) -> None:
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    session = sessions.create_session(
        c.db, c.users["inter"], script, ["cs-beh-01"], title=f"t {script}", language="en"
    )
    sessions.save_answer(
        c.db,
        c.users["inter"],
        session.id,
        "cs-beh-01",
        answer=script,
        notes=script,
        overall_rating=3,
    )
    view = sessions.get_session(c.db, c.users["inter"], session.id)
    assert view.candidate_name == script and view.title == f"t {script}"
    assert view.answer("cs-beh-01").notes == script  # stored verbatim, escaped when shown
    session_report = pytest.importorskip("services.session_report")
    rated = session_report.RatedAnswer(
        c.bank.question("cs-beh-01"), view.answer("cs-beh-01").answer, None, {}, 3, script
    )
    report = session_report.build_report(view.candidate_name, "Inter", view.title, [rated], "en")
    html = pytest.importorskip("services.report_render").to_html(report)
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@service_case("candidate-name-129-chars", "an overlong (129-character) or blank candidate name")
def _(c: Ctx) -> None:
    for name in ("名" * 129, "   "):
        with pytest.raises(ValidationFailed) as failed:
            c.session(name=name)
        assert problems_of(failed.value)["candidate_name"] == "required, at most 128 characters"
    assert c.session(name="名" * 128).candidate_name == "名" * 128
    assert c.count(MockSession) == 1


ZERO_WIDTH_NAMES = ("\u200b", "\u200b\u200c\u200d", "\ufeff \u200b\t", " \u3164 ", "\u200e\u200f")


@service_case("zero-width-candidate-name", "a candidate name of zero-width spaces, ZWJ, BOM only")
def _(c: Ctx) -> None:
    for name in ZERO_WIDTH_NAMES:
        with pytest.raises(ValidationFailed) as failed:
            c.session(name=name)
        assert problems_of(failed.value) == {"candidate_name": "required, at most 128 characters"}
    assert c.count(MockSession) == 0
    session = c.session(name="\ufeff\u200bWang Fang\u200b ")  # kept, without the edges
    assert session.candidate_name == "Wang Fang" and session.title == "Wang Fang"


@service_case("overall-rating-7", "overall ratings 7, 0, 3.5 and '5' (scale 1-5)")
def _(c: Ctx) -> None:
    session = c.session()
    sessions.save_answer(c.db, c.users["inter"], session.id, "cs-beh-01", overall_rating=4)
    for bad in (7, 0, 3.5, "5"):
        with pytest.raises(ValidationFailed) as failed:
            sessions.save_answer(
                c.db, c.users["inter"], session.id, "cs-beh-01", overall_rating=bad, notes="x"
            )
        assert problems_of(failed.value) == {"overall_rating": "must be 1 to 5"}
    kept = sessions.get_session(c.db, c.users["inter"], session.id).answer("cs-beh-01")
    assert (kept.overall_rating, kept.notes) == (4, "")


@service_case("point-rating-minus-1", "rubric point ratings -1 and 3 (scale 0-2)")
def _(c: Ctx) -> None:
    session = c.session()
    sessions.save_answer(c.db, c.users["inter"], session.id, "cs-beh-01", point_ratings={"p1": 2})
    with pytest.raises(ValidationFailed) as failed:
        sessions.save_answer(
            c.db, c.users["inter"], session.id, "cs-beh-01", point_ratings={"p1": -1, "p2": 3}
        )
    assert problems_of(failed.value) == {
        "point_ratings.p1": "must be 0, 1 or 2",
        "point_ratings.p2": "must be 0, 1 or 2",
    }
    kept = sessions.get_session(c.db, c.users["inter"], session.id).answer("cs-beh-01")
    assert kept.point_ratings == {"p1": 2}


@service_case("unknown-question-in-session", "saving an answer for a question not in the session")
def _(c: Ctx) -> None:
    session = c.session()
    sessions.save_answer(c.db, c.users["inter"], session.id, "cs-beh-01", answer=GOOD)
    for question_id in ("cs-str-99", "'; DROP TABLE session_answers;--"):
        with pytest.raises(NotFound) as missing:
            sessions.save_answer(c.db, c.users["inter"], session.id, question_id, answer="x")
        assert missing.value.en == f"{question_id} is not part of session {session.id}."
    with pytest.raises(NotFound) as missing:
        sessions.get_session(c.db, c.users["inter"], 10_000)
    assert missing.value.en == "No session 10000."
    assert c.count(SessionAnswer) == 1


@service_case("session-question-list", "a session with no questions, a repeated one, language xx")
def _(c: Ctx) -> None:
    with pytest.raises(ValidationFailed) as failed:
        c.session(questions=())
    assert problems_of(failed.value) == {"question_ids": "choose at least one question"}
    with pytest.raises(ValidationFailed) as failed:
        c.session(questions=("cs-beh-01", "cs-beh-01"))
    assert problems_of(failed.value) == {"question_ids": "a question is listed twice"}
    with pytest.raises(ValidationFailed) as failed:
        sessions.create_session(c.db, c.users["inter"], "A", ["cs-beh-01"], language="klingon")
    assert problems_of(failed.value) == {"language": "must be zh or en"}
    assert c.count(MockSession) == 0


@service_case("session-text-limits", "a 20,001-character session answer and 20,001-char notes")
def _(c: Ctx) -> None:
    session = c.session()
    sessions.save_answer(c.db, c.users["inter"], session.id, "cs-beh-01", answer=GOOD, notes="n")
    with pytest.raises(ValidationFailed) as failed:
        sessions.save_answer(
            c.db,
            c.users["inter"],
            session.id,
            "cs-beh-01",
            answer="x" * (MAX_ANSWER_CHARS + 1),
            notes="y" * 20_001,
        )
    assert problems_of(failed.value) == {
        "answer": "at most 20,000 characters",
        "notes": "at most 20,000 characters",
    }
    kept = sessions.get_session(c.db, c.users["inter"], session.id).answer("cs-beh-01")
    assert (kept.answer, kept.notes) == (GOOD, "n")


# --- accounts -------------------------------------------------------------------------------


@service_case("password-too-short", "a 9-character password (new account and password reset)")
def _(c: Ctx) -> None:
    with pytest.raises(ValidationFailed) as failed:
        accounts.create_user(c.db, c.users["admin"], "newbie", "k7#Lm2qXz", "candidate", "New")
    assert problems_of(failed.value) == {"password": "at least 10 characters (this one has 9)"}
    with pytest.raises(ValidationFailed):
        accounts.update_user(c.db, c.users["admin"], c.users["cand"].user_id, password="short")
    assert accounts.sign_in(c.db, "cand", PASSWORD)[0].username == "cand"  # old password works


@service_case("password-too-long", "a 257-character password")
def _(c: Ctx) -> None:
    longest = ("pq7" * 86)[:256]
    with pytest.raises(ValidationFailed) as failed:
        accounts.create_user(c.db, c.users["admin"], "newbie", longest + "r", "candidate", "New")
    assert problems_of(failed.value) == {"password": "at most 256 characters"}
    accounts.create_user(c.db, c.users["admin"], "newbie", longest, "candidate", "New")
    assert accounts.sign_in(c.db, "newbie", longest)[0].username == "newbie"


@service_case(
    "common-password", "'12345678', 'password', 'password123', 'qwertyuiop', 'aaaaaaaaaaaa'"
)
def _(c: Ctx) -> None:
    for weak in ("12345678", "password", "password123", "Password123", "qwertyuiop", "a" * 12):
        with pytest.raises(ValidationFailed) as failed:
            accounts.create_user(c.db, c.users["admin"], "newbie", weak, "candidate", "New")
        assert "密码" in failed.value.zh  # the message is written in Chinese too
        with pytest.raises(ValidationFailed):
            accounts.update_user(c.db, c.users["admin"], c.users["cand"].user_id, password=weak)
    assert accounts.sign_in(c.db, "cand", PASSWORD)[0].username == "cand"  # old password works


@service_case(
    "user-name-with-spaces", "user names 'John Smith', 'ab', 65 chars, '张三', 'newbie\\n'"
)
def _(c: Ctx) -> None:
    before = c.count(User)
    for name in ("John Smith", "ab", "a" * 65, "张三", " cand", "newbie\n"):
        with pytest.raises(ValidationFailed) as failed:
            accounts.create_user(c.db, c.users["admin"], name, PASSWORD, "candidate", "X")
        assert problems_of(failed.value) == {
            "username": "3 to 64 letters, digits, '.', '_' or '-' (no spaces)"
        }
    assert c.count(User) == before


@service_case("role-not-in-list", "roles 'superuser', 'Admin' and '' for a new or existing account")
def _(c: Ctx) -> None:
    for role in ("superuser", "Admin", ""):
        with pytest.raises(ValidationFailed) as failed:
            accounts.create_user(c.db, c.users["admin"], "newbie", PASSWORD, role, "New")
        assert problems_of(failed.value) == {
            "role": "must be one of candidate, interviewer, trainer, admin"
        }
        with pytest.raises(ValidationFailed):
            accounts.update_user(c.db, c.users["admin"], c.users["cand"].user_id, role=role)
    assert accounts.actor_for_token(c.db, accounts.sign_in(c.db, "cand", PASSWORD)[1]).role == (
        "candidate"
    )


@service_case("display-name-limits", "an empty and a 129-character display name")
def _(c: Ctx) -> None:
    for display in ("", "  ", "n" * 129):
        with pytest.raises(ValidationFailed) as failed:
            accounts.create_user(c.db, c.users["admin"], "newbie", PASSWORD, "candidate", display)
        assert problems_of(failed.value) == {"display_name": "required, at most 128 characters"}
    with pytest.raises(ValidationFailed) as failed:  # every problem at once, each with its field
        accounts.create_user(c.db, c.users["admin"], "a b", "x", "root", "")
    assert set(problems_of(failed.value)) == {"username", "password", "display_name", "role"}


@service_case("zero-width-display-name", "a display name of zero-width spaces, ZWJ, BOM only")
def _(c: Ctx) -> None:
    before = c.count(User)
    for display in ZERO_WIDTH_NAMES:
        with pytest.raises(ValidationFailed) as failed:
            accounts.create_user(c.db, c.users["admin"], "newbie", PASSWORD, "candidate", display)
        assert problems_of(failed.value) == {"display_name": "required, at most 128 characters"}
    assert c.count(User) == before
    made = accounts.create_user(
        c.db, c.users["admin"], "newbie", PASSWORD, "candidate", "\u200bLi Lei\ufeff"
    )
    assert made.display_name == "Li Lei"


# --- the bank -------------------------------------------------------------------------------


@service_case("calibration-grade-11", "calibration example grades 11, -0.5 and NaN (scale 0-10)")
def _(c: Ctx) -> None:
    kept = bank_service.add_calibration_example(c.db, c.users["train"], "cs-beh-01", GOOD, 8)
    for grade in (11, -0.5, math.nan):
        with pytest.raises(ValidationFailed) as failed:
            bank_service.add_calibration_example(c.db, c.users["train"], "cs-beh-01", GOOD, grade)
        assert problems_of(failed.value) == {"grade": "must be between 0 and 10"}
    assert bank_service.calibration_examples(c.db, c.users["train"], "cs-beh-01") == [
        (kept, GOOD, 8.0)
    ]


@service_case("calibration-empty-or-unknown", "a blank calibration answer; an unknown question id")
def _(c: Ctx) -> None:
    with pytest.raises(ValidationFailed) as failed:
        bank_service.add_calibration_example(c.db, c.users["train"], "cs-beh-01", " \n ", 5)
    assert problems_of(failed.value) == {"answer": "is empty"}
    with pytest.raises(NotFound) as missing:
        bank_service.add_calibration_example(c.db, c.users["train"], "cs-nope-01", GOOD, 5)
    assert missing.value.en == "No question cs-nope-01."
    assert c.count(CalibrationExample) == 0


@service_case("question-weight-abc", 'a question edit with weight "abc", points -3, category "x"')
def _(c: Ctx) -> None:
    entry = bank_service.get_question(c.db, "cs-beh-01")
    data = entry.question.model_dump(mode="json")
    rubric = [{**data["rubric"][0], "weight": "abc"}, *data["rubric"][1:]]
    bad = {**data, "rubric": rubric, "points": -3, "category": "x"}
    with pytest.raises(ValidationFailed) as failed:
        bank_service.save_question(c.db, c.users["train"], bad, entry.version)
    found = problems_of(failed.value)
    assert "rubric.0.weight" in found and "number" in found["rubric.0.weight"]
    assert {"points", "category"} <= set(found)
    assert "rubric.0.weight" in failed.value.en  # the page can show where
    after = bank_service.get_question(c.db, "cs-beh-01")
    assert after.version == 1 and after.question == entry.question
    assert len(bank_service.history(c.db, c.users["train"], "cs-beh-01")) == 1


@service_case("question-duplicate-id", "creating a question whose id already exists")
def _(c: Ctx) -> None:
    original = bank_service.get_question(c.db, "cs-beh-01")
    copy = {**original.question.model_dump(mode="json"), "title": {"zh": "抄", "en": "Copy"}}
    with pytest.raises(ValidationFailed) as failed:
        bank_service.save_question(c.db, c.users["train"], copy, None)
    assert problems_of(failed.value) == {"id": "'cs-beh-01' already exists; choose another id"}
    assert bank_service.get_question(c.db, "cs-beh-01") == original


@service_case("question-not-a-mapping", "a question given as {}, a list, or with an unknown field")
def _(c: Ctx) -> None:
    with pytest.raises(ValidationFailed) as failed:
        bank_service.save_question(c.db, c.users["train"], {}, None)
    assert problems_of(failed.value)["id"] == "missing required field"
    data = bank_service.get_question(c.db, "cs-beh-01").question.model_dump(mode="json")
    with pytest.raises(ValidationFailed) as failed:
        bank_service.save_question(c.db, c.users["train"], {**data, "evil": "<x>"}, 1)
    assert problems_of(failed.value) == {"evil": "unknown field"}
    with pytest.raises(ValidationFailed) as failed:
        bank_service.save_question(c.db, c.users["train"], ["not", "a question"], 1)
    assert "expected a question mapping, got str" in failed.value.en
    assert bank_service.get_question(c.db, "cs-beh-01").version == 1


# --- bank files (YAML) ----------------------------------------------------------------------


def question_yaml(question_id: str = "cs-beh-01") -> str:
    return QUESTION_FILE.read_text(encoding="utf-8").replace("cs-beh-01", question_id)


def folder_with(tmp: Path, broken_name: str, broken: str | bytes) -> Path:
    """A folder with one good question file and one broken one."""
    (tmp / "good.yaml").write_text(question_yaml("cs-beh-91"), encoding="utf-8")
    target = tmp / broken_name
    if isinstance(broken, bytes):
        target.write_bytes(broken)
    else:
        target.write_text(broken, encoding="utf-8")
    return tmp


def only_problem(loaded: BankSet, file_name: str) -> str:
    assert [q.id for q in loaded.questions] == ["cs-beh-91"]  # the good file still loads
    assert len(loaded.problems) == 1, loaded.problems
    problem = loaded.problems[0]
    assert problem.file.endswith(file_name)
    return str(problem)


@file_case("yaml-tab-indent", "a YAML question file indented with a tab")
def _(c: Ctx) -> None:
    text = question_yaml("cs-beh-92").replace("title:\n  zh:", "title:\n\tzh:", 1)
    line = text.splitlines().index("\tzh: 团队冲突处理") + 1
    message = only_problem(load_path(folder_with(c.tmp, "tab.yaml", text)), "tab.yaml")
    assert f"malformed YAML: line {line}, column 1" in message and "'\\t'" in message


@file_case("yaml-unclosed-quote", "a YAML question file with an unclosed quote")
def _(c: Ctx) -> None:
    text = question_yaml("cs-beh-92").rstrip("\n") + '\ncomment: "never closed\n'
    lines = len(text.splitlines())  # the quote opens on the last line; the stream ends after it
    message = only_problem(load_path(folder_with(c.tmp, "quote.yaml", text)), "quote.yaml")
    assert (
        f"malformed YAML: line {lines + 1} (opened at line {lines}), column 1: "
        "found unexpected end of stream while scanning a quoted scalar"
    ) in message
    text = question_yaml("cs-beh-92").replace("zh: 团队冲突处理", 'zh: "团队冲突处理', 1)
    opened = text.splitlines().index('  zh: "团队冲突处理') + 1  # a later quote "closes" it
    message = only_problem(load_path(folder_with(c.tmp, "quote.yaml", text)), "quote.yaml")
    assert f"malformed YAML: line {opened + 54} (opened at line {opened}), column " in message
    assert f"quoted text that runs from line {opened} (is a closing quote missing" in message


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
"""  # 10**7 strings in under 400 bytes


@file_case("yaml-billion-laughs", "a 400-byte YAML file whose aliases (*a) expand to 10^7 strings")
def _(c: Ctx) -> None:
    assert len(BILLION_LAUGHS.encode()) <= 400
    message = only_problem(load_path(folder_with(c.tmp, "bomb.yaml", BILLION_LAUGHS)), "bomb.yaml")
    assert message.endswith("bomb.yaml: YAML aliases (*a) are not allowed, line 2")
    check = check_upload("bomb.yaml", BILLION_LAUGHS.encode())  # the workbench upload
    assert [str(p) for p in check.problems] == [
        "bomb.yaml: YAML aliases (*a) are not allowed, line 2"
    ]
    merge = question_yaml("cs-beh-92").replace("rubric:", "base: &r {}\nrubric:\n  <<: *r", 1)
    message = only_problem(load_path(folder_with(c.tmp, "bomb.yaml", merge)), "bomb.yaml")
    assert "YAML aliases (*r) are not allowed, line " in message


@file_case("yaml-weight-abc", 'a YAML question with weight: "abc" and points: many')
def _(c: Ctx) -> None:
    text = question_yaml("cs-beh-92").replace("weight: 1.0", 'weight: "abc"', 1)
    text = text.replace("points: 10", "points: many", 1)
    loaded = load_path(folder_with(c.tmp, "types.yaml", text))
    assert [q.id for q in loaded.questions] == ["cs-beh-91"]
    found = {p.field: p for p in loaded.problems}
    assert set(found) == {"rubric.0.weight", "points"}
    assert found["rubric.0.weight"].question_id == "cs-beh-92"
    assert found["rubric.0.weight"].message.en == "must be a number"
    assert "field rubric.0.weight" in str(found["rubric.0.weight"])


@file_case("yaml-duplicate-id", "two YAML files defining the same question id")
def _(c: Ctx) -> None:
    message = only_problem(
        load_path(folder_with(c.tmp, "zz-dup.yaml", question_yaml("cs-beh-91"))), "zz-dup.yaml"
    )
    assert "question cs-beh-91: field id: duplicate question id, first defined in" in message
    assert "good.yaml" in message


@file_case("yaml-not-utf8", "a YAML question file in GBK, not UTF-8")
def _(c: Ctx) -> None:
    data = question_yaml("cs-beh-92").encode("gbk")
    message = only_problem(load_path(folder_with(c.tmp, "gbk.yaml", data)), "gbk.yaml")
    assert "not UTF-8 text (byte " in message


@file_case("yaml-empty-or-scalar", "a 0-byte YAML file, and one that is a plain string")
def _(c: Ctx) -> None:
    message = only_problem(load_path(folder_with(c.tmp, "empty.yaml", b"")), "empty.yaml")
    assert message.endswith("the file is empty")
    (c.tmp / "empty.yaml").unlink()
    message = only_problem(load_path(folder_with(c.tmp, "s.yaml", "just words\n")), "s.yaml")
    assert message.endswith("expected a question mapping, got str")


# --- bank files (CSV / XLSX) ----------------------------------------------------------------


def bank_csv(c: Ctx, edit: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> Path:
    """The first three bank questions as the exchange CSV, optionally edited."""
    path = write_tables(list(c.bank.questions[:3]), c.tmp / "bank.csv")
    if edit is not None:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        edit(frame).to_csv(path, index=False, encoding="utf-8-sig")
    return path


@file_case("csv-missing-columns", "a bank CSV without the record column / without weight")
def _(c: Ctx) -> None:
    path = bank_csv(c, lambda f: f.drop(columns=["record"]))
    questions, problems = read_tables(path)
    assert questions == [] and [p.message.en for p in problems] == ["missing column: record"]
    questions, problems = read_tables(bank_csv(c, lambda f: f.drop(columns=["weight"])))
    assert [str(p) for p in problems] == ["bank.csv rubric_points: missing columns: weight"]


@file_case("csv-broken-row", 'a bank CSV with weight "abc" in one rubric row and a ragged line')
def _(c: Ctx) -> None:
    first = c.bank.questions[0].id

    def break_weight(frame: pd.DataFrame) -> pd.DataFrame:
        rubric_rows = frame.index[
            (frame["record"] == "rubric_point") & (frame["question_id"] == first)
        ]
        frame.loc[rubric_rows[0], "weight"] = "abc"
        broken.append(int(rubric_rows[0]) + 2)  # the row a spreadsheet shows for it
        return frame

    broken: list[int] = []
    questions, problems = read_tables(bank_csv(c, break_weight))
    assert [q.id for q in questions] == [q.id for q in c.bank.questions[1:3]]  # the others
    assert len(problems) == 1 and problems[0].question_id == first
    assert problems[0].file == f"bank.csv rubric_points row {broken[0]}"  # its own table and row
    assert (problems[0].table, problems[0].row, problems[0].field) == (
        "rubric_points",
        broken[0],
        "weight",
    )
    assert problems[0].message.en == "'abc' is not a number"
    path = c.tmp / "ragged.csv"
    path.write_text("record,id,bank\nquestion,cs-a-01,b\nquestion,cs-a-02,b,extra,cells\n")
    questions, problems = read_tables(path)
    assert questions == [] and "cannot read the table" in problems[0].message.en
    assert "Expected 3 fields in line 3, saw 5" in problems[0].message.en


@file_case("csv-formula-cells", "bank CSV and answer CSV cells like =HYPERLINK(...) and +cmd|")
def _(c: Ctx) -> None:
    formula = '=HYPERLINK("http://evil.example","click")'

    def poison(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[0, "title_en"] = formula
        frame.loc[0, "tags"] = "@SUM(1+1)"
        return frame

    questions, problems = read_tables(bank_csv(c, poison))
    assert problems == [] and len(questions) == 3
    assert questions[0].title.en == formula  # text, never evaluated
    frame = pd.DataFrame(
        {"question_id": ["cs-beh-01", "cs-beh-01"], "answer": [formula, "+cmd|' /C calc'!A0"]}
    )
    out, summary = score_frame(c.scorer, c.bank, frame)
    assert (summary.scored, summary.errors) == (2, 0)
    assert list(out["answer"]) == list(frame["answer"])
    from services.session_report import neutralize_cell  # the older import still works

    assert neutralize_cell(formula) == "'" + formula  # how exports make it inert


@file_case("export-formula-cells", "bank and scored-CSV exports of texts like =HYPERLINK(...)")
def _(c: Ctx) -> None:
    formula = '=HYPERLINK("http://evil.example","click")'
    first = c.bank.questions[0]
    title = first.title.model_copy(update={"en": formula, "zh": "-1+1 标题"})
    poisoned = [first.model_copy(update={"title": title}), *c.bank.questions[1:3]]
    for suffix in (".csv", ".xlsx"):
        path = write_tables(poisoned, c.tmp / f"bank{suffix}")
        if suffix == ".csv":
            cells = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            cells = pd.read_excel(path, sheet_name="questions", dtype=str, keep_default_na=False)
        assert (cells.loc[0, "title_en"], cells.loc[0, "title_zh"]) == ("'" + formula, "'-1+1 标题")
        questions, problems = read_tables(path)
        assert problems == [] and questions == poisoned  # the quote is removed on import
    source, target = c.tmp / "answers.csv", c.tmp / "scored.csv"
    pd.DataFrame({"question_id": ["cs-beh-01"], "answer": [formula]}).to_csv(source, index=False)
    summary = score_csv(c.scorer, c.bank, source, target)
    scored = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert summary.scored == 1 and scored.loc[0, "answer"] == "'" + formula
    assert float(scored.loc[0, "score"]) >= 0  # numbers stay numbers


@file_case("xlsx-is-text", "a .xlsx upload that is really a text file, and a 0-byte .xlsx")
def _(c: Ctx) -> None:
    for content in (b"id,bank\ncs-x,y\n", b""):
        path = c.tmp / "bank.xlsx"
        path.write_bytes(content)
        questions, problems = read_tables(path)
        assert questions == [] and len(problems) == 1
        assert str(problems[0]) == (
            f"{path}: cannot read the table: not a readable Excel workbook: "
            "the file is not an .xlsx workbook (save it as .xlsx, or use .csv)"
        )


def zip_of(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


@file_case("xlsx-broken-zip", "a .xlsx that is a ZIP but no workbook: PK garbage, other files")
def _(c: Ctx) -> None:
    workbook = write_tables(list(c.bank.questions[:1]), c.tmp / "good.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(workbook)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    broken = {
        "PK garbage": (b"PK\x03\x04 not really a zip", "the file is not an .xlsx workbook"),
        "a zip of text": (zip_of({"notes.txt": "hi"}), "a ZIP file without xl/workbook.xml"),
        "a damaged part": (zip_of({**parts, "xl/workbook.xml": "<wb"}), "ParseError"),
        "a truncated file": (workbook[: len(workbook) // 2], "the file is not an .xlsx workbook"),
        "a zip bomb": (
            zip_of({**parts, "xl/media/big.bin": b"\0" * (101 * 1024 * 1024)}),
            "it unpacks to 101 MB; at most 100 MB",
        ),
    }
    for what, (content, reason) in broken.items():
        path = c.tmp / "bank.xlsx"
        path.write_bytes(content)
        questions, problems = read_tables(path)  # reported, never raised
        assert questions == [] and len(problems) == 1, what
        assert problems[0].file == str(path), what
        assert problems[0].message.en.startswith(
            "cannot read the table: not a readable Excel workbook: "
        ), what
        assert reason in problems[0].message.en, (what, problems[0].message)
        check = check_upload("upload.xlsx", content)  # the workbench upload names the file
        assert [p.file for p in check.problems] == ["upload.xlsx"], what
        assert "not a readable Excel workbook: " in check.problems[0].message.en, what
        assert reason in check.problems[0].message.en, what


@file_case("csv-not-utf8", "a bank CSV saved in GBK")
def _(c: Ctx) -> None:
    path = bank_csv(c)
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("gbk", errors="replace"))
    questions, problems = read_tables(path)
    assert questions == [] and "'utf-8' codec can't decode byte" in problems[0].message.en


@file_case("csv-zero-bytes", "a 0-byte bank CSV")
def _(c: Ctx) -> None:
    path = c.tmp / "bank.csv"
    path.write_bytes(b"")
    questions, problems = read_tables(path)
    assert questions == []
    assert [p.message.en for p in problems] == [
        "cannot read the table: No columns to parse from file"
    ]


@file_case("batch-missing-column", "an answers table without the answer column")
def _(c: Ctx) -> None:
    frame = pd.DataFrame({"question_id": ["cs-beh-01", "cs-beh-02"], "text": ["a", "b"]})
    out, summary = score_frame(c.scorer, c.bank, frame)
    assert (summary.rows, summary.scored, summary.errors) == (2, 0, 2)
    assert list(out["error"]) == ["missing column: answer"] * 2
    assert list(out["text"]) == ["a", "b"]  # every input row and column comes back


@file_case("batch-bad-rows", "answer rows with an unknown question id, an empty answer, points abc")
def _(c: Ctx) -> None:
    frame = pd.DataFrame(
        {
            "question_id": ["cs-beh-01", "cs-nope-01", "cs-beh-02", "", "cs-sit-01"],
            "question": ["", "", "", "Q?", ""],
            "rubric_points": ["", "", "", "listen | act", ""],
            "points": ["", "", "", "abc", ""],
            "answer": [GOOD, GOOD, "   ", GOOD, GOOD],
        }
    )
    out, summary = score_frame(c.scorer, c.bank, frame)
    assert (summary.scored, summary.errors) == (2, 3)
    errors = list(out["error"])
    assert errors[0] == errors[4] == ""
    assert errors[1] == "row 3, column question_id: no question 'cs-nope-01' in the bank"
    assert errors[2] == "row 4, column answer: the answer is empty"
    assert errors[3] == "row 5, column points: 'abc' is not a positive number"
    assert out.loc[0, "score"] != "" and out.loc[4, "score"] != ""


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture
def ctx(seeded, users, bank, lexical_scorer, tmp_path) -> Ctx:
    return Ctx(seeded, users, bank, lexical_scorer, tmp_path)


@pytest.mark.parametrize("case", SERVICE_CASES, ids=lambda case: case.id)
def test_hostile_input_to_a_service(case: Case, ctx: Ctx) -> None:
    case.check(ctx)


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda case: case.id)
def test_hostile_input_file(case: Case, bank, lexical_scorer, tmp_path) -> None:
    case.check(Ctx(None, {}, bank, lexical_scorer, tmp_path))


def test_the_list_in_docs_is_complete() -> None:
    listed = DOC.read_text(encoding="utf-8")
    missing = [c.id for c in SERVICE_CASES + FILE_CASES if f"`{c.id}`" not in listed]
    assert not missing, f"add these to {DOC.name}: {missing}"
    assert len({c.id for c in SERVICE_CASES + FILE_CASES}) == len(SERVICE_CASES + FILE_CASES)
