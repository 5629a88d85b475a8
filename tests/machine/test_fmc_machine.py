"""The FMC machine: the worked examples of docs/introduction.md, rules, traces, fuel, and
fast = small-step."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from rich.console import Console

from benchmarks.generators import fmc_events
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import SKIP, Const, Name, Pop, Term, Var
from machine_calculus.calculus.strategies import fmc_programs, fmc_runs, fmc_terms, memories
from machine_calculus.machine.fmc import fast, small_step
from machine_calculus.machine.fmc.render import result_html, result_table, trace_html, trace_table
from machine_calculus.machine.fmc.result import Result
from machine_calculus.machine.memory import input_stream, normalize_memory

Run = Callable[..., Result]
MACHINES: list[Run] = [
    small_step.run,
    fast.run,
    lambda t, m=None, fuel=100_000: small_step.run_traced(t, m, fuel).result,
]
IDS = ["small-step", "fast", "traced"]

TRUE, FALSE = parse("<x>.<y>.x"), parse("<x>.<y>.y")


def c(text: str) -> Term:
    return parse(text)


# -- the worked examples of docs/introduction.md, on every machine ------------------------------


@pytest.mark.parametrize("run", MACHINES, ids=IDS)
class TestWorkedExamples:
    def test_1_push_then_pop(self, run: Run) -> None:
        r = run(c("[*].<x>.x"))
        assert (r.status, r.steps, r.memory, r.exit) == ("done", 2, {}, SKIP)

    def test_2_swap(self, run: Run) -> None:
        r = run(c("[A].[B].<x>.<y>.[x].[y]"))
        assert r.done and r.stack() == (c("B"), c("A"))
        assert r.steps == 6

    def test_3_store(self, run: Run) -> None:
        r = run(c("c<_>.[7]c ; c<x>.[x]c.[x]out"), {"c": (c("5"),)})
        assert r.done and r.memory == {"c": (c("7"),), "out": (c("7"),)}
        assert r.steps == 7  # seq, pop, push, skip, pop, push, push

    def test_4_io(self, run: Run) -> None:
        r = run(c("in<x>.in<y>.[y]out.[x]out"), {"in": input_stream(c("1"), c("2"))})
        assert r.done and r.memory == {"out": (c("2"), c("1"))}

    @pytest.mark.parametrize(("coin", "written"), [(TRUE, "1"), (FALSE, "2")])
    @pytest.mark.parametrize("location", ["rnd", "nd"])
    def test_5_choice(self, run: Run, coin: Term, written: str, location: str) -> None:
        r = run(c(f"{location}<b>.[[2]out].[[1]out].b"), {location: (coin,)})
        assert r.done and r.memory == {"out": (c(written),)}

    def test_6_stuck(self, run: Run) -> None:
        r = run(c("<x>.x"))
        assert (r.status, r.reason, r.steps) == ("stuck", "pop from the empty stack at location λ", 0)
        assert r.term == c("<x>.x") and r.exit is None
        r = run(c("y"))
        assert (r.status, r.reason) == ("stuck", "free variable y")
        assert r.term == Var("y")

    def test_stuck_inside_a_run(self, run: Run) -> None:
        r = run(c("[A]a.(a<x>.a<y>.x ; [B]out)"))
        assert r.status == "stuck" and r.reason == "pop from the empty stack at location a"
        assert r.steps == 3 and r.term == Pop("a", "y", c("A")) and r.continuation == (c("[B]out"),)


def test_example_5_explores_both_coins() -> None:
    term = c("rnd<b>.[[2]out].[[1]out].b")
    outcomes = {tuple(to_ascii(t) for t in fast.run(term, {"rnd": (coin,)}).stack("out")) for coin in (TRUE, FALSE)}
    assert outcomes == {("1",), ("2",)}


# -- rules and traces ---------------------------------------------------------------------------


def test_rules_are_named_in_order() -> None:
    assert small_step.run_traced(c("[*].<x>.x")).rules() == ["push", "pop"]
    assert small_step.run_traced(c("(x ; *) ; *"), {}).rules() == ["seq", "seq"]
    assert small_step.run_traced(c("[*].<x>.(x ; [A]out)")).rules() == ["push", "pop", "seq", "skip", "push"]
    assert small_step.run_traced(c("Done ; [A]out ; *")).rules() == ["seq", "pass"]
    assert small_step.RULE_NAMES == ("push", "pop", "seq", "skip", "loop", "catch", "pass", "again", "exit", "prim")


def test_step_function() -> None:
    state = small_step.initial_state(c("[A].<x>.x"))
    first = small_step.step(state)
    assert isinstance(first, small_step.Transition) and first.rule == "push"
    assert first.state.stacks() == {"λ": (c("A"),)}
    second = small_step.step(first.state)
    assert isinstance(second, small_step.Transition) and second.rule == "pop" and second.state.term == c("A")
    halt = small_step.step(second.state)
    assert isinstance(halt, small_step.Halt) and halt.status == "done" and halt.exit == Const(Name("A"))


def test_trace_states_follow_the_rules() -> None:
    trace = small_step.run_traced(c("c<_>.[7]c ; c<x>.[x]c.[x]out"), {"c": (c("5"),)})
    states = trace.states()
    assert len(states) == len(trace) + 1 == trace.result.steps + 1
    assert states[0].stacks() == {"c": (c("5"),)} and states[-1].stacks() == trace.result.memory
    assert [len(s.continuation_terms()) for s in states] == [0, 1, 1, 1, 0, 0, 0, 0]


def test_trace_renders_as_a_rich_table_and_html() -> None:
    trace = small_step.run_traced(c("[[x]a].<y>.y"), {})
    console = Console(record=True, width=160)
    console.print(trace_table(trace))
    text = console.export_text()
    for rule in trace.rules():
        assert rule in text
    assert "[x]a" in text  # not eaten as rich markup
    html = trace_html(trace)
    assert "<table" in html and "push" in html and "[x]a" in html
    console.print(result_table(trace.result))
    assert "done" in console.export_text()
    assert "<table" in result_html(trace.result)


def test_html_escapes_terms() -> None:
    html = result_html(fast.run(c('[a<x>.x]out.["<b>&"]out')))
    assert "a⟨x⟩.x" in html and "&quot;&lt;b&gt;&amp;&quot;" in html and "<b>" not in html


# -- properties: the two machines agree ----------------------------------------------------------

FUELS = st.sampled_from([0, 1, 2, 5, 20, 1000])


# machine inputs: mostly programs built to run (pops find their pushes), some arbitrary (open) terms
# with a memory for their pops, some arbitrary terms on an arbitrary memory
RUNS = st.one_of(fmc_runs(closed=False), st.tuples(fmc_terms(max_depth=6), memories()))


@given(RUNS, FUELS)
def test_fast_run_equals_small_step_run(run: tuple[Term, dict[str, tuple[Term, ...]]], fuel: int) -> None:
    t, memory = run
    a, b = fast.run(t, memory, fuel=fuel), small_step.run(t, memory, fuel=fuel)
    fmc_events(b)
    assert (a.status, a.steps, a.memory, a.exit, a.reason) == (b.status, b.steps, b.memory, b.exit, b.reason)
    assert a.term == b.term and a.continuation == b.continuation
    assert a == b


@given(RUNS)
def test_traced_run_equals_run(run: tuple[Term, dict[str, tuple[Term, ...]]]) -> None:
    t, memory = run
    trace = small_step.run_traced(t, memory, fuel=1000)
    fmc_events(trace.result, trace.rules())
    assert trace.result == small_step.run(t, memory, fuel=1000)
    assert len(trace.rules()) == trace.result.steps


@given(fmc_runs())
def test_fuel_exactly_enough(program: tuple[Term, dict[str, tuple[Term, ...]]]) -> None:
    t, memory = program
    full = fast.run(t, memory, fuel=10_000)
    fmc_events(full)
    assume(full.status != "out_of_fuel")
    for run in (fast.run, small_step.run):
        assert run(t, memory, fuel=full.steps) == full
        assert run(t, memory, fuel=2 * full.steps + 1) == full
        if full.steps:
            short = run(t, memory, fuel=full.steps - 1)
            assert short.status == "out_of_fuel" and short.steps == full.steps - 1
            assert short.reason == f"out of fuel after {full.steps - 1} steps"


FUEL_TERMS = [
    "[1].[2].[3].[4].<a>.<b>.<c>.<d>.[a]out.[b]out.[c]out.[d]out",  # fused runs of 4 pushes, 4 pops
    "[1]a.[2]a.[3]a.a<x>.a<y>.a<z>.[z].[y].[x].<p>.<q>.<r>.*",  # runs on another location too
    "([1].[2].[3]) ; <x>.<y>.[x]out.<z>.[y]out.[z]out",  # a run broken by a sequence frame
    "[x]a.[y]a.<u>.<v>.*",  # stuck in the middle of a run of pops (λ is empty)
    "[3]c.(c<k>.([0].[k].== ; <b>.b ; {True -> Done | False -> [1].[k].- ; <m>.[m]c.Go}))^Go",
]


@pytest.mark.parametrize("text", FUEL_TERMS)
def test_fast_run_equals_small_step_run_at_every_fuel(text: str) -> None:
    """Fuel 0, fuel ending inside a fused push/pop run, fuel exactly the steps needed and one
    more: the fast run stops exactly where the small-step machine does (steps, memory, place)."""
    term = parse(text)
    full = small_step.run(term)
    assert full.status in ("done", "stuck")
    for fuel in range(full.steps + 2):
        a, b = fast.run(term, fuel=fuel), small_step.run(term, fuel=fuel)
        assert (a.status, a.steps, a.memory, a.reason) == (b.status, b.steps, b.memory, b.reason), fuel
        assert a == b, fuel
        if fuel >= full.steps:
            assert b == full
        else:
            assert (b.status, b.steps) == ("out_of_fuel", fuel)


@given(fmc_programs(control=True), FUELS)
def test_fast_run_equals_small_step_run_on_programs(
    program: tuple[Term, dict[str, tuple[Term, ...]]], fuel: int
) -> None:
    """On programs built to run (pops find their pushes, loops count down, frames catch)."""
    t, memory = program
    b = small_step.run(t, memory, fuel=fuel)
    fmc_events(b)
    assert fast.run(t, memory, fuel=fuel) == b


# the machine cannot tell a term from its sequenced normal form: tests/machine/test_control_machine.py
# (on FMC III terms, which include every FMC term)


# -- programs -----------------------------------------------------------------------------------


def numeral(n: int) -> str:
    body = "x"
    for _ in range(n):
        body = f"[{body}].f"
    return f"(λf x.{body})"


def ticks(expression: str, run: Run = fast.run) -> int:
    prelude = "tick = λy.[S]out.y\nadd = λm n f x.[[x].[f].n].[f].m\nmult = λm n f.[[f].n].m\nexp = λm n.[m].n\n"
    r = run(parse(prelude + f"[*].[tick].{expression}"), fuel=10_000_000)
    assert r.done and set(r.stack("out")) <= {c("S")}
    return len(r.stack("out"))


@pytest.mark.parametrize("run", [small_step.run, fast.run], ids=["small-step", "fast"])
@pytest.mark.parametrize(("m", "n"), [(0, 0), (1, 0), (2, 3), (3, 4)])
def test_church_arithmetic(run: Run, m: int, n: int) -> None:
    M, N = numeral(m), numeral(n)
    assert ticks(f"[{N}].[{M}].add", run) == m + n
    assert ticks(f"[{N}].[{M}].mult", run) == m * n
    assert ticks(f"[{N}].[{M}].exp", run) == m**n


def test_church_arithmetic_at_scale() -> None:
    assert ticks(f"[{numeral(30)}].[{numeral(30)}].mult") == 900
    assert ticks(f"[{numeral(10)}].[{numeral(2)}].exp") == 1024


def test_omega_runs_out_of_fuel() -> None:
    omega = c("[<x>.[x].x].<x>.[x].x")
    for run in (fast.run, small_step.run):
        r = run(omega, fuel=1001)
        assert r.status == "out_of_fuel" and r.steps == 1001
        assert r.reason == "out of fuel after 1001 steps"
        assert r.term is not None
    assert fast.run(omega, fuel=1001) == small_step.run(omega, fuel=1001)


def test_fuel_zero() -> None:
    assert fast.run(c("[A]"), fuel=0).status == "out_of_fuel"
    assert fast.run(c("*"), fuel=0).status == "done"  # already final
    assert fast.run(c("<x>.x"), fuel=0).status == "stuck"  # already stuck


# -- initial memory ----------------------------------------------------------------------------


def test_input_stream_puts_the_first_item_on_top() -> None:
    assert input_stream(c("1"), c("2"), c("3")) == (c("3"), c("2"), c("1"))
    r = fast.run(c("in<x>.[x]out"), {"in": input_stream(c("1"), c("2"))})
    assert r.memory == {"in": (c("2"),), "out": (c("1"),)}


def test_memory_on_any_location_as_lists_or_tuples() -> None:
    memory = {"store": [c("1")], "λ": (c("A"), c("B")), "empty": []}
    assert normalize_memory(memory) == {"store": (c("1"),), "λ": (c("A"), c("B"))}
    r = fast.run(c("<x>.store<y>.[x]store.[y]"), memory)
    assert (
        r.memory
        == {"λ": (c("A"), c("1")), "store": (c("B"),)}
        == small_step.run(c("<x>.store<y>.[x]store.[y]"), memory).memory
    )


def test_memory_must_hold_terms() -> None:
    with pytest.raises(TypeError, match="non-term"):
        fast.run(SKIP, {"a": ["1"]})  # type: ignore[list-item]


def test_memory_terms_may_be_programs() -> None:
    r = small_step.run(c("f<g>.g ; g"), {"f": (c("[A]out"),)})
    assert r.status == "stuck" and r.reason == "free variable g"
    r = fast.run(c("f<g>.(g ; g)"), {"f": (c("[A]out"),)})
    assert r.memory == {"out": (c("A"), c("A"))}


def test_results_read_back_closures() -> None:
    r = fast.run(c("[A].<x>.[<y>.[x].y]out"))
    assert r.memory == {"out": (c("<y>.[A].y"),)}
    assert r.to_json() == {"status": "done", "exit": "*", "reason": None, "steps": 3, "stacks": {"out": ["<y>.[A].y"]}}


def test_constants_exit_with_their_label() -> None:
    for run in (fast.run, small_step.run):
        r = run(c("[1]out.Overflow ; [2]out"))
        assert r.done and r.exit == c("Overflow") and r.exit_text() == "Overflow"
        assert r.memory == {"out": (c("1"),)}
        assert run(c('"*"')).exit_text() == '"*"'  # a string, not the normal exit
        assert run(c("3/4")).to_json()["exit"] == "3/4"


def test_a_step_from_an_empty_stack_halts_stuck() -> None:
    """``step`` (the public one-step function) on ``<x>.x`` with λ empty: no rule applies, a Halt
    with status stuck and the reason, not a done state."""
    halt = small_step.step(small_step.initial_state(c("<x>.x")))
    assert halt == small_step.Halt("stuck", reason="pop from the empty stack at location λ")
