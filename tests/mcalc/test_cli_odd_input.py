"""Odd input at the command line (issue 14): a clear error or the right answer, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mcalc.cli_run import run

LIST_PROGRAM = "data List = Nil | Cons(h, t);\nx = input();\nprint(x);\n"


def test_while_input_splits_only_at_top_level_commas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = tmp_path / "list.while"
    program.write_text(LIST_PROGRAM, encoding="utf-8")
    code, out, _ = run(capsys, "while", str(program), "--input", "Cons(1, Cons(2, Nil)),3")
    assert code == 0
    assert "output: [Cons(1, Cons(2, Nil))]" in out


@pytest.mark.parametrize("name", ["out", "in", "exc"])
def test_while_set_of_a_reserved_location_is_bad_input(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "while", "examples/factorial.while", "--set", f"{name}=1")
    assert code == 2 and out == ""
    assert f"--set {name}: '{name}' is reserved" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--set", "n="], "expected an expression"),
        (["--set", "n=1,2"], "expected the end of the value, found ','"),
        (["--set", "=1"], "--set expects x=VALUE"),
        (["--set", "n"], "--set expects x=VALUE"),
        (["--input", "1,"], "--input value 2"),
    ],
)
def test_while_set_and_input_edge_cases(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "while", "examples/factorial.while", *argv)
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message", "shown", "caret"),
    [
        (["--set", "n=1+"], "--set n=1+: expected an expression, found the end of the value", "--set n=1+", 10),
        (["--set", "n=(2"], "--set n=(2: expected ')', found the end of the value", "--set n=(2", 10),
        (["--set", 'n="ab'], '--set n="ab: unterminated string', '--set n="ab', 8),
        (["--set", "n=Foo"], "--set n=Foo: unknown constructor 'Foo'", "--set n=Foo", 8),
        (["--set", "n=y"], "--set n=y: 'y' is not a value (variable y is not assigned)", "--set n=y", 8),
        (["--set", "n=1/0"], "--set n=1/0: '1/0' is not a value (/: division by zero)", "--set n=1/0", 8),
        (["--input", "1,2+,3"], "--input value 2: expected an expression", "--input 1,2+,3", 12),
        (["--input", '"a,b",*'], "--input value 2: expected an expression, found '*'", '--input "a,b",*', 14),
    ],
)
def test_while_bad_values_name_the_option_with_a_caret(
    argv: list[str], message: str, shown: str, caret: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad ``--set``/``--input`` value is shown in the command-line argument, not in the
    synthetic program the value is parsed in (``value = ...;`` after the declarations)."""
    code, out, err = run(capsys, "while", "examples/factorial.while", *argv)
    first, line, pointer = err.rstrip("\n").split("\n")
    assert code == 2 and out == "" and first.startswith(f"mcalc: {message}")
    assert line == f"  | {shown}" and pointer == "  | " + " " * caret + "^"


def test_while_empty_input_is_an_empty_stream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = tmp_path / "list.while"
    program.write_text(LIST_PROGRAM, encoding="utf-8")
    code, out, _ = run(capsys, "while", str(program), "--input", "")
    assert code == 1 and "input exhausted" in out


def test_a_term_that_looks_like_a_path_is_a_term(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "run", "1/2")
    assert code == 0 and "exit 1/2" in out and err == ""


def test_a_directory_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "run", "examples")
    assert code == 2 and "examples is a directory" in err


def test_a_missing_source_file_is_no_such_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "run", "missing.fmc")
    assert code == 2 and "no such file: missing.fmc" in err


# -- integer literals beyond Python's 4,300-digit conversion limit --------------------------------

BIG = "9" * 5000
TOO_BIG = "9" * 100_001


