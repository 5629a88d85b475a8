"""Symbolic execution: the machine, forking where a branch depends on symbols.

With symbolic constants on the stacks (``$n``, and the expressions primitives build from them),
a jump may meet a case frame or loop frame whose branch the label does not determine
(``$(n < 3) ; {True -> M | False -> N}``). There the run forks, once per branch that can catch
the label, each successor carrying its **path condition** (a sympy Boolean), conjoined with the
negations of the branches before it:

    catch   S, K.C, j  ->  S, K, C(ji)     under   (j = ji) ∧ ¬(j = j1) ∧ ... ∧ ¬(j = ji-1)
    pass    S, K.C, j  ->  S, K, j         under   ¬(j = j1) ∧ ... ∧ ¬(j = jn)        (no _ in C)
    again / exit on a loop frame likewise, under j = k and j ≠ k.

``j = True`` for a condition c is c itself, ``j = False`` is ¬c, for a number it is sympy's ``Eq``.
Before deciding, the path condition's equations (``n = 3``) and literals (``n < 3``) are
substituted into the label, so a fact once assumed is not forked on again. A successor whose
condition sympy proves false (directly, or by solving it when it has one symbol) is dropped; an
undecided condition is kept, so a path may be infeasible in ways sympy cannot see. Paths are
explored depth first in branch order, at most ``max_paths`` of them, each with its own fuel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import sympy

from machine_calculus.calculus.fmc.labels import is_symbolic, meets
from machine_calculus.calculus.fmc.syntax import Branch, Const, Label, LoopFrame, Name, Term, branches
from machine_calculus.machine.fmc import fast
from machine_calculus.machine.fmc.result import Result
from machine_calculus.machine.fmc.small_step import Halt, State, initial_state, result_of, step
from machine_calculus.machine.memory import MemoryInput

if TYPE_CHECKING:
    from sympy.logic.boolalg import Boolean

__all__ = ["Path", "SymbolicRun", "explore"]

_TRUE, _FALSE = Name("True"), Name("False")


@dataclass(frozen=True, slots=True)
class Path:
    """One path of a symbolic run: its condition and how it ended."""

    condition: Any  # a sympy Boolean
    result: Result


@dataclass(frozen=True, slots=True)
class SymbolicRun:
    """Every path explored, and whether the exploration stopped at ``max_paths``."""

    paths: tuple[Path, ...]
    truncated: bool

    def _repr_html_(self) -> str:
        from machine_calculus.machine.fmc.render import symbolic_html

        return symbolic_html(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "paths": [{"condition": sympy.sstr(p.condition), **p.result.to_json()} for p in self.paths],
            "truncated": self.truncated,
        }


def explore(
    term: Term, memory: MemoryInput | None = None, fuel: int = 100_000, max_paths: int = 64, *, compiled: bool = True
) -> SymbolicRun:
    """Run ``term`` symbolically: every path, with its path condition (``fuel`` steps per path).

    Between forks the compiled run takes the steps (:func:`machine.fmc.fast.advance`, which stops
    where a label is symbolic); ``compiled=False`` takes every step with the small-step machine
    (the reference the compiled exploration is tested against)."""
    work: list[tuple[State, Any, int]] = [(initial_state(term, memory), sympy.true, 0)]
    done: list[Path] = []
    while work:
        if len(done) >= max_paths:
            return SymbolicRun(tuple(done), True)
        state, condition, count = work.pop()
        while True:
            if compiled:
                state, count = fast.advance(state, count, fuel)  # up to a fork, a halt or the fuel
            if count >= fuel:
                outcome = step(state)
                halt = outcome if isinstance(outcome, Halt) else None
                done.append(Path(condition, result_of(state, count, halt)))
                break
            forks = _forks(state, condition)
            if forks is not None:
                work.extend((s, c, count + 1) for s, c in reversed(forks))
                break
            outcome = step(state)
            if isinstance(outcome, Halt):
                done.append(Path(condition, result_of(state, count, outcome)))
                break
            count += 1
            state = outcome.state
    return SymbolicRun(tuple(done), False)


def _forks(state: State, condition: Any) -> list[tuple[State, Any]] | None:
    """The successors of a jump whose branch depends on symbols; None for an ordinary step."""
    term, k = state.term, state.continuation
    if k is None or not isinstance(term, Const) or not is_symbolic(term.value):
        return None
    frame, rest = k
    if not isinstance(frame, Branch | LoopFrame):
        return None
    label = _assume(term.value, condition)
    if isinstance(frame, LoopFrame):
        again = _equals(label, frame.label)
        return _feasible(
            [
                (State(state.memory, k, frame.body), sympy.And(condition, again)),
                (State(state.memory, rest, term), sympy.And(condition, sympy.Not(again))),
            ]
        )
    out: list[tuple[State, Any]] = []
    before: list[Any] = []
    for pattern, body in branches(frame):
        here = _equals(label, pattern)
        out.append((State(state.memory, rest, body), sympy.And(condition, here, *[sympy.Not(b) for b in before])))
        if here is sympy.true:
            return _feasible(out)
        before.append(here)
    out.append((State(state.memory, rest, term), sympy.And(condition, *[sympy.Not(b) for b in before])))
    return _feasible(out)


def _assume(label: Label, condition: Any) -> Label:
    """``label`` with the path condition's equations and literals substituted."""
    facts: dict[Any, Any] = {}
    for c in sympy.And.make_args(condition):
        if isinstance(c, sympy.Eq) and isinstance(c.lhs, sympy.Symbol) and not c.rhs.free_symbols:
            facts[c.lhs] = c.rhs
        elif isinstance(c, sympy.Not):
            facts[c.args[0]] = sympy.false
        elif isinstance(c, sympy.logic.boolalg.Boolean) and c not in (sympy.true, sympy.false):
            facts[c] = sympy.true
    if not facts or not isinstance(label, sympy.Basic):
        return label
    value = label.subs(facts)
    return _TRUE if value is sympy.true else _FALSE if value is sympy.false else value


