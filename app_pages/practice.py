"""Practice: choose a set of questions, answer each in free text, read the scored feedback.

Drafts are saved as you type (a reload or a server restart brings them back), timers only
inform, and every submitted answer is kept as an attempt that can be compared with another.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

import streamlit as st

from app_pages.autosave import autosave_while_typing
from app_pages.common import (
    DIFFICULTY_NAMES,
    attempt,
    category_name,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    scorer,
    show_error,
    tr,
)
from app_pages.tables import safe_table
from app_pages.widgets import feedback, question_card, status_label
from question_bank.schema import CATEGORIES, DIFFICULTIES, Question
from services import practice
from services.errors import ServiceError
from services.sessions import seed_exam

db = database()
actor = current_actor()
lang = language()
bank_set = live_bank()
known_ids = {q.id for q in bank_set.questions}


# --- state changes (button and text-area callbacks) -----------------------------------------


def answer_key(question_id: str) -> str:
    return f"practice_answer_{question_id}"


def draft_scope(question_id: str) -> str:
    return f"practice:{question_id}"


def timers(question_id: str) -> dict[str, float]:
    return st.session_state.setdefault("practice_timers", {}).setdefault(question_id, {})


def go_to(question_ids: list[str], index: int) -> None:
    st.session_state["practice_queue"] = question_ids
    st.session_state["practice_index"] = index
    attempt(lambda: practice.save_practice_set(db, actor, question_ids, index))


def autosave(question_id: str) -> None:
    text = st.session_state.get(answer_key(question_id)) or ""
    try:
        practice.save_draft(db, actor, draft_scope(question_id), text)
    except ServiceError as error:
        st.session_state[f"practice_draft_error_{question_id}"] = error
        return
    st.session_state.pop(f"practice_draft_error_{question_id}", None)
    st.session_state[f"practice_saved_{question_id}"] = datetime.now().strftime("%H:%M:%S")


def start_thinking(question_id: str) -> None:
    timers(question_id).clear()
    timers(question_id)["think"] = time.time()


def start_answering(question_id: str) -> None:
    clocks, now = timers(question_id), time.time()
    if "think" in clocks:
        clocks.setdefault("think_stop", now)
    clocks.pop("answer_stop", None)
    clocks["answer"] = now


def retry(question_id: str) -> None:
    """Clear the box for a new attempt; the submitted answer stays in its attempt."""
    st.session_state[answer_key(question_id)] = ""
    attempt(lambda: practice.clear_draft(db, actor, draft_scope(question_id)))
    st.session_state.get("practice_feedback", {}).pop(question_id, None)
    st.session_state.get("practice_timers", {}).pop(question_id, None)
    st.session_state.pop(f"practice_saved_{question_id}", None)


def submit(question: Question, answer: str) -> None:
    """Check, score and record the answer; on any refusal the text stays in the box."""
    if not answer.strip():
        st.warning(
            tr(
                "回答是空的：请先写下你的回答再提交。没有记录任何内容。",
                "The answer is empty: write your answer first, then submit. Nothing was recorded.",
            )
        )
        return
    try:
        practice.check_answer_size(answer)
    except ServiceError as error:
        show_error(error)
        return
    autosave(question.id)
    try:
        report = scorer().score(question, answer)
    except Exception as error:  # the scorer should not raise; if it does, keep the text
        st.error(
            tr(
                f"评分时出错（{type(error).__name__}），回答未记录，你的文字仍在输入框中。",
                f"Scoring failed ({type(error).__name__}); nothing was recorded and your text "
                "is still in the box.",
            )
        )
        return
    clocks = timers(question.id)
    seconds = None
    if "answer" in clocks:
        clocks.setdefault("answer_stop", time.time())
        seconds = int(clocks["answer_stop"] - clocks["answer"])
    saved = attempt(lambda: practice.record_attempt(db, actor, question, answer, report, seconds))
    if saved is not None:
        st.session_state.setdefault("practice_feedback", {})[question.id] = saved.id
        st.rerun()


# --- parts of the page -----------------------------------------------------------------------


def set_up() -> None:
    """Choose the bank and either a filtered (optionally random) set or the seed's exam."""
    st.subheader(tr("选择练习内容", "Choose what to practise"))
    bank_ids = list(bank_set.banks)
    if not bank_ids:
        st.info(tr("题库是空的，请联系培训师添加题目。", "The bank is empty; ask a trainer."))
        return
    bank_id = st.selectbox(
        tr("题库", "Bank"),
        bank_ids,
        format_func=labels(bank_ids, lambda b: bank_set.banks[b].name.get(lang)),
        key="practice_bank",
    )
    questions = bank_set.in_bank(bank_id)
    modes = ["custom", "exam"]
    mode_names = {
        "custom": tr("自选题目", "Choose questions"),
        "exam": tr("完整模拟考试（按样题结构）", "Full mock exam (the seed's shape)"),
    }
    mode = st.radio(
        tr("练习方式", "Mode"),
        modes,
        format_func=labels(modes, mode_names.get),
        horizontal=True,
        key="practice_mode",
    )
    if mode == "exam":
        chosen = seed_exam(questions, bank_id)
        shape = Counter(bank_set.question(i).category for i in chosen)
        st.caption(
            " · ".join(f"{category_name(c)} {n}" for c, n in shape.items())
            + tr(f"，共 {len(chosen)} 题", f" — {len(chosen)} questions")
        )
    else:
        left, right = st.columns(2)
        categories = left.multiselect(
            tr("题型", "Categories"),
            CATEGORIES,
            default=list(CATEGORIES),
            format_func=labels(CATEGORIES, category_name),
            key="practice_categories",
        )
        difficulties = right.multiselect(
            tr("难度", "Difficulty"),
            DIFFICULTIES,
            default=list(DIFFICULTIES),
            format_func=labels(DIFFICULTIES, lambda d: tr(*DIFFICULTY_NAMES[d])),
            key="practice_difficulties",
        )
        left, right = st.columns(2)
        count = left.number_input(
            tr("题目数量", "Number of questions"),
            min_value=1,
            max_value=max(len(questions), 1),
            value=min(5, max(len(questions), 1)),
            step=1,
            key="practice_count",
        )
        shuffle = right.toggle(tr("随机抽题", "Random set"), key="practice_shuffle")
        matching = practice.choose_questions(questions, bank_id, categories, difficulties)
        chosen = practice.choose_questions(
            questions, bank_id, categories, difficulties, int(count), shuffle
        )
        st.caption(
            tr(
                f"符合条件的题目 {len(matching)} 道，本次练习 {len(chosen)} 道。",
                f"{len(matching)} questions match; this set has {len(chosen)}.",
            )
        )
    if not chosen:
        st.warning(
            tr("没有符合条件的题目，请放宽筛选。", "No question matches; widen the filters.")
        )
    st.button(
        tr("开始练习", "Start"),
        type="primary",
        disabled=not chosen,
        on_click=go_to,
        args=(chosen, 0),
        key="practice_start",
    )


