"""The optimizer: e-graph saturation by the FMC's laws and extraction of the term that takes the
fewest machine steps (the Symbolics.jl "fewest CPU cycles" idea, for the FMC machine).

**Cost model** (:data:`STEP_WEIGHT`): a term costs the machine steps of running each of its nodes
once, by the machine's rules (machine/fmc/small_step.py): ``push``, ``pop``, a primitive, a jump (a constant:
``catch`` or ``pass``) and a loop entry one step each; a sequence ``N ; M`` two (``seq`` and the
``skip`` that resumes M), a case frame ``N ; {...}`` two (``seq`` and ``catch``); ``⋆`` and
variables none. Pushed terms count too: they run when popped and run, and so the cost of a term
is never below a sub-term's, which keeps extraction free of cycles (``[N]a.a⟨x⟩.x`` is in N's
e-class). Ties go to the smaller term. Loops and thunks that run many times are counted once, so
the model is static: the real saving is measured by running both terms (the tests and
benchmarks/optimizer.py run the machine on both).

Extraction (:mod:`rewriting.extraction`) gives each node the cost steps × 10⁶ + 1, so that steps
come first and size breaks ties.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from egglog import EGraph, eq

from machine_calculus.calculus.terms import Term, iter_preorder
from machine_calculus.rewriting.egraph import Bridge, egraph_size, marked, saturate
from machine_calculus.rewriting.extraction import extract, snapshot
from machine_calculus.rewriting.theories import fmc_laws

__all__ = ["STEP_WEIGHT", "Optimization", "optimize", "static_steps"]

#: Machine steps for running a node of each head once (heads not listed: none).
STEP_WEIGHT = {"Push": 1, "Pop": 1, "Seq": 2, "Case": 2, "Const": 1, "Prim": 1, "Loop": 1}
_STEP = 10**6


def static_steps(term: Term) -> int:
    """The cost model on a term: the steps of running each node once (see the module's docstring)."""
    return sum(STEP_WEIGHT.get(type(node).__name__, 0) for node in iter_preorder(term))


def node_cost(head: str) -> int:
    """A node's own cost for extraction: its steps first (× 10⁶), then 1 for its size."""
    return STEP_WEIGHT.get(head, 0) * _STEP + 1


@dataclass(frozen=True)
class Optimization:
    """A term and its cheapest equivalent found, with the cost model's figures and the e-graph's."""

    original: Term
    optimized: Term
    steps_before: int
    steps_after: int
    rounds: int
    nodes: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.optimized}   ({self.steps_before:,} → {self.steps_after:,} machine steps)"

    def _repr_html_(self) -> str:
        from machine_calculus.rewriting.render import optimization_html

        return optimization_html(self)


def optimize(
    term: Term, iterations: int = 40, max_nodes: int = 20_000, report: Callable[[int, int], None] | None = None
) -> Optimization:
    """Saturate the e-graph of ``term`` under the FMC's laws (at most ``iterations`` rounds, while
    it has at most ``max_nodes`` e-nodes) and extract its cheapest term by the cost model;
    ``report(rounds, e-nodes)`` hears of each round."""
    start = time.perf_counter()
    bridge = Bridge()
    egraph = EGraph()
    egraph.register(*fmc_laws(bridge, (term,)))
    expr = bridge.encode(term, egraph)
    egraph.register(marked(expr))
    rounds, _ = saturate(egraph, iterations, max_nodes, report=report)
    nodes = egraph_size(egraph)
    optimized, _ = extract(bridge, snapshot(egraph), node_cost)
    before, after = static_steps(term), static_steps(optimized)
    # the term extracted is in the start's e-class: re-inserted, it is the same e-class
    if after >= before or not egraph.check_bool(eq(expr).to(bridge.encode(optimized, egraph))):
        optimized, after = term, before
    return Optimization(term, optimized, before, after, rounds, nodes, time.perf_counter() - start)
