"""Mock sessions: an interviewer runs a candidate through questions, rates answers, sees reports.

Everything typed or chosen is saved to the database the moment it is committed, so a closed
browser or a restarted server loses nothing: the session is resumed from the list.
"""

import time

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from app_pages.autosave import autosave_while_typing
from app_pages.common import (
    LANGUAGES,
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
    reporting_errors,
    scorer,
    section_expander,
    section_tabs,
    show_error,
    tr,
)
from app_pages.page_errors import parse_id
from app_pages.report_view import STATUS_ICONS
from app_pages.voice_input import voice_answer_box
from app_pages.widgets import feedback, flag_message, question_card
from question_bank.schema import CATEGORIES, Question
from services import follow_ups, sessions
from services.errors import ServiceError
from services.names import OVERALL_SCALE, POINT_SCALE, status_name
from services.sessions import SessionView

db = database()
actor = current_actor()
st.title(tr("模拟面试", "Mock sessions"))


def when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


# --- saving as things are committed ---------------------------------------------------------


def autosave(
    session_id: int, question_id: str, field: str, key: str, point_id: str | None = None
) -> None:
    """on_change: save one widget's value for one question of the session."""
    value = st.session_state.get(key)
    if value is None:  # a rating cannot be taken back to "not rated"
        return
    changes = {"point_ratings": {point_id: value}} if point_id else {field: value}
    try:
        sessions.save_answer(db, actor, session_id, question_id, **changes)
    except ServiceError as error:
        st.session_state["mock_save_error"] = error


def go_to(session_id: int, index: int) -> None:
    try:
        sessions.move_to(db, actor, session_id, index)
    except ServiceError as error:
        st.session_state["mock_save_error"] = error


def jumped(session_id: int, key: str) -> None:
    if isinstance(st.session_state.get(key), int):
        go_to(session_id, st.session_state[key])


def show_early_changed(session_id: int, key: str) -> None:
    try:
        sessions.set_show_machine_early(db, actor, session_id, st.session_state[key])
    except ServiceError as error:
        st.session_state["mock_save_error"] = error


def open_session(session_id: int) -> None:
    st.session_state["mock_open_session"] = session_id
    st.query_params["session"] = str(session_id)


def close_session() -> None:
    st.session_state.pop("mock_open_session", None)
    if "session" in st.query_params:
        del st.query_params["session"]


def open_report(session_id: int) -> None:
    """Go to the report page for this session (the menu's page, when it is in the menu)."""
    st.session_state["report_session_id"] = session_id
    try:
        st.switch_page("app_pages/session_report.py", query_params={"session": str(session_id)})
    except StreamlitAPIException:  # the page is not in this app's menu (a page run alone)
        st.info(
            tr(
                f"请在菜单中打开“面试报告”查看第 {session_id} 场的报告。",
                f"Open “Session reports” in the menu to see the report of session {session_id}.",
            )
        )


# Widgets get their saved value as their first value only (value=, or choice_key's default
# for option widgets, which it sets only while the widget holds no value): what the
# interviewer has chosen is never overwritten from the database. A widget whose first value
# must change (the question shown) has that value in its key.


def show_save_error() -> None:
    error = st.session_state.pop("mock_save_error", None)
    if error is not None:
        show_error(error)


def account_mark(view: SessionView) -> str:
    """ " (🔗 account)" for a session run for a candidate's account, else ""."""
    if view.candidate_user_id is None:
        return ""
    return tr(
        "（🔗 候选人账户，结束后可查看报告）", " (🔗 account: reads the report once finished)"
    )


# --- the list and a new session -------------------------------------------------------------


