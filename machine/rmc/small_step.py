"""The relational machine (docs/rmc.md): named small-step rules, and a fair search over forks.

A state is a memory S (a persistent stack of first-order terms per location), a substitution σ
(triangular, the most general unifier so far), a continuation stack K of closures, and the
current term M with its environment ρ (the fresh variables the enclosing ``new``s stand for):

    push    S, σ, K, [t]a                 ->  S(a += ρt), σ, K, ⋆
    pop     S(a = s.u), σ, K, a⟨t⟩         ->  S(a = s), mgu(ρt, u) after σ, K, ⋆
                                             (the branch fails if a is empty or there is no unifier)
    new     S, σ, K, new x.M              ->  S, σ, K, M  with ρ(x) = x' fresh in the whole search
    seq     S, σ, K, M ; N                ->  S, σ, K.N, M
    skip    S, σ, K.N, ⋆                  ->  S, σ, K, N
    choice  S, σ, K, M + N                ->  fork:  S, σ, K, M   |   S, σ, K, N
    star    S, σ, K, M*                   ->  fork:  S, σ, K, ⋆   |   S, σ, K.M*, M   (⋆ + M ; M*)
    fail    S, σ, K, 0                    ->  the branch fails
    answer  S, σ, ε, ⋆                    ->  the answer σS

The environment is the substitution ``{x'/x}M`` of the ``new`` rule, applied lazily: first-order
terms are instantiated when pushed or popped, so ``new`` costs O(log n) instead of O(|M|).
Pushed terms are stored as they are and σ is applied when an answer is read (the triangular
substitution makes that the same as pushing ``σ(ρt)``).

:class:`Search` is the lazy stream of answers: ``order="fair"`` (the default) runs each branch
until it forks, fails or answers, and takes branches first-in first-out (breadth-first over
forks), so every answer is reached after finitely many steps, also beside infinite branches
(a branch without a fork always stops: only ``*`` repeats). ``order="depth-first"`` takes the
left branch first and backtracks (Prolog's order; it can loop where the fair order answers).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Literal

from immutables import Map

from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Seq, Skip
from machine_calculus.calculus.rmc.firstorder import FVar, replace_variables, term_text
from machine_calculus.calculus.rmc.syntax import Choice, Fail, New, Pop, Push, Star
from machine_calculus.calculus.rmc.unify import INDEXED, Substitution, resolve, resolve_all, unify
from machine_calculus.calculus.terms import Term, iter_distinct_nodes, substitute
from machine_calculus.machine.memory import (
    MemoryInput,
    bounded_memory_json,
    normalize_memory,
    sorted_locations,
)
from machine_calculus.machine.stacks import Stack, from_items, to_tuple
from machine_calculus.machine.traces import StepTrace, Transition

__all__ = [
    "RULE_NAMES",
    "Answer",
    "AnswerStream",
    "Answers",
    "Fork",
    "Order",
    "Search",
    "State",
    "Stop",
    "Trace",
    "Transition",
    "answer_from",
    "initial_state",
    "is_fresh",
    "solve",
    "step",
    "trace",
]

#: The machine's rule names, in the order of the module docstring.
RULE_NAMES = ("push", "pop", "new", "seq", "skip", "choice", "star", "fail")

Order = Literal["fair", "depth-first"]
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_FRESH_MARKS = frozenset("₀₁₂₃₄₅₆₇₈₉")
NO_BINDINGS: Map = Map()


def is_fresh(name: str) -> bool:
    """Was the variable ``name`` made by the ``new`` rule (``x₃``: a subscript number)?"""
    return bool(name) and name[-1] in _FRESH_MARKS


class FreshSupply:
    """Fresh variables ``x₁, x₂, ...``: one counter for the whole search, so fresh in every state."""

    __slots__ = ("_numbers",)

    def __init__(self) -> None:
        self._numbers = count(1)

    def __call__(self, stem: str) -> FVar:
        return FVar(f"{stem.rstrip('₀₁₂₃₄₅₆₇₈₉')}{str(next(self._numbers)).translate(_SUBSCRIPTS)}")


def instantiate(t: Term, env: Map) -> Term:
    """``ρt``: the first-order term ``t`` with the variables bound by ``new`` made fresh."""
    return replace_variables(t, env) if env else t


@dataclass(frozen=True, slots=True)
class State:
    """A machine state: memory S, substitution σ, continuation K, term M under environment ρ.

    ``path`` records the forks taken to get here (0 for the left branch, 1 for the right),
    most recent first, as a cons list: :func:`trace` replays it.
    """

    memory: Map  # location -> Stack of first-order terms
    substitution: Substitution
    continuation: Stack  # cons list of (term, environment) closures
    term: Term
    environment: Map = NO_BINDINGS  # name bound by new -> its fresh variable
    path: Stack = None

    def stacks(self, unbound: set[str] | None = None) -> dict[str, tuple[Term, ...]]:
        """The memory under σ as ``{location: (bottom, ..., top)}``, empty stacks omitted: all
        its terms resolved together (:func:`resolve_all`: a binding they share is read once).
        The names of the variables left unbound are added to ``unbound``."""
        stacks = {loc: to_tuple(s) for loc, s in self.memory.items() if s is not None}
        resolved = iter(resolve_all([t for items in stacks.values() for t in items], self.substitution, unbound))
        return {loc: tuple(next(resolved) for _ in items) for loc, items in stacks.items()}

    def current_term(self) -> Term:
        """The term with its environment applied (``{x'/x}M`` for each ``new x`` passed)."""
        return _closed(self.term, self.environment)

    def continuation_terms(self) -> tuple[Term, ...]:
        """The continuation stack, top first, environments applied."""
        return tuple(_closed(t, env) for t, env in reversed(to_tuple(self.continuation)))

    def _repr_html_(self) -> str:
        """A notebook's display: the state in full (the renderer is imported only here)."""
        from machine_calculus.machine.rmc.render import state_html

        return state_html(self)

    def choices(self) -> tuple[int, ...]:
        """The forks taken to reach this state, first first."""
        return to_tuple(self.path)


def _closed(term: Term, env: Map) -> Term:
    return substitute(term, dict(env)) if env else term


@dataclass(frozen=True, slots=True)
class Fork:
    """A ``choice`` or ``star`` step: the two branches (left first)."""

    rule: str
    branches: tuple[State, State]


@dataclass(frozen=True, slots=True)
class Stop:
    """No step applies: the branch gives an answer, or fails (``rule`` says which rule failed:
    ``"pop"`` or ``"fail"``; ``reason`` says why, worked out only when asked for)."""

    status: Literal["answer", "failed"]
    state: State
    rule: str | None = None
    clash: tuple[Term, Term] | None = None  # a pop's pattern and the top it did not unify with

    @property
    def reason(self) -> str | None:
        if self.status == "answer":
            return None
        if self.rule == "fail":
            return "0 (failure)"
        loc = self.state.term.location  # type: ignore[attr-defined]
        if self.clash is None:
            return f"pop from the empty stack at location {loc}"
        s = self.state.substitution
        where = "" if loc == DEFAULT else f" at location {loc}"
        pattern, top = (term_text(resolve(t, s)) for t in self.clash)
        return f"pop{where}: {pattern} does not unify with {top}"


def initial_state(term: Term, memory: MemoryInput | None = None) -> State:
    """``S, ε, ε, M``: the term to run on an initial memory (stacks bottom to top).

    Variables in the memory, and variables of the term no ``new`` binds, are the caller's: they
    may be bound by unification and are printed by name.
    """
    stacks = {loc: from_items(items) for loc, items in normalize_memory(memory).items()}
    return State(Map(stacks), INDEXED, None, term)


def step(state: State, fresh: FreshSupply) -> Transition | Fork | Stop:
    """One machine step (the rules of the module docstring)."""
    term, k, env = state.term, state.continuation, state.environment
    cls = type(term)
    # The checker does not narrow term by cls (type(term), looked up once): so each case's
    # attribute accesses below carry an attr-defined ignore.
    if cls is Seq:
        return Transition(
            "seq",
            State(state.memory, state.substitution, ((term.then, env), k), term.first, env, state.path),  # type: ignore[attr-defined]
        )
    if cls is Skip:
        if k is None:
            return Stop("answer", state)
        (then, then_env), rest = k
        return Transition("skip", State(state.memory, state.substitution, rest, then, then_env, state.path))
    if cls is Push:
        memory = state.memory
        loc = term.location  # type: ignore[attr-defined]
        pushed = (instantiate(term.item, env), memory.get(loc))  # type: ignore[attr-defined]
        return Transition("push", State(memory.set(loc, pushed), state.substitution, k, SKIP, env, state.path))
    if cls is Pop:
        memory = state.memory
        loc = term.location  # type: ignore[attr-defined]
        stack = memory.get(loc)
        if stack is None:
            return Stop("failed", state, "pop")
        top, rest = stack
        pattern = instantiate(term.pattern, env)  # type: ignore[attr-defined]
        unifier = unify(pattern, top, state.substitution)
        if unifier is None:
            return Stop("failed", state, "pop", (pattern, top))
        return Transition("pop", State(memory.set(loc, rest), unifier, k, SKIP, env, state.path))
    if cls is New:
        x = term.variable  # type: ignore[attr-defined]
        body_env = env.set(x, fresh(x))
        return Transition("new", State(state.memory, state.substitution, k, term.body, body_env, state.path))  # type: ignore[attr-defined]
    if cls is Choice:
        return Fork("choice", (_branch(state, term.left, k, 0), _branch(state, term.right, k, 1)))  # type: ignore[attr-defined]
    if cls is Star:
        again = _branch(state, term.body, ((term, env), k), 1)  # type: ignore[attr-defined]
        return Fork("star", (_branch(state, SKIP, k, 0), again))
    if cls is Fail:
        return Stop("failed", state, "fail")
    raise TypeError(f"not an RMC term: {term!r}")


def _branch(state: State, term: Term, k: Stack, choice: int) -> State:
    return State(state.memory, state.substitution, k, term, state.environment, (choice, state.path))


# -- answers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One answer: a final memory under the final substitution (stacks bottom to top).

    Fresh variables still unbound are renamed ``_1, _2, ...`` in order of first occurrence
    (locations in display order, λ first, stacks bottom to top); the caller's variables keep
    their names. ``path`` is the forks taken (0 left, 1 right) and ``steps`` the number of steps
    the whole search had made when it was found.
    """

    memory: dict[str, tuple[Term, ...]]
    path: tuple[int, ...] = ()
    steps: int = 0

    def stack(self, location: str = DEFAULT) -> tuple[Term, ...]:
        """The final stack at ``location``, bottom to top (empty if absent)."""
        return self.memory.get(location, ())

    def texts(self) -> dict[str, list[str]]:
        """``{location: [term, ...]}`` in ASCII, locations in display order."""
        return {loc: [term_text(t) for t in self.memory[loc]] for loc in sorted_locations(self.memory)}

    def to_json(self, max_output: int | None = None) -> dict[str, Any]:
        """``{"stacks": {LOC: [TERM, ...]}}`` (the command-line contract). With ``max_output``,
        the answer's terms print at most that many characters in all, as an FMC run's memory
        (``"truncated": true`` and a ``"truncation"`` message when a term was cut)."""
        return bounded_memory_json(self.memory, max_output, term_text, "the answer's terms", " per answer")

    def __str__(self) -> str:
        parts = [f"{loc}: [{', '.join(items)}]" for loc, items in self.texts().items()]
        return "  ".join(parts) if parts else "∅ (empty memory)"

    def __repr__(self) -> str:
        return f"<Answer {self}>"

    def _repr_html_(self) -> str:
        from machine_calculus.machine.rmc.render import answer_html

        return answer_html(self)


def answer_of(state: State, steps: int = 0) -> Answer:
    """The answer of a final state ``S, σ, ε, ⋆``: σS with fresh variables renamed canonically
    (the answer is walked for their order only when some are left: not for a ground answer)."""
    unbound: set[str] = set()
    return answer_from(state.stacks(unbound), unbound, state.choices(), steps)


def answer_from(
    stacks: dict[str, tuple[Term, ...]], unbound: set[str], path: tuple[int, ...], steps: int = 0
) -> Answer:
    """The answer of resolved stacks whose variables left unbound are ``unbound`` (as
    :func:`answer_of`: fresh variables renamed ``_1, _2, ...`` in order of first occurrence)."""
    if not any(is_fresh(name) for name in unbound):
        return Answer(stacks, path, steps)
    order = [t for loc in sorted_locations(stacks) for t in stacks[loc]]
    kept: set[str] = set()
    fresh_names: list[str] = []
    seen_names: set[str] = set()
    for t in order:
        # each distinct node once (resolved answers share sub-terms), left to right
        for node in iter_distinct_nodes(t):
            if type(node) is FVar:
                name = node.name
                if name not in seen_names:
                    seen_names.add(name)
                    if is_fresh(name):
                        fresh_names.append(name)
                    else:
                        kept.add(name)
    renaming: dict[str, Term] = {}
    number = 0
    for name in fresh_names:
        number += 1
        while f"_{number}" in kept:
            number += 1
        renaming[name] = FVar(f"_{number}")
    memory = {
        loc: tuple(replace_variables(t, renaming) for t in items) if renaming else items
        for loc, items in stacks.items()
    }
    return Answer(memory, path, steps)


@dataclass(frozen=True)
class Answers:
    """The result of :func:`solve`: the answers found, and whether the stream was exhausted.

    ``exhausted`` means every branch was followed to its end (there are no other answers);
    ``out_of_fuel`` that the fuel ran out first.
    """

    answers: tuple[Answer, ...]
    exhausted: bool
    steps: int
    out_of_fuel: bool = False

    def __len__(self) -> int:
        return len(self.answers)

    def __iter__(self) -> Iterator[Answer]:
        return iter(self.answers)

    def __getitem__(self, i: int) -> Answer:
        return self.answers[i]

    def to_json(self, max_output: int | None = None) -> dict[str, Any]:
        """``{"answers": [{"stacks": ...}, ...], "exhausted": bool, "steps": N, "out_of_fuel": bool}``,
        each answer within ``max_output`` characters (:meth:`Answer.to_json`)."""
        return {
            "answers": [a.to_json(max_output) for a in self.answers],
            "exhausted": self.exhausted,
            "steps": self.steps,
            "out_of_fuel": self.out_of_fuel,
        }

    def __repr__(self) -> str:
        return f"<Answers: {self.status_line()}>"

    def _repr_html_(self) -> str:
        from machine_calculus.machine.rmc.render import answers_html

        return answers_html(self)

    def status_line(self, count: int | None = None) -> str:
        """How the search ended, with the number of answers (``count`` for a stream printed
        and dropped: its answers are not kept)."""
        n = len(self.answers) if count is None else count
        found = f"{n} answer{'s' if n != 1 else ''} in {self.steps:,} step{'s' if self.steps != 1 else ''}"
        if self.exhausted:
            return f"{found}, exhausted (no other answers)"
        if self.out_of_fuel:
            return f"{found}, out of fuel (there may be more answers)"
        return f"{found}, stopped at the limit (there may be more answers)"


class AnswerStream(Iterator[Answer]):
    """What a lazy stream of answers holds, for this machine's :class:`Search` and the compiled
    machine's: the fuel and order it was made with, the steps taken so far, and how it ended.

    ``steps`` counts the rules fired so far over all branches; the stream stops early when
    ``fuel`` steps are spent (``out_of_fuel`` is then set; raise ``fuel`` and iterate again to
    go on). ``exhausted`` is set once every branch has been followed to its end.
    """

    def __init__(self, fuel: int | None, order: Order) -> None:
        if order not in ("fair", "depth-first"):
            raise ValueError(f"order must be 'fair' or 'depth-first', not {order!r}")
        self.fuel = fuel
        self.order = order
        self.steps = 0
        self.exhausted = False
        self.out_of_fuel = False

    def __iter__(self) -> AnswerStream:
        return self


class Search(AnswerStream):
    """The lazy stream of answers of a term on a memory (iterate it, or call :func:`solve`);
    see :class:`AnswerStream` for its steps, fuel and end."""

    def __init__(
        self, term: Term, memory: MemoryInput | None = None, *, fuel: int | None = None, order: Order = "fair"
    ) -> None:
        super().__init__(fuel, order)
        self._fresh = FreshSupply()
        self._pending: deque[State] = deque([initial_state(term, memory)])

    def __next__(self) -> Answer:
        pending, fair, fresh, fuel = self._pending, self.order == "fair", self._fresh, self.fuel
        self.out_of_fuel = False
        while pending:
            state = pending.popleft() if fair else pending.pop()
            while True:
                if fuel is not None and self.steps >= fuel:
                    if fair:
                        pending.appendleft(state)
                    else:
                        pending.append(state)
                    self.out_of_fuel = True
                    raise StopIteration
                outcome = step(state, fresh)
                if type(outcome) is Transition:
                    self.steps += 1
                    state = outcome.state
                    continue
                if type(outcome) is Fork:
                    self.steps += 1
                    left, right = outcome.branches
                    if fair:
                        pending.append(left)
                        pending.append(right)
                    else:
                        pending.append(right)
                        pending.append(left)
                    break
                assert isinstance(outcome, Stop)
                if outcome.status == "answer":
                    return answer_of(outcome.state, self.steps)
                self.steps += 1  # a failing pop or 0 is a step that ends its branch
                break
        self.exhausted = True
        raise StopIteration


DEFAULT_FUEL = 1_000_000


def solve(
    term: Term,
    memory: MemoryInput | None = None,
    *,
    limit: int | None = None,
    fuel: int | None = DEFAULT_FUEL,
    order: Order = "fair",
) -> Answers:
    """The first ``limit`` answers (all when None) of ``term`` on ``memory``, within ``fuel`` steps."""
    return collect(Search(term, memory, fuel=fuel, order=order), limit)


def collect(search: AnswerStream, limit: int | None) -> Answers:
    """The first ``limit`` answers (all when None) of a search (this machine's or the compiled
    one's)."""
    found: list[Answer] = []
    if limit is None or limit > 0:
        for answer in search:
            found.append(answer)
            if limit is not None and len(found) >= limit:
                break
    return Answers(tuple(found), search.exhausted, search.steps, search.out_of_fuel)


# -- traces of one branch ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """A traced step: the rule, which branch a fork took (None for other rules), the new state."""

    rule: str
    state: State
    branch: int | None = None

    def label(self) -> str:
        if self.branch is None:
            return self.rule
        names = ("⋆", "again") if self.rule == "star" else ("left", "right")
        return f"{self.rule} → {names[self.branch]}"


@dataclass(frozen=True)
class Trace(StepTrace):
    """One branch of a run, step by step: where it ended (``"answer"``, ``"failed"`` or
    ``"out_of_fuel"``), why it failed, and the answer when it gave one."""

    initial: State
    steps: tuple[Step, ...]
    status: Literal["answer", "failed", "out_of_fuel"]
    reason: str | None = None
    answer: Answer | None = None
    failed_rule: str | None = field(default=None, repr=False)

    def _steps(self) -> tuple[Step, ...]:
        return self.steps

    def __repr__(self) -> str:
        return f"<Trace of one branch: {self.status_line()}>"

    def _html(self, start: int = 0, stop: int | None = None) -> str:
        from machine_calculus.machine.rmc.render import trace_html

        return trace_html(self, start, stop)

    def status_line(self) -> str:
        n = len(self.steps)
        if self.status == "answer":
            return f"answer after {n} steps: {self.answer}"
        if self.status == "failed":
            return f"branch failed after {n} steps: {self.reason}"
        return f"out of fuel after {n} steps"


def trace(term: Term, memory: MemoryInput | None = None, *, path: tuple[int, ...] = (), fuel: int = 10_000) -> Trace:
    """Follow one branch, keeping every state: at the n-th fork take ``path[n]`` (0 the left
    branch, 1 the right; the left one once ``path`` is used up). Pass an answer's ``path`` to
    see how it was reached."""
    for choice in path:
        if choice not in (0, 1):
            raise ValueError(f"a path holds 0 (left) and 1 (right), not {choice!r}")
    fresh = FreshSupply()
    state = initial_state(term, memory)
    start = state
    taken: list[Step] = []
    forks = 0
    while len(taken) < fuel:
        outcome = step(state, fresh)
        if isinstance(outcome, Transition):
            taken.append(Step(outcome.rule, outcome.state))
            state = outcome.state
        elif isinstance(outcome, Fork):
            choice = path[forks] if forks < len(path) else 0
            forks += 1
            state = outcome.branches[choice]
            taken.append(Step(outcome.rule, state, choice))
        elif outcome.status == "answer":
            return Trace(start, tuple(taken), "answer", answer=answer_of(state, len(taken)))
        else:
            return Trace(start, tuple(taken), "failed", outcome.reason, failed_rule=outcome.rule)
    return Trace(start, tuple(taken), "out_of_fuel")
