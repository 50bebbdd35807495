"""The trainers' editors for the parts of a question that are lists: rubric points and
graded example answers. One item at a time in a form wide enough for its text (both
languages side by side), with a table of all items above it.

Both editors change the list they are given in place (it lives in session state) and draw
their widgets under `key` (`<name>_<generation>`); a new generation (after opening a
question) refills the fields from the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.common import choice_key, choose_options, labels, tr
from app_pages.tables import safe_table
from app_pages.trainer_widgets import EXAMPLE_FIELD_NAMES, RUBRIC_COLUMN_NAMES, describe
from question_bank.schema import EXAMPLE_KINDS
from services import bank_forms
from services.bank_forms import FormProblem

STALE_MARK = ("英文未随中文更新", "English not updated since the Chinese changed")
POINT_TEXTS = (  # (text name, Chinese column, English column, height)
    ("text", "text_zh", "text_en", 110),
    ("strong", "strong_zh", "strong_en", 90),
    ("weak", "weak_zh", "weak_en", 90),
)
EXAMPLE_KIND_NAMES = {
    "strong": ("好的回答", "strong"),
    "partial": ("部分覆盖", "partial"),
    "weak": ("单薄的回答", "weak"),
    "vague": ("空泛的回答", "vague"),
    "off_topic": ("答非所问", "off topic"),
    "restatement": ("复述题目", "restates the question"),
    "keyword_list": ("罗列关键词", "keyword list"),
    "rejects_points": ("提到要点又否定", "names points to reject them"),
}
LANGUAGE_NAMES = {"zh": ("中文", "Chinese"), "en": ("英文", "English")}


# --- shared: one item of a list chosen, added, removed ------------------------------------


def _keyed(rows: list[dict[str, Any]]) -> list[str]:
    """Each row's own key ("_key"), given to rows that have none; the keys in order."""
    used = [int(r["_key"][1:]) for r in rows if str(r.get("_key", "")).startswith("r")]
    n = max(used, default=-1) + 1
    for row in rows:
        if not row.get("_key"):
            row["_key"] = f"r{n}"
            n += 1
    return [row["_key"] for row in rows]


def _pick(rows: list[dict[str, Any]], key: str, label: str, name: Callable[[dict], str]) -> int:
    """A selectbox of the rows; returns the chosen row's index.

    The choice is kept under `key` without its last part (the form's generation), so the
    same item stays open after a save reopens the question.
    """
    keys = _keyed(rows)
    picked = f"{key.rsplit('_', 1)[0]}_choice"
    if (wanted := st.session_state.pop(f"{key}_next", None)) is not None:
        st.session_state[picked] = wanted
    if st.session_state.get(picked) not in keys:
        st.session_state[picked] = keys[0]
    by_key = dict(zip(keys, rows, strict=True))
    chosen = st.selectbox(
        label, keys, format_func=labels(keys, lambda k: name(by_key[k])), key=choice_key(picked)
    )
    return keys.index(chosen)


