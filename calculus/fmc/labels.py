"""Which branch of a case frame catches a label (FMC III's ``C(j)``).

A label is ``*`` or a constant. A branch's label catches an exit label when they are equal; the
default ``_`` catches every label. With symbolic constants equality may be undetermined: the label
``$n`` meets the branch ``3`` only if n = 3. :func:`meets` answers True, False or None (unknown),
and :func:`select` returns the catching branch, None when no branch catches, or
:data:`UNDETERMINED` when it depends on the symbols (symbolic execution forks there).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from machine_calculus.calculus.fmc.sympy_values import is_sympy
from machine_calculus.calculus.fmc.syntax import Label, Name, StarLabel, Wildcard

__all__ = ["UNDETERMINED", "is_symbolic", "meets", "select"]

#: the type of a branch body: a term, or compiled code in the fast machine
_Body = TypeVar("_Body")

#: :func:`select`'s answer when the catching branch depends on symbolic constants.
UNDETERMINED: Any = type("Undetermined", (), {"__repr__": lambda self: "UNDETERMINED"})()

_BOOLEAN_NAMES = (Name("True"), Name("False"))


def is_symbolic(label: Label) -> bool:
    """A sympy value with free symbols (``$n``, ``$(n + 1)``, ``$(n < 3)``)."""
    return is_sympy(label) and bool(label.free_symbols)


def meets(label: Label, pattern: Label) -> bool | None:
    """Does the branch label ``pattern`` catch the exit label ``label``? None: depends on symbols."""
    if isinstance(pattern, Wildcard):
        return True
    if isinstance(label, StarLabel) or isinstance(pattern, StarLabel):
        return isinstance(label, StarLabel) and isinstance(pattern, StarLabel)
    sympy_label, sympy_pattern = is_sympy(label), is_sympy(pattern)
    if not sympy_label and not sympy_pattern:  # Names and strings
        return bool(label == pattern)
    if not is_symbolic(label) and not is_symbolic(pattern):
        if sympy_label != sympy_pattern:
            return False
        return bool(label == pattern)
    import sympy  # a symbolic label is a sympy value, so sympy is loaded

    symbolic, other = (label, pattern) if is_symbolic(label) else (pattern, label)
    if isinstance(other, Name):
        boolean_like = isinstance(symbolic, sympy.logic.boolalg.Boolean | sympy.Symbol)
        return None if boolean_like and other in _BOOLEAN_NAMES else False
    if isinstance(other, str):
        return False
    if isinstance(symbolic, sympy.logic.boolalg.Boolean) and not isinstance(symbolic, sympy.Symbol):
        return False  # a condition is never a number
    if label == pattern:
        return True
    decided = sympy.Eq(symbolic, other)
    if decided is sympy.true:
        return True
    if decided is sympy.false:
        return False
    return None


def select(branches: Iterable[tuple[Label, _Body]], label: Label) -> _Body | None:
    """``C(j)``: the body of the first branch that catches ``label``; None if none does;
    :data:`UNDETERMINED` if a branch before the catching one might catch it."""
    for pattern, body in branches:
        met = meets(label, pattern)
        if met is None:
            return UNDETERMINED
        if met:
            return body
    return None
