"""FMC III's reduction rules: each rule on examples, soundness against the machine,
and confluence (one-step reducts of a loop-free term reach the same normal form)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.syntax import Const, Loop, Push, Skip, Term
from machine_calculus.calculus.strategies import fmc3_terms, fmc_terms, memories
from machine_calculus.machine.fmc import fast
from machine_calculus.rewriting.rules import FMC, RULES, canonical, normal_form, reducts, replace_at, subterm_at


def names(text: str) -> list[tuple[str, str]]:
    return [(rule, to_ascii(result)) for rule, _, result in reducts(parse(text))]


@pytest.mark.parametrize(
    ("text", "rule", "result"),
    [
        ("[1]a.[2]b.a<x>.b<y>.[x].[y]", "beta", "[2]b.b<y>.[1].[y]"),
        ("[z]a.<z>.a<x>.[x].[z]", "beta", "<z1>.[z].[z1]"),  # the pop of C is renamed, not z captured
        ("A ; {A -> x | B -> y}", "jump", "x"),
        ("C ; {A -> x}", "jump", "C"),
        ("* ; x", "jump", "x"),
        ("([y].A) ; {A -> x}", "push-seq", "[y].(A ; {A -> x})"),
        ("(<x>.x) ; x", "pop-seq", "<x1>.(x1 ; x)"),
        ("(z ; {A -> x}) ; y", "seq-seq", "z ; {A -> x ; y | * -> y}"),
        ("(z ; {_ -> x}) ; y", "seq-seq", "z ; {_ -> x ; y}"),
        ("x^A", "unfold", "x ; {A -> x^A}"),
        ("x^*", "unfold", "x ; x^*"),
        ("[2].[5].-", "delta", "[3]"),
        ("[2].[5].- ; x", "delta", "[3] ; x"),
        ("[2].[5].(- ; x)", "delta", "[3].(* ; x)"),
        ("x ; *", "unit", "x"),
        ("$n ; {* -> * | 0 -> y}", "unit", "$n ; {0 -> y}"),
        ("<f>.(f ; {* -> * | _ -> *})", "redundant", "<f>.(f ; {_ -> *})"),  # found by the deep profile
        ("<f>.(f ; {* -> <x>.x | A -> B | _ -> <y>.y})", "redundant", "<f>.(f ; {A -> B | _ -> <y>.y})"),
        ("[True].[*]a.not", "delta", "[*]a.[False]"),  # found by the deep profile
    ],
)
def test_rules(text: str, rule: str, result: str) -> None:
    assert (rule, to_ascii(parse(result))) in names(text)


def test_no_rule_where_the_spec_has_none() -> None:
    assert names("$n ; {1 -> x | _ -> y}") == []  # undetermined: not a redex
    assert names("$n ; {* -> x | 1 -> y}") == [("jump", "$n ; {1 -> y}")]  # but ⋆ can never be met
    assert names("[True].[1].+") == []  # delta only where the primitive is defined
    assert names("[N]a.[P]a.b<y>.y") == []  # a push on a stops beta across
    assert names("x ; {* -> * | _ -> y}") == []  # there ⋆ -> ⋆ keeps ⋆ from the default
    assert {r.name for r in RULES} == {
        "beta",
        "jump",
        "push-seq",
        "pop-seq",
        "seq-seq",
        "unfold",
        "delta",
        "unit",
        "redundant",
    }


def test_positions() -> None:
    t = parse("[A].(x ; (B ; {B -> y}))")
    ((_rule, position, result),) = [r for r in reducts(t) if r[0] == "jump"]
    assert subterm_at(t, position) == parse("B ; {B -> y}") and result == replace_at(t, position, parse("y"))


def _spine(t: Term) -> list[tuple[int, ...]]:
    """Positions the machine runs through: push and pop bodies, the first part of a sequence."""
    out, position, node = [()], (), t
    while True:
        kind = type(node).__name__
        i = {"Push": 2, "Pop": 2, "Seq": 0, "Case": 0}.get(kind)
        if i is None:
            return out
        position, node = (*position, i), node.args[i]
        out.append(position)


@given(fmc3_terms(max_depth=6), memories())
def test_reduction_on_the_machine_spine_preserves_the_run(t: Term, memory: dict[str, tuple[Term, ...]]) -> None:
    """Machine = reduction: reducing where the machine will run does not change how it ends."""
    before = fast.run(t, memory, fuel=5000)
    assume(before.status != "out_of_fuel")
    spine = set(_spine(t))
    for rule, position, reduct in reducts(t):
        if position not in spine:
            continue
        after = fast.run(reduct, memory, fuel=5000)
        if after.status == "out_of_fuel":
            continue
        assert after.status == before.status, (rule, to_ascii(t), to_ascii(reduct))
        if before.done:
            assert (after.exit, after.memory) == (before.exit, before.memory), (rule, to_ascii(t))


@given(fmc3_terms(max_depth=5, closed=True))
def test_confluence(t: Term) -> None:
    """Every one-step reduct of a loop-free term reaches the same normal form (when it has one)."""
    assume(not any(isinstance(n, Loop) for n in _nodes(t)))
    forms = {canonical(f) for _, _, r in reducts(t)[:6] if (f := normal_form(r, fuel=300)) is not None}
    assert len(forms) <= 1, [to_ascii(f) for f in forms if f is not None]


@given(fmc_terms(max_depth=5, closed=True))
def test_local_confluence_of_the_fmc(t: Term) -> None:
    """The FMC of part I (beta and the sequencing rules): every one-step peak joins, each of a
    term's reducts has the same normal form."""
    forms = {canonical(f) for _, _, r in reducts(t, FMC)[:6] if (f := normal_form(r, fuel=300, rules=FMC)) is not None}
    assert len(forms) <= 1, [to_ascii(f) for f in forms]


