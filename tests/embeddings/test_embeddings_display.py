"""The embeddings' results display themselves in notebooks: While outcomes and Prolog answers."""

from __future__ import annotations

import machine_calculus as mc


def test_a_while_outcome_shows_how_it_ended_its_output_and_store() -> None:
    html = mc.run_while("x = 3; y = x * 2; print(y);")._repr_html_()
    assert "normal termination" in html and "<code>y</code></td><td><code>6</code>" in html
    thrown = mc.run_while("throw Oops(3);")._repr_html_()
    assert "uncaught exception Oops(3)" in thrown


def test_prolog_answers_show_their_bindings_as_swi_prolog_prints_them() -> None:
    program = "app([], Y, Y). app([H|T], Y, [H|Z]) :- app(T, Y, Z)."
    html = mc.prolog(program, "app(X, Y, [1])")._repr_html_()
    assert "X = [], Y = [1]" in html and "X = [1], Y = []" in html and "exhausted" in html
    assert "false." in mc.prolog(program, "app([1], Y, [])")._repr_html_()
