"""``--json`` on every subcommand: one JSON object on stdout, also when the command exits 1; bad
input (exit 2) stays a positioned message on stderr. The objects are documented in docs/json.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_run import run  # tests/mcalc/cli_run.py

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


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


def test_print_json_of_an_rmc_term_has_no_latex(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "print", "--calculus", "rmc", "([a] + [b]) ; <x>")
    assert code == 0
    assert payload == {
        "calculus": "rmc",
        "sequenced": False,
        "ascii": "([a] + [b]) ; <x>",
        "unicode": "([a] + [b]) ; ⟨x⟩",
        "latex": None,
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


# -- bad input stays on stderr --------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["print", "[x"],
        ["type", "<>.x"],
    ],
)
def test_bad_input_is_a_positioned_message_not_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 2 and out == ""
    assert err.startswith("mcalc: ") and "^" in err and "Traceback" not in err
