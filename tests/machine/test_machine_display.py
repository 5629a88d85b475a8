"""The machines' runs display themselves in notebooks: results, traces (folded when long, a
page or a state on demand), states in full, answers; left-aligned, terms in notation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import machine_calculus as mc
from machine_calculus.machine.render import HEAD, TAIL, shown_rows


def _long_term(n: int) -> str:
    return "[A]." + ".".join(["<x>.[x]"] * n) + ".<y>"


def _rows(html: str) -> int:
    return html.count("<tr>") - 1  # less the header row


def test_a_short_trace_shows_every_state_in_notation() -> None:
    trace = mc.trace("[A].<x>.x")
    html = trace._repr_html_()
    assert _rows(html) == len(trace) + 1
    assert "⟨x⟩" in html and "Push(" not in html
    assert "text-align:left" in html
    assert "done after 2 steps" in html


def test_a_long_trace_folds_its_middle_and_says_how_to_see_it() -> None:
    trace = mc.trace(_long_term(4_000))
    assert len(trace) == 8_002
    html = trace._repr_html_()
    assert _rows(html) == HEAD + TAIL + 1  # the fold is one row
    assert "folded" in html and "trace.page" in html
    assert len(html) < 60_000  # an 8,002-step trace, not a megabyte of table
    last = re.findall(r"<tr><td><code>(\d+)</code>", html)
    assert last[0] == "0" and last[-1] == str(len(trace))


def test_a_page_shows_the_states_asked_for() -> None:
    trace = mc.trace(_long_term(500))
    html = trace.page(300, 310)._repr_html_()
    assert re.findall(r"<tr><td><code>(\d+)</code>", html) == [str(i) for i in range(300, 310)]
    assert "rows 300–309" in html
    with pytest.raises(IndexError):
        trace.page(len(trace) + 1)


def test_any_state_shows_its_whole_memory() -> None:
    items = "".join(f"[{'B' * 30}{i}]." for i in range(12))
    trace = mc.trace(items + "<x>")
    html = trace._repr_html_()
    assert "<details>" in html  # a cut memory opens onto the whole
    full = trace.state(12)._repr_html_()
    assert all(f"{'B' * 30}{i}" in full for i in range(12))
    assert trace.state(-1) == trace.states()[-1]
    with pytest.raises(IndexError):
        trace.state(len(trace) + 1)


def test_results_and_answers_display_as_tables() -> None:
    result = mc.run("[A].[B]")
    assert "<table" in result._repr_html_() and "A, B" in result._repr_html_()
    answers = mc.solve("[a] + [b]")
    html = answers._repr_html_()
    assert "λ: [a]" in html and "λ: [b]" in html and "exhausted" in html
    assert "<table" in answers[0]._repr_html_()


def test_many_answers_fold_too() -> None:
    answers = mc.solve(Path("examples/naturals.rmc").read_text(encoding="utf-8"), limit=500)
    html = answers._repr_html_()
    assert _rows(html) == HEAD + TAIL + 1 and "answers[i]" in html


def test_relational_traces_and_states() -> None:
    trace = mc.trace(mc.parse_rmc("([a] + [b]) ; <a>"))
    html = trace._repr_html_()
    assert "choice" in html and "⟨a⟩" in html
    assert "relational machine state" in trace.state(0)._repr_html_()


@pytest.mark.parametrize("count", [0, 1, 60, 61, 10_000])
def test_shown_rows(count: int) -> None:
    shown = shown_rows(count)
    assert [i for i in shown if i is not None] == sorted({i for i in shown if i is not None})
    if count <= HEAD + TAIL + 10:
        assert shown == list(range(count))
    else:
        assert shown.count(None) == 1 and shown[0] == 0 and shown[-1] == count - 1


def test_distributions_and_symbolic_runs_display_as_tables() -> None:
    from machine_calculus.machine.fmc import effects
    from machine_calculus.machine.fmc.symbolic import explore

    html = effects.distribution(mc.parse("rnd<b>.[[2]out].[[1]out].b"))._repr_html_()
    assert html.count("1/2") == 2 and "out: [1]" in html and "out: [2]" in html
    paths = explore(mc.parse("$n ; {1 -> A | 2 -> B | _ -> C}"))._repr_html_()
    assert "3 paths" in paths and "exit A" in paths and "exit C" in paths
