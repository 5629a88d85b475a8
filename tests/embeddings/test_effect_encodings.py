"""The store, input/output and choice encodings; the laws of state as equal machine behaviour."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import SKIP, Pop, Push, Term, Var
from machine_calculus.calculus.strategies import fmc_terms, memories
from machine_calculus.embeddings.effects import choice, lookup, read, update, write
from machine_calculus.machine.fmc import fast
from machine_calculus.machine.fmc.result import Result
from machine_calculus.machine.memory import input_stream

values = fmc_terms(closed=True, max_depth=3)


def store_memories() -> st.SearchStrategy[dict[str, tuple[Term, ...]]]:
    """Memories where cells c and d hold one value each (and other locations anything)."""
    return st.builds(
        lambda rest, c, d: {**rest, "c": (c,), "d": (d,)},
        memories(locations=("λ", "out")),
        values,
        values,
    )


def same(a: Result, b: Result) -> bool:
    return (a.status, a.memory, a.exit_text(), a.reason) == (b.status, b.memory, b.exit_text(), b.reason)


FUEL = 10_000


@given(store_memories(), values)
def test_update_then_lookup_returns_the_value(memory: dict[str, tuple[Term, ...]], n: Term) -> None:
    """c := N ; !c  =  c := N ; [N]"""
    left = update("c", n, lookup("c"))
    right = update("c", n, Push(n, "λ", SKIP))
    assert same(fast.run(left, memory, fuel=FUEL), fast.run(right, memory, fuel=FUEL))


@given(store_memories(), values, values)
def test_two_updates_keep_the_last(memory: dict[str, tuple[Term, ...]], n: Term, m: Term) -> None:
    """c := N ; c := M  =  c := M"""
    left = update("c", n, update("c", m))
    assert same(fast.run(left, memory, fuel=FUEL), fast.run(update("c", m), memory, fuel=FUEL))


@given(store_memories(), fmc_terms(max_depth=3, variables=("x", "y")))
def test_lookups_of_distinct_cells_commute(memory: dict[str, tuple[Term, ...]], body: Term) -> None:
    """!c ; !d ; ⟨y⟩.⟨x⟩.M  =  !d ; !c ; ⟨x⟩.⟨y⟩.M  (x the value of c, y that of d)"""
    left = lookup("c", lookup("d", Pop("λ", "y", Pop("λ", "x", body))))
    right = lookup("d", lookup("c", Pop("λ", "x", Pop("λ", "y", body))))
    assert same(fast.run(left, memory, fuel=FUEL), fast.run(right, memory, fuel=FUEL))


@given(store_memories(), values)
def test_lookup_then_update_of_the_same_value_is_lookup(memory: dict[str, tuple[Term, ...]], _n: Term) -> None:
    """!c ; ⟨x⟩.(c := x ; [x])  =  !c  (writing back what was read changes nothing)"""
    left = lookup("c", Pop("λ", "x", update("c", Var("x"), Push(Var("x"), "λ", SKIP))))
    assert same(fast.run(left, memory, fuel=FUEL), fast.run(lookup("c"), memory, fuel=FUEL))


def test_store_encodings_follow_the_spec() -> None:
    assert update("c", parse("N")) == parse("c<_>.[N]c")
    assert lookup("c") == parse("c<x>.[x]c.[x]")


def test_input_output() -> None:
    echo_reversed = read("x", read("y", write(Var("y"), write(Var("x")))))
    assert echo_reversed == parse("in<x>.in<y>.[y]out.[x]out")
    result = fast.run(echo_reversed, {"in": input_stream(parse("1"), parse("2"), parse("3"))})
    assert [to_ascii(v) for v in result.stack("out")] == ["2", "1"]
    assert [to_ascii(v) for v in result.stack("in")] == ["3"]  # the rest of the input is unread


def test_choice_encoding() -> None:
    assert choice(parse("[1]out"), parse("[2]out")) == parse("rnd<b>.[[2]out].[[1]out].b")
    assert choice(parse("b"), parse("*"), "nd") == parse("nd<b1>.[*].[b].b1")  # no capture
