"""The printers' shared loop: expand items into pieces on an explicit stack (no recursion, so
terms nested 100,000 deep print), where a piece is literal :class:`Text` or another item.

With a ``limit`` the loop stops as soon as the text is longer than ``limit`` characters, so
printing a term with much sharing (a small DAG whose tree is huge) costs at most the budget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Budget", "Text", "application_pieces", "assemble", "cut_message"]


class Text(str):
    """Literal output on the printer's work stack (as opposed to an item still to expand)."""


_COMMA, _CLOSE = Text(", "), Text(")")


def application_pieces(head: str, arguments: Sequence[Any]) -> list[Any]:
    """``head(a1, a2, ...)`` as pieces for :func:`assemble`: the arguments are items still to
    expand, between literal ``head(``, ``, `` and ``)``."""
    pieces: list[Any] = [Text(f"{head}(")]
    for i, a in enumerate(arguments):
        if i:
            pieces.append(_COMMA)
        pieces.append(a)
    pieces.append(_CLOSE)
    return pieces


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


class Budget:
    """A budget of characters shared by several texts (a memory's terms, an answer's bindings, a
    store's values), each printed by a printer that stops at a limit.

    :meth:`take` prints one text within what is left: a text longer than that is cut and ends
    with ``…``, and once the budget is spent each further text is ``…``; ``cut`` says whether
    any text was cut. ``limit=None`` is no bound (the printers print everything)."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.left = limit
        self.cut = False

    def take(self, printer: Callable[[int | None], str]) -> str:
        """``printer(limit)`` (at most ``limit + 1`` characters, enough to tell it is longer),
        cut to the budget left: ``text[:left - 1] + "…"`` when longer than ``left``."""
        return self.take_cut(printer)[0]

    def take_cut(self, printer: Callable[[int | None], str]) -> tuple[str, bool]:
        """:meth:`take`, and whether this text was cut."""
        if self.left is None:
            return printer(None), False
        text = printer(self.left)
        cut = len(text) > self.left
        if cut:
            self.cut = True
            text = text[: max(self.left - 1, 0)] + "…"
        self.left = max(self.left - len(text), 0)
        return text, cut


def cut_message(limit: int, sizes: str, per: str = "") -> str:
    """What a command says when ``--max-output`` cut its output: the bound (``per`` names what
    it bounds, e.g. ``" per answer"``), how big the cut data is, and the flag that raises it."""
    return f"output cut at {limit:,} characters{per}: {sizes}; --max-output N for more"
