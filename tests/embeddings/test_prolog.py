"""Pure Prolog on the relational machine against SWI-Prolog's answers (stored fixtures: see
prolog/make_fixtures.py): the same answers in the same order in Prolog order, the same answers
in the fair order, and the fair order's answers where depth-first search loops; unsupported
features and bad syntax refused with their line; deep input."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prolog_answers import assert_answers_agree

from machine_calculus.calculus.errors import ParseError, Position
from machine_calculus.calculus.rmc.firstorder import fn
from machine_calculus.calculus.rmc.syntax import New, Pop, Push, Seq
from machine_calculus.embeddings.prolog.compiler import UnsupportedFeature, compile_query, parse_program, parse_query
from machine_calculus.embeddings.prolog.printer import atom_text, prolog_text
from machine_calculus.embeddings.prolog.reader import read_term
from machine_calculus.embeddings.prolog.run import solve_prolog

HERE = Path(__file__).resolve().parent / "prolog"
FIXTURES: list[dict[str, Any]] = json.loads((HERE / "fixtures.json").read_text(encoding="utf-8"))["fixtures"]
CASES = [(f, order) for f in FIXTURES for order in f.get("orders", ["prolog", "fair"])]


def program(name: str):
    return parse_program((HERE.parents[2] / "examples" / "prolog" / name).read_text(encoding="utf-8"), source=name)


@pytest.mark.parametrize(("fixture", "order"), CASES, ids=[f"{f['query']} [{o}]" for f, o in CASES])
def test_answers_agree_with_swi_prolog(fixture: dict[str, Any], order: str) -> None:
    prog, query = program(fixture["program"]), parse_query(fixture["query"])
    limit = fixture.get("limit")
    cover = fixture.get("compare") == "cover"  # SWI-Prolog tabled: the set the fair stream must reach
    result = assert_answers_agree(prog, query, order, fixture["answers"], limit=limit, cover=cover, fuel=2_000_000)
    if result is None:
        return
    if limit is None:
        assert result.exhausted


def test_the_corpus_is_large_enough() -> None:
    assert len({f["query"] for f in FIXTURES}) >= 30
    assert {f["program"] for f in FIXTURES} >= {"family.pl", "lists.pl", "peano.pl", "queens.pl", "graph.pl"}


def test_depth_first_loops_where_the_fair_order_answers() -> None:
    prog, query = program("graph.pl"), parse_query("path_l(a, X)")
    stuck = solve_prolog(prog, query, order="prolog", limit=1, fuel=20_000)
    assert stuck.answers == () and stuck.out_of_fuel
    fair = solve_prolog(prog, query, order="fair", fuel=20_000)
    assert sorted(a["X"] for a in fair.answers) == ["b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("text", "feature", "line"),
    [
        ("p :- q, !.\nq.", "cut (!)", 1),
        ("p.\np(X) :- \\+ q(X).", "negation as failure (\\+)", 2),
        ("p(X) :- X is 1 + 2.", "arithmetic (is/2; use Peano numbers)", 1),
        ("p :- assert(q).", "assert/1 (database update)", 1),
        ("p :- write(hello), nl.", "I/O (write/1)", 1),
        ("p(X) :- ( X = a -> true ; fail ).", "if-then-else (->)", 1),
        ("\n\n:- dynamic(q/1).", "the directive ':- dynamic/1'", 3),
        ("s --> [a].", "a DCG rule (-->)", 1),
        ("p(X) :- call(X).", "call/N (meta-call)", 1),
        ("p(X) :- X.", "a variable as a goal (call/1)", 1),
        ("p.\nX :- p.", "a variable as a clause head", 2),
        ("true.", "redefining the control construct true/0", 1),
        ("p.\n(a ; b).", "redefining the control construct ;/2", 2),
        ("X = Y :- true.", "redefining the control construct =/2", 1),
        ("!.", "redefining !/0", 1),
    ],
)
def test_unsupported_features_are_named_with_their_line(text: str, feature: str, line: int) -> None:
    with pytest.raises(UnsupportedFeature) as caught:
        parse_program(text)
    assert f"{feature} is not supported" in str(caught.value)
    line_start = sum(len(previous) + 1 for previous in text.split("\n")[: line - 1])
    assert caught.value.position == Position(line, 1, line_start)  # the clause's line, from its start


def test_syntax_errors_show_the_place() -> None:
    with pytest.raises(ParseError) as caught:
        parse_program("p(a).\nq(X :- r.\n")
    assert "<program>:2:5" in str(caught.value) and "^" in str(caught.value)
    for bad in ("p(a)", "p(", "'unterminated", "p :- .", "/* open", "X = [1 | 2 | 3]."):
        with pytest.raises(ParseError):
            parse_program(bad)
    with pytest.raises(UnsupportedFeature) as refused:
        parse_query("member(X, L), !")
    # a query is one line: the refusal points at its start
    assert (refused.value.message, refused.value.position) == (
        "cut (!) is not supported (pure Prolog only)",
        Position(1, 1, 0),
    )


def test_printing_follows_swi_prolog() -> None:
    cases = {  # what SWI-Prolog 9 writes with quoted(true), numbervars(true), spacing(next_argument)
        "[1, 2|T]": "[1, 2|T]",
        "[a|b]": "[a|b]",
        "'hello world'": "'hello world'",
        "f('A', [], 'it''s')": "f('A', [], 'it\\'s')",
        "1 + 2 * 3": "1+2*3",
        "(1 + 2) * 3": "(1+2)*3",
        "a - (b - c)": "a-(b-c)",
        "(a :- b, c)": "a:-b, c",
        "f((a, b))": "f((a, b))",
        "f((a :- b))": "f((a:-b))",
        "(a ; b)": "a;b",
        "- 1": "- 1",
        "-1": "-1",
        "-(a)": "-a",
        "-(-(1))": "- - 1",
        "-(-(a))": "- -a",
        "1 - (-1)": "1- -1",
        "a = (\\+ b)": "a=(\\+b)",
        "\\+ (a, b)": "\\+ (a, b)",
        "f(-)": "f(-)",
        "- (-)": "- (-)",
        "f(;)": "f(;)",
        "X mod Y": "X mod Y",
        "(/) < 0": "(/)<0",
        "a + (+)": "a+(+)",
        "(-) - (-)": "(-)-(-)",
        "(a :- (-))": "a:-(-)",
        "(mod) + 1": "(mod)+1",
        "[(:-)]": "[:-]",
        "'1'": "'1'",
        "f('1', '2.5', 1)": "f('1', '2.5', 1)",
    }
    for source, shown in cases.items():
        assert prolog_text(read_term(source)[0]) == shown, source
    assert atom_text(",") == "','" and atom_text("[]") == "[]" and atom_text("=..") == "=.."


def test_deep_input() -> None:
    n = 100_000
    items = ", ".join(["a"] * n)
    term, _ = read_term(f"[{items}]")
    assert prolog_text(term).count("a") == n
    nested, _ = read_term("f(" * n + "x" + ")" * n)
    assert prolog_text(nested).count("f(") == n
    result = solve_prolog("len([], 0).\nlen([_|T], s(N)) :- len(T, N).", f"len([{', '.join(['a'] * 2_000)}], N)")
    assert result.answers[0]["N"].count("s(") == 2_000


def test_compiled_term_is_an_rmc_term_with_a_goal_stack() -> None:
    from machine_calculus.calculus.rmc.printer import rmc_text

    term = compile_query(parse_program("p(a).\np(X) :- q(X).\nq(b)."), parse_query("p(Y)"))
    text = rmc_text(term, "ascii")
    assert "g<p(a)>" in text and "[q(X)]g" in text and "*" in text and "g<$end>" in text


def test_a_clause_is_one_resolution_step() -> None:
    """``clause_term(H, B)`` = ``new Y1 ... Ym. (g⟨H⟩ ; push(B))`` with push(B1, B2) = push(B2) ;
    push(B1) (the first goal pushed last, on top) and push(G) = [G]g; a fact pushes nothing."""
    from machine_calculus.calculus.rmc.printer import rmc_text
    from machine_calculus.embeddings.prolog.compiler import clause_term

    head, body = read_term("p(X)")[0], read_term("q(X, Y), r")[0]
    assert rmc_text(clause_term(head, body), "ascii") == rmc_text(
        New(
            "X",
            New(
                "Y",
                Seq(
                    Pop("g", head),
                    Seq(Push(fn("r"), "g"), Push(read_term("q(X, Y)")[0], "g")),
                ),
            ),
        ),
        "ascii",
    )
    assert clause_term(head, fn("true")) == New("X", Pop("g", head))


def test_fail_and_false_are_the_rmc_failure() -> None:
    """push(fail) = push(false) = 0: no goal is pushed for them (docs/prolog.md)."""
    from machine_calculus.calculus.rmc.syntax import FAIL
    from machine_calculus.embeddings.prolog.compiler import clause_term

    head = read_term("p")[0]
    for goal in ("fail", "false"):
        assert clause_term(head, fn(goal)) == Seq(Pop("g", head), FAIL)


def test_the_answer_term_holds_the_query_variables() -> None:
    """compile_query pushes ``answer(X1, ..., Xn)`` on ``ans``; the answer shows it bound."""
    from machine_calculus.machine.rmc.small_step import solve

    term = compile_query(parse_program("p(a, b)."), parse_query("p(X, Y)"))
    assert [a.texts()["ans"] for a in solve(term)] == [["answer(a, b)"]]


def test_numbers_the_reader_once_got_wrong() -> None:
    assert read_term("0'a")[0] == read_term("97")[0]
    assert prolog_text(read_term("f(0'a, 0' )")[0]) == "f(97, 32)"
    with pytest.raises(ParseError, match="float overflow") as caught:
        read_term("X = 1.0e400")
    assert caught.value.column == 5
    big = "9" * 5000
    assert prolog_text(read_term(big)[0]) == big


def test_a_quoted_atom_that_looks_like_a_number_is_not_the_number() -> None:
    assert read_term("'1'")[0] != read_term("1")[0]
    assert solve_prolog(parse_program("p."), parse_query("'1' = 1")).answers == ()


@given(st.floats(allow_nan=False))
def test_floats_print_as_swi_prolog_writes_them_and_read_back(value: float) -> None:
    """float_text writes the shortest digits that read back, with a point and a digit after it
    (SWI-Prolog's form: 1.0e+16, 1.5e-7, 1.0Inf): reading the text gives the same float."""
    from machine_calculus.embeddings.prolog.reader import float_text

    text = float_text(value)
    assert "." in text and not text.endswith(".")
    (read,) = solve_prolog(parse_program("p."), parse_query(f"X = {text}")).answers
    assert read == {"X": text}
    term, _ = read_term(text)
    assert prolog_text(term) == text
    if math.isfinite(value):
        assert float(text.replace("Inf", "inf")) == value


def test_character_codes_and_radix_integers_as_swi_prolog_reads_them() -> None:
    cases = {"0'a": 97, "0''": 39, "0'''": 39, "0'\\n": 10, "0'\\\\": 92, "0' ": 32, "0'\\x41\\": 65, "0'\\101\\": 65}
    cases |= {"0x1F": 31, "0o17": 15, "0b101": 5, "1_000_000": 1_000_000}
    for source, code in cases.items():
        assert read_term(source)[0] == read_term(str(code))[0], source
    with pytest.raises(ParseError, match="unknown escape"):
        read_term("0'\\q")
