"""Bank workbench (trainers): find questions, edit them in both languages (rubric points and
graded examples one at a time, in forms wide enough for their text), create, copy and
delete them, look through their history and restore, import and export question files."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.common import (
    DIFFICULTY_NAMES,
    Database,
    attempt,
    category_name,
    choice_key,
    choose_options,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    plain,
    section_expander,
    section_tabs,
    show_error,
    tr,
)
from app_pages.tables import safe_table
from app_pages.trainer_editors import example_editor, point_editor
from app_pages.trainer_widgets import (
    FIELD_NAMES,
    VersionChoice,
    choose_version,
    conflict_record,
    field_errors,
    file_problems,
    problem_summary,
    require_role,
    save_conflict,
)
from question_bank.exchange import to_yaml
from question_bank.schema import CATEGORIES, DIFFICULTIES, Bank
from services import bank, bank_files, bank_forms, bank_translations
from services.accounts import Actor
from services.errors import EditConflict, ServiceError, ValidationFailed

ACTION_NAMES = {
    "seed": ("初始导入", "shipped"),
    "create": ("新建", "created"),
    "edit": ("编辑", "edited"),
    "delete": ("删除", "deleted"),
    "restore": ("恢复", "restored"),
}
IMPORT_STATUS_NAMES = {  # status -> (mark, zh, en)
    "changed": ("🟠", "有修改", "changed"),
    "deleted": ("🔴", "题库中已删除，导入会恢复", "deleted in the bank; brought back"),
    "new": ("🟢", "新题目", "new"),
    "unchanged": ("⚪", "不变", "unchanged"),
}
SIMPLE_FIELDS = [f for f in bank_forms.FIELDS if f != "rubric"]


@dataclass(frozen=True)
class Workbench:
    """What every part of the page needs: who, where, and the bank as it is now."""

    db: Database
    actor: Actor
    lang: str
    entries: list[bank.QuestionEntry]
    banks: dict[str, Bank]

    @property
    def ids(self) -> list[str]:
        return [e.question.id for e in self.entries]


# --- the draft: the question open in the form, kept in session state -------------------------


def field_key(name: str) -> str:
    return f"workbench_field_{name}"


def current_draft() -> dict | None:
    return st.session_state.get("workbench_draft")


def open_draft(fields: dict, source_id: str | None, version: int | None, examples: list) -> None:
    """Put a question into the form (the widgets are refilled on the next run)."""
    previous = current_draft()
    if not previous or previous["source_id"] != source_id:  # another question: first items
        st.session_state.pop("workbench_point_choice", None)
        st.session_state.pop("workbench_example_choice", None)
    st.session_state["workbench_draft"] = {
        "source_id": source_id,
        "version": version,
        "fields": fields,
        "original": copy.deepcopy(fields) if source_id else bank_forms.blank_fields(""),
        "examples": examples,
        "original_examples": copy.deepcopy(examples) if source_id else [],
    }
    reset_form()


def open_entry(entry: bank.QuestionEntry) -> None:
    question = entry.question
    examples = [e.model_dump(mode="json") for e in question.examples]
    open_draft(bank_forms.form_fields(question), question.id, entry.version, examples)


def close_draft() -> None:
    st.session_state["workbench_draft"] = None
    reset_form()


def reset_form() -> None:
    st.session_state["workbench_seq"] = st.session_state.get("workbench_seq", 0) + 1
    st.session_state["workbench_reseed"] = True
    for key in ("workbench_problems", "workbench_conflict", "workbench_pending"):
        st.session_state.pop(key, None)
    st.session_state.pop("workbench_confirm_delete", None)


def done(message: str | None = None) -> None:
    if message:
        st.session_state["workbench_flash"] = message
    st.rerun()


def is_dirty(draft: dict | None) -> bool:
    return bool(draft) and bank_forms.is_changed(
        draft["fields"], draft["original"], draft["examples"], draft["original_examples"]
    )


def perform(wb: Workbench, action: tuple[str, str | None]) -> None:
    """Open a question, start a new one, or copy the open one; then rerun."""
    kind, question_id = action
    draft = current_draft()
    if kind == "open" and question_id:
        entry = attempt(lambda: bank.get_question(wb.db, question_id))
        if entry is None:
            return
        open_entry(entry)
    elif kind == "new":
        open_draft(bank_forms.blank_fields(next(iter(wb.banks), "")), None, None, [])
    elif kind == "copy" and draft:
        fields = copy.deepcopy(draft["fields"])
        fields["id"] = bank_forms.copy_id(draft["source_id"] or fields["id"] or "new", wb.ids)
        open_draft(fields, None, None, copy.deepcopy(draft["examples"]))
    done()


def save(wb: Workbench, expected_version: int | None) -> None:
    """Save the draft; a refused save keeps everything typed and says why, field by field."""
    draft = current_draft()
    data = bank_forms.question_data(draft["fields"], draft["examples"])
    try:
        entry = bank.save_question(wb.db, wb.actor, data, expected_version)
    except ValidationFailed as error:
        st.session_state["workbench_problems"] = bank_forms.place_problems(error.problems)
        st.session_state.pop("workbench_conflict", None)
        done()
    except EditConflict as error:
        st.session_state["workbench_conflict"] = conflict_record(error)
        st.session_state.pop("workbench_problems", None)
        done()
    except ServiceError as error:
        show_error(error)
    else:
        open_entry(entry)
        done(
            tr(
                f"已保存 {entry.question.id}（第 {entry.version} 版）。",
                f"Saved {entry.question.id} (version {entry.version}).",
            )
        )


def refill_widgets() -> None:
    """Refill the widgets from the draft before they are drawn: after opening another
    question, and after coming back from another page (Streamlit forgets widgets that were
    not shown)."""
    draft = current_draft()
    reseed = st.session_state.pop("workbench_reseed", False)
    st.session_state.setdefault("workbench_seq", 0)
    if reseed or "workbench_choice" not in st.session_state:
        st.session_state["workbench_choice"] = draft["source_id"] if draft else None
    if draft:
        for name in SIMPLE_FIELDS:
            if reseed or field_key(name) not in st.session_state:
                st.session_state[field_key(name)] = draft["fields"][name]


# --- questions: find, open, create, copy, delete ----------------------------------------------


def questions_tab(wb: Workbench) -> None:
    shown = question_table(wb)
    question_picker(wb, shown)
    draft = current_draft()
    if pending := st.session_state.get("workbench_pending"):
        discard_prompt(wb, draft, pending)
    if draft and draft["source_id"]:
        delete_prompt(wb, draft)
    st.divider()
    if draft is None:
        st.info(
            tr(
                "在上方选择一道题目进行编辑，或新建题目。",
                "Choose a question above to edit it, or create a new one.",
            )
        )
    else:
        question_form(wb, draft)


def question_table(wb: Workbench) -> list[bank.QuestionEntry]:
    """The filters and the table of questions; returns the entries shown."""
    search_col, category_col, bank_col = st.columns([2, 3, 2])
    search = search_col.text_input(
        tr("搜索（编号、标题、题目，中英文）", "Search (id, title, question; both languages)"),
        key="workbench_search",
    )
    categories = category_col.multiselect(
        tr("题型", "Categories"),
        CATEGORIES,
        format_func=labels(CATEGORIES, category_name),
        key=choice_key("workbench_categories", list(CATEGORIES)),
        placeholder=choose_options(),
    )
    bank_ids = sorted(wb.banks)
    chosen = bank_col.multiselect(
        tr("题库", "Banks"),
        bank_ids,
        format_func=labels(bank_ids, lambda b: wb.banks[b].name.get(wb.lang)),
        key=choice_key("workbench_banks", bank_ids),
        placeholder=choose_options(),
    )
    shown = [e for e in wb.entries if bank_forms.matches(e.question, search, categories, chosen)]
    st.caption(
        tr(
            f"共 {len(shown)} 题（点选一行即可编辑）",
            f"{len(shown)} questions (pick a row to edit)",
        )
    )
    columns = ["id", "bank", "category", "title", "points", "version", "updated_by", "updated_at"]
    rows = [
        {
            "id": e.question.id,
            "bank": e.question.bank,
            "category": category_name(e.question.category),
            "title": e.question.title.get(wb.lang),
            "points": e.question.points,
            "version": e.version,
            "updated_by": e.updated_by,
            "updated_at": e.updated_at,
        }
        for e in shown
    ]
    table = st.dataframe(
        safe_table(pd.DataFrame(rows, columns=columns)),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"workbench_table_{st.session_state['workbench_seq']}",
        column_config={
            "id": tr("编号", "ID"),
            "bank": tr("题库", "Bank"),
            "category": tr("题型", "Category"),
            "title": tr("标题", "Title"),
            "points": tr("分值", "Points"),
            "version": st.column_config.NumberColumn(tr("版本", "Version"), format="%d"),
            "updated_by": tr("最后修改人", "Last editor"),
            "updated_at": st.column_config.DatetimeColumn(
                tr("修改时间", "Changed at"), format="YYYY-MM-DD HH:mm"
            ),
        },
    )
    picked = table.selection.rows if table is not None else []
    draft = current_draft()
    if picked and shown[picked[0]].question.id != (draft["source_id"] if draft else None):
        ask(wb, ("open", shown[picked[0]].question.id))
    return shown


def question_picker(wb: Workbench, shown: list[bank.QuestionEntry]) -> None:
    """Choose the question to edit; new, duplicate, delete."""
    draft = current_draft()
    current_id = draft["source_id"] if draft else None
    titles = {e.question.id: e.question.title.get(wb.lang) for e in wb.entries}
    options = [e.question.id for e in shown]
    if current_id and current_id not in options:
        options.insert(0, current_id)
    pick_col, new_col, copy_col, delete_col = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    choice = pick_col.selectbox(
        tr("要编辑的题目", "Question to edit"),
        options,
        placeholder=tr("选择一道题目…", "Choose a question…"),
        format_func=labels(options, lambda i: f"{i} · {titles.get(i, '')}"),
        key=choice_key("workbench_choice"),
    )
    if new_col.button(tr("新建题目", "New question"), key="workbench_new"):
        ask(wb, ("new", None))
    if copy_col.button(tr("复制为新题", "Duplicate"), key="workbench_copy", disabled=not draft):
        perform(wb, ("copy", None))
    if delete_col.button(
        tr("删除…", "Delete…"), key="workbench_delete", disabled=current_id is None
    ):
        st.session_state["workbench_confirm_delete"] = current_id
    if choice and choice != current_id:
        ask(wb, ("open", choice))


def ask(wb: Workbench, action: tuple[str, str | None]) -> None:
    """Do an action that leaves the open question, asking first if it has unsaved changes."""
    if is_dirty(current_draft()):
        st.session_state["workbench_pending"] = action
    else:
        perform(wb, action)


def discard_prompt(wb: Workbench, draft: dict, pending: tuple[str, str | None]) -> None:
    what = draft["source_id"] or tr("新题目", "the new question")
    st.warning(
        tr(
            f"{what} 有未保存的修改。继续将丢弃这些修改。",
            f"{what} has unsaved changes. Going on discards them.",
        )
    )
    discard_col, keep_col = st.columns(2)
    if discard_col.button(
        tr("丢弃修改并继续", "Discard changes and go on"), key="workbench_discard"
    ):
        st.session_state.pop("workbench_pending", None)
        perform(wb, pending)
    if keep_col.button(tr("继续编辑", "Keep editing"), key="workbench_keep_editing"):
        st.session_state.pop("workbench_pending", None)
        st.session_state["workbench_seq"] += 1
        st.session_state["workbench_reseed"] = True
        done()


def delete_prompt(wb: Workbench, draft: dict) -> None:
    current_id = draft["source_id"]
    if st.session_state.get("workbench_confirm_delete") != current_id:
        return
    st.warning(
        tr(
            f"确定删除 {current_id}？删除后候选人不再看到它；可在“历史版本”中恢复。",
            f"Delete {current_id}? Candidates no longer see it; it can be restored under History.",
        )
    )
    yes_col, no_col = st.columns(2)
    if yes_col.button(
        tr(f"确定删除 {current_id}", f"Yes, delete {current_id}"),
        type="primary",
        key="workbench_delete_yes",
    ):
        version = draft["version"]
        if attempt(lambda: bank.delete_question(wb.db, wb.actor, current_id, version) or True):
            close_draft()
            done(tr(f"已删除 {current_id}。", f"Deleted {current_id}."))
    if no_col.button(tr("取消", "Cancel"), key="workbench_delete_no"):
        st.session_state.pop("workbench_confirm_delete", None)
        done()


# --- the question form -------------------------------------------------------------------------


def question_form(wb: Workbench, draft: dict) -> None:
    """The open question: its fields, rubric points, graded examples, and saving."""
    fields = draft["fields"]
    problems = st.session_state.get("workbench_problems", [])
    seq = st.session_state["workbench_seq"]
    if draft["source_id"]:
        st.subheader(
            tr(
                f"编辑 {draft['source_id']}（第 {draft['version']} 版）",
                f"Editing {draft['source_id']} (version {draft['version']})",
            )
        )
    else:
        st.subheader(tr("新题目（未保存）", "New question (not saved)"))
    basic_fields(wb, draft, problems)

    st.markdown("#### " + tr("评分要点", "Rubric points"))
    st.caption(
        tr(
            "一次编辑一个要点，中英文并排。改了中文而没有改英文时，会标出“英文未随中文更新”。",
            "Edit one point at a time, Chinese and English side by side. When the Chinese "
            "changes and the English does not, the point is marked “English not updated since "
            "the Chinese changed”.",
        )
    )
    source_id = draft["source_id"]

    def stale() -> set[str]:
        data = bank_forms.question_data(fields, draft["examples"])
        return bank_translations.stale_texts(wb.db, wb.actor, source_id, data)

    def confirm(text_key: str, zh_text: str) -> None:
        attempt(
            lambda: bank_translations.confirm_english(wb.db, wb.actor, source_id, text_key, zh_text)
        )

    point_editor(
        fields["rubric"],
        f"workbench_point_{seq}",
        problems,
        stale,
        confirm if source_id else None,
    )

    st.markdown("#### " + tr("参考答案与追问", "Reference answer and follow-ups"))
    paired_fields(fields, problems, ("reference", 150), ("follow_ups", None))

    st.markdown("#### " + tr("评分示例回答", "Graded example answers"))
    language = "en" if st.session_state.get("language") == "en" else "zh"
    points = {
        p["id"]: p["text"][language] or p["text"]["zh"] or p["text"]["en"]
        for p in bank_forms.rubric_from_rows(fields["rubric"])
    }
    example_editor(draft["examples"], f"workbench_example_{seq}", points, problems)

    st.divider()
    save_bar(wb, draft, problems)


def text_field(fields: dict, problems: list, name: str, area: bool = False, **options) -> None:
    zh, en = FIELD_NAMES[name]
    widget = st.text_area if area else st.text_input
    fields[name] = widget(tr(zh, en), key=field_key(name), **options)
    field_errors(problems, name)


def pick_field(
    fields: dict, problems: list, name: str, choices: list, names: dict | None = None
) -> None:
    if fields[name] not in choices:
        choices = [fields[name], *choices]
    zh, en = FIELD_NAMES[name]
    fmt = labels(choices, lambda c: tr(*names[c]) if names and c in names else str(c))
    key = choice_key(field_key(name))
    fields[name] = st.selectbox(tr(zh, en), choices, format_func=fmt, key=key)
    field_errors(problems, name)


def paired_fields(fields: dict, problems: list, *names: tuple[str, int | None]) -> None:
    """Fields in both languages, Chinese left and English right."""
    zh_col, en_col = st.columns(2)
    for name, height in names:
        options: dict[str, Any] = {"area": True}
        if height:
            options["height"] = height
        with zh_col:
            text_field(fields, problems, f"{name}_zh", **options)
        with en_col:
            text_field(fields, problems, f"{name}_en", **options)


def basic_fields(wb: Workbench, draft: dict, problems: list) -> None:
    fields = draft["fields"]
    left, middle, right = st.columns(3)
    with left:
        text_field(
            fields,
            problems,
            "id",
            disabled=draft["source_id"] is not None,
            help=tr(
                "小写字母、数字、点、横线、下划线；保存后不能再改",
                "Lower-case letters, digits, . - _; fixed once saved",
            ),
        )
    with middle:
        bank_names = {b: (wb.banks[b].name.zh, wb.banks[b].name.en) for b in wb.banks}
        pick_field(fields, problems, "bank", sorted(wb.banks), bank_names)
    with right:
        category_names = {c: (category_name(c), category_name(c)) for c in CATEGORIES}
        pick_field(fields, problems, "category", list(CATEGORIES), category_names)
    zh_col, en_col = st.columns(2)
    with zh_col:
        text_field(fields, problems, "title_zh")
    with en_col:
        text_field(fields, problems, "title_en")
    paired_fields(fields, problems, ("question", 150), ("competencies", None))
    points_col, difficulty_col, time_col = st.columns(3)
    with points_col:
        fields["points"] = st.number_input(
            tr(*FIELD_NAMES["points"]), min_value=1, step=1, key=field_key("points")
        )
        field_errors(problems, "points")
    with difficulty_col:
        pick_field(fields, problems, "difficulty", list(DIFFICULTIES), DIFFICULTY_NAMES)
    with time_col:
        fields["answer_time_seconds"] = st.number_input(
            tr(*FIELD_NAMES["answer_time_seconds"]),
            min_value=10,
            step=30,
            key=field_key("answer_time_seconds"),
        )
        field_errors(problems, "answer_time_seconds")
    tags_col, document_col, section_col = st.columns(3)
    with tags_col:
        text_field(fields, problems, "tags")
    with document_col:
        text_field(fields, problems, "source_document")
    with section_col:
        text_field(fields, problems, "source_section")


def save_bar(wb: Workbench, draft: dict, problems: list) -> None:
    """Save and discard, the problems of a refused save, and a save conflict."""
    if problems:
        problem_summary(problems)
    changed = is_dirty(draft)
    save_col, revert_col, state_col = st.columns([1, 1, 3], vertical_alignment="center")
    if save_col.button(tr("保存", "Save"), type="primary", key="workbench_save"):
        save(wb, draft["version"])
    if revert_col.button(
        tr("放弃修改", "Discard changes"), key="workbench_revert", disabled=not changed
    ):
        perform(wb, ("open", draft["source_id"]) if draft["source_id"] else ("new", None))
    state_col.caption(
        tr("有未保存的修改", "Unsaved changes") if changed else tr("没有修改", "No changes")
    )
    conflict = st.session_state.get("workbench_conflict")
    if not conflict or conflict["record_id"] != draft["source_id"]:
        return
    version = conflict["current_version"]
    mine = bank_forms.question_data(draft["fields"], draft["examples"])
    keep_label = tr(
        f"保留我的（覆盖第 {version} 版保存）", f"Keep mine (save over version {version})"
    )
    picked = choose_version(save_conflict(conflict, mine, keep_label), "workbench")
    if picked == "keep_mine":
        save(wb, version)
    elif picked == "take_theirs":
        data = conflict["current_data"]
        open_draft(
            bank_forms.form_fields(data), conflict["record_id"], version, data.get("examples", [])
        )
        done(tr(f"已载入第 {version} 版。", f"Loaded version {version}."))


# --- history of the open question, and deleted questions --------------------------------------


def history_tab(wb: Workbench) -> None:
    draft = current_draft()
    question_id = draft["source_id"] if draft else None
    if not question_id:
        st.info(
            tr(
                "先在“题目”中打开一道已保存的题目，这里会列出它的所有版本。",
                "Open a saved question under Questions to see all its versions here.",
            )
        )
    else:
        versions_of(wb, draft, question_id)
    deleted_questions(wb)


def action_name(action: str) -> str:
    return tr(*ACTION_NAMES.get(action, (action, action)))


def versions_of(wb: Workbench, draft: dict, question_id: str) -> None:
    """Every version of the open question, one compared with the current, and restore."""
    versions = bank.history(wb.db, wb.actor, question_id)
    latest = versions[0]
    st.subheader(tr(f"{question_id} 的版本", f"Versions of {question_id}"))
    st.dataframe(
        safe_table(
            pd.DataFrame(
                [
                    {
                        "version": v.version,
                        "action": action_name(v.action),
                        "author": v.author,
                        "at": v.at,
                    }
                    for v in versions
                ]
            )
        ),
        hide_index=True,
        column_config={
            "version": tr("版本", "Version"),
            "action": tr("操作", "Action"),
            "author": tr("作者", "Author"),
            "at": st.column_config.DatetimeColumn(tr("时间", "Time"), format="YYYY-MM-DD HH:mm"),
        },
    )
    by_version = {v.version: v for v in versions}
    numbers = list(by_version)
    shown = st.selectbox(
        tr("查看版本", "Show version"),
        numbers,
        format_func=labels(
            numbers,
            lambda n: (
                tr(f"第 {n} 版", f"version {n}")
                + f" · {action_name(by_version[n].action)} · {by_version[n].author}"
            ),
        ),
        key=choice_key(f"workbench_history_version_{question_id}"),
    )
    old = by_version[shown]
    st.markdown(
        "**"
        + tr(
            f"第 {old.version} 版与当前第 {latest.version} 版的差异",
            f"Version {old.version} against the current version {latest.version}",
        )
        + "**"
    )
    diff = bank_forms.yaml_diff(old.data, latest.data, f"v{old.version}", f"v{latest.version}")
    st.code(diff or tr("（没有差异）", "(no differences)"), language="diff")
    with section_expander(
        f"workbench_history_full_{question_id}",
        tr(f"第 {old.version} 版全文（YAML）", f"Version {old.version} in full (YAML)"),
    ):
        st.code(to_yaml(old.data), language="yaml")
    if old.version == latest.version:
        return
    if is_dirty(draft):
        st.caption(
            tr(
                "恢复会替换表单中未保存的修改。",
                "Restoring replaces the unsaved changes in the form.",
            )
        )
    if st.button(
        tr(
            f"恢复第 {old.version} 版（保存为第 {latest.version + 1} 版）",
            f"Restore version {old.version} (saved as version {latest.version + 1})",
        ),
        key="workbench_restore",
    ):
        restored = attempt(
            lambda: bank.restore_version(wb.db, wb.actor, question_id, old.version, latest.version)
        )
        if restored is not None:
            open_entry(restored)
            done(
                tr(
                    f"已恢复第 {old.version} 版，现为第 {restored.version} 版。",
                    f"Restored version {old.version}; it is now version {restored.version}.",
                )
            )


def deleted_questions(wb: Workbench) -> None:
    deleted = bank.deleted_entries(wb.db, wb.actor)
    if not deleted:
        return
    with section_expander(
        "workbench_deleted",
        tr(f"已删除的题目（{len(deleted)}）", f"Deleted questions ({len(deleted)})"),
    ):
        gone = [e.question.id for e in deleted]
        titles = {e.question.id: e.question.title.get(wb.lang) for e in deleted}
        back = st.selectbox(
            tr("题目", "Question"),
            gone,
            format_func=labels(gone, lambda i: f"{i} · {titles[i]}"),
            key=choice_key("workbench_deleted_choice"),
        )
        if st.button(tr("恢复这道题", "Bring it back"), key="workbench_undelete"):
            restored = attempt(lambda: bank.undelete_question(wb.db, wb.actor, back))
            if restored is not None:
                open_entry(restored)
                done(tr(f"已恢复 {back}。", f"Brought back {back}."))


# --- import and export ------------------------------------------------------------------------


def files_tab(wb: Workbench) -> None:
    st.subheader(tr("导入", "Import"))
    import_file(wb)
    st.subheader(tr("导出", "Export"))
    export_files(wb)


def import_file(wb: Workbench) -> None:
    st.caption(
        tr(
            f"YAML（一道题或题目列表）、CSV 或 Excel（与导出的格式相同）。最大 {bank_files.MAX_UPLOAD_BYTES // 2**20} MB、"
            f"{bank_files.MAX_IMPORT_QUESTIONS} 道题。有任何问题时不会导入任何内容；编号已存在的题目会被更新（保留历史版本）。",
            f"YAML (one question or a list), CSV or Excel (the same layout as the export). At most "
            f"{bank_files.MAX_UPLOAD_BYTES // 2**20} MB and {bank_files.MAX_IMPORT_QUESTIONS} "
            "questions. Nothing is imported while there is any problem; questions whose id "
            "exists are updated (with history).",
        )
    )
    if st.session_state.pop("workbench_import_reset", False):
        forget_import()
    name, file_format, content = uploaded_content()
    uploaded = st.session_state["workbench_import"].get("data")
    if not content.strip() and (uploaded is None or uploaded.strip()):
        return  # nothing uploaded or pasted yet; an empty file is checked (and said) below
    check_key = (name, file_format, hash(content))
    cached = st.session_state.get("workbench_import_check")
    if cached is None or cached[0] != check_key:
        cached = (check_key, bank_files.check_upload(name, content, file_format))
        st.session_state["workbench_import_check"] = cached
    check = cached[1]
    if check.problems:
        st.error(
            tr(
                f"发现 {len(check.problems)} 个问题，没有导入任何内容。修正后会自动重新检查：",
                f"Found {len(check.problems)} problem(s); nothing was imported. Fix them and "
                "the file is checked again:",
            )
        )
        file_problems(check.problems, name)
    else:
        import_preview(wb, check)
    if st.button(tr("清除", "Clear"), key="workbench_import_clear"):
        st.session_state["workbench_import_reset"] = True
        done()


def forget_import() -> None:
    """Clear the file and its text; a later file's clashes are decided afresh."""
    st.session_state["workbench_import"] = {}
    st.session_state["workbench_import_text"] = ""
    for key in [k for k in st.session_state if k.startswith("workbench_import_choice_")]:
        del st.session_state[key]
    st.session_state["workbench_upload_seq"] = st.session_state.get("workbench_upload_seq", 0) + 1