def session_list(views: list[SessionView]) -> None:
    if not views:
        st.info(
            tr("还没有模拟面试，请在“新建”中开始一场。", "No sessions yet: start one under New.")
        )
        return
    status_names = {"active": tr("进行中", "Active"), "finished": tr("已结束", "Finished")}
    shown = st.segmented_control(
        tr("显示", "Show"),
        ["active", "finished", "all"],
        format_func=labels(
            ["active", "finished", "all"], lambda s: status_names.get(s, tr("全部", "All"))
        ),
        key=choice_key("mock_list_status", "all"),
    )
    for view in views:
        if shown in ("active", "finished") and view.status != shown:
            continue
        with st.container(border=True):
            info, progress, actions = st.columns([3, 2, 2], vertical_alignment="center")
            info.markdown(f"**{plain(view.title)}** · #{view.id}")
            info.caption(
                tr("候选人：", "Candidate: ")
                + plain(view.candidate_name)
                + account_mark(view)
                + f" · {LANGUAGES.get(view.language, view.language)} · "
                + status_names.get(view.status, view.status)
            )
            progress.progress(
                view.answered / len(view.question_ids),
                text=tr(
                    f"已答 {view.answered}/{len(view.question_ids)}",
                    f"{view.answered}/{len(view.question_ids)} answered",
                ),
            )
            progress.caption(tr("更新于 ", "Updated ") + when(view.updated_at))
            resume, report = actions.columns(2)
            resume.button(
                tr("继续", "Resume") if view.status == "active" else tr("打开", "Open"),
                key=f"mock_resume_{view.id}",
                on_click=open_session,
                args=(view.id,),
            )
            if report.button(tr("报告", "Report"), key=f"mock_report_{view.id}"):
                open_report(view.id)


def question_label(question: Question) -> str:
    return f"{question.id} · {question.title.get(language())}"


def new_session() -> None:
    bank = live_bank()
    bank_ids = list(bank.banks) or sorted({q.bank for q in bank.questions})
    accounts = attempt(lambda: sessions.candidate_accounts(db, actor)) or []
    by_id = {a.user_id: a for a in accounts}
    account = st.selectbox(
        tr("候选人账户", "Candidate's account"),
        list(by_id),
        index=None,
        format_func=labels(
            list(by_id), lambda i: f"{by_id[i].display_name}（{by_id[i].username}）"
        ),
        placeholder=tr(
            "选择候选人账户（候选人可在线查看报告）",
            "Choose an account (they read their report in the app)",
        ),
        key="mock_new_account",
        help=tr(
            "选择账户后，面试结束时候选人可在“我的进步”中看到候选人版报告；"
            "没有账户的候选人请在下方填写姓名。",
            "With an account, the candidate reads the candidate's version of the report under "
            "“My progress” once the session is finished; for anyone without an account, type "
            "their name below.",
        ),
    )
    if account is None:
        candidate = st.text_input(
            tr("或：外部候选人姓名", "Or: an external candidate's name"), key="mock_new_candidate"
        )
    else:
        candidate = by_id[account].display_name
    title = st.text_input(
        tr("标题（可选）", "Title (optional)"),
        key="mock_new_title",
        placeholder=tr("如：客服主管岗位模拟面试", "e.g. Supervisor role, first round"),
    )
    left, right = st.columns(2)
    session_language = left.selectbox(
        tr("面试语言", "Interview language"),
        list(LANGUAGES),
        index=list(LANGUAGES).index(language()),
        format_func=LANGUAGES.get,
        key="mock_new_language",
    )
    bank_id = right.selectbox(
        tr("题库", "Bank"),
        bank_ids,
        format_func=labels(
            bank_ids,
            lambda b: bank.banks[b].name.get(language()) if b in bank.banks else b,
        ),
        key=choice_key("mock_new_bank"),
    )
    questions = [q for q in bank.questions if q.bank == bank_id]
    templates = ["seed", "pick"]
    template = st.radio(
        tr("题目", "Questions"),
        templates,
        format_func=labels(
            templates,
            lambda t: (
                tr(
                    "标准套题（5 道行为、4 道情景、3 道专业、2 道压力）",
                    "Seed exam (5 behavioral, 4 situational, 3 technical, 2 stress)",
                )
                if t == "seed"
                else tr("自选题目", "Hand-picked questions")
            ),
        ),
        key=choice_key("mock_new_template"),
    )
    if template == "seed":
        chosen = sessions.seed_exam(questions, bank_id)
        st.caption(tr(f"共 {len(chosen)} 题：", f"{len(chosen)} questions: ") + ", ".join(chosen))
    else:
        categories = st.multiselect(
            tr("按题型筛选", "Filter by category"),
            list(CATEGORIES),
            format_func=labels(CATEGORIES, category_name),
            key=choice_key("mock_new_categories", list(CATEGORIES)),
            placeholder=choose_options(),
        )
        questions_key = choice_key("mock_new_questions", [])
        picked = st.session_state[questions_key]
        options = [q.id for q in questions if q.category in categories or q.id in picked]
        by_id = {q.id: q for q in questions}
        chosen = st.multiselect(
            tr("题目（按提问顺序）", "Questions (in asking order)"),
            options,
            format_func=labels(options, lambda i: question_label(by_id[i])),
            key=questions_key,
            placeholder=choose_options(),
        )
    show_early = st.toggle(
        tr("在我评分前就显示系统评分", "Show the machine's scoring before I rate"),
        value=False,
        key="mock_new_show_early",
        help=tr(
            "默认关闭：先独立评分，再看系统结果，避免被系统评分先入为主。",
            "Off by default: rate on your own first, so the machine does not anchor you.",
        ),
    )
    if st.button(tr("开始模拟面试", "Start the session"), type="primary", key="mock_new_start"):
        created = attempt(
            lambda: sessions.create_session(
                db, actor, candidate, chosen, title, session_language, show_early, account
            )
        )
        if created is not None:
            for key in (
                "mock_new_candidate",
                "mock_new_account",
                "mock_new_title",
                "mock_new_questions",
            ):
                st.session_state.pop(key, None)
            open_session(created.id)
            st.rerun()


