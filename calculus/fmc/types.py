"""Simple types for the FMC: memory types, ``A ⇒ B``, principal type inference by unification.

A **memory type** gives, for each location, a vector of types for the top of its stack (written
bottom to top, like stacks); the rest of the memory is a **memory variable** ρ, so ``ρ·λ(t u)``
is any memory whose λ stack has ``u`` on top of ``t`` on top of whatever ρ has there. A term
has type ``A ⇒ B``: run on a memory of type A it leaves one of type B. Values on stacks are
thunks (of arrow type) or constants (of a base sort: ``int``, ``rat``, ``str``, ``bool`` for
``True``/``False``, ``sym`` for ``$n``, ``name`` for other capitalized names).

The rules follow the machine (Γ gives the variables' types):

    ⋆            : ρ ⇒ ρ
    x            : Γ(x), which must be an arrow A ⇒ B
    [N]a.M       : A ⇒ B       if N : t and M : A·a(t) ⇒ B     (M finds t on top of a)
    a⟨x⟩.M       : A·a(t) ⇒ B  if M : A ⇒ B with x : t
    N ; M        : A ⇒ C       if N : A ⇒ B and M : B ⇒ C
    c            : its base sort (a value: it can be pushed, not run)

Composition unifies memory types, extending a vector below by the same types on both sides of
an arrow where one side needs more (that is what the memory variables do). Inference is
iterative, so terms nested 100,000 deep are typed without recursion. A type prints as in
docs/types-and-effects.md, with memory variables shown only where they are not simply "the
rest, unchanged": swap ``⟨x⟩.⟨y⟩.[x].[y]`` has type ``λ(t u) ⇒ λ(u t)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from machine_calculus.calculus.collector import collector_paused
from machine_calculus.calculus.fmc.sympy_values import is_sympy
from machine_calculus.calculus.fmc.syntax import (
    ANY,
    DEFAULT,
    STAR,
    Case,
    Const,
    Loop,
    Name,
    Pop,
    Prim,
    Push,
    Seq,
    Skip,
    Term,
    Var,
    branches,
)
from machine_calculus.calculus.terms import children

__all__ = [
    "FAMILIES",
    "Arrow",
    "Base",
    "MemoryType",
    "Type",
    "TypeVariable",
    "Typing",
    "TypingError",
    "base_sort",
    "exit_memory",
    "family_of_label",
    "family_of_sort",
    "fold_type",
    "ground",
    "has_type",
    "infer",
    "inhabitant",
    "input_memory",
    "instance_of",
    "label_key",
    "pretty_type",
    "type_of",
    "value_type",
]


# -- types (immutable, what inference returns) ----------------------------------------------------


class _Shown:
    """How a type shows itself: ``str`` is its Unicode text, a notebook shows it as HTML (the
    text in a code element) or LaTeX."""

    __slots__ = ()

    def __str__(self) -> str:
        return pretty_type(self)  # type: ignore[arg-type]

    def text(self, notation: str = "unicode") -> str:
        """The type in ``notation``: ``"unicode"``, ``"ascii"`` or ``"latex"``."""
        return pretty_type(self, notation)  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        import html

        return f'<code style="white-space:pre-wrap">{html.escape(str(self))}</code>'

    def _repr_latex_(self) -> str:
        return f"${pretty_type(self, 'latex')}$"  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class TypeVariable(_Shown):
    """A type variable ``t``."""

    name: str


@dataclass(frozen=True, slots=True)
class Base(_Shown):
    """A base sort: ``int``, ``rat``, ``str``, ``bool``, ``sym`` or ``name``."""

    name: str


@dataclass(frozen=True, slots=True)
class MemoryType(_Shown):
    """``ρ·a(t1 ... tn)...``: vectors on top of the memory variable ``row``.

    ``stacks`` holds each location's vector **bottom to top** (like stacks in the API); the
    printer writes vectors top first, as the docs do (a push prepends).
    """

    row: str
    stacks: tuple[tuple[str, tuple[Type, ...]], ...] = ()

    def stack(self, location: str) -> tuple[Type, ...]:
        return dict(self.stacks).get(location, ())


@dataclass(frozen=True, slots=True)
class Arrow(_Shown):
    """``A ⇒ B``: a computation from memories of type A to memories of type B.

    FMC III: ``exits`` gives, per family of labels, the memory a jump with such a label leaves
    (``A ⇒ {⋆: B, name: C}``); ``output`` is the normal exit ``⋆``'s. A family not listed is
    unconstrained (the term need not exit with it).
    """

    input: MemoryType
    output: MemoryType
    exits: tuple[tuple[str, MemoryType], ...] = ()

    def memories(self) -> tuple[MemoryType, ...]:
        return (self.input, self.output, *(m for _, m in self.exits))


Type = TypeVariable | Base | Arrow


@dataclass(frozen=True, slots=True)
class Typing:
    """The principal type of a term, and the types it needs for its free variables."""

    type: Type
    free: Mapping[str, Type] = field(default_factory=dict)

    def __str__(self) -> str:
        return pretty_type(self.type)

    def _repr_html_(self) -> str:
        """The type, and under it the types the free variables need (``Γ``), sharing names."""
        import html

        names = _Names()
        shown = html.escape(pretty_type(self.type, names=names))
        rows = "".join(
            f"<div><code>{html.escape(x)} : {html.escape(pretty_type(t, names=names))}</code></div>"
            for x, t in sorted(self.free.items())
        )
        return f'<div style="text-align:left"><code>{shown}</code>{rows}</div>'

    def _repr_latex_(self) -> str:
        names = _Names()
        context = ", ".join(f"{x} : {pretty_type(t, 'latex', names)}" for x, t in sorted(self.free.items()))
        return f"${context + ' ' if context else ''}\\vdash {pretty_type(self.type, 'latex', names)}$"


class TypingError(Exception):
    """An untypable term: which sub-term, and the clash."""

    def __init__(self, message: str, term: Term | None = None) -> None:
        self.message = message
        self.term = term
        super().__init__(message)


def fold_type(
    t: Type, variable: Callable[[TypeVariable], Any], arrow: Callable[[Arrow, Callable[[Type], Any]], Any]
) -> Any:
    """Bottom-up over an immutable type, iteratively: ``variable(v)`` for a type variable,
    ``arrow(a, result)`` for an arrow, where ``result(item)`` is the value already computed for
    an item of its vectors; base sorts map to themselves."""
    memo: dict[int, Any] = {}
    stack: list[tuple[Type, bool]] = [(t, False)]
    while stack:
        x, ready = stack.pop()
        if id(x) in memo:
            continue
        if isinstance(x, TypeVariable):
            memo[id(x)] = variable(x)
        elif isinstance(x, Base):
            memo[id(x)] = x
        elif not ready:
            stack.append((x, True))
            stack.extend((i, False) for m in x.memories() for _, items in m.stacks for i in items)
        else:
            memo[id(x)] = arrow(x, lambda item: memo[id(item)])
    return memo[id(t)]


# -- inference structures (mutable, union-find) ---------------------------------------------------
#
# A vector is a cons list ``(top, rest)`` (``None`` when empty), so that a pop adds on top and a
# push's unification takes the top in O(1). Rows and type variables are bound by reference; a
# resolved memory is written back into its node (path compression).


class _TV:
    __slots__ = ("id", "ref")

    def __init__(self, ident: int) -> None:
        self.id = ident
        self.ref: Any = None


class _MV:
    __slots__ = ("id", "ref")

    def __init__(self, ident: int) -> None:
        self.id = ident
        self.ref: _Mem | None = None


class _Arrow:
    """``input ⇒ output`` with one exit memory per label family (created with the arrow)."""

    __slots__ = ("exits", "input", "output")

    def __init__(self, input: _Mem, output: _Mem, exits: dict[str, _Mem]) -> None:
        self.input = input
        self.output = output
        self.exits = exits

    def memories(self) -> list[_Mem]:
        return [self.input, self.output, *self.exits.values()]


Vector = tuple[Any, Any] | None


class _Mem:
    """``row·vectors``: each location's vector as a cons list, top first."""

    __slots__ = ("row", "vectors")

    def __init__(self, row: _MV, vectors: dict[str, Vector] | None = None) -> None:
        self.row = row
        self.vectors: dict[str, Vector] = vectors or {}


