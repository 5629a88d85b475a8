"""The code stays ruff clean (lint and format) and type-checks with pyright, as the contributors'
guide asks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["check", "format"])
def test_ruff(command: list[str]) -> None:
    pytest.importorskip("ruff")
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_pyright() -> None:
    """No pyright error on the package (pyproject's [tool.pyright] says what and how strictly).

    The PyPI wheel bundles pyright itself and runs it on the machine's node, or on the one the
    ``pyright[nodejs]`` extra installs from PyPI: nothing is downloaded at run time (its check
    for a newer release is turned off)."""
    pytest.importorskip("pyright")
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.stdout.lstrip().startswith("{"), done.stdout + done.stderr  # pyright ran
    report = json.loads(done.stdout)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    listing = "\n".join(
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']} ({d.get('rule', '')})" for d in errors
    )
    assert not errors, f"{len(errors)} pyright errors:\n{listing}"
    assert done.returncode == 0, done.stderr
    assert report["summary"]["filesAnalyzed"] > 50, report["summary"]  # the linked folders were checked
