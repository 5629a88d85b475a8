"""Search for reachable terms (``rewriting/search.py``): each kind agrees with the complete
reduction graph, every witness path replays, bounds are respected and named, patterns parse and
print back, side conditions, the RMC's answers, deep terms."""

from __future__ import annotations

import itertools
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.fmc.parser import parse, parse_pattern
from machine_calculus.calculus.fmc.printer import to_ascii, to_unicode
from machine_calculus.calculus.fmc.syntax import DEFAULT, Const, Name, Push, Var
from machine_calculus.calculus.patterns import Meta, metavariables
from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc, parse_rmc_pattern
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.strategies import fmc3_terms, fmc_terms, rmc_terms
from machine_calculus.calculus.terms import Term
from machine_calculus.rewriting.graph import ReductionGraph, reduction_graph, rule_steps, trs_steps
from machine_calculus.rewriting.patterns import match_pattern
from machine_calculus.rewriting.rmc_rules import RMC
from machine_calculus.rewriting.rules import FMC3
from machine_calculus.rewriting.search import (
    Search,
    SearchResult,
    parse_condition,
    parse_memory_pattern,
    parse_trs_term,
    search,
    search_answers,
)
from machine_calculus.rewriting.trs import parse_trs

FMC_STEPS = rule_steps(FMC3)
RMC_STEPS = rule_steps(RMC)
FMC_PATTERNS = ["?M", "[?N].?M", "?M ; ?N", "<?x>.?M", "[?N]?a.?M", "[?X].[?X]", "?a<?x>.?M", "[?N]?a", "⋆"]
RMC_PATTERNS = ["?M", "?M + ?N", "?M ; ?N", "[?t]?a", "[?t]?a ; ?M", "?a<?t> ; ?M", "new ?x. ?M", "⋆", "0"]
GRAPH_BOUND = 40  # terms of a graph to compare with (only complete graphs are compared)


def replay(start: Term, result: SearchResult, steps: Any) -> None:
    """Every solution is reached by its witness path: each step is a step of ``steps`` from the
    term before it (same rule, position and result), and the last term is the solution."""
    for solution in result:
        current = start
        for step in solution.path:
            assert any(
                rule == step.rule and position == step.position and after == step.term
                for rule, position, after in steps(current)
            ), (step, current)
            current = step.term
        assert current == solution.term
        assert match_pattern(result.pattern, solution.term) == solution.bindings  # type: ignore[arg-type]


def distances(graph: ReductionGraph) -> dict[int, int]:
    """Breadth-first distances from the start in the graph."""
    out: dict[int, list[int]] = {}
    for e in graph.edges:
        out.setdefault(e.source, []).append(e.target)
    dist, queue = {0: 0}, deque([0])
    while queue:
        i = queue.popleft()
        for j in out.get(i, []):
            if j not in dist:
                dist[j] = dist[i] + 1
                queue.append(j)
    return dist


def expected(graph: ReductionGraph, pattern: Term, kind: str) -> dict[Term, int]:
    """The solutions of a complete graph, each with its distance from the start."""
    dist = distances(graph)
    targets = {e.target for e in graph.edges}
    if kind == "=>*":
        chosen = set(range(len(graph.nodes)))
    elif kind == "=>!":
        chosen = graph.normal_indices()
    elif kind == "=>+":
        chosen = targets  # every term reached by a step (the start only on a cycle)
    else:  # =>1
        chosen = {e.target for e in graph.edges if e.source == 0}
    found = {}
    for i in chosen:
        if match_pattern(pattern, graph.nodes[i]) is not None:
            depth = dist[i]
            if i == 0 and kind in ("=>+", "=>1"):  # the start: by the shortest cycle back to it
                depth = min(dist[e.source] + 1 for e in graph.edges if e.target == 0)
            found[graph.nodes[i]] = depth
    return found


