"""The concrete syntax: every construct in Unicode and ASCII, files, printing and round trips."""

from __future__ import annotations

import pytest
import sympy
from calculus_reference import rename_bound
from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import Program, parse, parse_constant, parse_program
from machine_calculus.calculus.fmc.printer import constant_text, pretty, to_ascii, to_latex, to_unicode
from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Name, Pop, Push, Seq, Term, Var
from machine_calculus.calculus.strategies import constant_values, fmc_constants, fmc_terms

x, y, z = Var("x"), Var("y"), Var("z")


def const(value: object) -> Const:
    if isinstance(value, int):
        return Const(sympy.Integer(value))
    return Const(value)  # type: ignore[arg-type]


def same_names(s: Term, t: Term) -> bool:
    """Equal and spelled alike (``repr`` shows every name)."""
    return s == t and repr(s) == repr(t)


# -- every construct, in both notations ---------------------------------------------------------------------

CONSTRUCTS = [
    # (unicode, ascii, term)
    ("⋆", "*", SKIP),
    ("x", "x", x),
    ("[x]a.y", "[x]a.y", Push(x, "a", y)),
    ("[x].y", "[x].y", Push(x, DEFAULT, y)),
    ("[x]a", "[x]a", Push(x, "a", SKIP)),
    ("[x]a.⋆", "[x]a.*", Push(x, "a", SKIP)),
    ("[x]", "[x]", Push(x, DEFAULT, SKIP)),
    ("a⟨x⟩.x", "a<x>.x", Pop("a", "x", x)),
    ("⟨x⟩.x", "<x>.x", Pop(DEFAULT, "x", x)),
    ("a⟨x⟩", "a<x>", Pop("a", "x", SKIP)),
    ("⟨x⟩.⋆", "<x>.*", Pop(DEFAULT, "x", SKIP)),
    ("λx.x", "\\x.x", Pop(DEFAULT, "x", x)),
    ("λx y.[x].y", "\\x y.[x].y", Pop(DEFAULT, "x", Pop(DEFAULT, "y", Push(x, DEFAULT, y)))),
    ("λx y z.z", "\\x y z.z", Pop(DEFAULT, "x", Pop(DEFAULT, "y", Pop(DEFAULT, "z", z)))),
    ("x ; y", "x ; y", Seq(x, y)),
    ("x;y", "x;y", Seq(x, y)),
    ("x.y", "x.y", Seq(x, y)),
    ("x.[y]", "x.[y]", Seq(x, Push(y, DEFAULT, SKIP))),
    ("x.a⟨y⟩.y", "x.a<y>.y", Seq(x, Pop("a", "y", y))),
    ("x ; y ; z", "x ; y ; z", Seq(x, Seq(y, z))),
    ("(x ; y) ; z", "(x ; y) ; z", Seq(Seq(x, y), z)),
    ("[x].y ; z", "[x].y ; z", Seq(Push(x, DEFAULT, y), z)),
    ("[x].(y ; z)", "[x].(y ; z)", Push(x, DEFAULT, Seq(y, z))),
    ("⟨x⟩.x ; y", "<x>.x ; y", Seq(Pop(DEFAULT, "x", x), y)),
    ("⟨x⟩.(x ; y)", "<x>.(x ; y)", Pop(DEFAULT, "x", Seq(x, y))),
    ("λx.x ; y", "\\x.x ; y", Seq(Pop(DEFAULT, "x", x), y)),
    ("[x ; y]a", "[x ; y]a", Push(Seq(x, y), "a", SKIP)),
    ("(x)", "(x)", x),
    ("((⋆))", "((*))", SKIP),
    ("(x).y", "(x).y", Seq(x, y)),
    ("(x ; y).z", "(x ; y).z", Seq(Seq(x, y), z)),
    ("[[[⋆]]]", "[[[*]]]", Push(Push(Push(SKIP, DEFAULT, SKIP), DEFAULT, SKIP), DEFAULT, SKIP)),
    ("in⟨x⟩.[x]out", "in<x>.[x]out", Pop("in", "x", Push(x, "out", SKIP))),
    ("⋆ ; ⋆", "* ; *", Seq(SKIP, SKIP)),
    ("⋆.x", "*.x", Seq(SKIP, x)),
    ("x'", "x'", Var("x'")),
    ("_tmp", "_tmp", Var("_tmp")),
    ("long_name2", "long_name2", Var("long_name2")),
    ("3", "3", const(3)),
    ("-3", "-3", const(-3)),
    ("0", "0", const(0)),
    ("1/2", "1/2", Const(sympy.Rational(1, 2))),
    ("-3/4", "-3/4", Const(sympy.Rational(-3, 4))),
    ("2/4", "2/4", Const(sympy.Rational(1, 2))),
    ("4/2", "4/2", const(2)),
    ('"hi"', '"hi"', Const("hi")),
    ('""', '""', Const("")),
    ('"a\\"b\\\\c\\n\\t\\r\\0"', '"a\\"b\\\\c\\n\\t\\r\\0"', Const('a"b\\c\n\t\r\0')),
    ('"\\u{3bb}"', '"\\u{3bb}"', Const("λ")),
    ('"λ ⟨x⟩ ; -- no comment"', '"λ ⟨x⟩ ; -- no comment"', Const("λ ⟨x⟩ ; -- no comment")),
    ("True", "True", Const(Name("True"))),
    ("Nil", "Nil", Const(Name("Nil"))),
    ("$n", "$n", Const(sympy.Symbol("n"))),
    ("$k1", "$k1", Const(sympy.Symbol("k1"))),
    ("[3]out.[-1/2]out", "[3]out.[-1/2]out", Push(const(3), "out", Push(Const(sympy.Rational(-1, 2)), "out", SKIP))),
    ("3.x", "3.x", Seq(const(3), x)),
    ("x ; -1", "x ; -1", Seq(x, const(-1))),
    ("⟨x⟩.True", "<x>.True", Pop(DEFAULT, "x", Const(Name("True")))),
]


