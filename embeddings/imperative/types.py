"""The FMC III types of While programs: the type of the compiled program, with the sorts of the
initial store's variables given (docs/control.md says which programs the type system accepts).

A variable ``x`` is location ``x`` holding one cell, the thunk ``[v]`` of its value, so a store
where x holds an int is the memory type ``x((ε ⇒ λ(int)))`` (:func:`cell_type`). A program's type
is ``ρ·x(t)... ⇒ ρ·x(C)... out(...)``: each cell before and after, and what it prints, bottom first.
"""

from __future__ import annotations

from collections.abc import Mapping

from machine_calculus.calculus.fmc.types import Arrow, Base, MemoryType, Type, TypeVariable, Typing, TypingError, infer
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.printer import to_source
from machine_calculus.embeddings.imperative.syntax import Program, Throw

__all__ = ["SORTS", "cell_type", "program_typing", "store_memory"]

#: the sorts a variable of the initial store may be given
SORTS = ("int", "rat", "str", "bool", "sym")


def cell_type(sort: str | Type) -> Arrow:
    """The type of a cell holding a value of ``sort``: the thunk ``[v] : ε ⇒ λ(sort)``, run at any
    depth (extension per use)."""
    item = Base(sort) if isinstance(sort, str) else sort
    return Arrow(MemoryType("ε"), MemoryType("ε", (("λ", (item,)),)))


def store_memory(store: Mapping[str, str | Type], row: str = "ρ") -> MemoryType:
    """The memory type of a store whose variables hold values of the given sorts."""
    for name, sort in store.items():
        if isinstance(sort, str) and sort not in SORTS:
            raise ValueError(f"variable {name}: {sort!r} is not a sort ({', '.join(SORTS)})")
    return MemoryType(row, tuple((name, (cell_type(sort),)) for name, sort in sorted(store.items())))


def program_typing(program: Program, store: Mapping[str, str | Type] | None = None) -> Typing:
    """The type of the compiled ``program`` (:func:`calculus.fmc.types.infer`); raises
    ``TypingError``. The initial store holds values: a variable in ``store`` one of the sort given,
    any other one of a type variable's (a cell ``x((ε ⇒ λ(t_x)))``). The program is typed with
    its conditions unchecked (:func:`compile_program`), so that a condition that may not be a
    Boolean shows as an exit, and is refused; an exit with the name of an exception the program
    throws is that exception, uncaught. The free variables are the markers of variables a
    handler may leave unassigned."""
    cells: dict[str, str | Type] = {x: TypeVariable("t_" + x) for x in program.variables()}
    cells.update(store or {})
    memory = store_memory(cells)
    try:
        return _typing(program, memory)
    except TypingError as error:
        raise _at_statement(program, memory, error) from None


def _typing(program: Program, memory: MemoryType) -> Typing:
    typing = infer(compile_program(program, checked_conditions=False), given=Arrow(memory, MemoryType("σ")))
    thrown = {node.name for node in program.nodes() if isinstance(node, Throw)}
    assert isinstance(typing.type, Arrow)
    for key, _ in typing.type.exits:
        if key not in thrown:
            raise TypingError(f"a condition may not be a Boolean: the program may end with a jump of {key}")
    return typing


#: a program with more top-level statements than this is not searched for the one to blame
_BLAME_LIMIT = 200


def _at_statement(program: Program, memory: MemoryType, error: TypingError) -> TypingError:
    """``error`` naming the first top-level statement with which the program stops having a type
    (the shortest untypable prefix), in While's words: ``line 4: while (...) ...: <why>``."""
    body = program.body
    if len(body) > _BLAME_LIMIT:
        return error
    for n in range(1, len(body) + 1):
        try:
            _typing(Program(program.types, body[:n]), memory)
        except TypingError as at:
            statement = body[n - 1]
            first = to_source(Program((), (statement,))).splitlines()[0]
            return TypingError(f"line {statement.line}: {first}: {at.message}", error.term)
    return error
