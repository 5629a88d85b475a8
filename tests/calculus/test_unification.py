"""First-order terms and unification (RMC): the mgu unifies, is most general, and fails exactly
when no unifier exists (against a naive recursive reference); deep terms; persistence."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.rmc.firstorder import NO_ARG, Arg, Fn, FVar, NoArg, arguments, fn, term_text
from machine_calculus.calculus.rmc.unify import EMPTY, INDEXED, occurs, resolve, unify
from machine_calculus.calculus.strategies import terms
from machine_calculus.calculus.terms import Term, free_variables

NAMES = ("x", "y", "z")
first_order = terms(
    (FVar, Fn, Arg, NoArg),
    {"symbol": st.sampled_from(["a", "b", "f", "g"])},
    max_depth=4,
    variables=NAMES,
    kind="fo",
)


def naive_unify(t: Term, u: Term) -> dict[str, Term] | None:
    """Robinson's algorithm, recursively and by eager substitution (the textbook version)."""
    s: dict[str, Term] = {}

    def apply(x: Term) -> Term:
        if isinstance(x, FVar):
            return apply(s[x.name]) if x.name in s else x
        return fn(x.symbol, *(apply(a) for a in arguments(x)))  # type: ignore[union-attr]

    def go(a: Term, b: Term) -> bool:
        a, b = apply(a), apply(b)
        if isinstance(a, FVar) and isinstance(b, FVar) and a.name == b.name:
            return True
        if isinstance(a, FVar) or isinstance(b, FVar):
            v, other = (a, b) if isinstance(a, FVar) else (b, a)
            if v.name in free_variables(other):  # type: ignore[union-attr]
                return False
            s[v.name] = other  # type: ignore[union-attr]
            return True
        xs, ys = arguments(a), arguments(b)  # type: ignore[arg-type]
        if a.symbol != b.symbol or len(xs) != len(ys):  # type: ignore[union-attr]
            return False
        return all(go(p, q) for p, q in zip(xs, ys, strict=True))

    return s if go(t, u) else None


@given(first_order, first_order)
def test_mgu_unifies_and_fails_exactly_when_no_unifier_exists(t: Term, u: Term) -> None:
    s = unify(t, u)
    assert (s is None) == (naive_unify(t, u) is None)
    if s is not None:
        assert resolve(t, s) == resolve(u, s)


@given(first_order, st.dictionaries(st.sampled_from(NAMES), first_order, max_size=3))
def test_mgu_is_most_general(t: Term, theta: dict[str, Any]) -> None:
    """θ (idempotent: its terms use only fresh variables) unifies t with u = θ(t); the mgu σ
    exists and θ factors through it: θ(σ(v)) = θ(v) for every variable."""
    rename = {"x": "p", "y": "q", "z": "r"}
    theta = {k: _rename(v, rename) for k, v in theta.items()}
    sub = EMPTY.update(theta)
    u = resolve(t, sub)
    sigma = unify(t, u)
    assert sigma is not None
    for name in free_variables(t) | free_variables(u):
        v = FVar(name)
        assert resolve(resolve(v, sigma), sub) == resolve(v, sub)


with_v = terms(
    (FVar, Fn, Arg, NoArg), {"symbol": st.sampled_from(["a", "f", "g"])}, max_depth=4, variables=("x", "v"), kind="fo"
)


@given(first_order, first_order, with_v)
def test_the_indexed_occurs_check_agrees_with_the_full_one(t: Term, u: Term, w: Term) -> None:
    """On an INDEXED substitution a variable no bound term mentions (``v``: unbound, and absent
    from t and u) is occurs-checked by syntax alone: the results are the plain unifier's."""
    plain, indexed = unify(t, u) or EMPTY, unify(t, u, INDEXED) or INDEXED
    for left, right in ((FVar("v"), w), (FVar("x"), w), (w, FVar("y"))):
        expected, found = unify(left, right, plain), unify(left, right, indexed)
        assert (expected is None) == (found is None)
        if expected is not None and found is not None:
            assert resolve(left, expected) == resolve(left, found) == resolve(right, found)


