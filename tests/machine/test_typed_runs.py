"""The typing theorems as properties of the machine.

- typed termination: a well-typed term run on a memory of its input type terminates;
- the final memory has the output type;
- subject reduction on the machine: every state of the run, read as a term, keeps the type;
- recursion through the store (Landin's knot) is untypable, and indeed runs forever.
"""

from __future__ import annotations

from hypothesis import given

from calculus.fmc.parser import parse
from calculus.fmc.syntax import Push, Seq, Term
from calculus.fmc.types import Base, TypingError, ground, infer, instance_of, pretty_type, value_type
from calculus.strategies import TypedTerm, typed_terms
from machine import fast, fmc

#: far above what generated typed terms need (they take at most a few hundred steps)
FUEL = 1_000_000


@given(typed_terms())
def test_typed_terms_terminate(example: TypedTerm) -> None:
    for run in (fast.run, fmc.run):
        result = run(example.term, example.memory, fuel=FUEL)
        assert result.status == "done", (pretty_type(example.type), result)
        assert result.exit_text() == "*"


@given(typed_terms())
def test_the_final_memory_has_the_output_type(example: TypedTerm) -> None:
    result = fast.run(example.term, example.memory, fuel=FUEL)
    expected = dict(example.type.output.stacks)
    assert set(result.memory) == set(expected)  # memory variables were instantiated empty
    for location, items in expected.items():
        values = result.stack(location)
        assert len(values) == len(items)
        for value, item in zip(values, items, strict=True):
            # the run's instance: type variables as int, memory variables empty
            assert instance_of(ground(item), value_type(value)), (location, pretty_type_of(value), item)


def pretty_type_of(value: Term) -> str:
    t = value_type(value)
    return t.name if isinstance(t, Base) else pretty_type(t)


def state_term(state: fmc.State) -> Term:
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
    trace = fmc.run_traced(example.term, example.memory, fuel=FUEL)
    states = trace.states()
    initial = infer(state_term(states[0])).type
    for state in states[1:]:
        later = infer(state_term(state)).type  # raises if a step broke typability
        assert instance_of(initial, later), (pretty_type(initial), pretty_type(later))


def test_state_term_of_a_store_run() -> None:
    trace = fmc.run_traced(parse("c<_>.[7]c ; c<x>.[x]c.[x]out"), {"c": (parse("5"),)})
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
