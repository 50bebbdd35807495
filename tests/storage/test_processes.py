"""Several app processes on one database: what one writes, the other reads; and a process
killed mid-write (SIGKILL) loses nothing it had reported as saved. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.storage.worker import session_answer

PROJECT = Path(__file__).resolve().parents[2]
WORKER = [sys.executable, "-m", "tests.storage.worker"]


class Worker:
    """One `python -m tests.storage.worker URL serve` process: a stand-in app process."""

    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen(
            [*WORKER, url, "serve"],
            cwd=PROJECT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ready(self) -> int:
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read()
        return json.loads(line)["ready"]

    def __call__(self, op: str, **args) -> dict:
        self.proc.stdin.write(json.dumps({"op": op, "args": args}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read()
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def test_two_app_processes_see_each_others_writes(database_url, seeded, users):
    a, b = Worker(database_url), Worker(database_url)
    try:
        assert a.ready() != b.ready()  # two processes, each with its own engine, both open
        assert b("get_question", question_id="cs-beh-01") == {
            "version": 1,
            "title": "Handling conflict in the team",
            "by": "seed",
        }
        # a trainer saves an edit in process A; process B reads it at once
        assert a("save_title", username="train", question_id="cs-beh-01", title="A", expected=1)
        assert b("get_question", question_id="cs-beh-01") == {
            "version": 2,
            "title": "A",
            "by": "train",
        }
        # B still held version 1 open: its save is a conflict, not an overwrite
        conflict = b(
            "save_title", username="train2", question_id="cs-beh-01", title="B", expected=1
        )
        assert (
            conflict["error"] == "EditConflict" and "Nothing was overwritten" in conflict["message"]
        )
        assert a("get_question", question_id="cs-beh-01")["title"] == "A"
        # an attempt and a draft saved through B are read through A
        saved = b(
            "record_attempt", username="cand", question_id="cs-beh-01", answer="先倾听，再解决。"
        )
        assert a("list_attempts", username="cand") == {
            "attempts": [[saved["id"], "先倾听，再解决。"]]
        }
        b("save_draft", username="cand", scope="practice:cs-sit-01", text="half typed")
        assert a("load_draft", username="cand", scope="practice:cs-sit-01") == {
            "text": "half typed"
        }
        assert a("list_attempts", username="cand2") == {"attempts": []}  # only the owner's
    finally:
        a.close()
        b.close()
    assert a.proc.returncode == 0 and b.proc.returncode == 0


def test_a_killed_process_loses_no_answer_it_reported_saved(database_url, seeded, users):
    interviewer = users["inter"].user_id
    proc = subprocess.Popen(
        [*WORKER, database_url, "session", str(interviewer), "50"],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines = []
    for line in proc.stdout:  # kill it as soon as it reports its second saved answer
        lines.append(line.strip())
        if line.startswith("saved 2 "):
            os.kill(proc.pid, signal.SIGKILL)
            break
    rest, err = proc.communicate(timeout=60)
    lines += rest.strip().splitlines()
    assert proc.returncode == -signal.SIGKILL, err
    session_id = int(lines[0].split()[1])
    reported: dict[str, int] = {}  # question id -> the last round reported saved
    for line in lines[1:]:
        assert line.startswith("saved "), line
        _, _, round_number, question_id = line.split()
        reported[question_id] = int(round_number)
    total = 50 * len(seeded_question_ids(seeded))
    assert 2 <= len(lines) - 1 < total, "the process finished before it was killed"

    # a new process opens the same session
    dump = subprocess.run(
        [*WORKER, database_url, "dump", str(session_id), str(interviewer)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    stored = json.loads(dump.stdout)
    for question_id, round_number in reported.items():
        answer, notes = stored[question_id]
        # what was reported saved is there (or a later save that committed before the kill)
        assert answer in (
            session_answer(round_number, question_id),
            session_answer(round_number + 1, question_id),
        )
    for question_id, (answer, notes) in stored.items():  # no torn or mixed write anywhere
        round_number = int(notes.split()[1])
        assert answer == session_answer(round_number, question_id)
        assert round_number <= reported.get(question_id, -1) + 1
    print(f"\nkilled after {len(lines) - 1} reported saves; {len(stored)} answers stored")


def seeded_question_ids(db) -> list[str]:
    from services import bank as bank_service

    return [q.id for q in bank_service.load_bank(db).questions]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_streamlit_servers_on_one_database_both_answer(database_url):
    streamlit = Path(sys.executable).with_name("streamlit")
    if not streamlit.exists() and not shutil.which("streamlit"):
        pytest.skip("streamlit is not installed")
    env = {**os.environ, "INTERVIEW_DATABASE_URL": database_url}
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            deadline = time.monotonic() + 90
            while True:
                assert server.poll() is None, server.stderr.read()
                try:
                    url = f"http://127.0.0.1:{port}/_stcore/health"
                    with urllib.request.urlopen(url, timeout=5) as response:
                        assert response.read().decode() == "ok"
                        break
                except OSError:
                    assert time.monotonic() < deadline, f"no health answer on port {port}"
                    time.sleep(0.5)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
