"""Every term's text in its own calculus's notation: what ``str(t)``, ``t.text()`` and the
notebook display of a term print.

The calculus is told by the term's root node: an FMC or FMC III node prints in the FMC's
notation (``[A].⟨x⟩.x``), an RMC node in the RMC's (``[a] + [b]``), a first-order term as
``f(x, a)``, a pattern's metavariable as ``?X``; ``⋆`` and ``M ; N``, which both calculi have,
print as RMC when the term has a node only the RMC has. A calculus defined outside this package
(the lambda-calculus, the monadic metalanguage) registers its printer with :func:`register`
when its module is imported, which is before any of its terms exists. A class no printer knows
prints as its ``repr``.

A printer takes the term, a notation name (``"unicode"``, ``"ascii"``, ``"latex"``) and a
``limit``: with a limit it gives at most ``limit + 1`` characters, so the text of a huge term
costs no more than what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from machine_calculus.calculus.terms import Term

__all__ = ["HTML_LIMIT", "NOTATIONS", "Printer", "latex_text", "notation_text", "register", "term_html"]

#: characters of a term a notebook shows (the printer stops there)
HTML_LIMIT = 20_000

#: A calculus's printer: ``(term, notation, limit) -> text``.
Printer = Callable[[Term, str, "int | None"], str]

NOTATIONS = ("unicode", "ascii", "latex")

_PRINTERS: dict[type, Printer] = {}


def register(classes: tuple[type, ...], printer: Printer) -> None:
    """Print terms whose root is of one of ``classes`` with ``printer``."""
    for cls in classes:
        _PRINTERS[cls] = printer


def notation_text(term: Term, notation: str = "unicode", limit: int | None = None) -> str:
    """``term`` in its calculus's ``notation`` (``"unicode"`` or ``"ascii"``; ``"latex"`` where
    the calculus has it, else Unicode); with ``limit``, at most ``limit + 1`` characters."""
    if notation not in NOTATIONS:
        raise ValueError(f"unknown notation {notation!r}: one of {', '.join(NOTATIONS)}")
    _load_builtin()
    return _PRINTERS.get(type(term), _repr_text)(term, notation, limit)


def latex_text(term: Term) -> str | None:
    """``term`` in LaTeX, or None where its calculus has no LaTeX notation (the FMC's and the
    RMC's have one; first-order terms alone, the lambda-calculus and patterns have none)."""
    _load_builtin()
    if _PRINTERS.get(type(term)) not in (_fmc_text, _rmc_text):
        return None
    return notation_text(term, "latex")


def term_html(term: Term, limit: int = HTML_LIMIT) -> str:
    """``term``'s Unicode notation as an HTML ``<code>`` element, left-aligned and wrapping, cut
    at ``limit`` characters with a note saying so."""
    import html

    from machine_calculus.calculus.terms import dag_size_text

    text = notation_text(term, "unicode", limit)
    note = ""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
        note = f'<div style="color:#777">(the first {limit:,} characters of a term of {dag_size_text(term)})</div>'
    body = html.escape(text)
    return f'<code style="white-space:pre-wrap;text-align:left;display:block">{body}</code>{note}'


def _repr_text(term: Term, notation: str, limit: int | None) -> str:
    text = repr(term)
    return text if limit is None else text[: limit + 1]


def _fmc_text(term: Term, notation: str, limit: int | None) -> str:
    from machine_calculus.calculus.rmc.syntax import is_relational

    if is_relational(term):
        return _rmc_text(term, notation, limit)
    from machine_calculus.calculus.fmc.printer import pretty

    return pretty(term, notation, limit)


def _rmc_text(term: Term, notation: str, limit: int | None) -> str:
    from machine_calculus.calculus.rmc.printer import rmc_text

    return rmc_text(term, notation, limit)


def _first_order_text(term: Term, notation: str, limit: int | None) -> str:
    from machine_calculus.calculus.rmc.firstorder import term_text

    return term_text(term, limit)


@cache
def _load_builtin() -> None:
    """Register the calculi of this package (once, on first use, so that importing it stays cheap)."""
    from machine_calculus.calculus.fmc import syntax as fmc
    from machine_calculus.calculus.rmc.firstorder import Fn, FVar
    from machine_calculus.calculus.rmc.syntax import RELATIONAL_NODES

    fmc_nodes = (fmc.Skip, fmc.Var, fmc.Push, fmc.Pop, fmc.Seq, fmc.Const, fmc.Branch, fmc.NoBranch, fmc.Case)
    register((*fmc_nodes, fmc.Loop, fmc.Prim, fmc.LoopFrame), _fmc_text)
    register(RELATIONAL_NODES, _rmc_text)
    register((Fn, FVar), _first_order_text)
