"""The reduction rules of the FMC and FMC III (docs/introduction.md and docs/control.md) as rule
sets for the engine of :mod:`rewriting.engine`: ``FMC3`` has every rule below, ``FMC`` (part I)
the first five, ``unit`` and ``redundant``; their spine is the machine's (push and pop bodies,
the first part of a sequence).

    beta      [N]a.C.a⟨x⟩.M        ->  C.{N/x}M     C: pushes and pops on locations other than a
    jump      j ; C                ->  C(j)  if C catches j, else j      (⋆ ; M -> M, c ; M -> c)
    push-seq  ([N]a.M) ; C         ->  [N]a.(M ; C)
    pop-seq   (a⟨x⟩.M) ; C         ->  a⟨x⟩.(M ; C)  (x renamed away from the free variables of C)
    seq-seq   (N ; C1) ; C2        ->  N ; (C1 ∘ C2)  C1's branches followed by C2, then C2's
                                                     branches for the labels C1 does not catch
    unfold    M^j                  ->  M ; {j -> M^j}                (the only non-terminating rule)
    delta     [vn]...[v1].p        ->  [p(v1, ..., vn)]              (also before ; C)
              (pushes on other locations may stand between the values; they stay)
    unit      N ; {⋆ -> ⋆ | C}     ->  N ; {C}   (N ; ⋆ -> N)          when C has no _
    redundant N ; {j -> M | C | _ -> M}  ->  N ; {C | _ -> M}        (_ would take j to M too)

``unit`` and ``redundant`` are ours (the sequencing function's ``N ; ⋆ = N``): without it, ``($n ; ⋆) ; {0 -> ⋆}``
has two normal forms that differ by a branch ``⋆ -> ⋆``, which does nothing. Likewise ours: on a
symbolic label, whose branch is undetermined, ``jump`` drops the branches it can never meet
(``$n ; {⋆ -> M | 0 -> N}  ->  $n ; {0 -> N}``: a constant never exits ⋆).

A rule is data: its name and a function from a term to its reduct at the root (or None). Rules
see terms only through the generic term interface and the FMC's node classes; positions are
paths of argument indices.
"""

from __future__ import annotations

from collections.abc import Iterator

from machine_calculus.calculus.fmc.labels import UNDETERMINED, meets, select
from machine_calculus.calculus.fmc.printer import label_text
from machine_calculus.calculus.fmc.syntax import (
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
    branches,
    case,
    frame_of,
)
from machine_calculus.calculus.terms import fold, free_variables, fresh_name, substitute, variable_names, with_children
from machine_calculus.machine.fmc.primitives import PrimitiveError, arity, primitive_result
from machine_calculus.rewriting import engine
from machine_calculus.rewriting.engine import STRATEGIES, Link, ReductionRule, RuleSet, Step, replace_at, subterm_at

__all__ = [
    "FMC",
    "FMC3",
    "RULES",
    "STRATEGIES",
    "ReductionRule",
    "canonical",
    "machine_spine",
    "normal_form",
    "reducts",
    "replace_at",
    "subterm_at",
]


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


_CHAIN_ENDS: dict[int, tuple[Term, Term]] = {}  # id(push) -> (the push, the end of its chain)


def _chain_end(t: Term) -> Term:
    """What the chain of pushes starting at ``t`` ends in, remembered for each push of the chain
    (so that trying delta at every push of a long chain is not quadratic)."""
    walked: list[Term] = []
    node = t
    while isinstance(node, Push):
        known = _CHAIN_ENDS.get(id(node))
        if known is not None:
            node = known[1]
            break
        walked.append(node)
        node = node.body
    if len(_CHAIN_ENDS) > 100_000:
        _CHAIN_ENDS.clear()
    for push in walked:
        _CHAIN_ENDS[id(push)] = (push, node)  # the push is kept, so its id is not reused
    return node


def _delta(t: Term) -> Term | None:
    if not (isinstance(t, Push) and t.location == DEFAULT):
        return None
    end = _chain_end(t)
    if not (isinstance(end, Prim) or (isinstance(end, Seq | Case) and isinstance(end.first, Prim))):
        return None
    chain: list[Push] = []  # the pushes before p: on λ (the values) and on other locations
    node = t
    while isinstance(node, Push):
        chain.append(node)
        node = node.body
    if isinstance(node, Prim):
        rest: tuple[tuple[Label, Term], ...] | None = None
    elif isinstance(node, Seq | Case) and isinstance(node.first, Prim):
        rest, node = frame_of(node), node.first
    else:
        return None
    n = arity(node.name)
    on_lambda = [i for i, push in enumerate(chain) if push.location == DEFAULT]
    if len(on_lambda) < n:
        return None
    consumed = set(on_lambda[len(on_lambda) - n :])
    arguments = [chain[i].term for i in reversed(on_lambda[len(on_lambda) - n :])]  # v1 (on top) first
    try:
        value = primitive_result(node.name, arguments)
    except PrimitiveError:
        return None
    result: Term = Push(value, DEFAULT, SKIP if rest is None else case(SKIP, *rest))
    for i in reversed(range(len(chain))):
        if i not in consumed:
            result = Push(chain[i].term, chain[i].location, result)
    return result


