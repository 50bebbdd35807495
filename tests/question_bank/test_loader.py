from __future__ import annotations

import copy

import pytest

from question_bank.loader import DEFAULT_BANK_DIR, load_path
from question_bank.schema import CATEGORIES


def _with(data: dict, **changes) -> dict:
    out = copy.deepcopy(data)
    out.update(changes)
    return out


def test_valid_bank_loads(make_bank, question_data):
    bank_set = load_path(make_bank({"a.yaml": question_data}))
    assert bank_set.ok, bank_set.problems
    assert [q.id for q in bank_set.questions] == ["t-beh-01"]
    assert bank_set.question("t-beh-01").rubric[1].weight == 2
    assert "test-bank" in bank_set.banks


def test_file_with_a_list_of_questions(make_bank, question_data):
    second = _with(question_data, id="t-beh-02")
    bank_set = load_path(make_bank({"behavioral.yaml": [question_data, second]}))
    assert bank_set.ok
    assert len(bank_set.questions) == 2


def test_malformed_yaml_is_reported_with_line_and_others_still_load(make_bank, question_data):
    bank_dir = make_bank({"good.yaml": question_data, "bad.yaml": "id: x\ntitle: [unclosed\n"})
    bank_set = load_path(bank_dir)
    assert [q.id for q in bank_set.questions] == ["t-beh-01"]
    (problem,) = bank_set.problems
    assert problem.file.endswith("bad.yaml")
    assert "malformed YAML" in problem.message.en and "line" in problem.message.en


def test_missing_field_names_file_question_and_field(make_bank, question_data):
    broken = _with(question_data, id="t-beh-02")
    del broken["points"]
    bank_set = load_path(make_bank({"a.yaml": question_data, "b.yaml": broken}))
    assert [q.id for q in bank_set.questions] == ["t-beh-01"]
    (problem,) = bank_set.problems
    assert (problem.question_id, problem.field) == ("t-beh-02", "points")
    assert problem.file.endswith("b.yaml")
    assert "missing" in problem.message.en
    assert "b.yaml: question t-beh-02: field points: missing" in str(problem)


def test_missing_english_text_is_reported(make_bank, question_data):
    question_data["title"] = {"zh": "团队冲突"}
    (problem,) = load_path(make_bank({"a.yaml": question_data})).problems
    assert problem.field == "title.en"


def test_duplicate_id_keeps_the_first_and_reports_the_second(make_bank, question_data):
    bank_set = load_path(make_bank({"a.yaml": question_data, "b.yaml": question_data}))
    assert len(bank_set.questions) == 1
    (problem,) = bank_set.problems
    assert problem.field == "id" and "duplicate" in problem.message.en
    assert problem.file.endswith("b.yaml") and "a.yaml" in problem.message.en


def test_unknown_category(make_bank, question_data):
    bank_set = load_path(make_bank({"a.yaml": _with(question_data, category="trivia")}))
    assert not bank_set.questions
    (problem,) = bank_set.problems
    assert problem.field == "category"
    for category in CATEGORIES:
        assert category in problem.message.en


def test_rubric_with_no_points(make_bank, question_data):
    (problem,) = load_path(make_bank({"a.yaml": _with(question_data, rubric=[])})).problems
    assert problem.field == "rubric" and problem.question_id == "t-beh-01"


@pytest.mark.parametrize("weight", [0, -1])
def test_weight_must_be_positive(make_bank, question_data, weight):
    question_data["rubric"][1]["weight"] = weight
    (problem,) = load_path(make_bank({"a.yaml": question_data})).problems
    assert problem.field == "rubric.1.weight"
    assert "greater than 0" in problem.message.en


def test_example_covering_an_unknown_point(make_bank, question_data):
    question_data["examples"][0]["covers"] = ["p1", "p9"]
    (problem,) = load_path(make_bank({"a.yaml": question_data})).problems
    assert problem.field == "examples" and "p9" in problem.message.en


def test_an_example_marks_the_passages_that_make_its_points(make_bank, question_data):
    question_data["examples"][0]["text"] = "我先找两个人分别聊了，后来一起定了规矩。"
    question_data["examples"][0]["evidence"] = {"p1": [" 我先找两个人分别聊了 "], "p3": []}
    loaded = load_path(make_bank({"a.yaml": question_data}))
    assert loaded.ok, loaded.problems
    (example,) = loaded.questions[0].examples
    assert example.evidence == {"p1": ("我先找两个人分别聊了",)}  # trimmed; the empty mark dropped
    assert example.marked("p1") == ("我先找两个人分别聊了",) and example.marked("p2") == ()
    again = load_path(loaded.files[loaded.questions[0].id].parent).questions[0]
    assert len({loaded.questions[0], again}) == 1  # a marked question still hashes


@pytest.mark.parametrize(
    ("marked", "said"),
    [
        ({"p1": ["两个人吵架了"]}, "is not in its answer"),  # not words of the answer
        ({"p9": ["我先找两个人"]}, "not ticked as covering p9"),  # a point it does not cover
    ],
)
def test_a_wrong_mark_is_named_with_its_example_and_point(make_bank, question_data, marked, said):
    question_data["examples"][0]["covers"] = ["p1", "p2"]
    question_data["examples"][0]["evidence"] = marked
    (problem,) = load_path(make_bank({"a.yaml": question_data})).problems
    assert problem.field == "examples.0.evidence"
    assert said in problem.message.en and "'s1'" in problem.message.en
    assert "s1" in problem.message.zh


