"""Malformed input: a ParseError naming the line and column, showing the line with a caret under it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.errors import ParseError, Position
from machine_calculus.calculus.fmc.parser import parse, parse_program
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import Term
from machine_calculus.calculus.strategies import fmc_terms


def check_rendering(error: ParseError, text: str, line: int, column: int, source: str = "<input>") -> None:
    """``str(error)``: ``source:line:column: message``, then the line, then a caret under the column."""
    rendered = str(error).split("\n")
    assert rendered[0] == f"{source}:{line}:{column}: {error.message}"
    source_line = text.split("\n")[line - 1]
    gutter = f"{line} | "
    assert rendered[1] == gutter + source_line
    caret_line = rendered[2]
    assert caret_line.strip(" |") == "^"
    assert caret_line.index("^") == len(gutter) + column - 1
    assert caret_line.rstrip("^ ").endswith("|")
    assert len(rendered) == 3


def parse_error(text: str, source: str = "<input>") -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(text, source)
    error = info.value
    assert isinstance(error, ValueError)  # callers may catch ValueError
    return error


# (text, line, column, the character under the caret or "" at the end of input, words in the message)
MALFORMED = [
    ("[x", 1, 3, "", "expected ']'"),
    ("(x", 1, 3, "", "expected ')'"),
    ("x)", 1, 2, ")", "unexpected ')'"),
    ("[x]]", 1, 4, "]", "unexpected ']'"),
    ("[x)", 1, 3, ")", "expected ']'"),
    ("(x]", 1, 3, "]", "expected ')'"),
    ("[[x]", 1, 5, "", "expected ']'"),
    ("]", 1, 1, "]", "expected a term"),
    (")", 1, 1, ")", "expected a term"),
    ("x # y", 1, 3, "#", "unexpected character '#'"),
    ("@", 1, 1, "@", "unexpected character '@'"),
    ("<x>.x ; @", 1, 9, "@", "unexpected character '@'"),
    ("x !", 1, 3, "!", "unexpected character '!'"),
    ("", 1, 1, "", "empty input"),
    ("   ", 1, 4, "", "empty input"),
    ("-- only a comment", 1, 18, "", "empty input"),
    ("<>.x", 1, 2, ">", "expected a variable"),
    ("a<.x", 1, 3, ".", "expected a variable"),
    ("a⟨⟩.x", 1, 3, "⟩", "expected a variable"),
    ("<X>.x", 1, 2, "X", "expected a variable"),
    ("<x.x", 1, 3, ".", "expected '>'"),
    ("\\.x", 1, 2, ".", "expected a variable"),
    ("λx y x", 1, 7, "", "expected '.'"),
    ('"\\q"', 1, 2, "\\", "unknown escape '\\q'"),
    ('x ; "ab\\zc"', 1, 8, "\\", "unknown escape"),
    ('"abc', 1, 1, '"', "unterminated string"),
    ('x ; "abc\ny"', 1, 5, '"', "unterminated string"),
    ("1/0", 1, 1, "1", "zero denominator"),
    ("x ;", 1, 4, "", "expected a term"),
    ("x ; ; y", 1, 5, ";", "expected a term"),
    ("x y", 1, 3, "y", "unexpected 'y'"),
    ("[x].", 1, 5, "", "expected a term"),
    ("f = x", 1, 6, "", "expected the term to run"),
    ("f = x\ng = f\n", 3, 1, "", "expected the term to run"),
    ("f =", 1, 4, "", "expected a term after 'f ='"),
    ("F = x\nF", 1, 1, "F", "lowercase"),
    ("f = x\nf = y\nf", 2, 1, "f", "defined twice"),
    ("x\nf = y", 2, 1, "f", "must come before the term to run"),
]


@pytest.mark.parametrize(("text", "line", "column", "under", "words"), MALFORMED, ids=[repr(m[0]) for m in MALFORMED])
def test_malformed_input(text: str, line: int, column: int, under: str, words: str) -> None:
    error = parse_error(text)
    assert (error.line, error.column) == (line, column)
    assert error.position == Position(line, column, error.position.offset)
    assert words in error.message
    check_rendering(error, text, line, column)
    source_line = text.split("\n")[line - 1]
    assert source_line[column - 1 : column] == under
    # the offset is the same place as line and column
    lines = text.split("\n")
    assert error.position.offset == sum(len(s) + 1 for s in lines[: line - 1]) + column - 1


def test_unbalanced_bracket_names_where_it_was_opened() -> None:
    text = "[x ;\n  y ;\n  z"
    error = parse_error(text)
    assert (error.line, error.column) == (3, 4)
    assert "'[' at 1:1" in error.message
    check_rendering(error, text, 3, 4)


def test_error_on_a_later_line_of_a_file() -> None:
    text = """-- a program
