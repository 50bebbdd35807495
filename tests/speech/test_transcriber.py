"""The faster-whisper backend on generated speech, and every recording it must refuse."""

from __future__ import annotations

import numpy as np
import pytest

from speech import AudioTooLong, AudioUnreadable, NoSpeech, SpeechError
from speech.metrics import cer, wer
from speech.transcriber import clean_text, to_simplified
from tests.speech.conftest import (
    EN_ANSWER,
    EN_TEXT,
    ZH_ANSWER,
    ZH_TEXT,
    encode,
    read_samples,
    require_speech,
    write_wav,
)

require_speech()


def test_english_is_transcribed_with_few_errors_and_timed_segments(transcriber):
    fractions: list[float] = []
    result = transcriber.transcribe(EN_ANSWER, "en", progress=fractions.append)
    assert wer(EN_TEXT, result.text) <= 0.2, result.text
    assert result.language == "en" and result.duration_s == pytest.approx(6.69, abs=0.01)
    assert result.segments and result.segments[0].start < 1.0
    assert all(s.start < s.end <= result.duration_s + 0.5 for s in result.segments)
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)


def test_english_is_detected_when_no_language_is_given(transcriber):
    result = transcriber.transcribe(EN_ANSWER)
    assert result.language == "en" and result.language_probability > 0.5
    assert wer(EN_TEXT, result.text) <= 0.2


def test_chinese_comes_back_in_simplified_characters(transcriber):
    result = transcriber.transcribe(ZH_ANSWER, "zh")
    assert result.language == "zh"
    hanzi = [c for c in result.text if "\u4e00" <= c <= "\u9fff"]
    assert len(hanzi) >= 10, result.text
    assert to_simplified(result.text) == result.text
    assert "," not in result.text  # full-width punctuation in Chinese
    assert cer(ZH_TEXT, result.text) < 0.8  # synthetic Mandarin is hard; the page lets users edit


def test_mp3_and_m4a_recordings_are_transcribed(transcriber, tmp_path):
    for name, codec in (("answer.mp3", "mp3"), ("answer.m4a", "aac")):
        path = encode(tmp_path / name, read_samples(EN_ANSWER), codec)
        assert wer(EN_TEXT, transcriber.transcribe(path.read_bytes(), "en").text) <= 0.2


def test_noise_without_speech_is_reported_not_invented(transcriber, tmp_path):
    noise = np.random.default_rng(0).normal(0, 0.05, 16_000 * 8)
    with pytest.raises(NoSpeech) as error:
        transcriber.transcribe(write_wav(tmp_path / "noise.wav", noise))
    assert "噪声" in error.value.zh


def test_bad_recordings_raise_typed_errors(transcriber, tmp_path):
    (tmp_path / "notes.m4a").write_text("not audio")
    with pytest.raises(AudioUnreadable):
        transcriber.transcribe(tmp_path / "notes.m4a")
    with pytest.raises(NoSpeech):
        transcriber.transcribe(np.zeros(16_000 * 3, dtype=np.float32))
    with pytest.raises(AudioTooLong):
        transcriber.transcribe(0.1 * np.sin(np.arange(16_000 * 301, dtype=np.float32)))
    with pytest.raises(SpeechError, match="Unknown language 'fr'"):
        transcriber.transcribe(EN_ANSWER, "fr")


def test_clean_text_converts_to_simplified_and_cuts_loops():
    assert clean_text("這個問題, 我們 解決了", "zh") == "这个问题，我们解决了"
    assert clean_text("好的好的好的好的好的好的好的", "zh") == "好的"
    assert clean_text("We saved 1000000 dollars.", "en") == "We saved 1000000 dollars."
    assert clean_text("Thank you. " * 6, "en") == "Thank you."


def test_error_rates():
    assert wer("The cat sat.", "the cat sat") == 0
    assert wer("the cat sat", "the dog sat down") == pytest.approx(2 / 3)
    assert cer("我们解决了问题。", "我们解决问题") == pytest.approx(1 / 7)
