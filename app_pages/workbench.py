"""Bank workbench (trainers): find questions, edit them in both languages, create, copy and
delete them, look through their history and restore, import and export question files."""

import copy

import pandas as pd
import streamlit as st

from app_pages.common import (
    DIFFICULTY_NAMES,
    attempt,
    category_name,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    plain,
    show_error,
    tr,
)
from app_pages.tables import safe_table
from app_pages.trainer_widgets import (
    FIELD_NAMES,
    conflict_panel,
    conflict_record,
    field_errors,
    file_problems,
    problem_summary,
    require_role,
    rubric_editor,
)
from question_bank.exchange import to_yaml
from question_bank.schema import CATEGORIES, DIFFICULTIES
from services import bank, bank_files, bank_forms
from services.errors import EditConflict, ServiceError, ValidationFailed

ACTION_NAMES = {
    "seed": ("初始导入", "shipped"),
    "create": ("新建", "created"),
    "edit": ("编辑", "edited"),
    "delete": ("删除", "deleted"),
    "restore": ("恢复", "restored"),
}
SIMPLE_FIELDS = [f for f in bank_forms.FIELDS if f != "rubric"]

db = database()
actor = current_actor()
lang = language()
st.title(tr("题库工作台", "Bank workbench"))
require_role(actor, "trainer")


# --- import clashes: the file is older than the bank ------------------------------------------


def import_clash_choices(clashes: list[bank.ImportClash]) -> dict[str, str]:
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
        when = clash.current_at.strftime("%Y-%m-%d %H:%M")
        exported = (
            tr(f"文件中为第 {clash.file_version} 版", f"the file has version {clash.file_version}")
            if clash.file_version
            else tr("文件未注明版本", "the file names no version")
        )
        with st.container(border=True):
            if clash.kind == "deleted":
                st.markdown(
                    tr(
                        f"**{plain(clash.question_id)}** 已于 {when} 被 {plain(clash.current_author)} "
                        f"删除（第 {clash.current_version} 版）；{exported}。导入会恢复这道题。",
                        f"**{plain(clash.question_id)}** was deleted by "
                        f"{plain(clash.current_author)} on {when} (version "
                        f"{clash.current_version}); {exported}. Importing brings it back.",
                    )
                )
            else:
                st.markdown(
                    tr(
                        f"**{plain(clash.question_id)}**：{plain(clash.current_author)} 于 {when} "
                        f"保存了第 {clash.current_version} 版；{exported}。",
                        f"**{plain(clash.question_id)}**: {plain(clash.current_author)} saved "
                        f"version {clash.current_version} on {when}; {exported}.",
                    )
                )
            bank_col, file_col = st.columns(2)
            bank_col.markdown(
                "**"
                + tr(
                    f"题库中的版本（第 {clash.current_version} 版）",
                    f"In the bank (version {clash.current_version})",
                )
                + "**"
            )
            bank_col.code(to_yaml(clash.current_data), language="yaml")
            file_col.markdown("**" + tr("文件中的版本", "In the file") + "**")
            file_col.code(to_yaml(clash.file_data), language="yaml")
            with st.expander(tr("只看差异", "Differences only")):
                diff = bank_forms.yaml_diff(
                    clash.current_data, clash.file_data, f"v{clash.current_version}", "file"
                )
                st.code(diff or tr("（没有差异）", "(no differences)"), language="diff")
            options = ["bank", "file"]
            names = {
                "bank": tr("保留题库中的版本（跳过这道题）", "Keep the bank's version (skip it)"),
                "file": tr("恢复文件中的这道题", "Bring it back from the file")
                if clash.kind == "deleted"
                else tr(
                    f"用文件中的版本覆盖第 {clash.current_version} 版",
                    f"Save the file's version over version {clash.current_version}",
                ),
            }
            choice = st.radio(
                tr("保留哪个版本？", "Which to keep?"),
                options,
                index=None,
                format_func=labels(options, names.get),
                key=f"workbench_import_choice_{clash.question_id}_{lang}",
            )
            if choice:
                choices[clash.question_id] = choice
    return choices


# --- the draft: the question open in the form, kept in session state -------------------------


def field_key(name: str) -> str:
    return f"workbench_field_{name}"


def current_draft() -> dict | None:
    return st.session_state.get("workbench_draft")


