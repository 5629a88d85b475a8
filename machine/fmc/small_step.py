"""The FMC machine, paper-faithful: named small-step rules over (memory, continuation, term).

    push   S, K, [N]a.M            ->  S(a += N), K, M
    pop    S(a = s.N), K, a⟨x⟩.M   ->  S(a = s), K, {N/x}M
    seq    S, K, N ; C             ->  S, K.C, N          (N ; M pushes the frame M, i.e. {⋆ -> M})
    skip   S, K.M, ⋆               ->  S, K, M
    loop   S, K, M^j               ->  S, K.loop(j, M), M
    catch  S, K.C, j               ->  S, K, C(j)         if C has a branch for j (or _)
    pass   S, K.C, j               ->  S, K, j            otherwise (a constant passes K.M too)
    again  S, K.loop(j, M), j      ->  S, K.loop(j, M), M
    exit   S, K.loop(k, M), j      ->  S, K, j            j ≠ k
    prim   S(λ = s.vn...v1), K, p  ->  S(λ = s.r), K, ⋆   r = p(v1, ..., vn)

A jump ``j`` is ``⋆`` or a constant. The run terminates in ``S, ε, j`` (exit with label j, ``⋆``
for success). It is stuck on a pop from an empty stack, a free variable, a primitive on
arguments it does not take, or a label whose branch depends on symbolic constants (use
:mod:`machine.fmc.symbolic`). Stacks are persistent cons lists ``(top, rest)``, so every state of a
trace is kept at no copying cost. The continuation stack holds terms ``M`` (sequence frames),
case frames (``Branch`` chains) and :class:`~calculus.fmc.syntax.LoopFrame`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from machine_calculus.calculus.collector import collector_paused
from machine_calculus.calculus.fmc.labels import UNDETERMINED, meets, select
from machine_calculus.calculus.fmc.printer import to_ascii as to_text
from machine_calculus.calculus.fmc.syntax import (
    DEFAULT,
    SKIP,
    STAR,
    Branch,
    Case,
    Const,
    Loop,
    LoopFrame,
    Pop,
    Prim,
    Push,
    Seq,
    Skip,
    Term,
    Var,
    branches,
)
from machine_calculus.calculus.terms import substitute
from machine_calculus.machine.fmc.primitives import PrimitiveError, arity, primitive_result
from machine_calculus.machine.fmc.result import Result, Status, halted_label, stuck_reason
from machine_calculus.machine.memory import MemoryInput, normalize_memory
from machine_calculus.machine.stacks import Stack, from_items, to_tuple
from machine_calculus.machine.traces import StepTrace, Transition

__all__ = [
    "RULE_NAMES",
    "Halt",
    "State",
    "Trace",
    "Transition",
    "initial_state",
    "result_of",
    "run",
    "run_from",
    "run_traced",
    "step",
    "steps",
]

#: The machine's rule names, in the order docs/control.md lists them.
RULE_NAMES = ("push", "pop", "seq", "skip", "loop", "catch", "pass", "again", "exit", "prim")


@dataclass(frozen=True, slots=True)
class State:
    """A machine state: memory S (a persistent stack per location), continuation K, term."""

    memory: dict[str, Stack]
    continuation: Stack
    term: Term

    def stacks(self) -> dict[str, tuple[Term, ...]]:
        """The memory as ``{location: (bottom, ..., top)}``, empty stacks omitted."""
        return {loc: to_tuple(s) for loc, s in self.memory.items() if s is not None}

    def continuation_terms(self) -> tuple[Term, ...]:
        """The continuation stack, top first."""
        return tuple(reversed(to_tuple(self.continuation)))

    def _repr_html_(self) -> str:
        """A notebook's display: the state in full (the renderer is imported only here)."""
        from machine_calculus.machine.fmc.render import state_html

        return state_html(self)


