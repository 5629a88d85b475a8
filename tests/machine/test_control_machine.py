"""FMC III on the machine: catch, pass, loop, again, exit, prim; both machines agree."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from benchmarks.generators import fmc_events
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.sequencing import normalize
from machine_calculus.calculus.fmc.syntax import Const, Name, Term
from machine_calculus.calculus.strategies import fmc3_terms, fmc_runs, memories
from machine_calculus.machine.fmc import fast, small_step
from machine_calculus.machine.fmc.primitives import PrimitiveError, apply_primitive

n = sympy.Symbol("n")


def run_both(text: str, fuel: int = 100_000, **stacks: list[str]) -> small_step.Result:
    memory = {loc.replace("lam", "λ"): [parse(v) for v in values] for loc, values in stacks.items()}
    a, b = small_step.run(parse(text), memory, fuel), fast.run(parse(text), memory, fuel)
    assert a == b
    return a


def stack(r: small_step.Result, location: str = "λ") -> list[str]:
    return [to_ascii(t) for t in r.stack(location)]


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("A ; {A -> * | B -> *}", ["seq", "catch"]),
        ("C ; {A -> *}", ["seq", "pass"]),
        ("C ; *", ["seq", "pass"]),
        ("* ; *", ["seq", "skip"]),
        ("(Stop)^Go", ["loop", "exit"]),
        ("[1].[2].+", ["push", "push", "prim"]),
    ],
)
def test_each_rule_is_named(text: str, rules: list[str]) -> None:
    assert small_step.run_traced(parse(text)).rules() == rules


def test_again_reruns_the_body_with_the_frame_kept() -> None:
    # count down from 3 on location c: each round exits Go, which the loop frame catches
    text = "[3]c.(c<k>.([0].[k].== ; <b>.b ; {True -> Done | False -> [1].[k].- ; <m>.[m]c.Go}))^Go"
    trace = small_step.run_traced(parse(text))
    assert trace.rules().count("again") == 3 and trace.rules()[-1] == "exit"
    assert trace.result.exit_text() == "Done"
    assert run_both(text).steps == len(trace)


def test_if_then_else_holds_all_branches_at_once() -> None:
    """The point of docs/control.md: a branch that itself exits False does not run the False branch."""
    r = run_both("True ; {True -> [1]out.False | False -> [2]out}")
    assert stack(r, "out") == ["1"] and r.exit_text() == "False"
    nested = run_both("(True ; True -> [1]out.False) ; False -> [2]out")
    assert stack(nested, "out") == ["1", "2"]


def test_exceptions_escape_loops_and_frames() -> None:
    r = run_both("((Boom)^Go ; {A -> [1]out}) ; {Boom -> [2]out}")
    assert stack(r, "out") == ["2"] and r.exit_text() == "*"
    uncaught = run_both("[1]out.Overflow ; [2]out")
    assert uncaught.done and uncaught.exit_text() == "Overflow" and stack(uncaught, "out") == ["1"]


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("[2].[5].-", "3"),
        ("[2].[5].mul", "10"),
        ("[2].[5]./", "5/2"),
        ("[3].[7].%", "1"),
        ("[1].[2].<", "False"),
        ("[2].[1].<", "True"),
        ("[2].[2].<=", "True"),
        ('["a"].["a"].==', "True"),
        ("[A].[B].!=", "True"),
        ("[False].not", "True"),
        ("[1/3].[1/6].+", "1/2"),
        ("[$n].[$n].mul ; [1].+", "$(n**2 + 1)"),
        ("[3].[$n].<", "$(n < 3)"),
    ],
)
def test_primitives_are_exact(text: str, result: str) -> None:
    r = run_both(text)
    assert r.done and stack(r) == [result]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[True].[1].+", "primitive +: type mismatch on 1, True"),
        ("[0].[1]./", "primitive /: division by zero (1 / 0)"),
        ("[<x>.x].[1].+", "primitive +: argument <x>.x is not a constant"),
        ("[1].+", "primitive + needs 2 arguments on λ"),
        ("$n ; {1 -> A | _ -> B}", "the branch for label $n depends on symbolic constants"),
        ("$n ; {A -> * | 1 -> *}", "the branch for label $n depends on symbolic constants"),
    ],
)
def test_runtime_errors_are_stuck_runs(text: str, reason: str) -> None:
    r = run_both(text)
    assert r.status == "stuck" and reason in (r.reason or "")


def test_primitive_errors_name_the_problem() -> None:
    with pytest.raises(PrimitiveError, match="needs integers"):
        apply_primitive("%", [sympy.Rational(1, 2), sympy.Integer(1)])
    assert apply_primitive("==", [n, sympy.Integer(1)]) == sympy.Eq(n, 1)


def test_loop_without_exit_runs_out_of_fuel() -> None:
    r = run_both("(Go)^Go", fuel=1000)
    assert r.status == "out_of_fuel" and r.steps == 1000


def test_json_carries_the_exit() -> None:
    assert run_both("[1]out.Found").to_json()["exit"] == "Found"
    assert run_both("*").to_json()["exit"] == "*"


FUELS = st.integers(0, 60) | st.just(5000)


# machine inputs: mostly programs built to run (loops count down, frames catch, primitives get
# numbers), some arbitrary (open) terms with a memory for their pops, some on an arbitrary memory
RUNS = st.one_of(fmc_runs(control=True, closed=False), st.tuples(fmc3_terms(max_depth=6), memories()))


@given(RUNS, FUELS)
def test_fast_run_equals_small_step_run(run: tuple[Term, dict[str, tuple[Term, ...]]], fuel: int) -> None:
    t, memory = run
    b = small_step.run(t, memory, fuel)
    fmc_events(b)
    assert fast.run(t, memory, fuel) == b


@given(RUNS)
def test_traced_run_equals_run(run: tuple[Term, dict[str, tuple[Term, ...]]]) -> None:
    t, memory = run
    trace = small_step.run_traced(t, memory, fuel=2000)
    fmc_events(trace.result, trace.rules())
    assert trace.result == small_step.run(t, memory, fuel=2000)
    assert set(trace.rules()) <= set(small_step.RULE_NAMES)


@given(RUNS)
def test_the_machine_cannot_tell_sequencing_apart(run: tuple[Term, dict[str, tuple[Term, ...]]]) -> None:
    """M and its normal form (the reduction rules for ; applied) end alike."""
    t, memory = run
    a, b = fast.run(t, memory, fuel=10_000), fast.run(normalize(t), memory, fuel=10_000)
    fmc_events(a)
    assume("out_of_fuel" not in (a.status, b.status))

    def normal(memory: dict[str, tuple[Term, ...]]) -> dict[str, tuple[Term, ...]]:
        return {loc: tuple(normalize(v) for v in stack) for loc, stack in memory.items()}

    def why(r: small_step.Result) -> str | None:  # the kind of error; its text shows terms, normalized or not
        return r.reason.split(":")[0] if r.reason else None

    assert (a.status, normal(a.memory), a.exit, why(a)) == (b.status, normal(b.memory), b.exit, why(b))
    assert b.steps <= a.steps


def test_constants_on_stacks_are_values() -> None:
    r = run_both("[Nil].[3].*")
    assert r.stack() == (Const(Name("Nil")), Const(sympy.Integer(3)))


def test_out_of_fuel_at_an_undetermined_loop_exit_is_stuck() -> None:
    """``(<v>.v)^1`` on a symbolic x: after two steps the body exits with x, and whether x meets
    the loop's label 1 depends on x: the state the fuel ran out in is stuck (as the next step
    would say), on both machines."""
    term, memory = parse("(<v>.v)^1"), {"λ": [Const(sympy.Symbol("x"))]}
    for machine in (fast, small_step):
        r = machine.run(term, memory, fuel=2)
        assert (r.status, r.reason) == (
            "stuck",
            "the branch for label $x depends on symbolic constants (run symbolically)",
        )
