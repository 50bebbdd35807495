"""Concurrent practice load on one database: many threads score answers and save them at once.

Each thread plays a candidate practising: for every attempt it scores an answer, autosaves a
draft, stores the scored attempt and overwrites one draft that all threads share (the
"two tabs" case). At the end every write is counted back from the database.

    python -m storage.loadtest --url URL --threads 20 --attempts 50 [--scorer lexical]

Without --url a new SQLite file in a temporary folder is used. Rows written by the run
(owners "guest:loadtest-<run>-...") are deleted afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.models import Attempt, Draft


@dataclass
class LoadResult:
    """What a run did: its size, the writes it made and counted back, and how long it took."""

    backend: str
    threads: int
    attempts_per_thread: int
    scorer: str
    wall_seconds: float = 0.0
    writes: int = 0
    errors: list[str] = field(default_factory=list)
    write_ms: list[float] = field(default_factory=list)
    score_ms: list[float] = field(default_factory=list)
    attempts_counted: int = 0
    drafts_counted: int = 0
    shared_draft: str | None = None
    shared_texts: set[str] = field(default_factory=set)

    @property
    def attempts_expected(self) -> int:
        return self.threads * self.attempts_per_thread

    @property
    def drafts_expected(self) -> int:
        return self.threads * self.attempts_per_thread

    @property
    def accounted(self) -> bool:
        """Every write is in the database, nothing failed, the shared draft is one of ours."""
        return (
            not self.errors
            and self.attempts_counted == self.attempts_expected
            and self.drafts_counted == self.drafts_expected
            and self.shared_draft in self.shared_texts
        )

    @property
    def writes_per_second(self) -> float:
        return self.writes / self.wall_seconds if self.wall_seconds else 0.0

    def row(self) -> list[str]:
        writes = sorted(self.write_ms) or [0.0]
        return [
            self.backend,
            str(self.threads),
            str(self.attempts_per_thread),
            self.scorer,
            str(self.writes),
            str(len(self.errors)),
            f"{self.wall_seconds:.2f}",
            f"{self.writes_per_second:.0f}",
            f"{statistics.median(writes):.1f}",
            f"{_percentile(writes, 95):.1f}",
            f"{writes[-1]:.1f}",
            f"{statistics.mean(self.score_ms or [0.0]):.1f}",
            "yes" if self.accounted else "NO",
        ]


HEADER = [
    "backend",
    "threads",
    "attempts/thread",
    "scorer",
    "writes",
    "errors",
    "wall s",
    "writes/s",
    "write p50 ms",
    "write p95 ms",
    "write max ms",
    "score mean ms",
    "all rows counted",
]


def run_load(db: Database, threads: int, attempts: int, scorer=None, questions=None) -> LoadResult:
    """Run the load on `db` (already upgraded) and count the writes back.

    Args:
        db: the database.
        threads: how many candidates practise at once.
        attempts: attempts per thread; each is 3 writes (a draft, the attempt, the shared draft).
        scorer: a `scoring.engine.Scorer`; None: the lexical scorer (no model, low CPU).
        questions: the questions to answer; None: the shipped bank.
    """
    from question_bank.loader import load_path
    from scoring.engine import Scorer
    from services import practice
    from services.accounts import Actor

    if questions is None:
        questions = load_path().questions
    questions = list(questions)
    if scorer is None:
        scorer = Scorer(None, context=questions)
    run = uuid.uuid4().hex[:10]
    prefix = f"guest:loadtest-{run}-"
    shared = Actor.guest(f"loadtest-{run}-shared")
    result = LoadResult(db.dialect, threads, attempts, scorer.encoder_name)
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)

    def candidate(index: int) -> None:
        actor = Actor.guest(f"loadtest-{run}-{index}")
        writes, scores, errors, texts = [], [], [], set()
        start.wait()
        for k in range(attempts):
            question = questions[(index * attempts + k) % len(questions)]
            answer = _answer(question, index, k)
            try:
                began = time.perf_counter()
                report = scorer.score(question, answer)
                scored = time.perf_counter()
                practice.save_draft(db, actor, f"practice:{question.id}:{k}", answer)
                practice.record_attempt(db, actor, question, answer, report, seconds_taken=k)
                text = f"thread {index} attempt {k}"
                practice.save_draft(db, shared, "practice:shared", text)
                texts.add(text)
                done = time.perf_counter()
            except Exception as exc:  # counted and reported, never stops the others
                errors.append(f"thread {index} attempt {k}: {type(exc).__name__}: {exc}")
                continue
            scores.append((scored - began) * 1000)
            writes.append((done - scored) * 1000 / 3)
        with lock:
            result.write_ms += writes
            result.score_ms += scores
            result.errors += errors
            result.shared_texts |= texts
            result.writes += 3 * len(writes)

    workers = [threading.Thread(target=candidate, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    result.wall_seconds = time.perf_counter() - began

    with db.transaction() as session:
        result.attempts_counted = session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.owner.startswith(prefix))
        )
        result.drafts_counted = session.scalar(
            select(func.count())
            .select_from(Draft)
            .where(Draft.owner.startswith(prefix), Draft.owner != shared.owner)
        )
        result.shared_draft = session.scalar(select(Draft.text).where(Draft.owner == shared.owner))
    return result


def delete_run_rows(db: Database) -> None:
    """Remove every row a load test wrote (owners starting with guest:loadtest-)."""
    with db.transaction() as session:
        session.execute(delete(Attempt).where(Attempt.owner.startswith("guest:loadtest-")))
        session.execute(delete(Draft).where(Draft.owner.startswith("guest:loadtest-")))


def markdown_table(results: list[LoadResult]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r.row()) + " |" for r in results]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage.loadtest", description=__doc__)
    parser.add_argument("--url", help="SQLAlchemy URL; default: a new SQLite file")
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--attempts", type=int, default=50, help="attempts per thread")
    parser.add_argument("--scorer", default="lexical", help="lexical (default) or an encoder")
    parser.add_argument("--keep", action="store_true", help="keep the rows written")
    args = parser.parse_args(argv)

    folder = None
    url = args.url
    if not url:
        folder = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(folder.name) / 'loadtest.sqlite3'}"
    db = Database(url)
    try:
        db.upgrade()
        from question_bank.loader import load_path
        from scoring.engine import Scorer

        questions = load_path().questions
        if args.scorer == "lexical":
            scorer = Scorer(None, context=questions)
        else:
            scorer = Scorer.from_settings(questions, args.scorer)
        result = run_load(db, args.threads, args.attempts, scorer, questions)
        if not args.keep:
            delete_run_rows(db)
    finally:
        db.dispose()
        if folder is not None:
            folder.cleanup()
    print(f"database: {make_url(url).render_as_string(hide_password=True)}")
    print(markdown_table([result]))
    for error in result.errors[:10]:
        print(error, file=sys.stderr)
    return 0 if result.accounted else 1


def _answer(question, index: int, k: int) -> str:
    """A realistic answer: one of the question's graded examples, or its reference answer."""
    texts = [e.text for e in question.examples] or [
        question.reference_answer.zh if question.reference_answer else question.question.zh
    ]
    return f"{texts[(index + k) % len(texts)]}（第 {k + 1} 次练习）"


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    position = min(len(values) - 1, max(0, round(pct / 100 * (len(values) - 1))))
    return sorted(values)[position]


if __name__ == "__main__":
    raise SystemExit(main())
