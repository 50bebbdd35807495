from scoring.features import spans_of
from scoring.segment import (
    clean_point,
    full_width_punctuation,
    language_of,
    sentence_ids,
    split_clauses,
)


def test_chinese_sentences_and_enumerations():
    text = "我会先分别找两个人谈。然后开会！1.调整分工 2、提供培训 ③跟进效果"
    assert split_clauses(text) == [
        "我会先分别找两个人谈。",
        "然后开会！",
        "调整分工",
        "提供培训",
        "跟进效果",
    ]


def test_long_chinese_sentence_is_split_at_commas():
    text = "我会先把两位同事分别请到会议室里单独聊一聊，听听他们各自的想法和困难，再把冲突的根源梳理清楚，最后拿出一个大家都能接受的分工方案。"
    clauses = split_clauses(text)
    assert len(clauses) >= 2
    assert "".join(clauses).replace("，", "") in text.replace("，", "")


def test_english_sentences_and_bullets():
    text = "First, I would talk to each of them privately. Then I'd call a meeting.\n- adjust roles\n- training"
    assert split_clauses(text) == [
        "First, I would talk to each of them privately.",
        "Then I'd call a meeting.",
        "adjust roles",
        "training",
    ]


def test_decimal_numbers_are_not_enumerations():
    assert split_clauses("响应时间从 2.5 小时降到 1.2 小时。") == [
        "响应时间从 2.5 小时降到 1.2 小时。"
    ]


def test_empty_and_punctuation_only():
    assert split_clauses("") == []
    assert split_clauses("。。。!!") == []


def test_language_of():
    assert language_of("我会先和客户沟通") == "zh"
    assert language_of("I would call the customer back") == "en"
    assert language_of("I would talk to 客户 first") == "en"
    assert language_of("我会用CRM系统跟进") == "zh"


def test_no_clause_is_longer_than_the_cap_however_the_text_is_made():
    from scoring.segment import MAX_CLAUSE_CHARS, _length

    prose = "我先把他们分别叫到会议室单独聊听听各自的想法发现其实都是为了客户好只是方法不同" * 300
    for text in ("好，" * 10_000, "a," * 10_000, prose, "word " * 5_000):
        clauses = split_clauses(text)
        assert clauses
        assert max(_length(c) for c in clauses) <= 2 * MAX_CLAUSE_CHARS
        assert sum(len(c) for c in clauses) >= 0.9 * len(text.replace(" ", "").replace(",", ""))


def test_sentence_ids_number_the_sentences_of_the_clauses():
    text = (
        "我先把他们分别叫到会议室单独聊，听听各自的想法，发现其实都是为了客户好，只是方法不同，"
        "这个过程花了一个下午。然后我把两人叫到一起；再定了规范\nFirst I called him, then I "
        "wrote it all down for the team. Done"
    )
    clauses = split_clauses(text)
    ids = sentence_ids(text, spans_of(text, clauses))
    assert ids == sorted(ids) and ids[0] == 0
    by_clause = dict(zip(clauses, ids, strict=True))
    first = [c for c in clauses if "单独聊" in c or "方法不同" in c]
    assert len(first) >= 2 and {by_clause[c] for c in first} == {0}  # commas keep one sentence
    assert by_clause[next(c for c in clauses if "叫到一起" in c)] == 1
    assert by_clause[next(c for c in clauses if "规范" in c)] == 2  # after a semicolon
    assert by_clause[next(c for c in clauses if c.startswith("First"))] == 3  # a line break
    assert by_clause["Done"] == 4


def test_chinese_without_punctuation_is_split_into_clause_sized_pieces():
    text = (
        "我先把两个人分开叫到会议室聊了聊听他们各自的想法然后把当天的排班调开避免正面冲突"
        "再让他们一起整理一份高峰期的应答规范后来那周的投诉量慢慢降下来了"
    )
    clauses = split_clauses(text)
    assert len(clauses) >= 3
    assert all(len(c) <= 48 for c in clauses)  # as a punctuated sentence would be
    assert "".join(clauses) == text
    assert any(c.startswith("然后") for c in clauses)  # cut where a clause starts
    assert any(c.startswith("后来") for c in clauses)


