"""Memories as the machines take and give them: ``{location: (bottom, ..., top)}``, empty stacks
omitted; shared by the FMC machines and the relational machine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from machine_calculus.calculus.fmc.syntax import DEFAULT
from machine_calculus.calculus.terms import Term

__all__ = ["MemoryInput", "input_stream", "location_order", "normalize_memory", "sorted_locations"]

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


def location_order(item: tuple[str, object]) -> tuple[int, str]:
    """The sort key of a ``(location, stack)`` item: λ first, then alphabetical."""
    return (0 if item[0] == DEFAULT else 1, item[0])


def sorted_locations(locations: Iterable[str]) -> list[str]:
    """Locations in display order: λ first, then alphabetical."""
    return sorted(locations, key=lambda loc: (loc != DEFAULT, loc))
