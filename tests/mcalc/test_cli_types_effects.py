"""``mcalc type``, ``mcalc run --distribution`` and ``mcalc run --all``."""

from __future__ import annotations

import json

import pytest

from machine_calculus.cli.main import main


def test_type_prints_the_principal_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["type", "<x>.<y>.[x].[y]"]) == 0
    assert capsys.readouterr().out.strip() == "λ(t u) ⇒ λ(u t)"
    assert main(["type", "<x>.<y>.[x].[y]", "--notation", "ascii"]) == 0
    assert capsys.readouterr().out.strip() == "λ(t u) => λ(u t)"
    assert main(["type", "c<_>.[7]c ; c<x>.[x]c.[x]out", "--notation", "latex"]) == 0
    assert "\\Rightarrow" in capsys.readouterr().out


def test_type_lists_free_variables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["type", "x.[y]a"]) == 0
    assert capsys.readouterr().out.splitlines() == ["x : ρ ⇒ σ", "y : t", "ρ ⇒ σ·a(t)"]


def test_untypable_exits_1_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["type", "[<x>.[x].x].<x>.[x].x"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("untypable: cannot type [⟨x⟩.[x].x].⟨x⟩.[x].x:") and "contain itself" in out


def test_type_of_bad_input_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["type", "<x"]) == 2
    assert "<term>:1:3" in capsys.readouterr().err


def test_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "rnd<b>.[[2]out].[[1]out].b", "--distribution"]) == 0
    assert capsys.readouterr().out.splitlines() == ["     1/2  out: [1]", "     1/2  out: [2]"]
    assert main(["run", "rnd<b>.[[2]out].[[1]out].b ; rnd<c>.[[B]out].[[A]out].c", "--distribution", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [entry["probability"] for entry in payload["distribution"]] == ["1/4"] * 4
    assert payload["unexplored"] == "0"
    assert {tuple(e["stacks"]["out"]) for e in payload["distribution"]} == {
        ("1", "A"),
        ("1", "B"),
        ("2", "A"),
        ("2", "B"),
    }


def test_distribution_with_a_draw_limit(capsys: pytest.CaptureFixture[str]) -> None:
    loop = "c<f>.[f]c.rnd<b>.[[A]out].[f].b"
    assert main(["run", f"c<_>.[{loop}]c ; {loop}", "--stack", "c=*", "--distribution", "--max-draws", "3"]) == 1
    out = capsys.readouterr().out
    assert "unexplored (more than 3 draws): 1/8" in out and "     7/8  c:" in out


def test_all_outcomes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "nd<b>.[[2]out].[[1]out].b", "--all", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [o["stacks"] for o in payload["outcomes"]] == [{"out": ["1"]}, {"out": ["2"]}]


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "*", "--distribution", "--all"],
        ["run", "*", "--distribution", "--trace"],
    ],
)
def test_exploration_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    assert "cannot be combined" in capsys.readouterr().err