def check_against_graph(start: Term, pattern: Term, kind: str, steps: Any) -> None:
    graph = reduction_graph(start, steps, max_nodes=GRAPH_BOUND)
    if not graph.complete:
        return
    result = search(start, pattern, steps, kind=kind, max_depth=None, max_nodes=GRAPH_BOUND + 1, max_solutions=None)
    assert result.status == "exhausted" and result.exhausted
    got = {s.term: s.depth for s in result}
    assert len(got) == len(result)  # each term once
    assert got == expected(graph, pattern, kind)
    depths = [s.depth for s in result]
    assert depths == sorted(depths)  # breadth-first: shortest first
    replay(start, result, steps)
    if kind == "=>!":
        assert {s.term for s in result} == {t for t in graph.normal_forms() if match_pattern(pattern, t) is not None}
        assert all(not list(steps(s.term)) for s in result)


@given(fmc_terms(max_depth=4), st.sampled_from(FMC_PATTERNS), st.sampled_from(["=>*", "=>1", "=>+", "=>!"]))
def test_fmc_search_agrees_with_the_complete_graph(term: Term, pattern: str, kind: str) -> None:
    check_against_graph(term, parse_pattern(pattern), kind, FMC_STEPS)


@given(fmc3_terms(max_depth=3, loops=True), st.sampled_from(FMC_PATTERNS), st.sampled_from(["=>*", "=>+", "=>!"]))
def test_fmc3_search_agrees_with_the_complete_graph(term: Term, pattern: str, kind: str) -> None:
    check_against_graph(term, parse_pattern(pattern), kind, FMC_STEPS)


@given(
    rmc_terms(closed=True, max_depth=3, star=True),
    st.sampled_from(RMC_PATTERNS),
    st.sampled_from(["=>*", "=>1", "=>+", "=>!"]),
)
def test_rmc_search_agrees_with_the_complete_graph(term: Term, pattern: str, kind: str) -> None:
    check_against_graph(term, parse_rmc_pattern(pattern), kind, RMC_STEPS)


@given(fmc_terms(max_depth=4), st.integers(0, 3), st.sampled_from(FMC_PATTERNS))
def test_the_depth_bound_is_respected(term: Term, depth: int, pattern: str) -> None:
    p = parse_pattern(pattern)
    result = search(term, p, max_depth=depth, max_nodes=None, max_solutions=None)
    assert all(s.depth <= depth for s in result)
    replay(term, result, FMC_STEPS)
    graph = reduction_graph(term, FMC_STEPS, max_nodes=GRAPH_BOUND)
    if graph.complete:
        dist = distances(graph)
        within = {
            graph.nodes[i] for i, d in dist.items() if d <= depth and match_pattern(p, graph.nodes[i]) is not None
        }
        assert {s.term for s in result} == within
        beyond = any(d > depth for d in dist.values())
        assert result.status == ("depth_bound" if beyond else "exhausted")


@given(fmc_terms(max_depth=4), st.integers(1, 6))
def test_the_node_bound_is_respected(term: Term, nodes: int) -> None:
    run = Search(term, None, max_nodes=nodes, max_depth=None, max_solutions=None)
    result = run.result()
    assert result.terms <= nodes and len(result) <= nodes
    graph = reduction_graph(term, FMC_STEPS, max_nodes=GRAPH_BOUND)
    if graph.complete:
        assert result.status == ("node_bound" if len(graph.nodes) > nodes else "exhausted")
    if result.status == "node_bound":
        assert "max_nodes=" in result.reason()


def test_a_small_search_of_each_kind() -> None:
    swap = parse("[A].[B].<x>.<y>.[x].[y]")
    push = parse_pattern("[?N].?M")
    assert [s.depth for s in search(swap, push)] == [0, 1, 2]
    assert [s.depth for s in search(swap, push, kind="=>+")] == [1, 2]
    assert [s.depth for s in search(swap, push, kind="=>1")] == [1]
    (normal,) = search(swap, push, kind="=>!")
    assert normal.term == parse("[B].[A]") and normal.bindings == {"N": parse("B"), "M": parse("[A]")}
    assert [(step.rule, step.position) for step in normal.path] == [("beta", (2,)), ("beta", ())]


