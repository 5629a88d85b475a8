"""The stepper without a browser: its Python side driven as the front end drives it (commands in,
the synced view out), checked against the small-step machines' traces and the rule sets' reducts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import machine_calculus as mc
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.strategies import fmc_runs, rmc_programs
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.fmc import small_step
from machine_calculus.machine.rmc import small_step as relational
from machine_calculus.rewriting.engine import reducts, subterm_at
from machine_calculus.rewriting.rmc_rules import RMC
from machine_calculus.rewriting.rules import FMC, FMC3
from machine_calculus.widgets.stepper import TEXT_LIMIT, Stepper, make_stepper

SWAP = "[A].[B].<x>.<y>.[x].[y]"
OMEGA = "[<x>.[x].x].<x>.[x].x"  # runs forever: no normal form either


def fmc_trace(term: str, fuel: int = 10_000) -> small_step.Trace:
    """The front door's trace of an FMC run (what the stepper must show)."""
    trace = mc.trace(term, fuel=fuel)
    assert isinstance(trace, small_step.Trace)
    return trace


def rmc_trace(term: Term, memory: dict[str, Any] | None = None, fuel: int = 10_000) -> relational.Trace:
    """The front door's trace of an RMC run: the branch of the first answer."""
    trace = mc.trace(term, memory, fuel=fuel)
    assert isinstance(trace, relational.Trace)
    return trace


def walk_forward(s: Stepper) -> list[dict[str, Any]]:
    """Press forward until it does nothing; the view after each press."""
    views = []
    while True:
        before = s.index
        s.command({"command": "forward"})
        if s.index == before:
            return views
        views.append(s.view())


# -- the FMC machine ------------------------------------------------------------------------------


def test_forward_gives_the_small_step_machines_trace() -> None:
    expected = fmc_trace(SWAP)
    s = make_stepper(SWAP)
    start = s.view()
    assert (start["step"], start["rule"], start["term"], start["memory"]) == (0, "", to_unicode(parse(SWAP)), [])
    views = walk_forward(s)
    assert [v["rule"] for v in views] == expected.rules() == s.rules()
    assert s.states() == expected.states()
    for i, (view, state) in enumerate(zip(views, expected.states()[1:], strict=True), 1):
        assert view["step"] == i
        assert view["term"] == to_unicode(state.term)
        assert view["memory"] == [
            [loc, [to_unicode(t) for t in items], len(items)] for loc, items in sorted(state.stacks().items())
        ]
    end = views[-1]
    assert (end["status"], end["message"]) == ("done", "done after 6 steps, exit ⋆")
    assert end["memory"] == [["λ", ["B", "A"], 2]]
    assert not end["can_forward"] and end["options"] == []


def test_back_returns_to_the_previous_state_and_forward_replays_the_same_one() -> None:
    states = fmc_trace(SWAP).states()
    s = make_stepper(SWAP)
    for _ in range(4):
        s.command({"command": "forward"})
    fourth = s.state
    s.command({"command": "back"})
    assert s.index == 3 and s.state == states[3] and s.view()["rule"] == "pop"
    assert s.view()["known"] == 4 and s.view()["taken"] == 0
    s.command({"command": "forward"})
    assert s.state is fourth  # the future is kept, not recomputed
    s.command({"command": "first"})
    assert s.index == 0 and s.state == states[0] and not s.view()["can_back"]
    s.command({"command": "back"})
    assert s.index == 0
    s.command({"command": "last"})
    assert s.index == 6 and s.view()["status"] == "done"
    s.command({"command": "goto", "step": 2})
    assert s.state == states[2]
    with pytest.raises(ValueError, match="steps 0 to 6"):
        s.command({"command": "goto", "step": 7})


def test_continuations_and_frames_show_top_first() -> None:
    s = make_stepper("([A] ; [B]) ; [C]")
    s.command({"command": "forward"})
    s.command({"command": "forward"})
    view = s.view()
    assert view["rule"] == "seq" and view["continuation"] == ["[B]", "[C]"] and view["term"] == "[A]"


