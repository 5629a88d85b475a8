"""Compiling an RMC term to the code graph the compiled relational machine runs.

A term becomes a graph of :class:`Code` nodes, one per term node under its scope: first-order
patterns have their variables resolved to **slots** of an environment (``new x. M`` gives ``x``
the next slot), ground subterms are runtime tuples ``(symbol, arg1, ..., argn)`` built once,
and every maximal tree of ``+`` is flattened into its list of **leaves** with, for each, the
forks entered on the way and its path bits (0 left, 1 right), and an **index**: where two
leaves or more begin with pops of constructors on one location, the leaves to try for each
value of that location's top (its functor, then its first argument's functor), with the steps
of the leaves skipped (they would fail at that pop) so that counts stay exact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from immutables import Map

from machine_calculus.calculus.fmc.syntax import Seq, Skip
from machine_calculus.calculus.rmc.firstorder import FVar, arguments
from machine_calculus.calculus.rmc.syntax import Choice, Fail, New, Pop, Push, Star
from machine_calculus.calculus.terms import Term

__all__ = [
    "CHOICE",
    "CP_LEAVES",
    "CP_STAR",
    "FAIL",
    "NEW",
    "POP",
    "PUSH",
    "SEQ",
    "SKIP_CODE",
    "SKIP_OP",
    "STAR",
    "Code",
    "Pat",
    "Sub",
    "compile_term",
    "convert",
    "functor_of",
]

SEQ, SKIP_OP, PUSH, POP, NEW, CHOICE, STAR, FAIL = range(8)

#: the kinds of choice point of the compiled machine (the first field of one)
CP_STAR, CP_LEAVES = 0, 1  # a star's other branch; the leaves of a choice left to try


class Pat:
    """A pattern's compound with variables: ``symbol(args)`` (args: runtime constants, slot
    numbers or Pats)."""

    __slots__ = ("args", "symbol")

    def __init__(self, symbol: str, args: tuple[Any, ...]) -> None:
        self.symbol = symbol
        self.args = args


class Code:
    """A compiled term node: ``op`` and its fields (see :func:`compile_term`)."""

    __slots__ = ("a", "b", "blk", "c", "d", "first", "loop", "op")

    def __init__(self, op: int, a: Any = None, b: Any = None, c: Any = None, d: Any = None) -> None:
        self.op, self.a, self.b, self.c, self.d = op, a, b, c, d
        self.first: tuple[str, tuple[str, int] | None, int] | None = None  # see _first_pop_key
        self.blk: Any = None  # the generated function running this node's straight-line prefix
        self.loop: Any = None  # a star's generated loop (depth-first)


SKIP_CODE = Code(SKIP_OP)
FAIL_CODE = Code(FAIL)


def convert(t: Term, variable: Callable[[str], Any], compound: Callable[[str, tuple[Any, ...]], Any]) -> Any:
    """A first-order term bottom-up (iterative, a shared node converted once): ``variable(name)``
    for a variable, ``compound(symbol, converted arguments)`` for ``f(t1, ..., tn)``."""
    done: dict[int, Any] = {}
    stack: list[tuple[Term, bool]] = [(t, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if type(node) is FVar:
            done[id(node)] = variable(node.name)
            continue
        kids = arguments(node)  # type: ignore[arg-type]
        if not ready:
            stack.append((node, True))
            stack.extend((k, False) for k in kids)
            continue
        done[id(node)] = compound(node.symbol, tuple(done[id(k)] for k in kids))  # type: ignore[attr-defined]
    return done[id(t)]


def _pattern(t: Term, slots: Map) -> Any:
    """A first-order term as a pattern: a ground runtime tuple, a slot number, or a Pat."""
    return convert(t, slots.__getitem__, _pattern_compound)


def _pattern_compound(symbol: str, args: tuple[Any, ...]) -> Any:
    return (symbol, *args) if all(type(a) is tuple for a in args) else Pat(symbol, args)


def compile_term(term: Term, slots: Map) -> Code:
    """The code of ``term`` with the variables in scope at slots ``slots`` (iterative, a node
    under one scope compiled once). A scope is ``(name -> slot, number of slots)``."""
    memo: dict[tuple[int, int], Code] = {}
    inner_of: dict[tuple[int, int], tuple[Map, int]] = {}
    root_scope = (slots, len(slots))
    stack: list[tuple[Term, tuple[Map, int], bool]] = [(term, root_scope, False)]
    while stack:
        node, scope, ready = stack.pop()
        key = (id(node), id(scope))
        if key in memo:
            continue
        cls = type(node)
        if cls is Skip:
            memo[key] = SKIP_CODE
        elif cls is Fail:
            memo[key] = FAIL_CODE
        elif cls is Push:
            memo[key] = Code(PUSH, node.location, _pattern(node.item, scope[0]))  # type: ignore[attr-defined]
        elif cls is Pop:
            memo[key] = Code(POP, node.location, _pattern(node.pattern, scope[0]))  # type: ignore[attr-defined]
        elif cls is New:
            names = []
            body = node
            while type(body) is New:
                names.append(body.variable)  # type: ignore[attr-defined]
                body = body.body  # type: ignore[attr-defined]
            if key not in inner_of:
                mapping, size = scope
                for i, name in enumerate(names):
                    mapping = mapping.set(name, size + i)
                inner_of[key] = (mapping, size + len(names))
            inner = inner_of[key]
            if not ready:
                stack.append((node, scope, True))
                stack.append((body, inner, False))
                continue
            memo[key] = Code(NEW, tuple(names), memo[(id(body), id(inner))], scope[1])
        elif cls in (Seq, Choice, Star):
            kids = (node.body,) if cls is Star else (node.first, node.then) if cls is Seq else (node.left, node.right)  # type: ignore[attr-defined]
            if not ready:
                stack.append((node, scope, True))
                stack.extend((k, scope, False) for k in kids)
                continue
            codes = [memo[(id(k), id(scope))] for k in kids]
            if cls is Seq:
                memo[key] = Code(SEQ, codes[0], codes[1])
            elif cls is Star:
                memo[key] = Code(STAR, codes[0])
            else:
                memo[key] = Code(CHOICE, codes[0], codes[1])
        else:
            raise TypeError(f"not an RMC term: {node!r}")
    code = memo[(id(term), id(root_scope))]
    _flatten_choices(code)
    return code


def _flatten_choices(root: Code) -> None:
    """Every CHOICE node becomes a flat list of its leaves (the maximal tree of ``+`` under it),
    each with the forks entered on the way to it, its path bits and its index key (iterative)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        code = stack.pop()
        if id(code) in seen:
            continue
        seen.add(id(code))
        pop = _first_pop(code)
        if pop is not None:
            code.first = (pop[0], _key(pop[1]), pop[2])
        if code.op == CHOICE and code.c is None:
            leaves: list[tuple[Code, int, tuple[int, ...]]] = []  # leaf, forks entered, path bits
            work: list[tuple[Code, tuple[int, ...], int]] = [(code, (), 0)]
            while work:
                c, bits, entered = work.pop()
                if c.op == CHOICE:
                    work.append((c.b, (*bits, 1), 0))
                    work.append((c.a, (*bits, 0), entered + 1))
                else:
                    leaves.append((c, entered, bits))
            code.c = tuple(leaves)
            code.d = _index(leaves)
            stack.extend(leaf for leaf, _, _ in leaves)
        elif code.op in (SEQ, CHOICE):
            stack.extend((code.a, code.b))
        elif code.op in (NEW, STAR):
            stack.append(code.b if code.op == NEW else code.a)