def _items(vector: Vector) -> Iterator[Any]:
    """The items of a vector, top first."""
    while vector is not None:
        yield vector[0]
        vector = vector[1]


def _on_top(top: Vector, bottom: Vector) -> Vector:
    """The vector ``top`` placed on ``bottom`` (copies ``top``'s cells)."""
    if bottom is None:
        return top
    for item in reversed(list(_items(top))):
        bottom = (item, bottom)
    return bottom


class _Clash(Exception):
    pass


class _Use:
    """A variable's type where the variable is run: under extension per use, each run may
    extend the variable's type below (``ρ_i·A ⇒ ρ_i·B`` for ``x : A ⇒ B``)."""

    __slots__ = ("type",)

    def __init__(self, t: Any) -> None:
        self.type = t


#: the sorts arithmetic and the orders take (the machine's primitives refuse the others)
_NUMBER_SORTS = ("int", "rat", "sym")

#: the empty rest of memory: the value every generalized bottom row takes once inference ends
_EPSILON = _MV(-1)
#: marks a pushed term on the inference's stack: a value, not run
_VALUE = object()


class _Inference:
    """One inference run. With ``occurs_check=False`` (the fast path) variables are bound without
    the occurs check and cycles are looked for once at the end (:meth:`acyclic`); a term found
    cyclic is typed again with the check, which names the sub-term where it fails."""

    def __init__(
        self, occurs_check: bool = True, extend: bool = False, record: bool = False, jumps: bool | None = None
    ) -> None:
        self.counter = itertools.count()
        # (rule, term, type, the variable's own type for a run) in post-order, when recording
        self.judgements: list[tuple[str, Term, Any, Any]] | None = [] if record else None
        self.occurs_check = occurs_check
        # extension per use: a run of a variable whose type is an arrow instantiates it below
        # (:meth:`instantiate`); a pushed constant may be typed as its jump (:meth:`subsume`)
        self.extend = extend
        self.jumps = extend if jumps is None else jumps  # the second alone: constants as jumps
        # each run of a variable of known type: (its type, the extension, the instance's
        # memories, whether the type is a value's)
        self.instances: list[tuple[_Arrow, _MV, list[_Mem], bool]] = []
        self.arrows: list[_Arrow] = []  # every arrow made (to tell an exit a type does not have)
        self.bindings = 0  # how many variables unification has bound (to see a fixed point)
        # (pushed value's type, the slot's type, the constant's label where a constant is pushed)
        self.subsumed: list[tuple[Any, Any, Any]] = []
        self.created: list[Any] = []
        # type variables run as computations, not yet known to be thunks or constants: a constant
        # run is a jump, a thunk is the computation itself (decided when the variable is bound)
        self.runs: dict[int, tuple[_TV, list[_Arrow]]] = {}
        self.sorts: set[int] = set()  # type variables of primitives' arguments: base sorts only
        self.numbers: set[int] = set()  # of arithmetic's and orders' arguments: int, rat or sym
        self.roots: list[Any] = []  # the term's input and its variables' types: the caller's rows
        self.declared_absent: set[int] = set()  # rows of exits a given type does not list
        # the exit keys every arrow has: the families, then the names listed on their own
        self.keys: tuple[str, ...] = FAMILIES

    def list_labels(self, *sources: Any) -> None:
        """List on its own each label that ``sources`` (terms, given types) catch or list."""
        own = set(self.keys[len(FAMILIES) :])
        for source in sources:
            own |= _terms_labels(source) if isinstance(source, Term) else _types_labels(source)
        self.keys = FAMILIES + tuple(sorted(own))

    def key(self, label: Any) -> str:
        """The exit key of a label: a label listed on its own is its own key, else its family's."""
        return _exit_key(label, self.keys)

    def new_arrow(self, input: _Mem, output: _Mem, exits: dict[str, _Mem]) -> _Arrow:
        a = _Arrow(input, output, exits)
        self.arrows.append(a)
        return a

    def tv(self) -> _TV:
        v = _TV(next(self.counter))
        self.created.append(v)
        return v

    def mv(self) -> _MV:
        v = _MV(next(self.counter))
        self.created.append(v)
        return v

    def exits(self) -> dict[str, _Mem]:
        """A fresh memory for each exit key (:attr:`keys`)."""
        return {key: _Mem(self.mv()) for key in self.keys}

    def arrow(self) -> _Arrow:
        row = self.mv()
        return self.new_arrow(_Mem(row), _Mem(row), self.exits())

    # -- resolution ---------------------------------------------------------------------------
    @staticmethod
    def prune(t: Any) -> Any:
        """What a type variable is bound to, through its chain; the chain is then compressed."""
        end = t
        while isinstance(end, _TV) and end.ref is not None:
            end = end.ref
        while isinstance(t, _TV) and t.ref is not None and t.ref is not end:
            t.ref, t = end, t.ref
        return end

    @staticmethod
    def mem(m: _Mem) -> _Mem:
        """``m`` with its row resolved to an unbound memory variable, in time linear in the parts.

        The chain ``m.row = ρ1·P1``, ``ρ1 = ρ2·P2``, ... is rebuilt from the bottom so that each
        part is copied once, and every row on it is rebound directly to the unbound end (path
        compression); ``m`` itself is updated in place.
        """
        if m.row.ref is None:
            return m
        chain: list[_MV] = []
        row = m.row
        while row.ref is not None:
            chain.append(row)
            row = row.ref.row
        end = row
        acc: dict[str, Vector] = {}
        for bound in reversed(chain):
            part = bound.ref.vectors  # type: ignore[union-attr]
            acc = dict(acc)
            for loc, vector in part.items():
                acc[loc] = _on_top(vector, acc.get(loc))
            bound.ref = _Mem(end, acc)
        vectors = dict(acc)
        for loc, vector in m.vectors.items():
            vectors[loc] = _on_top(vector, vectors.get(loc))
        m.row = end
        m.vectors = {loc: v for loc, v in vectors.items() if v is not None}
        return m

    # -- unification --------------------------------------------------------------------------
    def unify(self, a: Any, b: Any) -> None:
        self.drain([("t", a, b)])

    def drain(self, work: list[tuple[str, Any, Any]]) -> None:
        seen: set[tuple[int, int]] = set()
        while work:
            kind, x, y = work.pop()
            if kind == "m":
                if (id(x), id(y)) not in seen:
                    seen.add((id(x), id(y)))
                    self.unify_memories(x, y, work)
                continue
            if kind == "run":  # x was run as the computation y: a jump if it is a constant
                x = self.prune(x)
                if isinstance(x, _TV):
                    self.runs.setdefault(id(x), (x, []))[1].append(y)
                elif isinstance(x, Base):
                    work.extend(self.jump(x.name, y))
                else:
                    work.append(("t", self.instantiate(x) if self.extend else x, y))
                continue
            x, y = self.prune(x), self.prune(y)
            if x is y:
                continue
            if isinstance(x, _TV):
                self.bind(x, y)
                work.extend(("run", y, a) for a in self.runs.pop(id(x), (x, []))[1])
            elif isinstance(y, _TV):
                self.bind(y, x)
                work.extend(("run", x, a) for a in self.runs.pop(id(y), (y, []))[1])
            elif isinstance(x, Base) and isinstance(y, Base):
                if x != y:
                    raise _Clash(f"{x.name} ≠ {y.name}")
            elif isinstance(x, _Arrow) and isinstance(y, _Arrow):
                if (id(x), id(y)) not in seen:
                    seen.add((id(x), id(y)))
                    work.append(("m", x.input, y.input))
                    work.append(("m", x.output, y.output))
                    work.extend(("m", x.exits[f], y.exits[f]) for f in self.keys)
            else:
                base, arrow = (x, y) if isinstance(x, Base) else (y, x)
                raise _Clash(f"a constant of sort {base.name} is used as a computation {{arrow}}", base, arrow)

    def bind(self, v: _TV, t: Any) -> None:
        if id(v) in self.sorts:
            if isinstance(t, _Arrow):
                raise _Clash("a primitive's argument would be a computation, not a value of a base sort")
            if isinstance(t, _TV):
                self.sorts.add(id(t))
        if id(v) in self.numbers:
            if isinstance(t, Base) and t.name not in _NUMBER_SORTS:
                raise _Clash(f"arithmetic and orders take numbers, not {t.name}")
            if isinstance(t, _TV):
                self.numbers.add(id(t))
        if self.occurs_check and any(x is v for x in self.walk(t)):
            raise _Clash("a type would contain itself (occurs check)")
        v.ref = t
        self.bindings += 1

    def unify_memories(self, m1: _Mem, m2: _Mem, work: list[tuple[str, Any, Any]]) -> None:
        m1, m2 = self.mem(m1), self.mem(m2)
        extra1: dict[str, Vector] = {}
        extra2: dict[str, Vector] = {}
        for loc in m1.vectors.keys() | m2.vectors.keys():
            v1, v2 = m1.vectors.get(loc), m2.vectors.get(loc)
            while v1 is not None and v2 is not None:
                if v1 is v2:  # a shared tail: the rest is alike item by item
                    v1 = v2 = None
                    break
                work.append(("t", v1[0], v2[0]))
                v1, v2 = v1[1], v2[1]
            if v1 is not None:
                extra1[loc] = v1
            if v2 is not None:
                extra2[loc] = v2
        r1, r2 = m1.row, m2.row
        if r1 is r2:
            if extra1 or extra2:
                loc = next(iter(extra1 or extra2))
                raise _Clash(f"location {loc} would need a stack of two different depths")
            return
        if not extra1 and r1 is not _EPSILON:
            self.bind_row(r1, _Mem(r2, extra2))
        elif not extra2 and (r2 is not _EPSILON or extra1):
            self.bind_row(r2, _Mem(r1, extra1))  # ε = ρ·(extra) raises
        else:
            r3 = self.mv()
            self.bind_row(r1, _Mem(r3, extra2))
            self.bind_row(r2, _Mem(r3, extra1))

    def bind_row(self, row: _MV, m: _Mem) -> None:
        if row is _EPSILON:
            raise _Clash("a stack would need items below the empty rest of its memory")
        if self.occurs_check:
            for vector in m.vectors.values():
                for t in _items(vector):
                    if any(x is row for x in self.walk(t)):
                        raise _Clash("a memory type would contain itself (occurs check)")
        row.ref = m
        self.bindings += 1

    def walk(self, t: Any) -> Iterator[Any]:
        """Every type variable, memory variable and sub-type reachable from ``t`` (iteratively)."""
        stack, seen = [t], set()
        while stack:
            x = self.prune(stack.pop())
            if id(x) in seen:
                continue
            seen.add(id(x))
            yield x
            if isinstance(x, _Arrow):
                for m in map(self.mem, x.memories()):
                    yield m.row
                    for vector in m.vectors.values():
                        stack.extend(_items(vector))

    def acyclic(self) -> bool:
        """No type reachable from any variable contains itself (iterative depth-first search)."""
        state: dict[int, int] = {}  # 1: on the current path, 2: done
        for start in self.created:
            if id(start) in state or start.ref is None:  # an unbound variable leads nowhere
                continue
            stack: list[tuple[Any, bool]] = [(start, False)]
            while stack:
                node, leaving = stack.pop()
                if leaving:
                    state[id(node)] = 2
                    continue
                mark = state.get(id(node))
                if mark == 2:
                    continue
                if mark == 1:
                    return False
                state[id(node)] = 1
                stack.append((node, True))
                stack.extend((child, False) for child in self.successors(node))
        return True

    @staticmethod
    def successors(node: Any) -> list[Any]:
        if isinstance(node, _TV | _MV):
            return [] if node.ref is None else [node.ref]
        if isinstance(node, _Arrow):
            return node.memories()
        if isinstance(node, _Mem):
            return [node.row, *(v for v in node.vectors.values() if v is not None)]
        if isinstance(node, tuple):  # a cell of a vector: its item and the rest (shared tails once)
            return [node[0]] if node[1] is None else [node[0], node[1]]
        return []

    # -- the rules ----------------------------------------------------------------------------
    def infer(self, term: Term, env: Mapping[str, Any], expected: Any = None) -> tuple[Any, dict[str, Any]]:
        """Post-order over the term with an explicit stack; returns (type, free-variable types).
        ``expected``: a type the term's is unified with before the open ends are settled (so
        the lengths it gives are known when they are)."""
        scope: dict[str, list[Any]] = {name: [t] for name, t in env.items()}
        free: dict[str, Any] = {}
        results: list[Any] = []
        stack: list[tuple[int, Term, Any]] = [(0, term, None)]
        while stack:
            phase, node, extra = stack.pop()
            if phase == 0:
                if isinstance(node, Push):
                    stack.append((1, node, None))
                    stack.append((0, node.body, None))
                    stack.append((0, node.term, _VALUE))
                elif isinstance(node, Pop):
                    t = self.tv()
                    scope.setdefault(node.variable, []).append(t)
                    stack.append((1, node, t))
                    stack.append((0, node.body, None))
                elif isinstance(node, Seq):
                    stack.append((1, node, None))
                    stack.append((0, node.then, None))
                    stack.append((0, node.first, None))
                elif isinstance(node, Case):
                    stack.append((1, node, None))
                    stack.extend((0, body, None) for _, body in reversed(branches(node.frame)))
                    stack.append((0, node.first, None))
                elif isinstance(node, Loop):
                    stack.append((1, node, None))
                    stack.append((0, node.body, None))
                elif isinstance(node, Prim):
                    try:
                        results.append(self.primitive(node.name))
                    except _Clash as clash:
                        raise self.error(clash, node) from None
                    self.judge("prim", node, results[-1])
                elif isinstance(node, Var | Skip | Const):
                    try:
                        results.append(self.leaf(node, scope, free, extra is _VALUE))
                    except _Clash as clash:
                        raise self.error(clash, node) from None
                else:
                    raise TypingError(f"not a term of the FMC: {node.head}", node)
                continue
            try:
                results.append(self.build(node, extra, results))
            except _Clash as clash:
                raise self.error(clash, node) from None
            finally:
                if isinstance(node, Pop):
                    scope[node.variable].pop()
            self.judge(type(node).__name__.lower(), node, results[-1])
        try:
            whole = self.computation(results[0], "term")
            if expected is not None:
                self.unify(whole, expected)
            # what the caller gives: the input memory (a pseudo-arrow to walk it), the variables
            self.roots = [_Arrow(whole.input, _Mem(_EPSILON), {}), *free.values(), *env.values()]
            self.settle()
            return whole, free
        except _Clash as clash:
            raise self.error(clash, term) from None

    def leaf(self, node: Term, scope: dict[str, list[Any]], free: dict[str, Any], value: bool) -> Any:
        """Skip, a constant or a variable; ``value``: it is pushed (a value, typed as itself),
        else it is run (a constant is a jump, a variable an instance of its type)."""
        if isinstance(node, Skip):
            return self.judge("skip", node, self.arrow())
        if isinstance(node, Const):
            sort = Base(base_sort(node.value))
            if value:
                return self.judge("value", node, sort)
            return self.judge("jump", node, self.computation(sort, "", node.value))
        assert isinstance(node, Var)
        bound = scope.get(node.name)
        t = bound[-1] if bound else free.setdefault(node.name, self.tv())
        if value:
            return self.judge("value", node, t)
        run = self.computation(_Use(t) if self.extend else t, "variable")
        return self.judge("variable", node, run, t)

    def judge(self, rule: str, node: Term, t: Any, assumption: Any = None) -> Any:
        """Record the judgement ``node : t`` by ``rule`` (post-order) when a derivation is wanted."""
        if self.judgements is not None:
            self.judgements.append((rule, node, t, assumption))
        return t

    def jump(self, sort: str, a: _Arrow, label: Any = None) -> list[tuple[str, Any, Any]]:
        """A constant run as ``a``: ``ρ ⇒ {j: ρ}``, the input left at the label's exit key. A
        constant whose label is not known (a value of a sort) may be any of its sort: its jump
        may leave at the family or at any label of the sort listed on its own."""
        if label is not None:
            return [("m", a.input, a.exits[self.key(label)])]
        keys = [family_of_sort(sort), *(k for k in self.keys[len(FAMILIES) :] if _key_sort(k) == sort)]
        return [("m", a.input, a.exits[k]) for k in keys]

    def computation(self, t: Any, part: str, label: Any = None) -> _Arrow:
        if isinstance(t, _Use):  # a variable run: an instance of its type, extended below
            t = self.prune(t.type)
            if isinstance(t, _Arrow):
                return self.instantiate(t)
        t = self.prune(t)
        if isinstance(t, _Arrow):
            return t
        if isinstance(t, Base):  # FMC III: a constant run is a jump with a label of its family
            a = self.new_arrow(_Mem(self.mv()), _Mem(self.mv()), self.exits())
            self.drain(self.jump(t.name, a, label))
            return a
        a = self.new_arrow(_Mem(self.mv()), _Mem(self.mv()), self.exits())
        if isinstance(t, _TV):
            self.runs.setdefault(id(t), (t, []))[1].append(a)
        else:
            self.unify(t, a)
        return a

    def settle(self) -> None:
        """Variables run but never bound are thunks: each is the computation it was run as (a
        variable with no value to tell its type runs at one depth: its uses are unified). The
        slot of a pushed constant (directly or through variables) that is run and that nothing
        else types is settled first: it holds the constant, each run its jump ``ρ ⇒ {j: ρ}``.
        Pushed constants whose slot is still open are then typed as themselves."""
        while True:
            self.subsume(final=False)
            if self.runs:
                slots = self.open_slots()
                key = next((k for k in self.runs if k in slots), None)
                if key is not None:  # a pushed constant's slot, run: it holds the constant's jump
                    v, arrows = self.runs.pop(key)
                    sort, label = slots[key]
                    self.bind(v, sort)
                    self.drain([w for a in arrows for w in self.jump(sort.name, a, label)])
                    continue
                _, (v, arrows) = self.runs.popitem()
                if self.prune(v) is v:  # no value tells its type: its first run does
                    self.drain([("t", v, arrows[0])])
                    if self.extend:
                        self.drain([("t", self.instantiate(arrows[0], of_value=False), a) for a in arrows[1:]])
                    else:
                        self.drain([("t", arrows[0], a) for a in arrows[1:]])
                else:
                    self.drain([("run", v, a) for a in arrows])
                continue
            if not self.subsume(final=True):
                break
        self.extend_instances()

    def open_slots(self) -> dict[int, tuple[Base, Any]]:
        """The slots still open (type variables) that hold a pushed constant, directly or through
        slots of variables holding one (``[3].⟨x⟩.[x]``): the constant's sort and label."""
        pushed_into: dict[int, tuple[Any, Any]] = {}
        for pushed, slot, label in self.subsumed:
            s = self.prune(slot)
            if isinstance(s, _TV):
                pushed_into[id(s)] = (self.prune(pushed), label)
        slots: dict[int, tuple[Base, Any]] = {}
        for start in pushed_into:
            chain, key = [start], start
            while key in pushed_into and key not in slots:
                p, label = pushed_into[key]
                if isinstance(p, Base):
                    slots[key] = (p, label)
                    break
                if not isinstance(p, _TV) or id(p) in chain:
                    break
                key = id(p)
                chain.append(key)
            found = slots.get(key)
            if found is not None:
                slots.update((k, found) for k in chain)
        return slots

    def instantiate(self, t: _Arrow, of_value: bool = True) -> _Arrow:
        """A run of a variable of type ``A ⇒ {⋆: B, j: C...}``: an instance
        ``E·A ⇒ {⋆: E·B, j: E·C...}`` with ``E`` fresh, the variable's type extended below.

        The type may still grow below while inference goes on, so each memory of the instance
        gets a bottom of its own, and :meth:`extend_instances` makes it ``E`` followed by what
        the type's memory grew by, once inference ends; the type's own bottoms are then the
        empty rest ε. ``of_value``: the type is a value's (or a declared one), so an output or
        exit that nothing in the type produces is one the value does not have (see
        :meth:`absent`); a variable typed by its first run (no value) has every exit."""
        # memories of the type that share a row share one in the copy: the instance of a type
        # ``ρ·A ⇒ ρ·B`` is ``E·A ⇒ E·B`` at once, so what the run's input holds below A is known
        # below B while inference goes on (a store cell read at several depths keeps its type)
        rows: dict[int, _MV] = {}
        copies = [_Mem(rows.setdefault(id(m.row), self.mv()), dict(m.vectors)) for m in map(self.mem, t.memories())]
        self.instances.append((t, self.mv(), copies, of_value))
        return self.new_arrow(copies[0], copies[1], dict(zip(t.exits, copies[2:], strict=True)))

    def absent(self, t: _Arrow, exposed: set[int]) -> list[bool]:
        """Which memories of a value's type ``t`` are exits it does not have: an output or exit
        with nothing on it whose row occurs nowhere else in ``t`` (a value that exits with j
        leaves a memory it made from its input, so that exit's row is found in its input or
        under something it pushed). A row in ``exposed`` (one the term's type or its
        variables' show) is never absent: the caller chooses it, a value may well exit there."""
        counts: dict[int, int] = {}
        for x in self.walk(t):
            if isinstance(x, _MV):
                counts[id(x)] = counts.get(id(x), 0) + 1
        return [
            i > 0
            and not m.vectors
            and m.row is not _EPSILON
            and counts.get(id(m.row), 0) <= 1
            and id(m.row) not in exposed
            for i, m in enumerate(map(self.mem, t.memories()))
        ]

    def extend_instances(self) -> None:
        """Each instance's memory is ``E`` followed by its type's memory (the type's bottoms taken
        as ε), unified until nothing changes; then the types' bottoms are set to ε. A value's
        exit it does not have is left apart (its instance's memory says nothing)."""
        while True:
            before = self.bindings
            exposed = self.exposed()
            for t, extension, copies, of_value in self.instances:
                absent = self.absent(t, exposed) if of_value else [False] * len(copies)
                self.drain(
                    [
                        ("m", copy, _Mem(extension, dict(self.mem(m).vectors)))
                        for m, copy, away in zip(t.memories(), copies, absent, strict=True)
                        if not away
                    ]
                )
            if self.bindings == before:
                break
        exposed = self.exposed()
        for t, _, _, of_value in self.instances:
            absent = self.absent(t, exposed) if of_value else [False] * len(t.memories())
            for m, away in zip(map(self.mem, t.memories()), absent, strict=True):
                if not away and m.row is not _EPSILON:
                    self.bind_row(m.row, _Mem(_EPSILON))

    def exposed(self) -> set[int]:
        """The rows the caller chooses: those of the term's input memory and of its variables'
        types (:attr:`roots`). A value the term itself leaves in its output has the exits its
        own type gives it: its unused rows may be absent exits."""
        rows = {id(x) for root in self.roots for x in self.walk(root) if isinstance(x, _MV)}
        return rows - self.declared_absent

    def subsume(self, final: bool) -> bool:
        """``[c].M`` with c a constant (or a variable of base sort): the slot holds c's sort, or,
        where the slot's value is run, c's jump ``ρ ⇒ {family: ρ}`` (a constant run is a jump).
        Pairs still open wait; with ``final`` they are unified. Returns whether one was settled."""
        waiting: list[tuple[Any, Any, Any]] = []
        settled = False
        for pushed, slot, label in self.subsumed:
            p, s = self.prune(pushed), self.prune(slot)
            if isinstance(p, Base) and isinstance(s, _Arrow):
                self.drain(self.jump(p.name, s, label))
            elif final or isinstance(p, _Arrow) or isinstance(s, Base) or p is s:
                self.unify(p, s)
            else:
                waiting.append((pushed, slot, label))
                continue
            settled = True
        self.subsumed = waiting
        return settled

    def primitive(self, name: str) -> _Arrow:
        """``ρ·λ(v1 ... vn) ⇒ ρ·λ(r)``: + - * % take two numbers of one sort (int, rat, sym) to it,
        the orders two numbers of one sort to bool, == and != two constants of one sort to bool,
        not bool to bool; error takes a string and never exits."""
        if name == "/":
            raise _Clash("'/' has no simple type: its result is an int or a rat depending on the values")
        row = self.mv()
        if name == "not":
            arguments, result = [Base("bool")], Base("bool")
        elif name == "error":
            return self.new_arrow(_Mem(row, {DEFAULT: (Base("str"), None)}), _Mem(self.mv()), self.exits())
        else:
            sort = self.tv()
            self.sorts.add(id(sort))
            if name not in ("==", "!="):
                self.numbers.add(id(sort))
            arguments = [sort, sort]
            result = Base("bool") if name in ("==", "!=", "<", "<=", ">", ">=") else sort
        vector: Vector = None
        for item in reversed(arguments):  # the first argument on top
            vector = (item, vector)
        return self.new_arrow(_Mem(row, {DEFAULT: vector}), _Mem(row, {DEFAULT: (result, None)}), self.exits())

    def build(self, node: Term, extra: Any, results: list[Any]) -> Any:
        if isinstance(node, Push):
            body = self.computation(results.pop(), "body")
            pushed = results.pop()
            if isinstance(pushed, _Use):
                pushed = pushed.type
            if self.jumps and isinstance(node.term, Var | Const):
                slot = self.tv()  # a constant (or a variable holding one) may be pushed as its jump
                self.subsumed.append((pushed, slot, node.term.value if isinstance(node.term, Const) else None))
                pushed = slot
            rest = _Mem(self.mv())
            self.drain([("m", body.input, _Mem(rest.row, {node.location: (pushed, None)}))])
            return self.new_arrow(rest, body.output, body.exits)
        if isinstance(node, Pop):
            body = self.computation(results.pop(), "body")
            m = self.mem(body.input)
            vectors = dict(m.vectors)
            vectors[node.location] = (extra, vectors.get(node.location))
            return self.new_arrow(_Mem(m.row, vectors), body.output, body.exits)
        if isinstance(node, Loop):
            return self.loop(node, self.computation(results.pop(), "body of the loop"))
        if isinstance(node, Case):
            pairs = branches(node.frame)
            bodies = [self.computation(r, "branch") for r in results[len(results) - len(pairs) :]]
            del results[len(results) - len(pairs) :]
            first = self.computation(results.pop(), "computation before the frame")
            return self.case(first, [(label, body) for (label, _), body in zip(pairs, bodies, strict=True)])
        assert isinstance(node, Seq)
        then = self.computation(results.pop(), "second part of the sequence")
        first = self.computation(results.pop(), "first part of the sequence")
        self.drain([("m", first.output, then.input)])
        self.drain([("m", first.exits[f], then.exits[f]) for f in self.keys])  # exits of N pass M
        return self.new_arrow(first.input, then.output, then.exits)

    def case(self, first: _Arrow, arms: list[tuple[Any, _Arrow]]) -> _Arrow:
        """``N ; {j -> Mj | ...}``: each branch starts from N's exit memory for its label's key
        (``⋆``: N's output); all branches and what passes end alike. A name listed on its own is
        caught whole; a family with some labels caught (an int, a string, one of True and
        False) may have others that pass (or reach ``_``): its memory is shared with them."""
        out = self.new_arrow(first.input, _Mem(self.mv()), self.exits())
        work: list[tuple[str, Any, Any]] = []
        labels = [label for label, _ in arms]
        default = next((body for label, body in arms if label == ANY), None)
        caught = {self.key(label) for label in labels if label not in (STAR, ANY)} - set(FAMILIES)
        if Name("True") in labels and Name("False") in labels:
            caught.add("bool")
        for label, body in arms:
            if label == STAR:
                work.append(("m", body.input, first.output))
            elif label != ANY:
                work.append(("m", body.input, first.exits[self.key(label)]))
            work.append(("m", body.output, out.output))
            work.extend(("m", body.exits[f], out.exits[f]) for f in self.keys)
        passing = out if default is None else default
        if STAR not in labels:
            work.append(("m", first.output, passing.output if default is None else default.input))
        for f in self.keys:
            if f not in caught:
                work.append(("m", first.exits[f], out.exits[f] if default is None else default.input))
        self.drain(work)
        return out

    def loop(self, node: Loop, body: _Arrow) -> _Arrow:
        """``M^j``: exit j runs M again, so j's memory is M's input; other exits leave (j itself
        never leaves where it is listed on its own; a family's other labels do)."""
        if node.label == STAR:
            self.drain([("m", body.output, body.input)])
            return self.new_arrow(body.input, _Mem(self.mv()), body.exits)
        key = self.key(node.label)
        self.drain([("m", body.exits[key], body.input)])
        exits = body.exits if key in FAMILIES else {**body.exits, key: _Mem(self.mv())}
        return self.new_arrow(body.input, body.output, exits)

    def error(self, clash: _Clash, node: Term) -> TypingError:
        from machine_calculus.calculus.fmc.printer import to_unicode

        text = to_unicode(node)
        shown = text if len(text) <= 80 else text[:77] + "..."
        message = str(clash.args[0])
        if len(clash.args) == 3:
            # without the occurs check the graph may be cyclic: the checked run names the type
            shown_type = pretty_type(self.freeze(clash.args[2])) if self.occurs_check else "(a computation)"
            message = message.replace("{arrow}", shown_type)
        return TypingError(f"cannot type {shown}: {message}", node)

    # -- back to immutable types --------------------------------------------------------------
    def freeze(self, t: Any, counts: dict[int, int] | None = None, memo: dict[int, Type] | None = None) -> Type:
        """The immutable type of ``t`` (iterative; the graph must be acyclic). Exit memories that
        say nothing are left out (``counts``: row occurrences over everything being frozen);
        ``memo`` shares the frozen parts between several calls."""
        counts = self.row_counts(t) if counts is None else counts
        memo = {} if memo is None else memo
        stack: list[tuple[Any, bool]] = [(t, False)]
        while stack:
            x, ready = stack.pop()
            x = self.prune(x)
            if id(x) in memo:
                continue
            if isinstance(x, _TV):
                memo[id(x)] = TypeVariable(f"t{x.id}")
            elif isinstance(x, Base):
                memo[id(x)] = x
            elif not ready:
                stack.append((x, True))
                for m in map(self.mem, x.memories()):
                    for vector in m.vectors.values():
                        stack.extend((i, False) for i in _items(vector))
            else:
                exits = tuple(
                    (f, self.freeze_mem(m, memo)) for f, m in sorted(x.exits.items()) if not self.idle(m, counts)
                )
                memo[id(x)] = Arrow(self.freeze_mem(x.input, memo), self.freeze_mem(x.output, memo), exits)
        return memo[id(self.prune(t))]

    def idle(self, m: _Mem, counts: dict[int, int]) -> bool:
        """An exit memory that says nothing: an unbound row with no vectors, found nowhere else."""
        m = self.mem(m)
        return not m.vectors and (counts.get(id(m.row), 0) <= 1 or m.row is _EPSILON)

    def row_counts(self, t: Any, seen: set[int] | None = None) -> dict[int, int]:
        """How many memories of the type graph from ``t`` have each row variable (``seen``: arrows
        already counted, shared between calls)."""
        counts: dict[int, int] = {}
        stack, seen = [t], set() if seen is None else seen
        while stack:
            x = self.prune(stack.pop())
            if id(x) in seen or not isinstance(x, _Arrow):
                continue
            seen.add(id(x))
            for m in map(self.mem, x.memories()):
                counts[id(m.row)] = counts.get(id(m.row), 0) + 1
                for vector in m.vectors.values():
                    stack.extend(_items(vector))
        return counts

    def freeze_mem(self, m: _Mem, memo: dict[int, Type]) -> MemoryType:
        m = self.mem(m)
        stacks = tuple(
            (loc, tuple(memo[id(self.prune(i))] for i in reversed(list(_items(vector)))))
            for loc, vector in sorted(m.vectors.items(), key=lambda kv: (kv[0] != DEFAULT, kv[0]))
            if vector is not None
        )
        return MemoryType("ε" if m.row is _EPSILON else f"r{m.row.id}", stacks)

    def thaw(self, t: Type, variables: dict[str, Any]) -> Any:
        """A mutable copy of ``t`` whose variables are those in ``variables`` (made fresh on demand)."""
        return fold_type(
            t,
            lambda v: variables.setdefault("t:" + v.name, self.tv()),
            lambda a, result: self.new_arrow(
                self.thaw_mem(a.input, result, variables),
                self.thaw_mem(a.output, result, variables),
                {
                    f: self.thaw_mem(dict(a.exits)[f], result, variables)
                    if f in dict(a.exits)
                    else self.unlisted_exit(a, f, result, variables)
                    for f in self.keys
                },
            ),
        )

    def unlisted_exit(self, a: Arrow, key: str, result: Callable[[Type], Any], variables: dict[str, Any]) -> _Mem:
        """The exit memory for ``key`` of a given type that does not list it: a label not listed on
        its own is one of its family (the family's memory, where listed); else an exit the type
        does not have (a row of its own, :data:`_EXIT_KEY`)."""
        listed = dict(a.exits)
        family = key if key in FAMILIES else family_of_sort(_key_sort(key))
        if key != family and family in listed:
            return self.thaw_mem(listed[family], result, variables)
        return _Mem(variables.setdefault(f"{_EXIT_KEY}{len(variables)}", self.mv()))

    def thaw_mem(self, m: MemoryType, result: Callable[[Type], Any], variables: dict[str, Any]) -> _Mem:
        row = _EPSILON if m.row == "ε" else variables.setdefault("r:" + m.row, self.mv())
        vectors: dict[str, Vector] = {}
        for loc, items in m.stacks:
            vector: Vector = None
            for item in items:  # bottom to top
                vector = (result(item), vector)
            vectors[loc] = vector
        return _Mem(row, vectors)