def _seed(key: str, value: Any) -> str:
    """A widget key holding `value` unless the widget already holds one."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _errors(problems: Iterable[FormProblem], column: str) -> None:
    for problem in problems:
        if problem.column == column:
            st.error(describe(problem), icon="⚠️")


def _add_and_remove(
    rows: list[dict[str, Any]],
    key: str,
    index: int | None,
    new_row: Callable[[], dict[str, Any]],
    names: tuple[tuple[str, str], tuple[str, str]],
) -> None:
    """An "add" button and (with a row chosen) a "remove" button; both rerun the page."""
    add_col, remove_col = st.columns(2)
    if add_col.button(tr(*names[0]), key=f"{key}_add"):
        row = new_row()
        rows.append(row)
        st.session_state[f"{key}_next"] = _keyed(rows)[-1]
        st.rerun()
    if index is not None and remove_col.button(tr(*names[1]), key=f"{key}_remove"):
        rows.pop(index)
        st.rerun()


# --- rubric points ----------------------------------------------------------------------------


def point_editor(
    rows: list[dict[str, Any]],
    key: str,
    problems: list[FormProblem],
    stale: Callable[[], set[str]],
    confirm: Callable[[str, str], None] | None = None,
) -> None:
    """The rubric: a table of all points, then the chosen point in a form (Chinese and English
    side by side), marked where the English was not updated since the Chinese changed.

    Args:
        rows: the rubric rows (columns of `bank_forms.RUBRIC_COLUMNS`), changed in place.
        problems: the form's problems; those of the rubric are shown under their fields.
        stale: the stale text keys (`rubric.<point id>.text` ...) of the form as it is now.
        confirm: records that an English text still fits (key, Chinese text); None hides it.
    """
    for row in rows:
        _typed(row, f"{key}_{row.get('_key')}", bank_forms.RUBRIC_COLUMNS)
    marks = stale()
    point_problems = [p for p in problems if p.field == "rubric"]
    _point_table(rows, marks, point_problems)
    for problem in point_problems:
        if problem.row is None:
            st.error(describe(problem), icon="⚠️")
    index = None
    if rows:
        index = _pick(
            rows,
            key,
            tr("要编辑的评分要点", "Rubric point to edit"),
            # ids only: a browser keeps showing the label it first drew for the chosen option
            lambda r: str(r.get("id") or tr("（新要点）", "(new point)")),
        )
    _add_and_remove(
        rows,
        key,
        index,
        lambda: dict.fromkeys(bank_forms.RUBRIC_COLUMNS, "") | {"weight": 1.0},
        (("添加评分要点", "Add a rubric point"), ("删除这个评分要点", "Remove this point")),
    )
    if index is not None:
        row = rows[index]
        mine = [p for p in point_problems if p.row == index + 1]
        _point_form(row, f"{key}_{row['_key']}", mine, _stale_names(row, marks), confirm)


def _typed(row: dict[str, Any], key: str, fields: Iterable[str]) -> None:
    """Take what was typed into a row's fields already (this run's widget values, present
    while its form is shown), so that marks and messages speak of the text as it is now."""
    for name in fields:
        if f"{key}_{name}" in st.session_state:
            row[name] = st.session_state[f"{key}_{name}"]


def _stale_names(row: dict[str, Any], marks: set[str]) -> list[str]:
    """Which of a point's texts ("text", "strong", "weak") have a stale English."""
    point_id = str(row.get("id") or "").strip()
    return [name for name, *_ in POINT_TEXTS if f"rubric.{point_id}.{name}" in marks]


def _point_form(
    row: dict[str, Any],
    key: str,
    problems: list[FormProblem],
    stale: list[str],
    confirm: Callable[[str, str], None] | None,
) -> None:
    """The chosen point's fields, each text in both languages side by side, and under a
    pair whose English is stale, the mark (with a button to confirm the English)."""
    with st.container(border=True):
        id_col, weight_col = st.columns([3, 1])
        with id_col:
            row["id"] = st.text_input(
                tr("编号", "ID"),
                key=_seed(f"{key}_id", row.get("id") or ""),
                help=tr(
                    "留空则自动编号（p1、p2…）", "Leave empty for the next free id (p1, p2, …)"
                ),
            )
            _errors(problems, "id")
        with weight_col:
            weight = row.get("weight")
            row["weight"] = st.number_input(
                tr("权重", "Weight"),
                min_value=0.0,
                step=0.1,
                key=_seed(f"{key}_weight", None if weight in ("", None) else float(weight)),
                help=tr(
                    "必须大于 0；留空为 1。权重越大，该要点在得分中占比越高。",
                    "Must be above 0; empty means 1. A larger weight makes the point count more.",
                ),
            )
            _errors(problems, "weight")
        for name, zh_column, en_column, height in POINT_TEXTS:
            zh_col, en_col = st.columns(2)
            for column, target in ((zh_column, zh_col), (en_column, en_col)):
                with target:
                    zh, en = RUBRIC_COLUMN_NAMES[column]
                    row[column] = st.text_area(
                        tr(zh, en), height=height, key=_seed(f"{key}_{column}", row.get(column))
                    )
                    _errors(problems, column)
            if name in stale:
                _stale_mark(row, name, zh_column, key, confirm)


