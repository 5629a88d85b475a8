"""Terms nested 100,000 deep go through every operation of ``calculus/`` without a RecursionError.

Python's recursion limit is lowered while these run, so a recursive traversal anywhere would fail.
The cyclic garbage collector is paused too, as ``calculus`` itself does around bulk construction
(``calculus/collector.py``): terms never form cycles, and otherwise the collector rescans the deep
terms the fixtures keep alive again and again, which would only measure the collector.
Each shape is parsed once per module (about a second), then printed, re-parsed, compared, hashed,
substituted into and normalized.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from machine_calculus.calculus.fmc.parser import parse, parse_program
from machine_calculus.calculus.fmc.printer import to_ascii, to_latex, to_unicode
from machine_calculus.calculus.fmc.sequencing import is_normal, normalize
from machine_calculus.calculus.fmc.syntax import Term, Var, sequence_of
from machine_calculus.calculus.terms import fold, free_variables, iter_preorder, size, substitute

N = 100_000

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def low_recursion_limit() -> Iterator[None]:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(500)
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        sys.setrecursionlimit(old)


@dataclass(frozen=True)
class Shape:
    source: str  # ASCII source
    printed: str  # what the ASCII printer gives back
    free: frozenset[str]
    size: int
    normal: bool  # is the parsed term already in the papers' normal form?


def _pops() -> Shape:
    binders = "".join(f"<x{i}>." for i in range(1, N + 1))
    return Shape(binders + "[x1].y", binders + "[x1].y", frozenset({"y"}), N + 3, True)


SHAPES = {
    "push chain": Shape("[a]." * N + "*", "[a]." * (N - 1) + "[a]", frozenset({"a"}), 2 * N + 1, True),
    "long sequence": Shape(" ; ".join(["x"] * N), " ; ".join(["x"] * N), frozenset({"x"}), 2 * N - 1, True),
    "nested pushes": Shape("[" * N + "z" + "]" * N, "[" * N + "z" + "]" * N, frozenset({"z"}), 2 * N + 1, True),
    "deep pops": _pops(),
    "left-nested sequence": Shape(
        "(" * N + "x" + " ; x)" * N,
        "(" * (N - 1) + "x" + " ; x)" * (N - 1) + " ; x",
        frozenset({"x"}),
        2 * N + 1,
        False,
    ),
}


@pytest.fixture(scope="module", params=list(SHAPES))
def deep(request: pytest.FixtureRequest) -> tuple[Shape, Term]:
    shape = SHAPES[request.param]
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(500)
    try:
        return shape, parse(shape.source)
    finally:
        sys.setrecursionlimit(old)


def test_parse_print_and_round_trip(deep: tuple[Shape, Term]) -> None:
    shape, term = deep
    ascii_text = to_ascii(term)
    assert ascii_text == shape.printed
    again = parse(ascii_text)
    assert again == term and term == again
    assert hash(again) == hash(term)
    unicode_text = to_unicode(term)
    assert unicode_text == ascii_text.replace("<", "⟨").replace(">", "⟩").replace("*", "⋆")
    if unicode_text != ascii_text:  # else parsing it again would repeat the ASCII round trip
        assert parse(unicode_text) == term
    latex = to_latex(term)
    assert isinstance(latex, str) and len(latex) >= len(ascii_text)
    assert repr(term).startswith(type(term).__name__ + "(")


def test_traversals_and_free_variables(deep: tuple[Shape, Term]) -> None:
    shape, term = deep
    assert size(term) == shape.size
    assert sum(1 for _ in iter_preorder(term)) == shape.size
    depth = fold(term, lambda _n, sub: 1 + max(sub, default=0))
    assert depth >= N
    assert free_variables(term) == shape.free
    assert hash(term) == hash(term.func(*term.args))
    assert {term: 1}[term.func(*term.args)] == 1


def test_substitution(deep: tuple[Shape, Term]) -> None:
    shape, term = deep
    (x,) = shape.free
    assert substitute(term, {"unused": Var("q")}) is term
    # x1 is a binder of the deep pops: there the substitution must rename it
    other = substitute(term, {x: Var("x1")})
    assert free_variables(other) == {"x1"}
    assert other != term and term != other
    assert hash(other) == hash(term)  # names do not enter the hash, so == had to look all the way


def test_normalize(deep: tuple[Shape, Term]) -> None:
    shape, term = deep
    assert is_normal(term) is shape.normal
    normal = normalize(term)
    assert is_normal(normal)
    assert free_variables(normal) == shape.free
    assert normalize(normal) == normal
    if shape.normal:
        assert normal == term
    else:  # the left-nested sequence becomes the right-nested one
        assert normal != term
        assert normal == sequence_of(*[Var("x")] * (N + 1))


def test_substitution_renames_nested_binders_in_linear_time() -> None:
    # {y/x}(<y>.<y>. ... <y>.x): every y binder must change, or the innermost would capture y
    term = parse("<y>." * N + "x")
    result = substitute(term, {"x": Var("y")})
    assert free_variables(result) == {"y"}
    # variants of the user's name, all distinct, so the final y is free
    assert to_ascii(result) == "".join(f"<y{i}>." for i in range(1, N + 1)) + "y"


def test_sequencing_renames_nested_pops_in_linear_time() -> None:
    # (<x>.[x]. ... <x>.[x].x) ; x: the free x of the continuation must stay free at every level
    term = parse("(" + "<x>.[x]." * N + "x) ; x")
    normal = normalize(term)
    assert is_normal(normal)
    assert free_variables(normal) == {"x"}
    expected = "".join(f"<x{i}>.[x{i}]." for i in range(1, N)) + f"<x{N}>.[x{N}].(x{N} ; x)"
    assert to_ascii(normal) == expected


def test_a_long_file_of_definitions() -> None:
    count = 20_000
    lines = ["d0 = [A]out"] + [f"d{i} = d{i - 1} ; [A]out" for i in range(1, count)] + [f"d{count - 1}"]
    program = parse_program("\n".join(lines))
    assert len(program.definitions) == count
    term = program.term()
    assert to_ascii(normalize(term)) == "[A]out." * (count - 1) + "[A]out"
