"""My progress page: empty state, summary, chart, table, feedback; only one's own attempts."""

from __future__ import annotations

import json

import pytest

from question_bank.loader import load_path
from scoring.engine import Scorer
from services import accounts, practice
from tests.app.conftest import PASSWORD

BANK = load_path()
ANSWERS = [  # (question, answer); two categories, one question answered twice
    ("cs-beh-01", "我先分别找两位同事单独谈话，了解分歧的原因，再开团队会统一目标。"),
    ("cs-beh-01", "我先单独谈话，再查数据找根因，调整分工并安排培训，之后每周复盘。"),
    ("cs-tec-01", "I would track first contact resolution and customer satisfaction weekly."),
]


@pytest.fixture
def cand_attempts(app_db):
    cand, _ = accounts.sign_in(app_db, "cand", PASSWORD)
    scorer = Scorer(None, context=BANK.questions)  # lexical: fast, the page does not rescore
    for question_id, text in ANSWERS:
        question = BANK.question(question_id)
        seconds = 90 if question_id == "cs-beh-01" else None  # the last: no timer was used
        practice.record_attempt(app_db, cand, question, text, scorer.score(question, text), seconds)
    return practice.list_attempts(app_db, cand)


def test_empty_state_explains_how_to_start(open_page):
    at = open_page("history.py", "cand", language="en")
    assert "No attempts yet" in at.info[0].value
    assert "Practice" in at.info[0].value
    assert not at.dataframe


def test_candidate_sees_summary_chart_table_and_feedback(open_page, cand_attempts):
    at = open_page("history.py", "cand", language="en")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Attempts"] == "3"
    assert shown["Questions practised"] == "2"
    summary = at.dataframe[0].value
    assert dict(zip(summary["Category"], summary["Attempts"], strict=True)) == {
        "Behavioral": 2,
        "Technical": 1,
    }
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 100]  # the whole 0-100 scale
    assert spec["mark"]["point"]  # a category with one attempt shows as a point
    table = at.dataframe[1].value
    assert len(table) == 3
    assert table["#"].tolist() == [3, 2, 1]  # newest first
    assert table["Time taken"].tolist() == ["—", "01:30", "01:30"]  # not recorded: "—"
    assert "None" not in table.to_string()
    means = dict(zip(summary["Category"], summary["Mean"], strict=True))
    behavioral = [a for a in cand_attempts if a.category == "behavioral"]
    assert means["Behavioral"] == practice.mean_score(behavioral)  # one rounding everywhere
    assert shown["Mean score"] == str(practice.mean_score(cand_attempts))

    opened = cand_attempts[1]
    at.selectbox(key="history_open").set_value(opened.id).run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Score (0–100)"] == str(practice.round_score(opened.report.score))
    assert any(opened.answer in m.value for m in at.markdown)


def test_chart_switches_to_the_running_mean(open_page, cand_attempts):
    at = open_page("history.py", "cand", language="en")
    at.segmented_control(key="history_measure").set_value("running_mean").run()
    assert not at.exception
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"field": "Running mean"' in spec
    assert '"field": "Each score"' not in spec


def test_another_candidate_does_not_see_them(open_page, cand_attempts):
    at = open_page("history.py", "cand2", language="en")
    assert "No attempts yet" in at.info[0].value
    assert not at.dataframe
    assert not any(a.answer in m.value for a in cand_attempts for m in at.markdown)


def test_chinese_interface(open_page, cand_attempts):
    at = open_page("history.py", "cand", language="zh")
    assert at.title[0].value == "我的进步"
    assert "行为面试" in at.dataframe[0].value["题型"].tolist()


def test_an_attempt_with_a_follow_up_shows_what_it_lifted(open_page, app_db, cand_attempts):
    from services import follow_ups

    cand, _ = accounts.sign_in(app_db, "cand", PASSWORD)
    opened = cand_attempts[0]
    question = BANK.question(opened.question_id)
    scorer = Scorer(None, context=BANK.questions)
    asked = follow_ups.follow_ups_for(question, opened.report)[0]
    point = question.point(asked.point_id)
    strong = f"{point.text.zh}。{point.strong.zh}。"  # the point in full words: lexically clear
    result = follow_ups.score_follow_up(scorer, question, opened.report, strong)
    assert asked.point_id in result.lifted
    practice.record_follow_up(app_db, cand, opened.id, asked, strong, result, opened.report)
    at = open_page("history.py", "cand", language="en")
    assert at.dataframe[1].value["Follow-ups"].tolist() == ["—", "—", "1"]
    at.selectbox(key="history_open").set_value(opened.id).run()
    assert not at.exception
    words = "\n".join(m.value for m in at.markdown)
    assert asked.text in words and "covered in the follow-up" in words