def uploaded_content() -> tuple[str, str, bytes]:
    """The uploaded file (or the text pasted or fixed in place): name, format, bytes."""
    stored = st.session_state.setdefault("workbench_import", {})
    st.session_state.setdefault("workbench_import_format", "yaml")
    uploaded = st.file_uploader(
        tr("上传文件", "Upload a file"),
        type=["yaml", "yml", "csv", "xlsx"],
        max_upload_size=bank_files.MAX_UPLOAD_BYTES // 2**20,
        key=f"workbench_upload_{st.session_state.get('workbench_upload_seq', 0)}",
    )
    if uploaded is not None and uploaded.file_id != stored.get("file_id"):
        content = uploaded.getvalue()
        file_format = bank_files.format_of(uploaded.name) or "yaml"
        stored.update(
            file_id=uploaded.file_id, name=uploaded.name, format=file_format, data=content
        )
        stored["editable"] = False
        if file_format in bank_files.TEXT_FORMATS and len(content) <= bank_files.MAX_UPLOAD_BYTES:
            try:
                st.session_state["workbench_import_text"] = content.decode("utf-8-sig")
                st.session_state["workbench_import_format"] = file_format
                stored["editable"] = True
            except UnicodeDecodeError:
                pass
    if stored.get("data") is not None and not stored.get("editable"):
        st.info(
            tr(
                f"已收到 {stored['name']}（{len(stored['data']) / 1024:.0f} KB）。如有问题，请在原文件中修正后重新上传。",
                f"Received {stored['name']} ({len(stored['data']) / 1024:.0f} KB). If it has "
                "problems, fix them in the file and upload it again.",
            )
        )
        return stored["name"], stored["format"], stored["data"]
    text_formats = list(bank_files.TEXT_FORMATS)
    file_format = st.segmented_control(
        tr("格式", "Format"),
        text_formats,
        required=True,
        format_func=labels(text_formats, str.upper),
        key="workbench_import_format",
    )
    text = st.text_area(
        tr("文件内容（可在此修正问题，或直接粘贴）", "File contents (fix problems here, or paste)"),
        height=220,
        key="workbench_import_text",
    )
    stem = (stored.get("name") or "pasted").rsplit(".", 1)[0]
    name = f"{stem}.{'yaml' if file_format == 'yaml' else 'csv'}"
    return name, file_format, (text or "").encode("utf-8")


