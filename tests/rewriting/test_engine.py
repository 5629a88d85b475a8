"""The generic reduction engine: pattern rules with side conditions on a user's own calculus and
on the FMC, strategies (machine order), rule sets, and the SVG drawing of reduction graphs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import Push
from machine_calculus.calculus.rmc.firstorder import FVar, fn, term_text
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.rewriting.drawing import svg
from machine_calculus.rewriting.engine import RuleSet, next_step, normal_form, reducts
from machine_calculus.rewriting.graph import reduction_graph, rule_steps
from machine_calculus.rewriting.patterns import Meta, match_pattern, rule
from machine_calculus.rewriting.rmc_rules import RMC
from machine_calculus.rewriting.rules import FMC, FMC3

X, Y = Meta("x"), Meta("y")
PEANO = RuleSet(
    "Peano addition",
    (
        rule("add-zero", fn("add", fn("z"), Y), Y),
        rule("add-succ", fn("add", fn("s", X), Y), fn("s", fn("add", X, Y))),
    ),
    redex_kinds=frozenset({"fo"}),
)


def peano(n: int):
    t = fn("z")
    for _ in range(n):
        t = fn("s", t)
    return t


def test_a_users_own_rule_set_gets_reducts_strategies_and_graphs() -> None:
    t = fn("add", peano(2), fn("add", peano(1), peano(1)))
    assert [name for name, _, _ in reducts(t, PEANO)] == ["add-succ", "add-succ"]
    for strategy in ("leftmost-outermost", "innermost"):
        assert normal_form(t, PEANO, strategy=strategy) == peano(4)
    graph = reduction_graph(t, rule_steps(PEANO))
    assert graph.complete and [term_text(n) for n in graph.normal_forms()] == ["s(s(s(s(z))))"]


def test_a_side_condition_and_a_nonlinear_pattern() -> None:
    swap = rule(
        "swap",
        Push(X, Meta("a"), Push(Y, Meta("b"), Meta("M"))),
        Push(Y, Meta("b"), Push(X, Meta("a"), Meta("M"))),
        when=lambda m: m["a"] < m["b"],
    )
    assert [to_ascii(r) for _, _, r in reducts(parse("[1]a.[2]b.*"), (swap,))] == ["[2]b.[1]a"]
    assert reducts(parse("[1]b.[2]a.*"), (swap,)) == []
    twice = rule("twice", fn("f", X, X), X)
    assert reducts(fn("f", fn("a"), fn("b")), RuleSet("r", (twice,), redex_kinds=frozenset({"fo"}))) == []
    assert match_pattern(fn("f", X, X), fn("f", fn("a"), fn("a"))) == {"x": fn("a")}
    with pytest.raises(ValueError, match="do not occur on the left"):
        rule("bad", fn("f", X), Y)


def test_first_order_matching_takes_the_variables_of_the_pattern_as_its_metavariables() -> None:
    x, y = FVar("x"), FVar("y")
    assert match_pattern(fn("f", x, fn("g", y)), fn("f", fn("a"), fn("g", x)), FVar) == {"x": fn("a"), "y": x}
    assert match_pattern(fn("f", x, x), fn("f", fn("a"), fn("b")), FVar) is None  # non-linear
    assert match_pattern(fn("f", x), fn("f", fn("a"), fn("b")), FVar) is None  # another arity
    assert match_pattern(fn("f", x), fn("g", fn("a")), FVar) is None  # another symbol
    assert match_pattern(fn("a"), x, FVar) is None  # one-way: the term's variables are constants
    assert match_pattern(fn("f", x), fn("f", fn("a"))) is None  # without FVar, x is no metavariable


def test_machine_order_reduces_only_where_the_machine_runs() -> None:
    t = parse("[[1].<x>.[x]]a.<y>.[y]")  # the only redex is inside the pushed argument
    assert next_step(t, FMC3, "leftmost-outermost")[:2] == ("beta", (0,))  # type: ignore[index]
    assert next_step(t, FMC3, "machine") is None
    assert normal_form(t, FMC3, strategy="machine") == t  # a machine (weak head) normal form
    assert normal_form(t, FMC3) == parse("[[1]]a.<y>.[y]")
    run = parse("[[1].<x>.[x]].<f>.f")  # the machine runs the pushed term once it is popped
    assert normal_form(run, FMC3, strategy="machine") == parse("[1]")


def test_rule_sets() -> None:
    assert FMC.names() == ("beta", "jump", "push-seq", "pop-seq", "seq-seq", "unit", "redundant")
    assert "unfold" in FMC3.names() and "bind" in RMC.names()
    with pytest.raises(ValueError, match="no rule"):
        FMC.only("delta")


def test_graphs_are_drawn_as_svg() -> None:
    graph = reduction_graph(parse("([a].[b].<x>.<y>.[x].[y]) ; <u>.<v>.[u]out"))
    drawing = svg(graph, to_ascii)
    root = ET.fromstring(drawing)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{ns}text")) == len(graph.nodes) + len(graph.edges)
    assert "beta" in drawing and "&lt;" in drawing  # labels escaped
    star = reduction_graph(parse_rmc("[a]*"), rule_steps(RMC), max_nodes=6)
    ET.fromstring(svg(star, rmc_text))
