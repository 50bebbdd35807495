"""Batch scoring page: upload, progress, bad rows reported, neutralised download."""

import io
from pathlib import Path

import pandas as pd
import pytest

from services.batch_upload import read_upload, scored_csv_bytes
from services.errors import InputRejected

GOOD_AND_BAD = (
    "question_id,answer\n"
    "cs-beh-01,我会先分别和两位同事单独谈话，了解各自的观点，再组织会议对齐目标。\n"
    "no-such-question,随便写的回答\n"
    "cs-beh-02,\n"
    'cs-beh-03,=HYPERLINK("http://evil")\n'
)


def test_upload_scores_good_rows_and_reports_bad_ones(open_page):
    at = open_page("batch.py", "inter", language="en")
    at.file_uploader[0].set_value(("answers.csv", GOOD_AND_BAD.encode("utf-8"), "text/csv"))
    at.run()
    assert "answers.csv: 4 rows" in at.caption[0].value
    at.button(key="batch_run").click().run()
    assert not at.exception
    assert "Scored 2 of 4 rows; 2 with errors." in at.success[0].value
    scored = at.session_state["batch_result"][1]
    assert len(scored) == 4  # nothing dropped
    assert "no question 'no-such-question'" in scored.loc[1, "error"]
    assert "row 4, column answer" in scored.loc[2, "error"]
    assert float(scored.loc[0, "score"]) > 0
    out = pd.read_csv(io.BytesIO(scored_csv_bytes(scored)), dtype=str, encoding="utf-8-sig")
    assert out.loc[3, "answer"].startswith("'=HYPERLINK")  # neutralised for spreadsheets


def test_candidate_cannot_batch_score(open_page):
    at = open_page("batch.py", "cand", language="en")
    assert "needs the role interviewer" in at.error[0].value


def test_a_broken_file_is_explained_and_kept(open_page):
    at = open_page("batch.py", "inter", language="zh")
    at.file_uploader[0].set_value(("bad.csv", b"\x00\x01PK binary", "text/csv")).run()
    assert "不是文本 CSV" in at.error[0].value
    assert at.session_state["batch_file"][1] == b"\x00\x01PK binary"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b'a,b\n1,"unclosed\n2,3\n', "not valid CSV"),
        (b"\xff\xfe\x00a", "not a text CSV"),
    ],
)
def test_read_upload_rejects_bad_files(data, message):
    with pytest.raises(InputRejected, match=message):
        read_upload("f.csv", data)


def test_read_upload_reads_gb18030_with_a_notice():
    frame, notice = read_upload("gbk.csv", "question_id,answer\ncs-beh-01,先倾听\n".encode("gbk"))
    assert frame.loc[0, "answer"] == "先倾听"
    assert "GB18030" in notice.en


def test_rows_are_numbered_as_a_spreadsheet_shows_them(open_page):
    """The first answer row is row 2 (the header is row 1), as in the error column."""
    at = open_page("batch.py", "inter", language="zh")
    at.file_uploader[0].set_value(("answers.csv", GOOD_AND_BAD.encode("utf-8"), "text/csv"))
    at.run()
    preview = at.dataframe[0].value
    assert list(preview.index) == [2, 3, 4, 5] and preview.index.name == "行号"
    at.button(key="batch_run").click().run()
    bad = at.dataframe[1].value  # below the preview
    assert list(bad.index) == [3, 4]
    assert bad.loc[3, "问题"] == "第 3 行，question_id 列：题库中没有题目“no-such-question”。"
    assert bad.loc[4, "问题"] == "第 4 行，answer 列：回答为空。"  # the same number
    assert list(at.dataframe[2].value.index) == [2, 3, 4, 5]


def test_a_broken_csv_names_its_line_in_chinese():
    with pytest.raises(InputRejected) as rejected:
        read_upload("f.csv", b"a,b\n1,2\n3,4,5\n")
    assert "第 3 行有 3 个字段，但表头只有 2 个" in rejected.value.zh
    assert "line 3 has 3 fields" in rejected.value.en
    with pytest.raises(InputRejected) as rejected:
        read_upload("f.csv", b'a,b\n1,"unclosed\n2,3\n')
    assert "第 2 行开始的带引号的值没有结束" in rejected.value.zh


def test_the_pages_show_the_scorers_own_chinese_without_translating(open_page):
    """The rows' problems come from the scorer in both languages; the page has no table of
    patterns that turns English messages into Chinese."""
    pages = Path(__file__).resolve().parents[2] / "app_pages"
    for page in ("batch.py", "trainer_widgets.py"):
        assert "re.compile" not in (pages / page).read_text(encoding="utf-8"), page
    at = open_page("batch.py", "inter", language="zh")
    csv = "question_id,points,answer\n,-2,答\ncs-beh-01,,\n"
    at.file_uploader[0].set_value(("bad.csv", csv.encode("utf-8"), "text/csv")).run()
    at.button(key="batch_run").click().run()
    bad = at.dataframe[1].value
    assert bad.loc[2, "问题"].startswith("第 2 行，rubric_points 列：请给出评分要点")
    assert bad.loc[3, "问题"] == "第 3 行，answer 列：回答为空。"
    scored = at.session_state["batch_result"][1]
    assert scored.loc[1, "error"] == "row 3, column answer: the answer is empty"  # the CSV's
