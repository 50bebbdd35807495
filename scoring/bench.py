"""The benchmark: `python -m scoring bench` prints a table and writes
benchmarks/results-<encoder>.md.

Quality:
- sas_zh/LE and sas_zh/SR eval splits and SemEval-2013's unseen-questions test split (English;
  never fitted on): Pearson and Spearman of the score against the human grade, for this
  scorer and for the naive method (mean over reference points of the best raw cosine
  against an answer clause).
- the bank's graded example answers, with 5-fold cross-validation grouped by question (the
  calibrator never sees the held-out question's examples): Spearman against the grades,
  gamed answers' mean score as a share of strong answers', English strong answers as a share
  of Chinese ones, and point-level F1 of covered (p >= COVERED_AT, the status the report
  shows) against the examples' `covers`.
Transfer: for each source in turn (the bank, LE, SR, SemEval), the calibration is fitted
without it and the held-out source is scored, with the shipped fit settings and with the
previous ones (free weights, C = 0.5): the best stand-in for graded data never seen.
- the interview-style answers in benchmarks/interview-style (never fitted on): Spearman
  against the grades, point-level F1, how many strong answers a guard caps, and Spearman
  when the same answers come as free-form rubrics (a batch row without a question_id).
Speed (on this machine): warm latency to score one 300-character answer against 5 points,
batch throughput, cold start (import + model load, in a fresh process), peak memory.
"""

from __future__ import annotations

import contextlib
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.model_selection import GroupKFold

from question_bank.loader import load_path
from question_bank.schema import GAMED_KINDS, Question
from scoring import fit
from scoring.datasets import (
    GradedAnswer,
    bank_examples,
    interview_style,
    sas_le,
    sas_sr,
    semeval,
)
from scoring.encoders import CachedEncoder
from scoring.engine import Scorer, Target
from scoring.report import COVERED_AT
from scoring.segment import split_clauses

RESULTS_DIR = Path(__file__).resolve().parent.parent / "benchmarks"


@dataclass
class Row:
    metric: str
    value: float | None
    naive: float | None = None
    target: str = ""

    def met(self) -> str:
        if self.value is None or not self.target:
            return ""
        op, number = self.target.split(" ", 1)
        goal = float(number.rstrip("%")) / (100 if number.endswith("%") else 1)
        return "yes" if (self.value >= goal if op == ">=" else self.value <= goal) else "no"


DATASET_ROWS = (  # name, loader, Pearson target
    ("sas_zh/LE eval", lambda: sas_le("eval"), ">= 0.75"),
    ("sas_zh/SR eval", lambda: sas_sr("eval"), ">= 0.65"),
    ("semeval2013 unseen questions (en)", lambda: semeval("test-unseen-questions"), ""),
)


# Fit settings compared in the transfer table: name -> (C, signs).
TRANSFER_SETTINGS = {
    "shipped (signed weights, C = 0.05)": (fit.C, fit.SIGNS),
    "free weights, C = 0.5": (0.5, ()),
}


def run(encoder_spec: str | None = None, speed: bool = True) -> tuple[list[Row], list[Row], str]:
    """Run the benchmark; return its rows, the transfer rows and the name of the encoder."""
    bank = load_path()
    questions = list(bank.questions)
    scorer = Scorer.from_settings(questions, encoder_spec)
    fit.load_embedding_cache(scorer)
    blocks = fit.dataset_blocks(scorer)
    rows: list[Row] = []
    rows += bank_quality(scorer, questions, blocks)
    transfer: list[Row] = []
    if blocks:
        examples = bank_examples(questions)
        bank_block = fit.bank_block(scorer, examples)
        transfer = transfer_rows(scorer, [bank_block, *blocks])
        scorer.calibration = fit.fit_calibration(scorer, [bank_block, *blocks])
        for name, load, target in DATASET_ROWS:
            try:
                data = load()
            except FileNotFoundError:
                continue
            ours = [graded_score(scorer, ga) for ga in data]
            naive = [naive_score(scorer, ga.target_points(), ga.answer) for ga in data]
            grades = [ga.grade for ga in data]
            rows.append(Row(f"{name}: Pearson", _r(pearsonr, ours, grades),
                            _r(pearsonr, naive, grades), target))  # fmt: skip
            rows.append(Row(f"{name}: Spearman", _r(spearmanr, ours, grades),
                            _r(spearmanr, naive, grades)))  # fmt: skip
    rows += style_quality(scorer, questions)
    flags = flag_table(scorer, questions)
    fit.save_embedding_cache(scorer)
    if speed:
        rows += speed_rows(scorer, questions, encoder_spec)
    return rows, transfer, flags, scorer.encoder_name


