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

from collections import Counter
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
from machine_calculus.calculus.rmc.firstorder import Arg, Fn, FVar, NoArg, arguments, fn
from machine_calculus.calculus.rmc.syntax import Choice, Fail, New, Star, converse
from machine_calculus.calculus.rmc.syntax import Pop as RPop
from machine_calculus.calculus.rmc.syntax import Push as RPush
from machine_calculus.calculus.rmc.unify import unify
from machine_calculus.calculus.terms import SUBTERM_SORTS, iter_preorder

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
    "fmc_programs",
    "fmc_runs",
    "fmc_terms",
    "labels",
    "memories",
    "rmc_programs",
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


# a bounded countdown on location c: loop, prim, catch, again and exit (``{c}`` is the count)
_COUNTDOWN = "[{c}]c.(c<n>.([0].[n].== ; <b>.b ; {{True -> Done | False -> [1].[n].- ; <m>.[m]c.Go}}))^Go"


@st.composite
def fmc_programs(
    draw: st.DrawFn, *, control: bool = False, max_length: int = 16, locations: Sequence[str] = (DEFAULT, "a")
) -> tuple[Term, dict[str, tuple[Term, ...]]]:
    """Closed FMC (with ``control=True``, FMC III) terms with a memory they run on for many steps:
    a straight line of pushes, pops of what is there, calls of popped thunks, sequenced blocks
    (and, with control, primitives on numbers, case frames catching a jump, bounded countdown
    loops and now and then a loop that never exits). Most runs end done (some by a jump that
    passes a frame); some are stuck (a pop from an empty location, a primitive on a
    non-number) and, with control, some run out of fuel. The length is at least 6."""
    from machine_calculus.calculus.fmc.parser import parse  # the parser imports this module's peers

    heights = {loc: draw(st.integers(0, 3)) for loc in locations}
    numbers = {loc: [True] * h for loc, h in heights.items()}
    memory: dict[str, tuple[Term, ...]] = {
        loc: tuple(Const(sympy.Integer(draw(st.integers(-3, 9)))) for _ in range(h)) for loc, h in heights.items() if h
    }
    ops: list[tuple[Any, ...]] = []
    scope: list[str] = []
    # a sum of two draws: hypothesis draws a range's lower end a third of the time, and a
    # program of the least length that often would make most runs short
    length = draw(st.integers(3, max_length // 2)) + draw(st.integers(3, max_length - max_length // 2))
    # how the program ends: mostly at its end; now and then with a jump passing a frame, a pop
    # from an empty location, or (with control) a loop that never exits
    # (the list starts and ends with "end": hypothesis draws a list's ends more often)
    endings = ["end", "forever", "jump", "stuck", "end"] if control else ["end", "jump", "stuck", "end"]
    ending = draw(st.sampled_from(endings))
    for i in range(length):
        kinds = ["push", "call", "block", "push", "call", "block"]
        if scope:
            kinds.append("push_var")
        full = [loc for loc in locations if heights[loc]]
        if full:
            kinds += ["pop", "pop", "pop"]
        if control:
            kinds += ["case", "loop"]
            if heights[DEFAULT] >= 2:
                kinds += ["prim", "prim"]
        if ending in ("stuck", "forever") and i == length - 1:
            kinds = [ending]
        kind = draw(st.sampled_from(kinds))
        loc = draw(st.sampled_from(list(locations)))
        if kind == "push":
            value = draw(st.integers(-3, 9))
            ops.append(("push", loc, Const(sympy.Integer(value))))
            heights[loc] += 1
            numbers[loc].append(True)
        elif kind == "push_var":
            ops.append(("push", loc, Var(draw(st.sampled_from(scope)))))
            heights[loc] += 1
            numbers[loc].append(False)
        elif kind == "pop":
            loc = draw(st.sampled_from(full))
            ops.append(("pop", loc, f"v{i}"))
            scope.append(f"v{i}")
            heights[loc] -= 1
            numbers[loc].pop()
        elif kind == "call":  # [[k]loc.*]λ . λ<f> . f ; ...
            ops.append(("call", loc, Const(sympy.Integer(draw(st.integers(0, 9)))), f"f{i}"))
            heights[loc] += 1
            numbers[loc].append(True)
        elif kind == "block":  # ([k]loc.*) ; ...
            ops.append(("block", loc, Const(sympy.Integer(draw(st.integers(0, 9))))))
            heights[loc] += 1
            numbers[loc].append(True)
        elif kind == "prim":
            name = draw(st.sampled_from(["+", "-", "*", "<", "=="]))
            ops.append(("prim", name))
            numeric = numbers[DEFAULT].pop() and numbers[DEFAULT].pop()
            heights[DEFAULT] -= 1
            numbers[DEFAULT].append(numeric and name in "+-*")
        elif kind == "case":  # A ; {A -> ... | B -> *}  or a jump passing an unrelated frame
            ops.append(("case", draw(st.booleans())))
        elif kind == "loop":
            ops.append(("loop", draw(st.integers(0, 3))))
        elif kind == "stuck":
            empty = [loc for loc in locations if not heights[loc]] or ["nowhere"]
            ops.append(("pop", draw(st.sampled_from(empty)), f"v{i}"))
            break
        else:
            ops.append(("forever",))
            break
    term: Term = Seq(Const(Name("Done")), Skip()) if ending == "jump" else Skip()
    for op in reversed(ops):
        if op[0] == "push":
            term = Push(op[2], op[1], term)
        elif op[0] == "pop":
            term = Pop(op[1], op[2], term)
        elif op[0] == "call":
            term = Push(Push(op[2], op[1], Skip()), DEFAULT, Pop(DEFAULT, op[3], Seq(Var(op[3]), term)))
        elif op[0] == "block":
            term = Seq(Push(op[2], op[1], Skip()), term)
        elif op[0] == "prim":
            term = Seq(Prim(op[1]), term)
        elif op[0] == "case":
            frame = Branch(Name("A"), term, Branch(Name("B"), Skip(), NoBranch()))
            term = Case(Const(Name("A")), frame) if op[1] else Case(Seq(Const(Name("A")), Skip()), frame)
        elif op[0] == "loop":
            term = Case(parse(_COUNTDOWN.format(c=op[1])), Branch(Name("Done"), term, NoBranch()))
        else:
            term = Loop(Const(Name("A")), Name("A"))
    return term, memory


def _numeral(k: int) -> Term:
    t: Term = fn("z")
    for _ in range(k):
        t = fn("s", t)
    return t


#: Ground first-order terms the relational programs push and pop: numerals, constants, pairs, lists.
_GROUND: tuple[Term, ...] = (
    *(_numeral(k) for k in range(4)),
    fn("a"),
    fn("b"),
    fn("f", fn("a"), fn("b")),
    fn("nil"),
    fn("cons", fn("a"), fn("nil")),
)


def _grounds() -> st.SearchStrategy[Term]:
    return st.sampled_from(_GROUND)


def _generalize(draw: st.DrawFn, t: Term, v: str) -> tuple[Term, Term]:
    """A pattern that unifies with ``t``: ``v`` in place of ``t`` or of one of its arguments;
    also what ``v`` then stands for."""
    args = arguments(t) if isinstance(t, Fn) else ()
    i = draw(st.integers(-1, len(args) - 1))
    if i < 0 or not isinstance(t, Fn):
        return FVar(v), t
    return fn(t.symbol, *(FVar(v) if j == i else a for j, a in enumerate(args))), args[i]


@st.composite
def rmc_programs(
    draw: st.DrawFn, *, star: bool = True, max_length: int = 10, locations: Sequence[str] = (DEFAULT, "a")
) -> tuple[Term, dict[str, tuple[Term, ...]]]:
    """Closed RMC terms with a ground memory they run on: pushes of ground terms and of the
    variables in scope, pops whose pattern unifies with what is on top (binding a ``new``
    variable to part of it) or clashes with it (alone, or beside a unifying pop in a choice),
    choices of pushes, a block followed by its converse (``M ; M†``, which pops what ``M``
    pushed), and (with ``star``) the predecessor loop ``(new n. (a<s(n)> ; [n]a))*`` (one answer
    per count down, then a clash) and the successor loop ``(new n. (a<n> ; [s(n)]a))*`` (an
    infinite stream; with a clashing pop after it, a search that never answers and runs out of
    fuel); rarely ``0`` or a pop from an empty location. Runs give several answers, one, none,
    or run out of fuel; every machine rule fires."""
    stacks: dict[str, list[Term | None]] = {loc: [] for loc in locations}  # None: unknown here
    for loc in locations:
        stacks[loc] = list(draw(st.lists(_grounds(), max_size=3)))
    memory = {loc: tuple(t for t in items if t is not None) for loc, items in stacks.items() if items}
    scope: dict[str, Term | None] = {}  # a new variable -> the term it stands for (None: unknown)
    parts: list[Term | str] = []  # terms to sequence, and names a New binds over what follows

    def value() -> tuple[Term, Term | None]:
        if scope and draw(st.integers(0, 2)) == 0:
            v = draw(st.sampled_from(sorted(scope)))
            known = scope[v]
            if draw(st.booleans()):
                return FVar(v), known
            return fn("s", FVar(v)), None if known is None else fn("s", known)
        t = draw(_grounds())
        return t, t

    def fresh(i: int, known: Term | None) -> str:
        v = f"x{i}"
        parts.append(v)
        scope[v] = known
        return v

    def clash(top: Term) -> Term:
        return draw(st.sampled_from([t for t in _GROUND if unify(t, top) is None]))

    for i in range(draw(st.integers(2, max_length))):
        full = [loc for loc in locations if stacks[loc]]
        kinds = ["push", "push", "choice", "choice", "converse"]
        if full:
            kinds += ["pop", "pop", "pop", "clash"]
        if star:
            kinds += ["predecessor", "successor"] if full else ["predecessor"]
        if draw(st.integers(0, 19)) == 19:  # rarely (hypothesis favours small draws)
            kinds = ["fail", "empty"]
        kind = draw(st.sampled_from(kinds))
        loc = draw(st.sampled_from(full if kind in ("pop", "clash", "successor") else list(locations)))
        if kind == "push":
            item, known = value()
            parts.append(RPush(item, loc))
            stacks[loc].append(known)
        elif kind in ("pop", "clash"):
            top = stacks[loc].pop()
            if top is None:  # unknown: a variable takes it
                parts.append(RPop(loc, FVar(fresh(i, None))))
            else:
                pattern, part = _generalize(draw, top, fresh(i, None))
                scope[f"x{i}"] = part
                pop: Term = RPop(loc, pattern)
                if kind == "clash":  # a branch that fails beside one that goes on
                    other: Term = RPop(loc, clash(top))
                    pop = Choice(other, pop) if draw(st.booleans()) else Choice(pop, other)
                parts.append(pop)
        elif kind == "choice":
            (left, known), (right, _) = value(), value()
            parts.append(Choice(RPush(left, loc), RPush(right, loc) if draw(st.integers(0, 3)) else Fail()))
            stacks[loc].append(known if left == right else None)
        elif kind == "converse":  # M ; M†: M pushes, M† pops the same terms back
            block: Term = RPush(value()[0], loc)
            for _ in range(draw(st.integers(0, 2))):
                block = Seq(block, RPush(value()[0], draw(st.sampled_from(list(locations)))))
            parts.append(Seq(block, converse(block)))
        elif kind == "predecessor":  # (new n. (a<s(n)> ; [n]a))*
            n = FVar(f"n{i}")
            body = New(n.name, Seq(RPop(loc, fn("s", n)), RPush(n, loc)))
            parts.append(Star(body))
            if stacks[loc]:
                stacks[loc][-1] = None
        elif kind == "successor":  # (new n. (a<n> ; [s(n)]a))*, now and then never answering
            n = FVar(f"n{i}")
            parts.append(Star(New(n.name, Seq(RPop(loc, n), RPush(fn("s", n), loc)))))
            if draw(st.integers(0, 2)) == 0:
                parts.append(RPop(loc, fn("a")))
                break
            stacks[loc][-1] = None
        elif kind == "fail":
            parts.append(Fail())
            break
        else:
            empty = [loc for loc in locations if not stacks[loc]] or ["nowhere"]
            parts.append(RPop(draw(st.sampled_from(empty)), fn("a")))
            break
    term: Term | None = None
    for part in reversed(parts):
        if isinstance(part, str):
            term = New(part, term if term is not None else Skip())
        else:
            term = part if term is None else Seq(part, term)
    return term if term is not None else Skip(), memory


@st.composite
def _fed_terms(
    draw: st.DrawFn, source: st.SearchStrategy[Term], values: st.SearchStrategy[Term]
) -> tuple[Term, dict[str, tuple[Term, ...]]]:
    """A term from ``source`` and a memory holding, at each location, a value for each pop of it
    there (so a run does not stop at its first pop)."""
    term = draw(source)
    pops = Counter(node.location for node in iter_preorder(term) if isinstance(node, Pop))
    return term, {loc: tuple(draw(st.lists(values, min_size=k, max_size=k))) for loc, k in sorted(pops.items())}


@st.composite
def fmc_runs(
    draw: st.DrawFn, *, control: bool = False, closed: bool = True, max_depth: int = 6
) -> tuple[Term, dict[str, tuple[Term, ...]]]:
    """(term, memory) inputs for machine tests: about four in five from :func:`fmc_programs`
    (runs of many steps that reach every rule), the others an arbitrary term of
    :func:`fmc_terms` (with ``control``, :func:`fmc3_terms`; open unless ``closed``) with a
    memory holding a closed term for each of its pops. Shrinks towards programs."""
    if draw(st.integers(0, 3)) < 3:  # hypothesis draws 3 about one time in five
        return draw(fmc_programs(control=control))
    source = (fmc3_terms if control else fmc_terms)(closed=closed, max_depth=max_depth)
    return draw(_fed_terms(source, fmc_terms(closed=True, max_depth=3)))
