"""Plotkin and Power's laws of state in the store encoding (docs/types-and-effects.md): which
follow from reduction and which need the equational theory (the e-graph).

Encoding: a cell c holds one value; ``c := N`` is ``c<_>.[N]c`` and ``!c`` is ``c<x>.[x]c.[x]``
(the value is pushed on λ). Each law is written with a continuation ``k``: a free variable, which
stands for any continuation (a lookup leaves its value on λ for ``k``; ``!c ; <v>.M`` binds it).

- **reduction**: both sides have the same normal form (up to bound names) under the rewriting
  rules of :mod:`rewriting.rules` (beta across other locations, the sequencing rules).
- **equational theory**: the normal forms differ, so reduction (confluent on these terms) never
  identifies the sides, and the e-graph of :mod:`rewriting.theories` proves them equal with the
  commutation of actions on distinct locations, which reduction does not have.
- **neither**: lookup then update of the same value leaves ``c<x>.[x]c.k`` against ``k``; no FMC
  law removes a pop, and on a memory where c is empty the two sides run differently.

Every law is also checked on the machine: from memories where the cells hold a value, both sides
(with ``k`` as ``*``) end alike.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import Term
from machine_calculus.calculus.terms import alpha_equal
from machine_calculus.embeddings.effects import lookup, update
from machine_calculus.machine.fmc import fast
from machine_calculus.machine.fmc.result import Result
from machine_calculus.rewriting.rules import canonical, normal_form
from machine_calculus.rewriting.theories import equal

REDUCTION, THEORY, NEITHER = "reduction", "equational theory", "neither"
FUEL = 1_000


class Law(NamedTuple):
    name: str
    left: str  # with {k} for the continuation
    right: str
    status: str


UPDATE_C, UPDATE_C2, UPDATE_D = "c<_>.[V]c", "c<_>.[W]c", "d<_>.[W]d"
LOOKUP_C, LOOKUP_D = "c<x>.[x]c.[x]", "d<y>.[y]d.[y]"

LAWS = [
    Law(
        "update then lookup returns the value", f"{UPDATE_C} ; {LOOKUP_C} ; {{k}}", f"{UPDATE_C} ; [V].{{k}}", REDUCTION
    ),
    Law("two updates keep the last", f"{UPDATE_C} ; {UPDATE_C2} ; {{k}}", f"{UPDATE_C2} ; {{k}}", REDUCTION),
    Law("lookup then update of the same value does nothing", f"{LOOKUP_C} ; <v>.(c<_>.[v]c ; {{k}})", "{k}", NEITHER),
    Law(
        "two lookups give the same value",
        f"{LOOKUP_C} ; <v>.({LOOKUP_C} ; <w>.[v].[w].{{k}})",
        f"{LOOKUP_C} ; <v>.[v].[v].{{k}}",
        REDUCTION,
    ),
    Law(
        "two lookups, the values left on λ",
        f"{LOOKUP_C} ; {LOOKUP_C} ; {{k}}",
        f"{LOOKUP_C} ; <v>.[v].[v].{{k}}",
        THEORY,
    ),
    Law(
        "lookups of distinct cells commute",
        f"{LOOKUP_C} ; <v>.({LOOKUP_D} ; <w>.[v].[w].{{k}})",
        f"{LOOKUP_D} ; <w>.({LOOKUP_C} ; <v>.[v].[w].{{k}})",
        THEORY,
    ),
    Law(
        "updates of distinct cells commute",
        f"{UPDATE_C} ; {UPDATE_D} ; {{k}}",
        f"{UPDATE_D} ; {UPDATE_C} ; {{k}}",
        THEORY,
    ),
    Law(
        "update of c and lookup of d commute",
        f"{UPDATE_C} ; {LOOKUP_D} ; {{k}}",
        f"{LOOKUP_D} ; <w>.({UPDATE_C} ; [w].{{k}})",
        THEORY,
    ),
]


def sides(law: Law, k: str) -> tuple[Term, Term]:
    return parse(law.left.format(k=k)), parse(law.right.format(k=k))


def reduced(t: Term) -> Term:
    form = normal_form(t)
    assert form is not None, to_ascii(t)
    return canonical(form)


def by(status: str) -> list[Law]:
    return [law for law in LAWS if law.status == status]


def ids(laws: list[Law]) -> list[str]:
    return [law.name for law in laws]


def test_the_terms_are_the_store_encoding() -> None:
    assert parse(UPDATE_C) == update("c", parse("V"))
    assert parse(LOOKUP_C) == lookup("c")
    assert {law.status for law in LAWS} == {REDUCTION, THEORY, NEITHER}


@pytest.mark.parametrize("k", ["*", "k"])
@pytest.mark.parametrize("law", by(REDUCTION), ids=ids(by(REDUCTION)))
def test_reduction_proves(law: Law, k: str) -> None:
    left, right = sides(law, k)
    a, b = reduced(left), reduced(right)
    assert alpha_equal(a, b), (law.name, to_ascii(a), to_ascii(b))


@pytest.mark.parametrize("k", ["*", "k"])
@pytest.mark.parametrize("law", by(THEORY) + by(NEITHER), ids=ids(by(THEORY) + by(NEITHER)))
def test_reduction_does_not_identify(law: Law, k: str) -> None:
    left, right = sides(law, k)
    a, b = reduced(left), reduced(right)
    assert not alpha_equal(a, b), (law.name, to_ascii(a))


def test_what_reduction_leaves() -> None:
    """The normal forms differ only in the order of actions on distinct locations (or, for
    lookup then update, by the read-and-put-back ``c<x>.[x]c``)."""
    found = {law.name: tuple(to_ascii(reduced(t)) for t in sides(law, "k")) for law in by(THEORY) + by(NEITHER)}
    assert found == {
        "lookup then update of the same value does nothing": ("c<x>.[x]c.k", "k"),
        "two lookups, the values left on λ": ("c<x>.[x].[x]c.[x].k", "c<x>.[x]c.[x].[x].k"),
        "lookups of distinct cells commute": ("c<x>.[x]c.d<y>.[y]d.[x].[y].k", "d<y>.[y]d.c<x>.[x]c.[x].[y].k"),
        "updates of distinct cells commute": ("c<_>.[V]c.d<_>.[W]d.k", "d<_>.[W]d.c<_>.[V]c.k"),
        "update of c and lookup of d commute": ("c<_>.[V]c.d<y>.[y]d.[y].k", "d<y>.[y]d.c<_>.[V]c.[y].k"),
    }


@pytest.mark.parametrize("law", by(REDUCTION) + by(THEORY), ids=ids(by(REDUCTION) + by(THEORY)))
def test_the_egraph_proves(law: Law) -> None:
    proof = equal(*sides(law, "k"))
    assert proof, (law.name, str(proof))
    assert "proved by the FMC's laws" in str(proof)


def test_lookup_then_update_is_not_proved() -> None:
    """No law of the FMC removes the pop of ``c<x>.[x]c``: the e-graph does not find it (a bounded
    search), and it cannot, since every FMC law keeps the run from every memory and this one does
    not from a memory where c is empty."""
    (law,) = by(NEITHER)
    proof = equal(*sides(law, "*"), iterations=10)
    assert not proof and "not found" in str(proof)
    left, right = sides(law, "*")
    a, b = fast.run(left, {}, fuel=FUEL), fast.run(right, {}, fuel=FUEL)
    assert (a.status, b.status) == ("stuck", "done")


MEMORIES: list[dict[str, tuple[Term, ...]]] = [
    {"c": (parse("1"),), "d": (parse("2"),)},
    {"c": (parse("A"),), "d": (parse("A"),), "λ": (parse("7"),)},
    {"c": (parse("<x>.x"),), "d": (parse("*"),), "λ": (parse("B"), parse("C")), "out": (parse("0"),)},
    {"c": (parse("[V].<z>.z"),), "d": (parse("V"),)},
]


def outcome(r: Result) -> tuple[object, ...]:
    return (r.status, r.memory, r.exit_text(), r.reason)


@pytest.mark.parametrize("law", LAWS, ids=ids(LAWS))
def test_both_sides_end_alike_on_the_machine(law: Law) -> None:
    left, right = sides(law, "*")
    for memory in MEMORIES:
        a, b = fast.run(left, memory, fuel=FUEL), fast.run(right, memory, fuel=FUEL)
        assert a.status == "done", (law.name, a.reason)
        assert outcome(a) == outcome(b), (law.name, memory)
