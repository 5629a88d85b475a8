"""Errors with a position: the file, line and column, the line itself and a caret under it."""

from __future__ import annotations

__all__ = ["ParseError", "Position"]

from typing import NamedTuple


class Position(NamedTuple):
    """A place in a source text: 1-based line and column, 0-based offset."""

    line: int
    column: int
    offset: int


class ParseError(ValueError):
    """Bad input, with where it is and what is wrong.

    ``str(error)`` is ``source:line:column: message`` followed by the offending line and a caret
    under the column, as a user should see it.
    """

    def __init__(self, message: str, text: str, position: Position, source: str = "<input>") -> None:
        self.message = message
        self.text = text
        self.position = position
        self.source = source
        super().__init__(self.render())

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column

    def render(self) -> str:
        """The message with the source line and a caret under the column."""
        lines = self.text.split("\n")
        index = min(self.position.line, len(lines)) - 1
        source_line = lines[index] if index >= 0 else ""
        shown = source_line if len(source_line) <= 200 else _window(source_line, self.position.column)
        caret_col = self.position.column - 1
        if shown is not source_line:
            caret_col = min(caret_col, 100)
        gutter = f"{self.position.line} | "
        return (
            f"{self.source}:{self.position.line}:{self.position.column}: {self.message}\n"
            f"{gutter}{shown}\n"
            f"{' ' * (len(gutter) - 2)}| {' ' * caret_col}^"
        )


def _window(line: str, column: int) -> str:
    """At most 200 characters of a long line around ``column``; the caret lands at 100."""
    start = max(0, column - 1 - 100)
    return line[start : start + 200]
