"""The papers' inductive sequencing function (``calculus.fmc.sequencing``) and the normal form."""

from __future__ import annotations

import pytest
import sympy
from calculus_reference import de_bruijn, free_vars, normalize_ref, rename_bound
from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.sequencing import is_normal, normalize, sequence
from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Pop, Push, Seq, Skip, Term, Var
from machine_calculus.calculus.strategies import fmc_terms
from machine_calculus.calculus.terms import substitute

small = fmc_terms(max_depth=4)
no_constants = fmc_terms(max_depth=5, constants=False)
locations = st.sampled_from([DEFAULT, "a", "out"])
names = st.sampled_from(["x", "y", "z"])


# -- the four equations, on generated terms --------------------------------------------------------------


@given(small)
def test_skip_then_m_is_m(m: Term) -> None:
    """⋆ ; M = M."""
    assert sequence(SKIP, m) == normalize(m)


@given(small, locations, small, small)
def test_push_then_m(p: Term, a: str, n: Term, m: Term) -> None:
    """([P]a.N) ; M = [P]a.(N ; M)."""
    assert sequence(Push(p, a, n), m) == Push(normalize(p), a, sequence(n, m))


@given(locations, names, small, small)
def test_pop_then_m(a: str, x: str, n: Term, m: Term) -> None:
    """(a⟨x⟩.N) ; M = a⟨x⟩.(N ; M), renaming x away from the free variables of M."""
    result = sequence(Pop(a, x, n), m)
    assert isinstance(result, Pop) and result.location == a
    # no free variable of M is captured: the last assertion says so up to alpha (a test on the
    # name alone is wrong when M's free variable vanishes, a jump in M discarding what follows it)
    if x not in free_vars(m):
        assert result.variable == x  # the user's name is kept when it can be
        assert result.body == sequence(n, m)
    # in every case: a⟨z⟩.({z/x}N ; M) for a z free in neither
    z = "_fresh"
    assert result == Pop(a, z, sequence(substitute(n, {x: Var(z)}), m))


@given(names, small, small)
def test_variable_then_m(x: str, n: Term, m: Term) -> None:
    """(x ; N) ; M = x ; (N ; M), and x alone is x.⋆."""
    assert sequence(Seq(Var(x), n), m) == sequence(Var(x), sequence(n, m))
    rest = sequence(n, m)
    expected = Var(x) if isinstance(rest, Skip) else Seq(Var(x), rest)
    assert sequence(Var(x), sequence(n, m)) == expected


@given(small)
def test_a_constant_passes_over_the_rest(m: Term) -> None:
    """j ; M = j for a constant j (FMC III: a label that the plain sequencing does not catch)."""
    three = Const(sympy.Integer(3))
    assert sequence(three, m) == three
    assert sequence(Push(Var("x"), "a", three), m) == Push(Var("x"), "a", three)


# -- normalize ------------------------------------------------------------------------------------------------


@given(small)
def test_normalize_matches_the_reference(t: Term) -> None:
    assert de_bruijn(normalize(t)) == de_bruijn(normalize_ref(t))


@given(small)
def test_normal_forms_are_normal_and_normalize_is_idempotent(t: Term) -> None:
    n = normalize(t)
    assert is_normal(n)
    again = normalize(n)
    assert again == n and repr(again) == repr(n)


@given(no_constants)
def test_normalize_preserves_free_variables(t: Term) -> None:
    assert free_vars(normalize(t)) == free_vars(t)


@given(small)
def test_with_constants_free_variables_can_only_shrink(t: Term) -> None:
    assert free_vars(normalize(t)) <= free_vars(t)


@given(small)
def test_normalize_respects_alpha_equivalence(t: Term) -> None:
    assert normalize(rename_bound(t)) == normalize(t)


@given(small, small)
def test_sequence_is_the_normal_form_of_the_composition(n: Term, m: Term) -> None:
    assert sequence(n, m) == normalize(Seq(n, m))
    assert is_normal(sequence(n, m))


@given(small, small, small)
def test_sequencing_is_associative(a: Term, b: Term, c: Term) -> None:
    assert sequence(sequence(a, b), c) == sequence(a, sequence(b, c))
    assert normalize(Seq(Seq(a, b), c)) == normalize(Seq(a, Seq(b, c)))


@given(small)
def test_skip_is_a_unit_on_both_sides(t: Term) -> None:
    assert normalize(Seq(SKIP, t)) == normalize(t)
    assert normalize(Seq(t, SKIP)) == normalize(t)


@given(st.one_of(small, small.map(normalize)))
def test_the_normal_terms_are_the_fixed_points_of_normalize(t: Term) -> None:
    assert is_normal(t) == (normalize(t) == t)
    if is_normal(t):
        assert repr(normalize(t)) == repr(t)  # left exactly as it is, names and all


# -- examples, the capture case among them -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("* ; x", "x"),
        ("x ; *", "x"),
        ("* ; *", "*"),
        ("([y]a.z) ; x", "[y]a.z.x"),
        ("([y]a) ; x", "[y]a.x"),
        ("(a<y>.y) ; x", "a<y>.y.x"),
        ("(x ; y) ; z", "x ; y ; z"),
        ("((x ; y) ; z) ; w", "x ; y ; z ; w"),
        ("[(* ; x) ; y].z", "[x ; y].z"),
        ("<y>.((y ; *) ; [y])", "<y>.y.[y]"),
        ("(3 ; x) ; y", "3"),
        ("[x].(A ; <y>.y)", "[x].A"),
    ],
)
def test_normal_form_examples(text: str, normal: str) -> None:
    result = normalize(parse(text))
    assert result == parse(normal)
    assert is_normal(result)


def test_capture_is_avoided_when_m_uses_the_popped_name() -> None:
    # (<x>.x) ; x: the second x is free and must stay free
    result = sequence(parse("<x>.x"), Var("x"))
    assert result == parse("<z>.(z ; x)")
    assert result != parse("<x>.(x ; x)")
    assert free_vars(result) == {"x"}
    assert isinstance(result, Pop) and result.variable != "x"
    assert to_ascii(result) == "<x1>.(x1 ; x)"  # a variant of the user's name


def test_capture_is_avoided_when_the_popped_name_is_unused() -> None:
    result = normalize(parse("(a<x>.[y]) ; x"))
    assert result == parse("a<q>.[y].x")
    assert result != parse("a<x>.[y].x")
    assert free_vars(result) == {"x", "y"}


def test_capture_deep_inside_the_first_term() -> None:
    result = normalize(parse("([A].<x>.b<y>.[x].y) ; [x].y"))
    assert result == parse("[A].<u>.b<v>.[u].v.[x].y")
    assert free_vars(result) == {"x", "y"}


def test_no_renaming_when_nothing_is_captured() -> None:
    result = normalize(parse("(<x>.x) ; y"))
    assert to_ascii(result) == "<x>.(x ; y)"


def test_is_normal_examples() -> None:
    assert is_normal(parse("x ; y ; z"))
    assert is_normal(parse("[x ; y].<z>.z.[z]"))
    assert not is_normal(parse("* ; x"))
    assert not is_normal(parse("[(x ; y) ; z]"))
    assert not is_normal(parse("<x>.([x] ; x)"))
    assert not is_normal(parse("3 ; x"))
    assert not is_normal(parse("x ; *")) and not is_normal(parse("<y>.[y].(x ; *)"))
    assert is_normal(SKIP) and is_normal(Const("s"))
