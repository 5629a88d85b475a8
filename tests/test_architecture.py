"""The folders are the architecture: imports point one way (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("calculus", "machine", "rewriting", "embeddings", "mcalc")
ALLOWED = {
    "calculus": {"calculus"},
    "machine": {"calculus", "machine"},
    "rewriting": {"calculus", "machine", "rewriting"},
    "embeddings": {"calculus", "machine", "rewriting", "embeddings"},
    "mcalc": set(PACKAGES),
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package: str) -> None:
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules, f"{package} has no modules"
    for module in modules:
        broken = imported_packages(module) - ALLOWED[package]
        assert not broken, f"{module.relative_to(ROOT)} imports {sorted(broken)}"


def test_the_check_sees_imports() -> None:
    assert imported_packages(ROOT / "machine" / "fmc.py") == {"calculus", "machine"}