def _first_pop(code: Code) -> tuple[str, Any, int] | None:
    """The location and pattern of the pop a leaf begins with, and the steps to reach and fail it."""
    steps = 0
    while True:
        if code.op == SEQ:
            steps += 1
            code = code.a
        elif code.op == NEW:
            steps += len(code.a)
            code = code.b
        elif code.op == POP:
            return code.a, code.b, steps + 1
        else:
            return None


def _key(pattern: Any) -> tuple[str, int] | None:
    """The functor of a pattern (symbol and length of its runtime tuple), None for a variable."""
    if type(pattern) is tuple:
        return pattern[0], len(pattern)
    if type(pattern) is Pat:
        return pattern.symbol, len(pattern.args) + 1
    return None


functor_of = _key


def _argument_key(pattern: Any, position: int) -> tuple[str, int] | None:
    """The functor of a pattern's argument at ``position`` (1 for the first), None for a
    variable or where there is none."""
    if type(pattern) is tuple:
        return _key(pattern[position]) if len(pattern) > position else None
    if type(pattern) is Pat:
        return _key(pattern.args[position - 1]) if len(pattern.args) >= position else None
    return None


class Sub:
    """Second-level index, on one argument of the top (``position``: 1 for the first), for one
    functor: ``plans`` by that argument's functor, ``unbound`` when it is a variable, ``other``
    for any other functor."""

    __slots__ = ("other", "plans", "position", "unbound")

    def __init__(self, position: int, plans: dict[tuple[str, int], Any], unbound: Any, other: Any) -> None:
        self.position, self.plans, self.unbound, self.other = position, plans, unbound, other


