"""The compiled fast run (machine/fmc/codegen.py) against the small-step machine, on what the
compiler treats specially: leaf and thunk calls, case dispatch on a run-time label, loop rounds
as Python loops, pops that only look at the top, pending pushes, long straight lines split into
units, case frames nested past the inline limit, symbolic labels, and every example program at
many fuels (fast = small-step: status, steps, memory, exit, reason, where it stopped)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.syntax import Term
from machine_calculus.calculus.strategies import fmc3_terms, fmc_runs, memories
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.parser import parse_while
from machine_calculus.embeddings.imperative.run import initial_memory
from machine_calculus.machine.fmc import codegen, fast, small_step

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def agree_at(term: Term, memory: dict[str, tuple[Term, ...]], fuels: list[int]) -> None:
    for fuel in fuels:
        assert fast.run(term, memory, fuel=fuel) == small_step.run(term, memory, fuel=fuel), fuel


def while_program(text: str) -> tuple[Term, dict[str, tuple[Term, ...]]]:
    program = parse_while(text)
    return compile_program(program), initial_memory(program)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.while")), ids=lambda p: p.name)
def test_while_examples_at_many_fuels(path: Path) -> None:
    term, memory = while_program(path.read_text())
    full = small_step.run(term, memory, fuel=200_000)
    assert fast.run(term, memory, fuel=200_000) == full
    n = full.steps
    agree_at(term, memory, sorted({0, 1, 2, 3, n // 3, n // 2, n - 1, n, n + 1} | set(range(0, min(n, 400), 7))))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.fmc")), ids=lambda p: p.name)
def test_fmc_examples_at_every_fuel(path: Path) -> None:
    term = parse(path.read_text())
    memory = {"c": (parse("5"),), "in": (parse("1"), parse("2")), "rnd": (parse("<x>.<y>.x"),) * 4}
    full = small_step.run(term, memory, fuel=5_000)
    agree_at(term, memory, list(range(min(full.steps, 300) + 2)))


LOOPS = [
    # countdown with a case on the comparison's Boolean (the result is known to be a constant)
    "[7]c.(c<n>.([0].[n].== ; <b>.(b ; {True -> [0]out | False -> [1].[n].- ; <m>.[m]c.Again})))^Again",
    # a loop whose exit label passes two frames, then is caught outside
    "([3]c.(c<n>.([0].[n].== ; <b>.(b ; {True -> Out | False -> [1].[n].- ; <m>.[m]c.Go})))^Go) ; {Out -> [Done]r}",
    # a While loop with if/else in its body (a thunk read, a join after the branch)
    "n = 9; s = 0; while (n > 0) { if (n % 2 == 0) { s = s + n; } else { s = s - 1; } n = n - 1; } print(s);",
    # nested loops
    "i = 3; t = 0; while (i > 0) { j = i; while (j > 0) { t = t + j; j = j - 1; } i = i - 1; } print(t);",
]


@pytest.mark.parametrize("text", LOOPS)
def test_loops_at_every_fuel(text: str) -> None:
    term, memory = while_program(text) if "while" in text else (parse(text), {})
    full = small_step.run(term, memory, fuel=100_000)
    assert full.status == "done"
    agree_at(term, memory, list(range(full.steps + 2)))


CALLS = [
    "[[A]out].<f>.(f ; f ; f)",  # a leaf called three times in a row
    "[<x>.[x]out].<f>.([1].f ; [2].f)",  # a leaf popping its argument
    "[<x>.x].<f>.([1].f ; *)",  # a leaf-like closure that pops, then runs a constant
    "[[B]a.a<y>.[y]out].<f>.(f ; [C]out)",  # a leaf that pushes then pops
    "<x>.(x ; [A]out)",  # run a value from the memory: a constant jump passes the frame
    "<x>.(x ; {A -> [1]out | B -> [2]out | _ -> [3]out})",  # dispatch on a run-time label
    "[f<g>.g]h.h<k>.(k ; [Z]out)",  # a closure that is not a leaf, entered through the driver
    "<x>.<y>.(x ; y)",  # a thunk then a constant
]
MEMORIES = [
    {},
    {"λ": (parse("A"),)},
    {"λ": (parse("B"), parse("C"))},
    {"λ": (parse("[Q]out"),)},
    {"λ": (parse("7"), parse("[x]out"))},
    {"f": (parse("[W]out"),), "λ": (parse("D"),)},
]


@pytest.mark.parametrize("text", CALLS)
@pytest.mark.parametrize("memory", MEMORIES, ids=lambda m: ",".join(f"{k}{len(v)}" for k, v in m.items()) or "empty")
def test_calls_at_every_fuel(text: str, memory: dict[str, tuple[Term, ...]]) -> None:
    term = parse(text)
    full = small_step.run(term, memory, fuel=1_000)
    agree_at(term, memory, list(range(min(full.steps, 200) + 2)))


def test_long_straight_lines_and_deep_frames_split_into_units() -> None:
    """Past the line limit a path continues in a unit of its own; case frames nested past the
    inline limit go through the driver: both give the reference's results at every fuel."""
    pops = ".".join(f"a<x{i}>" for i in range(codegen.MAX_LINES))
    pushes = ".".join(f"[x{i}]out" for i in range(0, codegen.MAX_LINES, 3))
    memory = {"a": tuple(parse(str(i)) for i in range(codegen.MAX_LINES))}
    long_line = parse(f"{pops}.{pushes}")
    full = small_step.run(long_line, memory)
    assert full.status == "done" and len(full.stack("out")) == len(range(0, codegen.MAX_LINES, 3))
    agree_at(long_line, memory, [0, 1, 50, full.steps // 2, full.steps - 1, full.steps])
    short = {"a": memory["a"][:100]}  # stuck in the middle of the line
    assert fast.run(long_line, short) == small_step.run(long_line, short)
    depth = codegen.MAX_NESTING + 5
    nested = "<b>.(b ; {True -> " * depth + "[Y]out" + " | False -> [N]out})" * depth
    term = parse(nested)
    flags = {"λ": tuple(parse("True") for _ in range(depth))}
    full = small_step.run(term, flags)
    assert full.status == "done" and full.stack("out") == (parse("Y"),)
    agree_at(term, flags, list(range(full.steps + 2)))


def test_symbolic_labels_hand_over_to_the_reference() -> None:
    """A comparison on a symbol gives a symbolic label: the compiled run stops where the small-step
    machine is stuck on it, with the same reason."""
    for text in (
        "[0].[$n].== ; <b>.(b ; {True -> [1]out | False -> [2]out})",
        "[$n].[1].+ ; <m>.[m]out ; (m ; {3 -> A})",
    ):
        term = parse(text)
        a, b = fast.run(term), small_step.run(term)
        assert a == b and (b.status == "stuck" or b.status == "done")


def test_integers_past_the_digit_budget_stop_as_the_reference_does() -> None:
    from machine_calculus.machine.fmc.primitives import digit_budget

    term = parse("[2]c.(c<x>.[x].[x].mul ; <y>.[y]c.Again)^Again")
    with digit_budget(30):
        a, b = fast.run(term, fuel=10_000), small_step.run(term, fuel=10_000)
    assert a == b and b.status == "stuck" and b.reason is not None and "integer too large" in b.reason


def test_units_of_one_shape_share_their_code() -> None:
    """Units whose generated source is the same text share one compiled factory (constants
    other than small integers are read from the unit's pool, not written into its source)."""
    before = len(codegen._FACTORIES)
    for k in range(50):
        fast.run(parse(f"[N{k}]a.[M{k}]a.a<x>.a<y>.[x]out.[y]out"))
    assert len(codegen._FACTORIES) - before <= 2


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=1, max_value=12))
def test_while_arithmetic_loops_agree(n: int, step: int) -> None:
    text = f"n = {n}; s = 1; while (n > 0) {{ s = s * 3 % 1000 + n / {step}; n = n - {step}; }} print(s);"
    term, memory = while_program(text)
    full = small_step.run(term, memory, fuel=200_000)
    assert fast.run(term, memory, fuel=200_000) == full
    agree_at(term, memory, [full.steps // 2, full.steps - 1])


SYMBOLIC = [
    "y = x * x + 1; if (y > 10) { print(1); } else { print(2); }",
    "n = x; s = 0; while (n > 0) { s = s + n; n = n - 1; } print(s);",
    "i = 0; while (i < 6) { if (i == x) { print(i); } i = i + 1; } print(x + i);",
    "a = x; b = y; if (a < b) { t = a; a = b; b = t; } if (a == b) { print(0); } else { print(a - b); }",
]


@pytest.mark.parametrize("text", SYMBOLIC)
@pytest.mark.parametrize("fuel", [37, 500, 1_500])
def test_symbolic_exploration_on_the_compiled_run_equals_the_reference(text: str, fuel: int) -> None:
    """Compiled steps between the forks: the same paths, conditions and results as forking the
    small-step machine at every step (and at a fuel that ends paths in the middle)."""
    import sympy

    from machine_calculus.calculus.fmc.syntax import Const
    from machine_calculus.machine.fmc.symbolic import explore

    term, memory = while_program(text)
    memory = {**memory, "x": (parse("[$x]"),), "y": (parse("[$y]"),)}
    ours = explore(term, memory, fuel=fuel, max_paths=3)
    theirs = explore(term, memory, fuel=fuel, max_paths=3, compiled=False)
    assert ours.truncated == theirs.truncated and len(ours.paths) == len(theirs.paths) >= 1
    for a, b in zip(ours.paths, theirs.paths, strict=True):
        assert sympy.simplify(sympy.Equivalent(a.condition, b.condition)) is sympy.true
        assert a.result == b.result
    assert any(isinstance(t, Const) for p in ours.paths for t in p.result.stack("out")) or fuel < 1000


SEQUENCES = [
    "<f>.(f ; f ; f ; [Z]out)",  # after a call that was not a value thunk: leaves called in place
    "<f>.<g>.(f ; g ; f ; g ; [Z]out)",
    "[<x>.[x].x].<x>.[x].x",  # a closure made and run in place, forever: the inline budget ends it
    "[[[A]out].<y>.y].<x>.(x ; x)",  # closures made and run in place, nested
]
LEAVES = [
    {"λ": (parse("[A]out"), parse("[B]out"))},
    {"λ": (parse("b<v>.[v]out"), parse("[B]b"))},  # the first call finds b empty: stuck in a leaf
    {"λ": (parse("[C]out.Exit"), parse("[D]out"))},  # a leaf that jumps with a constant: pass
    {"λ": (parse("[1]"), parse("<p>.[p]out"))},
]


@pytest.mark.parametrize("text", SEQUENCES)
@pytest.mark.parametrize("memory", LEAVES, ids=["leaves", "stuck-leaf", "constant-exit", "thunk-and-pop"])
def test_sequences_of_calls_at_every_fuel(text: str, memory: dict[str, tuple[Term, ...]]) -> None:
    term = parse(text)
    full = small_step.run(term, memory, fuel=300)
    agree_at(term, memory, list(range(min(full.steps, 300) + 2)))


@given(
    st.one_of(fmc_runs(control=True, closed=False), st.tuples(fmc3_terms(max_depth=6), memories())),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=0, max_value=400),
)
def test_a_run_in_stretches_for_progress_reports_is_the_plain_run(run: tuple, every: int, fuel: int) -> None:
    """``fast.run(..., report=f, every=n)`` stops every ``n`` steps to report and resumes from
    the state it stopped in: the same result as the plain run (and the reference's), and the
    reports count up to it."""
    term, memory = run
    reports: list[int] = []
    stretched = fast.run(term, memory, fuel=fuel, report=reports.append, every=every)
    assert stretched == fast.run(term, memory, fuel=fuel) == small_step.run(term, memory, fuel=fuel)
    assert reports == sorted(reports) and reports[-1] == stretched.steps
    assert len(reports) >= stretched.steps // every


def test_long_while_runs_report_in_stretches() -> None:
    term, memory = while_program("x = 0; while (x < 3000) { x = x + 1; }")
    reports: list[int] = []
    result = fast.run(term, memory, fuel=10_000_000, report=reports.append, every=5_000)
    assert result == fast.run(term, memory, fuel=10_000_000)
    assert len(reports) == result.steps // 5_000 + 1
