"""The answers quoted in the scorer issue (#11), each with what a person would expect."""

from __future__ import annotations

import re

import opencc
import pytest

from scoring.datasets import dev_bank
from scoring.engine import FEATURES, Scorer, Target
from scoring.guard_table import UNRELATED_AT

TEAM_CONFLICT = (
    "去年双十一的时候我们组也遇到过类似的事。两位老员工一个坚持按标准话术走，一个觉得要灵活处理，"
    "两个人在群里吵起来，新人都不知道听谁的。我先把他们分别叫到会议室单独聊，听听各自的想法，"
    "发现其实都是为了客户好，只是方法不同。然后我把两人叫到一起，先把当天的排班调开，避免正面冲突，"
    "再让他们一起整理一份高峰期的应答规范，标准话术为主，特殊情况可以灵活。后来那周的投诉量慢慢降下来了，"
    "两个人关系也缓和了。"
)
VIP_REFUND = (
    "我之前在电商客服做主管时碰到过一位VIP客户，连续三天打电话、发邮件投诉退款没到账。我先亲自给他回电，"
    "第一句话就是道歉，告诉他我理解他的着急，并承诺当天下午五点前给他明确答复。挂了电话我就拉了财务和"
    "支付的同事建了一个群，查到是银行通道退票了。我每隔两个小时给客户发一次进度，下午三点钱就重新打过去了。"
    "事后我们把这类退票的情况加进了工单预警里。"
)
SPACED_KEYWORDS = (
    "沟通 倾听 单独谈话 分析原因 团队会议 共同目标 调整分工 培训 流程 跟进 反馈机制 数据"
)
SYSTEM_ANSWER = (
    "我理解的客服系统分两层。第一层是接入，电话、邮件、在线、微信这些渠道都进同一个平台；第二层是工单，"
    "建单以后自动分配、流转，谁在处理一目了然。再往外是知识库、报表和CRM，客户资料同步过来，"
    "不用客户每次都重复说一遍。我们还上了智能路由，按技能组派单。"
)
PEAK_STAFFING = (
    "每年大促前，我会先拉去年同期的进线数据，按半小时算出每个时段要多少人，再把培训和例会挪开。"
    "大促当天我守在看板前，排队一超过两分钟就打开自动回复分流，再从售前组临时借人。"
    "去年双十一我们的接通率做到了九成五，没有一个时段排队超过五分钟。"
)


def _point(report, point_id):
    return next(p for p in report.points if p.point_id == point_id)


def test_the_private_talks_are_cited_for_the_private_talk_point(scorer, bank):
    report = scorer.score(bank.question("cs-beh-01"), TEAM_CONFLICT)
    talk = _point(report, "p1")  # 先冷静下来，分别与两人单独谈话……
    assert talk.status == "covered"
    assert "分别叫到会议室单独聊" in talk.evidence
    assert "听听各自的想法" in talk.evidence  # the point asks for both: the run cites both
    assert "叫到一起" not in talk.evidence


def test_updates_every_two_hours_are_the_follow_up_point_even_reworded(scorer, bank):
    question = bank.question("cs-beh-02")
    follow_up = _point(scorer.score(question, VIP_REFUND), "p4")  # 持续跟进进度，定时向客户反馈
    assert follow_up.status != "missing"
    assert "每隔两个小时" in follow_up.evidence
    reworded = Target.from_texts(
        [p.text.zh if p.id != "p4" else "至少每两小时向客户反馈一次" for p in question.rubric],
        question=question.question.zh,
    )
    again = _point(scorer.score(reworded, VIP_REFUND), "p4")
    assert again.status != "missing"
    assert "每隔两个小时" in again.evidence


def test_a_bank_for_another_role_loaded_beside_changes_no_customer_service_score(scorer, bank):
    """A trainer who adds a bank for another role must not move this bank's scores: with the
    development bank in the context, the quoted cs-beh-02 answer once fell from 49 to 37."""
    both = Scorer(scorer.encoder, [*bank.questions, *dev_bank()], calibration=scorer.calibration)
    for question_id, answer in (("cs-beh-01", TEAM_CONFLICT), ("cs-beh-02", VIP_REFUND),
                                ("cs-tec-01", SYSTEM_ANSWER)):  # fmt: skip
        alone = scorer.score(bank.question(question_id), answer)
        beside = both.score(bank.question(question_id), answer)
        assert abs(alone.score - beside.score) <= 1, question_id
        assert [p.status for p in alone.points] == [p.status for p in beside.points], question_id


