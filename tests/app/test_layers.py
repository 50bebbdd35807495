"""The layers of the design: pages call services, services call the engines and storage;
the engines never draw a page."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imported(path: Path) -> set[str]:
    """The top-level packages a module imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "app_pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_reach_storage_only_through_services(path):
    assert "storage" not in _imported(path)


@pytest.mark.parametrize("package", ["scoring", "question_bank", "speech", "services"])
def test_engines_and_services_never_import_streamlit(package):
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules, f"{package} has no modules"
    drawing = [m.relative_to(ROOT).as_posix() for m in modules if "streamlit" in _imported(m)]
    assert drawing == []
