"""What the command-line tests share: run ``mcalc`` in-process and capture its output."""

from __future__ import annotations

import pytest

from machine_calculus.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``mcalc argv...``: the exit status, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