#: the key :meth:`_Inference.thaw` gives the row of an exit a type does not list
_EXIT_KEY = "r:exit "


class _Names:
    """Canonical names in order of first appearance: t, u, v, w, t1, ... and ρ, σ, π, ρ1, ..."""

    TYPES = ("t", "u", "v", "w")
    ROWS = ("ρ", "σ", "π", "κ")

    def __init__(self) -> None:
        self.types: dict[Any, str] = {}
        self.rows: dict[Any, str] = {}

    def type(self, key: Any) -> str:
        return self.types.setdefault(key, _nth(self.TYPES, len(self.types)))

    def row(self, key: Any) -> str:
        return self.rows.setdefault(key, _nth(self.ROWS, len(self.rows)))


def _nth(base: tuple[str, ...], n: int) -> str:
    q, r = divmod(n, len(base))
    return base[r] + (str(q) if q else "")


# -- the public functions -------------------------------------------------------------------------


#: The families of exit labels a type tells apart: True and False, the other capitalized names,
#: integers, rationals, strings and symbolic constants; a label listed on its own has its own key
#: (:func:`label_key`). ``⋆`` is the arrow's output.
FAMILIES = ("bool", "name", "int", "rat", "str", "sym")


def family_of_sort(sort: str) -> str:
    """The label family a constant of base sort ``sort`` jumps with when run."""
    return sort


