import pytest

from scoring.datasets import available, exam_answers, semeval

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
