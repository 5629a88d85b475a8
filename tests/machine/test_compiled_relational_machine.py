"""The compiled relational machine against the small-step one (the reference): the same answers
in the same order with the same steps and paths depth-first, the same multiset fair; the
Prolog corpus against SWI-Prolog's answers; deep terms without RecursionError."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from immutables import Map

from machine_calculus.calculus.fmc.syntax import Skip
from machine_calculus.calculus.rmc.firstorder import Fn, FVar, arguments, fn, fn_built
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.rmc.syntax import Choice, New, Pop, Push, Seq, Star, converse
from machine_calculus.calculus.strategies import first_order_terms, memories, rmc_terms
from machine_calculus.calculus.terms import free_variables
from machine_calculus.embeddings.prolog.compiler import compile_query, parse_program, parse_query
from machine_calculus.embeddings.prolog.run import answer_bindings
from machine_calculus.machine.rmc import blocks, compiled, small_step
from machine_calculus.machine.rmc.code import CHOICE, Sub, compile_term
from tests.machine.test_relational_machine import inputs

HERE = Path(__file__).resolve().parents[1] / "embeddings" / "prolog"
FIXTURES: list[dict[str, Any]] = json.loads((HERE / "fixtures.json").read_text(encoding="utf-8"))["fixtures"]

terms = st.one_of(
    inputs(),
    st.tuples(rmc_terms(max_depth=5), memories(first_order_terms(variables=("x", "y")))),
    st.tuples(rmc_terms(closed=True, max_depth=4).map(lambda t: Seq(t, converse(t))), memories(first_order_terms())),
)


def key(answer: small_step.Answer) -> str:
    return repr(sorted((loc, [str(t) for t in items]) for loc, items in answer.memory.items()))


@given(terms, st.integers(1, 400))
@settings(deadline=None)
def test_depth_first_is_the_small_step_machine(run, fuel: int) -> None:
    term, memory = run
    ref = small_step.solve(term, memory, fuel=fuel, limit=20, order="depth-first")
    got = compiled.solve(term, memory, fuel=fuel, limit=20, order="depth-first")
    assert [key(a) for a in got] == [key(a) for a in ref]
    assert [(a.path, a.steps) for a in got] == [(a.path, a.steps) for a in ref]
    assert (got.steps, got.exhausted, got.out_of_fuel) == (ref.steps, ref.exhausted, ref.out_of_fuel)
    # the code that keeps no path: the same answers and steps, every path empty
    lean = small_step.collect(compiled.Search(term, memory, fuel=fuel, order="depth-first", paths=False), 20)
    assert [(key(a), a.path, a.steps) for a in lean] == [(key(a), (), a.steps) for a in ref]
    assert (lean.steps, lean.exhausted, lean.out_of_fuel) == (ref.steps, ref.exhausted, ref.out_of_fuel)


@given(terms)
@settings(deadline=None)
def test_fair_gives_the_small_step_machines_answers_as_a_multiset(run) -> None:
    term, memory = run
    ref = small_step.solve(term, memory, fuel=3_000, order="fair")
    if not ref.exhausted:
        # an infinite search: every answer the reference found within its fuel is found
        missing = Counter(key(a) for a in ref)
        search = compiled.Search(term, memory, fuel=200_000)
        for answer in search if missing else ():
            missing -= Counter([key(answer)])
            if not missing:
                break
        assert not missing
        return
    got = compiled.solve(term, memory, fuel=None, order="fair")
    assert got.exhausted
    assert Counter(key(a) for a in got) == Counter(key(a) for a in ref)
    # iterative deepening: an answer never comes before one at most the previous bound deep
    depths = [len(a.path) for a in got]
    assert all(depths[i] <= max(depths[i:]) for i in range(len(depths)))


def test_resuming_with_more_fuel_goes_on_where_it_stopped() -> None:
    term = parse_rmc("([a] + [b])* ; <b>")
    search = compiled.Search(term, fuel=50, order="fair")
    first = list(search)
    assert search.out_of_fuel
    search.fuel = 2_000
    more = [a for _, a in zip(range(5), search, strict=False)]
    assert len(more) == 5
    assert {key(a) for a in first}.isdisjoint(key(a) for a in more) or len(first) == 0


def program(name: str):
    return parse_program((HERE.parents[2] / "examples" / "prolog" / name).read_text(encoding="utf-8"), source=name)


CASES = [f for f in FIXTURES if f.get("compare") != "cover"]


@pytest.mark.parametrize("fixture", CASES, ids=[f["query"] for f in CASES])
def test_prolog_corpus_depth_first_is_swi_prologs_and_the_small_step_machines(fixture: dict[str, Any]) -> None:
    if "prolog" not in fixture.get("orders", ["prolog", "fair"]):
        pytest.skip("not run in Prolog order")
    prog, query = program(fixture["program"]), parse_query(fixture["query"])
    term = compile_query(prog, query)
    limit = fixture.get("limit")
    got = compiled.solve(term, fuel=2_000_000, limit=limit, order="depth-first")
    assert [answer_bindings(query, a) for a in got] == fixture["answers"]
    ref = small_step.solve(term, fuel=100_000, limit=limit, order="depth-first")
    if not ref.out_of_fuel:
        assert [(a.path, a.steps) for a in got] == [(a.path, a.steps) for a in ref]
        assert got.steps == ref.steps


def test_deep_terms_run_without_recursion_error() -> None:
    n = 100_000
    deep = FVar("x")
    for _ in range(n):
        deep = fn("s", deep)
    # a long sequence of pushes and pops, a deep first-order term, nested news
    body: Any = Pop("a", deep)
    term = New("x", Seq(Push(deep, "a"), body))
    for order in ("depth-first", "fair"):
        result = compiled.solve(term, fuel=None, order=order)
        assert len(result) == 1
    chain: Any = Pop("a", fn("z"))
    for _ in range(n):
        chain = Seq(Push(fn("z"), "a"), Seq(Pop("a", fn("z")), chain))
    result = compiled.solve(Seq(Push(fn("z"), "a"), chain), fuel=None, order="depth-first")
    assert len(result) == 1 and result.exhausted
    nested: Any = Push(FVar("v0"), "a")
    for i in range(n):
        nested = New(f"v{i}", nested)
    assert len(compiled.solve(nested, fuel=None, order="depth-first")) == 1


def test_what_the_generator_declines_runs_interpreted_with_the_same_answers_and_steps() -> None:
    """Patterns deeper than blocks take and scopes wider than they take, beside generated code."""
    depth = blocks.MAX_PATTERN_DEPTH + 8
    deep: Any = FVar("x")
    for _ in range(depth):
        deep = fn("s", deep, fn("a"))
    wide = [f"w{i}" for i in range(blocks.MAX_SLOTS + 4)]
    small = fn("s", fn("z"), fn("a"))
    body: Any = Seq(Pop("a", deep), Push(fn("pair", FVar("x"), FVar(wide[-1])), "b"))
    body = Seq(Push(small, "a"), Seq(Pop("a", small), body))
    for name in reversed(wide):
        body = New(name, body)
    term = Seq(Push(fn("z"), "c"), New("x", Seq(Push(deep, "a"), body)))
    for order in ("depth-first", "fair"):
        got = compiled.solve(term, fuel=None, order=order)
        ref = small_step.solve(term, fuel=None, order=order)
        assert [key(a) for a in got] == [key(a) for a in ref] and len(got) == 1
    got = compiled.solve(term, fuel=None, order="depth-first")
    ref = small_step.solve(term, fuel=None, order="depth-first")
    assert [(a.path, a.steps) for a in got] == [(a.path, a.steps) for a in ref]


def test_prolog_runs_on_generated_blocks() -> None:
    prog, query = program("lists.pl"), parse_query("nrev([1, 2, 3], R)")
    search = compiled.Search(compile_query(prog, query), order="depth-first")
    assert search.generated_lines > 50
    assert [answer_bindings(query, a) for a in search] == [{"R": "[3, 2, 1]"}]


@given(first_order_terms(variables=("x", "y")))
def test_fn_built_is_fn(t) -> None:
    """The fast constructor of read-back answers builds the same node with the same hash."""
    if isinstance(t, Fn):
        built = fn_built(t.symbol, tuple(arguments(t)))
        assert built == t and hash(built) == hash(t) and str(built) == str(t)


@pytest.mark.parametrize(
    ("name", "goal"),
    [
        ("queens.pl", "queens(s(s(s(s(0)))), Qs)"),
        ("lists.pl", "perm([1, 2, 3], P)"),
        ("peano.pl", "add(X, Y, s(s(s(0))))"),
    ],
)
def test_prolog_stopped_by_the_fuel_anywhere_is_the_small_step_machine(name: str, goal: str) -> None:
    """Star loops, their inline choices and backtracking, owed steps and the fuel's debt: cut
    off at many fuels, the same answers, steps and end as the reference."""
    query = parse_query(goal)
    term = compile_query(program(name), query)
    for fuel in (1, 23, 97, 389, 1_201, 4_007, 9_973):
        got = compiled.solve(term, fuel=fuel, order="depth-first")
        ref = small_step.solve(term, fuel=fuel, order="depth-first")
        assert [key(a) for a in got] == [key(a) for a in ref]
        assert [(a.path, a.steps) for a in got] == [(a.path, a.steps) for a in ref]
        assert (got.steps, got.exhausted, got.out_of_fuel) == (ref.steps, ref.exhausted, ref.out_of_fuel)
        lean = small_step.collect(compiled.Search(term, fuel=fuel, order="depth-first", paths=False), None)
        assert [(key(a), a.steps) for a in lean] == [(key(a), a.steps) for a in ref]
        assert (lean.steps, lean.exhausted, lean.out_of_fuel) == (ref.steps, ref.exhausted, ref.out_of_fuel)


@pytest.mark.parametrize(
    ("name", "goal"),
    [("lists.pl", "perm([1, 2, 3], P)"), ("peano.pl", "add(X, Y, s(s(s(0))))"), ("lists.pl", "nrev([1, 2, 3], R)")],
)
def test_prolog_in_the_fair_order_is_the_small_step_machines_multiset(name: str, goal: str) -> None:
    """The star loops' labels, resumed leaves and bound checks as the fair order runs them."""
    term = compile_query(program(name), parse_query(goal))
    ref = small_step.solve(term, fuel=None, order="fair")
    got = compiled.solve(term, fuel=None, order="fair")
    assert ref.exhausted and got.exhausted and len(got) > 0
    assert Counter(key(a) for a in got) == Counter(key(a) for a in ref)


