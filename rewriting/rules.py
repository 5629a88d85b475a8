"""The reduction rules of FMC III as named rules (spec fmc.md and fmc3.md), one-step reducts at
every position, and normal forms by leftmost-outermost (or leftmost-innermost) reduction with fuel.

    beta      [N]a.C.a⟨x⟩.M        ->  C.{N/x}M     C: pushes and pops on locations other than a
    jump      j ; C                ->  C(j)  if C catches j, else j      (⋆ ; M -> M, c ; M -> c)
    push-seq  ([N]a.M) ; C         ->  [N]a.(M ; C)
    pop-seq   (a⟨x⟩.M) ; C         ->  a⟨x⟩.(M ; C)  (x renamed away from the free variables of C)
    seq-seq   (N ; C1) ; C2        ->  N ; (C1 ∘ C2)  C1's branches followed by C2, then C2's
                                                     branches for the labels C1 does not catch
    unfold    M^j                  ->  M ; {j -> M^j}                (the only non-terminating rule)
    delta     [vn]...[v1].p        ->  [p(v1, ..., vn)]              (also before ; C)
    unit      N ; {⋆ -> ⋆ | C}     ->  N ; {C}   (N ; ⋆ -> N)          when C has no _

``unit`` is ours (the sequencing function's ``N ; ⋆ = N``): without it, ``($n ; ⋆) ; {0 -> ⋆}``
has two normal forms that differ by a branch ``⋆ -> ⋆``, which does nothing. Likewise ours: on a
symbolic label, whose branch is undetermined, ``jump`` drops the branches it can never meet
(``$n ; {⋆ -> M | 0 -> N}  ->  $n ; {0 -> N}``: a constant never exits ⋆).

A rule is data: its name and a function from a term to its reduct at the root (or None). Rules
see terms only through the generic term interface and the FMC's node classes, and positions are
paths of argument indices, so the rewriting issue's engine can take them as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from calculus.fmc.labels import UNDETERMINED, meets, select
from calculus.fmc.syntax import (
    ANY,
    DEFAULT,
    SKIP,
    STAR,
    Case,
    Const,
    Label,
    Loop,
    Pop,
    Prim,
    Push,
    Seq,
    Term,
    Var,
    case,
    frame_of,
)
from calculus.terms import free_variables, fresh_name, substitute, variable_names
from machine.primitives import PrimitiveError, arity, primitive_result

__all__ = ["RULES", "STRATEGIES", "Rule", "normal_form", "reducts", "replace_at", "subterm_at"]

Position = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule: ``apply(t)`` is the reduct of ``t`` at its root, or None."""

    name: str
    apply: Callable[[Term], Term | None]


def _beta(t: Term) -> Term | None:
    if not isinstance(t, Push):
        return None
    argument, location = t.term, t.location
    chain: list[Term] = []  # the actions C, outermost first
    node = t.body
    while True:
        if isinstance(node, Pop) and node.location == location:
            break
        if (isinstance(node, Push) and node.location != location) or isinstance(node, Pop):
            chain.append(node)
            node = node.body
        else:
            return None
    # rename a pop of C that would capture a free variable of N, then substitute, simultaneously
    danger = free_variables(argument)
    avoid = set(danger) | variable_names(t)
    renames: dict[str, Term] = {}
    actions: list[Term] = []
    for action in chain:
        if isinstance(action, Push):
            actions.append(Push(substitute(action.term, renames), action.location, SKIP))
            continue
        assert isinstance(action, Pop)
        y = action.variable
        renames.pop(y, None)  # y is bound afresh here
        if y in danger:
            z = fresh_name(y, avoid)
            avoid.add(z)
            renames[y] = Var(z)
            y = z
        actions.append(Pop(action.location, y, SKIP))
    renames.pop(node.variable, None)
    result = substitute(node.body, {**renames, node.variable: argument})
    for action in reversed(actions):
        if isinstance(action, Push):
            result = Push(action.term, action.location, result)
        else:
            result = Pop(action.location, action.variable, result)  # type: ignore[attr-defined]
    return result


def _jump(t: Term) -> Term | None:
    frame = frame_of(t)
    if frame is None:
        return None
    first = t.first  # type: ignore[attr-defined]
    if first == SKIP:
        label: Label = STAR
    elif isinstance(first, Const):
        label = first.value
    else:
        return None
    body = select(frame, label)
    if body is UNDETERMINED:  # a symbolic label: drop the branches it can never meet
        live = [(pattern, b) for pattern, b in frame if meets(label, pattern) is not False]
        if len(live) == len(frame):
            return None
        return case(first, *live) if live else first
    return first if body is None else body


def _push_seq(t: Term) -> Term | None:
    frame = frame_of(t)
    if frame is None or not isinstance(t.first, Push):  # type: ignore[attr-defined]
        return None
    push = t.first  # type: ignore[attr-defined]
    return Push(push.term, push.location, case(push.body, *frame))


def _pop_seq(t: Term) -> Term | None:
    frame = frame_of(t)
    if frame is None or not isinstance(t.first, Pop):  # type: ignore[attr-defined]
        return None
    pop = t.first  # type: ignore[attr-defined]
    x, body = pop.variable, pop.body
    outside: set[str] = set()
    for _, b in frame:
        outside |= free_variables(b)
    if x in outside:
        z = fresh_name(x, outside | variable_names(body))
        body, x = substitute(body, {x: Var(z)}), z
    return Pop(pop.location, x, case(body, *frame))