@pytest.mark.parametrize(("unicode", "ascii", "term"), CONSTRUCTS, ids=[c[1] for c in CONSTRUCTS])
def test_each_construct_in_both_notations(unicode: str, ascii: str, term: Term) -> None:
    assert same_names(parse(unicode), term)
    assert same_names(parse(ascii), term)
    # and back: the printers produce text that parses to the same term with the same names
    assert same_names(parse(to_unicode(term)), term)
    assert same_names(parse(to_ascii(term)), term)


def test_notations_can_be_mixed() -> None:
    assert parse("λx.⟨y⟩.[x]a.* ; y") == parse("\\x.<y>.[x]a.⋆ ; y")
    assert parse("a⟨x⟩.x") == parse("a<x>.x") == parse("a⟨x>.x") == parse("a<x⟩.x")


def test_sequencing_is_right_associative_and_prefixes_bind_tighter() -> None:
    assert parse("x ; y ; z") == Seq(x, Seq(y, z)) != Seq(Seq(x, y), z)
    assert parse("[x].y ; z") == Seq(Push(x, DEFAULT, y), z)
    assert parse("<x>.x ; x") == Seq(Pop(DEFAULT, "x", x), x)  # the second x is free
    assert parse("<x>.x ; x") != parse("<x>.(x ; x)")
    assert parse("a<x>.[x].y ; b<z>.z ; w") == Seq(Pop("a", "x", Push(x, DEFAULT, y)), Seq(Pop("b", "z", z), Var("w")))
    assert parse("x.y ; z") == Seq(Seq(x, y), z)  # x.M is a prefix form
    assert parse("\\x.\\y.x ; y") == Seq(Pop(DEFAULT, "x", Pop(DEFAULT, "y", x)), y)


def test_whitespace_and_comments() -> None:
    text = """
    -- a comment on its own line
    [x]a . -- after a token
        <y> .  y   -- trailing
    -- last line"""
    assert parse(text) == parse("[x]a.<y>.y")
    assert parse("x--y") == x
    assert parse("x\t;\r\ny") == Seq(x, y)
    assert parse("[ x ] a . y") == Push(x, "a", y)


