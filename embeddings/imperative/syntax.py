"""The While language's abstract syntax and values.

    program ::= decl* stmt*
    decl    ::= data Name = Con | Con(field, ...) | ... ;
    stmt    ::= x = e ; | print(e) ; | if (e) block [else block] | while (e) block
              | break ; | continue ; | throw Name [(e)] ; | skip ;
              | try block catch Name [(x)] block (catch Name [(x)] block)*
              | match e { Con(x, ...) => block ... [_ => block] }
    e       ::= integer | "string" | True | False | x | input() | Con | Con(e, ...)
              | e op e | - e | not e | ( e )          op: + - * / % == != < <= > >= and or

Nodes are frozen dataclasses carrying the source line (for messages); blocks are tuples of
statements. Values: exact sympy numbers (``/`` gives rationals), strings, Booleans, data
values :class:`Data` and, with symbolic inputs, sympy expressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sympy

from machine_calculus.calculus.layout import Text, application_pieces, assemble
from machine_calculus.calculus.terms import dag_size_text, iter_distinct_nodes

__all__ = [
    "Assign",
    "Binary",
    "Block",
    "Break",
    "Catch",
    "Construct",
    "Continue",
    "Data",
    "DataType",
    "Expr",
    "If",
    "Input",
    "Literal",
    "Match",
    "MatchArm",
    "Print",
    "Program",
    "Skip",
    "Stmt",
    "Throw",
    "Try",
    "Unary",
    "Value",
    "Variable",
    "While",
    "value_excerpt",
    "value_fields",
    "value_json",
    "value_text",
    "values_size_text",
]


@dataclass(frozen=True, slots=True, eq=False)
class Data:
    """A data value ``Con(v1, ..., vn)`` (``Con`` alone when n = 0).

    Equality is structural (same constructor, equal fields) and so is the hash; both are
    iterative, so a list of 100,000 elements built by a program compares and hashes."""

    constructor: str
    fields: tuple[Any, ...] = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Data):
            return NotImplemented
        pairs: list[tuple[Any, Any]] = [(self, other)]
        while pairs:
            a, b = pairs.pop()
            if isinstance(a, Data) and isinstance(b, Data):
                if a is b:
                    continue
                if a.constructor != b.constructor or len(a.fields) != len(b.fields):
                    return False
                pairs.extend(zip(a.fields, b.fields, strict=True))
            elif isinstance(a, Data) or isinstance(b, Data) or not a == b:
                return False
        return True

    def __hash__(self) -> int:
        """The hash of the preorder ``(constructor, arity), field, ...`` (which determines the value)."""
        tokens: list[Any] = []
        stack: list[Any] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, Data):
                tokens.append((Data, item.constructor, len(item.fields)))
                stack.extend(reversed(item.fields))
            else:
                tokens.append(item)
        return hash(tuple(tokens))


#: A run-time value: an exact number, a string, a Boolean, a data value, or a sympy expression.
Value = Any


# -- expressions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    value: Value
    line: int = 0


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Input:
    line: int = 0


@dataclass(frozen=True, slots=True)
class Construct:
    constructor: str
    arguments: tuple[Expr, ...]
    line: int = 0


@dataclass(frozen=True, slots=True)
class Unary:
    operator: str  # "-" or "not"
    operand: Expr
    line: int = 0


@dataclass(frozen=True, slots=True)
class Binary:
    operator: str
    left: Expr
    right: Expr
    line: int = 0


Expr = Literal | Variable | Input | Construct | Unary | Binary


# -- statements ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assign:
    name: str
    value: Expr
    line: int = 0


@dataclass(frozen=True, slots=True)
class Print:
    value: Expr
    line: int = 0


@dataclass(frozen=True, slots=True)
class Skip:
    line: int = 0


@dataclass(frozen=True, slots=True)
class If:
    condition: Expr
    then: Block
    otherwise: Block
    line: int = 0


@dataclass(frozen=True, slots=True)
class While:
    condition: Expr
    body: Block
    line: int = 0


@dataclass(frozen=True, slots=True)
class Break:
    line: int = 0


@dataclass(frozen=True, slots=True)
class Continue:
    line: int = 0


@dataclass(frozen=True, slots=True)
class Throw:
    name: str
    payload: Expr | None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Catch:
    name: str
    variable: str | None
    handler: Block


@dataclass(frozen=True, slots=True)
class Try:
    body: Block
    handlers: tuple[Catch, ...]
    line: int = 0


@dataclass(frozen=True, slots=True)
class MatchArm:
    constructor: str | None  # None: the default arm ``_``
    variables: tuple[str, ...]
    body: Block


@dataclass(frozen=True, slots=True)
class Match:
    scrutinee: Expr
    arms: tuple[MatchArm, ...]
    line: int = 0


Stmt = Assign | Print | Skip | If | While | Break | Continue | Throw | Try | Match
Block = tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class DataType:
    """``data Name = Con(field, ...) | ...;``: constructor -> field names."""

    name: str
    constructors: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Program:
    types: tuple[DataType, ...]
    body: Block

    def arities(self) -> dict[str, int]:
        """Every declared constructor and its number of fields."""
        return {con: len(fields) for t in self.types for con, fields in t.constructors}

    def nodes(self) -> Iterator[Any]:
        """Every node of the program (statements, expressions, arms), each distinct object once,
        in preorder, iteratively."""
        roots: tuple[Any, ...] = self.body  # not terms: walked by their fields (_children)
        for root in roots:
            yield from iter_distinct_nodes(root, _children)

    def variables(self) -> list[str]:
        """The store variables the program assigns, reads or catches into, in order of appearance."""
        seen: dict[str, None] = {}
        stack: list[Any] = list(reversed(self.body))
        while stack:
            node = stack.pop()
            if isinstance(node, Variable | Assign):
                seen.setdefault(node.name, None)
            if isinstance(node, Catch) and node.variable:
                seen.setdefault(node.variable, None)
            if isinstance(node, MatchArm):
                for v in node.variables:
                    seen.setdefault(v, None)
            for child in _children(node):
                stack.append(child)
        return list(seen)


def _children(node: Any) -> list[Any]:
    out: list[Any] = []
    for name in node.__slots__:
        value = getattr(node, name)
        if isinstance(value, tuple):
            out.extend(reversed([v for v in value if hasattr(v, "__slots__")]))
        elif hasattr(value, "__slots__") and not isinstance(value, Data | sympy.Basic):
            out.append(value)
    return list(reversed(out))


def value_text(v: Value, limit: int | None = None) -> str:
    """A value as While writes it: ``3``, ``1/2``, ``"s"``, ``True``, ``Cons(1, Nil)``
    (iterative: a list of 100,000 elements, built by a program, prints). With ``limit``, only
    the first ``limit + 1`` characters: the walk stops there, so a value whose tree is much
    larger than its sharing (``x = Pair(x, x)`` in a loop) prints within the limit."""
    return assemble(v, _value_pieces, limit)


def value_excerpt(v: Value, width: int = 72) -> str:
    """A value's text cut to ``width`` characters with ``…`` (for messages that quote a value)."""
    text = value_text(v, width)
    return text if len(text) <= width else text[: width - 1] + "…"


