"""The FMC machines' traces and results for people: rich tables in the terminal, HTML tables in
notebooks (registered by :mod:`machine_calculus.machine.display`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.fmc.syntax import Term
from machine_calculus.machine.fmc.result import Result
from machine_calculus.machine.memory import sorted_locations
from machine_calculus.machine.render import WIDTH, html_table, memory_text, shorten

if TYPE_CHECKING:
    from machine_calculus.machine.fmc.small_step import State, Trace

__all__ = ["result_html", "result_table", "status_line", "trace_html", "trace_table"]


def _term(t: Term, width: int = WIDTH) -> str:
    return shorten(to_unicode(t, width), width)  # printed only as far as shown


def _continuation_text(state: State) -> str:
    terms = state.continuation_terms()
    return shorten(" · ".join(_term(t, 24) for t in reversed(terms)), 48) if terms else "ε"


def _rows(trace: Trace) -> list[tuple[str, str, str, str, str]]:
    rows = [
        ("0", "", memory_text(trace.initial.stacks()), _continuation_text(trace.initial), _term(trace.initial.term))
    ]
    for i, tr in enumerate(trace.transitions, 1):
        s = tr.state
        rows.append((str(i), tr.rule, memory_text(s.stacks()), _continuation_text(s), _term(s.term)))
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
        table.add_row(Text(loc), Text(", ".join(to_unicode(t) for t in result.memory[loc])))
    return table


def trace_html(trace: Trace) -> str:
    return html_table(["#", "rule", "memory S", "continuation K", "term"], _rows(trace), status_line(trace.result))


def result_html(result: Result) -> str:
    rows = [(loc, ", ".join(to_unicode(t) for t in result.memory[loc])) for loc in sorted_locations(result.memory)]
    return html_table(["location", "stack (bottom → top)"], rows, status_line(result))
