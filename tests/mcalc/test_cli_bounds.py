"""Issue 14, bounded by default: each command stops within its bounds, with a message naming
the bound and the flag that raises it (bounds tested by counts: sizes, answers, steps)."""

from __future__ import annotations

import json

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
    tree, distinct = dag_size(term)
    assert tree > 2**61 and distinct < 200
    (few,) = run(parse("[A]." + ".".join(["<x>.[[x].[x]]"] * 6)), fuel=1_000).stack()
    assert dag_size(few)[0] == size(few)


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
