"""The command line on FMC III: exits in JSON, symbolic runs, runtime errors, refusals."""

from __future__ import annotations

import json

import pytest
from cli_run import run  # tests/mcalc/cli_run.py


def test_exit_label_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "[1]out.Overflow ; [2]out", "--json")
    assert code == 0 and json.loads(out)["exit"] == "Overflow"
    code, out, _ = run(capsys, "run", "[3].[5].< ; <b>.(b ; {True -> Yes | False -> No})", "--json")
    assert code == 0 and json.loads(out)["exit"] == "No"


def test_symbolic_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "--symbolic", "$n ; {1 -> A | _ -> B}", "--json")
    found = json.loads(out)
    assert code == 0 and found["truncated"] is False
    assert [(p["condition"], p["exit"]) for p in found["paths"]] == [("Eq(n, 1)", "A"), ("Ne(n, 1)", "B")]
    code, out, _ = run(capsys, "run", "--symbolic", "$n ; {1 -> A | _ -> B}")
    assert out.splitlines() == ["when Eq(n, 1):  done, exit A", "when Ne(n, 1):  done, exit B"]
    code, _, err = run(capsys, "run", "--symbolic", "--trace", "*")
    assert code == 2 and "cannot be combined" in err


def test_undetermined_branch_without_symbolic(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "$n ; {1 -> A | _ -> B}", "--json")
    assert code == 1 and "depends on symbolic constants" in json.loads(out)["reason"]


def test_runtime_error_is_a_stuck_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "[0].[1]./")
    assert code == 1 and "division by zero" in out


def test_types_with_exits(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "type", "[1]out.Overflow ; [2]out", "--notation", "ascii")
    assert code == 0 and out.strip() == "r => {*: s.out(int), Overflow: r.out(int)}" and not err
    code, out, err = run(capsys, "type", "[1].[2]./")
    assert code == 1 and "'/' has no simple type" in out and not err


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("x ; {A -> y | A -> z}", "already has a branch"),
        ("x^_", "expected a label"),
        ("$(1 +)", "not a symbolic expression"),
    ],
)
def test_bad_control_syntax_exits_2(capsys: pytest.CaptureFixture[str], term: str, message: str) -> None:
    code, _, err = run(capsys, "run", term)
    assert code == 2 and message in err and "Traceback" not in err


def test_print_each_notation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "print", "x ; {A -> [2].[3].mul | _ -> *}")
    assert code == 0
    assert "unicode: x ; {A → [2].[3].× | _ → ⋆}" in out and "ascii: x ; {A -> [2].[3].mul | _ -> *}" in out
