"""FMC III's simple types with exits: ``A ⇒ {⋆: B, name: C, ...}``, one memory per label family."""

from __future__ import annotations

import pytest

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.types import FAMILIES, family_of_label, infer, pretty_type


@pytest.mark.parametrize(
    ("term", "unicode"),
    [
        ("Overflow", "ρ ⇒ {name: ρ}"),  # a jump: never exits normally
        ("3", "ρ ⇒ {int: ρ}"),
        ("[1]out.Overflow ; [2]out", "ρ ⇒ {⋆: σ·out(int), name: ρ·out(int)}"),
        ("[1].[2].+", "ε ⇒ λ(int)"),
        ("[1].[2].<", "ε ⇒ λ(bool)"),
        ("[True].not", "ε ⇒ λ(bool)"),
        ("<x>.<y>.[x].[y].==", "λ(t t) ⇒ λ(bool)"),
        ('["boom"].error', "ρ ⇒ σ"),  # never exits: its output says nothing
        # a family with a caught label may have others that pass: name stays, conservatively
        ("A ; {A -> [1]out | B -> [2]out}", "ρ ⇒ {⋆: ρ·out(int), name: ρ}"),
        ("[1]c.(c<k>.[k].[k].mul ; <s>.[s]c.Again)^Again", "ρ ⇒ {name: ρ·c(int)}"),
        ("(<x>.[x])^*", "ρ·λ(t) ⇒ σ"),
        ("<x>.<y>.[x].[y]", "λ(t u) ⇒ λ(u t)"),  # FMC terms keep their types
    ],
)
def test_types_with_exits(term: str, unicode: str) -> None:
    assert pretty_type(infer(parse(term)).type) == unicode


def test_ascii_and_latex() -> None:
    t = infer(parse("[1]out.Overflow ; [2]out")).type
    assert pretty_type(t, "ascii") == "r => {*: s.out(int), name: r.out(int)}"
    assert r"\star" in pretty_type(t, "latex")


def test_a_case_frame_takes_each_branch_from_its_family() -> None:
    # both branches start from the memory the comparison's result leaves (bool labels are names)
    t = infer(parse("[1].[2].< ; <b>.(b ; {True -> [1]out | False -> [2]out})")).type
    assert pretty_type(t) == "ρ ⇒ {⋆: ρ·out(int), name: ρ}"


def test_families() -> None:
    import sympy

    from machine_calculus.calculus.fmc.syntax import Name

    assert FAMILIES == ("name", "int", "rat", "str", "sym")
    assert [family_of_label(x) for x in (Name("True"), Name("Nil"), sympy.Integer(3), sympy.Rational(1, 2), "s")] == [
        "name",
        "name",
        "int",
        "rat",
        "str",
    ]
    assert family_of_label(sympy.Symbol("n") + 1) == "sym"
