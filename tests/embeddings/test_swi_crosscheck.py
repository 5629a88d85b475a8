"""A live cross-check against SWI-Prolog (``swipl`` on PATH; skipped where it is absent; CI
installs ``swi-prolog-nox``): the Prolog corpus and generated small pure programs, answered by
SWI-Prolog with the occurs check on and by ``solve_prolog``, compared in order (depth-first) or
as multisets (fair). SWI-Prolog is driven, and its answers formatted, by the fixture script
(``prolog/make_fixtures.py``), so a stored fixture and a live answer read alike."""

from __future__ import annotations

import importlib.util
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prolog_answers import assert_answers_agree, canon

from machine_calculus.embeddings.prolog.compiler import parse_program, parse_query
from machine_calculus.embeddings.prolog.run import solve_prolog

HERE = Path(__file__).resolve().parent / "prolog"
PROGRAMS = HERE.parents[2] / "examples" / "prolog"
CORPUS: list[dict[str, Any]] = json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))
CASES = [(entry, order) for entry in CORPUS for order in entry.get("orders", ["prolog", "fair"])]
FUEL = 2_000_000

pytestmark = [
    pytest.mark.swipl,
    pytest.mark.skipif(shutil.which("swipl") is None, reason="swipl is not installed (swi-prolog-nox)"),
]


def _fixture_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", HERE / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SWI = _fixture_script()


def swi_answers(program: Path, query: str, limit: int = 0, table: list[str] | None = None) -> list[dict[str, str]]:
    """SWI-Prolog's answers (occurs check on), as ``make_fixtures.py`` prints them; 0: all."""
    return SWI.swipl_answers(program, query, limit, table or [])


@pytest.mark.parametrize(("entry", "order"), CASES, ids=[f"{e['query']} [{o}]" for e, o in CASES])
def test_corpus_answers_agree_with_live_swi_prolog(entry: dict[str, Any], order: str) -> None:
    path = PROGRAMS / entry["program"]
    expected = swi_answers(path, entry["query"], entry.get("limit", 0), entry.get("table"))
    program = parse_program(path.read_text(encoding="utf-8"), source=entry["program"])
    cover = entry.get("compare") == "cover"  # SWI-Prolog tabled: the set the fair stream must reach
    assert_answers_agree(
        program, parse_query(entry["query"]), order, expected, limit=entry.get("limit"), cover=cover, fuel=FUEL
    )


# -- generated programs ----------------------------------------------------------------------------
# Predicates p0/1, p1/2, p2/1, p3/2: a clause of p_i calls only p_j with j < i (and =/2), so every
# program terminates depth-first with finitely many answers; heads repeat variables and build s/1
# and f/2 terms, so the occurs check decides some unifications.

PREDICATES = (("p0", 1), ("p1", 2), ("p2", 1), ("p3", 2))
LIMIT = 30


def terms(variables: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Mostly variables and a few constants; now and then s(T), f(T, T) or [T|T]."""
    leaves = st.one_of(st.sampled_from(variables), st.sampled_from(("a", "b", "0")))
    return st.one_of(
        leaves,
        leaves.map(lambda t: f"s({t})"),
        st.tuples(leaves, leaves).map(lambda p: f"f({p[0]}, {p[1]})"),
        st.tuples(leaves, leaves).map(lambda p: f"[{p[0]}|{p[1]}]"),
    )


def call(level: int, variables: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A goal in a clause of predicate ``level`` (or a query, when ``level`` is past the last):
    a call of a lower predicate (most often), or ``T1 = T2``."""
    unification = st.tuples(terms(variables), terms(variables)).map(lambda p: f"{p[0]} = {p[1]}")
    calls = [
        st.lists(terms(variables), min_size=arity, max_size=arity).map(lambda a, n=name: f"{n}({', '.join(a)})")
        for name, arity in PREDICATES[:level]
    ]
    return st.one_of(*calls, *calls, unification) if calls else unification


@st.composite
def programs(draw: st.DrawFn) -> str:
    lines = []
    for level, (name, arity) in enumerate(PREDICATES):
        for _ in range(draw(st.integers(1, 3))):
            variables = ("X", "Y", "Z")
            head = f"{name}({', '.join(draw(st.lists(terms(variables), min_size=arity, max_size=arity)))})"
            body = draw(st.lists(call(level, variables), max_size=2 if level else 0))
            lines.append(f"{head} :- {', '.join(body)}." if body else f"{head}.")
    return "\n".join(lines) + "\n"


@st.composite
def queries(draw: st.DrawFn) -> str:
    """One or two goals over the variables A and B (each a call, or a unification)."""
    goals = draw(st.lists(call(len(PREDICATES), ("A", "B")), min_size=1, max_size=2))
    return ", ".join(goals)


@settings(max_examples=40)
@given(programs(), queries())
def test_generated_programs_agree_with_live_swi_prolog(source: str, query: str) -> None:
    """Depth-first: SWI-Prolog's first answers (at most LIMIT), in its order; fair: the same
    answers as a multiset, where SWI-Prolog gave them all."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.pl"
        path.write_text(source, encoding="utf-8")
        expected = swi_answers(path, query, LIMIT)
    depth_first = solve_prolog(source, query, order="prolog", limit=LIMIT, fuel=FUEL)
    assert not depth_first.out_of_fuel
    assert list(depth_first.answers) == expected, f"program:\n{source}query: {query}"
    if len(expected) < LIMIT:
        fair = solve_prolog(source, query, order="fair", fuel=FUEL)
        assert fair.exhausted and Counter(map(canon, fair.answers)) == Counter(map(canon, expected))
