"""Import and export of banks: YAML files, and CSV/Excel tables for spreadsheet editing.

The tabular form has three tables: `questions` (one row per question), `rubric_points`
(one row per rubric point) and `examples` (one row per graded example answer). Excel keeps
them as three sheets; CSV keeps them in one file with a `record` column saying which table
a row belongs to. Lists inside a cell (competencies, follow-ups) hold one item per line;
tags and covered points are comma-separated. Export then import gives the same bank.
Text cells that a spreadsheet could run as a formula (=, +, -, @, tab, CR at the start) are
written with a leading single quote, which reading removes (`question_bank.cells`).
An export from the app's database adds an optional `version` column to the questions table
(the version each question had when exported), so that an import can tell an old copy from
a newer one; files without it read the same.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from question_bank.cells import neutralize_cell, restore_cell
from question_bank.loader import BANK_FILE, BankSet, Problem, parse_questions
from question_bank.messages import Message, MessageError, zh_list
from question_bank.schema import Bank, LocalizedText, Question

QUESTION_COLUMNS = [
    "id",
    "bank",
    "category",
    "title_zh",
    "title_en",
    "question_zh",
    "question_en",
    "competencies_zh",
    "competencies_en",
    "points",
    "difficulty",
    "answer_time_seconds",
    "tags",
    "source_document",
    "source_section",
    "reference_answer_zh",
    "reference_answer_en",
    "follow_ups_zh",
    "follow_ups_en",
]
RUBRIC_COLUMNS = [
    "question_id",
    "point_id",
    "text_zh",
    "text_en",
    "weight",
    "strong_zh",
    "strong_en",
    "weak_zh",
    "weak_en",
]
EXAMPLE_COLUMNS = [
    "question_id",
    "example_id",
    "kind",
    "language",
    "grade",
    "covers",
    "comment",
    "text",
]
TABLES = {
    "questions": QUESTION_COLUMNS,
    "rubric_points": RUBRIC_COLUMNS,
    "examples": EXAMPLE_COLUMNS,
}
# Written, and read when present (files written before them have none): per example, the
# passages marked as making each point it covers, one "<point id>: <passage>" per line.
OPTIONAL_COLUMNS = {"examples": ["evidence"]}
RECORD_OF_TABLE = {"questions": "question", "rubric_points": "rubric_point", "examples": "example"}
VERSION_COLUMN = "version"  # optional, last column of the questions table


# --- YAML -----------------------------------------------------------------------------


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks so that the files stay readable."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_representer)


def to_yaml(data: Any) -> str:
    """Dump plain data (or a question / bank) as readable UTF-8 YAML."""
    if isinstance(data, (Question, Bank)):
        data = data.model_dump(mode="json", exclude_none=True)
    elif isinstance(data, list):
        data = [
            d.model_dump(mode="json", exclude_none=True) if isinstance(d, Question) else d
            for d in data
        ]
    return yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)


def write_bank_dirs(bank_set: BankSet, out_dir: str | Path) -> list[Path]:
    """Write each bank as `OUT/<bank>/bank.yaml` plus `questions/<id>.yaml`; return the files."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    for bank_id in sorted({q.bank for q in bank_set.questions} | set(bank_set.banks)):
        bank_dir = out_dir / bank_id
        (bank_dir / "questions").mkdir(parents=True, exist_ok=True)
        bank = bank_set.banks.get(bank_id)
        if bank is not None or not (bank_dir / BANK_FILE).exists():  # keep existing metadata
            bank = bank or placeholder_bank(bank_id)
            (bank_dir / BANK_FILE).write_text(to_yaml(bank), encoding="utf-8")
            written.append(bank_dir / BANK_FILE)
        for question in bank_set.in_bank(bank_id):
            file = bank_dir / "questions" / f"{question.id}.yaml"
            file.write_text(to_yaml(question), encoding="utf-8")
            written.append(file)
    return written


def placeholder_bank(bank_id: str) -> Bank:
    name = LocalizedText(zh=bank_id, en=bank_id)
    return Bank(id=bank_id, name=name, role=name)


# --- tables ---------------------------------------------------------------------------


