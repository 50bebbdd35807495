"""Benchmark of the cohort view: how long `build_cohort` and its downloads take on a large cohort.

    .venv/bin/python -m benchmarks.cohort [--candidates 200] [--repeats 5] [--out PATH]

Seeds a throw-away SQLite database (`services.cohort_seed`) with N candidate accounts, each
answering every question of the shipped bank (30) in practice, once and then twice, plus
rated mock sessions by two interviewers, and times the computation (median of the repeats)
and the Excel download. Writes a Markdown table to benchmarks/results-cohort.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from question_bank.loader import load_path
from services import accounts, cohort, cohort_export
from services.cohort_seed import seed_cohort
from storage.db import Database

RESULTS = Path(__file__).with_name("results-cohort.md")
PASSWORD = "benchmark-password-1"


def timed(work: Callable[[], object], repeats: int) -> tuple[float, object]:
    """The median wall time of `repeats` runs (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run(candidates: int, attempts: int, repeats: int) -> list[tuple[str, str, str]]:
    """Seed one cohort and time the computations; rows of (what, size, seconds)."""
    bank = load_path()
    questions = bank.questions
    by_id = {q.id: q for q in questions}
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'cohort.sqlite3'}")
        db.upgrade()
        admin = accounts.create_first_admin(db, "admin", PASSWORD, "Admin")
        trainer = accounts.create_user(db, admin, "trainer", PASSWORD, "trainer", "Trainer")
        interviewers = [
            accounts.create_user(db, admin, f"inter{i}", PASSWORD, "interviewer", f"I{i}")
            for i in (1, 2)
        ]
        start = time.perf_counter()
        seeded = seed_cohort(
            db,
            questions,
            candidates,
            attempts,
            interviewer_ids=[i.user_id for i in interviewers],
            sessions_per_interviewer=20,
            now=datetime(2026, 12, 1, tzinfo=UTC),
        )
        seeding = time.perf_counter() - start
        size = f"{candidates} × {len(questions)}, {attempts} attempt(s) each"
        rows = [
            (
                "seed the database (once)",
                f"{seeded.attempts:,} attempts, 40 sessions",
                f"{seeding:.2f}",
            )
        ]
        seconds, report = timed(lambda: cohort.build_cohort(db, trainer, questions), repeats)
        cells = f"{len(report.cells):,} cells, {report.answers:,} answers read"
        rows.append((f"build_cohort, trainer ({size})", cells, f"{seconds:.3f}"))
        seconds, mine = timed(lambda: cohort.build_cohort(db, interviewers[0], questions), repeats)
        rows.append(
            ("build_cohort, one interviewer", f"{len(mine.cells):,} cells", f"{seconds:.3f}")
        )
        filters = cohort.CohortFilters(since=datetime(2026, 11, 17, tzinfo=UTC).date())
        seconds, recent = timed(
            lambda: cohort.build_cohort(db, trainer, questions, filters), repeats
        )
        rows.append(
            (
                "build_cohort, trainer, last 14 days",
                f"{len(recent.cells):,} cells",
                f"{seconds:.3f}",
            )
        )
        seconds, _ = timed(lambda: cohort_export.question_matrix(report, "zh"), repeats)
        rows.append(("question heat-map table", f"{len(report.candidates)} rows", f"{seconds:.3f}"))
        seconds, data = timed(lambda: cohort_export.excel_bytes(report, by_id, "zh"), repeats)
        rows.append(("Excel download (4 sheets)", f"{len(data) / 1e6:.1f} MB", f"{seconds:.3f}"))
        db.dispose()
    return rows


def markdown(results: dict[int, list[tuple[str, str, str]]], command: str) -> str:
    lines = [
        "# Cohort view benchmark",
        "",
        f"Command: `{command}` ({datetime.now(UTC):%Y-%m-%d}, Python {platform.python_version()}, "
        f"{platform.machine()}, SQLite in a temporary file; median of the repeats, wall time).",
        "",
        "The page caches a report per viewer and filters until an answer, a session or an "
        "account changes (`services.cohort.revision`), so only the first view after a change "
        "pays for `build_cohort`; most of its time is decoding the stored score reports "
        "(JSON). The CSV and Excel files are written when their button is clicked, not on "
        "each run of the page; the Excel time is openpyxl writing XML.",
        "",
    ]
    for attempts, rows in results.items():
        lines += [
            f"## {attempts} practice attempt(s) per candidate and question",
            "",
            "| what | size | seconds |",
            "|---|---|---:|",
            *[f"| {what} | {size} | {seconds} |" for what, size, seconds in rows],
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results = {n: run(args.candidates, n, args.repeats) for n in (1, 2)}
    command = f"python -m benchmarks.cohort --candidates {args.candidates} --repeats {args.repeats}"
    text = markdown(results, command)
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
