"""Search for reachable terms (Maude's ``search``, K's ``krun --search``): breadth-first over the
one-step reducts of a start term, the reachable terms that match a pattern.

    search(t, P, kind="=>*")   every u with t =>* u (zero or more steps) that matches P
    search(t, P, kind="=>1")   every u with t => u (exactly one step)
    search(t, P, kind="=>+")   every u with t =>+ u (one or more steps; t itself only on a cycle)
    search(t, P, kind="=>!")   every normal form u with t =>! u (t =>* u and u has no step)

A pattern is a term with metavariables (:class:`~calculus.patterns.Meta`, ``?X`` in the
parsers' pattern syntax, also in atom places: ``[?N]?a.?M``); a term is a solution when
:func:`rewriting.patterns.match_pattern` matches it and the side condition ``where`` holds of the
bindings. Terms are compared up to alpha-equivalence and each is visited once, so each solution
is reported once, with its **witness path**: the steps ``(rule, position, term after the step)``
from the start, a shortest one (breadth-first). The steps are any :data:`rewriting.graph.Steps`:
FMC III's by default, a rule set's (the RMC's, a user's) or a first-order TRS's.

Every bound is on by default (:data:`DEFAULT_MAX_DEPTH` steps, :data:`DEFAULT_MAX_NODES` terms
kept, :data:`DEFAULT_MAX_SOLUTIONS` solutions, :data:`DEFAULT_MAX_TIME` seconds of CPU time) and
the result says which one stopped the search, or that it was exhausted (every reachable term was
searched: there are no other solutions). :class:`Search` is the lazy stream of solutions,
:func:`search` the collected :class:`SearchResult`. The search is iterative (terms 100,000 deep are
fine) and keeps at most ``max_nodes`` terms.

:func:`search_answers` searches the other way a term computes: the answers of an RMC term on the
relational machine whose stacks match a memory pattern (:func:`parse_memory_pattern`).
:func:`parse_condition` reads the small side-condition language of ``mcalc search --where``.
"""

from __future__ import annotations

import html
import re
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, cast

from machine_calculus.calculus.errors import ParseError, Position
from machine_calculus.calculus.patterns import Meta, meta_text, metavariables
from machine_calculus.calculus.terms import Term, free_variables
from machine_calculus.machine.render import Html, html_table
from machine_calculus.rewriting.engine import ReductionRule, RuleSet, TermPosition
from machine_calculus.rewriting.patterns import Bindings, match_pattern

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_NODES",
    "DEFAULT_MAX_SOLUTIONS",
    "DEFAULT_MAX_TIME",
    "KINDS",
    "AnswerMatch",
    "AnswerSearchResult",
    "ConditionError",
    "Kind",
    "Progress",
    "Search",
    "SearchResult",
    "Solution",
    "WitnessStep",
    "answer_match_json",
    "answer_match_text",
    "parse_condition",
    "parse_memory_pattern",
    "parse_trs_term",
    "pattern_metavariables",
    "search",
    "search_answers",
    "solution_json",
    "solution_text",
    "steps_of",
    "term_printer",
]

Kind = Literal["=>*", "=>1", "=>+", "=>!"]
#: The kinds of search, as Maude writes them.
KINDS: tuple[str, ...] = ("=>*", "=>1", "=>+", "=>!")
_KIND_WORDS = {
    "=>*": "zero or more steps",
    "=>1": "exactly one step",
    "=>+": "one or more steps",
    "=>!": "normal forms",
}

DEFAULT_MAX_DEPTH = 100  # steps from the start
DEFAULT_MAX_NODES = 10_000  # distinct terms kept (each visited once)
DEFAULT_MAX_SOLUTIONS = 100
DEFAULT_MAX_TIME = 60.0  # seconds of CPU time

Steps = Callable[[Term], Iterable[tuple[str, TermPosition, Term]]]
Condition = Callable[[Bindings], bool]
Printer = Callable[[Term, str, "int | None"], str]
_PROGRESS_EVERY = 256  # expansions between two calls of the progress callback

# what stopped a search, and the parameter that raises its bound
_BOUND_PARAMETERS = {
    "depth_bound": "max_depth",
    "node_bound": "max_nodes",
    "solution_limit": "max_solutions",
    "time_bound": "max_time",
}


class Progress(NamedTuple):
    """What a search has done so far, as its ``progress`` callback sees it."""

    expanded: int  # terms whose one-step reducts were computed
    terms: int  # distinct terms kept
    solutions: int
    depth: int  # the depth (steps from the start) being searched


@dataclass(frozen=True, slots=True)
class WitnessStep:
    """One step of a witness path: the rule, its position in the term before, the term after."""

    rule: str
    position: TermPosition
    term: Term


@dataclass(frozen=True)
class Solution:
    """A reachable term that matches the pattern: the term, the metavariables' bindings, and the
    steps from the start that reach it (a shortest such path; empty for the start itself)."""

    term: Term
    bindings: Bindings
    path: tuple[WitnessStep, ...]

    @property
    def depth(self) -> int:
        """The number of steps from the start."""
        return len(self.path)


# -- printing -----------------------------------------------------------------------------------


