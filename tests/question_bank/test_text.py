from question_bank.text import normalize_for_matching, to_simplified


def test_traditional_to_simplified():
    assert to_simplified("客戶投訴處理") == "客户投诉处理"


def test_simplified_and_english_unchanged():
    assert to_simplified("客户投诉处理") == "客户投诉处理"
    assert to_simplified("Complaint handling") == "Complaint handling"


def test_normalize_for_matching_folds_width_case_and_script():
    assert normalize_for_matching("ＶＩＰ  客戶,Ｈｅｌｌｏ") == "vip 客户,hello"