HELD_OUT_TESTS = {  # source -> (row name, its test split)
    "sas_zh/LE": ("sas_zh/LE eval: Pearson", lambda: sas_le("eval")),
    "sas_zh/SR": ("sas_zh/SR eval: Pearson", lambda: sas_sr("eval")),
    "semeval2013": ("semeval2013 unseen questions: Pearson",
                    lambda: semeval("test-unseen-questions")),
}  # fmt: skip


def transfer_rows(scorer: Scorer, blocks: list[fit.Block]) -> list[Row]:
    """Leave one source out of fitting and score it, for each setting in TRANSFER_SETTINGS.

    Each row's `value` is the first setting, `naive` the second (the table names them).
    """
    names = list(TRANSFER_SETTINGS)
    results: dict[str, list[float]] = {}
    tests = {}
    for source, (row, load) in HELD_OUT_TESTS.items():
        with contextlib.suppress(FileNotFoundError):
            data = load()
            tests[source] = (
                row,
                [Target.from_texts(ga.target_points(), question=ga.question) for ga in data],
                data,
            )
    for held_block in blocks:
        held = held_block.source
        kept = [b for b in blocks if b.source != held]
        for name in names:
            c, signs = TRANSFER_SETTINGS[name]
            fold = scorer.with_calibration(fit.fit_calibration(scorer, kept, c=c, signs=signs))
            if held == "bank":
                shares = [fold.grade_share(t, fold.probabilities(t, ev))
                          for t, ev, _ in held_block.answers]  # fmt: skip
                value = _r(spearmanr, shares, [g for *_, g in held_block.answers])
                label = "bank examples: Spearman vs grade"
            elif held in tests:
                label, targets, data = tests[held]
                scores = [
                    fold.score(t, ga.answer).score for t, ga in zip(targets, data, strict=True)
                ]
                value = _r(pearsonr, scores, [ga.grade for ga in data])
            else:
                continue
            results.setdefault(f"held out: {label}", []).append(value)
    rows = [Row(label, a, b) for label, (a, b) in results.items()]
    if rows:
        rows.append(Row("mean", float(np.mean([r.value for r in rows])),
                        float(np.mean([r.naive for r in rows]))))  # fmt: skip
    return rows


def bank_quality(scorer: Scorer, questions: list[Question], blocks: list[fit.Block]) -> list[Row]:
    """Bank example quality with 5-fold cross-validation grouped by question."""
    examples = bank_examples(questions)
    evidence = [scorer.evidence(Target.from_question(e.question), e.text) for e in examples]
    groups = np.array([e.question.id for e in examples])
    scores = np.zeros(len(examples))
    probs: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for train_idx, test_idx in GroupKFold(n_splits=5).split(examples, groups=groups):
        train = fit.bank_block(
            scorer, [examples[i] for i in train_idx], [evidence[i] for i in train_idx]
        )
        fold = scorer.with_calibration(fit.fit_calibration(scorer, [train, *blocks]))
        for i in test_idx:
            target = Target.from_question(examples[i].question)
            probs[i] = fold.probabilities(target, evidence[i])
            scores[i] = 100 * fold.grade_share(target, probs[i])
    grades = np.array([e.grade for e in examples])
    naive = np.array(
        [naive_score(scorer, [p.text.get(e.language) for p in e.question.rubric], e.text)
         for e in examples]
    )  # fmt: skip
    strong = np.array([e.kind == "strong" for e in examples])
    gamed = np.array([e.kind in GAMED_KINDS for e in examples])
    zh = np.array([e.language == "zh" for e in examples])
    predicted = np.concatenate([p >= COVERED_AT for p in probs])
    actual = np.concatenate([[p.id in e.covers for p in e.question.rubric] for e in examples])
    naive_points = _naive_point_f1(scorer, examples)
    return [
        Row("bank examples (CV by question): Spearman vs grade",
            _r(spearmanr, scores, grades), _r(spearmanr, naive, grades), ">= 0.85"),
        Row("bank: gamed mean score / strong mean score",
            scores[gamed].mean() / scores[strong].mean(),
            naive[gamed].mean() / naive[strong].mean(), "<= 25%"),
        Row("bank: English strong / Chinese strong",
            scores[strong & ~zh].mean() / scores[strong & zh].mean(),
            naive[strong & ~zh].mean() / naive[strong & zh].mean(), ">= 80%"),
        Row("bank: point-level F1 (covered)", _f1(predicted, actual), naive_points, ">= 0.85"),
        Row("bank: mean score, strong answers", scores[strong].mean(), 100 * naive[strong].mean()),
        Row("bank: mean score, gamed answers", scores[gamed].mean(), 100 * naive[gamed].mean()),
    ]  # fmt: skip


GUARD_FLAGS = frozenset(
    {"too_short", "off_topic", "keyword_list", "copies_question", "rejects_points", "unrelated"}
)