def _stale_mark(
    row: dict[str, Any],
    name: str,
    zh_column: str,
    key: str,
    confirm: Callable[[str, str], None] | None,
) -> None:
    """The mark under a text pair whose English is stale, with a button to confirm it."""
    mark_col, button_col = st.columns([3, 1], vertical_alignment="center")
    mark_col.warning("⚠️ " + tr(*STALE_MARK))
    if confirm is not None and button_col.button(
        tr("英文仍然适用（确认）", "The English still fits (confirm)"), key=f"{key}_confirm_{name}"
    ):
        confirm(f"rubric.{str(row.get('id') or '').strip()}.{name}", str(row.get(zh_column) or ""))
        st.rerun()


def _point_table(rows: list[dict[str, Any]], marks: set[str], problems: list[FormProblem]) -> None:
    """All points in one table: id, the marks (when there are any), weight, both texts."""
    if not rows:
        st.info(tr("还没有评分要点，请添加。", "No rubric points yet; add one."))
        return
    wrong = {p.row for p in problems if p.row is not None}
    table = []
    for number, row in enumerate(rows, start=1):
        point_id = (row.get("id") or "").strip()
        stale = bool(_stale_names(row, marks))
        notes = (["⚠️ " + tr(*STALE_MARK)] if stale else []) + (
            ["❌ " + tr("有问题", "has problems")] if number in wrong else []
        )
        weight = row.get("weight")
        table.append(
            {
                "id": point_id,
                "marks": "；".join(notes) if notes else "",
                "weight": 1.0 if weight in ("", None) else float(weight),
                "text_zh": row.get("text_zh") or "",
                "text_en": row.get("text_en") or "",
            }
        )
    frame = pd.DataFrame(table)
    if not frame["marks"].any():
        frame = frame.drop(columns="marks")  # no column of blanks
    st.dataframe(
        safe_table(frame),
        hide_index=True,
        width="stretch",
        column_config={
            "id": st.column_config.TextColumn(tr("编号", "ID"), width="small"),
            "weight": st.column_config.NumberColumn(tr("权重", "Weight"), format="%.2g"),
            "text_zh": st.column_config.TextColumn(tr("要点（中文）", "Point (Chinese)")),
            "text_en": st.column_config.TextColumn(tr("要点（英文）", "Point (English)")),
            "marks": st.column_config.TextColumn(tr("提示", "Marks"), width="medium"),
        },
    )


def _short(text: Any, limit: int = 40) -> str:
    text = str(text or "").replace("\n", " ").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- graded example answers -------------------------------------------------------------------


def example_editor(
    rows: list[dict[str, Any]],
    key: str,
    points: dict[str, str],
    saved_problems: list[FormProblem],
) -> None:
    """The graded examples: a table of all, then the chosen one in a form. What is wrong is
    said under its field as it is typed (and after a refused save).

    Args:
        rows: the examples as data (`bank_forms.EXAMPLE_FIELDS`), changed in place.
        points: the rubric's point ids (what an example may cover) with their texts.
        saved_problems: the problems of the last refused save.
    """
    point_ids = list(points)
    overview = st.container()
    for problem in saved_problems:
        if problem.field == "examples" and problem.row is None:
            st.error(describe(problem), icon="⚠️")
    index = None
    if rows:
        index = _pick(
            rows,
            key,
            tr("要编辑的评分示例", "Graded example to edit"),
            lambda r: str(r.get("id") or "?"),  # the table above shows the rest
        )
    language = "en" if st.session_state.get("language") == "en" else "zh"
    _add_and_remove(
        rows,
        key,
        index,
        lambda: bank_forms.new_example([r.get("id", "") for r in rows], language),
        (("添加评分示例", "Add a graded example"), ("删除这个示例", "Remove this example")),
    )
    if index is not None:
        row = rows[index]
        gone = [c for c in row.get("covers") or [] if c not in point_ids]
        _typed(row, f"{key}_{row['_key']}", bank_forms.EXAMPLE_FIELDS)
        row["covers"] = gone + [c for c in row.get("covers") or [] if c not in gone]
        _typed_marks(row, f"{key}_{row['_key']}")
        live = bank_forms.example_problems(rows, point_ids)
        shown = [p for p in live if p.row == index + 1]
        seen = {(p.column, p.message) for p in shown}
        shown += [
            p
            for p in saved_problems
            if p.field == "examples" and p.row == index + 1 and (p.column, p.message) not in seen
        ]
        _example_form(row, f"{key}_{row['_key']}", points, shown)
    with overview:
        _example_table(rows, bank_forms.example_problems(rows, point_ids))


