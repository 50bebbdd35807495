from dataclasses import replace

from scoring.features import Generality
from scoring.guard_table import LIST_AT, VAGUE_MIN_SIZE, AnswerSignals, fired
from scoring.guards import (
    bare_list,
    contradicts,
    copy_ratio,
    enumeration,
    listness,
    polarity,
    prose_sentences,
    rejects,
    without_courtesy,
    without_repeats,
)


def test_rejection_in_chinese_and_english():
    assert rejects("我不会去找他们单独谈,那太浪费时间")
    assert rejects("开会也没用")
    assert rejects("I would not bother talking to them one by one")
    assert not rejects("我会先分别找他们单独谈")


def test_dismissing_a_point_as_someone_elses_business_or_pointless_rejects_it():
    assert rejects("识别什么异常信号不是柜员的事", ["识别出交易中的异常信号并及时叫停办理"])
    assert rejects("我们没资格讲什么被骗的后果", ["耐心劝阻，讲清被骗的后果"])
    assert rejects("I don't see the point of a senior agent", ["Assigns a senior agent"])
    assert rejects("Investigating the cause isn't really my job", ["Investigates the cause"])
    assert rejects("Splitting causes into groups is overkill", ["Splits the causes into groups"])
    assert not rejects("这不是一个人的事，我把大家叫到一起商量", ["组织团队会议，对齐共同目标"])
    assert not rejects("It isn't only my job, so I bring the team in", ["Involves the team"])


def test_an_apology_is_not_a_negation_and_a_good_practice_is_not_a_contradiction():
    assert not polarity("我先真诚地说声对不起")[0]
    assert not polarity("不好意思让您久等了")[0]
    point = "及时私下一对一沟通，先倾听并表达理解和支持"
    clause = "我会先把他叫到一边单独聊，不会当着大家的面说他。"
    assert not rejects(clause, [point])
    assert not contradicts(point, clause)
    assert contradicts(point, "我不会单独找他聊")


def test_idioms_with_bu_that_negate_nothing():
    """An apology ("赔不是") and "about the same" ("差不多") negate nothing."""
    point = "当面坦诚说明情况并道歉，给出实在的补偿"
    assert not polarity("我本人出面跟客人讲实话、赔不是")[0]
    assert not contradicts(point, "我本人出面跟客人讲实话、赔不是，再送积分")
    assert not polarity("先跟附近两家差不多档次的酒店说好留房")[0]
    assert polarity("这两家酒店的档次差得不多，但我不会把常客送过去")[0]


def test_dismissing_a_point_as_pointless_or_all_the_same_rejects_it():
    assert rejects(
        "信用额度和挂账那是财务的事", ["核对账务：过房费、核对各收银班次、检查信用额度和挂账"]
    )
    assert rejects("我觉得夜审没什么特别的目的", ["说明夜审的目的：核对当天的房态和账务"])
    assert rejects("交接本写不写都一样", ["发现差异时追查、记录并交接"])
    assert rejects("真对不上就随便调平就好了", ["发现差异时先追查原因再调账"])
    assert rejects("工单系统也是形式主义", ["讲清工单处理的核心流程"])
    assert not rejects("这件事我们一起查清楚，再跟财务对一遍账", ["核对账务：检查信用额度和挂账"])
    assert not rejects("那是去年双十一的事，两个老员工在群里吵起来", ["分别与两人单独谈话"])


def test_a_space_typed_for_a_comma_separates_what_a_negation_is_about():
    point = ["讲清多渠道接入层和工单处理核心两层结构"]
    assert rejects("多渠道接入没必要 客户打电话就够了", point)
    assert rejects("多渠道接入没必要，客户打电话就够了", point)


def test_good_practice_negations_are_not_rejections():
    assert not rejects("避免在团队面前批评他")
    assert not rejects("I would avoid blaming anyone in public")


