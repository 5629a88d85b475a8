"""Issue 14, bounded by default: each command stops within its bounds, with a message naming
the bound and the flag that raises it (bounds tested by counts: sizes, answers, steps)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import pretty
from machine_calculus.calculus.terms import dag_size, size
from machine_calculus.cli.main import main

# each round doubles the term on λ: 60 rounds leave a term of over 2^61 nodes as a tree
DOUBLING = "[A]." + ".".join(["<x>.[[x].[x]]"] * 60)


def test_dag_size_counts_the_tree_without_expanding_the_sharing() -> None:
    from machine_calculus.machine.fmc.fast import run

    (term,) = run(parse(DOUBLING), fuel=1_000).stack()
    tree, distinct = dag_size(term, cap=2**80)
    assert tree > 2**61 and distinct < 200
    (few,) = run(parse("[A]." + ".".join(["<x>.[[x].[x]]"] * 6)), fuel=1_000).stack()
    assert dag_size(few)[0] == size(few)


def test_dag_size_saturates_so_that_counting_stays_linear() -> None:
    """A tree of 2^n nodes would hold an n-bit count per node (quadratic in n): the count stops at
    10^18 and the text says so. 4,000 doublings count in a blink."""
    from machine_calculus.calculus.terms import TREE_SIZE_CAP, dag_size_text
    from machine_calculus.machine.fmc.fast import run

    (term,) = run(parse("[A]." + ".".join(["<x>.[[x].[x]]"] * 4_000)), fuel=100_000).stack()
    tree, distinct = dag_size(term)
    assert tree == TREE_SIZE_CAP and distinct == 2 * 4_000 + 2
    assert dag_size_text(term) == f"over 10^18 nodes, {distinct:,} distinct"
    (few,) = run(parse("[A].<x>.[[x].[x]]"), fuel=100).stack()
    assert dag_size_text(few) == "5 nodes, 4 distinct"  # [[A].[A]]: the two pushes of A share one node
    assert dag_size_text([few, few]) == "10 nodes, 4 distinct"


def test_printing_stops_at_the_limit() -> None:
    from machine_calculus.machine.fmc.fast import run

    (term,) = run(parse(DOUBLING), fuel=1_000).stack()
    assert len(pretty(term, "ascii", 50)) == 51


def test_run_cuts_a_shared_memory_and_says_how_big_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", DOUBLING, "--max-output", "100"]) == 0
    out = capsys.readouterr().out
    assert "output cut at 100 characters" in out and "nodes" in out and "--max-output" in out
    memory_line = out.splitlines()[1]
    assert len(memory_line) == 100 and memory_line.endswith("…")


def test_run_json_cuts_a_shared_memory_with_a_marker(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", DOUBLING, "--max-output", "100", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["truncated"] is True and "--max-output" in payload["truncation"]
    (text,) = payload["stacks"]["λ"]
    assert len(text) == 100 and text.endswith("…")


def test_a_small_memory_is_not_cut(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "[A].[B]", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert "truncated" not in payload and payload["stacks"] == {"λ": ["A", "B"]}


# -- answers: streamed, and a default bound besides the fuel ---------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("order", ["fair", "depth-first"])
def test_an_infinite_answer_stream_stops_at_the_default_answer_bound(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    from machine_calculus.cli import rmc_command

    monkeypatch.setattr(rmc_command, "DEFAULT_ANSWER_LIMIT", 5)
    assert main(["run", str(EXAMPLES / "naturals.rmc"), "--order", order]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:5] == ["1. λ: [z]", "2. λ: [s(z)]", "3. λ: [s(s(z))]", "4. λ: [s(s(s(z)))]", "5. λ: [s(s(s(s(z))))]"]
    assert len(lines) == 6 and "stopped after 5 answers: --limit N for more" in lines[5]


def test_an_explicit_limit_says_nothing_of_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(EXAMPLES / "naturals.rmc"), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "3. λ: [s(s(z))]" in out and "--limit N for more" not in out


def test_rmc_json_marks_the_default_answer_bound(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from machine_calculus.cli import rmc_command

    monkeypatch.setattr(rmc_command, "DEFAULT_ANSWER_LIMIT", 4)
    assert main(["run", str(EXAMPLES / "naturals.rmc"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["answers"]) == 4 and payload["truncated"] is True
    assert payload["truncation"] == "stopped after 4 answers: --limit N for more"


def test_prolog_streams_and_stops_at_the_default_answer_bound(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from machine_calculus.cli import prolog_command

    monkeypatch.setattr(prolog_command, "DEFAULT_ANSWER_LIMIT", 3)
    assert main(["prolog", str(EXAMPLES / "prolog" / "peano.pl"), "--query", "nat(X)"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["X = 0 ;", "X = s(0) ;", "X = s(s(0)) ;", "(stopped after 3 answers: --limit N for more)"]


# -- exact arithmetic: an integer-size budget ------------------------------------------------------

SQUARING = "[2] ; (<x>.[x].[x].mul ; A)^A"  # squares the number on λ for ever


def test_squaring_stops_on_the_integer_budget_in_both_machines() -> None:
    from machine_calculus.machine.fmc import fast, small_step
    from machine_calculus.machine.fmc.primitives import digit_budget, max_digits

    term = parse(SQUARING)
    with digit_budget(100):
        quick, reference = fast.run(term, fuel=10_000), small_step.run(term, fuel=10_000)
    assert quick == reference and quick.status == "stuck"
    assert quick.reason == "integer too large: the result of * has about 155 digits (over 100; --max-digits N)"
    (last, *_) = quick.stack()
    assert len(to_text(last)) == 78  # 2^256, the last square within the budget
    assert max_digits() == 100_000  # the default is back


def to_text(t: object) -> str:
    return pretty(t, "ascii")  # type: ignore[arg-type]


def test_the_while_command_takes_max_digits(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "square.while"
    source.write_text("x = 2;\nwhile (True) { x = x * x; }\n", encoding="utf-8")
    assert main(["while", str(source), "--max-digits", "50"]) == 1
    out = capsys.readouterr().out
    assert "integer too large" in out and "(over 50; --max-digits N)" in out
    assert main(["run", SQUARING, "--max-digits", "0", "--fuel", "40"]) == 1  # 0: no bound, the fuel stops it
    assert "out of fuel" in capsys.readouterr().out


# -- --distribution / --all: a bound on the branches run -------------------------------------------

DRAWING = "(rnd<c>.rnd<d>.[X]out ; A)^A"  # two coins a round, for ever: 4x the branches a round


def test_distribution_runs_at_most_max_branches_and_reports_the_rest_unexplored() -> None:
    import sympy

    from machine_calculus.machine.fmc import effects

    dist = effects.distribution(parse(DRAWING), max_branches=50)
    assert dist.branches_left > 0 and dist.unexplored == 1  # the loop never ends: all of it unexplored
    total = sum((p for p, _ in dist.entries), sympy.Rational(0))
    left = dist.unexplored - sum((p for p, r in dist.entries if r.status == "stuck"), sympy.Rational(0))
    assert total + left == 1 and left > 0


def test_outcomes_run_at_most_max_branches() -> None:
    from machine_calculus.machine.fmc import effects

    runs: list[int] = []

    def counting(term: object, memory: object, fuel: int) -> object:
        runs.append(1)
        return effects.fast.run(term, memory, fuel=fuel)  # type: ignore[arg-type]

    left: list[tuple[bool, ...]] = []
    effects.outcomes(parse(DRAWING.replace("rnd", "nd")), max_branches=30, left_off=left, run=counting)
    assert len(runs) == 30 and left


@pytest.mark.parametrize("flag", ["--distribution", "--all"])
def test_the_command_says_which_bound_stopped_the_exploration(capsys: pytest.CaptureFixture[str], flag: str) -> None:
    term = DRAWING if flag == "--distribution" else DRAWING.replace("rnd", "nd")
    assert main(["run", term, flag, "--max-branches", "20"]) == 1
    assert "stopped after 20 branches: --max-branches N for more" in capsys.readouterr().out
    assert main(["run", term, flag, "--max-branches", "20", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["truncated"] is True and "--max-branches" in payload["truncation"]


# -- reduce: a term-size budget ---------------------------------------------------------------------

GROWING = "[<x>.[x].[x].x].<x>.[x].[x].x"  # no normal form: each step pushes one more copy


def test_reduce_stops_when_the_term_grows_past_max_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reduce", GROWING, "--max-size", "100"]) == 1
    out = capsys.readouterr().out
    assert "the term grew past 100 nodes" in out and "--max-size N to allow more" in out
    assert main(["reduce", GROWING, "--max-size", "100", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["status"] == "too_large" and 100 < size(parse(payload["term"])) <= 120


def test_reduction_remembers_normal_subterms_and_gives_the_same_steps() -> None:
    from machine_calculus.rewriting.engine import next_step, reduction
    from machine_calculus.rewriting.rules import FMC3

    for strategy in ("leftmost-outermost", "innermost"):
        t = parse("[[1].[2].+].<x>.[x].[x].(<a>.<b>.[a].[b].mul)")
        steps = list(reduction(t, FMC3, strategy))
        for before, step in zip([t, *[s[2] for s in steps]], steps, strict=False):
            assert next_step(before, FMC3, strategy) == step


# -- optimize: a bound on the input ----------------------------------------------------------------


def test_optimize_refuses_a_term_over_max_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "long.while"
    source.write_text("x = 0;\n" + "x = x + 1;\n" * 30, encoding="utf-8")
    assert main(["optimize", str(source), "--max-input", "100"]) == 2
    err = capsys.readouterr().err
    assert "more than the optimizer takes (100" in err and "--max-input N to try anyway" in err


# -- data built by programs: read back and printed iteratively -------------------------------------


def test_a_list_built_by_a_loop_deeper_than_the_recursion_limit_reads_back_and_prints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import sys

    n = sys.getrecursionlimit() + 500
    source = tmp_path / "list.while"
    source.write_text(
        f"data List = Nil | Cons(h, t);\nxs = Nil;\ni = 0;\nwhile (i < {n}) {{ xs = Cons(i, xs); i = i + 1; }}\n",
        encoding="utf-8",
    )
    assert main(["while", str(source)]) == 0
    out = capsys.readouterr().out
    assert f"xs = Cons({n - 1}, Cons({n - 2}," in out and out.count("Cons(") == n and "Nil" + ")" * n in out


def test_a_trace_of_a_doubling_memory_stays_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    """[A].[T].T with T = <f>.<v>.[[v].[v]].[f].f doubles the memory every 4 steps: the table's
    cells and the JSON steps are printed only as far as they are shown (was 12 GB at 100 steps)."""
    doubling = "<f>.<v>.[[v].[v]].[f].f"
    term = f"[A].[{doubling}].{doubling}"
    assert main(["run", term, "--trace", "--fuel", "400"]) == 1
    assert len(capsys.readouterr().out) < 200_000
    assert main(["run", term, "--trace", "--fuel", "400", "--json", "--max-output", "50"]) == 1
    steps = json.loads(capsys.readouterr().out)["trace"]
    assert len(steps) == 400
    shown = [s for s in steps if "cut" not in s]
    texts = [text for s in shown for stack in s["stacks"].values() for text in [s["term"], *stack]]
    assert all(len(text) <= 50 for text in texts) and any(text.endswith("…") for text in texts)
    assert 5 < len(shown) < 400 and all(set(s) == {"rule", "cut"} for s in steps[len(shown) :])
