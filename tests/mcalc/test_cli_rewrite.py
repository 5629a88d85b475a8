"""``mcalc reduce`` and ``mcalc optimize``: normal forms with steps, strategies, graphs written as
SVG and DOT, fuel, the optimizer on .fmc and .while files, and refusals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_run import run  # tests/mcalc/cli_run.py

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_reduce_prints_the_steps_and_the_normal_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "reduce", str(EXAMPLES / "swap.fmc"), "--steps")
    assert code == 0
    assert out.splitlines() == [
        "beta @ 2: [A].<y>.[B].[y]",
        "beta @ ε: [B].[A]",
        "[B].[A]",
        "normal form after 2 steps (leftmost-outermost)",
    ]


def test_reduce_an_rmc_term_and_write_its_graph(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    drawing, dot = tmp_path / "g.svg", tmp_path / "g.dot"
    code, out, _ = run(capsys, "reduce", "[a] ; (<a> + <b>) ; [c]", "--calculus", "rmc", "--graph", str(drawing))
    assert code == 0 and out.splitlines()[-1] == "[c]"
    assert out.startswith("graph: 8 terms (all of them), 9 steps, 1 normal forms")
    ET.fromstring(drawing.read_text(encoding="utf-8"))
    assert run(capsys, "reduce", "[a] ; <a>", "--calculus", "rmc", "--graph", str(dot))[0] == 0
    assert dot.read_text(encoding="utf-8").startswith("digraph reduction {")


def test_strategies_and_fuel(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "reduce", "[[1].<x>.[x]]a.<y>.[y]", "--strategy", "machine")[1] == "[[1].<x>.[x]]a.<y>.[y]\n"
    assert run(capsys, "reduce", "[[1].<x>.[x]]a.<y>.[y]", "--strategy", "innermost")[1] == "[[1]]a.<y>.[y]\n"
    code, out, _ = run(capsys, "reduce", "A^A", "--fuel", "5")
    assert code == 1 and "no normal form within 5 steps" in out


def test_optimize_an_fmc_file_and_a_while_program(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "optimize", str(EXAMPLES / "swap.fmc"))
    assert code == 0
    assert out.splitlines()[:2] == ["[B].[A]", "machine steps 6 -> 2 (cost model 8 -> 4), same result"]
    code, out, _ = run(capsys, "optimize", str(EXAMPLES / "factorial.while"), "--set", "n=5")
    assert code == 0 and "machine steps 344 -> 274" in out and "same result" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reduce", "[a]", "--graph", "g.png"], "--graph writes .svg or .dot files"),
        (["optimize", "[1]", "--set", "x=1"], "--set is for .while programs"),
        (["reduce", "[a", "--calculus", "rmc"], "1:3"),
    ],
)
def test_refusals(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err
