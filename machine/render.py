"""What the renderers of both machines share: cells cut to a width, a memory as one line, and
HTML tables. Renderers import the machines; the machines never import a renderer."""

from __future__ import annotations

import html
from collections.abc import Callable

from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.memory import sorted_locations

__all__ = [
    "FULL_WIDTH",
    "HEAD",
    "TAIL",
    "WIDTH",
    "Html",
    "bounded_memory_text",
    "html_table",
    "memory_cell",
    "memory_text",
    "shorten",
    "shown_rows",
    "state_table",
    "term_cell",
    "trace_page_html",
]

WIDTH = 72  # longest term text shown in a cell
FULL_WIDTH = 5_000  # longest term text shown when a memory is opened in full
HEAD, TAIL = 25, 25  # the first and last steps a long trace shows (the rest is folded)

#: left-aligned cells (notebooks right-align table cells by default), tops aligned, monospace
_STYLE = (
    "<style>.mc-table{border-collapse:collapse}.mc-table td,.mc-table th{text-align:left!important;"
    "vertical-align:top;padding:2px 8px}.mc-table caption{text-align:left;font-weight:bold;padding:4px 0}"
    ".mc-table summary{cursor:pointer}.mc-table .mc-fold{color:#777;font-style:italic}</style>"
)


class Html(str):
    """A table cell that is HTML already (not escaped again)."""


def shorten(text: str, width: int = WIDTH) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def term_cell(t: Term, width: int = WIDTH, printer: Callable[..., str] = to_unicode) -> str:
    """``t`` printed by ``printer`` (which takes a ``limit``) and cut to ``width`` characters with
    an ellipsis; the printer stops at the width, so a term whose tree is exponentially larger
    than its DAG costs no more than its cell."""
    return shorten(printer(t, width), width)


def memory_text(
    stacks: dict[str, tuple[Term, ...]],
    width: int = WIDTH,
    printer: Callable[..., str] = to_unicode,
    item_width: int = 24,
) -> str:
    """``λ: [A, B]  out: [1]``, stacks bottom to top (terms printed by ``printer``), each term
    cut to ``item_width`` characters and the line to ``width``."""
    return bounded_memory_text(stacks, width, printer, item_width)[0]


def bounded_memory_text(
    stacks: dict[str, tuple[Term, ...]],
    width: int = WIDTH,
    printer: Callable[..., str] = to_unicode,
    item_width: int | None = None,
) -> tuple[str, bool]:
    """:func:`memory_text` and whether anything was cut. ``printer`` takes a term and a
    ``limit`` of characters: each term is printed only as far as it is shown, so a term with
    much sharing (its tree exponentially larger than its DAG) costs no more than its cell."""
    parts = []
    length = 0
    cut = False
    locations = sorted_locations(stacks)
    for n, loc in enumerate(locations, 1):
        items = []
        for t in stacks[loc]:
            if length > width:
                cut = True
                break
            limit = (item_width if item_width is not None else max(width - length, 1)) + 1
            text = printer(t, limit)
            if len(text) > limit - 1:
                cut = True
                text = shorten(text, limit - 1)
            items.append(text)
            length += len(text) + 2
        parts.append(f"{loc}: [{', '.join(items)}]")
        length += len(loc) + 6
        if length > width:
            cut = cut or n < len(locations)  # locations left out (the line itself is measured below)
            break
    if not parts:
        return "∅", False
    line = "  ".join(parts)
    return shorten(line, width), cut or len(line) > width


def _cell(c: str) -> str:
    return c if isinstance(c, Html) else f"<code>{html.escape(c)}</code>"


def html_table(headers: list[str], rows: list[tuple[str, ...]] | list[tuple[str, ...] | None], caption: str) -> str:
    """An HTML table with a caption, a header row and one row per tuple, left-aligned; every
    cell escaped but :class:`Html` ones; a ``None`` row is a fold (``⋯``) spanning the row."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        if row is None:
            body.append(f'<tr><td class="mc-fold" colspan="{len(headers)}">⋯</td></tr>')
        else:
            body.append("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>")
    return (
        f'{_STYLE}<table class="mc-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def memory_cell(
    stacks: dict[str, tuple[Term, ...]], printer: Callable[..., str] = to_unicode, width: int = WIDTH
) -> str:
    """A memory on one line (:func:`memory_text`); when that line is cut, it opens (an HTML
    ``<details>``) onto the whole memory, one location a line, each term up to
    :data:`FULL_WIDTH` characters."""
    text, cut = bounded_memory_text(stacks, width, printer, 24)
    if not cut:
        return text
    lines = []
    for loc in sorted_locations(stacks):
        items = ", ".join(html.escape(term_cell(t, FULL_WIDTH, printer)) for t in stacks[loc])
        lines.append(f"<div><code>{html.escape(loc)}: [{items}]</code></div>")
    return Html(f"<details><summary><code>{html.escape(text)}</code></summary>{''.join(lines)}</details>")


def state_table(
    stacks: dict[str, tuple[Term, ...]],
    continuation: tuple[Term, ...],
    term: Term,
    caption: str,
    printer: Callable[..., str] = to_unicode,
    item_printer: Callable[..., str] = to_unicode,
) -> str:
    """One machine state in full as an HTML table: each location's stack (items printed by
    ``item_printer``, up to :data:`FULL_WIDTH` characters each), the continuation (as the traces
    show it, its top last) and the term, printed by ``printer``."""
    rows = [
        (f"memory {loc}", ", ".join(term_cell(t, FULL_WIDTH, item_printer) for t in stacks[loc]))
        for loc in sorted_locations(stacks)
    ]
    shown = " · ".join(term_cell(t, FULL_WIDTH, printer) for t in reversed(continuation))
    rows += [("continuation K", shown or "ε"), ("term", term_cell(term, FULL_WIDTH, printer))]
    return html_table(["", ""], rows, caption)


def shown_rows(count: int, start: int = 0, stop: int | None = None) -> list[int | None]:
    """Which of ``count`` rows a table shows: rows ``start`` to ``stop`` when a page is asked
    for; else all of them when there are few, or the first :data:`HEAD` and the last
    :data:`TAIL` with a fold (``None``) between."""
    if stop is not None or start:
        return list(range(max(start, 0), min(count if stop is None else stop, count)))
    if count <= HEAD + TAIL + 10:
        return list(range(count))
    return [*range(HEAD), None, *range(count - TAIL, count)]


def trace_page_html(
    headers: list[str],
    count: int,
    row: Callable[[int], tuple[str, ...]],
    caption: str,
    start: int = 0,
    stop: int | None = None,
    hint: str = "trace.page(start, stop) shows them, trace.state(i) one state",
) -> str:
    """``count`` rows (a trace's states) as an HTML table, built only for the rows shown
    (:func:`shown_rows`): a long table shows its first and last rows and says, by ``hint``,
    how to see the others."""
    shown = shown_rows(count, start, stop)
    rows = [None if i is None else row(i) for i in shown]
    if None in shown:
        caption += f" (rows {HEAD}–{count - TAIL - 1} folded: {hint})"
    elif shown:
        first, last = shown[0] or 0, shown[-1] or 0  # no fold here: every row is a number
        if first > 0 or last < count - 1:
            caption += f" (rows {first}–{last} of 0–{count - 1})"
    return html_table(headers, rows, caption)