# --- running a session ----------------------------------------------------------------------


@st.fragment(run_every=1)
def clock(started: float, limit_seconds: int) -> None:
    """Elapsed and remaining time against the suggested answer time; it only informs."""
    elapsed = int(time.time() - started)
    left = limit_seconds - elapsed

    def mm_ss(seconds: int) -> str:
        return f"{seconds // 60:02d}:{seconds % 60:02d}"

    if left >= 0:
        text = tr(
            f"⏱️ 已用 {mm_ss(elapsed)} · 建议 {mm_ss(limit_seconds)} · 剩余 {mm_ss(left)}",
            f"⏱️ {mm_ss(elapsed)} elapsed · {mm_ss(limit_seconds)} suggested · {mm_ss(left)} left",
        )
    else:
        text = tr(
            f"⏱️ 已用 {mm_ss(elapsed)} · 超出建议时间 {mm_ss(-left)}",
            f"⏱️ {mm_ss(elapsed)} elapsed · {mm_ss(-left)} over the suggested time",
        )
    st.progress(min(elapsed / limit_seconds, 1.0), text=text)


def timer(view: SessionView, question: Question) -> None:
    starts = st.session_state.setdefault("mock_timer_started", {})
    key = f"{view.id}:{question.id}"
    starts.setdefault(key, time.time())
    bar, restart = st.columns([6, 1], vertical_alignment="bottom")
    if restart.button(tr("重新计时", "Restart"), key=f"mock_timer_restart_{key}"):
        starts[key] = time.time()
    with bar:
        clock(starts[key], question.answer_time_seconds)


def navigation(view: SessionView, questions: dict[str, Question]) -> None:
    count = len(view.question_ids)
    index = view.current_index

    def mark(i: int) -> str:
        answer = view.answer(view.question_ids[i])
        return "✅" if answer.overall_rating is not None else "✍️" if answer.answered else "⬜"

    def entry(i: int) -> str:  # no status mark here: a label must not change under the widget
        qid = view.question_ids[i]
        found = questions.get(qid)
        title = found.title.get(language()) if found else tr("（题库中已删除）", "(deleted)")
        return f"{i + 1}. {qid} · {title}"

    back, jump, forward = st.columns([1, 4, 1], vertical_alignment="bottom")
    back.button(
        tr("← 上一题", "← Previous"),
        key=f"mock_prev_{view.id}",
        disabled=index == 0,
        on_click=go_to,
        args=(view.id, index - 1),
        width="stretch",
    )
    key = choice_key(f"mock_jump_{view.id}_{index}", index)  # a new widget for each question
    jump.selectbox(
        tr("跳到", "Jump to"),
        list(range(count)),
        format_func=labels(range(count), entry),
        key=key,
        on_change=jumped,
        args=(view.id, key),
    )
    forward.button(
        tr("下一题 →", "Next →"),
        key=f"mock_next_{view.id}",
        disabled=index >= count - 1,
        on_click=go_to,
        args=(view.id, index + 1),
        width="stretch",
    )
    st.caption(
        "  ".join(f"{i + 1}{mark(i)}" for i in range(count))
        + tr("　（✅ 已评级 · ✍️ 已作答 · ⬜ 未答）", "  (✅ rated · ✍️ answered · ⬜ not yet)")
    )


