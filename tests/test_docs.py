"""Docs are executable: the notebooks run, every ``mcalc`` command shown does what it says, and
every Python example runs. Docs are self-contained: they name only files that exist.

A ```` ```sh ```` block of ``mcalc`` commands followed directly by a plain ```` ``` ```` block is
checked exactly: the commands' combined output must be that block. Commands without a shown
output must at least not be rejected as bad input (exit 2) unless the docs show the error.
A ```` ```python ```` block is run (the blocks of one file in order, sharing their names); a
block of ``>>>`` examples is run as a doctest, so the outputs shown must be the outputs.

The calculi are defined in ``docs/``; nothing a user gets may point to a definition outside the
repository.
"""

from __future__ import annotations

import doctest
import importlib
import json
import os
import re
import shlex
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from machine_calculus.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDES = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]
NOTEBOOKS = sorted(DOCS.glob("*.ipynb"))

FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
#: what users get: the guides, the notebooks, and every module of the packages and the benchmarks
SHIPPED = [
    *sorted(DOCS.iterdir()),
    ROOT / "README.md",
    ROOT / "pyproject.toml",
    *(
        module
        for folder in ("calculus", "machine", "rewriting", "embeddings", "machine_calculus/cli", "benchmarks")
        for module in sorted((ROOT / folder).rglob("*.py"))
    ),
    *sorted((ROOT / "machine_calculus").glob("*.py")),
]
#: a mention of the project's private specification folder, or of one of its pages
OUTSIDE_SPEC = re.compile(r"shared/spec|\bspec[/ ][\w-]+\.md")


def examples() -> list[tuple[str, list[str], str | None]]:
    """``(where, commands, shown output or None)`` for each shell block that runs ``mcalc``."""
    found = []
    for guide in GUIDES:
        text = guide.read_text(encoding="utf-8")
        blocks = list(FENCE.finditer(text))
        for i, block in enumerate(blocks):
            if block.group(1) not in ("sh", "shell", "console"):
                continue
            commands = [line.strip() for line in block.group(2).splitlines() if line.strip().startswith("mcalc ")]
            if not commands:
                continue
            shown = None
            if i + 1 < len(blocks):
                after = blocks[i + 1]
                if after.group(1) == "" and not text[block.end() : after.start()].strip():
                    shown = after.group(2)
            line = text[: block.start()].count("\n") + 1
            found.append((f"{guide.name}:{line}", commands, shown))
    return found


EXAMPLES = examples()


def test_the_docs_show_commands() -> None:
    assert sum(shown is not None for _, _, shown in EXAMPLES) >= 6
    assert len(NOTEBOOKS) >= 1


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder to run the documented commands in: ``examples/`` resolves as at the repository's
    root (a copy), and what a command writes (``--graph swap.svg``) lands here, not in the
    repository."""
    where = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "examples", where / "examples")
    return where


@pytest.mark.parametrize(("where", "commands", "shown"), EXAMPLES, ids=[w for w, _, _ in EXAMPLES])
def test_documented_commands(
    where: str,
    commands: list[str],
    shown: str | None,
    workspace: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("COLUMNS", "100")
    output = []
    for command in commands:
        argv = shlex.split(command, comments=True)[1:]
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        output.append(captured.out + captured.err)
        if shown is None or not captured.err.startswith("mcalc:"):
            assert code != 2, f"{where}: {command} was rejected:\n{captured.err}"
    if shown is not None:

        def tidy(text: str) -> list[str]:
            return [line.rstrip() for line in text.strip("\n").splitlines()]

        assert tidy("".join(output)) == tidy(shown), where


def test_the_documented_commands_write_nothing_into_the_repository(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    writers = [shlex.split(c, comments=True)[1:] for _, commands, _ in EXAMPLES for c in commands if "--graph" in c]
    assert writers  # README.md: mcalc reduce examples/swap.fmc --steps --graph swap.svg
    monkeypatch.chdir(workspace)
    for argv in writers:
        written = argv[argv.index("--graph") + 1]
        before = (ROOT / written).stat().st_mtime_ns if (ROOT / written).exists() else None  # a stray old copy
        assert main(argv) == 0
        after = (ROOT / written).stat().st_mtime_ns if (ROOT / written).exists() else None
        assert (workspace / written).is_file() and after == before, written
    capsys.readouterr()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_notebook_runs(notebook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the kernel imports this checkout, not whatever machine_calculus is installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(DOCS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == "error"]
    assert not errors
    # what the notebook shows, it shows by the objects' own display (notation, tables, drawings)
    shown = {kind for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs for kind in o.get("data", {})}
    assert shown & {"text/html", "image/svg+xml", "text/latex"}, f"{notebook.name} displays no object"


#: printing helpers a notebook has no need of: terms, types, graphs and traces show themselves
PRINTING_HELPERS = re.compile(
    r"\b(to_unicode|to_ascii|to_latex|rmc_text|term_text|pretty_type|svg|SVG|HTML|trace_html)\("
)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_notebooks_show_objects_without_printing_helpers(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    used = [m.group() for cell in nb.cells if cell.cell_type == "code" for m in PRINTING_HELPERS.finditer(cell.source)]
    assert not used, f"{notebook.name} calls {sorted(set(used))}"


def python_blocks(guide: Path) -> list[str]:
    return [b.group(2) for b in FENCE.finditer(guide.read_text(encoding="utf-8")) if b.group(1) in ("python", "py")]


PYTHON_GUIDES = [guide for guide in GUIDES if python_blocks(guide)]


def test_the_readme_shows_python() -> None:
    assert ROOT / "README.md" in PYTHON_GUIDES


@pytest.mark.parametrize("guide", PYTHON_GUIDES, ids=[g.name for g in PYTHON_GUIDES])
def test_python_examples_run(guide: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    names: dict[str, object] = {"__name__": "__docs__"}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(python_blocks(guide)):
        where = f"{guide.name}, python block {i + 1}"
        if ">>>" in block:
            test = doctest.DocTestParser().get_doctest(block, names, where, str(guide), 0)
            result = runner.run(test, clear_globs=False)
            names = test.globs  # (a doctest runs in a copy of the names it is given)
            assert not result.failed, f"{where}: {result.failed} example(s) failed (see the output above)"
        else:
            exec(compile(block, where, "exec"), names)


# -- self-contained: the docs name only what exists ------------------------------------------------


def shipped_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
    return text


def test_nothing_points_outside_the_repository() -> None:
    """The calculi's definitions are in docs/, in our own words: no link to the private spec."""
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in SHIPPED
        if path.is_file()
        for match in OUTSIDE_SPEC.finditer(shipped_text(path))
    ]
    assert not found


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
BACKTICKED = re.compile(r"`([\w./-]+)`")
FILE_KINDS = (".py", ".md", ".ipynb", ".fmc", ".rmc", ".while", ".pl", ".trs", ".json", ".toml")


