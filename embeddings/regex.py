"""Regular expressions into the RMC: letters are pops from the input location, ``+`` is union,
``;`` concatenation and ``*`` star (docs/prolog.md, "Other embeddings").

    enc(c) = in⟨c⟩        enc(r s) = enc(r) ; enc(s)      enc(r | s) = enc(r) + enc(s)
    enc(ε) = ⋆            enc(∅) = 0                      enc(r*) = enc(ne(r))*

A string is pushed on ``in`` with its first letter on top and a marker ``$end`` below it; the
term ``enc(r) ; in⟨$end⟩`` has an answer iff ``r`` matches the whole string. ``ne(r)`` is ``r``
without the empty word (``r* = ne(r)*``): every turn of the star then consumes a letter, so the
search is finite and the machine decides matching (``(a*)*`` would otherwise turn forever).
"""

from __future__ import annotations

from dataclasses import dataclass

from machine_calculus.calculus.fmc.syntax import SKIP, Seq
from machine_calculus.calculus.rmc.firstorder import fn
from machine_calculus.calculus.rmc.syntax import FAIL, Choice, Pop, Star
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.rmc.compiled import solve

__all__ = [
    "Alt",
    "Cat",
    "Empty",
    "Epsilon",
    "Letter",
    "Regex",
    "Rep",
    "accepts",
    "encode",
    "nullable",
    "python_pattern",
]

INPUT = "in"
END = fn("$end")


@dataclass(frozen=True)
class Letter:
    char: str


@dataclass(frozen=True)
class Epsilon:
    pass


@dataclass(frozen=True)
class Empty:
    pass


@dataclass(frozen=True)
class Cat:
    left: Regex
    right: Regex


@dataclass(frozen=True)
class Alt:
    left: Regex
    right: Regex


@dataclass(frozen=True)
class Rep:
    body: Regex


Regex = Letter | Epsilon | Empty | Cat | Alt | Rep


def nullable(r: Regex) -> bool:
    """Does ``r`` match the empty word?"""
    if isinstance(r, Letter | Empty):
        return False
    if isinstance(r, Epsilon | Rep):
        return True
    if isinstance(r, Cat):
        return nullable(r.left) and nullable(r.right)
    return nullable(r.left) or nullable(r.right)


def non_empty(r: Regex) -> Regex:
    """``ne(r)``: the non-empty words of ``r``.

    ne(c) = c   ne(ε) = ne(∅) = ∅   ne(r | s) = ne(r) | ne(s)   ne(r*) = ne(r) r*
    ne(r s) = ne(r) s | ne(s)  if r is nullable,  else  r s
    """
    if isinstance(r, Letter):
        return r
    if isinstance(r, Epsilon | Empty):
        return Empty()
    if isinstance(r, Alt):
        return Alt(non_empty(r.left), non_empty(r.right))
    if isinstance(r, Rep):
        return Cat(non_empty(r.body), r)
    assert isinstance(r, Cat)
    if nullable(r.left):
        return Alt(Cat(non_empty(r.left), r.right), non_empty(r.right))
    return r


def encode(r: Regex) -> Term:
    """``enc(r)``: the RMC term that pops a word of ``r`` from ``in``."""
    if isinstance(r, Letter):
        return Pop(INPUT, fn(r.char))
    if isinstance(r, Epsilon):
        return SKIP
    if isinstance(r, Empty):
        return FAIL
    if isinstance(r, Cat):
        return Seq(encode(r.left), encode(r.right))
    if isinstance(r, Alt):
        return Choice(encode(r.left), encode(r.right))
    return Star(encode(non_empty(r.body)))


def accepts(r: Regex, word: str, fuel: int = 1_000_000) -> bool:
    """Does the RMC term of ``r`` accept ``word`` (one answer is enough)?"""
    memory = {INPUT: [END, *(fn(c) for c in reversed(word))]}
    result = solve(Seq(encode(r), Pop(INPUT, END)), memory, limit=1, fuel=fuel)
    if result.out_of_fuel:
        raise RuntimeError(f"out of fuel deciding {word!r}")
    return bool(result.answers)


def python_pattern(r: Regex) -> str:
    """The same language as a Python ``re`` pattern (the reference for the tests)."""
    if isinstance(r, Letter):
        return r.char
    if isinstance(r, Epsilon):
        return "(?:)"
    if isinstance(r, Empty):
        return "(?!)"
    if isinstance(r, Cat):
        return f"(?:{python_pattern(r.left)}{python_pattern(r.right)})"
    if isinstance(r, Alt):
        return f"(?:{python_pattern(r.left)}|{python_pattern(r.right)})"
    return f"(?:{python_pattern(r.body)})*"
