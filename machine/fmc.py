"""The FMC machine, paper-faithful: named small-step rules over (memory, continuation, term).

    push   S, K, [N]a.M            ->  S(a += N), K, M
    pop    S(a = s.N), K, a⟨x⟩.M   ->  S(a = s), K, {N/x}M
    seq    S, K, N ; M             ->  S, K.M, N
    skip   S, K.M, ⋆               ->  S, K, M
    pass   S, K.M, j               ->  S, K, j          (a constant j ≠ ⋆ passes a sequence frame)

The run terminates in ``S, ε, ⋆`` (or ``S, ε, j``: exit with label j). It is stuck on a pop from
an empty stack or on a free variable. Stacks are persistent cons lists ``(top, rest)``, so every
state of a trace is kept at no copying cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from calculus.collector import collector_paused
from calculus.fmc.syntax import Const, Pop, Push, Seq, Skip, Term, Var
from calculus.terms import substitute
from machine.result import MemoryInput, Result, halted_label, normalize_memory, stuck_reason

__all__ = [
    "RULES",
    "Halt",
    "State",
    "Trace",
    "Transition",
    "initial_state",
    "result_of",
    "run",
    "run_traced",
    "step",
    "steps",
]

#: The machine's rule names, in the order of the spec.
RULES = ("push", "pop", "seq", "skip", "pass")

Stack = tuple[Any, Any] | None  # a cons list (top, rest), None when empty


@dataclass(frozen=True, slots=True)
class State:
    """A machine state: memory S (a persistent stack per location), continuation K, term."""

    memory: dict[str, Stack]
    continuation: Stack
    term: Term

    def stacks(self) -> dict[str, tuple[Term, ...]]:
        """The memory as ``{location: (bottom, ..., top)}``, empty stacks omitted."""
        return {loc: _to_tuple(s) for loc, s in self.memory.items() if s is not None}

    def continuation_terms(self) -> tuple[Term, ...]:
        """The continuation stack, top first."""
        return tuple(reversed(_to_tuple(self.continuation)))


@dataclass(frozen=True, slots=True)
class Transition:
    """One step: the rule that fired and the state it led to."""

    rule: str
    state: State


@dataclass(frozen=True, slots=True)
class Halt:
    """No step applies: the run is done (with its exit label) or stuck (with the reason)."""

    status: str
    exit: Any = None
    reason: str | None = None


def _to_tuple(stack: Stack) -> tuple[Any, ...]:
    items: list[Any] = []
    while stack is not None:
        items.append(stack[0])
        stack = stack[1]
    items.reverse()
    return tuple(items)


def _from_items(items: tuple[Term, ...]) -> Stack:
    stack: Stack = None
    for item in items:
        stack = (item, stack)
    return stack


def initial_state(term: Term, memory: MemoryInput | None = None) -> State:
    """``S, ε, M``: the term to run on an initial memory (bottom-to-top stacks)."""
    return State({loc: _from_items(items) for loc, items in normalize_memory(memory).items()}, None, term)


def step(state: State) -> Transition | Halt:
    """One machine step, naming its rule; a :class:`Halt` when the state is final or stuck."""
    term, memory, k = state.term, state.memory, state.continuation
    if isinstance(term, Push):
        updated = dict(memory)
        updated[term.location] = (term.term, memory.get(term.location))
        return Transition("push", State(updated, k, term.body))
    if isinstance(term, Pop):
        stack = memory.get(term.location)
        if stack is None:
            return Halt("stuck", reason=stuck_reason("empty", term.location))
        value, rest = stack
        updated = dict(memory)
        if rest is None:
            del updated[term.location]
        else:
            updated[term.location] = rest
        return Transition("pop", State(updated, k, substitute(term.body, {term.variable: value})))
    if isinstance(term, Seq):
        return Transition("seq", State(memory, (term.then, k), term.first))
    if isinstance(term, Skip | Const):
        if k is None:
            return Halt("done", exit=halted_label(term))
        if isinstance(term, Skip):
            return Transition("skip", State(memory, k[1], k[0]))
        return Transition("pass", State(memory, k[1], term))
    if isinstance(term, Var):
        return Halt("stuck", reason=stuck_reason("free", term.name))
    raise TypeError(f"not an FMC term: {term!r}")


def steps(state: State, fuel: int | None = None) -> Iterator[Transition | Halt]:
    """The transitions from ``state``, then a final :class:`Halt` (none if fuel runs out)."""
    count = 0
    while True:
        outcome = step(state)
        if isinstance(outcome, Halt):
            yield outcome
            return
        if fuel is not None and count >= fuel:
            return
        count += 1
        yield outcome
        state = outcome.state


@dataclass(frozen=True, slots=True)
class Trace:
    """A traced run: the initial state, every transition, and the result.

    Renders as a rich table (``rich.print(trace)``) and as HTML in notebooks.
    """

    initial: State
    transitions: tuple[Transition, ...]
    result: Result

    def states(self) -> list[State]:
        return [self.initial, *(t.state for t in self.transitions)]

    def rules(self) -> list[str]:
        return [t.rule for t in self.transitions]

    def __len__(self) -> int:
        return len(self.transitions)

    def __repr__(self) -> str:
        return f"<Trace of {len(self.transitions)} steps: {self.result.status}>"

    def __rich__(self) -> Any:
        from machine.render import trace_table

        return trace_table(self)

    def _repr_html_(self) -> str:
        from machine.render import trace_html

        return trace_html(self)


def run_traced(term: Term, memory: MemoryInput | None = None, fuel: int = 100_000) -> Trace:
    """Run ``term`` with the paper-faithful machine, keeping every step (at most ``fuel``)."""
    state = initial_state(term, memory)
    transitions: list[Transition] = []
    halt: Halt | None = None
    for outcome in steps(state, fuel):
        if isinstance(outcome, Halt):
            halt = outcome
        else:
            transitions.append(outcome)
    last = transitions[-1].state if transitions else state
    return Trace(state, tuple(transitions), result_of(last, len(transitions), halt))


@collector_paused()
def run(term: Term, memory: MemoryInput | None = None, fuel: int = 1_000_000) -> Result:
    """Run ``term`` with the paper-faithful machine without keeping a trace."""
    state = initial_state(term, memory)
    count = 0
    while True:
        outcome = step(state)
        if isinstance(outcome, Halt):
            return result_of(state, count, outcome)
        if count >= fuel:
            return result_of(state, count, None)
        count += 1
        state = outcome.state


def result_of(state: State, count: int, halt: Halt | None) -> Result:
    """The :class:`Result` of a run that stopped in ``state`` after ``count`` steps."""
    if halt is not None and halt.status == "done":
        return Result("done", count, state.stacks(), exit=halt.exit)
    status = "stuck" if halt is not None else "out_of_fuel"
    return Result(
        status,  # type: ignore[arg-type]
        count,
        state.stacks(),
        reason=halt.reason if halt is not None else f"out of fuel after {count} steps",
        stopped_at=lambda: (state.term, state.continuation_terms()),
    )