def to_tables(
    questions: list[Question] | tuple[Question, ...], versions: Mapping[str, int] | None = None
) -> dict[str, pd.DataFrame]:
    """Flatten questions into the three tables (questions, rubric_points, examples).

    Args:
        versions: question id -> its version in the database; given, the questions table
            gets a last `version` column.
    """
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in questions:
        rows["questions"].append(
            {
                "id": q.id,
                "bank": q.bank,
                "category": q.category,
                **_split("title", q.title),
                **_split("question", q.question),
                **_split_list("competencies", q.competencies),
                "points": q.points,
                "difficulty": q.difficulty,
                "answer_time_seconds": q.answer_time_seconds,
                "tags": ", ".join(q.tags),
                "source_document": q.source.document,
                "source_section": q.source.section or "",
                **_split("reference_answer", q.reference_answer),
                **_split_list("follow_ups", q.follow_ups),
            }
        )
        for p in q.rubric:
            rows["rubric_points"].append(
                {
                    "question_id": q.id,
                    "point_id": p.id,
                    **_split("text", p.text),
                    "weight": p.weight,
                    **_split("strong", p.strong),
                    **_split("weak", p.weak),
                }
            )
        for e in q.examples:
            rows["examples"].append(
                {
                    "question_id": q.id,
                    "example_id": e.id,
                    "kind": e.kind,
                    "language": e.language,
                    "grade": e.grade,
                    "covers": ", ".join(e.covers),
                    "comment": e.comment or "",
                    "text": e.text,
                    "evidence": "\n".join(
                        f"{point_id}: {passage}"
                        for point_id, passages in (e.evidence or {}).items()
                        for passage in passages
                    ),
                }
            )
    tables = {
        name: pd.DataFrame(rows[name], columns=[*cols, *OPTIONAL_COLUMNS.get(name, [])])
        for name, cols in TABLES.items()
    }
    if versions is not None:
        ids = tables["questions"]["id"]
        tables["questions"][VERSION_COLUMN] = [versions.get(i, "") for i in ids]
    return tables


