"""Traces and results for people: rich tables in the terminal, HTML tables in notebooks."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from calculus.fmc.printer import to_unicode
from calculus.fmc.syntax import Term
from machine.result import Result, sorted_locations

if TYPE_CHECKING:
    from machine.fmc import State, Trace

__all__ = ["html_table", "memory_text", "result_html", "result_table", "shorten", "trace_html", "trace_table"]

WIDTH = 72  # longest term text shown in a cell


def shorten(text: str, width: int = WIDTH) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _term(t: Term, width: int = WIDTH) -> str:
    return shorten(to_unicode(t), width)


def memory_text(
    stacks: dict[str, tuple[Term, ...]], width: int = WIDTH, printer: Callable[[Term], str] = to_unicode
) -> str:
    """``λ: [A, B]  out: [1]``, stacks bottom to top (terms printed by ``printer``)."""
    parts = []
    for loc in sorted_locations(stacks):
        items = ", ".join(shorten(printer(t), 24) for t in stacks[loc])
        parts.append(f"{loc}: [{items}]")
    return shorten("  ".join(parts), width) if parts else "∅"


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


def _status_line(result: Result) -> str:
    if result.status == "done":
        return f"done after {result.steps} steps, exit {result.exit_text()}"
    if result.status == "out_of_fuel":
        return result.reason or f"out of fuel after {result.steps} steps"
    return f"{result.status.replace('_', ' ')} after {result.steps} steps: {result.reason}"


def trace_table(trace: Trace) -> Table:
    """A rich table with one row per state: step, rule, memory, continuation, term."""
    table = Table(title="FMC machine trace", caption=Text(_status_line(trace.result)))
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
    table = Table(title=Text(_status_line(result)))
    table.add_column("location", style="bold")
    table.add_column("stack (bottom → top)")
    for loc in sorted_locations(result.memory):
        table.add_row(Text(loc), Text(", ".join(to_unicode(t) for t in result.memory[loc])))
    return table


def html_table(headers: list[str], rows: list[tuple[str, ...]], caption: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td><code>{html.escape(c)}</code></td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def trace_html(trace: Trace) -> str:
    return html_table(["#", "rule", "memory S", "continuation K", "term"], _rows(trace), _status_line(trace.result))


def result_html(result: Result) -> str:
    rows = [(loc, ", ".join(to_unicode(t) for t in result.memory[loc])) for loc in sorted_locations(result.memory)]
    return html_table(["location", "stack (bottom → top)"], rows, _status_line(result))
