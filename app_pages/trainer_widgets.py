"""Pieces of UI the trainers' pages share: the role gate, problems placed under their fields
(and a bank file's problems at their table and row), each problem in the reader's language
as its engine wrote it (`question_bank.messages`), and the one conflict widget: two
versions of a question side by side, for a save that met a newer save or an import clash."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.common import (
    choice_key,
    labels,
    language,
    plain,
    section_expander,
    show_error,
    tr,
)
from app_pages.tables import safe_table
from question_bank.exchange import to_yaml
from question_bank.loader import Problem
from services import accounts
from services.accounts import Actor
from services.bank_forms import FormProblem, yaml_diff
from services.errors import EditConflict, ServiceError

FIELD_NAMES = {  # form field -> (zh, en)
    "id": ("编号", "ID"),
    "bank": ("题库", "Bank"),
    "category": ("题型", "Category"),
    "title_zh": ("标题（中文）", "Title (Chinese)"),
    "title_en": ("标题（英文）", "Title (English)"),
    "question_zh": ("题目（中文）", "Question (Chinese)"),
    "question_en": ("题目（英文）", "Question (English)"),
    "points": ("分值", "Points"),
    "difficulty": ("难度", "Difficulty"),
    "answer_time_seconds": ("建议作答时间（秒）", "Suggested answer time (seconds)"),
    "competencies_zh": ("考察能力（中文，每行一项）", "Competencies (Chinese, one per line)"),
    "competencies_en": ("考察能力（英文，每行一项）", "Competencies (English, one per line)"),
    "tags": ("标签（逗号分隔）", "Tags (comma-separated)"),
    "source_document": ("来源文档", "Source document"),
    "source_section": ("来源章节", "Source section"),
    "reference_zh": ("参考答案（中文）", "Reference answer (Chinese)"),
    "reference_en": ("参考答案（英文）", "Reference answer (English)"),
    "follow_ups_zh": ("追问（中文，每行一条）", "Follow-up prompts (Chinese, one per line)"),
    "follow_ups_en": ("追问（英文，每行一条）", "Follow-up prompts (English, one per line)"),
    "rubric": ("评分要点", "Rubric points"),
    "examples": ("评分示例", "Graded examples"),
}
RUBRIC_COLUMN_NAMES = {
    "id": ("编号", "ID"),
    "text_zh": ("要点（中文）", "Point (Chinese)"),
    "text_en": ("要点（英文）", "Point (English)"),
    "weight": ("权重", "Weight"),
    "strong_zh": ("好的回答（中文）", "Strong answer (Chinese)"),
    "strong_en": ("好的回答（英文）", "Strong answer (English)"),
    "weak_zh": ("弱的回答（中文）", "Weak answer (Chinese)"),
    "weak_en": ("弱的回答（英文）", "Weak answer (English)"),
}
EXAMPLE_FIELD_NAMES = {
    "id": ("编号", "ID"),
    "kind": ("类型", "Kind"),
    "language": ("语言", "Language"),
    "grade": ("培训师评分（0–10）", "Trainer grade (0–10)"),
    "covers": ("覆盖的评分要点", "Rubric points it covers"),
    "text": ("回答", "Answer"),
    "comment": ("评语（为什么是这个分数）", "Comment (why this grade)"),
    "evidence": ("每个要点在回答里的说法", "Where the answer makes each point"),
}
TABLE_NAMES = {  # a bank file's tables (CSV record kinds, Excel sheets)
    "questions": ("题目表（questions）", "questions table"),
    "rubric_points": ("评分要点表（rubric_points）", "rubric_points table"),
    "examples": ("评分示例表（examples）", "examples table"),
}


def require_role(actor: Actor, *roles: str) -> None:
    """Show why the page is closed and stop, unless the actor has one of the roles."""
    try:
        accounts.require(actor, *roles)
    except ServiceError as error:
        show_error(error)
        st.info(
            tr(
                "请在“账户”页用培训师或管理员账户登录。",
                "Sign in with a trainer or administrator account on the Account page.",
            )
        )
        st.stop()


# --- problems -------------------------------------------------------------------------------


def describe(problem: FormProblem) -> str:
    """A problem in words, with the rubric row and column or the list line it concerns."""
    where = []
    if problem.field == "examples" and problem.row is not None:
        where.append(tr(f"第 {problem.row} 个示例", f"example {problem.row}"))
        if problem.column:
            zh, en = EXAMPLE_FIELD_NAMES.get(problem.column, (problem.column, problem.column))
            where.append(tr(zh, en))
    elif problem.field == "rubric" and problem.row is not None:
        where.append(tr(f"第 {problem.row} 行", f"row {problem.row}"))
        if problem.column:
            zh, en = RUBRIC_COLUMN_NAMES.get(problem.column, (problem.column, problem.column))
            where.append(tr(zh, en))
    elif problem.row is not None:
        where.append(tr(f"第 {problem.row} 行", f"line {problem.row}"))
    prefix = " · ".join(where)
    message = problem.message.get(language())
    return f"{prefix}: {message}" if prefix else message


def field_errors(problems: Iterable[FormProblem], field: str) -> None:
    """Each problem of one field, shown right under its widget."""
    for problem in problems:
        if problem.field == field:
            st.error(describe(problem), icon="⚠️")


def problem_summary(problems: list[FormProblem]) -> None:
    """All problems in one list, each under its field's name."""
    lines = []
    for problem in problems:
        zh, en = FIELD_NAMES.get(problem.field, ("整体", "Question"))
        lines.append(f"- **{tr(zh, en)}** — {plain(describe(problem))}")
    st.error(
        tr(
            f"未保存：有 {len(problems)} 处需要修正（已在对应字段下标出），填写的内容都还在。",
            f"Not saved: {len(problems)} problem(s) to fix (marked under their fields); "
            "everything you typed is still here.",
        )
        + "\n\n"
        + "\n".join(lines)
    )