def test_a_bad_outcome_that_will_not_happen_is_not_a_rejection():
    point = ["建立客户分级,优先保障高价值客户和紧急业务"]
    assert not rejects("这样就算人少了一点,最关键的那部分客户体验也不会掉", point)
    assert not rejects("So the key customers' experience won't drop", point)
    assert rejects("客户分级这种事我觉得没必要", point)


def test_a_purpose_that_something_bad_will_not_happen_is_not_a_rejection():
    point = ["Pins down the real cause of the conflict"]
    clause = "moved their shifts apart for that day so they would not clash"
    assert not rejects(clause, point)
    assert not contradicts(point[0], clause)
    assert rejects("So I would not bother finding the cause of the conflict", point)


def test_english_rejection_needs_a_subject_and_advice_is_not_one():
    assert rejects("We don't need a team meeting for that")
    assert rejects("Honestly I'd never bother with a one-to-one")
    assert not rejects("Don't take 'unsolvable' at face value just because others failed")


def test_keyword_list_scores_high_and_prose_low():
    assert listness("单独沟通、分析原因、团队会议、调整分工、跟进反馈。") >= 0.8
    assert listness("Private talks, root cause, team meeting, new roles, follow-up.") >= 0.6
    prose = "我会先分别找两个人聊,了解他们的想法;然后开个会,让大家把分歧摆出来,最后调整分工并两周后复盘。"
    assert listness(prose) < 0.5


def test_bulleted_sentences_are_no_keyword_list_but_one_term_per_line_is():
    bulleted = (
        "1. 先分别把两位老员工叫到会议室单独聊，听他们各自怎么想，不急着下结论。\n"
        "2. 翻一下最近的工单和通话记录，看分歧到底卡在哪个环节。\n"
        "3. 开一个小组会，让两人都把想法讲出来，再把讨论拉回到服务目标上。"
    )
    assert listness(bulleted) < 0.1
    assert listness("- 单独沟通\n- 分析原因\n- 团队会议\n- 调整分工\n- 跟进反馈") >= 0.8
    assert listness("沟通、倾听、单独谈话\n分析原因、团队会议\n调整分工、培训、跟进") >= 0.8


# A terse plan of a ticket process, written for this test: its steps are as dense as a
# keyword list, but each line is a full sentence.
TERSE_PLAN = (
    "1. 环节：受理、核身份、定性、出方案、执行、验收、回访、归档。\n"
    "2. 受理时系统记下来电时间，核身份录手机号、订单号，定性时打上投诉或咨询标签。\n"
    "3. 方案写清时限，执行记结果，验收分全好、部分或没好，回访留评分和意见。\n"
    "4. 简单件坐席一人办完；复杂件组长确认、技术查因，经理批方案，专人执行。\n"
    "5. 每次转手在工单写明进度和状态，接手的人不必再问客户一遍。"
)


def test_a_terse_plan_in_full_sentences_is_no_bare_list():
    """Its items are short enough to read as a list by size; its sentences say otherwise."""
    assert listness(TERSE_PLAN) >= LIST_AT
    assert prose_sentences(TERSE_PLAN) == 3  # the first line and the third are only items
    assert bare_list(TERSE_PLAN, listness(TERSE_PLAN)) < LIST_AT / 2


def test_keywords_grouped_between_full_stops_are_still_a_bare_list():
    for keywords in (
        "单独沟通、保持中立、分析根因。流程认知、团队会议、共同目标。调整分工、培训。持续反馈、复盘。",
        "沟通 倾听 单独谈话 分析原因 团队会议 共同目标 调整分工 培训 流程 跟进 反馈机制 数据",
        "Q1: task force, site visit, spare parts. Q2: root cause, batch quality, transport damage.",
    ):
        assert prose_sentences(keywords) <= 1, keywords
        assert bare_list(keywords, listness(keywords)) == listness(keywords) >= LIST_AT


def test_prose_that_enumerates_is_not_a_keyword_list():
    prose = (
        "所有投诉都进工单系统,热线、在线、邮件、微博、门店都算,每一单登记姓名、电话、渠道、诉求、"
        "责任人,普通投诉二十四小时内答复客户,重大投诉两小时内联系客户并报经理。"
    )
    assert enumeration(prose) >= 0.6  # most of its items are short...
    assert listness(prose) < 0.5  # ...but most of its text is in sentences


