"""Browser end-to-end tests: the real Streamlit app in headless Chromium.

Each test runs one `tests/e2e/<script>.mjs` (playwright-core, see helpers.mjs) against a
Streamlit server started for this module. Needs /usr/bin/chromium (Debian's `chromium`) and
`npm ci` in tests/e2e; without them the module is skipped, unless E2E_REQUIRED=1 (as in CI),
which makes it fail. Screenshots go to $E2E_SCREENSHOTS (e.g. docs/screenshots) when set,
else to the test's tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent
REPO = E2E_DIR.parents[1]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SERVER_TIMEOUT_S = float(os.environ.get("E2E_SERVER_TIMEOUT", "90"))
SCRIPT_TIMEOUT_S = 360  # a little over helpers.mjs's own whole-script limit


def _missing() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install -y chromium chromium-driver)")
    if shutil.which("node") is None:
        missing.append("node (Node.js 20)")
    if not (E2E_DIR / "node_modules" / "playwright-core").is_dir():
        missing.append("tests/e2e/node_modules/playwright-core (cd tests/e2e && npm ci)")
    return missing


MISSING = _missing()
REQUIRED = os.environ.get("E2E_REQUIRED") == "1"
if MISSING and not REQUIRED:
    pytest.skip(
        "browser e2e tests need " + "; ".join(MISSING) + " (set E2E_REQUIRED=1 to fail instead)",
        allow_module_level=True,
    )

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@dataclass
class AppServer:
    url: str
    database_url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


@contextmanager
def _streamlit_server(database_url: str, log: Path) -> Iterator[AppServer]:
    """`streamlit run app.py` on a free port with the given database; stopped after."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env["INTERVIEW_DATABASE_URL"] = database_url
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit not healthy after {SERVER_TIMEOUT_S:.0f} s:\n{log.read_text()}"
                )
            time.sleep(0.5)
        yield AppServer(url=url, database_url=database_url, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    """`streamlit run app.py` on a free port with its own SQLite database; stopped after."""
    if MISSING:  # only reached with E2E_REQUIRED=1
        pytest.fail("E2E_REQUIRED=1 but missing: " + "; ".join(MISSING), pytrace=False)
    tmp = tmp_path_factory.mktemp("e2e")
    with _streamlit_server(f"sqlite:///{tmp / 'e2e.sqlite3'}", tmp / "streamlit.log") as server:
        yield server


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """$E2E_SCREENSHOTS (relative to the repository root) when set, else tmp_path."""
    configured = os.environ.get("E2E_SCREENSHOTS")
    directory = REPO / configured if configured else tmp_path / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def run_script(name: str, server: AppServer, screenshot_dir: Path) -> str:
    """Run tests/e2e/<name>.mjs against the server; fail with its output unless it passes."""
    command = ["node", str(E2E_DIR / f"{name}.mjs"), server.url, str(screenshot_dir)]
    try:
        result = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{name}.mjs ran over {SCRIPT_TIMEOUT_S} s:\n{exc.stdout}\n{exc.stderr}")
    output = result.stdout + result.stderr
    if result.returncode != 0 or f"E2E OK {name}" not in result.stdout:
        server_log = server.log.read_text(errors="replace")[-4000:]
        pytest.fail(
            f"{name}.mjs exited with {result.returncode}:\n{output}\n--- streamlit log ---\n"
            f"{server_log}",
            pytrace=False,
        )
    return output


def test_bank_browser(app_server, screenshot_dir):
    output = run_script("bank_browser", app_server, screenshot_dir)
    assert 'expect text "Question bank" in h1' in output
    shot = screenshot_dir / "bank_browser.png"
    assert shot.is_file() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_practice_question_to_feedback(app_server, screenshot_dir):
    output = run_script("practice", app_server, screenshot_dir)
    assert "evidence clause(s) highlighted" in output
    assert "next steps shown above the question" in output
    assert "a missed point was lifted by the follow-up answer" in output
    for name in ("practice_question.png", "practice_feedback.png", "practice_follow_up.png"):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_answer_to_another_question_is_told_which_it_answers(app_server, screenshot_dir):
    output = run_script("practice_off_topic", app_server, screenshot_dir)
    assert "named the question it answers, in both languages" in output
    for name in ("practice_off_topic_zh.png", "practice_off_topic_en.png"):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_practice_feedback_on_a_phone(app_server, screenshot_dir):
    output = run_script("practice_phone", app_server, screenshot_dir)
    assert "score and tips above the fold, nothing wider than the screen" in output
    shot = screenshot_dir / "practice_feedback_phone.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


PASSWORD = "tour-password-1"


def _admin(db):
    """The app's administrator: created on the first call, signed in on later ones."""
    from services import accounts

    if accounts.needs_first_admin(db):
        return accounts.create_first_admin(db, "admin", PASSWORD, "管理员")
    return accounts.sign_in(db, "admin", PASSWORD)[0]


def _tour_data(database_url: str) -> dict[str, str]:
    """Accounts, practice attempts and a rated mock session in the app's database; tokens."""
    from question_bank.loader import load_path
    from scoring.engine import Scorer
    from services import accounts, practice, sessions
    from services import bank as bank_service
    from storage.db import Database

    db = Database(database_url)
    db.upgrade()
    bank_service.seed_if_empty(db, load_path())
    bank = bank_service.load_bank(db)
    scorer = Scorer.from_settings(bank.questions)
    password = PASSWORD
    admin = _admin(db)
    for username, role, name in [
        ("wang", "candidate", "王小明"),
        ("lin", "interviewer", "林面试官"),
        ("zhou", "trainer", "周培训师"),
    ]:
        accounts.create_user(db, admin, username, password, role, name)
    tokens = {u: accounts.sign_in(db, u, password)[1] for u in ("wang", "lin", "zhou")}

    wang = accounts.actor_for_token(db, tokens["wang"])
    for question in bank.questions[::4]:
        for kind in ("partial-zh", "strong-zh"):
            example = next((e for e in question.examples if e.id == kind), None)
            if example is not None:
                report = scorer.score(question, example.text)
                practice.record_attempt(db, wang, question, example.text, report, 150)

    lin = accounts.actor_for_token(db, tokens["lin"])
    ids = sessions.seed_exam(list(bank.questions))
    session = sessions.create_session(db, lin, "王小明", ids, "客服主管模拟面试", "zh")
    for number, question_id in enumerate(ids[:6]):
        question = bank.question(question_id)
        example = [e for e in question.examples if e.language == "zh"][number % 3]
        report = scorer.score(question, example.text)
        ratings = {p.point_id: {"covered": 2, "partial": 1}.get(p.status, 0) for p in report.points}
        if number % 2:  # the interviewer does not always agree with the machine
            first = report.points[0].point_id
            ratings[first] = max(0, ratings[first] - 1)
        sessions.save_answer(
            db,
            lin,
            session.id,
            question_id,
            answer=example.text,
            report=report,
            point_ratings=ratings,
            overall_rating=max(1, min(5, round(report.score / 20))),
            notes="表达清楚，举例具体。" if number % 2 else "需要追问结果数据。",
        )
    sessions.move_to(db, lin, session.id, 1)
    db.dispose()
    return {**tokens, "session": str(session.id)}


def test_tour_of_the_main_pages(app_server, screenshot_dir, monkeypatch):
    data = _tour_data(app_server.database_url)
    wang, lin, sid = data["wang"], data["lin"], data["session"]
    stops = [
        {"path": "/history", "token": wang, "expect": "我的进步", "shot": "history.png"},
        {"path": f"/mock_session?session={sid}", "token": lin, "expect": "王小明", "shot": "mock_session.png"},
        {"path": f"/session_report?session={sid}", "token": lin, "expect": "王小明", "shot": "session_report.png"},
        {"path": f"/session_report?session={sid}&lang=en", "token": lin, "expect": "Interviewer and machine compared", "shot": "session_report_en.png"},
        {"path": "/batch?lang=en", "token": lin, "expect": "Batch scoring", "shot": "batch_en.png"},
        {"path": "/?lang=en", "token": None, "expect": "Practice", "shot": "practice_en.png"},
    ]  # fmt: skip
    monkeypatch.setenv("E2E_TOUR", json.dumps(stops))
    output = run_script("tour", app_server, screenshot_dir)
    assert output.count("E2E STEP visit") == len(stops)
    for stop in stops:
        assert (screenshot_dir / stop["shot"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_batch_upload_with_reference_answers(app_server, screenshot_dir, tmp_path, monkeypatch):
    import pandas as pd

    from services import accounts
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    accounts.create_user(db, _admin(db), "batch", PASSWORD, "interviewer", "批量面试官")
    token = accounts.sign_in(db, "batch", PASSWORD)[1]
    db.dispose()
    csv_path = tmp_path / "answers.csv"
    pd.DataFrame(
        {
            "question": ["盘点内容包括哪些?", "What happens to the other bulbs?", ""],
            "reference_answer": [
                "盘点内容包括:数量盘点;重量盘点;账实核对。",
                "The other bulbs stay lit because they are still in a closed path.",
                "",
            ],
            "answer": ["数量盘点、重量盘点、账实核对", "They stay on.", "no reference here"],
        }
    ).to_csv(csv_path, index=False)
    monkeypatch.setenv("E2E_BATCH_PATH", "/batch?lang=en")
    monkeypatch.setenv("E2E_BATCH_TOKEN", token)
    monkeypatch.setenv("E2E_BATCH_CSV", str(csv_path))
    run_script("batch", app_server, screenshot_dir)
    assert (screenshot_dir / "batch_scored.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_identity_stays_out_of_addresses_and_a_shared_tab_is_safe(
    app_server, screenshot_dir, monkeypatch
):
    """Issue 12: after sign-in the address carries no credential and a copied address signs
    nobody in (nor does an old ?auth= link); on a shared tab signing in and out leaves
    nothing of the previous person; a draft typed without leaving the box survives a reload."""
    from services import accounts
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    admin = _admin(db)
    for username in ("idcand", "idcand2"):
        accounts.create_user(db, admin, username, PASSWORD, "candidate", username)
    old_token = accounts.sign_in(db, "idcand", PASSWORD)[1]
    from services import sessions

    interviewer = accounts.create_user(db, admin, "idinter", PASSWORD, "interviewer", "面试官")
    mock = sessions.create_session(db, interviewer, "候选人甲", ["cs-beh-01"], "", "en")
    db.dispose()
    config = {
        "password": PASSWORD,
        "first": "idcand",
        "second": "idcand2",
        "old_token": old_token,
        "interviewer": "idinter",
        "mock_session": mock.id,
    }
    monkeypatch.setenv("E2E_IDENTITY", json.dumps(config))
    output = run_script("identity", app_server, screenshot_dir)
    assert "draft comes back" in output
    for name in ("identity_signed_in.png", "identity_draft_restored.png"):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _handshake_status(url: str, host: str, origin: str) -> int:
    """The HTTP status of a WebSocket upgrade to Streamlit's stream with these headers."""
    import base64
    from urllib.parse import urlparse

    parsed = urlparse(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as s:
        s.sendall(request.encode())
        reply = s.recv(4096).decode("latin-1")
    return int(reply.split()[1])


def test_the_setup_code_is_printed_when_the_server_starts(app_server):
    """The database was empty when the server started: the log names the code."""
    from services import identity
    from storage.db import Database

    db = Database(app_server.database_url)
    code = identity.setup_code(db)
    db.dispose()
    assert f"Setup code for the first administrator: {code}" in app_server.log.read_text()


def test_a_dns_rebinding_handshake_is_refused(app_server):
    """A page on another site whose name now points at this machine opens the WebSocket
    with its own Host and Origin: refused (server.allowedHosts in .streamlit/config.toml)."""
    port = app_server.url.rsplit(":", 1)[1]
    assert _handshake_status(app_server.url, f"127.0.0.1:{port}", app_server.url) == 101
    evil = f"rebind.attacker.example:{port}"
    assert _handshake_status(app_server.url, evil, f"http://{evil}") != 101


def test_a_session_and_a_guests_draft_survive_a_server_restart(
    app_server, screenshot_dir, tmp_path, monkeypatch
):
    """A second app process on the same database stands for the restarted server: the
    browser's cookies (session token, server-signed guest key) still work there."""
    from services import accounts
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    accounts.create_user(db, _admin(db), "restart", PASSWORD, "candidate", "重启用户")
    db.dispose()
    with _streamlit_server(app_server.database_url, tmp_path / "second.log") as second:
        config = {"second": second.url, "username": "restart", "password": PASSWORD}
        monkeypatch.setenv("E2E_RESTART", json.dumps(config))
        output = run_script("restart", app_server, screenshot_dir)
    assert "signed in on the new process" in output


def test_the_cohort_view_with_a_seeded_cohort(app_server, screenshot_dir, monkeypatch):
    """Issue 13: a trainer's heat maps of a seeded cohort, the missed points, the CSV download
    and the interviewer filter."""
    from question_bank.loader import load_path
    from services import accounts
    from services.cohort_seed import seed_cohort
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    admin = _admin(db)
    trainer = accounts.create_user(db, admin, "cohort-trainer", PASSWORD, "trainer", "钱培训师")
    lin = accounts.create_user(db, admin, "cohort-lin", PASSWORD, "interviewer", "林面试官")
    seed_cohort(
        db,
        load_path().questions,
        candidates=24,
        interviewer_ids=[lin.user_id],
        sessions_per_interviewer=4,
        prefix="e2e-cohort",
    )
    token = accounts.sign_in(db, trainer.username, PASSWORD)[1]
    db.dispose()
    monkeypatch.setenv("E2E_COHORT_TOKEN", token)
    monkeypatch.setenv("E2E_COHORT_CANDIDATES", "24")
    output = run_script("cohort", app_server, screenshot_dir)
    assert "CSV downloaded" in output
    for name in ("cohort.png", "cohort_missed.png"):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_spoken_answer_is_recorded_transcribed_edited_and_scored(
    app_server, screenshot_dir, monkeypatch
):
    """Issue 14: Chromium's fake microphone plays tests/speech/data/en_answer.wav, in
    practice (as a guest) and in a mock session (as its interviewer)."""
    pytest.importorskip("faster_whisper")
    from services import accounts, sessions
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    interviewer = accounts.create_user(
        db, _admin(db), "voiceinter", PASSWORD, "interviewer", "Voice interviewer"
    )
    mock = sessions.create_session(db, interviewer, "Candidate V", ["cs-beh-01"], "", "en")
    token = accounts.sign_in(db, "voiceinter", PASSWORD)[1]
    db.dispose()
    monkeypatch.setenv("E2E_VOICE", json.dumps({"token": token, "mock_session": mock.id}))
    output = run_script("voice", app_server, screenshot_dir)
    assert "the edited transcript was scored" in output
    assert "the second transcript was appended after the typed answer" in output
    assert "the mock-session transcript came back after a reload" in output
    for name in (
        "voice_transcript.png",
        "voice_feedback.png",
        "voice_append.png",
        "voice_mock.png",
    ):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_workbench_point_editor_stale_mark_and_rubric_lab(app_server, screenshot_dir, monkeypatch):
    """Issue 13, item 7: a point's Chinese edited alone is marked (also after a reload), the
    English edited clears it; the rubric lab shows each point's probability, and what the
    question's examples teach the scorer, with the passage a trainer marked in an example."""
    from question_bank.loader import load_path
    from services import accounts
    from services import bank as bank_service
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    bank_service.seed_if_empty(db, load_path())
    trainer = accounts.create_user(db, _admin(db), "wb-trainer", PASSWORD, "trainer", "吴培训师")
    token = accounts.sign_in(db, trainer.username, PASSWORD)[1]
    question_id = "cs-beh-01"
    before = bank_service.get_question(db, question_id)
    monkeypatch.setenv("E2E_WORKBENCH_TOKEN", token)
    monkeypatch.setenv("E2E_WORKBENCH_QUESTION", question_id)
    try:
        run_script("workbench", app_server, screenshot_dir)
        after = bank_service.get_question(db, question_id)
        assert after.version == before.version + 3
        first, old = after.question.rubric[0], before.question.rubric[0]
        assert first.text.zh != old.text.zh and first.text.en != old.text.en
        strong = next(e for e in after.question.examples if e.id == "strong-zh")
        assert strong.evidence == {"p1": ("分别把他俩叫到小会议室",)}
    finally:  # the other browser tests score this question: give it its text back
        current = bank_service.get_question(db, question_id).version
        if current != before.version:
            bank_service.restore_version(db, trainer, question_id, before.version, current)
        db.dispose()
    shots = ("workbench.png", "workbench_point_editor.png", "workbench_example_marks.png",
             "rubric_lab.png", "rubric_lab_phrasings.png")  # fmt: skip
    for name in shots:
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _pdf_text(path: Path) -> str:
    """A PDF's text with whitespace removed (extraction may space CJK characters apart)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def test_a_mock_session_for_a_candidate_account_to_their_report(
    app_server, screenshot_dir, tmp_path, monkeypatch
):
    """Issue 13: an interviewer's session for a candidate's account (machine score once rated,
    a follow-up lifting a missed point, a shared note), the full report's PDF; then the
    candidate reads their report under My progress without private notes or agreement
    statistics, and downloads their PDF. Both PDFs parse and hold the Chinese texts."""
    from question_bank.loader import load_path
    from services import accounts
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    admin = _admin(db)
    accounts.create_user(db, admin, "sessint", PASSWORD, "interviewer", "赵面试官")
    accounts.create_user(db, admin, "sesscand", PASSWORD, "candidate", "陈晓")
    tokens = {u: accounts.sign_in(db, u, PASSWORD)[1] for u in ("sessint", "sesscand")}
    db.dispose()
    bank = load_path()
    first, second = bank.question("cs-beh-01"), bank.question("cs-beh-02")

    def example(question, kind: str) -> str:
        return next(e.text for e in question.examples if e.id == kind)

    private, shared = "私人备注：语速偏快，需观察抗压。", "点评：结构清楚，下次用数据说明结果。"
    config = {
        "interviewer": tokens["sessint"],
        "candidate": tokens["sesscand"],
        "candidateName": "陈晓",
        "title": "客服主管一面",
        "firstTitle": first.title.zh,
        "answer": example(first, "weak-zh"),
        "followUp": example(first, "strong-zh"),
        "answer2": example(second, "partial-zh"),
        "private": private,
        "shared": shared,
        "interviewerPdf": str(tmp_path / "interviewer.pdf"),
        "candidatePdf": str(tmp_path / "candidate.pdf"),
    }
    monkeypatch.setenv("E2E_SESSIONS", json.dumps(config, ensure_ascii=False))
    output = run_script("sessions", app_server, screenshot_dir)
    assert "without a Score click" in output and "lifted by the follow-up" in output
    full, own = _pdf_text(tmp_path / "interviewer.pdf"), _pdf_text(tmp_path / "candidate.pdf")
    for text in (full, own):
        assert "客服主管一面" in text and "陈晓" in text and first.title.zh in text
        assert shared.replace(" ", "") in text
    assert private in full and "Cohen" in full
    assert private not in own and "Cohen" not in own and "经追问补上" in own
    for name in (
        "mock_session_new.png",
        "mock_session_rated.png",
        "session_report_interviewer.png",
        "candidate_report.png",
    ):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_users_page_creates_an_account_and_empties_the_form(
    app_server, screenshot_dir, monkeypatch
):
    """Issue 13: a success message after a create, the form emptied, messages in Chinese."""
    from services import accounts
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    _admin(db)
    token = accounts.sign_in(db, "admin", PASSWORD)[1]
    db.dispose()
    monkeypatch.setenv("E2E_USERS_TOKEN", token)
    output = run_script("users", app_server, screenshot_dir)
    assert "the form is empty after the create" in output
    for name in ("users_created.png", "users_refused.png"):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_workbench_bank_import_says_each_problem_in_the_readers_language(
    app_server, screenshot_dir, tmp_path, monkeypatch
):
    """A trainer uploads a CSV with an empty required cell and a rubric row for a question not
    in the file: each problem is listed at its table and row in Chinese (then, after the
    language switch, in English); a text file renamed .yaml and an empty file get a clear
    Chinese message. Nothing changes the bank."""
    import io

    import pandas as pd

    from question_bank.loader import load_path
    from services import accounts, bank_files
    from services import bank as bank_service
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    bank_service.seed_if_empty(db, load_path())
    trainer = accounts.create_user(
        db, _admin(db), "import-trainer", PASSWORD, "trainer", "郑培训师"
    )
    token = accounts.sign_in(db, trainer.username, PASSWORD)[1]

    def bank_now() -> tuple[dict, list[str]]:
        live = {
            e.question.id: (e.version, e.question.model_dump(mode="json"))
            for e in bank_service.list_entries(db, trainer)
        }
        return live, [e.question.id for e in bank_service.deleted_entries(db, trainer)]

    before = bank_now()
    exported = bank_files.export_table([bank_service.get_question(db, "cs-beh-01").question], "csv")
    table = pd.read_csv(io.BytesIO(exported), dtype=str, keep_default_na=False)
    assert list(table["record"][:2]) == ["question", "rubric_point"]
    table.loc[0, "title_zh"] = ""  # spreadsheet row 2: a required cell left empty
    stray = table.loc[1].copy()
    stray["question_id"] = "cs-beh-99"  # row 4: a rubric point for a question not in the file
    table = pd.concat([table[:2], stray.to_frame().T, table[2:]], ignore_index=True)
    files = {
        "badCsv": tmp_path / "edited_bank.csv",
        "notBank": tmp_path / "meeting_notes.yaml",
        "empty": tmp_path / "empty.yaml",
    }
    files["badCsv"].write_text(table.to_csv(index=False), encoding="utf-8")
    files["notBank"].write_text("周一例会记录\n下周三之前交季度报告，别忘了订会议室。\n", "utf-8")
    files["empty"].write_bytes(b"")
    config = {"token": token, "questions": len(before[0])} | {k: str(v) for k, v in files.items()}
    monkeypatch.setenv("E2E_BANK_IMPORT", json.dumps(config))
    try:
        output = run_script("bank_import", app_server, screenshot_dir)
        assert "each problem at its table and row, in Chinese" in output
        assert "each problem at its table and row, in English" in output
        assert bank_now() == before
    finally:
        db.dispose()
    for name in (
        "bank_import_errors_zh.png",
        "bank_import_not_a_bank_zh.png",
        "bank_import_empty_zh.png",
        "bank_import_errors_en.png",
    ):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_workbench_keeps_the_tab_and_the_filter_when_the_language_changes(
    app_server, screenshot_dir, monkeypatch
):
    """A language switch in the workbench keeps the open tab (History) and the category
    filter's choice, both shown in the new language; the filter still filters after it."""
    from question_bank.loader import load_path
    from services import accounts
    from services import bank as bank_service
    from storage.db import Database

    db = Database(app_server.database_url)
    db.upgrade()
    bank_service.seed_if_empty(db, load_path())
    trainer = accounts.create_user(db, _admin(db), "lang-trainer", PASSWORD, "trainer", "许培训师")
    token = accounts.sign_in(db, trainer.username, PASSWORD)[1]
    categories = [e.question.category for e in bank_service.list_entries(db, trainer)]
    db.dispose()
    counts = {
        "notStress": sum(c != "stress" for c in categories),
        "behavioralSituational": sum(c in ("behavioral", "situational") for c in categories),
    }
    monkeypatch.setenv("E2E_WORKBENCH_LANGUAGE", json.dumps({"token": token, "counts": counts}))
    output = run_script("workbench_language", app_server, screenshot_dir)
    assert "the History tab is still open, in English" in output
    assert "the category filter keeps its choice, in English" in output
    assert "place and filter kept both ways" in output
    for name in (
        "workbench_language_zh.png",
        "workbench_language_en_history.png",
        "workbench_language_en.png",
    ):
        assert (screenshot_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
