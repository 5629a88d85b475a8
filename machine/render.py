"""What the renderers of both machines share: cells cut to a width, a memory as one line, and
HTML tables. Renderers import the machines; the machines never import a renderer."""

from __future__ import annotations

import html
from collections.abc import Callable

from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.memory import sorted_locations

__all__ = ["WIDTH", "html_table", "memory_text", "shorten"]

WIDTH = 72  # longest term text shown in a cell


def shorten(text: str, width: int = WIDTH) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def memory_text(
    stacks: dict[str, tuple[Term, ...]], width: int = WIDTH, printer: Callable[[Term], str] = to_unicode
) -> str:
    """``λ: [A, B]  out: [1]``, stacks bottom to top (terms printed by ``printer``)."""
    parts = []
    for loc in sorted_locations(stacks):
        items = ", ".join(shorten(printer(t), 24) for t in stacks[loc])
        parts.append(f"{loc}: [{items}]")
    return shorten("  ".join(parts), width) if parts else "∅"


def html_table(headers: list[str], rows: list[tuple[str, ...]], caption: str) -> str:
    """An HTML table with a caption, a header row and one row per tuple, every cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td><code>{html.escape(c)}</code></td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
