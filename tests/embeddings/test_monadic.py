"""Moggi's metalanguage and call-by-push-value into the FMC, run on examples."""

from __future__ import annotations

import pytest

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import Name
from machine_calculus.calculus.terms import Term
from machine_calculus.embeddings.lam import App, Lam, LConst, LVar
from machine_calculus.embeddings.monadic import Force, Let, Produce, Return, Thunk, To, cbpv, metalanguage
from machine_calculus.machine.fmc import fast

A, B = LConst(Name("A")), LConst(Name("B"))
x, y, f = LVar("x"), LVar("y"), LVar("f")


def final_stack(fmc_term: Term) -> list[str]:
    result = fast.run(fmc_term)
    assert result.done, result
    return [to_ascii(v) for v in result.stack()]


def test_metalanguage_translation_follows_the_table() -> None:
    assert metalanguage(Return(A)) == parse("[A]")
    assert metalanguage(Let("x", Return(A), Return(x))) == parse("[A] ; <x>.[x]")
    assert metalanguage(App(Lam("x", Return(x)), A)) == parse("[A].<x>.[x]")


def test_metalanguage_runs_in_order() -> None:
    program = Let("x", Return(A), Let("y", Return(B), Return(x)))
    assert final_stack(metalanguage(program)) == ["A"]
    swap = Let("x", Return(A), Let("y", Return(B), Let("_", Return(y), Return(x))))
    assert final_stack(metalanguage(swap)) == ["A"]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # left unit: let x ⇐ return V in M  =  M[V/x]
        (Let("x", Return(A), Return(App(Lam("y", y), x))), Return(App(Lam("y", y), A))),
        # right unit: let x ⇐ M in return x  =  M
        (Let("x", Let("y", Return(A), Return(y)), Return(x)), Let("y", Return(A), Return(y))),
        # associativity: let y ⇐ (let x ⇐ M in N) in P  =  let x ⇐ M in let y ⇐ N in P
        (
            Let("y", Let("x", Return(A), Return(B)), Return(y)),
            Let("x", Return(A), Let("y", Return(B), Return(y))),
        ),
    ],
    ids=["left unit", "right unit", "associativity"],
)
def test_monad_laws_hold_on_the_machine(left: Term, right: Term) -> None:
    assert fast.run(metalanguage(left)).memory == fast.run(metalanguage(right)).memory


def test_cbpv_translation_follows_the_table() -> None:
    assert cbpv(Produce(A)) == parse("[A]")
    assert cbpv(To("x", Produce(A), Produce(x))) == parse("[A] ; <x>.[x]")
    assert cbpv(Force(Thunk(Produce(B)))) == parse("[B]")
    assert cbpv(App(Lam("x", Produce(x)), A)) == parse("[A].<x>.[x]")


def test_cbpv_examples() -> None:
    # a thunk passed around and forced later
    program = To("f", Produce(Thunk(Produce(B))), To("x", Produce(A), Force(f)))
    assert final_stack(cbpv(program)) == ["B"]  # A is bound to x (popped); forcing f produces B
    # sequencing fixes the order: produce A, then B, and keep the first
    assert final_stack(cbpv(To("x", Produce(A), To("y", Produce(B), Produce(x))))) == ["A"]


def test_each_translation_rejects_the_others_constructs() -> None:
    with pytest.raises(TypeError, match="not a metalanguage term"):
        metalanguage(Produce(A))
    with pytest.raises(TypeError, match="not a call-by-push-value term"):
        cbpv(Return(A))