def _example_form(
    row: dict[str, Any], key: str, points: dict[str, str], problems: list[FormProblem]
) -> None:
    point_ids = list(points)

    def name(field: str) -> str:
        return tr(*EXAMPLE_FIELD_NAMES[field])

    with st.container(border=True):
        id_col, kind_col, language_col, grade_col = st.columns(4)
        with id_col:
            row["id"] = st.text_input(name("id"), key=_seed(f"{key}_id", row.get("id", "")))
            _errors(problems, "id")
        with kind_col:
            kinds = list(EXAMPLE_KINDS)
            row["kind"] = st.selectbox(
                name("kind"),
                kinds,
                format_func=labels(kinds, lambda k: tr(*EXAMPLE_KIND_NAMES.get(k, (k, k)))),
                key=choice_key(
                    f"{key}_kind", row.get("kind") if row.get("kind") in kinds else kinds[1]
                ),
            )
        with language_col:
            languages = ["zh", "en"]
            row["language"] = st.selectbox(
                name("language"),
                languages,
                format_func=labels(languages, lambda c: tr(*LANGUAGE_NAMES[c])),
                key=choice_key(f"{key}_language", row.get("language") or "zh"),
            )
        with grade_col:
            row["grade"] = st.number_input(
                name("grade"),
                min_value=0.0,
                max_value=10.0,
                step=0.5,
                key=_seed(f"{key}_grade", float(row.get("grade") or 0.0)),
            )
            _errors(problems, "grade")
        covers = [c for c in row.get("covers") or [] if c in point_ids]
        unknown = [c for c in row.get("covers") or [] if c not in point_ids]
        row["covers"] = unknown + st.multiselect(
            name("covers"),
            point_ids,
            key=_seed(f"{key}_covers", covers),
            placeholder=choose_options(),
            help=tr(
                "只勾选这个回答真正说到的要点。“好”和“部分”示例也在教评分器：每个勾选要点在回答里对应的那部分，"
                "会成为候选人表达这个要点的又一种说法（可以在下面标出是哪几句；在“评分实验室”可以查看）。",
                "Tick only the points this answer really makes. Strong and partial examples "
                "also teach the scorer: the part of the answer that makes each ticked point "
                "becomes one more way a candidate may say it (mark which words below; see the "
                "Rubric lab).",
            ),
        )
        if unknown:
            st.caption(
                tr(
                    f"还覆盖已不存在的要点：{', '.join(unknown)}（删除或恢复这些要点）",
                    f"Also covers points that no longer exist: {', '.join(unknown)} (remove "
                    "them, or bring the points back)",
                )
            )
        _errors(problems, "covers")
        row["text"] = st.text_area(
            name("text"), height=160, key=_seed(f"{key}_text", row.get("text", ""))
        )
        _errors(problems, "text")
        marked = any((row.get("evidence") or {}).values())
        if row.get("kind") in ("strong", "partial") or marked:  # marks of others can be fixed
            _marked_passages(row, key, points)
        _errors(problems, "evidence")
        row["comment"] = st.text_input(
            name("comment"), key=_seed(f"{key}_comment", row.get("comment") or "")
        )
        _errors(problems, "comment")


