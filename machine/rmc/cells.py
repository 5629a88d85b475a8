"""Runtime terms of the compiled relational machine: cells bound in place, on a trail.

A runtime term is a tuple ``(symbol, arg1, ..., argn)`` (a constant is ``(symbol,)``) or a
:class:`Cell`, a variable whose ``ref`` is its binding (None while unbound). Every binding,
push and pop is recorded on a trail (a bound cell; a stack pushed on; ``(stack, item)`` for a
pop; an int: steps owed for branches skipped, charged when undone) and undone, latest first,
when the search backtracks.
"""

from __future__ import annotations

from typing import Any, cast

from machine_calculus.machine.rmc.code import Pat

__all__ = ["Cell", "build", "cell", "cell_name", "occurs", "undo_to", "unify"]


class Cell:
    """A first-order variable: ``ref`` is its binding (None while unbound); ``name`` is the
    caller's name for it. Made by :func:`cell`, or in generated code by ``c = Cell(); c.ref =
    None`` (no ``__init__`` to run: a cell is made per variable of every clause used, and a
    Python ``__init__`` would double what that costs), whose ``name`` is then unset: read it
    with :func:`cell_name`."""

    __slots__ = ("name", "ref")
    ref: Any
    name: str | None


def cell(name: str | None = None) -> Cell:
    """A new unbound cell."""
    c = Cell()
    c.ref = None
    c.name = name
    return c


def cell_name(c: Cell) -> str | None:
    """The caller's name for a cell (None for a variable made by ``new``)."""
    return getattr(c, "name", None)


def build(pattern: Any, env: tuple[Any, ...]) -> Any:
    """The runtime term of a pattern under ``env`` (iterative): a slot is its value in ``env``."""
    if type(pattern) is tuple:
        return pattern
    if type(pattern) is not Pat:
        return env[pattern]
    done: dict[int, Any] = {}
    stack: list[tuple[Any, bool]] = [(pattern, False)]
    while stack:
        p, ready = stack.pop()
        if not ready:
            stack.append((p, True))
            stack.extend((a, False) for a in p.args if type(a) is Pat and id(a) not in done)
            continue
        args = []
        for a in p.args:
            if type(a) is tuple:
                args.append(a)
            elif type(a) is Pat:
                args.append(done[id(a)])
            else:
                args.append(env[a])
        done[id(p)] = (p.symbol, *args)
    return done[id(pattern)]


_SMALL = 64  #: nodes occurs walks before it keeps track of shared ones


def occurs(cell: Cell, t: Any) -> bool:
    """Does ``cell`` occur in ``t`` (bindings followed)? A small term is walked as it is; past
    :data:`_SMALL` nodes the walk starts again, each shared node walked once."""
    stack = [t]
    small = _SMALL
    while stack:
        x = stack.pop()
        while type(x) is Cell:
            r = x.ref
            if r is None:
                break
            x = r
        if x is cell:
            return True
        if type(x) is tuple and len(x) > 1:
            small -= 1
            if not small:
                return _occurs_shared(cell, t)
            stack.extend(x[1:])
    return False


def _occurs_shared(cell: Cell, t: Any) -> bool:
    """:func:`occurs` on a large term: each shared node walked once."""
    stack = [t]
    seen: set[int] = set()
    while stack:
        x = stack.pop()
        while type(x) is Cell and x.ref is not None:
            x = x.ref
        if x is cell:
            return True
        if type(x) is tuple and len(x) > 1 and id(x) not in seen:
            seen.add(id(x))
            stack.extend(x[1:])
    return False


def unify(pattern: Any, top: Any, env: tuple[Any, ...], trail: list[Any]) -> bool:
    """``unify(ρp, top)`` binding in place (trailed), in the small-step unifier's order (pairs on
    a stack, so arguments right to left, a variable of the left side bound first), with the
    occurs check (skipped where the other side is a variable or a constant). ``pattern`` is a
    pattern under ``env`` or a runtime term (with ``env`` empty)."""
    work: list[tuple[Any, Any]] = [(pattern, top)]
    a: Any
    b: Any
    while work:
        a, b = work.pop()
        ta = type(a)
        if ta is int:
            a = env[a]
        while type(a) is Cell and a.ref is not None:
            a = a.ref
        while type(b) is Cell and b.ref is not None:
            b = b.ref
        a, b = cast(Any, a), cast(Any, b)  # runtime terms: the checker cannot follow the type tests
        if a is b:
            continue
        ta, tb = type(a), type(b)
        if ta is Cell:
            if tb is tuple and len(b) > 1 and occurs(a, b):
                return False
            a.ref = b
            trail.append(a)
            continue
        if tb is Cell:
            if ta is Pat:
                a = build(a, env)
                if occurs(b, a):
                    return False
            elif len(a) > 1 and occurs(b, a):
                return False
            b.ref = a
            trail.append(b)
            continue
        if ta is Pat:
            if a.symbol != b[0] or len(a.args) + 1 != len(b):
                return False
            work.extend(zip(a.args, b[1:], strict=True))
        else:
            if len(a) != len(b) or a[0] != b[0]:
                return False
            work.extend(zip(a[1:], b[1:], strict=True))
    return True


def undo_to(trail: list[Any], height: int) -> int:
    """Undo the trail down to ``height``, latest first: unbind a cell, pop what was pushed, put
    back what was popped. Returns the steps owed found there (an int entry), for the machine to
    charge."""
    owed = 0
    if len(trail) > height:
        undone = trail[height:]
        del trail[height:]
        for entry in reversed(undone):
            t = type(entry)
            if t is Cell:
                entry.ref = None
            elif t is list:
                entry.pop()
            elif t is int:
                owed += entry
            else:
                entry[0].append(entry[1])
    return owed
