"""The renderers draw one report object: dates and numbers for the reader, PDF with Chinese."""

from __future__ import annotations

import io
import re

import pytest

from services.report_render import (
    format_date,
    format_score,
    to_csv,
    to_html,
    to_pdf,
)
from services.session_report import RatedAnswer, build_report, candidate_view
from tests.services.test_sessions import machine

PRIVATE = "仅面试官可见的私人备注"
SHARED = "回答结构清楚，建议补充结果数据。"


def pdf_text(data: bytes) -> str:
    """All text of a PDF, whitespace removed (extraction spaces CJK characters apart)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def report(bank):
    beh, sit = bank.question("cs-beh-01"), bank.question("cs-sit-01")
    rated = [
        RatedAnswer(
            beh, "我先分别约两位同事单独谈话。", machine(beh), overall_rating=4, notes=PRIVATE
        ),
        RatedAnswer(
            sit,
            "先安抚客户情绪。",
            machine(sit, "missing"),
            {"p1": 1},
            2,
            SHARED,
            notes_shared=True,
        ),
    ]
    return build_report("陈晓", "王面试官", "客服主管一面", rated, "zh", "2026-12-01T18:41:09")


def test_dates_and_numbers_are_written_for_the_reader():
    assert format_date("2026-12-01T18:41:09", "zh") == "2026年12月1日 18:41"
    assert format_date("2026-12-01T18:41:09", "en") == "1 December 2026, 18:41"
    assert format_date("yesterday", "en") == "yesterday"
    assert (format_score(68.04), format_score(37.6, signed=True), format_score(None)) == (
        "68",
        "+38",
        "–",
    )


def test_the_report_opens_with_the_result_strengths_and_next_steps(report):
    page = to_html(report)
    assert "2026-12-01T18:41" not in page and "2026年12月1日 18:41" in page
    order = [page.index(h) for h in ("总体结果", "做得好的地方", "建议的下一步", "各题型得分")]
    assert order == sorted(order)
    assert page.index("面试官与系统评分对比") > page.index("逐题详情")  # agreement comes late
    assert "行为面试" in page and "行为题" not in page


def test_points_show_their_status_and_evidence(report, bank):
    beh = report.questions[0]
    assert [p.point_id for p in beh.points] == [p.id for p in bank.question("cs-beh-01").rubric]
    sit = report.questions[1]
    assert sit.points[0].status == "partial" and sit.points[0].source == "interviewer"
    assert sit.points[1].status == "missing" and sit.points[1].advice
    page = to_html(candidate_view(report))
    assert "部分覆盖" in page and "未覆盖" in page and "已覆盖" in page


def test_the_pdf_parses_and_holds_the_chinese_title_and_the_candidate(report):
    data = to_pdf(report)
    assert data.startswith(b"%PDF-")
    assert len(data) < 400_000  # the font is embedded as a subset, not the 19 MB file
    text = pdf_text(data)
    assert "客服主管一面" in text and "陈晓" in text
    assert "团队冲突处理" in text  # a question title from the bank
    assert PRIVATE in text and SHARED in text


def test_the_candidate_pdf_has_no_private_notes_and_no_agreement(report):
    text = pdf_text(to_pdf(candidate_view(report)))
    assert "陈晓" in text and SHARED in text
    assert PRIVATE not in text and "Cohen" not in text and "一致" not in text


def test_the_english_pdf_uses_english_labels(report):
    text = pdf_text(to_pdf(report, "en"))
    assert "Overallresult" in text and "Nextsteps" in text and "Behavioral" in text


def test_private_notes_are_optional_in_the_interviewer_exports(report):
    assert PRIVATE in to_csv(report) and PRIVATE not in to_csv(report, include_private_notes=False)
    assert PRIVATE not in pdf_text(to_pdf(report, include_private_notes=False))
