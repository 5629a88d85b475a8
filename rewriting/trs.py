"""First-order term rewriting systems: the Confluence Competition's TRS format, one-step
rewriting at every position (matching is :func:`rewriting.patterns.match_pattern`'s, with
``FVar`` as the metavariables), and bounded searches for reducts and normal forms.

    (VAR x y)
    (RULES
      f(x, g(y)) -> h(x)
      a -> b
    )
    (COMMENT any text)

Terms are the RMC's first-order terms (:mod:`calculus.rmc.firstorder`): identifiers declared in
``VAR`` are variables, every other identifier a function symbol (``a`` and ``a()`` are the same
constant). Conditional rules, ``THEORY`` and ``STRATEGY`` sections are refused with their line.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from machine_calculus.calculus.errors import ParseError, Position
from machine_calculus.calculus.rmc.firstorder import Fn, FVar, arguments, fn, replace_variables, term_text
from machine_calculus.calculus.terms import Term, free_variables, size
from machine_calculus.rewriting.engine import TermPosition, replace_at
from machine_calculus.rewriting.patterns import match_pattern

__all__ = [
    "TRS",
    "FirstOrderPosition",
    "RewriteRule",
    "normal_form",
    "normal_forms",
    "parse_trs",
    "reachable",
    "rewrite_steps",
    "subterms",
    "term_position",
]

#: A position in the rewriting literature's sense: the argument indices (from 0) of the function
#: symbols from the root down, ``()`` the root; :func:`term_position` is the engine's position of it.
FirstOrderPosition = tuple[int, ...]


@dataclass(frozen=True)
class RewriteRule:
    """A rewrite rule ``left -> right`` of a first-order TRS (its variables are ``FVar`` nodes)."""

    left: Term
    right: Term

    def __str__(self) -> str:
        return f"{term_text(self.left)} -> {term_text(self.right)}"

    def _repr_latex_(self) -> str:
        from machine_calculus.rewriting.render import equation_latex

        return f"${equation_latex(str(self))}$"


@dataclass(frozen=True)
class TRS:
    rules: tuple[RewriteRule, ...]
    variables: frozenset[str]

    def _repr_html_(self) -> str:
        from machine_calculus.rewriting.render import trs_html

        return trs_html(self)

    def symbols(self) -> dict[str, int]:
        """Every function symbol with its arity."""
        found: dict[str, int] = {}
        for rule in self.rules:
            for side in (rule.left, rule.right):
                for t, _ in subterms(side):
                    if isinstance(t, Fn):
                        found[t.symbol] = len(arguments(t))
        return found


_TOKEN = re.compile(r"\s+|->|==|[(),|]|[^\s(),|]+")


def parse_trs(text: str, source: str = "<trs>") -> TRS:
    """Read a TRS in the Confluence Competition's (old) format."""
    tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(text) if not m.group().isspace()]
    pos = 0

    def error(message: str, offset: int) -> ParseError:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return ParseError(message, text, Position(line, column, offset), source)

    def peek() -> tuple[str, int]:
        return tokens[pos] if pos < len(tokens) else ("", len(text))

    variables: set[str] = set()
    rules: list[tuple[list[tuple[str, int]], list[tuple[str, int]]]] = []
    while pos < len(tokens):
        tok, at = peek()
        if tok != "(":
            raise error(f"expected '(' to open a section, found {tok!r}", at)
        pos += 1
        section, at = peek()
        pos += 1
        depth, body = 1, []
        while pos < len(tokens) and depth:
            tok, where = tokens[pos]
            depth += tok == "("
            depth -= tok == ")"
            if depth:
                body.append((tok, where))
            pos += 1
        if depth:
            raise error(f"unclosed section ({section}", at)
        if section == "VAR":
            variables |= {tok for tok, _ in body}
        elif section == "RULES":
            rules.extend(_split_rules(body, error))
        elif section in ("THEORY", "STRATEGY", "CONDITIONTYPE"):
            raise error(f"the {section} section is not supported (plain first-order TRSs only)", at)
        elif section not in ("COMMENT", "SIG"):
            raise error(f"unknown section ({section}", at)
    built = []
    for left, right in rules:
        lhs, rhs = _term(left, variables, error), _term(right, variables, error)
        if isinstance(lhs, FVar):
            raise error("a rule's left-hand side is a variable", left[0][1])
        extra = free_variables(rhs) - free_variables(lhs)
        if extra:
            raise error(f"variables {sorted(extra)} of the right-hand side are not on the left", right[0][1])
        built.append(RewriteRule(lhs, rhs))
    return TRS(tuple(built), frozenset(variables))


def _split_rules(body: list[tuple[str, int]], error) -> Iterator[tuple[list, list]]:  # type: ignore[no-untyped-def]
    """Rules are ``l -> r`` one after another: a rule ends where the next left-hand side begins
    (after a complete right-hand side term)."""
    i = 0
    while i < len(body):
        left, i = _term_tokens(body, i, error)
        if i >= len(body) or body[i][0] != "->":
            at = body[i][1] if i < len(body) else body[-1][1]
            raise error("expected '->' in a rule", at)
        i += 1
        if i >= len(body):
            raise error("expected a right-hand side after '->'", body[-1][1])
        right, i = _term_tokens(body, i, error)
        if i < len(body) and body[i][0] == "|":
            raise error("conditional rules are not supported", body[i][1])
        yield left, right


