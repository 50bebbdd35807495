"""Speech to text for spoken answers, offline (no Streamlit import anywhere in it).

`load_transcriber()` returns the faster-whisper backend with the chosen model (size name,
folder, or the packaged base weights); its `transcribe` returns a `Transcript`. Every problem
is a `SpeechError` with a message in Chinese and English. faster-whisper is an optional
install (requirements-speech.txt); without it, `load_transcriber` raises SpeechUnavailable
and nothing else in the app is affected.
"""

from speech.audio import MAX_SECONDS, Audio, decode
from speech.errors import AudioTooLong, AudioUnreadable, NoSpeech, SpeechError, SpeechUnavailable
from speech.transcriber import Segment, Transcriber, Transcript, WhisperTranscriber


def load_transcriber(model: str | None = None, **options: object) -> Transcriber:
    """The faster-whisper transcriber for `model` (see `speech.model.resolve`)."""
    return WhisperTranscriber(model, **options)  # type: ignore[arg-type]


__all__ = [
    "MAX_SECONDS",
    "Audio",
    "AudioTooLong",
    "AudioUnreadable",
    "NoSpeech",
    "Segment",
    "SpeechError",
    "SpeechUnavailable",
    "Transcriber",
    "Transcript",
    "WhisperTranscriber",
    "decode",
    "load_transcriber",
]
