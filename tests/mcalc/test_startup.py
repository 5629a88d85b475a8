"""Start-up: ``mcalc`` loads sympy, egglog and hypothesis only for the commands and values that
need them (speed itself is measured by benchmarks/startup.py, not here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: the heavy packages: sympy (numbers, symbols), egglog (the optimizer), hypothesis (strategies)
HEAVY = {"sympy", "egglog", "hypothesis"}


def imported_packages(*argv: str) -> set[str]:
    """The top-level packages ``python -m machine_calculus argv...`` imports, read from
    ``-X importtime``'s report (in a fresh interpreter, run from the repository root)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "machine_calculus", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert lines, "no -X importtime report"
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "[A]"],
        ["run", "[A].<x>.[x]out"],
        ["run", "examples/swap.fmc"],
        ["run", "[A].[A].=="],
        ["run", "--calculus", "rmc", "[a]"],
        ["print", "[A]"],
        ["type", "[A]"],
        ["prolog", "examples/prolog/lists.pl", "--query", "app(X,Y,[1])"],
        ["--help"],
    ],
    ids=" ".join,
)
def test_commands_without_numbers_import_no_heavy_package(argv: list[str]) -> None:
    assert imported_packages(*argv) & HEAVY == set()


def test_the_check_sees_sympy_when_a_run_does_arithmetic() -> None:
    found = imported_packages("run", "[3].[4].+")
    assert "sympy" in found and "machine_calculus" in found
    assert "egglog" not in found
