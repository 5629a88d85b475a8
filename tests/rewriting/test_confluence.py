"""The confluence checker: classic systems with known answers, soundness on generated TRSs
(a NO's witness is real; a YES system shows no term with two normal forms), the LPO, the TRS
format's errors and the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.rmc.firstorder import FVar, fn
from machine_calculus.calculus.terms import Term, free_variables, size
from machine_calculus.cli.main import main
from machine_calculus.rewriting.confluence import check_confluence, critical_pairs, lpo_greater, terminates_by_lpo
from machine_calculus.rewriting.engine import replace_at, subterm_at
from machine_calculus.rewriting.trs import (
    TRS,
    RewriteRule,
    normal_form,
    normal_forms,
    parse_trs,
    reachable,
    rewrite_steps,
    subterms,
    term_position,
)

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "trs").glob("*.trs"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_classic_systems_get_their_known_answer(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = re.search(r"Expected: (YES|NO|MAYBE)", text).group(1)  # type: ignore[union-attr]
    assert check_confluence(parse_trs(text, path.name)).answer == expected


def test_the_test_set_has_every_answer() -> None:
    answers = [re.search(r"Expected: (\w+)", p.read_text()).group(1) for p in EXAMPLES]  # type: ignore[union-attr]
    assert len(EXAMPLES) >= 10 and {"YES", "NO", "MAYBE"} <= set(answers)


def test_critical_pairs_of_a_self_overlap() -> None:
    (pair,) = critical_pairs(parse_trs("(VAR x) (RULES f(f(x)) -> g(x))"))
    # f(f(f(x))) rewrites at the root to g(f(x)) and inside to f(g(x)); the variable is renamed apart
    (x,) = free_variables(pair.peak)
    v = FVar(x)
    assert pair.peak == fn("f", fn("f", fn("f", v)))
    assert {pair.left, pair.right} == {fn("g", fn("f", v)), fn("f", fn("g", v))}


def test_lpo() -> None:
    x, y = FVar("x"), FVar("y")
    rank = {"i": 2, "m": 1, "e": 0}
    assert lpo_greater(fn("m", fn("m", x, y), FVar("z")), fn("m", x, fn("m", y, FVar("z"))), rank)
    assert lpo_greater(fn("i", fn("m", x, y)), fn("m", fn("i", y), fn("i", x)), rank)
    assert not lpo_greater(x, fn("e"), rank) and not lpo_greater(fn("m", x, y), FVar("z"), rank)
    assert terminates_by_lpo(parse_trs("(RULES a -> b b -> a)")) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(VAR x) (RULES x -> f(x))", "left-hand side is a variable"),
        ("(VAR x y) (RULES f(x) -> g(y))", "are not on the left"),
        ("(RULES f(a) g(b))", "expected '->'"),
        ("(RULES f(a) -> b | c == d)", "conditional rules"),
        ("(THEORY (AC plus))", "THEORY section is not supported"),
        ("(RULES f(a -> b)", "unclosed section"),
        ("(FOO)", "unknown section"),
    ],
)
def test_bad_trs_files_are_refused_with_the_place(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_trs(text)


@pytest.mark.parametrize(
    ("text", "column", "found"),
    [
        ("(RULES f(x) -> g(,))", 18, ","),  # a missing argument is not the symbol ','
        ("(RULES f(x) -> g(a,))", 20, ")"),
        ("(RULES f(,) -> a)", 10, ","),
        ("(RULES a -> ( ))", 13, "("),
        ("(RULES a -> g(()))", 15, "("),
        ("(RULES a -> ( )", 2, None),  # the section is not closed: the place is its opening
    ],
)
def test_malformed_right_sides_are_positioned_parse_errors(text: str, column: int, found: str | None) -> None:
    with pytest.raises(ParseError) as caught:
        parse_trs(text)
    assert (caught.value.line, caught.value.column) == (1, column)
    if found is not None:
        assert caught.value.message == f"expected a term, found {found!r}"


# -- soundness on generated systems -------------------------------------------------------------


def first_order(variables: tuple[str, ...], leaves: int) -> st.SearchStrategy[Term]:
    """Terms over f/1, g/1, h/2, a, b (and ``variables``)."""
    atoms = [fn("a"), fn("b"), *(FVar(v) for v in variables)]
    return st.recursive(
        st.sampled_from(atoms),
        lambda inner: st.one_of(
            inner.map(lambda t: fn("f", t)),
            inner.map(lambda t: fn("g", t)),
            st.builds(lambda u, v: fn("h", u, v), inner, inner),
        ),
        max_leaves=leaves,
    )


ground_terms = first_order((), 5)
open_terms = first_order(("x", "y"), 3)


@st.composite
def systems(draw: st.DrawFn) -> TRS:
    rules = []
    for _ in range(draw(st.integers(1, 3))):
        left = draw(open_terms.filter(lambda t: not isinstance(t, FVar)))
        right = draw(open_terms.filter(lambda t, left=left: free_variables(t) <= free_variables(left)))
        rules.append(RewriteRule(left, right))
    return TRS(tuple(rules), frozenset({"x", "y"}))


@given(systems(), st.lists(ground_terms, min_size=1, max_size=3))
@settings(deadline=None)
def test_no_wrong_answers_on_generated_systems(trs: TRS, probes: list[Term]) -> None:
    verdict = check_confluence(trs, search_limit=100, max_size=40)
    if verdict.answer == "NO":  # the witness: a peak, its two reducts, two distinct normal forms reached
        pair = next(p for p in critical_pairs(trs) if str(p) == verdict.evidence[0])
        reducts = {v for _, _, v in rewrite_steps(trs, pair.peak)}
        assert pair.left in reducts and pair.right in reducts
        reached, _ = normal_forms(trs, pair.peak, 100, 40)
        reached |= {t for t in (normal_form(trs, pair.left, 100, 40), normal_form(trs, pair.right, 100, 40)) if t}
        by_text = {str_term(t): t for t in reached}
        shown = verdict.evidence[1].removeprefix("normal forms: ").split(" and ")
        assert len(set(shown)) == 2 and set(shown) <= set(by_text)
        assert all(next(rewrite_steps(trs, by_text[s]), None) is None for s in shown)
    if verdict.answer == "YES":  # no probe term shows two normal forms
        for probe in probes:
            forms, complete = normal_forms(trs, probe, 100, 40)
            if complete:
                assert len(forms) <= 1, (probe, forms, verdict)


def str_term(t: Term) -> str:
    from machine_calculus.calculus.rmc.firstorder import term_text

    return term_text(t)


@given(first_order(("x",), 6), ground_terms)
def test_first_order_positions_are_the_engines_term_positions(t: Term, new: Term) -> None:
    for sub, position in subterms(t):
        assert subterm_at(t, term_position(position)) == sub
        replaced = replace_at(t, term_position(position), new)
        assert subterm_at(replaced, term_position(position)) == new
        assert [p for _, p in subterms(replaced) if p[: len(position)] != position] == [
            p for _, p in subterms(t) if p[: len(position)] != position
        ]  # elsewhere the same positions


def test_a_first_order_position_in_the_term_interface() -> None:
    t = fn("h", fn("a"), fn("f", fn("b")))
    assert term_position(()) == () and term_position((1, 0)) == (1, 1, 0, 1, 0)
    assert replace_at(t, term_position((1, 0)), FVar("x")) == fn("h", fn("a"), fn("f", FVar("x")))


def test_rewriting_steps_and_reachability() -> None:
    trs = parse_trs("(VAR x) (RULES f(x) -> g(x) a -> b)")
    steps = list(rewrite_steps(trs, fn("f", fn("a"))))
    assert [(str(rule), path) for rule, path, _ in steps] == [("f(x) -> g(x)", ()), ("a -> b", (0,))]
    found, complete = reachable(trs, fn("f", fn("a")))
    assert complete and len(found) == 4


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    groups = str(Path(__file__).resolve().parents[2] / "examples" / "trs" / "groups.trs")
    assert main(["confluence", groups]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "YES" and "Newman" in out[1]
    assert main(["confluence", "(RULES a -> b a -> c)"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "NO",
        "terminating (LPO with a > c > b) with a critical pair whose normal forms differ",
    ]
    assert main(["confluence", "(RULES a ->)"]) == 2


# -- the limits and the places the mutation run (docs/mutation.md) found untested ---------------


def test_a_symbol_outside_the_precedence_is_below_every_ranked_one() -> None:
    """``lpo_greater``'s precedence ranks the symbols it lists; one it does not list ranks -1,
    below them all (and two unlisted symbols are incomparable): f(a) >lpo c by f > c."""
    assert lpo_greater(fn("f", fn("a")), fn("c"), {"f": 0, "a": 1})
    assert not lpo_greater(fn("c"), fn("d"), {"f": 0}) and not lpo_greater(fn("d"), fn("c"), {"f": 0})


def test_the_evidence_shows_twenty_critical_pairs_and_the_verdict_keeps_them_all() -> None:
    """Six copies of ``a -> b``: 6 * 5 trivial critical pairs, so weakly orthogonal (YES); the
    text evidence lists the first 20, ``pairs`` all 30."""
    verdict = check_confluence(parse_trs("(RULES" + " a -> b" * 6 + ")"))
    assert verdict.answer == "YES"
    assert verdict.reason == "left-linear and weakly orthogonal (every critical pair is trivial): confluent (Huet)"
    assert len(verdict.pairs) == 30 and verdict.evidence == tuple(f"critical pair: {p}" for p in verdict.pairs[:20])


def test_a_normal_form_out_of_fuel_is_a_maybe_with_every_pair() -> None:
    """Terminating (LPO) but no normal form is computed within ``search_limit`` 0 steps: MAYBE,
    never a YES or NO, still with every critical pair."""
    trs = parse_trs("(RULES a -> b a -> c)")
    verdict = check_confluence(trs, search_limit=0)
    assert (verdict.answer, verdict.reason) == ("MAYBE", "terminating, but a normal form took too long to compute")
    assert verdict.pairs == tuple(critical_pairs(trs)) and len(verdict.pairs) == 2 and verdict.witness is None


def test_no_criterion_applies_maybe_with_its_reason() -> None:
    """huet.trs: not left-linear, not terminating, no critical pair to witness a NO."""
    verdict = check_confluence(parse_trs((EXAMPLES[0].parent / "huet.trs").read_text(encoding="utf-8")))
    assert verdict.answer == "MAYBE"
    assert verdict.reason == "not orthogonal, no termination proof, and no witness of non-confluence found"
    assert verdict.text().splitlines() == [verdict.answer, verdict.reason]


def test_the_json_verdict() -> None:
    """``Verdict.to_json`` (docs/json.md): the answer, the reason, every pair, the witness (its
    peak, its two normal forms, the pair) and the evidence lines."""
    assert check_confluence(parse_trs("(RULES a -> b a -> c)")).to_json() == {
        "answer": "NO",
        "reason": "terminating (LPO with a > c > b) with a critical pair whose normal forms differ",
        "critical_pairs": [
            {"peak": "a", "left": "b", "right": "c", "rules": ["a -> b", "a -> c"]},
            {"peak": "a", "left": "c", "right": "b", "rules": ["a -> c", "a -> b"]},
        ],
        "witness": {
            "term": "a",
            "normal_forms": ["b", "c"],
            "pair": {"peak": "a", "left": "b", "right": "c", "rules": ["a -> b", "a -> c"]},
        },
        "evidence": ["b <- a -> c", "normal forms: b and c"],
    }


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("(RULES f(a))", 11, "expected '->' in a rule"),  # at the body's last token, the ')' of f(a)
        ("(RULES f(a)(b) -> a)", 12, "unexpected '(' after a term"),
        ("(RULES f(a b) -> a)", 12, "expected ',' or ')' in the arguments"),
        ("(VAR x) RULES", 9, "expected '(' to open a section, found 'RULES'"),
        ("(CONDITIONTYPE JOIN)", 2, "the CONDITIONTYPE section is not supported (plain first-order TRSs only)"),
    ],
)
def test_trs_errors_point_at_the_offending_token(text: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_trs(text)
    assert (caught.value.message, caught.value.line, caught.value.column) == (message, 1, column)


def test_the_search_bounds_are_inclusive() -> None:
    """``reachable`` keeps a term of exactly ``max_size`` nodes and drops a larger one (the
    search is then incomplete); ``normal_forms`` passes both bounds on."""
    trs = parse_trs("(RULES a -> f(a) a -> c)")
    found, complete = reachable(trs, fn("a"), max_size=size(fn("f", fn("a"))))
    assert found == {fn("a"), fn("f", fn("a")), fn("c"), fn("f", fn("c"))} and not complete  # not f(f(a))
    big = parse_trs("(RULES a -> f(f(f(b))) a -> c)")
    assert normal_forms(big, fn("a"), 2_000, size(fn("c"))) == ({fn("c")}, False)
    # the limit of two terms is reached at a's second reduct
    assert normal_forms(big, fn("a"), 2, 200) == ({fn("f", fn("f", fn("f", fn("b"))))}, False)


def test_an_error_on_a_later_line_has_that_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse_trs("(VAR x)\n(FOO)\n(RULES a -> b)")
    assert (caught.value.message, caught.value.line, caught.value.column) == ("unknown section (FOO", 2, 2)


def test_a_signature_is_skipped_and_empty_parentheses_are_a_constant() -> None:
    """``SIG`` (like ``COMMENT``) is read and ignored; ``a()`` is the constant ``a``."""
    trs = parse_trs("(SIG (f 1) (a 0)) (RULES f(a()) -> a)")
    assert trs.rules == (RewriteRule(fn("f", fn("a")), fn("a")),)