def _unit(t: Term) -> Term | None:
    frame = frame_of(t)
    if frame is None or any(label == ANY for label, _ in frame):
        return None
    kept = [(label, body) for label, body in frame if not (label == STAR and body == SKIP)]
    if len(kept) == len(frame):
        return None
    return case(t.first, *kept) if kept else t.first  # type: ignore[attr-defined]


def _redundant(t: Term) -> Term | None:
    frame = frame_of(t)
    default = next((body for label, body in frame if label == ANY), None) if frame is not None else None
    if default is None:
        return None
    kept = [(label, body) for label, body in frame if label == ANY or body != default]  # type: ignore[union-attr]
    if len(kept) == len(frame):  # type: ignore[arg-type]
        return None
    return case(t.first, *kept)  # type: ignore[attr-defined]


RULES: tuple[ReductionRule, ...] = (
    ReductionRule("beta", _beta, equation="[N]a.C.a⟨x⟩.M -> C.{N/x}M   (C: pushes and pops on locations other than a)"),
    ReductionRule("jump", _jump, equation="j ; C -> C(j) if C catches j, else j"),
    ReductionRule("push-seq", _push_seq, equation="([N]a.M) ; C -> [N]a.(M ; C)"),
    ReductionRule(
        "pop-seq", _pop_seq, equation="(a⟨x⟩.M) ; C -> a⟨x⟩.(M ; C)   (x renamed away from the free variables of C)"
    ),
    ReductionRule("seq-seq", _seq_seq, equation="(N ; C1) ; C2 -> N ; (C1 ∘ C2)"),
    ReductionRule("unfold", _unfold, equation="M^j -> M ; {j -> M^j}"),
    ReductionRule("delta", _delta, equation="[vn]...[v1].p -> [p(v1, ..., vn)]"),
    ReductionRule("unit", _unit, equation="N ; {⋆ -> ⋆ | C} -> N ; {C}   when C has no _"),
    ReductionRule("redundant", _redundant, equation="N ; {j -> M | C | _ -> M} -> N ; {C | _ -> M}"),
)


def canonical(t: Term) -> Term:
    """``t`` with every case frame's branches in one order (labels are distinct, so the order of
    the branches before ``_`` does not matter: a frame is a finite map plus a default)."""

    def rebuild(node: Term, results: tuple[Term, ...]) -> Term:
        node = with_children(node, results)
        if isinstance(node, Case):
            pairs = sorted(branches(node.frame), key=lambda p: (p[0] == ANY, label_text(p[0])))
            return case(node.first, *pairs)
        return node

    return fold(t, rebuild)


_SPINE_CHILD = {Push: 2, Pop: 2, Seq: 0, Case: 0}


def machine_spine(t: Term) -> Iterator[tuple[Link, Term]]:
    """The positions the FMC machine runs through from the root: push and pop bodies, the
    first part of a sequence (its continuation waits on the continuation stack)."""
    link: Link = None
    node = t
    yield link, node
    while (i := _SPINE_CHILD.get(type(node))) is not None:
        link, node = (i, link), node.args[i]
        yield link, node


#: FMC III: every rule above.
FMC3 = RuleSet("FMC III", RULES, machine_spine)
#: The FMC of part I (no constants, jumps, loops or primitives): beta and the sequencing rules.
FMC = FMC3.only("beta", "jump", "push-seq", "pop-seq", "seq-seq", "unit", "redundant")


def reducts(t: Term, rules: RuleSet | tuple[ReductionRule, ...] = FMC3) -> list[Step]:
    """Every one-step FMC III reduct of ``t``: (rule name, position, result), leftmost-outermost first."""
    return engine.reducts(t, rules)


def normal_form(
    t: Term, fuel: int = 1000, rules: RuleSet | tuple[ReductionRule, ...] = FMC3, strategy: str = "leftmost-outermost"
) -> Term | None:
    """The FMC III normal form by ``strategy`` (:data:`rewriting.engine.STRATEGIES`), or None if
    ``fuel`` steps do not reach it."""
    return engine.normal_form(t, rules, fuel, strategy)
