"""The optimizer: on the example programs (compiled While among them) the optimized term takes
fewer machine steps and gives the same result; on generated FMC III terms it never changes the
result (soundness). CI: 60 generated examples (each saturates an e-graph)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings

from machine_calculus.calculus.fmc.parser import parse, parse_program
from machine_calculus.calculus.strategies import fmc3_terms, memories
from machine_calculus.calculus.terms import Term
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.parser import parse_while
from machine_calculus.embeddings.imperative.run import initial_memory
from machine_calculus.machine.fmc import fast
from machine_calculus.rewriting.optimizer import optimize, static_steps

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def same_result(term: Term, other: Term, memory: dict[str, tuple[Term, ...]]) -> tuple[bool, int, int]:
    a, b = fast.run(term, memory, fuel=100_000), fast.run(other, memory, fuel=100_000)
    return a.same_outcome(b), a.steps, b.steps


def fmc_example(name: str) -> Term:
    return parse_program((EXAMPLES / name).read_text(encoding="utf-8")).term()


def while_example(text: str, store: dict[str, int] | None = None) -> tuple[Term, dict[str, tuple[Term, ...]]]:
    program = parse_while(text)
    return compile_program(program), initial_memory(program, store)


@pytest.mark.parametrize(
    ("name", "saving"),
    [("store.fmc", 4), ("swap.fmc", 4), ("church.fmc", 30), ("straight-line", 40), ("gcd.while", 46)],
)
def test_the_examples_run_in_fewer_steps_to_the_same_result(name: str, saving: int) -> None:
    if name.endswith(".fmc"):
        term, memory = fmc_example(name), ({"c": (parse("[5]"),)} if name == "store.fmc" else {})
    elif name == "straight-line":
        term, memory = while_example("x = 2; y = x + 3; z = y * x; print(z);")
    else:
        term, memory = while_example((EXAMPLES / name).read_text(encoding="utf-8"))
    result = optimize(term)
    same, before, after = same_result(term, result.optimized, memory)
    assert same and before - after >= saving, (before, after)
    assert result.steps_after < result.steps_before == static_steps(term)


def test_nothing_to_gain_leaves_the_term() -> None:
    term = parse("<x>.[x]out")
    assert optimize(term).optimized == term


@settings(max_examples=settings.default.max_examples * 3 // 10)  # 60 in CI, 1,500 deep
@given(fmc3_terms(max_depth=5, closed=True), memories())
def test_optimizing_never_changes_the_result(term: Term, memory: dict[str, tuple[Term, ...]]) -> None:
    before = fast.run(term, memory, fuel=3000)
    assume(before.status != "out_of_fuel")
    result = optimize(term, iterations=20, max_nodes=3000)
    assert result.steps_after <= result.steps_before
    after = fast.run(result.optimized, memory, fuel=3000)
    assume(after.status != "out_of_fuel")
    assert before.status == after.status
    if before.done:  # the laws equate runs that end; where a run is stuck is not observed
        # the final memories hold the same number of values per location; a value may itself have
        # been optimized (a pushed ⋆;⋆ becomes ⋆), so values are compared by how they run
        assert before.exit == after.exit
        assert {k: len(v) for k, v in before.memory.items()} == {k: len(v) for k, v in after.memory.items()}
        for loc, items in before.memory.items():
            for old, new in zip(items, after.memory[loc], strict=True):
                if old != new:
                    ran, ran_new = fast.run(old, fuel=3000), fast.run(new, fuel=3000)
                    if ran.done and ran_new.done:
                        assert (ran.exit, ran.memory.keys()) == (ran_new.exit, ran_new.memory.keys())
                    else:
                        assert ran.done == ran_new.done or "out_of_fuel" in (ran.status, ran_new.status)
