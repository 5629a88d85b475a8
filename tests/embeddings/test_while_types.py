"""Item 3 of the types issue, for While: the programs the FMC III type system should accept
(docs/control.md, "Which While programs have a type") have the type of their store typing, run
without going wrong, and programs with a type error are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy
from hypothesis import event, given

from machine_calculus.calculus.fmc.types import (
    Arrow,
    Base,
    MemoryType,
    Type,
    TypeVariable,
    TypingError,
    has_type,
    instance_of,
    pretty_type,
)
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.interpreter import interpret
from machine_calculus.embeddings.imperative.parser import parse_while
from machine_calculus.embeddings.imperative.run import run_while
from machine_calculus.embeddings.imperative.strategies import TYPED_VARIABLES, programs, typed_programs
from machine_calculus.embeddings.imperative.syntax import Assign, Data, Print, Program, Variable
from machine_calculus.embeddings.imperative.types import cell_type, program_typing, store_memory

EXAMPLES = Path(__file__).parents[2] / "examples"


def typing_of(source: str, store: dict[str, str] | None = None) -> str:
    return pretty_type(program_typing(parse_while(source), store).type)


@pytest.mark.parametrize(
    ("source", "store", "expected"),
    [
        # the store holds values: x's, of some type t, is replaced
        ("x = 1;", {}, "x((ε ⇒ λ(t))) ⇒ x((ε ⇒ λ(int)))"),
        ('x = "a"; x = 2;', {}, "x((ε ⇒ λ(t))) ⇒ x((ε ⇒ λ(int)))"),  # a cell's sort may change in sequence
        ("print(1); print(True);", {}, "ε ⇒ out(bool int)"),  # out, top first
        ("y = x * x;", {"x": "int"}, "x((ε ⇒ λ(int))) y((ε ⇒ λ(t))) ⇒ x((ε ⇒ λ(int))) y((ε ⇒ λ(int)))"),
        ("y = x * x;", {}, "x((ε ⇒ λ(t))) y((ε ⇒ λ(u))) ⇒ x((ε ⇒ λ(t))) y((ε ⇒ λ(t)))"),  # t: a sort
        ("i = 0; while (i < 3) { i = i + 1; }", {}, "i((ε ⇒ λ(t))) ⇒ i((ε ⇒ λ(int)))"),
        ("try { throw E(3); } catch E(x) { print(x); }", {}, "x((ε ⇒ λ(t))) ⇒ out(int) x((ε ⇒ λ(int)))"),
        ("throw E;", {}, "ρ ⇒ {E: ρ·exc((ε ⇒ ε))}"),  # an uncaught exception: an exit of its own
        (
            "data P = Pair(l, r); p = Pair(1, True); match p { Pair(a, b) => { a = a + 1; } }",
            {},
            "a((ε ⇒ λ(t))) b((ε ⇒ λ(u))) p((ε ⇒ λ(v))) ⇒ a((ε ⇒ λ(int))) b((ε ⇒ λ(bool)))"
            " p((ε ⇒ λ((ε ⇒ {Pair: λ(int bool)}))))",
        ),
    ],
)
def test_programs_and_their_types(source: str, store: dict[str, str], expected: str) -> None:
    assert typing_of(source, store) == expected


def test_the_example_programs() -> None:
    factorial = (EXAMPLES / "factorial.while").read_text()
    assert typing_of(factorial, {"n": "int"}) == (
        "f((ε ⇒ λ(t))) n((ε ⇒ λ(int))) ⇒ f((ε ⇒ λ(int))) n((ε ⇒ λ(int))) out(int)"
    )
    assert typing_of((EXAMPLES / "gcd.while").read_text()) == (
        "a((ε ⇒ λ(t))) b((ε ⇒ λ(u))) r((ε ⇒ λ(int))) ⇒ a((ε ⇒ λ(int))) b((ε ⇒ λ(int))) out(int) r((ε ⇒ λ(int)))"
    )
    assert "Overflow: " in typing_of((EXAMPLES / "overflow.while").read_text())
    assert typing_of((EXAMPLES / "symbolic.while").read_text()).startswith("x((ε ⇒ λ(int))) y((ε ⇒ λ(t))) ⇒")
    # outside the class: the handler prints, the normal path does not; a list built in a loop
    # would need a recursive type
    for name in ("found", "list_sum"):
        with pytest.raises(TypingError):
            program_typing(parse_while((EXAMPLES / f"{name}.while").read_text()))


@pytest.mark.parametrize(
    "source",
    [
        "x = 1 + True;",  # a type mismatch
        'x = 1 < "s";',
        "if (1) { x = 1; }",  # not a Boolean
        "b = 3; while (b) { b = b - 1; }",
        "x = 1; y = x > 0 and x;",
        "x = 1; if (x > 0) { x = True; }",  # the branches leave x of two sorts
        "x = 3; while (x > 0) { print(x); x = x - 1; }",  # every turn prints: out has no one depth
        "x = 4 / 2;",  # '/' has no simple type (an int or a rat by the values)
        "x = 1; x = not x;",
        "data L = Nil | Cons(h, t); x = Nil; x = Cons(1, x); match x { Cons(h, t) => { y = h + True; } }",
    ],
)
def test_type_errors_are_refused(source: str) -> None:
    with pytest.raises(TypingError):
        program_typing(parse_while(source))


def test_store_sorts_are_checked() -> None:
    assert store_memory({"x": "int"}) == MemoryType("ρ", (("x", (cell_type("int"),)),))
    with pytest.raises(ValueError, match="not a sort"):
        store_memory({"x": "list"})


def _sort_type(sort: str) -> Type:
    if sort == "Pair":  # the thunk [[v2].[v1].Pair], run at any depth: it jumps Pair with the fields
        fields = MemoryType("ε", (("λ", (Base("int"), Base("int"))),))
        return Arrow(MemoryType("ε"), MemoryType("ε"), (("Pair", fields),))
    return Base(sort)


def store_typing(program: Program) -> Arrow:
    """The reference: every variable is set first, so each cell starts with anything (a type
    variable of its own) and ends with a value of its sort; out holds the sorts of the prints,
    which are all at the top level, in order."""
    variables = sorted({s.name for s in program.body if isinstance(s, Assign)})
    printed: list[Type] = []
    for s in program.body:
        if isinstance(s, Print):
            sort = "bool" if isinstance(s.value, Variable) and s.value.name == "f" else "int"
            printed.append(Base(sort))
    sorts = {x: TYPED_VARIABLES.get(x, "int") for x in variables}  # the loop counters are ints
    before = MemoryType("ρ", tuple((x, (cell_type(TypeVariable("t_" + x)),)) for x in variables))
    after = [(x, (cell_type(_sort_type(sorts[x])),)) for x in variables]
    if printed:
        after.append(("out", tuple(printed)))
    return Arrow(before, MemoryType("ρ", tuple(sorted(after))))


@given(typed_programs())
def test_typed_programs_have_their_store_typing(program: Program) -> None:
    expected = store_typing(program)
    term = compile_program(program)
    assert has_type(term, expected), pretty_type(expected)
    inferred = program_typing(program).type
    assert instance_of(expected, inferred), (pretty_type(inferred), pretty_type(expected))


@given(typed_programs())
def test_typed_programs_do_not_go_wrong(program: Program) -> None:
    """Typed termination and progress for the class: a run ends normally (every exception is
    caught), or on ``%`` by zero (the only run-time error left); machine and interpreter agree,
    and the final store holds values of the variables' sorts."""
    outcome = run_while(program)
    assert outcome.key() == interpret(program).key()
    event(f"outcome: {outcome.outcome}")
    if outcome.outcome == "error":
        assert "division by zero" in (outcome.error or ""), outcome.error
        return
    assert outcome.outcome == "normal", outcome
    for name, value in outcome.store.items():
        sort = TYPED_VARIABLES.get(name, "int")
        if sort == "int":
            assert isinstance(value, sympy.Integer), (name, value)
        elif sort == "bool":
            assert isinstance(value, bool), (name, value)
        else:
            assert isinstance(value, Data) and value.constructor == "Pair", (name, value)