def import_preview(wb: Workbench, check: bank_files.ImportCheck) -> None:
    """What the import would change, changed rows first; the clashes; the import button."""
    preview = bank.import_preview(wb.db, wb.actor, list(check.questions), check.versions)
    st.info(
        tr(
            f"{len(check.questions)} 道题：新增 {preview['created']}，更新 {preview['updated']}，"
            f"不变 {preview['unchanged']}。",
            f"{len(check.questions)} questions: {preview['created']} new, "
            f"{preview['updated']} changed, {preview['unchanged']} unchanged.",
        )
    )
    if preview["new_banks"]:
        st.caption(
            tr("将新建题库：", "New banks will be created: ")
            + plain(", ".join(preview["new_banks"]))
        )
    preview_table(wb, preview["rows"])
    choices = import_clash_choices(wb, preview["clashes"])
    undecided = [c.question_id for c in preview["clashes"] if c.question_id not in choices]
    if undecided:
        st.caption(
            tr(
                f"请先为每道冲突的题目选择保留哪个版本（还剩 {len(undecided)} 道）。",
                f"Choose what to keep for each clashing question first ({len(undecided)} left).",
            )
        )
    if st.button(
        tr("导入", "Import"), type="primary", key="workbench_import_go", disabled=bool(undecided)
    ):
        keep_bank = {i for i, choice in choices.items() if choice == "bank"}
        counts = attempt(
            lambda: bank.import_questions(
                wb.db,
                wb.actor,
                [q for q in check.questions if q.id not in keep_bank],
                check.versions,
                overwrite={i for i, choice in choices.items() if choice == "file"},
            )
        )
        if counts is not None:
            st.session_state["workbench_import_reset"] = True
            done(
                tr(
                    f"已导入：新增 {counts['created']}，更新 {counts['updated']}，不变 {counts['unchanged']}。",
                    f"Imported: {counts['created']} new, {counts['updated']} changed, "
                    f"{counts['unchanged']} unchanged.",
                )
            )


