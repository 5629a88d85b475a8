"""The kappa-calculus (first-order functional programs on a stack) into the RMC.

    f, g ::= id | f ; g | lift(t) | κx. f          t a first-order term over the κ-bound variables

``lift(t)`` pushes ``t``, ``κx. f`` pops the top into ``x`` and runs ``f``: the first-order FMC,
which the RMC contains. The encoding is

    enc(id) = ⋆    enc(f ; g) = enc(f) ; enc(g)    enc(lift(t)) = [t]    enc(κx. f) = new x. (⟨x⟩ ; enc(f))

Popping into a fresh variable always unifies, so a closed program has exactly one answer on a
stack with enough items (none when it pops an empty stack): the reference evaluator's result.
"""

from __future__ import annotations

from dataclasses import dataclass

from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Seq
from machine_calculus.calculus.rmc.firstorder import FVar
from machine_calculus.calculus.rmc.syntax import New, Pop, Push
from machine_calculus.calculus.terms import Term, substitute
from machine_calculus.machine.rmc.compiled import solve

__all__ = ["Compose", "Identity", "Kappa", "Lift", "encode", "evaluate", "run_by_machine"]


@dataclass(frozen=True)
class Identity:
    pass


@dataclass(frozen=True)
class Compose:
    first: Program
    then: Program


@dataclass(frozen=True)
class Lift:
    item: Term


@dataclass(frozen=True)
class Kappa:
    variable: str
    body: Program


Program = Identity | Compose | Lift | Kappa


def encode(f: Program) -> Term:
    if isinstance(f, Identity):
        return SKIP
    if isinstance(f, Compose):
        return Seq(encode(f.first), encode(f.then))
    if isinstance(f, Lift):
        return Push(f.item, DEFAULT)
    return New(f.variable, Seq(Pop(DEFAULT, FVar(f.variable)), encode(f.body)))


def evaluate(f: Program, stack: list[Term]) -> list[Term] | None:
    """The reference: run ``f`` on ``stack`` (top last) by substitution; None on an empty pop."""
    stack = list(stack)
    work: list[Program] = [f]
    while work:
        g = work.pop()
        if isinstance(g, Identity):
            continue
        if isinstance(g, Compose):
            work.extend((g.then, g.first))
        elif isinstance(g, Lift):
            stack.append(g.item)
        else:
            if not stack:
                return None
            work.append(_substitute(g.body, g.variable, stack.pop()))
    return stack


def _substitute(f: Program, x: str, value: Term) -> Program:
    if isinstance(f, Identity):
        return f
    if isinstance(f, Compose):
        return Compose(_substitute(f.first, x, value), _substitute(f.then, x, value))
    if isinstance(f, Lift):
        return Lift(substitute(f.item, {x: value}))
    if f.variable == x:
        return f
    return Kappa(f.variable, _substitute(f.body, x, value))


def run_by_machine(f: Program, stack: list[Term]) -> list[list[Term]]:
    """The final stacks of the RMC term's answers."""
    result = solve(encode(f), {DEFAULT: stack}, fuel=None)
    assert result.exhausted
    return [list(a.stack()) for a in result]
