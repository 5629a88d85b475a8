"""The fast run: the FMC machine compiled to Python (:mod:`machine.fmc.codegen`).

    run(term, memory, fuel)  ==  small_step.run(term, memory, fuel)

status, exit label, final memory, steps, stuck reason and where a run stopped are the small-step
machine's, at every fuel. The driver enters units (generated Python functions) until one stops:
with the exit label when the continuation is empty, or with the machine state where compiled
code does not go on (fuel too short for the next straight-line path, a pop from an empty stack,
a primitive that refuses its arguments, a label that depends on symbols, a free variable). That
state is read back into terms and :func:`machine.fmc.small_step.run_from` takes the remaining
steps, so every stuck reason and every partial run is the reference machine's own.

Machine values are read back to terms at the end: a constant's value to ``Const``, a closure
``(unit, env)`` to its term with its environment substituted (iteratively, sharing work).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from machine_calculus.calculus.collector import collector_paused
from machine_calculus.calculus.fmc.syntax import SKIP, STAR, Const, Term
from machine_calculus.calculus.terms import substitute
from machine_calculus.machine.fmc import small_step
from machine_calculus.machine.fmc.codegen import (
    JUMP_STATE,
    MAX_CACHED,
    STOP,
    clear_caches,
    frame_of_term,
    unit_for,
    value_of,
)
from machine_calculus.machine.fmc.result import Result
from machine_calculus.machine.fmc.values import term_value
from machine_calculus.machine.memory import MemoryInput, normalize_memory
from machine_calculus.machine.stacks import from_items

__all__ = ["REPORT_EVERY", "advance", "readback", "run"]


#: steps between two progress reports of :func:`run` (a few tenths of a second of compiled run)
REPORT_EVERY = 2_000_000


@collector_paused()
def run(
    term: Term,
    memory: MemoryInput | None = None,
    fuel: int = 1_000_000,
    *,
    report: Callable[[int], None] | None = None,
    every: int = REPORT_EVERY,
) -> Result:
    """Run ``term`` on ``memory`` (bottom-to-top stacks) for at most ``fuel`` steps.

    With ``report``, the run goes in stretches of ``every`` steps and calls ``report(steps)``
    after each (a progress bar's update): each stretch stops out of fuel where the plain run
    would go on, and the next resumes from that state, so the result is the plain run's."""
    clear_caches(MAX_CACHED)
    if report is None:
        return _run_from(_machine_stacks(normalize_memory(memory)), [], unit_for(term, ()), 0, fuel)
    state, count = small_step.initial_state(term, memory), 0
    while True:
        limit = min(count + max(every, 1), fuel)
        result = _run_from(*_entered(state), count, limit)
        report(result.steps)
        if result.status != "out_of_fuel" or limit >= fuel:
            return result
        assert result.term is not None  # an out-of-fuel run stops at a term
        resumed = small_step.initial_state(result.term, result.memory)
        state = replace(resumed, continuation=from_items(reversed(result.continuation)))
        count = result.steps


def _entered(state: small_step.State) -> tuple[defaultdict[str, list[Any]], list[Any], Any]:
    """A small-step state as the compiled code takes it: machine stacks, the continuation's
    frames (bottom first) and the unit of the term."""
    continuation = [frame_of_term(frame) for frame in reversed(state.continuation_terms())]
    return _machine_stacks(state.stacks()), continuation, unit_for(state.term, ())


def _run_from(stacks: Any, continuation: list[Any], unit: Any, count: int, fuel: int) -> Result:
    """The compiled run from a unit on machine stacks and a continuation, ``count`` steps in,
    until ``fuel`` steps in all; the small-step machine takes over where compiled code stops."""
    where, value, steps = _drive(unit, (), stacks, continuation, count, fuel)
    memo: dict[int, tuple[Any, Term]] = {}
    if where is None:  # done: the continuation is empty
        memory_out = {loc: _read_stack(s, memo) for loc, s in stacks.items() if s}
        return Result("done", steps, memory_out, exit=_label_term(value))
    return small_step.run_from(_state(where, value, stacks, continuation, memo), steps, fuel)


@collector_paused()
def advance(state: small_step.State, count: int, fuel: int) -> tuple[small_step.State, int]:
    """From a small-step state reached after ``count`` steps, take compiled steps until the
    compiled code stops (or the run is done, or ``fuel`` steps are taken in all): the state
    reached and the steps so far, for a caller that goes on with the small-step machine (the
    symbolic execution, which forks where compiled code stops on a symbolic label)."""
    clear_caches(MAX_CACHED)
    stacks, continuation, unit = _entered(state)
    where, value, steps = _drive(unit, (), stacks, continuation, count, fuel)
    memo: dict[int, tuple[Any, Term]] = {}
    if where is None:
        where = JUMP_STATE
    return _state(where, value, stacks, continuation, memo), steps


def _machine_stacks(memory: dict[str, tuple[Term, ...]]) -> defaultdict[str, list[Any]]:
    """The run's stacks (a list per location, top last) holding the memory's terms as machine values."""
    stacks: defaultdict[str, list[Any]] = defaultdict(list)
    for location, items in memory.items():
        stacks[location] = [value_of(t) for t in items]
    return stacks


def _drive(unit: Any, env: Any, stacks: Any, continuation: list[Any], steps: int, fuel: int) -> tuple[Any, Any, int]:
    """Enter units until one stops: ``(None, label, steps)`` when done, else the unit (or the
    jump marker) and the values of the state the compiled code stopped in."""
    while unit is not STOP:
        unit, env, steps = unit.run(env, stacks, continuation, steps, fuel)
    where, value = env
    return where, value, steps


def _state(
    where: Any, value: Any, stacks: Any, continuation: list[Any], memo: dict[int, tuple[Any, Term]]
) -> small_step.State:
    """The small-step state compiled code stopped in, read back into terms."""
    current = _label_term(value) if where is JUMP_STATE else readback((where, value), memo)
    return small_step.State(
        {loc: from_items(_read_stack(s, memo)) for loc, s in stacks.items() if s},
        from_items(readback((info, frame_env), memo) for _, info, frame_env in continuation),
        current,
    )


def _label_term(label: Any) -> Term:
    """The jump with a machine label: ``*`` or the constant."""
    return SKIP if label is STAR else Const(term_value(label))


def readback(value: Any, memo: dict[int, tuple[Any, Term]] | None = None) -> Term:
    """The term a machine value stands for: a constant, or a closure's term with its
    environment substituted. ``(info, env)`` of a frame on the continuation reads back the
    same way (a unit, CaseInfo or LoopInfo has a ``term`` and the ``free`` names ``env`` binds).

    Iterative over the graph of closures; ``memo`` maps ``id(closure)`` to ``(closure, term)``
    (the closure kept so that its id stays unique) and shares work between calls.
    """
    memo = {} if memo is None else memo
    if type(value) is not tuple:
        return _constant(value, memo)
    stack = [value]
    while stack:
        closure = stack[-1]
        if id(closure) in memo:
            stack.pop()
            continue
        info, env = closure
        missing = [v for v in env if type(v) is tuple and id(v) not in memo]
        if missing:
            stack.extend(missing)
            continue
        stack.pop()
        mapping = {
            name: memo[id(v)][1] if type(v) is tuple else _constant(v, memo)
            for name, v in zip(info.free, env, strict=True)
        }
        memo[id(closure)] = (closure, substitute(info.term, mapping) if mapping else info.term)
    return memo[id(value)][1]


def _read_stack(stack: list[Any], memo: dict[int, tuple[Any, Term]]) -> tuple[Term, ...]:
    """The terms of a stack's values, bottom to top (a constant's value read once per object)."""
    out: list[Term] = []
    for value in stack:
        known = memo.get(id(value))
        out.append(known[1] if known is not None else readback(value, memo))
    return tuple(out)


def _constant(value: Any, memo: dict[int, tuple[Any, Term]]) -> Term:
    """``Const`` of a machine value, one node per value object (as the reference shares it)."""
    known = memo.get(id(value))
    if known is None:
        known = memo[id(value)] = (value, Const(term_value(value)))
    return known[1]
