"""Batch scoring: upload a CSV of answers, watch the progress, download the scored CSV."""

import pandas as pd
import streamlit as st

from app_pages.common import current_actor, language, live_bank, reporting_errors, scorer, tr
from app_pages.tables import safe_table
from scoring.batch import BatchSummary, score_frame
from services.accounts import require
from services.batch_upload import MAX_UPLOAD_BYTES, read_upload, scored_csv_bytes
from services.errors import InputRejected

actor = current_actor()
st.title(tr("批量评分", "Batch scoring"))


def numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows numbered as a spreadsheet shows them (the header is row 1, the first answer
    row 2), the same numbers the `error` column uses."""
    shown = frame.copy()
    shown.index = pd.RangeIndex(2, len(frame) + 2, name=tr("行号", "Row"))
    return shown


def row_problems(summary: BatchSummary, bad_rows: pd.DataFrame) -> pd.Series:
    """Why each row not scored (numbered as in `numbered`) was not, in the reader's language
    (the `error` column's English for a row the summary does not list)."""
    said = {problem.row: problem.message.get(language()) for problem in summary.problems}
    return pd.Series(
        [said.get(row, error) for row, error in bad_rows["error"].items()],
        index=bad_rows.index,
        dtype=object,
    )


with reporting_errors():
    require(actor, "interviewer", "trainer")
    st.markdown(
        tr(
            "上传 CSV：每行一个回答，列 `answer` 加上 `question_id`（题库中的题目），"
            "或 `question` 加 `rubric_points`（要点用换行或 ` | ` 分隔）或 `reference_answer`"
            "（参考答案：整体算一个要点，其中的句子和列举项各算一个要点）。"
            "与命令 `python -m scoring batch` 的格式相同。",
            "Upload a CSV with one answer per row: column `answer` plus `question_id` (a bank "
            "question), or `question` plus `rubric_points` (separated by new lines or ` | `) "
            "or a `reference_answer` (a point as a whole, and each of its sentences and enumerated items a point). "
            "The same format as `python -m scoring batch`.",
        )
    )
    example = pd.DataFrame(
        {"question_id": ["cs-beh-01"], "answer": [tr("我会先分别和两位同事谈…", "I would first…")]}
    )
    st.download_button(
        tr("下载示例 CSV", "Download an example CSV"),
        example.to_csv(index=False).encode("utf-8-sig"),
        "answers-example.csv",
        "text/csv",
        key="batch_example",
    )
    upload = st.file_uploader(
        tr(
            f"答案 CSV（最大 {MAX_UPLOAD_BYTES // 1_000_000} MB）",
            f"Answers CSV (up to {MAX_UPLOAD_BYTES // 1_000_000} MB)",
        ),
        type=["csv"],
        key="batch_upload",
    )
    if upload is not None:  # keep the bytes: a failed read or a rerun loses nothing
        st.session_state["batch_file"] = (upload.name, upload.getvalue())

    if "batch_file" in st.session_state:
        name, data = st.session_state["batch_file"]
        try:
            frame, notice = read_upload(name, data)
        except InputRejected as error:
            st.error(error.message(language()))
            st.stop()
        if notice:
            st.info(notice.message(language()))
        st.caption(tr(f"{name}：{len(frame)} 行", f"{name}: {len(frame)} rows"))
        st.dataframe(safe_table(numbered(frame).head(20)), hide_index=False)
        if st.button(tr("开始评分", "Score the answers"), type="primary", key="batch_run"):
            bar = st.progress(0.0, text=tr("评分中…", "Scoring…"))

            def progress(done: int, total: int) -> None:
                bar.progress(done / total, text=f"{done} / {total}")

            scored, summary = score_frame(scorer(), live_bank(), frame, progress)
            st.session_state["batch_result"] = (name, scored, summary)

    if "batch_result" in st.session_state:
        name, scored, summary = st.session_state["batch_result"]
        st.success(
            tr(
                f"已评分 {summary.scored} / {summary.rows} 行；{summary.errors} 行有错误。",
                f"Scored {summary.scored} of {summary.rows} rows; {summary.errors} with errors.",
            )
        )
        rows = numbered(scored)
        bad_rows = rows[rows["error"] != ""]
        if len(bad_rows):
            st.warning(
                tr("以下行未能评分（已保留在结果中）：", "Rows not scored (kept in the output):")
            )
            problems = row_problems(summary, bad_rows)
            st.dataframe(
                safe_table(problems.to_frame(tr("问题", "Problem"))),
                hide_index=False,
                column_config={tr("问题", "Problem"): st.column_config.TextColumn(width="large")},
            )
        st.dataframe(safe_table(rows), hide_index=False)
        st.download_button(
            tr("下载评分结果 CSV", "Download the scored CSV"),
            scored_csv_bytes(scored),
            name.rsplit(".", 1)[0] + "-scored.csv",
            "text/csv",
            type="primary",
            key="batch_download",
        )