def style_quality(scorer: Scorer, questions: list[Question]) -> list[Row]:
    """The interview-style answers (benchmarks/interview-style), scored by the full fit."""
    examples = interview_style(questions)
    if not examples:
        return []
    reports = [scorer.score(e.question, e.text) for e in examples]
    scores = np.array([r.score for r in reports])
    grades = np.array([e.grade for e in examples])
    naive = [naive_score(scorer, [p.text.get(e.language) for p in e.question.rubric], e.text)
             for e in examples]  # fmt: skip
    predicted = np.concatenate([[p.status == "covered" for p in r.points] for r in reports])
    actual = np.concatenate([[p.id in e.covers for p in e.question.rubric] for e in examples])
    strong = [r for r, e in zip(reports, examples, strict=True) if e.kind == "strong"]
    flagged = sum(any(f.code in GUARD_FLAGS for f in r.flags) for r in strong)
    free_form = [  # the same answers in a batch row with question + rubric_points instead
        scorer.score(
            Target.from_texts(
                [p.text.get(e.language) for p in e.question.rubric],
                question=e.question.question.get(e.language),
                points=e.question.points,
            ),
            e.text,
        ).score
        for e in examples
    ]
    return [
        Row("interview-style answers (never fitted): Spearman vs grade",
            _r(spearmanr, scores, grades), _r(spearmanr, naive, grades)),
        Row("interview-style: point-level F1 (covered)", _f1(predicted, actual),
            _naive_point_f1(scorer, examples)),
        Row("interview-style: strong answers capped by a guard (share)",
            flagged / max(1, len(strong))),
        Row("interview-style, as free-form rubrics: Spearman vs grade",
            _r(spearmanr, free_form, grades)),
    ]  # fmt: skip


def flag_table(scorer: Scorer, questions: list[Question]) -> list[str]:
    """How often each guard fires, by kind of answer: the bank's and the interview-style
    examples by kind, the datasets' eval/test answers by grade (half marks or more, or less)."""
    groups: dict[str, list[set[str]]] = {}
    for source, examples in (("bank", bank_examples(questions)),
                             ("interview-style", interview_style(questions))):  # fmt: skip
        for e in examples:
            codes = {f.code for f in scorer.score(e.question, e.text).flags}
            groups.setdefault(f"{source}: {e.kind}", []).append(codes)
    for name, load, _ in DATASET_ROWS:
        with contextlib.suppress(FileNotFoundError):
            for ga in load():
                target = Target.from_texts(ga.target_points(), question=ga.question)
                codes = {f.code for f in scorer.score(target, ga.answer).flags}
                half = "grade >= 0.5" if ga.grade >= 0.5 else "grade < 0.5"
                groups.setdefault(f"{name}: {half}", []).append(codes)
    flags = sorted(GUARD_FLAGS)
    lines = ["| answers | n | " + " | ".join(flags) + " |", "|---|---:|" + "---:|" * len(flags)]
    for name, codes in groups.items():
        counts = " | ".join(str(sum(f in c for c in codes)) for f in flags)
        lines.append(f"| {name} | {len(codes)} | {counts} |")
    return lines


def graded_score(scorer: Scorer, ga: GradedAnswer) -> float:
    target = Target.from_texts(ga.target_points(), question=ga.question)
    return scorer.score(target, ga.answer).score


def naive_score(scorer: Scorer, points: Sequence[str | Sequence[str]], answer: str) -> float:
    """Mean over points of the best raw cosine between the point and an answer clause
    (a point given as alternative phrasings takes its best phrasing)."""
    if scorer.encoder is None or not answer.strip():
        return 0.0
    clauses = scorer.encoder.encode(split_clauses(answer) or [answer])
    best = [
        float((scorer.encoder.encode([p] if isinstance(p, str) else list(p)) @ clauses.T).max())
        for p in points
    ]
    return float(np.mean(best))


def _naive_point_f1(scorer: Scorer, examples) -> float | None:
    """Point-level F1 of the naive cosine with the best threshold (an upper bound for it)."""
    if scorer.encoder is None:
        return None
    sims, labels = [], []
    for e in examples:
        clauses = split_clauses(e.text) or [e.text]
        points = [p.text.get(e.language) for p in e.question.rubric]
        sims.extend((scorer.encoder.encode(points) @ scorer.encoder.encode(clauses).T).max(axis=1))
        labels.extend(p.id in e.covers for p in e.question.rubric)
    sims_a, labels_a = np.array(sims), np.array(labels)
    return max(_f1(sims_a >= t, labels_a) for t in np.unique(np.round(sims_a, 3)))


