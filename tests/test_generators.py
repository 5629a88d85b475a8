"""The generators the machine tests draw from keep exercising the machines: a fresh sample of each
(through ``@given``, measured by benchmarks/generators.py) must take steps, reach every rule and
every outcome, and give While programs of several statements that run long. Each run draws a
new sample, and hypothesis's draws are not independent (a sample of 100 can hold the rare
outcomes a tenth as often as another): the bulk thresholds sit well under the lowest figures
of many seeds, and the rare outcomes need only occur."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.generators import GENERATORS, RMC_RULES, sample
from machine_calculus.machine.fmc import small_step

#: FMC rules a run without control can reach (no loops, frames or primitives).
FMC_RULES = ("push", "pop", "seq", "skip", "pass")


def figures(name: str, n: int) -> dict[str, Any]:
    strategy, measure = GENERATORS[name]
    return measure(sample(strategy(), n))


def reached_all(found: dict[str, Any], rules: tuple[str, ...], often: dict[str, float]) -> None:
    """Each rule of ``rules`` fired in the sample, and each of ``often`` in at least that share of its runs."""
    low = {r: share for r, share in found["reached"].items() if r in rules and share < often.get(r, 1e-9)}
    assert not low, f"rules reached too rarely: {low}"


def outcomes_at_least(found: dict[str, Any], least: dict[str, float]) -> None:
    low = {o: found["outcomes"][o] for o, share in least.items() if found["outcomes"][o] < share}
    assert not low, f"outcomes too rare: {low} (of {found['outcomes']})"


@pytest.mark.parametrize(
    ("name", "rules", "outcomes", "median"),
    [
        ("fmc_runs()", FMC_RULES, {"done": 0.25, "stuck": 0.005}, 10),
        ("fmc_runs(control=True)", small_step.RULE_NAMES, {"done": 0.25, "stuck": 0.005, "out_of_fuel": 0.005}, 12),
        ("fmc_programs(control=True)", small_step.RULE_NAMES, {"done": 0.25, "stuck": 0.005, "out_of_fuel": 0.005}, 15),
    ],
)
def test_fmc_inputs_run_many_steps_and_reach_every_rule(
    name: str, rules: tuple[str, ...], outcomes: dict[str, float], median: int
) -> None:
    found = figures(name, 150)
    assert found["zero_steps"] < 0.15, found
    assert found["median_steps"] >= median, found
    reached_all(found, rules, {"push": 0.4, "pop": 0.4, "seq": 0.3, "skip": 0.3})
    outcomes_at_least(found, outcomes)


@pytest.mark.parametrize(
    ("name", "outcomes", "answers"),
    [
        ("rmc_programs()", {"several": 0.05, "one": 0.15, "none": 0.01, "out_of_fuel": 0.01}, (0.3, 0.97)),
        ("rmc_programs(star=False)", {"several": 0.05, "one": 0.2, "none": 0.01}, (0.5, 0.99)),
    ],
)
def test_rmc_programs_reach_every_rule_and_outcome(
    name: str, outcomes: dict[str, float], answers: tuple[float, float]
) -> None:
    found = figures(name, 300)  # of 100, about one sample in ten reached no pop from an empty stack
    rules = RMC_RULES if "star=False" not in name else tuple(r for r in RMC_RULES if r != "star")
    reached_all(found, rules, {"push": 0.5, "pop": 0.3, "pop clash": 0.03, "new": 0.2, "choice": 0.15})
    outcomes_at_least(found, outcomes)
    low, high = answers
    assert low <= found["answer_share"] <= high, found


def test_while_programs_have_several_statements_and_run_long() -> None:
    found = figures("While programs() + stores()", 200)  # 50 missed a rare outcome now and then
    assert found["two_or_fewer"] < 0.15, found
    assert found["over_50_steps"] >= 0.35 and found["median_steps"] > 30, found
    outcomes_at_least(found, {"normal": 0.15, "exception": 0.01, "error": 0.01})
