from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

MINIMAL_QUESTION: dict[str, Any] = {
    "id": "t-beh-01",
    "bank": "test-bank",
    "category": "behavioral",
    "title": {"zh": "团队冲突", "en": "Team conflict"},
    "question": {"zh": "两名员工发生冲突,你如何处理?", "en": "Two staff clash. What do you do?"},
    "competencies": [{"zh": "冲突管理", "en": "Conflict management"}],
    "points": 10,
    "source": {"document": "000_ede9804a2d121638.txt"},
    "rubric": [
        {"id": "p1", "text": {"zh": "分别单独沟通", "en": "Talks to each privately"}},
        {"id": "p2", "text": {"zh": "找出冲突根源", "en": "Finds the root cause"}, "weight": 2},
        {"id": "p3", "text": {"zh": "跟进改进效果", "en": "Follows up on the result"}},
    ],
    "examples": [
        {
            "id": "s1",
            "kind": "strong",
            "language": "zh",
            "grade": 9,
            "covers": ["p1", "p2", "p3"],
            "text": "我先找两个人分别聊了……",
        },
    ],
}


@pytest.fixture
def question_data() -> dict[str, Any]:
    """A fresh, valid question as raw YAML data."""
    return copy.deepcopy(MINIMAL_QUESTION)


@pytest.fixture
def make_bank(tmp_path: Path):
    """Write a bank folder with the given question files; returns the folder."""

    def make(files: dict[str, Any | str], bank_id: str = "test-bank") -> Path:
        bank_dir = tmp_path / bank_id
        (bank_dir / "questions").mkdir(parents=True)
        bank = {
            "id": bank_id,
            "name": {"zh": "测试", "en": "Test"},
            "role": {"zh": "主管", "en": "Supervisor"},
        }
        (bank_dir / "bank.yaml").write_text(yaml.safe_dump(bank, allow_unicode=True), "utf-8")
        for name, content in files.items():
            text = (
                content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
            )
            (bank_dir / "questions" / name).write_text(text, encoding="utf-8")
        return bank_dir

    return make
