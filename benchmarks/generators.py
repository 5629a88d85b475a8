"""How well the public generators exercise the machines: a sample of generated inputs, run.

    python3 benchmarks/generators.py             # 200 samples of each generator
    python3 benchmarks/generators.py -n 1000     # more

For FMC inputs (term, memory): the share of runs that take zero steps, the median number of
steps, how often each small-step rule fired, and the outcome shares (done, stuck, out of fuel).
For RMC inputs (term, memory): the rules fired over the whole fair search (a pop that unifies,
one that clashes, one from an empty location, 0, ...) and the outcome shares (several answers,
one, none, out of fuel). For While programs (with a store): the distribution of top-level
statement counts, the median number of machine steps and the share of runs over 50 steps, and
the outcome shares (normal, exception, error). Samples are drawn by a hypothesis ``@given``
that collects what it is given (a fresh seed each run). tests/test_generators.py holds these
figures to thresholds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from machine_calculus.calculus.strategies import (
    fmc3_terms,
    fmc_programs,
    fmc_runs,
    fmc_terms,
    memories,
    rmc_programs,
    rmc_terms,
)
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.run import initial_memory, outcome_of
from machine_calculus.embeddings.imperative.strategies import programs, stores
from machine_calculus.machine.fmc import fast, small_step
from machine_calculus.machine.rmc import small_step as rmc

FUEL = 2_000
#: The RMC search's rules: a pop that unifies, and the two ways a pop fails, apart.
RMC_RULES = (*(r for r in rmc.RULE_NAMES if r != "pop"), "pop", "pop clash", "pop empty")
RMC_OUTCOMES = ("several", "one", "none", "out_of_fuel")
FMC_OUTCOMES = ("done", "stuck", "out_of_fuel")
WHILE_OUTCOMES = ("normal", "exception", "error")


def sample(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """``n`` values drawn from ``strategy`` (through ``@given``, not ``.example()``; a fresh seed)."""
    out: list[Any] = []

    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out[:n]


def shares(counts: Counter[str], names: tuple[str, ...], n: int) -> dict[str, float]:
    return {name: counts[name] / n for name in names}


def step_bucket(steps: int) -> str:
    """A step count's bucket for hypothesis ``event``: 0, 1-9, 10-99, 100+."""
    return "0" if not steps else "1-9" if steps < 10 else "10-99" if steps < 100 else "100+"


def fmc_events(result: small_step.Result, rules: list[str] | None = None) -> None:
    """Report a run to hypothesis (``pytest --hypothesis-show-statistics`` shows the shares): its
    outcome, its step-count bucket and, given its trace's rules, each rule it reached."""
    event(f"outcome: {result.status}")
    event(f"steps: {step_bucket(result.steps)}")
    for rule in sorted(set(rules or ())):
        event(f"rule: {rule}")


def rmc_events(result: rmc.Answers) -> None:
    """Report a search to hypothesis: its outcome (``several``, ``one``, ``none``, ``out_of_fuel``)
    and its step-count bucket."""
    event(f"outcome: {rmc_outcome(result)}")
    event(f"steps: {step_bucket(result.steps)}")


