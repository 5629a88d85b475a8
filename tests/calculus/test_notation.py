"""Every term prints in its own calculus's notation: ``str(t)``, ``t.text(...)`` and the notebook
display (``_repr_html_``, ``_repr_latex_``), iterative on deep terms."""

from __future__ import annotations

import pytest
from hypothesis import given

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import pretty, to_latex, to_unicode
from machine_calculus.calculus.fmc.syntax import SKIP, Seq
from machine_calculus.calculus.notation import HTML_LIMIT, latex_text, notation_text, term_html
from machine_calculus.calculus.rmc.firstorder import FVar, fn, term_text
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.rmc.syntax import is_relational
from machine_calculus.calculus.strategies import first_order_terms, fmc3_terms, fmc_terms, rmc_terms
from machine_calculus.calculus.terms import free_variables


@given(fmc3_terms(max_depth=5))
def test_fmc_terms_print_in_the_fmc_notation(t) -> None:
    assert str(t) == to_unicode(t) == t.text()
    assert t.text("ascii") == pretty(t, "ascii")
    assert parse(str(t)) == t
    assert t._repr_latex_() == f"${to_latex(t)}$"


@given(rmc_terms(max_depth=5))
def test_rmc_terms_print_in_the_rmc_notation(t) -> None:
    assert str(t) == rmc_text(t)
    assert t.text("ascii") == rmc_text(t, "ascii")
    if not free_variables(t):  # a free first-order variable reads back as a constant
        assert parse_rmc(str(t)) == t
    latex = t._repr_latex_()
    assert latex is not None and latex == f"${t.text('latex')}$"
    assert balanced(latex), latex
    if is_relational(t):
        assert "⟨" not in latex and "∃" not in latex and "⋆" not in latex  # symbols, not glyphs


def balanced(latex: str) -> bool:
    """Do the braces of ``latex`` (not escaped ones) nest?"""
    depth = 0
    for i, c in enumerate(latex):
        if c in "{}" and latex[i - 1 : i] != "\\":
            depth += 1 if c == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def test_rmc_latex() -> None:
    assert parse_rmc("new x. (<x> ; [s(x)])")._repr_latex_() == (
        r"$\exists x.(\langle x\rangle \mathbin{;} [\mathsf{s}(x)])$"
    )
    assert parse_rmc("[a]* ; out<f(b)>").text("latex") == (
        r"[\mathsf{a}]^{*} \mathbin{;} \mathit{out}\langle \mathsf{f}(\mathsf{b})\rangle"
    )
    assert fn("f", FVar("x")).text("latex") == "f(x)"  # a first-order term alone: no LaTeX of its own
    assert fn("f", FVar("x"))._repr_latex_() is None


@given(first_order_terms())
def test_first_order_terms_print_as_applications(t) -> None:
    assert str(t) == term_text(t)


def test_shared_nodes_print_by_the_calculus_of_the_term() -> None:
    rmc = parse_rmc("* ; ([a] + [b])")
    assert isinstance(rmc, Seq)
    assert str(rmc) == rmc_text(rmc)
    assert str(Seq(SKIP, SKIP)) == "⋆ ; ⋆"
    assert str(fn("f", FVar("x"), fn("a"))) == "f(x, a)"


def test_a_case_frame_alone_prints_as_on_the_continuation() -> None:
    frame = parse("[3] ; {3 -> A | _ -> B}").args[1]
    assert str(frame) == to_unicode(frame)
    assert str(frame).startswith("{3")


def test_html_is_escaped_and_left_aligned() -> None:
    t = parse('[A].<x>.["<b>"]out.x')
    html = t._repr_html_()
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "text-align:left" in html
    assert "⟨x⟩" in html


def test_huge_terms_are_cut_in_html_and_say_so() -> None:
    t = SKIP
    for _ in range(100_000):  # deep and wide: 400,001 characters of text
        t = Seq(SKIP, t)
    assert len(str(t)) == 400_001
    html = term_html(t)
    assert len(html) < HTML_LIMIT + 500
    assert f"the first {HTML_LIMIT:,} characters" in html


def test_limits_and_notations() -> None:
    t = parse("[A].[B].<x>.<y>.[x].[y]")
    assert notation_text(t, "unicode", 5) == str(t)[:6]
    assert latex_text(t) == to_latex(t)
    with pytest.raises(ValueError, match="unknown notation"):
        t.text("html")


@given(fmc_terms(max_depth=4))
def test_repr_stays_the_constructor_form(t) -> None:
    assert repr(t).startswith(type(t).__name__ + "(")
    assert repr(t) != str(t)
