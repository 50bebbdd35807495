"""Signals of answers that game a similarity scorer, each a number the scorer can use.

The scorer turns these signals into flags (see `scoring.engine`); this module only measures.
"""

from __future__ import annotations

import re

from scoring.lexical import terms
from scoring.segment import CJK

# A clause that names something only to reject it: "我不会…", "没必要…", "I would not …".
_REJECTION = re.compile(
    r"不会|不需要|没必要|不必|不用|没用|没有用|没什么用|不该|不应该|不打算|不考虑|不赞成|不去|不做|不搞|"
    r"不想|不值得|不可能|没有意义|没意义|浪费时间|多此一举|用不着|犯不着|省掉|跳过|算了|免了|"
    r"\b(?:would\s*n[o']t|wouldn't|won't|will not|don't|do not|never|no need|not going to|"
    r"pointless|waste of time|skip|refuse|not bother|wouldn't bother|unnecessary|not worth)\b",
    re.IGNORECASE,
)
# Negations that introduce a good practice ("不要当众批评", "avoid blaming") are not rejections.
_GOOD_NEGATION = re.compile(
    r"避免|防止|以免|不要当众|不当众|不在.{0,6}面前|不轻易|不随意|绝不推诿|不推卸|不能让|"
    r"\b(?:avoid|prevent|never blame|without blaming)\b",
    re.IGNORECASE,
)
# First person and action words: a list of keywords has none of them.
_ACTION = re.compile(
    r"我|咱们|首先|其次|然后|接着|随后|之后|最后|马上|立即|立刻|会先|会去|要先|先把|再把|"
    r"\b(?:i|we|my|our|would|will|then|first|after|i'd|we'd)\b",
    re.IGNORECASE,
)
_LIST_SEPARATORS = re.compile(r"[、,，;；/|\n]+")


def rejects(clause: str) -> bool:
    """True when the clause names its topic only to reject or dismiss it."""
    return bool(_REJECTION.search(clause)) and not _GOOD_NEGATION.search(clause)


def listness(answer: str) -> float:
    """How much the answer looks like a bare keyword list, from 0 (prose) to 1 (a list).

    A list has several short items between separators and almost no first-person or
    action words.
    """
    items = [i.strip(" 。.!！?？:：") for i in _LIST_SEPARATORS.split(answer)]
    items = [i for i in items if i]
    if len(items) < 3:
        return 0.0
    lengths = [_size(i) for i in items]
    short_share = sum(n <= 8 for n in lengths) / len(items)
    actions = len(_ACTION.findall(answer))
    action_density = actions / max(1.0, sum(lengths) / 15)
    return max(0.0, min(1.0, short_share * (1.0 - min(1.0, action_density))))


def copy_ratio(answer: str, question: str) -> float:
    """Share of the answer's terms that come from the question text (0 to 1)."""
    answer_terms = terms(answer)
    if not answer_terms:
        return 0.0
    question_terms = set(terms(question))
    return sum(t in question_terms for t in answer_terms) / len(answer_terms)


def content_size(text: str) -> int:
    """Size of a text in 'characters': a CJK character is one, an English word is two."""
    return _size(text)


def _size(text: str) -> int:
    return len(CJK.findall(text)) + 2 * len(re.findall(r"[A-Za-z0-9]+", text))
