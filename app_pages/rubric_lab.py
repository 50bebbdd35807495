"""Rubric lab (trainers): try other rubric wording and weights on sample answers without
saving anything, see each point's probability under both rubrics, save the rubric when it
works, and calibrate a question on graded answers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app_pages.common import (
    Database,
    attempt,
    choice_key,
    current_actor,
    database,
    labels,
    language,
    live_bank,
    plain,
    scorer,
    section_expander,
    section_tabs,
    show_error,
    tr,
)
from app_pages.tables import safe_table
from app_pages.trainer_editors import LANGUAGE_NAMES, point_editor
from app_pages.trainer_widgets import (
    choose_version,
    conflict_record,
    describe,
    require_role,
    save_conflict,
)
from app_pages.widgets import highlighted_answer, status_label
from question_bank.schema import Question
from scoring.report import ScoreReport
from scoring.trainer import Agreement, QuestionCalibration, marks_summary
from services import bank, bank_forms, rubric_lab
from services.accounts import Actor
from services.errors import EditConflict, ServiceError, ValidationFailed


@dataclass(frozen=True)
class Lab:
    """What every part of the page needs: who, and the question open in the lab."""

    db: Database
    actor: Actor
    lang: str
    entry: bank.QuestionEntry

    @property
    def question(self) -> Question:
        return self.entry.question

    @property
    def question_id(self) -> str:
        return self.entry.question.id


def done(message: str | None = None) -> None:
    if message:
        st.session_state["lab_flash"] = message
    st.rerun()


def fresh_scratch(entry: bank.QuestionEntry, seq: int = 0) -> dict:
    """A scratch copy of the question's saved rubric."""
    rows = bank_forms.rubric_rows(entry.question.rubric)
    return {"rows": rows, "version": entry.version, "seq": seq}


