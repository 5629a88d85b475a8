"""Lambda terms print in their notation (``λx y.M N``) and read back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse_constant
from machine_calculus.calculus.strategies import terms
from machine_calculus.embeddings.lam import App, Lam, LConst, LVar, lambda_text, parse_lambda

lambda_terms = terms((LVar, Lam, App), {}, max_depth=6, variables=("x", "y", "z"))


@given(lambda_terms)
def test_lambda_terms_read_back(t) -> None:
    assert str(t) == lambda_text(t)
    assert parse_lambda(str(t)) == t
    assert parse_lambda(t.text("ascii")) == t


@given(st.sampled_from([r"\x y. x (y x) z", r"(\x.x) (\y.y y) A", r"f (\x.x) 3", r"\x. (\y. y) x"]))
def test_examples(text: str) -> None:
    t = parse_lambda(text)
    assert parse_lambda(str(t)) == t


def test_constants_and_shape() -> None:
    assert str(App(Lam("x", LVar("x")), LConst(parse_constant("3")))) == "(λx.x) 3"
    assert str(Lam("x", Lam("y", App(LVar("x"), App(LVar("y"), LVar("x")))))) == "λx y.x (y x)"
    assert lambda_text(Lam("x", LVar("x")), "ascii") == "\\x. x"


def test_deep_lambda_terms_print() -> None:
    t = LVar("x")
    for _ in range(100_000):
        t = App(t, LVar("y"))
    assert len(str(t)) == 1 + 2 * 100_000


def test_monadic_terms_print_with_their_keywords() -> None:
    from machine_calculus.embeddings.monadic import Force, Let, Produce, Return, Thunk, To

    x, y = LVar("x"), LVar("y")
    assert str(Let("x", Return(y), App(Lam("z", LVar("z")), x))) == "let x ⇐ return y in (λz.z) x"
    assert Let("x", Return(y), x).text("ascii") == "let x <= return y in x"
    assert str(To("x", Produce(y), Force(Thunk(Produce(x))))) == "(produce y) to x. force (thunk (produce x))"
    assert str(App(Return(x), y)) == "(return x) y"
    assert str(App(LVar("f"), Return(x))) == "f (return x)"
    assert str(Lam("x", Return(x))) == "λx.return x"
