"""RMC terms: the converse is an involution and follows its laws; printing; deep terms."""

from __future__ import annotations

from hypothesis import given

from machine_calculus.calculus.fmc.syntax import SKIP, Seq
from machine_calculus.calculus.rmc.firstorder import FVar, fn
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.rmc.syntax import FAIL, Choice, New, Pop, Push, Star, converse
from machine_calculus.calculus.strategies import rmc_terms
from machine_calculus.calculus.terms import Term, free_variables, size


@given(rmc_terms(max_depth=6))
def test_converse_is_an_involution(m: Term) -> None:
    assert converse(converse(m)) == m
    assert free_variables(converse(m)) == free_variables(m) and size(converse(m)) == size(m)


@given(rmc_terms(max_depth=4), rmc_terms(max_depth=4))
def test_converse_laws(m: Term, n: Term) -> None:
    assert converse(Seq(m, n)) == Seq(converse(n), converse(m))
    assert converse(Choice(m, n)) == Choice(converse(m), converse(n))
    assert converse(Star(m)) == Star(converse(m))
    assert converse(New("x", m)) == New("x", converse(m))


def test_converse_of_actions_and_constants() -> None:
    t = fn("f", FVar("x"))
    assert converse(Push(t, "a")) == Pop("a", t) and converse(Pop("a", t)) == Push(t, "a")
    assert converse(SKIP) == SKIP and converse(FAIL) == FAIL


def test_the_spec_examples_print_in_both_notations() -> None:
    n = FVar("n")
    counter = Seq(Push(fn("z"), "λ"), Star(New("n", Seq(Pop("λ", n), Push(fn("s", n), "λ")))))
    assert rmc_text(counter, "ascii") == "[z] ; (new n.(<n> ; [s(n)]))*"
    assert rmc_text(counter) == "[z] ; (∃n.(⟨n⟩ ; [s(n)]))*"
    successor = New("x", Seq(Pop("λ", FVar("x")), Push(fn("s", FVar("x")), "λ")))
    assert rmc_text(converse(successor), "ascii") == "new x.(<s(x)> ; [x])"  # the predecessor
    choice = Seq(Choice(Push(fn("a"), "λ"), Push(fn("b"), "λ")), Pop("λ", fn("a")))
    assert rmc_text(choice, "ascii") == "([a] + [b]) ; <a>"
    assert rmc_text(Choice(FAIL, Choice(SKIP, Pop("c", fn("a")))), "ascii") == "0 + (* + c<a>)"


def test_deep_terms_convert_and_print() -> None:
    n = 100_000
    m: Term = SKIP
    for i in range(n):
        m = Seq(Push(fn("a"), "λ"), Star(m)) if i % 2 else Choice(m, FAIL)
    back = converse(converse(m))
    assert back == m
    assert len(rmc_text(m, "ascii")) > n


@given(rmc_terms(max_depth=6, closed=True))
def test_print_parse_round_trip(m: Term) -> None:
    assert parse_rmc(rmc_text(m, "ascii")) == m
    assert parse_rmc(rmc_text(m)) == m


@given(rmc_terms(max_depth=5, closed=True, variables=("a", "s", "x")))
def test_bound_variables_named_like_constants_print_renamed(m: Term) -> None:
    assert parse_rmc(rmc_text(m, "ascii")) == m


def test_parse_the_spec_examples() -> None:
    counter = parse_rmc("[z] ; (new n. (<n> ; [s(n)]))*")
    n = FVar("n")
    assert counter == Seq(Push(fn("z"), "λ"), Star(New("n", Seq(Pop("λ", n), Push(fn("s", n), "λ")))))
    assert parse_rmc("(new x. (<x> ; [s(x)]))~") == parse_rmc("new x. (<s(x)> ; [x])")
    assert parse_rmc("∃x.(⟨x⟩ ; [s(x)])†") == parse_rmc("new x.(<s(x)> ; [x])")
    assert parse_rmc("[a]c.c<a>.*") == Seq(Push(fn("a"), "c"), Seq(Pop("c", fn("a")), SKIP))
    assert parse_rmc("new x.[x] ; [x]") == Seq(New("x", Push(FVar("x"), "λ")), Push(fn("x"), "λ"))


def test_bad_input_names_the_place() -> None:
    import pytest

    from machine_calculus.calculus.errors import ParseError

    for text, column, message in [
        ("", 1, "empty input"),
        ("[a", 3, "expected ']'"),
        ("(* ; [a]", 9, "unclosed '('"),
        ("* )", 3, "unbalanced ')'"),
        ("[f(a,]", 6, "expected a first-order term"),
        ("new . *", 5, "expected a variable"),
        ("* *x", 4, "unexpected 'x'"),
    ]:
        with pytest.raises(ParseError) as info:
            parse_rmc(text)
        assert info.value.column == column and message in info.value.message, (text, info.value)


def test_deep_input_parses() -> None:
    n = 100_000
    nested = parse_rmc("(" * n + "[" + "s(" * n + "z" + ")" * n + "]" + ")" * n)
    assert isinstance(nested, Push)
    chain = parse_rmc("[a] ; " * n + "*")
    assert rmc_text(chain, "ascii").count(";") == n