def test_a_location_must_follow_on_the_same_line() -> None:
    program = parse_program("f = [x]\na = f\na")
    assert [name for name, _ in program.definitions] == ["f", "a"]
    assert program.definitions[0][1] == Push(x, DEFAULT, SKIP)
    assert parse("[x]a") == Push(x, "a", SKIP)


# -- files with definitions ---------------------------------------------------------------------------


def test_definitions_are_used_by_later_ones() -> None:
    text = """-- combinators
id = <x>.x
twice = <f>.<a>.[[a].f].f
swap = <x>.<y>.[x].[y]
[id].twice ; swap
"""
    program = parse_program(text)
    assert isinstance(program, Program)
    assert [name for name, _ in program.definitions] == ["id", "twice", "swap"]
    assert program.definitions[1][1] == parse("<f>.<a>.[[a].f].f")
    assert program.main == parse("[id].twice ; swap")  # not inlined in the program
    assert program.term() == parse("[<x>.x].<f>.<a>.[[a].f].f ; <x>.<y>.[x].[y]")
    assert parse(text) == program.term()


def test_a_definition_sees_the_earlier_ones() -> None:
    text = "one = [A]out\ntwo = one ; one\nfour = two ; two\nfour"
    assert parse(text) == parse("([A]out ; [A]out) ; ([A]out ; [A]out)")


def test_definitions_respect_binders_and_avoid_capture() -> None:
    # a bound x in the main term is not the defined x; y inside the definition is not captured
    assert parse("x = [y]\n<x>.x ; x") == parse("<w>.w ; [y]")
    assert parse("k = y\n<y>.k") == parse("<v>.y")
    assert parse("k = y\n<y>.k") != parse("<y>.y")


def test_a_definition_is_not_recursive() -> None:
    # the body of f mentions f: that f is free (no recursion), and the later f is the definition
    assert parse("f = [f]\nf") == parse("[f]")


# -- printing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unicode", "ascii"),
    [
        ("*", "⋆", "*"),
        ("[x]a.*", "[x]a", "[x]a"),
        ("\\x y.[x].y", "⟨x⟩.⟨y⟩.[x].y", "<x>.<y>.[x].y"),
        ("x ; y ; z", "x ; y ; z", "x ; y ; z"),
        ("(x ; y) ; z", "(x ; y) ; z", "(x ; y) ; z"),
        ("[(x ; y)]", "[x ; y]", "[x ; y]"),
        ("x.<y>.y", "x.⟨y⟩.y", "x.<y>.y"),
        ("x.y", "x ; y", "x ; y"),
        ("<x>.(x ; y)", "⟨x⟩.(x ; y)", "<x>.(x ; y)"),
        ("((x))", "x", "x"),
        ("in<v>.[v]out", "in⟨v⟩.[v]out", "in<v>.[v]out"),
        ('[1/2].["a\\nb"].[True].[$n]', '[1/2].["a\\nb"].[True].[$n]', '[1/2].["a\\nb"].[True].[$n]'),
    ],
)
def test_printed_forms(text: str, unicode: str, ascii: str) -> None:
    t = parse(text)
    assert to_unicode(t) == pretty(t) == pretty(t, "unicode") == unicode
    assert to_ascii(t) == pretty(t, "ascii") == ascii


def test_printing_keeps_the_users_names() -> None:
    text = "foo<acc>.[acc']out.<n_1>.(acc ; n_1 ; free_var)"
    assert to_ascii(parse(text)) == text
    assert to_unicode(parse("<alpha>.<beta>.[alpha].beta")) == "⟨alpha⟩.⟨beta⟩.[alpha].beta"


@given(fmc_terms(max_depth=5))
def test_unicode_round_trip(t: Term) -> None:
    text = to_unicode(t)
    again = parse(text)
    assert again == t and hash(again) == hash(t)
    assert repr(again) == repr(t)  # the same names: printing keeps them
    assert to_unicode(again) == text


