"""Constants as the compiled machine holds them: plain Python values on the hot path.

A constant term ``Const(v)`` holds a sympy number, a symbolic sympy value, a string or a
:class:`~calculus.fmc.syntax.Name`. The compiled machine (:mod:`machine.fmc.fast`) keeps a
concrete number as a Python ``int`` or ``Fraction`` (never a Fraction with denominator 1, so
equal numbers are equal values of one type) and the Booleans ``True``/``False`` as the
primitives' own :data:`TRUE`/:data:`FALSE` (so a comparison's result is recognised by identity);
strings, Names and symbolic values stay as they are. :func:`raw` and :func:`term_value` convert
both ways; sympy is only needed where a value is a sympy one.

:func:`primitive` is ``p(v1, ..., vn)`` on such values: the exact result of
:func:`machine.fmc.primitives.apply_primitive`, or :data:`FAILED` where that raises (the machine
then lets the small-step machine take the same step, which reports why).
"""

from __future__ import annotations

import sys
from fractions import Fraction
from typing import Any

from machine_calculus.calculus.fmc.syntax import STAR, ConstValue, Name
from machine_calculus.machine.fmc.primitives import FALSE, TRUE, PrimitiveError, apply_primitive, check_size

__all__ = ["CONCRETE", "FAILED", "FALSE", "TRUE", "primitive", "raw", "term_value", "too_large"]

#: The types of concrete labels: equality of such values is the constants' equality.
CONCRETE: frozenset[type] = frozenset({int, Fraction, str, Name, type(STAR)})

#: What :func:`primitive` returns when the primitive does not take its arguments.
FAILED: Any = type("Failed", (), {"__repr__": lambda self: "FAILED"})()


def raw(value: Any) -> Any:
    """The machine's value of a constant: an int or Fraction for an exact number, the shared
    TRUE/FALSE for the Boolean names, the value itself otherwise."""
    if type(value) is Name:
        return TRUE if value == TRUE else FALSE if value == FALSE else value
    if type(value) is str:
        return value
    sympy = sys.modules.get("sympy")
    if sympy is not None and isinstance(value, sympy.Rational):
        p, q = int(value.p), int(value.q)  # type: ignore[attr-defined]
        return p if q == 1 else Fraction(p, q)
    return value


def term_value(value: Any) -> ConstValue:
    """The constant's value as terms hold it (the inverse of :func:`raw`): sympy numbers."""
    if type(value) is int:
        import sympy

        return sympy.Integer(value)
    if type(value) is Fraction:
        import sympy

        return sympy.Rational(value.numerator, value.denominator)
    return value


def primitive(name: str, *args: Any) -> Any:
    """``p(v1, ..., vn)`` on machine values (v1 the first argument, the top of λ); a closure
    (a tuple) is not a constant, so no primitive takes it."""
    if any(type(a) is tuple for a in args):
        return FAILED
    try:
        return raw(apply_primitive(name, [term_value(a) for a in args]))
    except PrimitiveError:
        return FAILED


def too_large(name: str, r: int) -> bool:
    """Whether an integer result exceeds the digit budget (the primitives' ``check_size``)."""
    try:
        check_size(name, r)
    except PrimitiveError:
        return True
    return False
