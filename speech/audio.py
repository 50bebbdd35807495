"""Decoding recordings to 16 kHz mono samples, with clear errors for bad files.

PyAV (bundled with faster-whisper, FFmpeg inside) reads WAV, MP3, M4A, OGG, WebM and more,
and resamples any sample rate and channel layout to what Whisper expects.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from speech.errors import AudioTooLong, AudioUnreadable, NoSpeech, SpeechUnavailable

SAMPLE_RATE = 16_000
MAX_SECONDS = 300.0  # five minutes: a long interview answer
SILENCE_PEAK = 0.003  # a recording whose loudest sample stays below this is silence
MIN_SECONDS = 0.3

AudioSource = str | Path | bytes | BinaryIO | np.ndarray


@dataclass(frozen=True)
class Audio:
    """Decoded samples (float32, mono, 16 kHz) and their length in seconds."""

    samples: np.ndarray

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def _readable(source: AudioSource) -> str | BinaryIO:
    """A path or file object PyAV can open; bytes become a BytesIO."""
    if isinstance(source, bytes | bytearray):
        if not source:
            raise AudioUnreadable(
                "The recording is empty (0 bytes). Record again or choose another file.",
                "录音为空（0 字节）。请重新录音或选择其他文件。",
            )
        return io.BytesIO(bytes(source))
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise AudioUnreadable(f"There is no file at {path}.", f"找不到文件：{path}。")
        if path.stat().st_size == 0:
            raise AudioUnreadable(
                f"{path.name} is empty (0 bytes). Record again or choose another file.",
                f"{path.name} 为空（0 字节）。请重新录音或选择其他文件。",
            )
        return str(path)
    return source


def decode(source: AudioSource, max_seconds: float = MAX_SECONDS) -> Audio:
    """Decode `source` to 16 kHz mono float32 samples and check it can be transcribed.

    Args:
        source: a path, the file's bytes, a file object, or samples already at 16 kHz.
        max_seconds: the longest recording accepted.

    Returns:
        The decoded audio.

    Raises:
        AudioUnreadable: empty, corrupt or not audio. AudioTooLong: over `max_seconds`.
        NoSpeech: silent or too short to hold a word.
    """
    if isinstance(source, np.ndarray):
        samples = np.asarray(source, dtype=np.float32).reshape(-1)
    else:
        samples = _decode_file(_readable(source))
    audio = Audio(samples)
    check(audio, max_seconds)
    return audio


def _decode_file(readable: str | BinaryIO) -> np.ndarray:
    try:
        import av
        from faster_whisper.audio import decode_audio
    except ImportError as error:  # the optional install is missing
        raise SpeechUnavailable(
            "Speech input is not installed on this server "
            "(pip install -r requirements-speech.txt). You can still type your answer.",
            "此服务器未安装语音输入（pip install -r requirements-speech.txt）。你仍可以输入文字作答。",
        ) from error
    try:
        samples = decode_audio(readable, sampling_rate=SAMPLE_RATE)
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as error:
        raise AudioUnreadable(
            "This file could not be read as audio (it is damaged or not a sound file). "
            "Use a WAV, MP3 or M4A recording.",
            "无法将此文件作为音频读取（文件已损坏或不是音频文件）。请使用 WAV、MP3 或 M4A 录音。",
        ) from error
    return np.asarray(samples, dtype=np.float32)


def check(audio: Audio, max_seconds: float = MAX_SECONDS) -> None:
    """Raise a typed error when `audio` is empty, too long or silent."""
    if audio.samples.size == 0:
        raise AudioUnreadable(
            "The file holds no sound at all (no audio stream or no samples). "
            "Use a WAV, MP3 or M4A recording.",
            "文件中没有任何声音（没有音频流或采样）。请使用 WAV、MP3 或 M4A 录音。",
        )
    if audio.seconds > max_seconds:
        raise AudioTooLong(
            f"The recording is {_clock(audio.seconds)} long; the limit is "
            f"{_clock(max_seconds)}. Record a shorter answer or split it.",
            f"录音长 {_clock(audio.seconds)}，上限为 {_clock(max_seconds)}。请录制更短的回答或分段录音。",
        )
    if audio.seconds < MIN_SECONDS or float(np.max(np.abs(audio.samples))) < SILENCE_PEAK:
        raise NoSpeech(
            "The recording is silent or too short: no speech was heard. Check the microphone "
            "and record again.",
            "录音无声或过短，没有听到说话声。请检查麦克风后重新录音。",
        )


def _clock(seconds: float) -> str:
    """Seconds as m:ss."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