def label_key(label: Any) -> str | None:
    """The key a label has where a type lists it on its own: a name as itself (``Cons``), a string
    quoted (``"break"``), a number as written (``3``, ``1/2``); None for True and False (bool
    is one family, True+False) and for symbolic labels (their equality is not decided)."""
    if isinstance(label, Name):
        return None if label.text in ("True", "False") else label.text
    if isinstance(label, str):
        return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if is_sympy(label) and label.is_Rational:
        return str(label)
    return None


def _key_sort(key: str) -> str:
    """The sort of the labels a key listed on its own stands for (the inverse of :func:`label_key`)."""
    if key.startswith('"'):
        return "str"
    if key[0].isupper():
        return "name"
    return "rat" if "/" in key else "int"


def _exit_key(label: Any, listed: Collection[str]) -> str:
    """The key of ``label`` among the exit keys ``listed``: its own, if listed, else its family."""
    own = label_key(label)
    return own if own is not None and own in listed else family_of_label(label)


def exit_memory(t: Arrow, label: Any) -> MemoryType | None:
    """The memory ``t`` says an exit with ``label`` leaves (``⋆``: the output): the label's own
    entry where ``t`` lists it, else its family's; None where ``t`` has no such exit."""
    if label == STAR:
        return t.output
    listed = dict(t.exits)
    return listed.get(_exit_key(label, listed))


