"""`python -m speech transcribe FILE [--lang] [--json]`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from speech.metrics import wer
from tests.speech.conftest import EN_ANSWER, EN_TEXT, require_speech

require_speech()
ROOT = Path(__file__).resolve().parents[2]


def speech(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "speech", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_transcribe_prints_the_text_and_json_with_segments():
    plain = speech("transcribe", str(EN_ANSWER), "--lang", "en")
    assert plain.returncode == 0, plain.stderr
    assert wer(EN_TEXT, plain.stdout) <= 0.2
    detailed = speech("transcribe", str(EN_ANSWER), "--json")
    assert detailed.returncode == 0, detailed.stderr
    data = json.loads(detailed.stdout)
    assert data["language"] == "en" and data["text"].strip() == plain.stdout.strip()
    assert data["segments"][0]["start"] < data["segments"][0]["end"]


def test_a_bad_file_exits_with_its_own_status_and_a_message(tmp_path):
    (tmp_path / "answer.wav").write_text("typed, not spoken")
    result = speech("transcribe", str(tmp_path / "answer.wav"), "--ui-language", "zh")
    assert result.returncode == 4 and "无法将此文件作为音频读取" in result.stderr
    missing = speech("transcribe", str(tmp_path / "nowhere.wav"))
    assert missing.returncode == 4 and "no file at" in missing.stderr
    wrong = speech("transcribe", str(EN_ANSWER), "--lang", "fr")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