def term_printer(sample: Term) -> Printer:
    """The printer of ``sample``'s calculus, ``(term, notation, limit) -> text``: the RMC's
    (:func:`~calculus.rmc.printer.rmc_text`) for an RMC term, the first-order printer for a TRS's
    terms, the FMC's (:func:`~calculus.fmc.printer.pretty`) otherwise, and ``repr`` for a node no
    printer knows (a user's own calculus). Metavariables print as ``?X``."""
    from machine_calculus.calculus.rmc.syntax import is_relational

    if sample.kind in ("fo", "args"):
        from machine_calculus.calculus.rmc.firstorder import term_text

        return lambda t, notation, limit: _cut(term_text(t, limit), limit)
    if is_relational(sample):
        from machine_calculus.calculus.rmc.printer import rmc_text

        return lambda t, notation, limit: rmc_text(t, notation, limit)
    return _fmc_or_repr


def _fmc_or_repr(t: Term, notation: str, limit: int | None) -> str:
    from machine_calculus.calculus.fmc.printer import pretty

    try:
        return pretty(t, notation, limit)
    except TypeError:  # a node of another calculus
        return _cut(repr(t), limit)


def _cut(text: str, limit: int | None) -> str:
    return text if limit is None else text[: limit + 1]


def _show(value: Any, printer: Printer, notation: str, limit: int | None = None) -> str:
    """A binding or a term as text: a term by ``printer`` (a first-order term by its own
    printer), a metavariable as ``?X``, an atom (a location, a name) as itself. With ``limit``, a
    text longer than ``limit`` ends with ``…``."""
    if isinstance(value, Meta):
        text = meta_text(value)
    elif isinstance(value, Term):
        if value.kind in ("fo", "args"):
            from machine_calculus.calculus.rmc.firstorder import term_text

            text = term_text(value, limit)
        else:
            text = printer(value, notation, limit)
    else:
        text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def _position_text(position: TermPosition) -> str:
    return ".".join(map(str, position)) or "ε"


# -- the search -----------------------------------------------------------------------------------


def steps_of(rules: RuleSet | Any | Steps | Sequence[ReductionRule] | None, start: Term) -> Steps:
    """The one-step reducts :class:`Search` follows: those of ``rules`` (a rule set, a tuple of
    rules, a first-order :class:`~rewriting.trs.TRS`, or already a steps function), or when None
    the calculus's own: the RMC's for an RMC term, FMC III's otherwise."""
    from machine_calculus.rewriting.graph import rule_steps, trs_steps
    from machine_calculus.rewriting.trs import TRS

    if rules is None:
        from machine_calculus.calculus.rmc.syntax import is_relational

        if start.kind in ("fo", "args"):
            raise ValueError("a first-order term has no rules of its own: give the TRS (rules=...)")
        if is_relational(start):
            from machine_calculus.rewriting.rmc_rules import RMC

            return rule_steps(RMC)
        from machine_calculus.rewriting.rules import FMC3

        return rule_steps(FMC3)
    if isinstance(rules, TRS):
        return trs_steps(rules)
    if isinstance(rules, RuleSet):
        return rule_steps(rules)
    if isinstance(rules, tuple | list):
        return rule_steps(RuleSet("rules", tuple(rules)))
    if callable(rules):
        return cast(Steps, rules)
    raise TypeError(f"rules must be a RuleSet, a TRS, rules or a steps function, not {type(rules).__name__}")


