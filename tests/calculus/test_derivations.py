"""Typing derivations: one node per rule, the conclusion is the inferred type, the premises are
the sub-terms' judgements; text, LaTeX (mathpartir) and HTML; deep terms; the CLI flag."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given

from machine_calculus.calculus.fmc.derivations import (
    Derivation,
    derivation_html,
    derivation_latex,
    derivation_text,
    derive,
)
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.syntax import SKIP, Case, Loop, Pop, Push, Seq, Var, branches
from machine_calculus.calculus.fmc.types import TypingError, infer, pretty_type
from machine_calculus.calculus.strategies import TypedTerm, typed_terms


def nodes(d: Derivation) -> list[Derivation]:
    out, stack = [], [d]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.premises)
    return out


def test_swap_has_one_node_per_rule() -> None:
    d = derive(parse("<x>.<y>.[x].[y]"))
    assert [n.rule for n in nodes(d)] == ["pop", "pop", "push", "push", "skip", "value", "value"]
    assert str(d).splitlines()[0] == "pop: ⊢ ⟨x⟩.⟨y⟩.[x].[y] : λ(t u) ⇒ λ(u t)"
    assert "push: ⊢ [y] : λ(t) ⇒ λ(u t)" in str(d)


def test_a_variable_run_shows_its_assumption() -> None:
    d = derive(parse("[3].<x>.x"))
    (run,) = [n for n in nodes(d) if n.rule == "variable"]
    assert run.assumption is not None and pretty_type(run.assumption) == "int"
    assert "(x : int in Γ)" in derivation_text(d)


@given(typed_terms(control=True))
def test_the_tree_follows_the_term_and_concludes_the_type(example: TypedTerm) -> None:
    d = derive(example.term)
    assert pretty_type(d.type) == pretty_type(example.type)
    for node in nodes(d):
        t = node.term
        expected = (
            2
            if isinstance(t, Push | Seq)
            else 1 + len(branches(t.frame))
            if isinstance(t, Case)
            else 1
            if isinstance(t, Pop | Loop)
            else 0
        )
        assert len(node.premises) == expected
        if isinstance(t, Push):
            assert node.premises[0].term == t.term and node.premises[1].term == t.body
    assert derivation_text(d, "ascii").startswith(f"{d.rule}: |- ")


def test_untypable_terms_raise() -> None:
    with pytest.raises(TypingError):
        derive(parse("[<x>.[x].x].<x>.[x].x"))


def test_latex_and_html() -> None:
    d = derive(parse("[1].[2].+ ; <z>.[z]out"))
    latex = derivation_latex(d)
    assert latex.startswith(r"\inferrule*[right=\textsc{seq}]") and latex.count(r"\inferrule*") == len(nodes(d))
    assert latex.count("{") == latex.count("}")
    page = derivation_html(d)
    assert page.count('class="mc-d"') == len(nodes(d)) and "⊢" in page and d._repr_html_() == page
    exits = derivation_latex(derive(parse("[3].<x>.x")))
    assert r"\{\mathsf{int}: \rho\}" in exits  # braces of exit types are escaped


def test_deep_terms_have_deep_derivations() -> None:
    """30,000 nested rules (100,000 take about 15 s: derive and print are linear, about 75 µs
    a node each)."""
    term = SKIP
    for i in range(30_000):
        term = Push(Var("x") if i else SKIP, "λ", term) if i % 2 else Pop("λ", "x", term)
    d = derive(term)
    assert len(nodes(d)) > 30_000
    text = derivation_text(d)
    assert text.count("\n") + 1 == len(nodes(d))
    latex = derivation_latex(d)
    assert r"\ldots" in latex and len(latex) < 400 * len(nodes(d))  # long terms are cut: linear
    groups = re.sub(r"\\.", "", latex)
    assert groups.count("{") == groups.count("}")  # and the cut LaTeX still nests
    assert len(derivation_html(d)) < 400 * len(nodes(d))
    assert pretty_type(d.type) == pretty_type(infer(term).type)


def test_cli_derivation(tmp_path: Path) -> None:
    def mcalc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["mcalc", *args], capture_output=True, text=True, timeout=60)

    text = mcalc("type", "<x>.<y>.[x].[y]", "--derivation")
    assert text.returncode == 0 and text.stdout.startswith("pop: ⊢ ⟨x⟩.⟨y⟩.[x].[y] : λ(t u) ⇒ λ(u t)")
    latex = mcalc("type", "<x>.<y>.[x].[y]", "--derivation", "--notation", "latex")
    assert latex.returncode == 0 and latex.stdout.startswith(r"\inferrule*[right=\textsc{pop}]")
    bad = mcalc("type", "[<x>.[x].x].<x>.[x].x", "--derivation")
    assert bad.returncode == 1 and "untypable" in bad.stdout


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex with mathpartir")
def test_the_latex_compiles(tmp_path: Path) -> None:
    source = tmp_path / "derivation.tex"
    source.write_text(derivation_latex(derive(parse("[3].[<x>.x].<f>.<a>.[[a].f].f")), standalone=True))
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", source.name], cwd=tmp_path, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-2000:]


def test_a_derivation_displays_as_html_and_mathpartir() -> None:
    d = derive(parse("[A].<x>.x"))
    assert d._repr_latex_() == f"$${derivation_latex(d)}$$"
    assert "push" in d._repr_html_()
