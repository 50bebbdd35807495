from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from scoring.report import PointResult, ScoreReport
from services.report_render import LABELS, to_csv, to_html, to_json
from services.session_report import (
    OVERALL_SCALE,
    POINT_SCALE,
    RECOMMENDATIONS,
    RatedAnswer,
    SessionReport,
    agreement,
    build_report,
    interviewer_score,
    neutralize_cell,
    report_from_dict,
)

HOSTILE = "<script>alert(1)</script>"
CREATED = "2025-03-01T09:30:00"
_PROBABILITY = {"covered": 0.9, "partial": 0.5, "missing": 0.1}


def machine_report(question, statuses: dict[str, str], score: float) -> ScoreReport:
    """A hand-made machine report: `statuses` per point (covered when not named)."""
    points = tuple(
        PointResult(
            point_id=p.id,
            text=p.text.en,
            weight=p.weight,
            probability=_PROBABILITY[statuses.get(p.id, "covered")],
            status=statuses.get(p.id, "covered"),  # type: ignore[arg-type]
            evidence=None,
            evidence_span=None,
            advice=None if statuses.get(p.id, "covered") == "covered" else "machine advice",
        )
        for p in question.rubric
    )
    return ScoreReport(
        question_id=question.id,
        category=question.category,
        language="en",
        points_possible=float(question.points),
        points_score=round(score / 100 * question.points, 2),
        score=score,
        points=points,
    )


@pytest.fixture(scope="module")
def questions(bank):
    return {i: bank.question(i) for i in ("cs-beh-01", "cs-beh-02", "cs-sit-01")}


@pytest.fixture(scope="module")
def rated(questions):
    beh1, beh2, sit1 = questions["cs-beh-01"], questions["cs-beh-02"], questions["cs-sit-01"]
    return [
        # every point rated: p5 covered by the interviewer although the machine says missing
        RatedAnswer(
            beh1,
            "I met both reps privately.",
            machine_report(beh1, {"p3": "partial", "p4": "missing", "p5": "missing"}, 60.0),
            {"p1": 2, "p2": 2, "p3": 1, "p4": 0, "p5": 2},
            overall_rating=5,  # ignored: the point ratings are complete
            notes=HOSTILE,
        ),
        # overall rating only
        RatedAnswer(
            beh2,
            "=cmd|' /C calc'!A0",
            machine_report(beh2, {"p2": "partial"}, 80.0),
            overall_rating=5,
            notes="+1",
        ),
        RatedAnswer(
            sit1,
            "-2+3",
            machine_report(sit1, {"p1": "missing", "p2": "missing"}, 50.0),
            {"p1": 0},
            overall_rating=1,
            notes="@SUM(1)",
        ),
    ]


@pytest.fixture(scope="module")
def report(rated) -> SessionReport:
    return build_report(HOSTILE, "Interviewer <i>", "Mock & review", rated, "en", CREATED)


# --------------------------------------------------------------------------- scores


def test_interviewer_score_from_complete_point_ratings_uses_rubric_weights(rated):
    # cs-beh-01 weights 1, 1, 1, 1.5, 1; ratings 2, 2, 1, 0, 2 -> 3.5 / 5.5
    assert interviewer_score(rated[0]) == pytest.approx(100 * 3.5 / 5.5)


def test_interviewer_score_weights_a_heavy_point_more(questions):
    q = questions["cs-beh-01"]  # p4 weighs 1.5 of 5.5
    only_p4 = RatedAnswer(q, "", point_ratings={"p1": 0, "p2": 0, "p3": 0, "p4": 2, "p5": 0})
    only_p1 = RatedAnswer(q, "", point_ratings={"p1": 2, "p2": 0, "p3": 0, "p4": 0, "p5": 0})
    assert interviewer_score(only_p4) == pytest.approx(100 * 1.5 / 5.5)
    assert interviewer_score(only_p1) == pytest.approx(100 * 1 / 5.5)


def test_interviewer_score_falls_back_to_the_overall_rating(questions):
    q = questions["cs-beh-02"]
    assert interviewer_score(RatedAnswer(q, "", point_ratings={"p1": 2}, overall_rating=4)) == 75
    assert interviewer_score(RatedAnswer(q, "", overall_rating=1)) == 0
    assert interviewer_score(RatedAnswer(q, "", point_ratings={"p1": 2})) is None
    assert interviewer_score(RatedAnswer(q, "")) is None


def test_ratings_outside_the_scales_are_refused(questions):
    q = questions["cs-beh-01"]
    with pytest.raises(ValueError):
        RatedAnswer(q, "", point_ratings={"p1": 3})
    with pytest.raises(ValueError):
        RatedAnswer(q, "", point_ratings={"nope": 1})
    with pytest.raises(ValueError):
        RatedAnswer(q, "", overall_rating=0)