#: at most this many labels are listed on their own (each arrow has an exit per key: more would
#: make inference cost labels × nodes); the rest are typed by their families
MAX_OWN_LABELS = 64


def _terms_labels(term: Term) -> set[str]:
    """The labels a term lists on its own: those it catches (case frames' and loops' labels),
    then the names it jumps with (a constant run), at most :data:`MAX_OWN_LABELS` in all."""
    caught: list[Any] = []  # labels caught; True, False, ⋆ and _ have no key of their own
    jumped: list[Any] = []
    seen: set[int] = set()
    stack: list[Term] = [term]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Push):  # a pushed constant is a value, not a jump
            stack.extend((node.body,) if isinstance(node.term, Const) else (node.body, node.term))
            continue
        if isinstance(node, Const) and isinstance(node.value, Name):
            jumped.append(node.value)
        elif isinstance(node, Case):
            caught.extend(label for label, _ in branches(node.frame))
        elif isinstance(node, Loop):
            caught.append(node.label)
        stack.extend(children(node))
    own_caught = {k for k in map(label_key, caught) if k is not None}
    own_jumped = {k for k in map(label_key, jumped) if k is not None} - own_caught
    ordered = sorted(own_caught) + sorted(own_jumped)
    return set(ordered[:MAX_OWN_LABELS])