def test_a_reference_with_a_long_lead_in_still_asks_for_a_list():
    reference = "信息技术的融入为现代物流所带来的新特点:信息化,网络化,自动化,智能化,柔性化,标准化。"
    assert enumeration(reference) >= 0.6
    assert listness(reference) < enumeration(reference)


def test_copy_ratio():
    question = "两名资深客服因工作方法分歧导致团队效率下降,作为主管你如何处理?"
    assert copy_ratio("两名资深客服因工作方法分歧,导致团队效率下降,作为主管要处理", question) > 0.8
    assert copy_ratio("我会先单独约谈两个人,再一起定规则", question) < 0.3


def test_a_point_phrased_as_a_negation_is_not_rejected_by_agreeing():
    point = "守住政策边界,不当场越权承诺,同时给出可行方案"
    assert not rejects("十倍的赔偿我肯定不会答应", [point])
    assert rejects("事后复盘也没必要", ["事后复盘资源分配效果,改进今后的决策"])


def test_doing_without_what_a_point_asks_to_reduce_is_not_a_rejection():
    """An index means "不用全表扫描": the exam answer saying so, graded full marks in
    benchmarks/exam-zh, scored 10 under a rejection cap. Rejecting the reduction still counts."""
    point = "索引可以大大加快数据查询的速度，减少需要扫描的数据量"
    assert not rejects("能快速定位记录，不用全表扫描", [point])
    assert rejects("我觉得没必要减少扫描的数据量", [point])
    assert rejects(
        "I would not bother reducing callbacks", ["Reduce how often customers call back"]
    )


def test_polarity_reads_negation_parity_and_direction():
    assert polarity("p 值小于 0.05,差异显著") == (False, -1)
    assert polarity("p 值大于 0.05,因此没有显著差异") == (True, 1)
    assert polarity("The bulbs will not go out") == (True, 0)
    # words that only look like negations: 是否 (whether), 未来 (future), 无论 (whatever)
    assert polarity("回看排序是否合理,为未来无论哪种情况做准备") == (False, 0)


def test_coordinated_negations_negate_each_part_once():
    """Both "neither … nor …" and "不…也不…" are one negation spread over two things, not
    a double negation; "不能不管" is one."""
    assert polarity("Neither promises compensation nor reaches a verdict on the spot")[0]
    assert polarity("既不承诺赔偿，也不当场下结论")[0]
    assert polarity("不推诿、不拖延")[0]
    assert not polarity("另一起不能不管")[0]
    assert polarity("不争辩不指责")[0]
    assert polarity("先道歉，不解释不推人")[0]
    assert not polarity("这件事我不得不说")[0]


def test_an_a_not_a_question_negates_nothing():
    """A follow-up question ("有没有", "是不是", "满不满意") asks, it does not negate: the
    follow-up it belongs to does not contradict a point about following up."""
    assert not polarity("问问他有没有受伤")[0]
    assert not polarity("先查是不是固件问题")[0]
    assert not polarity("回访时问客户满不满意")[0]
    assert not polarity("咽下去没有？")[0]
    assert polarity("他一直没有回复")[0]
    assert not contradicts("回访确认问题已经解决", "三天后回访，问客户问题有没有再出现")
    assert contradicts("回访确认问题已经解决", "三天后也没有回访")


def test_not_knowing_yet_is_no_rejection_and_a_negated_point_is_agreed_with():
    honest = "Tells the waiting customers honestly what has happened, without promising a time"
    assert not rejects("I'd apologise and say honestly we don't know how long", [honest])
    assert rejects("We don't tell them anything, they just wait", [honest])
    neither = "Neither promises compensation nor reaches a verdict on the spot"
    assert not rejects("I wouldn't promise money tonight", [neither])


