"""Confluence of first-order TRSs: YES, NO or MAYBE, never a wrong YES or NO.

The checks, in order:

1. **Critical pairs** by unification: for rules ``l1 -> r1`` and ``l2 -> r2`` (renamed apart) and
   a non-variable position p of l1 where ``θ = mgu(l1|p, l2)`` exists (not p = root of the same
   rule), the peak ``θ(l1)`` rewrites to ``θ(r1)`` and to ``θ(l1[r2]p)``.
2. **YES by (weak) orthogonality**: left-linear and every critical pair trivial (Huet: confluent,
   also without termination).
3. **YES by Newman's lemma**: terminating, proved by a lexicographic path order for some
   precedence (all precedences are tried for up to 7 symbols), and every critical pair has
   one normal form on both sides.
4. **NO with a witness**: a term with two distinct normal forms (distinct normal forms never
   join): a critical pair's sides normalized to different terms in a terminating system, or two
   distinct normal forms found (bounded breadth-first search) among the reducts of a peak.
5. **MAYBE** otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any

from machine_calculus.calculus.rmc.firstorder import Fn, FVar, arguments, replace_variables, term_text
from machine_calculus.calculus.rmc.unify import resolve, unify
from machine_calculus.calculus.terms import Term, free_variables
from machine_calculus.rewriting.engine import replace_at
from machine_calculus.rewriting.trs import TRS, RewriteRule, normal_form, normal_forms, subterms, term_position

__all__ = ["CriticalPair", "Verdict", "check_confluence", "critical_pairs", "lpo_greater", "terminates_by_lpo"]


@dataclass(frozen=True)
class CriticalPair:
    peak: Term
    left: Term
    right: Term
    rules: tuple[RewriteRule, RewriteRule]

    def __str__(self) -> str:
        return f"{term_text(self.left)} <- {term_text(self.peak)} -> {term_text(self.right)}"

    def to_json(self) -> dict[str, Any]:
        """``{"peak", "left", "right", "rules": [outer, inner]}``, terms and rules as text."""
        return {
            "peak": term_text(self.peak),
            "left": term_text(self.left),
            "right": term_text(self.right),
            "rules": [str(rule) for rule in self.rules],
        }


@dataclass(frozen=True)
class Verdict:
    """The answer, its reason and the evidence as text lines; ``pairs`` is every critical pair
    and ``witness``, for a NO, the critical pair whose peak reaches two distinct normal forms,
    with those normal forms."""

    answer: str  # "YES", "NO" or "MAYBE"
    reason: str
    evidence: tuple[str, ...] = field(default=())
    pairs: tuple[CriticalPair, ...] = field(default=())
    witness: tuple[CriticalPair, Term, Term] | None = None

    def text(self) -> str:
        """The answer on its first line, then the reason and the evidence."""
        return "\n".join([self.answer, self.reason, *self.evidence])

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        from machine_calculus.rewriting.render import verdict_html

        return verdict_html(self)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``mcalc confluence --json`` (docs/json.md)."""
        witness = None
        if self.witness is not None:
            pair, a, b = self.witness
            witness = {
                "term": term_text(pair.peak),
                "normal_forms": [term_text(a), term_text(b)],
                "pair": pair.to_json(),
            }
        return {
            "answer": self.answer,
            "reason": self.reason,
            "critical_pairs": [p.to_json() for p in self.pairs],
            "witness": witness,
            "evidence": list(self.evidence),
        }


def _rename(t: Term, suffix: str) -> Term:
    return replace_variables(t, {x: FVar(x + suffix) for x in free_variables(t)})


def critical_pairs(trs: TRS) -> list[CriticalPair]:
    """Every critical pair (overlaps of a rule's left-hand side into another's, or into the same
    one's below the root)."""
    pairs = []
    for i, outer in enumerate(trs.rules):
        l1, r1 = _rename(outer.left, "'1"), _rename(outer.right, "'1")
        for j, inner in enumerate(trs.rules):
            l2, r2 = _rename(inner.left, "'2"), _rename(inner.right, "'2")
            for sub, path in subterms(l1):
                if isinstance(sub, FVar) or (i == j and not path):
                    continue
                theta = unify(sub, l2)
                if theta is None:
                    continue
                peak = resolve(l1, theta)
                one = resolve(r1, theta)
                other = resolve(replace_at(l1, term_position(path), r2), theta)
                pairs.append(CriticalPair(peak, one, other, (outer, inner)))
    return pairs


