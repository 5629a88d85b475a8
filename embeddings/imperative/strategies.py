"""Hypothesis strategies for While programs that terminate (public, for tests and users).

Programs use the data types ``List = Nil | Cons(h, t)`` and ``Pair = Pair(l, r)``, variables
``a b c xs``, exceptions ``E1 E2``. Every loop is bounded: ``kN = K; while (kN > 0) { kN = kN - 1;
... }`` with a counter the body never assigns, so ``break``/``continue`` and nesting are free
while every run ends. Expressions may go wrong (type mismatches, unassigned variables, division
by zero, exhausted input): those are outcomes to agree on, not failures.
"""

from __future__ import annotations

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

__all__ = ["TYPES", "VARIABLES", "expressions", "programs", "stores", "values"]

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


@st.composite
def _statements(draw: st.DrawFn, depth: int, loops: int, counters: list[int], least: int = 0) -> list[Stmt]:
    n = draw(st.integers(least, least + 3))
    out: list[Stmt] = []
    for _ in range(n):
        out.extend(draw(_statement(depth, loops, counters)))
    return out


@st.composite
def _statement(draw: st.DrawFn, depth: int, loops: int, counters: list[int]) -> list[Stmt]:
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
        k = f"k{len(counters)}"
        counters.append(0)
        bound = draw(st.integers(0, 4))
        body = draw(_statements(depth - 1, loops + 1, counters))
        step = Assign(k, Binary("-", Variable(k), Literal(sympy.Integer(1))))
        condition = Binary(">", Variable(k), Literal(sympy.Integer(0)))
        if draw(st.booleans()):  # sometimes also a data-dependent condition
            condition = Binary("and", condition, draw(e))
        return [Assign(k, Literal(sympy.Integer(bound))), While(condition, (step, *body))]
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
    """A terminating While program over :data:`TYPES` and :data:`VARIABLES`."""
    return Program(TYPES, tuple(draw(_statements(depth, 0, [], least=2))))  # a program: a few statements