def _typed_marks(row: dict[str, Any], key: str) -> None:
    """Take the passages marked in this run (see `_typed`)."""
    marked = dict(row.get("evidence") or {})
    for point_id in row.get("covers") or []:
        if f"{key}_evidence_{point_id}" in st.session_state:
            marked[point_id] = list(st.session_state[f"{key}_evidence_{point_id}"])
    row["evidence"] = marked


def _marked_passages(row: dict[str, Any], key: str, points: dict[str, str]) -> None:
    """For each ticked point, the passages of the answer that make it: picked from the
    answer's phrases, or typed (an exact part of the answer). They replace, as the point's
    phrasing read by the scorer, the part the scorer would cite itself."""
    covered = [c for c in row.get("covers") or [] if c in points]
    if not covered or not str(row.get("text") or "").strip():
        return
    st.markdown(tr(*EXAMPLE_FIELD_NAMES["evidence"]))
    st.caption(
        tr(
            "可选。为每个勾选的要点选出回答里说到它的那几句（也可以粘贴回答中的原文）。评分器会把这些话当作"
            "这个要点的又一种说法；不选时，它用自己引用的那部分（在“评分实验室”可以查看）。",
            "Optional. For each ticked point, pick the phrases of the answer that make it (or "
            "paste an exact part of the answer). The scorer reads them as one more way of "
            "saying the point; left empty, it reads the part it cites itself (see the Rubric "
            "lab).",
        )
    )
    phrases = bank_forms.answer_phrases(str(row["text"]))
    marked = dict(row.get("evidence") or {})
    for point_id in covered:
        widget = f"{key}_evidence_{point_id}"
        chosen = list(st.session_state.get(widget, marked.get(point_id) or []))
        marked[point_id] = st.multiselect(
            f"{point_id} · {points[point_id]}",
            phrases + [c for c in chosen if c not in phrases],
            key=_seed(widget, list(marked.get(point_id) or [])),
            accept_new_options=True,
            placeholder=tr("选择或粘贴回答中的原文", "Pick, or paste words from the answer"),
        )
    row["evidence"] = marked


def _example_table(rows: list[dict[str, Any]], problems: list[FormProblem]) -> None:
    if not rows:
        st.info(
            tr(
                "这道题还没有评分示例。示例帮助培训师统一评分，也用于校准。",
                "No graded examples yet. Examples keep trainers' grades consistent and "
                "calibrate the scorer.",
            )
        )
        return
    wrong = {p.row for p in problems}
    st.dataframe(
        safe_table(
            pd.DataFrame(
                [
                    {
                        "id": r.get("id", ""),
                        "marks": "❌ " + tr("有问题", "has problems") if n in wrong else "",
                        "kind": tr(*EXAMPLE_KIND_NAMES.get(r.get("kind"), ("", ""))),
                        "language": tr(*LANGUAGE_NAMES.get(r.get("language"), ("", ""))),
                        "grade": r.get("grade"),
                        "covers": ", ".join(r.get("covers") or []),
                        "marked": ", ".join(
                            p for p, passages in (r.get("evidence") or {}).items() if passages
                        ),
                        "text": _short(r.get("text"), 80),
                    }
                    for n, r in enumerate(rows, start=1)
                ]
            )
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "id": tr("编号", "ID"),
            "kind": tr("类型", "Kind"),
            "language": tr("语言", "Language"),
            "grade": st.column_config.NumberColumn(tr("评分", "Grade"), format="%.1f"),
            "covers": tr("覆盖的要点", "Covers"),
            "marked": tr("已标注说法的要点", "Words marked for"),
            "text": st.column_config.TextColumn(tr("回答", "Answer"), width="large"),
            "marks": tr("提示", "Marks"),
        },
    )
