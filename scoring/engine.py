"""The scorer: rubric-point coverage with evidence, guards, calibrated scores.

    scorer = Scorer.from_settings(bank_questions)
    report = scorer.score(question, "我会先……")

For each rubric point the scorer gathers semantic evidence (best clause, adjacent clauses
together, whole answer; cosines taken relative to unrelated background sentences so that
models with different cosine ranges give comparable numbers; short neighbouring clauses are
embedded as one text, and the pair and whole-answer vectors are sums of clause vectors; a
bank question's point, or a point typed with a bank point's text, is also read through the
parts of the question's strong and partial example answers that cover it,
`scoring.example_anchors`, and then takes its domain's "+ex" calibrator),
lexical evidence (IDF-weighted character bigrams / word stems, the question's own wording
discounted) and a contradiction check (negation, more/less), adds answer-level signals
(keyword list, copied question, off-topic, length), and turns them into a probability with
the fitted calibrators that fit the answer: long and short answers' blended by its size, or
the cross-lingual one when the rubric is not written in the answer's language; never chosen
by where the rubric came from (`Scorer._logits`). Each clause is also embedded alone, and the
evidence cited for a point is the run of up to three clauses of one sentence that supports it
against the other points (`choose_evidence`; a lead-in too short to be proof is passed over).
The guards of `scoring.guard_table` (too short, keyword list, copied question, off-topic,
unrelated, rejected points) cap the probabilities and are the flags shown; they are judged
against the target: a rubric of terms expects a listed answer, short points allow short
answers.

The pipeline's parts have modules of their own: what an answer is scored against
(`scoring.target`), the evidence features and the choice of the cited clause
(`scoring.features`), the guards (`scoring.guard_table`), the calibrators and score maps
(`scoring.calibration`, fitted by `scoring.fit`) and the report (`scoring.report`).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.special import expit

from question_bank.schema import Question
from question_bank.text import to_simplified
from scoring import guard_table, guards
from scoring.calibration import EXAMPLES_DOMAIN, NEUTRAL_PRECISION, Calibration
from scoring.encoders import DEFAULT_ENCODER, CachedEncoder, EncoderChoice, load_encoder
from scoring.example_anchors import ExampleAnchors, ExamplePart
from scoring.features import (
    BACKGROUND,
    FEATURE_SIGNS,
    FEATURES,
    GENERIC,
    AnswerEvidence,
    Generality,
    choose_evidence,
    choose_evidence_in_order,
    clause_runs,
    coverage_share,
    embedding_units,
    generality,
    longness,
    relative,
    relative_to_points,
    run_vectors,
    sem_best_of,
    short_run_cost,
    spans_of,
    specificity,
    term_precision,
)
from scoring.guard_table import MAX_ANSWER_CHARS
from scoring.lexical import TermWeights, point_term_weights, terms, weighted_recall
from scoring.question_fit import ExampleFit
from scoring.report import Flag, PointResult, ScoreReport, status_of
from scoring.segment import full_width_punctuation, language_of, sentence_ids, split_clauses
from scoring.structure import star_check, suggested_size
from scoring.target import MIN_ANSWER_SIZE, PointSpec, Target, in_context

PREPARE_BATCH = 256  # texts per encoder call in `Scorer.prepare`
# The bank's example answers embedded, per encoder and examples: every scorer of a process
# shares them (the app makes a scorer per bank revision, and its tests clear its caches).
_EXAMPLE_FITS: dict[tuple, ExampleFit] = {}
# ...and each question's examples' cited parts (`ExampleAnchors`), read when the question is
# first scored: about half a second a question, where the whole bank at once took 15-50 s.
# Read as if the question's own bank were the only one loaded (`Scorer._bank_scorer`): the
# cited parts follow term weights, and a bank added for another role must not move them.
_EXAMPLE_ANCHORS: dict[tuple, ExampleAnchors] = {}
EXAMPLE_ANCHORS_KEPT = 2_000
POINT_WEIGHTS_KEPT = 20_000  # rubric texts x question texts whose term weights a scorer keeps
EXAMPLE_FITS_KEPT = 8
EVIDENCE_PER_CLAUSE = True  # each clause also embedded alone, to choose the cited clause


class Scorer:
    """Scores answers against rubric points.

    Args:
        encoder: a (cached) sentence encoder, or None for lexical-only scoring.
        context: questions of the bank, used for term weights and off-topic detection.
        offsets: per-question logit offsets fitted by trainers' calibration (kept in the
            app's database: `services.rubric_lab.question_offsets`).
        warnings: messages to show with every report (e.g. why the model did not load).
        calibration: the fitted calibration; if None, the committed one for the encoder.
    """

    def __init__(
        self,
        encoder: CachedEncoder | None,
        context: Iterable[Question] = (),
        offsets: dict[str, float] | None = None,
        warnings: Sequence[str] = (),
        calibration: Calibration | None = None,
    ) -> None:
        self.encoder = encoder
        self.encoder_name = encoder.name if encoder is not None else "lexical"
        self.warnings = list(warnings)
        if calibration is None:
            calibration = Calibration.load(self.encoder_name)
            if calibration is None and encoder is not None:
                calibration = Calibration.load(DEFAULT_ENCODER)
                self.warnings.append(
                    f"No calibration is fitted for {self.encoder_name}"
                    + (
                        f"; using the {DEFAULT_ENCODER} one."
                        if calibration
                        else "; scores are uncalibrated."
                    )
                    + " Run `python -m scoring --encoder NAME fit` to fit one."
                )
        if calibration is not None and calibration.feature_names() - {FEATURES}:
            self.warnings.append(
                f"The calibration for {self.encoder_name} was fitted on other features; "
                "scores are uncalibrated until `python -m scoring fit` is run again."
            )
            calibration = None
        self.calibration = calibration or Calibration()
        self.context = {q.id: q for q in context}
        corpus = [t for q in self.context.values() for t in _question_texts(q)]
        self.term_weights = TermWeights(corpus)
        self._context_key = hash(tuple(corpus))  # the term weights' texts: anchors depend on them
        self.offsets = dict(offsets or {})
        self._centroids: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        self._example_fit: list[ExampleFit] = []  # built on first use, shared with copies
        self._point_texts: dict[str, tuple[str, int]] | None = None  # bank point text -> where
        self._point_weights: dict[tuple[str, str], dict[str, float]] = {}  # shared with copies
        self._bank_scorers: dict[str, Scorer] = {}  # per bank: `_bank_scorer`, shared with copies

    def with_calibration(self, calibration: Calibration) -> Scorer:
        """This scorer (same encoder, bank context, term weights and cached rubric
        embeddings) with another calibration and no per-question offsets: for fitting,
        cross-validation and the benchmark's comparisons."""
        other = copy.copy(self)
        other.calibration, other.offsets, other.warnings = calibration, {}, list(self.warnings)
        return other

    @classmethod
    def from_settings(
        cls, context: Iterable[Question] = (), encoder_spec: str | None = None
    ) -> Scorer:
        """Build a scorer with the configured encoder, falling back to lexical scoring."""
        choice: EncoderChoice = load_encoder(encoder_spec)
        warnings = [choice.warning] if choice.warning else []
        return cls(choice.encoder, context=context, warnings=warnings)

    # --- public API -------------------------------------------------------------------

    def score(self, question: Question | Target, answer: str) -> ScoreReport:
        """Score one answer; never raises on bad answer text (it becomes a flag)."""
        target = question if isinstance(question, Target) else Target.from_question(question)
        if not answer or not answer.strip():
            return self._empty_report(target)
        evidence = self.evidence(target, answer)
        probabilities, fired = self.guarded(target, evidence)
        read = scored_text(answer[:MAX_ANSWER_CHARS])
        if len(read) != len(answer[:MAX_ANSWER_CHARS]):  # the cited offsets are the read text's
            answer = read
        return self._report(target, answer, evidence, probabilities, fired)

    def score_many(self, items: Sequence[tuple[Question | Target, str]]) -> list[ScoreReport]:
        """Score many answers, embedding everything they need in large batches first."""
        targets = [q if isinstance(q, Target) else Target.from_question(q) for q, _ in items]
        answers = [a for _, a in items]
        self.prepare(answers, targets)
        return [self.score(t, a) for t, a in zip(targets, answers, strict=True)]

    def example_phrasings(
        self, question: Question
    ) -> dict[str, dict[str, tuple[ExamplePart, ...]]]:
        """Per rubric point id and language, the parts of the question's strong and partial
        examples (those marked as covering the point) that answers are also read with, as
        more phrasings of the point; none where the calibration reads no examples."""
        if self.encoder is None or not self._reads_examples():
            return {}
        anchors = self._question_anchors(question)
        return {
            point.id: {lang: anchors.parts(i, lang) for lang in ("zh", "en")}
            for i, point in enumerate(question.rubric)
        }

    def prepare(self, answers: Sequence[str], targets: Sequence[Target] = ()) -> None:
        """Embed what scoring these answers needs in large batches, so scoring them is faster.

        Always the answers' embedding units; with `targets` (one per answer) also their
        rubric points and question texts, the bank's rubric in the answers' languages and
        the bank's example answers.
        """
        if self.encoder is None:
            return
        texts: list[str] = []
        languages: set[str] = set()
        for i, answer in enumerate(answers):
            if not answer or not answer.strip():
                continue
            text = answer_text(targets[i] if i < len(targets) else None, answer)
            texts += embedded_texts(text)
            if i < len(targets):
                target, language = self._with_strong_forms(targets[i]), language_of(text)
                texts += [t for p in target.points for t in p.texts.get(language) or p.texts["zh"]]
                texts += [t for p in target.points for t in p.evidence_texts.get(language, ())]
                question_text = target.topic(language)
                extra = (self._reads_examples() and self._point_anchors(target, answer, language)
                         ) or [()] * len(target.points)  # fmt: skip
                for p, more in zip(target.points, extra, strict=True):
                    own = [*(p.texts.get(language) or p.texts["zh"]), *more]
                    texts += [*more, *in_context(question_text, own)]
                texts.append(question_text or " ")
                if target.question_id in self.context and len(self.context) > 1:
                    languages.add(language)
        if targets:
            texts += [*BACKGROUND, *GENERIC]
        for language in sorted(languages - set(self._centroids)):
            texts += [p.text.get(language) for q in self.context.values() for p in q.rubric]
        missing = list(dict.fromkeys(t for t in texts if t not in self.encoder._cache))
        for start in range(0, len(missing), PREPARE_BATCH):
            self.encoder.encode(missing[start : start + PREPARE_BATCH])
        if targets and self.context:
            self._examples()

    def evidence(
        self,
        target: Target,
        answer: str,
        example_anchors: bool | None = None,
        rubric_order: bool = True,
    ) -> AnswerEvidence:
        """Compute the feature matrix of an answer against each point of a target; with
        `example_anchors`, a bank question's points are also read through the parts of its
        example answers that cover them (`scoring.example_anchors`). By default they are
        where the calibration has calibrators fitted on such readings. `rubric_order`: cite
        in the rubric's order where the answer follows it (`choose_evidence_in_order`)."""
        if example_anchors is None:
            example_anchors = self._reads_examples()
        target = self._with_strong_forms(target)
        truncated = len(answer) > MAX_ANSWER_CHARS
        text = answer_text(target, answer)
        language = language_of(text)
        question_text = target.question_text.get(language, "")
        clauses = split_clauses(text) or [text.strip()]
        spans = spans_of(text, clauses)
        runs = clause_runs(sentence_ids(text, spans))

        clause_terms = [set(terms(c)) for c in clauses]
        window_terms = [a | b for a, b in itertools.pairwise(clause_terms)] or clause_terms
        answer_terms = set().union(*clause_terms)

        size = guards.content_size(text)
        listness = 0.0 if target.lists_expected else guards.listness(text)
        rubric_terms = frozenset(
            t
            for p in target.points
            for a in p.texts.get(language) or p.texts["zh"]
            for t in terms(a)
        )
        copy = guards.copy_ratio(text, question_text, rubric_terms) if question_text else 0.0

        extra = self._point_anchors(target, answer, language) if example_anchors else None
        sem = self._semantic(
            target, language, embedding_units(text, clauses, spans), target.topic(language),
            clauses, runs, extra,
        )  # fmt: skip
        off_topic = self._off_topic(target, language, sem)
        example_fit, example_off_topic_at, seems_to_answer = self._example_margin(
            target, answer, sem
        )
        n_points = len(target.points)
        lex_c = np.zeros((n_points, len(clauses)))
        lex_w = np.zeros((n_points, len(window_terms)))
        lex_a = np.zeros(n_points)
        for i, point in enumerate(target.points):
            for anchor in point.texts.get(language) or point.texts["zh"]:
                wanted = self._wanted_terms(anchor, question_text)
                lex_c[i] = np.maximum(lex_c[i], [weighted_recall(wanted, t) for t in clause_terms])
                lex_w[i] = np.maximum(lex_w[i], [weighted_recall(wanted, t) for t in window_terms])
                lex_a[i] = max(lex_a[i], weighted_recall(wanted, answer_terms))
        # each run of clauses that may be cited, read with the evidence-only phrasings too
        run_terms = [set().union(*clause_terms[a:b]) for a, b in runs]
        lex_e = np.zeros((n_points, len(runs)))
        for i, point in enumerate(target.points):
            anchors = point.texts.get(language) or point.texts["zh"]
            for anchor in (*anchors, *point.evidence_texts.get(language, ())):
                wanted = self._wanted_terms(anchor, question_text)
                lex_e[i] = np.maximum(lex_e[i], [weighted_recall(wanted, t) for t in run_terms])
        if sem is not None:
            sem_c, sem_w = np.asarray(sem["clause"]), np.asarray(sem["window"])
            sem_a, point_q = np.asarray(sem["answer"]), np.asarray(sem["point_question"])
            sem_own, sem_own_texts = np.asarray(sem["own"]), np.asarray(sem["own_texts"])
            sem_own_plain = np.asarray(sem["own_plain"])
            sem_q = sem["question"]
        else:
            sem_c, sem_w, sem_own = np.zeros_like(lex_c), np.zeros_like(lex_w), np.zeros_like(lex_e)
            sem_own_texts = sem_own_plain = np.zeros_like(lex_c)
            sem_a, point_q, sem_q = np.zeros(n_points), np.zeros(n_points), 0.0
        sizes = [guards.content_size(c) for c in clauses]
        general = (
            generality(np.asarray(sem["generic"]), sem_own_plain, sizes)
            if sem is not None
            else Generality()
        )
        support = sem_own + lex_e - short_run_cost(sizes, runs)
        if rubric_order:
            starts = np.array([first for first, _ in runs])
            cited = [runs[k] for k in choose_evidence_in_order(support, starts)]
        else:
            cited = [runs[k] for k in choose_evidence(support)]
        # the clause read for a rejection, chosen from the point's own texts (not its
        # examples' parts, as every guard), the same for a bank point and its texts typed
        judged = choose_evidence(sem_own_plain + lex_c)
        # a point's best clause, read both in its embedding group and embedded alone: a short
        # clause grouped with its neighbour reads diluted (`sem_best_of`)
        sem_best = sem_best_of(sem_c, sem_own_texts)
        specific = specificity(sem_own_texts)
        relative = relative_to_points(sem_best - point_q)
        steep = longness(size)
        rows = []
        for i, point in enumerate(target.points):
            best = int(judged[i])
            anchors = point.texts.get(language) or point.texts["zh"]
            context = " ".join(clauses[max(0, best - 1) : best + 2])
            rows.append(
                [
                    sem_best[i],
                    sem_w[i].max(),
                    sem_a[i],
                    lex_c[i].max(),
                    lex_w[i].max(),
                    lex_a[i],
                    float(_rejected(clauses, best, cited[i], anchors)),
                    listness,
                    copy,
                    math.log1p(size),
                    off_topic,
                    sem_q,
                    sem_best[i] - point_q[i],
                    float(any(guards.contradicts(a, clauses[best], context) for a in anchors)),
                    specific[i],
                    relative[i],
                    math.log1p(size) * max(specific[i], 0.0),
                    sem_best[i] * steep,
                    (sem_best[i] - point_q[i]) * steep,
                ]
            )
        return AnswerEvidence(
            language,
            clauses,
            spans,
            np.asarray(rows, dtype=float).reshape(len(target.points), len(FEATURES)),
            cited,
            size,
            listness,
            copy,
            off_topic,
            truncated,
            target.min_answer_size,
            language not in target.languages,
            example_fit,
            example_off_topic_at,
            seems_to_answer,
            tuple(bool(more) for more in extra) if extra and sem is not None else (),
            term_precision(answer_terms, rubric_terms, self.term_weights, question_text)
            if target.reference and language in target.languages
            else NEUTRAL_PRECISION,
            general,
            guards.bare_list(text, listness),
        )

    def probabilities(
        self, target: Target, evidence: AnswerEvidence, offset: float | None = None
    ) -> np.ndarray:
        """Calibrated probability that each point is covered, with the guards applied.

        `offset` replaces the question's logit offset (None: the one in `self.offsets`), so a
        trainer's calibration can try offsets on evidence computed once.
        """
        return self.guarded(target, evidence, offset)[0]

    def guarded(
        self, target: Target, evidence: AnswerEvidence, offset: float | None = None
    ) -> tuple[np.ndarray, tuple[guard_table.Guard, ...]]:
        """The capped probabilities and the guards that fired (shown as flags)."""
        X = evidence.features
        logits = self._logits(evidence)
        if offset is None:
            offset = self.offsets.get(target.question_id or "", 0.0)
        p = expit(logits + offset)
        p = np.where(X[:, FEATURES.index("rejected")] > 0, p * 0.25, p)
        signals = self._signals(target, evidence, coverage_share(target, p))
        fired = guard_table.fired(signals)
        return np.minimum(p, guard_table.cap(fired, signals)), fired

    def _signals(
        self, target: Target, evidence: AnswerEvidence, coverage: float
    ) -> guard_table.AnswerSignals:
        features = evidence.features
        return guard_table.AnswerSignals(
            size=evidence.size,
            min_size=evidence.min_size,
            truncated=evidence.truncated,
            listness=evidence.listness if evidence.bare_list is None else evidence.bare_list,
            copy_ratio=evidence.copy_ratio,
            off_topic=evidence.off_topic,
            example_fit=evidence.example_fit,
            example_off_topic_at=evidence.example_off_topic_at,
            rejected_points=int((features[:, FEATURES.index("rejected")] > 0).sum()),
            points=len(target.points),
            closest=float(features[:, FEATURES.index("sem_clause")].max()),
            whole=float(features[:, FEATURES.index("sem_answer")].max()),
            shares_terms=bool(features[:, FEATURES.index("lex_answer")].max() > 0),
            cross_lingual=evidence.cross_lingual,
            has_encoder=self.encoder is not None,
            coverage=coverage,
            generality=evidence.generality,
            vague_at=self.calibration.vague_at,
        )

    def grade_share(
        self, target: Target, probabilities: np.ndarray, evidence: AnswerEvidence
    ) -> float:
        """The answer's grade on a 0-1 scale (score / 100, unrounded) from its probabilities:
        the long- and short-answer score maps blended by the answer's size, as the logits
        (`Calibration.grade`)."""
        share = coverage_share(target, probabilities)
        return self.calibration.grade(share, long_weight(evidence.size), evidence.term_precision)

    def _logits(self, evidence: AnswerEvidence) -> np.ndarray:
        """Each point's logit from the calibrators that fit this answer.

        Chosen by what the answer and the rubric are, never by where the rubric came from:
        an answer in a language the rubric is not written in takes the cross-lingual
        calibrator; otherwise the long-answer (interview) and short-answer (exam)
        calibrators of the answer's language are blended by the answer's size.
        """
        X = evidence.features
        cal = self.calibration
        if evidence.cross_lingual and cal.has("cross", evidence.language):
            return self._domain_logits(evidence, "cross")
        if not cal.points:  # uncalibrated: recall of the best window
            return 8.0 * (X[:, FEATURES.index("lex_window")] - 0.45)
        w = long_weight(evidence.size)
        return w * self._domain_logits(evidence, "long") + (1 - w) * self._domain_logits(
            evidence, "short"
        )

    def _domain_logits(self, evidence: AnswerEvidence, domain: str) -> np.ndarray:
        """Each point's logit from the domain's calibrator; a point read through example
        answers (`AnswerEvidence.anchored`) takes the domain's calibrator fitted on such
        readings ("long+ex"...), where the calibration has one."""
        cal, X = self.calibration, evidence.features
        logits = cal.point(evidence.language, domain).logits(X)
        anchored = np.asarray(evidence.anchored or [False] * len(X), dtype=bool)
        if anchored.any() and cal.fitted(f"{domain}{EXAMPLES_DOMAIN}"):
            read = cal.point(evidence.language, f"{domain}{EXAMPLES_DOMAIN}").logits(X)
            logits = np.where(anchored, read, logits)
        return logits

    # --- internals --------------------------------------------------------------------

    def _semantic(
        self,
        target: Target,
        language: str,
        units: tuple[list[str], list[int]],
        question_text: str,
        clauses: Sequence[str],
        runs: list[tuple[int, int]],
        extra: Sequence[tuple[str, ...]] | None = None,
    ) -> dict[str, Any] | None:
        """Semantic evidence; `units` are the texts embedded and each clause's unit;
        "own_texts" reads each clause embedded alone, "own" each run of clauses that may be
        cited (`runs`, from the clauses embedded alone). `extra`: per point, more anchors
        (its examples' cited parts) for every reading but the cited run's and "own_plain"
        (each clause alone against the point's own texts: the clause a rejection is read in)."""
        if self.encoder is None:
            return None
        unit_vecs = self.encoder.encode(units[0])
        clause_vecs = unit_vecs[units[1]]
        own_vecs = self.encoder.encode(clauses) if EVIDENCE_PER_CLAUSE else clause_vecs
        run_vecs = run_vectors(own_vecs, runs)
        windows = clause_vecs[:-1] + clause_vecs[1:] if len(clause_vecs) > 1 else clause_vecs
        windows = windows / np.maximum(np.linalg.norm(windows, axis=1, keepdims=True), 1e-12)
        answer_vec = clause_vecs.sum(axis=0)
        answer_vec /= max(float(np.linalg.norm(answer_vec)), 1e-12)
        background = self.encoder.encode(BACKGROUND)
        question_vec = self.encoder.encode([question_text or " "])[0]
        question_base = float((background @ question_vec).mean())
        out: dict[str, Any] = {
            "clause": [], "own": [], "own_texts": [], "own_plain": [], "window": [], "answer": [],
            "point_question": [], "generic": self._generic(own_vecs, background),
            "answer_vec": [answer_vec], "clause_vecs": clause_vecs,
            "text_vec": _unit(unit_vecs.mean(axis=0)),
            "question": (float(answer_vec @ question_vec) - question_base)
            / max(1.0 - question_base, 1e-6) if question_text else 0.0,
        }  # fmt: skip
        for i, point in enumerate(target.points):
            texts = list(point.texts.get(language) or point.texts["zh"])
            anchors, base = self._anchors(texts, background)
            out["own"].append(
                self._own_evidence(point, language, anchors, base, run_vecs, background)
            )
            out["own_plain"].append(relative(anchors @ own_vecs.T, base))
            if extra and extra[i]:
                texts += extra[i]
                more, more_base = self._anchors(extra[i], background)
                anchors, base = np.vstack([anchors, more]), np.vstack([base, more_base])
            out["clause"].append(relative(anchors @ clause_vecs.T, base))
            out["own_texts"].append(relative(anchors @ own_vecs.T, base))
            if question_text:  # each point also read as an answer to its question
                more, more_base = self._anchors(in_context(question_text, texts), background)
                anchors, base = np.vstack([anchors, more]), np.vstack([base, more_base])
            out["window"].append(relative(anchors @ windows.T, base))
            out["answer"].append(float(relative(anchors @ answer_vec[:, None], base)[0]))
            out["point_question"].append(
                float(relative(anchors @ question_vec[:, None], base)[0]) if question_text else 0.0
            )
        return out

    def _generic(self, clause_vecs: np.ndarray, background: np.ndarray) -> np.ndarray:
        """Each clause's relative cosine to the nearest general statement (`GENERIC`)."""
        anchors, base = self._anchors(GENERIC, background)
        return relative(anchors @ clause_vecs.T, base)

    def _anchors(
        self, texts: Sequence[str], background: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The texts' embeddings and each one's mean cosine with unrelated background text."""
        anchors = self.encoder.encode(list(texts))
        return anchors, (anchors @ background.T).mean(axis=1, keepdims=True)

    def _own_evidence(
        self,
        point: PointSpec,
        language: str,
        anchors: np.ndarray,
        base: np.ndarray,
        run_vecs: np.ndarray,
        background: np.ndarray,
    ) -> np.ndarray:
        """Each run of clauses' own support for a point, with the point's evidence-only
        phrasings (a bank point's strong form) as more anchors: it chooses the cited run only,
        so the point's probability stays the same as for its texts typed as a free-form rubric."""
        extra = point.evidence_texts.get(language, ())
        if extra:
            more, more_base = self._anchors(extra, background)
            anchors, base = np.vstack([anchors, more]), np.vstack([base, more_base])
        return relative(anchors @ run_vecs.T, base)

    def _off_topic(self, target: Target, language: str, sem: dict | None) -> float:
        """How well the answer fits this question's rubric compared with the bank's other
        questions: for each question, the mean over its points of the best clause cosine;
        then this question's value as a z-score among the others' (0 without a bank of at
        least three questions or an encoder; negative means it fits others better).

        A z-score, not own minus best other: with thirty related questions the best of the
        others is often as close as the own one even for a strong answer, so that difference
        flagged good answers while the z-score separates answers to another question better
        (`OFF_TOPIC_AT`).
        """
        if self.encoder is None or sem is None or target.question_id not in self.context:
            return 0.0
        if len(self.context) < 3:
            return 0.0
        ids, anchors, owners = self._rubric_matrix(language)
        best = (anchors @ sem["clause_vecs"].T).max(axis=1)  # best clause per rubric point
        per_question = np.bincount(owners, weights=best) / np.bincount(owners)
        own = ids.index(target.question_id)
        others = np.delete(per_question, own)
        return float((per_question[own] - others.mean()) / max(float(others.std()), 1e-6))

    def _example_margin(
        self, target: Target, answer: str, sem: dict | None
    ) -> tuple[float | None, float, str | None]:
        """How much better the answer fits its question's example answers than another
        question's of the bank (`ExampleFit.margin`; None without an encoder or examples),
        the margin at or under which that makes it off topic (0 without a margin), and, where
        it is off topic, the question of any bank whose examples it fits best. A free-form
        rubric typed from a bank question's point texts is that question."""
        if self.encoder is None or sem is None:
            return None, 0.0, None
        question_id = self._bank_question(target)
        if question_id is None:
            return None, 0.0, None
        fit, vector = self._examples(), sem["text_vec"]
        margin = fit.margin(question_id, answer, vector)
        if margin is None:
            return None, 0.0, None
        off_topic_at = fit.off_topic_at(question_id)
        if margin > off_topic_at:
            return margin, off_topic_at, None
        return margin, off_topic_at, fit.closest_other(question_id, answer, vector)

    def _examples(self) -> ExampleFit:
        """The bank's example answers embedded (once per process, encoder and examples)."""
        if not self._example_fit:
            key = (self.encoder_name, *(_examples_key(q) for q in self.context.values()))
            if key not in _EXAMPLE_FITS:
                _EXAMPLE_FITS[key] = ExampleFit.build(self.context.values(), self._text_vectors)
                while len(_EXAMPLE_FITS) > EXAMPLE_FITS_KEPT:
                    del _EXAMPLE_FITS[next(iter(_EXAMPLE_FITS))]
            self._example_fit.append(_EXAMPLE_FITS[key])
        return self._example_fit[0]

    def _point_anchors(
        self, target: Target, answer: str, language: str
    ) -> list[tuple[str, ...]] | None:
        """Per point, the parts of example answers in `language` that cover it: a bank
        question's point, or a point typed with a bank point's text (a reworded point has
        none); None without an encoder or bank."""
        if self.encoder is None or not self.context:
            return None
        found = [self._bank_point(target, i) for i in range(len(target.points))]
        if not any(found):
            return None
        return [
            self._question_anchors(self.context[where[0]]).for_point(where[1], language, answer)
            if where else ()
            for where in found
        ]  # fmt: skip

    def _wanted_terms(self, point_text: str, question_text: str) -> dict[str, float]:
        """The point text's term weights (`point_term_weights`), kept per scorer."""
        key = (point_text, question_text)
        if key not in self._point_weights:
            if len(self._point_weights) > POINT_WEIGHTS_KEPT:
                self._point_weights.clear()
            question_terms = set(terms(question_text))
            self._point_weights[key] = point_term_weights(
                point_text, self.term_weights, question_terms
            )
        return self._point_weights[key]

    def _reads_examples(self) -> bool:
        """Whether points are read through example answers: only with a calibration fitted
        on such readings (one fitted before them reads the points' own texts alone)."""
        return self.calibration.fitted(f"long{EXAMPLES_DOMAIN}")

    def _question_anchors(self, question: Question) -> ExampleAnchors:
        own = self._bank_scorer(question.bank)
        key = (self.encoder_name, own._context_key, _anchors_key(question))
        if key not in _EXAMPLE_ANCHORS:
            _EXAMPLE_ANCHORS[key] = ExampleAnchors.build(question, own._cited)
            while len(_EXAMPLE_ANCHORS) > EXAMPLE_ANCHORS_KEPT:
                del _EXAMPLE_ANCHORS[next(iter(_EXAMPLE_ANCHORS))]
        return _EXAMPLE_ANCHORS[key]

    def _bank_scorer(self, bank: str) -> Scorer:
        """This scorer as if `bank` were the only bank loaded, to read its questions' example
        anchors with its own term weights: with the development bank loaded beside the main
        one, a point of cs-beh-02 fell from 0.51 to 0.11 through which example clause the
        context-wide weights cited for it."""
        own = [q for q in self.context.values() if q.bank == bank]
        if len(own) == len(self.context):
            return self
        if bank not in self._bank_scorers:
            self._bank_scorers[bank] = Scorer(self.encoder, own, calibration=self.calibration)
        return self._bank_scorers[bank]

    def _with_strong_forms(self, target: Target) -> Target:
        """A free-form rubric's points typed from bank points' texts, with those points'
        strong forms to choose the cited clause by, as their bank question has: the clause
        cited decides whether a nearby negation rejects the point (`_rejected`), so the
        two paths cite, and score, alike."""
        if target.question_id in self.context:
            return target
        points = list(target.points)
        for i, point in enumerate(points):
            where = None if any(point.evidence_texts.values()) else self._bank_point(target, i)
            strong = self.context[where[0]].rubric[where[1]].strong if where else None
            if strong is not None:
                forms = {language: (strong.get(language),) for language in ("zh", "en")}
                points[i] = dataclasses.replace(point, evidence_texts=forms)
        if points == list(target.points):
            return target
        return dataclasses.replace(target, points=tuple(points))

    def _bank_point(self, target: Target, index: int) -> tuple[str, int] | None:
        """The bank question and point index of a target's point: its own question's, or
        the bank point whose text (either language) it was typed with."""
        if target.question_id in self.context:
            return target.question_id, index
        if self._point_texts is None:
            self._point_texts = {
                point.text.get(language).strip(): (question.id, j)
                for question in self.context.values()
                for j, point in enumerate(question.rubric)
                for language in ("zh", "en")
            }
        texts = target.points[index].texts
        return next(
            (self._point_texts[t[0].strip()] for t in texts.values()
             if t and t[0].strip() in self._point_texts),
            None,
        )  # fmt: skip

    def _cited(self, question: Question, text: str) -> list[str]:
        """Per rubric point, the part of `text` cited for it, read without example anchors.

        Chosen without the rubric's order: the calibrators were fitted on anchors chosen so,
        and refitted on anchors chosen in order they read worse (interview-style Spearman /
        MAE 0.926 / 9.11 -> 0.923 / 9.29, length-matched English 0.798 -> 0.754)."""
        ev = self.evidence(
            Target.from_question(question), text, example_anchors=False, rubric_order=False
        )
        joiner = " " if ev.language == "en" else ""
        return [joiner.join(ev.clauses[first:end]) for first, end in ev.evidence_runs]

    def _bank_question(self, target: Target) -> str | None:
        """The target's bank question: its own, or the one whose point texts it was typed from."""
        if target.question_id in self.context:
            return target.question_id
        return self._question_with_points(target)

    def _question_with_points(self, target: Target) -> str | None:
        """The bank question whose rubric points have the target's point texts, if any."""
        for language in ("zh", "en"):
            texts = [(p.texts.get(language) or ("",))[0].strip() for p in target.points]
            for question in self.context.values():
                if len(question.rubric) == len(texts) and all(
                    point.text.get(language).strip() == text
                    for point, text in zip(question.rubric, texts, strict=True)
                ):
                    return question.id
        return None

    def _text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's mean embedding-unit vector, as `_semantic` reads an answer."""
        units = []
        for text in texts:
            read = answer_text(None, text)
            clauses = split_clauses(read) or [read.strip()]
            units.append(embedding_units(read, clauses, spans_of(read, clauses))[0])
        flat = [u for group in units for u in group]
        vectors = np.vstack([
            self.encoder.encode(flat[i : i + PREPARE_BATCH])
            for i in range(0, len(flat), PREPARE_BATCH)
        ])  # fmt: skip
        ends = np.cumsum([len(group) for group in units])
        return np.array([_unit(part.mean(axis=0)) for part in np.split(vectors, ends[:-1])])

    def _rubric_matrix(self, language: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """All bank rubric points embedded once per language, with the index of their question."""
        if language not in self._centroids:
            ids = list(self.context)
            texts, owners = [], []
            for n, qid in enumerate(ids):
                for point in self.context[qid].rubric:
                    texts.append(point.text.get(language))
                    owners.append(n)
            self._centroids[language] = (ids, self.encoder.encode(texts), np.array(owners))
        return self._centroids[language]

    def _report(
        self,
        target: Target,
        answer: str,
        ev: AnswerEvidence,
        p: np.ndarray,
        fired: tuple[guard_table.Guard, ...],
    ) -> ScoreReport:
        lang = ev.language
        results = []
        for i, point in enumerate(target.points):
            run = ev.evidence_runs[i]
            status = status_of(float(p[i]))
            rejected = bool(ev.features[i, FEATURES.index("rejected")])
            shown = _run_text(answer, ev, run) if status != "missing" or rejected else None
            results.append(
                PointResult(
                    point_id=point.id,
                    text=(point.texts.get(lang) or point.texts["zh"])[0],
                    weight=point.weight,
                    probability=round(float(p[i]), 4),
                    status=status,
                    evidence=shown[0] if shown else None,
                    evidence_span=shown[1] if shown else None,
                    rejected=rejected,
                    advice=None if status == "covered" else point.advice.get(lang),
                )
            )
        share = self.grade_share(target, p, ev)
        suggested = (
            suggested_size(target.answer_time_seconds, lang) if target.answer_time_seconds else None
        )
        return ScoreReport(
            question_id=target.question_id,
            category=target.category,
            language=lang,
            points_possible=target.points_possible,
            points_score=round(share * target.points_possible, 2),
            score=round(100 * share, 1),
            points=tuple(results),
            flags=(*(g.flag for g in fired), *_length_notes(ev, suggested)),
            seems_to_answer=ev.seems_to_answer,  # set only where the examples flag it off topic
            star=star_check(answer) if target.category == "behavioral" else None,
            length_chars=ev.size,
            suggested_chars=suggested,
            encoder=self.encoder_name,
            warnings=tuple(self.warnings),
        )

    def _empty_report(self, target: Target) -> ScoreReport:
        results = tuple(
            PointResult(
                p.id,
                p.texts["zh"][0],
                p.weight,
                0.0,
                "missing",
                None,
                None,
                advice=p.advice.get("zh"),
            )
            for p in target.points
        )
        return ScoreReport(
            target.question_id, target.category, "zh", target.points_possible, 0.0, 0.0,
            results, (FLAGS["empty"],), encoder=self.encoder_name,
            warnings=tuple(self.warnings),
        )  # fmt: skip


# Full-width letters and digits (a Chinese input method left in full-width mode) as ASCII;
# full-width punctuation stays, as Chinese is written with it.
_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(start, end + 1)
}
SHOUTED_LETTERS = 20  # an answer with at least this many letters, nearly all capitals


@lru_cache(maxsize=256)  # scoring an answer reads it several times (up to 20,000 chars)
def scored_text(answer: str) -> str:
    """The answer as the scorer reads it: Traditional Chinese in Simplified characters, as
    the bank is; full-width letters and digits as ASCII; half-width punctuation in Chinese
    as full-width; an answer typed in capitals in lower case. On the interview-style answers
    these variants had moved scores by up to 45 (Traditional), 96 (English typed full
    width), 73 (half-width marks) and 81 points (capitals); now by up to 1, 15 (its
    full-width full stops stay), 0 and 3 (as lower case does)."""
    text = full_width_punctuation(to_simplified(answer).translate(_FULL_WIDTH_ALNUM))
    letters = [c for c in text if c.isascii() and c.isalpha()]
    if len(letters) >= SHOUTED_LETTERS and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        text = text.lower()
    return text


def answer_text(target: Target | None, answer: str) -> str:
    """The part of an answer that is scored (`MAX_ANSWER_CHARS`), as the scorer reads it
    (`scored_text`), with bare courtesy (`guards.without_courtesy`) and the target's question
    where the answer repeats it word for word (`guards.without_question`) blanked out, unless
    that leaves too little: then the answer is scored as written (a copy is flagged)."""
    text = scored_text(answer[:MAX_ANSWER_CHARS])
    if target is None:
        return text
    question = scored_text(target.question_text.get(language_of(text), ""))  # read alike
    answered = guards.without_question(guards.without_courtesy(text), question)
    answered = guards.without_repeats(answered)
    return answered if guards.content_size(answered) >= target.min_answer_size else text


def embedded_texts(text: str) -> list[str]:
    """The texts the encoder embeds for an answer as read (`answer_text`): its embedding
    units and, where each clause also has its own evidence, its clauses."""
    clauses = split_clauses(text) or [text.strip()]
    units = embedding_units(text, clauses, spans_of(text, clauses))[0]
    return [*units, *clauses] if EVIDENCE_PER_CLAUSE else units


# Content sizes where `long_weight` starts and reaches 1. An English exam answer of 45 words
# is 90: at 90 it read as a full interview answer. LONG_SIZE 90 -> 120 -> 150 -> 200,
# refitted in memory (Spearman / MAE): development bank 0.906 / 7.76
# -> 0.918 / 7.44 -> 0.921 / 7.53 -> 0.917 / 7.98, without examples 0.891 / 8.60 -> 0.900 /
# 8.37 -> 0.900 / 8.66 -> 0.892 / 9.26, interview-style 0.930 / 9.63 -> 0.925 / 9.16 ->
# 0.926 / 9.25 -> 0.924 / 9.01; exam-style en Pearson 0.507 -> 0.532 -> 0.536 -> 0.527,
# zh 0.585 -> 0.582 -> 0.581 -> 0.579.
SHORT_SIZE, LONG_SIZE = 30, 120
FLAGS = guard_table.FLAGS


def _run_text(
    answer: str, ev: AnswerEvidence, run: tuple[int, int]
) -> tuple[str, tuple[int, int] | None]:
    """The cited run of clauses as the answer's own text from its first clause to its last,
    with those character offsets (the clauses joined, and no offsets, if not found in order)."""
    first, end = run
    start, stop = ev.spans[first][0], ev.spans[end - 1][1]
    ordered = all(ev.spans[j][1] <= ev.spans[j + 1][0] for j in range(first, end - 1))
    if ordered and stop > start and ev.spans[first] != (0, 0):
        return answer[start:stop], (start, stop)
    if end - first == 1:
        return ev.clauses[first], ev.spans[first]
    return " ".join(ev.clauses[first:end]), None


def _length_notes(ev: AnswerEvidence, suggested: tuple[int, int] | None) -> tuple[Flag, ...]:
    """Short or long for the suggested answer time: notes, not guards (nothing is capped)."""
    if not suggested or ev.size < ev.min_size:
        return ()
    if ev.size < suggested[0]:
        return (guard_table.SHORT_FOR_TIME,)
    if ev.size > suggested[1]:
        return (guard_table.LONG_FOR_TIME,)
    return ()


def _rejected(
    clauses: list[str], judged: int, cited: tuple[int, int], anchors: Sequence[str]
) -> bool:
    """The clause judged for a point rejects it, and is the proof cited for it or next to
    it, or the proof rejects it too. A negation about something else, away from the proof
    ("真警察办案从来不会让老百姓往哪打钱", two sentences before "我让大堂经理打了110"), is
    not the answer's word on the point."""
    if not guards.rejects(clauses[judged], anchors):
        return False
    first, end = cited
    return first - 1 <= judged <= end or guards.rejects("，".join(clauses[first:end]), anchors)


def long_weight(size: int) -> float:
    """How much an answer of this content size is a long (interview) answer rather than a
    short (exam) one, 0 to 1: interview answers run from about 50 content characters up,
    short exam answers mostly under 50 (`SHORT_SIZE`, `LONG_SIZE`)."""
    return float(np.clip((size - SHORT_SIZE) / (LONG_SIZE - SHORT_SIZE), 0.0, 1.0))


def _examples_key(question: Question) -> tuple:
    return question.id, question.bank, tuple((e.kind, e.text) for e in question.examples)


def _anchors_key(question: Question) -> tuple:
    """What a question's example anchors are read from: its rubric and its examples."""
    rubric = tuple((p.id, p.text.zh, p.text.en) for p in question.rubric)
    examples = tuple(
        (e.kind, e.language, e.text, tuple(e.covers), tuple(sorted((e.evidence or {}).items())))
        for e in question.examples
    )
    return question.id, question.bank, rubric, examples


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _question_texts(question: Question) -> list[str]:
    texts = [question.question.zh, question.question.en]
    for point in question.rubric:
        texts += [point.text.zh, point.text.en]
    if question.reference_answer:
        texts += [question.reference_answer.zh, question.reference_answer.en]
    return texts


# The engine's names other modules use; the target and the features have modules of their own.
__all__ = [
    "FEATURES",
    "FEATURE_SIGNS",
    "MAX_ANSWER_CHARS",
    "MIN_ANSWER_SIZE",
    "AnswerEvidence",
    "PointSpec",
    "Scorer",
    "Target",
    "choose_evidence",
    "coverage_share",
    "long_weight",
]
