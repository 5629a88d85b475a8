"""Running a Prolog query on the relational machine, answers printed as SWI-Prolog prints them.

Each answer binds the query's variables (``_``-prefixed ones are not reported); variables still
unbound in an answer print as ``_A``, ``_B``, ... in order of first appearance, across the
variables in query order (as the fixture script prints SWI-Prolog's answers).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from machine_calculus.calculus.layout import Budget, cut_message
from machine_calculus.calculus.rmc.firstorder import FVar, arguments
from machine_calculus.calculus.terms import Term, dag_size_text, iter_distinct_nodes
from machine_calculus.embeddings.prolog.compiler import (
    ANSWERS,
    Program,
    Query,
    compile_query,
    parse_program,
    parse_query,
)
from machine_calculus.embeddings.prolog.printer import BINDING_PRIORITY, prolog_text
from machine_calculus.machine.rmc.compiled import Search
from machine_calculus.machine.rmc.small_step import DEFAULT_FUEL, Answer, Order

__all__ = [
    "PrologAnswers",
    "answer_bindings",
    "answers",
    "bindings_truncation",
    "bounded_bindings",
    "solve_prolog",
]


def _unbound_names(count: int) -> Iterator[str]:
    """``_A, _B, ..., _Z, _A1, ...``: the names an answer shows for the variables it leaves unbound."""
    n = 0
    while n < count:
        letter, number = chr(ord("A") + n % 26), n // 26
        yield f"_{letter}{number if number else ''}"
        n += 1


def answer_bindings(query: Query, answer: Answer) -> dict[str, str]:
    """``{"X": "[1, 2]", ...}`` from a machine answer (the ``answer(...)`` term on ``ans``)."""
    return bounded_bindings(query, answer, None)[0]


def bounded_bindings(query: Query, answer: Answer, max_output: int | None) -> tuple[dict[str, str], bool]:
    """:func:`answer_bindings` with the values printing at most ``max_output`` characters in
    all (None: no bound; a value cut ends with ``…``, values past the budget are ``…``), and
    whether one was cut. The unbound variables are named in one walk of each distinct node."""
    values = _answer_values(answer)
    order: dict[str, None] = {}
    for value in values:
        for node in iter_distinct_nodes(value):
            if type(node) is FVar:
                order.setdefault(node.name, None)
    names = dict(zip(order, _unbound_names(len(order)), strict=True))
    budget = Budget(max_output)
    bindings = {
        v: budget.take(lambda limit, t=t: prolog_text(t, names, limit, BINDING_PRIORITY))
        for v, t in zip(query.variables, values, strict=True)
    }
    return bindings, budget.cut


def _answer_values(answer: Answer) -> tuple[Term, ...]:
    """The values of the query's variables in a machine answer (the ``answer(...)`` term on ``ans``)."""
    (record,) = answer.stack(ANSWERS)
    return arguments(record)  # type: ignore[arg-type]


def bindings_truncation(answer: Answer, max_output: int, number: int) -> str:
    """Why answer ``number``'s bindings were cut, and how big its terms are."""
    sizes = dag_size_text(_answer_values(answer))
    return cut_message(max_output, f"answer {number:,}'s terms have {sizes}", " per answer")


@dataclass(frozen=True)
class PrologAnswers:
    """The answers to a query (bindings as text), whether they are all, and the steps taken."""

    answers: tuple[dict[str, str], ...]
    exhausted: bool
    steps: int
    out_of_fuel: bool = False
    #: why answers were cut at ``max_output`` characters (one message per answer cut)
    cut: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"answers": [{"X": "[1, 2]"}, ...], "exhausted": bool, "steps": N, "out_of_fuel": bool}`` (the
        command-line contract)."""
        payload: dict[str, Any] = {
            "answers": list(self.answers),
            "exhausted": self.exhausted,
            "steps": self.steps,
            "out_of_fuel": self.out_of_fuel,
        }
        if self.cut:
            payload["truncated"] = True
            payload["truncation"] = self.cut_text()
        return payload

    def _repr_html_(self) -> str:
        """A notebook's display: each answer's bindings as SWI-Prolog prints them, and how the
        search ended."""
        from machine_calculus.machine.render import html_table

        rows = [
            (str(i), ", ".join(f"{v} = {t}" for v, t in a.items()) or "true") for i, a in enumerate(self.answers, 1)
        ]
        n = len(self.answers)
        ended = "exhausted" if self.exhausted else "out of fuel" if self.out_of_fuel else "stopped at the limit"
        caption = f"{n} answer{'s' if n != 1 else ''} in {self.steps:,} steps, {ended}" if n else "false."
        return html_table(["#", "answer"], rows, caption)

    def cut_text(self) -> str:
        """The message of the first answer cut at ``max_output``, and how many others were."""
        more = len(self.cut) - 1
        return self.cut[0] + (f" (and {more:,} more answer{'s' if more > 1 else ''} cut)" if more else "")


def answers(program: Program, query: Query, *, order: str = "prolog", fuel: int | None = DEFAULT_FUEL) -> Search:
    """The machine's lazy answer stream for the query (``order``: ``"prolog"`` or ``"fair"``)."""
    machine_order: Order = "depth-first" if order in ("prolog", "depth-first") else "fair"
    return Search(compile_query(program, query), fuel=fuel, order=machine_order, paths=False)


def solve_prolog(
    program: Program | str,
    query: Query | str,
    *,
    order: str = "prolog",
    limit: int | None = None,
    fuel: int | None = DEFAULT_FUEL,
    max_output: int | None = None,
) -> PrologAnswers:
    """The first ``limit`` answers (all when None) within ``fuel`` machine steps, each answer's
    bindings within ``max_output`` characters (None: no bound)."""
    if isinstance(program, str):
        program = parse_program(program)
    if isinstance(query, str):
        query = parse_query(query)
    if order not in ("prolog", "fair"):
        raise ValueError(f"order must be 'prolog' or 'fair', not {order!r}")
    search = answers(program, query, order=order, fuel=fuel)
    found: list[dict[str, str]] = []
    cut: list[str] = []
    if limit is None or limit > 0:
        for answer in search:
            bindings, was_cut = bounded_bindings(query, answer, max_output)
            found.append(bindings)
            if was_cut:
                cut.append(bindings_truncation(answer, max_output or 0, len(found)))
            if limit is not None and len(found) >= limit:
                break
    return PrologAnswers(tuple(found), search.exhausted, search.steps, search.out_of_fuel, tuple(cut))
