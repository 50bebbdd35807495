import pytest

from scoring.datasets import available, exam_answers, sas_le, sas_sr, semeval
from scoring.target import Target

pytestmark = pytest.mark.skipif(
    not available(), reason="../shared/datasets is not beside the project"
)


def test_semeval_reads_alternative_references_and_binary_grades():
    data = semeval("test-unseen-questions")
    assert len(data) > 1000
    assert {a.grade for a in data} == {0.0, 1.0}
    assert all(a.alternatives and a.reference_points and a.answer for a in data[:200])
    first = data[0]
    assert first.target_points() == [first.reference_points]


def test_exam_answers_read_a_reference_whole_or_by_its_clauses():
    for language in ("zh", "en"):
        whole, split = exam_answers(language), exam_answers(language, split_reference=True)
        assert len(whole) == len(split) == 144
        assert len({a.group for a in whole}) == 12
        assert all(0 <= a.grade <= 1 and len(a.reference_points) == 1 for a in whole)
        assert any(len(a.reference_points) > 1 for a in split)
        assert all(a.target() == Target.from_reference(a.reference, a.question) for a in whole)
        assert all(not a.reference and len(a.target().points) > 1 for a in split[:12])


def test_sas_answers_are_scored_against_their_reference_and_fitted_on_its_key_points():
    """A sas_zh answer is scored as the batch command scores a reference answer; its key
    points (LE: the reference's clauses; SR: the whole of its prose) give the rows of the
    long-answer calibrators."""
    listed = next(a for a in sas_le("eval") if len(a.reference_points) > 1)
    assert listed.target() == Target.from_reference(listed.reference, listed.question)
    assert listed.target().points[0].weight == len(listed.target().points) - 1
    assert len(listed.target(as_points=True).points) == len(listed.reference_points)
    prose = next(a for a in sas_sr("eval") if len(Target.from_reference(a.reference).points) > 1)
    assert len(prose.target(as_points=True).points) == 1
    assert (
        prose.target(as_points=True).points[0].texts["zh"][0]
        == prose.target().points[0].texts["zh"][0]
    )
