"""Persistent stacks as cons lists ``(top, rest)`` (``None`` when empty): pushing and popping
share the rest, so every state of a machine keeps its stacks at no copying cost."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["Stack", "from_items", "to_tuple"]

Stack = tuple[Any, Any] | None


def to_tuple(stack: Stack) -> tuple[Any, ...]:
    """The items bottom to top."""
    items: list[Any] = []
    while stack is not None:
        items.append(stack[0])
        stack = stack[1]
    items.reverse()
    return tuple(items)


def from_items(items: Iterable[Any]) -> Stack:
    """The stack holding ``items`` (bottom to top: the last ends on top)."""
    stack: Stack = None
    for item in items:
        stack = (item, stack)
    return stack
