"""The command line: `python -m speech transcribe FILE [--lang zh|en] [--json]` and `bench`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from speech.errors import SpeechError

EXIT_CODES = {"unavailable": 3, "unreadable": 4, "too_long": 5, "no_speech": 6}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m speech", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    transcribe = commands.add_parser("transcribe", help="print the transcript of a recording")
    transcribe.add_argument("file", type=Path, help="a WAV, MP3, M4A, OGG or WebM recording")
    transcribe.add_argument("--lang", choices=("zh", "en"), help="the language (default: detect)")
    transcribe.add_argument("--json", action="store_true", help="print segments and timings")
    transcribe.add_argument("--model", help="size name, model folder or packaged-base")
    transcribe.add_argument("--ui-language", choices=("zh", "en"), default="en")
    bench = commands.add_parser("bench", help="transcribe generated clips and report quality")
    bench.add_argument("--model", help="size name, model folder or packaged-base")
    bench.add_argument("--beam", type=int, default=1, help="beam size (1: greedy, fastest)")
    bench.add_argument("--out", type=Path, help="write the results (Markdown) to this file")
    bench.add_argument("--clips", type=Path, help="folder for the generated clips (default: temp)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2-6 for the kind of failure)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "bench":
            from speech.bench import run

            report = run(args.model, args.clips, args.beam)
            print(report)
            if args.out:
                command = " ".join(["python -m speech", *(argv or sys.argv[1:])])
                args.out.parent.mkdir(parents=True, exist_ok=True)
                text = f"# Speech benchmark\n\nMade by `{command}`.\n\n{report}\n"
                args.out.write_text(text, encoding="utf-8")
            return 0
        from speech import load_transcriber

        transcript = load_transcriber(args.model).transcribe(args.file, args.lang)
    except SpeechError as error:
        print(error.message(getattr(args, "ui_language", "en")), file=sys.stderr)
        return EXIT_CODES.get(error.code, 2)
    if args.json:
        print(json.dumps(transcript.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(transcript.text)
    return 0
