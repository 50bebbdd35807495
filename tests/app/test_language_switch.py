"""Switching the language (the sidebar's 中文 / English) keeps the user's place: the open tab
stays open under its new label, every choice made in an option widget (multiselect,
selectbox, radio, segmented control) is kept and shown under the labels of the new language,
and an opened expander stays open (it keeps its id under the new label).

The whole app runs (app.py), so the switch is the sidebar's own widget. The browser holds an
option widget's choice as the labels it drew; it shows labels of the new language only when
the server sends the choice again with them (`set_value` with the raw values), which is what
these tests check besides the value the page reads.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import pytest
from streamlit.proto.Block_pb2 import Block as BlockProto
from streamlit.testing.v1 import AppTest

from question_bank.loader import load_path
from services import accounts, sessions
from services import bank as bank_service
from services.cohort_seed import seed_cohort
from tests.app.conftest import PASSWORD, PROJECT

BANK = load_path()
CATEGORIES_EN = ["Behavioral", "Situational", "Technical", "Stress"]
CATEGORIES_ZH = ["行为面试", "情景面试", "专业知识", "压力面试"]


def open_app(app_db, username: str | None, page: str) -> AppTest:
    """The whole app in Chinese, signed in as `username`, on app_pages/<page>.py."""
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.session_state["language"] = "zh"
    if username:
        at.session_state["auth_token"] = accounts.sign_in(app_db, username, PASSWORD)[1]
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    return checked(at)


def checked(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def switch_language(at: AppTest, language: str) -> AppTest:
    """Click 中文 / English in the sidebar."""
    at.segmented_control(key="common_language_switch").set_value(language).run()
    return checked(at)


def widget(at: AppTest, key: str):
    """The option widget with this key (whatever its kind)."""
    kinds = (at.multiselect, at.selectbox, at.radio, at.segmented_control)
    found = [w for kind in kinds for w in kind if w.key == key]
    assert len(found) == 1, f"{key}: {len(found)} widgets"
    return found[0]


def chosen_labels(w) -> list[str]:
    """The labels of the widget's choice in its current options (what it should show)."""
    if w.type in ("multiselect", "button_group"):
        return [w.options[i] for i in w.indices]
    return [] if w.index is None else [w.options[w.index]]


def sent_to_browser(w) -> list[str] | None:
    """The labels the server told the browser to show as chosen this run (None: nothing
    sent, the browser keeps showing what it showed before)."""
    if not w.proto.set_value:
        return None
    if w.type in ("multiselect", "button_group"):
        return list(w.proto.raw_values)
    return [w.proto.raw_value] if w.proto.HasField("raw_value") else []


def tab_containers(node) -> Iterator:
    for child in getattr(node, "children", {}).values():
        proto = getattr(child, "proto", None)
        if isinstance(proto, BlockProto) and proto.WhichOneof("type") == "tab_container":
            yield child
        yield from tab_containers(child)