def _rename(t: Term, names: dict[str, str]) -> Term:
    if isinstance(t, FVar):
        return FVar(names[t.name])
    return fn(t.symbol, *(_rename(a, names) for a in arguments(t)))  # type: ignore[union-attr]


def test_examples() -> None:
    x, y = FVar("x"), FVar("y")
    s = unify(fn("f", x, fn("b")), fn("f", fn("a"), y))
    assert s is not None and (term_text(resolve(x, s)), term_text(resolve(y, s))) == ("a", "b")
    assert unify(x, fn("s", x)) is None  # occurs check
    assert unify(fn("f", x), fn("f", x, x)) is None  # arity
    assert unify(fn("a"), fn("b")) is None
    assert Fn("a", NO_ARG) == fn("a") and term_text(fn("f", x, fn("g", y))) == "f(x, g(y))"


def test_substitutions_are_persistent() -> None:
    x, y = FVar("x"), FVar("y")
    base = unify(x, fn("a"))
    assert base is not None
    left, right = unify(y, fn("b"), base), unify(y, fn("c"), base)
    assert left is not None and right is not None
    assert dict(base) == {"x": fn("a")} and resolve(y, left) == fn("b") and resolve(y, right) == fn("c")


def test_deep_terms_unify_without_recursion() -> None:
    n = 100_000
    left, right = FVar("x"), FVar("y")
    for _ in range(n):
        left, right = fn("s", left), fn("s", right)
    s = unify(left, right)
    assert s is not None and resolve(FVar("x"), s) == FVar("y")
    assert unify(fn("f", FVar("x"), right), fn("f", left, FVar("y"))) is None  # x = s^n(s^n(x))
    assert len(term_text(resolve(left, unify(FVar("x"), fn("z"))))) == 3 * n + 1  # type: ignore[arg-type]


def test_the_occurs_check_looks_past_other_variables_and_shared_subterms() -> None:
    """The occurs check must keep looking after a variable that is not the one sought (free or
    bound) and after a sub-term it has already seen: ``x`` hides behind them in every order."""
    x, y, z = FVar("x"), FVar("y"), FVar("z")
    shared = fn("g", fn("a"))
    bound = unify(y, fn("b"))  # y bound to b
    assert bound is not None
    for s in (EMPTY, bound):
        for t in (
            fn("f", x, y),
            fn("f", y, x),
            fn("f", x, z, y),
            fn("f", x, shared, shared),
            fn("f", shared, x, shared),
        ):
            assert occurs("x", t, s), term_text(t)
            assert unify(x, t, s) is None, term_text(t)  # x = f(..., x, ...) has no finite solution
            assert unify(t, x, s) is None, term_text(t)
    chain = unify(z, y)  # z ↦ y: x found through a binding chain, behind the variable y
    assert chain is not None
    chain = unify(y, fn("h", x), chain)
    assert chain is not None
    assert occurs("x", fn("f", fn("b"), z), chain)
    assert unify(x, fn("f", z, y), chain) is None


def test_a_trivial_pair_does_not_end_the_unification() -> None:
    """Robinson's loop skips a trivial pair, one and the same term or the same variable twice
    (two objects named Y), and goes on with the others: unifying f(X, t) with f(b, t) and f(X, Y)
    with f(b, Y) still binds X to b (the trivial pair is taken first, as the last arguments
    are), and f(a, Y) against f(b, Y) still clashes."""
    t = fn("g", fn("a"))
    for s in (EMPTY, INDEXED):
        for left, right in ((t, t), (FVar("Y"), FVar("Y"))):
            theta = unify(fn("f", FVar("X"), left), fn("f", fn("b"), right), s)
            assert theta is not None and resolve(FVar("X"), theta) == fn("b")
            assert unify(fn("f", fn("a"), left), fn("f", fn("b"), right), s) is None
