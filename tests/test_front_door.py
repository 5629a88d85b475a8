"""The front door ``import machine_calculus as mc``: each function is the package function it
stands for, texts are read in the right calculus, and importing it stays cheap."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import machine_calculus as mc
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.types import TypingError
from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc
from machine_calculus.embeddings.prolog.run import solve_prolog
from machine_calculus.machine.fmc import fast, small_step
from machine_calculus.machine.rmc import small_step as relational
from machine_calculus.rewriting.engine import normal_form
from machine_calculus.rewriting.rmc_rules import RMC
from machine_calculus.rewriting.rules import FMC, FMC3

ROOT = Path(__file__).resolve().parent.parent


def test_the_docstring_examples_hold() -> None:
    failures, tried = doctest.testmod(mc)
    assert tried >= 6 and failures == 0


def test_every_public_name_is_documented() -> None:
    assert set(mc.__all__) >= {
        "parse", "parse_rmc", "run", "trace", "infer", "solve", "prolog", "run_while", "reduce",
        "graph", "equal", "optimize", "confluence", "__version__",
    }  # fmt: skip
    for name in mc.__all__:
        if name != "__version__":
            assert getattr(mc, name).__doc__, name
    assert mc.__version__.count(".") == 2


def test_run_is_the_fast_run_on_parsed_text_and_memories() -> None:
    term = "in<x>.in<y>.[y]out.[x]out"
    memory = {"in": (parse("2"), parse("1"))}
    assert mc.run(term, {"in": ["2", "1"]}) == fast.run(parse(term), memory)
    assert mc.run(parse(term), memory, fuel=2).status == "out_of_fuel"
    assert mc.run("[A]", {"λ": "B"}).stack() == (parse("B"), parse("A"))  # a string is one item


def test_trace_is_the_small_step_machine() -> None:
    store = (ROOT / "examples" / "store.fmc").read_text(encoding="utf-8")
    expected = small_step.run_traced(parse(store), {"c": (parse("5"),)})
    got = mc.trace(store, {"c": ["5"]})
    assert got.rules() == expected.rules() and got.result == expected.result
    with pytest.raises(ValueError, match="branch"):
        mc.trace("[A]", path=(0,))


def test_trace_of_an_rmc_term_follows_the_first_answer_or_a_given_branch() -> None:
    term = parse_rmc("([a] + [b]) ; <b>")
    first = relational.solve(term, limit=1)[0]
    assert mc.trace(term).rules() == relational.trace(term, path=first.path).rules()
    assert mc.trace(term, path=(0,)).status != "answer"  # the left branch pushes a and fails


def test_infer_types_text_and_reports_clashes() -> None:
    assert str(mc.infer("<x>.<y>.[x].[y]")) == "λ(t u) ⇒ λ(u t)"
    with pytest.raises(TypingError):
        mc.infer("<x>.[x].x")


def test_solve_reads_rmc_text_and_first_order_memories() -> None:
    split = (ROOT / "examples" / "split.rmc").read_text(encoding="utf-8")
    expected = relational.solve(parse_rmc(split), {"λ": (parse_first_order("s(s(z))"),)})
    got = mc.solve(split, {"λ": ["s(s(z))"]})
    assert [a.to_json() for a in got] == [a.to_json() for a in expected] and len(got) == 3
    naturals = (ROOT / "examples" / "naturals.rmc").read_text(encoding="utf-8")
    assert len(mc.solve(naturals, limit=4)) == 4
    assert len(mc.solve(naturals, limit=4, order="depth-first")) == 4


def test_prolog_takes_text_a_path_or_a_program() -> None:
    path = ROOT / "examples" / "prolog" / "lists.pl"
    query = "app(X, Y, [1, 2])"
    expected = solve_prolog(path.read_text(encoding="utf-8"), query)
    assert mc.prolog(path, query) == expected == mc.prolog(path.read_text(encoding="utf-8"), query)
    assert len(mc.prolog(path, query, limit=1).answers) == 1


def test_run_while_takes_python_integers() -> None:
    factorial = (ROOT / "examples" / "factorial.while").read_text(encoding="utf-8")
    outcome = mc.run_while(factorial, {"n": 6})
    assert outcome.outcome == "normal" and outcome.output == [720]
    assert mc.run_while("x = 1; while (true) { x = x + 1; }", fuel=1_000).outcome == "error"


def test_reduce_and_graph_pick_the_calculus_rules() -> None:
    assert mc.reduce("[A].<x>.[x].[x]") == normal_form(parse("[A].<x>.[x].[x]"), FMC3)
    assert mc.reduce(parse_rmc("[a] ; <a>")) == normal_form(parse_rmc("[a] ; <a>"), RMC)
    assert mc.reduce("[A].<x>.[x].[x]", strategy="innermost", rules=FMC) == parse("[A].[A]")
    assert mc.reduce("[<x>.[x].x].<x>.[x].x", fuel=50) is None  # no normal form
    g = mc.graph("[A].<x>.[x].[x]")
    assert g.complete and g.normal_forms() == [parse("[A].[A]")]
    assert len(mc.graph(parse_rmc("([a] + [b]) ; <a>")).nodes) > 1


def test_equal_optimize_and_confluence() -> None:
    assert mc.equal("[A]a.[B]b", "[B]b.[A]a")
    assert mc.equal(parse_rmc("[a] ; <a>"), parse_rmc("⋆"))
    assert not mc.equal("[A]", "[B]", iterations=3)
    optimized = mc.optimize("[A].[B].<x>.<y>.[x].[y]")
    assert optimized.steps_after < optimized.steps_before
    assert mc.run(optimized.optimized).same_outcome(mc.run(optimized.original))
    groups = (ROOT / "examples" / "trs" / "groups.trs").read_text(encoding="utf-8")
    assert mc.confluence(groups).answer in ("YES", "MAYBE")
    assert mc.confluence("(VAR x)\n(RULES f(x) -> a f(x) -> b)").answer == "NO"


def test_importing_the_front_door_imports_nothing_heavy() -> None:
    code = "import sys, machine_calculus; print(sorted({'sympy', 'egglog', 'rich', 'hypothesis'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_what_the_front_door_returns_displays_itself() -> None:
    """In a notebook the objects show themselves (``_repr_html_``): no registration, no helper."""
    assert "<table" in mc.run("[A]")._repr_html_()
    assert "<table" in mc.solve("[a] + [b]")._repr_html_()
    assert "<table" in mc.trace("[A].<x>.x")._repr_html_()
    assert "⟨x⟩" in mc.parse("[A].<x>.x")._repr_html_()
    assert "⇒" in mc.infer("<x>.[x]")._repr_html_()


def test_pretty_prints_either_calculus_and_reads_back() -> None:
    fmc = mc.parse("λx.[x]out ; <y>")
    assert mc.pretty(fmc) == "⟨x⟩.[x]out ; ⟨y⟩" and mc.parse(mc.pretty(fmc, "ascii")) == fmc
    assert mc.pretty(fmc, "latex").startswith("\\")
    rmc = mc.parse_rmc("new x. [f(x)]a ; a<f(y)>")
    assert mc.parse_rmc(mc.pretty(rmc, "ascii")) == rmc and "∃" in mc.pretty(rmc)


def test_the_errors_a_user_catches() -> None:
    with pytest.raises(mc.ParseError) as info:
        mc.run("[x")
    assert (info.value.line, info.value.column) == (1, 3)
    with pytest.raises(mc.TypingError):
        mc.infer("<x>.[x].x")
    with pytest.raises(AttributeError):
        _ = mc.no_such_name  # type: ignore[attr-defined]


def test_search_reads_texts_in_the_calculus_of_the_rules() -> None:
    from machine_calculus.calculus.fmc.parser import parse_pattern
    from machine_calculus.calculus.rmc.parser import parse_rmc_pattern
    from machine_calculus.rewriting.search import parse_trs_term, search
    from machine_calculus.rewriting.trs import parse_trs

    swap = "[A].[B].<x>.<y>.[x].[y]"
    expected = search(parse(swap), parse_pattern("[?N].?M"), kind="=>!")
    got = mc.search(swap, "[?N].?M", kind="=>!")
    assert got.to_json() == expected.to_json() and got[0].term == parse("[B].[A]")
    assert len(mc.search(swap, "[?N].?M", where="?N != A")) == 1  # the where language, as text
    rmc = mc.search("([a] + [b]) ; <a>", "?M", rules=RMC, kind="=>!")
    assert rmc.to_json() == search(parse_rmc("([a] + [b]) ; <a>"), parse_rmc_pattern("?M"), RMC, kind="=>!").to_json()
    peano = parse_trs((ROOT / "examples" / "trs" / "peano.trs").read_text(encoding="utf-8"))
    first_order = mc.search("add(s(0), s(0))", "s(?X)", rules=peano, kind="=>!")
    assert first_order[0].bindings == {"X": parse_trs_term("s(0)")}


def test_stepper_is_the_widgets_stepper_and_loads_anywidget_only_when_called() -> None:
    code = "import sys, machine_calculus; print(sorted({'anywidget', 'ipywidgets', 'traitlets'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
    pytest.importorskip("anywidget")
    from machine_calculus.widgets.stepper import make_stepper

    widget = mc.stepper("[A].<x>.[x]out", {"λ": ["B"]})
    widget.command({"command": "last"})
    expected = make_stepper(parse("[A].<x>.[x]out"), {"λ": (parse("B"),)})
    expected.last()
    assert widget.view == {**expected.view(), "error": ""}
    assert widget.stepper is not None
    assert widget.stepper.states() == small_step.run_traced(parse("[A].<x>.[x]out"), {"λ": (parse("B"),)}).states()
    assert mc.stepper("[A].<x>.[x].[x]", mode="reduce", rules=FMC).view["calculus"] == FMC.name
    assert mc.stepper(parse_rmc("[a] + [b]")).view["options_total"] == 2
    assert mc.stepper("[x").view["error"].startswith("<input>:1:3")
