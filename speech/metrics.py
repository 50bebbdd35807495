"""Word and character error rates, for the benchmark and the tests."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9']+")


def _distance(reference: list[str], hypothesis: list[str]) -> int:
    """Levenshtein distance between two token lists (substitutions, insertions, deletions)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def words(text: str) -> list[str]:
    """Lower-case English words without punctuation."""
    return _WORD.findall(text.lower().replace("’", "'"))


def characters(text: str) -> list[str]:
    """The letters and digits of a (Chinese) text, without punctuation or spaces."""
    return [c for c in text if unicodedata.category(c)[0] in "LN"]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of `hypothesis` against `reference` (0 is perfect)."""
    ref = words(reference)
    return _distance(ref, words(hypothesis)) / max(len(ref), 1)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of `hypothesis` against `reference` (0 is perfect)."""
    ref = characters(reference)
    return _distance(ref, characters(hypothesis)) / max(len(ref), 1)
