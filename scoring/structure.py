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

# Comfortable speaking pace in interview answers: about 3.5 Chinese characters or
# 2 English words a second; a written answer is a compressed version of that.
CHARS_PER_SECOND = {"zh": 1.2, "en": 1.2}


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
    """A sensible written answer size (in content characters) for the suggested answer time."""
    centre = answer_time_seconds * CHARS_PER_SECOND.get(language, 1.2)
    return int(centre * 0.4), int(centre * 1.6)
