"""The While language: the example programs of docs/control.md, static checks, and the differential test
(reference interpreter = compiled FMC III on the machine) on generated programs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy
from hypothesis import event, given
from hypothesis import strategies as st

from benchmarks.generators import step_bucket
from machine_calculus.calculus.errors import ParseError
from machine_calculus.cli.main import main
from machine_calculus.embeddings.imperative.compiler import compile_program, value_term
from machine_calculus.embeddings.imperative.interpreter import Outcome, interpret
from machine_calculus.embeddings.imperative.parser import parse_while
from machine_calculus.embeddings.imperative.printer import to_source
from machine_calculus.embeddings.imperative.run import initial_memory, outcome_of, run_while, symbolic_paths, term_value
from machine_calculus.embeddings.imperative.strategies import programs, stores, values
from machine_calculus.embeddings.imperative.syntax import Data, Program, Value
from machine_calculus.machine.fmc import fast, small_step
from machine_calculus.machine.fmc.primitives import digit_budget

EXAMPLES = Path(__file__).parents[2] / "examples"
x = sympy.Symbol("x")


def both(text: str, store: dict[str, Value] | None = None, inputs: list[Value] | None = None) -> Outcome:
    """Run on the machine and the reference interpreter; they must agree."""
    program = parse_while(text)
    machine, reference = run_while(program, store, inputs or []), interpret(program, store, inputs or [])
    assert machine.key() == reference.key()
    return machine


@pytest.mark.parametrize(("n", "expected"), [(10, 3628800), (0, 1), (1, 1), (20, 2432902008176640000)])
def test_factorial(n: int, expected: int) -> None:
    r = both((EXAMPLES / "factorial.while").read_text(), {"n": sympy.Integer(n)})
    assert r.outcome == "normal" and r.output == [expected]


def test_gcd() -> None:
    assert both((EXAMPLES / "gcd.while").read_text()).output == [21]


def test_found_escapes_the_loop() -> None:
    r = both((EXAMPLES / "found.while").read_text())
    assert r.output == [8] and r.store["v"] == 8


def test_break_and_continue() -> None:
    r = both("i = 0; while (True) { i = i + 1; if (i == 5) { break; } } print(i);")
    assert r.output == [5]
    r = both("i = 0; s = 0; while (i < 10) { i = i + 1; if (i % 2 == 0) { continue; } s = s + i; } print(s);")
    assert r.output == [25]  # 1 + 3 + 5 + 7 + 9


def test_list_sum_with_data_and_match() -> None:
    r = both((EXAMPLES / "list_sum.while").read_text())
    assert r.output == [55] and r.store["xs"] == Data("Nil")


def test_uncaught_exception_after_output() -> None:
    r = both((EXAMPLES / "overflow.while").read_text())
    assert (r.outcome, r.exception, r.payload, r.output) == ("exception", "Overflow", None, [1, 2])


def test_exception_with_payload_and_nested_handlers() -> None:
    r = both(
        "data List = Nil | Cons(h, t);\n"
        "try { try { throw A(1); } catch B { print(0); } } catch A(v) { print(v + 1); } throw C(Cons(v + 1, Nil));"
    )
    assert r.output == [2] and (r.exception, r.payload) == ("C", Data("Cons", (2, Data("Nil"))))
    assert r.store["v"] == 1


def test_symbolic_inputs() -> None:
    (only,) = symbolic_paths(parse_while("y = x * x + 1;"), {"x": x})
    assert only[0] is sympy.true and only[1].store["y"] == x**2 + 1
    paths = symbolic_paths(parse_while((EXAMPLES / "symbolic.while").read_text()), {"x": x})
    assert [(c, o.output) for c, o in paths] == [(x**2 + 1 > 10, ["big"]), (x**2 + 1 <= 10, ["small"])]


RUN_TIME_ERRORS = [
    ("print(y);", "variable y is not assigned"),
    ("try { throw E; } catch E(v) { print(1); print(v); }", "variable v is not assigned"),
    ("v = 1; try { throw E; } catch E(v) { skip; } print(v);", "variable v is not assigned"),
    ("print(1 + True);", "+: type mismatch on 1 and True"),
    ("print(1 + Cons(1, Nil));", "+: type mismatch on 1 and Cons(1, Nil)"),
    ('print("a" < "b");', '<: type mismatch on "a" and "b"'),
    ("print(-Nil);", "-: type mismatch on 0 and Nil"),
    ("print(1 / 0);", "/: division by zero"),
    ("print(7 % (2 - 2));", "%: division by zero"),
    ("print(1/2 % 1);", "%: needs integers, not 1/2 and 1"),
    ("print(input());", "input exhausted"),
    ("if (1) { skip; }", "if: 1 is not a Boolean"),
    ('while ("s") { skip; }', 'while: "s" is not a Boolean'),
    ("print(Nil and True);", "and: Nil is not a Boolean"),
    ("print(False or Cons(2, Nil));", "or: Cons(2, Nil) is not a Boolean"),
    ("print(not 3);", "not: 3 is not a Boolean"),
    ("print(Cons(1, Nil) == Nil);", "==: Cons(1, Nil) is not a constant"),
    ("print(Nil != Cons(1, Nil));", "!=: Cons(1, Nil) is not a constant"),
    ("match 3 { Nil => { skip; } }", "match: no arm for 3"),
    ("match Cons(1, Nil) { Nil => { skip; } }", "match: no arm for Cons(1, Nil)"),
]


@pytest.mark.parametrize(("text", "error"), RUN_TIME_ERRORS)
def test_run_time_errors_are_the_same_from_both(text: str, error: str) -> None:
    """The machine's stuck run is read back into the interpreter's words, naming the While value."""
    r = both("data List = Nil | Cons(h, t);\n" + text)
    assert (r.outcome, r.error) == ("error", error)


@pytest.mark.parametrize(("text", "error"), RUN_TIME_ERRORS[::4])
def test_run_time_errors_are_the_same_on_the_command_line(
    text: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    program = "data List = Nil | Cons(h, t);\n" + text
    for flags in ([], ["--json"]):
        printed = []
        for engine in ([], ["--reference"]):
            assert main(["while", program, *flags, *engine]) == 1
            printed.append(capsys.readouterr().out)
        assert printed[0] == printed[1]
        assert (json.loads(printed[0])["error"] if flags else printed[0]) == error if flags else error in printed[0]


def test_an_uncaught_exception_keeps_its_payload_or_none() -> None:
    r = both("data List = Nil | Cons(h, t);\ntry { throw A(Cons(1, Nil)); } catch B { skip; }")
    assert (r.outcome, r.exception, r.payload) == ("exception", "A", Data("Cons", (1, Data("Nil"))))
    r = both("try { throw A; } catch B(x) { skip; }")
    assert (r.outcome, r.exception, r.payload) == ("exception", "A", None)


def test_fuel_exhaustion_is_an_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    program = parse_while("while (True) { skip; }")
    assert run_while(program, fuel=1000).error == interpret(program, fuel=1000).error == "out of fuel"
    for engine in ([], ["--reference"]):
        assert main(["while", "while (True) { skip; }", "--fuel", "1000", "--json", *engine]) == 1
        assert json.loads(capsys.readouterr().out)["error"] == "out of fuel"


GROWING = "x = 10; while (True) { x = x * x; }"


def test_the_digit_budget_stops_both_with_the_same_message(capsys: pytest.CaptureFixture[str]) -> None:
    program = parse_while(GROWING)
    with digit_budget(50):
        r = both(GROWING)
        assert interpret(program, fuel=10_000).error == r.error
    assert r.error == "integer too large: the result of * has about 65 digits (over 50; --max-digits N)"
    assert r.store == {"x": 10**32}
    printed = []
    for engine in ([], ["--reference"]):
        assert main(["while", GROWING, "--max-digits", "50", "--json", *engine]) == 1
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1] and json.loads(printed[0])["error"] == r.error


def test_the_digit_budget_bounds_symbolic_arithmetic(capsys: pytest.CaptureFixture[str]) -> None:
    """``y = 2 * x`` squared in a loop doubles its coefficient's digits: the budget stops it too."""
    program = parse_while("y = 2 * x; while (True) { y = y * y; }")
    with digit_budget(50):
        (only,) = symbolic_paths(program, {"x": x})
    assert only[1].error == "integer too large: the result of * has about 78 digits (over 50; --max-digits N)"
    assert only[1].store["y"] == 2**128 * x**128
    with digit_budget(50):
        assert interpret(program, {"x": x}).error == only[1].error
    assert main(["while", "y = 2 * x; while (True) { y = y * y; }", "--set", "x=$x", "--max-digits", "50"]) == 1
    assert "integer too large" in capsys.readouterr().out