def test_repeated_rubric_point_ids(make_bank, question_data):
    question_data["rubric"][2]["id"] = "p1"
    (problem,) = load_path(make_bank({"a.yaml": question_data})).problems
    assert problem.field == "rubric" and "p1" in problem.message.en


def test_unknown_field_is_reported(make_bank, question_data):
    (problem,) = load_path(make_bank({"a.yaml": _with(question_data, hint="x")})).problems
    assert (problem.field, problem.message.en) == ("hint", "unknown field")


def test_question_in_the_wrong_bank(make_bank, question_data):
    (problem,) = load_path(make_bank({"a.yaml": _with(question_data, bank="other")})).problems
    assert problem.field == "bank"


def test_empty_file_and_non_mapping(make_bank, question_data):
    bank_set = load_path(make_bank({"empty.yaml": "", "list.yaml": "- 1\n- 2\n"}))
    messages = sorted(p.message.en for p in bank_set.problems)
    assert any("empty" in m for m in messages)
    assert sum("expected a question mapping" in m for m in messages) == 2


def test_missing_path():
    (problem,) = load_path("/nonexistent/bank").problems
    assert "no such file" in problem.message.en


def test_traditional_chinese_is_normalised_to_simplified(make_bank, question_data):
    question_data["title"]["zh"] = "處理團隊衝突"
    question_data["rubric"][0]["text"]["zh"] = "分別單獨溝通"
    question_data["examples"][0]["text"] = "我會先聽聽雙方的說法"
    question = load_path(make_bank({"a.yaml": question_data})).questions[0]
    assert question.title.zh == "处理团队冲突"
    assert question.rubric[0].text.zh == "分别单独沟通"
    assert question.examples[0].text == "我会先听听双方的说法"
    assert question.title.en == "Team conflict"


def test_shipped_bank_is_valid_and_complete():
    bank_set = load_path(DEFAULT_BANK_DIR)
    assert bank_set.ok, "\n".join(map(str, bank_set.problems))
    assert len(bank_set.questions) >= 30
    assert {q.category for q in bank_set.questions} == set(CATEGORIES)
    for question in bank_set.questions:
        assert 3 <= len(question.rubric) <= 6, question.id
        kinds = {e.kind for e in question.examples}
        assert {
            "strong",
            "partial",
            "vague",
            "off_topic",
            "restatement",
            "keyword_list",
            "rejects_points",
        } <= kinds, question.id
        strong = [e for e in question.examples if e.kind == "strong"]
        assert all(set(e.covers) == {p.id for p in question.rubric} for e in strong), question.id


def test_yaml_aliases_are_refused_with_their_line(make_bank, question_data):
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcde", "bcdef", strict=True)
    )  # 9**6 = half a million strings in 330 bytes; each line more multiplies by 9
    assert len(bomb) < 400
    bank_set = load_path(make_bank({"good.yaml": question_data, "bomb.yaml": bomb}))
    assert [q.id for q in bank_set.questions] == ["t-beh-01"]
    assert [p.message.en for p in bank_set.problems] == [
        "YAML aliases (*a) are not allowed, line 2"
    ]


def test_an_anchor_without_aliases_is_fine():
    from question_bank.loader import parse_yaml

    assert parse_yaml("a: &x 1\nb: 2\n") == ({"a": 1, "b": 2}, None)
    assert parse_yaml("a: !!python/object/apply:os.system [ls]\n")[0] is None  # still safe


def test_an_unclosed_quote_names_the_line_it_was_opened_on(make_bank, question_data):
    from question_bank.loader import parse_yaml

    assert parse_yaml('id: x\ntitle: "open\n\n')[1].en == (
        "malformed YAML: line 4 (opened at line 2), column 1: "
        "found unexpected end of stream while scanning a quoted scalar"
    )
    assert parse_yaml("id: x\ntags: [a, b\nbank: y\n")[1].en == (
        "malformed YAML: line 3 (opened at line 2), column 5: "
        "expected ',' or ']', but got ':' while parsing a flow sequence"
    )
    text = 'title: "open\nen: x\nnote: "closed later" here\n'
    assert parse_yaml(text)[1].en == (
        "malformed YAML: line 3 (opened at line 1), column 8: expected <block end>, but found "
        "'<scalar>', after a quoted text that runs from line 1 (is a closing quote missing there?)"
    )
    assert parse_yaml("a:\n  b: 1\n c: 2\n")[1].en == (  # no quote involved: no "opened at"
        "malformed YAML: line 3, column 2: expected <block end>, but found '<block mapping start>'"
    )


def test_a_question_exported_by_the_app_with_its_version_loads(tmp_path):
    bank = load_path()
    source = next(iter(bank.questions))
    folder = tmp_path / "bank"
    (folder / "questions").mkdir(parents=True)
    shipped = DEFAULT_BANK_DIR / source.bank
    (folder / "bank.yaml").write_text(
        (shipped / "bank.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    text = (shipped / "questions" / f"{source.id}.yaml").read_text(encoding="utf-8")
    (folder / "questions" / f"{source.id}.yaml").write_text(f"version: 3\n{text}", encoding="utf-8")
    loaded = load_path(folder)
    assert loaded.ok, loaded.problems
    assert [q.id for q in loaded.questions] == [source.id]
    (folder / "questions" / f"{source.id}.yaml").write_text(
        f"version: three\n{text}", encoding="utf-8"
    )
    assert not load_path(folder).ok  # anything but a whole number is still an unknown field
