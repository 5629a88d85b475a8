"""The While language's run-time errors, in one wording for the reference interpreter and for the
machine's run of the compiled program (:mod:`run` reads a stuck run back into these words).

    reading x unassigned        variable x is not assigned
    input() on an empty stream  input exhausted
    a condition, and/or, not    what: v is not a Boolean
    match with no arm for v     match: no arm for v
    a op b on wrong operands    op: type mismatch on a and b | op: v is not a constant
                                | op: division by zero | %: needs integers, not a and b
    an integer over the budget  integer too large: ... (--max-digits N; the primitives' words)
    fuel spent                  out of fuel

The compiled program stops on the primitive that fails (its arguments still on λ) or on
``[v].["what: not a Boolean"].error`` (the offending value under the message): the value is
there to name, so both runs say the same thing about the same value.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from machine_calculus.embeddings.imperative.syntax import Data, Value, value_excerpt

__all__ = [
    "INPUT_EXHAUSTED",
    "NO_ARM",
    "OUT_OF_FUEL",
    "SHOWN",
    "compiled_not_boolean",
    "is_number",
    "no_arm",
    "not_boolean",
    "operator_error",
    "source_message",
    "unassigned",
    "value_text",
]

#: A value named in a message is cut after this many characters (``…``).
SHOWN = 200
INPUT_EXHAUSTED = "input exhausted"
OUT_OF_FUEL = "out of fuel"
#: The message of a compiled ``match``'s error (the value is under it on λ).
NO_ARM = "match: no arm for the value"
_NOT_BOOLEAN = ": not a Boolean"


def value_text(v: Value) -> str:
    """A value as a message names it: its While text, cut after :data:`SHOWN` characters."""
    return value_excerpt(v, SHOWN)


def unassigned(variable: str) -> str:
    return f"variable {variable} is not assigned"


def not_boolean(what: str, v: Value) -> str:
    return f"{what}: {value_text(v)} is not a Boolean"


def no_arm(v: Value) -> str:
    return f"match: no arm for {value_text(v)}"


def compiled_not_boolean(what: str) -> str:
    """The message a compiled condition (``if``, ``while``, ``and``, ``or``) stops with."""
    return what + _NOT_BOOLEAN


def source_message(message: str, v: Value) -> str:
    """The While words of a compiled program's ``[v].["message"].error``."""
    if message == NO_ARM:
        return no_arm(v)
    if message.endswith(_NOT_BOOLEAN):
        return not_boolean(message.removesuffix(_NOT_BOOLEAN), v)
    return message


def is_number(v: Value) -> bool:
    """A number, or a symbol (which may stand for one)."""
    return isinstance(v, sympy.Expr) and (isinstance(v, sympy.Symbol) or not isinstance(v, sympy.logic.boolalg.Boolean))


def operator_error(op: str, args: Sequence[Value]) -> str | None:
    """Why ``op`` (``not`` or a binary operator) fails on ``args``, in While's words; None if it
    does not. ``==``/``!=`` take constants; the orders and arithmetic numbers; ``/`` and ``%`` a
    nonzero divisor, ``%`` integers; ``not`` a Boolean (or a symbolic condition)."""
    if op == "not":
        (v,) = args
        if isinstance(v, bool) or (isinstance(v, sympy.logic.boolalg.Boolean) and not is_number(v)):
            return None
        return not_boolean("not", v)
    a, b = args
    if op in ("==", "!="):
        for v in (a, b):
            if isinstance(v, Data) and v.fields:
                return f"{op}: {value_text(v)} is not a constant"
        return None
    if not (is_number(a) and is_number(b)):
        return f"{op}: type mismatch on {value_text(a)} and {value_text(b)}"
    if op in ("/", "%") and b == 0:
        return f"{op}: division by zero"
    if op == "%" and (a.is_integer is False or b.is_integer is False):
        return f"%: needs integers, not {value_text(a)} and {value_text(b)}"
    return None