def test_control_runs_name_their_rules() -> None:
    term = "[1].[2].+ ; <n>.[n]out"
    s = make_stepper(term)
    s.command({"command": "last"})
    expected = fmc_trace(term)
    assert s.rules() == expected.rules() and "prim" in s.rules()
    assert s.view()["memory"] == [["out", ["3"], 1]]


def test_a_stuck_run_says_why() -> None:
    s = make_stepper("[A].<x>.<y>.x")
    s.command({"command": "last"})
    view = s.view()
    assert view["status"] == "stuck"
    assert view["message"] == f"stuck after 2 steps: {fmc_trace('[A].<x>.<y>.x').result.reason}"


def test_the_fuel_bound_ends_the_run_and_says_so() -> None:
    s = make_stepper(OMEGA, fuel=50)
    assert s.last() == 50
    view = s.view()
    expected = fmc_trace(OMEGA, fuel=50)
    assert s.states() == expected.states() and expected.result.status == "out_of_fuel"
    assert (view["status"], view["message"]) == ("out_of_fuel", expected.result.reason)
    assert not view["can_forward"] and not view["usable"]
    assert not s.forward() and s.index == 50
    with pytest.raises(ValueError, match="out of fuel"):
        s.choose(0)
    s.back()
    assert s.view()["status"] == "running" and s.forward() and s.index == 50


def test_memories_are_read_and_long_stacks_cut() -> None:
    s = make_stepper("in<x>.[x]out", {"in": ["2", "1"]})
    assert s.view()["memory"] == [["in", ["2", "1"], 2]]
    tall = make_stepper("⋆", {"a": [str(i) for i in range(100)]}).view()["memory"]
    assert tall[0][2] == 100 and tall[0][1][0] == "…" and tall[0][1][-1] == "99" and len(tall[0][1]) == 41


def test_a_long_term_is_cut_and_the_view_is_json() -> None:
    term = ".".join(f"[A{i}]" for i in range(3_000))
    view = make_stepper(term).view()
    assert len(view["term"]) == TEXT_LIMIT and view["term"].endswith("…")
    json.dumps(view)


def test_bad_arguments_are_clear_errors() -> None:
    with pytest.raises(mc.ParseError, match="1:3"):
        make_stepper("[x")
    with pytest.raises(ValueError, match="mode"):
        make_stepper(SWAP, mode="run")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="fuel"):
        make_stepper(SWAP, fuel=-1)
    with pytest.raises(ValueError, match="rules are for"):
        make_stepper(SWAP, rules=FMC)
    with pytest.raises(ValueError, match="RMC"):
        make_stepper(SWAP, path=(0,))
    with pytest.raises(ValueError, match="unknown command"):
        make_stepper(SWAP).command({"command": "sideways"})
    with pytest.raises(ValueError, match="no option 3"):
        make_stepper(SWAP).choose(3)


@settings(max_examples=60)
@given(fmc_runs(control=True), st.integers(0, 5))
def test_stepping_any_program_is_its_trace(run: tuple[Term, dict[str, tuple[Term, ...]]], back: int) -> None:
    term, memory = run
    fuel = 120
    expected = small_step.run_traced(term, memory, fuel)
    s = make_stepper(term, memory, fuel=fuel)
    s.last()
    assert s.rules() == expected.rules() and s.states() == expected.states()
    status = s.view()["status"]
    assert status == expected.result.status
    if status == "done":
        assert s.view()["message"].startswith(f"done after {expected.result.steps} steps")
    else:
        assert s.view()["message"].endswith(str(expected.result.reason))
    for _ in range(back):
        s.back()
    assert s.state == expected.states()[s.index]
    assert s.view()["rule"] == ("" if s.index == 0 else expected.rules()[s.index - 1])


# -- the relational machine -----------------------------------------------------------------------


