"""FMC III's simple types with exits: ``A ⇒ {⋆: B, Cons: C, name: D, ...}``: one memory per label
a term catches or jumps with (listed on its own), one per family for the others."""

from __future__ import annotations

import pytest

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.types import (
    FAMILIES,
    exit_memory,
    family_of_label,
    has_type,
    infer,
    label_key,
    pretty_type,
)


@pytest.mark.parametrize(
    ("term", "unicode"),
    [
        ("Overflow", "ρ ⇒ {Overflow: ρ}"),  # a jump: never exits normally
        ("3", "ρ ⇒ {int: ρ}"),
        ("[1]out.Overflow ; [2]out", "ρ ⇒ {⋆: σ·out(int), Overflow: ρ·out(int)}"),
        ("[1].[2].+", "ε ⇒ λ(int)"),
        ("[1].[2].<", "ε ⇒ λ(bool)"),
        ("[True].not", "ε ⇒ λ(bool)"),
        ("<x>.<y>.[x].[y].==", "λ(t t) ⇒ λ(bool)"),
        ('["boom"].error', "ρ ⇒ σ"),  # never exits: its output says nothing
        # a name listed on its own is caught whole: A never leaves the frame
        ("A ; {A -> [1]out | B -> [2]out}", "ε ⇒ out(int)"),
        # so is a loop's label: Again never leaves the loop, which never ends
        ("[1]c.(c<k>.[k].[k].mul ; <s>.[s]c.Again)^Again", "ρ ⇒ σ"),
        # a family with a caught label may have others that pass: int stays, conservatively
        ("[1].[2].+ ; <n>.(n ; {3 -> [1]out})", "ρ ⇒ {⋆: ρ·out(int), int: ρ}"),
        ("3 ; {3 -> [1]out}", "ε ⇒ out(int)"),  # 3 is listed on its own: caught whole
        # constructors of different arities leave different memories
        ("[1].[2].Pair ; {Pair -> <a>.<b>.[a]out | Nil -> [0]out}", "ε ⇒ out(int)"),
        ("(<x>.[x])^*", "ρ·λ(t) ⇒ σ"),
        ("<x>.<y>.[x].[y]", "λ(t u) ⇒ λ(u t)"),  # FMC terms keep their types
    ],
)
def test_types_with_exits(term: str, unicode: str) -> None:
    assert pretty_type(infer(parse(term)).type) == unicode


def test_ascii_and_latex() -> None:
    t = infer(parse("[1]out.Overflow ; [2]out")).type
    assert pretty_type(t, "ascii") == "r => {*: s.out(int), Overflow: r.out(int)}"
    assert r"\star" in pretty_type(t, "latex")


def test_a_case_frame_takes_each_branch_from_its_family() -> None:
    # both branches start from the memory the comparison's result leaves (bool is one family,
    # caught whole when both True and False are)
    t = infer(parse("[1].[2].< ; <b>.(b ; {True -> [1]out | False -> [2]out})")).type
    assert pretty_type(t) == "ε ⇒ out(int)"
    t = infer(parse("[1].[2].< ; <b>.(b ; {True -> [1]out})")).type
    assert pretty_type(t) == "ρ ⇒ {⋆: ρ·out(int), bool: ρ}"


def test_a_name_of_unknown_value_may_be_any_name() -> None:
    # x is a name from the input: run, it may be Nil (caught) or another (passing as name)
    t = infer(parse("<x>.(x ; {Nil -> [0]out})")).type
    assert pretty_type(t) == "ρ·λ((ρ ⇒ {⋆: σ·out(int), Nil: σ})) ⇒ σ·out(int)"
    assert has_type(parse("<x>.(x ; {Nil -> [0]out})"), infer(parse("<x>.(x ; {Nil -> [0]out})")).type)


def test_labels_listed_on_their_own_and_families() -> None:
    from machine_calculus.calculus.fmc.syntax import Name

    t = infer(parse("[1]out.Overflow ; [2]out")).type
    assert exit_memory(t, Name("Overflow")) == dict(t.exits)["Overflow"]
    assert exit_memory(t, Name("Other")) is None  # a name the type does not list: none exits
    assert label_key(Name("Cons")) == "Cons" and label_key('br"k') == '"br\\"k"'
    assert label_key(Name("True")) is None  # bool is one family


def test_families() -> None:
    import sympy

    from machine_calculus.calculus.fmc.syntax import Name

    assert FAMILIES == ("bool", "name", "int", "rat", "str", "sym")
    assert [family_of_label(x) for x in (Name("True"), Name("Nil"), sympy.Integer(3), sympy.Rational(1, 2), "s")] == [
        "bool",
        "name",
        "int",
        "rat",
        "str",
    ]
    assert family_of_label(sympy.Symbol("n") + 1) == "sym"
