"""Spoken answers for the pages: upload checks, transcription with progress, speaking pace,
and putting a transcript into an answer without losing what was typed.

The engine is `speech/` (an optional install); the page keeps the loaded model behind
st.cache_resource and passes it in. Recordings live only in the browser session: nothing
here writes audio to the database or the disk.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from services.errors import InputRejected, ServiceError
from speech.audio import MAX_SECONDS
from speech.errors import SpeechError
from speech.transcriber import Transcriber, Transcript

MAX_UPLOAD_MB = 20  # a five-minute answer is 1-5 MB as MP3/M4A, 10 MB as 16 kHz WAV
UPLOAD_TYPES = ("wav", "mp3", "m4a")
PAUSE_S = 2.0  # a silence this long between two stretches of speech counts as a pause


class TranscriptionFailed(ServiceError):
    """The recording could not be transcribed; `code` is the engine's (see speech.errors)."""

    def __init__(self, en: str, zh: str, code: str) -> None:
        super().__init__(en, zh)
        self.code = code


class Superseded(ServiceError):
    """A newer recording of the same answer started; this transcription was stopped."""


def speech_installed() -> bool:
    """Whether the optional speech install (faster-whisper) is present."""
    return importlib.util.find_spec("faster_whisper") is not None


def load(loader: Callable[[], Transcriber]) -> Transcriber:
    """Call `loader` (the page's cached model); a missing install or model becomes a
    TranscriptionFailed with its message in both languages."""
    try:
        return loader()
    except SpeechError as error:
        raise TranscriptionFailed(error.en, error.zh, error.code) from error


def digest(data: bytes) -> str:
    """A short fingerprint of a recording, to tell a new one from the one already handled."""
    return hashlib.sha256(data).hexdigest()[:16]


def check_upload(name: str, size: int) -> None:
    """Refuse an uploaded file of the wrong type or over the size limit (it is not kept)."""
    suffix = PurePath(name or "").suffix.lower().lstrip(".")
    if suffix not in UPLOAD_TYPES:
        raise InputRejected(
            f"{name} is not a WAV, MP3 or M4A file. Choose a recording in one of those formats.",
            f"{name} 不是 WAV、MP3 或 M4A 文件。请选择这些格式之一的录音。",
        )
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        megabytes = size / 1024 / 1024
        raise InputRejected(
            f"{name} is {megabytes:.1f} MB; recordings can be at most {MAX_UPLOAD_MB} MB. "
            "Save it as MP3 or M4A, or shorten it.",
            f"{name} 大小为 {megabytes:.1f} MB，录音最大 {MAX_UPLOAD_MB} MB。"
            "请另存为 MP3 或 M4A，或缩短录音。",
        )


class Jobs:
    """The transcription running for each answer box: a newer recording stops an older one.

    `start(box)` returns a token; `check(box, token)` raises Superseded once a later `start`
    for the same box happened (the older run stops at its next progress report).
    """

    def __init__(self) -> None:
        self._latest: dict[str, int] = {}
        self._count = 0
        self._lock = threading.Lock()

    def start(self, box: str) -> int:
        with self._lock:
            self._count += 1
            self._latest[box] = self._count
            return self._count

    def check(self, box: str, token: int) -> None:
        if self._latest.get(box) != token:
            raise Superseded(
                "A newer recording replaced this one; only the newest is transcribed.",
                "新的录音已替换这段录音，只转写最新的一段。",
            )

    def running(self, box: str, token: int) -> bool:
        return self._latest.get(box) == token

    def finish(self, box: str, token: int) -> None:
        with self._lock:
            if self._latest.get(box) == token:
                del self._latest[box]


JOBS = Jobs()


@dataclass(frozen=True)
class Pace:
    """How the answer was spoken: its length, speed and pauses."""

    seconds: float  # length of the recording
    units: int  # Chinese characters, or English words
    unit: str  # "chars" or "words"
    per_minute: float  # units per minute of the recording
    pauses: int  # silences of PAUSE_S or longer between stretches of speech
    longest_pause_s: float


def pace(transcript: Transcript) -> Pace:
    """The speaking pace of `transcript` (characters per minute for Chinese, words for English)."""
    if transcript.language == "zh":
        units = sum(1 for c in transcript.text if "\u3400" <= c <= "\u9fff" or c.isalnum())
        unit = "chars"
    else:
        units = len(transcript.text.split())
        unit = "words"
    gaps = [
        later.start - earlier.end
        for earlier, later in zip(transcript.segments, transcript.segments[1:], strict=False)
    ]
    pauses = [gap for gap in gaps if gap >= PAUSE_S]
    minutes = max(transcript.duration_s, 1.0) / 60
    return Pace(
        seconds=transcript.duration_s,
        units=units,
        unit=unit,
        per_minute=round(units / minutes, 1),
        pauses=len(pauses),
        longest_pause_s=round(max(pauses, default=0.0), 1),
    )


def transcribe(
    transcriber: Transcriber,
    box: str,
    data: bytes,
    language: str | None,
    progress: Callable[[float], None] | None = None,
    jobs: Jobs = JOBS,
) -> Transcript:
    """Transcribe one recording for the answer box `box`.

    Args:
        transcriber: the loaded engine.
        box: the answer box the recording belongs to; a newer recording for the same box
            stops this one (Superseded).
        data: the recording's bytes (WAV, MP3, M4A ...).
        language: "zh", "en" or None to detect.
        progress: called with the fraction done.

    Raises:
        TranscriptionFailed: silent, too long, corrupt or not audio, or no engine.
        Superseded: a newer recording for the same box started meanwhile.
    """
    token = jobs.start(box)

    def report(fraction: float) -> None:
        jobs.check(box, token)
        if progress:
            progress(fraction)

    try:
        return transcriber.transcribe(data, language, progress=report)
    except SpeechError as error:
        raise TranscriptionFailed(error.en, error.zh, error.code) from error
    finally:
        jobs.finish(box, token)


def merge(current: str, transcript: str, how: str) -> str:
    """The answer after putting `transcript` into a box holding `current`.

    Args:
        how: "replace" (the transcript alone) or "append" (after the current text, on a
            new paragraph; the transcript alone when the box is blank).
    """
    if how == "replace" or not current.strip():
        return transcript
    return current.rstrip() + "\n\n" + transcript


def limits_text(language: str) -> str:
    """The recording limits in one line, for the page."""
    minutes = int(MAX_SECONDS // 60)
    if language == "en":
        return f"At most {minutes} minutes; uploads: WAV, MP3 or M4A up to {MAX_UPLOAD_MB} MB."
    return f"最长 {minutes} 分钟；上传文件：WAV、MP3 或 M4A，最大 {MAX_UPLOAD_MB} MB。"