def show_clocks(question_id: str, budget: int) -> None:
    """Thinking and answering time, elapsed and remaining; over time only informs."""
    clocks = st.session_state.get("practice_timers", {}).get(question_id, {})
    now = time.time()
    think_col, answer_col = st.columns(2)
    if "think" in clocks:
        thinking = practice.clock(clocks["think"], clocks.get("think_stop", now))
        think_col.metric(tr("思考用时", "Thinking"), practice.mmss(thinking.elapsed))
    if "answer" in clocks:
        answering = practice.clock(clocks["answer"], clocks.get("answer_stop", now), budget)
        answer_col.metric(tr("作答用时", "Answering"), practice.mmss(answering.elapsed))
        left = practice.mmss(answering.remaining or 0)
        if answering.over:
            answer_col.markdown(":red[" + tr(f"已超时 {left}", f"over time by {left}") + "]")
        else:
            answer_col.markdown(":green[" + tr(f"剩余 {left}", f"{left} remaining") + "]")


def compare(question: Question, history: list[practice.AttemptView]) -> None:
    """Two attempts at the current question side by side."""
    st.subheader(tr("比较两次作答", "Compare two attempts"))
    ids = [a.id for a in history]
    by_id = {a.id: a for a in history}
    names = {
        a.id: f"#{n} · {a.created_at:%m-%d %H:%M} · {a.report.score:.0f}"
        for n, a in enumerate(history, start=1)
    }
    pick_a, pick_b = st.columns(2)
    first = by_id[
        pick_a.selectbox(
            tr("作答 A", "Attempt A"),
            ids,
            index=len(ids) - 2,
            format_func=labels(ids, names.get),
            key=f"practice_compare_a_{question.id}",
        )
    ]
    second = by_id[
        pick_b.selectbox(
            tr("作答 B", "Attempt B"),
            ids,
            index=len(ids) - 1,
            format_func=labels(ids, names.get),
            key=f"practice_compare_b_{question.id}",
        )
    ]
    left, right = st.columns(2)
    for column, view in ((left, first), (right, second)):
        delta = view.report.score - first.report.score if view is second else None
        column.metric(
            tr("得分（百分制）", "Score (0–100)"),
            f"{view.report.score:.0f}",
            delta=None if delta is None else f"{delta:+.0f}",
        )
        column.caption(
            tr(
                f"覆盖要点 {view.report.covered} / {len(view.report.points)}",
                f"Points covered {view.report.covered} / {len(view.report.points)}",
            )
        )
    rows = []
    for point_id, before, after in practice.point_changes(first.report, second.report):
        try:
            title = question.point(point_id).text.get(lang)
        except KeyError:
            title = point_id
        rows.append(
            {
                tr("评分要点", "Rubric point"): title,
                "A": status_label(before) if before else "—",
                "B": status_label(after) if after else "—",
            }
        )
    st.dataframe(safe_table(rows), hide_index=True, key=f"practice_compare_points_{question.id}")
    left, right = st.columns(2)
    for column, view in ((left, first), (right, second)):
        column.code(view.answer, language=None, wrap_lines=True)


# --- the page --------------------------------------------------------------------------------