def test_a_keyword_list_separated_by_spaces_is_caught_like_one_with_commas(scorer, bank):
    question = bank.question("cs-beh-01")
    spaced = scorer.score(question, SPACED_KEYWORDS)
    listed = scorer.score(question, SPACED_KEYWORDS.replace(" ", "、"))
    genuine = scorer.score(question, TEAM_CONFLICT)
    for report in (spaced, listed):
        assert "keyword_list" in {f.code for f in report.flags}
        assert report.score < 15 < genuine.score
        assert report.covered == 0


def test_no_need_for_the_customer_to_repeat_is_not_a_rejection(scorer, bank):
    report = scorer.score(bank.question("cs-tec-01"), SYSTEM_ANSWER)
    assert not any(p.rejected for p in report.points)
    assert "rejects_points" not in {f.code for f in report.flags}


def test_an_answer_typed_without_punctuation_or_with_spaces_scores_as_when_punctuated(scorer, bank):
    """A transcript or a hurried answer: a negation no longer reads as rejecting every point
    of a 120-character chunk, and the cited evidence stays a clause."""
    question = bank.question("cs-beh-01")
    punctuated = scorer.score(question, TEAM_CONFLICT)
    for text in (re.sub(r"[，。]", "", TEAM_CONFLICT), re.sub(r"[，。]", " ", TEAM_CONFLICT)):
        report = scorer.score(question, text)
        assert not report.flags
        assert abs(report.score - punctuated.score) <= 8
        talk = _point(report, "p1")
        assert talk.status == "covered"
        assert "分别叫到会议室单独聊" in talk.evidence
        assert len(re.sub(r"\s", "", talk.evidence)) <= 60  # spaces typed for commas kept


VIP_FOLLOW_UP_TRANSCRIPT = (
    "嗯VIP客户连着投诉好几天这种我觉得首先要让他感觉到终于有人在管这个事了我会先自己给客户回电话"
    "跟他道歉然后给他一个时间比如明天中午以前给您一个处理结果不会随口跟他说马上就好然后呢中间一直"
    "跟他保持联系每天上午下午各打一个电话告诉他现在进展到哪一步了让他不用再自己打进来问"
    "问题解决以后再回访一次看看他满不满意"
)


def test_a_transcript_sparing_the_customer_a_call_is_not_a_rejection(scorer, bank):
    """Cut before "他" in "让他不用再自己打进来问", the clause read "他不用再…问问题解决以后再回访"
    as rejecting the follow-up and the review points, and the answer fell from 33 to 4."""
    report = scorer.score(bank.question("cs-beh-02"), VIP_FOLLOW_UP_TRANSCRIPT)
    assert not any(p.rejected for p in report.points)
    assert "rejects_points" not in {f.code for f in report.flags}
    assert report.score >= 20


def test_a_negation_about_something_else_far_from_the_proof_is_not_a_rejection(scorer, bank):
    """The clause nearest the police point's words says what real police never do; the
    clause that earns the point, two sentences on, calls the police."""
    question = next(q for q in dev_bank() if q.id == "bbs-beh-01")
    story = next(e.text for e in question.examples if e.id == "strong-zh")
    assert "真警察办案从来不会让老百姓往哪打钱" in story
    with_dev_bank = Scorer(scorer.encoder, [*bank.questions, *dev_bank()],
                           calibration=scorer.calibration)  # fmt: skip
    typed = Target.from_texts([p.text.zh for p in question.rubric], question=question.question.zh)
    reports = [with_dev_bank.score(question, story), with_dev_bank.score(typed, story)]
    for report in reports:  # the bank question and its texts typed as a free-form rubric
        police = _point(report, "p3")  # 联动家属和公安反诈力量共同核实
        assert not police.rejected
        assert police.status == "covered"
        assert "110" in police.evidence
    assert abs(reports[0].score - reports[1].score) <= 1


def test_an_english_strong_answer_to_a_chinese_free_form_rubric_is_scored(scorer, bank):
    question = bank.question("cs-beh-02")
    english = next(e for e in question.examples if e.id == "strong-en").text
    chinese_rubric = Target.from_texts(
        [p.text.zh for p in question.rubric], question=question.question.zh
    )
    across = scorer.score(chinese_rubric, english)
    same = scorer.score(question, english)
    assert "unrelated" not in {f.code for f in across.flags}
    assert across.score >= 0.8 * same.score
    assert across.score >= 60


