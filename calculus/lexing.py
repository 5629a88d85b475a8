"""A small table-driven lexer shared by the calculi's parsers.

Tokens carry their position; a character that starts no token, an unterminated string or an
unknown escape is a :class:`~calculus.errors.ParseError` naming the line and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from machine_calculus.calculus.errors import ParseError, Position

__all__ = ["EOF", "EXPRESSION", "IDENT", "META", "NUMBER", "STRING", "SYMBOL", "Token", "TokenCursor", "tokenize"]

IDENT, NUMBER, STRING, SYMBOL, EOF = "identifier", "number", "string", "symbol", "end of input"
#: ``$(x**2 + 1)``: a symbolic expression constant; the token's value is the text inside.
EXPRESSION = "symbolic expression"
#: ``?X``: a pattern's metavariable (only with ``tokenize(..., metavariables=True)``); the value
#: is the name without ``?``.
META = "metavariable"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "0": "\0"}

# Identifiers: letters (not λ, which is notation), digits, _ and trailing primes.
_IDENT = r"(?:(?!λ)[^\W\d])(?:(?!λ)\w)*'*"
_NUMBER = r"-?\d+(?:/\d+)?(?![\w])"
_SYMBOL = r"\$" + _IDENT


class Token(NamedTuple):
    """A token: its kind (a punctuation string or one of the constants above), text, place."""

    kind: str
    text: str
    line: int
    column: int
    offset: int
    value: object = None

    @property
    def position(self) -> Position:
        return Position(self.line, self.column, self.offset)


class TokenCursor:
    """A parser's place in a token list (ending in EOF): look ahead, move on, report an error
    with the source line and a caret. The calculi's parsers build on it."""

    def __init__(self, tokens: list[Token], text: str, source: str) -> None:
        self.tokens, self.text, self.source = tokens, text, source
        self.pos = 0

    def peek(self, k: int = 0) -> Token:
        """The token ``k`` ahead (EOF past the end)."""
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """The current token; move past it (never past EOF)."""
        tok = self.tokens[self.pos]
        if tok.kind != EOF:
            self.pos += 1
        return tok

    def error(self, message: str, where: Token | Position) -> ParseError:
        """A positioned error at a token or a position."""
        position = where.position if isinstance(where, Token) else where
        return ParseError(message, self.text, position, self.source)


def tokenize(
    text: str,
    punctuation: Mapping[str, str],
    *,
    source: str = "<input>",
    comment: str = "--",
    metavariables: bool = False,
) -> list[Token]:
    """Split ``text`` into tokens; ``punctuation`` maps each symbol (``"⟨"``) to its kind (``"<"``).

    Whitespace and comments (``comment`` to end of line) are skipped. The last token is EOF.
    With ``metavariables`` (the parsers' pattern entry points), ``?X`` is a :data:`META` token;
    otherwise ``?`` is an unexpected character, as in any ordinary term.
    """
    symbols = sorted(punctuation, key=len, reverse=True)
    parts = [
        r"(?P<ws>[ \t\r\n\f\v\u00a0]+)",
        rf"(?P<comment>{re.escape(comment)}[^\n]*)",
        rf"(?P<number>{_NUMBER})",
        rf"(?P<symbol>{_SYMBOL})",
        r"(?P<expression>\$\()",
        rf"(?P<ident>{_IDENT})",
        r'(?P<string>")',
    ]
    if metavariables:
        parts.append(rf"(?P<meta>\?{_IDENT})")
    if symbols:
        parts.append("(?P<punct>" + "|".join(re.escape(s) for s in symbols) + ")")
    master = re.compile("|".join(parts))
    tokens: list[Token] = []
    line, line_start, pos, n = 1, 0, 0, len(text)

    def where(offset: int) -> Position:
        return Position(line, offset - line_start + 1, offset)

    append = tokens.append

    while pos < n:
        m = master.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = " (a metavariable ?X is read only in a pattern)" if ch == "?" and not metavariables else ""
            raise ParseError(f"unexpected character {ch!r}{hint}", text, where(pos), source)
        kind = m.lastgroup
        start, end = m.span()
        if kind == "ws":
            newlines = text.count("\n", start, end)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", start, end) + 1
        elif kind == "comment":
            pass
        elif kind == "punct":
            append(Token(punctuation[m.group()], m.group(), line, start - line_start + 1, start))
        elif kind == "ident":
            append(Token(IDENT, m.group(), line, start - line_start + 1, start))
        elif kind == "meta":
            append(Token(META, m.group(), line, start - line_start + 1, start, m.group()[1:]))
        elif kind == "number":
            append(Token(NUMBER, m.group(), line, start - line_start + 1, start))
        elif kind == "symbol":
            append(Token(SYMBOL, m.group(), line, start - line_start + 1, start, m.group()[1:]))
        elif kind == "expression":
            inner, end = _read_parenthesized(text, start, where, source)
            append(Token(EXPRESSION, text[start:end], line, start - line_start + 1, start, inner))
        else:  # string
            value, end = _read_string(text, start, where, source)
            append(Token(STRING, text[start:end], line, start - line_start + 1, start, value))
        pos = end
    tokens.append(Token(EOF, "", line, n - line_start + 1, n))
    return tokens


def _read_parenthesized(text: str, start: int, where, source: str) -> tuple[str, int]:
    """Read ``$( ... )`` from ``text[start]`` (balanced, on one line); return (inside, end)."""
    depth, i, n = 0, start + 1, len(text)
    while i < n and text[i] != "\n":
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 2 : i], i + 1
        i += 1
    raise ParseError("unclosed '$(': a symbolic expression ends with ')' on the same line", text, where(start), source)


def _read_string(text: str, start: int, where, source: str) -> tuple[str, int]:
    """Read a string literal starting at the quote ``text[start]``; return (value, end)."""
    out: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            return "".join(out), i + 1
        if ch == "\n":
            break
        if ch == "\\":
            if i + 1 >= n:
                break
            esc = text[i + 1]
            if esc in _ESCAPES:
                out.append(_ESCAPES[esc])
                i += 2
                continue
            if esc == "u":
                m = re.compile(r"u\{([0-9a-fA-F]{1,6})\}").match(text, i + 1)
                if m and 0xD800 <= int(m.group(1), 16) <= 0xDFFF:
                    raise ParseError(
                        f"'\\u{{{m.group(1)}}}' is a surrogate code point, not a character", text, where(i), source
                    )
                if m and int(m.group(1), 16) <= 0x10FFFF:
                    out.append(chr(int(m.group(1), 16)))
                    i = m.end()
                    continue
            raise ParseError(
                f"unknown escape '\\{esc}' in string (known: \\n \\t \\r \\\\ \\\" \\0 \\u{{hex}})",
                text,
                where(i),
                source,
            )
        out.append(ch)
        i += 1
    raise ParseError("unterminated string literal", text, where(start), source)
