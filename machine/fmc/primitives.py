"""FMC III's primitive operations, with exact sympy arithmetic.

    prim    S(λ = s.vn...v1), K, p  ->  S(λ = s.r), K, ⋆      r = p(v1, ..., vn)

A primitive of arity n takes its n arguments from the default location λ, the first argument on
top (``5 - 2`` is ``[2].[5].-``). Each argument must be a constant. Numbers are exact (sympy
Integer and Rational; ``/`` gives a Rational); on symbolic constants arithmetic builds sympy
expressions and comparisons build sympy conditions. Comparisons give the constants ``True`` and
``False``. Anything else (a non-constant argument, a type mismatch such as ``1 + True``,
division by zero) is a :class:`PrimitiveError`, which a machine reports as a stuck run. The
named primitive ``error`` takes a string and raises it: a compiled program's run-time error.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeGuard

from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.sympy_values import exact_number_types, is_sympy
from machine_calculus.calculus.fmc.syntax import PRIMITIVES, Const, ConstValue, Name, Term

if TYPE_CHECKING:
    import sympy

__all__ = [
    "ARITHMETIC",
    "DEFAULT_MAX_DIGITS",
    "PrimitiveError",
    "apply_primitive",
    "arity",
    "boolean",
    "check_size",
    "digit_budget",
    "max_digits",
    "primitive_result",
    "set_max_digits",
]

#: The integer-size budget: arithmetic whose exact result has more decimal digits (numerator or
#: denominator) stops the run as stuck. Exact numbers grow without bound (``x = x * x`` in a loop
#: doubles the digits each round, so a few dozen steps would fill the memory): the step fuel
#: alone does not bound a run.
DEFAULT_MAX_DIGITS = 100_000
_LOG10_2 = 0.30102999566398120
_budget: list[int | None] = [DEFAULT_MAX_DIGITS]


def max_digits() -> int | None:
    """The current integer-size budget in decimal digits (None: unbounded)."""
    return _budget[0]


def set_max_digits(digits: int | None) -> None:
    """Set the integer-size budget of every machine's arithmetic (None: unbounded)."""
    _budget[0] = digits


@contextmanager
def digit_budget(digits: int | None) -> Iterator[None]:
    """``with digit_budget(n): run(...)``: the integer-size budget for the runs inside."""
    old = _budget[0]
    _budget[0] = digits
    try:
        yield
    finally:
        _budget[0] = old


def _digits(bits: int) -> int:
    """The decimal digits of an integer of ``bits`` bits (within one; no conversion to text)."""
    return int(bits * _LOG10_2) + 1


def check_size(name: str, r: object) -> None:
    """Stop (:class:`PrimitiveError`) when the result ``r`` of ``name`` is an integer of more
    digits than the budget: an int, a Fraction, a sympy number, or a symbolic expression (its
    numeric constants: ``x = 2 * x * x`` in a loop doubles its coefficient's digits too)."""
    limit = _budget[0]
    if limit is None:
        return
    if isinstance(r, int | Fraction):
        bits = r.bit_length() if isinstance(r, int) else max(r.numerator.bit_length(), r.denominator.bit_length())
    elif is_sympy(r):
        import sympy

        numbers = [r] if isinstance(r, sympy.Rational) else r.atoms(sympy.Rational)
        bits = max((max(abs(q.p).bit_length(), q.q.bit_length()) for q in numbers), default=0)
    else:
        return
    if _digits(bits) > limit:
        raise PrimitiveError(
            f"integer too large: the result of {name} has about {_digits(bits):,} digits "
            f"(over {limit:,}; --max-digits N)"
        )


TRUE, FALSE = Name("True"), Name("False")


class PrimitiveError(Exception):
    """A primitive applied to arguments it does not take; the message names both."""


def arity(name: str) -> int:
    return PRIMITIVES[name]


def boolean(value: Any) -> ConstValue:
    """A Python or sympy truth value as a constant: ``True``/``False``, or a symbolic condition."""
    if value is True:
        return TRUE
    if value is False:
        return FALSE
    import sympy  # any other truth value is sympy's: sympy is loaded

    if value is sympy.true:
        return TRUE
    if value is sympy.false:
        return FALSE
    return value


# The helpers below take sympy values and Names (their callers have seen a sympy argument, so
# sympy is loaded and importing it is a lookup).


def _is_number(v: object) -> TypeGuard[sympy.Expr]:
    import sympy

    # a sympy Symbol is also a Boolean: a symbolic constant may stand for a number
    return isinstance(v, sympy.Expr) and (isinstance(v, sympy.Symbol) or not isinstance(v, sympy.logic.boolalg.Boolean))


def _is_condition(v: object) -> bool:
    import sympy

    return v in (TRUE, FALSE) or (isinstance(v, sympy.logic.boolalg.Boolean) and not isinstance(v, sympy.Symbol))


