"""The speech benchmark: generated clips in both languages, two speeds, silence and noise.

`python -m speech bench [--model M] [--out FILE]` makes the clips with espeak-ng (Debian's
`espeak-ng`; Chinese through its pinyin voice, since `-v zh` reads most characters as
digits), transcribes them, and prints a Markdown table: word error rate (English) or
character error rate (Chinese), real-time factor, the model's load time and the process's
peak memory. Synthetic speech is harder than a real speaker for Chinese; the numbers are a
floor to compare models and settings with, not a promise.
"""

from __future__ import annotations

import platform
import resource
import shutil
import subprocess
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.errors import NoSpeech, SpeechError, SpeechUnavailable
from speech.metrics import cer, wer

SPEEDS = (140, 190)  # espeak-ng words per minute: a calm and a fast speaker

EN_TEXTS = (
    "I listened to the customer, apologised for the delay, and promised a call back before "
    "the end of the day.",
    "When two agents disagreed about the schedule, I met them together, heard both sides, and "
    "we agreed on a fair rotation.",
)
ZH_TEXTS = (  # (characters, the pinyin espeak-ng reads)
    (
        "我先倾听客户的意见，然后和同事一起制定改进计划。",
        "wo3 xian1 qing1 ting1 ke4 hu4 de5 yi4 jian4 , ran2 hou4 he2 tong2 shi4 yi4 qi3 "
        "zhi4 ding4 gai3 jin4 ji4 hua4 .",
    ),
    (
        "我们团队的客户投诉增加了，我负责调查原因并解决问题。",
        "wo3 men5 tuan2 dui4 de5 ke4 hu4 tou2 su4 zeng1 jia1 le5 , wo3 fu4 ze2 diao4 cha2 "
        "yuan2 yin1 bing4 jie3 jue2 wen4 ti2 .",
    ),
)
LONG_ANSWER = (  # about sixty seconds at the calm speed: the "60-second answer"
    "In my last role I supervised a team of customer service agents on the evening shift. "
    "Complaints about late replies had been rising for weeks, and the team felt blamed. My "
    "task was to bring the waiting time down without burning people out. First I looked at "
    "the call logs and saw that most delays came from a few types of request that needed "
    "approval from another department. I met that department's lead, and we agreed that my "
    "senior agents could approve small refunds on their own. Then I changed the rota so that "
    "the busiest hour always had two experienced people on it, and I ran short coaching "
    "sessions on how to explain delays honestly. I shared the numbers with the team every "
    "Friday so they could see the progress. After two months the average waiting time had "
    "fallen by half, complaints dropped sharply, and two agents asked to train new starters. "
    "I learned that fixing the process does more than asking people to work harder."
)


@dataclass(frozen=True)
class Clip:
    name: str
    language: str | None  # the hint given to the transcriber
    reference: str  # "" for clips with no speech
    path: Path


def espeak(text: str, voice: str, speed: int, path: Path) -> Path:
    """Synthesize `text` with espeak-ng into the WAV file `path`."""
    if not shutil.which("espeak-ng"):
        raise SpeechUnavailable(
            "The benchmark needs espeak-ng (apt install espeak-ng) to make its clips.",
            "基准测试需要 espeak-ng（apt install espeak-ng）来生成音频片段。",
        )
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text],
        check=True,
        capture_output=True,
    )
    return path


def write_wav(samples: np.ndarray, path: Path, rate: int = 16_000) -> Path:
    """Write float samples (-1 ... 1) as a 16-bit mono WAV file."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def make_clips(folder: Path) -> list[Clip]:
    """Every benchmark clip, generated into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    clips = []
    for speed in SPEEDS:
        for i, text in enumerate(EN_TEXTS, 1):
            path = espeak(text, "en-us", speed, folder / f"en{i}_{speed}.wav")
            clips.append(Clip(f"en{i} @{speed} wpm", "en", text, path))
        for i, (hanzi, pinyin) in enumerate(ZH_TEXTS, 1):
            path = espeak(pinyin, "cmn-latn-pinyin", speed, folder / f"zh{i}_{speed}.wav")
            clips.append(Clip(f"zh{i} @{speed} wpm", "zh", hanzi, path))
    clips.append(Clip("en1 @140, language detected", None, EN_TEXTS[0], clips[0].path))
    long_path = espeak(LONG_ANSWER, "en-us", 150, folder / "en_long.wav")
    clips.append(Clip("en long answer @150 wpm", "en", LONG_ANSWER, long_path))
    rng = np.random.default_rng(0)
    silence = write_wav(np.zeros(16_000 * 10), folder / "silence.wav")
    noise = write_wav(rng.normal(0, 0.05, 16_000 * 10), folder / "noise.wav")
    clips.append(Clip("silence 10 s", None, "", silence))
    clips.append(Clip("white noise 10 s", None, "", noise))
    return clips


def _row(transcriber: object, clip: Clip) -> str:
    started = time.perf_counter()
    try:
        result = transcriber.transcribe(clip.path, clip.language)  # type: ignore[attr-defined]
        text, seconds, language = result.text, result.duration_s, result.language
    except NoSpeech:
        text, seconds, language = "", 0.0, "-"
    elapsed = time.perf_counter() - started
    if not clip.reference:
        verdict = "no speech reported (correct)" if not text else f"hallucinated: {text[:40]}"
        return f"| {clip.name} | - | - | {elapsed:.1f} | - | {verdict} |"
    metric = cer if clip.language == "zh" else wer
    label = "CER" if clip.language == "zh" else "WER"
    rtf = elapsed / seconds if seconds else 0.0
    shown = text if len(text) <= 60 else text[:57] + "..."
    return (
        f"| {clip.name} | {seconds:.1f} | {label} {metric(clip.reference, text):.2f} "
        f"| {elapsed:.1f} | {rtf:.2f} | {shown} ({language}) |"
    )


def run(model: str | None = None, clips_folder: Path | None = None, beam_size: int = 1) -> str:
    """Make the clips, transcribe them, and return the Markdown report."""
    from speech import load_transcriber

    with tempfile.TemporaryDirectory() as scratch:
        clips = make_clips(clips_folder or Path(scratch))
        from speech import model as models

        joined_before = models._is_complete(models.cache_root() / "whisper-base-packaged")
        started = time.perf_counter()
        transcriber = load_transcriber(model, beam_size=beam_size)
        load_s = time.perf_counter() - started
        rows = [_row(transcriber, clip) for clip in clips]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return "\n".join(
        [
            f"Model: {transcriber.name} (int8, beam {beam_size}, temperature 0, VAD on)  ",
            f"Machine: {platform.machine()}, {len(__import__('os').sched_getaffinity(0))} "
            f"cores, Python {platform.python_version()}  ",
            f"Load time: {load_s:.1f} s "
            f"({'model already joined' if joined_before else 'including joining the weights'})  ",
            f"Peak memory (RSS of the whole process): {peak_mb:.0f} MB",
            "",
            "| clip | audio s | error rate | elapsed s | real-time factor | transcript |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            "English: word error rate (spelling variants such as apologised/apologized count as "
            "errors). Chinese: character error rate on espeak-ng's pinyin voice, far harder than "
            "a real speaker; transcripts are always editable. Real-time factor: seconds of "
            "transcription per second of audio (below 1 is faster than real time). The two "
            "cores were shared with other work during the run.",
        ]
    )


__all__ = ["SpeechError", "make_clips", "run"]