def _types_labels(t: Type) -> set[str]:
    """The names a given type lists on their own (its exits' keys that are no family)."""
    own: set[str] = set()
    fold_type(
        t,
        lambda v: None,
        lambda a, result: own.update(k for k, _ in a.exits if k not in FAMILIES),
    )
    return own


def family_of_label(label: Any) -> str:
    """The family of a (non-``⋆``, non-``_``) label."""
    if is_sympy(label) and label.free_symbols:  # a number has none
        return "sym"
    return family_of_sort(base_sort(label))


def base_sort(value: Any) -> str:
    """The base sort of a constant: int, rat, str, bool, sym or name."""
    if isinstance(value, str):
        return "str"
    if isinstance(value, Name):
        return "bool" if value.text in ("True", "False") else "name"
    if not is_sympy(value):
        raise ValueError(f"not a constant value: {value!r}")
    import sympy

    if isinstance(value, sympy.Symbol):
        return "sym"
    if isinstance(value, sympy.Integer):
        return "int"
    if isinstance(value, sympy.Rational):
        return "rat"
    if value.free_symbols:
        return "sym"
    raise ValueError(f"not a constant value: {value!r}")


def infer(term: Term, env: Mapping[str, Type] | None = None, given: Type | None = None) -> Typing:
    """The principal type of ``term`` (free variables get types too); raises :class:`TypingError`.

    First with each variable's type used as it is (every run at one depth, which finds the
    principal type when one exists); a term that fails so is typed again with **extension per
    use**: each run of a variable whose type is known may extend it below, and a pushed constant
    may be typed as its jump (docs/types-and-effects.md says which terms this types); then
    with extension per use alone (a thunk pushed through variables is then never a slot to settle).

    ``given``: what is known of the type (say, the input memory's cells, the rest left to
    variables): the result is the most general type found that is an instance of it. It is
    unified before the open ends are settled, as in :func:`has_type`."""
    return typed(term, env, given=given)[0]


