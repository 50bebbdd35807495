"""Fixtures for the speech tests: the recordings, and one transcriber for the whole session.

The tests skip when faster-whisper (requirements-speech.txt) is not installed, unless
SPEECH_REQUIRED=1 (as in CI, which installs it).
"""

from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"
EN_ANSWER = DATA / "en_answer.wav"  # espeak-ng en-us, 150 wpm, 16 kHz mono
EN_TEXT = (
    "I listened to the customer, apologised for the delay, and promised a call back before "
    "the end of the day."
)
ZH_ANSWER = DATA / "zh_answer.wav"  # espeak-ng cmn-latn-pinyin, 150 wpm
ZH_TEXT = "我先倾听客户的意见，然后和同事一起制定改进计划。"


def require_speech() -> None:
    """Skip the calling module without faster-whisper, or fail if SPEECH_REQUIRED=1."""
    try:
        import faster_whisper  # noqa: F401
    except ImportError as error:
        if os.environ.get("SPEECH_REQUIRED") == "1":
            pytest.fail(f"SPEECH_REQUIRED=1 but faster-whisper is missing: {error}", pytrace=False)
        pytest.skip(
            "faster-whisper is not installed (requirements-speech.txt)", allow_module_level=True
        )


def read_samples(path: Path) -> np.ndarray:
    """The float samples of a 16-bit mono WAV file."""
    with wave.open(str(path), "rb") as source:
        raw = source.readframes(source.getnframes())
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000, channels: int = 1) -> Path:
    """Write samples (float, -1 ... 1; shape (n,) or (n, channels)) as 16-bit PCM WAV."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def resampled(samples: np.ndarray, rate: int) -> np.ndarray:
    """`samples` at 16 kHz resampled to `rate` by linear interpolation."""
    count = int(len(samples) * rate / 16_000)
    return np.interp(np.linspace(0, len(samples) - 1, count), np.arange(len(samples)), samples)


def encode(path: Path, samples: np.ndarray, codec: str, rate: int = 16_000) -> Path:
    """Encode 16 kHz samples into `path` (its suffix picks the container) with PyAV."""
    av = pytest.importorskip("av")
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.fixture(scope="session")
def transcriber():
    """The packaged base model, loaded once (skips without the speech install)."""
    require_speech()
    from speech import load_transcriber

    return load_transcriber()