def test_long_literals_are_read_in_every_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "run", f"[{BIG}]")[1].count("9") > 10
    code, out, _ = run(capsys, "run", "[x]", "--stack", f"λ={BIG}", "--json")
    assert code == 0 and BIG in out
    program = tmp_path / "big.while"
    program.write_text(f"x = {BIG};\nprint(x);\n", encoding="utf-8")
    code, out, _ = run(capsys, "while", str(program))
    assert code == 0 and f"output: [{BIG}]" in out
    code, out, _ = run(capsys, "while", str(program), "--set", f"y={BIG}", "--max-output", "20000")
    assert code == 0 and f"y = {BIG}" in out
    clauses = tmp_path / "big.pl"
    clauses.write_text(f"p({BIG}).\n", encoding="utf-8")
    code, out, _ = run(capsys, "prolog", str(clauses), "--query", "p(X)")
    assert code == 0 and f"X = {BIG}." in out
    code, out, _ = run(capsys, "prolog", str(clauses), "--query", f"p({BIG})")
    assert code == 0 and "true." in out


@pytest.mark.parametrize(
    "argv",
    [
        ["run", f"[{TOO_BIG}]"],
        ["run", "[x]", "--stack", f"λ={TOO_BIG}"],
        ["while", "examples/factorial.while", "--set", f"n={TOO_BIG}"],
        ["prolog", "CLAUSES", "--query", f"X = {TOO_BIG}"],
    ],
)
def test_literals_beyond_the_bound_are_positioned_errors(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clauses = tmp_path / "empty.pl"
    clauses.write_text("p.\n", encoding="utf-8")
    code, out, err = run(capsys, *[str(clauses) if a == "CLAUSES" else a for a in argv])
    assert code == 2 and out == ""
    assert "integer literal of 100,001 digits: at most 100,000 digits are read" in err and "^" in err


def test_a_large_result_prints_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    import math

    code, out, _ = run(capsys, "while", "examples/factorial.while", "--set", "n=2000", "--json")
    assert code == 0
    import sys

    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        assert str(math.factorial(2000)) in out
    finally:
        sys.set_int_max_str_digits(limit)
    assert sys.get_int_max_str_digits() == limit  # mcalc restores Python's limit when it returns


@pytest.mark.parametrize("argv", [["run", '["\\u{d800}"]'], ["print", '["\\u{DFFF}"]']])
def test_a_lone_surrogate_escape_is_a_positioned_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "is a surrogate code point, not a character" in err and "^" in err


def test_a_lone_surrogate_in_a_while_string_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = tmp_path / "s.while"
    program.write_text('print("\\u{d800}");\n', encoding="utf-8")
    code, _, err = run(capsys, "while", str(program))
    assert code == 2 and f"{program}:1:8: '\\u{{d800}}' is a surrogate code point" in err


def test_optimize_compares_nothing_when_the_runs_run_out_of_fuel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    program = tmp_path / "loop.while"
    program.write_text("x = 0;\nwhile (True) { x = x + 1; }\n", encoding="utf-8")
    code, out, _ = run(capsys, "optimize", str(program))
    assert code == 1
    assert "not compared: the original and the optimized ran out of fuel" in out and "same result" not in out
    code, out, _ = run(capsys, "optimize", str(program), "--json")
    assert code == 1 and json.loads(out)["same_result"] is None


def test_print_refuses_a_huge_symbolic_constant_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "print", "[$(9**9**9)]")
    assert code == 2 and out == "" and "<term>:1:2: symbolic expression too large" in err


def test_a_bounded_graph_does_not_count_unexpanded_terms_as_normal_forms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    drawing = tmp_path / "g.svg"
    code, out, _ = run(capsys, "reduce", "examples/church.fmc", "--graph", str(drawing))
    assert code == 0 and "(bounded at 200)" in out and "0 normal forms, 113 terms not expanded" in out
    assert "stroke-dasharray" in drawing.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "reduce", "examples/church.fmc", "--graph", str(tmp_path / "g.dot"), "--json")
    graph = json.loads(out)["graph"]
    assert graph["complete"] is False and graph["unexpanded"] == 113 and graph["normal_forms"] == []
