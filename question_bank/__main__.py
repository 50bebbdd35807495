"""Command line for trainers and CI: `python -m question_bank {validate,stats,export,import}`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from question_bank.exchange import read_tables, to_yaml, write_bank_dirs, write_tables
from question_bank.loader import DEFAULT_BANK_DIR, BankSet, load_path
from question_bank.stats import bank_stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m question_bank", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check a bank; exit 1 listing problems")
    validate.add_argument("path", nargs="?", default=str(DEFAULT_BANK_DIR))

    stats = commands.add_parser("stats", help="count questions, points and examples")
    stats.add_argument("path", nargs="?", default=str(DEFAULT_BANK_DIR))
    stats.add_argument("--json", action="store_true", help="print JSON")

    export = commands.add_parser("export", help="write a bank as YAML, CSV or Excel")
    export.add_argument("output", help="a .yaml file, a .csv or .xlsx file, or a folder")
    export.add_argument("--from", dest="path", default=str(DEFAULT_BANK_DIR))

    imp = commands.add_parser("import", help="read a YAML/CSV/Excel bank into bank folders")
    imp.add_argument("input", help="a .yaml, .csv or .xlsx file")
    imp.add_argument("-o", "--output", required=True, help="folder to write bank folders to")

    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(load_path(args.path), args.path)
    if args.command == "stats":
        return _stats(load_path(args.path), args.json)
    if args.command == "export":
        return _export(load_path(args.path), Path(args.output))
    return _import(Path(args.input), Path(args.output))


def _validate(bank_set: BankSet, path: str) -> int:
    if bank_set.ok:
        print(f"OK: {len(bank_set.questions)} questions in {len(bank_set.banks)} bank(s) at {path}")
        return 0
    print(f"{len(bank_set.problems)} problem(s) in {path}:", file=sys.stderr)
    for problem in bank_set.problems:
        print(f"- {problem}", file=sys.stderr)
    print(f"{len(bank_set.questions)} question(s) loaded without problems.", file=sys.stderr)
    return 1


def _stats(bank_set: BankSet, as_json: bool) -> int:
    stats = bank_stats(bank_set)
    if as_json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        print(f"questions: {stats['questions']}")
        for category, count in stats["categories"].items():
            print(f"  {category:<12} {count}")
        points = stats["rubric_points"]
        print(
            f"rubric points: {points['total']} "
            f"({points['min_per_question']}-{points['max_per_question']} per question)"
        )
        print(f"graded examples: {stats['examples']['total']}")
        for kind, count in stats["examples"]["by_kind"].items():
            print(f"  {kind:<15} {count}")
    for problem in bank_set.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 0 if bank_set.ok else 1


def _export(bank_set: BankSet, output: Path) -> int:
    if not bank_set.ok:
        return _validate(bank_set, "the source bank")
    suffix = output.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        write_tables(bank_set.questions, output)
    elif suffix in (".yaml", ".yml"):
        output.write_text(to_yaml(list(bank_set.questions)), encoding="utf-8")
    else:
        write_bank_dirs(bank_set, output)
    print(f"wrote {len(bank_set.questions)} questions to {output}")
    return 0


def _import(source: Path, output: Path) -> int:
    if source.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        questions, problems = read_tables(source)
        bank_set = BankSet(questions=tuple(questions), problems=tuple(problems))
    else:
        bank_set = load_path(source)
    if not bank_set.ok:
        return _validate(bank_set, str(source))
    write_bank_dirs(bank_set, output)
    print(f"imported {len(bank_set.questions)} questions into {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
