"""Plain-text rendering of a score report (the CLI's output)."""

from __future__ import annotations

from question_bank.schema import Question
from scoring.report import ScoreReport

_STATUS = {
    "zh": {"covered": "已覆盖", "partial": "部分覆盖", "missing": "缺失"},
    "en": {"covered": "covered", "partial": "partly", "missing": "missing"},
}
_MARK = {"covered": "[x]", "partial": "[~]", "missing": "[ ]"}


def report_text(report: ScoreReport, question: Question | None, language: str = "zh") -> str:
    zh = language != "en"
    lines = []
    if question is not None:
        lines.append(f"{question.id}  {question.title.get(language)}")
    lines.append(
        ("得分" if zh else "Score")
        + f": {report.points_score:g} / {report.points_possible:g}  ({report.score:.0f}/100)"
    )
    lines.append(
        ("覆盖要点" if zh else "Points covered") + f": {report.covered}/{len(report.points)}"
    )
    lines.append("")
    for point in report.points:
        status = _STATUS["zh" if zh else "en"][point.status]
        lines.append(f"{_MARK[point.status]} {point.text}  ({status}, p={point.probability:.2f})")
        if point.evidence:
            label = (
                ("否定了该要点" if zh else "rejects it")
                if point.rejected
                else ("依据" if zh else "evidence")
            )
            lines.append(f"      {label}: “{point.evidence}”")
        if point.advice:
            lines.append(f"      {'可以补充' if zh else 'a strong answer adds'}: {point.advice}")
    for flag in report.flags:
        lines.append(f"! {flag.message(language)}")
    if report.star is not None:
        missing = report.star.missing
        if missing:
            lines.append(
                ("STAR 结构缺少: " if zh else "STAR elements missing: ") + ", ".join(missing)
            )
        if not report.star.quantified_result:
            lines.append("结果没有量化数据。" if zh else "The result is not quantified.")
    for warning in report.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)
