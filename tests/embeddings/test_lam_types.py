"""Simple types, their CBN and CBV translations, and ``has_type``: the encodings preserve types."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.types import has_type, infer, instance_of, pretty_type
from machine_calculus.calculus.terms import iter_preorder
from machine_calculus.embeddings.lam import App, Lam, LVar, cbn, cbv, parse_lambda
from machine_calculus.embeddings.lam_types import (
    SimpleArrow,
    SimpleBase,
    SimpleType,
    SimpleTypeError,
    SimpleVariable,
    cbn_type,
    cbv_type,
    order,
    pretty_simple,
    simple_type,
    simple_typing,
)
from tests.calculus.test_extension_per_use import LAMBDA_TERMS, simply_typable

EXAMPLES = [
    (r"\x. x", "a → a", "ρ·λ((ρ ⇒ σ)) ⇒ σ", "ε ⇒ λ((λ(t) ⇒ λ(t)))"),
    (r"\f x. f (f x)", "(a → a) → a → a", "ρ·λ((ρ·λ((ρ ⇒ σ)) ⇒ σ) (ρ ⇒ σ)) ⇒ σ", None),
    (r"\x y. y x", "a → (a → b) → b", "ρ·λ((σ ⇒ π) (ρ·λ((σ ⇒ π)) ⇒ κ)) ⇒ κ", None),
    (r"\x. A", "a → name", "ρ·λ((σ ⇒ π)) ⇒ {name: ρ}", "ε ⇒ λ((λ(t) ⇒ λ(name)))"),
    (r"\f. f 3", "(int → a) → a", None, "ε ⇒ λ((λ((λ(int) ⇒ λ(t))) ⇒ λ(t)))"),
    (r"\f g a b. g (f a) (f b)", "(a → b) → (b → b → c) → a → a → c", None, None),
    (r"(\f a b. (\p q. p) (f a) (f b)) (\x. x) (\z. z) (\z. z)", "a → a", None, "ε ⇒ λ((λ(t) ⇒ λ(t)))"),
]


@pytest.mark.parametrize(("source", "simple", "by_name", "by_value"), EXAMPLES)
def test_the_images_have_the_translated_types(source: str, simple: str, by_name: str, by_value: str) -> None:
    term = parse_lambda(source)
    a = simple_type(term)
    assert pretty_simple(a) == simple
    if by_name is not None:
        assert pretty_type(cbn_type(a)) == by_name
    if by_value is not None:
        assert pretty_type(cbv_type(a)) == by_value
    assert has_type(cbn(term), cbn_type(a)) and has_type(cbv(term), cbv_type(a))


def test_an_open_parameter_returns_what_its_translation_says() -> None:
    """``λf g a b. g (f a) (f b)`` under CBV: inference must pick how many values f returns (it
    takes its first run's none); checked against the translation, f returns one."""
    term = cbv(parse_lambda(r"\f g a b. g (f a) (f b)"))
    a = simple_type(parse_lambda(r"\f g a b. g (f a) (f b)"))
    assert has_type(term, cbv_type(a))
    assert not instance_of(cbv_type(a), infer(term).type)  # the inferred type is another one
    returns_none = parse("[⟨f⟩.[⟨g⟩.[⟨a⟩.[⟨b⟩.([b] ; [f] ; ⟨h⟩.h ; [g] ; ⟨h⟩.h)]]]]")
    assert not has_type(returns_none, cbv_type(a))


def test_has_type_holds_the_given_type_fixed() -> None:
    swap = parse("<x>.<y>.[x].[y]")
    assert has_type(swap, infer(swap).type)
    assert not has_type(parse("<x>.<y>.[y].[x]"), infer(swap).type)
    identity = cbn_type(simple_type(parse_lambda(r"\x. x")))
    assert not has_type(parse("<x>.A"), identity)  # exits with name, which the type does not list
    assert not has_type(parse("<x>.<y>.x"), identity)


def test_untypable_terms_are_named() -> None:
    with pytest.raises(SimpleTypeError, match="contain itself") as failure:
        simple_type(parse_lambda(r"\x. x x"))
    assert isinstance(failure.value.term, App)
    with pytest.raises(SimpleTypeError, match="free variable y") as free:
        simple_type(parse_lambda(r"\x. y"))
    assert isinstance(free.value.term, LVar)
    with pytest.raises(SimpleTypeError, match="name is not a function"):
        simple_type(parse_lambda("A B"))


def test_deep_terms_have_simple_types() -> None:
    source = "\\x. " + "(\\y. " * 20_000 + "x" + ")" * 20_000
    a = simple_type(parse_lambda(source))
    assert pretty_simple(a).startswith("a → b")
    deep: SimpleType = SimpleVariable("a")
    for _ in range(20_000):
        deep = SimpleArrow(deep, SimpleVariable("a"))
    assert pretty_simple(deep).count("→") == 20_000
    assert len(pretty_type(cbv_type(deep))) > 20_000


# -- properties ---------------------------------------------------------------------------------------


def _variables(t: SimpleType) -> list[SimpleVariable]:
    out: list[SimpleVariable] = []
    stack = [t]
    while stack:
        x = stack.pop()
        if isinstance(x, SimpleArrow):
            stack += [x.result, x.argument]
        elif isinstance(x, SimpleVariable) and x not in out:
            out.append(x)
    return out


def _substitute(t: SimpleType, s: dict[SimpleVariable, SimpleType]) -> SimpleType:
    if isinstance(t, SimpleArrow):
        return SimpleArrow(_substitute(t.argument, s), _substitute(t.result, s))
    return s.get(t, t) if isinstance(t, SimpleVariable) else t


def _simple_instance(specific: SimpleType, general: SimpleType) -> bool:
    """The reference: is ``specific`` the general type with types put for its variables?"""
    s: dict[SimpleVariable, SimpleType] = {}
    work: list[tuple[SimpleType, SimpleType]] = [(general, specific)]
    while work:
        g, x = work.pop()
        if isinstance(g, SimpleVariable):
            if s.setdefault(g, x) != x:
                return False
        elif isinstance(g, SimpleArrow):
            if not isinstance(x, SimpleArrow):
                return False
            work += [(g.argument, x.argument), (g.result, x.result)]
        elif g != x:
            return False
    return True


@given(LAMBDA_TERMS)
def test_simple_types_agree_with_the_reference(term: Any) -> None:
    try:
        a = simple_type(term)
    except SimpleTypeError:
        assert not simply_typable(term)
        return
    assert simply_typable(term) and _simple_instance(a, a)


def first_order_parameters(term: Any) -> bool:
    return all(order(p) <= 1 for p in simple_typing(term)[1])


@pytest.mark.parametrize("source", [r"(\y x. y (x A) x) (\y x. x y)", r"\z. z A (\z. z A (\x. x))"])
def test_higher_order_parameters_under_cbv(source: str) -> None:
    """Parameters of order 2 or more (docs/types-and-effects.md): the CBV image has the
    translation (checked against it), although ``infer`` may pick no type or another one."""
    term = parse_lambda(source)
    a = simple_type(term)
    assert not first_order_parameters(term)
    assert has_type(cbn(term), cbn_type(a)) and has_type(cbv(term), cbv_type(a))


@pytest.mark.xfail(strict=True, reason="has_type is incomplete here: found by the deep profile (docs)")
@pytest.mark.parametrize("text", [r"\y. (\x. x A) y A A", r"\y. (\y. y A) y A (\y. y)"])
def test_a_cbv_image_has_type_refuses(text: str) -> None:
    """Known incompleteness (docs/types-and-effects.md), also before this check was widened: the
    parameter y is typed from its first run, inside the argument's own redex. The second was
    found by CI's random inputs."""
    term = parse_lambda(text)
    a = simple_type(term)
    assert _redex_on_a_variable(term)
    assert has_type(cbn(term), cbn_type(a))
    assert has_type(cbv(term), cbv_type(a))


def _redex_on_a_variable(term: Any) -> bool:
    """Has ``term`` a redex ``(λx.M) y`` whose argument is a variable: the shape of the known
    incompleteness of ``has_type`` on CBV images (the parameter y is typed from its first run,
    inside the argument's own redex; docs/types-and-effects.md)?"""
    return any(
        isinstance(node, App) and isinstance(node.function, Lam) and isinstance(node.argument, LVar)
        for node in iter_preorder(term)
    )


def _check_cbv(term: Any, b: SimpleType, expected: bool, shown: Any) -> None:
    """``has_type`` on the CBV image agrees with simple typing: always when it says yes (sound),
    and when it says no unless the term has the known incomplete shape (counted as an event)."""
    found = has_type(cbv(term), cbv_type(b))
    if expected and not found and _redex_on_a_variable(term):
        event("has_type refused a CBV image of the known incomplete shape")
        return
    assert found == expected, shown


@given(LAMBDA_TERMS)
def test_images_have_the_translations_of_their_types(term: Any) -> None:
    """Item 3 of the types issue: CBN and CBV preserve types, as translated."""
    try:
        a = simple_type(term)
    except SimpleTypeError:
        assume(False)
        return
    event(f"highest parameter order: {min(max((order(p) for p in simple_typing(term)[1]), default=0), 3)}")
    assert has_type(cbn(term), cbn_type(a)), pretty_simple(a)
    _check_cbv(term, a, True, pretty_simple(a))


@given(LAMBDA_TERMS, st.data())
def test_images_have_exactly_the_translated_instances(term: Any, data: st.DataObject) -> None:
    """``has_type`` on images decides what simple typing does: an image has the translation of
    B iff B is an instance of the term's principal type A (B drawn near A: a variable made a
    base sort, merged with another, made a function, or the result made wrong)."""
    try:
        a = simple_type(term)
    except SimpleTypeError:
        assume(False)
        return
    variables = _variables(a)
    assume(variables)
    v = data.draw(st.sampled_from(variables))
    replacement: SimpleType = data.draw(
        st.sampled_from(
            [SimpleBase("name"), variables[0], SimpleArrow(SimpleVariable("z"), SimpleVariable("z")), SimpleBase("int")]
        )
    )
    b = _substitute(a, {v: replacement})
    if data.draw(st.booleans()):
        b = SimpleArrow(b, SimpleBase("int"))  # one argument too many
    expected = _simple_instance(b, a)
    assert has_type(cbn(term), cbn_type(b)) == expected, (pretty_simple(a), pretty_simple(b))
    _check_cbv(term, b, expected, (pretty_simple(a), pretty_simple(b)))
