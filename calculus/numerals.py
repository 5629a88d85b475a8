"""Decimal integer literals of any length up to a documented bound.

Python refuses to convert strings of more than 4,300 digits to ``int`` (``sys.int_info
.default_max_str_digits``, a guard against quadratic-time conversion). The parsers read their
literals through :func:`decimal_value`, which accepts up to :data:`MAX_LITERAL_DIGITS` digits
(100,000, a conversion of well under a second) whatever the process's limit, and refuses longer
ones with a ``ValueError`` the parsers turn into a positioned error. Printing a large *result*
is the command line's business: ``mcalc`` lifts Python's limit while it runs (see
``machine_calculus/cli/main.py``), so every number a run computes prints in full.
"""

from __future__ import annotations

__all__ = ["MAX_LITERAL_DIGITS", "decimal_text", "decimal_value"]

MAX_LITERAL_DIGITS = 100_000
_CHUNK = 4_000  # under Python's default limit of 4,300 digits


def decimal_value(text: str) -> int:
    """The integer a decimal literal (digits, optionally after ``-``) denotes; ``ValueError``
    when it has more than :data:`MAX_LITERAL_DIGITS` digits."""
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text)
    if len(digits) > MAX_LITERAL_DIGITS:
        raise ValueError(f"integer literal of {len(digits):,} digits: at most {MAX_LITERAL_DIGITS:,} digits are read")
    if len(digits) <= _CHUNK:
        return sign * int(digits)
    head = len(digits) % _CHUNK or _CHUNK
    value = int(digits[:head])
    scale = 10**_CHUNK
    for start in range(head, len(digits), _CHUNK):
        value = value * scale + int(digits[start : start + _CHUNK])
    return sign * value


def decimal_text(value: int) -> str:
    """``str(value)`` whatever Python's int-str limit (for terms that hold numbers as text)."""
    if -(10**_CHUNK) < value < 10**_CHUNK:
        return str(value)
    sign, value = ("-", -value) if value < 0 else ("", value)
    scale, chunks = 10**_CHUNK, []
    while value >= scale:
        value, low = divmod(value, scale)
        chunks.append(str(low).zfill(_CHUNK))
    return sign + str(value) + "".join(reversed(chunks))
