"""Reduction graphs: FMC III terms and first-order TRSs, their normal forms and DOT export
(labels in notation, cut on request, styles)."""

from __future__ import annotations

from hypothesis import given

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.rmc.firstorder import fn, term_text
from machine_calculus.calculus.strategies import typed_terms
from machine_calculus.rewriting.graph import reduction_graph, trs_steps
from machine_calculus.rewriting.rules import normal_form
from machine_calculus.rewriting.trs import parse_trs


def test_a_small_graph_has_its_edges_and_one_normal_form() -> None:
    term = parse("([a].[b].<x>.<y>.[x].[y]) ; <u>.<v>.[u]out")
    graph = reduction_graph(term)
    assert graph.complete and len(graph.nodes) > 2
    assert {e.rule for e in graph.edges} <= {"beta", "push-seq", "pop-seq", "seq-seq", "jump", "unit", "delta"}
    (normal,) = graph.normal_forms()
    assert normal == normal_form(term)
    dot = graph.to_dot(to_ascii)
    assert dot.startswith("digraph reduction {") and "peripheries=2" in dot and "beta @" in dot


@given(typed_terms(max_depth=4))
def test_typed_terms_have_one_normal_form_in_their_graph(typed) -> None:
    """Confluence and termination of typed terms, seen in the whole (bounded) graph."""
    graph = reduction_graph(typed.term, max_nodes=300)
    if graph.complete:
        forms = graph.normal_forms()
        assert len(forms) == 1 and forms[0] == normal_form(typed.term, fuel=10_000)
        assert normal_form(typed.term, fuel=10_000, strategy="innermost") == forms[0]


def test_strategies() -> None:
    import pytest

    term = parse("[[a].<x>.[x]].<f>.f")  # innermost reduces inside the pushed argument first
    assert normal_form(term, strategy="innermost") == normal_form(term) == parse("[a]")
    with pytest.raises(ValueError, match="strategy"):
        normal_form(term, strategy="sideways")


def test_a_trs_graph_shows_two_normal_forms() -> None:
    trs = parse_trs("(RULES b -> a b -> c c -> b c -> d)")
    graph = reduction_graph(fn("b"), trs_steps(trs))
    assert graph.complete and sorted(term_text(t) for t in graph.normal_forms()) == ["a", "d"]
    assert 'label="b -> a @ ε"' in graph.to_dot(term_text)


def test_a_bound_leaves_the_graph_incomplete() -> None:
    trs = parse_trs("(VAR x) (RULES f(x) -> f(g(x)))")
    graph = reduction_graph(fn("f", fn("a")), trs_steps(trs), max_nodes=10)
    assert not graph.complete and len(graph.nodes) == 10


def test_terms_left_unexpanded_at_the_bound_are_not_normal_forms() -> None:
    from machine_calculus.rewriting.drawing import svg

    trs = parse_trs("(VAR x) (RULES f(x) -> f(g(x)))")  # no normal form at all
    graph = reduction_graph(fn("f", fn("a")), trs_steps(trs), max_nodes=10)
    assert graph.unexpanded == {9} and graph.normal_forms() == []
    dot = graph.to_dot(term_text)
    assert 'n9 [label="f(g(g(g(g(g(g(g(g(g(a))))))))))", style="rounded,filled,dashed"]' in dot
    assert "peripheries=2" not in dot
    assert svg(graph, term_text, layout="builtin").count("stroke-dasharray") == 1
    whole = reduction_graph(fn("b"), trs_steps(parse_trs("(RULES b -> a b -> c c -> b c -> d)")))
    assert whole.complete and whole.unexpanded == frozenset()


def test_dot_labels_are_the_notation_and_can_be_cut() -> None:
    graph = reduction_graph(parse("[A].[B] ; <x>.<y>.[x].[y]"))
    dot = graph.to_dot()
    assert 'n0 [label="[A].[B] ; ⟨x⟩.⟨y⟩.[x].[y]", style="rounded,filled,bold"];' in dot
    assert 'n5 [label="[B].[A]", peripheries=2];' in dot and "Push(" not in dot
    assert 'n3 -> n4 [label="beta @ 2", id="e3"];' in dot
    cut = graph.to_dot(max_label=8)
    assert 'n0 [label="[A].[B]…", style="rounded,filled,bold"];' in cut and 'label="push-se…"' in cut
    quoted = reduction_graph(fn("a"), trs_steps(parse_trs("(RULES a -> b)"))).to_dot(lambda t: 'say "hi" \\ ' + str(t))
    assert 'n0 [label="say \\"hi\\" \\\\ a", style="rounded,filled,bold"];' in quoted


def test_a_graph_summarises_itself_in_plain_text() -> None:
    from IPython.lib.pretty import pretty

    graph = reduction_graph(parse("[A].[B] ; <x>.<y>.[x].[y]"))
    assert pretty(graph) == graph.summary() == "reduction graph: 6 terms (all reachable), 5 steps, 1 normal form"
    bounded = reduction_graph(fn("f", fn("a")), trs_steps(parse_trs("(VAR x) (RULES f(x) -> f(g(x)))")), max_nodes=4)
    assert bounded.summary() == "reduction graph: 4 terms (bounded, 1 not expanded), 3 steps, 0 normal forms"


def test_the_front_door_graphs_a_trs() -> None:
    import machine_calculus as mc

    trs = parse_trs("(VAR x y) (RULES add(0, x) -> x add(s(x), y) -> s(add(x, y)))")
    graph = mc.graph("add(s(0), 0)", rules=trs)  # the term's text in the TRS's syntax: 0 is a constant
    assert [str(t) for t in graph.normal_forms()] == ["s(0)"] and graph.complete
    assert graph.edges[0].rule == "add(s(x), y) -> s(add(x, y))" and graph.edges[1].position == (0,)
    assert mc.graph(fn("b"), rules=parse_trs("(RULES b -> a b -> c)")).summary().endswith("2 normal forms")
