"""``mcalc search``: solutions with bindings and witness paths, each kind, TRS and RMC sources, the
answers of an RMC run, --where, --json, exit statuses (0 found, 1 none, 2 bad input) and
positioned errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run  # tests/mcalc/cli_run.py

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_normal_forms_with_their_bindings_and_witness_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", str(EXAMPLES / "swap.fmc"), "--pattern", "[?N].?M", "--kind", "=>!")
    assert code == 0
    assert out.splitlines() == [
        "solution 1 (2 steps): [B].[A]",
        "  ?M = [A]",
        "  ?N = B",
        "  beta @ 2: [A].<y>.[B].[y]",
        "  beta @ ε: [B].[A]",
        "1 solution (normal forms); exhausted: all 3 reachable terms were searched",
    ]


def test_each_kind(capsys: pytest.CaptureFixture[str]) -> None:
    def depths(kind: str) -> list[str]:
        _, out, _ = run(capsys, "search", str(EXAMPLES / "swap.fmc"), "--pattern", "?M", "--kind", kind, "--json")
        return [s["depth"] for s in json.loads(out)["solutions"]]

    assert depths("=>*") == [0, 1, 2] and depths("=>+") == [1, 2] and depths("=>1") == [1] and depths("=>!") == [2]


def test_json_is_one_object_with_the_solutions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "[A].<x>.[x].[x]", "--pattern", "[?X].[?X]", "--json")
    assert code == 0 and len(out.splitlines()) == 1
    data = json.loads(out)
    assert list(data) == [
        "calculus", "kind", "pattern", "status", "reason", "exhausted", "solutions", "expanded", "terms", "depth",
    ]  # fmt: skip
    (solution,) = data["solutions"]
    assert solution == {
        "term": "[A].[A]",
        "term_unicode": "[A].[A]",
        "bindings": {"X": "A"},
        "depth": 1,
        "path": [{"rule": "beta", "position": [], "term": "[A].[A]"}],
    }


def test_no_solution_exits_1_and_names_the_bound(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "A^A", "--pattern", "?M", "--kind", "=>!", "--depth", "4")
    assert code == 1 and out.splitlines()[-1].startswith(
        "0 solutions (normal forms); stopped at the depth bound (--depth 4"
    )
    code, out, _ = run(capsys, "search", "A^A", "--pattern", "?M", "--kind", "=>!", "--nodes", "3", "--json")
    assert code == 1 and json.loads(out)["status"] == "node_bound" and "--nodes 3" in json.loads(out)["reason"]
    code, out, _ = run(capsys, "search", "[A].<x>.[x].[x]", "--pattern", "[?X].[?Y]", "--where", "?X != ?Y")
    assert code == 1 and out.splitlines() == [
        "0 solutions (zero or more steps); exhausted: all 2 reachable terms were searched"
    ]
    code, out, _ = run(capsys, "search", "A^A", "--pattern", "?M", "--limit", "2")
    assert code == 0 and "stopped at the solution limit (--limit 2)" in out


def test_where_conditions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "search",
        "[A]b.<y>.[C]",
        "--pattern",
        "[?N]?a.<?x>.?M",
        "--where",
        "?x not free in ?M",
        "--where",
        "?a == b",
    )
    assert code == 0 and "?a = b" in out and "?x = y" in out
    code, _, _ = run(capsys, "search", "[A]b.<y>.[y]", "--pattern", "[?N]?a.<?x>.?M", "--where", "?x not free in ?M")
    assert code == 1
    code, out, _ = run(capsys, "search", "[A].[B]", "--pattern", "[?N].?M", "--where", "?M normal and ?N == A")
    assert code == 0 and "?N = A" in out


def test_a_trs_from_a_start_term(capsys: pytest.CaptureFixture[str]) -> None:
    peano = str(EXAMPLES / "trs" / "peano.trs")
    code, out, _ = run(capsys, "search", peano, "--term", "add(s(0), s(0))", "--pattern", "s(s(?X))", "--kind", "=>!")
    assert code == 0 and out.splitlines()[0] == "solution 1 (2 steps): s(s(0))" and "  ?X = 0" in out
    assert "add(s(x), y) -> s(add(x, y)) @ ε: s(add(0, s(0)))" in out


def test_an_rmc_term_and_the_answers_of_its_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "search", "[a] ; (<a> + <b>) ; [c]", "--calculus", "rmc", "--pattern", "[?t]?a", "--kind", "=>!"
    )
    assert code == 0 and out.startswith("solution 1 (5 steps): [c]")
    split = str(EXAMPLES / "split.rmc")
    code, out, _ = run(capsys, "search", split, "--answers", "--stack", "λ=s(s(z))", "--pattern", "λ: [?X, ?X]")
    assert code == 0 and out.splitlines()[:2] == ["answer 2: λ: [s(z), s(z)]", "  ?X = s(z)"]
    assert out.splitlines()[-1] == "1 matching answer; exhausted: all 3 answers were looked at"
    code, out, _ = run(capsys, "search", split, "--answers", "--stack", "λ=s(s(z))", "--pattern", "[?X]", "--json")
    assert code == 1 and json.loads(out)["matches"] == [] and json.loads(out)["exhausted"] is True


def test_bad_input_is_a_positioned_error_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "[A]", "--pattern", "[?N")
    assert code == 2 and out == "" and err.startswith("mcalc: --pattern:1:4: expected ']'") and "^" in err
    code, _, err = run(capsys, "search", "[A]", "--pattern", "[?N].?M", "--where", "?N != ?Q")
    assert code == 2 and "--where:1:7: ?Q is not a metavariable of the pattern" in err
    code, _, err = run(capsys, "search", "[?X]", "--pattern", "?M")
    assert code == 2 and "<term>:1:2: unexpected character '?'" in err
    code, _, err = run(capsys, "search", str(EXAMPLES / "trs" / "peano.trs"), "--pattern", "?X")
    assert code == 2 and "--term T" in err
    code, _, err = run(capsys, "search", "[A]", "--pattern", "?M", "--answers")
    assert code == 2 and "RMC" in err
    code, _, err = run(capsys, "search", "[a]", "--calculus", "rmc", "--answers", "--pattern", "λ: [?X", "--json")
    assert code == 2 and "--pattern:1:4: unclosed '['" in err
    with pytest.raises(SystemExit):
        run(capsys, "search", "[A]", "--pattern", "?M", "--kind", "=>2")
