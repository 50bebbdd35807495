from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from question_bank.loader import load_path
from scoring import engine
from scoring.__main__ import main
from scoring.engine import Scorer, Target
from scoring.trainer import (
    Agreement,
    AgreementRow,
    GradedExample,
    agreement,
    examples_from_question,
    fit_question_offset,
    read_examples_csv,
)
from services.rubric_lab import stored_offsets

QID = "cs-beh-01"


def _shifted(examples, by):
    return [
        GradedExample(e.answer, min(10.0, max(0.0, e.grade + by)), e.language) for e in examples
    ]


def _squared_error(result):
    return sum((r.machine_grade - r.grade) ** 2 for r in result.rows)


def test_agreement_matches_the_reports_and_its_own_statistics(lexical_scorer, bank):
    question = bank.question(QID)
    examples = examples_from_question(question)
    result = agreement(lexical_scorer, question, examples)
    machine = [lexical_scorer.score(question, e.answer).score / 10 for e in examples]
    assert result.n == len(examples) == len(result.rows)
    assert [r.machine_grade for r in result.rows] == pytest.approx(machine, abs=1e-9)
    assert [r.grade for r in result.rows] == [e.grade for e in examples]
    diff = np.array(machine) - np.array([e.grade for e in examples])
    assert result.mean_abs_error == pytest.approx(np.abs(diff).mean())
    assert result.mean_error == pytest.approx(diff.mean())
    assert result.within_one == pytest.approx((np.abs(diff) <= 1).mean())
    assert result.spearman is not None and result.spearman > 0.5  # strong answers rank higher
    assert {r.language for r in result.rows} == {"zh", "en"}


def test_correlations_are_undefined_for_too_few_or_constant_grades():
    two = Agreement.from_rows([AgreementRow("a", 1, 2, "en"), AgreementRow("b", 5, 4, "en")])
    assert two.spearman is None and two.pearson is None and two.mean_abs_error == 1.0
    flat = Agreement.from_rows([AgreementRow(str(i), 5, i, "zh") for i in range(4)])
    assert flat.spearman is None and flat.pearson is None
    ranked = Agreement.from_rows([AgreementRow(str(i), i, 2 * i, "zh") for i in range(4)])
    assert ranked.spearman == pytest.approx(1.0) and ranked.within_one == 0.5


def test_summary_is_one_plain_line_in_either_language(lexical_scorer, bank):
    question = bank.question(QID)
    result = agreement(lexical_scorer, question, examples_from_question(question))
    en, zh = result.summary("en"), result.summary("zh")
    assert "\n" not in en and "\n" not in zh
    n = len(question.examples)
    assert f"{n} graded examples" in en and f"{result.mean_abs_error:.1f} points" in en
    assert f"{n} 个评分示例" in zh and "排序一致性" in zh
    strict = Agreement.from_rows([AgreementRow(str(i), i + 3, i, "en") for i in range(4)])
    assert "3.0 points stricter" in strict.summary("en") and "偏严 3.0 分" in strict.summary("zh")
    assert "cannot be computed" in Agreement.from_rows(strict.rows[:2]).summary("en")


@pytest.mark.parametrize("shift, sign", [(2.0, 1), (-2.0, -1)])
def test_offset_follows_grades_that_are_shifted(lexical_scorer, bank, shift, sign):
    question = bank.question(QID)
    unshifted = fit_question_offset(lexical_scorer, question, examples_from_question(question))
    examples = _shifted(examples_from_question(question), shift)
    result = fit_question_offset(lexical_scorer, question, examples)
    moved = result.offset - unshifted.offset
    assert np.sign(moved) == sign and abs(moved) > 0.2
    assert result.previous_offset == 0.0 and result.question_id == QID
    assert _squared_error(result.after) < _squared_error(result.before)  # least squares
    assert result.before == agreement(lexical_scorer, question, examples)


def test_fitted_offset_applied_by_a_scorer_gives_the_after_grades(lexical_scorer, bank):
    question = bank.question(QID)
    examples = _shifted(examples_from_question(question), 1.5)
    result = fit_question_offset(lexical_scorer, question, examples)
    calibrated = Scorer(None, context=bank.questions, offsets={QID: result.offset})
    assert agreement(calibrated, question, examples) == result.after
    report = calibrated.score(question, examples[0].answer)
    assert report.score / 10 == pytest.approx(result.after.rows[0].machine_grade)
    # the fit replaces the stored offset rather than adding to it
    refit = fit_question_offset(calibrated, question, examples)
    assert refit.previous_offset == result.offset
    assert refit.offset == pytest.approx(result.offset, abs=0.05)
    assert refit.before == result.after


def test_offset_argument_of_probabilities(lexical_scorer, bank):
    target = Target.from_question(bank.question(QID))
    evidence = lexical_scorer.evidence(target, examples_from_question(bank.question(QID))[2].answer)
    stored = Scorer(None, context=bank.questions, offsets={QID: 1.0})
    base = lexical_scorer.probabilities(target, evidence)
    assert np.allclose(lexical_scorer.probabilities(target, evidence, 0.0), base)
    assert np.allclose(stored.probabilities(target, evidence, 0.0), base)
    assert np.allclose(
        stored.probabilities(target, evidence), stored.probabilities(target, evidence, 1.0)
    )
    assert (stored.probabilities(target, evidence) >= base).all()
    assert (stored.probabilities(target, evidence) > base).any()