def pushes(memory: dict[str, tuple[Term, ...]], t: Term) -> Term:
    """``[v1]a. ... .[vn]a. ... t``: the memory's pushes (each stack bottom first) before ``t``."""
    for loc, items in reversed(list(memory.items())):
        for v in reversed(items):
            t = Push(v, loc, t)
    return t


def read_off(form: Term) -> tuple[dict[str, tuple[Term, ...]], Term] | None:
    """The memory and the exit a normal form ``[v1]a. ... .[vn]b.⋆`` (or ``... .j``) stands for,
    or None if it is not made of pushes."""
    memory: dict[str, list[Term]] = {}
    while isinstance(form, Push):
        memory.setdefault(form.location, []).append(form.term)
        form = form.body
    if not isinstance(form, Skip | Const):
        return None
    return {loc: tuple(v) for loc, v in memory.items()}, form


@given(fmc3_terms(max_depth=5, closed=True, loops=False), memories())
def test_the_machine_result_is_read_off_the_normal_form(t: Term, memory: dict[str, tuple[Term, ...]]) -> None:
    """Machine = reduction: when the machine runs ``t`` on ``memory`` to the end, the normal form
    of ``pushes(memory).t`` is the final memory's pushes followed by the exit (values in
    normal form)."""
    run = fast.run(t, memory, fuel=5000)
    assume(run.done)
    form = normal_form(pushes(memory, t), fuel=3000)
    assume(form is not None)
    read = read_off(form)
    assert read is not None, (to_ascii(t), to_ascii(form))
    final, exit_ = read
    assert exit_ == run.exit, (to_ascii(t), to_ascii(form))
    expected = {}
    for loc, values in run.memory.items():
        forms = [normal_form(v, fuel=1000) for v in values]
        assume(all(f is not None for f in forms))
        if forms:
            expected[loc] = tuple(canonical(f) for f in forms)  # type: ignore[arg-type]
    got = {loc: tuple(canonical(v) for v in values) for loc, values in final.items() if values}
    assert got == expected, (to_ascii(t), to_ascii(form))


def _nodes(t: Term) -> list[Term]:
    from machine_calculus.calculus.terms import iter_preorder

    return list(iter_preorder(t))