def speed_rows(scorer: Scorer, questions: list[Question], encoder_spec: str | None) -> list[Row]:
    question = next(q for q in questions if len(q.rubric) == 5)
    answers = [e.text[:300] for q in questions for e in q.examples if len(e.text) >= 300]
    fresh = Scorer(
        CachedEncoder(scorer.encoder.inner) if scorer.encoder else None,
        questions,
        calibration=scorer.calibration,
    )
    fresh.score(question, answers[0])  # warm: rubric points, background, bank centroids
    latencies = []
    for answer in answers[1:41]:
        start = time.perf_counter()
        fresh.score(question, answer)
        latencies.append(1000 * (time.perf_counter() - start))
    batch = [(q, e.text) for q in questions for e in q.examples][:200]
    fresh_batch = Scorer(
        CachedEncoder(scorer.encoder.inner) if scorer.encoder else None,
        questions,
        calibration=scorer.calibration,
    )
    fresh_batch.score(question, answers[0])
    start = time.perf_counter()
    fresh_batch.score_many(batch)
    throughput = len(batch) / (time.perf_counter() - start)
    cold, peak = _cold_start(encoder_spec)
    return [
        Row("warm latency p50, 300 chars x 5 points (ms)",
            statistics.median(latencies), None, "<= 150"),
        Row("warm latency p95 (ms)", float(np.percentile(latencies, 95))),
        Row("batch throughput (answers/s, mixed lengths)", throughput, None, ">= 30"),
        Row("cold start: import + model load (s)", cold, None, "<= 10"),
        Row("peak memory: load + score 20 answers (MB)", peak, None, "<= 1500"),
    ]  # fmt: skip


def _cold_start(encoder_spec: str | None) -> tuple[float, float]:
    code = f"""
import time, resource, json
t = time.perf_counter()
from question_bank.loader import load_path
from scoring.engine import Scorer
bank = load_path()
scorer = Scorer.from_settings(bank.questions, {encoder_spec!r})
cold = time.perf_counter() - t
for q in bank.questions[:20]:
    scorer.score(q, q.examples[0].text)
print(json.dumps([cold, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))
"""
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    cold, peak = json.loads(out.stdout.strip().splitlines()[-1])
    return cold, peak


def render(
    rows: list[Row], transfer: list[Row], flags: list[str], encoder: str, seconds: float
) -> str:
    lines = [
        "# Scorer benchmark",
        "",
        f"Command: `python -m scoring bench` (encoder: `{encoder}`). "
        f"Machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}. "
        f"Run took {seconds:.0f} s.",
        "",
        "Naive = mean over rubric/reference points of the best raw cosine between the point "
        "and an answer clause, same encoder. Data: bank examples from `question_bank/data`; "
        "sas_zh from `../shared/datasets/sas_zh` (Apache-2.0) and SemEval-2013 Task 7 from "
        "`../shared/datasets/semeval2013_3way` (CC BY-SA 3.0; `correct` = 1, other labels "
        "= 0): eval/test splits for these numbers, train splits for fitting; interview-style "
        "answers from `benchmarks/interview-style` (written for this project, never fitted).",
        "",
        "| metric | scorer | naive | target | met |",
        "|---|---:|---:|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.metric} | {_fmt(row.value)} | {_fmt(row.naive)} | {row.target} | {row.met()} |"
        )
    if transfer:
        first, second = TRANSFER_SETTINGS
        lines += [
            "",
            "## Transfer: each source left out of fitting, then scored",
            "",
            "The calibration is fitted on the other sources only (train splits; the bank's "
            "examples count as one source), then the held-out source is scored: its eval/test "
            "split, or all the bank's examples. Two fit settings side by side.",
            "",
            f"| held-out source | {first} | {second} |",
            "|---|---:|---:|",
        ]
        lines += [f"| {r.metric} | {_fmt(r.value)} | {_fmt(r.naive)} |" for r in transfer]
    if flags:
        lines += [
            "",
            "## Guard flags by kind of answer",
            "",
            "How many answers of each kind each guard flags (and caps), scored with the full "
            "fit. Gamed kinds should be flagged; genuine answers (strong, partial, weak, all "
            "interview-style ones, dataset answers with half marks or more) should not.",
            "",
            *flags,
        ]
    return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def _r(fn, a, b) -> float:
    return float(fn(np.asarray(a, dtype=float), np.asarray(b, dtype=float))[0])


def _f1(predicted: np.ndarray, actual: np.ndarray) -> float:
    tp = float((predicted & actual).sum())
    precision = tp / max(1.0, float(predicted.sum()))
    recall = tp / max(1.0, float(actual.sum()))
    return 2 * precision * recall / max(1e-9, precision + recall)


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


def main(encoder_spec: str | None = None, speed: bool = True) -> int:
    start = time.perf_counter()
    rows, transfer, flags, name = run(encoder_spec, speed)
    table = render(rows, transfer, flags, name, time.perf_counter() - start)
    print(table)
    if not speed:  # a partial run never replaces the recorded full results
        return 0
    RESULTS_DIR.mkdir(exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    (RESULTS_DIR / f"results-{safe}.md").write_text(table, encoding="utf-8")
    return 0