def preview_table(wb: Workbench, rows: list[bank.ImportRow]) -> None:
    """The questions that change, marked by kind and with what changes; the unchanged ones
    folded away."""

    def table(part: list[bank.ImportRow], key: str) -> None:
        st.dataframe(
            safe_table(
                pd.DataFrame(
                    [
                        {
                            "status": f"{IMPORT_STATUS_NAMES[r.status][0]} "
                            + tr(*IMPORT_STATUS_NAMES[r.status][1:]),
                            "id": r.question_id,
                            "title": r.title.get(wb.lang, ""),
                            "changes": ", ".join(change_name(c) for c in r.changes),
                        }
                        for r in part
                    ],
                    columns=["status", "id", "title", "changes"],
                )
            ),
            hide_index=True,
            width="stretch",
            key=key,
            column_config={
                "status": st.column_config.TextColumn(tr("变化", "Change"), width="medium"),
                "id": tr("编号", "ID"),
                "title": tr("标题", "Title"),
                "changes": st.column_config.TextColumn(
                    tr("改动的内容", "What changes"), width="large"
                ),
            },
        )

    changing = [r for r in rows if r.status != "unchanged"]
    same = [r for r in rows if r.status == "unchanged"]
    if changing:
        table(changing, "workbench_import_changes")
    else:
        st.caption(
            tr("文件中的题目与题库完全相同。", "Every question in the file is as in the bank.")
        )
    if same:
        with section_expander(
            "workbench_import_unchanged_panel",
            tr(f"不变的题目（{len(same)}）", f"Unchanged questions ({len(same)})"),
        ):
            table(same, "workbench_import_unchanged")


