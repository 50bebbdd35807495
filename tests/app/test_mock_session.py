"""Mock sessions and their reports: run a session to its report, resume it, who may see it."""

from __future__ import annotations

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from services import accounts, sessions
from tests.app.conftest import PASSWORD

ANSWER = (
    "我先分别和两位同事单独谈话，了解各自的想法和矛盾的原因。然后组织三方会谈，"
    "明确分工和共同目标，并约定沟通规则。之后每周跟进，两个月后团队投诉量下降了30%。"
)
NOTES = "表达清楚，但没有提到<b>复盘</b>。"
TITLE = "主管岗 <script>alert(1)</script>"


@pytest.fixture(autouse=True)
def lexical_scoring(monkeypatch):
    """Score with word overlap only: no embedding model to load in page tests."""
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The files the page offers for download, by file name."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def actor(db, username: str):
    return accounts.sign_in(db, username, PASSWORD)[0]


def texts(at) -> str:
    """Everything the page shows as text, in one string."""
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error")
             for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


def start_seed_exam(open_page, language: str = "zh"):
    at = open_page("mock_session.py", "inter", language)
    at.text_input(key="mock_new_candidate").input("王小明")
    at.text_input(key="mock_new_title").input(TITLE)
    at.button(key="mock_new_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def answer_and_rate(at, session_id: int, question_id: str, ratings: dict[str, int], overall: int):
    base = f"mock_{session_id}_{question_id}"
    at.text_area(key=f"{base}_answer").input(ANSWER).run()
    at.button(key=f"mock_score_{session_id}_{question_id}").click().run()
    for point_id, rating in ratings.items():
        at.radio(key=f"{base}_point_{point_id}").set_value(rating).run()
    at.radio(key=f"{base}_overall").set_value(overall).run()
    at.text_area(key=f"{base}_notes").input(NOTES).run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_full_mock_session_to_its_report(open_page, app_db, downloads):
    at = start_seed_exam(open_page)
    inter = actor(app_db, "inter")
    (view,) = sessions.list_sessions(app_db, inter)
    assert view.candidate_name == "王小明" and len(view.question_ids) == 14
    assert at.session_state["mock_open_session"] == view.id
    first, second = view.question_ids[:2]

    base = f"mock_{view.id}_{first}"
    at.text_area(key=f"{base}_answer").input(ANSWER).run()
    assert sessions.get_session(app_db, inter, view.id).answer(first).answer == ANSWER
    at.button(key=f"mock_score_{view.id}_{first}").click().run()
    assert sessions.get_session(app_db, inter, view.id).answer(first).report is not None
    # scored, but hidden until the interviewer has rated the whole answer
    assert "隐藏" in texts(at)
    assert not [m for m in at.metric if "系统得分" in m.label]
    at.radio(key=f"{base}_point_p1").set_value(2).run()
    assert "隐藏" in texts(at)  # rating a point is not rating the answer
    at.radio(key=f"{base}_overall").set_value(4).run()
    assert "隐藏" not in texts(at)
    assert [m for m in at.metric if "系统得分" in m.label]
    at.text_area(key=f"{base}_notes").input(NOTES).run()

    at.button(key=f"mock_next_{view.id}").click().run()
    assert sessions.get_session(app_db, inter, view.id).current_index == 1
    answer_and_rate(at, view.id, second, {"p1": 1, "p2": 0, "p3": 2, "p4": 1, "p5": 0}, 2)

    saved = sessions.get_session(app_db, inter, view.id)
    assert saved.answered == 2
    assert saved.answer(first).point_ratings == {"p1": 2}
    assert saved.answer(first).overall_rating == 4
    assert saved.answer(second).notes == NOTES

    at.button(key="mock_finish").click().run()
    assert not at.exception
    assert sessions.get_session(app_db, inter, view.id).status == "finished"
    assert at.session_state["report_session_id"] == view.id

    report = open_page("session_report.py", "inter")  # defaults to the session just finished
    shown = texts(report)
    assert "王小明" in shown
    assert "<script>" not in shown.replace("\\<script\\>", "")  # user text never as markup
    headings = [h.value for h in report.subheader]
    assert headings.index("总体结果") < headings.index("做得好的地方")
    assert headings.index("建议的下一步") < headings.index("各题型得分")
    assert headings[-2:] == ["面试官与系统评分对比", "下载"]  # agreement last, for the record
    assert "2026-" not in shown or "T" not in shown.split("2026-")[1][:12]  # no ISO stamps
    tables = [t.value for t in report.table]  # static tables: long texts wrap, none cut off
    categories = next(t for t in tables if "题数" in t.columns)
    assert list(categories["题型"]) == ["行为面试"]
    assert categories["系统评分"][0] != "–" and categories["面试官评分"][0] != "–"
    by_question = next(t for t in tables if "整体评级" in t.columns)
    assert [i.replace("\\", "") for i in by_question["题号"]] == [first, second]
    assert len(report.get("vega_lite_chart")) == 1  # categories: interviewer and machine
    assert [b.label for b in report.download_button] == ["PDF", "可打印的 HTML", "CSV", "JSON"]

    page = downloads[f"mock-session-{view.id}.html"].decode("utf-8")
    assert "王小明" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "&lt;b&gt;复盘&lt;/b&gt;" in page
    table = downloads[f"mock-session-{view.id}.csv"]
    assert table.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese
    assert first in table.decode("utf-8-sig") and ANSWER in table.decode("utf-8-sig")
    assert '"candidate": "王小明"' in downloads[f"mock-session-{view.id}.json"].decode()

    assert NOTES in [t.value for t in report.text]  # private notes: optional, on by default
    report.toggle(key="report_private_notes").set_value(False).run()
    assert NOTES not in [t.value for t in report.text]
    assert NOTES not in downloads[f"mock-session-{view.id}.json"].decode()


def test_a_resumed_session_shows_what_was_saved(open_page, app_db):
    at = start_seed_exam(open_page)
    inter = actor(app_db, "inter")
    (view,) = sessions.list_sessions(app_db, inter)
    first = view.question_ids[0]
    answer_and_rate(at, view.id, first, {"p1": 2}, 3)
    at.button(key=f"mock_next_{view.id}").click().run()

    again = open_page("mock_session.py", "inter")  # a new browser: nothing in session state
    assert "王小明" in texts(again)
    assert "已答 1/14" in again.get("progress")[0].proto.text
    again.button(key=f"mock_resume_{view.id}").click().run()
    assert again.selectbox(key=f"mock_jump_{view.id}_1").value == 1  # where it was left
    again.button(key=f"mock_prev_{view.id}").click().run()
    base = f"mock_{view.id}_{first}"
    assert again.text_area(key=f"{base}_answer").value == ANSWER
    assert again.text_area(key=f"{base}_notes").value == NOTES
    assert again.radio(key=f"{base}_point_p1").value == 2
    assert again.radio(key=f"{base}_overall").value == 3
    assert again.radio(key=f"{base}_point_p2").value is None
    assert "隐藏" not in texts(again)  # rated: the machine's view is shown


def test_another_interviewer_cannot_open_the_session(open_page, app_db):
    start_seed_exam(open_page)
    (view,) = sessions.list_sessions(app_db, actor(app_db, "inter"))

    at = open_page("mock_session.py", "inter2", "en")
    assert "王小明" not in texts(at)  # not in their list
    at.query_params["session"] = str(view.id)
    at.run()
    assert "another interviewer" in at.error[0].value
    assert "mock_open_session" not in at.session_state

    report = open_page("session_report.py", "inter2", "en")
    report.query_params["session"] = str(view.id)
    report.run()
    assert "another interviewer" in report.error[0].value
    assert not report.download_button


def test_a_candidate_gets_the_role_message(open_page):
    at = open_page("mock_session.py", "cand", "en")
    assert "needs the role interviewer / trainer" in at.error[0].value
    assert not at.text_input
    at = open_page("session_report.py", "cand")
    assert "此操作需要面试官或培训师的角色" in at.error[0].value


def test_english_ui_and_showing_the_machine_early(open_page, app_db):
    at = open_page("mock_session.py", "inter", "en")
    assert at.title[0].value == "Mock sessions"
    assert [t.label for t in at.tabs] == ["My sessions", "New"]
    at.text_input(key="mock_new_candidate").input("Alex Chen")
    at.radio(key="mock_new_template").set_value("pick").run()
    at.multiselect(key="mock_new_categories").set_value(["technical"]).run()
    options = at.multiselect(key="mock_new_questions").options
    assert options and all("cs-tec" in o for o in options)
    at.multiselect(key="mock_new_questions").set_value(["cs-tec-02", "cs-tec-01"]).run()
    at.toggle(key="mock_new_show_early").set_value(True).run()
    at.button(key="mock_new_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (view,) = sessions.list_sessions(app_db, actor(app_db, "inter"))
    assert view.question_ids == ["cs-tec-02", "cs-tec-01"] and view.language == "en"
    assert "Candidate: Alex Chen" in texts(at)

    base = f"mock_{view.id}_cs-tec-02"
    at.text_area(key=f"{base}_answer").input("We grade complaints by severity.").run()
    at.button(key=f"mock_score_{view.id}_cs-tec-02").click().run()
    assert [m for m in at.metric if m.label == "Machine score (0–100)"]  # shown early, unrated
    at.toggle(key=f"mock_show_early_{view.id}_True").set_value(False).run()
    assert not sessions.get_session(app_db, actor(app_db, "inter"), view.id).show_machine_early
    assert "hidden until you have rated" in texts(at)
    assert at.radio(key=f"{base}_overall").options[0] == "1 · Unsatisfactory"

    at.radio(key=f"{base}_overall").set_value(2).run()
    at.session_state["language"] = "zh"  # switching the language keeps the ratings
    at.run()
    assert at.radio(key=f"{base}_overall").value == 2
    assert at.radio(key=f"{base}_overall").options[0] == "1 · 不合格"
    assert (
        at.selectbox(key=f"mock_jump_{view.id}_0")
        .options[0]
        .endswith("复杂技术投诉的标准化服务流程")
    )


def test_a_session_for_a_candidate_account_scores_once_rated_and_shares_notes(open_page, app_db):
    at = open_page("mock_session.py", "inter")
    cand = actor(app_db, "cand")
    options = at.selectbox(key="mock_new_account").options
    assert any("（cand）" in o for o in options) and not any("inter" in o for o in options)
    at.selectbox(key="mock_new_account").set_value(cand.user_id).run()
    assert not [t for t in at.text_input if t.key == "mock_new_candidate"]  # name from account
    at.button(key="mock_new_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (view,) = sessions.list_sessions(app_db, actor(app_db, "inter"))
    assert view.candidate_user_id == cand.user_id and view.candidate_name == "Cand"

    first = view.question_ids[0]
    base = f"mock_{view.id}_{first}"
    at.text_area(key=f"{base}_answer").input(ANSWER).run()
    assert (
        sessions.get_session(app_db, cand and actor(app_db, "inter"), view.id).answer(first).report
        is None
    )  # nothing scored before the interviewer has rated
    at.radio(key=f"{base}_overall").set_value(4).run()  # no "Score answer" click
    assert [m for m in at.metric if "系统得分" in m.label]
    assert sessions.get_session(app_db, actor(app_db, "inter"), view.id).answer(first).report
    evidence = at.table[0].value  # a static table: long clauses wrap, nothing cut off
    assert "依据" in evidence.columns

    at.text_area(key=f"{base}_notes").input(NOTES).run()
    at.checkbox(key=f"{base}_notes_shared").check().run()
    saved = sessions.get_session(app_db, actor(app_db, "inter"), view.id).answer(first)
    assert saved.notes == NOTES and saved.notes_shared
