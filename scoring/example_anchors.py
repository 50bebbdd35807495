"""More phrasings of each rubric point, read from the bank's graded example answers: for
each point a strong or partial example covers (`covers` in the bank file), the passages a
trainer marked as making it (`evidence`), or else the part of the example the scorer cites.

A rubric point is a short, general sentence ("先冷静下来，分别与两人单独谈话"); candidates say
it in their own words, about their own situation ("我先把他们分别叫到会议室单独聊"). The
examples' cited parts are such words. They join the point's texts as anchors of its semantic
evidence (best clause, pair of clauses, whole answer, and the question's own fit), not of the
cited clause, which stays chosen by the point's texts and strong form, nor of the lexical
evidence and the guards. An example never anchors itself, so the bank's examples are read
as answers never seen when the calibrators are fitted and benchmarked.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from question_bank.schema import Question

EXAMPLE_KINDS = frozenset({"strong", "partial"})  # examples that genuinely cover points
MAX_ANCHORS = 12  # per point and language: a trainer's question with many examples stays cheap


class ExamplePart(NamedTuple):
    """The part of one example answer read as a phrasing of a rubric point."""

    example_id: str
    plain: str  # the example's text as `_plain` reads it: how it is recognised
    part: str
    marked: bool = False  # marked by a trainer (else the part the scorer cites)


@dataclass(frozen=True)
class ExampleAnchors:
    """One question's anchors: per (point index, language), the examples' parts."""

    by_point: dict[tuple[int, str], tuple[ExamplePart, ...]]

    @classmethod
    def build(
        cls, question: Question, cited: Callable[[Question, str], list[str]]
    ) -> ExampleAnchors:
        """`cited(question, text)` gives, per rubric point, the part of `text` the scorer
        cites for it (read without example anchors); it is asked only for an example with a
        covered point that no trainer marked."""
        by_point: dict[tuple[int, str], list[ExamplePart]] = {}
        for example in question.examples:
            if example.kind not in EXAMPLE_KINDS or not example.covers:
                continue
            unmarked = any(not example.marked(c) for c in example.covers)
            parts = cited(question, example.text) if unmarked else None
            for index, point in enumerate(question.rubric):
                if point.id not in example.covers:
                    continue
                marked = example.marked(point.id)
                joiner = " " if example.language == "en" else ""
                part = joiner.join(marked) if marked else parts[index] if parts else ""
                if part.strip():
                    read = ExamplePart(example.id, _plain(example.text), part, bool(marked))
                    by_point.setdefault((index, example.language), []).append(read)
        return cls({key: tuple(pairs) for key, pairs in by_point.items()})

    def for_point(self, index: int, language: str, answer: str) -> tuple[str, ...]:
        """The point's anchors from its question's examples in `language`, none taken from
        an example that is `answer` (whatever its case, width, spacing or punctuation)."""
        own = _plain(answer)
        read = self.by_point.get((index, language), ())
        return tuple(p.part for p in read if p.plain != own)[:MAX_ANCHORS]

    def parts(self, index: int, language: str) -> tuple[ExamplePart, ...]:
        """The point's parts in `language` that an answer (not one of these examples) is
        read with: at most `MAX_ANCHORS`, in the order of the examples."""
        return self.by_point.get((index, language), ())[:MAX_ANCHORS]


@lru_cache(maxsize=64)  # an answer is compared once per point
def _plain(text: str) -> str:
    """The text's letters and digits, without case or full-width forms: an example is
    recognised however it is typed or punctuated."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())
