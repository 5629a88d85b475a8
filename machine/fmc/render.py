"""The FMC machines' traces and results for people: rich tables in the terminal, HTML tables in
notebooks (registered by :mod:`machine_calculus.machine.display`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from machine_calculus.machine.fmc.result import Result
from machine_calculus.machine.memory import sorted_locations
from machine_calculus.machine.render import (
    html_table,
    memory_cell,
    memory_text,
    shorten,
    state_table,
    term_cell,
    trace_page_html,
)

if TYPE_CHECKING:
    from machine_calculus.machine.fmc.effects import Distribution
    from machine_calculus.machine.fmc.small_step import State, Trace
    from machine_calculus.machine.fmc.symbolic import SymbolicRun

CELL_WIDTH = 2_000  # characters of one term of a result shown in a table (the printer stops there)

__all__ = [
    "distribution_html",
    "result_html",
    "result_table",
    "state_html",
    "status_line",
    "symbolic_html",
    "trace_html",
    "trace_table",
]

_TRACE_COLUMNS = ["#", "rule", "memory S", "continuation K", "term"]


def _continuation_text(state: State) -> str:
    terms = state.continuation_terms()
    return shorten(" · ".join(term_cell(t, 24) for t in reversed(terms)), 48) if terms else "ε"


def _rows(trace: Trace) -> list[tuple[str, str, str, str, str]]:
    rows = [
        ("0", "", memory_text(trace.initial.stacks()), _continuation_text(trace.initial), term_cell(trace.initial.term))
    ]
    for i, tr in enumerate(trace.transitions, 1):
        s = tr.state
        rows.append((str(i), tr.rule, memory_text(s.stacks()), _continuation_text(s), term_cell(s.term)))
    return rows


def status_line(result: Result) -> str:
    """``done after 3 steps, exit *``, ``stuck after ...: reason``, or the out-of-fuel reason."""
    if result.status == "done":
        return f"done after {result.steps} steps, exit {result.exit_text()}"
    if result.status == "out_of_fuel":
        return result.reason or f"out of fuel after {result.steps} steps"
    return f"{result.status.replace('_', ' ')} after {result.steps} steps: {result.reason}"


def trace_table(trace: Trace) -> Table:
    """A rich table with one row per state: step, rule, memory, continuation, term."""
    table = Table(title="FMC machine trace", caption=Text(status_line(trace.result)))
    for name, style in (
        ("#", "dim"),
        ("rule", "bold cyan"),
        ("memory S", "green"),
        ("continuation K", "magenta"),
        ("term", ""),
    ):
        table.add_column(name, style=style, overflow="fold")
    for row in _rows(trace):
        table.add_row(*(Text(cell) for cell in row))
    return table


def result_table(result: Result) -> Table:
    """A rich table of a result: status line as title, one row per location."""
    table = Table(title=Text(status_line(result)))
    table.add_column("location", style="bold")
    table.add_column("stack (bottom → top)")
    for loc in sorted_locations(result.memory):
        table.add_row(Text(loc), Text(", ".join(term_cell(t, CELL_WIDTH) for t in result.memory[loc])))
    return table


def trace_html(trace: Trace, start: int = 0, stop: int | None = None) -> str:
    """The trace as an HTML table: states ``start`` to ``stop``, or, by default, all of a short
    trace and the first and last steps of a long one; a cut memory opens onto the whole."""

    def row(i: int) -> tuple[str, ...]:
        state, rule = (trace.initial, "") if i == 0 else (trace.transitions[i - 1].state, trace.transitions[i - 1].rule)
        return (str(i), rule, memory_cell(state.stacks()), _continuation_text(state), term_cell(state.term))

    return trace_page_html(_TRACE_COLUMNS, len(trace.transitions) + 1, row, status_line(trace.result), start, stop)


def state_html(state: State, caption: str = "FMC machine state") -> str:
    """One state in full: each location's stack, the continuation and the term."""
    return state_table(state.stacks(), state.continuation_terms(), state.term, caption)


def result_html(result: Result) -> str:
    rows = [
        (loc, ", ".join(term_cell(t, CELL_WIDTH) for t in result.memory[loc]))
        for loc in sorted_locations(result.memory)
    ]
    return html_table(["location", "stack (bottom → top)"], rows, status_line(result))


def _outcome(result: Result) -> str:
    """A result on one line: how it ended and its memory."""
    return f"{status_line(result)};  {memory_text(result.memory)}"


def distribution_html(distribution: Distribution) -> str:
    """Each outcome with its exact probability, most likely first."""
    rows = [(str(p), _outcome(r)) for p, r in distribution.entries]
    caption = f"{len(rows)} outcomes"
    if distribution.unexplored:
        caption += f"; probability {distribution.unexplored} not explored"
    return html_table(["probability", "outcome"], rows, caption)


def symbolic_html(run: SymbolicRun) -> str:
    """Each path of a symbolic run with its path condition."""
    rows = [(str(p.condition), _outcome(p.result)) for p in run.paths]
    caption = f"{len(rows)} paths" + (" (stopped at the bound on paths)" if run.truncated else "")
    return html_table(["path condition", "outcome"], rows, caption)
