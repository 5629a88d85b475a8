"""Running effectful terms: every coin explored (exact distributions), seeded sampling, and the
set of outcomes of a non-deterministic run.

Probability and non-determinism are streams (FMC I): a run pops Church booleans,
``true = ⟨x⟩.⟨y⟩.x`` and ``false = ⟨x⟩.⟨y⟩.y``, from ``rnd`` (fair coins) or ``nd``
(choices). Rather than guess a stream in advance, a run starts with the stream given (usually
none) and whenever it is stuck on the empty stream it is run again with one more draw, both
ways. A complete branch that drew k coins has probability 1/2^k, as a sympy ``Rational``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import cast

import sympy

from machine_calculus.calculus.fmc.syntax import DEFAULT, Pop, Term, Var
from machine_calculus.machine.fmc import fast
from machine_calculus.machine.fmc.result import Result, stuck_reason
from machine_calculus.machine.memory import MemoryInput, normalize_memory

# Probabilities are sympy Rationals, built from Rationals by + and 1/2^k; sympy types its
# arithmetic as giving any Expr, and Rational(p, q) as possibly nan or zoo (q = 0), so the
# results are cast back to the Rational they are.

__all__ = [
    "FALSE",
    "TRUE",
    "Distribution",
    "RunBranch",
    "distribution",
    "outcome_key",
    "outcomes",
    "run_branches",
    "sample",
]

#: The Church booleans a coin yields: ``true = ⟨x⟩.⟨y⟩.x`` runs the first of two pushed terms.
TRUE: Term = Pop(DEFAULT, "x", Pop(DEFAULT, "y", Var("x")))
FALSE: Term = Pop(DEFAULT, "x", Pop(DEFAULT, "y", Var("y")))

Runner = Callable[..., Result]


@dataclass(frozen=True)
class RunBranch:
    """One way the draws can go: the coins drawn (first first), its probability, its result."""

    draws: tuple[bool, ...]
    probability: sympy.Rational
    result: Result


def _with_draws(
    memory: dict[str, tuple[Term, ...]], location: str, draws: tuple[bool, ...]
) -> dict[str, tuple[Term, ...]]:
    """The memory whose ``location`` stream continues, after what it holds, with ``draws``."""
    stream = tuple(TRUE if d else FALSE for d in reversed(draws))  # the first draw nearest the top
    extended = dict(memory)
    extended[location] = stream + memory.get(location, ())
    return extended


def _needs_a_draw(result: Result, location: str) -> bool:
    return result.status == "stuck" and result.reason == stuck_reason("empty", location)


def run_branches(
    term: Term,
    memory: MemoryInput | None = None,
    location: str = "rnd",
    *,
    fuel: int = 1_000_000,
    max_draws: int = 20,
    run: Runner = fast.run,
    max_branches: int | None = None,
    left_off: list[tuple[bool, ...]] | None = None,
) -> Iterator[RunBranch]:
    """Every branch of the run over the draws from ``location``, depth first, true before
    false. A branch that would need more than ``max_draws`` draws is not followed: it is
    reported as the stuck result it reached (see :class:`Distribution` ``unexplored``).

    ``max_branches`` bounds the runs made (each draw doubles the branches: a loop that draws
    each round has exponentially many); the draws of the branches not run are then put on
    ``left_off`` (when given), their mass unexplored."""
    base = normalize_memory(memory)
    pending: list[tuple[bool, ...]] = [()]
    runs = 0
    while pending:
        if max_branches is not None and runs >= max_branches:
            if left_off is not None:
                left_off.extend(reversed(pending))
            return
        draws = pending.pop()
        runs += 1
        result = run(term, _with_draws(base, location, draws), fuel=fuel)
        if _needs_a_draw(result, location) and len(draws) < max_draws:
            pending.append((*draws, False))
            pending.append((*draws, True))
            continue
        yield RunBranch(draws, cast("sympy.Rational", sympy.Rational(1, 2 ** len(draws))), result)


def outcome_key(result: Result) -> str:
    """What distinguishes outcomes: status, exit, reason and final memory (not the step count)."""
    payload = result.to_json()
    del payload["steps"]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


@dataclass
class Distribution:
    """Outcomes with exact probabilities; ``unexplored`` is the mass of branches cut off by
    ``max_draws`` (they still appear, as runs stuck on the empty stream) or not run at all
    because ``max_branches`` runs were made (``branches_left`` counts those)."""

    entries: list[tuple[sympy.Rational, Result]] = field(default_factory=list)
    unexplored: sympy.Rational = field(default_factory=lambda: cast("sympy.Rational", sympy.Rational(0)))
    branches_left: int = 0

    def probability(self, predicate: Callable[[Result], bool]) -> sympy.Rational:
        return cast("sympy.Rational", sum((p for p, r in self.entries if predicate(r)), sympy.Rational(0)))

    def _repr_html_(self) -> str:
        from machine_calculus.machine.fmc.render import distribution_html

        return distribution_html(self)

    def to_json(self) -> dict[str, object]:
        payload: dict[str, object] = {
            "distribution": [{"probability": str(p), **r.to_json()} for p, r in self.entries],
            "unexplored": str(self.unexplored),
        }
        if self.branches_left:
            payload["branches_left"] = self.branches_left
        return payload


def distribution(
    term: Term,
    memory: MemoryInput | None = None,
    location: str = "rnd",
    *,
    fuel: int = 1_000_000,
    max_draws: int = 20,
    run: Runner = fast.run,
    max_branches: int | None = None,
) -> Distribution:
    """The exact output distribution: equal outcomes (:func:`outcome_key`) merged, most likely
    first; at most ``max_branches`` runs (the rest is ``unexplored``)."""
    mass: dict[str, sympy.Expr] = {}
    example: dict[str, Result] = {}
    unexplored: sympy.Expr = sympy.Rational(0)
    left: list[tuple[bool, ...]] = []
    branches = run_branches(
        term, memory, location, fuel=fuel, max_draws=max_draws, run=run, max_branches=max_branches, left_off=left
    )
    for branch in branches:
        if _needs_a_draw(branch.result, location):
            unexplored += branch.probability
        key = outcome_key(branch.result)
        mass[key] = mass.get(key, sympy.Rational(0)) + branch.probability
        example.setdefault(key, branch.result)
    for draws in left:
        unexplored += sympy.Rational(1, 2 ** len(draws))
    order = sorted(mass, key=lambda k: (-mass[k], k))
    return Distribution(
        [(cast("sympy.Rational", mass[k]), example[k]) for k in order], cast("sympy.Rational", unexplored), len(left)
    )


def outcomes(
    term: Term,
    memory: MemoryInput | None = None,
    location: str = "nd",
    *,
    fuel: int = 1_000_000,
    max_draws: int = 20,
    run: Runner = fast.run,
    max_branches: int | None = None,
    left_off: list[tuple[bool, ...]] | None = None,
) -> list[Result]:
    """The distinct outcomes of a non-deterministic run (every choice on ``location`` taken),
    in at most ``max_branches`` runs (the draws of the branches not run go on ``left_off``)."""
    seen: dict[str, Result] = {}
    branches = run_branches(
        term, memory, location, fuel=fuel, max_draws=max_draws, run=run, max_branches=max_branches, left_off=left_off
    )
    for branch in branches:
        seen.setdefault(outcome_key(branch.result), branch.result)
    return [seen[k] for k in sorted(seen)]


def sample(
    term: Term,
    memory: MemoryInput | None = None,
    location: str = "rnd",
    *,
    rng: random.Random,
    fuel: int = 1_000_000,
    max_draws: int = 1_000,
    run: Runner = fast.run,
) -> Result:
    """One run with fair coins from ``rng`` (seed it for reproducible samples)."""
    base = normalize_memory(memory)
    draws: tuple[bool, ...] = ()
    while True:
        result = run(term, _with_draws(base, location, draws), fuel=fuel)
        if not _needs_a_draw(result, location) or len(draws) >= max_draws:
            return result
        draws = (*draws, rng.random() < 0.5)