class Search(Iterator[Solution]):
    """The lazy stream of solutions of a search (see the module docstring), breadth-first: the
    start's solutions first, then those one step away, and so on; iterate it, then call
    :meth:`result` (which also runs whatever is left of the search).

    ``pattern`` None matches every term. ``where`` is a side condition on the bindings. Bounds
    (None for no bound): ``max_depth`` steps from the start, ``max_nodes`` distinct terms kept,
    ``max_solutions``, ``max_time`` seconds of CPU time. ``progress`` is called with a
    :class:`Progress` every few hundred expansions and when the search ends. ``status`` is
    ``"running"`` until the search ends, then ``"exhausted"`` (every reachable term searched),
    ``"depth_bound"``, ``"node_bound"`` (terms reachable within the bounds were left out: ``cut``
    names every bound that left some out), ``"solution_limit"`` or ``"time_bound"``."""

    def __init__(
        self,
        start: Term,
        pattern: Term | None = None,
        rules: RuleSet | Any | Steps | None = None,
        *,
        kind: Kind | str = "=>*",
        where: Condition | None = None,
        max_depth: int | None = DEFAULT_MAX_DEPTH,
        max_nodes: int | None = DEFAULT_MAX_NODES,
        max_solutions: int | None = DEFAULT_MAX_SOLUTIONS,
        max_time: float | None = DEFAULT_MAX_TIME,
        progress: Callable[[Progress], None] | None = None,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        for name, bound in (("max_depth", max_depth), ("max_nodes", max_nodes), ("max_solutions", max_solutions)):
            if bound is not None and bound < 0:
                raise ValueError(f"{name} must be >= 0 (or None for no bound), not {bound}")
        self.start, self.pattern, self.kind, self.where = start, pattern, kind, where
        self.steps: Steps = steps_of(rules, start)
        self.max_depth, self.max_nodes, self.max_solutions, self.max_time = (
            max_depth,
            max_nodes,
            max_solutions,
            max_time,
        )
        self.progress = progress
        self.status = "running"
        self.cut: set[str] = set()  # the bounds that left reachable terms out
        self.expanded = 0
        self.depth = 0
        self.solutions: list[Solution] = []  # every solution given so far (at most max_solutions)
        self._terms: list[Term] = [start]
        # how each term was first reached: (the term before, rule, position); None for the start
        self._parents: list[tuple[int, str, TermPosition] | None] = [None]
        self._started = time.process_time()
        self.seconds = 0.0
        self._run = self._search()

    @property
    def terms(self) -> int:
        """The distinct terms kept so far (reached and remembered)."""
        return len(self._terms)

    def __iter__(self) -> Search:
        return self

    def __next__(self) -> Solution:
        return next(self._run)

    def result(self) -> SearchResult:
        """Run the rest of the search (up to its bounds) and collect every solution."""
        for _ in self._run:
            pass
        return SearchResult(
            start=self.start,
            pattern=self.pattern,
            kind=self.kind,
            solutions=tuple(self.solutions),
            status=self.status,
            cut=tuple(sorted(self.cut)),
            expanded=self.expanded,
            terms=self.terms,
            depth=self.depth,
            bounds={
                "max_depth": self.max_depth,
                "max_nodes": self.max_nodes,
                "max_solutions": self.max_solutions,
                "max_time": self.max_time,
            },
            seconds=self.seconds,
        )

    # -- the breadth-first walk --------------------------------------------------------------------

    def _path(self, i: int) -> list[WitnessStep]:
        steps: list[WitnessStep] = []
        parent = self._parents[i]
        while parent is not None:
            steps.append(WitnessStep(parent[1], parent[2], self._terms[i]))
            i = parent[0]
            parent = self._parents[i]
        steps.reverse()
        return steps

    def _solution(self, t: Term, i: int, last: WitnessStep | None = None) -> Solution | None:
        """The solution ``t`` is (matched, condition holding), or None; its witness path is term
        ``i``'s, then ``last`` (the step of a cycle back to the start)."""
        if self.pattern is None:
            bindings: Bindings | None = {}
        else:
            bindings = match_pattern(self.pattern, t)
        if bindings is None or (self.where is not None and not self.where(bindings)):
            return None
        path = self._path(i)
        if last is not None:
            path.append(last)
        return Solution(t, bindings, tuple(path))

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(Progress(self.expanded, self.terms, len(self.solutions), self.depth))

    def _end(self, status: str) -> None:
        self.status = status
        self.seconds = time.process_time() - self._started
        self._report()

    def _search(self) -> Iterator[Solution]:
        kind, steps, terms, parents = self.kind, self.steps, self._terms, self._parents
        limit = self.max_solutions
        if limit == 0:
            self._end("solution_limit")
            return
        deadline = None if self.max_time is None else self._started + self.max_time
        max_nodes = self.max_nodes
        # =>1 looks one step ahead by definition; a depth bound of 0 still cuts it
        depth_bound = self.max_depth
        if kind == "=>1":
            depth_bound = 1 if depth_bound is None else min(1, depth_bound)
        index: dict[Term, int] = {self.start: 0}
        depth_of = [0]
        queue = deque([0])
        start_seen_again = False  # =>+ and =>1: the start reached by a cycle (reported once)

        def found(solution: Solution | None) -> bool:
            """Keep a solution; whether the solution limit is reached."""
            if solution is None:
                return False
            self.solutions.append(solution)
            return limit is not None and len(self.solutions) >= limit

        if kind == "=>*":
            first = self._solution(self.start, 0)
            if first is not None:
                full = found(first)
                yield first
                if full:
                    self._end("solution_limit")
                    return
        while queue:
            if deadline is not None and time.process_time() > deadline:
                self._end("time_bound")
                return
            i = queue.popleft()
            t, d = terms[i], depth_of[i]
            self.depth = d
            if depth_bound is not None and d >= depth_bound:
                if kind == "=>1" and d >= 1:
                    continue  # one step is all =>1 looks at
                # not expanded; whether it has a step tells a normal form, and a step to a term
                # not seen yet a cut (steps back to terms already searched cut nothing)
                reducts = [u for _, _, u in steps(t)]
                if any(u not in index for u in reducts):
                    self.cut.add("depth_bound")
                elif not reducts and kind == "=>!":
                    solution = self._solution(t, i)
                    if solution is not None:
                        full = found(solution)
                        yield solution
                        if full:
                            self._end("solution_limit")
                            return
                continue
            self.expanded += 1
            if self.expanded % _PROGRESS_EVERY == 0:
                self._report()
            normal = True
            new: list[Solution] = []
            for rule, position, u in steps(t):
                normal = False
                j = index.get(u)
                if j is None:
                    if max_nodes is not None and len(terms) >= max_nodes:
                        self.cut.add("node_bound")
                        continue
                    j = index[u] = len(terms)
                    terms.append(u)
                    parents.append((i, rule, position))
                    depth_of.append(d + 1)
                    queue.append(j)
                    if kind != "=>!":
                        solution = self._solution(u, j)
                        if solution is not None:
                            new.append(solution)
                elif j == 0 and kind in ("=>+", "=>1") and not start_seen_again:
                    start_seen_again = True  # t =>+ t: the start is a solution of a cycle's length
                    solution = self._solution(self.start, i, WitnessStep(rule, position, self.start))
                    if solution is not None:
                        new.append(solution)
            if normal and kind == "=>!":
                solution = self._solution(t, i)
                if solution is not None:
                    new.append(solution)
            for solution in new:
                full = found(solution)
                yield solution
                if full:
                    self._end("solution_limit")
                    return
        self._end("node_bound" if "node_bound" in self.cut else "depth_bound" if self.cut else "exhausted")


def search(
    start: Term,
    pattern: Term | None = None,
    rules: RuleSet | Any | Steps | None = None,
    *,
    kind: Kind | str = "=>*",
    where: Condition | None = None,
    max_depth: int | None = DEFAULT_MAX_DEPTH,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_solutions: int | None = DEFAULT_MAX_SOLUTIONS,
    max_time: float | None = DEFAULT_MAX_TIME,
    progress: Callable[[Progress], None] | None = None,
) -> SearchResult:
    """The terms ``u`` with ``start =>* u`` (or ``=>1``, ``=>+``, ``=>!``: ``kind``) that match
    ``pattern`` and satisfy ``where``, each with its bindings and a shortest witness path, and how
    the search ended; the arguments are :class:`Search`'s.

        >>> from machine_calculus.calculus.fmc.parser import parse, parse_pattern
        >>> found = search(parse("[A].[B].<x>.<y>.[x].[y]"), parse_pattern("[?N].?M"), kind="=>!")
        >>> print(found)
        solution 1 (2 steps): [B].[A]
          ?M = [A]
          ?N = B
          beta @ 2: [A].⟨y⟩.[B].[y]
          beta @ ε: [B].[A]
        1 solution (normal forms); exhausted: all 3 reachable terms were searched
    """
    return Search(
        start,
        pattern,
        rules,
        kind=kind,
        where=where,
        max_depth=max_depth,
        max_nodes=max_nodes,
        max_solutions=max_solutions,
        max_time=max_time,
        progress=progress,
    ).result()


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class SearchResult:
    """The solutions of a search and how it ended (:class:`Search`'s ``status`` and ``cut``);
    ``expanded`` terms had their steps computed, ``terms`` distinct terms were kept, ``depth`` is
    the deepest level reached, ``bounds`` the bounds it ran with."""

    start: Term
    pattern: Term | None
    kind: str
    solutions: tuple[Solution, ...]
    status: str
    cut: tuple[str, ...] = ()
    expanded: int = 0
    terms: int = 0
    depth: int = 0
    bounds: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.solutions)

    def __iter__(self) -> Iterator[Solution]:
        return iter(self.solutions)

    def __getitem__(self, i: int) -> Solution:
        return self.solutions[i]

    @property
    def found(self) -> bool:
        return bool(self.solutions)

    @property
    def exhausted(self) -> bool:
        """Every reachable term was searched: there are no other solutions."""
        return self.status == "exhausted"

    def printer(self) -> Printer:
        return term_printer(self.start)

    def reason(self, names: Mapping[str, str] | None = None) -> str:
        """How the search ended, naming the bound that stopped it (``names`` maps a bound's
        parameter, ``max_depth``..., to what the caller calls it: a command line's flag)."""
        names = names or {}

        def bound(status: str) -> str:
            parameter = _BOUND_PARAMETERS[status]
            value = self.bounds.get(parameter)
            shown = f"{value:,}" if isinstance(value, int) else f"{value:g} s" if value is not None else "none"
            return f"{names.get(parameter, parameter)} {shown}" if parameter in names else f"{parameter}={shown}"

        if self.status == "exhausted":
            every = "the only reachable term was" if self.terms == 1 else f"all {self.terms:,} reachable terms were"
            return f"exhausted: {every} searched"
        if self.status == "solution_limit":
            return f"stopped at the solution limit ({bound('solution_limit')}): there may be more"
        if self.status == "time_bound":
            return f"stopped at the time bound ({bound('time_bound')} of CPU time): there may be more"
        parts = []
        if "depth_bound" in self.cut:
            depth = self.bounds.get("max_depth")
            parts.append(f"the depth bound ({bound('depth_bound')}: terms more than {depth} steps away were left out)")
        if "node_bound" in self.cut:
            parts.append(f"the node bound ({bound('node_bound')} terms: further terms were left out)")
        return f"stopped at {' and '.join(parts)}: there may be more"

    def status_line(self, names: Mapping[str, str] | None = None) -> str:
        """``N solutions (kind); reason``."""
        return f"{_count(len(self.solutions), 'solution')} ({_KIND_WORDS[self.kind]}); {self.reason(names)}"

    def text(self, notation: str = "unicode", limit: int | None = None) -> str:
        """Each solution (:func:`solution_text`), then the status line; terms in ``notation``,
        each at most ``limit`` characters."""
        printer = self.printer()
        lines = [solution_text(s, n, printer, notation, limit) for n, s in enumerate(self.solutions, 1)]
        return "\n".join([*lines, self.status_line()])

    def __str__(self) -> str:
        return self.text()

    def to_json(self, limit: int | None = None) -> dict[str, Any]:
        """``{"kind", "pattern", "status", "reason", "exhausted", "solutions": [...], "expanded",
        "terms", "depth"}``: each solution ``{"term", "term_unicode", "bindings", "depth",
        "path": [{"rule", "position", "term"}]}``; terms in ASCII (``_unicode``: Unicode), each at
        most ``limit`` characters."""
        printer = self.printer()
        return {
            "kind": self.kind,
            "pattern": None if self.pattern is None else _show(self.pattern, printer, "ascii"),
            "status": self.status,
            "reason": self.reason(),
            "exhausted": self.exhausted,
            "solutions": [solution_json(s, printer, limit) for s in self.solutions],
            "expanded": self.expanded,
            "terms": self.terms,
            "depth": self.depth,
        }

    def _repr_html_(self) -> str:
        """An HTML table: each solution, its bindings and its witness path."""
        printer = self.printer()
        rows: list[tuple[str, ...]] = []
        for n, s in enumerate(self.solutions, 1):
            bindings = "<br>".join(
                f"<code>?{html.escape(k)} = {html.escape(_show(v, printer, 'unicode', 2_000))}</code>"
                for k, v in sorted(s.bindings.items())
            )
            path = "<br>".join(
                f"{html.escape(step.rule)} @ {_position_text(step.position)}: "
                f"<code>{html.escape(_show(step.term, printer, 'unicode', 2_000))}</code>"
                for step in s.path
            )
            rows.append(
                (str(n), _show(s.term, printer, "unicode", 2_000), Html(bindings or "—"), Html(path or "(the start)"))
            )
        return html_table(["#", "solution", "bindings", "witness path"], rows, self.status_line())