def test_a_fork_offers_both_branches_and_the_user_chooses() -> None:
    term = parse_rmc("[a] + [b]")
    s = make_stepper(term)
    view = s.view()
    assert view["calculus"] == "RMC" and view["options_total"] == 2
    assert [(o["rule"], o["branch"], o["preview"]) for o in view["options"]] == [
        ("choice", "left", "[a]"),
        ("choice", "right", "[b]"),
    ]
    s.command({"command": "choose", "index": 1})
    assert s.view()["label"] == "choice → right"
    s.command({"command": "last"})
    assert s.states() == relational.trace(term, path=(1,)).states()
    assert s.view()["message"] == "answer after 2 steps: λ: [b]"
    s.command({"command": "first"})
    assert s.view()["taken"] == 1
    s.command({"command": "choose", "index": 0})  # the other branch: the old future is dropped
    assert s.view()["known"] == 1
    s.command({"command": "last"})
    assert s.view()["message"] == "answer after 2 steps: λ: [a]"


def test_forward_follows_the_first_answers_branch_as_trace_does() -> None:
    term = parse_rmc("(<b> + <a>) ; [c]")
    s = make_stepper(term, {"λ": ["a"]})
    views = walk_forward(s)
    expected = rmc_trace(term, {"λ": ["a"]})
    assert s.states() == expected.states()
    assert [v["label"] for v in views] == [step.label() for step in expected.steps]
    assert views[1]["label"] == "choice → right" and views[-1]["status"] == "answer"
    assert views[-1]["memory"] == [["λ", ["c"], 1]]


def test_fresh_variables_and_the_substitution_are_the_machines() -> None:
    term = parse_rmc("((new x. [f(x)] ; [f(a)]) + (new y. new z. [g(y, z)])) ; new w. <w>")
    for path in [(0,), (1,)]:
        s = make_stepper(term, path=path)
        walk_forward(s)
        assert s.states() == relational.trace(term, path=path).states()
    s = make_stepper(term, path=(0,))
    s.last()
    assert s.view()["substitution"] == [["w₂", "f(a)"]]
    s.first()
    while s.view()["options_total"] < 2:
        s.forward()
    s.choose(1)  # new names along the other branch, as the machine's own run makes them
    s.last()
    assert s.states() == relational.trace(term, path=(1,)).states()
    assert s.view()["status"] == "answer"


def test_a_failed_branch_says_why() -> None:
    term = parse_rmc("[a] ; <b>")
    s = make_stepper(term)
    s.last()
    expected = rmc_trace(term)
    assert (s.view()["status"], s.view()["message"]) == ("failed", expected.status_line())
    assert s.view()["message"].endswith("pop: b does not unify with a")


@settings(max_examples=40)
@given(rmc_programs())
def test_stepping_any_relational_program_is_its_trace(program: tuple[Term, dict[str, tuple[Term, ...]]]) -> None:
    term, memory = program
    fuel = 150
    s = make_stepper(term, memory, fuel=fuel)
    s.last()
    expected = rmc_trace(term, memory, fuel=fuel)
    # the stepper shows where a branch ends also at the bound; the trace stops counting there
    assert s.states() == expected.states()
    assert [n.label() for n in s.nodes[1:]] == [step.label() for step in expected.steps]  # type: ignore[attr-defined]


# -- reduction ------------------------------------------------------------------------------------


def test_choosing_a_redex_gives_that_reduct_and_back_undoes_it() -> None:
    t = parse("[A]a.[B]b.a<x>.b<y>.[x].[y]")
    s = make_stepper(t, mode="reduce")
    view = s.view()
    found = reducts(t, FMC3)
    assert [(o["rule"], o["position"]) for o in view["options"]] == [("beta", "ε"), ("beta", "2")]
    assert [o["preview"] for o in view["options"]] == [to_unicode(r) for _, _, r in found]
    for option, (_, position, _) in zip(view["options"], found, strict=True):
        before, redex, after = option["parts"]
        assert before + redex + after == view["term"]
        assert redex.strip("()") == to_unicode(subterm_at(t, position))
    s.command({"command": "choose", "index": 1})
    assert s.state == found[1][2] and s.view()["label"] == "beta @ 2"
    s.command({"command": "back"})
    assert s.state == t and s.view()["taken"] == 1
    s.command({"command": "last"})
    assert s.view()["status"] == "normal" and s.state == parse("[A].[B]")
    assert s.view()["message"] == "normal form after 2 steps"


