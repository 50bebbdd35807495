"""services/transcription.py: what the pages call for spoken answers."""

from __future__ import annotations

import pytest

from services import transcription
from services.errors import InputRejected
from speech.errors import AudioTooLong, SpeechUnavailable
from speech.transcriber import Segment, Transcript
from tests.speech.conftest import EN_ANSWER, EN_TEXT, require_speech


def transcript(text: str, language: str, segments: list[tuple[float, float]], seconds: float):
    return Transcript(
        text=text,
        language=language,
        language_probability=1.0,
        duration_s=seconds,
        speech_s=seconds,
        segments=tuple(Segment(a, b, "x") for a, b in segments),
    )


class FakeTranscriber:
    """Calls `during` at its first progress report, then returns or raises `outcome`."""

    name = "fake"

    def __init__(self, outcome, during=None) -> None:
        self.outcome, self.during = outcome, during

    def transcribe(self, audio, language=None, progress=None):
        if self.during:
            self.during()
        if progress:
            progress(0.5)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def test_uploads_of_other_types_or_over_the_limit_are_refused_with_the_reason():
    transcription.check_upload("answer.M4A", 1_000)  # accepted
    with pytest.raises(InputRejected, match=r"notes\.pdf is not a WAV, MP3 or M4A") as error:
        transcription.check_upload("notes.pdf", 1_000)
    assert "不是 WAV、MP3 或 M4A" in error.value.zh
    with pytest.raises(InputRejected, match=r"25\.0 MB; recordings can be at most 20 MB"):
        transcription.check_upload("long.wav", 25 * 1024 * 1024)


def test_a_transcript_fills_a_blank_box_and_is_appended_or_replaces_only_when_asked():
    assert transcription.merge("  \n", "Spoken.", "append") == "Spoken."
    assert transcription.merge("Typed.", "Spoken.", "append") == "Typed.\n\nSpoken."
    assert transcription.merge("Typed.", "Spoken.", "replace") == "Spoken."


def test_pace_counts_words_or_characters_per_minute_and_long_pauses():
    english = transcript("one two three four five six", "en", [(0, 4), (7, 10), (10.5, 12)], 12)
    pace = transcription.pace(english)
    assert (pace.units, pace.unit, pace.per_minute) == (6, "words", 30.0)
    assert (pace.pauses, pace.longest_pause_s) == (1, 3.0)
    chinese = transcript("我先倾听，然后行动。", "zh", [(0, 3)], 30)
    assert transcription.pace(chinese).units == 8
    assert transcription.pace(chinese).per_minute == 16.0


def test_engine_errors_become_messages_in_both_languages_with_their_code():
    refused = AudioTooLong("The recording is 6:00 long", "录音长 6:00")
    with pytest.raises(transcription.TranscriptionFailed) as error:
        transcription.transcribe(FakeTranscriber(refused), "u/box", b"...", "en")
    assert error.value.code == "too_long" and error.value.message("zh") == "录音长 6:00"

    def missing():
        raise SpeechUnavailable("not installed", "未安装")

    with pytest.raises(transcription.TranscriptionFailed) as error:
        transcription.load(missing)
    assert error.value.code == "unavailable"


def test_a_newer_recording_for_the_same_box_stops_the_older_transcription():
    jobs = transcription.Jobs()
    done = transcript("ok", "en", [(0, 1)], 1)
    newer = FakeTranscriber(done, during=lambda: jobs.start("u/box"))
    with pytest.raises(transcription.Superseded) as error:
        transcription.transcribe(newer, "u/box", b"...", "en", jobs=jobs)
    assert "只转写最新的一段" in error.value.zh
    other_box = FakeTranscriber(done, during=lambda: jobs.start("u/other"))
    assert transcription.transcribe(other_box, "u/box", b"...", "en", jobs=jobs) is done


def test_the_real_engine_through_the_service(transcriber):
    require_speech()
    from speech.metrics import wer

    fractions: list[float] = []
    result = transcription.transcribe(
        transcriber, "u/box", EN_ANSWER.read_bytes(), "en", progress=fractions.append
    )
    assert wer(EN_TEXT, result.text) <= 0.2 and fractions[-1] == 1.0
    assert transcription.pace(result).units >= 15
