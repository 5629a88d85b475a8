"""Rules from patterns, over the generic term interface (PLT Redex's ``reduction-relation``, in
Python): a pattern is a term of any calculus in which :class:`Meta` variables stand for
sub-terms or atoms (locations, names, constants); a rule rewrites ``left -> right`` when the
redex matches ``left`` and the side condition holds of the match.

    rule("skip-left", Seq(SKIP, Meta("M")), Meta("M"))
    rule("swap", Push(Meta("N"), Meta("a"), Push(Meta("P"), Meta("b"), Meta("M"))),
         Push(Meta("P"), Meta("b"), Push(Meta("N"), Meta("a"), Meta("M"))),
         when=lambda m: m["a"] != m["b"])

A metavariable that occurs twice must match alpha-equal terms (or equal atoms). Instantiating
the right side puts the matched terms in place as they are: like Redex's patterns, no renaming
is done, so a rule that moves a term under a binder states the side condition that prevents
capture (e.g. ``not_free``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from machine_calculus.calculus.terms import Term, fold, free_variables, iter_preorder, with_children
from machine_calculus.rewriting.engine import ReductionRule

__all__ = ["Match", "Meta", "instantiate", "match", "not_free", "rule"]

Match = dict[str, Any]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Meta(Term):
    """A metavariable of a pattern: matches any sub-term, or any atom in an atom's place."""

    name: str
    _tag: ClassVar[int] = 901
    sorts: ClassVar[tuple[str, ...]] = ("meta",)


def match(pattern: Term, t: Term) -> Match | None:
    """The bindings of the pattern's metavariables under which it is ``t``, or None (iterative)."""
    bindings: Match = {}
    work: list[tuple[Any, Any]] = [(pattern, t)]
    while work:
        p, u = work.pop()
        if isinstance(p, Meta):
            if p.name in bindings:
                if bindings[p.name] != u:
                    return None
            else:
                bindings[p.name] = u
            continue
        if not isinstance(p, Term):
            if p != u:
                return None
            continue
        if not isinstance(u, Term) or p.func is not u.func:
            return None
        work.extend(zip(p.args, u.args, strict=True))
    return bindings


def instantiate(template: Term, bindings: Mapping[str, Any]) -> Any:
    """``template`` with each metavariable replaced by its binding (a fold: iterative, bottom-up;
    a metavariable in an atom's place is a child term of its node, so the fold reaches it too)."""

    def rebuild(node: Term, kids: tuple[Any, ...]) -> Any:
        return bindings[node.name] if isinstance(node, Meta) else with_children(node, kids)

    return fold(template, rebuild)


def rule(name: str, left: Term, right: Term, when: Callable[[Match], bool] | None = None) -> ReductionRule:
    """The rule ``left -> right`` (with side condition ``when`` on the match) as engine data."""
    unbound = _metas(right) - _metas(left)
    if unbound:
        raise ValueError(f"rule {name}: {sorted(unbound)} on the right side do not occur on the left")

    def apply(t: Term) -> Term | None:
        bindings = match(left, t)
        if bindings is None or (when is not None and not when(bindings)):
            return None
        return instantiate(right, bindings)

    return ReductionRule(name, apply)


def _metas(t: Term) -> set[str]:
    return {node.name for node in iter_preorder(t) if isinstance(node, Meta)}


def not_free(variable: str, *terms: str) -> Callable[[Match], bool]:
    """A side condition: the name bound to ``variable`` is free in none of the ``terms``."""
    return lambda m: all(m[variable] not in free_variables(m[t]) for t in terms)