def change_name(change: str) -> str:
    """A changed part ("title", "rubric p3", "rubric +p9") in the reader's language."""
    head, _, point = change.partition(" ")
    if head == "rubric" and point:
        if point.startswith("+"):
            return tr(f"新增要点 {point[1:]}", f"point {point[1:]} added")
        if point.startswith("-"):
            return tr(f"删除要点 {point[1:]}", f"point {point[1:]} removed")
        return tr(f"要点 {point}", f"point {point}")
    names = {**FIELD_NAMES, "title": ("标题", "title"), "question": ("题目", "question")}
    names |= {
        "competencies": ("考察能力", "competencies"),
        "reference_answer": ("参考答案", "reference answer"),
        "follow_ups": ("追问", "follow-ups"),
        "examples": ("评分示例", "graded examples"),
        "source": ("来源", "source"),
        "rubric": ("评分要点顺序", "order of the points"),
    }
    zh, en = names.get(head, (head, head))
    return tr(zh, en)


def import_clash_choices(wb: Workbench, clashes: list[bank.ImportClash]) -> dict[str, str]:
    """Each clash side by side (the bank's version, the file's), with the trainer's choice.

    Returns:
        question id -> "bank" (keep the bank's version) or "file" (save the file's over it,
        or bring the deleted question back), for the clashes decided so far.
    """
    if not clashes:
        return {}
    st.warning(
        tr(
            f"{len(clashes)} 道题在导出后已被修改或删除，导入这个文件会撤销这些更新。"
            "请逐一对比，选择保留哪个版本；未选择前不会导入任何内容。",
            f"{len(clashes)} question(s) were changed or deleted after this file was exported; "
            "importing it would undo that work. Compare each one and choose what to keep; "
            "nothing is imported until you have.",
        )
    )
    choices: dict[str, str] = {}
    for clash in clashes:
        with st.container(border=True):
            picked = choose_version(
                clash_choice(clash),
                f"workbench_import_choice_{clash.question_id}",
                buttons=False,
            )
        if picked:
            choices[clash.question_id] = picked
    return choices


