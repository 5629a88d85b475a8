"""What a run gives back: done (with its exit label), stuck (with the reason) or out of fuel.

Memories are given and returned as ``{location: (bottom, ..., top)}``; empty stacks are omitted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from calculus.fmc.printer import to_ascii
from calculus.fmc.syntax import DEFAULT, Const, Skip, Term

__all__ = ["MemoryInput", "Result", "Status", "input_stream", "normalize_memory", "stuck_reason"]

Status = Literal["done", "stuck", "out_of_fuel"]

#: An initial memory: for each location, its stack from bottom to top.
MemoryInput = Mapping[str, Sequence[Term]]


def input_stream(*values: Term) -> tuple[Term, ...]:
    """A stack holding the stream ``v1, v2, ...`` with ``v1`` on top (popped first)."""
    return tuple(reversed(values))


def normalize_memory(memory: MemoryInput | None) -> dict[str, tuple[Term, ...]]:
    """A memory as a dict of non-empty tuples (bottom to top), checked to hold terms."""
    result: dict[str, tuple[Term, ...]] = {}
    for location, stack in (memory or {}).items():
        items = tuple(stack)
        for item in items:
            if not isinstance(item, Term):
                raise TypeError(f"location {location!r} holds a non-term {item!r}")
        if items:
            result[location] = items
    return result


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

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the command-line contract (terms in ASCII, bottom to top)."""
        return {
            "status": self.status,
            "exit": self.exit_text(),
            "reason": self.reason,
            "steps": self.steps,
            "stacks": {
                loc: [to_ascii(t) for t in stack] for loc, stack in sorted(self.memory.items(), key=_location_order)
            },
        }

    def _repr_html_(self) -> str:
        from machine.render import result_html

        return result_html(self)

    def __rich__(self) -> Any:
        from machine.render import result_table

        return result_table(self)


def _location_order(item: tuple[str, object]) -> tuple[int, str]:
    return (0 if item[0] == DEFAULT else 1, item[0])


def halted_label(term: Term) -> Term:
    """The exit label of a terminal term: the skip or constant itself."""
    assert isinstance(term, Skip | Const), term
    return term


def sorted_locations(locations: Iterable[str]) -> list[str]:
    """Locations in display order: λ first, then alphabetical."""
    return sorted(locations, key=lambda loc: (loc != DEFAULT, loc))
