"""Relational runs for people: rich tables in the terminal, HTML tables in notebooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from machine_calculus.calculus.rmc.firstorder import term_text
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.render import (
    WIDTH,
    html_table,
    memory_cell,
    memory_text,
    shorten,
    state_table,
    term_cell,
    trace_page_html,
)

if TYPE_CHECKING:
    from machine_calculus.machine.rmc.small_step import Answer, Answers, State, Trace

__all__ = ["answer_html", "answers_html", "answers_table", "state_html", "trace_html", "trace_table"]

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


def trace_html(trace: Trace, start: int = 0, stop: int | None = None) -> str:
    """The branch as an HTML table: states ``start`` to ``stop``, or all of a short trace and
    the first and last steps of a long one; a cut memory opens onto the whole."""

    def row(i: int) -> tuple[str, ...]:
        state, rule = (trace.initial, "") if i == 0 else (trace.steps[i - 1].state, trace.steps[i - 1].label())
        _, k, term = _state_cells(state)
        return (str(i), rule, memory_cell(state.stacks(), term_text), k, term)

    return trace_page_html(list(_TRACE_COLUMNS), len(trace.steps) + 1, row, trace.status_line(), start, stop)


def state_html(state: State, caption: str = "relational machine state") -> str:
    """One state in full: each location's stack under σ, the continuation and the term."""
    terms = state.continuation_terms()
    return state_table(state.stacks(), terms, state.current_term(), caption, _unicode_text, term_text)


def answer_html(answer: Answer) -> str:
    """One answer: its final memory, a location a row (stacks bottom to top)."""
    rows = [(loc, ", ".join(items)) for loc, items in answer.texts().items()]
    return html_table(["location", "stack (bottom → top)"], rows, f"answer (path {list(answer.path)})")


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
    """The answers as an HTML table: all of a few, the first and last of many."""
    rows = answers.answers
    headers = ["#", "final memory (bottom → top)"]
    line = answers.status_line()
    return trace_page_html(headers, len(rows), lambda i: (str(i + 1), str(rows[i])), line, hint="answers[i] is one")