def _seq_seq(t: Term) -> Term | None:
    outer = frame_of(t)
    if outer is None:
        return None
    inner = frame_of(t.first)  # type: ignore[attr-defined]
    if inner is None:
        return None
    labels = [label for label, _ in inner]
    composed = [(label, case(body, *outer)) for label, body in inner]
    if ANY not in labels:
        composed += [(label, body) for label, body in outer if label not in labels]
    return case(t.first.first, *composed)  # type: ignore[attr-defined]


def _unfold(t: Term) -> Term | None:
    if not isinstance(t, Loop):
        return None
    return case(t.body, (t.label, t))


def _delta(t: Term) -> Term | None:
    values: list[Term] = []
    node = t
    while isinstance(node, Push) and node.location == DEFAULT:
        values.append(node.term)
        node = node.body
    if isinstance(node, Prim):
        rest: list[tuple[Label, Term]] | None = None
    elif isinstance(node, Seq | Case) and isinstance(node.first, Prim):
        rest, node = frame_of(node), node.first
    else:
        return None
    n = arity(node.name)
    if len(values) < n:
        return None
    arguments = values[len(values) - n :][::-1]  # v1 (pushed last, on top) first
    try:
        value = primitive_result(node.name, arguments)
    except PrimitiveError:
        return None
    result: Term = Push(value, DEFAULT, SKIP if rest is None else case(SKIP, *rest))
    for v in reversed(values[: len(values) - n]):
        result = Push(v, DEFAULT, result)
    return result


def _unit(t: Term) -> Term | None:
    frame = frame_of(t)
    if frame is None or any(label == ANY for label, _ in frame):
        return None
    kept = [(label, body) for label, body in frame if not (label == STAR and body == SKIP)]
    if len(kept) == len(frame):
        return None
    return case(t.first, *kept) if kept else t.first  # type: ignore[attr-defined]


RULES: tuple[Rule, ...] = (
    Rule("beta", _beta),
    Rule("jump", _jump),
    Rule("push-seq", _push_seq),
    Rule("pop-seq", _pop_seq),
    Rule("seq-seq", _seq_seq),
    Rule("unfold", _unfold),
    Rule("delta", _delta),
    Rule("unit", _unit),
)


def subterm_at(t: Term, position: Position) -> Term:
    for i in position:
        t = t.args[i]
    return t


def replace_at(t: Term, position: Position, new: Term) -> Term:
    """``t`` with the subterm at ``position`` replaced (iterative)."""
    spine = [t]
    for i in position[:-1] if position else ():
        spine.append(spine[-1].args[i])
    result = new
    for node, i in zip(reversed(spine), reversed(position), strict=False):
        args = list(node.args)
        args[i] = result
        result = node.func(*args)
    return result


def _positions(t: Term) -> Iterator[tuple[Position, Term]]:
    """Every position of ``t`` in leftmost-outermost order (preorder), with its subterm."""
    stack: list[tuple[Position, Term]] = [((), t)]
    while stack:
        position, node = stack.pop()
        yield position, node
        kids = [((*position, i), a) for i, a in enumerate(node.args) if isinstance(a, Term)]
        stack.extend(reversed(kids))


def _iter_reducts(t: Term, rules: tuple[Rule, ...]) -> Iterator[tuple[str, Position, Term]]:
    for position, node in _positions(t):
        if node.kind != "term":  # frames and argument chains are not redexes
            continue
        for rule in rules:
            r = rule.apply(node)
            if r is not None:
                yield rule.name, position, replace_at(t, position, r)


def reducts(t: Term, rules: tuple[Rule, ...] = RULES) -> list[tuple[str, Position, Term]]:
    """Every one-step reduct of ``t``: (rule name, position, result), leftmost-outermost first."""
    return list(_iter_reducts(t, rules))


def _innermost_first(t: Term, rules: tuple[Rule, ...]) -> tuple[str, Position, Term] | None:
    """The leftmost-innermost redex's step: the first redex in post-order (none inside it)."""
    found = None
    for name, position, result in _iter_reducts(t, rules):
        if found is None or _post_order_before(position, found[1]):
            found = (name, position, result)
    return found


def _post_order_before(p: Position, q: Position) -> bool:
    """Is position p visited before q in a left-to-right post-order?"""
    for a, b in zip(p, q, strict=False):
        if a != b:
            return a < b
    return len(p) > len(q)  # p below q: the inner one first


STRATEGIES = ("leftmost-outermost", "innermost")


def normal_form(
    t: Term, fuel: int = 1000, rules: tuple[Rule, ...] = RULES, strategy: str = "leftmost-outermost"
) -> Term | None:
    """The normal form by ``strategy`` (leftmost-outermost, or leftmost-innermost), or None if
    ``fuel`` steps do not reach it."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, not {strategy!r}")
    for _ in range(fuel):
        step = next(_iter_reducts(t, rules), None) if strategy == "leftmost-outermost" else _innermost_first(t, rules)
        if step is None:
            return t
        t = step[2]
    return None
