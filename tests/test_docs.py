"""Docs are executable: the notebooks run, and every ``mcalc`` command shown does what it says.

A ```` ```sh ```` block of ``mcalc`` commands followed directly by a plain ```` ``` ```` block is
checked exactly: the commands' combined output must be that block. Commands without a shown
output must at least not be rejected as bad input (exit 2) unless the docs show the error.
"""

from __future__ import annotations

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
def test_notebook_runs(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(DOCS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == "error"]
    assert not errors
