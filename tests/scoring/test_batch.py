from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from scoring.__main__ import main
from scoring.batch import read_answers_csv, score_frame

ROOT = Path(__file__).resolve().parents[2]


def _strong(bank, question_id):
    return next(e.text for e in bank.question(question_id).examples if e.id == "strong-zh")


def test_good_and_bad_rows_all_come_out_in_order(lexical_scorer, bank):
    frame = pd.DataFrame(
        {
            "candidate": ["a", "b", "c", "d", "e"],
            "question_id": ["cs-beh-01", "cs-nope", "cs-beh-01", "", ""],
            "question": ["", "", "", "投诉怎么处理?", "投诉怎么处理?"],
            "rubric_points": ["", "", "", "向客户道歉 | 倾听诉求\n给出方案", "道歉"],
            "points": ["", "", "", "12", "ten"],
            "answer": [
                _strong(bank, "cs-beh-01"),
                "我会先沟通",
                "  ",
                "我会先向客户道歉,再倾听诉求。",
                "对不起",
            ],
        }
    )
    out, summary = score_frame(lexical_scorer, bank, frame)
    assert list(out["candidate"]) == ["a", "b", "c", "d", "e"]
    assert (summary.rows, summary.scored, summary.errors) == (5, 2, 3)
    assert out.loc[0, "error"] == "" and float(out.loc[0, "score"]) > 0
    assert "row 3, column question_id" in out.loc[1, "error"] and "cs-nope" in out.loc[1, "error"]
    assert "row 4, column answer" in out.loc[2, "error"]
    assert "row 6, column points" in out.loc[4, "error"]
    coverage = json.loads(out.loc[3, "coverage_json"])
    assert [c["point"] for c in coverage] == ["向客户道歉", "倾听诉求", "给出方案"]
    assert {"status", "probability", "evidence"} <= set(coverage[0])
    assert out.loc[3, "points_score"] != ""


def test_missing_columns_are_reported_on_every_row(lexical_scorer, bank):
    out, summary = score_frame(lexical_scorer, bank, pd.DataFrame({"text": ["x", "y"]}))
    assert summary.errors == 2 and set(out["error"]) == {"missing column: answer"}
    assert list(out["text"]) == ["x", "y"]


def test_batch_command_writes_the_scored_csv(tmp_path, bank, capsys):
    source = tmp_path / "in.csv"
    pd.DataFrame(
        {"question_id": ["cs-beh-01", "bad-id"], "answer": [_strong(bank, "cs-beh-01"), "x"]}
    ).to_csv(source, index=False)
    target = tmp_path / "out.csv"
    assert main(["--encoder", "lexical", "batch", str(source), "-o", str(target)]) == 0
    scored = read_answers_csv(target)
    assert len(scored) == 2
    assert scored.loc[0, "score"] != "" and "bad-id" in scored.loc[1, "error"]
    assert "scored 1 of 2 rows" in capsys.readouterr().err


def _score_cli(*args: str) -> int:
    return main(["--encoder", "lexical", "score", *args])


