"""Simple types: the rules on examples, principal types, printing, errors, deep terms."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.types import (
    Arrow,
    Base,
    MemoryType,
    TypeVariable,
    TypingError,
    base_sort,
    infer,
    inhabitant,
    input_memory,
    instance_of,
    pretty_type,
    type_of,
    value_type,
)
from machine_calculus.calculus.strategies import TypedTerm, fmc_terms, typed_terms
from machine_calculus.calculus.terms import Term


def ty(text: str, notation: str = "unicode") -> str:
    return pretty_type(infer(parse(text)).type, notation)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("*", "ε ⇒ ε"),
        ("<x>.<y>.[x].[y]", "λ(t u) ⇒ λ(u t)"),  # swap, as docs/types-and-effects.md shows it
        ("[A].[B].<x>.<y>.[x].[y]", "ε ⇒ λ(name name)"),
        ("<x>.[x]out", "λ(t) ⇒ out(t)"),
        ("in<x>.in<y>.[y]out.[x]out", "in(t u) ⇒ out(t u)"),
        ("c<_>.[7]c ; c<x>.[x]c.[x]out", "c(t) ⇒ c(int) out(int)"),  # update then lookup
        ('[1/2]a.["s"]b.[True]c.[$n]d', "ε ⇒ a(rat) b(str) c(bool) d(sym)"),
        ("<x>.x", "ρ·λ((ρ ⇒ σ)) ⇒ σ"),  # running what was popped: any computation
        ("<x>.x.x", "ρ·λ((ρ ⇒ ρ)) ⇒ ρ"),  # run twice: it must keep the memory type
        ("<f>.<x>.[x].f", "ρ·λ((ρ·λ(t) ⇒ σ) t) ⇒ σ"),  # application: f x
        ("[*].<x>.x", "ε ⇒ ε"),
        ("a<x>.b<y>.[y]a.[x]b", "a(t) b(u) ⇒ a(u) b(t)"),
    ],
)
def test_principal_types(term: str, expected: str) -> None:
    assert ty(term) == expected


def test_notations() -> None:
    assert ty("<x>.<y>.[x].[y]", "ascii") == "λ(t u) => λ(u t)"
    assert ty("<x>.x", "ascii") == "r.λ((r => s)) => s"
    assert ty("<x>.[x]out", "latex") == r"\lambda(t) \Rightarrow \mathit{out}(t)"
    assert ty("[3]a", "latex") == r"\varepsilon \Rightarrow \mathit{a}(\mathsf{int})"


def test_free_variables_get_types() -> None:
    typing = infer(parse("x.[y]a"))
    assert {name: pretty_type(t) for name, t in typing.free.items()} == {"x": "ρ ⇒ σ", "y": "t"}
    with pytest.raises(TypingError, match="free variable x"):
        type_of(parse("x"))


def test_environment_gives_variables_types() -> None:
    int_thunk = Arrow(MemoryType("r"), MemoryType("r", (("out", (Base("int"),)),)))
    assert pretty_type(infer(parse("x"), {"x": int_thunk}).type) == "ε ⇒ out(int)"
    # each run extends x's type below (extension per use): the second writes on out above the first
    assert pretty_type(infer(parse("x ; x"), {"x": int_thunk}).type) == "ε ⇒ out(int int)"


@pytest.mark.parametrize(
    ("term", "sub_term", "clash"),
    [
        # self-application (omega): found when the variable run is settled, so the whole term is named
        ("[<x>.[x].x].<x>.[x].x", "[⟨x⟩.[x].x].⟨x⟩.[x].x", "contain itself"),
        ("<x>.[x].x", "⟨x⟩.[x].x", "contain itself"),
        ('[1].["s"].+', '["s"].+', "arithmetic and orders take numbers, not str"),
        ("[1].[True].<", "[True].<", "arithmetic and orders take numbers, not bool"),
        ('[1].["s"].==', '[1].["s"].==', "str ≠ int"),  # == takes two constants of one sort
        ("[<x>.x].[1].+", "[⟨x⟩.x].[1].+", "constant of sort int is used as a computation"),
        ("[1].[2]./", "/", "'/' has no simple type"),
        ("(<x>.x)^A", "(⟨x⟩.x)^A", "contain itself"),
    ],
)
def test_untypable_terms_name_the_sub_term_and_the_clash(term: str, sub_term: str, clash: str) -> None:
    with pytest.raises(TypingError) as info:
        infer(parse(term))
    assert info.value.term is not None
    assert f"cannot type {sub_term}" in str(info.value) and clash in str(info.value)


def test_base_clash() -> None:
    with pytest.raises(TypingError, match="int ≠ str"):
        infer(parse('<f>.([1].f ; ["s"].f)'))


def test_landins_knot_is_untypable() -> None:
    """Recursion through the store: the cell holds a computation that runs the cell's content."""
    knot = parse("c<_>.[c<f>.[f]c.f]c ; c<f>.[f]c.f")
    with pytest.raises(TypingError, match="contain itself"):
        infer(knot)


