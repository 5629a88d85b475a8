"""FMC III syntax: jumps, case frames, loops, primitives; their parsing, printing and sequencing."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.fmc.labels import UNDETERMINED, meets, select
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii, to_latex, to_unicode
from machine_calculus.calculus.fmc.sequencing import is_normal, normalize
from machine_calculus.calculus.fmc.syntax import (
    ANY,
    DEFAULT,
    NO_BRANCH,
    SKIP,
    STAR,
    Branch,
    Case,
    Const,
    Loop,
    Name,
    Pop,
    Prim,
    Push,
    Seq,
    Term,
    Var,
    case,
    exit_label,
    jump,
)
from machine_calculus.calculus.strategies import fmc3_terms
from machine_calculus.calculus.symbolic_text import parse_expression

n = sympy.Symbol("n")
A, B, TRUE, FALSE = Name("A"), Name("B"), Name("True"), Name("False")


@given(fmc3_terms(max_depth=6))
def test_round_trip_in_both_notations(t: Term) -> None:
    assert parse(to_ascii(t)) == t
    assert parse(to_unicode(t)) == t
    assert to_latex(t)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("x ; {A -> y | B -> z}", case(Var("x"), (A, Var("y")), (B, Var("z")))),
        ("x ; A -> y ; z", case(Var("x"), (A, Seq(Var("y"), Var("z"))))),
        ("x ; y ; {A -> z}", case(Seq(Var("x"), Var("y")), (A, Var("z")))),
        ("x ; {A -> y} ; z", Seq(case(Var("x"), (A, Var("y"))), Var("z"))),
        ("x ; {* -> y}", Seq(Var("x"), Var("y"))),
        ("x ; {A -> y | _ -> z}", case(Var("x"), (A, Var("y")), (ANY, Var("z")))),
        ("x ; {⋆ → y | 3 → z}", case(Var("x"), (STAR, Var("y")), (sympy.Integer(3), Var("z")))),
        ("x^A", Loop(Var("x"), A)),
        ("(<x>.x)^A^*", Loop(Loop(Pop(DEFAULT, "x", Var("x")), A), STAR)),
        ("[2].[5].-", Push(Const(sympy.Integer(2)), DEFAULT, Push(Const(sympy.Integer(5)), DEFAULT, Prim("-")))),
        ("mul", Prim("*")),
        ("×", Prim("*")),
        ("[True].not", Push(Const(TRUE), DEFAULT, Prim("not"))),
        ("<", Prim("<")),
        ("$(n + 1)", Const(n + 1)),
        ("$(n < 3)", Const(n < 3)),
    ],
)
def test_grammar(text: str, term: Term) -> None:
    assert parse(text) == term
    assert parse(to_ascii(term)) == term


def test_printing() -> None:
    t = parse("[1].[2].< ; <b>.b ; {True -> A | _ -> mul^B}")
    assert to_ascii(t) == "[1].[2].< ; <b>.b ; {True -> A | _ -> mul^B}"
    assert to_unicode(t) == "[1].[2].< ; ⟨b⟩.b ; {True → A | _ → ×^B}"
    assert r"\mid" in to_latex(t) and r"\times" in to_latex(t)
    assert to_ascii(Seq(SKIP, case(Var("x"), (A, Var("y"))))) == "* ; (x ; {A -> y})"
    assert to_ascii(Loop(parse("[x].y"), A)) == "([x].y)^A"


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("x ; {A -> x | A -> y}", 15, "label 'A' already has a branch at 1:6"),
        ("x ; {_ -> x | A -> y}", 15, "the default branch '_' at 1:6 must come last"),
        ("x ; {A -> x", 12, "expected '|' or '}'"),
        ("x ; {A x}", 8, "expected '->' after the label 'A'"),
        ("x ; {y -> x}", 6, "expected a label"),
        ("x^_", 3, "expected a label ('*', a constant, a Capitalized name)"),
        ("<not>.x", 2, "'not' is a primitive, not a variable"),
        ("mul = x\nmul", 1, "'mul' is a primitive"),
        ("$(n.func)", 1, "not a symbolic expression"),
        ("$(__import__('os'))", 1, "not a symbolic expression"),
        ("$(n + 1", 1, "unclosed '$('"),
    ],
)
def test_bad_control_syntax(text: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position.column == column
    assert message in info.value.message


def test_nodes_refuse_malformed_frames() -> None:
    with pytest.raises(ValueError, match="at least one branch"):
        Case(Var("x"), NO_BRANCH)
    with pytest.raises(ValueError, match="Seq"):
        Case(Var("x"), Branch(STAR, SKIP, NO_BRANCH))
    with pytest.raises(ValueError, match="twice"):
        case(Var("x"), (A, SKIP), (A, SKIP))
    with pytest.raises(ValueError, match="last"):
        case(Var("x"), (ANY, SKIP), (A, SKIP))
    with pytest.raises(ValueError, match="loop"):
        Loop(SKIP, ANY)
    with pytest.raises(ValueError, match="unknown primitive"):
        Prim("**")


def test_jumps_and_labels() -> None:
    assert jump(STAR) == SKIP and jump(A) == Const(A)
    assert exit_label(SKIP) == STAR and exit_label(Const(A)) == A and exit_label(Var("x")) is None
    with pytest.raises(ValueError):
        jump(ANY)


@pytest.mark.parametrize(
    ("label", "pattern", "expected"),
    [
        (STAR, STAR, True),
        (STAR, A, False),
        (A, ANY, True),
        (sympy.Integer(1), sympy.Rational(2, 2), True),
        (sympy.Integer(1), "1", False),
        (n, sympy.Integer(3), None),
        (n + 1, n + 1, True),
        (sympy.Eq(n, n), TRUE, True),  # sympy decides it: True
        (n < 3, TRUE, None),
        (n < 3, sympy.Integer(1), False),
        (n + 1, TRUE, False),
        (n, "s", False),
    ],
)
def test_which_branch_catches(label: object, pattern: object, expected: bool | None) -> None:
    label = TRUE if label is sympy.true else label
    assert meets(label, pattern) is expected  # type: ignore[arg-type]


def test_select_stops_at_an_undetermined_branch() -> None:
    frame = [(sympy.Integer(1), Var("a")), (ANY, Var("b"))]
    assert select(frame, sympy.Integer(1)) == Var("a")
    assert select(frame, sympy.Integer(2)) == Var("b")
    assert select(frame, n) is UNDETERMINED
    assert select([(A, Var("a"))], B) is None


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("A ; {A -> x | B -> y}", "x"),
        ("C ; {A -> x}", "C"),
        ("* ; {A -> x}", "*"),
        ("([y].A) ; {A -> x}", "[y].x"),
        ("(z ; {A -> x}) ; y", "z ; {A -> x ; y | * -> y}"),
        ("(z ; {_ -> x}) ; y", "z ; {_ -> x ; y}"),
        ("(z ; w) ; {A -> x}", "z ; {* -> w ; {A -> x} | A -> x}"),
        ("(z ; {A -> *}) ; {* -> y | B -> w}", "z ; {A -> y | * -> y | B -> w}"),
        ("x^A ; y", "x^A ; y"),
        ("$n ; {1 -> x | _ -> y}", "$n ; {1 -> x | _ -> y}"),
        ("$n ; {A -> x}", "$n"),
    ],
)
def test_sequencing_follows_the_reduction_rules(text: str, normal: str) -> None:
    assert normalize(parse(text)) == parse(normal)
    assert is_normal(parse(normal))


@given(fmc3_terms(max_depth=6))
def test_normal_forms(t: Term) -> None:
    n1 = normalize(t)
    assert is_normal(n1)
    assert normalize(n1) == n1


def test_symbolic_expressions_round_trip() -> None:
    for e in (n**2 + 1, n < 3, sympy.And(n < 3, sympy.Ne(n, 1)), sympy.Mod(n, 3), n / 3):
        assert parse_expression(sympy.sstr(e)) == e
        assert parse(to_ascii(Const(e))) == Const(e)


@pytest.mark.parametrize("text", ["9**9**9", "x**(9**9**9)", "10**100001", "2**(10**6)", "(2**1000)**1000"])
def test_huge_symbolic_constants_are_refused_before_they_are_computed(text: str) -> None:
    with pytest.raises(ParseError, match="symbolic expression too large") as caught:
        parse(f"[1].[$({text})]")
    assert caught.value.column == 6


def test_large_but_bounded_symbolic_constants_are_computed() -> None:
    x = sympy.Symbol("x")
    assert parse_expression("2**10") == 1024
    assert parse_expression("2**100000") == sympy.Integer(2) ** 100000
    assert parse_expression("x**(10**50)") == x ** (10**50)
    assert parse_expression("(-1)**(10**9) + 0**(10**9)") == 1
