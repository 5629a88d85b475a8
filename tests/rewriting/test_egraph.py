"""The egglog bridge (de Bruijn indices, explicit substitution) and the calculi's theories: the
round trip on generated terms, alpha-equivalent terms as one e-node, the laws of state proved
from the FMC's laws, Kleene algebra and push/pop unification for the RMC, and soundness: what the
e-graph proves equal runs alike on the machine. Never "unequal" from a bounded search.

CI: 200 generated examples for the round trip, 60 (FMC) and 30 (RMC) for soundness (each builds
an e-graph)."""

from __future__ import annotations

from egglog import EGraph
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.syntax import SKIP, Pop, Push
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.strategies import fmc3_terms, memories, rmc_terms
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.fmc import fast
from machine_calculus.rewriting.egraph import Bridge, marked
from machine_calculus.rewriting.extraction import extract, snapshot
from machine_calculus.rewriting.rules import canonical, normal_form, reducts
from machine_calculus.rewriting.theories import equal

# The laws of state (docs/types-and-effects.md) in the encoding c := N  is  c<_>.[N]c,  !c  is  c<x>.[x]c.[x]
LAWS_OF_STATE = [
    ("update then lookup returns the value", "c<_>.[V]c ; c<x>.[x]c.[x]", "c<_>.[V]c.[V]"),
    ("two updates keep the last", "c<_>.[V]c ; c<_>.[W]c", "c<_>.[W]c"),
    (
        "lookups of distinct cells commute",
        "c<x>.[x]c.d<y>.[y]d.[x].[y]",
        "d<y>.[y]d.c<x>.[x]c.[x].[y]",
    ),
    ("updates of distinct cells commute", "c<_>.[V]c ; d<_>.[W]d", "d<_>.[W]d ; c<_>.[V]c"),
    ("lookup then update of the same value does nothing", "c<x>.[x]c ; c<_>.[V]c", "c<_>.[V]c"),
]


def test_the_laws_of_state_are_proved() -> None:
    for law, left, right in LAWS_OF_STATE:
        proof = equal(parse(left), parse(right))
        assert proof, (law, str(proof))
        assert "proved by the FMC's laws" in str(proof)


def test_fmc_beta_across_locations_and_delta() -> None:
    assert equal(parse("[1]a.[2]b.a<x>.b<y>.[x].[y]"), parse("[1].[2]"))
    assert equal(parse("[2].[3].- ; [4]"), parse("[1].[4]"))
    assert equal(parse("[[1].<z>.[z]]c.c<x>.x"), parse("[1]"))


def test_kleene_algebra_is_proved() -> None:
    for left, right in [
        ("[a] ; ([b] + [c])", "[a] ; [c] + [a] ; [b]"),
        ("([a] + 0) ; *", "[a]"),
        ("0 ; [a] + [b] ; 0", "0"),
        ("([a])*", "* + [a] ; [a]*"),
        ("(([a] + [b]) ; [c])*", "* + ([a] ; [c] + [b] ; [c]) ; (([a] + [b]) ; [c])*"),
    ]:
        proof = equal(parse_rmc(left), parse_rmc(right))
        assert proof and "proved" in str(proof), (left, right)


def test_push_pop_unification_laws() -> None:
    assert equal(parse_rmc("[f(a, b)] ; <f(a, b)>"), parse_rmc("*"))
    assert equal(parse_rmc("[f(a)] ; <g(a)>"), parse_rmc("0"))
    assert equal(parse_rmc("[f(a, b)] ; <f(a, c)>"), parse_rmc("0"))
    assert equal(parse_rmc("[f(a, b)]l ; [c]m ; l<f(a, b)>"), parse_rmc("[c]m"))
    assert equal(parse_rmc("([a] + [b]) ; <a>"), parse_rmc("*"))


def test_alpha_equivalent_terms_are_one_node() -> None:
    bridge = Bridge()
    assert bridge.encode(parse_rmc("new x. new y. [f(x, y)]")) == bridge.encode(parse_rmc("new u. new v. [f(u, v)]"))
    assert bridge.encode(parse("<x>.<y>.[x]")) != bridge.encode(parse("<x>.<y>.[y]"))
    assert equal(parse_rmc("new x. <x> + new y. <y>"), parse_rmc("new z. <z>"))


