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
    choice_key,
    choose_options,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    scorer,
    show_error,
    tr,
)
from app_pages.voice_input import voice_answer_box
from app_pages.widgets import (
    feedback_details,
    feedback_summary,
    follow_up_answers,
    question_card,
    status_label,
)
from question_bank.schema import CATEGORIES, DIFFICULTIES, Question
from services import follow_ups, practice
from services.errors import ServiceError
from services.practice import round_score
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
    same = attempt(lambda: practice.same_answer(db, actor, question.id, answer))
    if same is not None:  # the same text again: show its feedback, record nothing new
        st.session_state.setdefault("practice_feedback", {})[question.id] = same.id
        st.session_state[f"practice_same_{question.id}"] = same.created_at.strftime(
            "%Y-%m-%d %H:%M"
        )
        st.rerun()
    try:
        with st.spinner(tr("正在评分…", "Scoring…")):
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
        for side in ("a", "b"):  # compare the latest two again
            st.session_state.pop(f"practice_compare_{side}_{question.id}", None)
        st.rerun()


def answer_follow_up(
    question: Question, shown: practice.AttemptView, asked: follow_ups.FollowUp, text: str
) -> None:
    """Score a follow-up answer against the open points and keep it with the attempt; on any
    refusal the text stays in its box."""
    if not text.strip():
        st.warning(
            tr(
                "追问的回答是空的：请先写下回答再提交。没有记录任何内容。",
                "The follow-up answer is empty: write it first, then submit. Nothing was recorded.",
            )
        )
        return
    try:
        practice.check_answer_size(text)
    except ServiceError as error:
        show_error(error)
        return
    with st.spinner(tr("正在评分…", "Scoring…")):
        said = "\n".join([shown.answer, *(f.answer for f in shown.follow_ups)])
        result = follow_ups.score_follow_up(scorer(), question, shown.report, text, context=said)
    saved = attempt(
        lambda: practice.record_follow_up(db, actor, shown.id, asked, text, result, shown.report)
    )
    if saved is not None:
        st.session_state[f"practice_follow_up_done_{shown.id}"] = list(result.lifted)
        st.session_state[f"practice_follow_up_clear_{shown.id}"] = True
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
        key=choice_key("practice_bank"),
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
        key=choice_key("practice_mode"),
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
            format_func=labels(CATEGORIES, category_name),
            key=choice_key("practice_categories", list(CATEGORIES)),
            placeholder=choose_options(),
        )
        difficulties = right.multiselect(
            tr("难度", "Difficulty"),
            DIFFICULTIES,
            format_func=labels(DIFFICULTIES, lambda d: tr(*DIFFICULTY_NAMES[d])),
            key=choice_key("practice_difficulties", list(DIFFICULTIES)),
            placeholder=choose_options(),
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
    """Two attempts at the current question side by side (the latest two unless chosen);
    the points as stacked rows, so nothing is cut off on a phone."""
    st.subheader(tr("比较两次作答", "Compare two attempts"))
    ids = [a.id for a in reversed(history)]  # newest first
    by_id = {a.id: a for a in history}
    names = {
        a.id: f"#{n} · {a.created_at:%m-%d %H:%M} · {round_score(a.report.score)}"
        for n, a in enumerate(history, start=1)
    }
    pick_a, pick_b = st.columns(2)
    first = by_id[
        pick_a.selectbox(
            tr("作答 A", "Attempt A"),
            ids,
            index=1,
            format_func=labels(ids, names.get),
            key=f"practice_compare_a_{question.id}",
        )
    ]
    second = by_id[
        pick_b.selectbox(
            tr("作答 B", "Attempt B"),
            ids,
            index=0,
            format_func=labels(ids, names.get),
            key=f"practice_compare_b_{question.id}",
        )
    ]
    left, right = st.columns(2)
    for column, view in ((left, first), (right, second)):
        delta = round_score(view.report.score) - round_score(first.report.score)
        column.metric(
            tr("得分（百分制）", "Score (0–100)") + (" · A" if view is first else " · B"),
            round_score(view.report.score),
            delta=None if view is first else delta,
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
        a_status = status_label(before) if before else "—"
        b_status = status_label(after) if after else "—"
        colon = tr("：", ": ")
        rows.append(f"- **{title}**  \n  A{colon}{a_status} · B{colon}{b_status}")
    with st.container(key=f"practice_compare_points_{question.id}"):
        st.markdown("\n".join(rows))
    left, right = st.columns(2)
    for column, view, name in ((left, first, "A"), (right, second, "B")):
        column.caption(tr(f"作答 {name}", f"Attempt {name}"))
        column.code(view.answer, language=None, wrap_lines=True)


def follow_up_section(question: Question, shown: practice.AttemptView) -> None:
    """One follow-up per point the answer missed or only touched; the answer to one is
    scored against all of them and can lift them."""
    st.subheader(tr("追问：补上遗漏的要点", "Follow-up: fill the gaps"))
    done = st.session_state.pop(f"practice_follow_up_done_{shown.id}", None)
    if done is not None:
        if done:
            lifted = [_point_title(question, point_id) for point_id in done]
            st.success(
                tr("通过追问补充了：", "Covered in the follow-up: ")
                + tr("；", "; ").join(lifted)
                + tr("。得分已更新。", ". The score is updated.")
            )
        else:
            st.info(
                tr(
                    "这次追问回答没有补上新的要点。可以换个角度，说说你具体做了什么、结果如何。",
                    "This follow-up answer covered no new point. Try saying what exactly you "
                    "did and what came of it.",
                )
            )
    follow_up_answers(question, shown.follow_ups)
    asked = follow_ups.follow_ups_for(question, shown.report, None, scorer())
    if not asked:
        st.caption(
            tr("每个要点都已覆盖，没有需要追问的。", "Every point is covered: no follow-up.")
        )
        return
    st.caption(
        tr(
            "每个追问对准一个还没覆盖或只覆盖了一部分的要点。你的回答会按这些要点评分，"
            "补上的要点计入这次作答的得分（每个要点取两次中更好的一次）。",
            "Each follow-up aims at a point the answer missed or only touched. Your answer is "
            "scored against these points, and any it covers count towards this attempt (each "
            "point keeps the better of the two).",
        )
    )
    by_point = {f.point_id: f for f in asked}
    point_ids = list(by_point)
    chosen = st.radio(
        tr("选择一个追问来回答", "Choose a follow-up to answer"),
        point_ids,
        format_func=labels(point_ids, lambda i: by_point[i].text),
        # a new widget when a follow-up is added (new options)
        key=choice_key(f"practice_follow_up_pick_{shown.id}_{len(shown.follow_ups)}"),
    )
    box = f"practice_follow_up_answer_{shown.id}"
    if st.session_state.pop(f"practice_follow_up_clear_{shown.id}", False):
        st.session_state[box] = ""
    text = st.text_area(
        tr("你对追问的回答", "Your answer to the follow-up"),
        key=box,
        height=140,
        placeholder=tr(
            "具体说说你做了什么、怎么做的、结果如何。",
            "Say what you did, how, and what came of it.",
        ),
    )
    if st.button(
        tr("提交追问回答", "Submit the follow-up answer"),
        key=f"practice_follow_up_submit_{shown.id}",
    ):
        answer_follow_up(question, shown, by_point[chosen or point_ids[0]], text or "")


def _point_title(question: Question, point_id: str) -> str:
    try:
        return question.point(point_id).text.get(lang)
    except KeyError:
        return point_id


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
nav = st.container(horizontal=True, key="practice_nav")  # one row, on a phone too
nav.button(
    tr("← 上一题", "← Previous"),
    disabled=index == 0,
    on_click=go_to,
    args=(queue, index - 1),
    key="practice_previous",
    width="stretch",
)
nav.button(
    tr("下一题 →", "Next →"),
    disabled=index == len(queue) - 1,
    on_click=go_to,
    args=(queue, index + 1),
    key="practice_next",
    width="stretch",
)
nav.button(
    tr("重新选题", "Choose another set"),
    on_click=go_to,
    args=([], 0),
    key="practice_leave",
    width="stretch",
    help=tr("草稿和作答记录都会保留。", "Drafts and attempts are kept."),
)

shown_id = st.session_state.get("practice_feedback", {}).get(question.id)
shown = attempt(lambda: practice.get_attempt(db, actor, shown_id)) if shown_id else None
if shown is not None:  # score and next steps first, above the question (a phone's first screen)
    st.subheader(tr("评分反馈", "Feedback"))
    if same_at := st.session_state.pop(f"practice_same_{question.id}", None):
        st.info(
            tr(
                f"这段回答和你 {same_at} 提交的完全相同，已经评过分，没有重复记录。"
                "下面是当时的反馈；修改回答后再提交即可重新评分。",
                f"This answer is exactly the one you submitted at {same_at}; it was already "
                "scored and is not recorded twice. Below is its feedback; change the answer "
                "and submit again for a new score.",
            )
        )
    feedback_summary(
        question,
        shown.report,
        key=f"practice_feedback_{shown.id}",
        first_score=shown.first_score,
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
voice_answer_box(key, actor.owner, lang, save=lambda: autosave(question.id))  # issue 14
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

submit_col, retry_col, _ = st.columns([1, 1, 2])
if submit_col.button(
    tr("提交评分", "Submit for scoring"), type="primary", key=f"practice_submit_{question.id}"
):
    submit(question, answer)
if shown is not None:
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

if shown is not None:
    st.divider()
    st.subheader(tr("评分详情", "The evidence"))
    feedback_details(
        question,
        shown.answer,
        shown.report,
        key=f"practice_feedback_{shown.id}",
        lifted=shown.lifted,
    )
    st.divider()
    follow_up_section(question, shown)

history = attempt(lambda: practice.list_attempts(db, actor, question_id=question.id)) or []
if history:
    st.caption(
        tr(f"你已作答此题 {len(history)} 次。", f"You have answered this question {len(history)}×.")
    )
if len(history) >= 2:
    st.divider()
    compare(question, history)