_ANY = ("", -1)  # a functor no pattern has
MAX_ARGUMENT_INDEX = 2  #: arguments an index looks at, one after the other


Plan = tuple[tuple[tuple[Code, int, tuple[int, ...]], ...], int]


def _index(leaves: list[tuple[Code, int, tuple[int, ...]]]) -> Any:
    """``(location, {functor: plan or Sub}, plan for another functor, plan for an empty stack)``
    when two leaves or more begin with pops of constructors on one location, else None. A plan
    is the leaves to try, each with the steps of the leaves skipped before it and of its own
    forks, then the steps of the leaves skipped after. A leaf is skipped when its first pop
    would fail: the top's functor differs from the pattern's, or (argument indexing) the
    arguments at one position are both constructors and their functors differ. The position is
    the first that tells most leaves of a functor apart (the first argument, as Prolog systems
    index, unless another tells more: ``noattack(_, [], _)`` and ``noattack(Q, [Q1|Qs], D)`` by
    the second)."""
    pops = [_first_pop(leaf) for leaf, _, _ in leaves]
    keyed: dict[str, int] = {}
    for p in pops:
        if p is not None and _key(p[1]) is not None:
            keyed[p[0]] = keyed.get(p[0], 0) + 1
    if not keyed:
        return None
    loc, count = max(keyed.items(), key=lambda kv: kv[1])
    if count < 2:
        return None
    on_loc = [p[1] if p is not None and p[0] == loc else None for p in pops]

    def plan(key: tuple[str, int] | None, fixed: tuple[tuple[int, tuple[str, int]], ...] = ()) -> Plan:
        """The leaves to try when the top has functor ``key`` (None: the stack is empty) and,
        for each ``(position, functor)`` of ``fixed``, that functor at that argument."""
        tried = []
        skipped = 0
        for (leaf, entered, bits), p, pattern in zip(leaves, pops, on_loc, strict=True):
            fails = p is not None and p[0] == loc
            if fails and key is not None:
                own = _key(pattern)
                fails = own is not None and own != key
                for position, first in fixed:
                    if fails:
                        break
                    own_first = _argument_key(pattern, position)
                    fails = own_first is not None and own_first != first
            if fails:
                skipped += entered + p[2]  # type: ignore[index]
            else:
                tried.append((leaf, skipped + entered, bits))
                skipped = 0
        return tuple(tried), skipped

    def by_argument(key: tuple[str, int], same: list[Any], fixed: tuple[tuple[int, tuple[str, int]], ...]) -> Any:
        """The plan for functor ``key`` given ``fixed``, or a :class:`Sub` on the argument that
        tells the leaves left (``same``: their patterns) apart best, then on another (up to
        :data:`MAX_ARGUMENT_INDEX` arguments: ``neq(s(_), 0)`` and ``neq(s(X), s(Y))`` by both)."""
        if len(same) < 2 or len(fixed) >= MAX_ARGUMENT_INDEX:
            return plan(key, fixed)
        used = {position for position, _ in fixed}
        best, position = 0, 1
        for i in range(1, key[1]):  # the position telling most leaves apart
            if i in used:
                continue
            told = sum(1 for p in same if _argument_key(p, i) is not None)
            told *= len({_argument_key(p, i) for p in same} - {None}) > 1 or told == len(same)
            if told > best:
                best, position = told, i
        if not best:
            return plan(key, fixed)
        firsts = dict.fromkeys(first for p in same if (first := _argument_key(p, position)) is not None)
        sub = {
            first: by_argument(
                key, [p for p in same if _argument_key(p, position) in (first, None)], ((position, first), *fixed)
            )
            for first in firsts
        }
        return Sub(position, sub, plan(key, fixed), plan(key, ((position, _ANY), *fixed)))

    plans: dict[tuple[str, int], Any] = {}
    for key in dict.fromkeys(_key(p) for p in on_loc if _key(p) is not None):  # in the leaves' order
        assert key is not None
        plans[key] = by_argument(key, [p for p in on_loc if _key(p) == key], ())
    return loc, plans, plan(_ANY), plan(None)
