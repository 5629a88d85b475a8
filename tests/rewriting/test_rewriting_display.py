"""Rewriting's results display themselves: rules (HTML and LaTeX), e-graph proofs, confluence
verdicts, optimizations and TRSs, terms in notation."""

from __future__ import annotations

from pathlib import Path

import pytest

import machine_calculus as mc
from machine_calculus.rewriting.render import equation_latex
from machine_calculus.rewriting.rmc_rules import RMC
from machine_calculus.rewriting.rules import FMC3
from machine_calculus.rewriting.trs import parse_trs
from tests.calculus.test_notation import balanced


@pytest.mark.parametrize("rules", [FMC3, RMC], ids=["fmc3", "rmc"])
def test_every_rule_has_its_equation_in_html_and_latex(rules) -> None:
    html = rules._repr_html_()
    for rule in rules.rules:
        assert rule.equation and "->" in rule.equation
        assert rule.name in html
        latex = rule._repr_latex_()
        assert latex.startswith("$") and latex.endswith("$") and r"\to" in latex
        assert balanced(latex), latex
        assert str(rule).startswith(rule.name + ": ")


def test_equation_latex_turns_symbols_and_words() -> None:
    latex = equation_latex("[N]a.C.a⟨x⟩.M -> C.{N/x}M when x is free")
    assert r"\langle x\rangle" in latex and r"\to" in latex and r"\{N/x\}" in latex
    assert r"\text{ when }" in latex


def test_a_verdict_shows_its_answer_witness_and_pairs() -> None:
    no = mc.confluence("(VAR x)\n(RULES f(x) -> a  f(x) -> b)")
    html = no._repr_html_()
    assert "NO" in html and "witness" in html and "critical pair" in html
    assert str(no).splitlines()[0] == "NO"
    yes = mc.confluence(Path("examples/trs/groups.trs").read_text(encoding="utf-8"))
    assert "YES" in yes._repr_html_()


def test_proofs_and_optimizations_display_in_notation() -> None:
    proof = mc.equal("[A].<x>.x", "A")
    assert "proved" in proof._repr_html_()
    optimization = mc.optimize("[A].<x>.[x].<y>.y")
    html = optimization._repr_html_()
    assert "[A].⟨x⟩.[x].⟨y⟩.y" in html and "5 → 1" in html
    assert str(optimization).startswith("A ")


def test_a_trs_displays_its_rules() -> None:
    trs = parse_trs("(VAR x y)\n(RULES plus(0, y) -> y  plus(s(x), y) -> s(plus(x, y)))")
    html = trs._repr_html_()
    assert "plus(s(x), y) -&gt; s(plus(x, y))" in html
    assert trs.rules[0]._repr_latex_() == r"$\text{ plus }(0, y) \to  y$"