def test_a_bank_question_and_its_texts_as_a_free_form_rubric_score_alike(scorer, bank):
    """In either language: the English examples differed by up to 9.5 points while the
    calibrators read the bank-only "off_topic" feature (`scoring.fit.NEVER_READ`)."""
    question = bank.question("cs-beh-02")
    for language in ("zh", "en"):
        free_form = Target.from_texts(
            [p.text.get(language) for p in question.rubric],
            question=question.question.get(language),
            points=question.points,
            weights=[p.weight for p in question.rubric],
        )
        for example in question.examples:
            if example.language != language:
                continue
            bank_score = scorer.score(question, example.text).score
            free_score = scorer.score(free_form, example.text).score
            assert abs(bank_score - free_score) <= 5, example.id


IMPLICIT_STORY = (
    "那是前年腊月的一个早上，门店打电话说收到的冻饺子有四家店箱数对不上。我让还没开走的两辆车先停在月台，"
    "叫上两个老师傅把车厢里的货照着单子一家家点过去，又找出一家多了三箱。回到办公室我把那晚的出库单跟手持机上的"
    "时间一条条对，看出这几家都是阿军一个人在十来分钟里备的，数字还是手写改过的。他说那天手持机没电，"
    "照着纸单记，看串了行。少了的几家我让调度中午加一趟小车补过去，多出来的顺路拉回，每家店长我都亲自回了电话。"
    "阿军那边我没扣钱，陪他把那张纸单重新对了一遍，后来班前会上我拿这件事讲了一次。之后我们给每台手持配了备用电池，"
    "备货改成必须扫码才能出库，那个月往后门店再没报过箱数差。"
)


def test_a_story_that_covers_the_points_in_its_own_words_is_not_unrelated(scorer):
    """No clause is near any one point and no rubric term occurs, yet read as a whole the
    story answers the question (a development-bank question for a warehouse shift lead)."""
    question = next(q for q in dev_bank() if q.id == "whs-beh-01")
    target = Target.from_question(question)
    ev = scorer.evidence(target, IMPLICIT_STORY)
    lexical = ev.features[:, FEATURES.index("lex_answer")]
    assert ev.features[:, FEATURES.index("sem_clause")].max() < UNRELATED_AT
    assert not lexical.any()  # the case the guard used to flag
    report = scorer.score(target, IMPLICIT_STORY)
    assert "unrelated" not in {f.code for f in report.flags}
    assert report.score >= 40


def test_numbered_rubric_points_score_like_the_same_points_unnumbered(scorer, bank):
    question = bank.question("cs-beh-01")
    texts = [p.text.zh for p in question.rubric]
    plain = scorer.score(Target.from_texts(texts, question=question.question.zh), TEAM_CONFLICT)
    for marker in ("{n}. ", "（{n}）", "{n}、", "- ", "• "):
        numbered = [marker.format(n=n) + text for n, text in enumerate(texts, start=1)]
        again = scorer.score(Target.from_texts(numbered, question=question.question.zh),
                             TEAM_CONFLICT)  # fmt: skip
        assert again.score == plain.score, marker
        assert [p.text for p in again.points] == texts


def test_a_rubric_typed_without_its_question_still_scores_empty_answers_low(scorer, bank):
    """Without a question the points are read against the rubric itself: vague, off-topic
    and restated answers scored 85-96 on the development bank before, strong ones 90."""
    by_kind: dict[str, list[float]] = {}
    for question in bank.questions[:10]:
        for example in question.examples:
            texts = [p.text.get(example.language) for p in question.rubric]
            score = scorer.score(Target.from_texts(texts), example.text).score
            by_kind.setdefault(example.kind, []).append(score)
    gamed = by_kind["vague"] + by_kind["off_topic"] + by_kind["restatement"]
    assert sum(gamed) / len(gamed) < 35
    assert sum(by_kind["strong"]) / len(by_kind["strong"]) > 70


def test_an_answer_in_traditional_characters_scores_as_in_simplified(scorer, bank):
    question = bank.question("cs-beh-01")
    traditional = opencc.OpenCC("s2t").convert(TEAM_CONFLICT)
    assert traditional != TEAM_CONFLICT
    simplified, again = scorer.score(question, TEAM_CONFLICT), scorer.score(question, traditional)
    assert again.score == simplified.score
    talk = _point(again, "p1")
    assert talk.evidence in traditional  # cited in the candidate's own characters
    assert "單獨" in talk.evidence


