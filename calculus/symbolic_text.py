"""Symbolic expression constants ``$(x**2 + 1)``: sympy's own text, read back safely.

The printer writes a compound sympy constant with :func:`sympy.sstr`; :func:`parse_expression`
reads it back with sympy's parser restricted to arithmetic, comparisons and Boolean connectives
(no attribute access, no other names than symbols and the functions below), so a file cannot
run arbitrary Python through ``$( ... )``.
"""

from __future__ import annotations

import re

import sympy
from sympy.parsing.sympy_parser import auto_number, auto_symbol, parse_expr

__all__ = ["parse_expression"]

# the functions sympy's printer uses for these expressions, and nothing else
_NAMESPACE: dict[str, object] = {
    name: getattr(sympy, name)
    for name in (
        "Symbol",
        "Integer",
        "Rational",
        "Eq",
        "Ne",
        "Lt",
        "Le",
        "Gt",
        "Ge",
        "And",
        "Or",
        "Not",
        "Mod",
        "floor",
        "Abs",
    )
}
_ALLOWED = re.compile(r"[\w\s+\-*/%().,<>=!&|~]*")


def parse_expression(text: str) -> sympy.Basic:
    """Parse sympy's text for an arithmetic or Boolean expression; ``ValueError`` if it is not one."""
    if not _ALLOWED.fullmatch(text) or "__" in text:
        raise ValueError(f"not a symbolic expression: {text!r}")
    try:
        value = parse_expr(
            text,
            local_dict={},
            global_dict={"__builtins__": {}, **_NAMESPACE},
            transformations=(auto_symbol, auto_number),
        )
    except Exception as error:  # sympy's parser raises many kinds
        raise ValueError(f"not a symbolic expression: {text!r} ({error})") from None
    if not isinstance(value, sympy.Basic):
        raise ValueError(f"not a symbolic expression: {text!r}")
    return value
