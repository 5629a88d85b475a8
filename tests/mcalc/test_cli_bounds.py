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
    assert main(["while", str(source), "--max-output", "100000"]) == 0
    out = capsys.readouterr().out
    assert f"xs = Cons({n - 1}, Cons({n - 2}," in out and out.count("Cons(") == n and "Nil" + ")" * n in out
    assert "--max-output" not in out


# -- --max-output on every command that prints what a run built ------------------------------------

SQUARE_FOREVER = "x = 2; while (1 == 1) { x = x * x; }"  # stuck at the digit budget, x of ~79,000 digits


def test_while_cuts_a_huge_number_in_the_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["while", SQUARE_FOREVER]) == 1
    lines = capsys.readouterr().out.splitlines()
    store = next(line for line in lines if line.startswith("store: "))
    assert len(store) == len("store: x = ") + 10_000 and store.endswith("…")
    assert lines[-1].startswith("output cut at 10,000 characters: the run's values have 1 nodes")
    assert "the longest number about 7" in lines[-1] and lines[-1].endswith("--max-output N for more")


def test_while_json_gives_a_cut_number_as_a_marked_string(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["while", SQUARE_FOREVER, "--json", "--max-output", "50"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["truncated"] is True and "--max-output" in payload["truncation"]
    assert isinstance(payload["store"]["x"], str) and len(payload["store"]["x"]) == 50
    assert payload["store"]["x"].endswith("…")
    assert main(["while", "x = 2; y = x * x;", "--json"]) == 0  # small values: numbers, nothing cut
    payload = json.loads(capsys.readouterr().out)
    assert payload["store"] == {"x": 2, "y": 4} and "truncated" not in payload


def test_while_prints_a_shared_value_within_the_budget(capsys: pytest.CaptureFixture[str]) -> None:
    """``x = Pair(x, x)`` 60 times: a tree of 2^61 nodes held in 61 values. The budget is shared by
    the output and the store (one budget per run)."""
    source = "data P = N | Pair(l, r);\nx = N; i = 0;\nwhile (i < 60) { x = Pair(x, x); print(x); i = i + 1; }"
    assert main(["while", source, "--max-output", "300"]) == 0
    lines = capsys.readouterr().out.splitlines()
    output, store = lines[1], lines[2]
    # 300 characters of values, then each value past the budget is "…" (62 values in all)
    assert len(output) + len(store) <= len("output: []store: i = , x = ") + 300 + 62 * len(", …")
    assert output.endswith(", …]") and store == "store: i = …, x = …"
    assert lines[3].startswith("output cut at 300 characters: the run's values have over 10^18 nodes, ")


def test_rmc_answers_are_cut_one_by_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(EXAMPLES / "naturals.rmc"), "--limit", "4", "--max-output", "12"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["1. λ: [z]", "2. λ: [s(z)]", "3. λ: [s(s(z))]"]
    assert lines[3] == "4. λ: [s(s(s(z…" and len(lines[3]) == len("4. ") + 12
    assert lines[4].strip() == (
        "(output cut at 12 characters per answer: the answer's terms have 11 nodes, 8 distinct; "
        "--max-output N for more)"
    )
    assert len(lines) == 6


def test_rmc_json_marks_each_answer_cut(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(EXAMPLES / "naturals.rmc"), "--limit", "4", "--max-output", "8", "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    assert [a.get("truncated", False) for a in answers] == [False, False, False, True]
    assert answers[3]["stacks"] == {"λ": ["s(s(s(z…"]} and "per answer" in answers[3]["truncation"]


def test_rmc_reads_back_and_prints_a_shared_answer_within_the_budget(capsys: pytest.CaptureFixture[str]) -> None:
    term = "[a] ; " + " ; ".join(["new x. (<x> ; [f(x, x)])"] * 60)  # f(f(...), f(...)): 2^61 nodes as a tree
    assert main(["run", "--calculus", "rmc", term, "--max-output", "40"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1. λ: [f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f…"
    assert "the answer's terms have over 10^18 nodes, 182 distinct" in lines[1]  # 3 nodes a level: f, 2 args


def test_prolog_cuts_each_answer_and_says_which(capsys: pytest.CaptureFixture[str]) -> None:
    peano = str(EXAMPLES / "prolog" / "peano.pl")
    assert main(["prolog", peano, "--query", "nat(X)", "--limit", "3", "--max-output", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["X = 0 ;", "X = s(0) ;", "X = s(s… ;"]
    assert lines[3] == "% output cut at 4 characters per answer: answer 3's terms have 8 nodes, 6 distinct; " + (
        "--max-output N for more"
    )
    assert main(["prolog", peano, "--query", "nat(X)", "--limit", "3", "--max-output", "4", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["answers"] == [{"X": "0"}, {"X": "s(0)"}, {"X": "s(s…"}] and payload["truncated"] is True
    assert payload["truncation"].startswith("output cut at 4 characters per answer: answer 3's terms")


def test_prolog_prints_a_shared_answer_and_names_its_variables_on_the_dag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "double.pl"
    source.write_text("d(0, _).\nd(s(N), f(X, X)) :- d(N, X).\n", encoding="utf-8")
    query = "d(" + "s(" * 60 + "0" + ")" * 60 + ", T)"
    assert main(["prolog", str(source), "--query", query, "--max-output", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "T = f(f(f(f(f(f(f(f(f(f(f(f(f(f(f…."
    assert "answer 1's terms have over 10^18 nodes, 182 distinct" in lines[1]


def test_prolog_prints_a_long_list_only_as_far_as_the_budget() -> None:
    from machine_calculus.calculus.rmc.firstorder import fn
    from machine_calculus.embeddings.prolog.printer import prolog_text
    from machine_calculus.embeddings.prolog.reader import CONS, NIL

    items = fn(NIL)
    for i in range(100_000):
        items = fn(CONS, fn(str(i)), items)
    assert prolog_text(items, limit=20) == "[99999, 99998, 99997,"
    assert len(prolog_text(items)) == len(", ".join(str(i) for i in range(100_000))) + 2


def test_reduce_cuts_the_normal_form(capsys: pytest.CaptureFixture[str]) -> None:
    term = "[A]." + ".".join(["<x>.[[x].[x]]"] * 12)  # a normal form of 2^12 A's
    assert main(["reduce", term, "--max-output", "100"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines[0]) == 100 and lines[0].endswith("…")
    assert lines[1].startswith("output cut at 100 characters: the term has ") and "distinct" in lines[1]
    assert main(["reduce", term, "--max-output", "100", "--json", "--steps"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["term"]) == 100 and payload["truncated"] is True
    assert all(len(step["term"]) <= 100 for step in payload["trace"])


def test_optimize_cuts_its_terms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "[A].<x>.[x].[x].[x]", "--max-output", "2", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["optimized"] == "[…" and payload["truncated"] is True
    assert payload["before"]["stacks"] == {"λ": ["A", "A", "…"]} and payload["before"]["truncated"] is True


def test_a_traced_run_cuts_each_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "[A].<x>.[x].[x].[x]", "--trace", "--json", "--max-output", "5"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [step["term"] for step in payload["trace"]] == ["<x>.…", "[A].…", "[A].…", "[A]", "*"]
    assert [step.get("truncated", False) for step in payload["trace"]] == [True, True, True, False, False]
    assert main(["run", str(EXAMPLES / "naturals.rmc"), "--trace", "--json", "--max-output", "3"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert all(len(step["term"]) <= 3 for step in payload["trace"])
    assert any(step.get("truncated") for step in payload["trace"])


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


def test_max_output_zero_is_no_bound(capsys: pytest.CaptureFixture[str]) -> None:
    """As the other bounds, ``--max-output 0`` means none: 2^12 A's (24,000 characters, over the
    default 10,000) print whole from run, reduce and prolog."""
    term = "[A]." + ".".join(["<x>.[[x].[x]]"] * 12)
    assert main(["run", term, "--max-output", "0"]) == 0
    out = capsys.readouterr().out
    assert "cut" not in out and out.count("A") == 2**12
    assert main(["reduce", term, "--max-output", "0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["term"].count("A") == 2**12
    query = "X = [" + ", ".join(["a"] * 6_000) + "]"
    assert main(["prolog", str(EXAMPLES / "prolog" / "peano.pl"), "--query", query, "--max-output", "0"]) == 0
    assert capsys.readouterr().out.count("a") == 6_000


def test_every_command_stops_at_its_cpu_time_bound(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--max-time S (default 60) stops what no step count sees, with a message naming the bound:
    here a run with a billion steps of fuel and a Prolog query whose unifications walk a long
    list (the occurs check), each stopped after one second of CPU time; 0 is no bound."""
    import time

    loop = "[<f>.[f].f].<f>.[f].f"
    start = time.process_time()
    assert main(["run", loop, "--fuel", "1000000000", "--max-time", "1"]) == 1
    assert time.process_time() - start < 5
    assert capsys.readouterr().err == "mcalc: stopped after 1 s of CPU time: --max-time S for more\n"
    assert main(["run", loop, "--fuel", "1000000000", "--max-time", "1", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload == {"status": "out_of_time", "reason": "stopped after 1 s of CPU time: --max-time S for more"}
    source = tmp_path / "double.pl"
    source.write_text(
        "app([], L, L).\napp([H|T], L, [H|R]) :- app(T, L, R).\n"
        "dbl(0, L, L).\ndbl(s(N), L, R) :- app(L, L, L2), dbl(N, L2, R).\n",
        encoding="utf-8",
    )
    query = "dbl(" + "s(" * 20 + "0" + ")" * 20 + ", [a], R)"
    assert main(["prolog", str(source), "--query", query, "--fuel", "100000000", "--max-time", "1"]) == 1
    assert "stopped after 1 s of CPU time" in capsys.readouterr().err
    assert main(["run", loop, "--fuel", "1000", "--max-time", "0"]) == 1  # no time bound: the fuel stops it
    assert "out of fuel after 1000 steps" in capsys.readouterr().out


def test_the_time_bound_comes_again_when_swallowed() -> None:
    """Once past the bound, the signal keeps coming: where its exception is lost (raised in a
    destructor, say), the next one stops the work; leaving the bound disarms it."""
    import time

    from machine_calculus.cli.time_bound import TimeBoundReached, cpu_time_bound

    caught = 0
    with pytest.raises(TimeBoundReached), cpu_time_bound(0.2):
        while True:
            try:
                while True:
                    pass
            except TimeBoundReached:
                caught += 1  # lost, as in a destructor: the work goes on
                if caught > 1:
                    raise
    start = time.process_time()
    while time.process_time() - start < 0.5:  # disarmed: no signal any more
        pass
    assert caught == 2
