"""What was saved is there after a restart: a new Database object on the same URL."""

from __future__ import annotations

from services import practice, sessions
from services.accounts import Actor
from storage.db import Database

LONG_DRAFT = "第一段：先安抚客户情绪。\n" * 2_000 + "Second part 👩‍💼 ‏עברית‎ end"


def test_drafts_attempts_and_sessions_survive_a_restart(
    database_url, database, users, bank, lexical_scorer
):
    cand, guest, inter = users["cand"], Actor.guest("browser-tab"), users["inter"]
    practice.save_draft(database, cand, "practice:cs-beh-01", LONG_DRAFT)
    practice.save_draft(database, guest, "practice:cs-beh-01", "guest draft")
    practice.save_draft(database, cand, "practice:cs-sit-01", "will be replaced")
    practice.save_draft(database, cand, "practice:cs-sit-01", "replaced")
    question = bank.question("cs-beh-01")
    answer = "我会先倾听客户，再核实问题，最后给出方案并回访。"
    attempt = practice.record_attempt(
        database, cand, question, answer, lexical_scorer.score(question, answer), 95
    )
    session = sessions.create_session(database, inter, "王小明", ["cs-beh-01", "cs-sit-01"])
    sessions.save_answer(
        database, inter, session.id, "cs-beh-01", answer=answer, overall_rating=4, notes="ok"
    )
    sessions.move_to(database, inter, session.id, 1)
    database.dispose()  # the app process ends

    restarted = Database(database_url)
    try:
        restarted.upgrade()
        assert practice.load_draft(restarted, cand, "practice:cs-beh-01") == LONG_DRAFT
        assert practice.load_draft(restarted, guest, "practice:cs-beh-01") == "guest draft"
        assert practice.load_draft(restarted, cand, "practice:cs-sit-01") == "replaced"
        assert practice.load_draft(restarted, users["cand2"], "practice:cs-beh-01") is None
        again = practice.get_attempt(restarted, cand, attempt.id)
        assert (again.answer, again.seconds_taken, again.report) == (answer, 95, attempt.report)
        resumed = sessions.get_session(restarted, inter, session.id)
        assert resumed.current_index == 1 and resumed.candidate_name == "王小明"
        saved = resumed.answer("cs-beh-01")
        assert (saved.answer, saved.overall_rating, saved.notes) == (answer, 4, "ok")
        assert resumed.answer("cs-sit-01").answer == ""
        practice.clear_draft(restarted, cand, "practice:cs-beh-01")
        assert practice.load_draft(restarted, cand, "practice:cs-beh-01") is None
    finally:
        restarted.dispose()
