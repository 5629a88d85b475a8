"""``mcalc prolog``: the JSON contract, top-level style output, orders, limits, fuel, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run  # tests/mcalc/cli_run.py

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "prolog", str(EXAMPLES / "prolog" / "lists.pl"), "--query", "app(X, Y, [1, 2])", "--json"
    )
    assert code == 0
    assert json.loads(out) == {
        "answers": [{"X": "[]", "Y": "[1, 2]"}, {"X": "[1]", "Y": "[2]"}, {"X": "[1, 2]", "Y": "[]"}],
        "exhausted": True,
        "steps": 591,
        "out_of_fuel": False,
    }


def test_top_level_style(capsys: pytest.CaptureFixture[str]) -> None:
    lists = str(EXAMPLES / "prolog" / "lists.pl")
    assert run(capsys, "prolog", lists, "--query", "mem(X, [a, b])")[1].splitlines() == ["X = a ;", "X = b."]
    assert run(capsys, "prolog", lists, "--query", "mem(a, [a])")[1].strip() == "true."
    assert run(capsys, "prolog", lists, "--query", "mem(z, [a])")[1].strip() == "false."


def test_orders_limit_and_fuel(capsys: pytest.CaptureFixture[str]) -> None:
    graph = str(EXAMPLES / "prolog" / "graph.pl")
    code, out, _ = run(capsys, "prolog", graph, "--query", "path_l(a, X)", "--order", "fair", "--limit", "2", "--json")
    found = json.loads(out)
    assert code == 0 and len(found["answers"]) == 2  # two of the nodes reachable from a, left recursion
    assert {a["X"] for a in found["answers"]} <= {"b", "c", "d", "e"}
    assert found["exhausted"] is False and found["out_of_fuel"] is False  # stopped at the limit
    code, out, _ = run(capsys, "prolog", graph, "--query", "path_l(a, X)", "--limit", "1", "--fuel", "5000")
    assert code == 1 and "out of fuel" in out
    code, out, _ = run(capsys, "prolog", graph, "--query", "path_l(a, X)", "--fuel", "5000", "--json")
    assert code == 1 and json.loads(out) == {"answers": [], "exhausted": False, "steps": 5000, "out_of_fuel": True}


def test_errors_name_the_feature_and_place(capsys: pytest.CaptureFixture[str]) -> None:
    lists = str(EXAMPLES / "prolog" / "lists.pl")
    code, _, err = run(capsys, "prolog", lists, "--query", "mem(X, [a]), !")
    assert code == 2 and "cut (!) is not supported" in err
    code, _, err = run(capsys, "prolog", lists, "--query", "mem(X, [a]")
    assert code == 2 and "--query:1:11" in err and "^" in err
    code, _, err = run(capsys, "prolog", "p :- q(X), X is 1.", "--query", "p")
    assert code == 2 and "arithmetic (is/2; use Peano numbers) is not supported" in err
    code, out, _ = run(capsys, "prolog", lists, "--query", "mem(X, [a])", "--term")
    assert code == 0 and "g<$end>" in out
