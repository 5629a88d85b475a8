"""``==`` and ``hash`` are alpha-equivalence, checked against an independent de Bruijn reference."""

from __future__ import annotations

import pytest
import sympy
from calculus_reference import de_bruijn, free_vars, naive_rename_binders, rename_bound, rename_free
from hypothesis import assume, given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.syntax import Const, Name, Pop, Push, Seq, Term, Var
from machine_calculus.calculus.strategies import fmc_terms
from machine_calculus.calculus.terms import alpha_equal

# few names and shallow terms, so that independent draws are often alpha-equivalent
tiny = fmc_terms(max_depth=3, variables=("x", "y"), locations=("λ", "a"), constants=False)
small = fmc_terms(max_depth=4)


def agrees_with_reference(s: Term, t: Term) -> bool:
    same = de_bruijn(s) == de_bruijn(t)
    assert (s == t) is same
    assert (t == s) is same
    assert (s != t) is (not same)
    assert alpha_equal(s, t) is same
    if same:
        assert hash(s) == hash(t)
    return same


@given(tiny, tiny)
def test_equality_of_independent_terms(s: Term, t: Term) -> None:
    agrees_with_reference(s, t)


@given(small, small)
def test_equality_of_independent_terms_with_constants(s: Term, t: Term) -> None:
    agrees_with_reference(s, t)


@given(small, st.data())
def test_equality_after_renaming_binders_without_care(t: Term, data: st.DataObject) -> None:
    """Renaming binders to names from a small pool may or may not capture: the reference decides."""
    renamed = naive_rename_binders(t, lambda _old: data.draw(st.sampled_from(["x", "y", "z"])))
    agrees_with_reference(renamed, t)


@given(small)
def test_renaming_bound_variables_to_fresh_names_gives_an_equal_term(t: Term) -> None:
    renamed = rename_bound(t)
    assert renamed == t and t == renamed
    assert hash(renamed) == hash(t)
    assert {t: 1}[renamed] == 1


@given(small, st.data())
def test_renaming_a_free_variable_gives_a_different_term(t: Term, data: st.DataObject) -> None:
    fv = sorted(free_vars(t))
    assume(fv)
    x = data.draw(st.sampled_from(fv))
    other = rename_free(t, x, "w")
    assert other != t and not (other == t)  # noqa: SIM201 (both operators)
    assert de_bruijn(other) != de_bruijn(t)


@given(small, st.data())
def test_changing_a_location_gives_a_different_term(t: Term, data: st.DataObject) -> None:
    actions = [n for n in _nodes(t) if isinstance(n, Push | Pop)]
    assume(actions)
    target = data.draw(st.sampled_from(actions))
    changed = _replace(t, target, _relocate(target, "elsewhere"))
    assert changed != t


def _nodes(t: Term) -> list[Term]:
    out = [t]
    for a in t.args:
        if isinstance(a, Term):
            out.extend(_nodes(a))
    return out


def _relocate(n: Term, location: str) -> Term:
    if isinstance(n, Push):
        return Push(n.term, location, n.body)
    assert isinstance(n, Pop)
    return Pop(location, n.variable, n.body)


def _replace(t: Term, target: Term, new: Term) -> Term:
    if t is target:
        return new
    return type(t)(*[_replace(a, target, new) if isinstance(a, Term) else a for a in t.args])


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("<x>.x", "<y>.y"),
        ("a<x>.[x]b", "a<z>.[z]b"),
        ("<x>.<y>.[x].y", "<y>.<x>.[y].x"),
        ("<x>.[x].<x>.x", "<y>.[y].<z>.z"),
        ("<x>.(<x>.x ; x)", "<u>.(<v>.v ; u)"),
        ("<x>.y", "<z>.y"),
        ("[<x>.x].<y>.(y ; z)", "[<w>.w].<v>.(v ; z)"),
        ("λx y.x", "<a1>.<b1>.a1"),
    ],
)
def test_alpha_equivalent_examples(left: str, right: str) -> None:
    s, t = parse(left), parse(right)
    assert s == t and hash(s) == hash(t)
    assert agrees_with_reference(s, t)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("<x>.y", "<y>.y"),  # the free y would be captured
        ("<x>.<y>.x", "<x>.<y>.y"),
        ("<x>.<x>.x", "<x>.<y>.x"),  # the inner binder shadows
        ("a<x>.x", "b<x>.x"),
        ("[x]a", "[x]b"),
        ("[x]", "[y]"),
        ("x", "y"),
        ("x ; y", "y ; x"),
        ("(x ; y) ; z", "x ; (y ; z)"),  # ';' is a constructor: reassociation is not alpha
        ("*", "* ; *"),
        ("x", "x ; *"),
        ("[x].*", "x"),
        ("1", '"1"'),
        ("1", "$n"),
        ("A", '"A"'),
        ("1/2", "2"),
        ("$n", "$m"),
    ],
)
def test_different_examples(left: str, right: str) -> None:
    s, t = parse(left), parse(right)
    assert s != t
    assert not agrees_with_reference(s, t)


def test_hash_ignores_variable_names_but_not_structure() -> None:
    assert hash(Var("x")) == hash(Var("y"))  # documented: names never enter the hash
    assert hash(parse("<x>.x")) == hash(parse("<y>.y"))
    texts = [
        "*",
        "x",
        "[x]",
        "[x]a",
        "<x>",
        "a<x>",
        "x ; x",
        "[*]",
        "[[*]]",
        "<x>.[x]",
        "<x>.[x].[x]",
        "1",
        "2",
        '"s"',
        "A",
        "$n",
        "1/2",
        "[x] ; *",
        "* ; [x]",
        "[x]out.<y>.y",
    ]
    hashes = {hash(parse(t)) for t in texts}
    assert len(hashes) == len(texts)


def test_equality_with_other_objects() -> None:
    t = parse("<x>.x")
    assert t != "<x>.x" and t != 1 and t is not None
    assert (t == object()) is False
    assert t.__eq__(42) is NotImplemented


def test_constants_compare_by_value_and_kind() -> None:
    assert Const(sympy.Rational(2, 4)) == Const(sympy.Rational(1, 2)) == parse("2/4")
    assert Const(sympy.Integer(2)) == parse("4/2")
    assert Const(Name("A")) == parse("A") and Const(Name("A")) != Const(sympy.Symbol("A"))
    assert Const("x") != Var("x")
    assert Seq(Const(sympy.Integer(1)), Var("x")) != Seq(Const(sympy.Integer(-1)), Var("x"))