def typed(
    term: Term, env: Mapping[str, Type] | None = None, record: bool = False, given: Type | None = None
) -> tuple[Typing, Any]:
    """:func:`infer`, with the inference itself (its judgements when ``record``)."""
    with collector_paused():
        try:
            return _infer(term, env, extend=False, record=record, given=given)
        except TypingError as monomorphic:
            for jumps in (True, False):  # constants pushed through variables as jumps, or not
                try:
                    return _infer(term, env, extend=True, record=record, given=given, jumps=jumps)
                except TypingError:
                    pass
            raise monomorphic from None


def _infer(
    term: Term,
    env: Mapping[str, Type] | None,
    extend: bool,
    record: bool = False,
    given: Type | None = None,
    jumps: bool | None = None,
) -> tuple[Typing, Any]:
    for occurs_check in (False, True):
        inference = _Inference(occurs_check, extend, record, jumps=jumps)
        inference.list_labels(term, *(env or {}).values(), *([] if given is None else [given]))
        variables: dict[str, Any] = {}
        thawed = {name: inference.thaw(t, variables) for name, t in (env or {}).items()}
        expected = None if given is None else inference.thaw(given, variables)
        inference.declared_absent = _unlisted_exits(variables)
        try:
            t, free = inference.infer(term, thawed, expected)
        except TypingError:
            if occurs_check:
                raise
            continue  # the checked run gives the error, with the occurs check where it bites
        if occurs_check or inference.acyclic():
            counts: dict[int, int] = {}
            for x in (t, *free.values()):
                for row, n in inference.row_counts(x).items():
                    counts[row] = counts.get(row, 0) + n
            frozen = inference.freeze(t, counts)
            return Typing(frozen, {name: inference.freeze(v, counts) for name, v in free.items()}), inference
    raise AssertionError("unreachable: the checked inference either types the term or raises")


def type_of(term: Term) -> Type:
    """The principal type of a closed term; raises :class:`TypingError` (also for free variables)."""
    typing = infer(term)
    if typing.free:
        raise TypingError(f"free variable {sorted(typing.free)[0]}: only closed terms have a type", term)
    return typing.type


def instance_of(specific: Type, general: Type) -> bool:
    """Is ``specific`` an instance of ``general`` (substituting for the latter's variables only)?"""
    inference = _Inference()
    inference.list_labels(specific, general)
    rigid: dict[str, Any] = {}
    target = inference.thaw(specific, rigid)
    pattern = inference.thaw(general, {})
    try:
        inference.unify(pattern, target)
    except _Clash:
        return False
    return _still_rigid(inference, rigid)


def has_type(term: Term, t: Type, env: Mapping[str, Type] | None = None) -> bool:
    """Does ``term`` have the type ``t`` (its variables held fixed)? Checking against a type, the
    lengths ``t`` gives are known before the open ends of inference are settled, so this is
    complete where :func:`infer` must pick one of several incomparable types (an open
    parameter such as f in the CBV image of ``λf g a b. g (f a) (f b)``: f may return any
    number of values; :func:`infer` gives the one its first run needs).

    First: is ``t`` an instance of the inferred type? Then the term is inferred again with its
    type unified with ``t`` before the open ends are settled (one depth, then constants as
    jumps, then extension per use with constants as jumps, then without)."""
    try:
        inferred = infer(term, env)
    except TypingError:
        pass
    else:
        if not inferred.free and instance_of(t, inferred.type):
            return True
    with collector_paused():
        for extend, jumps in ((False, False), (False, True), (True, True), (True, False)):
            inference = _Inference(True, extend, jumps=jumps)
            inference.list_labels(term, t, *(env or {}).values())
            variables: dict[str, Any] = {}
            thawed = {name: inference.thaw(x, variables) for name, x in (env or {}).items()}
            rigid: dict[str, Any] = {}
            expected = inference.thaw(t, rigid)
            inference.declared_absent = _unlisted_exits(rigid) | _unlisted_exits(variables)
            try:
                inference.infer(term, thawed, expected)
            except TypingError:
                continue
            if _still_rigid(inference, rigid):
                return True
    return False


def _unlisted_exits(variables: Mapping[str, Any]) -> set[int]:
    """The rows :meth:`_Inference.thaw` made for exits a given type does not list."""
    return {id(v) for k, v in variables.items() if k.startswith(_EXIT_KEY)}


def _still_rigid(inference: _Inference, rigid: Mapping[str, Any]) -> bool:
    """After unification: are the variables in ``rigid`` (thawed from the fixed type) still
    distinct unbound variables (each row with nothing pushed on it), that is, was only the other
    side substituted? The rows of exits the fixed type does not list (families it does not exit
    with) may be one another, never one of its other variables."""
    ends: set[int] = set()
    for key, v in rigid.items():
        if key.startswith(_EXIT_KEY):
            continue
        end = _unbound_end(inference, v)
        if end is None or id(end) in ends:
            return False
        ends.add(id(end))
    for key, row in rigid.items():
        if key.startswith(_EXIT_KEY):
            m = inference.mem(_Mem(row))
            if m.row is _EPSILON and not any(x is not None for x in m.vectors.values()):
                continue  # an exit to the empty memory, which a frozen type leaves out
            end = _unbound_end(inference, row)
            if end is None or id(end) in ends:
                return False
    return True


def _unbound_end(inference: _Inference, v: Any) -> Any:
    """The unbound variable ``v`` now is, or None (it was bound to a structure, or to ε)."""
    if isinstance(v, _TV):
        end = inference.prune(v)
        return end if isinstance(end, _TV) else None
    m = inference.mem(_Mem(v))
    if any(x is not None for x in m.vectors.values()) or m.row is _EPSILON:
        return None
    return m.row


# -- printing ----------------------------------------------------------------------------------------

