"""The printers' shared loop: expand items into pieces on an explicit stack (no recursion, so
terms nested 100,000 deep print), where a piece is literal :class:`Text` or another item.

With a ``limit`` the loop stops as soon as the text is longer than ``limit`` characters, so
printing a term with much sharing (a small DAG whose tree is huge) costs at most the budget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Text", "assemble"]


class Text(str):
    """Literal output on the printer's work stack (as opposed to an item still to expand)."""


def assemble(start: Any, expand: Callable[[Any], list[Any]], limit: int | None = None) -> str:
    """The text of ``start``: ``expand(item)`` gives an item's pieces, left to right.

    With ``limit``, at most the first ``limit + 1`` characters (enough to tell that the text is
    longer than ``limit``): the walk stops there instead of building the whole text."""
    out: list[str] = []
    stack: list[Any] = [start]
    length = 0
    while stack:
        item = stack.pop()
        if isinstance(item, Text):
            out.append(item)
            if limit is not None:
                length += len(item)
                if length > limit:
                    return "".join(out)[: limit + 1]
            continue
        stack.extend(reversed(expand(item)))
    return "".join(out)