def test_fair_deepening_keeps_up_with_a_bushy_infinite_frontier() -> None:
    """Nested stars answer at every fork; deepened too fast, one band would hold more answers
    than any fuel (found by the deep profile): every answer the reference finds in 3,000 steps
    comes within 20,000 steps of work."""
    term = Choice(Star(Star(Skip())), Star(Star(Push(FVar("x"), "λ"))))
    missing = Counter(key(a) for a in small_step.solve(term, fuel=3_000, order="fair"))
    search = compiled.Search(term, fuel=20_000)
    for answer in search:
        missing -= Counter([key(answer)])
        if not missing:
            break
    assert not missing


def test_an_index_looks_at_a_second_argument_where_the_first_leaves_several_clauses() -> None:
    """``neq(s(_), 0)`` and ``neq(s(X), s(Y))`` share their first argument's functor: the index
    then tells them apart by the second, so ``neq(s(0), s(s(0)))`` enters one clause only, and
    runs as the small-step machine does (answers, paths, steps)."""
    prog = program("queens.pl")
    query = parse_query("neq(s(0), s(s(0)))")
    term = compile_query(prog, query)
    root = compile_term(term, Map({name: i for i, name in enumerate(sorted(free_variables(term)))}))
    stack, subs = [root], []
    seen: set[int] = set()
    while stack:  # find the star's choice of clauses
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.op == CHOICE and node.d is not None:  # a choice with an index
            plan = node.d[1].get(("neq", 3))
            if plan is not None:
                subs.append(plan)
        stack.extend(x for x in (node.a, node.b) if hasattr(x, "op"))
        if node.op == CHOICE and node.c:
            stack.extend(leaf for leaf, _, _ in node.c)
    assert subs and type(subs[0]) is Sub and subs[0].position == 1
    inner = subs[0].plans[("s", 2)]
    assert type(inner) is Sub and inner.position == 2
    tried, _ = inner.plans[("s", 2)]
    assert len(tried) == 1  # neq(s(X), s(Y)) alone
    got = compiled.solve(term, fuel=None, order="depth-first")
    ref = small_step.solve(term, fuel=None, order="depth-first")
    assert len(got) == 1 and [(key(a), a.path, a.steps) for a in got] == [(key(a), a.path, a.steps) for a in ref]
