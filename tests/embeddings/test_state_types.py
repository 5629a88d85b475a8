"""Item 3 of the types issue, for the state encoding: update ``c⟨_⟩.[N]c`` has type
``ρ·c(t) ⇒ ρ·c(type of N)`` and lookup ``c⟨x⟩.[x]c.[x]`` has ``ρ·c(t) ⇒ ρ·c(t)·λ(t)``; a program
of updates, lookups, stores from λ and writes has the type a reference store typing gives it
(each cell's type followed along the program), and that type is its principal type."""

from __future__ import annotations

import re
from typing import Any

import sympy
from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import SKIP, Const, Name, Pop, Push, Term
from machine_calculus.calculus.fmc.types import (
    Arrow,
    MemoryType,
    Type,
    TypeVariable,
    fold_type,
    has_type,
    infer,
    instance_of,
    pretty_type,
    value_type,
)
from machine_calculus.calculus.strategies import typed_terms
from machine_calculus.embeddings.effects import lookup, update, write
from machine_calculus.machine.fmc import fast

CELLS = ("c", "d")


def renamed(t: Type, suffix: str) -> Type:
    """``t`` with its type and memory variables renamed apart (each value's type has its own)."""

    def memory(m: MemoryType, result: Any) -> MemoryType:
        row = m.row if m.row == "ε" else m.row + suffix
        return MemoryType(row, tuple((loc, tuple(result(i) for i in items)) for loc, items in m.stacks))

    return fold_type(
        t,
        lambda v: TypeVariable(v.name + suffix),
        lambda a, result: Arrow(
            memory(a.input, result), memory(a.output, result), tuple((k, memory(m, result)) for k, m in a.exits)
        ),
    )


def test_update_and_lookup_have_the_state_types() -> None:
    assert pretty_type(infer(update("c", Const(sympy.Integer(3)))).type) == "c(t) ⇒ c(int)"
    assert pretty_type(infer(update("c", parse("<x>.[x]"))).type) == "c(t) ⇒ c((λ(u) ⇒ λ(u)))"
    assert pretty_type(infer(lookup("c")).type) == "c(t) ⇒ λ(t) c(t)"
    # the laws, as types: update then lookup pushes the value; two updates keep the last
    three = Const(sympy.Integer(3))
    assert pretty_type(infer(update("c", three, lookup("c"))).type) == "c(t) ⇒ λ(int) c(int)"
    assert pretty_type(infer(update("c", Const("s"), update("c", three))).type) == "c(t) ⇒ c(int)"


_VALUES = st.one_of(
    st.integers(-3, 3).map(lambda n: Const(sympy.Integer(n))),
    st.sampled_from([Const("s"), Const(Name("A"))]),
    typed_terms(max_depth=3).map(lambda typed: typed.term),
)


@st.composite
def state_programs(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """Steps ``("update", c, N)``, ``("lookup", c)``, ``("store", c)`` (pop λ into c) and
    ``("write", None)`` (pop λ onto out), each popping λ only where it holds something."""
    steps: list[tuple[str, Any]] = []
    depth = 0
    for _ in range(draw(st.integers(1, 12))):
        kinds = ["update", "lookup"] + (["store", "write"] if depth else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "update":
            steps.append((kind, (draw(st.sampled_from(CELLS)), draw(_VALUES))))
        elif kind == "lookup":
            steps.append((kind, draw(st.sampled_from(CELLS))))
            depth += 1
        else:
            steps.append((kind, draw(st.sampled_from(CELLS)) if kind == "store" else None))
            depth -= 1
    return steps


def compile_steps(steps: list[tuple[str, Any]]) -> Term:
    term: Term = SKIP
    for kind, arg in reversed(steps):
        if kind == "update":
            term = update(arg[0], arg[1], term)
        elif kind == "lookup":
            term = lookup(arg, term)
        elif kind == "store":
            term = Pop("λ", "y", Pop(arg, "_", Push(parse("y"), arg, term)))
        else:
            term = Pop("λ", "y", write(parse("y"), term))
    return term


def store_typing(steps: list[tuple[str, Any]]) -> Arrow:
    """The reference: each touched cell starts with a type variable of its own; an update sets
    the cell's type to the value's (renamed apart), a lookup pushes it on λ, a store moves λ's
    top into the cell, a write moves it onto out."""
    initial = {c: TypeVariable("cell_" + c) for kind, arg in steps for c in [arg[0] if kind == "update" else arg] if c}
    cells: dict[str, Type] = dict(initial)
    stack: list[Type] = []
    out: list[Type] = []
    for i, (kind, arg) in enumerate(steps):
        if kind == "update":
            cells[arg[0]] = renamed(value_type(arg[1]), f"_{i}")
        elif kind == "lookup":
            stack.append(cells[arg])
        elif kind == "store":
            cells[arg] = stack.pop()
        else:
            out.append(stack.pop())

    def memory(stacks: dict[str, list[Type]]) -> MemoryType:
        return MemoryType("ρ", tuple((loc, tuple(items)) for loc, items in sorted(stacks.items()) if items))

    before = memory({c: [t] for c, t in initial.items()})
    after = memory({**{c: [t] for c, t in cells.items()}, "λ": stack, "out": out})
    return Arrow(before, after)


@given(state_programs())
def test_state_programs_have_the_store_typing(steps: list[tuple[str, Any]]) -> None:
    term = compile_steps(steps)
    expected = store_typing(steps)
    assert has_type(term, expected), pretty_type(expected)
    inferred = infer(term).type
    # the principal type: the reference's, up to the names of variables. (A value that jumps
    # with a name has, in the program, that name's exit apart from the other names'; its own
    # type, which the reference uses, shares them: the program's is then more general.)
    assert instance_of(expected, inferred), (pretty_type(inferred), pretty_type(expected))
    names = any(kind == "update" and re.search(r"\b[A-Z]", to_ascii(arg[1])) for kind, arg in steps)
    assert names or instance_of(inferred, expected), (pretty_type(inferred), pretty_type(expected))
    # and the machine agrees: run from cells holding one value each, it ends with λ, out and
    # the cells as deep as the type says
    memory = {c: (Const(sympy.Integer(0)),) for c in dict(expected.input.stacks)}
    result = fast.run(term, memory, fuel=100_000)
    assert result.status == "done"
    for location, items in expected.output.stacks:
        assert len(result.stack(location)) == len(items)
