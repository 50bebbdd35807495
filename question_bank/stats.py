"""Counts that describe a bank: questions per bank and category, languages, rubric points,
graded example answers per kind and language."""

from __future__ import annotations

from collections import Counter
from typing import Any

from question_bank.loader import BankSet
from question_bank.schema import CATEGORIES, EXAMPLE_KINDS, LANGUAGES, LocalizedText, Question


def bank_stats(bank_set: BankSet) -> dict[str, Any]:
    """Summarise a loaded bank set as plain data (what `stats --json` prints)."""
    questions = bank_set.questions
    point_counts = [len(q.rubric) for q in questions]
    examples = [e for q in questions for e in q.examples]
    return {
        "questions": len(questions),
        "banks": {
            bank_id: {
                "questions": len(bank_set.in_bank(bank_id)),
                "categories": _count(q.category for q in bank_set.in_bank(bank_id)),
            }
            for bank_id in sorted({q.bank for q in questions} | set(bank_set.banks))
        },
        "categories": {c: sum(q.category == c for q in questions) for c in CATEGORIES},
        "languages": {
            lang: {
                "questions_complete": sum(_complete(q, lang) for q in questions),
                "examples": sum(e.language == lang for e in examples),
            }
            for lang in LANGUAGES
        },
        "rubric_points": {
            "total": sum(point_counts),
            "min_per_question": min(point_counts, default=0),
            "max_per_question": max(point_counts, default=0),
        },
        "examples": {
            "total": len(examples),
            "by_kind": {k: sum(e.kind == k for e in examples) for k in EXAMPLE_KINDS},
            "questions_without_examples": sum(not q.examples for q in questions),
        },
        "reference_answers": sum(q.reference_answer is not None for q in questions),
        "problems": len(bank_set.problems),
    }


def _count(values: Any) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _complete(question: Question, language: str) -> bool:
    """True when every user-facing text of the question is present in `language`."""
    texts: list[LocalizedText | None] = [
        question.title,
        question.question,
        *question.competencies,
        question.reference_answer,
        *question.follow_ups,
    ]
    for point in question.rubric:
        texts += [point.text, point.strong, point.weak]
    return all(bool(t.get(language).strip()) for t in texts if t is not None)
