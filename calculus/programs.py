"""Files of definitions: ``name = term`` lines (each usable in the later ones), then the term to
run. One reader for every calculus's parser: it owns the order and the errors; the parser gives
its term reader and its rules for names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from machine_calculus.calculus.lexing import EOF, IDENT, TokenCursor

__all__ = ["read_program"]


def read_program(
    reader: TokenCursor,
    read_term: Callable[[], Any],
    *,
    continues: str,
    bad_name: Callable[[str], str | None] = lambda name: None,
    on_definition: Callable[[str, Any], None] = lambda name, term: None,
) -> tuple[list[tuple[str, Any]], Any]:
    """``(definitions, main)`` read from ``reader``: ``(name '=' term)* term`` then the end.

    ``bad_name(name)`` says why a name cannot be defined (None when it can); ``on_definition``
    sees each definition as soon as it is read (before the next is parsed); ``continues`` lists
    what could have followed the term to run (for the error at a stray token).
    """
    definitions: list[tuple[str, Any]] = []
    names: set[str] = set()
    if reader.peek().kind == EOF:
        raise reader.error("empty input: expected a term", reader.peek())
    while reader.peek().kind == IDENT and reader.peek(1).kind == "=":
        name_tok = reader.advance()
        reader.advance()
        problem = bad_name(name_tok.text)
        if problem is not None:
            raise reader.error(problem, name_tok)
        if name_tok.text in names:
            raise reader.error(f"{name_tok.text!r} is defined twice", name_tok)
        names.add(name_tok.text)
        if reader.peek().kind == EOF:
            raise reader.error(f"expected a term after '{name_tok.text} ='", reader.peek())
        body = read_term()
        definitions.append((name_tok.text, body))
        on_definition(name_tok.text, body)
    if reader.peek().kind == EOF:
        raise reader.error("expected the term to run after the definitions", reader.peek())
    main = read_term()
    tok = reader.peek()
    if tok.kind != EOF:
        defining = tok.kind == "=" or (tok.kind == IDENT and reader.peek(1).kind == "=")
        hint = "; a definition 'name = term' must come before the term to run" if defining else ""
        raise reader.error(f"unexpected {tok.text!r}: expected {continues}{hint}", tok)
    return definitions, main
