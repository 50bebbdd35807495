from __future__ import annotations

import json

from question_bank.__main__ import main


def test_validate_shipped_bank_exits_0(capsys):
    assert main(["validate"]) == 0
    assert "OK" in capsys.readouterr().out


def test_validate_lists_problems_and_exits_1(make_bank, question_data, capsys):
    del question_data["points"]
    assert main(["validate", str(make_bank({"a.yaml": question_data}))]) == 1
    err = capsys.readouterr().err
    assert "question t-beh-01: field points: missing required field" in err


def test_stats_json(capsys):
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["questions"] >= 30
    assert all(stats["categories"][c] > 0 for c in stats["categories"])
    assert stats["languages"]["zh"]["questions_complete"] == stats["questions"]
    assert stats["languages"]["en"]["questions_complete"] == stats["questions"]
    assert stats["examples"]["by_kind"]["keyword_list"] >= stats["questions"]


def test_export_import_round_trip_through_cli(tmp_path, capsys):
    assert main(["export", str(tmp_path / "bank.xlsx")]) == 0
    assert main(["import", str(tmp_path / "bank.xlsx"), "-o", str(tmp_path / "out")]) == 0
    assert main(["validate", str(tmp_path / "out")]) == 0