st.title(tr("练习", "Practice"))
if "practice_queue" not in st.session_state:  # a new session: resume the saved set, if any
    saved_set = attempt(lambda: practice.load_practice_set(db, actor, known_ids))
    st.session_state["practice_queue"], st.session_state["practice_index"] = saved_set or ([], 0)

queue = [i for i in st.session_state["practice_queue"] if i in known_ids]
if not queue:
    if actor.role == "guest":
        st.caption(
            tr(
                "你以访客身份练习：草稿和记录保存在此浏览器的访客身份下；登录后可长期保存。",
                "You are practising as a guest: drafts and attempts are kept under this "
                "browser's guest identity. Sign in to keep them for good.",
            )
        )
    set_up()
    st.stop()

index = min(max(int(st.session_state.get("practice_index", 0)), 0), len(queue) - 1)
question = bank_set.question(queue[index])

st.progress(
    (index + 1) / len(queue),
    text=tr(f"第 {index + 1} / {len(queue)} 题", f"Question {index + 1} of {len(queue)}"),
)
back_col, next_col, leave_col = st.columns(3)
back_col.button(
    tr("← 上一题", "← Previous"),
    disabled=index == 0,
    on_click=go_to,
    args=(queue, index - 1),
    key="practice_previous",
    width="stretch",
)
next_col.button(
    tr("下一题 →", "Next →"),
    disabled=index == len(queue) - 1,
    on_click=go_to,
    args=(queue, index + 1),
    key="practice_next",
    width="stretch",
)
leave_col.button(
    tr("重新选题", "Choose another set"),
    on_click=go_to,
    args=([], 0),
    key="practice_leave",
    width="stretch",
    help=tr("草稿和作答记录都会保留。", "Drafts and attempts are kept."),
)

question_card(question, key=f"practice_card_{question.id}")

think_col, answer_col, _ = st.columns([1, 1, 2])
think_col.button(
    tr("开始思考计时", "Start thinking timer"),
    on_click=start_thinking,
    args=(question.id,),
    key=f"practice_think_{question.id}",
)
answer_col.button(
    tr("开始作答计时", "Start answer timer"),
    on_click=start_answering,
    args=(question.id,),
    key=f"practice_answer_timer_{question.id}",
)
clocks = timers(question.id)
running = any(name in clocks and f"{name}_stop" not in clocks for name in ("think", "answer"))
st.fragment(run_every=1 if running else None)(show_clocks)(
    question.id, question.answer_time_seconds
)

key = answer_key(question.id)
if key not in st.session_state:  # a new session (reload, restart): bring the draft back
    restored = attempt(lambda: practice.load_draft(db, actor, draft_scope(question.id)))
    st.session_state[key] = restored or ""
    if restored:
        st.session_state[f"practice_restored_{question.id}"] = True
answer = st.text_area(
    tr("你的回答", "Your answer"),
    key=key,
    height=280,
    on_change=autosave,
    args=(question.id,),
    persist_state="session",
    placeholder=tr(
        "在这里写下你的回答；内容会自动保存为草稿。",
        "Write your answer here; it is saved as a draft as you go.",
    ),
)
autosave_while_typing(actor, key, {"kind": "practice", "question_id": question.id})
answer = answer or ""
notes = [
    tr(
        f"{len(answer):,} 字 · 最多可评分 {practice.MAX_ANSWER_CHARS:,} 字",
        f"{len(answer):,} characters · at most {practice.MAX_ANSWER_CHARS:,} can be scored",
    )
]
if saved_at := st.session_state.get(f"practice_saved_{question.id}"):
    notes.append(tr(f"草稿已保存 {saved_at}", f"draft saved {saved_at}"))
elif st.session_state.get(f"practice_restored_{question.id}"):
    notes.append(tr("已恢复上次保存的草稿", "your saved draft was restored"))
st.caption(" · ".join(notes))
if draft_error := st.session_state.get(f"practice_draft_error_{question.id}"):
    show_error(draft_error)

shown_id = st.session_state.get("practice_feedback", {}).get(question.id)
submit_col, retry_col, _ = st.columns([1, 1, 2])
if submit_col.button(
    tr("提交评分", "Submit for scoring"), type="primary", key=f"practice_submit_{question.id}"
):
    submit(question, answer)
if shown_id is not None:
    retry_col.button(
        tr("再答一次（清空输入框）", "Retry (clear the box)"),
        on_click=retry,
        args=(question.id,),
        key=f"practice_retry_{question.id}",
        help=tr(
            "上次提交的回答已保存在作答记录中。",
            "The answer you submitted is kept in its attempt.",
        ),
    )

if shown_id is not None:
    shown = attempt(lambda: practice.get_attempt(db, actor, shown_id))
    if shown is not None:
        st.divider()
        st.subheader(tr("评分反馈", "Feedback"))
        feedback(question, shown.answer, shown.report, key=f"practice_feedback_{shown.id}")

history = attempt(lambda: practice.list_attempts(db, actor, question_id=question.id)) or []
if history:
    st.caption(
        tr(f"你已作答此题 {len(history)} 次。", f"You have answered this question {len(history)}×.")
    )
if len(history) >= 2:
    st.divider()
    compare(question, history)