def clash_choice(clash: bank.ImportClash) -> VersionChoice:
    """An import clash as a choice between the bank's version and the file's."""
    when = clash.current_at.strftime("%Y-%m-%d %H:%M")
    qid, author, version = (
        plain(clash.question_id),
        plain(clash.current_author),
        clash.current_version,
    )
    exported = (
        tr(f"文件中为第 {clash.file_version} 版", f"the file has version {clash.file_version}")
        if clash.file_version
        else tr("文件未注明版本", "the file names no version")
    )
    if clash.kind == "deleted":
        message = tr(
            f"**{qid}** 已于 {when} 被 {author} 删除（第 {version} 版）；{exported}。导入会恢复这道题。",
            f"**{qid}** was deleted by {author} on {when} (version {version}); {exported}. "
            "Importing brings it back.",
        )
        take_file = tr("恢复文件中的这道题", "Bring it back from the file")
    else:
        message = tr(
            f"**{qid}**：{author} 于 {when} 保存了第 {version} 版；{exported}。",
            f"**{qid}**: {author} saved version {version} on {when}; {exported}.",
        )
        take_file = tr(
            f"用文件中的版本覆盖第 {version} 版", f"Save the file's version over version {version}"
        )
    return VersionChoice(
        message=message,
        theirs_title=tr(f"题库中的版本（第 {version} 版）", f"In the bank (version {version})"),
        theirs=clash.current_data,
        mine_title=tr("文件中的版本", "In the file"),
        mine=clash.file_data,
        options={
            "bank": tr("保留题库中的版本（跳过这道题）", "Keep the bank's version (skip it)"),
            "file": take_file,
        },
        warn=False,
    )


