"""Practice page: set-up, submit and feedback, refusals that keep the text, drafts, compare."""

from __future__ import annotations

import re
from collections import Counter

from streamlit.testing.v1 import AppTest

from question_bank.loader import load_path
from services import accounts, practice
from services.accounts import Actor
from services.sessions import SEED_EXAM_SHAPE
from tests.app.conftest import PROJECT

BANK = load_path()
FIRST = BANK.question("cs-beh-01")  # the first question of a default set
STRONG = {e.language: e.text for e in FIRST.examples if e.kind == "strong"}
STATUS_WORDS = ("✅", "🟡", "❌")
FOLLOW_UP_PARTIAL = (
    "当时两名老员工因为工单分配方式吵起来了。我先分别找他们单独谈话，听听各自的想法和难处，"
    "然后开了一个团队会，让大家回到活动目标上。"
)
FOLLOW_UP_CAUSE = "我查了工单记录和数据，发现分歧卡在工单分配环节，根子是两人对流程的认知不同。"


def start(at: AppTest) -> AppTest:
    at.button(key="practice_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def answer_box(at: AppTest, question_id: str = FIRST.id):
    return at.text_area(key=f"practice_answer_{question_id}")


def submit(at: AppTest, text: str | None = None, question_id: str = FIRST.id) -> AppTest:
    if text is not None:
        answer_box(at, question_id).input(text)
    at.button(key=f"practice_submit_{question_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def point_lines(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if any(w in m.value for w in STATUS_WORDS)]


def actor_of(db, at: AppTest) -> Actor:
    token = at.session_state["auth_token"]
    return accounts.actor_for_token(db, token)


def test_guest_submits_and_reads_the_feedback(open_page, app_db):
    at = start(open_page("practice.py"))
    assert at.subheader[0].value == FIRST.title.zh
    submit(at, STRONG["zh"])
    shown = metrics(at)
    assert float(shown["得分（百分制）"]) > 0
    assert re.search(rf"覆盖要点 \d / {len(FIRST.rubric)}", captions(at))
    assert len(point_lines(at)) >= len(FIRST.rubric)  # one status line per rubric point
    assert "评分器有多确定" in captions(at)  # the percentage explained
    guest = Actor.guest(at.session_state["guest_token"])
    recorded = practice.list_attempts(app_db, guest)
    assert [a.question_id for a in recorded] == [FIRST.id]
    assert recorded[0].answer == STRONG["zh"]
    assert answer_box(at).value == STRONG["zh"]  # the submitted text stays in the box
    page_text = " ".join(e.value for e in [*at.caption, *at.warning, *at.info, *at.markdown])
    assert "回答长度" in page_text and "回答偏长" not in page_text  # a model answer fits its time


def test_english_answer_length_is_given_in_words(open_page):
    at = start(open_page("practice.py"))
    submit(at, STRONG["en"])
    note = next(c.value for c in at.caption if "回答长度" in c.value)
    words = len(re.findall(r"[A-Za-z0-9]+", STRONG["en"]))
    assert f"回答长度 {words} 个英文词" in note


def test_candidate_submits_with_the_answer_timer(open_page, app_db):
    at = start(open_page("practice.py", "cand", language="en"))
    at.button(key=f"practice_answer_timer_{FIRST.id}").click().run()
    assert "Answering" in metrics(at)
    assert any("remaining" in m.value for m in at.markdown)
    submit(at, STRONG["en"])
    shown = metrics(at)
    assert float(shown["Score (0–100)"]) > 50
    assert "question points" in captions(at) and f"/ {FIRST.points}" in captions(at)
    assert any("Covered" in line for line in point_lines(at))
    recorded = practice.list_attempts(app_db, actor_of(app_db, at))
    assert len(recorded) == 1
    assert recorded[0].seconds_taken is not None
    assert recorded[0].language == "en"


def test_empty_answer_is_refused_and_nothing_recorded(open_page, app_db):
    at = start(open_page("practice.py", "cand", language="en"))
    submit(at, "   ")
    assert "empty" in at.warning[0].value
    assert not at.metric
    assert practice.list_attempts(app_db, actor_of(app_db, at)) == []


def test_overlong_answer_names_the_limit_and_keeps_the_text(open_page, app_db):
    at = start(open_page("practice.py", "cand", language="en"))
    text = "We rebuilt the escalation path. " * 800  # 25,600 characters
    assert len(text) > 25_000
    submit(at, text)
    assert "20,000" in at.error[0].value
    assert answer_box(at).value == text
    assert practice.list_attempts(app_db, actor_of(app_db, at)) == []
    assert practice.load_draft(app_db, actor_of(app_db, at), f"practice:{FIRST.id}") == text


def test_draft_comes_back_after_a_reload(open_page, app_db):
    at = start(open_page("practice.py", "cand"))
    at.button(key="practice_next").click().run()
    second = at.session_state["practice_queue"][1]
    answer_box(at, second).input("我先分别和两位同事单独谈话。").run()
    assert any("草稿已保存" in c.value for c in at.caption)

    again = open_page("practice.py", "cand")  # a new session: the set, position and text return
    assert again.session_state["practice_index"] == 1
    assert answer_box(again, second).value == "我先分别和两位同事单独谈话。"
    assert any("已恢复" in c.value for c in again.caption)

    other = open_page("practice.py", "cand2")  # another user does not get it
    assert not other.text_area


def test_a_guest_key_in_the_address_is_ignored(open_page):
    """Guest identities are issued by the server (a signed cookie); a link cannot choose one,
    so `?guest=<victim's key>` neither shows nor receives the victim's drafts."""
    at = start(open_page("practice.py"))
    answer_box(at).input("草稿内容").run()
    token = at.session_state["guest_token"]
    again = AppTest.from_file(str(PROJECT / "app_pages" / "practice.py"), default_timeout=60)
    again.query_params["guest"] = token
    again.query_params["auth"] = token
    again.run()
    assert not again.exception
    assert again.session_state["guest_token"] != token
    assert not again.text_area  # a new guest: the set-up form, not the victim's question
    assert "guest" not in again.query_params and "auth" not in again.query_params


def test_signing_in_on_a_shared_tab_clears_the_previous_person(open_page, app_db):
    """A guest types a draft; a candidate signs in on the same tab: nothing of the guest's is
    left in the session (answer box, set, feedback), and after the candidate signs out the
    next guest sees nothing of the candidate's."""
    at = start(open_page("practice.py"))
    answer_box(at).input("访客的私人草稿").run()
    assert at.session_state["practice_queue"]
    _, token = accounts.sign_in(app_db, "cand", "correct-horse-9")
    at.session_state["auth_token"] = token  # what the Account page's sign-in sets
    at.run()
    assert not at.exception
    assert "practice_queue" not in at.session_state or at.session_state["practice_queue"] == []
    assert all(box.value != "访客的私人草稿" for box in at.text_area)
    assert f"practice_answer_{FIRST.id}" not in at.session_state

    start(at)
    answer_box(at).input("候选人的私人草稿").run()
    accounts.sign_out(app_db, token)  # signed out (or the token revoked) meanwhile
    at.run()
    assert not at.exception
    assert all(box.value != "候选人的私人草稿" for box in at.text_area)
    assert f"practice_answer_{FIRST.id}" not in at.session_state


def test_english_interface_shows_english_question_text(open_page):
    at = start(open_page("practice.py", language="en"))
    texts = [m.value for m in at.markdown]
    assert FIRST.question.en in texts
    assert FIRST.question.zh not in texts
    assert at.subheader[0].value == FIRST.title.en


def test_seed_exam_has_fourteen_questions_in_the_seed_shape(open_page):
    at = open_page("practice.py", language="en")
    at.radio(key="practice_mode").set_value("exam").run()
    start(at)
    queue = at.session_state["practice_queue"]
    assert len(queue) == 14
    assert Counter(BANK.question(i).category for i in queue) == Counter(SEED_EXAM_SHAPE)
    assert at.get("progress")[0].proto.text == "Question 1 of 14"


def test_filtered_set_and_navigation(open_page):
    at = open_page("practice.py", language="en")
    at.multiselect(key="practice_categories").set_value(["technical"])
    at.number_input(key="practice_count").set_value(2).run()
    start(at)
    queue = at.session_state["practice_queue"]
    assert len(queue) == 2
    assert {BANK.question(i).category for i in queue} == {"technical"}
    assert at.subheader[0].value == BANK.question(queue[0]).title.en
    at.button(key="practice_next").click().run()
    assert at.subheader[0].value == BANK.question(queue[1]).title.en
    assert at.button(key="practice_next").disabled
    at.button(key="practice_previous").click().run()
    assert at.subheader[0].value == BANK.question(queue[0]).title.en


def test_compare_appears_after_two_attempts(open_page, app_db):
    at = start(open_page("practice.py", "cand", language="en"))
    submit(at, STRONG["en"])
    assert not at.selectbox  # one attempt: nothing to compare yet
    at.button(key=f"practice_retry_{FIRST.id}").click().run()
    assert answer_box(at).value == ""
    assert not at.metric  # the old feedback is gone with the retry
    submit(at, "I would tell them to calm down and get back to work.")
    assert len(practice.list_attempts(app_db, actor_of(app_db, at))) == 2
    first = at.selectbox(key=f"practice_compare_a_{FIRST.id}")
    second = at.selectbox(key=f"practice_compare_b_{FIRST.id}")
    assert first.value != second.value
    rows = next(m.value for m in at.markdown if m.value.startswith("- **"))
    assert rows.count("- **") == len(FIRST.rubric)  # stacked rows: nothing cut off on a phone
    assert "A: " in rows and "B: " in rows
    codes = [c.value for c in at.code]
    assert STRONG["en"] in codes
    assert "I would tell them to calm down and get back to work." in codes

    at.button(key=f"practice_retry_{FIRST.id}").click().run()
    submit(at, "First I listen to both of them in private.")
    ids = [a.id for a in practice.list_attempts(app_db, actor_of(app_db, at))]
    assert at.selectbox(key=f"practice_compare_a_{FIRST.id}").value == ids[-2]  # the latest two
    assert at.selectbox(key=f"practice_compare_b_{FIRST.id}").value == ids[-1]


def test_the_same_text_again_is_not_scored_twice(open_page, app_db):
    at = start(open_page("practice.py", "cand", language="en"))
    submit(at, STRONG["en"])
    submit(at, STRONG["en"] + "  ")  # the same words again
    assert len(practice.list_attempts(app_db, actor_of(app_db, at))) == 1
    assert "already scored" in " ".join(i.value for i in at.info)
    assert metrics(at)  # its feedback is shown


def test_tips_come_first_with_colours_and_a_legend(open_page):
    at = start(open_page("practice.py", language="en"))
    submit(at, "I would talk to both reps privately and hear each side first.")
    texts = [m.value for m in at.markdown]
    tips = next(i for i, t in enumerate(texts) if t.startswith("1. Try adding:"))
    question = texts.index(FIRST.question.en)
    assert tips < question  # the next steps sit above the question and the answer box
    assert any("Partly covered" in t and "#fff0b3" in t for t in texts)  # the legend
    assert any("#c0392b" in t for t in texts)  # a missing point's bar in red
    assert "None" not in " ".join(texts)


def test_a_follow_up_answer_lifts_a_missed_point(open_page, app_db):
    at = start(open_page("practice.py"))
    submit(at, FOLLOW_UP_PARTIAL)
    pick = next(r for r in at.radio if (r.key or "").startswith("practice_follow_up_pick"))
    assert any(o.startswith("在那次经历里，你有没有分析冲突的核心") for o in pick.options)
    pick.set_value("p2").run()
    box = next(t for t in at.text_area if t.key.startswith("practice_follow_up_answer_"))
    box.input(FOLLOW_UP_CAUSE).run()
    at.button(key=box.key.replace("answer", "submit")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "通过追问补充了" in at.success[0].value
    guest = Actor.guest(at.session_state["guest_token"])
    (recorded,) = practice.list_attempts(app_db, guest)
    assert "p2" in recorded.lifted and recorded.report.score > recorded.first_score
    assert recorded.follow_ups[0].answer == FOLLOW_UP_CAUSE
    assert any("通过追问补充" in line for line in point_lines(at))
    assert next(t for t in at.text_area if t.key == box.key).value == ""  # cleared for the next