def solution_text(
    solution: Solution, number: int, printer: Printer, notation: str = "unicode", limit: int | None = None
) -> str:
    """``solution N (K steps): TERM``, then each binding ``?X = ...`` and each step of the witness
    path ``rule @ position: term``, indented."""
    steps = _count(solution.depth, "step")
    lines = [f"solution {number} ({steps}): {_show(solution.term, printer, notation, limit)}"]
    lines += [f"  ?{k} = {_show(v, printer, notation, limit)}" for k, v in sorted(solution.bindings.items())]
    lines += [
        f"  {step.rule} @ {_position_text(step.position)}: {_show(step.term, printer, notation, limit)}"
        for step in solution.path
    ]
    return "\n".join(lines)


def solution_json(solution: Solution, printer: Printer, limit: int | None = None) -> dict[str, Any]:
    """A solution as JSON (see :meth:`SearchResult.to_json`)."""
    return {
        "term": _show(solution.term, printer, "ascii", limit),
        "term_unicode": _show(solution.term, printer, "unicode", limit),
        "bindings": {k: _show(v, printer, "ascii", limit) for k, v in sorted(solution.bindings.items())},
        "depth": solution.depth,
        "path": [
            {"rule": s.rule, "position": list(s.position), "term": _show(s.term, printer, "ascii", limit)}
            for s in solution.path
        ],
    }


