"""The reduction engine, generic over the term interface: rules as data, rule sets, one-step
reducts at every position, strategies and normal forms with fuel.

A :class:`ReductionRule` is a name, a function from a term to its reduct at the root (or None), and an
optional side condition on the redex. A :class:`RuleSet` is a calculus's reduction relation: its
rules, and its machine's **spine** (the positions the machine runs through, in the order it
reaches them), which gives the machine-order strategy. The FMC, FMC III and RMC rule sets live in
:mod:`rewriting.rules` and :mod:`rewriting.rmc_rules`; :mod:`rewriting.patterns` builds rules from
patterns, so a user's own calculus gets the same tools.

Positions are paths of argument indices (``t.args[i]``), ``()`` the root. Strategies:

    leftmost-outermost   the first redex in pre-order
    innermost            the first redex in post-order (no redex inside it)
    machine              the first redex on the machine's spine: reduction where the machine
                         runs next; its normal forms are the machine's (weak head) normal forms
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from machine_calculus.calculus.terms import Term

__all__ = [
    "STRATEGIES",
    "Link",
    "ReductionRule",
    "RuleSet",
    "Step",
    "TermPosition",
    "linked_positions",
    "next_step",
    "normal_form",
    "path",
    "positions",
    "reduction",
    "reducts",
    "replace_at",
    "subterm_at",
]

#: A position in a term of the generic interface: the indices into ``t.args`` from the root down
#: (``()`` the root). Not a source position (:class:`calculus.errors.Position`), nor a TRS's
#: first-order position (:data:`rewriting.trs.FirstOrderPosition`).
TermPosition = tuple[int, ...]
Step = tuple[str, TermPosition, Term]


@dataclass(frozen=True, slots=True)
class ReductionRule:
    """A named rule: ``apply(t)`` is the reduct of ``t`` at its root, or None; ``condition``, when
    given, is a side condition the redex must meet."""

    name: str
    apply: Callable[[Term], Term | None]
    condition: Callable[[Term], bool] | None = None
    #: the rule as the docs write it, ``left -> right`` (and its side condition), for display
    equation: str = ""

    def reduct(self, t: Term) -> Term | None:
        if self.condition is not None and not self.condition(t):
            return None
        return self.apply(t)

    def __str__(self) -> str:
        return f"{self.name}: {self.equation}" if self.equation else self.name

    def _repr_html_(self) -> str:
        from machine_calculus.rewriting.render import rules_html

        return rules_html((self,), self.name)

    def _repr_latex_(self) -> str | None:
        from machine_calculus.rewriting.render import equation_latex

        return f"$\\mathsf{{{self.name}}}\\colon {equation_latex(self.equation)}$" if self.equation else None


#: A position as a linked list ``(index, parent)`` (``None`` the root): built in O(1) per step
#: down, so walking a term nested 100,000 deep stays linear; materialized by :func:`path`.
Link = tuple[int, "Link"] | None


def path(link: Link) -> TermPosition:
    """The position a link stands for (root first)."""
    out: list[int] = []
    while link is not None:
        out.append(link[0])
        link = link[1]
    return tuple(reversed(out))


def _no_spine(t: Term) -> Iterable[tuple[Link, Term]]:
    return ((None, t),)


@dataclass(frozen=True)
class RuleSet:
    """A reduction relation: named rules, the kinds of node that can be redexes, and the
    machine's spine (``spine(t)``: the positions, as links, and subterms in the order the machine
    reaches them)."""

    name: str
    rules: tuple[ReductionRule, ...]
    spine: Callable[[Term], Iterable[tuple[Link, Term]]] = _no_spine
    redex_kinds: frozenset[str] = frozenset({"term"})

    def __iter__(self) -> Iterator[ReductionRule]:
        return iter(self.rules)

    def names(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self.rules)

    def _repr_html_(self) -> str:
        from machine_calculus.rewriting.render import rules_html

        return rules_html(self.rules, f"{self.name}: {len(self.rules)} rules")

    def only(self, *names: str) -> RuleSet:
        """The same calculus restricted to the named rules."""
        unknown = set(names) - set(self.names())
        if unknown:
            raise ValueError(f"no rule {sorted(unknown)} in {self.name}")
        kept = tuple(rule for rule in self.rules if rule.name in names)
        return RuleSet(f"{self.name}[{', '.join(names)}]", kept, self.spine, self.redex_kinds)


Rules = RuleSet | tuple[ReductionRule, ...]


def _as_rule_set(rules: Rules) -> RuleSet:
    return rules if isinstance(rules, RuleSet) else RuleSet("rules", tuple(rules))


def subterm_at(t: Term, position: TermPosition) -> Term:
    for i in position:
        t = t.args[i]
    return t


def replace_at(t: Term, position: TermPosition, new: Term) -> Term:
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


def linked_positions(t: Term) -> Iterator[tuple[Link, Term]]:
    """Every position of ``t`` (as a link) in leftmost-outermost order (pre-order), with its
    subterm."""
    stack: list[tuple[Link, Term]] = [(None, t)]
    while stack:
        link, node = stack.pop()
        yield link, node
        kids = [((i, link), a) for i, a in enumerate(node.args) if isinstance(a, Term)]
        stack.extend(reversed(kids))


def positions(t: Term) -> Iterator[tuple[TermPosition, Term]]:
    """Every position of ``t`` in leftmost-outermost order (pre-order), with its subterm."""
    for link, node in linked_positions(t):
        yield path(link), node


def _steps_at(t: Term, link: Link, node: Term, rules: RuleSet) -> Iterator[Step]:
    if node.kind not in rules.redex_kinds:
        return
    for rule in rules.rules:
        r = rule.reduct(node)
        if r is not None:
            position = path(link)
            yield rule.name, position, replace_at(t, position, r)


def _iter_reducts(t: Term, rules: RuleSet) -> Iterator[Step]:
    for link, node in linked_positions(t):
        yield from _steps_at(t, link, node, rules)


def reducts(t: Term, rules: Rules) -> list[Step]:
    """Every one-step reduct of ``t``: (rule name, position, result), leftmost-outermost first."""
    return list(_iter_reducts(t, _as_rule_set(rules)))


def _post_order(t: Term) -> Iterator[tuple[Link, Term]]:
    """Every position of ``t`` (as a link) in left-to-right post-order, with its subterm."""
    stack: list[tuple[Link, Term, bool]] = [(None, t, False)]
    while stack:
        link, node, ready = stack.pop()
        if ready:
            yield link, node
            continue
        stack.append((link, node, True))
        kids = [((i, link), a, False) for i, a in enumerate(node.args) if isinstance(a, Term)]
        stack.extend(reversed(kids))


def _first_step(t: Term, walk: Iterable[tuple[Link, Term]], rules: RuleSet) -> Step | None:
    """The first step at the positions of ``walk``, in their order (only that result is built)."""
    for link, node in walk:
        step = next(_steps_at(t, link, node, rules), None)
        if step is not None:
            return step
    return None


def _innermost(t: Term, rules: RuleSet) -> Step | None:
    """The leftmost-innermost redex: the first in post-order (there is none inside it)."""
    return _first_step(t, _post_order(t), rules)


def _machine(t: Term, rules: RuleSet) -> Step | None:
    return _first_step(t, rules.spine(t), rules)


def _outermost(t: Term, rules: RuleSet) -> Step | None:
    return _first_step(t, linked_positions(t), rules)


_STRATEGY: dict[str, Callable[[Term, RuleSet], Step | None]] = {
    "leftmost-outermost": _outermost,
    "innermost": _innermost,
    "machine": _machine,
}
STRATEGIES = tuple(_STRATEGY)


def _strategy(name: str) -> Callable[[Term, RuleSet], Step | None]:
    if name not in _STRATEGY:
        raise ValueError(f"strategy must be one of {STRATEGIES}, not {name!r}")
    return _STRATEGY[name]


def next_step(t: Term, rules: Rules, strategy: str = "leftmost-outermost") -> Step | None:
    """The step ``strategy`` takes from ``t``, or None at its normal form."""
    return _strategy(strategy)(t, _as_rule_set(rules))


_NORMAL_CACHE = 100_000  # sub-terms remembered as normal by a reduction (then it starts again)


def _outermost_skipping(t: Term, rules: RuleSet, normal: dict[int, Term]) -> Step | None:
    """:func:`_outermost`, skipping the sub-terms in ``normal`` (known to hold no redex) and
    adding those it walks through without finding one: a step rebuilds only the spine down to
    its redex, so the next step walks only what is new."""
    stack: list[tuple[Link, Term, bool]] = [(None, t, False)]
    while stack:
        link, node, passed = stack.pop()
        if passed:
            normal[id(node)] = node  # the node is kept, so its id is not reused
            continue
        step = next(_steps_at(t, link, node, rules), None)
        if step is not None:
            return step
        stack.append((link, node, True))
        kids = [((i, link), a, False) for i, a in enumerate(node.args) if isinstance(a, Term) and id(a) not in normal]
        stack.extend(reversed(kids))
    return None


def _innermost_skipping(t: Term, rules: RuleSet, normal: dict[int, Term]) -> Step | None:
    """:func:`_innermost`, skipping (and remembering) the sub-terms that hold no redex."""
    if id(t) in normal:
        return None
    stack: list[tuple[Link, Term, bool]] = [(None, t, False)]
    while stack:
        link, node, ready = stack.pop()
        if ready:
            step = next(_steps_at(t, link, node, rules), None)
            if step is not None:
                return step
            normal[id(node)] = node
            continue
        stack.append((link, node, True))
        kids = [((i, link), a, False) for i, a in enumerate(node.args) if isinstance(a, Term) and id(a) not in normal]
        stack.extend(reversed(kids))
    return None


_SKIPPING: dict[str, Callable[[Term, RuleSet, dict[int, Term]], Step | None]] = {
    "leftmost-outermost": _outermost_skipping,
    "innermost": _innermost_skipping,
}


def reduction(t: Term, rules: Rules, strategy: str = "leftmost-outermost") -> Iterator[Step]:
    """The steps ``strategy`` takes from ``t``, one by one, until a normal form (maybe never).

    The sub-terms found to hold no redex are remembered across steps (by identity: terms are
    immutable and a step shares all but the spine to its redex), so a long reduction does not
    walk the whole term at every step."""
    choose, rule_set = _strategy(strategy), _as_rule_set(rules)  # a bad strategy fails here
    skipping = _SKIPPING.get(strategy)

    def steps(t: Term) -> Iterator[Step]:
        normal: dict[int, Term] = {}
        while True:
            if len(normal) > _NORMAL_CACHE:
                normal.clear()
            step = choose(t, rule_set) if skipping is None else skipping(t, rule_set, normal)
            if step is None:
                return
            yield step
            t = step[2]

    return steps(t)


def normal_form(t: Term, rules: Rules, fuel: int = 1000, strategy: str = "leftmost-outermost") -> Term | None:
    """The normal form of ``t`` by ``strategy``, or None if ``fuel`` steps do not reach it."""
    steps = reduction(t, rules, strategy)
    for _ in range(fuel):
        step = next(steps, None)
        if step is None:
            return t
        t = step[2]
    return None