def _linear(t: Term) -> bool:
    seen: set[str] = set()
    for sub, _ in subterms(t):
        if isinstance(sub, FVar):
            if sub.name in seen:
                return False
            seen.add(sub.name)
    return True


def lpo_greater(s: Term, t: Term, rank: dict[str, int]) -> bool:
    """``s >lpo t`` for the precedence ``rank`` (higher is greater)."""
    if isinstance(s, FVar):
        return False
    if isinstance(t, FVar):
        return t.name in free_variables(s)
    assert isinstance(s, Fn) and isinstance(t, Fn)
    ss, ts = arguments(s), arguments(t)
    if any(si == t or lpo_greater(si, t, rank) for si in ss):
        return True
    if not all(lpo_greater(s, tj, rank) for tj in ts):
        return False
    if s.symbol != t.symbol:
        return rank.get(s.symbol, -1) > rank.get(t.symbol, -1)
    for si, ti in zip(ss, ts, strict=True):  # the same symbol: lexicographic
        if si != ti:
            return lpo_greater(si, ti, rank)
    return False


def terminates_by_lpo(trs: TRS, max_symbols: int = 7) -> dict[str, int] | None:
    """A precedence under which every rule decreases in the LPO (so the TRS terminates), or None."""
    symbols = sorted(trs.symbols())
    if len(symbols) > max_symbols:
        return None
    for order in permutations(symbols):
        rank = {f: i for i, f in enumerate(order)}
        if all(lpo_greater(r.left, r.right, rank) for r in trs.rules):
            return rank
    return None


def check_confluence(
    trs: TRS, search_limit: int = 2_000, max_size: int = 200, report: Callable[[int, int], None] | None = None
) -> Verdict:
    """YES, NO or MAYBE, with the reason and the evidence (see the module docstring). The
    searches for normal forms visit at most ``search_limit`` terms of at most ``max_size`` nodes.
    ``report(checked, pairs)`` hears of each critical pair checked (a progress line)."""
    pairs = critical_pairs(trs)
    every = tuple(pairs)
    shown = tuple(f"critical pair: {p}" for p in pairs[:20])
    left_linear = all(_linear(r.left) for r in trs.rules)
    nontrivial = [p for p in pairs if p.left != p.right]
    if left_linear and not nontrivial:
        kind = "orthogonal" if not pairs else "weakly orthogonal (every critical pair is trivial)"
        return Verdict("YES", f"left-linear and {kind}: confluent (Huet)", shown, every)
    precedence = terminates_by_lpo(trs)
    if precedence is not None:
        order = " > ".join(sorted(precedence, key=precedence.__getitem__, reverse=True))
        for checked, p in enumerate(nontrivial):
            if report is not None:
                report(checked, len(nontrivial))
            a = normal_form(trs, p.left, search_limit, max_size)
            b = normal_form(trs, p.right, search_limit, max_size)
            if a is None or b is None:
                return Verdict("MAYBE", "terminating, but a normal form took too long to compute", shown, every)
            if a != b:
                return Verdict(
                    "NO",
                    f"terminating (LPO with {order}) with a critical pair whose normal forms differ",
                    (str(p), _pair(a, b)),
                    every,
                    (p, a, b),
                )
        return Verdict(
            "YES", f"terminating (LPO with {order}) and every critical pair joins: confluent (Newman)", shown, every
        )
    for checked, p in enumerate(nontrivial):
        if report is not None:
            report(checked, len(nontrivial))
        # two distinct normal forms among the reducts of a peak never join
        forms, _ = normal_forms(trs, p.peak, search_limit, max_size)
        if len(forms) >= 2:
            a, b = sorted(forms, key=term_text)[:2]
            return Verdict(
                "NO",
                f"the peak {term_text(p.peak)} reaches two distinct normal forms",
                (str(p), _pair(a, b)),
                every,
                (p, a, b),
            )
    return Verdict(
        "MAYBE", "not orthogonal, no termination proof, and no witness of non-confluence found", shown, every
    )


def _pair(a: Term, b: Term) -> str:
    return f"normal forms: {term_text(a)} and {term_text(b)}"