def test_question_rows(report):
    beh1, beh2, sit1 = report.questions
    assert beh1.question_id == "cs-beh-01"
    assert beh1.title == "Handling conflict in the team"
    assert (beh1.points_possible, beh1.machine_points, beh1.machine_score) == (10.0, 6.0, 60.0)
    assert beh1.interviewer_score == pytest.approx(63.6)
    assert beh1.difference == pytest.approx(3.6)
    assert beh1.points_rated == 5
    assert beh2.interviewer_score == 100.0 and beh2.difference == 20.0
    assert sit1.interviewer_score == 0.0 and sit1.difference == -50.0


def test_category_aggregation_weights_questions_by_their_points(report):
    by = {c.category: c for c in report.categories}
    assert [c.category for c in report.categories] == ["behavioral", "situational"]
    # machine: (6 + 8) / (10 + 10) and 6 / 12
    assert by["behavioral"].machine_score == 70.0
    assert by["situational"].machine_score == 50.0
    assert by["behavioral"].questions == 2 and by["behavioral"].points_possible == 20.0
    # interviewer: (63.64 * 10 + 100 * 10) / 20 and 0
    assert by["behavioral"].interviewer_score == pytest.approx(81.8)
    assert by["behavioral"].difference == pytest.approx(11.8)
    assert by["situational"].interviewer_score == 0.0
    assert report.machine_overall == 62.5  # 20 / 32 points
    assert report.interviewer_overall == pytest.approx((636.36 + 1000) / 32, abs=0.05)


def test_unscored_and_unrated_answers_leave_gaps_not_zeros(questions):
    q = questions["cs-sit-01"]
    report = build_report("c", "i", "t", [RatedAnswer(q, "text")], "en", CREATED)
    (row,) = report.questions
    assert row.machine_score is None and row.interviewer_score is None and row.difference is None
    assert report.categories[0].machine_score is None
    assert report.machine_overall is None and report.interviewer_overall is None
    assert report.agreement.points_compared == 0 and report.agreement.point_agreement is None


# --------------------------------------------------------------------------- agreement


def test_point_agreement_and_kappa_on_a_constructed_case(rated):
    result = agreement(rated[:1])
    # interviewer 2 2 1 0 2 vs machine 2 2 1 0 0: p_o = 0.8, p_e = (1*2 + 1*1 + 3*2) / 25
    assert result.points_compared == 5
    assert result.point_agreement == pytest.approx(0.8)
    assert result.kappa == pytest.approx((0.8 - 0.36) / (1 - 0.36))
    assert result.questions_compared == 1
    assert result.mean_abs_difference == pytest.approx(3.6)
    assert result.spearman is None  # fewer than 3 questions
    assert agreement(rated[:2]).spearman is None


def test_agreement_over_the_session(report):
    a = report.agreement
    # rated points: 5 on cs-beh-01 (4 agree) + p1 on cs-sit-01 (missing = 0, agrees)
    assert a.points_compared == 6
    assert a.point_agreement == pytest.approx(5 / 6)
    assert a.questions_compared == 3
    assert a.mean_abs_difference == pytest.approx((3.64 + 20 + 50) / 3, abs=0.05)
    # machine 60, 80, 50 and interviewer 63.6, 100, 0 rank the questions alike
    assert a.spearman == pytest.approx(1.0)


def test_kappa_is_none_when_undefined(questions):
    q = questions["cs-beh-02"]
    same = RatedAnswer(q, "", machine_report(q, {}, 100.0), {"p1": 2, "p2": 2})
    result = agreement([same])
    assert result.point_agreement == 1.0
    assert result.kappa is None


# --------------------------------------------------------------------------- feedback


def test_strengths_prefer_the_interviewer_and_stay_few(report, questions):
    beh = [s for s in report.strengths if s.category == "behavioral"]
    assert len(beh) == 2  # the top few per category, not every covered point
    assert all(s.source == "interviewer" for s in beh)
    sit = [s for s in report.strengths if s.category == "situational"]
    # cs-sit-01: p1 rated missing; p3-p5 covered by the machine only
    assert sit and all(s.source == "machine" and s.point_id in {"p3", "p4", "p5"} for s in sit)
    assert sit[0].text == questions["cs-sit-01"].point(sit[0].point_id).text.en
    assert [s.category for s in report.strengths] == sorted(
        (s.category for s in report.strengths), key=["behavioral", "situational"].index
    )


def test_partly_covered_points_are_not_strengths(questions):
    q = questions["cs-beh-02"]
    partly = {"p1": "partial", "p2": "partial", "p3": "partial", "p4": "missing"}
    machine_only = RatedAnswer(q, "", machine_report(q, partly, 40.0))
    report = build_report("c", "i", "t", [machine_only], "en", CREATED)
    assert [s.point_id for s in report.strengths] == ["p5"]
    overruled = RatedAnswer(q, "", machine_report(q, partly, 40.0), {"p5": 1})
    assert build_report("c", "i", "t", [overruled], "en", CREATED).strengths == ()


