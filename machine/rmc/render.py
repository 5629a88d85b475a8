"""Relational runs for people: rich tables in the terminal, HTML tables in notebooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from machine_calculus.calculus.rmc.firstorder import term_text
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.render import WIDTH, html_table, memory_text, shorten, term_cell

if TYPE_CHECKING:
    from machine_calculus.machine.rmc.small_step import Answers, State, Trace

__all__ = ["answers_html", "answers_table", "trace_html", "trace_table"]

_TRACE_COLUMNS = ("#", "rule", "memory S (under σ)", "continuation K", "term")


def _term(t: Term, width: int = WIDTH) -> str:
    return term_cell(t, width, _unicode_text)  # printed only as far as shown


def _unicode_text(t: Term, limit: int | None) -> str:
    """An RMC term in unicode notation, at most ``limit + 1`` characters."""
    return rmc_text(t, "unicode", limit)


def _state_cells(state: State) -> tuple[str, str, str]:
    terms = state.continuation_terms()
    k = shorten(" · ".join(_term(t, 24) for t in reversed(terms)), 48) if terms else "ε"
    return memory_text(state.stacks(), printer=term_text), k, _term(state.current_term())


def _trace_rows(trace: Trace) -> list[tuple[str, ...]]:
    rows = [("0", "", *_state_cells(trace.initial))]
    rows.extend((str(i), s.label(), *_state_cells(s.state)) for i, s in enumerate(trace.steps, 1))
    return rows


def trace_table(trace: Trace) -> Table:
    """A rich table with one row per state of the branch: step, rule, memory, continuation, term."""
    table = Table(title="relational machine: one branch", caption=Text(trace.status_line()))
    for name, style in zip(_TRACE_COLUMNS, ("dim", "bold cyan", "green", "magenta", ""), strict=True):
        table.add_column(name, style=style, overflow="fold")
    for row in _trace_rows(trace):
        table.add_row(*(Text(cell) for cell in row))
    return table


def trace_html(trace: Trace) -> str:
    return html_table(list(_TRACE_COLUMNS), _trace_rows(trace), trace.status_line())


def _answer_rows(answers: Answers) -> list[tuple[str, str]]:
    return [(str(i), str(a)) for i, a in enumerate(answers, 1)]


def answers_table(answers: Answers) -> Table:
    """A rich table of the answers, one row each (stacks bottom to top)."""
    table = Table(title=Text(answers.status_line()))
    table.add_column("#", style="dim")
    table.add_column("final memory (bottom → top)")
    for row in _answer_rows(answers):
        table.add_row(*(Text(cell) for cell in row))
    return table


def answers_html(answers: Answers) -> str:
    return html_table(["#", "final memory (bottom → top)"], _answer_rows(answers), answers.status_line())
