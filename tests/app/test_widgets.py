"""The highlighted answer: every cited point keeps a mark, and the answer stays text."""

from app_pages.widgets import highlighted_answer
from scoring.report import PointResult, ScoreReport

ANSWER = "我先分别找两人单独聊，听听各自的想法。然后开了个小组会。<b>后来</b>效果不错。"


def _point(number: int, status: str, span: tuple[int, int] | None) -> PointResult:
    text = ANSWER[span[0] : span[1]] if span else None
    return PointResult(f"p{number}", f"point {number}", 1.0, 0.7, status, text, span)


def _report(*points: PointResult) -> ScoreReport:
    return ScoreReport(None, None, "zh", 10.0, 5.0, 50.0, points)


def test_overlapping_evidence_is_one_mark_with_both_numbers():
    first = ANSWER.index("听听")
    report = _report(
        _point(1, "partial", (0, ANSWER.index("。") + 1)),
        _point(2, "covered", (first, ANSWER.index("小组会") + 3)),
        _point(3, "missing", None),
    )
    html = highlighted_answer(ANSWER, report)
    assert html.count("<mark") == 1
    assert "<sup>1,2</sup>" in html
    assert "#c8f0c8" in html  # the merged mark takes the better status (covered)


def test_separate_evidence_gets_separate_marks_and_the_answer_is_escaped():
    late = ANSWER.index("效果")
    report = _report(_point(1, "covered", (0, 9)), _point(2, "partial", (late, late + 4)))
    html = highlighted_answer(ANSWER, report)
    assert html.count("<mark") == 2 and "<sup>1</sup>" in html and "<sup>2</sup>" in html
    assert "&lt;b&gt;后来&lt;/b&gt;" in html and "<b>" not in html
