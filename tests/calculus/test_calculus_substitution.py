"""Capture-avoiding substitution ``{N/x}M`` (``calculus.terms.substitute``) and free variables."""

from __future__ import annotations

import pytest
from calculus_reference import all_names, de_bruijn, free_vars, rename_bound, subst
from hypothesis import assume, given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import DEFAULT, Pop, Push, Seq, Term, Var
from machine_calculus.calculus.strategies import fmc_terms
from machine_calculus.calculus.terms import free_variables, substitute, variable_names

small = fmc_terms(max_depth=4)
names = st.sampled_from(["x", "y", "z"])
# terms without x, for the substitution lemma's side condition x ∉ fv(P)
no_x = fmc_terms(max_depth=3, variables=("y", "z"))


@given(small)
def test_free_variables_match_the_reference(t: Term) -> None:
    assert free_variables(t) == free_vars(t)
    assert free_variables(t) <= variable_names(t) == all_names(t)


@given(small, names)
def test_substituting_a_variable_for_itself_is_the_identity(m: Term, x: str) -> None:
    result = substitute(m, {x: Var(x)})
    assert result == m
    assert to_ascii(result) == to_ascii(m)  # not even a binder is renamed


@given(small, small, names)
def test_substituting_for_a_variable_that_is_not_free_is_the_identity(m: Term, n: Term, x: str) -> None:
    assume(x not in free_vars(m))
    assert substitute(m, {x: n}) is m  # documented: untouched sub-terms are shared


@given(small, small, names)
def test_substitution_agrees_with_the_reference(m: Term, n: Term, x: str) -> None:
    assert de_bruijn(substitute(m, {x: n})) == de_bruijn(subst(m, {x: n}))


@given(small, small, small)
def test_simultaneous_substitution_agrees_with_the_reference(m: Term, n: Term, p: Term) -> None:
    mapping = {"x": n, "y": p}
    assert de_bruijn(substitute(m, mapping)) == de_bruijn(subst(m, mapping))


@given(small, small, st.data())
def test_free_variables_of_a_substitution(m: Term, n: Term, data: st.DataObject) -> None:
    if not free_vars(m):
        m = Seq(m, Var("x"))
    x = data.draw(st.sampled_from(sorted(free_vars(m))))
    result = substitute(m, {x: n})
    expected = (free_vars(m) - {x}) | free_vars(n)
    assert free_variables(result) == expected
    assert free_vars(result) == expected


@given(small, small, names)
def test_substitution_respects_alpha_equivalence(m: Term, n: Term, x: str) -> None:
    assert substitute(rename_bound(m), {x: rename_bound(n)}) == substitute(m, {x: n})


@given(small, small, no_x, st.sampled_from(["y", "z"]))
def test_substitution_lemma(m: Term, n: Term, p: Term, y: str) -> None:
    """{P/y}{N/x}M = {{P/y}N/x}{P/y}M when x ∉ fv(P) and x ≠ y."""
    x = "x"
    assert x not in free_vars(p)
    left = substitute(substitute(m, {x: n}), {y: p})
    right = substitute(substitute(m, {y: p}), {x: substitute(n, {y: p})})
    assert left == right


@given(small, small, small)
def test_simultaneous_is_not_sequential(m: Term, n: Term, p: Term) -> None:
    """{N/x, P/y}M substitutes in M only: a y inside N stays."""
    both = substitute(m, {"x": n, "y": p})
    fresh = {"x": Var("_sx"), "y": Var("_sy")}
    two_steps = substitute(substitute(m, fresh), {"_sx": n, "_sy": p})
    assert both == two_steps


# -- capture avoidance, by hand ----------------------------------------------------------------------------


def test_substitution_does_not_capture() -> None:
    result = substitute(parse("<y>.x"), {"x": Var("y")})
    assert result == parse("<z>.y")
    assert result != parse("<y>.y")
    assert isinstance(result, Pop) and result.variable != "y"
    assert free_variables(result) == {"y"}


@pytest.mark.parametrize(
    ("term", "x", "replacement", "expected", "wrong"),
    [
        ("<y>.x", "x", "y", "<z>.y", "<y>.y"),
        ("a<y>.[x]b.y", "x", "y", "a<w>.[y]b.w", "a<y>.[y]b.y"),
        ("<y>.<z>.(x ; y ; z)", "x", "[y].z", "<u>.<v>.([y].z ; u ; v)", "<y>.<z>.([y].z ; y ; z)"),
        ("<y>.(<x>.x ; x)", "x", "y", "<w>.(<x>.x ; y)", "<y>.(<x>.x ; y)"),
        ("[<y>.x].x", "x", "<q>.y", "[<w>.<q>.y].<q>.y", "[<y>.<q>.y].<q>.y"),
        ("<x>.x", "x", "y", "<x>.x", "<x>.y"),  # x is bound: nothing to substitute
    ],
)
def test_capture_examples(term: str, x: str, replacement: str, expected: str, wrong: str) -> None:
    result = substitute(parse(term), {x: parse(replacement)})
    assert result == parse(expected)
    assert result != parse(wrong)


def test_renaming_keeps_the_users_names_where_it_can() -> None:
    assert to_ascii(substitute(parse("<y>.[x].y"), {"x": Var("z")})) == "<y>.[z].y"
    renamed = substitute(parse("<y>.[x].y"), {"x": Var("y")})
    assert to_ascii(renamed) == "<y1>.[y].y1"  # a variant of the user's name, not an arbitrary one


def test_simultaneous_substitution_swaps() -> None:
    swapped = substitute(parse("[x].[y]"), {"x": Var("y"), "y": Var("x")})
    assert to_ascii(swapped) == "[y].[x]"
    assert substitute(parse("x ; y"), {"x": parse("y"), "y": parse("z")}) == parse("y ; z")


def test_substitution_replaces_every_free_occurrence_and_no_other() -> None:
    t = parse("x ; [x]a.b<x>.(x ; y) ; <y>.x")
    result = substitute(t, {"x": parse("Q")})
    assert result == parse("Q ; [Q]a.b<x>.(x ; y) ; <y>.Q")


def test_substitution_of_closed_terms_shares_untouched_parts() -> None:
    untouched = parse("<y>.[y]a")
    t = Seq(untouched, Push(Var("x"), DEFAULT, untouched))
    result = substitute(t, {"x": parse("7")})
    assert isinstance(result, Seq) and result.first is untouched
    assert isinstance(result.then, Push) and result.then.body is untouched
    assert result == parse("<y>.[y]a ; [7].<y>.[y]a")


def test_empty_substitution_is_the_identity() -> None:
    t = parse("<x>.[x].y")
    assert substitute(t, {}) is t