_SYMBOLS = {
    "unicode": {"arrow": " ⇒ ", "dot": "·", "empty": "ε", "skip": "⋆", "open": "{", "close": "}"},
    "ascii": {"arrow": " => ", "dot": ".", "empty": "e", "skip": "*", "open": "{", "close": "}"},
    "latex": {
        "arrow": r" \Rightarrow ",
        "dot": r"\cdot ",
        "empty": r"\varepsilon",
        "skip": r"\star",
        "open": r"\{",
        "close": r"\}",
    },
}
_ASCII_ROWS = {"ρ": "r", "σ": "s", "π": "p", "κ": "k"}
_LATEX_ROWS = {"ρ": r"\rho", "σ": r"\sigma", "π": r"\pi", "κ": r"\kappa"}


def pretty_type(t: Type | MemoryType, notation: str = "unicode", names: _Names | None = None) -> str:
    """``t`` as the docs write it: ``λ(t u) ⇒ λ(u t)``; λ first; each vector **top first** (the order
    its items are popped: a push prepends). Variables are named in order of appearance.

    A memory variable is shown only where it is not simply the unchanged rest of the memory:
    when an arrow's input and output have the same variable and it occurs nowhere else, it is
    left out. ``names`` shares variable names between several types (a derivation's).
    """
    names = _Names() if names is None else names
    if isinstance(t, MemoryType):  # a memory type alone: its row is always shown
        counts, exit_only = {}, set()
        stack: list[Any] = list(reversed(_memory_pieces(t, False, notation)))
    else:
        counts, exit_only = _row_counts(t)
        stack = [(t, False)]
    symbols = _SYMBOLS[notation]
    out: list[str] = []
    while stack:
        entry = stack.pop()
        if isinstance(entry, str):
            out.append(entry)
            continue
        item, nested = entry
        if isinstance(item, _RowName):
            out.append(_row_text(names.row(item), notation))
        elif isinstance(item, TypeVariable):
            out.append(names.type(item.name))
        elif isinstance(item, Base):
            out.append(item.name if notation != "latex" else rf"\mathsf{{{item.name}}}")
        else:
            hide = item.input.row == item.output.row and counts[item.input.row] == 2
            exits = [(f, m) for f, m in item.exits if not (not m.stacks and m.row in exit_only)]
            silent = not item.output.stacks and counts[item.output.row] == 1  # never exits normally
            pieces: list[Any] = ["(" if nested else ""]
            pieces += _memory_pieces(item.input, hide, notation)
            pieces.append(symbols["arrow"])
            if exits:
                pieces.append(symbols["open"])
                if not silent:
                    pieces += [symbols["skip"] + ": ", *_memory_pieces(item.output, hide, notation)]
                for i, (family, m) in enumerate(exits):
                    pieces.append(", " if i or not silent else "")
                    shown = family if notation != "latex" else rf"\mathsf{{{family}}}"
                    pieces += [shown + ": ", *_memory_pieces(m, False, notation)]
                pieces.append(symbols["close"])
            else:
                pieces += _memory_pieces(item.output, hide, notation)
            pieces.append(")" if nested else "")
            stack.extend(reversed(pieces))
    return "".join(out)


class _RowName(str):
    """A memory variable's name on the printer's stack."""


def _row_text(name: str, notation: str) -> str:
    table = _ASCII_ROWS if notation == "ascii" else _LATEX_ROWS if notation == "latex" else {}
    return table.get(name[0], name[0]) + name[1:]


def _memory_pieces(m: MemoryType, hide_row: bool, notation: str) -> list[Any]:
    symbols = _SYMBOLS[notation]
    hide_row = hide_row or m.row == "ε"  # the empty rest: what extension below leaves implicit
    if not m.stacks and hide_row:
        return [symbols["empty"]]
    pieces: list[Any] = []
    if not hide_row:
        pieces.append((_RowName(m.row), False))
        if m.stacks:
            pieces.append(symbols["dot"])
    for i, (loc, items) in enumerate(m.stacks):
        if i:
            pieces.append(" ")
        label = loc if notation != "latex" else (r"\lambda" if loc == DEFAULT else rf"\mathit{{{loc}}}")
        pieces.append(label + "(")
        for j, item in enumerate(reversed(items)):  # top first
            if j:
                pieces.append(" ")
            pieces.append((item, True))
        pieces.append(")")
    return pieces


def _row_counts(t: Type) -> tuple[dict[str, int], set[str]]:
    """How often each memory variable occurs, and those that occur only as bare exit memories
    (an exit passed along unchanged, never produced or consumed: the printer leaves it out)."""
    counts: dict[str, int] = {}
    elsewhere: set[str] = set()
    stack: list[Type] = [t]
    while stack:
        x = stack.pop()
        if isinstance(x, Arrow):
            for i, m in enumerate(x.memories()):
                counts[m.row] = counts.get(m.row, 0) + 1
                if i < 2 or m.stacks:
                    elsewhere.add(m.row)
                for _, items in m.stacks:
                    stack.extend(items)
    return counts, set(counts) - elsewhere


# -- inhabitants: closed terms and memories of a given type -------------------------------------------


def _sample_constant(sort: str) -> Any:
    """A constant of base sort ``sort`` (importing sympy only for a number or a symbol)."""
    if sort in ("str", "bool", "name"):
        return {"str": "s", "bool": Name("True"), "name": Name("A")}[sort]
    import sympy

    return {"int": sympy.Integer(0), "rat": sympy.Rational(1, 2), "sym": sympy.Symbol("n")}[sort]


def inhabitant(t: Type, variable_sort: str = "int") -> Term:
    """A closed term of type ``t``, with every type variable taken as ``variable_sort`` and
    every memory variable as the empty memory.

    A constant for a base sort; for ``A ⇒ B``, a term that pops A's vectors and pushes B's
    (reusing a popped value of the same type, else an inhabitant of the item's type).
    """
    from machine_calculus.calculus.fmc.syntax import SKIP

    if isinstance(t, TypeVariable):
        return Const(_sample_constant(variable_sort))
    if isinstance(t, Base):
        return Const(_sample_constant(t.name))
    popped: list[tuple[str, str, Type]] = []
    counter = itertools.count()
    for loc, items in t.input.stacks:
        for item in reversed(items):  # top first: the order they are popped
            popped.append((loc, f"v{next(counter)}", item))
    body: Term = SKIP
    pushes: list[tuple[str, Term]] = []
    for loc, items in t.output.stacks:
        for item in items:  # bottom first: the order they are pushed
            reuse = next((Var(name) for _, name, it in popped if it == item), None)
            pushes.append((loc, reuse if reuse is not None else inhabitant(item, variable_sort)))
    for loc, value in reversed(pushes):
        body = Push(value, loc, body)
    for loc, name, _ in reversed(popped):
        body = Pop(loc, name, body)
    return body


def input_memory(t: Arrow, variable_sort: str = "int") -> dict[str, tuple[Term, ...]]:
    """A memory of ``t``'s input type (memory variables empty): stacks bottom to top."""
    return {loc: tuple(inhabitant(item, variable_sort) for item in items) for loc, items in t.input.stacks}


def value_type(value: Term) -> Type:
    """The type of a closed value on a stack: a constant's base sort, else the term's type."""
    if isinstance(value, Const):
        return Base(base_sort(value.value))
    return type_of(value)


def ground(t: Type, variable_sort: str = "int") -> Type:
    """``t`` with every type variable taken as ``variable_sort`` and every memory variable as
    the empty memory (all rows become the one row ``ε``): the instance that
    :func:`input_memory` and :func:`inhabitant` build values for."""

    def memory(m: MemoryType, result: Callable[[Type], Type]) -> MemoryType:
        return MemoryType("ε", tuple((loc, tuple(result(i) for i in items)) for loc, items in m.stacks))

    return fold_type(
        t,
        lambda _v: Base(variable_sort),
        lambda a, result: Arrow(
            memory(a.input, result), memory(a.output, result), tuple((f, memory(m, result)) for f, m in a.exits)
        ),
    )