def test_gaps_carry_the_weak_descriptor_and_the_interviewer_overrides(report, questions):
    keys = {(g.question_id, g.point_id): g for g in report.gaps}
    assert ("cs-beh-01", "p5") not in keys  # machine: missing, interviewer: covered
    gap = keys[("cs-beh-01", "p4")]
    point = questions["cs-beh-01"].point("p4")
    assert gap.weak == point.weak.en and gap.advice == point.strong.en
    assert gap.source == "interviewer"
    assert ("cs-sit-01", "p2") in keys and keys[("cs-sit-01", "p2")].source == "machine"
    assert ("cs-beh-01", "p3") not in keys  # partly covered is not a gap


def test_recommendations_start_with_the_weakest_category(report):
    first, *rest = report.recommendations
    assert first.category == "situational" and first.score == 0.0
    assert first.text == RECOMMENDATIONS["situational"]["en"]
    assert first.focus  # the missing points of that category
    assert all(r.category != "situational" for r in rest)
    behavioral = [r for r in rest if r.category == "behavioral"]
    assert not behavioral  # 81.8 is above the threshold


def test_report_in_chinese_uses_the_chinese_bank_texts(rated, questions):
    zh = build_report("候选人甲", "面试官乙", "模拟面试", rated, "zh", CREATED)
    assert zh.questions[0].title == questions["cs-beh-01"].title.zh
    assert zh.recommendations[0].text == RECOMMENDATIONS["situational"]["zh"]
    assert all(g.text == questions[g.question_id].point(g.point_id).text.zh for g in zh.gaps)


# --------------------------------------------------------------------------- renderers


def test_html_escapes_hostile_user_text(report):
    page = to_html(report)
    assert "<script>" not in page and "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("&lt;script&gt;") >= 3  # candidate (title and header) and notes
    assert "Interviewer &lt;i&gt;" in page and "Mock &amp; review" in page
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page  # answers too


def test_html_is_a_self_contained_printable_page(report):
    page = to_html(report)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "@media print" in page and "@page" in page
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"' in page
    assert "<svg" in page and page.count("<rect") >= 2 + 3  # legend + bars
    assert "<link" not in page and "<script" not in page and "src=" not in page


def test_html_labels_in_both_languages(report):
    en, zh = to_html(report, "en"), to_html(report, "zh")
    assert LABELS["en"]["candidate"] in en and LABELS["zh"]["candidate"] not in en
    assert LABELS["zh"]["candidate"] in zh and LABELS["en"]["candidate"] not in zh
    assert OVERALL_SCALE[5][1] in en and OVERALL_SCALE[5][0] in zh
    assert POINT_SCALE[0][1] in en and POINT_SCALE[0][0] in zh
    assert 'lang="zh-CN"' in zh and 'lang="en"' in en
    assert "行为面试" in zh and "Behavioral" in en and "行为面试" not in en
    assert "行为题" not in zh  # one name everywhere: the app says 行为面试


def test_labels_exist_in_both_languages():
    assert LABELS["zh"].keys() == LABELS["en"].keys()
    assert all(set(texts) == {"zh", "en"} for texts in RECOMMENDATIONS.values())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain text", "plain text"),
        ("", ""),
        (-2.5, -2.5),
        (3, 3),
        (None, None),
    ],
)
def test_neutralize_cell(value, expected):
    assert neutralize_cell(value) == expected


def test_csv_neutralises_formulas_and_keeps_numbers(report):
    text = to_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(body) == 3
    answers = [r[header.index(LABELS["en"]["answer"])] for r in body]
    notes = [r[header.index(LABELS["en"]["notes_csv"])] for r in body]
    assert answers[1:] == ["'=cmd|' /C calc'!A0", "'-2+3"]
    assert notes == [HOSTILE, "'+1", "'@SUM(1)"]
    frame = pd.read_csv(io.StringIO(text))
    difference = frame[LABELS["en"]["difference"]]
    assert pd.api.types.is_numeric_dtype(difference)
    assert difference.tolist() == pytest.approx([3.6, 20.0, -50.0])


def test_csv_headers_follow_the_language(report):
    zh_header = next(csv.reader(io.StringIO(to_csv(report, "zh"))))
    assert LABELS["zh"]["question_id"] in zh_header and LABELS["zh"]["notes_csv"] in zh_header


def test_json_round_trip(report, rated):
    text = to_json(report)
    data = json.loads(text)
    assert data == report.to_dict()
    assert report_from_dict(data) == report
    assert data["candidate"] == HOSTILE
    zh = build_report("候选人甲", "面试官乙", "模拟面试", rated, "zh", CREATED)
    assert "候选人甲" in to_json(zh) and "团队冲突处理" in to_json(zh)  # not \u-escaped


def test_report_from_the_lexical_scorer(bank, lexical_scorer):
    q = bank.question("cs-beh-01")
    answer = next(e.text for e in q.examples if e.kind == "strong")
    scored = lexical_scorer.score(q, answer)
    report = build_report(
        "c", "i", "t", [RatedAnswer(q, answer, scored, overall_rating=4)], "zh", CREATED
    )
    (row,) = report.questions
    assert row.machine_score == scored.score and row.machine_points == scored.points_score
    assert report.categories[0].machine_score == pytest.approx(scored.score, abs=0.1)
    assert row.difference == pytest.approx(75 - scored.score, abs=0.1)
    assert "<svg" in to_html(report)
