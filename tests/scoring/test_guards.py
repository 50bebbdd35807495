from scoring.guards import copy_ratio, listness, rejects


def test_rejection_in_chinese_and_english():
    assert rejects("我不会去找他们单独谈,那太浪费时间")
    assert rejects("开会也没用")
    assert rejects("I would not bother talking to them one by one")
    assert not rejects("我会先分别找他们单独谈")


def test_good_practice_negations_are_not_rejections():
    assert not rejects("避免在团队面前批评他")
    assert not rejects("I would avoid blaming anyone in public")


def test_keyword_list_scores_high_and_prose_low():
    assert listness("单独沟通、分析原因、团队会议、调整分工、跟进反馈。") >= 0.8
    assert listness("Private talks, root cause, team meeting, new roles, follow-up.") >= 0.6
    prose = "我会先分别找两个人聊,了解他们的想法;然后开个会,让大家把分歧摆出来,最后调整分工并两周后复盘。"
    assert listness(prose) < 0.5


def test_copy_ratio():
    question = "两名资深客服因工作方法分歧导致团队效率下降,作为主管你如何处理?"
    assert copy_ratio("两名资深客服因工作方法分歧,导致团队效率下降,作为主管要处理", question) > 0.8
    assert copy_ratio("我会先单独约谈两个人,再一起定规则", question) < 0.3