def test_a_redex_inside_parentheses_is_highlighted_with_them() -> None:
    s = make_stepper("([A] ; [B]) ; (<x>.<y>.[x].[y])", mode="reduce")
    for option in s.view()["options"]:
        assert option["parts"] is not None and "".join(option["parts"]) == s.view()["term"]
    push_seq = next(o for o in s.view()["options"] if o["rule"] == "push-seq")
    assert push_seq["parts"][1] == "([A] ; [B])"  # with the parentheses it is printed with


def test_reduction_by_a_rule_set_and_the_rmcs_rules() -> None:
    s = make_stepper("[A].<x>.[x].[x]", mode="reduce", rules=FMC.only("beta"))
    assert s.view()["calculus"] == FMC.only("beta").name
    s.last()
    assert s.state == parse("[A].[A]")
    term = parse_rmc("([a] + [b]) ; <a>")
    r = make_stepper(term, mode="reduce")
    view = r.view()
    assert view["calculus"] == "RMC" and [o["rule"] for o in view["options"]] == [n for n, _, _ in reducts(term, RMC)]
    for option in view["options"]:
        assert option["parts"] is None or "".join(option["parts"]) == rmc_text(term)
    r.last()
    assert r.view()["status"] == "normal"


def test_reduction_fuel_and_errors() -> None:
    s = make_stepper(OMEGA, mode="reduce", fuel=5)
    assert s.last() == 5 and s.view()["status"] == "out_of_fuel"
    with pytest.raises(ValueError, match="memory"):
        make_stepper(SWAP, {"λ": ["A"]}, mode="reduce")
    with pytest.raises(ValueError, match="RuleSet"):
        make_stepper(SWAP, mode="reduce", rules=3)  # type: ignore[arg-type]


# -- the widget (needs anywidget) -----------------------------------------------------------------


def test_the_widget_handles_the_front_ends_messages() -> None:
    pytest.importorskip("anywidget")
    w = mc.stepper(SWAP)
    assert w.view["term"] == to_unicode(parse(SWAP)) and w.view["error"] == "" and w.source == SWAP
    for _ in range(3):
        w._on_message(w, {"command": "forward"}, [])
    assert w.view["step"] == 3 and w.view["rule"] == "pop"
    w._on_message(w, {"command": "back"}, [])
    assert w.view["step"] == 2 and w.view["label"] == "push"
    w.command({"command": "choose", "index": 9})
    assert "no option 9" in w.view["error"] and w.view["step"] == 2
    w.command({"command": "load", "text": "[A].<x"})
    assert w.view["error"].startswith("<input>:1:7: expected '>'") and "^" in w.view["error"]
    assert w.view["step"] == 2 and w.source == SWAP  # the old run stays
    w.command({"command": "load", "text": "[C].<x>.[x]out"})
    assert w.view["error"] == "" and w.view["step"] == 0 and w.source == "[C].<x>.[x]out"
    w.command({"command": "last"})
    assert w.view["memory"] == [["out", ["C"], 1]]


def test_bad_text_shows_its_positioned_error_in_the_widget() -> None:
    pytest.importorskip("anywidget")
    w = mc.stepper("[A].[B")
    assert w.stepper is None and w.view["error"].startswith("<input>:1:7") and w.view["kind"] is None
    w.command({"command": "forward"})
    assert "no term" in w.view["error"]
    w.command({"command": "load", "text": "[A].[B]"})
    assert w.view["kind"] == "machine" and w.view["error"] == ""


def test_the_widget_loads_text_in_its_terms_calculus_and_ships_its_front_end() -> None:
    pytest.importorskip("anywidget")
    w = mc.stepper(parse_rmc("[a] + [b]"))
    assert w.source == "[a] + [b]" and w.view["calculus"] == "RMC"
    w.command({"command": "load", "text": "new x. [x] ; <f(y)>"})
    assert w.view["calculus"] == "RMC" and w.view["error"] == ""
    r = mc.stepper(SWAP, mode="reduce")
    assert r.view["kind"] == "reduce" and r.view["options"][0]["parts"] is not None
    assert "export default" in str(w._esm) and ".mcs" in str(w._css)
