"""How well the public generators exercise the machines: a sample of generated inputs, run.

    python3 benchmarks/generators.py             # 200 samples of each generator
    python3 benchmarks/generators.py -n 1000     # more

For closed FMC terms (``fmc_terms(closed=True)`` with ``memories()``) and FMC III terms
(``fmc3_terms(closed=True)``): the share of runs that take zero steps, the median number of
steps, which small-step rules fired at least once and how often, and the outcome shares (done,
stuck, out of fuel). For RMC terms (``rmc_terms(closed=True)``): the share with an answer and the
rules fired along the first branch. ``fmc_programs`` (term, memory) pairs are measured the same
way as the FMC's. For While programs: the distribution of top-level statement
counts. Samples are drawn by a hypothesis ``@given`` that collects what it is given (a fresh seed
each run).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from machine_calculus.calculus.strategies import fmc3_terms, fmc_programs, fmc_terms, memories, rmc_terms
from machine_calculus.embeddings.imperative.strategies import programs
from machine_calculus.machine.fmc import small_step
from machine_calculus.machine.rmc import small_step as rmc

FUEL = 2_000


def sample(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """``n`` values drawn from ``strategy`` (through ``@given``, not ``.example()``)."""
    out: list[Any] = []

    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out[:n]


def fmc_figures(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    steps, rules, outcomes = [], Counter[str](), Counter[str]()
    for term, memory in pairs:
        trace = small_step.run_traced(term, memory, fuel=FUEL)
        steps.append(trace.result.steps)
        rules.update(trace.rules())
        outcomes[trace.result.status] += 1
    n = len(pairs)
    return {
        "samples": n,
        "zero_steps": sum(s == 0 for s in steps) / n,
        "median_steps": statistics.median(steps),
        "rules": {r: rules[r] for r in small_step.RULE_NAMES},
        "outcomes": {o: outcomes[o] / n for o in ("done", "stuck", "out_of_fuel")},
    }


def rmc_figures(terms: list[Any]) -> dict[str, Any]:
    answered, rules = 0, Counter[str]()
    for term in terms:
        answers = rmc.solve(term, limit=1, fuel=FUEL)
        answered += len(answers) > 0
        rules.update(rmc.trace(term, fuel=FUEL).rules())
    return {
        "samples": len(terms),
        "answer_share": answered / len(terms),
        "rules": {r: rules[r] for r in rmc.RULE_NAMES},
    }


def while_figures(progs: list[Any]) -> dict[str, Any]:
    counts = Counter(len(p.body) for p in progs)
    return {
        "samples": len(progs),
        "two_or_fewer": sum(v for k, v in counts.items() if k <= 2) / len(progs),
        "statements": dict(sorted(counts.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="How well the public generators exercise the machines.")
    parser.add_argument("-n", type=int, default=200, help="samples per generator (default 200)")
    args = parser.parse_args(argv)
    n = args.n
    rows: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("FMC", lambda: fmc_figures(sample(st.tuples(fmc_terms(closed=True, max_depth=6), memories()), n))),
        ("FMC III", lambda: fmc_figures(sample(st.tuples(fmc3_terms(closed=True, max_depth=6), memories()), n))),
        ("fmc_programs()", lambda: fmc_figures(sample(fmc_programs(), n))),
        ("fmc_programs(control=True)", lambda: fmc_figures(sample(fmc_programs(control=True), n))),
        ("RMC", lambda: rmc_figures(sample(rmc_terms(closed=True), n))),
        ("While", lambda: while_figures(sample(programs(), n))),
    ]
    for name, figures in rows:
        print(f"{name}: {figures()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
