"""Hypothesis strategies for While programs that terminate (public, for tests and users).

Programs use the data types ``List = Nil | Cons(h, t)`` and ``Pair = Pair(l, r)``, variables
``a b c xs``, exceptions ``E1 E2``. Every loop is bounded: ``kN = K; while (kN > 0) { kN = kN - 1;
... }`` with a counter the body never assigns, so ``break``/``continue`` and nesting are free
while every run ends. Expressions may go wrong (type mismatches, unassigned variables, division
by zero, exhausted input): those are outcomes to agree on, not failures.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sympy
from hypothesis import strategies as st

from machine_calculus.embeddings.imperative.syntax import (
    Assign,
    Binary,
    Break,
    Catch,
    Construct,
    Continue,
    Data,
    DataType,
    Expr,
    If,
    Input,
    Literal,
    Match,
    MatchArm,
    Print,
    Program,
    Skip,
    Stmt,
    Throw,
    Try,
    Unary,
    Variable,
    While,
)

__all__ = [
    "TYPED_VARIABLES",
    "TYPES",
    "VARIABLES",
    "conditions",
    "expressions",
    "integer_expressions",
    "programs",
    "stores",
    "typed_programs",
    "values",
]

TYPES = (
    DataType("List", (("Nil", ()), ("Cons", ("h", "t")))),
    DataType("Pair", (("Pair", ("l", "r")),)),
)
VARIABLES: tuple[str, ...] = ("a", "b", "c", "xs")
_OPERATORS = ("+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or")


def values() -> st.SearchStrategy[Any]:
    """Initial store and input values: small integers, strings, Booleans, short lists."""
    leaves = st.one_of(st.integers(-4, 9).map(sympy.Integer), st.sampled_from(["s", ""]), st.booleans())
    lists = st.lists(leaves, max_size=3).map(_as_list)
    return st.one_of(leaves, lists)


def _as_list(items: list[Any]) -> Data:
    out = Data("Nil")
    for item in reversed(items):
        out = Data("Cons", (item, out))
    return out


def stores() -> st.SearchStrategy[dict[str, Any]]:
    """Initial stores: mostly every variable set (a b c to integers, xs to a list), else any."""
    full = st.fixed_dictionaries(
        {"a": st.integers(-4, 9).map(sympy.Integer), "b": st.integers(-4, 9).map(sympy.Integer)},
        optional={"c": values(), "xs": st.lists(st.integers(0, 9).map(sympy.Integer), max_size=3).map(_as_list)},
    )
    return full | st.dictionaries(st.sampled_from(VARIABLES), values(), max_size=len(VARIABLES))


@cache  # strategies are immutable: built once per argument, not per draw
def expressions(depth: int = 2) -> st.SearchStrategy[Expr]:
    leaf = st.one_of(
        st.integers(-3, 9).map(lambda n: Literal(sympy.Integer(n))),
        st.booleans().map(Literal),
        st.just(Literal("s")),
        st.sampled_from(VARIABLES).map(Variable),
        st.just(Input()),
        st.just(Construct("Nil", ())),
    )
    if depth <= 0:
        return leaf
    sub = expressions(depth - 1)
    return st.one_of(
        leaf,
        leaf,
        st.builds(Binary, st.sampled_from(_OPERATORS), sub, sub),
        st.builds(Unary, st.sampled_from(["-", "not"]), sub),
        st.builds(lambda h, t: Construct("Cons", (h, t)), sub, sub),
        st.builds(lambda x, y: Construct("Pair", (x, y)), sub, sub),
    )


_INTEGERS = ("a", "b", "c")  # the integer variables of typed statements (xs holds a list)
_ARITHMETIC = ("+", "-", "*", "%", "+", "/")
_COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")


def _number(n: int) -> Literal:
    return Literal(sympy.Integer(n))


@cache  # strategies are immutable: built once per argument, not per draw
def integer_expressions(
    depth: int = 2, names: tuple[str, ...] = _INTEGERS, operators: tuple[str, ...] = _ARITHMETIC
) -> st.SearchStrategy[Expr]:
    """Arithmetic on the integer variables ``names`` and small literals (``/`` makes rationals,
    ``%`` of a rational and division by zero go wrong: corner cases, now and then)."""
    leaf = st.one_of(st.integers(-3, 9).map(_number), st.sampled_from(names).map(Variable))
    if depth <= 0:
        return leaf
    sub = integer_expressions(depth - 1, names, operators)
    return st.one_of(
        leaf,
        st.builds(Binary, st.sampled_from(operators), sub, sub),
        sub.map(lambda e: Unary("-", e)),
    )


@cache  # strategies are immutable: built once per argument, not per draw
def conditions(
    depth: int = 1, names: tuple[str, ...] = _INTEGERS, operators: tuple[str, ...] = _ARITHMETIC
) -> st.SearchStrategy[Expr]:
    """Comparisons of integer expressions, combined by ``and``, ``or``, ``not``."""
    ints = integer_expressions(1, names, operators)
    comparison = st.builds(Binary, st.sampled_from(_COMPARISONS), ints, ints)
    if depth <= 0:
        return comparison
    sub = conditions(depth - 1, names, operators)
    return st.one_of(
        comparison, st.builds(Binary, st.sampled_from(("and", "or")), sub, sub), sub.map(lambda e: Unary("not", e))
    )


def _list_literal(items: list[int]) -> Expr:
    out: Expr = Construct("Nil", ())
    for n in reversed(items):
        out = Construct("Cons", (_number(n), out))
    return out


@st.composite
def _statements(draw: st.DrawFn, depth: int, loops: tuple[str, ...], counters: list[int], least: int = 0) -> list[Stmt]:
    n = draw(st.integers(least, least + 3))
    out: list[Stmt] = []
    for _ in range(n):
        # mostly well-typed statements; a few from the untyped pool (type mismatches, unassigned
        # variables, input)
        typed = draw(st.integers(0, 29)) < 29
        out.extend(draw((_typed_statement if typed else _statement)(depth, loops, counters)))
    return out


def _counter(counters: list[int]) -> str:
    """A new loop counter ``kN`` (no statement assigns it but its loop's own step)."""
    counters.append(0)
    return f"k{len(counters) - 1}"


def _counted(draw: st.DrawFn, k: str, least: int, body: list[Stmt], also: Expr | None = None) -> list[Stmt]:
    """``k = K; while (k > 0 [and also]) { k = k - 1; body }``: K rounds at most (K >= least)."""
    condition: Expr = Binary(">", Variable(k), _number(0))
    if also is not None:
        condition = Binary("and", condition, also)
    step = Assign(k, Binary("-", Variable(k), _number(1)))
    return [Assign(k, _number(draw(st.integers(least, least + 4)))), While(condition, (step, *body))]


@st.composite
def _typed_statement(draw: st.DrawFn, depth: int, loops: tuple[str, ...], counters: list[int]) -> list[Stmt]:
    """A statement over integers a b c and the list xs: assignments, prints, counted loops that
    accumulate, walks down xs, nested conditionals, guarded throws, break and continue, try."""
    simple = ["assign", "assign", "print", "cons", "throw"] + (["break", "continue"] if loops else [])
    compound = ["if", "if", "loop", "walk", "try"] if depth > 0 else []
    if depth >= 3:  # at the top level, more loops and try blocks (a throw there ends the run early)
        compound += ["loop", "loop", "walk", "try", "try"]
    kind = draw(st.sampled_from(simple + compound))
    names = (*_INTEGERS, *loops)  # the counters of the enclosing loops are read too
    ints = integer_expressions(1, names)
    if kind == "assign":
        return [Assign(draw(st.sampled_from(_INTEGERS)), draw(ints))]
    if kind == "print":
        return [Print(draw(ints | st.just(Variable("xs"))))]
    if kind == "cons":
        return [Assign("xs", Construct("Cons", (draw(integer_expressions(1, names)), Variable("xs"))))]
    guard = conditions(1, names)
    if kind in ("throw", "break", "continue"):  # under a condition, so the rest runs too
        if kind == "throw":
            name = draw(st.sampled_from(["E1", "E2"]))
            jump: Stmt = Throw(name, draw(st.none() | integer_expressions(1, names)))
        else:
            jump = Break() if kind == "break" else Continue()
        return [If(draw(guard), (jump,), ())]
    block = _statements(depth - 1, loops, counters)
    if kind == "if":
        return [If(draw(guard), tuple(draw(block)), tuple(draw(block)))]
    if kind == "loop":  # a counted loop: a running sum, and whatever the body does
        total, k = draw(st.sampled_from(_INTEGERS)), _counter(counters)
        body = draw(_statements(depth - 1, (*loops, k), counters))
        add = Assign(total, Binary(draw(st.sampled_from(("+", "*", "-"))), Variable(total), Variable(k)))
        return _counted(draw, k, 2, [add, *body], draw(st.none() | guard))
    if kind == "walk":  # down the list: match xs { Cons(c, xs) => ... _ => break }
        k = _counter(counters)
        body = draw(_statements(depth - 1, (*loops, k), counters))
        arms = (MatchArm("Cons", ("c", "xs"), tuple(body)), MatchArm(None, (), (Break(),)))
        return _counted(draw, k, 2, [Match(Variable("xs"), arms)])
    names_caught = draw(st.lists(st.sampled_from(["E1", "E2"]), min_size=1, max_size=2, unique=True))
    handlers = tuple(Catch(n, draw(st.none() | st.sampled_from(_INTEGERS)), tuple(draw(block))) for n in names_caught)
    return [Try(tuple(draw(block)), handlers)]


@st.composite
def _statement(draw: st.DrawFn, depth: int, loops: tuple[str, ...], counters: list[int]) -> list[Stmt]:
    simple = ["assign", "assign", "print", "skip", "throw"] + (["break", "continue"] if loops else [])
    compound = ["if", "while", "try", "match"] if depth > 0 else []
    kind = draw(st.sampled_from(simple + compound))
    e = expressions(2)
    if kind == "assign":
        return [Assign(draw(st.sampled_from(VARIABLES)), draw(e))]
    if kind == "print":
        return [Print(draw(e))]
    if kind == "skip":
        return [Skip()]
    if kind == "break":
        return [Break()]
    if kind == "continue":
        return [Continue()]
    if kind == "throw":
        name = draw(st.sampled_from(["E1", "E2"]))
        return [Throw(name, draw(st.none() | e))]
    block = _statements(depth - 1, loops, counters)
    if kind == "if":
        return [If(draw(e), tuple(draw(block)), tuple(draw(block)))]
    if kind == "while":
        k = _counter(counters)
        body = draw(_statements(depth - 1, (*loops, k), counters))
        also = draw(e) if draw(st.booleans()) else None  # sometimes also a data-dependent condition
        return _counted(draw, k, 0, body, also)
    if kind == "try":
        names = draw(st.lists(st.sampled_from(["E1", "E2"]), min_size=1, max_size=2, unique=True))
        handlers = tuple(Catch(n, draw(st.none() | st.sampled_from(VARIABLES)), tuple(draw(block))) for n in names)
        return [Try(tuple(draw(block)), handlers)]
    arms = []
    if draw(st.booleans()):
        arms.append(MatchArm("Nil", (), tuple(draw(block))))
    if draw(st.booleans()):
        arms.append(MatchArm("Cons", tuple(draw(st.permutations(["a", "b"]))), tuple(draw(block))))
    if draw(st.booleans()):
        arms.append(MatchArm("Pair", ("c", "a"), tuple(draw(block))))
    if not arms or draw(st.booleans()):
        arms.append(MatchArm(None, (), tuple(draw(block))))
    return [Match(draw(e), tuple(arms))]


@st.composite
def programs(draw: st.DrawFn, depth: int = 3) -> Program:
    """A terminating While program over :data:`TYPES` and :data:`VARIABLES`: mostly, a b c and
    xs all set first (to integers, to a list of integers), then at least three statements."""
    prelude: list[Stmt] = []
    if draw(st.integers(0, 4)) < 4:  # else the variables come from the store, or not at all
        prelude.extend(Assign(x, _number(draw(st.integers(-3, 9)))) for x in _INTEGERS)
        prelude.append(Assign("xs", _list_literal(draw(st.lists(st.integers(-3, 9), max_size=4)))))
    return Program(TYPES, (*prelude, *draw(_statements(depth, (), [], least=3))))


# -- programs the FMC III type system accepts -----------------------------------------------------

#: the variables of :func:`typed_programs` and their sorts (``p`` holds a ``Pair`` of integers)
TYPED_VARIABLES: dict[str, str] = {"a": "int", "b": "int", "c": "int", "u": "int", "v": "int", "z": "int"}
TYPED_VARIABLES.update({"f": "bool", "p": "Pair"})
_TYPED_INTEGERS = ("a", "b", "c", "u", "v", "z")
_EXACT = ("+", "-", "*", "%", "+")  # no ``/``: its result is an int or a rat (no simple type)


@st.composite
def _typed_block(
    draw: st.DrawFn, depth: int, loops: tuple[str, ...], catchable: frozenset[str], counters: list[int], top: bool
) -> list[Stmt]:
    out: list[Stmt] = []
    names = (*_TYPED_INTEGERS, *loops)
    ints = integer_expressions(1, names, _EXACT)
    guard = conditions(1, names, _EXACT) | st.just(Variable("f"))
    for _ in range(draw(st.integers(1 if top else 0, 4 if top else 3))):
        kinds = ["assign", "assign", "flag"] + (["print", "print"] if top else [])
        kinds += ["break", "continue"] if loops else []
        kinds += ["throw"] if catchable else []
        kinds += ["if", "loop", "try", "match"] if depth > 0 else []
        kind = draw(st.sampled_from(kinds))
        inner = _typed_block(depth - 1, loops, catchable, counters, False)
        if kind == "assign":
            out.append(Assign(draw(st.sampled_from(_TYPED_INTEGERS)), draw(ints)))
        elif kind == "flag":
            out.append(Assign("f", draw(conditions(1, names, _EXACT))))
        elif kind == "print":
            out.append(Print(draw(ints | st.just(Variable("f")))))
        elif kind in ("break", "continue"):
            out.append(If(draw(guard), (Break() if kind == "break" else Continue(),), ()))
        elif kind == "throw":
            name = draw(st.sampled_from(sorted(catchable)))
            out.append(If(draw(guard), (Throw(name, draw(ints) if name == "E1" else None),), ()))
        elif kind == "if":
            out.append(If(draw(guard), tuple(draw(inner)), tuple(draw(inner))))
        elif kind == "loop":
            k = _counter(counters)
            body = draw(_typed_block(depth - 1, (*loops, k), catchable, counters, False))
            out.extend(_counted(draw, k, 0, body, draw(st.none() | guard)))
        elif kind == "try":
            caught = draw(st.lists(st.sampled_from(["E1", "E2"]), min_size=1, max_size=2, unique=True))
            body = draw(_typed_block(depth - 1, loops, catchable | frozenset(caught), counters, False))
            for n in caught:  # each handler has a throw to catch (a dead one types its payload from nothing)
                throw = Throw(n, draw(ints) if n == "E1" else None)
                body.insert(draw(st.integers(0, len(body))), If(draw(guard), (throw,), ()))
            handlers = tuple(Catch(n, "z" if n == "E1" else None, tuple(draw(inner))) for n in caught)
            out.append(Try(tuple(body), handlers))
        else:  # build a pair and take it apart
            out.append(Assign("p", Construct("Pair", (draw(ints), draw(ints)))))
            out.append(Match(Variable("p"), (MatchArm("Pair", ("u", "v"), tuple(draw(inner))),)))
    return out


@st.composite
def typed_programs(draw: st.DrawFn, depth: int = 3) -> Program:
    """Terminating While programs in the class the FMC III type system accepts (docs/control.md):
    every variable holds one sort throughout (:data:`TYPED_VARIABLES`, all set first), every
    exception thrown is caught (``E1`` always with an integer payload, ``E2`` never with one),
    ``print`` only at the top level (so that every run prints the same sorts in the same order),
    no ``input()`` and no ``/``; bounded loops, conditionals, ``break``, ``continue``, ``try``
    and ``match`` on a ``Pair`` nest freely."""
    counters: list[int] = []
    body = draw(_typed_block(depth, (), frozenset(), counters, True))
    prelude: list[Stmt] = [Assign(x, _number(0)) for x in _TYPED_INTEGERS]
    prelude += [Assign("f", Literal(True)), Assign("p", Construct("Pair", (_number(0), _number(0))))]
    prelude += [Assign(f"k{i}", _number(0)) for i in range(len(counters))]
    return Program((DataType("Pair", (("Pair", ("l", "r")),)),), (*prelude, *body))