def test_contradiction_by_negation_or_direction():
    reference = "p 值 > 0.05,因此数据来自正态分布"
    assert contradicts(reference, "p 值小于 0.05")
    assert contradicts("The other bulbs stay lit", "The other bulbs will not stay lit")
    assert not contradicts("The other bulbs stay lit", "They will still be lit")
    assert not contradicts(reference, "数据来自正态分布", "p 值高于 0.05,数据来自正态分布")


def test_a_point_of_several_clauses_is_not_contradicted_by_a_negation():
    """The parity of negations over several claims is no claim's polarity: "not the data"
    agrees with a reference that says "rather than the value itself" two sentences on."""
    reference = (
        "A pointer is a variable whose value is the memory address of another value, rather "
        "than the value itself. Dereferencing it gives access to the object it points to."
    )
    assert not contradicts(reference, "ptr holds an address, not the data")
    assert contradicts("Dereferencing it gives access to the object", "it gives no access")
    assert contradicts("p 值大于 0.05。数据来自正态分布。", "p 值小于 0.05")  # direction still


def test_copied_question_words_that_the_rubric_needs_are_not_copying():
    question = "What happens to the other bulbs if the middle bulb burns out?"
    answer = "If the middle bulb burns out, the other bulbs stay lit"
    assert copy_ratio(answer, question) > 0.6
    rubric_terms = frozenset({"middle", "bulb", "burn", "stay", "lit"})
    assert copy_ratio(answer, question, rubric_terms) < 0.2


def test_courtesy_is_blanked_and_content_kept_in_place():
    for text, kept, gone in (
        ("面试官您好，很高兴回答这个问题。我先说结论。", "我先说结论。", "您好"),
        ("好的服务需要流程。", "好的服务需要流程。", None),
        ("- 嗯，我先说结论。", "我先说结论。", "嗯"),
        ("Thank you for the question. I would talk to them first. Thanks!",
         "I would talk to them first.", "Thank"),
    ):  # fmt: skip
        blanked = without_courtesy(text)
        assert len(blanked) == len(text)
        assert kept in blanked
        assert gone is None or gone not in blanked


def test_a_sentence_said_again_is_blanked_in_place_and_the_first_kept():
    once = "我先给客户回电话道歉。然后查清楚退款卡在哪里。"
    twice = once + "\n" + once
    blanked = without_repeats(twice)
    assert len(blanked) == len(twice)
    assert blanked.startswith(once) and not blanked[len(once) :].strip()
    english = "I call the customer back the same day. Prices rose 3.5 percent. I call the customer back the same day."
    assert without_repeats(english).rstrip() == english[: english.index(" I call", 5)]
    short = "好的。我会先道歉。好的。"  # too short to count as saying a thing twice
    assert without_repeats(short) == short


def test_a_waived_fee_is_not_a_dismissal():
    point = ["透明沟通进展与补偿方案，解决后主动回访"]
    assert not rejects("恢复以后给每户减免了一部分气费", point)
    assert rejects("回访就免了吧，客户也烦", ["解决后主动回访"])


def test_sparing_the_customer_a_burden_is_not_a_rejection():
    point = ["跨部门协调产品、技术、物流，明确分工、同步信息"]
    assert not rejects("每天上午下午各打一个电话告诉他进展，让他不用再自己打进来问", point)
    assert not rejects("他不用再自己打进来问，我们每天给他打过去", point)
    relief = ["临时调整其工作，让他暂时离开高压岗位"]
    assert not rejects("今天剩下的时间我不会让他再接进线，安排他去整理回访工单", relief)


def test_not_promising_off_the_cuff_is_good_practice_not_a_rejection():
    point = ["持续跟进进度，定时向客户反馈"]
    assert not rejects("不会随口跟他说马上就好", point)
    assert rejects("目标我不会随便承诺，说了做不到更难看", ["承诺可衡量的目标、时间表和定期汇报"])


