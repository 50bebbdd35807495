"""A stand-in for one app process, driven by the storage tests through a pipe.

python -m tests.storage.worker URL serve
    Opens its own Database on URL, prints {"ready": pid}, then answers one JSON command per
    stdin line with one JSON line (see COMMANDS).
python -m tests.storage.worker URL session INTERVIEWER_ID ROUNDS
    Creates a mock session with every bank question, prints "session N", then saves an
    answer at a time (ROUNDS times over the questions), printing "saved K ROUND QID" after
    each commit. The fault test kills it with SIGKILL part way.
python -m tests.storage.worker URL dump SESSION_ID INTERVIEWER_ID
    Prints the session's answers as JSON {question_id: answer}.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from sqlalchemy import select

from services import bank as bank_service
from services import practice, sessions
from services.accounts import Actor
from services.errors import ServiceError
from storage.db import Database
from storage.models import User


def actor_named(db: Database, username: str) -> Actor:
    with db.transaction() as session:
        return Actor.of(session.scalar(select(User).where(User.username == username)))


def session_answer(round_number: int, question_id: str) -> str:
    """The answer saved in a round: long enough that a torn write would show."""
    return f"round {round_number} {question_id} " + "答" * 2_000 + " end"


def get_question(db: Database, question_id: str) -> dict[str, Any]:
    entry = bank_service.get_question(db, question_id)
    return {"version": entry.version, "title": entry.question.title.en, "by": entry.updated_by}


def save_title(
    db: Database, username: str, question_id: str, title: str, expected: int
) -> dict[str, Any]:
    entry = bank_service.get_question(db, question_id)
    data = entry.question.model_dump(mode="json")
    data["title"]["en"] = title
    saved = bank_service.save_question(db, actor_named(db, username), data, expected)
    return {"version": saved.version}


def record_attempt(db: Database, username: str, question_id: str, answer: str) -> dict[str, Any]:
    from scoring.engine import Scorer

    bank = bank_service.load_bank(db)
    question = bank.question(question_id)
    report = Scorer(None, context=bank.questions).score(question, answer)
    view = practice.record_attempt(db, actor_named(db, username), question, answer, report)
    return {"id": view.id, "score": view.report.score}


def list_attempts(db: Database, username: str) -> dict[str, Any]:
    views = practice.list_attempts(db, actor_named(db, username))
    return {"attempts": [[v.id, v.answer] for v in views]}


def save_draft(db: Database, username: str, scope: str, text: str) -> dict[str, Any]:
    practice.save_draft(db, actor_named(db, username), scope, text)
    return {}


def load_draft(db: Database, username: str, scope: str) -> dict[str, Any]:
    return {"text": practice.load_draft(db, actor_named(db, username), scope)}


COMMANDS = {
    f.__name__: f
    for f in (get_question, save_title, record_attempt, list_attempts, save_draft, load_draft)
}


def serve(db: Database) -> None:
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        try:
            result = COMMANDS[command["op"]](db, **command.get("args", {}))
        except ServiceError as error:
            result = {"error": type(error).__name__, "message": error.en}
        print(json.dumps(result, ensure_ascii=False), flush=True)


def run_session(db: Database, interviewer_id: int, rounds: int) -> None:
    with db.transaction() as session:
        interviewer = Actor.of(session.get(User, interviewer_id))
    question_ids = [q.id for q in bank_service.load_bank(db).questions]
    created = sessions.create_session(db, interviewer, "Fault candidate", question_ids)
    print(f"session {created.id}", flush=True)
    saved = 0
    for round_number in range(rounds):
        for question_id in question_ids:
            sessions.save_answer(
                db,
                interviewer,
                created.id,
                question_id,
                answer=session_answer(round_number, question_id),
                notes=f"round {round_number}",
            )
            saved += 1
            print(f"saved {saved} {round_number} {question_id}", flush=True)


def dump(db: Database, session_id: int, interviewer_id: int) -> None:
    with db.transaction() as session:
        interviewer = Actor.of(session.get(User, interviewer_id))
    view = sessions.get_session(db, interviewer, session_id)
    answers = {q: [a.answer, a.notes] for q, a in view.answers.items()}
    print(json.dumps(answers, ensure_ascii=False), flush=True)


def main(argv: list[str]) -> None:
    url, mode, *rest = argv
    db = Database(url)
    db.upgrade()
    try:
        if mode == "serve":
            serve(db)
        elif mode == "session":
            run_session(db, int(rest[0]), int(rest[1]))
        elif mode == "dump":
            dump(db, int(rest[0]), int(rest[1]))
        else:
            raise SystemExit(f"unknown mode {mode!r}")
    finally:
        db.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