def test_the_question_read_out_before_the_answer_costs_nothing_and_alone_is_a_copy(scorer, bank):
    question = bank.question("cs-beh-01")
    answer = scorer.score(question, TEAM_CONFLICT)
    read_out = scorer.score(question, question.question.zh + "\n" + TEAM_CONFLICT)
    assert read_out.score == answer.score
    assert _point(read_out, "p1").evidence == _point(answer, "p1").evidence
    copied = scorer.score(question, question.question.zh)
    assert "copies_question" in {f.code for f in copied.flags}
    assert copied.score < 15
    # a question typed with half-width marks ("…打交道:排班、派单…"), read as the answer is
    system = bank.question("cs-tec-01")
    typed = system.question.zh.replace("：", ":").replace("，", ",")
    target = Target.from_texts([p.text.zh for p in system.rubric], question=typed)
    read_out = scorer.score(target, typed + "\n" + SYSTEM_ANSWER)
    assert read_out.score == scorer.score(target, SYSTEM_ANSWER).score


def test_english_typed_in_capitals_or_full_width_is_read_as_typed_normally(scorer, bank):
    question = bank.question("cs-beh-01")
    text = next(e.text for e in question.examples if e.kind == "strong" and e.language == "en")
    normal = scorer.score(question, text).score
    full_width = text.translate({c: c + 0xFEE0 for c in range(ord("0"), ord("z") + 1)
                                 if chr(c).isalnum()})  # fmt: skip
    for typed in (text.upper(), full_width):
        assert abs(scorer.score(question, typed).score - normal) <= 5


def test_a_greeting_and_a_thank_you_around_the_answer_change_nothing(scorer, bank):
    question = bank.question("cs-beh-01")
    polite = "面试官您好，很高兴回答这个问题。" + TEAM_CONFLICT + "以上就是我的回答，谢谢！"
    assert scorer.score(question, polite).score == scorer.score(question, TEAM_CONFLICT).score
    assert scorer.score(question, "面试官您好，谢谢您！").score < 15


def test_chinese_typed_with_half_width_punctuation_scores_as_with_full_width(scorer, bank):
    question = bank.question("cs-beh-01")
    half = TEAM_CONFLICT.translate(str.maketrans("，。", ",."))
    assert half != TEAM_CONFLICT
    typed = scorer.score(question, half)
    assert typed.score == scorer.score(question, TEAM_CONFLICT).score
    assert _point(typed, "p1").evidence in half  # cited as the candidate typed it


def test_an_answer_pasted_twice_or_said_twice_covers_nothing_more(scorer, bank):
    question = bank.question("cs-beh-02")
    once = scorer.score(question, VIP_REFUND).score
    assert abs(scorer.score(question, VIP_REFUND + "\n" + VIP_REFUND).score - once) <= 2
    sentences = [s + "。" for s in VIP_REFUND.split("。") if s]
    each_twice = "".join(s + s for s in sentences)
    assert abs(scorer.score(question, each_twice).score - once) <= 2


def test_english_in_lower_case_without_punctuation_scores_near_the_answer_as_written(scorer, bank):
    """A transcript or a hurried answer: before, cut only every 120 letters, the bank's
    English strong and partial answers lost 7.8 points on average (up to 37)."""
    gaps = []
    for question in bank.questions:
        for e in question.examples:
            if e.language == "en" and e.kind in ("strong", "partial"):
                run_on = re.sub(r"[^\w\s']", "", e.text.lower())
                gaps.append(
                    scorer.score(question, run_on).score - scorer.score(question, e.text).score
                )
    assert abs(sum(gaps) / len(gaps)) <= 4
    assert sum(abs(g) for g in gaps) / len(gaps) <= 6


@pytest.mark.xfail(
    strict=True,
    reason="known gap since the bank's terse plans and long partial stories (stop 35): its "
    "margin to cs-sit-02's examples is -1.70 (was -2.0007), over the -2.0 off-topic line, so "
    "it scores 16; across the bank's and the interview-style set's strong answers against "
    "other questions the share flagged held or rose (python -m scoring bench)",
)
def test_an_answer_to_another_question_scores_what_graders_give_it(scorer, bank):
    """A good story about peak-season staffing, told for a question about a struggling team
    member: graders give it 0 to half a point of 10 (at the former cap it read 12)."""
    report = scorer.score(bank.question("cs-sit-02"), PEAK_STAFFING)
    assert "off_topic" in {f.code for f in report.flags}
    assert report.score <= 7
