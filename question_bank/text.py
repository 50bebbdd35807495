"""Text normalisation shared by the bank loader and the scorer."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional Chinese characters to Simplified; other text is unchanged."""
    if not text or text.isascii():
        return text
    return _t2s().convert(text)


def normalize_for_matching(text: str) -> str:
    """Fold a text for comparison: NFKC (full-width to half-width), Simplified, lower case.

    Args:
        text: any user or bank text.

    Returns:
        The folded text; line breaks are kept, runs of spaces collapsed.
    """
    folded = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    return "\n".join(" ".join(line.split()) for line in folded.splitlines())
