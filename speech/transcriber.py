"""The transcription interface and its faster-whisper backend."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from speech import model as models
from speech.audio import MAX_SECONDS, AudioSource, decode
from speech.errors import NoSpeech, SpeechError, SpeechUnavailable

Progress = Callable[[float], None]  # called with the fraction done, 0.0 ... 1.0
LANGUAGES = ("zh", "en")
# The first window's prompt: Simplified characters and full-width punctuation in, the same out.
ZH_PROMPT = "以下是普通话的回答，使用简体中文和标点符号。"
_REPEATS = re.compile(r"(\D{1,30}?)(?:\s*\1){4,}")  # said five times or more in a row: a loop
_FULL_WIDTH = str.maketrans({",": "，", "?": "？", "!": "！", ":": "：", ";": "；"})
_CJK = "\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"
_GAP = re.compile(f"(?<=[{_CJK}])\\s+|\\s+(?=[{_CJK}])")  # spaces next to CJK text


@dataclass(frozen=True)
class Segment:
    """A stretch of speech: its start and end in seconds and its text."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """What was said: the text, the language, the segments and how long it all took."""

    text: str
    language: str
    language_probability: float
    duration_s: float  # the recording's length
    speech_s: float  # seconds of speech the voice activity detector kept
    segments: tuple[Segment, ...] = field(default_factory=tuple)
    elapsed_s: float = 0.0  # time spent transcribing

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


class Transcriber(Protocol):
    """Anything that turns a recording into a Transcript."""

    name: str

    def transcribe(
        self,
        audio: AudioSource,
        language: str | None = None,
        progress: Progress | None = None,
    ) -> Transcript:
        """Transcribe `audio`; `language` ("zh", "en" or None to detect) is a hint."""
        ...


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to Simplified (OpenCC t2s); other text unchanged."""
    return _t2s().convert(text)


_converter: Any = None


def _t2s() -> Any:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter


def clean_text(text: str, language: str) -> str:
    """Tidy one segment: loops cut to one repetition; for Chinese, Simplified characters,
    full-width punctuation and no spaces between characters."""
    text = _REPEATS.sub(r"\1", text.strip())
    if language != "zh":
        return text
    return _GAP.sub("", to_simplified(text).translate(_FULL_WIDTH))


def join_segments(texts: list[str], language: str) -> str:
    """Segments into one text: no spaces between Chinese segments, one between English ones."""
    return ("" if language == "zh" else " ").join(t for t in texts if t).strip()


class WhisperTranscriber:
    """faster-whisper (CTranslate2) on the CPU, or a GPU where one is present.

    Args:
        model: a size name, a model folder, a hub id, or None for INTERVIEW_SPEECH_MODEL /
            the packaged base weights (see `speech.model.resolve`).
        device: "cpu", "cuda" or "auto" (default: INTERVIEW_SPEECH_DEVICE, else "cpu": a GPU
            also needs CUDA's cuBLAS and cuDNN libraries, which pip does not install).
        compute_type: CTranslate2's compute type; int8 is fast and small on a CPU.
        cpu_threads: threads for the CPU (default: the cores this process may use).
        beam_size: 1 decodes greedily (fastest); larger searches more.
        max_seconds: the longest recording accepted.
    """

    def __init__(
        self,
        model: str | None = None,
        device: str | None = None,
        compute_type: str = "int8",
        cpu_threads: int | None = None,
        beam_size: int = 1,
        max_seconds: float = MAX_SECONDS,
    ) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as error:
            raise SpeechUnavailable(
                "Speech input is not installed on this server "
                "(pip install -r requirements-speech.txt). You can still type your answer.",
                "此服务器未安装语音输入（pip install -r requirements-speech.txt）。"
                "你仍可以输入文字作答。",
            ) from error
        self.source = models.resolve(model)
        self.name = model or os.environ.get("INTERVIEW_SPEECH_MODEL") or models.PACKAGED
        self.beam_size, self.max_seconds = beam_size, max_seconds
        threads = cpu_threads or len(os.sched_getaffinity(0))
        started = time.perf_counter()
        try:
            self._model = WhisperModel(
                self.source,
                device=device or os.environ.get("INTERVIEW_SPEECH_DEVICE") or "cpu",
                compute_type=compute_type,
                cpu_threads=threads,
            )
        except Exception as error:  # a missing download, a damaged folder, no GPU ...
            raise SpeechUnavailable(
                f"The speech model {self.name!r} could not be loaded: {error}",
                f"无法加载语音模型 {self.name!r}：{error}",
            ) from error
        self.load_s = time.perf_counter() - started
        self._lock = threading.Lock()  # one CTranslate2 model, one transcription at a time

    def transcribe(
        self,
        audio: AudioSource,
        language: str | None = None,
        progress: Progress | None = None,
    ) -> Transcript:
        """Transcribe `audio` (see the Transcriber protocol).

        Raises:
            AudioUnreadable, AudioTooLong, NoSpeech: the recording cannot be transcribed.
        """
        if language not in (None, *LANGUAGES):
            raise SpeechError(
                f"Unknown language {language!r}: use zh or en.",
                f"未知的语言 {language!r}：请使用 zh 或 en。",
            )
        decoded = decode(audio, self.max_seconds)
        started = time.perf_counter()
        with self._lock:
            spoken, probability = language or "", 1.0
            if not language:
                spoken, probability = self._detect(decoded.samples)
            segments, info = self._model.transcribe(
                decoded.samples,
                language=spoken,
                beam_size=self.beam_size,
                temperature=0.0,
                condition_on_previous_text=False,
                initial_prompt=ZH_PROMPT if spoken == "zh" else None,
                vad_filter=True,
                vad_parameters={"min_silence_duration_ms": 500},
            )
            found: list[Segment] = []
            for segment in segments:
                text = clean_text(segment.text, spoken)
                if text:
                    found.append(Segment(round(segment.start, 2), round(segment.end, 2), text))
                if progress:
                    progress(min(1.0, segment.end / max(info.duration, 0.01)))
        if progress:
            progress(1.0)
        text = join_segments([s.text for s in found], spoken)
        if not text:
            raise NoSpeech(
                "No speech was recognised in the recording (only silence or noise). Speak "
                "closer to the microphone and record again.",
                "录音中没有识别到说话内容（只有静音或噪声）。请靠近麦克风重新录音。",
            )
        return Transcript(
            text=text,
            language=spoken,
            language_probability=round(probability, 3),
            duration_s=round(decoded.seconds, 2),
            speech_s=round(float(info.duration_after_vad), 2),
            segments=tuple(found),
            elapsed_s=round(time.perf_counter() - started, 2),
        )

    def _detect(self, samples: Any) -> tuple[str, float]:
        """The likelier of Chinese and English in the speech of `samples`, and its share.

        Whisper alone may name another language for accented or synthetic speech; answers
        here are in one of the app's two languages, so only those two are compared.
        """
        try:
            _, _, scores = self._model.detect_language(
                samples, vad_filter=True, language_detection_threshold=0.0
            )
        except ValueError as error:  # the voice activity detector found no speech at all
            raise NoSpeech(
                "No speech was recognised in the recording (only silence or noise). Speak "
                "closer to the microphone and record again.",
                "录音中没有识别到说话内容（只有静音或噪声）。请靠近麦克风重新录音。",
            ) from error
        found = dict(scores)
        zh, en = found.get("zh", 0.0), found.get("en", 0.0)
        total = zh + en or 1.0
        return ("zh", zh / total) if zh > en else ("en", en / total)