def parse_trs_term(
    text: str, variables: Collection[str] = frozenset(), *, patterns: bool = False, source: str = "<term>"
) -> Term:
    """A first-order term as a TRS file writes it (:mod:`rewriting.trs`: any token is a symbol,
    ``0`` and ``+`` too; the identifiers in ``variables`` are variables); with ``patterns``,
    ``?X`` is a metavariable. Errors are positioned :class:`ParseError`."""
    from machine_calculus.calculus.rmc.firstorder import Fn, arguments
    from machine_calculus.calculus.terms import fold, with_children
    from machine_calculus.rewriting import trs

    tokens = [(m.group(), m.start()) for m in trs._TOKEN.finditer(text) if not m.group().isspace()]

    def error(message: str, offset: int) -> ParseError:
        line_start = text.rfind("\n", 0, offset) + 1
        return ParseError(
            message, text, Position(text.count("\n", 0, offset) + 1, offset - line_start + 1, offset), source
        )

    if not tokens:
        raise error("empty input: expected a first-order term", 0)
    for tok, at in tokens:
        if tok.startswith("?"):
            if not patterns:
                raise error(f"unexpected {tok!r} (a metavariable ?X is read only in a pattern)", at)
            if not re.fullmatch(r"\?\w+", tok):
                raise error(f"a metavariable is '?' and a name, not {tok!r}", at)
    try:
        term = trs._term(tokens, set(variables), error)
    except IndexError:  # the tokens ended inside the term
        raise error("unexpected end of input: the term is not finished", len(text)) from None
    if not patterns:
        return term

    def metas(node: Term, kids: tuple[Term, ...]) -> Term:
        if isinstance(node, Fn) and node.symbol.startswith("?"):
            if arguments(node):
                where = next(at for tok, at in tokens if tok == node.symbol)
                raise error("a metavariable stands for a whole term, not a function symbol", where)
            return Meta(node.symbol[1:])
        return with_children(node, kids)

    return fold(term, metas)


# -- side conditions ------------------------------------------------------------------------------


class ConditionError(ValueError):
    """A side condition asked of a binding it does not apply to (``?x free in ?M`` with ``?x``
    bound to something other than a name)."""


_CLAUSE_NORMAL = re.compile(r"\?(\w+)\s+normal")
_CLAUSE_FREE = re.compile(r"\?(\w+)\s+(not\s+)?free\s+in\s+\?(\w+)")
_COMPARISON = re.compile(r"\s(==|!=)\s")
_META_SIDE = re.compile(r"\?(\w+)")


