"""Symbolic expression constants ``$(x**2 + 1)``: sympy's own text, read back safely.

The printer writes a compound sympy constant with :func:`sympy.sstr`; :func:`parse_expression`
reads it back with sympy's parser restricted to arithmetic, comparisons and Boolean connectives
(no attribute access, no other names than symbols and the functions below), so a file cannot
run arbitrary Python through ``$( ... )``.

Reading evaluates the expression (``$(2**10)`` is the constant 1024), so before sympy sees it
:func:`check_size` estimates, from the syntax alone, how many digits every number in it would
have, and refuses an expression with a number of more than :data:`MAX_DIGITS` digits
(``$(9**9**9)``), which would take unbounded time and memory to compute.
"""

from __future__ import annotations

import ast
import math
import re

import sympy
from sympy.parsing.sympy_parser import auto_number, auto_symbol, parse_expr

__all__ = ["MAX_DIGITS", "check_size", "parse_expression"]

MAX_DIGITS = 100_000

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
    check_size(text)
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


def check_size(text: str) -> None:
    """``ValueError`` if evaluating ``text`` could make a number of more than :data:`MAX_DIGITS`
    digits (an estimate of each number's log10 from the syntax: ``log a + log b`` for ``a * b``,
    ``n log a`` for ``a ** n``, where ``n`` is bounded by its own estimate unless it is a
    literal); text that is not Python syntax is
    left to sympy's parser to refuse."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    stack: list[tuple[ast.AST, bool]] = [(tree.body, False)]
    digits: dict[int, float | None] = {}  # id(node) -> estimated log10 (None: not a number)
    while stack:  # post-order, iteratively: the expression may be nested deeply
        node, visited = stack.pop()
        if not visited:
            stack.append((node, True))
            stack.extend((child, False) for child in ast.iter_child_nodes(node))
            continue
        size = _digits(node, digits)
        if size is not None and size > MAX_DIGITS:
            raise ValueError(
                f"symbolic expression too large: {ast.unparse(node)[:60]} would have about "
                f"{_shown(size)} digits (at most {MAX_DIGITS:,})"
            )
        digits[id(node)] = size


def _digits(node: ast.AST, digits: dict[int, float | None]) -> float | None:
    def of(child: ast.AST) -> float | None:
        return digits.get(id(child))

    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return math.log10(abs(value)) if abs(value) > 1 else 0.0
    if isinstance(node, ast.UnaryOp):
        return of(node.operand)
    if isinstance(node, ast.BinOp):
        left, right = of(node.left), of(node.right)
        if isinstance(node.op, ast.Pow):
            if right is None:
                return None
            exact = _integer(node.right)
            exponent = abs(exact) if exact is not None else 10.0**right if right < 300 else math.inf
            return None if left is None else left * exponent if left > 0 else 0.0
        if left is None or right is None:
            return left if right is None else right
        if isinstance(node.op, (ast.Mult, ast.Div, ast.FloorDiv)):
            return left + right
        return max(left, right) + 0.302  # a sum at most doubles
    sizes = [s for s in (of(child) for child in ast.iter_child_nodes(node)) if s is not None]
    return max(sizes) if sizes else None  # calls, comparisons, Boolean connectives: their arguments


def _integer(node: ast.AST) -> int | None:
    """The value of an integer literal, possibly negated; None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _integer(node.operand)
        return None if inner is None else -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    return None


def _shown(size: float) -> str:
    return f"{size:,.0f}" if size < 1e15 else "more than 10^15"
