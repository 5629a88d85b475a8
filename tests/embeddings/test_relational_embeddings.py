"""The RMC paper's other embeddings, each against a reference semantics on generated inputs:
regular expressions (against Python's re), Petri nets (reachable markings), Turing machines (a
reference simulator) and the kappa-calculus (a stack evaluator)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from machine_calculus.calculus.rmc.firstorder import FVar, fn
from machine_calculus.calculus.terms import Term
from machine_calculus.embeddings import kappa, petri, regex, turing

# -- regular expressions -----------------------------------------------------------------------

regexes = st.recursive(
    st.sampled_from([regex.Letter("a"), regex.Letter("b"), regex.Epsilon(), regex.Empty()]),
    lambda inner: st.one_of(
        st.builds(regex.Cat, inner, inner), st.builds(regex.Alt, inner, inner), st.builds(regex.Rep, inner)
    ),
    max_leaves=8,
)


@given(regexes, st.text(alphabet="ab", max_size=6))
@settings(deadline=None)
def test_a_regex_term_accepts_exactly_the_words_re_matches(r: regex.Regex, word: str) -> None:
    assert regex.accepts(r, word) == bool(re.fullmatch(regex.python_pattern(r), word))


def test_regex_examples() -> None:
    a, b = regex.Letter("a"), regex.Letter("b")
    nested = regex.Rep(regex.Rep(a))  # (a*)*: every turn consumes a letter, so the search is finite
    assert regex.accepts(nested, "aaa") and regex.accepts(nested, "") and not regex.accepts(nested, "ab")
    ab_star = regex.Rep(regex.Cat(a, b))
    assert regex.accepts(ab_star, "abab") and not regex.accepts(ab_star, "aba")


# -- Petri nets ------------------------------------------------------------------------------

places = st.sampled_from(["p", "q", "r"])
nets = st.lists(st.tuples(st.lists(places, max_size=2), st.lists(places, max_size=2)), min_size=1, max_size=3).map(
    petri.net_of
)
markings = st.dictionaries(places, st.integers(0, 2))


@given(nets, markings, st.integers(0, 3))
@settings(deadline=None)
def test_a_net_reaches_the_markings_of_the_reference(net: petri.Net, marking: dict, firings: int) -> None:
    assert petri.reachable_by_machine(net, marking, firings) == petri.reachable(net, marking, firings)


def test_petri_example() -> None:
    producer_consumer = petri.net_of([([], ["buffer"]), (["buffer", "ready"], ["ready", "done"])])
    found = petri.reachable_by_machine(producer_consumer, {"ready": 1}, 2)
    assert (("buffer", 1), ("ready", 1)) in found and (("done", 1), ("ready", 1)) in found
    assert (("done", 2), ("ready", 1)) not in found  # needs four firings


# -- Turing machines ---------------------------------------------------------------------------

SYMBOLS = ["0", "1", turing.BLANK]
machines = st.dictionaries(
    st.tuples(st.sampled_from(["q0", "q1"]), st.sampled_from(SYMBOLS)),
    st.tuples(st.sampled_from(["q0", "q1", turing.HALT]), st.sampled_from(SYMBOLS), st.sampled_from(["L", "R"])),
    min_size=1,
).map(turing.Machine)


@given(machines, st.text(alphabet="01", max_size=3), st.integers(0, 6))
@settings(deadline=None)
def test_a_turing_machine_ends_on_the_reference_tape(machine: turing.Machine, word: str, steps: int) -> None:
    expected = turing.simulate(machine, word, steps)
    assert turing.run_by_machine(machine, word, steps) == ([] if expected is None else [expected])


def test_binary_increment() -> None:
    """Go right to the end, then add one moving left."""
    rules = {
        ("q0", "0"): ("q0", "0", "R"),
        ("q0", "1"): ("q0", "1", "R"),
        ("q0", turing.BLANK): ("carry", turing.BLANK, "L"),
        ("carry", "1"): ("carry", "0", "L"),
        ("carry", "0"): (turing.HALT, "1", "L"),
        ("carry", turing.BLANK): (turing.HALT, "1", "L"),
    }
    machine = turing.Machine(rules)
    assert turing.simulate(machine, "1011", 20) == "[1] 1 0 0"
    assert turing.run_by_machine(machine, "1011", 20) == ["[1] 1 0 0"]
    # 11 + 1 = 100: the carry runs off the left end, writes 1 and halts moving left onto a blank
    assert turing.simulate(machine, "11", 20) == "[_] 1 0 0"
    assert turing.run_by_machine(machine, "11", 20) == ["[_] 1 0 0"]
    assert turing.run_by_machine(machine, "10", 20) == ["[1] 1"]  # 10 + 1 = 11, no carry
    assert turing.run_by_machine(machine, "1011", 3) == []  # not halted within 3 transitions


# -- the kappa-calculus ---------------------------------------------------------------------------


@st.composite
def kappa_programs(draw: st.DrawFn, scope: tuple[str, ...] = (), depth: int = 4) -> kappa.Program:
    def item(names: tuple[str, ...]) -> Term:
        leaves = [fn("a"), fn("b"), *(FVar(x) for x in names)]
        first = draw(st.sampled_from(leaves))
        return draw(st.sampled_from([first, fn("f", first), fn("g", first, draw(st.sampled_from(leaves)))]))

    kinds = ["id", "lift"] if depth <= 0 else ["id", "lift", "compose", "kappa"]
    kind = draw(st.sampled_from(kinds))
    if kind == "id":
        return kappa.Identity()
    if kind == "lift":
        return kappa.Lift(item(scope))
    if kind == "compose":
        return kappa.Compose(draw(kappa_programs(scope, depth - 1)), draw(kappa_programs(scope, depth - 1)))
    x = draw(st.sampled_from(["x", "y"]))
    return kappa.Kappa(x, draw(kappa_programs((*scope, x), depth - 1)))


@given(kappa_programs(), st.lists(st.sampled_from([fn("a"), fn("c"), fn("f", fn("b"))]), max_size=3))
def test_kappa_programs_end_on_the_reference_stack(program: kappa.Program, stack: list[Term]) -> None:
    expected = kappa.evaluate(program, stack)
    assert kappa.run_by_machine(program, stack) == ([] if expected is None else [expected])


def test_kappa_swap() -> None:
    swap = kappa.Kappa("x", kappa.Kappa("y", kappa.Compose(kappa.Lift(FVar("x")), kappa.Lift(FVar("y")))))
    assert kappa.run_by_machine(swap, [fn("a"), fn("b")]) == [[fn("b"), fn("a")]]