def parse_condition(
    text: str,
    *,
    known: Collection[str] | None = None,
    parse_term: Callable[[str, str], Any] | None = None,
    steps: Steps | None = None,
    source: str = "--where",
) -> Condition:
    """A side condition on a match, from its text: clauses joined by ``and``, each one of

        ?X == ?Y     ?X != ?Y      the bindings are (not) equal: alpha-equivalent terms, equal atoms
        ?X == TERM   ?X != TERM    TERM read by ``parse_term(text, source)`` (the calculus's parser)
        ?M normal                  the term bound to ?M has no step (by ``steps``)
        ?x free in ?M              the name bound to ?x (a binder's name, or a variable) is free in ?M
        ?x not free in ?M

    (``==`` and ``!=`` stand between spaces). ``known`` are the pattern's metavariables: another
    is an error. Errors are :class:`ParseError` positioned in ``text``."""
    clauses: list[Condition] = []
    offset = 0
    for piece in re.split(r"(\sand\s)", text):
        if re.fullmatch(r"\sand\s", piece):
            offset += len(piece)
            continue
        clauses.append(_clause(text, piece, offset, known, parse_term, steps, source))
        offset += len(piece)
    return lambda bindings: all(clause(bindings) for clause in clauses)


def _clause(
    text: str,
    piece: str,
    offset: int,
    known: Collection[str] | None,
    parse_term: Callable[[str, str], Any] | None,
    steps: Steps | None,
    source: str,
) -> Condition:
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    at = offset + lead

    def error(message: str, where: int) -> ParseError:
        line_start = text.rfind("\n", 0, where) + 1
        return ParseError(
            message, text, Position(text.count("\n", 0, where) + 1, where - line_start + 1, where), source
        )

    def metavariable(name: str, where: int) -> str:
        if known is not None and name not in known:
            listed = ", ".join(f"?{k}" for k in known) or "none"
            raise error(f"?{name} is not a metavariable of the pattern (it has {listed})", where)
        return name

    if not body:
        raise error("empty condition: expected '?X == ?Y', '?X != ?Y', '?M normal' or '?x not free in ?M'", at)
    if m := _CLAUSE_NORMAL.fullmatch(body):
        name = metavariable(m.group(1), at)
        if steps is None:
            raise error("'normal' needs the rules (no steps given)", at)
        return lambda b: _is_normal(b[name], name, steps)
    if m := _CLAUSE_FREE.fullmatch(body):
        x = metavariable(m.group(1), at)
        term = metavariable(m.group(3), at + m.start(3) - 1)
        negated = m.group(2) is not None
        return lambda b: _free_in(b[x], x, b[term], term) != negated
    comparison = _COMPARISON.search(body)
    if comparison is None:
        raise error(
            f"cannot read the condition {body!r}: expected '?X == ?Y', '?X != ?Y', '?M normal', "
            "'?x free in ?M' or '?x not free in ?M'",
            at,
        )
    sides = []
    for side, start in ((body[: comparison.start()], 0), (body[comparison.end() :], comparison.end())):
        inner = len(side) - len(side.lstrip())
        side_text, where = side.strip(), at + start + inner
        if m := _META_SIDE.fullmatch(side_text):
            name = metavariable(m.group(1), where)
            sides.append((True, name))
        elif not side_text:
            raise error("expected a metavariable or a term on each side of the comparison", where)
        elif parse_term is None and re.fullmatch(r"[^\W\d]\w*", side_text):
            sides.append((False, side_text))  # a name: a location, a bound name, a constant
        elif parse_term is None:
            raise error("a term in a condition needs the calculus's parser (none given)", where)
        else:
            try:
                sides.append((False, parse_term(side_text, source)))
            except ParseError as exc:  # re-positioned in the whole condition
                raise error(exc.message, where + exc.position.offset) from None
    negated = comparison.group(1) == "!="
    (left_meta, left), (right_meta, right) = sides
    if not left_meta and not right_meta:
        raise error("a comparison needs a metavariable on one side", at)

    def value(b: Bindings, is_meta: bool, side: Any) -> Any:
        return b[side] if is_meta else side

    return lambda b: _same(value(b, left_meta, left), value(b, right_meta, right)) != negated


def _same(a: Any, b: Any) -> bool:
    """Equal bindings: alpha-equivalent terms, equal atoms, a name and its variable (or the
    first-order constant of that name)."""
    if a == b:
        return True
    return isinstance(_name_of(a), str) and _name_of(a) == _name_of(b)


def _name_of(value: Any) -> Any:
    """The name a variable or a first-order constant is; anything else itself."""
    if isinstance(value, Term):
        if value.is_variable:
            return value.args[0]
        from machine_calculus.calculus.rmc.firstorder import Fn, NoArg

        if isinstance(value, Fn) and isinstance(value.operands, NoArg):
            return value.symbol
    return value


def _is_normal(value: Any, name: str, steps: Steps) -> bool:
    if not isinstance(value, Term):
        raise ConditionError(f"?{name} is bound to {value!r}, not a term: 'normal' asks of a term")
    return next(iter(steps(value)), None) is None


