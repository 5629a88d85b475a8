"""The generic term interface, alpha-equivalence, substitution and the papers' sequencing."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.sequencing import is_normal, normalize, sequence
from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Name, Pop, Push, Seq, Skip, Var, lam, sequence_of
from machine_calculus.calculus.strategies import FMC_NODES, LOCATIONS, fmc_terms, memories, terms
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

# -- a reference for alpha-equivalence, written independently of calculus.terms -----------------


def de_bruijn(t: Term) -> Any:
    """A nested tuple with bound variables as de Bruijn indices and free ones by name."""

    def go(t: Term, scope: tuple[str, ...]) -> Any:
        if isinstance(t, Var):
            for i, name in enumerate(reversed(scope)):
                if name == t.name:
                    return ("bound", i)
            return ("free", t.name)
        if isinstance(t, Pop):
            return ("pop", t.location, go(t.body, (*scope, t.variable)))
        if isinstance(t, Push):
            return ("push", go(t.term, scope), t.location, go(t.body, scope))
        if isinstance(t, Seq):
            return ("seq", go(t.first, scope), go(t.then, scope))
        if isinstance(t, Const):
            return ("const", type(t.value).__name__, t.value)
        assert isinstance(t, Skip)
        return ("skip",)

    return go(t, ())


def fv_reference(t: Term) -> frozenset[str]:
    if isinstance(t, Var):
        return frozenset({t.name})
    if isinstance(t, Pop):
        return fv_reference(t.body) - {t.variable}
    return frozenset().union(*(fv_reference(c) for c in children(t)))


def rename_bound(t: Term, fresh: list[int]) -> Term:
    """Rename every binder to a brand-new name (an alpha-equivalent term)."""
    if isinstance(t, Pop):
        fresh[0] += 1
        new = f"v{fresh[0]}"
        return Pop(t.location, new, rename_bound(substitute(t.body, {t.variable: Var(new)}), fresh))
    return rebuild(t, [rename_bound(a, fresh) if isinstance(a, Term) else a for a in t.args])


small = fmc_terms(max_depth=4)
closed = fmc_terms(max_depth=4, closed=True)


# -- the generic interface -----------------------------------------------------------------------


@given(small)
def test_func_of_args_rebuilds_the_node(t: Term) -> None:
    again = t.func(*t.args)
    assert again == t
    assert again.args == t.args  # the same names, not only alpha-equal
    assert rebuild(t, t.args).args == t.args
    assert t.head == type(t).__name__
    assert len(t.args) == len(t.sorts)


@given(small)
def test_children_are_exactly_the_term_arguments(t: Term) -> None:
    assert children(t) == tuple(a for a in t.args if isinstance(a, Term))
    assert [s == "term" for s in t.sorts] == [isinstance(a, Term) for a in t.args]


@given(small)
def test_preorder_size_and_fold_agree(t: Term) -> None:
    nodes = list(iter_preorder(t))
    assert nodes[0] is t
    assert len(nodes) == size(t)
    assert fold(t, lambda _node, sub: 1 + sum(sub)) == size(t)
    depth = fold(t, lambda _node, sub: 1 + max(sub, default=0))
    assert 1 <= depth <= 5


@given(small)
def test_nodes_are_frozen_slotted_hashable_and_picklable(t: Term) -> None:
    assert not hasattr(t, "__dict__")
    fields = dataclasses.fields(t)
    if fields:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(t, fields[0].name, t.args[0])
    assert hash(t) == hash(t.func(*t.args))
    assert pickle.loads(pickle.dumps(t)) == t
    assert {t: 1}[t.func(*t.args)] == 1


def test_interface_names_follow_the_papers() -> None:
    t = parse("[x]a.b<y>.(y ; *)")
    assert t.head == "Push" and t.args[1] == "a"
    assert [n.head for n in iter_preorder(t)] == ["Push", "Var", "Pop", "Seq", "Var", "Skip"]
    assert Pop.binders == ((1, (2,)),) and Var.is_variable
    assert Skip() == SKIP and Skip() is not SKIP


# -- alpha-equivalence ---------------------------------------------------------------------------


@given(small, small)
def test_equality_is_alpha_equivalence(s: Term, t: Term) -> None:
    assert (s == t) == (de_bruijn(s) == de_bruijn(t))
    if s == t:
        assert hash(s) == hash(t)


@given(small)
def test_renaming_bound_variables_gives_an_equal_term(t: Term) -> None:
    renamed = rename_bound(t, [0])
    assert renamed == t and hash(renamed) == hash(t)
    assert de_bruijn(renamed) == de_bruijn(t)


@given(small, st.sampled_from(["x", "y", "z"]), st.sampled_from(["p", "q"]))
def test_renaming_a_free_variable_is_seen(t: Term, x: str, new: str) -> None:
    if x not in free_variables(t):  # make x free (filtering for it discards most draws)
        t = Seq(t, Var(x))
    assert substitute(t, {x: Var(new)}) != t


def test_alpha_examples() -> None:
    assert parse("<x>.x") == parse("<y>.y")
    assert parse("<x>.<y>.[x].y") == parse("<a>.<b>.[a].b")
    assert parse("<x>.<y>.x") != parse("<x>.<y>.y")
    assert parse("a<x>.x") != parse("b<x>.x")  # locations are not bound
    assert parse("<x>.y") != parse("<x>.z")
    assert Const(Name("A")) != Const("A") and parse("1") != parse("1/2")
    assert parse("<x>.(x ; y)") != parse("<x>.x ; y")


# -- free variables and substitution ------------------------------------------------------------


@given(small)
def test_free_variables_match_the_reference(t: Term) -> None:
    assert free_variables(t) == fv_reference(t)
    assert free_variables(t) <= variable_names(t)


@given(closed)
def test_closed_strategy_gives_closed_terms(t: Term) -> None:
    assert free_variables(t) == frozenset()


@given(small, st.sampled_from(["x", "y", "z"]))
def test_substituting_a_variable_for_itself_is_identity(t: Term, x: str) -> None:
    assert substitute(t, {x: Var(x)}) == t


@given(small, small, st.sampled_from(["w", "x"]))
def test_substituting_for_a_variable_not_free_is_identity(t: Term, n: Term, x: str) -> None:
    assume(x not in free_variables(t))
    assert substitute(t, {x: n}) == t


@given(small, small, st.sampled_from(["x", "y", "z"]))
def test_free_variables_after_substitution(m: Term, n: Term, x: str) -> None:
    result = substitute(m, {x: n})
    if x in free_variables(m):
        assert free_variables(result) == (free_variables(m) - {x}) | free_variables(n)
    else:
        assert free_variables(result) == free_variables(m)


@given(small, small, small)
def test_substitution_lemma(m: Term, n: Term, p: Term) -> None:
    """{P/y}{N/x}M = {{P/y}N/x}{P/y}M when x is not free in P (x ≠ y)."""
    assume("x" not in free_variables(p))
    left = substitute(substitute(m, {"x": n}), {"y": p})
    right = substitute(substitute(m, {"y": p}), {"x": substitute(n, {"y": p})})
    assert left == right


@given(small, small, small)
def test_simultaneous_substitution_is_not_sequential(m: Term, n: Term, p: Term) -> None:
    """{N/x, P/y}M substitutes into M only: it agrees with renaming through fresh names."""
    both = substitute(m, {"x": n, "y": p})
    staged = substitute(substitute(m, {"x": Var("fx"), "y": Var("fy")}), {"fx": n, "fy": p})
    assume(not {"fx", "fy"} & variable_names(m))
    assert both == staged


def test_substitution_avoids_capture() -> None:
    result = substitute(parse("<y>.[x].y"), {"x": Var("y")})
    assert result == parse("<z>.[y].z")
    assert result != parse("<y>.[y].y")
    assert free_variables(result) == {"y"}
    inner = substitute(parse("a<y>.b<z>.(x ; y ; z)"), {"x": parse("[y].z")})
    assert free_variables(inner) == {"y", "z"}
    assert inner == parse("a<p>.b<q>.([y].z ; p ; q)")


def test_substitution_keeps_names_where_it_can() -> None:
    result = substitute(parse("<y>.[x].y"), {"x": parse("A")})
    assert isinstance(result, Pop) and result.variable == "y"


def test_fresh_name() -> None:
    assert fresh_name("x", {"x", "x1"}) not in {"x", "x1"}
    assert fresh_name("x", set()) == "x1"
    assert fresh_name("y7", {"y1"}) == "y2"
    assert fresh_name("x", lambda n: n in {"x1", "x2"}) == "x3"


# -- the papers' sequencing function -------------------------------------------------------------


def test_sequencing_equations() -> None:
    m = parse("[A]out")
    assert sequence(SKIP, m) == m  # * ; M = M
    assert sequence(parse("[P]a.*"), m) == parse("[P]a.[A]out")  # ([P]a.N) ; M = [P]a.(N ; M)
    assert sequence(parse("a<x>.x"), m) == parse("a<x>.(x ; [A]out)")
    assert sequence(parse("x ; *"), m) == parse("x ; [A]out")  # (x ; N) ; M = x ; (N ; M)
    assert sequence(parse("Done"), m) == parse("Done")  # j ; M = j: a label passes over M
    # the pop's variable is renamed away from the free variables of M
    captured = sequence(parse("a<x>.*"), parse("x"))
    assert captured == parse("a<y>.x") and captured != parse("a<x>.x")


@given(small)
def test_normalize_is_idempotent_and_normal(t: Term) -> None:
    n = normalize(t)
    assert is_normal(n)
    assert normalize(n) == n
    # a constant label passes over what follows it (j ; M = j), which may drop variables
    assert free_variables(n) <= free_variables(t)
    if not any(isinstance(node, Const) for node in iter_preorder(t)):
        assert free_variables(n) == free_variables(t)


@given(small, small)
def test_sequence_gives_the_normal_form_of_the_composition(n: Term, m: Term) -> None:
    assert sequence(normalize(n), normalize(m)) == normalize(Seq(n, m))


def test_is_normal_examples() -> None:
    assert is_normal(parse("[A].<x>.(x ; y)"))
    assert not is_normal(parse("([A].*) ; x"))
    assert not is_normal(parse("* ; x"))


# -- strategies are generic over node classes ---------------------------------------------------


@given(terms([Skip, Push], {"location": st.sampled_from(["a"])}, max_depth=3))
def test_generic_strategy_uses_only_the_given_classes(t: Term) -> None:
    assert {type(n) for n in iter_preorder(t)} <= {Skip, Push}
    assert all(n.location == "a" for n in iter_preorder(t) if isinstance(n, Push))


@given(fmc_terms(constants=False, locations=("in",)))
def test_fmc_strategy_options(t: Term) -> None:
    nodes = list(iter_preorder(t))
    assert not any(isinstance(n, Const) for n in nodes)
    assert all(n.location == "in" for n in nodes if isinstance(n, Push | Pop))


@given(memories())
def test_memories_hold_closed_terms_on_known_locations(memory: dict[str, tuple[Term, ...]]) -> None:
    assert set(memory) <= set(LOCATIONS)
    assert all(not free_variables(v) for stack in memory.values() for v in stack)


def test_terms_needs_a_leaf_class() -> None:
    with pytest.raises(ValueError):
        terms([Push, Seq], {"location": st.just("a")})


def test_helpers() -> None:
    assert lam("x y", Var("x")) == Pop(DEFAULT, "x", Pop(DEFAULT, "y", Var("x")))
    assert sequence_of() == SKIP
    assert sequence_of(Var("a"), Var("b"), Var("c")) == Seq(Var("a"), Seq(Var("b"), Var("c")))
    assert set(FMC_NODES) == {Skip, Var, Push, Pop, Seq, Const}
