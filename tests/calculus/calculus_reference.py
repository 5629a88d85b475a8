"""Independent reference implementations for the calculus tests (not collected: no ``test_`` prefix).

Everything here is written from the definitions, recursively and naively, without using
``calculus.terms``'s traversals, ``==``, ``hash``, ``substitute`` or ``normalize``: the tests compare
the library against these. They only read the generic term interface (``type(t)``, ``t.args``,
``binders``, ``is_variable``, ``variable_class``) and construct nodes, so they work for any calculus
whose node classes declare that metadata. Generated terms are shallow, so recursion is fine here.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from machine_calculus.calculus.fmc.syntax import Const, Pop, Push, Seq, Skip, Var
from machine_calculus.calculus.terms import Term

_counter = itertools.count(1)


# -- a second calculus, declared only through the generic interface's metadata -------------------


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LVar(Term):
    """A lambda-calculus variable."""

    name: str
    is_variable: ClassVar[bool] = True
    _tag: ClassVar[int] = 101
    sorts: ClassVar[tuple[str, ...]] = ("name",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Lam(Term):
    """``λx.M``: binds x in M."""

    variable: str
    body: Term
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = ((0, (1,)),)
    variable_class: ClassVar[type[Term]] = LVar
    _tag: ClassVar[int] = 102
    sorts: ClassVar[tuple[str, ...]] = ("binder", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class App(Term):
    """``M N``."""

    fun: Term
    arg: Term
    _tag: ClassVar[int] = 103
    sorts: ClassVar[tuple[str, ...]] = ("term", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Split(Term):
    """``let (x, y) = P in M``: two binders, both over M and neither over P (P is in scope outside)."""

    first: str
    second: str
    pair: Term
    body: Term
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = ((0, (3,)), (1, (3,)))
    variable_class: ClassVar[type[Term]] = LVar
    _tag: ClassVar[int] = 104
    sorts: ClassVar[tuple[str, ...]] = ("binder", "binder", "term", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Unit(Term):
    """A constant leaf with an atom of another sort."""

    label: str
    _tag: ClassVar[int] = 105
    sorts: ClassVar[tuple[str, ...]] = ("label",)


LAMBDA_NODES: tuple[type[Term], ...] = (LVar, Lam, App, Split, Unit)


def _fresh() -> str:
    """A name no generated or parsed term uses (generated names are x, y, z, ...)."""
    return f"_ref{next(_counter)}"


def de_bruijn(t: Term, scope: tuple[str, ...] = ()) -> Any:
    """A nested tuple: the head, bound variables as de Bruijn indices, free ones by name.

    Binding names are dropped; atoms (locations, constants) are kept with their type, so that the
    constant ``"1"`` and the constant ``1`` differ.
    """
    cls = type(t)
    if cls.is_variable:
        name = t.args[0]
        for index, bound in enumerate(reversed(scope)):
            if bound == name:
                return (cls.__name__, "bound", index)
        return (cls.__name__, "free", name)
    binder_positions = {i for i, _ in cls.binders}
    out: list[Any] = [cls.__name__]
    for j, a in enumerate(t.args):
        if j in binder_positions:
            continue
        if isinstance(a, Term):
            inner = scope + tuple(t.args[i] for i, sc in cls.binders if j in sc)
            out.append(de_bruijn(a, inner))
        else:
            out.append(("atom", type(a).__name__, a))
    return tuple(out)


def free_vars(t: Term) -> frozenset[str]:
    """FV(t) by the textbook recursion."""
    cls = type(t)
    if cls.is_variable:
        return frozenset({t.args[0]})
    result: frozenset[str] = frozenset()
    for j, a in enumerate(t.args):
        if isinstance(a, Term):
            bound = {t.args[i] for i, sc in cls.binders if j in sc}
            result |= free_vars(a) - bound
    return result


def all_names(t: Term) -> set[str]:
    """Every variable name in t, bound, binding or free."""
    cls = type(t)
    names = {t.args[0]} if cls.is_variable else {t.args[i] for i, _ in cls.binders}
    for a in t.args:
        if isinstance(a, Term):
            names |= all_names(a)
    return names


def subst(t: Term, mapping: Mapping[str, Term]) -> Term:
    """Capture-avoiding simultaneous substitution, renaming *every* binder to a brand-new name."""
    cls = type(t)
    if cls.is_variable:
        return mapping.get(t.args[0], t)
    args = list(t.args)
    renamed: dict[int, str] = {}
    for i, _ in cls.binders:
        renamed[i] = _fresh()
    for j, a in enumerate(t.args):
        if isinstance(a, Term):
            inner = dict(mapping)
            for i, sc in cls.binders:
                if j in sc:
                    inner[t.args[i]] = cls.variable_class(renamed[i])  # type: ignore[attr-defined]
            args[j] = subst(a, inner)
    for i, name in renamed.items():
        args[i] = name
    return cls(*args)


def rename_bound(t: Term) -> Term:
    """An alpha-equivalent copy with every binder renamed to a brand-new name."""
    return subst(t, {})


def naive_rename_binders(t: Term, choose: Any) -> Term:
    """Rename each binder to ``choose(old)`` and its bound occurrences with it, *without* any capture
    check: the result may or may not be alpha-equivalent to ``t`` (the reference decides)."""

    def go(t: Term, env: dict[str, str]) -> Term:
        cls = type(t)
        if cls.is_variable:
            return cls(env.get(t.args[0], t.args[0]))
        args = list(t.args)
        new_names = {i: choose(t.args[i]) for i, _ in cls.binders}
        for j, a in enumerate(t.args):
            if isinstance(a, Term):
                inner = dict(env)
                for i, sc in cls.binders:
                    if j in sc:
                        inner[t.args[i]] = new_names[i]
                args[j] = go(a, inner)
        for i, name in new_names.items():
            args[i] = name
        return cls(*args)

    return go(t, {})


def rename_free(t: Term, old: str, new: str) -> Term:
    """Replace the free occurrences of ``old`` by ``new`` (no capture check)."""
    cls = type(t)
    if cls.is_variable:
        return cls(new) if t.args[0] == old else t
    args = list(t.args)
    for j, a in enumerate(t.args):
        if isinstance(a, Term):
            bound = {t.args[i] for i, sc in cls.binders if j in sc}
            if old not in bound:
                args[j] = rename_free(a, old, new)
    return cls(*args)


def preorder(t: Term) -> list[Term]:
    out = [t]
    for a in t.args:
        if isinstance(a, Term):
            out.extend(preorder(a))
    return out


def height(t: Term) -> int:
    return 1 + max((height(a) for a in t.args if isinstance(a, Term)), default=0)


# -- the papers' sequencing function, by its four equations (FMC terms only) ----------------------


def seq_ref(n: Term, m: Term | None) -> Term:
    """``n ; m`` with ``m`` already normal (``None`` stands for ``⋆`` and is dropped)."""
    if isinstance(n, Skip):
        return Skip() if m is None else m
    if isinstance(n, Var):
        return n if m is None or isinstance(m, Skip) else Seq(n, m)
    if isinstance(n, Const):
        return n  # a label passes over the rest (FMC III)
    if isinstance(n, Push):
        return Push(normalize_ref(n.term), n.location, seq_ref(n.body, m))
    if isinstance(n, Pop):
        x, body = n.variable, n.body
        if m is not None and x in free_vars(m):
            z = _fresh()
            body = subst(body, {x: Var(z)})
            x = z
        return Pop(n.location, x, seq_ref(body, m))
    assert isinstance(n, Seq)
    return seq_ref(n.first, seq_ref(n.then, m))


def normalize_ref(t: Term) -> Term:
    return seq_ref(t, None)
