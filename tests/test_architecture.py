"""The folders are the architecture: imports point one way (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "machine_calculus"
#: each package of the namespace, the folder that holds it, and the packages it may import
PACKAGES = {
    "calculus": (ROOT / "calculus", {"calculus"}),
    "machine": (ROOT / "machine", {"calculus", "machine"}),
    "rewriting": (ROOT / "rewriting", {"calculus", "machine", "rewriting"}),
    "embeddings": (ROOT / "embeddings", {"calculus", "machine", "rewriting", "embeddings"}),
    "cli": (ROOT / "machine_calculus" / "cli", {"calculus", "machine", "rewriting", "embeddings", "cli"}),
}
#: the old top-level names: nothing may import them any more
OLD_TOP_LEVEL = {"calculus", "machine", "rewriting", "embeddings", "mcalc"}
#: the machines' renderers: they import the machines, never the other way
RENDERERS = {"machine.render", "machine.display", "machine.fmc.render", "machine.rmc.render"}


def imported_modules(path: Path) -> set[str]:
    """The absolute module names ``path`` imports (``from a import b`` counts ``a`` and ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def inside(modules: set[str]) -> set[str]:
    """The module names within the namespace, without its prefix."""
    prefix = NAMESPACE + "."
    return {m[len(prefix) :] for m in modules if m.startswith(prefix)}


def module_name(path: Path, package: str, folder: Path) -> str:
    parts = path.relative_to(folder).with_suffix("").parts
    return ".".join((package, *parts)).removesuffix(".__init__")


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package: str) -> None:
    folder, allowed = PACKAGES[package]
    modules = sorted(folder.rglob("*.py"))
    assert modules, f"{package} has no modules"
    for module in modules:
        used = imported_modules(module)
        broken = {m.split(".")[0] for m in inside(used)} - allowed
        assert not broken, f"{module.relative_to(ROOT)} imports {sorted(broken)}"
        old = {m.split(".")[0] for m in used} & OLD_TOP_LEVEL
        assert not old, f"{module.relative_to(ROOT)} imports {sorted(old)} outside the namespace"


def test_machines_never_import_their_renderers() -> None:
    folder, _ = PACKAGES["machine"]
    for module in sorted(folder.rglob("*.py")):
        name = module_name(module, "machine", folder)
        if name in RENDERERS:
            continue
        drawn = inside(imported_modules(module)) & RENDERERS
        assert not drawn, f"{module.relative_to(ROOT)} imports the renderers {sorted(drawn)}"


def test_machine_mirrors_calculus() -> None:
    for calculus in ("fmc", "rmc"):
        assert (ROOT / "calculus" / calculus / "__init__.py").exists()
        assert (ROOT / "machine" / calculus / "__init__.py").exists()


@pytest.mark.parametrize("folder", ["tests", "benchmarks"])
def test_tests_and_benchmarks_use_the_namespace(folder: str) -> None:
    for module in sorted((ROOT / folder).rglob("*.py")):
        old = {m.split(".")[0] for m in imported_modules(module)} & OLD_TOP_LEVEL
        assert not old, f"{module.relative_to(ROOT)} imports {sorted(old)} outside the namespace"


def test_the_check_sees_imports() -> None:
    used = imported_modules(ROOT / "machine" / "fmc" / "small_step.py")
    assert {m.split(".")[0] for m in inside(used)} == {"calculus", "machine"}
    assert "machine_calculus.calculus.terms.substitute" in used
