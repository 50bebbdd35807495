"""Decoding and the checks every recording goes through before transcription."""

from __future__ import annotations

import numpy as np
import pytest

from speech import AudioTooLong, AudioUnreadable, NoSpeech, decode
from tests.speech.conftest import (
    EN_ANSWER,
    encode,
    read_samples,
    require_speech,
    resampled,
    write_wav,
)

require_speech()


def test_a_16_khz_wav_decodes_to_its_samples():
    audio = decode(EN_ANSWER)
    assert audio.seconds == pytest.approx(6.69, abs=0.01)
    assert np.allclose(audio.samples, read_samples(EN_ANSWER), atol=1e-3)


@pytest.mark.parametrize("rate", [8_000, 22_050, 44_100, 48_000])
def test_other_sample_rates_and_stereo_are_resampled_to_16_khz(tmp_path, rate):
    samples = resampled(read_samples(EN_ANSWER), rate)
    stereo = np.stack([samples, samples * 0.5], axis=1)
    path = write_wav(tmp_path / f"at_{rate}.wav", stereo, rate=rate, channels=2)
    assert decode(path).seconds == pytest.approx(6.69, abs=0.05)


@pytest.mark.parametrize(("name", "codec"), [("answer.mp3", "mp3"), ("answer.m4a", "aac")])
def test_mp3_and_m4a_decode(tmp_path, name, codec):
    path = encode(tmp_path / name, read_samples(EN_ANSWER), codec)
    assert decode(path).seconds == pytest.approx(6.69, abs=0.15)
    assert decode(path.read_bytes()).seconds == pytest.approx(6.69, abs=0.15)


def test_empty_bytes_and_empty_file_are_refused(tmp_path):
    with pytest.raises(AudioUnreadable, match="empty") as error:
        decode(b"")
    assert "为空" in error.value.zh
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioUnreadable, match=r"empty\.wav is empty"):
        decode(tmp_path / "empty.wav")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(AudioUnreadable, match="no file at"):
        decode(tmp_path / "nowhere.wav")


@pytest.mark.parametrize(
    "content",
    [
        b"This is my answer, typed into a text file and renamed .wav",
        b"%PDF-1.7\n" + bytes(range(256)) * 40,
        b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00",  # a WAV header cut short
    ],
)
def test_non_audio_and_corrupt_files_are_refused_in_both_languages(tmp_path, content):
    path = tmp_path / "answer.wav"
    path.write_bytes(content)
    with pytest.raises(AudioUnreadable) as error:
        decode(path)
    assert "WAV, MP3 or M4A" in error.value.message("en")
    assert "WAV、MP3 或 M4A" in error.value.message("zh")


def test_a_truncated_mp3_still_decodes_what_is_there(tmp_path):
    whole = encode(tmp_path / "whole.mp3", read_samples(EN_ANSWER), "mp3").read_bytes()
    audio = decode(whole[: len(whole) // 2])
    assert 2.0 < audio.seconds < 5.0


def test_silence_and_too_short_recordings_say_no_speech_was_heard(tmp_path):
    with pytest.raises(NoSpeech, match="silent") as error:
        decode(write_wav(tmp_path / "silence.wav", np.zeros(16_000 * 5)))
    assert "无声" in error.value.zh
    with pytest.raises(NoSpeech):
        decode(read_samples(EN_ANSWER)[:1600])  # a tenth of a second


def test_a_recording_over_the_limit_says_how_long_it_is_and_the_limit(tmp_path):
    tone = 0.1 * np.sin(np.arange(16_000 * 301) / 5)
    path = write_wav(tmp_path / "long.wav", tone)
    with pytest.raises(AudioTooLong) as error:
        decode(path)
    assert "5:01 long; the limit is 5:00" in error.value.en
    assert "录音长 5:01，上限为 5:00" in error.value.zh
    assert decode(path, max_seconds=400).seconds == pytest.approx(301)
