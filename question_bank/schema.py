"""The data model of a question bank: banks, questions, rubric points, graded examples.

Every text a user reads is bilingual (`LocalizedText`: Simplified Chinese and English).
Graded example answers are written in one language each and say which one.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from question_bank.messages import (
    ID_PATTERN,
    Message,
    marked_not_covered,
    marked_not_in_text,
    repeated_ids,
    rule_error,
    unknown_points,
)

Category = Literal["behavioral", "situational", "technical", "stress"]
CATEGORIES: tuple[str, ...] = get_args(Category)

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = get_args(Difficulty)

Language = Literal["zh", "en"]
LANGUAGES: tuple[str, ...] = get_args(Language)

ExampleKind = Literal[
    "strong",  # covers every rubric point, with concrete actions
    "partial",  # a genuine answer that covers some points
    "weak",  # a genuine but thin answer
    "vague",  # professional-sounding talk with no concrete content
    "off_topic",  # a good answer to a different question
    "restatement",  # repeats the question back
    "keyword_list",  # a bare list of the rubric's keywords
    "rejects_points",  # names each point only to reject it
]
EXAMPLE_KINDS: tuple[str, ...] = get_args(ExampleKind)
GAMED_KINDS: frozenset[str] = frozenset(
    {"vague", "off_topic", "restatement", "keyword_list", "rejects_points"}
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class LocalizedText(_Strict):
    """A text in Simplified Chinese and English; both are required and non-empty."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        """Return the text in `language` ("zh" or "en"), Chinese for anything else."""
        return self.en if language == "en" else self.zh


class RubricPoint(_Strict):
    """One thing a good answer does; the scorer checks each point separately."""

    id: str = Field(pattern=ID_PATTERN)
    text: LocalizedText
    weight: float = Field(default=1.0, gt=0)
    strong: LocalizedText | None = None  # what a strong answer to this point sounds like
    weak: LocalizedText | None = None  # what a weak answer to this point sounds like


Passage = Annotated[str, Field(min_length=1)]  # an exact part of an example's text


class ExampleAnswer(_Strict):
    """A graded sample answer: a model or an anti-model for trainers, data for calibration."""

    id: str = Field(pattern=ID_PATTERN)
    kind: ExampleKind
    language: Language
    grade: float = Field(ge=0, le=10)  # as an experienced interviewer would grade it
    covers: tuple[str, ...] = ()  # rubric point ids the answer genuinely covers
    text: str = Field(min_length=1)
    comment: str | None = None  # why it got this grade
    # Per covered point id, the passages of `text` that make the point, as a trainer marked
    # them; the scorer reads them as the point's phrasings (else it reads the part it cites).
    evidence: dict[str, tuple[Passage, ...]] | None = None  # None when nothing is marked

    @field_validator("evidence")
    @classmethod
    def _marked_in_answer(
        cls, evidence: dict[str, tuple[str, ...]] | None, info: ValidationInfo
    ) -> dict[str, tuple[str, ...]] | None:
        if not evidence:
            return None
        example_id = info.data.get("id", "?")
        covers, text = info.data.get("covers"), info.data.get("text")
        for point_id, passages in evidence.items():
            if covers is not None and point_id not in covers:
                raise rule_error(marked_not_covered(example_id, point_id))
            for passage in passages:
                if text is not None and passage not in text:
                    raise rule_error(marked_not_in_text(example_id, point_id, passage))
        return {point_id: passages for point_id, passages in evidence.items() if passages} or None

    def marked(self, point_id: str) -> tuple[str, ...]:
        """The passages a trainer marked as making `point_id` (none if not marked)."""
        return (self.evidence or {}).get(point_id, ())

    def __hash__(self) -> int:  # frozen models hash their fields; a dict has no hash
        fields = {**self.__dict__, "evidence": tuple(sorted((self.evidence or {}).items()))}
        return hash(tuple(fields.items()))


class Source(_Strict):
    document: str = Field(min_length=1)
    section: str | None = None


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    bank: str = Field(pattern=ID_PATTERN)
    category: Category
    title: LocalizedText
    question: LocalizedText
    competencies: tuple[LocalizedText, ...] = Field(min_length=1)
    points: int = Field(gt=0)  # the question's points value in the exam (10, 12, 15 ...)
    difficulty: Difficulty = "medium"
    answer_time_seconds: int = Field(default=180, gt=0)
    tags: tuple[str, ...] = ()
    source: Source
    rubric: tuple[RubricPoint, ...] = Field(min_length=1)
    reference_answer: LocalizedText | None = None
    follow_ups: tuple[LocalizedText, ...] = ()
    examples: tuple[ExampleAnswer, ...] = ()

    @field_validator("tags")
    @classmethod
    def _tags_not_blank(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        if any(not t.strip() for t in tags):
            raise rule_error(Message("标签不能为空白", "tags must not be blank"))
        return tuple(t.strip() for t in tags)

    @field_validator("rubric")
    @classmethod
    def _point_ids_unique(cls, rubric: tuple[RubricPoint, ...]) -> tuple[RubricPoint, ...]:
        repeated = _repeats([p.id for p in rubric])
        if repeated:
            raise rule_error(repeated_ids("评分要点", "rubric point", repeated))
        return rubric

    @field_validator("examples")
    @classmethod
    def _examples_consistent(
        cls, examples: tuple[ExampleAnswer, ...], info: ValidationInfo
    ) -> tuple[ExampleAnswer, ...]:
        repeated = _repeats([e.id for e in examples])
        if repeated:
            raise rule_error(repeated_ids("示例", "example", repeated))
        rubric = info.data.get("rubric")
        if rubric is not None:
            known = {p.id for p in rubric}
            for example in examples:
                unknown = [c for c in example.covers if c not in known]
                if unknown:
                    raise rule_error(unknown_points(example.id, unknown))
        return examples

    def point(self, point_id: str) -> RubricPoint:
        """Return the rubric point with id `point_id` (KeyError if absent)."""
        for p in self.rubric:
            if p.id == point_id:
                return p
        raise KeyError(point_id)


class Bank(_Strict):
    """A bank's own metadata (its `bank.yaml`); its questions are loaded beside it."""

    id: str = Field(pattern=ID_PATTERN)
    name: LocalizedText
    role: LocalizedText
    description: LocalizedText | None = None


def _repeats(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({i for i in ids if i in seen or seen.add(i)})