def test_spaces_between_chinese_words_split_like_commas():
    with_commas = (
        "我先把两个人分开叫到会议室聊了聊，听他们各自的想法，然后把当天的排班调开，"
        "避免正面冲突，再让他们一起整理一份高峰期的应答规范"
    )
    with_spaces = with_commas.replace("，", " ")
    assert [c.replace("，", "") for c in split_clauses(with_commas)] == [
        c.replace(" ", "") for c in split_clauses(with_spaces)
    ]
    assert len(split_clauses(with_spaces)) == 3


def test_a_rubric_point_loses_its_list_marker_and_full_stop_and_nothing_else():
    for marked in ("1. 先单独谈话", "2、先单独谈话", "（3）先单独谈话", "(4) 先单独谈话", "③先单独谈话",
                   "一、先单独谈话", "- 先单独谈话", "• 先单独谈话"):  # fmt: skip
        assert clean_point(marked) == "先单独谈话", marked
    assert clean_point("2. 先单独谈话。") == "先单独谈话"
    assert clean_point("- Talk to each of them alone.") == "Talk to each of them alone"
    for plain in ("1.5倍的人手", "3D printing", "2023年的复盘", "24 hours a day", "1."):
        assert clean_point(plain) == plain


def test_half_width_punctuation_in_chinese_reads_as_full_width_in_place():
    typed = "我先道歉,然后查原因. 退款3.5元,用CRM,再(比如)跟进!"
    read = full_width_punctuation(typed)
    assert read == "我先道歉，然后查原因。 退款3.5元，用CRM，再（比如）跟进！"
    assert len(read) == len(typed)  # offsets into the answer still hold
    english = "I called Mr. Li at 3.5 p.m., then we fixed it (quickly)."
    assert full_width_punctuation(english) == english


def test_english_run_on_without_punctuation_is_cut_where_clauses_start():
    text = (
        "i called the customer back the same day and apologised then i asked finance to check "
        "the refund because the bank had returned it and i kept him updated every two hours "
        "until it was fixed after that we added an alert for returned refunds"
    )
    clauses = split_clauses(text)
    assert len(clauses) >= 4
    assert " ".join(clauses) == text
    assert any(c.startswith("because") for c in clauses)
    assert any(c.startswith("after that") for c in clauses)
    sentence = "I would talk to each of them on their own first and hear what they think went wrong"
    assert split_clauses(sentence) == [sentence]  # a long sentence as written stays whole


def test_an_english_run_on_without_clause_starts_is_cut_into_clause_sized_pieces():
    """A terse plan said aloud: no commas, full stops or words that start a clause."""
    text = (
        "eight ordered steps intake confirm details analyse design a fix implement confirm "
        "resolution follow up archive intake stamps the time the call connected confirming "
        "checks the customer's id and order reference analysis tags it fault order issue or "
        "enquiry the fix is written out implementation logs what changed"
    )
    clauses = split_clauses(text)
    letters = [sum(ch.isalnum() for ch in c) for c in clauses]
    assert len(clauses) >= 4 and all(40 <= n <= 80 for n in letters)  # about 11 words each
    assert " ".join(clauses) == text
    assert [text[a:b] for a, b in spans_of(text, clauses)] == clauses


def test_a_pronoun_after_the_word_it_is_the_object_of_is_not_cut_from_it():
    text = (
        "然后呢中间一直跟他保持联系每天上午下午各打一个电话告诉他现在进展到哪一步了"
        "让他不用再自己打进来问问题解决以后再回访一次看看他满不满意"
    )
    clauses = split_clauses(text)
    assert "".join(clauses) == text
    assert not any(c.startswith("他") for c in clauses)
    assert any("让他不用再自己" in c for c in clauses)


def test_spaces_for_commas_stay_between_the_parts_of_a_joined_clause():
    text = "说实话我觉得不用搞那么复杂 多渠道接入没必要 客户打电话就够了 工单系统也是形式主义 客服自己记个本子就行"
    clauses = split_clauses(text)
    assert "多渠道接入没必要 客户打电话就够了" in clauses
    assert all(c in text for c in clauses)
