"""Follow-ups aimed at the missed points: which question is asked, and what an answer lifts."""

from __future__ import annotations

import pytest

from services import follow_ups, practice
from services.accounts import Actor
from services.errors import InputRejected, PermissionDenied

# Covers talking to each rep privately (p1) and nothing about follow-up (p5) or causes (p2).
PARTIAL = (
    "当时两名老员工因为工单分配方式吵起来了。我先分别找他们单独谈话，听听各自的想法和难处，"
    "然后开了一个团队会，让大家回到活动目标上。"
)
COVERS_CAUSE = "我查了工单记录和数据，发现分歧卡在工单分配环节，根子是两人对流程的认知不同。"
UNRELATED = "我周末喜欢去爬山，也喜欢看电影。"


@pytest.fixture(scope="module")
def scored(bank, scorer):
    question = bank.question("cs-beh-01")
    return question, scorer.score(question, PARTIAL)


def test_each_missed_point_gets_one_follow_up_in_the_answers_language(scored):
    question, report = scored
    missed = [p.point_id for p in report.points if p.status != "covered"]
    assert "p2" in missed and "p5" in missed
    asked = follow_ups.follow_ups_for(question, report)
    assert [f.point_id for f in asked] == missed
    cause = next(f for f in asked if f.point_id == "p2")
    assert cause.source == "written"
    assert cause.text.startswith("在那次经历里，你有没有分析冲突的核心")  # behavioural: the past
    assert "：" not in cause.text and cause.text.endswith("？")
    english = follow_ups.follow_ups_for(question, report, "en")
    assert next(f for f in english if f.point_id == "p2").text == (
        "In that situation, did you pin down the real cause of the conflict, whether workflow, "
        "resources or skill gaps? If so, walk me through what you did."
    )
    assert not any("“" in f.text for f in english)  # a Chinese clause is not quoted in English


def test_a_covered_answer_gets_no_follow_up(bank, scorer):
    question = bank.question("cs-beh-01")
    strong = next(e for e in question.examples if e.kind == "strong" and e.language == "zh")
    report = scorer.score(question, strong.text)
    open_ids = {p.point_id for p in report.points if p.status != "covered"}
    assert {f.point_id for f in follow_ups.follow_ups_for(question, report)} == open_ids


def test_written_follow_ups_read_as_questions_for_each_category(bank, lexical_scorer):
    for question in bank.questions:
        report = lexical_scorer.score(question, "")
        for language in ("zh", "en"):
            for asked in follow_ups.follow_ups_for(question, report, language):
                assert asked.text.endswith(("？", "。", "?", ".")), asked.text
                if language == "en":
                    assert "you stays" not in asked.text and "(Q" not in asked.text
                    assert " and talks " not in asked.text, asked.text
                else:
                    assert not {"?", ",", ":"} & set(asked.text), asked.text


def test_a_bank_follow_up_is_used_when_it_asks_about_the_point(bank, scorer):
    question = bank.question("cs-tec-06")
    matches = follow_ups.bank_matches(question, scorer)
    assert matches, "the bank's follow-up about confirming the fix matches its point"
    point_id, index = next(iter(matches.items()))
    report = scorer.score(question, "")
    asked = {f.point_id: f for f in follow_ups.follow_ups_for(question, report, "en", scorer)}
    assert asked[point_id].source == "bank"
    assert asked[point_id].text == question.follow_ups[index].en
    assert follow_ups.bank_matches(question, None) == {}  # lexical: every follow-up written


def test_an_answer_covering_the_point_lifts_it_and_raises_the_score(scored, scorer):
    question, report = scored
    result = follow_ups.score_follow_up(scorer, question, report, COVERS_CAUSE, ["p2", "p5"])
    lifts = {p.point_id: p for p in result.points}
    assert set(lifts) == {"p2", "p5"}
    assert "p2" in result.lifted and lifts["p2"].after > lifts["p2"].before
    assert lifts["p2"].evidence and "工单记录" in lifts["p2"].evidence
    merged = {p.point_id: p for p in result.merged.points}
    assert merged["p2"].status == lifts["p2"].status_after != "missing"
    assert merged["p2"].evidence_span is None  # the clause is not in the original answer
    assert merged["p1"] == next(p for p in report.points if p.point_id == "p1")
    assert result.merged.score > report.score
    assert result.merged.points_score == pytest.approx(
        result.merged.score / 100 * report.points_possible, abs=0.01
    )


@pytest.mark.parametrize("context", [None, PARTIAL])
def test_an_unrelated_answer_lifts_nothing(scored, scorer, context):
    question, report = scored
    result = follow_ups.score_follow_up(scorer, question, report, UNRELATED, context=context)
    assert result.lifted == ()
    assert result.merged.score == report.score
    assert [p.status for p in result.merged.points] == [p.status for p in report.points]


def test_read_after_the_answer_a_follow_up_counts_more(scored, scorer):
    """A two-sentence follow-up alone is a short answer; read as the end of the whole answer
    it covers following up on the results, with its own clause as the evidence."""
    question, report = scored
    more = (
        "之后我用每周的投诉率和处理时长来跟进改进效果，还建立了每月复盘和互相反馈的机制，"
        "投诉率下降了20%。"
    )
    alone = follow_ups.score_follow_up(scorer, question, report, more, ["p5"])
    read = follow_ups.score_follow_up(scorer, question, report, more, ["p5"], context=PARTIAL)
    assert read.points[0].after > alone.points[0].after
    assert read.points[0].status_after == "covered" and read.lifted == ("p5",)
    (lift,) = read.points
    assert lift.evidence and lift.evidence in more


def test_follow_up_answers_are_kept_with_the_attempt(database, scored, scorer):
    question, report = scored
    guest, other = Actor.guest("fu"), Actor.guest("someone-else")
    attempt = practice.record_attempt(database, guest, question, PARTIAL, report)
    asked = next(
        f for f in follow_ups.follow_ups_for(question, attempt.report) if f.point_id == "p2"
    )
    result = follow_ups.score_follow_up(scorer, question, attempt.report, COVERS_CAUSE)
    with pytest.raises(InputRejected):
        practice.record_follow_up(database, guest, attempt.id, asked, "  ", result, attempt.report)
    with pytest.raises(PermissionDenied):
        practice.record_follow_up(
            database, other, attempt.id, asked, COVERS_CAUSE, result, attempt.report
        )
    updated = practice.record_follow_up(
        database, guest, attempt.id, asked, COVERS_CAUSE, result, attempt.report
    )
    assert "p2" in updated.lifted
    assert updated.report.score == result.merged.score > report.score
    assert updated.first_score == report.score
    with pytest.raises(InputRejected):  # scored against the old report: refused
        practice.record_follow_up(
            database, guest, attempt.id, asked, COVERS_CAUSE, result, attempt.report
        )
    reread = practice.get_attempt(database, guest, attempt.id)
    assert reread == updated
    (kept,) = reread.follow_ups
    assert (kept.prompt, kept.answer, kept.point_id) == (asked.text, COVERS_CAUSE, "p2")
    assert practice.list_attempts(database, guest)[0].follow_ups == (kept,)


def test_point_phrases_read_inside_a_sentence(bank):
    point = bank.question("cs-beh-01").point("p4")
    assert follow_ups.point_phrase(point.text.zh, "zh") == (
        "落实具体解决方案，即调整分工、针对性培训或改流程"
    )
    assert follow_ups.point_phrase(point.text.en, "en") == (
        "put a concrete fix in place, such as redivided work, targeted training or a "
        "redesigned workflow"
    )
    assert follow_ups.point_phrase("Whoever receives it reports it at once", "en") is None