def from_tables(
    tables: dict[str, pd.DataFrame], source: str = "tables"
) -> tuple[list[Question], list[Problem]]:
    """Rebuild questions from the three tables; problems name the table, row and column."""
    problems: list[Problem] = []
    for name in ("questions", "rubric_points"):
        if name not in tables:
            problems.append(
                Problem(
                    source, Message(f"缺少 {name} 表", f"the {name} table is missing"), table=name
                )
            )
    if problems:
        return [], problems
    for name, cols in TABLES.items():
        if name in tables:
            present = {str(c).strip() for c in tables[name].columns}
            missing = [c for c in cols if c not in present]
            if missing:
                said = Message(
                    f"缺少列：{'、'.join(missing)}", f"missing columns: {', '.join(missing)}"
                )
                problems.append(Problem(f"{source} {name}", said, table=name))
    if problems:
        return [], problems
    frames = {
        name: _as_text(tables.get(name), [*cols, *OPTIONAL_COLUMNS.get(name, [])])
        for name, cols in TABLES.items()
    }

    children: dict[str, dict[str, list[tuple[int, dict[str, str]]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    known_ids = set(frames["questions"]["id"])
    for name in ("rubric_points", "examples"):
        for row_number, row in _rows(frames[name]):
            if row["question_id"] not in known_ids:
                problems.append(
                    _problem(
                        source,
                        name,
                        row_number,
                        Message(
                            f"题目“{row['question_id']}”不在 questions 表中",
                            f"question {row['question_id']!r} is not in the questions table",
                        ),
                        row["question_id"] or None,
                        "question_id",
                    )
                )
                continue
            children[row["question_id"]][name].append((row_number, row))

    questions: list[Question] = []
    for row_number, row in _rows(frames["questions"]):
        parsed, found = _question_from_rows(source, row_number, row, children[row["id"]])
        questions.extend(parsed)
        problems.extend(found)
    return questions, problems


Children = dict[str, list[tuple[int, dict[str, str]]]]  # table -> (row number, row) pairs


def _problem(
    source: str,
    table: str,
    row: int,
    message: Message,
    question_id: str | None = None,
    column: str | None = None,
) -> Problem:
    """A problem at one table row (and column), as a person counts rows in the file."""
    return Problem(f"{source} {table} row {row}", message, question_id, column, table, row)


def _question_from_rows(
    source: str, row_number: int, row: dict[str, str], children: Children
) -> tuple[list[Question], list[Problem]]:
    """One question from its row and its rubric and example rows.

    Every problem is reported, each at its own table, row and column: a cell that is not a
    number, list cells whose lines do not pair up, and whatever validation finds in the rest
    (a cell already reported is not reported again by validation).
    """
    question_id = row["id"] or None
    found: list[Problem] = []
    reported: set[str] = set()  # validation paths already reported for a cell

    def cell(path: str, table: str, number: int, column: str, read: Any) -> Any:
        try:
            return read()
        except MessageError as exc:
            found.append(_problem(source, table, number, exc.message, question_id, column))
            reported.add(path)
            return None

    def here(path: str, column: str, read: Any) -> Any:
        return cell(path, "questions", row_number, column, read)

    rubric = children.get("rubric_points", [])
    examples = children.get("examples", [])
    raw: dict[str, Any] = {
        "id": row["id"],
        "bank": row["bank"],
        "category": row["category"],
        "title": _join(row, "title"),
        "question": _join(row, "question"),
        "competencies": here(
            "competencies", "competencies_en", lambda: _join_list(row, "competencies")
        ),
        "points": here("points", "points", lambda: _number(row["points"])),
        "difficulty": row["difficulty"] or None,
        "answer_time_seconds": here(
            "answer_time_seconds",
            "answer_time_seconds",
            lambda: _number(row["answer_time_seconds"]),
        ),
        "tags": [t.strip() for t in row["tags"].split(",") if t.strip()],
        "source": {"document": row["source_document"], "section": row["source_section"] or None},
        "reference_answer": _join(row, "reference_answer", optional=True),
        "follow_ups": here("follow_ups", "follow_ups_en", lambda: _join_list(row, "follow_ups")),
        "rubric": [
            _point(
                p,
                lambda p=p, i=i, n=n: cell(
                    f"rubric.{i}.weight", "rubric_points", n, "weight", lambda: _number(p["weight"])
                ),
            )
            for i, (n, p) in enumerate(rubric)
        ],
        "examples": [
            {
                "id": e["example_id"],
                "kind": e["kind"],
                "language": e["language"],
                "grade": cell(
                    f"examples.{i}.grade", "examples", n, "grade", lambda e=e: _number(e["grade"])
                ),
                "covers": [c.strip() for c in e["covers"].split(",") if c.strip()],
                "comment": e["comment"] or None,
                "text": e["text"],
                "evidence": cell(
                    f"examples.{i}.evidence",
                    "examples",
                    n,
                    "evidence",
                    lambda e=e: _marked_passages(e["evidence"]),
                ),
            }
            for i, (n, e) in enumerate(examples)
        ],
    }
    raw = {k: v for k, v in raw.items() if v is not None}
    label = f"{source} questions row {row_number}"
    parsed, invalid = parse_questions(raw, label)
    for problem in invalid:
        path = problem.field or ""
        if any(path == r or path.startswith(f"{r}.") for r in reported):
            continue
        table, number, column = _place(path, row_number, children)
        found.append(_problem(source, table, number, problem.message, question_id, column))
    return (parsed if not found else []), found


def _point(row: dict[str, str], weight: Any) -> dict[str, Any]:
    """A rubric point from its row; `weight()` reads the weight cell (an empty one is left
    out, so the default applies)."""
    point = {
        "id": row["point_id"],
        "text": _join(row, "text"),
        "strong": _join(row, "strong", optional=True),
        "weak": _join(row, "weak", optional=True),
    }
    if row["weight"].strip():
        point["weight"] = weight()
    return point


_NESTED_COLUMNS = {  # (list, key) -> column in its table
    ("rubric", "id"): "point_id",
    ("examples", "id"): "example_id",
    ("examples", "evidence"): "evidence",
}
_MARK_LINE = re.compile(r"^\s*([a-z0-9][a-z0-9._-]*)\s*[:：]\s*(.+?)\s*$")


def _marked_passages(cell: str) -> dict[str, list[str]] | None:
    """An `evidence` cell: one "<point id>: <passage>" per line (blank lines skipped)."""
    marked: dict[str, list[str]] = {}
    for number, line in enumerate(cell.splitlines(), start=1):
        if not line.strip():
            continue
        found = _MARK_LINE.match(line)
        if found is None:
            raise MessageError(
                Message(
                    f"第 {number} 行应写成“要点编号: 原文”，例如“p1: 我先向客户道歉”",
                    f"line {number} should read “point id: passage”, for example "
                    "“p1: I apologised first”",
                )
            )
        marked.setdefault(found[1], []).append(found[2])
    return marked or None


def _place(path: str, row_number: int, children: Children) -> tuple[str, int, str | None]:
    """The table, row and column of a validation path such as `rubric.2.text.en`."""
    parts = path.split(".") if path else []
    if len(parts) >= 2 and parts[0] in ("rubric", "examples") and parts[1].isdigit():
        table = "rubric_points" if parts[0] == "rubric" else "examples"
        rows = children.get(table, [])
        index = int(parts[1])
        number = rows[index][0] if index < len(rows) else row_number
        rest = parts[2:]
        if not rest:
            return table, number, None
        column = _NESTED_COLUMNS.get((parts[0], rest[0]), "_".join(rest))
        return table, number, column
    names = [p for p in parts if not p.isdigit()]
    return "questions", row_number, "_".join(names) or None


def write_tables(
    questions: list[Question] | tuple[Question, ...],
    path: str | Path,
    versions: Mapping[str, int] | None = None,
) -> Path:
    """Write questions to `.csv` (one file, `record` column) or `.xlsx` (three sheets);
    with `versions`, the questions table gets a `version` column (see `to_tables`)."""
    path = Path(path)
    # text cells such as "=HYPERLINK(...)" get a leading quote; read_tables removes it again
    tables = {
        name: frame.map(neutralize_cell) for name, frame in to_tables(questions, versions).items()
    }
    if path.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, frame in tables.items():
                frame.to_excel(writer, sheet_name=name, index=False)
    else:
        frames = [frame.assign(record=RECORD_OF_TABLE[name]) for name, frame in tables.items()]
        combined = pd.concat(frames, ignore_index=True)
        combined = combined[["record"] + [c for c in combined.columns if c != "record"]]
        combined.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def read_tables(
    path: str | Path, versions: dict[str, int] | None = None
) -> tuple[list[Question], list[Problem]]:
    """Read questions from a `.csv` or `.xlsx` file written by `write_tables` (or by hand).

    A cell starting with a single quote followed by =, +, -, @, tab or CR loses that quote
    (the one `write_tables` adds against formula injection), so export then import gives the
    same bank. A file that cannot be read at all gives one problem naming it.

    Args:
        versions: a dict to fill with question id -> version from the optional `version`
            column (questions without a whole-number version are left out).
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            sheets, problem = _read_workbook(path)
            if problem is not None:
                return [], [problem]
            tables = {name.strip().lower(): _restored(frame) for name, frame in sheets.items()}
        else:
            combined = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            if "record" not in combined.columns:
                return [], [Problem(str(path), Message("缺少 record 列", "missing column: record"))]
            combined = _restored(combined)
            tables = {}
            for name, record in RECORD_OF_TABLE.items():
                part = combined[combined["record"] == record]
                tables[name] = part.set_axis(part.index + 2, axis=0)  # spreadsheet row numbers
            unknown = combined[~combined["record"].isin(RECORD_OF_TABLE.values())]
            if len(unknown):
                return [], [Problem(str(path), _unknown_records(unknown.index), field="record")]
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        return [], [Problem(str(path), _cannot_read(Message(str(exc), str(exc))))]
    if versions is not None and "questions" in tables:
        versions.update(_versions(tables["questions"]))
    return from_tables(tables, source=path.name)


def _versions(frame: pd.DataFrame) -> dict[str, int]:
    """Question id -> version from a questions table's optional `version` column."""
    columns = {str(c).strip(): c for c in frame.columns}
    if VERSION_COLUMN not in columns or "id" not in columns:
        return {}
    found = {}
    for question_id, value in zip(
        frame[columns["id"]], frame[columns[VERSION_COLUMN]], strict=True
    ):
        text = str(value).strip()
        if text.endswith(".0"):  # a spreadsheet may turn 3 into 3.0
            text = text[:-2]
        if text.isascii() and text.isdigit() and 0 < len(text) <= 9:
            found[str(question_id).strip()] = int(text)
    return found


MAX_WORKBOOK_UNPACKED_BYTES = 100 * 1024 * 1024  # an .xlsx is a ZIP: refuse ZIP bombs


def _unknown_records(index: pd.Index) -> Message:
    """CSV rows whose `record` names no table (the first ten, as a spreadsheet numbers them)."""
    rows = ", ".join(str(i + 2) for i in index[:10])
    records = list(RECORD_OF_TABLE.values())
    return Message(
        f"第 {rows} 行：record 列只能是 {zh_list(records)}",
        f"rows {rows}: record must be one of {', '.join(records)}",
    )


def _cannot_read(why: Message) -> Message:
    return Message(f"无法读取表格：{why.zh}", f"cannot read the table: {why.en}")


def _read_workbook(path: Path) -> tuple[dict[str, pd.DataFrame], Problem | None]:
    """All sheets of an .xlsx as text, or a problem ("not a readable Excel workbook: ...")."""

    def unreadable(why: Message) -> tuple[dict[str, pd.DataFrame], Problem]:
        said = Message(
            f"不是可读取的 Excel 工作簿：{why.zh}", f"not a readable Excel workbook: {why.en}"
        )
        return {}, Problem(str(path), _cannot_read(said))

    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except zipfile.BadZipFile:
        return unreadable(NOT_XLSX)
    except (OSError, ValueError) as exc:  # ValueError: e.g. a ZIP that claims negative sizes
        return unreadable(Message(str(exc), str(exc)))
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        return unreadable(NO_WORKBOOK_XML)
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        return unreadable(_unpacks_to(unpacked))
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
    except Exception as exc:  # a damaged package fails deep in openpyxl, in many ways
        why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return unreadable(Message(why, why))
    return sheets, None


NOT_XLSX = Message(
    "文件不是 .xlsx 工作簿（请另存为 .xlsx，或改用 .csv）",
    "the file is not an .xlsx workbook (save it as .xlsx, or use .csv)",
)
NO_WORKBOOK_XML = Message(
    "这是一个没有 xl/workbook.xml 的 ZIP 文件，不是 .xlsx 工作簿",
    "a ZIP file without xl/workbook.xml, not an .xlsx workbook",
)


def _unpacks_to(unpacked: int) -> Message:
    """A workbook that unpacks to more than the limit (a ZIP bomb)."""
    size, limit = f"{unpacked / 1024 / 1024:,.0f}", MAX_WORKBOOK_UNPACKED_BYTES // 1024 // 1024
    return Message(
        f"解压后有 {size} MB，上限是 {limit} MB", f"it unpacks to {size} MB; at most {limit} MB"
    )


def _restored(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(restore_cell)


# --- helpers --------------------------------------------------------------------------


def _split(prefix: str, text: LocalizedText | None) -> dict[str, str]:
    return {f"{prefix}_zh": text.zh if text else "", f"{prefix}_en": text.en if text else ""}


def _split_list(prefix: str, texts: tuple[LocalizedText, ...]) -> dict[str, str]:
    return {
        f"{prefix}_zh": "\n".join(t.zh for t in texts),
        f"{prefix}_en": "\n".join(t.en for t in texts),
    }


def _join(row: dict[str, str], prefix: str, optional: bool = False) -> dict[str, str] | None:
    zh, en = row.get(f"{prefix}_zh", ""), row.get(f"{prefix}_en", "")
    if optional and not zh.strip() and not en.strip():
        return None
    return {"zh": zh, "en": en}


def _join_list(row: dict[str, str], prefix: str) -> list[dict[str, str]]:
    zh = [line for line in row.get(f"{prefix}_zh", "").splitlines() if line.strip()]
    en = [line for line in row.get(f"{prefix}_en", "").splitlines() if line.strip()]
    if len(zh) != len(en):
        raise MessageError(
            Message(
                f"{prefix}_zh 有 {len(zh)} 行，而 {prefix}_en 有 {len(en)} 行："
                "每一项都需要中文和英文各一行",
                f"{prefix}_zh has {len(zh)} lines but {prefix}_en has {len(en)}: "
                "each item needs a Chinese and an English line",
            )
        )
    return [{"zh": z, "en": e} for z, e in zip(zh, en, strict=True)]


def _number(value: str) -> int | float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        text = value.strip()
        raise MessageError(Message(f"“{text}”不是数字", f"{text!r} is not a number")) from None
    return int(number) if number.is_integer() else number


def _as_text(frame: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame(columns=columns)
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in columns:
        if column not in frame.columns:
            frame[column] = ""
    return frame.fillna("").astype(str)


def _rows(frame: pd.DataFrame) -> list[tuple[int, dict[str, str]]]:
    """Rows with their spreadsheet row number (header is row 1)."""
    records = frame.to_dict("records")
    if frame.index.dtype.kind == "i" and len(frame) and frame.index[0] >= 2:
        numbers = list(frame.index)
    else:
        numbers = [i + 2 for i in range(len(frame))]
    return [
        (int(n), {k: str(v) for k, v in r.items()}) for n, r in zip(numbers, records, strict=True)
    ]
