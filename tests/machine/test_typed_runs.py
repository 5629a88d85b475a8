"""The typing theorems as properties of the machine.

- typed termination: a well-typed term run on a memory of its input type terminates (FMC III:
  in the absence of loops);
- the final memory has the type the term's type gives its exit (the output for ``⋆``);
- subject reduction on the machine: every state of the run, read as a term, keeps the type;
- recursion through the store (Landin's knot) is untypable, and indeed runs forever.
"""

from __future__ import annotations

from typing import Any

import sympy
from hypothesis import given

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.fmc.syntax import Const, Prim, Push, Seq, Term
from machine_calculus.calculus.fmc.syntax import exit_label as exit_label_of
from machine_calculus.calculus.fmc.types import (
    Arrow,
    Base,
    TypingError,
    ground,
    has_type,
    infer,
    instance_of,
    pretty_type,
    value_type,
)
from machine_calculus.calculus.fmc.types import (
    exit_memory as exit_memory_of,
)
from machine_calculus.calculus.strategies import TypedTerm, typed_terms
from machine_calculus.machine.fmc import fast, small_step

#: far above what generated typed terms need (they take at most a few hundred steps)
FUEL = 1_000_000


@given(typed_terms())
def test_typed_terms_terminate(example: TypedTerm) -> None:
    for run in (fast.run, small_step.run):
        result = run(example.term, example.memory, fuel=FUEL)
        assert result.status == "done", (pretty_type(example.type), result)


@given(typed_terms(control=True, loops=False))
def test_typed_loop_free_fmc3_terms_terminate(example: TypedTerm) -> None:
    """FMC III: without loops, a well-typed term's run ends (done, or stuck on a primitive's
    run-time error such as division by zero or a symbolic branch: never out of fuel)."""
    for run in (fast.run, small_step.run):
        result = run(example.term, example.memory, fuel=FUEL)
        assert result.status != "out_of_fuel", pretty_type(example.type)
        if result.status == "stuck":  # a primitive's run-time error, or a symbolic branch
            assert isinstance(result.term, Prim) or "symbolic" in (result.reason or ""), result.reason


def exit_memory(example: TypedTerm, exit_label: Term | None) -> dict[str, tuple[Any, ...]] | None:
    """The memory type the type gives for the run's exit (None: the type does not say)."""
    found = exit_memory_of(example.type, exit_label_of(exit_label))
    return None if found is None else dict(found.stacks)


@given(typed_terms() | typed_terms(control=True, loops=False))
def test_the_final_memory_has_the_type_of_the_exit(example: TypedTerm) -> None:
    result = fast.run(example.term, example.memory, fuel=FUEL)
    if not result.done:
        return  # a run-time error of a primitive (the typing theorems do not exclude it)
    expected = exit_memory(example, result.exit)
    assert expected is not None, (pretty_type(example.type), result.exit_text())
    assert set(result.memory) == set(expected)  # memory variables were instantiated empty
    for location, items in expected.items():
        values = result.stack(location)
        assert len(values) == len(items)
        for value, item in zip(values, items, strict=True):
            # the run's instance: type variables as int, memory variables empty
            assert fits(ground(item), value), (location, pretty_type_of(value), item)


def fits(expected: Any, value: Term) -> bool:
    """Has ``value`` the (ground) type ``expected``? A ``sym`` is a symbolic number expression,
    and symbolic arithmetic may simplify it to a number (``$n - $n`` is ``0``, ``$n * 0`` is
    ``0``): an int or a rat fits where a sym is expected. A comparison of symbols that sympy
    cannot decide (``$n < $n`` for a complex n) is a symbolic truth value: it fits a bool."""
    found = value_type(value)
    if expected == Base("sym") and found in (Base("int"), Base("rat")):
        return True
    if expected == Base("bool") and isinstance(value, Const) and isinstance(value.value, sympy.logic.boolalg.Boolean):
        return True
    if isinstance(expected, Arrow) and isinstance(value, Const):  # a constant typed as its jump
        return instance_of(expected, infer(value).type)
    # a thunk: an instance of its principal type, or (extension per use) of the given one
    return instance_of(expected, found) or (isinstance(expected, Arrow) and has_type(value, expected))


def pretty_type_of(value: Term) -> str:
    t = value_type(value)
    return t.name if isinstance(t, Base) else pretty_type(t)


def state_term(state: small_step.State) -> Term:
    """A machine state read as one term: push the memory (bottom to top), run the term, then
    the continuation's frames (top first): ``[s1]a. ... (M ; K1 ; ... ; Kn)``."""
    program: Term = state.term
    for frame in state.continuation_terms():  # top first: run next
        program = Seq(program, frame)
    for location, stack in sorted(state.stacks().items(), reverse=True):
        for value in reversed(stack):
            program = Push(value, location, program)
    return program


@given(typed_terms())
def test_subject_reduction_on_the_machine(example: TypedTerm) -> None:
    trace = small_step.run_traced(example.term, example.memory, fuel=FUEL)
    states = trace.states()
    initial = infer(state_term(states[0])).type
    for state in states[1:]:
        # the state has the first one's type (``has_type``: where extension per use leaves
        # several incomparable types, the state's inferred one may be another of them)
        assert has_type(state_term(state), initial), (pretty_type(initial), to_unicode(state_term(state)))


def test_state_term_of_a_store_run() -> None:
    trace = small_step.run_traced(parse("c<_>.[7]c ; c<x>.[x]c.[x]out"), {"c": (parse("5"),)})
    types = [pretty_type(infer(state_term(s)).type) for s in trace.states()]
    assert types[0] == types[-1] == "ε ⇒ c(int) out(int)"
    assert len(set(types)) == 1


def test_landins_knot() -> None:
    """A cell holding a computation that reads the cell and runs what it finds: recursion
    through the store, untypable, and a run that never ends."""
    knot = parse("c<_>.[c<f>.[f]c.f]c ; c<f>.[f]c.f")
    try:
        infer(knot)
    except TypingError as error:
        assert "contain itself" in str(error)
    else:  # pragma: no cover
        raise AssertionError("Landin's knot was typed")
    result = fast.run(knot, {"c": (parse("*"),)}, fuel=10_000)
    assert result.status == "out_of_fuel"
