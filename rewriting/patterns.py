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
from typing import Any

from machine_calculus.calculus.patterns import Meta
from machine_calculus.calculus.terms import Term, fold, free_variables, iter_preorder, with_children
from machine_calculus.rewriting.engine import ReductionRule

__all__ = ["Bindings", "Meta", "instantiate", "match_pattern", "not_free", "rule"]

#: What a match gives: each metavariable's name bound to the sub-term or atom it matched.
Bindings = dict[str, Any]


def match_pattern(pattern: Term, t: Term, metavariable: type[Term] = Meta) -> Bindings | None:
    """The bindings of the pattern's metavariables under which it is ``t``, or None (one-way:
    ``t``'s own variables are constants; iterative). The metavariables are the nodes of class
    ``metavariable``, named by their first argument: :class:`Meta` for a pattern of any calculus,
    ``FVar`` for a first-order TRS's rule (:mod:`rewriting.trs` matches with this).

    Names in binder places match literally (write a metavariable there to match any name). A
    metavariable bound to a name in a binder's place (``<?x>``) also matches that name's variable
    in a term's place (``<?x>.[?x]`` matches ``<y>.[y]``)."""
    bindings: Bindings = {}
    work: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = [((pattern,), (t,))]  # arguments against arguments
    while work:
        ps, us = work.pop()
        for p, u in zip(ps, us, strict=True):
            if isinstance(p, metavariable):
                name = p.args[0]
                if name not in bindings:
                    bindings[name] = u
                elif bindings[name] != u and not _names_the_variable(bindings[name], u):
                    return None
            elif isinstance(p, Term):
                if type(p) is not type(u):  # another head (so maybe another arity): no match
                    return None
                work.append((p.args, u.args))
            elif p != u:  # an atom, compared before the sub-terms beside it are walked
                return None
    return bindings


def _names_the_variable(bound: Any, u: Any) -> bool:
    """``bound`` is a name and ``u`` that name's variable occurrence (or the other way round)."""
    if isinstance(bound, str):
        return isinstance(u, Term) and u.is_variable and u.args[0] == bound
    return isinstance(u, str) and isinstance(bound, Term) and bound.is_variable and bound.args[0] == u


def instantiate(template: Term, bindings: Mapping[str, Any]) -> Any:
    """``template`` with each metavariable replaced by its binding (a fold: iterative, bottom-up;
    a metavariable in an atom's place is a child term of its node, so the fold reaches it too)."""

    def rebuild(node: Term, kids: tuple[Any, ...]) -> Any:
        return bindings[node.name] if isinstance(node, Meta) else with_children(node, kids)

    return fold(template, rebuild)


def rule(name: str, left: Term, right: Term, when: Callable[[Bindings], bool] | None = None) -> ReductionRule:
    """The rule ``left -> right`` (with side condition ``when`` on the match) as engine data."""
    unbound = _metas(right) - _metas(left)
    if unbound:
        raise ValueError(f"rule {name}: {sorted(unbound)} on the right side do not occur on the left")

    def apply(t: Term) -> Term | None:
        bindings = match_pattern(left, t)
        if bindings is None or (when is not None and not when(bindings)):
            return None
        return instantiate(right, bindings)

    shown = f"{left} -> {right}" + (" (with a side condition)" if when is not None else "")
    return ReductionRule(name, apply, equation=shown)


def _metas(t: Term) -> set[str]:
    return {node.name for node in iter_preorder(t) if isinstance(node, Meta)}


def not_free(variable: str, *terms: str) -> Callable[[Bindings], bool]:
    """A side condition: the name bound to ``variable`` is free in none of the ``terms``."""
    return lambda m: all(m[variable] not in free_variables(m[t]) for t in terms)
