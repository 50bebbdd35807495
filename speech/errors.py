"""Typed errors of the speech engine; each carries a message in Chinese and English."""

from __future__ import annotations


class SpeechError(Exception):
    """A recording that cannot be transcribed, or no engine to do it, explained in zh and en.

    `code` names the problem for callers that want their own wording (the UI, the CLI's exit
    status); `en` and `zh` are ready to show as they are.
    """

    code = "speech_error"

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh

    def message(self, language: str) -> str:
        """The message in `language` ("zh" or "en")."""
        return self.en if language == "en" else self.zh


class SpeechUnavailable(SpeechError):
    """faster-whisper (the optional install) or the chosen model is not there."""

    code = "unavailable"


class AudioUnreadable(SpeechError):
    """The file is empty, corrupt or not audio at all."""

    code = "unreadable"


class AudioTooLong(SpeechError):
    """The recording is longer than the limit."""

    code = "too_long"


class NoSpeech(SpeechError):
    """The recording is silent, or nothing in it was recognised as speech."""

    code = "no_speech"