@dataclass(frozen=True, slots=True)
class Halt:
    """No step applies: the run is done (with its exit label) or stuck (with the reason)."""

    status: str
    exit: Any = None
    reason: str | None = None


def initial_state(term: Term, memory: MemoryInput | None = None) -> State:
    """``S, ε, M``: the term to run on an initial memory (bottom-to-top stacks)."""
    return State({loc: from_items(items) for loc, items in normalize_memory(memory).items()}, None, term)


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
        return _jump(memory, k, term)
    if isinstance(term, Case):
        return Transition("seq", State(memory, (term.frame, k), term.first))
    if isinstance(term, Loop):
        return Transition("loop", State(memory, (LoopFrame(term.body, term.label), k), term.body))
    if isinstance(term, Prim):
        return _primitive(memory, k, term)
    if isinstance(term, Var):
        return Halt("stuck", reason=stuck_reason("free", term.name))
    raise TypeError(f"not an FMC term: {term!r}")


def _jump(memory: dict[str, Stack], k: tuple[Any, Any], term: Term) -> Transition | Halt:
    """A jump meets the top frame: skip, catch, pass, again or exit."""
    frame, rest = k
    label = STAR if isinstance(term, Skip) else term.value  # type: ignore[attr-defined]
    if isinstance(frame, LoopFrame):
        met = meets(label, frame.label)
        if met is None:
            return Halt("stuck", reason=stuck_reason("undetermined", to_text(term)))
        if met:
            return Transition("again", State(memory, k, frame.body))
        return Transition("exit", State(memory, rest, term))
    if isinstance(frame, Branch):
        body = select(branches(frame), label)
        if body is UNDETERMINED:
            return Halt("stuck", reason=stuck_reason("undetermined", to_text(term)))
        if body is None:
            return Transition("pass", State(memory, rest, term))
        return Transition("catch", State(memory, rest, body))
    if isinstance(term, Skip):
        return Transition("skip", State(memory, rest, frame))
    return Transition("pass", State(memory, rest, term))


def _primitive(memory: dict[str, Stack], k: Stack, term: Prim) -> Transition | Halt:
    """``prim``: the arguments from λ (first on top), the result back on λ, then ``⋆``."""
    stack = memory.get(DEFAULT)
    args: list[Term] = []
    for _ in range(arity(term.name)):
        if stack is None:
            return Halt("stuck", reason=stuck_reason("arguments", f"{term.name} {arity(term.name)}"))
        args.append(stack[0])
        stack = stack[1]
    try:
        value = primitive_result(term.name, args)
    except PrimitiveError as error:
        return Halt("stuck", reason=str(error))
    updated = dict(memory)
    updated[DEFAULT] = (value, stack)
    return Transition("prim", State(updated, k, SKIP))


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
class Trace(StepTrace):
    """A traced run: the initial state, every transition, and the result.

    Renders as a rich table (``rich.print(trace)``) and as HTML in notebooks.
    """

    initial: State
    transitions: tuple[Transition, ...]
    result: Result

    def _steps(self) -> tuple[Transition, ...]:
        return self.transitions

    def __repr__(self) -> str:
        return f"<Trace of {len(self.transitions)} steps: {self.result.status}>"

    def _html(self, start: int = 0, stop: int | None = None) -> str:
        from machine_calculus.machine.fmc.render import trace_html

        return trace_html(self, start, stop)


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
    return run_from(initial_state(term, memory), 0, fuel)


def run_from(state: State, count: int, fuel: int) -> Result:
    """Go on from ``state``, reached after ``count`` steps, until the run halts or has taken
    ``fuel`` steps in all (how the compiled run hands over where it stops)."""
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
    status: Status = "stuck" if halt is not None else "out_of_fuel"
    return Result(
        status,
        count,
        state.stacks(),
        reason=halt.reason if halt is not None else f"out of fuel after {count} steps",
        stopped_at=lambda: (state.term, state.continuation_terms()),
    )
