"""The one place for names: every table covers its ids in both languages."""

from question_bank.schema import CATEGORIES, DIFFICULTIES
from services import names


def test_every_bank_category_and_difficulty_has_both_names():
    for category in CATEGORIES:
        zh, en = names.CATEGORY_NAMES[category]
        assert zh and en and zh != en
        assert names.category_name(category, "zh") == zh
        assert names.category_name(category, "en") == en
    for difficulty in DIFFICULTIES:
        assert names.difficulty_name(difficulty, "en") == names.DIFFICULTY_NAMES[difficulty][1]


def test_point_ratings_and_statuses_share_names():
    for level, status in names.POINT_LEVELS.items():
        assert names.point_rating_name(level, "zh") == names.status_name(status, "zh")
        assert names.MACHINE_LEVEL[status] == level
    assert names.status_name("partial", "zh") == "部分覆盖"
    assert names.status_name("missing", "en") == "Missing"


def test_unknown_ids_fall_back_to_the_id():
    assert names.category_name("cooking", "zh") == "cooking"
    assert names.status_name("odd", "en") == "odd"


def test_app_pages_common_uses_the_same_names():
    from app_pages import common

    assert common.CATEGORY_NAMES is names.CATEGORY_NAMES
    assert common.ROLE_NAMES is names.ROLE_NAMES