#: the run-time errors a type rules out: an operator on values of the wrong sorts, a condition
#: that is not a Boolean
_TYPE_ERRORS = ("type mismatch", "is not a Boolean", "is not a constant", "needs integers")


@given(programs())
def test_a_typed_program_has_no_type_error_at_run_time(program: Program) -> None:
    """Soundness on the general generator (type errors, mixed sorts, unassigned variables): a
    program that has a type never stops on a type error. (It may still read a variable not
    assigned, the store being empty, divide by zero or throw.)"""
    try:
        program_typing(program)
    except TypingError:
        event("untypable")
        return
    event("typed")
    outcome = run_while(program)
    assert not any(e in (outcome.error or "") for e in _TYPE_ERRORS), outcome.error


def test_command_line_type(capsys: pytest.CaptureFixture[str]) -> None:
    from machine_calculus.cli.main import main

    assert main(["while", str(EXAMPLES / "factorial.while"), "--set", "n=10", "--type"]) == 0
    assert capsys.readouterr().out.strip() == (
        "f((ε ⇒ λ(t))) n((ε ⇒ λ(int))) ⇒ f((ε ⇒ λ(int))) n((ε ⇒ λ(int))) out(int)"
    )
    assert main(["while", "x = 1;\nx = 1 + True;", "--type", "--json"]) == 1
    answer = json.loads(capsys.readouterr().out)
    assert answer["typable"] is False and answer["error"].startswith("line 2: x = (1 + True);: ")
    assert main(["while", "y = x * 2;", "--set", "x=$x", "--type"]) == 0  # a symbol: an integer
    assert "x((ε ⇒ λ(int)))" in capsys.readouterr().out