def interviewer_ratings(view: SessionView, question: Question) -> None:
    """The interviewer's own judgement: each rubric point 0/1/2, the whole answer 1-5, notes."""
    saved = view.answer(question.id)
    base = f"mock_{view.id}_{question.id}"
    st.markdown("**" + tr("你的评分", "Your rating") + "**")
    points = list(POINT_SCALE)
    point_names = labels(points, lambda r: f"{r} · {tr(*POINT_SCALE[r])}")
    for number, point in enumerate(question.rubric, start=1):
        key = choice_key(f"{base}_point_{point.id}", saved.point_ratings.get(point.id))
        hint = point.strong.get(language()) if point.strong else None
        st.radio(
            f"{number}. {point.text.get(language())}",
            points,
            index=None,
            format_func=point_names,
            horizontal=True,
            key=key,
            help=(tr("好的回答：", "A strong answer: ") + hint) if hint else None,
            on_change=autosave,
            args=(view.id, question.id, "point_ratings", key, point.id),
        )
    scale = list(OVERALL_SCALE)
    key = choice_key(f"{base}_overall", saved.overall_rating)
    st.radio(
        tr("整体评级（1–5）", "Whole answer (1–5)"),
        scale,
        index=None,
        format_func=labels(
            scale, lambda r: f"{r} · {tr(OVERALL_SCALE[r][0], OVERALL_SCALE[r][1])}"
        ),
        captions=[tr(OVERALL_SCALE[r][2], OVERALL_SCALE[r][3]) for r in scale],
        key=key,
        on_change=autosave,
        args=(view.id, question.id, "overall_rating", key),
    )
    key = f"{base}_notes"
    st.text_area(
        tr("备注（自动保存）", "Notes (saved as you go)"),
        saved.notes,
        key=key,
        height=120,
        on_change=autosave,
        args=(view.id, question.id, "notes", key),
    )
    key = f"{base}_notes_shared"
    st.checkbox(
        tr("与候选人分享此备注", "Share these notes with the candidate"),
        saved.notes_shared,
        key=key,
        on_change=autosave,
        args=(view.id, question.id, "notes_shared", key),
        help=tr(
            "勾选后，备注作为“面试官点评”出现在候选人版报告中；不勾选则只有你能看到。",
            "Ticked, the notes appear as the interviewer's comment in the candidate's report; "
            "otherwise only you see them.",
        ),
    )


def machine_view(view: SessionView, question: Question) -> None:
    """The machine's scoring: hidden until the interviewer has rated the whole answer."""
    saved = view.answer(question.id)
    st.markdown("**" + tr("系统评分", "Machine's scoring") + "**")
    if saved.report is None:
        st.caption(
            tr(
                "尚未评分：给出整体评级后自动评分，也可先点击“系统评分”。",
                "Not scored yet: it is scored once you rate the whole answer, or press "
                "“Score answer” now.",
            )
        )
        return
    if not view.machine_visible(question.id):
        st.info(
            tr(
                "🙈 系统评分已完成，但在你给出整体评级之前隐藏，以免影响你的判断。",
                "🙈 Scored, but hidden until you have rated the whole answer, so that it "
                "does not anchor your judgement.",
            )
        )
        return
    report = saved.report
    st.metric(tr("系统得分（百分制）", "Machine score (0–100)"), f"{report.score:.0f}")
    ratings = saved.point_ratings
    number = {p.id: i for i, p in enumerate(question.rubric, start=1)}
    yours, mine = tr("你的评级", "Yours"), tr("系统", "Machine")
    confidence, evidence = tr("把握", "Confidence"), tr("依据", "Evidence")

    def status(value: str) -> str:
        return f"{STATUS_ICONS.get(value, '')} {status_name(value, language())}"

    st.table(  # a static table: long evidence clauses wrap instead of being cut off
        pd.DataFrame(
            {
                "#": [str(number.get(p.point_id, "–")) for p in report.points],
                mine: [status(p.status) for p in report.points],
                yours: [
                    f"{ratings[p.point_id]} · {tr(*POINT_SCALE[ratings[p.point_id]])}"
                    if p.point_id in ratings
                    else "–"
                    for p in report.points
                ],
                confidence: [f"{p.probability:.0%}" for p in report.points],
                evidence: [
                    plain(p.evidence) if p.evidence and p.status != "missing" else "–"
                    for p in report.points
                ],
            }
        ),
        hide_index=True,
    )
    for flag in report.flags:
        st.warning(flag_message(flag, report))


def score_now(view: SessionView, question: Question, text: str) -> SessionView:
    """Score the answer as typed, save it with its report, and return the session re-read."""
    with st.spinner(tr("正在评分…", "Scoring…")):
        report = scorer().score(question, text)
    scored = attempt(
        lambda: sessions.save_answer(db, actor, view.id, question.id, answer=text, report=report)
    )
    return sessions.get_session(db, actor, view.id) if scored is not None else view