def export_files(wb: Workbench) -> None:
    questions = [e.question for e in wb.entries]
    st.caption(
        tr(f"当前题库共 {len(questions)} 题。", f"The live bank holds {len(questions)} questions.")
    )
    # each question carries its version, so importing an old copy later shows a conflict
    versions = {e.question.id: e.version for e in wb.entries}
    yaml_col, csv_col, xlsx_col = st.columns(3)
    yaml_col.download_button(
        tr("下载 YAML", "Download YAML"),
        data=lambda: bank_files.export_yaml(questions, versions),
        file_name="question-bank.yaml",
        mime=bank_files.MIME["yaml"],
        key="workbench_export_yaml",
    )
    csv_col.download_button(
        tr("下载 CSV", "Download CSV"),
        data=lambda: bank_files.export_table(questions, "csv", versions),
        file_name="question-bank.csv",
        mime=bank_files.MIME["csv"],
        key="workbench_export_csv",
    )
    xlsx_col.download_button(
        tr("下载 Excel（XLSX）", "Download Excel (XLSX)"),
        data=lambda: bank_files.export_table(questions, "xlsx", versions),
        file_name="question-bank.xlsx",
        mime=bank_files.MIME["xlsx"],
        key="workbench_export_xlsx",
    )


# --- the page ---------------------------------------------------------------------------------


def main() -> None:
    db = database()
    actor = current_actor()
    st.title(tr("题库工作台", "Bank workbench"))
    require_role(actor, "trainer")
    refill_widgets()
    if flash := st.session_state.pop("workbench_flash", None):
        st.success(flash)
    wb = Workbench(db, actor, language(), bank.list_entries(db, actor), live_bank().banks)
    tabs = section_tabs(
        "workbench_tabs",
        {
            "questions": ("题目", "Questions"),
            "history": ("历史版本", "History"),
            "files": ("导入与导出", "Import & export"),
        },
    )
    with tabs["questions"]:
        questions_tab(wb)
    with tabs["history"]:
        history_tab(wb)
    with tabs["files"]:
        files_tab(wb)


main()