id = <x>.x
swap = <x>.<y>.[x].[y]
[id].(swap ; @)
"""
    error = parse_error(text, "prog.fmc")
    assert (error.line, error.column, error.source) == (4, 14, "prog.fmc")
    assert str(error).startswith("prog.fmc:4:14: unexpected character '@'")
    assert "4 | [id].(swap ; @)" in str(error)
    check_rendering(error, text, 4, 14, "prog.fmc")


def test_error_in_a_definition_body() -> None:
    text = "one = [A]out\ntwo = one ; (one\nthree = two\nthree"
    error = parse_error(text)
    assert (error.line, error.column) == (3, 1)  # 'three' cannot continue '(one'
    assert "expected ')'" in error.message and "'(' at 2:13" in error.message and "'three'" in error.message
    check_rendering(error, text, 3, 1)


def test_columns_count_characters_not_bytes() -> None:
    text = "λx.⟨y⟩.[x]a.⋆ ; #"
    error = parse_error(text)
    assert (error.line, error.column) == (1, 17)
    check_rendering(error, text, 1, 17)


def test_comment_only_file_points_at_the_end() -> None:
    text = "-- nothing\n-- to run\n"
    error = parse_error(text)
    assert (error.line, error.column) == (3, 1)
    assert "empty input" in error.message
    check_rendering(error, text, 3, 1)


def test_errors_from_parse_program_too() -> None:
    with pytest.raises(ParseError) as info:
        parse_program("f = [x\nf", "defs.fmc")
    assert info.value.source == "defs.fmc"
    assert (info.value.line, info.value.column) == (2, 1)


def test_a_very_long_line_is_shown_around_the_column() -> None:
    text = "x ; " * 200 + "#" + " ; x" * 200
    error = parse_error(text)
    assert error.column == 801
    rendered = str(error).split("\n")
    assert len(rendered[1]) < 250  # a window, not the whole line
    caret = rendered[2].index("^")
    assert rendered[1][caret] == "#"


@given(fmc_terms(max_depth=4), st.sampled_from(["#", "@", "!", "?", "&", "`"]), st.data())
def test_a_stray_character_anywhere_is_found(t: Term, bad: str, data: st.DataObject) -> None:
    """Insert a character that starts no token outside string literals: the error points at it."""
    text = to_ascii(t)
    # not inside a string literal, nor splitting '-1', '1/2' or '$n' (their first half is an error)
    outside = [i for i in range(len(text) + 1) if not _inside_string(text, i) and text[i - 1 : i] not in "-/$"]
    i = data.draw(st.sampled_from(outside))
    broken = text[:i] + bad + text[i:]
    error = parse_error(broken)
    assert (error.line, error.column) == (1, i + 1)
    assert repr(bad) in error.message
    check_rendering(error, broken, 1, i + 1)


def _inside_string(text: str, i: int) -> bool:
    """Is position i strictly inside a string literal (so an inserted character would be text)?"""
    inside, k = False, 0
    while k < i:
        ch = text[k]
        if inside and ch == "\\":
            k += 2
            if k > i:
                return True
            continue
        if ch == '"':
            inside = not inside
        k += 1
    return inside