def open_follow_ups(view: SessionView, question: Question) -> list[follow_ups.FollowUp]:
    """One follow-up per point the answer missed or only touched, in the interview's language,
    leaving out points an earlier follow-up answer already covered."""
    report = view.answer(question.id).report
    cache = st.session_state.setdefault("mock_follow_ups", {})
    key = (view.id, question.id, report.score, tuple(p.status for p in report.points))
    if key not in cache:
        cache[key] = follow_ups.follow_ups_for(question, report, view.language, scorer())
    done = {
        point_id
        for asked in view.answer(question.id).follow_ups
        for point_id, status in asked.point_statuses.items()
        if status == "covered"
    }
    return [f for f in cache[key] if f.point_id not in done]


def follow_up_panel(view: SessionView, question: Question) -> None:
    """Ask a follow-up about a missed point, record the answer, and show what it lifted."""
    saved = view.answer(question.id)
    number = {p.id: i for i, p in enumerate(question.rubric, start=1)}
    texts = {p.id: p.text.get(language()) for p in question.rubric}
    offered = open_follow_ups(view, question)
    if not offered and not saved.follow_ups:
        return
    with section_expander(
        f"mock_{view.id}_{question.id}_follow_up_panel",
        tr("追问未覆盖的要点", "Follow up on the missed points"),
        expanded=bool(saved.follow_ups),
    ):
        first = {p.point_id: p.status for p in saved.report.points}
        for asked in saved.follow_ups:
            lifted = [
                f"{number.get(pid, '?')}. {texts.get(pid, pid)}"
                for pid, status in asked.point_statuses.items()
                if follow_ups.STATUS_RANK.get(status, 0)
                > follow_ups.STATUS_RANK.get(first.get(pid, "missing"), 0)
            ]
            st.markdown(f"**{tr('追问', 'Follow-up')}**{tr('：', ': ')}" + plain(asked.question))
            st.text(asked.answer)
            if lifted:
                st.success(tr("经追问补上：", "Lifted by the follow-up: ") + "；".join(lifted))
            else:
                st.caption(tr("这次追问没有补上要点。", "This follow-up lifted no point."))
        if not offered:
            return
        by_point = {f.point_id: f for f in offered}
        key = choice_key(f"mock_{view.id}_{question.id}_follow_up_point")
        point_id = st.radio(
            tr("追问哪个要点", "Which point to follow up"),
            list(by_point),
            format_func=labels(
                list(by_point),
                lambda pid: (
                    f"{number.get(pid, '?')}. {texts.get(pid, pid)}"
                    + tr("（", " (")
                    + status_name(by_point[pid].status, language())
                    + tr("）", ")")
                ),
            ),
            key=key,
        )
        if point_id is None:
            return
        prompt = by_point[point_id].text
        st.info(tr("追问：", "Ask: ") + prompt)
        answer_key = f"mock_{view.id}_{question.id}_follow_up_answer_{point_id}"
        st.text_area(
            tr("候选人对追问的回答", "The candidate's answer to the follow-up"),
            key=answer_key,
            height=120,
        )
        if st.button(
            tr("评分追问回答", "Score the follow-up answer"),
            key=f"mock_{view.id}_{question.id}_follow_up_score",
        ):
            text = st.session_state.get(answer_key, "")
            with st.spinner(tr("正在评分…", "Scoring…")):
                result = follow_ups.score_follow_up(scorer(), question, saved.report, text)
            statuses = {p.point_id: p.status_after for p in result.points}
            recorded = attempt(
                lambda: sessions.save_follow_up(
                    db, actor, view.id, question.id, point_id, prompt, text, statuses
                )
            )
            if recorded is not None:
                st.session_state.pop(answer_key, None)
                st.rerun()