def metric(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# --- the points of one answer under both rubrics -------------------------------------------


def point_table(report: ScoreReport, question: Question, lang: str) -> pd.DataFrame:
    """One rubric's points for one answer: status, probability, weight, evidence."""
    texts = {p.id: p.text.get(lang) for p in question.rubric}
    return pd.DataFrame(
        [
            {
                "point": f"{p.point_id} · {texts.get(p.point_id, p.text)}",
                "status": status_label(p.status),
                "probability": p.probability,
                "weight": p.weight,
                "evidence": p.evidence or "",
            }
            for p in report.points
        ]
    )


def point_columns() -> dict:
    return {
        "point": st.column_config.TextColumn(tr("评分要点", "Rubric point"), width="large"),
        "status": tr("状态", "Status"),
        "probability": st.column_config.NumberColumn(
            tr("覆盖概率", "Probability"),
            format="percent",
            help=tr(
                "评分器有多大把握认为回答覆盖了这个要点",
                "How sure the scorer is that the answer covers this point",
            ),
        ),
        "weight": st.column_config.NumberColumn(tr("权重", "Weight"), format="%.2g"),
        "evidence": st.column_config.TextColumn(tr("依据", "Evidence"), width="large"),
    }


def side_by_side(comparison: rubric_lab.Comparison, scratch: Question, lab: Lab) -> pd.DataFrame:
    """Each point's status and probability (in %) under the saved and the scratch rubric,
    and the change in percentage points (a point in one rubric only is blank on the other
    side)."""
    saved = {p.point_id: p for p in comparison.saved.points}
    mine = {p.point_id: p for p in comparison.scratch.points}
    texts = {p.id: p.text.get(lab.lang) for p in lab.question.rubric}
    texts |= {p.id: p.text.get(lab.lang) for p in scratch.rubric}
    rows = []
    for point_id in dict.fromkeys([*saved, *mine]):
        before, after = saved.get(point_id), mine.get(point_id)
        rows.append(
            {
                "point": f"{point_id} · {texts.get(point_id, '')}",
                "saved_status": status_label(before.status) if before else "",
                "saved": 100 * before.probability if before else None,
                "scratch_status": status_label(after.status) if after else "",
                "scratch": 100 * after.probability if after else None,
                "change": 100 * (after.probability - before.probability)
                if before and after
                else None,
            }
        )
    return pd.DataFrame(rows)


def side_by_side_columns() -> dict:
    number = st.column_config.NumberColumn
    return {
        "point": st.column_config.TextColumn(tr("评分要点", "Rubric point"), width="medium"),
        "saved_status": st.column_config.TextColumn(tr("已保存：状态", "Saved: status")),
        "saved": number(tr("已保存：覆盖概率", "Saved: probability"), format="%.0f%%"),
        "scratch_status": st.column_config.TextColumn(tr("草稿：状态", "Scratch: status")),
        "scratch": number(tr("草稿：覆盖概率", "Scratch: probability"), format="%.0f%%"),
        "change": number(tr("变化（百分点）", "Change (points)"), format="%+.0f"),
    }


# --- try rubric wording and weights on sample answers -----------------------------------------


def rubric_tab(lab: Lab) -> None:
    scratch = scratch_rubric(lab)
    answers = sample_answers()
    inputs = repr((lab.question_id, lab.entry.version, scratch["rows"], answers))
    if st.button(
        tr(f"评分（{len(answers)} 个回答）", f"Score ({len(answers)} answers)"),
        type="primary",
        key="lab_score",
        disabled=not answers,
    ):
        score_answers(lab, scratch, answers, inputs)
    results = st.session_state.get("lab_results")
    if results and results["question_id"] == lab.question_id:
        show_results(lab, results, inputs)
    st.divider()
    save_section(lab, scratch)


def scratch_rubric(lab: Lab) -> dict:
    """The scratch copy of the rubric, its points edited one at a time; returns it."""
    all_scratch = st.session_state.setdefault("lab_scratch", {})
    if lab.question_id not in all_scratch:
        all_scratch[lab.question_id] = fresh_scratch(lab.entry)
    scratch = all_scratch[lab.question_id]
    st.markdown("**" + tr("草稿评分要点（不会自动保存）", "Scratch rubric (not saved)") + "**")
    st.caption(
        tr(
            "在这里改要点的措辞和权重，然后用下面的示例回答比较已保存的版本和草稿版本的评分。",
            "Change the points' wording and weights here, then compare how sample answers score "
            "against the saved rubric and this scratch copy.",
        )
    )
    if scratch["version"] != lab.entry.version:
        st.info(
            tr(
                f"已保存的评分要点在你开始修改后变了（现为第 {lab.entry.version} 版，你的草稿基于第 "
                f"{scratch['version']} 版）。",
                f"The saved rubric changed after you started (it is now version "
                f"{lab.entry.version}; your scratch copy started from version "
                f"{scratch['version']}).",
            )
        )
    problems = st.session_state.get("lab_problems", {}).get(lab.question_id, [])
    for problem in problems:
        st.error(describe(problem), icon="⚠️")
    point_editor(scratch["rows"], f"lab_point_{lab.question_id}_{scratch['seq']}", problems, set)
    if st.button(tr("恢复为已保存的评分要点", "Reset to the saved rubric"), key="lab_reset"):
        all_scratch[lab.question_id] = fresh_scratch(lab.entry, scratch["seq"] + 1)
        st.session_state.get("lab_problems", {}).pop(lab.question_id, None)
        done()
    return scratch


def sample_answers() -> list[str]:
    text = st.text_area(
        tr(
            "示例回答（多个回答之间用单独一行 --- 分隔）",
            "Sample answers (separate them with a line holding only ---)",
        ),
        height=200,
        key="lab_answers",
        persist_state="session",
    )
    return rubric_lab.split_answers(text)


def score_answers(lab: Lab, scratch: dict, answers: list[str], inputs: str) -> None:
    try:
        scratch_question = rubric_lab.scratch_question(lab.question, scratch["rows"])
        with st.spinner(tr("正在评分…", "Scoring…")):
            comparisons = rubric_lab.compare(scorer(), lab.question, scratch_question, answers)
    except ValidationFailed as error:
        placed = bank_forms.place_problems(error.problems)
        st.session_state.setdefault("lab_problems", {})[lab.question_id] = placed
        done()
    except ServiceError as error:
        show_error(error)
    else:
        st.session_state.setdefault("lab_problems", {}).pop(lab.question_id, None)
        st.session_state["lab_results"] = {
            "inputs": inputs,
            "question_id": lab.question_id,
            "scratch": scratch_question,
            "comparisons": comparisons,
        }


def show_results(lab: Lab, results: dict, inputs: str) -> None:
    """Per answer: both scores, each point's probability under both rubrics, the evidence."""
    if results["inputs"] != inputs:
        st.caption(
            tr(
                "评分要点或回答在评分后改过了，点“评分”更新结果。",
                "The rubric or the answers changed after scoring; press Score to update.",
            )
        )
    scratch = results["scratch"]
    for number, comparison in enumerate(results["comparisons"], start=1):
        with st.container(border=True):
            st.markdown("**" + tr(f"回答 {number}", f"Answer {number}") + "**")
            saved_col, scratch_col = st.columns(2)
            saved_col.metric(
                tr("已保存的评分要点：得分", "Saved rubric: score"),
                f"{comparison.saved.score:.0f}",
            )
            scratch_col.metric(
                tr("草稿评分要点：得分", "Scratch rubric: score"),
                f"{comparison.scratch.score:.0f}",
                delta=f"{comparison.scratch.score - comparison.saved.score:+.0f}",
            )
            st.dataframe(
                safe_table(side_by_side(comparison, scratch, lab)),
                hide_index=True,
                width="stretch",
                column_config=side_by_side_columns(),
            )
            for flag in comparison.scratch.flags:
                st.caption("⚠️ " + flag.message(lab.lang))
            with section_expander(
                f"lab_{lab.question_id}_evidence_{number}",
                tr("每个要点的依据", "Each point's evidence"),
            ):
                for title, report, question in (
                    (tr("已保存的评分要点", "Saved rubric"), comparison.saved, lab.question),
                    (tr("草稿评分要点", "Scratch rubric"), comparison.scratch, scratch),
                ):
                    st.markdown(f"**{title}**")
                    st.dataframe(
                        safe_table(point_table(report, question, lab.lang)),
                        hide_index=True,
                        width="stretch",
                        column_config=point_columns(),
                    )
            with section_expander(
                f"lab_{lab.question_id}_answer_{number}",
                tr(
                    "回答原文（标出草稿要点的依据）",
                    "The answer (evidence for the scratch rubric marked)",
                ),
            ):
                st.markdown(
                    highlighted_answer(comparison.answer, comparison.scratch),
                    unsafe_allow_html=True,
                )
    if results["comparisons"] and results["comparisons"][0].scratch.warnings:
        st.caption(" ".join(results["comparisons"][0].scratch.warnings))


def save_section(lab: Lab, scratch: dict) -> None:
    """Save the scratch rubric into the question; a newer save shows both versions."""
    st.markdown("**" + tr("保存草稿评分要点", "Save the scratch rubric") + "**")
    save_label = tr(
        f"把草稿评分要点保存到 {lab.question_id}（基于第 {scratch['version']} 版）",
        f"Save the scratch rubric into {lab.question_id} (over version {scratch['version']})",
    )
    if st.button(save_label, key="lab_save"):
        save_scratch(lab, scratch, scratch["version"])
    conflict = st.session_state.get("lab_conflict")
    if not conflict or conflict["record_id"] != lab.question_id:
        return
    mine = lab.question.model_dump(mode="json")
    mine["rubric"] = bank_forms.rubric_from_rows(scratch["rows"])
    version = conflict["current_version"]
    keep = tr(
        f"保留我的评分要点（覆盖第 {version} 版保存）", f"Keep mine (save over version {version})"
    )
    picked = choose_version(save_conflict(conflict, mine, keep), "lab")
    if picked == "keep_mine":
        save_scratch(lab, scratch, version)
    elif picked == "take_theirs":
        st.session_state["lab_scratch"][lab.question_id] = fresh_scratch(
            lab.entry, scratch["seq"] + 1
        )
        st.session_state.pop("lab_conflict", None)
        done()


def save_scratch(lab: Lab, scratch: dict, expected_version: int) -> None:
    question_id = lab.question_id
    try:
        saved = rubric_lab.save_scratch_rubric(
            lab.db, lab.actor, lab.question, scratch["rows"], expected_version
        )
    except ValidationFailed as error:
        placed = bank_forms.place_problems(error.problems)
        st.session_state.setdefault("lab_problems", {})[question_id] = placed
        st.session_state.pop("lab_conflict", None)
        done()
    except EditConflict as error:
        st.session_state["lab_conflict"] = conflict_record(error)
        done()
    except ServiceError as error:
        show_error(error)
    else:
        st.session_state["lab_scratch"][question_id] = fresh_scratch(saved, scratch["seq"] + 1)
        st.session_state.pop("lab_conflict", None)
        st.session_state.get("lab_problems", {}).pop(question_id, None)
        done(
            tr(
                f"已保存 {question_id} 的评分要点（第 {saved.version} 版）。",
                f"Saved the rubric of {question_id} (version {saved.version}).",
            )
        )


# --- calibration on graded example answers ----------------------------------------------------


def calibration_tab(lab: Lab) -> None:
    current_scorer = scorer()
    question_id = lab.question_id
    st.caption(
        tr(
            "评分示例是有经验的面试官给出的 0–10 分回答。校准会为这道题拟合一个偏移量，让机器评分更接近培训师的评分："
            "正数让这道题评分更宽松，负数更严格。偏移量保存在数据库里，所有应用进程都会使用"
            f"（按模型分开，当前模型 {current_scorer.encoder_name}），应用后立即生效。",
            "Graded examples are answers graded 0–10 as an experienced interviewer would. "
            "Calibration fits an offset for this question so that the machine's grades come "
            "closer to the trainers': positive makes the scorer more generous on it, negative "
            "stricter. The offset is saved in the database, so every app process uses it (per "
            f"model — here {current_scorer.encoder_name}); it takes effect as soon as you apply it.",
        )
    )
    offset = current_scorer.offsets.get(question_id, 0.0)
    st.caption(tr(f"当前偏移量：{offset:+.2f}", f"Current offset: {offset:+.2f}"))
    examples = rubric_lab.lab_examples(lab.db, lab.actor, lab.question)
    example_table(examples)
    add_example(lab)
    remove_example(lab, examples)
    if st.button(
        tr(
            f"运行校准（{len(examples)} 个示例）", f"Run the calibration ({len(examples)} examples)"
        ),
        type="primary",
        key="lab_calibrate",
    ):
        with st.spinner(tr("正在校准…", "Calibrating…")):
            result = attempt(lambda: rubric_lab.calibrate(current_scorer, lab.question, examples))
        if result is not None:
            st.session_state["lab_calibration"] = {"question_id": question_id, "result": result}
    calibration = st.session_state.get("lab_calibration")
    if calibration and calibration["question_id"] == question_id:
        calibration_result(lab, calibration["result"])


# --- what the examples teach the scorer --------------------------------------------------------


def phrasings_tab(lab: Lab) -> None:
    """Each rubric point with the parts of the question's examples the scorer reads as more
    ways of saying it (a wrong part is a point the example does not make, or a sentence the
    scorer cited wrongly); a point without any is read from its own wording only."""
    st.caption(
        tr(
            "在“题库工作台”里标为“好”或“部分”、并勾选了覆盖要点的评分示例，也在教评分器：对每个勾选的要点，"
            "评分器读取示例中说到这个要点的那一部分（培训师标注的原文；没有标注时，用评分器自己引用的部分），"
            "作为候选人表达这个要点的又一种说法，之后的回答也会与它比较。下面是评分器实际读到的部分。"
            "如果某一部分其实没有说到它的要点：先检查这个示例是否真的说到了这个要点（没有就取消勾选）；"
            "如果说到了，就在工作台这个示例的“每个要点在回答里的说法”里选出正确的原文。",
            "Graded examples marked strong or partial, with the points they cover ticked in the "
            "Bank workbench, also teach the scorer: for each ticked point it reads the part of "
            "the example that makes it (the words a trainer marked, or else the part the scorer "
            "cites itself) as one more way a candidate may say that point, and compares later "
            "answers with it too. Below are the parts the scorer reads. If a part does not make "
            "its point, check first that the example really makes that point (if not, untick "
            "it); if it does, mark the right words under “Where the answer makes each point” "
            "in that example in the workbench.",
        )
    )
    rows = attempt(lambda: rubric_lab.example_phrasings(scorer(), lab.question, lab.lang))
    if rows is None:
        return
    if not rows:
        st.info(
            tr(
                "当前评分模型的校准不读取示例里的说法，每个要点只按它自己的文字评分。",
                "The current scoring model's calibration does not read the examples' "
                "phrasings: each point is scored on its own wording.",
            )
        )
        return
    marks_check(lab)
    by_point: dict[str, list[rubric_lab.PointPhrasing]] = {}
    for row in rows:
        by_point.setdefault(row.point_id, []).append(row)
    for point_id, read in by_point.items():
        with st.container(border=True):
            st.markdown(f"**{plain(point_id)} · {plain(read[0].point)}**")
            if not read[0].part:
                st.caption(
                    "💡 "
                    + tr(
                        "还没有示例说到这个要点，它只按要点文字评分。添加覆盖它的“好”或“部分”示例，"
                        "能帮评分器认出候选人自己的说法。",
                        "No example says this point yet, so it is scored on its own wording "
                        "only. A strong or partial example that covers it helps the scorer "
                        "recognise candidates' own words.",
                    )
                )
                continue
            st.markdown(
                "\n".join(
                    f"- {plain(r.part)} — *{plain(r.example_id)} · "
                    f"{tr(*LANGUAGE_NAMES[r.language])}{_marked_tag(r)}*"
                    for r in read
                )
            )


def marks_check(lab: Lab) -> None:
    """Whether the scorer cites, in each graded example, the words a trainer marked."""
    st.markdown(
        "##### " + tr("评分器引用的是你标注的原文吗", "Does the scorer cite the words you marked?")
    )
    checks = attempt(lambda: rubric_lab.marked_evidence_checks(scorer(), lab.question))
    if checks is None:
        return
    if not checks:
        st.caption(
            tr(
                "这道题的示例还没有标注。在工作台里为示例的每个要点选出说到它的原文后，这里会检查评分器"
                "给这个示例评分时引用的是不是同样的话。",
                "No example of this question has marked passages yet. Once you mark, in the "
                "workbench, the words that make each point of an example, this checks whether "
                "the scorer cites the same words when it scores that example.",
            )
        )
        return
    st.markdown(marks_summary(checks, lab.lang))
    verdicts = {
        True: "✅ " + tr("一致", "agrees"),
        False: "❌ " + tr("引用了别的话", "cites other words"),
        None: "❌ " + tr("没有认出这个要点", "does not find the point"),
    }
    st.dataframe(
        safe_table(
            pd.DataFrame(
                [
                    {
                        "example": c.example_id,
                        "point": c.point_id,
                        "verdict": verdicts[c.agrees if c.cited is not None else None],
                        "marked": " / ".join(c.marked),
                        "cited": c.cited or "",
                    }
                    for c in checks
                ]
            )
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "example": tr("示例", "Example"),
            "point": tr("要点", "Point"),
            "verdict": tr("结果", "Verdict"),
            "marked": st.column_config.TextColumn(tr("你标注的原文", "You marked"), width="large"),
            "cited": st.column_config.TextColumn(tr("评分器引用", "Scorer cites"), width="large"),
        },
    )


def _marked_tag(phrasing: rubric_lab.PointPhrasing) -> str:
    """The tag after a part a trainer marked (the others are the scorer's own citations)."""
    return " · ✍️ " + tr("培训师标注", "marked by a trainer") if phrasing.marked else ""


def example_table(examples: list[rubric_lab.LabExample]) -> None:
    if not examples:
        st.info(tr("这道题还没有评分示例。", "This question has no graded examples yet."))
        return
    source_names = {"bank": tr("题库自带", "bank"), "trainer": tr("培训师添加", "trainer")}
    st.dataframe(
        safe_table(
            pd.DataFrame(
                [
                    {
                        "source": source_names[e.source],
                        "grade": e.grade,
                        "language": e.language or "",
                        "answer": e.answer,
                    }
                    for e in examples
                ]
            )
        ),
        hide_index=True,
        column_config={
            "source": tr("来源", "Source"),
            "grade": st.column_config.NumberColumn(
                tr("培训师评分", "Trainer grade"), format="%.1f"
            ),
            "language": tr("语言", "Language"),
            "answer": st.column_config.TextColumn(tr("回答", "Answer"), width="large"),
        },
    )
    st.caption(
        tr(
            "题库自带的示例在“题库工作台”中编辑；这里添加的示例只用于校准。",
            "The bank's own examples are edited in the Bank workbench; those added here are "
            "for calibration only.",
        )
    )


def add_example(lab: Lab) -> None:
    with st.form("lab_add_example", clear_on_submit=True):
        st.markdown("**" + tr("添加评分示例", "Add a graded example") + "**")
        answer = st.text_area(tr("回答", "Answer"), key="lab_new_answer")
        grade = st.number_input(
            tr("培训师评分（0–10）", "Trainer grade (0–10)"),
            min_value=0.0,
            max_value=10.0,
            value=5.0,
            step=0.5,
            key="lab_new_grade",
        )
        if st.form_submit_button(tr("添加", "Add")):
            added = attempt(
                lambda: bank.add_calibration_example(
                    lab.db, lab.actor, lab.question_id, answer, grade
                )
            )
            if added is not None:
                done(tr("已添加评分示例。", "Added the graded example."))


def remove_example(lab: Lab, examples: list[rubric_lab.LabExample]) -> None:
    mine = [e for e in examples if e.source == "trainer"]
    if not mine:
        return
    with section_expander(
        f"lab_{lab.question_id}_remove_panel",
        tr("删除培训师添加的示例", "Remove a trainer's example"),
    ):
        keys = [e.key for e in mine]
        previews = {e.key: f"{e.grade:g} · {e.answer[:60]}" for e in mine}
        remove = st.selectbox(
            tr("示例", "Example"),
            keys,
            format_func=labels(keys, previews.get),
            key="lab_remove_choice",
        )
        if st.button(tr("删除", "Remove"), key="lab_remove") and attempt(
            lambda: bank.delete_calibration_example(lab.db, lab.actor, int(remove)) or True
        ):
            done(tr("已删除。", "Removed."))


def agreement_table(before: Agreement, after: Agreement) -> pd.DataFrame:
    rows = [
        (tr("排序一致性（Spearman，越接近 1 越好）", "Rank agreement (Spearman, 1 is best)"),
         metric(before.spearman), metric(after.spearman)),
        (tr("平均绝对误差（分，越小越好）", "Mean absolute error (grade points, lower is better)"),
         metric(before.mean_abs_error), metric(after.mean_abs_error)),
        (tr("相差不超过 1 分的比例", "Share within one grade point"),
         f"{before.within_one:.0%}", f"{after.within_one:.0%}"),
        (tr("平均偏差（正数表示机器偏松）", "Mean difference (positive: machine more generous)"),
         f"{before.mean_error:+.2f}", f"{after.mean_error:+.2f}"),
    ]  # fmt: skip
    return pd.DataFrame(
        rows, columns=[tr("指标", "Measure"), tr("校准前", "Before"), tr("校准后", "After")]
    )


def calibration_result(lab: Lab, result: QuestionCalibration) -> None:
    """Agreement before and after, the fitted offset, example by example, and applying it."""
    current_scorer = scorer()
    st.markdown("**" + tr("校准结果", "Calibration result") + "**")
    st.write(tr("校准前：", "Before: ") + result.before.summary(lab.lang))
    st.write(tr("校准后：", "After: ") + result.after.summary(lab.lang))
    st.dataframe(safe_table(agreement_table(result.before, result.after)), hide_index=True)
    change = result.offset - result.previous_offset
    direction = (
        tr("更宽松", "more generous")
        if change > 0.05
        else tr("更严格", "stricter")
        if change < -0.05
        else tr("几乎不变", "about the same")
    )
    st.write(
        tr(
            f"拟合的偏移量为 {result.offset:+.2f}（原为 {result.previous_offset:+.2f}）：这道题的评分会{direction}。",
            f"The fitted offset is {result.offset:+.2f} (was {result.previous_offset:+.2f}): "
            f"the scorer becomes {direction} on this question.",
        )
    )
    with section_expander(
        f"lab_{lab.question_id}_examples_panel", tr("逐个示例", "Example by example")
    ):
        st.dataframe(
            safe_table(
                pd.DataFrame(
                    [
                        {
                            "answer": b.preview,
                            "grade": b.grade,
                            "before": b.machine_grade,
                            "after": a.machine_grade,
                        }
                        for b, a in zip(result.before.rows, result.after.rows, strict=True)
                    ]
                )
            ),
            hide_index=True,
            column_config={
                "answer": tr("回答", "Answer"),
                "grade": tr("培训师评分", "Trainer grade"),
                "before": tr("机器评分（校准前）", "Machine (before)"),
                "after": tr("机器评分（校准后）", "Machine (after)"),
            },
        )
    if st.button(
        tr("应用这个偏移量", "Apply this offset"),
        key="lab_apply",
        disabled=result.encoder != current_scorer.encoder_name,
    ):
        saved = attempt(
            lambda: rubric_lab.apply_offset(
                lab.db, lab.actor, current_scorer, lab.question_id, result.offset
            )
        )
        if saved is not None:
            st.session_state.pop("lab_calibration", None)
            done(
                tr(
                    f"已应用：{lab.question_id} 的偏移量 {saved:+.2f} 已保存到数据库（模型 "
                    f"{result.encoder}），所有评分立即使用。",
                    f"Applied: offset {saved:+.2f} for {lab.question_id} saved in the database "
                    f"(model {result.encoder}); every score uses it from now on.",
                )
            )


# --- the page ---------------------------------------------------------------------------------


def open_question(db: Database, lang: str) -> bank.QuestionEntry:
    """The question chosen for the lab (the page stops when there is none)."""
    bank_set = live_bank()
    ids = [q.id for q in bank_set.questions]
    if not ids:
        st.info(tr("题库中还没有题目。", "The bank has no questions yet."))
        st.stop()
    titles = {q.id: q.title.get(lang) for q in bank_set.questions}
    question_id = st.selectbox(
        tr("题目", "Question"),
        ids,
        format_func=labels(ids, lambda i: f"{i} · {titles[i]}"),
        key=choice_key("lab_question"),
    )
    entry = attempt(lambda: bank.get_question(db, question_id))
    if entry is None:
        st.stop()
    st.caption(
        tr(
            f"已保存的评分要点：第 {entry.version} 版，最后修改人 {entry.updated_by}",
            f"Saved rubric: version {entry.version}, last changed by {entry.updated_by}",
        )
    )
    return entry


def main() -> None:
    db = database()
    actor = current_actor()
    st.title(tr("评分实验室", "Rubric lab"))
    require_role(actor, "trainer")
    if flash := st.session_state.pop("lab_flash", None):
        st.success(flash)
    lang = language()
    lab = Lab(db, actor, lang, open_question(db, lang))
    tabs = section_tabs(
        "lab_tabs",
        {
            "rubric": ("试改评分要点", "Try rubric changes"),
            "calibration": ("用评分示例校准", "Calibrate on graded answers"),
            "phrasings": ("示例教给评分器的说法", "What the examples teach the scorer"),
        },
    )
    with tabs["rubric"]:
        rubric_tab(lab)
    with tabs["calibration"]:
        calibration_tab(lab)
    with tabs["phrasings"]:
        if tabs["phrasings"].open:
            phrasings_tab(lab)


main()