def test_rationals_are_exact() -> None:
    assert both("print(1/2 + 1/3); print(7 % 3); print(-7 % 3);").output == [
        sympy.Rational(5, 6),
        1,
        2,
    ]


def test_input_stream() -> None:
    assert both("print(input() - input());", inputs=[sympy.Integer(5), sympy.Integer(2)]).output == [3]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("break;", 1, 1, "'break' outside a loop"),
        ("x = Foo;", 1, 5, "unknown constructor 'Foo'"),
        ("data L = Nil | Cons(h, t);\nx = Cons(1);", 2, 5, "Cons has 2 fields, not 1"),
        ("data L = Nil | Nil;", 1, 16, "declared twice"),
        ("data L = Nil;\nmatch 1 { _ => { skip; } Nil => { skip; } }", 2, 26, "must come last"),
        ("try { skip; } catch A { skip; } catch A { skip; }", 1, 39, "caught twice"),
        ("out = 1;", 1, 1, "'out' is reserved"),
        ("x = 1 < 2 < 3;", 1, 11, "do not chain"),
        ("x = " + "(" * 150 + "1" + ")" * 150 + ";", 1, 4 + 101, "nested more than 100 deep"),
        ("x = 1", 1, 6, "expected ';'"),
    ],
)
def test_parse_errors(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_while(text)
    assert (info.value.line, info.value.column) == (line, column) and message in info.value.message


def test_values_round_trip_through_terms() -> None:
    for v in (sympy.Integer(3), sympy.Rational(1, 2), "s", True, Data("Cons", (1, Data("Nil"))), x + 1):
        assert term_value(value_term(v)) == v


@given(programs(), stores(), st.lists(values(), max_size=3))
def test_machine_agrees_with_the_reference_interpreter(
    program: Program, store: dict[str, Value], inputs: list[Value]
) -> None:
    """The translation's theorem: same outcome, exception and payload, store and output."""
    text = to_source(program)
    parsed = parse_while(text)
    assert to_source(parsed) == text
    outcome = run_while(parsed, store, inputs)
    event(f"outcome: {outcome.outcome}")
    event(f"top-level statements: {min(len(program.body), 10)}{'+' if len(program.body) >= 10 else ''}")
    assert outcome.key() == interpret(parsed, store, inputs).key()


@given(programs(depth=2), stores())
def test_small_step_machine_agrees_with_the_fast_run(program: Program, store: dict[str, Value]) -> None:
    from machine_calculus.embeddings.imperative.run import initial_memory

    term, memory = compile_program(program), initial_memory(program, store)
    result = small_step.run(term, memory, 200_000)
    event(f"steps: {step_bucket(result.steps)}")
    assert result == fast.run(term, memory, 200_000)


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["while", str(EXAMPLES / "factorial.while"), "--set", "n=10", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "outcome": "normal",
        "exception": None,
        "payload": None,
        "error": None,
        "store": {"f": 3628800, "n": 0},
        "output": [3628800],
    }
    assert main(["while", str(EXAMPLES / "overflow.while"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["exception"] == "Overflow"
    assert main(["while", "print(y);", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"] == "variable y is not assigned"
    assert main(["while", str(EXAMPLES / "symbolic.while"), "--set", "x=$x", "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)["paths"]
    assert [(p["condition"], p["output"]) for p in paths] == [("x**2 + 1 > 10", ["big"]), ("x**2 + 1 <= 10", ["small"])]
    assert main(["while", "x = 1 +;"]) == 2
    assert "1:8" in capsys.readouterr().err
    assert main(["while", "print(x);", "--set", "x"]) == 2
    assert "--set expects" in capsys.readouterr().err
    assert main(["while", "print(x);", "--set", "x=Cons(1, Nil)"]) == 2
    assert main(["while", "data L = Nil | Cons(h, t);\nprint(x);", "--set", "x=Cons(1, Nil)"]) == 0
    assert "Cons(1, Nil)" in capsys.readouterr().out


def test_a_surrogate_escape_is_refused_with_its_position() -> None:
    from machine_calculus.calculus.errors import ParseError as PositionedError
    from machine_calculus.embeddings.imperative.parser import parse_while as read_while

    with pytest.raises(PositionedError, match="surrogate") as caught:
        read_while('x = 1;\nprint("a\\u{dbff}");\n')
    assert (caught.value.line, caught.value.column) == (2, 9)
    assert read_while('print("\\u{e000}\\u{10ffff}");\n')


@pytest.mark.parametrize("n", [5, -3, 1, 7])
def test_unary_minus_negates_on_the_machine(n: int) -> None:
    """``-a`` is ``0 - a`` (not ``a - 0``): nonzero values tell the two apart, on both machines."""
    program = parse_while("b = -a; print(b); print(-(-a)); print(1 - -a);")
    store = {"a": sympy.Integer(n)}
    assert run_while(program, store, []).output == [-n, n, 1 + n]
    term, memory = compile_program(program), initial_memory(program, store, [])
    assert outcome_of(program, small_step.run(term, memory), store).output == [-n, n, 1 + n]
    assert interpret(program, store, []).output == [-n, n, 1 + n]


def _deep_list(n: int) -> Data:
    out = Data("Nil")
    for i in range(n):
        out = Data("Cons", (sympy.Integer(i), out))
    return out


def test_deep_values_compare_hash_and_become_terms() -> None:
    """A 100,000-element list compares and hashes; a 20,000-element one (far past Python's
    recursion limit, and quicker to run) becomes a term and back, and runs from the store."""
    a, b = _deep_list(100_000), _deep_list(100_000)
    assert a == b and hash(a) == hash(b) and {a: 1}[b] == 1
    assert a != _deep_list(99_999)  # unequal at the bottom
    assert Data("Cons", ("1", Data("Nil"))) != Data("Cons", (sympy.Integer(1), Data("Nil")))
    a, b = _deep_list(20_000), _deep_list(20_000)
    assert term_value(value_term(a)) == a
    program = parse_while("data List = Nil | Cons(h, t);\nys = xs; match ys { Cons(h, t) => { print(h); } }")
    r = both(to_source(program), {"xs": a})
    assert r.output == [19_999] and r.store["ys"] == b


def test_deep_lists_built_by_a_program_through_both(capsys: pytest.CaptureFixture[str]) -> None:
    """Two lists built by a loop and compared: the same error from both, the value cut in it."""
    text = (
        "data List = Nil | Cons(h, t);\nxs = Nil; ys = Nil; i = 0;\n"
        "while (i < 3000) { xs = Cons(i, xs); ys = Cons(i, ys); i = i + 1; }\nprint(xs == ys);"
    )
    r = both(text)
    assert r.error is not None and r.error.startswith("==: Cons(2999, Cons(2998, ")
    assert r.error.endswith("… is not a constant") and len(r.error) < 250
    printed = []
    for engine in ([], ["--reference"]):
        assert main(["while", text, "--json", *engine]) == 1
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1] and json.loads(printed[0])["error"] == r.error


def test_and_or_short_circuit() -> None:
    """``a or b`` is true when a is, without evaluating b; ``a and b`` is false when a is false,
    likewise; otherwise each is b (so ``1 / 0`` on the right is never reached)."""
    r = both(
        "print(1 < 2 or 1 / 0 == 0); print(2 < 1 and 1 / 0 == 0); print(2 < 1 or 1 < 2);"
        " print(2 < 1 or 2 < 1); print(1 < 2 and 2 < 1); print(1 < 2 and 1 < 2);"
    )
    assert r.outcome == "normal" and r.output == [True, False, True, False, False, True]
