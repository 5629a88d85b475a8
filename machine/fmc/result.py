"""What a run gives back: done (with its exit label), stuck (with the reason) or out of fuel.

Memories are returned as ``{location: (bottom, ..., top)}``; empty stacks are omitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import DEFAULT, Const, Skip, Term
from machine_calculus.machine.memory import bounded_memory_json

__all__ = ["Result", "Status", "halted_label", "stuck_reason"]

Status = Literal["done", "stuck", "out_of_fuel"]


def stuck_reason(kind: str, detail: str) -> str:
    """The reason text of a stuck run (one wording for both machines)."""
    if kind == "empty":
        return f"pop from the empty stack at location {detail}"
    if kind == "undetermined":
        return f"the branch for label {detail} depends on symbolic constants (run symbolically)"
    if kind == "arguments":
        name, n = detail.split(" ")
        return f"primitive {name} needs {n} arguments on λ"
    return f"free variable {detail}"


@dataclass(frozen=True, eq=False)
class Result:
    """The outcome of a run.

    ``exit`` is the label the run terminated with, as a term: ``SKIP`` (a normal exit, printed
    ``*``) or the constant (``Const``) it ended on; ``None`` unless done. ``term`` and ``continuation`` are where a stuck or out-of-fuel run
    stopped (``continuation`` top first). A machine may pass ``stopped_at``, a function giving
    ``(term, continuation)``, instead: they are then read back only when asked for.
    """

    status: Status
    steps: int
    memory: dict[str, tuple[Term, ...]]
    exit: Term | None = None
    reason: str | None = None
    stopped_at: Callable[[], tuple[Term | None, tuple[Term, ...]]] | None = field(default=None, repr=False)

    @cached_property
    def _where(self) -> tuple[Term | None, tuple[Term, ...]]:
        return self.stopped_at() if self.stopped_at is not None else (None, ())

    @property
    def term(self) -> Term | None:
        """The current term where a stuck or out-of-fuel run stopped (``None`` when done)."""
        return self._where[0]

    @property
    def continuation(self) -> tuple[Term, ...]:
        """The continuation stack where a stuck or out-of-fuel run stopped, top first."""
        return self._where[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.status, self.steps, self.memory, self.exit_text(), self.reason, self._where) == (
            other.status,
            other.steps,
            other.memory,
            other.exit_text(),
            other.reason,
            other._where,
        )

    __hash__ = None  # type: ignore[assignment]

    def same_outcome(self, other: Result) -> bool:
        """The same status, exit label and final memory, however many steps each took (how an
        optimized term's run is compared with the original's)."""
        return (self.status, self.exit, self.memory) == (other.status, other.exit, other.memory)

    @property
    def done(self) -> bool:
        return self.status == "done"

    def stack(self, location: str = DEFAULT) -> tuple[Term, ...]:
        """The final stack at ``location``, bottom to top (empty if absent)."""
        return self.memory.get(location, ())

    def exit_text(self) -> str | None:
        """The exit label as text: ``"*"``, ``"3"``, ``"True"``, ``None`` when not done."""
        return None if self.exit is None else to_ascii(self.exit)

    def _repr_html_(self) -> str:
        """A notebook's display: the status line and the final memory, a location a row."""
        from machine_calculus.machine.fmc.render import result_html

        return result_html(self)

    def to_json(self, max_output: int | None = None) -> dict[str, Any]:
        """The JSON object of the command-line contract (terms in ASCII, bottom to top).

        With ``max_output``, the stacks' terms together print at most that many characters:
        a term cut ends with ``…``, and the object then has ``"truncated": true`` and a
        ``"truncation"`` message with the sizes of the memory's terms."""
        return {
            "status": self.status,
            "exit": self.exit_text(),
            "reason": self.reason,
            "steps": self.steps,
            **bounded_memory_json(self.memory, max_output, to_ascii),
        }


def halted_label(term: Term) -> Term:
    """The exit label of a terminal term: the skip or constant itself."""
    assert isinstance(term, Skip | Const), term
    return term