def _equals(label: Label, pattern: Label) -> Any:
    """The condition under which ``pattern`` catches ``label`` (a sympy Boolean)."""
    met = meets(label, pattern)
    if met is not None:
        return sympy.true if met else sympy.false
    if isinstance(pattern, Name):  # True or False against a condition (or a symbol standing for one)
        return label if pattern == _TRUE else sympy.Not(label)
    return sympy.Eq(label, pattern)


def _feasible(successors: list[tuple[State, Any]]) -> list[tuple[State, Any]]:
    return [(s, c) for s, c in ((s, _simplify(c)) for s, c in successors) if _possible(c)]


def _simplify(condition: Any) -> Any:
    """Substitute the condition's equations ``n = 2`` into its other parts (``n ≠ 1`` goes)."""
    parts = sympy.And.make_args(condition)
    equations: dict[sympy.Basic | complex, sympy.Basic | complex] = {  # the mapping subs takes
        c.lhs: c.rhs
        for c in parts
        if isinstance(c, sympy.Eq) and isinstance(c.lhs, sympy.Symbol) and not c.rhs.free_symbols
    }
    if not equations:
        return condition
    # a part with the equations substituted is still a condition (sympy types subs as any Basic)
    return sympy.And(
        *[c if isinstance(c, sympy.Eq) and c.lhs in equations else cast("Boolean", c.subs(equations)) for c in parts]
    )


def _possible(condition: Any) -> bool:
    """False only when sympy shows the condition unsatisfiable."""
    if condition is sympy.false:
        return False
    symbols = condition.free_symbols
    if len(symbols) != 1:
        return True
    (symbol,) = symbols
    try:
        solved = sympy.solvers.inequalities.reduce_inequalities(sympy.And.make_args(condition), [symbol])
    except Exception:  # sympy cannot solve every condition: keep the path
        return True
    return solved is not sympy.false and solved != sympy.S.EmptySet
