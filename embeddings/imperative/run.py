"""Run a While program on the FMC III machine and read the outcome back (``mcalc while``).

    run_while(program, store, inputs)  =  read_back(machine.run(compile(program), memory))

The memory holds one cell per variable (the thunk of its initial value, or the unassigned
marker), the input stream on ``in`` (first value on top). The outcome: exit ``⋆`` is normal
termination, exit ``E`` an uncaught exception (its payload on ``exc``), a stuck run a run-time
error, out of fuel an error saying so. A stuck run's reason is read back into the words of the
reference interpreter (:mod:`errors`): the free variable ``unassigned_x`` is ``variable x is not
assigned``, an empty ``in`` is ``input exhausted``, and a failed primitive or ``error`` names
the While values it was given, which are still on λ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sympy

from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Name, Pop, Prim, Push, Skip, Term, Var
from machine_calculus.embeddings.imperative import errors
from machine_calculus.embeddings.imperative.compiler import (
    EXC,
    IN,
    OUT,
    UNASSIGNED,
    compile_program,
    unassigned,
    value_term,
)
from machine_calculus.embeddings.imperative.interpreter import Outcome
from machine_calculus.embeddings.imperative.syntax import Data, Program, Value
from machine_calculus.machine.fmc import fast
from machine_calculus.machine.fmc.primitives import arity
from machine_calculus.machine.fmc.result import Result, stuck_reason
from machine_calculus.machine.fmc.symbolic import explore
from machine_calculus.machine.memory import input_stream

__all__ = ["initial_memory", "outcome_of", "run_while", "symbolic_paths", "term_value"]


def initial_memory(
    program: Program, store: Mapping[str, Value] | None = None, inputs: Iterable[Value] = ()
) -> dict[str, tuple[Term, ...]]:
    """Every variable's cell, and the input stream."""
    store = dict(store or {})
    memory: dict[str, tuple[Term, ...]] = {}
    for x in [*program.variables(), *store]:
        memory[x] = (Push(value_term(store[x]), DEFAULT, SKIP),) if x in store else (unassigned(x),)
    memory[IN] = input_stream(*(value_term(v) for v in inputs))
    return memory


def term_value(t: Term) -> Value:
    """The While value a term stands for (the inverse of :func:`value_term`); iterative, so a
    list of 100,000 elements built by a program reads back."""
    values: list[Value] = []  # the values read so far, in the order their terms were taken
    work: list[tuple[Term, bool] | tuple[Const, int]] = [(t, False)]
    while work:
        item, arg = work.pop()
        if arg is not False and not isinstance(arg, bool):  # build a value from its n fields read
            v, n = item.value, arg  # type: ignore[attr-defined]
            fields = values[len(values) - n :] if n else []
            del values[len(values) - n :]
            if isinstance(v, Name):
                if not fields and v.text in ("True", "False"):
                    values.append(v.text == "True")
                else:
                    values.append(Data(v.text, tuple(reversed(fields))))
            else:
                values.append(v)
            continue
        chain: list[Term] = []
        node = item
        while isinstance(node, Push):
            chain.append(node.term)
            node = node.body
        if not isinstance(node, Const):
            raise ValueError(f"not a value: {node!r}")
        work.append((node, len(chain)))
        work.extend((field, False) for field in reversed(chain))
    (value,) = values
    return value


def _cell(stack: tuple[Term, ...]) -> Value | None:
    """The value in a cell ``[v]``, or None if unassigned."""
    if not stack or isinstance(stack[-1], Var):
        return None
    top = stack[-1]
    assert isinstance(top, Push) and isinstance(top.body, Skip), top
    return term_value(top.term)


def outcome_of(program: Program, result: Result, variables: Iterable[str] = ()) -> Outcome:
    """Read a machine result back as a While outcome (the store: the program's variables and
    ``variables``, those of the initial store)."""
    store = {}
    for x in dict.fromkeys([*program.variables(), *variables]):
        v = _cell(result.stack(x))
        if v is not None:
            store[x] = v
    output = [term_value(t) for t in result.stack(OUT)]
    if result.status == "done":
        exit_label = result.exit
        if isinstance(exit_label, Skip):
            return Outcome("normal", store, output)
        assert isinstance(exit_label, Const)
        name = exit_label.value.text if isinstance(exit_label.value, Name) else str(exit_label.value)
        return Outcome("exception", store, output, name, _payload(result.stack(EXC)))
    return Outcome("error", store, output, error=_error_text(result))


def _payload(stack: tuple[Term, ...]) -> Value | None:
    """The payload of an uncaught exception: ``⟨_⟩.[[v]]`` on ``exc`` is ``v``; ``⋆`` none."""
    top = stack[-1] if stack else SKIP
    if isinstance(top, Pop) and isinstance(top.body, Push) and isinstance(top.body.term, Push):
        return term_value(top.body.term.term)
    return None


_UNASSIGNED = stuck_reason("free", UNASSIGNED)


def _error_text(result: Result) -> str:
    """The run-time error of a stuck or out-of-fuel run, in While's words (:mod:`errors`)."""
    if result.status == "out_of_fuel":
        return errors.OUT_OF_FUEL
    reason = result.reason or ""
    if reason.startswith(_UNASSIGNED):
        return errors.unassigned(reason.removeprefix(_UNASSIGNED))
    if reason == stuck_reason("empty", IN):
        return errors.INPUT_EXHAUSTED
    term, on_top = result.term, result.stack(DEFAULT)
    if not isinstance(term, Prim):
        return reason
    try:
        if term.name == "error":  # [v].["message"].error
            message = on_top[-1]
            if isinstance(message, Const) and isinstance(message.value, str):
                return errors.source_message(message.value, term_value(on_top[-2]))
            return reason
        n = arity(term.name)
        args = [term_value(t) for t in reversed(on_top[len(on_top) - n :])]
    except (ValueError, IndexError):  # not a compiled program's state: the machine's words
        return reason
    return errors.operator_error(term.name, args) or reason


def run_while(
    program: Program,
    store: Mapping[str, Value] | None = None,
    inputs: Iterable[Value] = (),
    fuel: int = 10_000_000,
) -> Outcome:
    """Compile ``program``, run it on the fast machine, and read the outcome back."""
    term = compile_program(program)
    memory = initial_memory(program, store, inputs)
    return outcome_of(program, fast.run(term, memory, fuel), store or {})


def symbolic_paths(
    program: Program,
    store: Mapping[str, Value] | None = None,
    inputs: Iterable[Value] = (),
    fuel: int = 1_000_000,
    max_paths: int = 64,
) -> list[tuple[Any, Outcome]]:
    """Run ``program`` symbolically (symbolic values in ``store`` or ``inputs``): one
    ``(path condition, outcome)`` per path (see :mod:`machine.fmc.symbolic`)."""
    run = explore(compile_program(program), initial_memory(program, store, inputs), fuel, max_paths)
    paths = [(p.condition, outcome_of(program, p.result, store or {})) for p in run.paths]
    if run.truncated:
        paths.append((sympy.true, Outcome("error", error=f"more than {max_paths} paths: exploration stopped")))
    return paths