def test_a_metavariable_used_twice_matches_equal_terms() -> None:
    twice = parse_pattern("[?X].[?X]")
    assert match_pattern(twice, parse("[A].[A]")) == {"X": parse("A")}
    assert match_pattern(twice, parse("[A].[B]")) is None
    assert match_pattern(twice, parse("[<x>.x].[<y>.y]")) is not None  # alpha-equivalent
    (found,) = search(parse("[A].<x>.[x].[x]"), twice)
    assert found.term == parse("[A].[A]") and found.depth == 1
    # a binder's name and its variable: <?x>.[?x] matches <y>.[y], not <y>.[z]
    assert match_pattern(parse_pattern("<?x>.[?x]"), parse("<y>.[y]")) == {"x": "y"}
    assert match_pattern(parse_pattern("<?x>.[?x]"), parse("<y>.[z]")) is None


def test_metavariables_in_atom_places() -> None:
    pattern = parse_pattern("[?N]?a.?b<?x>.?M")
    bindings = match_pattern(pattern, parse("[A]out.in<y>.[y]"))
    assert bindings == {"N": parse("A"), "a": "out", "b": "in", "x": "y", "M": parse("[y]")}
    rmc = match_pattern(parse_rmc_pattern("[s(?t)]?a ; ?a<?u>"), parse_rmc("[s(z)]b ; b<z>"))
    assert rmc == {"t": parse_first_order("z"), "a": "b", "u": parse_first_order("z")}
    assert match_pattern(parse_rmc_pattern("[s(?t)]?a ; ?a<?u>"), parse_rmc("[s(z)]b ; c<z>")) is None


def with_metas(draw: st.DrawFn, term: Term, atom_sorts: tuple[str, ...]) -> Term:
    """``term`` with some sub-terms (in term places) and atoms (of ``atom_sorts``) replaced by
    metavariables, drawn top-down (iterative over the few nodes of a small term)."""
    names = iter(f"M{i}" for i in itertools.count())

    def go(t: Term) -> Term:
        args = list(t.args)
        for i, sort in enumerate(type(t).sorts):
            a = args[i]
            if sort in ("term", "fo") and isinstance(a, Term) and draw(st.integers(0, 4)) == 0:
                args[i] = Meta(next(names))
            elif isinstance(a, Term):
                args[i] = go(a)
            elif sort in atom_sorts and draw(st.integers(0, 2)) == 0:
                args[i] = Meta(next(names).lower())
        return t.func(*args)

    return go(term)


@st.composite
def fmc_patterns(draw: st.DrawFn) -> Term:
    return with_metas(draw, draw(fmc3_terms(max_depth=4)), ("location", "binder"))


@st.composite
def rmc_patterns(draw: st.DrawFn) -> Term:
    return with_metas(draw, draw(rmc_terms(max_depth=4, closed=True)), ("location",))


@given(fmc_patterns())
def test_fmc_patterns_print_and_parse_back(pattern: Term) -> None:
    for text in (to_unicode(pattern), to_ascii(pattern)):
        back = parse_pattern(text)
        assert back == pattern and metavariables(back) == metavariables(pattern)
        assert to_unicode(back) == to_unicode(pattern)


@given(rmc_patterns())
def test_rmc_patterns_print_and_parse_back(pattern: Term) -> None:
    for notation in ("unicode", "ascii"):
        back = parse_rmc_pattern(rmc_text(pattern, notation))
        assert back == pattern and metavariables(back) == metavariables(pattern)


def test_ordinary_terms_refuse_metavariables_with_a_position() -> None:
    for parser in (parse, parse_rmc, parse_first_order):
        with pytest.raises(ParseError) as caught:
            parser("[?X]" if parser is not parse_first_order else "s(?X)")
        assert caught.value.column == 2 + (parser is parse_first_order) and "only in a pattern" in caught.value.message
    with pytest.raises(ParseError, match="not a function symbol"):
        parse_first_order("?f(a)", patterns=True)
    with pytest.raises(ParseError) as caught:
        parse_pattern("[?N]?a.")
    assert caught.value.column == 8
    assert parse_pattern("[?N]?a") == Push(Meta("N"), Meta("a"), parse("*"))  # type: ignore[arg-type]


