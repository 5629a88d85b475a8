"""Running a Prolog query on the relational machine, answers printed as SWI-Prolog prints them.

Each answer binds the query's variables (``_``-prefixed ones are not reported); variables still
unbound in an answer print as ``_A``, ``_B``, ... in order of first appearance, across the
variables in query order (as the fixture script prints SWI-Prolog's answers).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from machine_calculus.calculus.rmc.firstorder import FVar, arguments
from machine_calculus.calculus.terms import iter_preorder
from machine_calculus.embeddings.prolog.compiler import (
    ANSWERS,
    Program,
    Query,
    compile_query,
    parse_program,
    parse_query,
)
from machine_calculus.embeddings.prolog.printer import BINDING_PRIORITY, prolog_text
from machine_calculus.machine.rmc.small_step import DEFAULT_FUEL, Answer, Order, Search

__all__ = ["PrologAnswers", "answer_bindings", "answers", "solve_prolog"]


def _unbound_names(count: int) -> Iterator[str]:
    """``_A, _B, ..., _Z, _A1, ...``: the names an answer shows for the variables it leaves unbound."""
    n = 0
    while n < count:
        letter, number = chr(ord("A") + n % 26), n // 26
        yield f"_{letter}{number if number else ''}"
        n += 1


def answer_bindings(query: Query, answer: Answer) -> dict[str, str]:
    """``{"X": "[1, 2]", ...}`` from a machine answer (the ``answer(...)`` term on ``ans``)."""
    (record,) = answer.stack(ANSWERS)
    values = arguments(record)  # type: ignore[arg-type]
    order: list[str] = []
    for value in values:
        for node in iter_preorder(value):
            if isinstance(node, FVar) and node.name not in order:
                order.append(node.name)
    names = dict(zip(order, _unbound_names(len(order)), strict=True))
    return {v: prolog_text(t, names, BINDING_PRIORITY) for v, t in zip(query.variables, values, strict=True)}


@dataclass(frozen=True)
class PrologAnswers:
    """The answers to a query (bindings as text), whether they are all, and the steps taken."""

    answers: tuple[dict[str, str], ...]
    exhausted: bool
    steps: int
    out_of_fuel: bool = False

    def to_json(self) -> dict[str, Any]:
        """``{"answers": [{"X": "[1, 2]"}, ...], "exhausted": bool, "steps": N, "out_of_fuel": bool}`` (the
        command-line contract)."""
        return {
            "answers": list(self.answers),
            "exhausted": self.exhausted,
            "steps": self.steps,
            "out_of_fuel": self.out_of_fuel,
        }


def answers(program: Program, query: Query, *, order: str = "prolog", fuel: int | None = DEFAULT_FUEL) -> Search:
    """The machine's lazy answer stream for the query (``order``: ``"prolog"`` or ``"fair"``)."""
    machine_order: Order = "depth-first" if order in ("prolog", "depth-first") else "fair"
    return Search(compile_query(program, query), fuel=fuel, order=machine_order)


def solve_prolog(
    program: Program | str,
    query: Query | str,
    *,
    order: str = "prolog",
    limit: int | None = None,
    fuel: int | None = DEFAULT_FUEL,
) -> PrologAnswers:
    """The first ``limit`` answers (all when None) within ``fuel`` machine steps."""
    if isinstance(program, str):
        program = parse_program(program)
    if isinstance(query, str):
        query = parse_query(query)
    if order not in ("prolog", "fair"):
        raise ValueError(f"order must be 'prolog' or 'fair', not {order!r}")
    search = answers(program, query, order=order, fuel=fuel)
    found: list[dict[str, str]] = []
    if limit is None or limit > 0:
        for answer in search:
            found.append(answer_bindings(query, answer))
            if limit is not None and len(found) >= limit:
                break
    return PrologAnswers(tuple(found), search.exhausted, search.steps, search.out_of_fuel)