@given(fmc_terms(max_depth=5))
def test_ascii_round_trip(t: Term) -> None:
    text = to_ascii(t)
    assert text.isascii() or any(isinstance(n, Const) for n in _nodes(t))
    again = parse(text)
    assert again == t and repr(again) == repr(t)
    assert to_ascii(again) == text


@given(fmc_terms(max_depth=4, constants=False))
def test_ascii_printing_of_constant_free_terms_is_ascii(t: Term) -> None:
    assert to_ascii(t).isascii()
    assert not any(c in to_unicode(t) for c in "*<>\\")


@given(fmc_terms(max_depth=4))
def test_round_trip_after_renaming_binders(t: Term) -> None:
    renamed = rename_bound(t)
    assert parse(to_unicode(renamed)) == t
    assert parse(to_ascii(renamed)) == t


@given(fmc_terms(max_depth=3), fmc_terms(max_depth=3))
def test_round_trip_through_a_file_with_definitions(d: Term, main: Term) -> None:
    text = f"d = {to_ascii(d)}\n-- the term to run\n[d]out ; {to_unicode(main)}\n"
    program = parse_program(text)
    assert program.definitions[0][0] == "d" and program.definitions[0][1] == d
    assert program.main == Seq(Push(Var("d"), "out", SKIP), main)


@given(fmc_constants())
def test_constants_round_trip(c: Term) -> None:
    assert isinstance(c, Const)
    assert parse(to_ascii(c)) == c and parse(to_unicode(c)) == c
    assert parse_constant(constant_text(c.value)) == c.value
    assert type(parse_constant(constant_text(c.value))) is type(c.value)


@given(constant_values(), fmc_terms(max_depth=2))
def test_constants_as_pushed_values_round_trip(value: object, rest: Term) -> None:
    t = Push(Const(value), "a", Pop("a", "x", Seq(Var("x"), rest)))  # type: ignore[arg-type]
    assert parse(to_ascii(t)) == t
    assert parse(to_unicode(t)) == t


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20))
def test_any_string_constant_round_trips(s: str) -> None:
    text = constant_text(s)
    assert "\n" not in text
    assert parse(text) == Const(s)


def test_parse_constant() -> None:
    assert parse_constant("-7") == sympy.Integer(-7)
    assert parse_constant("6/4") == sympy.Rational(3, 2)
    assert parse_constant('"q"') == "q"
    assert parse_constant("Cons") == Name("Cons")
    assert parse_constant("$s") == sympy.Symbol("s")
    with pytest.raises(ValueError):
        parse_constant("x")


# -- LaTeX -----------------------------------------------------------------------------------------------


@given(fmc_terms(max_depth=5))
def test_latex_prints_every_term(t: Term) -> None:
    text = to_latex(t)
    assert isinstance(text, str) and text
    assert pretty(t, "latex") == text


@given(fmc_terms(max_depth=5, constants=False))
def test_latex_of_constant_free_terms_is_plain_tex(t: Term) -> None:
    text = to_latex(t)
    assert text.isascii()
    assert text.count("{") == text.count("}")
    assert not any(c in text for c in "⋆⟨⟩λ")


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("*", r"\star"),
        ("<x>.x", r"\langle x\rangle.x"),
        ("a<x>.[x]out.[<y>.y ; x]", r"a\langle x\rangle.[x]\mathit{out}.[\langle y\rangle.y \mathbin{;} x]"),
        ("(x ; y) ; z", r"(x \mathbin{;} y) \mathbin{;} z"),
        ("<acc_1>.acc_1", r"\langle \mathit{acc\_1}\rangle.\mathit{acc\_1}"),
        ('[1/2].["s"].[True].[$n].[3]', r'[\tfrac{1}{2}].[\texttt{"s"}].[\mathsf{True}].[n].[3]'),
    ],
)
def test_latex_examples(text: str, latex: str) -> None:
    assert to_latex(parse(text)) == latex


def _nodes(t: Term) -> list[Term]:
    out = [t]
    for a in t.args:
        if isinstance(a, Term):
            out.extend(_nodes(a))
    return out