def test_terms_in_the_first_order_syntax_of_a_trs() -> None:
    peano = parse_trs("(VAR x y) (RULES add(0, y) -> y add(s(x), y) -> s(add(x, y)))")
    start = parse_trs_term("add(s(s(0)), s(0))", peano.variables)
    result = search(start, parse_trs_term("s(?X)", patterns=True), peano, kind="=>!")
    (answer,) = result
    assert answer.term == parse_trs_term("s(s(s(0)))") and answer.bindings == {"X": parse_trs_term("s(s(0))")}
    replay(start, result, trs_steps(peano))
    with pytest.raises(ParseError, match="only in a pattern"):
        parse_trs_term("s(?X)")
    with pytest.raises(ParseError, match="not finished"):
        parse_trs_term("s(")


def test_cycles_the_plus_and_one_kinds_and_the_start() -> None:
    cycle = parse_trs("(RULES a -> b b -> a)")
    a = parse_trs_term("a")
    (back,) = search(a, a, cycle, kind="=>+")
    assert back.depth == 2 and [s.term for s in back.path] == [parse_trs_term("b"), a]
    assert search(a, a, cycle, kind="=>1").solutions == ()
    (self_loop,) = search(a, a, parse_trs("(RULES a -> a)"), kind="=>1")
    assert self_loop.depth == 1
    assert [s.depth for s in search(a, a, cycle)] == [0]


def test_the_stream_is_lazy_and_unbounded_searches_are_possible() -> None:
    grow = parse_trs("(VAR x) (RULES f(x) -> f(g(x)))")  # an infinite reduction
    run = Search(
        parse_trs_term("f(a)"),
        parse_trs_term("f(?X)", patterns=True),
        grow,
        max_depth=None,
        max_nodes=None,
        max_solutions=None,
        max_time=None,
    )
    first = list(itertools.islice(run, 5))
    assert [s.depth for s in first] == [0, 1, 2, 3, 4] and run.status == "running"
    assert run.terms <= 6


def test_each_bound_is_named_when_it_stops_the_search() -> None:
    grow = parse_trs("(VAR x) (RULES f(x) -> f(g(x)))")
    start = parse_trs_term("f(a)")
    assert search(start, None, grow, max_depth=3).status == "depth_bound"
    by_nodes = search(start, None, grow, max_nodes=4, max_depth=None)
    assert by_nodes.status == "node_bound" and by_nodes.terms == 4 and "max_nodes=4" in str(by_nodes)
    limited = search(start, None, grow, max_solutions=2)
    assert limited.status == "solution_limit" and len(limited) == 2 and "max_solutions=2" in limited.reason()
    timed = search(start, None, grow, max_time=0.0, max_depth=None, max_nodes=None)
    assert timed.status == "time_bound" and "max_time=0 s" in timed.reason()
    never = parse_trs_term("b")
    assert search(start, never, grow).status == "depth_bound"  # the default bounds are on
    assert "--depth 100" in search(start, never, grow).reason({"max_depth": "--depth"})
    with pytest.raises(ValueError, match="kind"):
        search(start, None, grow, kind="=>2")


def test_progress_is_reported() -> None:
    seen: list[Any] = []
    grow = parse_trs("(VAR x) (RULES f(x) -> f(g(x)) f(x) -> f(h(x)))")
    result = search(parse_trs_term("f(a)"), None, grow, max_depth=9, max_solutions=None, progress=seen.append)
    assert seen and seen[-1].expanded == result.expanded and seen[-1].solutions == len(result)
    assert len(seen) >= 2  # during the search too (every 256 expansions)


