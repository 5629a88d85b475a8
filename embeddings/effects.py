"""Effects encoded in the FMC (part I): store, input/output, probabilistic and non-deterministic
choice. Each encoding is a function building FMC terms from FMC terms.

    update   c := N     c⟨_⟩.[N]c            (the cell c holds one value)
    lookup   !c         c⟨x⟩.[x]c.[x]        (pushes the value on λ, keeping it in c)
    read     in⟨x⟩.M    write  [N]out
    choice   M ⊕ N      rnd⟨b⟩.[N].[M].b     (b a Church boolean: true runs M)

Reduction proves "update then lookup" and "two updates"; the laws on distinct cells need the
e-graph (docs/types-and-effects.md has the table); tests/rewriting/test_laws_of_state.py shows
each, and the tests check them as equal machine behaviour.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Pop, Push, Term, Var
from machine_calculus.calculus.terms import free_variables, fresh_name

__all__ = ["biased_choice", "choice", "lookup", "read", "update", "write"]


def update(cell: str, value: Term, then: Term = SKIP) -> Term:
    """``c := N ; M`` as ``c⟨_⟩.[N]c.M``."""
    return Pop(cell, "_", Push(value, cell, then))


def lookup(cell: str, then: Term = SKIP) -> Term:
    """``!c ; M`` as ``c⟨x⟩.[x]c.[x].M``: the value is pushed on λ and kept in the cell."""
    x = fresh_name("x", free_variables(then))
    return Pop(cell, x, Push(Var(x), cell, Push(Var(x), DEFAULT, then)))


def read(variable: str, then: Term, stream: str = "in") -> Term:
    """``in⟨x⟩.M``: read the next input into x."""
    return Pop(stream, variable, then)


def write(value: Term, then: Term = SKIP, stream: str = "out") -> Term:
    """``[N]out.M``: write N to the output."""
    return Push(value, stream, then)


def choice(first: Term, second: Term, location: str = "rnd") -> Term:
    """``M ⊕ N`` as ``rnd⟨b⟩.[N].[M].b``: a fair coin (``nd``: a non-deterministic choice)."""
    b = fresh_name("b", free_variables(first) | free_variables(second))
    return Pop(location, b, Push(second, DEFAULT, Push(first, DEFAULT, Var(b))))


def biased_choice(p: sympy.Rational | Fraction | str, first: Term, second: Term, location: str = "rnd") -> Term:
    """``M ⊕_p N``: M with probability p, built from fair coins; p must be dyadic (k/2^n).

    Binary expansion: the first coin decides the first bit; on a tie the next bit is compared.
    """
    bias = sympy.Rational(str(p))
    if not isinstance(bias, sympy.Rational) or not 0 <= bias <= 1 or bias.q & (bias.q - 1):
        raise ValueError(f"a bias built from fair coins must be a dyadic rational in [0, 1], not {bias}")
    if bias == 0:
        return second
    if bias == 1:
        return first
    # M ⊕_p N = (M ⊕_{2p} N) ⊕ N  if p < 1/2,   M ⊕ (M ⊕_{2p-1} N)  otherwise
    steps: list[bool] = []
    rest: sympy.Expr = bias
    while rest not in (0, 1):
        if rest < sympy.Rational(1, 2):
            steps.append(False)
            rest = 2 * rest
        else:
            steps.append(True)
            rest = 2 * rest - 1
    term = first if rest == 1 else second
    for high in reversed(steps):
        term = choice(first, term, location) if high else choice(term, second, location)
    return term
