"""The command line on the RMC: the JSON contract, limits, fuel, traces, files with definitions,
first-order --stack values, refusals and positioned errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run  # tests/mcalc/cli_run.py

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.rmc.firstorder import FVar, fn
from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NATURALS = "[z] ; (new n. (<n> ; [s(n)]))*"


def test_json_contract_with_a_limit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "--calculus", "rmc", NATURALS, "--limit", "3", "--json")
    assert code == 0
    assert json.loads(out) == {
        "answers": [{"stacks": {"λ": ["z"]}}, {"stacks": {"λ": ["s(z)"]}}, {"stacks": {"λ": ["s(s(z))"]}}],
        "exhausted": False,
        "steps": 47,
        "out_of_fuel": False,
    }


def test_spec_examples_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "new x. new y. ([f(x, b)] ; <f(a, y)> ; [y])": [{"stacks": {"λ": ["b"]}}],
        "[a] ; <b>": [],
        "([a] + [b]) ; <a>": [{"stacks": {}}],
    }
    for term, answers in cases.items():
        code, out, _ = run(capsys, "run", "--calculus", "rmc", term, "--json")
        found = json.loads(out)
        assert code == 0 and found["answers"] == answers and found["exhausted"] is True


def test_human_output_and_fuel(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "--calculus", "rmc", NATURALS, "--limit", "2")
    assert code == 0 and out.splitlines() == [
        "1. λ: [z]",
        "2. λ: [s(z)]",
        "2 answers in 22 steps, stopped at the limit (there may be more answers)",
    ]
    code, out, _ = run(capsys, "run", "--calculus", "rmc", NATURALS, "--fuel", "30", "--json")
    found = json.loads(out)
    assert code == 1 and found["exhausted"] is False and found["steps"] == 30 and found["out_of_fuel"] is True


def test_files_with_definitions_run_forwards_and_backwards(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", str(EXAMPLES / "add.rmc"), "--stack", "λ=s(s(z)),s(z)", "--json")
    assert code == 0 and json.loads(out)["answers"] == [{"stacks": {"λ": ["s(s(s(z)))"]}}]
    code, out, _ = run(capsys, "run", str(EXAMPLES / "split.rmc"), "--stack", "λ=s(s(z))", "--json")
    pairs = [a["stacks"]["λ"] for a in json.loads(out)["answers"]]
    assert code == 0 and sorted(pairs) == [["s(s(z))", "z"], ["s(z)", "s(z)"], ["z", "s(s(z))"]]
    code, out, _ = run(capsys, "run", str(EXAMPLES / "naturals.rmc"), "--limit", "5", "--json")
    assert [a["stacks"]["λ"][0] for a in json.loads(out)["answers"]][-1] == "s(s(s(s(z))))"


def test_stack_values_with_variables_and_the_orders(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "--calculus", "rmc", "new x. (<s(x)> ; [x])", "--stack", "λ=s(s(_1))", "--json")
    assert json.loads(out)["answers"] == [{"stacks": {"λ": ["s(_1)"]}}]
    term = "([a] + [b]) ; ([c] + [d])"
    code, out, _ = run(capsys, "run", "--calculus", "rmc", term, "--order", "depth-first", "--json")
    assert code == 0
    assert [a["stacks"]["λ"] for a in json.loads(out)["answers"]] == [["a", "c"], ["a", "d"], ["b", "c"], ["b", "d"]]


def test_trace_shows_the_first_answers_branch(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "--calculus", "rmc", "([a] + [b]) ; <b>", "--trace", "--json")
    found = json.loads(out)
    assert code == 0 and found["branch"] == "answer"
    assert [s["rule"] for s in found["trace"]] == ["seq", "choice → right", "push", "skip", "pop"]
    code, out, _ = run(capsys, "run", "--calculus", "rmc", "[a] ; <b>", "--trace")
    assert code == 0 and "branch failed after 3 steps: pop: b does not unify with a" in out


def test_refusals_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "run", "--calculus", "rmc", "([a] + [b]) ; <a")
    assert code == 2 and "1:17: expected '>'" in err and "^" in err
    code, _, err = run(capsys, "run", "--calculus", "rmc", "[a]", "--symbolic")
    assert code == 2 and "--symbolic is for the FMC" in err
    code, _, err = run(capsys, "run", "*", "--limit", "2")
    assert code == 2 and "--limit and --order are for the RMC" in err
    code, _, err = run(capsys, "run", "--calculus", "rmc", "[a]", "--stack", "a=f(")
    assert code == 2 and "--stack a=…value 1:1:3" in err


def test_definitions_and_first_order_values_parse() -> None:
    assert parse_rmc("p = [a]\nq = p ; p\nq ; <a>") == parse_rmc("([a] ; [a]) ; <a>")
    with pytest.raises(ParseError, match="'r' is not defined"):
        parse_rmc("p = [a]\nr")
    with pytest.raises(ParseError, match="defined twice"):
        parse_rmc("p = [a]\np = [b]\np")
    with pytest.raises(ParseError, match="expected the term to run"):
        parse_rmc("p = [a]")
    with pytest.raises(ParseError, match="must come before the term to run"):
        parse_rmc("[a]\np = [b]")
    assert parse_first_order("f(_x, y)") == fn("f", FVar("_x"), fn("y"))
    assert parse_first_order("f(x)", variables=frozenset({"x"})) == fn("f", FVar("x"))
    with pytest.raises(ParseError, match="after the term"):
        parse_first_order("f(x) g")


def test_print_rmc_terms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "print", str(EXAMPLES / "split.rmc"), "--notation", "ascii")
    assert code == 0 and parse_rmc(out) == parse_rmc((EXAMPLES / "split.rmc").read_text(encoding="utf-8"))
    code, out, _ = run(capsys, "print", "--calculus", "rmc", "new x. (<x> ; [s(x)])")
    assert out.splitlines() == [
        "unicode: ∃x.(⟨x⟩ ; [s(x)])",
        "ascii: new x.(<x> ; [s(x)])",
        r"latex: \exists x.(\langle x\rangle \mathbin{;} [\mathsf{s}(x)])",
    ]
    code, out, _ = run(capsys, "print", "--calculus", "rmc", "[a]", "--notation", "latex")
    assert code == 0 and out.strip() == r"[\mathsf{a}]"
    code, _, err = run(capsys, "print", "--calculus", "rmc", "[a]", "--sequenced")
    assert code == 2 and "--sequenced" in err
