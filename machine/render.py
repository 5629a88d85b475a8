"""What the renderers of both machines share: cells cut to a width, a memory as one line, and
HTML tables. Renderers import the machines; the machines never import a renderer."""

from __future__ import annotations

import html
from collections.abc import Callable

from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.memory import sorted_locations

__all__ = ["WIDTH", "bounded_memory_text", "html_table", "memory_text", "shorten", "term_cell"]

WIDTH = 72  # longest term text shown in a cell


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


def html_table(headers: list[str], rows: list[tuple[str, ...]], caption: str) -> str:
    """An HTML table with a caption, a header row and one row per tuple, every cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td><code>{html.escape(c)}</code></td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
