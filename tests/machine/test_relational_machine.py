"""The relational machine (docs/rmc.md): its examples, machine = a reference relational
semantics, the converse relation, choice and failure, fairness beside infinite branches, fuel,
limits, traces of one branch, and deep terms."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rmc_reference import canonical, relation

from benchmarks.generators import rmc_events
from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Seq
from machine_calculus.calculus.rmc.firstorder import FVar, fn, term_text
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.rmc.syntax import FAIL, Choice, New, Pop, Push, converse
from machine_calculus.calculus.rmc.unify import unify_all
from machine_calculus.calculus.strategies import LOCATIONS, first_order_terms, rmc_programs, rmc_terms
from machine_calculus.machine.rmc.small_step import RULE_NAMES, Search, is_fresh, solve, trace

NATURALS = "[z] ; (new n. (<n> ; [s(n)]))*"


def peano(n: int) -> str:
    return "s(" * n + "z" + ")" * n


def main_stacks(answers) -> list[list[str]]:
    return [a.texts().get(DEFAULT, []) for a in answers]


# -- the examples of docs/rmc.md ------------------------------------------------------------------


def test_naturals_are_enumerated_in_order_and_a_limit_leaves_the_stream_open() -> None:
    result = solve(parse_rmc(NATURALS), limit=3)
    assert main_stacks(result) == [["z"], ["s(z)"], ["s(s(z))"]]
    assert not result.exhausted and not result.out_of_fuel
    assert result.to_json()["answers"][2] == {"stacks": {"λ": ["s(s(z))"]}}
    assert main_stacks(solve(parse_rmc(NATURALS), limit=20))[19] == [peano(19)]


def test_unification_binds_both_sides() -> None:
    result = solve(parse_rmc("new x. new y. ([f(x, b)] ; <f(a, y)> ; [y])"))
    assert result.to_json() == {
        "answers": [{"stacks": {"λ": ["b"]}}],
        "exhausted": True,
        "steps": result.steps,
        "out_of_fuel": False,
    }


def test_a_clash_has_no_answer_and_choice_keeps_the_branch_that_unifies() -> None:
    none = solve(parse_rmc("[a] ; <b>"))
    assert none.answers == () and none.exhausted
    one = solve(parse_rmc("([a] + [b]) ; <a>"))
    assert [a.memory for a in one] == [{}] and one.exhausted


def test_successor_and_predecessor_are_converse() -> None:
    successor = parse_rmc("new x. (<x> ; [s(x)])")
    predecessor = converse(successor)
    assert predecessor == parse_rmc("new x. (<s(x)> ; [x])")
    two = parse_rmc("[s(s(z))]").item  # type: ignore[attr-defined]
    assert main_stacks(solve(successor, {DEFAULT: [two]})) == [["s(s(s(z)))"]]
    assert main_stacks(solve(predecessor, {DEFAULT: [two]})) == [["s(z)"]]
    assert solve(predecessor, {DEFAULT: [fn("z")]}).answers == ()


def test_peano_addition_runs_forwards_and_backwards() -> None:
    add = parse_rmc(
        "(new x y. (<y> ; <x> ; [x]a ; [y]b)) ; (new x y. (a<s(x)> ; b<y> ; [x]a ; [s(y)]b))*"
        " ; new y. (a<z> ; b<y> ; [y])"
    )
    two, three = parse_rmc(f"[{peano(2)}]").item, parse_rmc(f"[{peano(3)}]").item  # type: ignore[attr-defined]
    forwards = solve(add, {DEFAULT: [two, three]})
    assert main_stacks(forwards) == [[peano(5)]] and forwards.exhausted
    backwards = solve(converse(add), {DEFAULT: [parse_rmc(f"[{peano(3)}]").item]})  # type: ignore[attr-defined]
    assert backwards.exhausted
    assert sorted(map(tuple, main_stacks(backwards))) == sorted((peano(i), peano(3 - i)) for i in range(4))


def test_unbound_fresh_variables_are_renamed_canonically_and_the_callers_keep_their_names() -> None:
    result = solve(parse_rmc("new x. [x] ; new y. [g(y, y)]"))
    assert main_stacks(result) == [["_1", "g(_2, _2)"]]
    mine = solve(Seq(Push(FVar("_1"), DEFAULT), parse_rmc("new x. [x]")))
    assert main_stacks(mine) == [["_1", "_2"]]
    bound = solve(parse_rmc("new x. ([f(x)] ; <f(b)>) ; [c]"), {"a": [FVar("Q")]})
    assert bound[0].texts() == {"λ": ["c"], "a": ["Q"]}
    assert not any(is_fresh(name) for name in ("x", "_1", "Q")) and is_fresh("x₁₂")


# -- machine = reference semantics ----------------------------------------------------------------

ground = first_order_terms(max_depth=2)
memories = st.dictionaries(st.sampled_from(list(LOCATIONS)), st.lists(ground, max_size=3).map(tuple), max_size=2)


def inputs(*, star: bool = True, max_depth: int = 4) -> st.SearchStrategy:
    """(term, memory): programs built to run (pops that unify or clash, new variables bound by
    them, choices, loops, M ; M†), or arbitrary closed terms on an arbitrary ground memory."""
    return st.one_of(
        rmc_programs(star=star), st.tuples(rmc_terms(closed=True, star=star, max_depth=max_depth), memories)
    )


def answer_texts(answers) -> Counter[str]:
    return Counter(canonical(dict(a.memory)) for a in answers)


@given(inputs(star=False, max_depth=5))
def test_machine_gives_the_reference_relation_without_star(run) -> None:
    term, memory = run
    result = solve(term, memory)
    rmc_events(result)
    assert result.exhausted
    assert answer_texts(result) == Counter(canonical(m) for m in relation(term, memory))


@given(inputs())
@settings(deadline=None)
def test_every_answer_of_star_unfolded_twice_is_found(run) -> None:
    term, memory = run
    expected = Counter(canonical(m) for m in relation(term, memory, star_depth=2))
    missing = Counter(expected)
    search = Search(term, memory, fuel=200_000)
    for answer in search if missing else ():
        missing -= Counter([canonical(dict(answer.memory))])
        if not missing:
            break
    assert not missing, f"not found within {search.steps} steps: {sorted(missing)}"


@given(rmc_terms(closed=True, star=False, max_depth=4), rmc_terms(closed=True, star=False, max_depth=4), memories)
def test_answers_of_a_choice_are_those_of_each_side(m, n, memory) -> None:
    assert answer_texts(solve(Choice(m, n), memory)) == answer_texts(solve(m, memory)) + answer_texts(solve(n, memory))


@given(inputs())
def test_failure_has_no_answers_and_annihilates(run) -> None:
    m, memory = run
    for term in (FAIL, Seq(FAIL, m), Seq(m, FAIL)):
        result = solve(term, memory, fuel=4_000)
        assert result.answers == ()
        assert result.exhausted or term != FAIL


@given(inputs(star=False, max_depth=5))
def test_the_converse_runs_back_to_the_initial_memory(run) -> None:
    """S -M-> S' implies S' -M†-> T with S an instance of T (S is ground)."""
    m, memory = run
    for answer in solve(m, memory, limit=4):
        back = solve(converse(m), answer.memory)
        assert back.exhausted
        assert any(_instance_of(dict(memory), dict(t.memory)) for t in back), (answer, back.answers)


def _instance_of(ground_memory: dict, general: dict) -> bool:
    locations = {loc for loc, items in {**ground_memory, **general}.items() if items}
    pairs = []
    for loc in locations:
        xs, ys = ground_memory.get(loc, ()), general.get(loc, ())
        if len(xs) != len(ys):
            return False
        pairs.extend(zip(xs, ys, strict=True))
    return unify_all(pairs) is not None


# -- fairness, orders, fuel ----------------------------------------------------------------------

NO_ANSWERS_EVER = "[z] ; (new n. (<n> ; [s(n)]))* ; <a>"  # an infinite branch that never answers


def test_the_fair_order_answers_beside_an_infinite_branch() -> None:
    term = parse_rmc(f"({NO_ANSWERS_EVER}) + [a]")
    fair = solve(term, limit=1, fuel=10_000)
    assert main_stacks(fair) == [["a"]]
    stuck = solve(term, limit=1, fuel=10_000, order="depth-first")
    assert stuck.answers == () and stuck.out_of_fuel and not stuck.exhausted


def test_every_answer_of_two_infinite_streams_comes() -> None:
    evens = "[z] ; (new n. (<n> ; [s(s(n))]))*"
    odds = "[s(z)] ; (new n. (<n> ; [s(s(n))]))*"
    result = solve(parse_rmc(f"({evens}) + ({odds})"), limit=10)
    assert sorted(main_stacks(result), key=lambda s: len(s[0])) == [[peano(i)] for i in range(10)]


def test_depth_first_order_is_left_to_right() -> None:
    term = parse_rmc("([a] + [b]) ; ([c] + [d])")
    dfs = solve(term, order="depth-first")
    assert main_stacks(dfs) == [["a", "c"], ["a", "d"], ["b", "c"], ["b", "d"]]
    assert Counter(map(tuple, main_stacks(solve(term)))) == Counter(map(tuple, main_stacks(dfs)))
    with pytest.raises(ValueError, match="order"):
        Search(term, order="sideways")  # type: ignore[arg-type]


def test_fuel_stops_the_search_and_more_fuel_resumes_it() -> None:
    search = Search(parse_rmc(NATURALS), fuel=20)
    first = list(search)
    assert search.out_of_fuel and not search.exhausted and search.steps == 20
    search.fuel = 200
    more = [next(search) for _ in range(3)]
    assert [a.texts()["λ"] for a in first + more][: len(first) + 3] == [[peano(i)] for i in range(len(first) + 3)]
    assert solve(parse_rmc(NATURALS), limit=0).answers == ()


def test_limit_equal_to_the_number_of_answers() -> None:
    term = parse_rmc("[a] + [b]")
    assert len(solve(term, limit=2)) == 2
    assert solve(term).exhausted


# -- traces ------------------------------------------------------------------------------------


@given(inputs())
def test_an_answers_path_replays_to_that_answer(run) -> None:
    term, memory = run
    result = solve(term, memory, limit=3, fuel=20_000)
    rmc_events(result)
    for answer in result:
        replay = trace(term, memory, path=answer.path)
        assert replay.status == "answer"
        assert canonical(dict(replay.answer.memory)) == canonical(dict(answer.memory))  # type: ignore[union-attr]
        assert set(replay.rules()) <= set(RULE_NAMES)


def test_a_trace_names_rules_and_why_a_branch_failed() -> None:
    t = trace(parse_rmc("[a] ; <b>"))
    assert t.rules() == ["seq", "push", "skip"] and t.status == "failed"
    assert t.reason == "pop: b does not unify with a"
    star = trace(parse_rmc(NATURALS), path=(1, 1, 0))
    assert star.status == "answer" and star.answer is not None and star.answer.texts() == {"λ": ["s(s(z))"]}
    assert [s.label() for s in star.steps if s.branch is not None] == ["star → again", "star → again", "star → ⋆"]
    empty = trace(parse_rmc("a<x>"))
    assert empty.reason == "pop from the empty stack at location a"
    assert trace(parse_rmc(NATURALS), path=(1,) * 50, fuel=30).status == "out_of_fuel"
    with pytest.raises(ValueError):
        trace(SKIP, path=(2,))


def test_a_failed_branch_names_the_rule_that_failed() -> None:
    """A branch ends failed at a pop whose pattern does not unify with the top (rule pop) or at 0
    (rule fail, reason ``0 (failure)``); each is one step: push, skip, then the failing rule."""
    clash = trace(parse_rmc("[a] ; <b>"))
    assert clash.failed_rule == "pop"
    assert clash.status_line() == "branch failed after 3 steps: pop: b does not unify with a"
    zero = trace(parse_rmc("[a] ; 0"))
    assert (zero.status, zero.failed_rule, zero.reason) == ("failed", "fail", "0 (failure)")
    assert zero.status_line() == "branch failed after 3 steps: 0 (failure)"


def test_answers_show_their_stacks_and_the_search_its_steps() -> None:
    """An answer prints each nonempty location (λ first) as ``loc: [bottom, ..., top]``, or
    ``∅ (empty memory)``; the search's status line counts answers and steps in the singular
    and plural: ``[a]`` is one push step, ``[a] + [b]`` a choice and two pushes."""
    one = solve(parse_rmc("[a]"))
    assert (one.steps, one.status_line()) == (1, "1 answer in 1 step, exhausted (no other answers)")
    two = solve(parse_rmc("[a] + [b]"))
    assert (two.steps, two.status_line()) == (3, "2 answers in 3 steps, exhausted (no other answers)")
    assert [str(a) for a in solve(parse_rmc("[a] ; [c]b ; [d]"))] == ["λ: [a, d]  b: [c]"]
    assert str(solve(SKIP)[0]) == "∅ (empty memory)" and solve(SKIP).steps == 0
    assert (
        trace(parse_rmc("[a] ; [c]b")).status_line() == "answer after 4 steps: λ: [a]  b: [c]"
    )  # seq, push, skip, push


def test_a_states_continuation_is_shown_with_its_environment_applied() -> None:
    """``new x. ([x] ; ⟨y⟩ ; [x])``: after new and seq the continuation holds ``⟨y⟩ ; [x]`` under
    the environment {x ↦ x₁}, shown as ``⟨y⟩ ; [x₁]``, and the current term as ``[x₁]``."""
    from machine_calculus.calculus.rmc.printer import rmc_text

    state = trace(parse_rmc("new x. ([x] ; <y> ; [x])")).steps[1].state
    assert [rmc_text(t) for t in state.continuation_terms()] == ["⟨y⟩ ; [x₁]"]
    assert rmc_text(state.current_term()) == "[x₁]"


def test_a_trace_labels_forks_and_counts_its_steps() -> None:
    """A choice taken right is labelled ``choice → right``; a traced answer carries the number of
    steps; the default fuel is 10,000 steps."""
    right = trace(parse_rmc("[a] + [b]"), path=(1,))
    assert [s.label() for s in right.steps] == ["choice → right", "push"]
    assert right.answer is not None and right.answer.steps == 2 and right.answer.texts() == {"λ": ["b"]}
    endless = trace(parse_rmc(NATURALS), path=(1,) * 20_000)
    assert endless.status == "out_of_fuel" and len(endless.steps) == 10_000


def test_the_forks_taken_survive_a_pop_and_fresh_names_drop_the_stems_subscript() -> None:
    """An answer's path is the forks taken, also when a pop follows them: ``([a] + [b]) ; ⟨a⟩``
    answers by the left branch only, path (0,). A fresh variable is the stem without its
    subscript digits and the next number: x₃ gives x₁, then y gives y₂."""
    from machine_calculus.machine.rmc.small_step import FreshSupply

    assert [a.path for a in solve(parse_rmc("([a] + [b]) ; <a>"))] == [(0,)]
    fresh = FreshSupply()
    assert (fresh("x₃"), fresh("y")) == (FVar("x₁"), FVar("y₂"))


def test_one_step_of_zero_stops_failed() -> None:
    """``step`` (the public one-step function) on 0: a Stop with status failed by rule fail."""
    from machine_calculus.machine.rmc.small_step import FreshSupply, initial_state, step

    stop = step(initial_state(FAIL), FreshSupply())
    assert (stop.status, stop.rule, stop.reason) == ("failed", "fail", "0 (failure)")  # type: ignore[union-attr]


def test_a_term_outside_the_rmc_is_refused_by_the_step() -> None:
    from machine_calculus.calculus.fmc.syntax import Var

    with pytest.raises(TypeError, match="not an RMC term: Var"):
        solve(Var("x"))


# -- deep terms --------------------------------------------------------------------------------


@pytest.mark.slow
def test_deep_terms_run_without_recursion() -> None:
    depth = 100_000
    successor = New("x", Seq(Pop(DEFAULT, FVar("x")), Push(fn("s", FVar("x")), DEFAULT)))
    term: object = SKIP
    for _ in range(depth):
        term = Seq(successor, term)  # type: ignore[arg-type]
    result = solve(Seq(Push(fn("z"), DEFAULT), term), fuel=None)  # type: ignore[arg-type]
    assert result.exhausted and term_text(result[0].stack()[0]).count("s(") == depth
    nested = Push(FVar("x0"), DEFAULT)
    for i in range(depth):
        nested = New(f"x{i}", nested)  # type: ignore[assignment]
    assert solve(nested)[0].texts() == {"λ": ["_1"]}
