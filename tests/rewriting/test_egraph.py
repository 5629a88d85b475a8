"""The egglog bridge and Kleene-algebra equality on RMC terms: proved laws, alpha-equivalence,
and "not found" (never "unequal") when the laws do not reach."""

from __future__ import annotations

from calculus.rmc.parser import parse_rmc
from rewriting.egraph import canonical_binders, equal


def test_laws_are_proved() -> None:
    for left, right in [
        ("[a] ; ([b] + [c])", "[a] ; [c] + [a] ; [b]"),
        ("([a] + 0) ; *", "[a]"),
        ("0 ; [a] + [b] ; 0", "0"),
        ("([a])*", "* + [a] ; [a]*"),
        ("(([a] + [b]) ; [c])*", "* + ([a] ; [c] + [b] ; [c]) ; (([a] + [b]) ; [c])*"),
    ]:
        proof = equal(parse_rmc(left), parse_rmc(right))
        assert proof and "proved" in str(proof), (left, right)


def test_alpha_equivalent_terms_are_one_node() -> None:
    a, b = parse_rmc("new x. new y. [f(x, y)]"), parse_rmc("new u. new v. [f(u, v)]")
    assert canonical_binders(a) == canonical_binders(b) and canonical_binders(a).variable == "⟨2⟩"  # type: ignore[attr-defined]
    assert equal(parse_rmc("new x. <x> + new y. <y>"), parse_rmc("new z. <z>"))


def test_a_bounded_search_never_says_unequal() -> None:
    proof = equal(parse_rmc("[a]"), parse_rmc("[b]"))
    assert not proof and "does not mean unequal" in str(proof)
