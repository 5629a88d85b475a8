"""Recognising sympy constants without importing sympy.

An FMC constant is a string, a :class:`~machine_calculus.calculus.fmc.syntax.Name`, or a sympy
value (an exact number, a ``$symbol``, a symbolic expression). Importing sympy costs a fifth of a
second, so the toolkit imports it only where a value needs it: the parser when it reads a number
or a ``$symbol``, the primitives when an argument is a sympy value. Until something has imported
sympy no value can be a sympy object, so the checks here look sympy up in ``sys.modules`` instead
of importing it. Code that goes on to use sympy imports it after such a check (it is loaded by
then, and the import is a lookup).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    import sympy

__all__ = ["exact_number_types", "is_sympy"]


def is_sympy(value: object) -> TypeGuard[sympy.Basic]:
    """Whether ``value`` is a sympy object (a number, symbol or expression); never imports sympy."""
    sympy = _MODULES.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def exact_number_types() -> frozenset[type]:
    """The types of sympy's exact numbers, whose equality and hash are those of the number:
    ``Integer`` and its cached instances' classes (``Zero``, ``One``, ``NegativeOne``),
    ``Rational`` and ``Half``. Empty while sympy is not imported (no value has them yet)."""
    return _exact_number_types or _find_exact_number_types()


_MODULES = sys.modules
_exact_number_types: frozenset[type] = frozenset()  # filled in once sympy is imported


def _find_exact_number_types() -> frozenset[type]:
    global _exact_number_types
    sympy = _MODULES.get("sympy")
    if sympy is not None:
        _exact_number_types = frozenset(
            {sympy.Integer, sympy.Rational, type(sympy.Rational(1, 2)), *(type(sympy.Integer(n)) for n in (-1, 0, 1))}
        )
    return _exact_number_types