def test_a_double_negation_is_not_a_rejection():
    point = ["对另一起保持跟进"]
    assert not rejects("另一起我不会放着不管，会每隔半小时问一次进展", point)
    assert rejects("另一起我就不去跟进了", point)
    assert rejects("跨部门协调就不用了，我自己盯着就行", point)


def test_the_vague_guard_needs_an_answer_of_some_size_in_the_rubrics_language():
    """`vague_at` is fitted per encoder (`scoring.fit.fit_vague_at`)."""
    signals = AnswerSignals(
        size=120, min_size=12, truncated=False, listness=0.0, copy_ratio=0.0, off_topic=0.0,
        rejected_points=0, points=4, closest=0.5, whole=0.5, shares_terms=True,
        cross_lingual=False, has_encoder=True, coverage=0.4, generality=Generality(0.5, 0.2),
        vague_at=0.4,
    )  # fmt: skip

    def vague(s: AnswerSignals) -> bool:
        return "vague" in {g.flag.code for g in fired(s)}

    assert vague(signals)
    assert not vague(replace(signals, generality=Generality(0.5, -0.05)))  # nearer the points
    assert not vague(replace(signals, generality=Generality(0.2, 0.2)))  # not that general
    assert not vague(replace(signals, size=VAGUE_MIN_SIZE - 1))  # a short exam answer
    assert not vague(replace(signals, cross_lingual=True))
    assert not vague(replace(signals, has_encoder=False))
    assert not vague(replace(signals, vague_at=None))  # an encoder whose calibration has none


def test_a_negation_about_another_part_is_no_contradiction():
    """A point and its evidence are compared where they speak of the same thing: the point's
    "不推诿" does not turn an apology into a contradiction, nor does the answer's "not eight
    Excel files" turn a single log into one; a denial of that same thing still is."""
    apology = "一开始就真诚道歉，主动承担责任，不推诿"
    assert not contradicts(apology, "我先真诚道歉，说这是我们的责任")
    assert contradicts(apology, "我没有道歉")
    owns = "Opens with a sincere apology and takes ownership, without passing the blame"
    assert not contradicts(owns, "Somewhere quiet, I open with an apology: that's on us")
    assert contradicts(owns, "I didn't open with an apology")
    log = "Logs every complaint under one number in a central system"
    assert not contradicts(log, "one complaint log in the ticketing system, not eight Excel files")
    assert contradicts(log, "we never log complaints in a system")


def test_a_point_both_done_and_not_done_is_contradicted_by_neither_alone():
    """A point with a plain part and a negated one ("道歉，主动担责，不推诿") read against a clause
    it shares no term with (across languages, say) has no one polarity to contradict."""
    point = "一开始就真诚道歉，主动承担责任，不推诿"
    assert not contradicts(point, "I take the blame myself")
    assert not contradicts(point, "I won't pass it on to anyone")
    assert contradicts("先倾听", "I don't listen")


def test_a_turned_down_alternative_is_a_part_of_its_own_and_an_averted_outcome_no_negation():
    """ "In person rather than by email" does what the point asks and turns down what a point
    against email asks not to do: it contradicts neither. A point asking for a fix "so it
    does not happen again" is not negated (as "防止再次发生" is not)."""
    in_person = "I told the team in person rather than by email"
    assert not contradicts("Tells the team in person", in_person)
    assert not contradicts("Does not announce it by email", in_person)
    assert not contradicts("当面告诉团队", "我是当面告诉团队的，而不是发邮件")
    assert not contradicts("不用邮件通知", "我是当面告诉团队的，而不是发邮件通知")
    assert not contradicts("当面告诉团队", "不是发邮件，而是当面告诉团队")
    assert contradicts("当面告诉团队", "我没有当面告诉团队")
    coach = ["Coaches them on the facts rather than simply fining them"]
    assert not rejects("I wouldn't fine her", coach)
    assert rejects("I wouldn't bother coaching her on the facts", coach)
    point = "Fixes the process so it does not happen again"
    assert not polarity(point)[0]
    assert not contradicts(point, "I fixed the process")
    assert not polarity("Hands over properly so nothing drops")[0]