def _as_sympy_boolean(v: object) -> Any:
    import sympy

    return sympy.true if v == TRUE else sympy.false if v == FALSE else v


#: The arithmetic primitives on numbers (``%`` is sympy's ``Mod``).
ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


def apply_primitive(name: str, args: Sequence[ConstValue]) -> ConstValue:
    """``p(v1, ..., vn)`` on constant values (v1 the first argument)."""
    exact = exact_number_types()
    if len(args) == 2 and type(args[0]) in exact and type(args[1]) in exact:
        fast = _on_numbers(name, args[0], args[1])  # type: ignore[arg-type]
        if fast is not None:
            return fast
    if name == "error":
        (message,) = args
        raise PrimitiveError(message if isinstance(message, str) else f"error {_text(message)}")
    if not any(is_sympy(v) for v in args):
        return _on_names_and_strings(name, args)
    import sympy

    if name == "not":
        (v,) = args
        if not _is_condition(v) and not isinstance(v, sympy.Symbol):
            raise _mismatch(name, args)
        return boolean(sympy.Not(_as_sympy_boolean(v)))
    a, b = args
    if name in ("==", "!="):
        if _is_number(a) and _is_number(b):
            same = sympy.Eq(a, b)
        elif (is_sympy(a) and a.free_symbols) or (is_sympy(b) and b.free_symbols):
            raise _mismatch(name, args)
        else:
            same = sympy.true if (a == b and type(a) is type(b)) or (_is_number(a) and a == b) else sympy.false
        return boolean(same if name == "==" else sympy.Not(same))
    if not (_is_number(a) and _is_number(b)):
        raise _mismatch(name, args)
    if name in ("<", "<=", ">", ">="):
        order = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}[name]
        return boolean(order(a, b))
    if name in ("/", "%") and b.is_zero:
        raise PrimitiveError(f"primitive {name}: division by zero ({_text(a)} {name} {_text(b)})")
    if name == "%" and not (a.is_integer is not False and b.is_integer is not False):
        raise PrimitiveError(f"primitive %: needs integers, not {_text(a)} and {_text(b)}")
    r = sympy.Mod(a, b) if name == "%" else ARITHMETIC[name](a, b)
    check_size(name, r)
    return r


def _on_names_and_strings(name: str, args: Sequence[ConstValue]) -> ConstValue:
    """A primitive on Names and strings only (no sympy value, so sympy is not needed): ``not`` on
    ``True``/``False``, ``==`` and ``!=`` (equal values of one type); the rest do not take them."""
    if name == "not":
        (v,) = args
        if v not in (TRUE, FALSE):
            raise _mismatch(name, args)
        return FALSE if v == TRUE else TRUE
    if name in ("==", "!="):
        a, b = args
        return boolean((a == b and type(a) is type(b)) == (name == "=="))
    raise _mismatch(name, args)


_FAST_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _on_numbers(name: str, a: sympy.Rational, b: sympy.Rational) -> ConstValue | None:
    """Concrete exact numbers (:func:`exact_number_types`), with Python's integers and fractions
    (sympy's assumptions system makes its own comparisons slow); None where the general path
    should decide."""
    x = a.p if a.q == 1 else Fraction(a.p, a.q)
    y = b.p if b.q == 1 else Fraction(b.p, b.q)
    if name in _FAST_ORDER:
        return TRUE if _FAST_ORDER[name](x, y) else FALSE
    if name in ("+", "-", "*"):
        r = x + y if name == "+" else x - y if name == "-" else x * y
    elif name == "/" and y != 0:
        r = Fraction(x) / y
    elif name == "%" and y != 0 and isinstance(x, int) and isinstance(y, int):
        r = x % y  # the sign of the divisor, as sympy's Mod
    else:
        return None  # division by zero and % on fractions: the general path says what is wrong
    if isinstance(r, Fraction) and r.denominator == 1:
        r = r.numerator
    check_size(name, r)
    sympy = sys.modules["sympy"]  # loaded, as a and b are sympy numbers (and faster than an import here)
    return sympy.Integer(r) if isinstance(r, int) else sympy.Rational(r.numerator, r.denominator)


def primitive_result(name: str, args: Sequence[Term]) -> Const:
    """The constant ``p`` leaves on λ, given its argument terms (first argument first)."""
    values = []
    for t in args:
        if not isinstance(t, Const):
            raise PrimitiveError(f"primitive {name}: argument {to_ascii(t)} is not a constant")
        values.append(t.value)
    return Const(apply_primitive(name, values))


def _text(v: ConstValue) -> str:
    return to_ascii(Const(v))


def _mismatch(name: str, args: Sequence[ConstValue]) -> PrimitiveError:
    shown = ", ".join(_text(v) for v in args)
    return PrimitiveError(f"primitive {name}: type mismatch on {shown}")
