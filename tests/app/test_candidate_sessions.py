"""A candidate reads the report of a session run for their account under My progress."""

from __future__ import annotations

import pytest

from question_bank.loader import load_path
from services import accounts, sessions
from tests.app.conftest import PASSWORD
from tests.services.test_sessions import machine

PRIVATE = "私人备注：紧张"
SHARED = "点评：结构清楚，补充结果数据。"


@pytest.fixture(autouse=True)
def lexical_scoring(monkeypatch):
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")


def actor(db, username: str):
    return accounts.sign_in(db, username, PASSWORD)[0]


@pytest.fixture
def finished(app_db):
    inter, cand = actor(app_db, "inter"), actor(app_db, "cand")
    view = sessions.create_session(
        app_db, inter, "", ["cs-beh-01", "cs-sit-01"], "客服一面", candidate_user_id=cand.user_id
    )
    bank = load_path()
    beh = bank.question("cs-beh-01")
    sessions.save_answer(app_db, inter, view.id, "cs-beh-01", answer="我先单独谈话。")
    sessions.save_answer(
        app_db, inter, view.id, "cs-beh-01", report=machine(beh), overall_rating=4, notes=PRIVATE
    )
    sessions.save_answer(app_db, inter, view.id, "cs-sit-01", answer="先安抚客户。")
    sessions.save_answer(app_db, inter, view.id, "cs-sit-01", notes=SHARED, notes_shared=True)
    sessions.set_status(app_db, inter, view.id, "finished")
    return view


def shown(at) -> str:
    kinds = ("markdown", "caption", "info", "success", "warning", "error", "text", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_the_candidate_reads_their_report_without_private_notes(open_page, finished):
    at = open_page("history.py", "cand")
    assert at.header[0].value == "我的模拟面试"
    text = shown(at)
    assert "客服一面" in text and SHARED in text
    assert PRIVATE not in text and "面试官与系统评分对比" not in text and "Cohen" not in text
    assert "总体结果" in text and "建议的下一步" in text
    assert [b.label for b in at.download_button] == ["PDF", "可打印的 HTML", "CSV", "JSON"]


def test_other_people_see_no_session_there(open_page, finished):
    for username in ("cand2", "inter"):
        at = open_page("history.py", username)
        assert not at.header or at.header[0].value != "我的模拟面试"
        assert "客服一面" not in shown(at)
