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
    "widgets": (ROOT / "machine_calculus" / "widgets", {"calculus", "machine", "rewriting", "embeddings", "widgets"}),
}
#: the old top-level names: nothing may import them any more
OLD_TOP_LEVEL = {"calculus", "machine", "rewriting", "embeddings", "mcalc"}
#: the machines' renderers: they import the machines; the machines import a renderer only inside
#: a display method (``_repr_html_``..., or ``_html``, which those call), when a notebook asks
RENDERERS = {"machine.render", "machine.fmc.render", "machine.rmc.render"}
#: the methods a notebook calls to show an object, where a model may import its renderer
DISPLAY_METHODS = ("_repr_", "_html")


def imported_modules(path: Path, outside_display: bool = False) -> set[str]:
    """The absolute module names ``path`` imports (``from a import b`` counts ``a`` and ``a.b``);
    with ``outside_display``, not counting the imports inside display methods."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    nodes: list[ast.AST] = [tree]
    while nodes:
        node = nodes.pop()
        if outside_display and isinstance(node, ast.FunctionDef) and node.name.startswith(DISPLAY_METHODS):
            continue
        nodes.extend(ast.iter_child_nodes(node))
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
        drawn = inside(imported_modules(module, outside_display=True)) & RENDERERS
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


def test_renderers_are_imported_only_where_a_notebook_asks() -> None:
    """The machines' display methods import their renderers (so this check has something to
    exempt), and nothing else in the machine modules does."""
    path = ROOT / "machine" / "fmc" / "small_step.py"
    assert "fmc.render" in {m.removeprefix("machine.") for m in inside(imported_modules(path))}
    assert not inside(imported_modules(path, outside_display=True)) & RENDERERS