def test_score_command_prints_a_report_and_json(tmp_path, bank, capsys):
    answer = tmp_path / "answer.txt"
    answer.write_text(_strong(bank, "cs-beh-01"), encoding="utf-8")
    assert _score_cli("--question", "cs-beh-01", "--answer-file", str(answer)) == 0
    assert "cs-beh-01" in capsys.readouterr().out
    assert _score_cli("--question", "cs-beh-01", "--answer-file", str(answer), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["question_id"] == "cs-beh-01" and len(report["points"]) == 5


def test_the_command_line_runs_as_a_module(tmp_path, bank):
    """`python -m scoring` as a user types it: the module runs top to bottom, so everything
    `main` calls must be defined before it runs (a helper defined below the `__main__`
    guard made score, batch, calibrate and agreement fail with a NameError)."""
    answer = tmp_path / "answer.txt"
    answer.write_text(_strong(bank, "cs-beh-01"), encoding="utf-8")
    command = [sys.executable, "-m", "scoring", "--encoder", "lexical", "score",
               "--question", "cs-beh-01", "--answer-file", str(answer), "--json"]  # fmt: skip
    no_database = {**os.environ, "INTERVIEW_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"}
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=no_database,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["question_id"] == "cs-beh-01"


def test_score_command_reports_an_unknown_question_and_missing_file(tmp_path, capsys):
    assert _score_cli("--question", "nope", "--answer-file", "x") == 2
    assert "no question 'nope'" in capsys.readouterr().err
    missing = str(tmp_path / "missing.txt")
    assert _score_cli("--question", "cs-beh-01", "--answer-file", missing) == 2
    assert "cannot read the answer file" in capsys.readouterr().err


def test_batch_output_neutralises_formula_text_but_not_scores(tmp_path, bank):
    source = tmp_path / "in.csv"
    pd.DataFrame(
        {
            "candidate": ["=cmd|' /C calc'!A0", "@x"],
            "question_id": ["cs-beh-01", "cs-nope"],
            "answer": [_strong(bank, "cs-beh-01"), "-1+1"],
        }
    ).to_csv(source, index=False)
    target = tmp_path / "out.csv"
    assert main(["--encoder", "lexical", "batch", str(source), "-o", str(target)]) == 0
    scored = read_answers_csv(target)
    assert list(scored["candidate"]) == ["'=cmd|' /C calc'!A0", "'@x"]
    assert scored.loc[1, "answer"] == "'-1+1"
    assert float(scored.loc[0, "score"]) > 0 and scored.loc[0, "covered"].isdigit()
    assert not scored.loc[0, "points_score"].startswith("'")


def test_a_reference_answer_gives_the_rubric_when_no_points_are_listed(lexical_scorer, bank):
    frame = pd.DataFrame(
        {
            "question": ["盘点内容包括哪些?", "盘点内容包括哪些?", ""],
            "reference_answer": ["盘点内容包括:数量盘点;重量盘点;账实核对。"] * 2 + [""],
            "answer": ["数量盘点、重量盘点、账实核对", "不知道", "数量盘点"],
        }
    )
    out, summary = score_frame(lexical_scorer, bank, frame)
    assert (summary.scored, summary.errors) == (2, 1)
    # The reference as a whole, then each of its clauses: the same rubric as a free-form
    # rubric of that one text (`Target.from_reference`).
    points = [p["point"] for p in json.loads(out.loc[0, "coverage_json"])]
    assert points == ["盘点内容包括:数量盘点;重量盘点;账实核对", "盘点内容包括:数量盘点",
                      "重量盘点", "账实核对"]  # fmt: skip
    assert float(out.loc[0, "score"]) > float(out.loc[1, "score"])
    assert "row 4, column rubric_points" in out.loc[2, "error"]
    assert "reference_answer" in out.loc[2, "error"]


class _FailingScorer:
    """A scorer that fails on every answer (an unexpected error, not a bad row)."""

    def prepare(self, answers, targets) -> None:
        pass

    def score(self, target, answer):
        raise RuntimeError("boom")


def test_each_row_problem_is_said_in_both_languages_at_its_row(lexical_scorer, bank):
    from tests.question_bank.test_messages import assert_bilingual

    frame = pd.DataFrame(
        {
            "question_id": ["cs-nope", "", "", "cs-beh-01"],
            "rubric_points": ["", "", "道歉", ""],
            "points": ["", "", "-2", ""],
            "answer": ["x", "x", "x", " "],
        }
    )
    out, summary = score_frame(lexical_scorer, bank, frame)
    assert [p.row for p in summary.problems] == [2, 3, 4, 5] and summary.errors == 4
    for problem, error in zip(summary.problems, out["error"], strict=True):
        assert_bilingual(problem.message)
        assert problem.message.en == error  # the CSV keeps the English
        assert problem.message.zh.startswith(f"第 {problem.row} 行，")
    assert summary.problems[0].message.zh == "第 2 行，question_id 列：题库中没有题目“cs-nope”。"
    assert summary.problems[2].message.zh == "第 4 行，points 列：“-2”不是正数。"
    two = frame.iloc[[0, 3]].assign(question_id="cs-beh-01", answer="x")
    _, failed = score_frame(_FailingScorer(), bank, two)
    assert failed.problems[0].message.zh == "第 2 行：评分失败（RuntimeError: boom）。"
    assert failed.problems[1].row == 3


def test_whole_file_problems_are_said_in_both_languages_on_every_row(
    lexical_scorer, bank, monkeypatch
):
    from scoring import batch
    from tests.question_bank.test_messages import assert_bilingual

    frames = [pd.DataFrame({"text": ["x", "y"]}), pd.DataFrame({"answer": ["x", "y"]})]
    for frame in frames:
        out, summary = score_frame(lexical_scorer, bank, frame)
        assert [p.row for p in summary.problems] == [2, 3]
        assert {p.message.en for p in summary.problems} == set(out["error"])
        assert_bilingual(summary.problems[0].message)
    monkeypatch.setattr(batch, "MAX_ROWS", 1)
    _, summary = score_frame(lexical_scorer, bank, frames[1])
    assert_bilingual(summary.problems[0].message)
    assert summary.problems[0].message.zh == "文件有 2 行，一次最多评分 1 行。"
