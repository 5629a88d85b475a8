"""The generic term interface (``calculus.terms``) and the public strategies (``calculus.strategies``).

Laws are checked on generated FMC terms and on a second, tiny calculus (lambda terms with a
two-binder ``Split``) declared in ``calculus_reference`` only through the interface's metadata,
so that nothing here holds for the FMC by accident.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections import Counter
from typing import Any

import pytest
import sympy
from calculus_reference import (
    LAMBDA_NODES,
    App,
    Lam,
    LVar,
    Split,
    Unit,
    de_bruijn,
    free_vars,
    height,
    preorder,
    subst,
)
from hypothesis import find, given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Name, Pop, Push, Seq, Skip, Var, lam, sequence_of
from machine_calculus.calculus.strategies import (
    FMC_NODES,
    LOCATIONS,
    VARIABLES,
    constant_values,
    fmc_constants,
    fmc_terms,
    memories,
    terms,
)
from machine_calculus.calculus.terms import (
    Term,
    children,
    fold,
    free_variables,
    fresh_name,
    iter_preorder,
    rebuild,
    size,
    substitute,
    variable_names,
)

fmc_small = fmc_terms(max_depth=4)
# the FMC classes through the generic strategy, with atoms of our own choosing
fmc_generic = terms(
    FMC_NODES,
    {"location": st.sampled_from([DEFAULT, "b"]), "constant": st.integers(0, 3).map(sympy.Integer)},
    max_depth=4,
)
lambda_terms = terms(LAMBDA_NODES, {"label": st.sampled_from(["p", "q"])}, max_depth=4, variables=("x", "y"))
any_terms = st.one_of(fmc_small, fmc_generic, lambda_terms)


# -- head, arguments, rebuild -----------------------------------------------------------------------


@given(any_terms)
def test_func_of_args_is_the_same_node(t: Term) -> None:
    again = t.func(*t.args)
    assert again == t
    assert type(again) is type(t)
    # structurally identical: the very same field values, names included
    for field in dataclasses.fields(t):
        assert getattr(again, field.name) is getattr(t, field.name)
    assert again.args == t.args
    assert hash(again) == hash(t)


@given(any_terms)
def test_rebuild_with_its_own_arguments(t: Term) -> None:
    again = rebuild(t, t.args)
    assert type(again) is type(t) and again == t
    assert all(a is b for a, b in zip(again.args, t.args, strict=True))
    assert rebuild(t, list(t.args)) == t


@given(any_terms, st.data())
def test_rebuild_with_new_children(t: Term, data: st.DataObject) -> None:
    leaf = Unit("r") if type(t) in LAMBDA_NODES else SKIP
    new_args = [leaf if isinstance(a, Term) else a for a in t.args]
    new = rebuild(t, new_args)
    assert type(new) is type(t)
    assert new.args == tuple(new_args)
    assert children(new) == tuple(leaf for _ in children(t))
    if any(not (c is leaf or c == leaf) for c in children(t)):
        assert new != t


@given(any_terms)
def test_children_are_exactly_the_term_arguments(t: Term) -> None:
    kids = children(t)
    assert kids == tuple(a for a in t.args if isinstance(a, Term))
    assert all(isinstance(k, Term) for k in kids)
    assert [s == "term" for s in t.sorts] == [isinstance(a, Term) for a in t.args]
    assert len(t.args) == len(t.sorts) == len(dataclasses.fields(t))


@given(any_terms)
def test_head_and_func_name_the_class(t: Term) -> None:
    assert t.func is type(t)
    assert t.head == type(t).__name__
    assert t.head in {c.__name__ for c in (*FMC_NODES, *LAMBDA_NODES)}


def test_heads_and_arguments_of_the_fmc_nodes() -> None:
    t = parse("[x]a.b<y>.(y ; 3)")
    assert (t.head, t.args[1]) == ("Push", "a")
    assert [(n.head, len(n.args)) for n in iter_preorder(t)] == [
        ("Push", 3),
        ("Var", 1),
        ("Pop", 3),
        ("Seq", 2),
        ("Var", 1),
        ("Const", 1),
    ]
    pop = t.args[2]
    assert pop.args[:2] == ("b", "y") and children(pop) == (pop.body,)
    assert Var("x").args == ("x",) and Skip().args == () and children(Var("x")) == ()
    assert Const(sympy.Integer(3)).args == (sympy.Integer(3),)
    assert Pop.binders == ((1, (2,)),) and Var.is_variable and not Pop.is_variable
    assert Push.sorts == ("term", "location", "term")


# -- nodes are values ----------------------------------------------------------------------------------


@given(any_terms)
def test_nodes_are_frozen(t: Term) -> None:
    for field in dataclasses.fields(t):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(t, field.name, getattr(t, field.name))
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(t, field.name)
    with pytest.raises((AttributeError, TypeError)):
        t.extra = 1  # type: ignore[attr-defined]


@given(any_terms)
def test_nodes_are_slotted_and_hashable(t: Term) -> None:
    assert not hasattr(t, "__dict__")
    assert all("__dict__" not in vars(c) for c in type(t).__mro__ if c is not object)
    h = hash(t)
    assert isinstance(h, int) and h == hash(t)
    assert {t: "here"}[t.func(*t.args)] == "here"
    assert t in {t.func(*t.args)}
    copy = pickle.loads(pickle.dumps(t))
    assert copy == t and hash(copy) == h and copy.args == t.args


# -- traversals ----------------------------------------------------------------------------------------


@given(any_terms)
def test_preorder_visits_every_occurrence_parent_first(t: Term) -> None:
    nodes = list(iter_preorder(t))
    expected = preorder(t)
    assert len(nodes) == len(expected) == size(t)
    assert all(a is b for a, b in zip(nodes, expected, strict=True))
    assert nodes[0] is t


@given(any_terms)
def test_fold_computes_bottom_up(t: Term) -> None:
    assert fold(t, lambda _n, sub: 1 + sum(sub)) == size(t) == len(preorder(t))
    assert fold(t, lambda _n, sub: 1 + max(sub, default=0)) == height(t)
    # rebuilding bottom-up gives the term back, names and all
    again = fold(t, lambda n, sub: rebuild(n, _replace_children(n, sub)))
    assert again == t and repr(again) == repr(t)
    heads = fold(t, lambda n, sub: Counter([n.head]) + sum(sub, Counter()))
    assert heads == Counter(n.head for n in preorder(t))


def _replace_children(node: Term, results: tuple[Any, ...]) -> list[Any]:
    it = iter(results)
    return [next(it) if isinstance(a, Term) else a for a in node.args]


def test_fold_and_size_count_shared_subterms_at_each_occurrence() -> None:
    shared = parse("[x].<y>.y")
    t = Seq(shared, Push(shared, "a", shared))
    assert size(t) == 1 + 4 + 1 + 4 + 4 == len(list(iter_preorder(t)))
    calls: list[Term] = []
    assert fold(t, lambda n, sub: calls.append(n) or 1 + sum(sub)) == size(t)
    assert len(calls) == 6  # memoized: the shared sub-term's four nodes are combined once


def test_traversals_of_leaves() -> None:
    for leaf in (SKIP, Var("x"), Const("s"), Const(Name("A"))):
        assert size(leaf) == 1 and list(iter_preorder(leaf)) == [leaf]
        assert fold(leaf, lambda n, sub: (n.head, sub)) == (leaf.head, ())


# -- the interface is generic: a second calculus through the same functions ------------------------------


@given(lambda_terms)
def test_lambda_free_variables_follow_the_binders(t: Term) -> None:
    assert free_variables(t) == free_vars(t)


@given(lambda_terms, lambda_terms, st.sampled_from(["x", "y"]))
def test_lambda_substitution_matches_the_reference(m: Term, n: Term, x: str) -> None:
    assert de_bruijn(substitute(m, {x: n})) == de_bruijn(subst(m, {x: n}))


@given(lambda_terms, lambda_terms)
def test_lambda_equality_is_alpha_equivalence(s: Term, t: Term) -> None:
    same = de_bruijn(s) == de_bruijn(t)
    assert (s == t) is same
    if same:
        assert hash(s) == hash(t)


def test_two_binders_over_one_argument() -> None:
    unit = Unit("p")
    assert Split("x", "y", unit, LVar("x")) == Split("u", "v", unit, LVar("u"))
    assert Split("x", "y", unit, App(LVar("x"), LVar("y"))) == Split("y", "x", unit, App(LVar("y"), LVar("x")))
    assert Split("x", "y", unit, App(LVar("x"), LVar("y"))) != Split("y", "x", unit, App(LVar("x"), LVar("y")))
    # the second binder shadows the first when they share a name
    assert Split("x", "x", unit, LVar("x")) == Split("u", "x", unit, LVar("x"))
    assert Split("x", "x", unit, LVar("x")) != Split("x", "u", unit, LVar("x"))
    # the pair is outside the binders' scope
    assert free_variables(Split("x", "y", LVar("x"), LVar("y"))) == {"x"}
    assert Split("x", "y", LVar("x"), LVar("y")) != Split("z", "y", LVar("z"), LVar("y"))
    captured = substitute(Split("x", "y", LVar("z"), App(LVar("x"), LVar("z"))), {"z": LVar("x")})
    assert captured == Split("w", "y", LVar("x"), App(LVar("w"), LVar("x")))
    assert free_variables(captured) == {"x"}


def test_lambda_calculus_examples() -> None:
    identity = Lam("x", LVar("x"))
    assert identity == Lam("y", LVar("y")) and hash(identity) == hash(Lam("y", LVar("y")))
    assert Lam("x", LVar("y")) != Lam("y", LVar("y"))
    assert substitute(Lam("y", LVar("x")), {"x": LVar("y")}) == Lam("z", LVar("y"))
    assert substitute(Lam("y", LVar("x")), {"x": LVar("y")}) != Lam("y", LVar("y"))
    assert variable_names(App(Lam("a", LVar("b")), LVar("c"))) == {"a", "b", "c"}


# -- the public strategies produce what they claim -----------------------------------------------------------


@given(fmc_terms(closed=True))
def test_closed_fmc_terms_are_closed(t: Term) -> None:
    assert free_vars(t) == frozenset()
    assert free_variables(t) == frozenset()


@given(terms(LAMBDA_NODES, {"label": st.just("p")}, closed=True))
def test_closed_generic_terms_are_closed(t: Term) -> None:
    assert free_vars(t) == frozenset()


def test_closed_terms_still_use_variables() -> None:
    t = find(fmc_terms(closed=True), lambda t: any(isinstance(n, Var) for n in preorder(t)))
    assert isinstance(t, Pop) and free_vars(t) == frozenset()


def test_open_terms_have_free_variables() -> None:
    t = find(fmc_terms(), lambda t: bool(free_vars(t)))
    assert free_variables(t)


@pytest.mark.parametrize("head", [c.__name__ for c in FMC_NODES])
def test_fmc_terms_reach_every_node_class(head: str) -> None:
    find(fmc_terms(), lambda t: any(n.head == head for n in preorder(t)))


@given(fmc_terms(constants=False, locations=("a", "b"), variables=("u", "v"), max_depth=3))
def test_fmc_term_options_are_respected(t: Term) -> None:
    nodes = preorder(t)
    assert not any(isinstance(n, Const) for n in nodes)
    assert {n.location for n in nodes if isinstance(n, Push | Pop)} <= {"a", "b"}
    assert all_variable_names(t) <= {"u", "v"}
    assert height(t) <= 3 + 1


@given(fmc_terms())
def test_default_fmc_terms_use_the_default_pools(t: Term) -> None:
    nodes = preorder(t)
    assert {n.location for n in nodes if isinstance(n, Push | Pop)} <= set(LOCATIONS)
    assert all_variable_names(t) <= set(VARIABLES)
    assert height(t) <= 5 + 1
    assert all(type(n) in FMC_NODES for n in nodes)


@given(terms((Skip, Var, Pop), {"location": st.just("a")}, max_depth=3))
def test_terms_use_only_the_given_classes(t: Term) -> None:
    assert all(type(n) in (Skip, Var, Pop) for n in preorder(t))
    assert all(n.location == "a" for n in preorder(t) if isinstance(n, Pop))


def test_terms_needs_a_leaf_class() -> None:
    with pytest.raises(ValueError):
        terms((Push, Seq), {"location": st.just("a")})


def all_variable_names(t: Term) -> set[str]:
    names = set()
    for n in preorder(t):
        if isinstance(n, Var):
            names.add(n.name)
        elif isinstance(n, Pop):
            names.add(n.variable)
    return names


@given(constant_values())
def test_constant_values_are_of_the_documented_kinds(value: object) -> None:
    assert isinstance(value, sympy.Integer | sympy.Rational | sympy.Symbol | str | Name)
    if isinstance(value, str):
        assert len(value) <= 6


@pytest.mark.parametrize("kind", [sympy.Integer, str, Name, sympy.Symbol])
def test_constant_values_reach_every_kind(kind: type) -> None:
    find(constant_values(), lambda v: isinstance(v, kind))


def test_constant_values_include_proper_rationals() -> None:
    value = find(constant_values(), lambda v: isinstance(v, sympy.Rational) and v.q != 1)
    assert value.q > 1


@given(fmc_constants())
def test_fmc_constants_are_const_nodes(c: Term) -> None:
    assert isinstance(c, Const) and children(c) == () and free_variables(c) == frozenset()


@given(memories())
def test_memories_hold_short_stacks_of_closed_terms(memory: dict[str, tuple[Term, ...]]) -> None:
    assert set(memory) <= set(LOCATIONS)
    for stack in memory.values():
        assert isinstance(stack, tuple) and len(stack) <= 3
        assert all(isinstance(v, Term) and not free_vars(v) for v in stack)


@given(memories(fmc_constants(), locations=("in",), max_items=2))
def test_memories_options(memory: dict[str, tuple[Term, ...]]) -> None:
    assert set(memory) <= {"in"}
    assert all(len(s) <= 2 and all(isinstance(v, Const) for v in s) for s in memory.values())


# -- small helpers of the interface --------------------------------------------------------------------------


def test_fresh_name() -> None:
    assert fresh_name("x", {"x"}) == "x1"
    assert fresh_name("x", {"x", "x1", "x2"}) == "x3"
    assert fresh_name("y7", set()) == "y1"
    assert fresh_name("x'", {"x1"}) == "x2"
    assert fresh_name("", set()) == "x1"
    assert fresh_name("v", lambda n: n != "v5") == "v5"


def test_sugar_builders() -> None:
    assert lam("x y", Var("x")) == Pop(DEFAULT, "x", Pop(DEFAULT, "y", Var("x")))
    assert sequence_of() == SKIP
    assert sequence_of(Var("x")) == Var("x")
    assert sequence_of(Var("x"), Var("y"), Var("z")) == Seq(Var("x"), Seq(Var("y"), Var("z")))


def test_repr_names_heads_and_arguments() -> None:
    assert repr(parse("[x]a.<y>.*")) == "Push(Var('x'), 'a', Pop('λ', 'y', Skip()))"
    assert repr(Const("s")) == "Const('s')"
