"""Extension per use: a variable's type may be extended below at each run (the spec's
composition "where the vectors may be extended below by the same types on both sides"), and a
pushed constant may be typed as its jump.

- the examples the monomorphic inference rejected, with their types and their runs;
- soundness on a generator of terms whose variable runs at several depths: a typed term's run
  ends, and its final memory has the stack depths the type gives;
- the CBN and CBV images of closed simply typed lambda-terms (checked by a reference
  Hindley-Milner inference over the lambda-calculus) are typable, and their runs end.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.fmc.syntax import Name, Term
from machine_calculus.calculus.fmc.types import (
    Arrow,
    Base,
    TypingError,
    has_type,
    infer,
    input_memory,
    pretty_type,
    typed,
)
from machine_calculus.calculus.strategies import fmc_terms, terms
from machine_calculus.embeddings.lam import App, Lam, LConst, LVar, cbn, cbv, parse_lambda
from machine_calculus.embeddings.lam_types import cbn_type, cbv_type, pretty_simple, simple_type
from machine_calculus.machine.fmc import fast, small_step

FUEL = 1_000_000


def type_text(source: str) -> str:
    return pretty_type(infer(parse(source)).type)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # ⋆'s thunk run twice, at two depths: it pushes ⋆ each time
        ("[[*]].<x>.x.x", "ε ⇒ λ((ρ ⇒ ρ) (ρ ⇒ ρ))"),
        # the constant 3 run through the identity twice, at two depths
        ("[3].[<x>.x].<f>.<a>.[[a].f].f", "ρ ⇒ {int: ρ}"),
        ("[3].<x>.x", "ρ ⇒ {int: ρ}"),
        # a thunk that writes on out, run twice: out at two depths
        ("[[A]out].<x>.x.x", "ε ⇒ out(name name)"),
        # typed as before where each variable runs at one depth
        ("<x>.<y>.[x].[y]", "λ(t u) ⇒ λ(u t)"),
        ("<x>.x.x", "ρ·λ((ρ ⇒ ρ)) ⇒ ρ"),
    ],
)
def test_the_examples_type(source: str, expected: str) -> None:
    assert type_text(source) == expected


def test_a_constant_run_through_a_variable_exits_with_it() -> None:
    result = fast.run(parse("[3].[<x>.x].<f>.<a>.[[a].f].f"), fuel=100)
    assert result.status == "done" and result.exit is not None and to_unicode(result.exit) == "3"


@pytest.mark.parametrize(
    ("source", "encoding", "expected"),
    [
        (r"(\f a b. (\p q. p) (f a) (f b)) (\x. x) (\z. z) (\z. z)", cbv, "ε ⇒ λ((λ(t) ⇒ λ(t)))"),
        (r"(\f a. f (f a)) (\x. x) C", cbn, "ρ ⇒ {name: ρ}"),
        (r"(\f a. f (f a)) (\x. x) C", cbv, "ε ⇒ λ(name)"),
    ],
)
def test_encoded_programs_type(source: str, encoding: Any, expected: str) -> None:
    term = encoding(parse_lambda(source))
    typing = infer(term)
    assert pretty_type(typing.type) == expected
    assert fast.run(term, fuel=FUEL).status == "done"


def test_a_variable_run_at_many_depths_is_typed() -> None:
    """20,000 runs, each one item deeper: extension per use, in linear time (an instance's memory
    and its extension share their tail, compared at once)."""
    n = 20_000
    typing, inference = typed(parse("[*].<x>.(" + " ; ".join(["[A].x"] * n) + ")"))
    assert inference.extend and typing.type.output.stack("λ") == (Base("name"),) * n


def test_recursion_stays_untypable() -> None:
    with pytest.raises(TypingError, match="contain itself"):
        infer(parse("[<x>.[x].x].<x>.[x].x"))


# -- soundness on variables run at several depths ---------------------------------------------------

PADS = st.sampled_from(["[1].", "[A].", "[[*]].", "[<y>.y].", "[<y>.<z>.[z]].", "[[2]]."])


@st.composite
def several_depths(draw: st.DrawFn) -> Term:
    """``[V].<x>.(P1 x ; P2 x ; ...)``: a closed value V run after pads of different heights."""
    value = to_unicode(draw(fmc_terms(closed=True, max_depth=4)))
    runs = draw(st.lists(st.lists(PADS, max_size=3).map("".join), min_size=2, max_size=4))
    body = " ; ".join(f"{pad}x" for pad in runs)
    return parse(f"[{value}].<x>.({body})")


def depths(memory_type: Any) -> dict[str, int]:
    return {loc: len(items) for loc, items in memory_type.stacks if items}


@given(several_depths())
def test_typed_runs_at_several_depths_end_as_typed(term: Term) -> None:
    try:
        t = infer(term).type
    except TypingError:
        assume(False)
        return
    assert isinstance(t, Arrow)
    memory = input_memory(t)
    for run in (fast.run, small_step.run):
        result = run(term, memory, fuel=FUEL)
        assert result.status in ("done", "stuck"), pretty_type(t)
        if result.status == "stuck":  # only a primitive's run-time error
            assert "primitive" in (result.reason or "") or "operand" in (result.reason or ""), result.reason
        elif result.exit is None or to_unicode(result.exit) == "⋆":
            assert {loc: len(s) for loc, s in result.memory.items() if s} == depths(t.output), pretty_type(t)


# -- the lambda-calculus encodings ------------------------------------------------------------------


def simply_typable(term: Any) -> bool:
    """Hindley-Milner over the pure lambda-calculus, constants of one base type o (the reference)."""
    parent: dict[int, Any] = {}
    counter = iter(range(1, 1 << 30))

    def find(t: Any) -> Any:
        while isinstance(t, int) and t in parent:
            t = parent[t]
        return t

    def occurs(v: int, t: Any) -> bool:
        stack = [t]
        while stack:
            x = find(stack.pop())
            if x == v:
                return True
            if isinstance(x, tuple):
                stack.extend(x)
        return False

    def unify(a: Any, b: Any) -> bool:
        work = [(a, b)]
        while work:
            x, y = map(find, work.pop())
            if x == y:
                continue
            if isinstance(y, int):
                x, y = y, x
            if isinstance(x, int):
                if occurs(x, y):
                    return False
                parent[x] = y
            elif x == "o" or y == "o":
                return False
            else:
                work.extend(zip(x, y, strict=True))
        return True

    def infer_lambda(t: Any, env: dict[str, Any]) -> Any:
        if isinstance(t, LVar):
            return env[t.name]
        if isinstance(t, LConst):
            return "o"
        if isinstance(t, Lam):
            a = next(counter)
            body = infer_lambda(t.body, {**env, t.variable: a})
            return None if body is None else (a, body)
        f, x = infer_lambda(t.function, env), infer_lambda(t.argument, env)
        r = next(counter)
        return None if f is None or x is None or not unify(f, (x, r)) else r

    return infer_lambda(term, {}) is not None


LAMBDA_TERMS = terms(
    [LVar, Lam, App, LConst], {"constant": st.sampled_from([Name("A"), Name("B")])}, max_depth=6, closed=True
)


@given(LAMBDA_TERMS)
def test_images_of_simply_typed_terms_are_typed(term: Any) -> None:
    assume(simply_typable(term))
    a = simple_type(term)
    for encode, translate in ((cbn, cbn_type), (cbv, cbv_type)):
        image = encode(term)
        try:
            t: Any = infer(image).type
        except TypingError:  # an open parameter inference cannot size: checked against its type
            t = translate(a)
            assert has_type(image, t), (encode.__name__, pretty_simple(a))
        result = fast.run(image, input_memory(t) if isinstance(t, Arrow) else {}, fuel=FUEL)
        assert result.status != "out_of_fuel", (encode.__name__, pretty_type(t))
