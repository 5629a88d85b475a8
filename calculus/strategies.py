"""Public hypothesis strategies for terms of the calculi.

The generator is written once against the generic term interface: a node class's ``sorts``
say what each argument is (a sub-term, a bound name, a variable occurrence, a location or a
constant) and its ``binders`` say what is in scope where, so any calculus's node classes can be
generated, open or closed. :func:`fmc_terms` specializes it to the FMC.

    >>> from hypothesis import given
    >>> from calculus.strategies import fmc_terms
    >>> @given(fmc_terms(closed=True))
    ... def test_something(term): ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import sympy
from hypothesis import reject
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.syntax import (
    ANY,
    DEFAULT,
    PRIMITIVES,
    STAR,
    Branch,
    Case,
    Const,
    Loop,
    Name,
    NoBranch,
    Pop,
    Prim,
    Push,
    Seq,
    Skip,
    Term,
    Var,
)
from machine_calculus.calculus.fmc.types import Arrow, TypingError, infer, input_memory
from machine_calculus.calculus.rmc.firstorder import Arg, Fn, FVar, NoArg
from machine_calculus.calculus.rmc.syntax import Choice, Fail, New, Star
from machine_calculus.calculus.rmc.syntax import Pop as RPop
from machine_calculus.calculus.rmc.syntax import Push as RPush
from machine_calculus.calculus.terms import SUBTERM_SORTS

__all__ = [
    "FMC3_NODES",
    "FMC_NODES",
    "LOCATIONS",
    "RMC_NODES",
    "VARIABLES",
    "TypedTerm",
    "constant_values",
    "first_order_terms",
    "fmc3_terms",
    "fmc_constants",
    "fmc_terms",
    "labels",
    "memories",
    "rmc_terms",
    "terms",
    "typed_terms",
]

#: The FMC node classes (constants included).
FMC_NODES: tuple[type[Term], ...] = (Skip, Var, Push, Pop, Seq, Const)
#: FMC III adds case frames, loops and primitives.
FMC3_NODES: tuple[type[Term], ...] = (*FMC_NODES, Case, Branch, NoBranch, Loop, Prim)
#: The RMC's node classes, with its first-order terms (kind ``"fo"``) and their argument chains.
RMC_NODES: tuple[type[Term], ...] = (Skip, Seq, RPush, RPop, New, Choice, Fail, Star, FVar, Fn, Arg, NoArg)
#: Locations drawn by default: the default location λ and two others.
LOCATIONS: tuple[str, ...] = (DEFAULT, "a", "out")
#: Variable names drawn by default (few, so that shadowing and capture happen).
VARIABLES: tuple[str, ...] = ("x", "y", "z")


def constant_values() -> st.SearchStrategy[Any]:
    """Constants of every kind: integers, rationals, strings (with escapes), Names, $symbols."""
    return st.one_of(
        st.integers(-1000, 1000).map(sympy.Integer),
        st.fractions(max_denominator=50).map(lambda f: sympy.Rational(f.numerator, f.denominator)),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
        st.sampled_from(["A", "B", "True", "False", "Nil", "Cons"]).map(Name),
        st.sampled_from(["n", "m", "k1"]).map(sympy.Symbol),
    )


def labels() -> st.SearchStrategy[Any]:
    """Labels of case branches and loops: ``*``, ``_``, a few Names and small integers (few, so
    that branches catch; ``_`` in a loop, or a repeated label, is refused and redrawn)."""
    return st.sampled_from([STAR, ANY, Name("A"), Name("B"), Name("True"), Name("False")]) | st.integers(0, 2).map(
        sympy.Integer
    )


def fmc_constants() -> st.SearchStrategy[Term]:
    """``Const`` nodes."""
    return constant_values().map(Const)


# sorts of chains (a case frame's branches, a constructor's arguments): drawn at the parent's depth
_CHAINS = {"frame", "args"}


def terms(
    classes: Sequence[type[Term]],
    atoms: Mapping[str, st.SearchStrategy[Any]],
    *,
    max_depth: int = 5,
    closed: bool = False,
    variables: Sequence[str] = VARIABLES,
    kind: str = "term",
) -> st.SearchStrategy[Term]:
    """Terms of kind ``kind`` built from ``classes`` (generic over the term interface).

    ``atoms`` gives a strategy per atom sort (``"location"``, ``"constant"``, ...); bound names
    and variable occurrences are drawn from ``variables``. With ``closed=True``, a variable
    occurs only under a binder of its name. Depth is at most ``max_depth`` (counted in ``"term"``
    positions; a ``"frame"`` position, the next branch of a case frame, is drawn from the
    classes of kind ``"frame"`` at the same depth). A node its class refuses (``ValueError``, e.g.
    a case frame listing a label twice) is drawn again, a few times, before the example is
    rejected.
    """
    by_kind = {k: [c for c in classes if c.kind == k] for k in {c.kind for c in classes}}
    if not [c for c in by_kind.get(kind, []) if not (SUBTERM_SORTS - _CHAINS) & set(c.sorts)]:
        raise ValueError(f"need at least one class of kind {kind} without sub-terms")

    @st.composite
    def build(draw: st.DrawFn, depth: int, scope: frozenset[str], kind: str = "term") -> Term:
        pool = by_kind[kind]
        if depth <= 0:  # leaves; a node with only a chain (f(), a constructor) is a leaf too
            allowed = set() if kind in _CHAINS else _CHAINS
            pool = [c for c in pool if SUBTERM_SORTS & set(c.sorts) <= allowed]
        choices = [c for c in pool if not (closed and c.is_variable and not scope)]
        for _ in range(5):
            cls = draw(st.sampled_from(choices))
            args: list[Any] = [None] * len(cls.sorts)
            for i, sort in enumerate(cls.sorts):
                if sort == "binder":
                    args[i] = draw(st.sampled_from(list(variables)))
                elif sort == "name":
                    names = sorted(scope) if closed else list(variables)
                    args[i] = draw(st.sampled_from(names))
                elif sort not in SUBTERM_SORTS:
                    args[i] = draw(atoms[sort])
            for i, sort in enumerate(cls.sorts):
                if sort in SUBTERM_SORTS:
                    inner = scope | {args[b] for b, sc in cls.binders if i in sc}
                    chain = sort in _CHAINS
                    args[i] = draw(build(depth if chain else depth - 1, frozenset(inner), sort))
            try:
                return cls(*args)
            except ValueError:
                continue
        reject()

    return st.deferred(lambda: build(max_depth, frozenset(), kind))


def fmc_terms(
    *,
    closed: bool = False,
    max_depth: int = 5,
    locations: Sequence[str] = LOCATIONS,
    variables: Sequence[str] = VARIABLES,
    constants: bool = True,
) -> st.SearchStrategy[Term]:
    """FMC terms: skip, variables, push, pop, sequencing and (optionally) constants."""
    classes = FMC_NODES if constants else tuple(c for c in FMC_NODES if c is not Const)
    atoms = {"location": st.sampled_from(list(locations)), "constant": constant_values()}
    return terms(classes, atoms, max_depth=max_depth, closed=closed, variables=variables)


def fmc3_terms(
    *,
    closed: bool = False,
    max_depth: int = 5,
    locations: Sequence[str] = LOCATIONS,
    variables: Sequence[str] = VARIABLES,
    loops: bool = True,
) -> st.SearchStrategy[Term]:
    """FMC III terms: the FMC's, with jumps (constants), case frames, loops (unless
    ``loops=False``) and primitives."""
    atoms = {
        "location": st.sampled_from(list(locations)),
        "constant": constant_values() | labels().filter(lambda j: j is not ANY and j is not STAR),
        "label": labels(),
        "primitive": st.sampled_from(list(PRIMITIVES)),
    }
    nodes = FMC3_NODES if loops else tuple(c for c in FMC3_NODES if c is not Loop)
    return terms(nodes, atoms, max_depth=max_depth, closed=closed, variables=variables)


def rmc_terms(
    *,
    closed: bool = False,
    max_depth: int = 5,
    locations: Sequence[str] = LOCATIONS,
    variables: Sequence[str] = VARIABLES,
    star: bool = True,
) -> st.SearchStrategy[Term]:
    """RMC terms: skip, pushes and pops of first-order terms, new, sequence, choice, 0, star
    (unless ``star=False``). With ``closed=True`` every variable is bound by a ``new`` around it."""
    atoms = {"location": st.sampled_from(list(locations)), "symbol": st.sampled_from(["a", "b", "s", "f"])}
    nodes = RMC_NODES if star else tuple(c for c in RMC_NODES if c is not Star)
    return terms(nodes, atoms, max_depth=max_depth, closed=closed, variables=variables)


def first_order_terms(
    *, max_depth: int = 3, variables: Sequence[str] = (), symbols: Sequence[str] = ("a", "b", "s", "f")
) -> st.SearchStrategy[Term]:
    """First-order terms over ``symbols`` (ground unless ``variables`` are given)."""
    classes = (Fn, Arg, NoArg) if not variables else (FVar, Fn, Arg, NoArg)
    names = list(variables) or ["x"]
    return terms(classes, {"symbol": st.sampled_from(list(symbols))}, max_depth=max_depth, variables=names, kind="fo")


def memories(
    values: st.SearchStrategy[Term] | None = None,
    *,
    locations: Sequence[str] = LOCATIONS,
    max_items: int = 3,
) -> st.SearchStrategy[dict[str, tuple[Term, ...]]]:
    """Initial memories: for some locations, a short stack of (by default closed) terms."""
    items = values if values is not None else fmc_terms(closed=True, max_depth=3)
    return st.dictionaries(
        st.sampled_from(list(locations)),
        st.lists(items, max_size=max_items).map(tuple),
        max_size=len(locations),
    )


class TypedTerm(NamedTuple):
    """A closed, well-typed term with its principal type and a memory of its input type."""

    term: Term
    type: Arrow
    memory: dict[str, tuple[Term, ...]]


def typed_terms(
    *, max_depth: int = 6, tries: int = 12, control: bool = False, **options: Any
) -> st.SearchStrategy[TypedTerm]:
    """Closed FMC terms that have a simple type, with the type and a matching initial memory.

    Terms are drawn from :func:`fmc_terms` (with ``control=True``, :func:`fmc3_terms`; pass
    ``loops=False`` for loop-free ones) until one is typable (about one in four is); the memory
    holds an inhabitant of each input item (type variables as ``int``, memory variables empty),
    so the run starts in a memory of exactly the input type.
    """
    source = fmc3_terms if control else fmc_terms

    @st.composite
    def build(draw: st.DrawFn) -> TypedTerm:
        for _ in range(tries):
            term = draw(source(closed=True, max_depth=max_depth, **options))
            try:
                t = infer(term).type
            except TypingError:
                continue
            assert isinstance(t, Arrow)
            return TypedTerm(term, t, input_memory(t))
        return draw(st.nothing())

    return build()
