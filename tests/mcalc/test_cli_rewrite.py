"""``mcalc reduce`` and ``mcalc optimize``: normal forms with steps, strategies, graphs written as
SVG (either layout) and DOT, first-order TRSs with a start term, fuel, the optimizer on .fmc and
.while files, and refusals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_run import run  # tests/mcalc/cli_run.py

from machine_calculus.rewriting import drawing

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


SVG = "{http://www.w3.org/2000/svg}"


def test_reduce_a_trs_from_a_start_term(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "reduce", str(EXAMPLES / "trs/peano.trs"), "--term", "add(s(0), s(0))", "--steps")
    assert code == 0
    assert out.splitlines() == [
        "add(s(x), y) -> s(add(x, y)) @ ε: s(add(0, s(0)))",
        "add(0, y) -> y @ 0: s(s(0))",
        "s(s(0))",
        "normal form after 2 steps (leftmost-outermost)",
    ]
    term = "mul(s(0), add(0, 0))"  # innermost reduces the argument first
    inner = run(capsys, "reduce", str(EXAMPLES / "trs/peano.trs"), "--term", term, "--steps", "--strategy", "innermost")
    assert inner[0] == 0 and inner[1].startswith("add(0, y) -> y @ 1: mul(s(0), 0)\n")
    code, out, _ = run(capsys, "reduce", str(EXAMPLES / "trs/commutativity.trs"), "--term", "f(a, b)", "--fuel", "3")
    assert code == 1 and "no normal form within 3 steps" in out


def test_a_trs_needs_a_start_term(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "reduce", str(EXAMPLES / "trs/newman.trs"))
    assert code == 2 and out == "" and "Traceback" not in err
    assert "newman.trs is a TRS: rules, no start term; give one with --term T" in err
    assert "(its symbols: a/0, b/0, c/0, d/0)" in err
    code, _, err = run(capsys, "reduce", str(EXAMPLES / "swap.fmc"), "--term", "a")
    assert code == 2 and "--term gives a TRS's start term" in err
    code, _, err = run(capsys, "reduce", str(EXAMPLES / "trs/peano.trs"), "--term", "add(0,")
    assert code == 2 and "--term:1:7" in err


def test_a_trs_graph_as_svg_and_dot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import json

    drawn, dot = tmp_path / "newman.svg", tmp_path / "newman.dot"
    newman = str(EXAMPLES / "trs/newman.trs")
    code, out, _ = run(capsys, "reduce", newman, "--term", "b", "--graph", str(drawn), "--layout", "builtin")
    assert code == 0 and out.splitlines()[0] == f"graph: 4 terms (all of them), 4 steps, 2 normal forms -> {drawn}"
    root = ET.fromstring(drawn.read_text(encoding="utf-8"))
    assert root.get("viewBox") and root.get("width") == "100%" and root.find(f"{SVG}g[@class='edges']") is not None
    titles = {g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g") if g.get("class") == "node"}
    assert titles == {"a", "b", "c", "d"}
    code, out, _ = run(capsys, "reduce", newman, "--term", "b", "--graph", str(dot), "--json")
    assert code == 0 and json.loads(out)["graph"]["normal_forms"] == ["a", "d"]
    assert json.loads(out)["calculus"] == "trs"
    text = dot.read_text(encoding="utf-8")
    assert text.startswith("digraph reduction {") and 'n0 -> n2 [label="b -> c @ ε", id="e1"];' in text


def test_the_layout_of_a_graph(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = tmp_path / "g.svg"
    swap = str(EXAMPLES / "swap.fmc")
    if drawing.dot_available():
        assert run(capsys, "reduce", swap, "--graph", str(drawn), "--layout", "dot")[0] == 0
        assert ET.fromstring(drawn.read_text(encoding="utf-8")).find(f"{SVG}g[@class='graph']") is not None
        assert run(capsys, "reduce", swap, "--graph", str(drawn))[0] == 0  # auto: dot
        assert ET.fromstring(drawn.read_text(encoding="utf-8")).find(f"{SVG}g[@class='graph']") is not None
    monkeypatch.setattr(drawing.shutil, "which", lambda name: None)  # a machine without Graphviz
    assert run(capsys, "reduce", swap, "--graph", str(drawn))[0] == 0
    assert ET.fromstring(drawn.read_text(encoding="utf-8")).find(f"{SVG}g[@class='edges']") is not None
    code, _, err = run(capsys, "reduce", swap, "--graph", str(drawn), "--layout", "dot")
    assert code == 2 and "--layout dot: Graphviz's dot program is not installed" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reduce", "[a]", "--graph", "g.png"], "--graph writes .svg or .dot files"),
        (
            ["reduce", str(EXAMPLES / "trs/newman.trs"), "--term", "b", "--strategy", "machine"],
            "a TRS has leftmost-outermost",
        ),
        (["optimize", "[1]", "--set", "x=1"], "--set is for .while programs"),
        (["reduce", "[a", "--calculus", "rmc"], "1:3"),
    ],
)
def test_refusals(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err
