"""The RMC's reduction rules (rewriting/rmc_rules.py): each rule on an example, local confluence
on generated closed terms, and machine = reduction: the answers read off the normal form of
``pushes(memory) ; M`` are the relational machine's.

CI: 200 generated examples per property (hypothesis profile ``ci``)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.syntax import sequence_of
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.rmc.syntax import Push
from machine_calculus.calculus.strategies import LOCATIONS, first_order_terms, rmc_terms
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.rmc.small_step import solve
from machine_calculus.rewriting.engine import next_step, normal_form, reducts
from machine_calculus.rewriting.graph import reduction_graph
from machine_calculus.rewriting.rmc_rules import RMC, canonical_memory, canonical_summands, read_answers

ground = first_order_terms(max_depth=3)
memories = st.dictionaries(st.sampled_from(list(LOCATIONS)), st.lists(ground, max_size=2).map(tuple), max_size=2)


def nf(text: str) -> str | None:
    result = normal_form(parse_rmc(text), RMC, fuel=2000)
    return None if result is None else rmc_text(result)


@pytest.mark.parametrize(
    ("text", "rule", "result"),
    [
        ("([a] ; [b]) ; [c]", "seq-assoc", "[a] ; [b] ; [c]"),
        ("⋆ ; [a]", "skip", "[a]"),
        ("0 ; [a]", "fail", "0"),
        ("[a] + 0", "fail", "[a]"),
        ("([a] + [b]) ; <c>", "distribute", "[a] ; ⟨c⟩ + [b] ; ⟨c⟩"),
        ("[a]*", "unfold", "⋆ + [a] ; [a]*"),
        ("(new x. [x]) ; <x>", "extrude", "∃x1.([x1] ; ⟨x⟩)"),
        ("new x. ([a] + [x])", "new", "∃x.[a] + ∃x.[x]"),
        ("new x. [a]", "new", "[a]"),
        ("[f(a, b)]l ; [c]m ; l<f(a, b)> ; [d]", "unify", "[c]m ; [d]"),
        ("[f(a)] ; <g(a)>", "unify", "0"),
        ("new x. new y. ([f(a, y)] ; <f(x, b)> ; [e])", "unify", "∃x.∃y.([a] ; [y] ; ⟨b⟩ ; ⟨x⟩ ; [e])"),
        ("new x. ([s(a)] ; [x]m ; m<b> ; <s(x)>)", "bind", "[s(a)] ; ⟨s(b)⟩"),
    ],
)
def test_rules(text: str, rule: str, result: str) -> None:
    steps = [(name, rmc_text(r)) for name, _, r in reducts(parse_rmc(text), RMC)]
    assert (rule, result) in steps, steps


def test_no_rule_where_none_applies() -> None:
    for text in ["⟨a⟩ ; [b]", "[a]l ; m⟨a⟩", "new x. (⟨x⟩ ; [x])", "[a]l ; [b]m ; ⟨c⟩"]:
        assert reducts(parse_rmc(text), RMC) == [], text


def test_normal_forms() -> None:
    assert nf("new x. new y. ([a]q ; [b]q ; q<x> ; q<y> ; [x]out ; [y]out)") == "[b]out ; [a]out"
    assert nf("new x. new y. (([f(x)] ; <f(g(y))>) ; [x])") == "∃y.[g(y)]"
    assert nf("new x. ([f(x, b)]a ; a<f(c, y)>)") == "0"
    assert nf("[z] ; new n. (<n> ; [s(n)])") == "[s(z)]"


def test_machine_order_reduces_where_the_machine_runs() -> None:
    assert next_step(parse_rmc("([a] ; <a>) ; ([b] ; <b>)"), RMC, "machine")[:2] == ("seq-assoc", ())  # type: ignore[index]
    assert next_step(parse_rmc("<c> ; ([a] ; <a>)"), RMC, "machine") is None  # the machine pops first
    assert next_step(parse_rmc("<c> ; ([a] ; <a>)"), RMC, "innermost")[:2] == ("unify", (1,))  # type: ignore[index]
    assert normal_form(parse_rmc("[c] ; ([a] ; <a>) ; <c>"), RMC, strategy="machine") is not None


def memory_pushes(memory: dict[str, tuple[Term, ...]]) -> list[Term]:
    return [Push(item, loc) for loc, items in memory.items() for item in items]


def answer_set(memories_: list[dict[str, tuple[Term, ...]]]) -> set[str]:
    return {repr(sorted((k, tuple(map(repr, v))) for k, v in m.items())) for m in memories_}


@given(rmc_terms(closed=True, star=False, max_depth=4), memories)
def test_machine_answers_are_read_off_the_normal_form(t: Term, memory: dict[str, tuple[Term, ...]]) -> None:
    """Machine = reduction: the answers of the relational machine on ``memory`` are the summands
    of the normal form of ``pushes(memory) ; M`` that only push."""
    result = normal_form(sequence_of(*memory_pushes(memory), t), RMC, fuel=3000)
    assume(result is not None)
    read = read_answers(result)
    assert read is not None, rmc_text(result)
    machine = [canonical_memory(dict(a.memory)) for a in solve(t, memory).answers]
    assert answer_set(read) == answer_set(machine), rmc_text(t)


@given(rmc_terms(closed=True, star=False, max_depth=4))
def test_local_confluence(t: Term) -> None:
    """Every one-step peak joins: all one-step reducts of a closed star-free term have the same
    normal form (up to the order of choices and of extruded binders)."""
    forms = set()
    for _, _, r in reducts(t, RMC)[:6]:
        f = normal_form(r, RMC, fuel=3000)
        assume(f is not None)
        forms.add(canonical_summands(f))
    assert len(forms) <= 1, rmc_text(t)


@given(rmc_terms(closed=True, max_depth=4))
def test_peaks_with_star_join_within_bounds(t: Term) -> None:
    """With the star (not terminating): both sides of each peak reach a common term within a
    bounded search, or the example is discarded (a bounded search proves no divergence)."""
    steps = reducts(t, RMC)[:3]
    for (_, _, u), (_, _, v) in itertools.combinations(steps, 2):
        left = reduction_graph(u, lambda s: reducts(s, RMC), max_nodes=60)
        right = reduction_graph(v, lambda s: reducts(s, RMC), max_nodes=60)
        common = {canonical_summands(n) for n in left.nodes} & {canonical_summands(n) for n in right.nodes}
        assume(common or (left.complete and right.complete))
        assert common, (rmc_text(u), rmc_text(v))
