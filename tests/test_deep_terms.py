"""Terms nested 100,000 deep parse, print, substitute, normalize, compare and run without recursion.

Python's recursion limit is lowered while these run, so any recursive traversal would fail.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii, to_latex, to_unicode
from machine_calculus.calculus.fmc.sequencing import is_normal, normalize
from machine_calculus.calculus.fmc.syntax import Const, Name, Var
from machine_calculus.calculus.terms import free_variables, iter_preorder, size, substitute
from machine_calculus.machine.fmc import fast, small_step
from machine_calculus.machine.fmc.render import trace_html

N = 100_000

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def low_recursion_limit() -> Iterator[None]:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(500)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# name -> (source, status, steps, final out stack length)
CASES = {
    "long push chain then pops": ("[A]out." * N + "[A]." * N + "<x>." * N + "x", "done", 3 * N, N),
    "deep nesting inside pushes": ("[" * N + "[B]out" + "]" * N + ".<x>.x", "done", 3, 0),
    "long sequence": (" ; ".join(["[A]out"] * N), "done", 3 * N - 2, N),
    "left-nested sequence": ("(" * N + "[A]out" + " ; *)" * N, "done", 2 * N + 1, 1),
    "deep lambda": ("\\x." * N + "[x]out", "stuck", 0, 0),
    "deep parentheses": ("(" * N + "*" + ")" * N, "done", 0, 0),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[str, object]:
    source = CASES[request.param][0]
    return request.param, parse(source)


def test_parse_and_print_round_trip(case: tuple[str, object]) -> None:
    _name, term = case
    for printer in (to_ascii, to_unicode):
        text = printer(term)
        again = parse(text)
        assert again == term and hash(again) == hash(term)
    assert to_latex(term)
    assert repr(term).startswith(type(term).__name__)


def test_traversals(case: tuple[str, object]) -> None:
    name, term = case
    assert size(term) == sum(1 for _ in iter_preorder(term))
    assert size(term) > N or name == "deep parentheses"
    fv = free_variables(term)
    renamed = substitute(term, {"x": Var("w"), "y": Const(Name("Y"))})
    assert free_variables(renamed) <= (fv - {"x", "y"}) | {"w"}
    assert substitute(term, {"unused": Var("q")}) == term
    normal = normalize(term)
    assert is_normal(normal) and normalize(normal) == normal


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_on_both_machines(name: str) -> None:
    source, status, steps, out = CASES[name]
    term = parse(source)
    results = [fast.run(term), small_step.run(term)]
    for r in results:
        assert (r.status, r.steps, len(r.stack("out"))) == (status, steps, out), name
    assert results[0] == results[1]


def test_fuel_runs_out_inside_a_deep_term() -> None:
    term = parse("[A]out." * N + "*")
    for run in (fast.run, small_step.run):
        r = run(term, fuel=N // 2)
        assert r.status == "out_of_fuel" and r.steps == N // 2 and len(r.stack("out")) == N // 2
        assert size(r.term) == 2 * (N // 2) + 1  # the pushes left, each with its constant


def test_deep_values_in_memory_are_read_back() -> None:
    thunk = "[" * N + "A" + "]out" * N
    term = parse(f"[{thunk}].<x>.[x]out")
    r = fast.run(term)
    assert r.done and r.stack("out") == (parse(thunk),)
    assert r == small_step.run(term)


def test_trace_of_a_deep_term_renders() -> None:
    trace = small_step.run_traced(parse("[" * N + "*" + "]" * N + ".<x>.x"))
    assert trace.rules()[:2] == ["push", "pop"]
    assert "<table" in trace_html(trace)


@pytest.mark.parametrize("name", sorted(set(CASES) - {"long push chain then pops"}))
def test_one_reduction_step(name: str) -> None:
    """The reduction engine finds a deep term's first redex without recursion. (Not the long push
    chain: there every push looks down the chain for its pop, quadratic in N.)"""
    from machine_calculus.rewriting.engine import next_step
    from machine_calculus.rewriting.rules import FMC3

    term = parse(CASES[name][0])
    for strategy in ("leftmost-outermost", "machine"):
        step = next_step(term, FMC3, strategy)
        assert step is None or step[2] != term


def test_rmc_reduction_of_a_long_sequence() -> None:
    """50,000 push/pop pairs in sequence reduce to ⋆ by the RMC's rules, iteratively."""
    from machine_calculus.calculus.fmc.syntax import SKIP, sequence_of
    from machine_calculus.calculus.rmc.firstorder import fn
    from machine_calculus.calculus.rmc.syntax import Pop, Push
    from machine_calculus.rewriting.engine import normal_form
    from machine_calculus.rewriting.rmc_rules import RMC, canonical_summands

    pairs = [a for _ in range(N // 2) for a in (Push(fn("a"), "l"), Pop("l", fn("a")))]
    result = normal_form(sequence_of(*pairs), RMC, fuel=N)
    assert result == SKIP and canonical_summands(result) == frozenset({SKIP})