def _free_in(x: Any, x_name: str, term: Any, term_name: str) -> bool:
    name = x.args[0] if isinstance(x, Term) and x.is_variable else x
    if not isinstance(name, str):
        raise ConditionError(f"?{x_name} is bound to a term that is not a variable: 'free in' asks of a name")
    if not isinstance(term, Term):
        raise ConditionError(f"?{term_name} is bound to {term!r}, not a term: 'free in' asks of a term")
    return name in free_variables(term)


# -- the answers of an RMC term -------------------------------------------------------------------

MemoryPattern = Mapping[str, Sequence[Term]]


def parse_memory_pattern(text: str, source: str = "<pattern>") -> dict[str, tuple[Term, ...]]:
    """A pattern of an answer's stacks, as answers print: ``LOC: [t1, ..., tn]`` for each location
    it constrains (``λ: [s(?X)]  out: [?Y, a]``, bottom to top; ``[...]`` alone is the main stack
    λ), each item a first-order pattern (``?X`` a metavariable; identifiers starting with ``_``
    are variables, as answers print unbound ones). A location it lists must hold exactly those
    items; the others are not constrained. Errors are positioned :class:`ParseError`."""
    from machine_calculus.calculus.fmc.syntax import DEFAULT
    from machine_calculus.calculus.rmc.parser import parse_first_order

    def error(message: str, where: int) -> ParseError:
        line_start = text.rfind("\n", 0, where) + 1
        return ParseError(
            message, text, Position(text.count("\n", 0, where) + 1, where - line_start + 1, where), source
        )

    pattern: dict[str, tuple[Term, ...]] = {}
    i, n = 0, len(text)
    while True:
        while i < n and (text[i].isspace() or text[i] == ";"):
            i += 1
        if i >= n:
            break
        location, start = DEFAULT, i
        if text[i] != "[":
            m = re.compile(r"([^\W\d]\w*|λ)\s*:\s*").match(text, i)
            if m is None:
                raise error("expected 'LOC: [t1, ..., tn]' (or '[...]' for the main stack λ)", i)
            location, i = m.group(1), m.end()
            if i >= n or text[i] != "[":
                raise error(f"expected '[' to open the stack of {location}", i)
        if location in pattern:
            raise error(f"the pattern gives location {location} twice", start)
        depth, j, items, item_start = 0, i + 1, [], i + 1
        while True:
            if j >= n:
                raise error(f"unclosed '[' of the stack of {location}", i)
            ch = text[j]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif (ch == "," and depth == 0) or (ch == "]" and depth == 0):
                items.append((text[item_start:j], item_start))
                item_start = j + 1
                if ch == "]":
                    break
            j += 1
        if len(items) == 1 and not items[0][0].strip():
            items = []  # an empty stack
        parsed = []
        for item, at in items:
            if not item.strip():
                raise error("expected a first-order term in the stack", at)
            try:
                parsed.append(parse_first_order(item, source, patterns=True))
            except ParseError as exc:
                raise error(exc.message, at + exc.position.offset) from None
        pattern[location] = tuple(parsed)
        i = j + 1
    if not pattern:
        raise error("empty pattern: expected 'LOC: [t1, ..., tn]'", 0)
    return pattern


def _memory_term(memory: Mapping[str, Sequence[Term]], locations: Iterable[str]) -> Term:
    """The stacks at ``locations`` as one first-order term (so that one match binds them all)."""
    from machine_calculus.calculus.rmc.firstorder import fn

    return fn("memory", *(fn("stack", *memory.get(loc, ())) for loc in locations))


@dataclass(frozen=True)
class AnswerMatch:
    """An answer of the relational machine whose stacks match the pattern: the answer (its
    memory, its ``path`` of choices: the witness, replayed by :func:`machine.rmc.small_step.trace`)
    and the bindings."""

    answer: Any  # machine.rmc.small_step.Answer
    bindings: Bindings
    number: int  # which answer of the run it is (1 the first)


@dataclass(frozen=True)
class AnswerSearchResult:
    """The matching answers of an RMC run and how the run ended: ``"exhausted"`` (every answer was
    looked at), ``"out_of_fuel"``, ``"answer_limit"`` (``max_answers`` answers were looked at)
    or ``"solution_limit"``."""

    matches: tuple[AnswerMatch, ...]
    status: str
    answers: int  # answers looked at
    steps: int
    bounds: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.matches)

    def __iter__(self) -> Iterator[AnswerMatch]:
        return iter(self.matches)

    @property
    def found(self) -> bool:
        return bool(self.matches)

    def reason(self, names: Mapping[str, str] | None = None) -> str:
        names = names or {}

        def bound(parameter: str) -> str:
            value = self.bounds.get(parameter)
            return f"{names[parameter]} {value:,}" if parameter in names else f"{parameter}={value:,}"

        if self.status == "exhausted":
            return f"exhausted: all {self.answers:,} answers were looked at"
        if self.status == "out_of_fuel":
            return f"out of fuel after {self.steps:,} steps ({bound('fuel')}): there may be more answers"
        if self.status == "answer_limit":
            return f"stopped after {self.answers:,} answers ({bound('max_answers')}): there may be more"
        return f"stopped at the solution limit ({bound('max_solutions')}): there may be more"

    def status_line(self, names: Mapping[str, str] | None = None) -> str:
        return f"{_count(len(self.matches), 'matching answer')}; {self.reason(names)}"

    def text(self, limit: int | None = None) -> str:
        lines = [answer_match_text(m, limit) for m in self.matches]
        return "\n".join([*lines, self.status_line()])

    def __str__(self) -> str:
        return self.text()

    def to_json(self, limit: int | None = None) -> dict[str, Any]:
        """``{"status", "reason", "exhausted", "matches": [{"answer", "stacks", "bindings", "path"}],
        "answers", "steps"}`` (first-order terms as text)."""
        return {
            "status": self.status,
            "reason": self.reason(),
            "exhausted": self.status == "exhausted",
            "matches": [answer_match_json(m, limit) for m in self.matches],
            "answers": self.answers,
            "steps": self.steps,
        }

    def _repr_html_(self) -> str:
        rows: list[tuple[str, ...]] = []
        for m in self.matches:
            bindings = "<br>".join(
                f"<code>?{html.escape(k)} = {html.escape(_fo_text(v, 2_000))}</code>"
                for k, v in sorted(m.bindings.items())
            )
            rows.append((str(m.number), str(m.answer), Html(bindings or "—"), " ".join(map(str, m.answer.path)) or "—"))
        return html_table(["answer", "stacks", "bindings", "path (choices)"], rows, self.status_line())