def open_draft(fields: dict, source_id: str | None, version: int | None, examples: list) -> None:
    """Put a question into the form (the widgets are refilled on the next run)."""
    st.session_state["workbench_draft"] = {
        "source_id": source_id,
        "version": version,
        "fields": fields,
        "original": copy.deepcopy(fields) if source_id else bank_forms.blank_fields(""),
        "examples": examples,
        "rubric_base": fields["rubric"],
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
    return bool(draft) and bank_forms.is_changed(draft["fields"], draft["original"])


def perform(action: tuple[str, str | None]) -> None:
    kind, question_id = action
    draft = current_draft()
    if kind == "open" and question_id:
        entry = attempt(lambda: bank.get_question(db, question_id))
        if entry is None:
            return
        open_entry(entry)
    elif kind == "new":
        default_bank = next(iter(banks), "")
        open_draft(bank_forms.blank_fields(default_bank), None, None, [])
    elif kind == "copy" and draft:
        fields = copy.deepcopy(draft["fields"])
        fields["id"] = bank_forms.copy_id(draft["source_id"] or fields["id"] or "new", all_ids)
        open_draft(fields, None, None, copy.deepcopy(draft["examples"]))
    done()


def save(expected_version: int | None) -> None:
    draft = current_draft()
    data = bank_forms.question_data(draft["fields"], draft["examples"])
    try:
        entry = bank.save_question(db, actor, data, expected_version)
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


# Refill the widgets from the draft before they are drawn: after opening another question,
# and after coming back from another page (Streamlit forgets widgets that were not shown).
draft = current_draft()
reseed = st.session_state.pop("workbench_reseed", False)
st.session_state.setdefault("workbench_seq", 0)
if reseed or "workbench_choice" not in st.session_state:
    st.session_state["workbench_choice"] = draft["source_id"] if draft else None
if draft:
    for name in SIMPLE_FIELDS:
        if reseed or field_key(name) not in st.session_state:
            st.session_state[field_key(name)] = draft["fields"][name]
if flash := st.session_state.pop("workbench_flash", None):
    st.success(flash)

entries = bank.list_entries(db, actor)
all_ids = [e.question.id for e in entries]
banks = live_bank().banks
problems = st.session_state.get("workbench_problems", [])
seq = st.session_state["workbench_seq"]

edit_tab, history_tab, files_tab = st.tabs(
    [tr("题目", "Questions"), tr("历史版本", "History"), tr("导入与导出", "Import & export")]
)

# --- questions: find, open, create, copy, delete, edit ---------------------------------------

with edit_tab:
    search_col, category_col, bank_col = st.columns([2, 3, 2])
    search = search_col.text_input(
        tr("搜索（编号、标题、题目，中英文）", "Search (id, title, question; both languages)"),
        key="workbench_search",
    )
    categories = category_col.multiselect(
        tr("题型", "Categories"),
        CATEGORIES,
        default=list(CATEGORIES),
        format_func=labels(CATEGORIES, category_name),
        key="workbench_categories",
    )
    bank_ids = sorted(banks)
    chosen_banks = bank_col.multiselect(
        tr("题库", "Banks"),
        bank_ids,
        default=bank_ids,
        format_func=labels(bank_ids, lambda b: banks[b].name.get(lang)),
        key="workbench_banks",
    )
    shown = [e for e in entries if bank_forms.matches(e.question, search, categories, chosen_banks)]
    st.caption(
        tr(
            f"共 {len(shown)} 题（点选一行即可编辑）",
            f"{len(shown)} questions (pick a row to edit)",
        )
    )
    table = st.dataframe(
        safe_table(
            pd.DataFrame(
                [
                    {
                        "id": e.question.id,
                        "bank": e.question.bank,
                        "category": category_name(e.question.category),
                        "title": e.question.title.get(lang),
                        "points": e.question.points,
                        "version": e.version,
                        "updated_by": e.updated_by,
                        "updated_at": e.updated_at,
                    }
                    for e in shown
                ],
                columns=[
                    "id",
                    "bank",
                    "category",
                    "title",
                    "points",
                    "version",
                    "updated_by",
                    "updated_at",
                ],
            )
        ),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"workbench_table_{seq}",
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

    draft = current_draft()
    current_id = draft["source_id"] if draft else None
    titles = {e.question.id: e.question.title.get(lang) for e in entries}
    options = [e.question.id for e in shown]
    if current_id and current_id not in options:
        options.insert(0, current_id)
    pick_col, new_col, copy_col, delete_col = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    choice = pick_col.selectbox(
        tr("要编辑的题目", "Question to edit"),
        options,
        placeholder=tr("选择一道题目…", "Choose a question…"),
        format_func=labels(options, lambda i: f"{i} · {titles.get(i, '')}"),
        key="workbench_choice",
    )
    new_clicked = new_col.button(tr("新建题目", "New question"), key="workbench_new")
    copy_clicked = copy_col.button(
        tr("复制为新题", "Duplicate"), key="workbench_copy", disabled=draft is None
    )
    delete_clicked = delete_col.button(
        tr("删除…", "Delete…"), key="workbench_delete", disabled=current_id is None
    )

    wanted = None
    picked_rows = table.selection.rows if table is not None else []
    if picked_rows and shown[picked_rows[0]].question.id != current_id:
        wanted = ("open", shown[picked_rows[0]].question.id)
    if choice and choice != current_id:
        wanted = ("open", choice)
    if new_clicked:
        wanted = ("new", None)
    if copy_clicked:
        wanted = ("copy", None)
    if wanted and is_dirty(draft) and wanted[0] != "copy":
        st.session_state["workbench_pending"] = wanted
    elif wanted:
        perform(wanted)

    if pending := st.session_state.get("workbench_pending"):
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
            perform(pending)
        if keep_col.button(tr("继续编辑", "Keep editing"), key="workbench_keep_editing"):
            st.session_state.pop("workbench_pending", None)
            st.session_state["workbench_seq"] += 1
            st.session_state["workbench_reseed"] = True
            done()

    if delete_clicked:
        st.session_state["workbench_confirm_delete"] = current_id
    if current_id and st.session_state.get("workbench_confirm_delete") == current_id:
        st.warning(
            tr(
                f"确定删除 {current_id}？删除后候选人不再看到它；可在“历史版本”中恢复。",
                f"Delete {current_id}? Candidates no longer see it; it can be restored under "
                "History.",
            )
        )
        yes_col, no_col = st.columns(2)
        if yes_col.button(
            tr(f"确定删除 {current_id}", f"Yes, delete {current_id}"),
            type="primary",
            key="workbench_delete_yes",
        ):
            version = draft["version"]
            deleted = attempt(lambda: bank.delete_question(db, actor, current_id, version) or True)
            if deleted:
                close_draft()
                done(tr(f"已删除 {current_id}。", f"Deleted {current_id}."))
        if no_col.button(tr("取消", "Cancel"), key="workbench_delete_no"):
            st.session_state.pop("workbench_confirm_delete", None)
            done()

    st.divider()
    if draft is None:
        st.info(
            tr(
                "在上方选择一道题目进行编辑，或新建题目。",
                "Choose a question above to edit it, or create a new one.",
            )
        )
    else:
        fields = draft["fields"]
        if draft["source_id"]:
            st.subheader(
                tr(
                    f"编辑 {draft['source_id']}（第 {draft['version']} 版）",
                    f"Editing {draft['source_id']} (version {draft['version']})",
                )
            )
        else:
            st.subheader(tr("新题目（未保存）", "New question (not saved)"))

        def text_field(name: str, area: bool = False, **options) -> None:
            zh, en = FIELD_NAMES[name]
            widget = st.text_area if area else st.text_input
            fields[name] = widget(tr(zh, en), key=field_key(name), **options)
            field_errors(problems, name)

        def pick_field(name: str, choices: list, names: dict | None = None) -> None:
            if fields[name] not in choices:
                choices = [fields[name], *choices]
            zh, en = FIELD_NAMES[name]
            fmt = labels(choices, lambda c: tr(*names[c]) if names and c in names else str(c))
            fields[name] = st.selectbox(tr(zh, en), choices, format_func=fmt, key=field_key(name))
            field_errors(problems, name)

        left, middle, right = st.columns(3)
        with left:
            text_field(
                "id",
                disabled=draft["source_id"] is not None,
                help=tr(
                    "小写字母、数字、点、横线、下划线；保存后不能再改",
                    "Lower-case letters, digits, . - _; fixed once saved",
                ),
            )
        with middle:
            pick_field("bank", bank_ids, {b: (banks[b].name.zh, banks[b].name.en) for b in banks})
        with right:
            pick_field(
                "category",
                list(CATEGORIES),
                {c: (category_name(c), category_name(c)) for c in CATEGORIES},
            )
        zh_col, en_col = st.columns(2)
        with zh_col:
            text_field("title_zh")
            text_field("question_zh", area=True, height=150)
            text_field("competencies_zh", area=True)
        with en_col:
            text_field("title_en")
            text_field("question_en", area=True, height=150)
            text_field("competencies_en", area=True)
        points_col, difficulty_col, time_col = st.columns(3)
        with points_col:
            fields["points"] = st.number_input(
                tr(*FIELD_NAMES["points"]), min_value=1, step=1, key=field_key("points")
            )
            field_errors(problems, "points")
        with difficulty_col:
            pick_field("difficulty", list(DIFFICULTIES), DIFFICULTY_NAMES)
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
            text_field("tags")
        with document_col:
            text_field("source_document")
        with section_col:
            text_field("source_section")

        st.markdown("**" + tr("评分要点", "Rubric points") + "**")
        st.caption(
            tr(
                "可直接在表格中修改；用表格下方的 + 添加一行，勾选行后删除。权重越大，该要点在得分中占比越高。",
                "Edit cells in place; add a row with + below the table, select rows to delete "
                "them. A larger weight makes the point count more in the score.",
            )
        )
        fields["rubric"], draft["rubric_base"] = rubric_editor(
            fields["rubric"], draft.get("rubric_base"), f"workbench_rubric_{seq}"
        )
        field_errors(problems, "rubric")

        zh_col, en_col = st.columns(2)
        with zh_col:
            text_field("reference_zh", area=True, height=150)
            text_field("follow_ups_zh", area=True)
        with en_col:
            text_field("reference_en", area=True, height=150)
            text_field("follow_ups_en", area=True)
        if draft["examples"]:
            st.caption(
                tr(
                    f"这道题有 {len(draft['examples'])} 个评分示例回答，保存时原样保留（在 YAML/CSV 文件中编辑，或在评分实验室中添加校准示例）。",
                    f"This question has {len(draft['examples'])} graded example answers; they are "
                    "kept as they are (edit them in the YAML/CSV files, or add calibration "
                    "examples in the rubric lab).",
                )
            )

        if problems:
            problem_summary(problems)
        changed = is_dirty(draft)
        save_col, revert_col, state_col = st.columns([1, 1, 3], vertical_alignment="center")
        if save_col.button(tr("保存", "Save"), type="primary", key="workbench_save"):
            save(draft["version"])
        if revert_col.button(
            tr("放弃修改", "Discard changes"), key="workbench_revert", disabled=not changed
        ):
            perform(("open", draft["source_id"]) if draft["source_id"] else ("new", None))
        state_col.caption(
            tr("有未保存的修改", "Unsaved changes") if changed else tr("没有修改", "No changes")
        )

        conflict = st.session_state.get("workbench_conflict")
        if conflict and conflict["record_id"] == draft["source_id"]:
            mine = bank_forms.question_data(fields, draft["examples"])
            conflict_panel(conflict, mine)
            keep_col, take_col = st.columns(2)
            version = conflict["current_version"]
            if keep_col.button(
                tr(
                    f"保留我的（覆盖第 {version} 版保存）",
                    f"Keep mine (save over version {version})",
                ),
                key="workbench_keep_mine",
            ):
                save(version)
            if take_col.button(tr("采用他们的版本", "Take theirs"), key="workbench_take_theirs"):
                data = conflict["current_data"]
                open_draft(
                    bank_forms.form_fields(data),
                    conflict["record_id"],
                    version,
                    data.get("examples", []),
                )
                done(tr(f"已载入第 {version} 版。", f"Loaded version {version}."))

# --- history of the open question, and deleted questions --------------------------------------

with history_tab:
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
        versions = bank.history(db, actor, question_id)
        latest = versions[0]
        st.subheader(tr(f"{question_id} 的版本", f"Versions of {question_id}"))
        st.dataframe(
            safe_table(
                pd.DataFrame(
                    [
                        {
                            "version": v.version,
                            "action": tr(*ACTION_NAMES.get(v.action, (v.action, v.action))),
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
                "at": st.column_config.DatetimeColumn(
                    tr("时间", "Time"), format="YYYY-MM-DD HH:mm"
                ),
            },
        )
        by_version = {v.version: v for v in versions}
        numbers = list(by_version)
        shown_version = st.selectbox(
            tr("查看版本", "Show version"),
            numbers,
            format_func=labels(
                numbers,
                lambda n: (
                    tr(f"第 {n} 版", f"version {n}")
                    + f" · {tr(*ACTION_NAMES.get(by_version[n].action, ('', '')))} · {by_version[n].author}"
                ),
            ),
            key=f"workbench_history_version_{question_id}",
        )
        old = by_version[shown_version]
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
        with st.expander(
            tr(f"第 {old.version} 版全文（YAML）", f"Version {old.version} in full (YAML)")
        ):
            st.code(to_yaml(old.data), language="yaml")
        if old.version != latest.version:
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
                    lambda: bank.restore_version(
                        db, actor, question_id, old.version, latest.version
                    )
                )
                if restored is not None:
                    open_entry(restored)
                    done(
                        tr(
                            f"已恢复第 {old.version} 版，现为第 {restored.version} 版。",
                            f"Restored version {old.version}; it is now version {restored.version}.",
                        )
                    )

    deleted = bank.deleted_entries(db, actor)
    if deleted:
        with st.expander(
            tr(f"已删除的题目（{len(deleted)}）", f"Deleted questions ({len(deleted)})")
        ):
            gone = [e.question.id for e in deleted]
            gone_titles = {e.question.id: e.question.title.get(lang) for e in deleted}
            back = st.selectbox(
                tr("题目", "Question"),
                gone,
                format_func=labels(gone, lambda i: f"{i} · {gone_titles[i]}"),
                key="workbench_deleted_choice",
            )
            if st.button(tr("恢复这道题", "Bring it back"), key="workbench_undelete"):
                restored = attempt(lambda: bank.undelete_question(db, actor, back))
                if restored is not None:
                    open_entry(restored)
                    done(tr(f"已恢复 {back}。", f"Brought back {back}."))

# --- import and export ------------------------------------------------------------------------

with files_tab:
    st.subheader(tr("导入", "Import"))
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
        st.session_state["workbench_import"] = {}
        st.session_state["workbench_import_text"] = ""
        for key in [k for k in st.session_state if k.startswith("workbench_import_choice_")]:
            del st.session_state[key]  # a later file's clashes are decided afresh
        st.session_state["workbench_upload_seq"] = (
            st.session_state.get("workbench_upload_seq", 0) + 1
        )
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
        name, file_format, content = stored["name"], stored["format"], stored["data"]
    else:
        text_formats = list(bank_files.TEXT_FORMATS)
        file_format = st.segmented_control(
            tr("格式", "Format"),
            text_formats,
            required=True,
            format_func=labels(text_formats, str.upper),
            key="workbench_import_format",
        )
        text = st.text_area(
            tr(
                "文件内容（可在此修正问题，或直接粘贴）",
                "File contents (fix problems here, or paste)",
            ),
            height=220,
            key="workbench_import_text",
        )
        content = (text or "").encode("utf-8")
        stem = (stored.get("name") or "pasted").rsplit(".", 1)[0]
        name = f"{stem}.{'yaml' if file_format == 'yaml' else 'csv'}"

    if content.strip():
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
            preview = bank.import_preview(db, actor, list(check.questions), check.versions)
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
            st.dataframe(
                safe_table(
                    pd.DataFrame(
                        [
                            {"id": q.id, "bank": q.bank, "title": q.title.get(lang)}
                            for q in check.questions
                        ]
                    )
                ),
                hide_index=True,
            )
            choices = import_clash_choices(preview["clashes"])
            undecided = [c.question_id for c in preview["clashes"] if c.question_id not in choices]
            if undecided:
                st.caption(
                    tr(
                        f"请先为每道冲突的题目选择保留哪个版本（还剩 {len(undecided)} 道）。",
                        f"Choose what to keep for each clashing question first "
                        f"({len(undecided)} left).",
                    )
                )
            if st.button(
                tr("导入", "Import"),
                type="primary",
                key="workbench_import_go",
                disabled=bool(undecided),
            ):
                keep_bank = {i for i, choice in choices.items() if choice == "bank"}
                counts = attempt(
                    lambda: bank.import_questions(
                        db,
                        actor,
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
        if st.button(tr("清除", "Clear"), key="workbench_import_clear"):
            st.session_state["workbench_import_reset"] = True
            done()

    st.subheader(tr("导出", "Export"))
    questions = [e.question for e in entries]
    st.caption(
        tr(f"当前题库共 {len(questions)} 题。", f"The live bank holds {len(questions)} questions.")
    )
    # each question carries its version, so importing an old copy later shows a conflict
    versions = {e.question.id: e.version for e in entries}
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
