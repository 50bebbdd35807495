"""Lexical evidence: character bigrams for Chinese, word stems for English, IDF-weighted."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

from question_bank.text import normalize_for_matching

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z'-]*|\d+(?:\.\d+)?%?")

ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "me",
        "my",
        "we",
        "our",
        "us",
        "you",
        "your",
        "he",
        "she",
        "they",
        "them",
        "their",
        "his",
        "her",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "not",
        "no",
        "yes",
        "just",
        "also",
        "very",
        "more",
        "most",
        "such",
        "than",
        "too",
        "only",
        "own",
        "same",
        "other",
        "any",
        "each",
        "all",
        "both",
        "few",
        "some",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "there",
        "here",
        "up",
        "down",
        "out",
        "over",
        "under",
        "again",
        "further",
        "once",
        "during",
        "before",
        "after",
        "above",
        "below",
        "between",
        "through",
        "off",
        "s",
        "t",
        "don",
        "doesn",
        "am",
        "i'd",
        "i'll",
        "i'm",
        "we'd",
        "we'll",
        "we're",
        "let",
        "get",
        "got",
        "make",
        "made",
        "one",
        "two",
    ]
)
# Function characters that carry no topic on their own; bigrams made only of them are dropped.
CHINESE_FUNCTION_CHARS = frozenset(
    "的了是在我们你他她它这那和与及或也就都而且但会要把被给对向从到让个些着过吗呢吧啊"
)


def terms(text: str) -> list[str]:
    """The lexical terms of a text: Chinese character bigrams and English word stems."""
    return list(_kept_terms(text) if len(text) <= KEPT_TERMS_CHARS else _terms(text))


KEPT_TERMS_CHARS = 500  # texts this short (rubric texts, clauses) have their terms kept


@lru_cache(maxsize=16384)  # a batch reads each rubric text and clause many times
def _kept_terms(text: str) -> tuple[str, ...]:
    return _terms(text)


def _terms(text: str) -> tuple[str, ...]:
    folded = normalize_for_matching(text)
    out: list[str] = []
    for run in _CJK_RUN.findall(folded):
        if len(run) == 1:
            if run not in CHINESE_FUNCTION_CHARS:
                out.append(run)
            continue
        for i in range(len(run) - 1):
            bigram = run[i : i + 2]
            if not (bigram[0] in CHINESE_FUNCTION_CHARS and bigram[1] in CHINESE_FUNCTION_CHARS):
                out.append(bigram)
    for word in _WORD.findall(folded):
        if word not in ENGLISH_STOPWORDS and len(word) > 1:
            out.append(_stem(word))
    return tuple(out)


def _stem(word: str) -> str:
    for suffix in ("ingly", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


class TermWeights:
    """Inverse document frequency of terms over a corpus of texts.

    Args:
        documents: texts whose term frequencies define which terms are common.
    """

    def __init__(self, documents: Iterable[str] = ()) -> None:
        counts: Counter[str] = Counter()
        n = 0
        for doc in documents:
            counts.update(set(terms(doc)))
            n += 1
        self.n_documents_ = n
        self.document_frequency_ = counts

    def idf(self, term: str) -> float:
        df = self.document_frequency_.get(term, 0)
        return math.log((1 + self.n_documents_) / (1 + df)) + 1.0


def weighted_recall(wanted: Mapping[str, float], found: Iterable[str] | set[str]) -> float:
    """Share of the weight of `wanted` terms that occur in `found` (0 when nothing is wanted)."""
    total = sum(wanted.values())
    if total <= 0:
        return 0.0
    found_set = found if isinstance(found, set) else set(found)
    return sum(w for t, w in wanted.items() if t in found_set) / total


def point_term_weights(
    point_text: str, weights: TermWeights, question_terms: set[str], discount: float = 0.2
) -> dict[str, float]:
    """Weights of a rubric point's terms: IDF, with the question's own wording discounted."""
    out: dict[str, float] = {}
    for term in terms(point_text):
        w = weights.idf(term) * (discount if term in question_terms else 1.0)
        out[term] = max(out.get(term, 0.0), w)
    return out
