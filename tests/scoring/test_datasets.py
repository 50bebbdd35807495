import pytest

from scoring.datasets import available, semeval

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