def mentioned_paths(text: str) -> list[str]:
    """Markdown links, and backticked paths: ``docs/x.md``, ``machine/fmc/fast.py``,
    ``examples/trs/``, and guides named alone (``rmc.md``); not a module named alone (``fast.py``),
    which the text places in a folder it names nearby."""
    paths = [target for target in LINK.findall(text) if not re.match(r"[a-z]+:|#", target)]
    for token in BACKTICKED.findall(text):
        folder = token.endswith("/") and "/" in token[:-1]
        if folder or (token.endswith(FILE_KINDS) and ("/" in token or token.endswith((".md", ".ipynb")))):
            paths.append(token)
    return [path.split("#")[0] for path in paths]


def test_the_files_the_docs_name_exist() -> None:
    missing = []
    for guide in [*GUIDES, *NOTEBOOKS]:
        for path in mentioned_paths(shipped_text(guide)):
            if not any((base / path).exists() for base in (guide.parent, ROOT, DOCS)):
                missing.append(f"{guide.name}: {path}")
    assert not missing


def test_the_check_sees_links_and_paths() -> None:
    text = "[the RMC](rmc.md) [a site](https://example.org) `docs/x.md` `intro.md` `fast.py` `app/3` `a/b/`"
    assert mentioned_paths(text) == ["rmc.md", "docs/x.md", "intro.md", "a/b/"]
    assert OUTSIDE_SPEC.search("see ../shared/spec/rmc.md") and OUTSIDE_SPEC.search("(spec rmc.md)")
    assert not OUTSIDE_SPEC.search("the spec's example, specified in docs/rmc.md")


MODULE_REFERENCE = re.compile(r"`((?:machine_calculus\.)?(?:calculus|machine|rewriting|embeddings|cli)(?:\.\w+)+)")


def test_the_modules_the_docs_name_exist() -> None:
    """``machine.fmc.fast.run``: each dotted part a module of the namespace, or, last, a name in one."""
    missing = []
    for guide in [*GUIDES, *NOTEBOOKS]:
        for reference in MODULE_REFERENCE.findall(shipped_text(guide)):
            parts = reference.removeprefix("machine_calculus.").split(".")
            if "." + parts[-1] in FILE_KINDS:
                continue  # a file name such as machine.ipynb
            module = importlib.import_module("machine_calculus")
            for i, part in enumerate(parts):
                try:
                    module = importlib.import_module(".".join(["machine_calculus", *parts[: i + 1]]))
                except ModuleNotFoundError:
                    if not hasattr(module, part):
                        missing.append(f"{guide.name}: {reference}")
                    break
    assert not missing
