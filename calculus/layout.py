"""The printers' shared loop: expand items into pieces on an explicit stack (no recursion, so
terms nested 100,000 deep print), where a piece is literal :class:`Text` or another item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Text", "assemble"]


class Text(str):
    """Literal output on the printer's work stack (as opposed to an item still to expand)."""


def assemble(start: Any, expand: Callable[[Any], list[Any]]) -> str:
    """The text of ``start``: ``expand(item)`` gives an item's pieces, left to right."""
    out: list[str] = []
    stack: list[Any] = [start]
    while stack:
        item = stack.pop()
        if isinstance(item, Text):
            out.append(item)
            continue
        stack.extend(reversed(expand(item)))
    return "".join(out)
