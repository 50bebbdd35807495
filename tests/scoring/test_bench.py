"""The benchmark's own inputs: what its timings are measured on."""

from __future__ import annotations

import json
from collections import Counter

from scoring.bench import distinct_answers, reordered
from scoring.datasets import (
    BENCHMARKS,
    EVIDENCE_DEV,
    LONG_MATCHED,
    SECOND_DEV_BANK,
    SHAPES,
    EvidenceItem,
    dev_bank,
    evidence_set,
    interview_style,
    vague_set,
)
from scoring.segment import split_clauses


def test_the_timed_answers_share_no_clause(bank):
    """No embedding cached for one answer can help another: cut side by side, two answers
    share no clause (a clause cut at a window's edge is a different text)."""
    answers = distinct_answers(list(bank.questions), 250, 240)
    assert len(answers) == 240
    assert all(len(a) == 250 for a in answers)
    clauses = Counter(c for a in answers for c in set(split_clauses(a)) if len(c) >= 12)
    shared = [c for c, n in clauses.items() if n > 1]
    assert not shared, shared[:3]


def test_a_reordered_answer_keeps_its_sentences_and_its_marked_spans(bank):
    text = "我先分别找两人谈话。然后开了团队会议，重新分工。最后每周复盘一次。"
    item = EvidenceItem(
        bank.question("cs-beh-01"), "t", "zh", text,
        {"p1": ((text.index("分别"), text.index("。")),), "p3": ((text.index("开了"), len(text)),)},
    )  # fmt: skip
    told = reordered(item, None)
    assert told.text == "最后每周复盘一次。然后开了团队会议，重新分工。我先分别找两人谈话。"
    assert [told.text[a:b] for a, b in told.spans["p1"]] == ["分别找两人谈话"]
    # a span across two sentences is moved piece by piece
    assert sorted(told.text[a:b] for a, b in told.spans["p3"]) == [
        "开了团队会议，重新分工。", "最后每周复盘一次。"
    ]  # fmt: skip
    shuffled = reordered(item, 1)
    assert sorted(shuffled.text.split("。")) == sorted(text.split("。"))


def test_the_vague_check_set_reads_every_answer_against_a_known_question(bank):
    examples = vague_set(list(bank.questions) + dev_bank())
    lines = (BENCHMARKS / "vague" / "answers.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(examples) == len([line for line in lines if line.strip()]) == 84
    assert Counter((e.kind, e.language) for e in examples) == {
        ("vague", "zh"): 24, ("vague", "en"): 24, ("plain", "zh"): 18, ("plain", "en"): 18,
    }  # fmt: skip
    assert all(e.grade <= 1.5 for e in examples if e.kind == "vague")


def test_the_shapes_set_turns_the_banks_lengths_around(bank):
    """Every question of the bank has a terse complete plan and a long story covering two
    points, in each language: strong answers shorter than the partial ones."""
    examples = interview_style(list(bank.questions), SHAPES)
    assert len(examples) == 4 * len(bank.questions) == 120
    for question in bank.questions:
        mine = [e for e in examples if e.question.id == question.id]
        for language in ("zh", "en"):
            strong = [e for e in mine if e.language == language and e.kind == "strong"]
            partial = [e for e in mine if e.language == language and e.kind == "partial"]
            assert len(strong) == len(partial) == 1, (question.id, language)
            assert strong[0].covers == {p.id for p in question.rubric}
            assert len(partial[0].covers) == 2
            assert len(strong[0].text) < len(partial[0].text) / 2


def test_the_long_matched_set_has_long_strong_and_partial_answers_of_one_length():
    """benchmarks/long-matched: per development bank question a long strong story and two
    long partial ones in Chinese, one of each in English, the partial ones as long as the
    strong one; every point a partial answer covers has its evidence quoted from it."""
    questions = dev_bank()
    examples = interview_style(questions, LONG_MATCHED)
    assert len(examples) == 5 * len(questions) == 60
    rows = {r["id"]: r for r in map(json.loads, LONG_MATCHED.read_text("utf-8").splitlines())}
    for question in questions:
        rubric = {p.id for p in question.rubric}
        mine = [e for e in examples if e.question.id == question.id]
        for language, partials in (("zh", 2), ("en", 1)):
            strong = [e for e in mine if e.language == language and e.kind == "strong"]
            partial = [e for e in mine if e.language == language and e.kind == "partial"]
            assert len(strong) == 1 and len(partial) == partials, (question.id, language)
            assert strong[0].covers == rubric
            sizes = [len(e.text) for e in strong + partial]
            assert min(sizes) > 0.8 * max(sizes), (question.id, language)
            for e in partial:
                assert e.covers < rubric and len(e.covers) in (2, 3), e.example_id
        for e in mine:
            evidence = rows[e.example_id]["evidence"]
            assert set(evidence) == e.covers, e.example_id
            assert all(quote in e.text for quotes in evidence.values() for quote in quotes)


def test_the_held_out_evidence_set_marks_spans_of_its_answers_for_real_points():
    """Every answer of benchmarks/evidence-dev reads against a development bank question, and
    every point it marks is one of that question's, with each span found in the answer."""
    questions = dev_bank()
    items = evidence_set(questions, EVIDENCE_DEV)
    lines = EVIDENCE_DEV.read_text(encoding="utf-8").splitlines()
    assert len(items) == len([line for line in lines if line.strip()]) == 48
    assert Counter(item.language for item in items) == {"zh": 24, "en": 24}
    for item in items:
        assert set(item.spans) <= {p.id for p in item.question.rubric}, item.id
        assert len(item.spans) >= 2, item.id
        for spans in item.spans.values():
            assert spans and all(0 <= a < b <= len(item.text) for a, b in spans), item.id


def test_the_second_development_bank_has_every_shape_for_each_of_its_questions(bank):
    """benchmarks/dev-bank-2: three more roles, four questions each, none of them the bank's
    or the first development bank's, each with the same 19 graded answers (compact answers
    and plans covering every point, long stories covering two)."""
    questions = dev_bank(SECOND_DEV_BANK)
    assert len(questions) == 12 and len({q.bank for q in questions}) == 3
    taken = {q.id for q in bank.questions} | {q.id for q in dev_bank()}
    assert not {q.id for q in questions} & taken
    ids = {tuple(e.id for e in q.examples) for q in questions}
    assert len(ids) == 1 and len(next(iter(ids))) == 19
    for question in questions:
        every = {p.id for p in question.rubric}
        for example in question.examples:
            if example.id.startswith(("compact-zh", "compact-en", "plan-")):
                assert len(example.covers) >= len(every) - 1, (question.id, example.id)
            if example.id.startswith("story-partial-"):
                assert len(example.covers) == 2, (question.id, example.id)
                assert len(example.text) > 380, (question.id, example.id)
