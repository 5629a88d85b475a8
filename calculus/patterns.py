"""Metavariables: the holes of a pattern, in any calculus.

A pattern is a term of any calculus in which :class:`Meta` nodes stand for sub-terms or atoms
(a location, a bound name, a first-order term). The parsers read them as ``?X`` only through
their pattern entry points (:func:`calculus.fmc.parser.parse_pattern`,
:func:`calculus.rmc.parser.parse_rmc_pattern`, ``parse_first_order(..., patterns=True)``), so an
ordinary term never holds one; the printers write them back as ``?X``. Matching a pattern
against a term is :func:`rewriting.patterns.match_pattern` (``rewriting`` builds on this
module; ``calculus`` knows nothing of rewriting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from machine_calculus.calculus.terms import Term, iter_preorder

__all__ = ["Meta", "is_meta", "meta_text", "metavariables", "whole_pattern"]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Meta(Term):
    """A metavariable of a pattern: matches any sub-term, or any atom in an atom's place."""

    name: str
    _tag: ClassVar[int] = 901
    sorts: ClassVar[tuple[str, ...]] = ("meta",)

    def __str__(self) -> str:
        return meta_text(self)


def is_meta(value: object) -> bool:
    """Is ``value`` a metavariable (in a term's place or an atom's)?"""
    return isinstance(value, Meta)


def meta_text(meta: Meta) -> str:
    """A metavariable as the pattern parsers read it: ``?X``."""
    return "?" + meta.name


def metavariables(pattern: Term) -> list[str]:
    """The names of the metavariables of ``pattern``, each once, in order of first occurrence
    (pre-order, left to right; those in atom places too). Iterative."""
    seen: dict[str, None] = {}
    for node in iter_preorder(pattern):
        if isinstance(node, Meta):
            seen.setdefault(node.name, None)
    return list(seen)


def whole_pattern(parser: Any, expected: str) -> Term:
    """The pattern that is the whole of a parser's text (``parser``: a calculus's parser, with
    ``peek``, ``term`` and ``error``): one term, neither nothing nor more; ``expected`` names what
    may follow a term in that calculus, for the message."""
    from machine_calculus.calculus.lexing import EOF

    if parser.peek().kind == EOF:
        raise parser.error("empty pattern: expected a term", parser.peek())
    pattern = parser.term()
    tok = parser.peek()
    if tok.kind != EOF:
        raise parser.error(f"unexpected {tok.text!r}: expected {expected} or the end of the pattern", tok)
    return pattern