def test_fit_needs_enough_and_varied_examples(lexical_scorer, bank):
    question = bank.question(QID)
    examples = examples_from_question(question)
    with pytest.raises(ValueError, match="at least 3"):
        fit_question_offset(lexical_scorer, question, examples[:2])
    same = [GradedExample(e.answer, 5.0) for e in examples]
    with pytest.raises(ValueError, match="2 different grades"):
        fit_question_offset(lexical_scorer, question, same)
    with pytest.raises(ValueError, match="bounds"):
        fit_question_offset(lexical_scorer, question, examples, bounds=(1, -1))


def test_fit_stays_within_bounds(lexical_scorer, bank):
    question = bank.question(QID)
    examples = [GradedExample(e.text, 10.0 if e.grade >= 5 else 9.0) for e in question.examples]
    result = fit_question_offset(lexical_scorer, question, examples, bounds=(-0.5, 0.5))
    assert result.offset == pytest.approx(0.5, abs=1e-3)


def test_read_examples_csv(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        '\ufeffAnswer,Grade,language\n我会先道歉,7,zh\n"I would, first, listen",2.5,\n,\n'
    )
    assert read_examples_csv(good) == [
        GradedExample("我会先道歉", 7.0, "zh"),
        GradedExample("I would, first, listen", 2.5, None),
    ]
    for text, message in [
        ("answer\nx\n", "missing column"),
        ("answer,grade\nx,good\n", "row 2: grade 'good'"),
        ("answer,grade\nx,3\ny,11\n", "row 3: grade 11.0 is not between"),
        ("answer,grade\n ,3\n", "row 2: the answer is empty"),
    ]:
        bad = tmp_path / "bad.csv"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            read_examples_csv(bad)


def test_cli_calibrate_prints_and_saves_in_the_database(tmp_path, monkeypatch, capsys, bank):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("INTERVIEW_DATABASE_URL", url)
    examples = tmp_path / "graded.csv"
    rows = ["answer,grade"] + [
        '"{}",{}'.format(e.answer.replace('"', '""'), e.grade)
        for e in _shifted(examples_from_question(bank.question(QID)), 2.0)
    ]
    examples.write_text("\n".join(rows) + "\n", encoding="utf-8")

    args = ["--encoder", "lexical", "calibrate", "--question", QID, "--examples", str(examples)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "before" in out and "after" in out and "mean abs error" in out
    assert "not saved" in out and not (tmp_path / "app.sqlite3").exists()  # reading creates none

    assert main([*args, "--save", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    saved = stored_offsets("lexical", url)[QID]  # where the app reads it
    assert saved > 0 and f"{saved:+.3f}" in out and "评分示例" in out
    assert not list((Path(engine.__file__).parent.parent / "rubrics").glob("*offsets*"))

    # the next command starts from the stored offset, as the app does
    assert main(args) == 0
    assert f"offset {saved:+.3f} ->" in capsys.readouterr().out


def test_cli_calibrate_on_bank_examples_and_errors(capsys):
    assert main(["--encoder", "lexical", "calibrate", "--question", QID]) == 0
    assert "bank examples" in capsys.readouterr().out
    assert main(["--encoder", "lexical", "calibrate", "--question", "cs-nope"]) == 2
    assert "cs-nope" in capsys.readouterr().err


def test_cli_agreement_for_one_question(capsys):
    assert main(["--encoder", "lexical", "agreement", "--question", QID]) == 0
    out = capsys.readouterr().out
    n = len(load_path().question(QID).examples)
    assert out.count(QID) == 1 and f"{n} graded examples" in out
    with pytest.raises(SystemExit):
        main(["--encoder", "lexical", "agreement"])


def test_default_fit_does_not_worsen_bank_agreement(scorer, bank):
    question = bank.question(QID)
    result = fit_question_offset(scorer, question, examples_from_question(question))
    assert result.before.spearman is not None and result.before.spearman > 0.6
    assert _squared_error(result.after) <= _squared_error(result.before) + 1e-9


def test_cli_agreement_says_whether_the_scorer_cites_the_marked_words(capsys, tmp_path):
    from question_bank.exchange import write_bank_dirs
    from question_bank.loader import BankSet

    shipped = load_path()
    question = shipped.question(QID)
    examples = [
        e.model_dump(mode="json")
        | {"evidence": {"p1": ["分别把他俩叫到小会议室"]} if e.id == "strong-zh" else None}
        for e in question.examples  # the shipped marks left out: one marked point
    ]
    marked = type(question).model_validate(
        question.model_dump(mode="json") | {"examples": examples}
    )
    others = tuple(q for q in shipped.questions if q.id != QID)
    write_bank_dirs(BankSet(shipped.banks, (marked, *others)), tmp_path)
    argv = ["--encoder", "lexical", "--bank", str(tmp_path), "agreement", "--question", QID]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Of 1 marked points, the scorer cites the marked words for" in out
    assert main([*argv, "--lang", "zh"]) == 0
    assert "标注的 1 个要点中" in capsys.readouterr().out
