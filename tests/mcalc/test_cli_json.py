"""``--json`` on every subcommand: one JSON object on stdout, also when the command exits 1; bad
input (exit 2) stays a positioned message on stderr. The objects are documented in docs/json.md."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cli_run import run  # tests/mcalc/cli_run.py

from machine_calculus.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    """``mcalc argv... --json``: the exit status and the one JSON object printed (nothing on stderr)."""
    code, out, err = run(capsys, *argv, "--json")
    assert err == ""
    assert out.endswith("\n") and out.count("\n") == 1, out  # exactly one line: one object
    return code, json.loads(out)


# -- print ---------------------------------------------------------------------------------------


def test_print_json_gives_every_notation(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "print", "λx y.[x]a.y ; z")
    assert code == 0
    assert payload == {
        "calculus": "fmc",
        "sequenced": False,
        "ascii": "<x>.<y>.[x]a.y ; z",
        "unicode": "⟨x⟩.⟨y⟩.[x]a.y ; z",
        "latex": r"\langle x\rangle.\langle y\rangle.[x]a.y \mathbin{;} z",
    }
    code, payload = run_json(capsys, "print", "([A]a.b<x>.x) ; [x]c", "--sequenced", "--notation", "ascii")
    assert code == 0 and payload["sequenced"] is True and payload["ascii"] == "[A]a.b<x1>.x1.[x]c"
    assert list(payload) == ["calculus", "sequenced", "ascii", "unicode", "latex"]  # --notation: text only


def test_print_json_of_an_rmc_term_has_its_latex(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "print", "--calculus", "rmc", "([a] + [b]) ; <x>")
    assert code == 0
    assert payload == {
        "calculus": "rmc",
        "sequenced": False,
        "ascii": "([a] + [b]) ; <x>",
        "unicode": "([a] + [b]) ; ⟨x⟩",
        "latex": r"([\mathsf{a}] + [\mathsf{b}]) \mathbin{;} \langle \mathsf{x}\rangle",
    }


# -- type ----------------------------------------------------------------------------------------


def test_type_json_of_a_typable_term(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "type", "<x>.<y>.[x].[y]")
    assert code == 0
    assert payload == {
        "typable": True,
        "type": "λ(t u) => λ(u t)",
        "type_unicode": "λ(t u) ⇒ λ(u t)",
        "free": {},
        "free_unicode": {},
        "error": None,
    }
    code, payload = run_json(capsys, "type", "x.y", "--notation", "latex")
    assert code == 0 and payload["free"] == {"x": "r => s", "y": "r => s"} and payload["type_unicode"] == "ρ ⇒ σ"


def test_type_json_of_an_untypable_term_names_the_sub_term(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "type", "[A]out ; [True].[1].+")
    assert code == 1
    assert payload == {
        "typable": False,
        "type": None,
        "type_unicode": None,
        "free": {},
        "free_unicode": {},
        "error": {
            "message": "cannot type [True].[1].+: int ≠ bool",
            "term": "[True].[1].+",
            "term_unicode": "[True].[1].+",
        },
    }
    code, payload = run_json(capsys, "type", "[<x>.[x].x].<x>.[x].x")
    assert code == 1 and "occurs check" in payload["error"]["message"]
    assert payload["error"]["term"] == "[<x>.[x].x].<x>.[x].x" and payload["error"]["term_unicode"].startswith("[⟨x⟩")


# -- reduce --------------------------------------------------------------------------------------


def test_reduce_json_to_a_normal_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "reduce", str(EXAMPLES / "swap.fmc"))
    assert code == 0
    assert payload == {
        "calculus": "fmc",
        "strategy": "leftmost-outermost",
        "status": "normal_form",
        "reason": None,
        "steps": 2,
        "term": "[B].[A]",
        "term_unicode": "[B].[A]",
        "trace": None,
        "graph": None,
    }
    code, payload = run_json(capsys, "reduce", str(EXAMPLES / "swap.fmc"), "--steps", "--strategy", "machine")
    assert code == 0 and payload["strategy"] == "machine"
    assert payload["trace"] == [
        {"rule": "beta", "position": [2], "term": "[A].<y>.[B].[y]"},
        {"rule": "beta", "position": [], "term": "[B].[A]"},
    ]


def test_reduce_json_of_an_rmc_term_prints_ascii_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "reduce", "--calculus", "rmc", "([a] + [b]) ; <a>", "--steps")
    assert code == 0 and payload["calculus"] == "rmc" and payload["steps"] == 4
    assert payload["term"] == "*" and payload["term_unicode"] == "⋆"
    assert [(s["rule"], s["position"]) for s in payload["trace"]] == [
        ("distribute", []),
        ("unify", [0]),
        ("unify", [1]),
        ("fail", []),
    ]
    assert payload["trace"][0]["term"] == "[a] ; <a> + [b] ; <a>"


def test_reduce_json_without_a_normal_form_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "reduce", "[<x>.[x].x].<x>.[x].x", "--fuel", "3", "--steps")
    assert code == 1
    assert payload["status"] == "out_of_fuel" and payload["steps"] == 3 and len(payload["trace"]) == 3
    assert payload["reason"] == "no normal form within 3 steps (leftmost-outermost)"
    assert payload["term"] == "[<x>.[x].x].<x>.[x].x" and payload["term_unicode"] == "[⟨x⟩.[x].x].⟨x⟩.[x].x"


def test_reduce_json_with_a_graph(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "swap.dot"
    code, payload = run_json(capsys, "reduce", str(EXAMPLES / "swap.fmc"), "--graph", str(out))
    assert code == 0 and out.read_text(encoding="utf-8").startswith("digraph")
    assert payload["graph"] == {
        "file": str(out),
        "terms": 3,
        "steps": 2,
        "complete": True,
        "unexpanded": 0,
        "normal_forms": ["[B].[A]"],
    }
    code, payload = run_json(capsys, "reduce", "[<x>.[x].x].<x>.[x].x", "--graph", str(out), "--fuel", "5")
    assert code == 1 and payload["graph"]["complete"] is True and payload["graph"]["normal_forms"] == []


# -- optimize ------------------------------------------------------------------------------------


def test_optimize_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "optimize", str(EXAMPLES / "swap.fmc"))
    assert code == 0
    assert list(payload) == [
        "optimized",
        "optimized_unicode",
        "same_result",
        "before",
        "after",
        "cost_model",
        "e_nodes",
        "rounds",
    ]
    assert payload["optimized"] == "[B].[A]" and payload["same_result"] is True
    done = {"status": "done", "exit": "*", "reason": None, "stacks": {"λ": ["B", "A"]}}
    assert payload["before"] == {**done, "steps": 6} and payload["after"] == {**done, "steps": 2}
    assert payload["cost_model"] == {"before": 8, "after": 4}
    assert payload["e_nodes"] > 0 and 0 < payload["rounds"] <= 40


def test_optimize_json_of_a_while_program(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "optimize", str(EXAMPLES / "gcd.while"), "--rounds", "5")
    assert code == 0 and payload["same_result"] is True and payload["rounds"] <= 5
    assert payload["after"]["steps"] <= payload["before"]["steps"]
    assert payload["before"]["stacks"] == payload["after"]["stacks"]
    assert "⟨" in payload["optimized_unicode"] and "⟨" not in payload["optimized"]


# -- confluence ----------------------------------------------------------------------------------

TRS = EXAMPLES / "trs"


def test_confluence_json_no_with_its_witness(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "confluence", str(TRS / "newman.trs"))
    assert code == 0  # the answer is the result, whichever it is
    assert payload["answer"] == "NO" and payload["reason"] == "the peak b reaches two distinct normal forms"
    pair = {"peak": "b", "left": "a", "right": "c", "rules": ["b -> a", "b -> c"]}
    assert payload["witness"] == {"term": "b", "normal_forms": ["a", "d"], "pair": pair}
    assert pair in payload["critical_pairs"]
    assert payload["evidence"] == ["a <- b -> c", "normal forms: a and d"]
    assert list(payload) == ["answer", "reason", "critical_pairs", "witness", "evidence"]


def test_confluence_json_yes_and_maybe(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "confluence", str(TRS / "groups.trs"))
    assert code == 0 and payload["answer"] == "YES" and payload["witness"] is None
    assert "confluent (Newman)" in payload["reason"]
    assert len(payload["critical_pairs"]) > 20 and len(payload["evidence"]) == 20  # the text shows 20
    assert all(set(p) == {"peak", "left", "right", "rules"} and len(p["rules"]) == 2 for p in payload["critical_pairs"])
    code, payload = run_json(capsys, "confluence", str(TRS / "peano.trs"))
    assert code == 0 and payload["answer"] == "YES" and payload["critical_pairs"] == []
    code, payload = run_json(capsys, "confluence", str(TRS / "huet.trs"))
    assert code == 0 and payload["answer"] == "MAYBE" and payload["witness"] is None


# -- while and prolog: --term --json ----------------------------------------------------------------


def test_while_and_prolog_print_their_term_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "while", "x = 1;", "--term")
    assert code == 0 and list(payload) == ["term", "term_unicode"]
    code, out, _ = run(capsys, "while", "x = 1;", "--term")
    assert out.strip() == payload["term"]
    program = str(EXAMPLES / "prolog" / "lists.pl")
    code, payload = run_json(capsys, "prolog", program, "--query", "app(X, Y, [1])", "--term")
    assert code == 0 and payload["term"].startswith("new X.") and payload["term_unicode"].startswith("∃X.")
    code, out, _ = run(capsys, "prolog", program, "--query", "app(X, Y, [1])", "--term")
    assert out.strip() == payload["term"]


def test_symbolic_while_json_keeps_unicode(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "while", str(EXAMPLES / "symbolic.while"), "--set", "x=$x", "--json")
    assert code == 0 and json.loads(out)["paths"][0]["condition"] == "x**2 + 1 > 10"
    code, out, _ = run(capsys, "while", 'if (x > 0) { print("é"); } else { print("ñ"); }', "--set", "x=$x", "--json")
    assert code == 0 and "é" in out and "\\u" not in out
    assert [p["output"] for p in json.loads(out)["paths"]] == [["é"], ["ñ"]]


# -- every subcommand has --json ---------------------------------------------------------------------


def test_every_subcommand_has_json() -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) == {"run", "print", "type", "while", "prolog", "confluence", "reduce", "optimize", "search"}
    for name, command in sub.choices.items():
        assert "--json" in command._option_string_actions, name


# -- bad input stays on stderr --------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["print", "[x"],
        ["type", "<>.x"],
        ["reduce", "[x"],
        ["reduce", "--calculus", "rmc", "[a] +"],
        ["optimize", "<x>.[x"],
        ["confluence", "(RULES f(x) -> )"],
    ],
)
def test_bad_input_is_a_positioned_message_not_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 2 and out == ""
    assert err.startswith("mcalc: ") and "^" in err and "Traceback" not in err


def test_docs_json_md_shows_every_subcommand_with_its_output() -> None:
    """docs/json.md has a section for each subcommand; every example there shows its output (which
    tests/test_docs.py checks exactly), and README.md links to it."""
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    sections = {line.removeprefix("## ").split()[0] for line in text.splitlines() if line.startswith("## ")}
    assert sections == {"run", "while", "prolog", "print", "type", "reduce", "optimize", "confluence", "search"}
    blocks = re.findall(r"^```(\w*)\n(.*?)^```\s*$", text, re.MULTILINE | re.DOTALL)
    for i, (kind, body) in enumerate(blocks):
        if kind == "sh":
            assert blocks[i + 1][0] == "", body
            outputs = blocks[i + 1][1].strip().splitlines()
            assert len(outputs) == len(body.strip().splitlines()), body  # one object per command
            assert all(json.loads(line) for line in outputs)
    assert "(docs/json.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
