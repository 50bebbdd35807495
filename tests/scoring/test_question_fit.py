from __future__ import annotations

import numpy as np
import pytest

from scoring.engine import Target
from scoring.question_fit import MIN_QUESTIONS, ExampleFit

# A genuine answer to cs-beh-01 (conflict in the team), quoted in the scorer issue.
TEAM_CONFLICT = (
    "去年双十一的时候我们组也遇到过类似的事。两位老员工一个坚持按标准话术走，一个觉得要灵活处理，"
    "两个人在群里吵起来，新人都不知道听谁的。我先把他们分别叫到会议室单独聊，听听各自的想法，"
    "发现其实都是为了客户好，只是方法不同。然后我把两人叫到一起，先把当天的排班调开，避免正面冲突，"
    "再让他们一起整理一份高峰期的应答规范，标准话术为主，特殊情况可以灵活。"
    "后来那周的投诉量慢慢降下来了，两个人关系也缓和了。"
)


def _codes(report):
    return {f.code for f in report.flags}


def _one_hot_vectors(questions):
    """Each example's vector points at its question's axis, so examples of one question
    agree and questions differ."""
    axis = {e.text: i for i, q in enumerate(questions) for e in q.examples}

    def vectors(texts):
        out = np.zeros((len(texts), len(questions)))
        for row, text in enumerate(texts):
            out[row, axis[text]] = 1.0
        return out

    return vectors


def test_an_answer_fits_its_own_question_and_not_another(bank):
    questions = bank.questions[:4]
    fit = ExampleFit.build(questions, _one_hot_vectors(questions))
    like_the_second = np.eye(len(questions))[1] + 0.1
    like_the_second /= np.linalg.norm(like_the_second)
    assert fit.margin(questions[1].id, "", like_the_second) > 0
    assert fit.margin(questions[0].id, "", like_the_second) < -1


def test_an_example_is_never_compared_with_itself(bank):
    questions = bank.questions[:4]
    fit = ExampleFit.build(questions, _one_hot_vectors(questions))
    example = next(e for e in questions[1].examples if e.kind == "strong")
    vector = np.eye(len(questions))[1]
    left_out = fit.margin(questions[1].id, example.text, vector)
    kept = fit.margin(questions[1].id, "another answer", vector)
    assert left_out is not None and kept is not None
    # with one example fewer the others still agree; the sums differ, the fit does not fall
    assert left_out == pytest.approx(kept)
    alone = questions[1].model_copy(update={"examples": (example,)})
    fit_alone = ExampleFit.build(
        [questions[0], alone, *questions[2:]], _one_hot_vectors(questions)
    )  # its only example is the answer: nothing left to compare with
    assert fit_alone.margin(questions[1].id, example.text, vector) is None


def test_no_margin_without_enough_questions_with_examples(bank):
    few = bank.questions[: MIN_QUESTIONS - 1]
    fit = ExampleFit.build(few, _one_hot_vectors(few))
    assert fit.margin(few[0].id, "", np.eye(len(few))[0]) is None
    assert fit.margin("no-such-question", "", np.eye(len(few))[0]) is None


def test_a_strong_answer_to_another_question_is_flagged_off_topic(scorer, bank):
    """The team-conflict answer against the angry-customer question: its rubric alone reads
    it as fitting well (complaints, follow-up, calming people down), the example answers
    of the two questions tell them apart."""
    report = scorer.score(bank.question("cs-sit-06"), TEAM_CONFLICT)
    assert "off_topic" in _codes(report)
    assert report.score <= 20
    own = scorer.score(bank.question("cs-beh-01"), TEAM_CONFLICT)
    assert "off_topic" not in _codes(own)
    assert own.score > 40


def test_a_free_form_rubric_typed_from_a_bank_question_is_checked_the_same(scorer, bank):
    question = bank.question("cs-sit-06")
    typed = Target.from_texts(
        [p.text.zh for p in question.rubric],
        question=question.question.zh,
        points=question.points,
        weights=[p.weight for p in question.rubric],
    )
    bank_path = scorer.score(question, TEAM_CONFLICT)
    free_form = scorer.score(typed, TEAM_CONFLICT)
    assert "off_topic" in _codes(free_form)
    assert abs(free_form.score - bank_path.score) <= 5


def test_the_banks_own_genuine_examples_are_not_flagged_against_their_questions(scorer, bank):
    """Each compared without itself, as an answer never seen. Before the examples decided,
    the rubric's z-score flagged cs-beh-07's compact strong example (12.6 points)."""
    for question in bank.questions:
        for example in question.examples:
            if example.kind in ("strong", "partial", "weak"):
                report = scorer.score(question, example.text)
                assert "off_topic" not in _codes(report), example.id