def open_tabs(at: AppTest) -> list[str]:
    """The label of the open tab of each st.tabs on the page, in page order."""
    opened = []
    for container in tab_containers(at.main):
        labels = [tab.label for tab in container.children.values()]
        opened.append(labels[container.proto.tab_container.default_tab_index])
    return opened


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open a tab as the browser does: it sends the tab's label as the tabs' value."""
    at.session_state[key] = label
    return checked(at.run())


# --- the bank workbench -----------------------------------------------------------------------


def test_the_workbench_keeps_its_tab_and_its_filters_in_the_other_language(app_db):
    at = open_app(app_db, "train", "workbench")
    assert [t.label for t in at.tabs] == ["题目", "历史版本", "导入与导出"]
    assert open_tabs(at) == ["题目"]
    at.selectbox(key="workbench_choice").select("cs-beh-01").run()
    at.multiselect(key="workbench_categories").unselect("stress").run()
    not_stress = sum(q.category != "stress" for q in BANK.questions)
    assert f"共 {not_stress} 题（点选一行即可编辑）" in [c.value for c in at.caption]
    at = open_tab(at, "workbench_tabs", "历史版本")
    assert open_tabs(at) == ["历史版本"]

    at = switch_language(at, "en")
    assert [t.label for t in at.tabs] == ["Questions", "History", "Import & export"]
    assert open_tabs(at) == ["History"]  # still on History, now in English
    categories = at.multiselect(key="workbench_categories")
    assert categories.options == CATEGORIES_EN
    assert categories.value == ["behavioral", "situational", "technical"]  # Stress still off
    assert sent_to_browser(categories) == ["Behavioral", "Situational", "Technical"]
    assert f"{not_stress} questions (pick a row to edit)" in [c.value for c in at.caption]
    choice = at.selectbox(key="workbench_choice")
    title = BANK.question("cs-beh-01").title.en
    assert choice.value == "cs-beh-01" and sent_to_browser(choice) == [f"cs-beh-01 · {title}"]
    category = at.selectbox(key="workbench_field_category")
    assert category.value == "behavioral" and sent_to_browser(category) == ["Behavioral"]

    at.run()  # an ordinary rerun sends nothing again: the browser shows the English now
    assert sent_to_browser(at.multiselect(key="workbench_categories")) is None
    assert open_tabs(at) == ["History"]

    at = switch_language(at, "zh")
    assert open_tabs(at) == ["历史版本"]
    categories = at.multiselect(key="workbench_categories")
    assert categories.value == ["behavioral", "situational", "technical"]
    assert sent_to_browser(categories) == CATEGORIES_ZH[:3]


def test_the_workbench_tab_is_kept_after_a_visit_to_another_page(app_db):
    at = open_app(app_db, "train", "workbench")
    at = open_tab(at, "workbench_tabs", "导入与导出")
    at.switch_page("app_pages/practice.py").run()
    at = switch_language(at, "en")
    at.switch_page("app_pages/workbench.py").run()
    assert open_tabs(checked(at)) == ["Import & export"]


# --- every other page -------------------------------------------------------------------------

# (page, user, widget key, the choice made in Chinese (None: left as it is), its labels in
# English). The role in the new-account form is only read when the form is sent, so it is
# left as it is; it is shown under the new labels all the same.
CHOICES = [
    ("practice", None, "practice_categories", ["behavioral", "technical"], ["Behavioral", "Technical"]),
    ("practice", None, "practice_difficulties", ["hard"], ["Hard"]),
    ("practice", None, "practice_mode", "exam", ["Full mock exam (the seed's shape)"]),
    ("bank_browser", None, "bank_browser_categories", ["stress"], ["Stress"]),
    ("mock_session", "inter", "mock_new_template", "pick", ["Hand-picked questions"]),
    ("cohort", "train", "cohort_period", "30", ["Last 30 days"]),
    ("cohort", "train", "cohort_order", "low", ["Lowest mean first"]),
    ("users", "admin", "users_new_role", None, ["Candidate"]),
    ("rubric_lab", "train", "lab_question", "cs-sit-01",
     [f"cs-sit-01 · {BANK.question('cs-sit-01').title.en}"]),
]  # fmt: skip


@pytest.fixture
def cohort_data(app_db):
    """A small seeded cohort, so that the cohort page draws all of itself."""
    inter = accounts.sign_in(app_db, "inter", PASSWORD)[0]
    seed_cohort(app_db, BANK.questions[:6], candidates=4, interviewer_ids=[inter.user_id])
    return app_db


@pytest.mark.parametrize(("page", "username", "key", "choice", "labels_en"), CHOICES)
def test_a_choice_is_kept_and_shown_in_the_new_language(
    cohort_data, page, username, key, choice, labels_en
):
    at = open_app(cohort_data, username, page)
    if choice is None:
        choice = widget(at, key).value
    else:
        checked(widget(at, key).set_value(choice).run())
        assert widget(at, key).value == choice

    at = switch_language(at, "en")
    chosen = widget(at, key)
    assert chosen.value == choice  # kept
    assert chosen_labels(chosen) == labels_en  # the page's labels are English
    assert sent_to_browser(chosen) == labels_en  # and so are those the browser shows


def test_an_empty_filter_says_choose_in_the_pages_language(app_db):
    at = open_app(app_db, None, "bank_browser")
    assert widget(at, "bank_browser_categories").placeholder == "请选择"
    at = switch_language(at, "en")
    assert widget(at, "bank_browser_categories").placeholder == "Choose options"


# (page, user, tabs key, the tab opened in Chinese, its label in English)
TABS = [
    ("rubric_lab", "train", "lab_tabs", "用评分示例校准", "Calibrate on graded answers"),
    ("mock_session", "inter", "mock_tabs", "新建", "New"),
    ("cohort", "train", "cohort_tabs", "最常遗漏的要点", "Most missed points"),
]


@pytest.mark.parametrize(("page", "username", "key", "tab_zh", "tab_en"), TABS)
def test_the_open_tab_stays_open_in_the_new_language(
    cohort_data, page, username, key, tab_zh, tab_en
):
    at = open_tab(open_app(cohort_data, username, page), key, tab_zh)
    assert tab_zh in open_tabs(at)
    at = switch_language(at, "en")
    assert tab_en in open_tabs(at)


# --- expanders --------------------------------------------------------------------------------
# The browser keeps an expander open or folded under its block id, which Streamlit derives
# from the expander's key (checked in Chromium: tests/e2e/bank_browser.mjs). Without a key
# there is no id, and a new label (a language switch) folds it again. So every expander
# needs an id, and the same id in both languages.

VOICE_PANEL = "🎤"  # voice_input's panel: left without a key (see test_every_expander_...)


def expanders(node) -> Iterator:
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", None) == "expander":
            yield child
        yield from expanders(child)


def expander_ids(at: AppTest) -> list[tuple[str, str]]:
    """(block id, label) of each expander on the page, in page order; not the voice panel."""
    shown = [(e._block_id, e.label) for e in expanders(at.main)]
    return [(block, label) for block, label in shown if not label.startswith(VOICE_PANEL)]


CJK = re.compile(r"[\u3400-\u9fff]")


def assert_expanders_kept(at: AppTest, expected: int) -> None:
    """Switch to English: the same expanders with the same ids, now labelled in English."""
    before = expander_ids(at)
    assert len(before) >= expected, before
    assert all(block for block, _ in before), [label for block, label in before if not block]
    assert any(CJK.search(label) for _, label in before)
    after = expander_ids(switch_language(at, "en"))
    assert [block for block, _ in after] == [block for block, _ in before]
    assert not [label for _, label in after if CJK.search(label)]


@pytest.fixture
def lexical(monkeypatch):
    """Score with word overlap only: no embedding model to load."""
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")


@pytest.fixture
def rated_session(app_db, lexical) -> int:
    """A mock session whose first answer is scored, rated (so the machine's view is shown)
    and followed up."""
    from scoring.engine import Scorer

    inter = accounts.sign_in(app_db, "inter", PASSWORD)[0]
    question = BANK.question("cs-beh-01")
    assert question.follow_ups
    view = sessions.create_session(app_db, inter, "王小明", [question.id, "cs-beh-02"])
    answer = "我先分别和两位同事单独谈话，了解各自的想法。"
    report = Scorer.from_settings(BANK.questions).score(question, answer)
    ratings = {p.point_id: 1 for p in report.points}
    sessions.save_answer(
        app_db, inter, view.id, question.id, answer=answer, report=report,
        point_ratings=ratings, overall_rating=2,
    )  # fmt: skip
    sessions.save_follow_up(  # the follow-up panel is drawn, whatever the scoring missed
        app_db, inter, view.id, question.id, "p1", "你当时先做了什么？", "先分别谈话。",
        {"p1": "covered"},
    )  # fmt: skip
    return view.id


def test_the_bank_browsers_questions_stay_open_in_the_new_language(app_db):
    at = open_app(app_db, None, "bank_browser")
    assert_expanders_kept(at, len(BANK.questions))


def test_the_workbenchs_panels_stay_open_in_the_new_language(app_db):
    bank_service.seed_if_empty(app_db, BANK)
    trainer = accounts.sign_in(app_db, "train", PASSWORD)[0]
    bank_service.delete_question(app_db, trainer, "cs-str-01", 1)
    at = open_app(app_db, "train", "workbench")
    at.selectbox(key="workbench_choice").select("cs-beh-01").run()
    at = open_tab(at, "workbench_tabs", "历史版本")
    labels = [label for _, label in expander_ids(at)]
    assert "已删除的题目（1）" in labels and "第 1 版全文（YAML）" in labels
    assert_expanders_kept(at, 2)


def test_the_rubric_labs_panels_stay_open_in_the_new_language(app_db, lexical):
    at = open_app(app_db, "train", "rubric_lab")
    at.text_area(key="lab_answers").input("我会先安抚客户。\n---\n然后给客户退款代金券。").run()
    checked(at.button(key="lab_score").click().run())
    assert_expanders_kept(at, 4)  # two per answer: evidence, the answer marked


def test_the_mock_sessions_panels_stay_open_in_the_new_language(app_db, rated_session):
    at = open_app(app_db, "inter", "mock_session")
    at.session_state["mock_open_session"] = rated_session
    at = checked(at.run())
    labels = [label for _, label in expander_ids(at)]
    assert labels == ["追问", "追问未覆盖的要点", "系统的完整反馈"]
    assert_expanders_kept(at, 3)


def test_the_session_reports_answers_stay_open_in_the_new_language(app_db, rated_session):
    at = open_app(app_db, "inter", "session_report")
    assert [label for _, label in expander_ids(at)] == [
        f"cs-beh-01 · {BANK.question('cs-beh-01').title.zh}"
    ]
    assert_expanders_kept(at, 1)


def test_every_expander_goes_through_section_expander():
    """A bare st.expander would fold on a language switch. The voice panel is the one left:
    it opens when a recording exists and folds when it is deleted (`expanded=has_clip`),
    which a key would stop (the browser's state wins), and remounting it under a new key
    when that changes risks the recorder racing, as section_tabs did there."""
    bare = set()
    for path in sorted((PROJECT / "app_pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "expander"
            ):
                bare.add(path.name)
    assert bare == {"common.py", "voice_input.py"}