def problem_place(problem: Problem, file_name: str | None = None) -> str:
    """Where a file problem is, as a person finds it: file, table (sheet) and row."""
    name = file_name or problem.file
    if problem.table is None:
        return problem.file
    zh, en = TABLE_NAMES.get(problem.table, (problem.table, problem.table))
    if problem.row is None:
        return f"{name} · {tr(zh, en)}"
    return f"{name} · {tr(zh, en)} · " + tr(f"第 {problem.row} 行", f"row {problem.row}")


def file_problems(problems: Iterable[Problem], file_name: str | None = None) -> None:
    """Problems in an uploaded file, one row each: where (file, table, row), question,
    column, and what is wrong, in the reader's language."""
    st.dataframe(
        safe_table(
            pd.DataFrame(
                [
                    {
                        "where": problem_place(p, file_name),
                        "question": p.question_id or "",
                        "field": p.field or "",
                        "problem": p.message.get(language()),
                    }
                    for p in problems
                ],
                columns=["where", "question", "field", "problem"],
            )
        ),
        hide_index=True,
        row_height=72,  # over 4rem: long cells wrap, so the row number and message show whole
        column_config={
            "where": st.column_config.TextColumn(
                tr("位置（文件、表、行）", "Where (file, table, row)"), width="medium"
            ),
            "question": tr("题目", "Question"),
            "field": tr("列/字段", "Column / field"),
            "problem": st.column_config.TextColumn(tr("问题", "Problem"), width="large"),
        },
    )


# --- the conflict widget: a save meets a newer save, or an import clashes ------------------


@dataclass(frozen=True)
class VersionChoice:
    """Two versions of one question that the trainer must choose between.

    `options` maps each choice to its label, in the order shown; `message` says what
    happened (markdown); the titles head the two columns.
    """

    message: str
    theirs_title: str
    theirs: dict[str, Any]
    mine_title: str
    mine: dict[str, Any]
    options: dict[str, str]
    warn: bool = True  # the message as a warning (False: plain text, under an outer warning)


def conflict_record(error: EditConflict) -> dict[str, Any]:
    """What the page keeps of a conflict until the trainer decides."""
    return {
        "record_id": error.record_id,
        "expected_version": error.expected_version,
        "current_version": error.current_version,
        "current_author": error.current_author,
        "current_data": error.current_data,
    }


def save_conflict(conflict: dict[str, Any], mine: dict[str, Any], mine_label: str) -> VersionChoice:
    """The choice after a save met a newer save: keep mine (save over it) or take theirs."""
    version, author = conflict["current_version"], conflict["current_author"]
    return VersionChoice(
        message=tr(
            f"保存冲突：你打开的是第 {conflict['expected_version']} 版，之后 {plain(author)} 保存了第 "
            f"{version} 版。没有覆盖任何内容。请对比两个版本，再选择保留哪一个。",
            f"Edit conflict: you opened version {conflict['expected_version']}, then "
            f"{plain(author)} saved version {version}. Nothing was overwritten. Compare both "
            "versions and choose which to keep.",
        ),
        theirs_title=tr(f"他们的版本（第 {version} 版）", f"Theirs (version {version})"),
        theirs=conflict["current_data"],
        mine_title=tr("我的版本（未保存）", "Mine (not saved)"),
        mine=mine,
        options={
            "keep_mine": mine_label,
            "take_theirs": tr("采用他们的版本", "Take theirs"),
        },
    )


def choose_version(choice: VersionChoice, key: str, *, buttons: bool = True) -> str | None:
    """Both versions side by side (YAML) with their differences, and the trainer's choice.

    Args:
        key: the widgets' key: with `buttons`, one button per option keyed `<key>_<option>`;
            otherwise one radio keyed `key`, nothing chosen at first.

    Returns:
        The option chosen (the button pressed this run, or the radio's value), else None.
    """
    (st.warning if choice.warn else st.markdown)(choice.message)
    theirs_col, mine_col = st.columns(2)
    theirs_col.markdown(f"**{choice.theirs_title}**")
    theirs_col.code(to_yaml(choice.theirs), language="yaml")
    mine_col.markdown(f"**{choice.mine_title}**")
    mine_col.code(to_yaml(choice.mine), language="yaml")
    with section_expander(f"{key}_diff", tr("只看差异", "Differences only")):
        diff = yaml_diff(choice.theirs, choice.mine, "theirs", "mine")
        st.code(diff or tr("（没有差异）", "(no differences)"), language="diff")
    options = list(choice.options)
    if not buttons:
        return st.radio(
            tr("保留哪个版本？", "Which to keep?"),
            options,
            index=None,
            format_func=labels(options, choice.options.get),
            key=choice_key(key),
        )
    picked = None
    for column, option in zip(st.columns(len(options)), options, strict=True):
        if column.button(choice.options[option], key=f"{key}_{option}"):
            picked = option
    return picked
