"""Call-by-name and call-by-value lambda-calculus in the FMC, against reference evaluators."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.syntax import Const, Name
from machine_calculus.calculus.strategies import terms
from machine_calculus.calculus.terms import Term
from machine_calculus.embeddings.lam import (
    App,
    Lam,
    LConst,
    LVar,
    cbn,
    cbv,
    cbv_value,
    evaluate_cbn,
    evaluate_cbv,
    parse_lambda,
)
from machine_calculus.machine.fmc import fast
from machine_calculus.machine.fmc.result import Result

CONSTANTS = st.sampled_from([Name("A"), Name("B"), Name("C")])


def lambda_terms(closed: bool) -> st.SearchStrategy[Term]:
    """Lambda terms with free constants, generated through the generic term interface."""
    return terms([LVar, Lam, App, LConst], {"constant": CONSTANTS}, max_depth=6, closed=closed)


FUEL = 200_000


def run(term: Term, mode: str) -> Result:
    return fast.run(cbn(term) if mode == "cbn" else cbv(term), fuel=FUEL)


def check_cbn(t: Term) -> None:
    reference = evaluate_cbn(t, limit=5_000)
    assume(reference.kind != "diverged")
    r = run(t, "cbn")
    assume(r.status != "out_of_fuel")
    if reference.kind == "value" and isinstance(reference.term, Lam):
        # the machine stops at the abstraction, waiting for an argument
        assert r.status == "stuck" and r.reason == "pop from the empty stack at location λ"
        assert r.term == cbn(reference.term) and r.continuation == () and r.memory == {}
        return
    head, arguments = reference.head, reference.arguments
    expected_stack = tuple(cbn(a) for a in reversed(arguments))  # the first argument on top
    if isinstance(head, LConst):
        assert r.status == "done" and r.exit == Const(head.value)  # the constant exits
    else:
        assert isinstance(head, LVar)
        assert r.status == "stuck" and r.reason == f"free variable {head.name}"
    assert r.stack() == expected_stack


def check_cbv(t: Term) -> None:
    reference = evaluate_cbv(t, limit=5_000)
    assume(reference.kind != "diverged")
    r = run(t, "cbv")
    assume(r.status != "out_of_fuel")
    if reference.kind == "value":
        assert r.status == "done" and r.exit_text() == "*"
        assert r.memory == {"λ": (cbv_value(reference.term),)}
        return
    head = reference.head
    expected_stack = tuple(cbv_value(v) for v in reference.arguments)
    if isinstance(head, LConst):  # a constant applied: it exits, passing the frames
        assert r.status == "done" and r.exit == Const(head.value)
    else:
        assert isinstance(head, LVar)
        assert r.status == "stuck" and r.reason == f"free variable {head.name}"
    assert r.stack() == expected_stack


@given(lambda_terms(closed=True))
def test_cbn_agrees_with_the_reference_on_closed_terms(t: Term) -> None:
    check_cbn(t)


@given(lambda_terms(closed=False))
def test_cbn_agrees_with_the_reference_on_open_terms(t: Term) -> None:
    check_cbn(t)


@given(lambda_terms(closed=True))
def test_cbv_agrees_with_the_reference_on_closed_terms(t: Term) -> None:
    check_cbv(t)


@given(lambda_terms(closed=False))
def test_cbv_agrees_with_the_reference_on_open_terms(t: Term) -> None:
    check_cbv(t)


def test_encodings_follow_the_spec() -> None:
    t = parse_lambda("(λx.x) y")
    assert cbn(t) == parse("[y].<x>.x")
    assert cbv(t) == parse("[y] ; [<x>.[x]] ; <f>.f")
    assert cbn(parse_lambda("A")) == parse("A") and cbv(parse_lambda("A")) == parse("[A]")


def test_cbn_and_cbv_differ_on_a_discarded_loop() -> None:
    """``(λx.A) Ω``: call-by-name never runs the argument; call-by-value loops on it."""
    t = parse_lambda("(λx.A) ((λz.z z) (λz.z z))")
    assert run(t, "cbn").exit == Const(Name("A"))
    assert run(t, "cbv").status == "out_of_fuel"
    assert evaluate_cbn(t).kind == "value" and evaluate_cbv(t, limit=1000).kind == "diverged"


def test_church_arithmetic_by_name_and_by_value() -> None:
    two = "(λf x.f (f x))"
    three = "(λf x.f (f (f x)))"
    mult = "(λm n f.m (n f))"
    term = parse_lambda(f"{mult} {two} {three} (λy. S y) Z")
    ref = evaluate_cbn(term)
    assert ref.kind == "stuck" and ref.head == LConst(Name("S"))
    r = run(term, "cbn")
    assert r.exit == Const(Name("S"))


def test_parser() -> None:
    assert parse_lambda("\\x y. x y z") == Lam("x", Lam("y", App(App(LVar("x"), LVar("y")), LVar("z"))))
    assert parse_lambda("f (λx.x) 3") == App(App(LVar("f"), Lam("x", LVar("x"))), LConst(parse("3").value))
    assert parse_lambda("λx.λy.x") == parse_lambda("λa b.a")
    for bad, column in [("(x", 3), ("λ.x", 2), ("x )", 3), ("", 1), ("λx x", 5)]:
        with pytest.raises(ParseError) as info:
            parse_lambda(bad)
        assert info.value.column == column, (bad, str(info.value))
