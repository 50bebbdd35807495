"""What an answer is scored against: a bank question or a free-form rubric, as rubric
points with their phrasings in each language, and what the rubric's form expects of answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from question_bank.schema import Question
from question_bank.text import to_simplified
from scoring import guards
from scoring.segment import clean_point, language_of, split_clauses

MIN_ANSWER_SIZE = 12  # content characters (a CJK char is 1, an English word 2)
LIST_POINT_SIZE = 10  # free-form points shorter than this (median) are terms: lists expected
ENUMERATION_AT = 0.6  # guards.enumeration of a free-form rubric: it asks for a list
# ...unless it has at least three points with a median of this size: points of prose, each an
# action, ask for a described answer however many commas they hold. Read joined, the points
# of 6 of the bank's 30 questions and 2 of the development bank's 12 looked like one long
# enumeration, and keyword lists to those questions went uncaught (one scored 70).
PROSE_POINT_SIZE = 12
# A rubric of one point is a reference answer: a listed answer is expected and the minimum
# size is an eighth of the point's (at least 3, more than one English word; at most
# `MIN_ANSWER_SIZE`), so "把域名解析成IP地址" can answer what DNS does. Exam-style answers
# (benchmarks/exam-zh, exam-en), Pearson with the guards as for interview rubrics -> a
# quarter -> an eighth -> a sixteenth of the point: zh 0.442 -> 0.493 -> 0.530 -> 0.532,
# en 0.390 -> 0.447 -> 0.457 -> 0.457 (calibration not refitted). Refitted with an eighth:
# sas_zh/LE eval, whose references of one clause are one point, 0.724 -> 0.743; SemEval
# unseen questions 0.474 -> 0.468. 0: no special form.
REFERENCE_FORM = 8


@dataclass(frozen=True)
class PointSpec:
    id: str
    texts: dict[str, tuple[str, ...]]  # language -> anchor texts (the point's phrasings)
    weight: float = 1.0
    advice: dict[str, str] = field(default_factory=dict)
    # More phrasings that only help choose the clause cited as evidence (a bank point's
    # strong form). The probability reads `texts`, and the cited clause only through whether
    # a nearby negation rejects the point (`engine._rejected`); a free-form point typed from
    # a bank point's text takes its strong form too (`Scorer._with_strong_forms`), so a bank
    # question and its texts typed as a free-form rubric score the same.
    evidence_texts: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """What an answer is scored against: a bank question or a free-form rubric."""

    question_id: str | None
    category: str | None
    question_text: dict[str, str]
    points: tuple[PointSpec, ...]
    points_possible: float = 10.0
    answer_time_seconds: int | None = None
    # Answers shorter than this (content characters) cannot show a point: they are capped.
    min_answer_size: int = MIN_ANSWER_SIZE
    # The rubric is itself a list of terms, so a listed answer is the expected form and the
    # keyword-list guard does not apply (it does for interview answers that should be prose).
    lists_expected: bool = False

    # The languages the rubric's texts are written in: an answer in another language is
    # scored on cross-lingual semantic evidence alone (lexical overlap means nothing there).
    languages: frozenset[str] = frozenset({"zh", "en"})
    # A reference answer (a rubric of one text, `from_reference`): an answer's share of its
    # terms moves a short answer's score (`features.term_precision`).
    reference: bool = False

    def topic(self, language: str) -> str:
        """What the answer should be about, for the semantic evidence read against the
        question: the question's text, or for a rubric typed without one its points joined.

        The calibrators read each point relative to its question (a vague answer is as near
        the point as the question is); with no question at all, vague, off-topic and
        restated answers to the development bank scored 85-96 where they score 4-28 with it.
        """
        text = self.question_text.get(language, "")
        if text.strip():
            return text
        separator = "；" if language == "zh" else "; "
        return separator.join((p.texts.get(language) or p.texts["zh"])[0] for p in self.points)

    @classmethod
    def from_question(cls, question: Question) -> Target:
        """The target of a bank question: its rubric points in both languages.

        Built like `from_texts` from the same texts (each point's text is its one anchor), so
        the bank path and a free-form rubric typed from the question's own texts are judged
        by the same rules; the strong form only helps choose the clause cited as evidence.
        """
        points = tuple(
            PointSpec(
                id=p.id,
                texts={lang: (clean_point(p.text.get(lang)),) for lang in ("zh", "en")},
                weight=p.weight,
                advice={lang: (p.strong or p.text).get(lang) for lang in ("zh", "en")},
                evidence_texts={
                    lang: (p.strong.get(lang),) if p.strong is not None else ()
                    for lang in ("zh", "en")
                },
            )
            for p in question.rubric
        )
        return cls(
            question.id,
            question.category,
            {"zh": question.question.zh, "en": question.question.en},
            points,
            float(question.points),
            question.answer_time_seconds,
            **rubric_form([p.text.zh for p in question.rubric], len(question.rubric)),
        )

    @classmethod
    def from_texts(
        cls,
        rubric_points: Sequence[str | Sequence[str]],
        question: str = "",
        points: float = 10.0,
        weights: Sequence[float] | None = None,
    ) -> Target:
        """A target from plain texts (the batch command's free-form rows).

        A rubric point given as a sequence of texts is one point with alternative
        phrasings: matching any of them covers it. A rubric of one text is a reference
        answer (`from_reference`).
        """
        if len(rubric_points) == 1 and isinstance(rubric_points[0], str):
            return cls.from_reference(rubric_points[0], question, points)
        return cls._free_form(rubric_points, question, points, weights)

    @classmethod
    def from_reference(cls, reference: str, question: str = "", points: float = 10.0) -> Target:
        """A target from a reference answer: the reference as a whole (p1) and, when it has
        several clauses, each clause as a point after it, the whole weighing as much as its
        parts together.

        Read whole, a reference misses an answer that gives some of its facts; read by its
        clauses, it misses one that says it all in other words. Both halves against reading
        it whole, refitted (Pearson): sas_zh/LE eval 0.743 -> 0.773 (with LE left out of
        fitting 0.496 -> 0.634), sas_zh/SR eval 0.296 -> 0.322, exam-style zh 0.530 -> 0.530,
        en 0.455 -> 0.502. The interview rows moved by up to 0.013 through that refit; with
        the long-answer calibrators fitted on the datasets' key points (`scoring.fit.SHARES`)
        they are within 0.008 of before.
        """
        parts = split_clauses(reference)
        if len(parts) <= 1:
            return cls._free_form([reference], question, points, reference=True)
        weights = [float(len(parts))] + [1.0] * len(parts)
        return cls._free_form([reference, *parts], question, points, weights, reference=True)

    @classmethod
    def _free_form(
        cls,
        rubric_points: Sequence[str | Sequence[str]],
        question: str,
        points: float,
        weights: Sequence[float] | None = None,
        reference: bool = False,
    ) -> Target:
        specs = []
        for i, point in enumerate(rubric_points):
            phrasings = (point,) if isinstance(point, str) else point
            texts = tuple(to_simplified(clean_point(t)) for t in phrasings)
            specs.append(
                PointSpec(
                    id=f"p{i + 1}",
                    texts={"zh": texts, "en": texts},
                    weight=weights[i] if weights else 1.0,
                    advice={"zh": texts[0], "en": texts[0]},
                )
            )
        main_texts = [spec.texts["zh"][0] for spec in specs]
        form = (
            rubric_form(main_texts[:1], 1)
            if reference
            else rubric_form([t for spec in specs for t in spec.texts["zh"]], len(specs))
        )
        return cls(
            None,
            None,
            {"zh": to_simplified(question), "en": to_simplified(question)},
            tuple(specs),
            float(points),
            **form,
            languages=frozenset({language_of(" ".join(main_texts))}),
            reference=reference,
        )


def rubric_form(anchors: Sequence[str], points: int = 0) -> dict[str, Any]:
    """What the rubric's texts say about the answers it expects: the minimum size (a third
    of the shortest point, at most `MIN_ANSWER_SIZE`: "They stay lit." can answer a short
    reference) and whether it is a list of terms (then a listed answer is the expected form).

    A rubric of one point is a reference answer, and an exam answer may state it in a few
    words or as the list of its terms ("互斥、请求和保持、不可剥夺、循环等待" for the four
    conditions of a deadlock): `REFERENCE_FORM`."""
    sizes = sorted(guards.content_size(t) for t in anchors) or [0]
    median = sizes[len(sizes) // 2]
    prose = len(sizes) >= 3 and median >= PROSE_POINT_SIZE
    if points == 1 and REFERENCE_FORM:
        return {"min_answer_size": max(3, min(MIN_ANSWER_SIZE, sizes[0] // REFERENCE_FORM)),
                "lists_expected": True}  # fmt: skip
    return {
        "min_answer_size": max(2, min(MIN_ANSWER_SIZE, sizes[0] // 3)),
        "lists_expected": median < LIST_POINT_SIZE
        or (not prose and guards.enumeration(" ".join(anchors)) >= ENUMERATION_AT),
    }


def in_context(question_text: str, point_texts: Sequence[str]) -> list[str]:
    """A point's texts read as answers to their question: more anchors for the window and
    whole-answer evidence of the point (none without a question text).

    A rubric point is terse ("先分别单独谈话"); after its question it reads like the part of
    an answer that covers it. On the answers never fitted this raised Spearman from 0.78 to
    0.86 for free-form rubrics (interview-style set) and from 0.80 to 0.82 on the
    development bank, the same for a bank question and its texts typed as a free-form rubric.
    """
    return [f"{question_text} {text}" for text in point_texts] if question_text else []