def test_side_conditions() -> None:
    pattern = parse_pattern("[?N]?a.<?x>.?M")
    known = metavariables(pattern)
    term = parse("[A]b.<y>.[C]")
    holds = lambda text: parse_condition(text, known=known, parse_term=parse, steps=FMC_STEPS)(  # noqa: E731
        match_pattern(pattern, parse("[A]b.<y>.[y]"))  # type: ignore[arg-type]
    )
    assert holds("?x free in ?M") and not holds("?x not free in ?M")
    assert holds("?a == b") and holds("?a != out") and holds("?N == A") and not holds("?N != A")
    assert holds("?M normal") and holds("?N normal and ?a != c")
    assert not holds("?N == ?M")
    assert search(term, pattern, where=parse_condition("?x not free in ?M", known=known)).found
    for bad, column in (("?Z normal", 1), ("?N ~ A", 1), ("?N == [A", 9), ("", 1)):
        with pytest.raises(ParseError) as caught:
            parse_condition(bad, known=known, parse_term=parse, steps=FMC_STEPS)
        assert caught.value.column == column, (bad, caught.value)


def test_the_answers_of_an_rmc_term() -> None:
    split = parse_rmc(
        "start = new x y. (<y> ; <x> ; [x]a ; [y]b)\n"
        "step = new x y. (a<s(x)> ; b<y> ; [x]a ; [s(y)]b)\n"
        "stop = new y. (a<z> ; b<y> ; [y])\n"
        "(start ; step* ; stop)~"
    )
    memory = {DEFAULT: (parse_first_order("s(s(z))"),)}
    everything = search_answers(split, parse_memory_pattern("λ: [?X, ?Y]"), memory)
    assert everything.status == "exhausted" and len(everything) == 3
    same = search_answers(split, parse_memory_pattern("[?X, ?X]"), memory)
    (half,) = same
    assert half.bindings == {"X": parse_first_order("s(z)")}
    assert search_answers(split, parse_memory_pattern("λ: [?X]"), memory).found is False
    naturals = parse_rmc("[z] ; (new n. (<n> ; [s(n)]))*")
    some = search_answers(naturals, parse_memory_pattern("λ: [s(s(?X))]"), max_solutions=2)
    assert some.status == "solution_limit" and [m.number for m in some] == [3, 4]
    assert some.to_json()["matches"][0]["bindings"] == {"X": "z"}
    with pytest.raises(ParseError) as caught:
        parse_memory_pattern("λ: [s(?X), ]")
    assert caught.value.column == 11


def test_results_display_as_text_html_and_json() -> None:
    result = search(parse("[A].[B].<x>.<y>.[x].[y]"), parse_pattern("[?N].?M"), kind="=>!")
    text = str(result)
    assert text.splitlines()[0] == "solution 1 (2 steps): [B].[A]" and "beta @ ε: [B].[A]" in text
    assert "exhausted" in text.splitlines()[-1]
    html = result._repr_html_()
    assert html.startswith("<style>") and "<table" in html and "witness path" in html and "[B].[A]" in html
    data = result.to_json()
    assert data["status"] == "exhausted" and data["solutions"][0]["bindings"] == {"M": "[A]", "N": "B"}
    assert data["solutions"][0]["path"][1] == {"rule": "beta", "position": [], "term": "[B].[A]"}
    rmc = search(parse_rmc("([a] + [b]) ; <a>"), parse_rmc_pattern("?M"), kind="=>!")
    assert str(rmc).splitlines()[0] == "solution 1 (4 steps): ⋆"


def test_a_deep_term_does_not_crash_the_search() -> None:
    deep: Term = Var("x")
    for _ in range(100_000):
        deep = Push(Const(Name("A")), "a", deep)
    result = search(deep, parse_pattern("[?N]a.?M"), kind="=>!")
    (normal,) = result
    assert normal.term is deep and normal.bindings["N"] == parse("A")
    assert len(str(result)) > 100_000


def test_answers_are_searched_from_texts_too() -> None:
    from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc
    from machine_calculus.rewriting.search import parse_memory_pattern, search_answers

    text = Path("examples/split.rmc").read_text(encoding="utf-8")
    from_texts = search_answers(text, "λ: [?X, ?X]", {"λ": ["s(s(s(s(z))))"]})
    parsed = search_answers(
        parse_rmc(text), parse_memory_pattern("λ: [?X, ?X]"), {"λ": [parse_first_order("s(s(s(s(z))))")]}
    )
    assert from_texts.to_json() == parsed.to_json()
    assert [str(m.bindings["X"]) for m in from_texts.matches] == ["s(s(z))"]
