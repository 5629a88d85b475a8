"""Exact distributions over every coin, seeded sampling that converges to them, and the
outcome sets of non-deterministic runs."""

from __future__ import annotations

import random

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.embeddings.effects import biased_choice, choice
from machine_calculus.machine.fmc import effects, small_step
from machine_calculus.machine.fmc.result import Result

R = sympy.Rational


def out(result: Result) -> tuple[str, ...]:
    return tuple(to_ascii(v) for v in result.stack("out"))


def table(dist: effects.Distribution) -> dict[tuple[str, ...], sympy.Rational]:
    return {out(r): p for p, r in dist.entries}


def test_spec_example_5_distribution_and_outcomes() -> None:
    term = parse("rnd<b>.[[2]out].[[1]out].b")
    assert table(effects.distribution(term)) == {("1",): R(1, 2), ("2",): R(1, 2)}
    nd = parse("nd<b>.[[2]out].[[1]out].b")
    assert {out(r) for r in effects.outcomes(nd)} == {("1",), ("2",)}


def test_two_coins_give_a_quarter_each() -> None:
    term = parse("rnd<b>.[[2]out].[[1]out].b ; rnd<c>.[[B]out].[[A]out].c")
    dist = effects.distribution(term)
    assert table(dist) == {("1", "A"): R(1, 4), ("1", "B"): R(1, 4), ("2", "A"): R(1, 4), ("2", "B"): R(1, 4)}
    assert all(isinstance(p, sympy.Rational) for p, _ in dist.entries)
    assert dist.unexplored == 0


def test_equal_outcomes_merge() -> None:
    term = parse("rnd<b>.[[A]out].[[A]out].b ; rnd<c>.[[B]out].[*].c")
    assert table(effects.distribution(term)) == {("A",): R(1, 2), ("A", "B"): R(1, 2)}


@pytest.mark.parametrize("p", ["0", "1/4", "3/8", "1/2", "11/16", "1"])
def test_biased_choice_has_its_exact_bias(p: str) -> None:
    term = biased_choice(p, parse("[H]out"), parse("[T]out"))
    dist = effects.distribution(term)
    assert dist.probability(lambda r: out(r) == ("H",)) == R(p)
    assert dist.probability(lambda r: out(r) == ("T",)) == 1 - R(p)


def test_biased_choice_needs_a_dyadic_bias() -> None:
    with pytest.raises(ValueError, match="dyadic"):
        biased_choice("1/3", parse("*"), parse("*"))


@given(st.integers(0, 16))
def test_any_sixteenth(k: int) -> None:
    p = R(k, 16)
    dist = effects.distribution(biased_choice(p, parse("[H]out"), parse("[T]out")))
    assert dist.probability(lambda r: out(r) == ("H",)) == p


def test_seeded_sampling_converges_to_the_exact_distribution() -> None:
    term = biased_choice("3/8", parse("[H]out"), parse("[T]out"))
    rng = random.Random(2026)
    n = 4000
    heads = sum(out(effects.sample(term, rng=rng)) == ("H",) for _ in range(n))
    assert abs(heads / n - 3 / 8) < 0.03  # about 4 standard deviations
    again = [out(effects.sample(term, rng=random.Random(7))) for _ in range(3)]
    assert len(set(again)) == 1  # the same seed gives the same sample


def test_unbounded_coins_leave_unexplored_mass() -> None:
    """Flip until heads, by recursion through the store: every finite run has mass 1/2^k."""
    loop = "c<f>.[f]c.rnd<b>.[[A]out].[f].b"  # tails: run the cell again; heads: write A
    term = parse(f"c<_>.[{loop}]c ; {loop}")
    dist = effects.distribution(term, {"c": (parse("*"),)}, max_draws=6)
    assert dist.unexplored == R(1, 64)
    assert dist.probability(lambda r: r.done) == 1 - R(1, 64)


def test_the_small_step_machine_gives_the_same_distribution() -> None:
    term = choice(choice(parse("[1]out"), parse("[2]out")), parse("[3]out"))
    fast_table = table(effects.distribution(term))
    assert (
        fast_table
        == table(effects.distribution(term, run=small_step.run))
        == {
            ("1",): R(1, 4),
            ("2",): R(1, 4),
            ("3",): R(1, 2),
        }
    )


def test_user_given_coins_are_used_first() -> None:
    term = parse("rnd<b>.[[2]out].[[1]out].b ; rnd<c>.[[B]out].[[A]out].c")
    dist = effects.distribution(term, {"rnd": (effects.TRUE,)})
    assert table(dist) == {("1", "A"): R(1, 2), ("1", "B"): R(1, 2)}


def test_non_determinism_collects_every_final_memory() -> None:
    term = parse("nd<b>.[[1]out].[[2]out].b ; nd<c>.[[1]out].[*].c")
    assert {out(r) for r in effects.outcomes(term)} == {("1",), ("2",), ("1", "1"), ("2", "1")}