def test_typing_the_church_counter_fails_on_stack_depth() -> None:
    """``tick`` writes on out, so iterating it changes the type: simple types count stack items."""
    with pytest.raises(TypingError, match="two different depths"):
        infer(parse((Path(__file__).resolve().parents[2] / "examples" / "church.fmc").read_text(encoding="utf-8")))


def test_base_sorts() -> None:
    assert [base_sort(parse(c).value) for c in ["3", "-1/2", '"s"', "True", "False", "Nil", "$n"]] == [
        "int",
        "rat",
        "str",
        "bool",
        "bool",
        "name",
        "sym",
    ]


def test_instance_of() -> None:
    general = infer(parse("<x>.<y>.[x].[y]")).type
    specific = infer(parse("<x>.<y>.[x].[y]"), {}).type
    assert instance_of(specific, general) and instance_of(general, specific)
    ints = infer(parse("[1].[2].<x>.<y>.[x].[y]")).type
    assert not instance_of(general, ints)
    identity_on_ints = Arrow(MemoryType("r", (("λ", (Base("int"),)),)), MemoryType("r", (("λ", (Base("int"),)),)))
    keep = infer(parse("<x>.[x]")).type
    assert instance_of(identity_on_ints, keep) and not instance_of(keep, identity_on_ints)
    assert instance_of(TypeVariable("a"), TypeVariable("b"))
    assert not instance_of(TypeVariable("a"), Base("int"))


def test_inhabitants() -> None:
    swap = infer(parse("<x>.<y>.[x].[y]")).type
    assert inhabitant(swap) == parse("<v0>.<v1>.[v0].[v1]")
    assert input_memory(swap) == {"λ": (parse("0"), parse("0"))}
    # the inhabitant's principal type is the swap's type again: each is an instance of the other
    assert instance_of(swap, type_of(inhabitant(swap))) and instance_of(type_of(inhabitant(swap)), swap)
    assert value_type(parse("3")) == Base("int")


@given(typed_terms())
def test_typed_terms_strategy(example: TypedTerm) -> None:
    assert pretty_type(infer(example.term).type) == pretty_type(example.type)
    for loc, items in example.type.input.stacks:
        assert len(example.memory[loc]) == len(items)
        for value in example.memory[loc]:
            value_type(value)  # every value has a type


@given(fmc_terms(max_depth=5))
def test_typing_is_invariant_under_printing_and_renaming(t: Term) -> None:
    again = parse(to_ascii(t))
    try:
        first = pretty_type(infer(t).type)
    except TypingError as error:
        with pytest.raises(TypingError) as other:
            infer(again)
        assert str(other.value) == str(error)
        return
    assert pretty_type(infer(again).type) == first


# -- deep terms -----------------------------------------------------------------------------------

N = 100_000


@pytest.fixture
def low_recursion_limit() -> Iterator[None]:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(500)
    yield
    sys.setrecursionlimit(old)


@pytest.mark.slow
@pytest.mark.usefixtures("low_recursion_limit")
@pytest.mark.parametrize(
    ("source", "start"),
    [
        ("[A]out." * N + "*", "ε ⇒ out(name name"),
        ("[A]." * N + "<x>." * N + "*", "ε ⇒ ε"),
        ("[" * N + "*" + "]" * N, "ε ⇒ λ((ε ⇒ λ(("),
        (" ; ".join(["[A]out"] * N), "ε ⇒ out(name name"),
        ("\\x." * N + "[x]out", "λ(t u v w t1"),
        ("(" * N + "[A]out" + " ; *)" * N, "ε ⇒ out(name)"),
    ],
    ids=["push chain", "pops", "nested pushes", "sequence", "lambdas", "left sequence"],
)
def test_deep_terms_are_typed(source: str, start: str) -> None:
    assert ty(source).startswith(start)