def fmc_figures(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    steps, rules, reached, outcomes = [], Counter[str](), Counter[str](), Counter[str]()
    for term, memory in pairs:
        trace = small_step.run_traced(term, memory, fuel=FUEL)
        steps.append(trace.result.steps)
        fired = trace.rules()
        rules.update(fired)
        reached.update(set(fired))
        outcomes[trace.result.status] += 1
    n = len(pairs)
    return {
        "samples": n,
        "zero_steps": sum(s == 0 for s in steps) / n,
        "median_steps": statistics.median(steps),
        "rules": {r: rules[r] for r in small_step.RULE_NAMES},
        "reached": shares(reached, small_step.RULE_NAMES, n),
        "outcomes": shares(outcomes, FMC_OUTCOMES, n),
    }


def rmc_rules(term: Any, memory: Any, fuel: int = FUEL) -> Counter[str]:
    """The rules fired over the whole fair search of ``term`` on ``memory`` (``fuel`` steps at most)."""
    fired = Counter[str]()
    fresh = rmc.FreshSupply()
    pending = deque([rmc.initial_state(term, memory)])
    while pending and fired.total() < fuel:
        outcome = rmc.step(pending.popleft(), fresh)
        if isinstance(outcome, rmc.Transition):
            fired[outcome.rule] += 1
            pending.appendleft(outcome.state)
        elif isinstance(outcome, rmc.Fork):
            fired[outcome.rule] += 1
            pending.extend(outcome.branches)
        elif outcome.rule == "pop":
            fired["pop clash" if outcome.clash else "pop empty"] += 1
        elif outcome.rule is not None:
            fired[outcome.rule] += 1
    return fired


def rmc_outcome(result: rmc.Answers) -> str:
    """``several``, ``one`` or ``none`` (answers of an exhausted search), else ``out_of_fuel``
    (or stopped at a limit)."""
    if not result.exhausted:
        return "out_of_fuel"
    return ("none", "one")[len(result)] if len(result) < 2 else "several"


def rmc_figures(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    rules, reached, outcomes = Counter[str](), Counter[str](), Counter[str]()
    for term, memory in pairs:
        fired = rmc_rules(term, memory)
        rules.update(fired)
        reached.update(set(fired))
        outcomes[rmc_outcome(rmc.solve(term, memory, fuel=FUEL))] += 1
    n = len(pairs)
    return {
        "samples": n,
        "answer_share": (outcomes["several"] + outcomes["one"]) / n,
        "rules": {r: rules[r] for r in RMC_RULES},
        "reached": shares(reached, RMC_RULES, n),
        "outcomes": shares(outcomes, RMC_OUTCOMES, n),
    }


def while_steps(program: Any, store: Any) -> tuple[int, str]:
    """The machine steps of a While program's run on ``store``, and its outcome."""
    result = fast.run(compile_program(program), initial_memory(program, store), 200_000)
    return result.steps, outcome_of(program, result, store).outcome


def while_figures(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    counts = Counter(len(p.body) for p, _ in pairs)
    runs = [while_steps(p, store) for p, store in pairs]
    n = len(pairs)
    return {
        "samples": n,
        "two_or_fewer": sum(v for k, v in counts.items() if k <= 2) / n,
        "statements": dict(sorted(counts.items())),
        "median_steps": statistics.median(s for s, _ in runs),
        "over_50_steps": sum(s > 50 for s, _ in runs) / n,
        "outcomes": shares(Counter(o for _, o in runs), WHILE_OUTCOMES, n),
    }


#: name -> (strategy, figures): the generators measured, the old ones first.
GENERATORS: dict[str, tuple[Callable[[], st.SearchStrategy[Any]], Callable[[list[Any]], dict[str, Any]]]] = {
    "FMC fmc_terms(closed=True) + memories()": (
        lambda: st.tuples(fmc_terms(closed=True, max_depth=6), memories()),
        fmc_figures,
    ),
    "FMC III fmc3_terms(closed=True) + memories()": (
        lambda: st.tuples(fmc3_terms(closed=True, max_depth=6), memories()),
        fmc_figures,
    ),
    "fmc_programs()": (fmc_programs, fmc_figures),
    "fmc_programs(control=True)": (lambda: fmc_programs(control=True), fmc_figures),
    "fmc_runs()": (fmc_runs, fmc_figures),
    "fmc_runs(control=True)": (lambda: fmc_runs(control=True), fmc_figures),
    "RMC rmc_terms(closed=True), empty memory": (
        lambda: st.tuples(rmc_terms(closed=True), st.just({})),
        rmc_figures,
    ),
    "rmc_programs()": (rmc_programs, rmc_figures),
    "rmc_programs(star=False)": (lambda: rmc_programs(star=False), rmc_figures),
    "While programs() + stores()": (lambda: st.tuples(programs(), stores()), while_figures),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="How well the public generators exercise the machines.")
    parser.add_argument("-n", type=int, default=200, help="samples per generator (default 200)")
    parser.add_argument("--only", help="measure only the generators whose name contains this")
    args = parser.parse_args(argv)
    for name, (strategy, figures) in GENERATORS.items():
        if args.only is None or args.only in name:
            print(f"{name}: {figures(sample(strategy(), args.n))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
