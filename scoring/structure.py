"""Structural feedback: STAR elements in behavioral answers, answer length against time."""

from __future__ import annotations

import re

from scoring.report import StarCheck

_SITUATION = re.compile(
    r"当时|那时|那次|有一次|去年|前年|之前在|在.{0,12}(?:公司|团队|部门|期间|时候)|曾经|记得|"
    r"\b(?:when i was|last year|at my (?:last|previous)|once|there was a time|at the time|"
    r"in \d{4}|during)\b",
    re.IGNORECASE,
)
_TASK = re.compile(
    r"任务|目标|负责|职责|我的角色|需要我|要求我|我要|挑战|\b(?:my (?:job|task|role|goal)|"
    r"i was (?:responsible|asked|tasked)|the goal|needed to|had to)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"我(?:先|就|马上|立即|首先|随后|接着|然后|又|还|亲自)|我(?:组织|安排|找|召集|制定|推动|带着|和)|"
    r"\b(?:i (?:first|then|set up|organi[sz]ed|called|met|talked|arranged|introduced|asked|"
    r"decided|worked|started|built|ran))\b",
    re.IGNORECASE,
)
_RESULT = re.compile(
    r"结果|最后|最终|后来|效果|成效|降到|降低了|提升了|提高了|下降了|上升了|恢复|达到|"
    r"\b(?:as a result|in the end|eventually|result|dropped|rose|improved|reduced|increased|"
    r"went (?:up|down)|back to)\b",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|个百分点|分|天|小时|分钟|倍|percent|points?|hours?|days?)"
)

# Calm speaking pace, in content size per second (a CJK character is 1, an English word 2):
# about 3 Chinese characters or 2 English words a second. An answer that would take longer
# than the suggested time to say aloud is long; one that fills under a quarter of it is short.
# The bank's strong example answers use 55-85 % of their time at this pace, partial ones
# 15-25 % (`tests/scoring/test_structure.py` checks the flags against them).
SPEAKING_PACE = {"zh": 3.0, "en": 4.0}
SHORT_SHARE = 0.25


def star_check(answer: str) -> StarCheck:
    """Find situation, task, action and result elements, and whether the result is quantified."""
    return StarCheck(
        situation=bool(_SITUATION.search(answer)),
        task=bool(_TASK.search(answer)),
        action=bool(_ACTION.search(answer)),
        result=bool(_RESULT.search(answer)),
        quantified_result=bool(_QUANTITY.search(answer)),
    )


def suggested_size(answer_time_seconds: int, language: str) -> tuple[int, int]:
    """The answer sizes (content size, as `guards.content_size`) that fit the suggested time:
    from a quarter of it to all of it, said aloud at a calm pace."""
    full = answer_time_seconds * SPEAKING_PACE.get(language, SPEAKING_PACE["zh"])
    return int(full * SHORT_SHARE), int(full)
