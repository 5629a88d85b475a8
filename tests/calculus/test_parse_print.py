"""The concrete syntax: every construct in both notations, round trips, positioned errors."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.fmc.parser import parse, parse_constant, parse_program
from machine_calculus.calculus.fmc.printer import constant_text, pretty, to_ascii, to_latex, to_unicode
from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Name, Pop, Push, Seq, Var
from machine_calculus.calculus.strategies import constant_values, fmc_terms
from machine_calculus.calculus.terms import Term, iter_preorder

# -- every construct, Unicode and ASCII ---------------------------------------------------------

CONSTRUCTS = [
    ("*", "⋆", SKIP),
    ("x", "x", Var("x")),
    ("[*]a", "[⋆]a", Push(SKIP, "a", SKIP)),
    ("[x].y", "[x].y", Push(Var("x"), DEFAULT, Var("y"))),
    ("a<x>.x", "a⟨x⟩.x", Pop("a", "x", Var("x"))),
    ("<x>.x", "⟨x⟩.x", Pop(DEFAULT, "x", Var("x"))),
    ("\\x.x", "λx.x", Pop(DEFAULT, "x", Var("x"))),
    ("x ; y", "x ; y", Seq(Var("x"), Var("y"))),
]


@pytest.mark.parametrize(("ascii_text", "unicode_text", "term"), CONSTRUCTS)
def test_each_construct_in_both_notations(ascii_text: str, unicode_text: str, term: Term) -> None:
    assert parse(ascii_text) == term and parse(ascii_text).args == term.args
    assert parse(unicode_text) == term
    assert to_unicode(term) == unicode_text.replace("λx.", "⟨x⟩.")
    assert to_ascii(term) == ascii_text.replace("\\x.", "<x>.")


def test_sugar() -> None:
    assert parse("λx y.[x].y") == Pop(DEFAULT, "x", Pop(DEFAULT, "y", Push(Var("x"), DEFAULT, Var("y"))))
    assert parse("\\x y z.x") == parse("<x>.<y>.<z>.x")
    assert parse("[x]a") == Push(Var("x"), "a", SKIP)  # a trailing .* may be omitted
    assert parse("a<x>") == Pop("a", "x", SKIP)
    assert parse("x.[y]a") == Seq(Var("x"), Push(Var("y"), "a", SKIP))  # x.M is x ; M
    assert parse("*.x") == Seq(SKIP, Var("x"))
    assert parse("(x ; y).z") == Seq(Seq(Var("x"), Var("y")), Var("z"))


def test_precedence_and_associativity() -> None:
    # prefix actions bind tighter than ';', which associates to the right
    assert parse("[x].y ; z") == Seq(Push(Var("x"), DEFAULT, Var("y")), Var("z"))
    assert parse("x ; y ; z") == Seq(Var("x"), Seq(Var("y"), Var("z")))
    assert parse("<x>.x ; y") == Seq(Pop(DEFAULT, "x", Var("x")), Var("y"))
    assert parse("<x>.(x ; y)") == Pop(DEFAULT, "x", Seq(Var("x"), Var("y")))
    assert parse("[x ; y]a") == Push(Seq(Var("x"), Var("y")), "a", SKIP)
    assert parse("((x))") == Var("x")


def test_locations_and_names() -> None:
    assert parse("[x]out.in<y>.[y]out") == Push(Var("x"), "out", Pop("in", "y", Push(Var("y"), "out", SKIP)))
    # a location is written right before '<' (on the same line): `k` below is a variable
    assert parse("k<x>.x") == Pop("k", "x", Var("x"))
    with pytest.raises(ParseError, match="2:1"):
        parse("k\n<x>.x")
    assert parse("<x'>.x'") == Pop(DEFAULT, "x'", Var("x'"))
    assert parse("<_>.*") == Pop(DEFAULT, "_", SKIP)


def test_location_on_the_next_line_is_not_taken() -> None:
    with pytest.raises(ParseError) as info:
        parse("[x]\na")
    assert info.value.line == 2 and info.value.column == 1


def test_comments_and_layout() -> None:
    text = "-- a comment\n[x]a -- trailing\n  .\n  a<y>.y  -- done\n"
    assert parse(text) == parse("[x]a.a<y>.y")
    assert parse("x--y") == Var("x")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", sympy.Integer(3)),
        ("-2", sympy.Integer(-2)),
        ("3/4", sympy.Rational(3, 4)),
        ("6/8", sympy.Rational(3, 4)),
        ('"hi"', "hi"),
        ('"a\\nb\\t\\"q\\"\\\\ \\0 \\u{3bb}"', 'a\nb\t"q"\\ \0 λ'),
        ('""', ""),
        ("True", Name("True")),
        ("Nil", Name("Nil")),
        ("$n", sympy.Symbol("n")),
    ],
)
def test_constants_are_atoms(text: str, value: object) -> None:
    assert parse(text) == Const(value)
    assert parse_constant(text) == value
    assert parse(f"[{text}]out.<x>.[x]a") == Push(Const(value), "out", Pop(DEFAULT, "x", Push(Var("x"), "a", SKIP)))
    assert parse(constant_text(value)) == Const(value)


def test_constant_kinds_are_distinct() -> None:
    assert Const(sympy.Integer(1)) != Const("1") != Const(Name("One"))
    assert parse("2/1") == Const(sympy.Integer(2))


def test_files_with_definitions() -> None:
    program = parse_program("id = <x>.x\nswap = <x>.<y>.[x].[y]\ntwice = <f>.f ; f\n[A].[B].swap")
    assert [name for name, _ in program.definitions] == ["id", "swap", "twice"]
    assert program.term() == parse("[A].[B].<x>.<y>.[x].[y]")
    # later definitions see earlier ones; definitions are inlined capture-avoidingly
    assert parse("k = <x>.<y>.x\nkx = [x].k\n<x>.kx") == parse("<z>.[x].<x>.<y>.x")
    assert parse("t = [A]out\nt ; t") == parse("[A]out ; [A]out")


# -- round trips on generated terms --------------------------------------------------------------


@given(fmc_terms(max_depth=6))
def test_unicode_round_trip(t: Term) -> None:
    text = to_unicode(t)
    again = parse(text)
    assert again == t
    assert to_unicode(again) == text


@given(fmc_terms(max_depth=6))
def test_ascii_round_trip(t: Term) -> None:
    text = to_ascii(t)
    assert text.isascii() or any(isinstance(n, Const) and isinstance(n.value, str) for n in iter_preorder(t))
    assert parse(text) == t
    assert pretty(t, "ascii") == text


@given(fmc_terms(max_depth=6))
def test_printing_keeps_the_users_names(t: Term) -> None:
    again = parse(to_ascii(t))
    names = [(type(n), n.args) for n in iter_preorder(again) if not isinstance(n, Const)]
    assert names == [(type(n), n.args) for n in iter_preorder(t) if not isinstance(n, Const)]


@given(constant_values())
def test_constant_text_round_trip(value: object) -> None:
    assert parse(constant_text(value)) == Const(value)


@given(fmc_terms(max_depth=5))
def test_latex_prints_every_term(t: Term) -> None:
    text = to_latex(t)
    # the Unicode symbols of the calculus never appear, except inside string constants
    if not any(isinstance(n, Const) and isinstance(n.value, str) for n in iter_preorder(t)):
        assert "⋆" not in text and "⟨" not in text
    assert text.count("{") >= text.count(r"\{")


def test_latex_examples() -> None:
    assert to_latex(parse("[x]a.b<y>.y ; *")) == r"[x]a.b\langle y\rangle.y \mathbin{;} \star"
    assert to_latex(parse("<x>.x")) == r"\langle x\rangle.x"
    assert "\\mathsf{True}" in to_latex(parse("True"))
    assert r"\tfrac{1}{2}" in to_latex(parse("1/2"))


def test_parentheses_only_where_needed() -> None:
    assert to_ascii(parse("[x ; y].(z ; w)")) == "[x ; y].(z ; w)"
    assert to_ascii(parse("(x ; y) ; z")) == "(x ; y) ; z"
    assert to_ascii(parse("x ; y ; z")) == "x ; y ; z"
    assert to_ascii(parse("[x]a.*")) in ("[x]a", "[x]a.*")


# -- errors: every malformed input class, with line, column and caret --------------------------


def error_of(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(text, "t.fmc")
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("[x", 1, 3, "']'"),  # unbalanced brackets
        ("([x].y", 1, 7, "')'"),
        ("x)", 1, 2, "unexpected ')'"),
        ("[x]].y", 1, 4, "unexpected ']'"),
        ("<x.x", 1, 3, "'>'"),
        ("x # y", 1, 3, "#"),  # stray characters
        ("[x]a.@", 1, 6, "@"),
        ("", 1, 1, "empty"),  # empty input
        ("  -- only a comment\n", 2, 1, "empty"),
        ("<>.x", 1, 2, "variable"),  # pop without a variable
        ("a<.x", 1, 3, "variable"),
        ("a<X>.x", 1, 3, "variable"),
        ("\\.x", 1, 2, "variable"),
        ('"a\\qb"', 1, 3, "escape"),  # unknown escape
        ('"abc', 1, 1, "string"),  # unterminated string
        ("1/0", 1, 1, "denominator"),
        ("id = <x>.x\n", 2, 1, "term to run"),  # definitions without a term
        ("x = \n", 2, 1, "term"),
        ("X = *\nX", 1, 1, "lowercase"),
        ("f = *\nf = *\nf", 2, 1, "defined twice"),
        ("x\ny = *", 2, 1, "definition"),
        ("[x].", 1, 5, "end of input"),
        ("x ;", 1, 4, "end of input"),
    ],
)
def test_malformed_input_gives_a_positioned_error(text: str, line: int, column: int, words: str) -> None:
    error = error_of(text)
    assert (error.line, error.column) == (line, column), str(error)
    assert words.lower() in error.message.lower()
    rendered = str(error).split("\n")
    assert rendered[0].startswith(f"t.fmc:{line}:{column}: ")
    source_line = [*text.split("\n"), ""][line - 1]
    assert rendered[1].endswith(source_line)
    caret = rendered[2].index("^")
    assert caret - rendered[1].index("| ") - 2 == column - 1  # the caret sits under the column


def test_error_position_on_a_later_line() -> None:
    error = error_of("id = <x>.x\n\n[A].[B].\n    id ] x\n")
    assert (error.line, error.column) == (4, 8)
    assert "    id ] x" in str(error)


def test_error_on_a_very_long_line_shows_a_window() -> None:
    text = "[A]." * 5000 + "#"
    error = error_of(text)
    assert error.column == len(text)
    shown = str(error).split("\n")[1]
    assert len(shown) < 260 and shown.endswith("#")


def test_unicode_and_ascii_mix() -> None:
    assert parse("λx.[x]a.a⟨y⟩.y ; ⋆") == parse("\\x.[x]a.a<y>.y ; *")