def _fo_text(value: Any, limit: int | None = None) -> str:
    from machine_calculus.calculus.rmc.firstorder import term_text

    text = term_text(value, limit) if isinstance(value, Term) else str(value)
    return text if limit is None or len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def answer_match_text(match: AnswerMatch, limit: int | None = None) -> str:
    """``answer N: STACKS``, then each binding and the path of choices, indented."""
    lines = [f"answer {match.number}: {match.answer}"]
    lines += [f"  ?{k} = {_fo_text(v, limit)}" for k, v in sorted(match.bindings.items())]
    if match.answer.path:
        lines.append(f"  path (choices): {' '.join(map(str, match.answer.path))}")
    return "\n".join(lines)


def answer_match_json(match: AnswerMatch, limit: int | None = None) -> dict[str, Any]:
    return {
        "answer": match.number,
        "stacks": match.answer.texts(),
        "bindings": {k: _fo_text(v, limit) for k, v in sorted(match.bindings.items())},
        "path": list(match.answer.path),
    }


def search_answers(
    term: Term | str,
    pattern: MemoryPattern | str,
    memory: Mapping[str, Sequence[Term | str]] | None = None,
    *,
    where: Condition | None = None,
    fuel: int | None = 1_000_000,
    order: str = "fair",
    max_answers: int | None = 10_000,
    max_solutions: int | None = DEFAULT_MAX_SOLUTIONS,
) -> AnswerSearchResult:
    """The answers of the RMC term ``term`` on ``memory`` (the compiled relational machine's
    stream, :class:`machine.rmc.compiled.Search`, in ``order``) whose stacks match ``pattern``
    (a location's stack, bottom to top, item by item; a metavariable used twice, also across
    locations, matches equal terms) and satisfy ``where``. Bounds: ``fuel`` machine steps,
    ``max_answers`` answers looked at, ``max_solutions`` matching ones. Texts are read as the
    command line reads them: the term in RMC syntax, the pattern as answers print
    (:func:`parse_memory_pattern`), the memory's items as first-order terms."""
    from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc
    from machine_calculus.machine.rmc.compiled import Search as Answers

    if isinstance(term, str):
        term = parse_rmc(term)
    if isinstance(pattern, str):
        pattern = parse_memory_pattern(pattern)
    memory = {
        loc: tuple(parse_first_order(t, source=f"memory {loc}") if isinstance(t, str) else t for t in items)
        for loc, items in (memory or {}).items()
    }
    locations = list(pattern)
    wanted = _memory_term(pattern, locations)
    stream = Answers(term, memory, fuel=fuel, order=order)  # type: ignore[arg-type]
    matches: list[AnswerMatch] = []
    looked = 0
    status = "exhausted"
    bounds = {"fuel": fuel, "max_answers": max_answers, "max_solutions": max_solutions}
    if max_solutions == 0:
        return AnswerSearchResult((), "solution_limit", 0, 0, bounds)
    for answer in stream:
        looked += 1
        if all(len(answer.stack(loc)) == len(items) for loc, items in pattern.items()):
            bindings = match_pattern(wanted, _memory_term(answer.memory, locations))
            if bindings is not None and (where is None or where(bindings)):
                matches.append(AnswerMatch(answer, bindings, looked))
                if max_solutions is not None and len(matches) >= max_solutions:
                    status = "solution_limit"
                    break
        if max_answers is not None and looked >= max_answers:
            status = "answer_limit"
            break
    else:
        status = "out_of_fuel" if stream.out_of_fuel else "exhausted"
    return AnswerSearchResult(tuple(matches), status, looked, stream.steps, bounds)


def pattern_metavariables(pattern: Term | MemoryPattern | None) -> list[str]:
    """The metavariables of a pattern (a term, or a memory pattern), in order of first occurrence."""
    if pattern is None:
        return []
    if isinstance(pattern, Term):
        return metavariables(pattern)
    names: dict[str, None] = {}
    for items in pattern.values():
        for item in items:
            names.update(dict.fromkeys(metavariables(item)))
    return list(names)