def run_session(view: SessionView) -> None:
    questions = sessions.questions_of(view, live_bank().questions)
    head, back = st.columns([5, 1], vertical_alignment="center")
    head.subheader(plain(view.title))
    back.button(tr("← 返回列表", "← All sessions"), on_click=close_session, key="mock_close")
    st.caption(
        tr("候选人：", "Candidate: ")
        + plain(view.candidate_name)
        + account_mark(view)
        + " · "
        + tr("面试语言：", "Interview language: ")
        + LANGUAGES.get(view.language, view.language)
        + " · "
        + tr(
            f"已答 {view.answered}/{len(view.question_ids)}",
            f"{view.answered}/{len(view.question_ids)} answered",
        )
    )
    if view.language != language():
        st.caption(
            tr(
                "提示：界面语言与面试语言不同，可在侧边栏切换语言以显示该语言的题目。",
                "Tip: the interface language differs from the interview's; switch it in the "
                "sidebar to show the questions in that language.",
            )
        )
    if view.status == "finished":
        st.info(
            tr(
                "这场模拟面试已结束；修改仍会保存，并更新报告。",
                "This session is finished; changes still save and update its report.",
            )
        )
    key = f"mock_show_early_{view.id}_{view.show_machine_early}"  # new widget when it changes
    st.toggle(
        tr("在我评分前就显示系统评分", "Show the machine's scoring before I rate"),
        view.show_machine_early,
        key=key,
        on_change=show_early_changed,
        args=(view.id, key),
    )
    navigation(view, questions)
    show_save_error()

    question_id = view.current_question_id
    question = questions.get(question_id)
    if question is None:
        st.warning(
            tr(
                f"题目 {question_id} 已从题库中删除，无法显示。",
                f"Question {question_id} was deleted from the bank and cannot be shown.",
            )
        )
        return
    question_card(question, key=f"mock_card_{view.id}_{question_id}")
    if question.follow_ups:
        with section_expander(
            f"mock_{view.id}_{question_id}_prompts", tr("追问", "Follow-up prompts")
        ):
            st.markdown("\n".join(f"- {f.get(language())}" for f in question.follow_ups))
    timer(view, question)

    key = f"mock_{view.id}_{question_id}_answer"
    saved_answer = view.answer(question_id).answer
    voice_answer_box(  # issue 14: the interviewer records the candidate's spoken answer
        key,
        actor.owner,
        view.language,
        save=lambda: autosave(view.id, question_id, "answer", key),
        saved_text=saved_answer,
    )
    st.text_area(
        tr(
            "候选人的回答（候选人输入或由你记录；自动保存）",
            "The candidate's answer (typed by them or transcribed; saved as you go)",
        ),
        None if key in st.session_state else saved_answer,  # a transcript may have set it
        key=key,
        height=220,
        on_change=autosave,
        args=(view.id, question_id, "answer", key),
    )
    autosave_while_typing(
        actor, key, {"kind": "mock", "session_id": view.id, "question_id": question_id}
    )
    pressed = st.button(tr("系统评分", "Score answer"), key=f"mock_score_{view.id}_{question_id}")
    saved = view.answer(question_id)
    typed = st.session_state.get(key, saved.answer) or ""
    if pressed or (view.machine_visible(question_id) and saved.report is None and typed.strip()):
        view = score_now(view, question, typed)  # once rated, the machine's view appears

    mine, machine = st.columns(2, gap="large")
    with mine:
        interviewer_ratings(view, question)
    with machine:
        machine_view(view, question)
    saved = view.answer(question_id)
    if saved.report is not None and view.machine_visible(question_id):
        follow_up_panel(view, question)
        with section_expander(
            f"mock_{view.id}_{question_id}_feedback_panel",
            tr("系统的完整反馈", "The machine's full feedback"),
        ):
            feedback(question, saved.answer, saved.report, key=f"mock_feedback_{view.id}")

    st.divider()
    if view.status == "active":
        if st.button(tr("结束面试", "Finish the session"), type="primary", key="mock_finish"):
            with reporting_errors():
                sessions.set_status(db, actor, view.id, "finished")
                close_session()
                st.success(tr("模拟面试已结束。", "Session finished."))
                open_report(view.id)
    elif st.button(tr("查看报告", "Open the report"), key="mock_open_report"):
        open_report(view.id)


# --- the page -------------------------------------------------------------------------------

views = attempt(lambda: sessions.list_sessions(db, actor))
if views is None:
    st.stop()

wanted_session = parse_id(st.query_params.get("session", ""))  # "²" or 10**20: ignored
if "mock_open_session" not in st.session_state and wanted_session is not None:
    st.session_state["mock_open_session"] = wanted_session

open_id = st.session_state.get("mock_open_session")
if open_id is not None:
    view = attempt(lambda: sessions.get_session(db, actor, open_id))
    if view is None:
        close_session()
    else:
        run_session(view)
        st.stop()

show_save_error()
tabs = section_tabs("mock_tabs", {"list": ("我的模拟面试", "My sessions"), "new": ("新建", "New")})
with tabs["list"]:
    session_list(views)
with tabs["new"]:
    new_session()