def _value_pieces(v: Value) -> list[Any]:
    """One value as text pieces and its fields, for :func:`assemble`."""
    if not isinstance(v, Data):
        return [Text(_atom_text(v))]
    if not v.fields:
        return [Text(v.constructor)]
    return application_pieces(v.constructor, v.fields)


def value_fields(v: Value) -> tuple[Value, ...]:
    """The values a value is built from: a data value's fields (none for the others)."""
    return v.fields if isinstance(v, Data) else ()


def _atom_text(v: Value) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return sympy.sstr(v)


def values_size_text(values: Iterable[Value]) -> str:
    """How big some values are, for a message saying they were cut: their nodes (as a tree and
    distinct, as :func:`~machine_calculus.calculus.terms.dag_size_text` counts them) and the
    digits of their longest number."""
    roots = list(values)
    bits = 0
    for v in (node for root in roots for node in iter_distinct_nodes(root, value_fields)):
        if isinstance(v, sympy.Rational):
            bits = max(bits, int(v.p).bit_length(), int(v.q).bit_length())
    digits = f", the longest number about {int(bits * 0.30103) + 1:,} digits" if bits > 64 else ""
    return dag_size_text(roots, kids=value_fields) + digits


def value_json(v: Value) -> Any:
    """A value in the JSON contract: integers and strings and Booleans as themselves, the rest
    (rationals, data values, symbolic expressions) as their While text."""
    if isinstance(v, bool | str):
        return v
    if isinstance(v, sympy.Integer):
        return int(v)
    return value_text(v)