def test_a_bounded_search_never_says_unequal() -> None:
    proof = equal(parse_rmc("[a]"), parse_rmc("[b]"))
    assert not proof and "not found" in str(proof)
    proof = equal(parse_rmc("[a]*"), parse_rmc("[a]* ; [a]*"), iterations=3)
    assert not proof and "not found" in str(proof)


@given(st.one_of(fmc3_terms(max_depth=5), rmc_terms(max_depth=5)))
def test_the_bridge_round_trip(t: Term) -> None:
    """Into an e-graph (no rules) and back by extraction: the same term, up to alpha."""
    bridge, egraph = Bridge(), EGraph()
    egraph.register(marked(bridge.encode(t, egraph)))
    assert extract(bridge, snapshot(egraph), lambda head: 1)[0] == t


@settings(max_examples=settings.default.max_examples * 3 // 10)  # 60 in CI, 1,500 deep
@given(fmc3_terms(max_depth=4, closed=True, loops=False), st.data(), memories())
def test_what_the_egraph_proves_equal_runs_alike(t: Term, data: st.DataObject, memory) -> None:
    """Soundness: a reduct of ``t`` (or another generated term) proved equal to ``t`` gives the
    same machine result."""
    steps = reducts(t)
    # A term in normal form is compared with a redex that reduces to it, [*].<v>.t (t is
    # closed), so that every example is proved equal and none is filtered out.
    other = data.draw(st.sampled_from([r for _, _, r in steps])) if steps else Push(SKIP, "λ", Pop("λ", "v", t))
    proof = equal(t, other, iterations=6, max_nodes=3_000)
    assume(proof)
    a, b = fast.run(t, memory, fuel=3000), fast.run(other, memory, fuel=3000)
    assume(a.status != "out_of_fuel" and b.status != "out_of_fuel")
    assert a.status == b.status
    if a.done:
        assert a.exit == b.exit and set(a.memory) == set(b.memory)
        for loc, values in a.memory.items():
            assert len(values) == len(b.memory[loc])
            for u, v in zip(values, b.memory[loc], strict=True):  # values equal up to reduction
                nu, nv = normal_form(u, fuel=500), normal_form(v, fuel=500)
                assert nu is None or nv is None or canonical(nu) == canonical(nv)


def test_a_term_put_in_twice_is_one_eclass() -> None:
    """Node-at-a-time insertion: a compiled While program (many repeated sub-terms) put into an
    e-graph twice is one e-class (egglog-python's own sharing once broke this)."""
    from egglog import eq

    from machine_calculus.embeddings.imperative.compiler import compile_program
    from machine_calculus.embeddings.imperative.parser import parse_while

    term = compile_program(parse_while("a = 1071; b = 462; while (b != 0) { r = a % b; a = b; b = r; } print(a);"))
    for _ in range(3):
        bridge, egraph = Bridge(), EGraph()
        first = bridge.encode(term, egraph)
        assert egraph.check_bool(eq(first).to(bridge.encode(term, egraph)))


@settings(
    max_examples=settings.default.max_examples * 3 // 20,  # 30 in CI, 750 deep
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(rmc_terms(closed=True, star=False, max_depth=4), st.data())
def test_what_the_rmc_laws_prove_equal_has_the_same_answers(left: Term, data: st.DataObject) -> None:
    """Soundness of Kleene algebra and push/pop unification: a term proved equal to ``0``, ``⋆``,
    a generated term or one of its RMC reducts has the same answers on the relational machine."""
    from machine_calculus.calculus.rmc.syntax import FAIL
    from machine_calculus.machine.rmc.small_step import solve
    from machine_calculus.rewriting.rmc_rules import RMC, canonical_memory

    candidates = [FAIL, SKIP, *(r for _, _, r in reducts(left, RMC)[:3])]
    right = data.draw(st.sampled_from(candidates) | rmc_terms(closed=True, star=False, max_depth=2))
    proof = equal(left, right, iterations=5, max_nodes=1_000)
    assume(proof)

    def answers(t: Term) -> set[str]:
        return {repr(sorted(canonical_memory(dict(a.memory)).items())) for a in solve(t).answers}

    assert answers(left) == answers(right)
