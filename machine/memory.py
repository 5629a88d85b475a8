"""Memories as the machines take and give them: ``{location: (bottom, ..., top)}``, empty stacks
omitted; shared by the FMC machines and the relational machine."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from machine_calculus.calculus.fmc.syntax import DEFAULT
from machine_calculus.calculus.layout import Budget, cut_message
from machine_calculus.calculus.terms import Term, dag_size_text

__all__ = [
    "MemoryInput",
    "bounded_memory_json",
    "bounded_stacks_json",
    "bounded_step_json",
    "input_stream",
    "location_order",
    "normalize_memory",
    "sorted_locations",
    "truncation_message",
]

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


def bounded_stacks_json(
    memory: Mapping[str, tuple[Term, ...]], max_output: int | None, printer: Callable[..., str]
) -> tuple[dict[str, list[str]], bool]:
    """The stacks as JSON lists of texts by ``printer(term, limit)``, within ``max_output``
    characters in all (None: no bound), and whether a term was cut (its text then ends with ``…``; terms past the budget
    are ``"…"``)."""
    budget = Budget(max_output)
    stacks = {
        loc: [budget.take(lambda limit, t=t: printer(t, limit)) for t in stack]
        for loc, stack in sorted(memory.items(), key=location_order)
    }
    return stacks, budget.cut


def truncation_message(
    memory: Mapping[str, tuple[Term, ...]], max_output: int, what: str = "the memory's terms", per: str = ""
) -> str:
    """Why the memory was cut, and how big it is (counted on the DAG: sharing is not expanded);
    ``what`` names the terms and ``per`` what the bound applies to (as :func:`cut_message`)."""
    sizes = dag_size_text(t for stack in memory.values() for t in stack)
    return cut_message(max_output, f"{what} have {sizes}", per)


def bounded_step_json(
    rule: str,
    term: Term,
    stacks: Mapping[str, tuple[Term, ...]],
    max_output: int,
    term_printer: Callable[[Term, int | None], str],
    printer: Callable[..., str],
) -> dict[str, Any]:
    """One step of a trace as JSON: ``{"rule", "term", "stacks"}``, the term (by ``term_printer``)
    and the memory (by ``printer``) each within ``max_output`` characters, with ``truncated`` and
    ``truncation`` when one was cut (the term's cut named first)."""
    budget = Budget(max_output)
    step: dict[str, Any] = {"rule": rule, "term": budget.take(lambda limit: term_printer(term, limit))}
    step |= bounded_memory_json(stacks, max_output, printer)
    if budget.cut:
        step["truncated"] = True
        step["truncation"] = cut_message(max_output, f"the term has {dag_size_text(term)}")
    return step


def bounded_memory_json(
    memory: Mapping[str, tuple[Term, ...]],
    max_output: int | None,
    printer: Callable[..., str],
    what: str = "the memory's terms",
    per: str = "",
) -> dict[str, Any]:
    """``{"stacks": ...}`` (:func:`bounded_stacks_json`), and when a term was cut,
    ``"truncated": true`` and the ``"truncation"`` message (:func:`truncation_message`)."""
    stacks, cut = bounded_stacks_json(memory, max_output, printer)
    payload: dict[str, Any] = {"stacks": stacks}
    if cut:
        payload["truncated"] = True
        payload["truncation"] = truncation_message(memory, max_output or 0, what, per)
    return payload