_PUNCTUATION = ("(", ")", ",", "->")


def _term_tokens(body: list[tuple[str, int]], i: int, error) -> tuple[list, int]:  # type: ignore[no-untyped-def]
    start, depth = i, 0
    if body[i][0] in _PUNCTUATION:
        raise error(f"expected a term, found {body[i][0]!r}", body[i][1])
    i += 1
    while i < len(body) and (body[i][0] == "(" or depth):
        depth += body[i][0] == "("
        depth -= body[i][0] == ")"
        i += 1
    return body[start:i], i


def _term(tokens: list[tuple[str, int]], variables: set[str], error) -> Term:  # type: ignore[no-untyped-def]
    """``f(t, ...)`` from tokens, iteratively."""
    frames: list[tuple[str, list[Term]]] = []
    i = 0
    while True:
        name, at = tokens[i]
        if name in _PUNCTUATION:  # an argument missing: ``g(,)``, ``g(a,)``, ``g(())``
            raise error(f"expected a term, found {name!r}", at)
        i += 1
        if i < len(tokens) and tokens[i][0] == "(":
            i += 1
            frames.append((name, []))
            if i < len(tokens) and tokens[i][0] == ")":
                i += 1
                value: Term = fn(name)
                frames.pop()
            else:
                continue
        else:
            value = FVar(name) if name in variables else fn(name)
        while True:
            if not frames:
                if i != len(tokens):
                    raise error(f"unexpected {tokens[i][0]!r} after a term", tokens[i][1])
                return value
            frames[-1][1].append(value)
            if i < len(tokens) and tokens[i][0] == ",":
                i += 1
                break
            if i < len(tokens) and tokens[i][0] == ")":
                i += 1
                symbol, args = frames.pop()
                value = fn(symbol, *args)
                continue
            raise error("expected ',' or ')' in the arguments", tokens[min(i, len(tokens) - 1)][1])


def subterms(t: Term) -> Iterator[tuple[Term, FirstOrderPosition]]:
    """Every subterm with its position (preorder, leftmost-outermost first)."""
    stack: list[tuple[Term, FirstOrderPosition]] = [(t, ())]
    while stack:
        node, path = stack.pop()
        yield node, path
        if isinstance(node, Fn):
            kids = arguments(node)
            stack.extend((kids[i], (*path, i)) for i in reversed(range(len(kids))))


def term_position(position: FirstOrderPosition) -> TermPosition:
    """Where a first-order position is in the generic term interface, so that the engine's
    :func:`~rewriting.engine.subterm_at` and :func:`~rewriting.engine.replace_at` serve TRSs too:
    argument ``i`` of ``f(...)`` is its operands (1), ``i`` steps down the chain (1 each), then
    the item there (0)."""
    out: list[int] = []
    for i in position:
        out += (1,) * (i + 1)
        out.append(0)
    return tuple(out)


def rewrite_steps(trs: TRS, t: Term) -> Iterator[tuple[RewriteRule, FirstOrderPosition, Term]]:
    """Every one-step reduct of ``t``: the rule, the position, the result."""
    for sub, path in subterms(t):
        if not isinstance(sub, Fn):
            continue
        for rule in trs.rules:
            if isinstance(rule.left, Fn) and rule.left.symbol != sub.symbol:
                continue  # another root symbol: no match, known before matching
            sigma = match_pattern(rule.left, sub, FVar)
            if sigma is not None:
                yield rule, path, replace_at(t, term_position(path), replace_variables(rule.right, sigma))


def reachable(trs: TRS, t: Term, limit: int = 2_000, max_size: int = 200) -> tuple[set[Term], bool]:
    """The terms reachable from ``t`` (breadth-first, at most ``limit`` terms, none larger than
    ``max_size`` nodes), and whether that is all of them."""
    seen, queue = {t}, deque([t])
    complete = True
    while queue:
        u = queue.popleft()
        for _, _, v in rewrite_steps(trs, u):
            if v not in seen:
                if len(seen) >= limit:
                    return seen, False
                if size(v) > max_size:
                    complete = False
                    continue
                seen.add(v)
                queue.append(v)
    return seen, complete


def normal_forms(trs: TRS, t: Term, limit: int = 2_000, max_size: int = 200) -> tuple[set[Term], bool]:
    """The normal forms reachable from ``t`` within the search limits, and whether the search was
    complete."""
    terms, complete = reachable(trs, t, limit, max_size)
    return {u for u in terms if next(rewrite_steps(trs, u), None) is None}, complete


def normal_form(trs: TRS, t: Term, fuel: int = 100_000, max_size: int = 10_000) -> Term | None:
    """A normal form by leftmost-outermost rewriting, or None when the fuel runs out or the term
    grows beyond ``max_size`` nodes."""
    for _ in range(fuel):
        step = next(rewrite_steps(trs, t), None)
        if step is None:
            return t
        t = step[2]
        if size(t) > max_size:
            return None
    return None
