"""The compiled relational machine: the rules of :mod:`machine.rmc.small_step` on mutable state.

An RMC term is compiled once into a graph of code nodes (first-order patterns with their
variables resolved to slots of an environment tuple); one iterative loop runs it:

* first-order terms are tuples ``(symbol, arg1, ..., argn)`` and variables are :class:`Cell`\\ s
  bound in place; every binding, push and pop is recorded on a **trail** and undone when the
  search backtracks to a **choice point** (an explicit stack: no Python recursion, so terms
  100,000 deep and searches millions of steps deep run);
* ``pop`` unifies the pattern with the top without building it (a pattern's compound is built
  only when it meets an unbound variable), with the **occurs check**: a cell made by ``new``
  that nothing refers to yet (``fresh``) is bound without one (it cannot occur in anything);
* **indexing**: the leaves of a tree of ``+`` that begin with a pop of a constant or functor
  on one location (as the Prolog translation's ``t⟨p/n⟩`` per predicate) are dispatched on the
  top's functor when it is bound; the branches skipped would have failed at that pop, and
  their steps (their forks, sequence and ``new`` steps and the failing pop) are counted all
  the same, so the depth-first order and the step counts are kept exactly.

**Steps.** Depth-first, ``steps``, ``Answer.steps``, ``Answer.path``, fuel and ``out_of_fuel``
are exactly the small-step machine's (a run of several steps done at once, such as a skipped
branch, is charged at once; if that passes the fuel, the steps past it are a debt paid when the
search is resumed with more fuel, so the counts stay the small-step machine's). Fair, steps
count the same rules over the runs of iterative deepening (below), each block of steps between
forks counted once (a block run again in a deeper iteration is a replay, not counted): a measure
of work close to the small-step machine's count (equal on a chain of forks, such as a star
enumerating answers), and fuel bounds it (the work replayed is at most about twice it).

**Fairness** (and the fair order) is iterative deepening on the number of forks along a branch (its path length):
an iteration runs depth-first, cutting every branch at the bound, and reports the answers
deeper than the previous bound; the bound grows by an increment that is multiplied by 4 whenever an
iteration cost less than twice the one before (so a chain of forks costs a geometric sum, and
a bushy tree is deepened one fork at a time). An answer found is given once no branch left on
the choice stack can answer less deep (the bottom choice point's depth), the answers kept shallowest
first (stable, so left to right): the small-step machine's breadth-first order, whenever the
fuel does not interrupt an iteration. Every answer is reached after finitely many steps, beside
infinite branches, and the search is exhausted when an iteration cut no branch.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any, cast

from immutables import Map

from machine_calculus.calculus.collector import collector_paused
from machine_calculus.calculus.fmc.syntax import Seq, Skip
from machine_calculus.calculus.rmc.firstorder import FVar, arguments, fn
from machine_calculus.calculus.rmc.syntax import Choice, Fail, New, Pop, Push, Star
from machine_calculus.calculus.terms import Term, free_variables
from machine_calculus.machine.memory import MemoryInput, normalize_memory
from machine_calculus.machine.rmc.small_step import (
    DEFAULT_FUEL,
    Answer,
    Answers,
    AnswerStream,
    Order,
    answer_from,
    collect,
)

__all__ = ["Search", "solve"]

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class Cell:
    """A first-order variable: ``ref`` is its binding (None while unbound)."""

    __slots__ = ("fresh", "name", "ref")

    def __init__(self, name: str | None = None, fresh: bool = True) -> None:
        self.ref: Any = None
        self.name = name  # the caller's variables keep their names; None for a fresh one
        self.fresh = fresh  # made by new and referred to by nothing yet


# -- code ----------------------------------------------------------------------------------------

SEQ, SKIP_OP, PUSH, POP, NEW, CHOICE, STAR, FAIL = range(8)


class Pat:
    """A pattern's compound with variables: ``symbol(args)`` (args: runtime constants, slot
    numbers or Pats)."""

    __slots__ = ("args", "symbol")

    def __init__(self, symbol: str, args: tuple[Any, ...]) -> None:
        self.symbol = symbol
        self.args = args


class Code:
    """A compiled term node: ``op`` and its fields (see :func:`compile_term`)."""

    __slots__ = ("a", "b", "c", "d", "op")

    def __init__(self, op: int, a: Any = None, b: Any = None, c: Any = None, d: Any = None) -> None:
        self.op, self.a, self.b, self.c, self.d = op, a, b, c, d


_SKIP_CODE = Code(SKIP_OP)
_FAIL_CODE = Code(FAIL)


def _convert(t: Term, variable: Callable[[str], Any], compound: Callable[[str, tuple[Any, ...]], Any]) -> Any:
    """A first-order term bottom-up (iterative, a shared node converted once): ``variable(name)``
    for a variable, ``compound(symbol, converted arguments)`` for ``f(t1, ..., tn)``."""
    done: dict[int, Any] = {}
    stack: list[tuple[Term, bool]] = [(t, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if type(node) is FVar:
            done[id(node)] = variable(node.name)
            continue
        kids = arguments(node)  # type: ignore[arg-type]
        if not ready:
            stack.append((node, True))
            stack.extend((k, False) for k in kids)
            continue
        done[id(node)] = compound(node.symbol, tuple(done[id(k)] for k in kids))  # type: ignore[attr-defined]
    return done[id(t)]


def _pattern(t: Term, slots: Map) -> Any:
    """A first-order term as a pattern: a ground runtime tuple, a slot number, or a Pat."""
    return _convert(t, slots.__getitem__, _pattern_compound)


def _pattern_compound(symbol: str, args: tuple[Any, ...]) -> Any:
    return (symbol, *args) if all(type(a) is tuple for a in args) else Pat(symbol, args)


def _compile(term: Term, slots: Map) -> Code:
    """The code of ``term`` with the variables in scope at slots ``slots`` (iterative, a node
    under one scope compiled once). A scope is ``(name -> slot, number of slots)``."""
    memo: dict[tuple[int, int], Code] = {}
    inner_of: dict[tuple[int, int], tuple[Map, int]] = {}
    root_scope = (slots, len(slots))
    stack: list[tuple[Term, tuple[Map, int], bool]] = [(term, root_scope, False)]
    while stack:
        node, scope, ready = stack.pop()
        key = (id(node), id(scope))
        if key in memo:
            continue
        cls = type(node)
        if cls is Skip:
            memo[key] = _SKIP_CODE
        elif cls is Fail:
            memo[key] = _FAIL_CODE
        elif cls is Push:
            memo[key] = Code(PUSH, node.location, _pattern(node.item, scope[0]))  # type: ignore[attr-defined]
        elif cls is Pop:
            memo[key] = Code(POP, node.location, _pattern(node.pattern, scope[0]))  # type: ignore[attr-defined]
        elif cls is New:
            names = []
            body = node
            while type(body) is New:
                names.append(body.variable)  # type: ignore[attr-defined]
                body = body.body  # type: ignore[attr-defined]
            if key not in inner_of:
                mapping, size = scope
                for i, name in enumerate(names):
                    mapping = mapping.set(name, size + i)
                inner_of[key] = (mapping, size + len(names))
            inner = inner_of[key]
            if not ready:
                stack.append((node, scope, True))
                stack.append((body, inner, False))
                continue
            memo[key] = Code(NEW, tuple(names), memo[(id(body), id(inner))])
        elif cls in (Seq, Choice, Star):
            kids = (node.body,) if cls is Star else (node.first, node.then) if cls is Seq else (node.left, node.right)  # type: ignore[attr-defined]
            if not ready:
                stack.append((node, scope, True))
                stack.extend((k, scope, False) for k in kids)
                continue
            codes = [memo[(id(k), id(scope))] for k in kids]
            if cls is Seq:
                memo[key] = Code(SEQ, codes[0], codes[1])
            elif cls is Star:
                memo[key] = Code(STAR, codes[0])
            else:
                memo[key] = Code(CHOICE, codes[0], codes[1])
        else:
            raise TypeError(f"not an RMC term: {node!r}")
    code = memo[(id(term), id(root_scope))]
    _flatten_choices(code)
    return code


def _flatten_choices(root: Code) -> None:
    """Every CHOICE node becomes a flat list of its leaves (the maximal tree of ``+`` under it),
    each with the forks entered on the way to it, its path bits and its index key (iterative)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        code = stack.pop()
        if id(code) in seen:
            continue
        seen.add(id(code))
        if code.op == CHOICE and code.c is None:
            leaves: list[tuple[Code, int, tuple[int, ...]]] = []  # leaf, forks entered, path bits
            work: list[tuple[Code, tuple[int, ...], int]] = [(code, (), 0)]
            while work:
                c, bits, entered = work.pop()
                if c.op == CHOICE:
                    work.append((c.b, (*bits, 1), 0))
                    work.append((c.a, (*bits, 0), entered + 1))
                else:
                    leaves.append((c, entered, bits))
            code.c = tuple(leaves)
            code.d = _index(leaves)
            stack.extend(leaf for leaf, _, _ in leaves)
        elif code.op in (SEQ, CHOICE):
            stack.extend((code.a, code.b))
        elif code.op in (NEW, STAR):
            stack.append(code.b if code.op == NEW else code.a)


def _first_pop(code: Code) -> tuple[str, Any, int] | None:
    """The location and pattern of the pop a leaf begins with, and the steps to reach and fail it."""
    steps = 0
    while True:
        if code.op == SEQ:
            steps += 1
            code = code.a
        elif code.op == NEW:
            steps += len(code.a)
            code = code.b
        elif code.op == POP:
            return code.a, code.b, steps + 1
        else:
            return None


def _key(pattern: Any) -> tuple[str, int] | None:
    if type(pattern) is tuple:
        return pattern[0], len(pattern)
    if type(pattern) is Pat:
        return pattern.symbol, len(pattern.args) + 1
    return None


def _index(leaves: list[tuple[Code, int, tuple[int, ...]]]) -> Any:
    """``(location, {key: plan}, default plan)`` when two leaves or more begin with pops of
    constructors on one location, else None. A plan is the leaves to try, each with the steps of
    the leaves skipped before it and of its own forks, then the steps of the leaves skipped after."""
    pops = [_first_pop(leaf) for leaf, _, _ in leaves]
    keyed: dict[str, int] = {}
    for p in pops:
        if p is not None and _key(p[1]) is not None:
            keyed[p[0]] = keyed.get(p[0], 0) + 1
    if not keyed:
        return None
    loc, count = max(keyed.items(), key=lambda kv: kv[1])
    if count < 2:
        return None
    keys = {_key(p[1]) for p in pops if p is not None and p[0] == loc and _key(p[1]) is not None}

    def plan(key: tuple[str, int] | None) -> tuple[tuple[tuple[Code, int, tuple[int, ...]], ...], int]:
        tried = []
        skipped = 0
        for (leaf, entered, bits), p in zip(leaves, pops, strict=True):
            fails = p is not None and p[0] == loc and (key is None or (_key(p[1]) not in (None, key)))
            if fails:
                skipped += entered + p[2]  # type: ignore[index]
            else:
                tried.append((leaf, skipped + entered, bits))
                skipped = 0
        return tuple(tried), skipped

    return loc, {k: plan(k) for k in keys}, plan(("", -1)), plan(None)


# -- runtime terms -------------------------------------------------------------------------------


def _build(pattern: Any, env: tuple[Cell, ...]) -> Any:
    """The runtime term of a pattern under ``env`` (iterative); cells put in it are no longer fresh."""
    if type(pattern) is tuple:
        return pattern
    if type(pattern) is not Pat:
        cell = env[pattern]
        cell.fresh = False
        return cell
    done: dict[int, Any] = {}
    stack: list[tuple[Any, bool]] = [(pattern, False)]
    while stack:
        p, ready = stack.pop()
        if not ready:
            stack.append((p, True))
            stack.extend((a, False) for a in p.args if type(a) is Pat and id(a) not in done)
            continue
        args = []
        for a in p.args:
            if type(a) is tuple:
                args.append(a)
            elif type(a) is Pat:
                args.append(done[id(a)])
            else:
                cell = env[a]
                cell.fresh = False
                args.append(cell)
        done[id(p)] = (p.symbol, *args)
    return done[id(pattern)]


def _occurs(cell: Cell, t: Any) -> bool:
    """Does ``cell`` occur in ``t`` (bindings followed)? Each shared node walked once."""
    stack = [t]
    seen: set[int] = set()
    while stack:
        x = stack.pop()
        while type(x) is Cell and x.ref is not None:
            x = x.ref
        if x is cell:
            return True
        if type(x) is tuple and len(x) > 1 and id(x) not in seen:
            seen.add(id(x))
            stack.extend(x[1:])
    return False


def _unify(pattern: Any, top: Any, env: tuple[Any, ...], trail: list[Any]) -> bool:
    """``unify(ρp, top)`` binding in place (trailed), in the small-step unifier's order (pairs on
    a stack, the left side's variable bound first), with the occurs check."""
    work: list[tuple[Any, Any]] = [(pattern, top)]
    a: Any
    b: Any
    while work:
        a, b = work.pop()
        ta = type(a)
        if ta is Pat or ta is tuple:
            pass
        else:
            if ta is not Cell:
                a = env[a]
            while a.ref is not None:
                a = a.ref
                if type(a) is not Cell:
                    break
        while type(b) is Cell and b.ref is not None:
            b = b.ref
        a, b = cast(Any, a), cast(Any, b)  # runtime terms: the checker cannot follow the type tests
        if a is b:
            continue
        ta, tb = type(a), type(b)
        if ta is Cell:
            if tb is Cell or (len(b) == 1 if tb is tuple else False):
                pass
            elif not a.fresh and _occurs(a, b):
                return False
            if tb is Cell:
                b.fresh = False
            a.ref = b
            trail.append(a)
            continue
        if tb is Cell:
            if ta is Pat:
                a = _build(a, env)
                if _occurs(b, a):
                    return False
            elif len(a) > 1 and _occurs(b, a):
                return False
            b.ref = a
            trail.append(b)
            continue
        if ta is Pat:
            if a.symbol != b[0] or len(a.args) + 1 != len(b):
                return False
            work.extend(zip(a.args, b[1:], strict=True))
        else:
            if len(a) != len(b) or a[0] != b[0]:
                return False
            work.extend(zip(a[1:], b[1:], strict=True))
    return True


def _to_runtime(t: Term, cells: dict[str, Cell]) -> Any:
    """A first-order Term as a runtime term, its variables the caller's cells."""

    def cell(name: str) -> Cell:
        if name not in cells:
            cells[name] = Cell(name, fresh=False)
        return cells[name]

    return _convert(t, cell, lambda symbol, args: (symbol, *args))


def _to_terms(items: list[Any], unbound: set[str]) -> list[Term]:
    """Runtime terms back as Terms, bindings resolved, shared nodes converted once (linear in
    the answer's DAG); an unbound fresh cell becomes a fresh-named variable (``v₁``). The names
    of the variables left unbound are added to ``unbound``."""
    names: dict[int, FVar] = {}
    counter = 0
    done: dict[int, Term] = {}
    keep: list[Any] = []
    out = []
    for root in items:
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            x, ready = stack.pop()
            if id(x) in done:
                continue
            if type(x) is Cell:
                y = x
                while type(y) is Cell and y.ref is not None:
                    y = y.ref
                if type(y) is Cell:
                    v = names.get(id(y))
                    if v is None:
                        if y.name is not None:
                            v = FVar(y.name)
                        else:
                            counter += 1
                            v = FVar("v" + str(counter).translate(_SUBSCRIPTS))
                        names[id(y)] = v
                        unbound.add(v.name)
                        keep.append(y)
                    done[id(x)] = v
                elif id(y) in done:
                    done[id(x)] = done[id(y)]
                else:
                    stack.append((x, False))
                    stack.append((y, False))
                keep.append(x)
                continue
            if not ready:
                stack.append((x, True))
                stack.extend((k, False) for k in x[1:] if id(k) not in done)
                keep.append(x)
                continue
            done[id(x)] = fn(x[0], *(done[id(k)] for k in x[1:]))
        out.append(done[id(root)])
    return out


# -- the search ----------------------------------------------------------------------------------

_NO_LIMIT = float("inf")

# choice point kinds
_CP_STAR, _CP_LEAVES, _CP_CHARGE = 0, 1, 2


class Search(AnswerStream):
    """The lazy stream of answers, as :class:`machine.rmc.small_step.Search` (same arguments,
    attributes and answers; see the module docstring for the steps and the fair order)."""

    def __init__(
        self, term: Term, memory: MemoryInput | None = None, *, fuel: int | None = None, order: Order = "fair"
    ) -> None:
        super().__init__(fuel, order)
        with collector_paused():
            free = sorted(free_variables(term))
            cells: dict[str, Cell] = {}
            self._stacks: dict[str, list[Any]] = {
                loc: [_to_runtime(t, cells) for t in items] for loc, items in normalize_memory(memory).items()
            }
            for name in free:
                cells.setdefault(name, Cell(name, fresh=False))
            scope = Map({name: i for i, name in enumerate(free)})
            self._root = _compile(term, scope)
            self._root_env = tuple(cells[name] for name in free)
        self._debt = 0
        self._reset()
        fair = order == "fair"
        self._bound = 1 if fair else -1  # fair: the fork bound of this iteration
        self._reported = -1  # fair: answers up to this depth were reported
        self._increment = 1
        self._cost = 0  # fair: the steps of the previous iteration
        self._started = 0  # fair: steps when this iteration started
        self._cut = False
        self._done = False
        self._band: list[Answer] = []  # fair: the answers of this iteration
        self._ready: deque[Answer] = deque()  # fair: answers to give, in order
        self._work = 0  # the steps done, replays included
        self._replay = 0  # fair: the steps of blocks run again (of forks at most the last bound deep)
        self._mark = 0  # the work when the current block began
        self._old = False  # is the current block a replay?

    def _reset(self) -> None:
        self._node: Code | None = self._root
        self._env = self._root_env
        self._k: Any = None
        self._trail: list[Any] = []
        self._choices: list[Any] = []
        self._path: list[int] = []

    def __next__(self) -> Answer:
        ready = self._ready
        while True:
            self.out_of_fuel = False
            if ready:
                return ready.popleft()
            if self._done:
                self.exhausted = True
                raise StopIteration
            with collector_paused():
                answer = self._run()
            if answer is not None:
                return answer
            self._flush()
            if not ready and not self._done:
                raise StopIteration  # out of fuel

    def _flush(self) -> None:
        """Fair: the answers of this iteration so far, shallowest first (stable: left to right)."""
        if self._band:
            self._band.sort(key=_depth)
            self._ready.extend(self._band)
            self._band.clear()

    def _answer(self) -> Answer:
        locs = [loc for loc, items in self._stacks.items() if items]
        flat = [t for loc in locs for t in self._stacks[loc]]
        unbound: set[str] = set()
        terms = iter(_to_terms(flat, unbound))
        memory = {loc: tuple(next(terms) for _ in self._stacks[loc]) for loc in locs}
        return answer_from(memory, unbound, tuple(self._path), self.steps)

    def _run(self) -> Answer | None:
        fuel = self.fuel
        stacks, trail, choices, path = self._stacks, self._trail, self._choices, self._path
        node, env, k = self._node, self._env, self._k
        steps = self._work
        bound = self._bound
        replay, mark, old = self._replay, self._mark, self._old

        def limit_of() -> float:
            """The work at which the fuel is spent: steps count a replayed block's work once."""
            if fuel is None:
                return _NO_LIMIT
            if old:
                return mark if mark - replay >= fuel else _NO_LIMIT
            return fuel + replay

        limit = limit_of()
        if self._debt:
            pay = int(min(self._debt, limit - steps))
            self._debt -= pay
            steps += pay
            if self._debt:
                self._save(self._node, self._env, self._k, steps, replay, mark, old)
                self.out_of_fuel = True
                return None
        while True:
            if node is None:  # backtrack
                if old:
                    replay += steps - mark
                    old = False
                if not choices:
                    if bound >= 0 and self._cut:  # fair: deepen and run again
                        cost = steps - self._started  # the work of the iteration
                        if cost < 2 * self._cost:
                            self._increment *= 4
                        self._cost, self._started = cost, steps
                        self._reported = bound
                        bound = self._bound = bound + self._increment
                        self._cut = False
                        for entry in reversed(trail):
                            _undo(entry)
                        trail.clear()
                        path.clear()
                        self._flush()
                        if self._ready:  # answer those first: an answer of a deeper iteration comes after
                            self._save(self._root, self._root_env, None, steps, replay, steps, True)
                            return None
                        node, env, k = self._root, self._root_env, None
                        mark, old = steps, True
                        limit = limit_of()
                        continue
                    self._save(None, env, k, steps, replay, mark, old)
                    self._done = True
                    return None
                cp = choices[-1]
                kind, mark, cenv, ck, plen = cp[0], cp[1], cp[2], cp[3], cp[4]
                while len(trail) > mark:
                    _undo(trail.pop())
                del path[plen:]
                if kind == _CP_CHARGE:  # the leaves skipped after the last one tried
                    choices.pop()
                    steps += cp[5]
                    if bound >= 0 and plen < self._reported:
                        replay += cp[5]
                        limit = limit_of()
                    if steps > limit:
                        self._debt = steps - int(limit)
                        steps = int(limit)
                        self._save(None, None, None, steps, replay, mark, old)
                        self.out_of_fuel = True
                        return None
                    continue
                if kind == _CP_STAR:
                    choices.pop()
                    star = cp[5]
                    path.append(1)
                    node, env, k = star.a, cenv, (star, cenv, ck)
                    mark, old = steps, bound >= 0 and plen + 1 <= self._reported
                    limit = limit_of()
                    continue
                tried, i, after = cp[5], cp[6], cp[7]
                leaf, cost, bits = tried[i]
                if i + 1 < len(tried):
                    cp[6] = i + 1
                else:
                    choices.pop()
                    if after:
                        choices.append((_CP_CHARGE, len(trail), None, None, plen, after))
                env, k = cenv, ck
                if bound >= 0 and plen + len(bits) > bound:
                    self._cut = True
                    node = None
                    continue
                path.extend(bits)
                mark, old = steps, bound >= 0 and len(path) <= self._reported
                limit = limit_of()
                node = leaf
                if cost:
                    steps += cost
                    if steps > limit:
                        self._debt = steps - int(limit)
                        steps = int(limit)
                        self._save(leaf, env, k, steps, replay, mark, old)
                        self.out_of_fuel = True
                        return None
                continue
            if steps >= limit:
                self._save(node, env, k, steps, replay, mark, old)
                self.out_of_fuel = True
                return None
            op = node.op
            if op == SEQ:
                k = (node.b, env, k)
                node = node.a
                steps += 1
            elif op == SKIP_OP:
                if k is None:
                    self._save(None, env, k, steps, replay, mark, old)
                    if bound >= 0 and len(path) <= self._reported:
                        node = None
                        continue
                    if bound >= 0:  # fair: given once no branch left can answer at a lesser depth
                        band = self._band
                        band.append(self._answer())
                        band.sort(key=_depth)
                        low = choices[0][4] + 1 if choices else _NO_LIMIT
                        given = 0
                        while given < len(band) and len(band[given].path) <= low:
                            given += 1
                        if not given:
                            node = None
                            continue
                        self._ready.extend(band[1:given])
                        first = band[0]
                        del band[:given]
                        return first
                    return self._answer()
                node, env, k = k
                steps += 1
            elif op == PUSH:
                loc = node.a
                stack = stacks.get(loc)
                if stack is None:
                    stack = stacks[loc] = []
                stack.append(_build(node.b, env))
                trail.append(stack)
                node = _SKIP_CODE
                steps += 1
            elif op == POP:
                steps += 1
                stack = stacks.get(node.a)
                if not stack:
                    node = None
                    continue
                top = stack.pop()
                trail.append((stack, top))
                if _unify(node.b, top, env, trail):
                    node = _SKIP_CODE
                else:
                    node = None
            elif op == NEW:
                names = node.a
                env = env + tuple(Cell() for _ in names)
                node = node.b
                n = len(names)
                steps += n
                if steps > limit:
                    self._debt = steps - int(limit)
                    steps = int(limit)
                    self._save(node, env, k, steps, replay, mark, old)
                    self.out_of_fuel = True
                    return None
            elif op == CHOICE:
                tried, after = node.c, 0
                index = node.d
                if index is not None:
                    loc, plans, other, empty = index
                    stack = stacks.get(loc)
                    if not stack:
                        tried, after = empty
                    else:
                        top = stack[-1]
                        while type(top) is Cell and top.ref is not None:
                            top = top.ref
                        if type(top) is tuple:
                            tried, after = plans.get((top[0], len(top)), other)
                if not tried:
                    steps += after
                    if steps > limit:
                        self._debt = steps - int(limit)
                        steps = int(limit)
                        self._save(None, env, k, steps, replay, mark, old)
                        self.out_of_fuel = True
                        return None
                    node = None
                    continue
                choices.append([_CP_LEAVES, len(trail), env, k, len(path), tried, 0, after])
                node = None  # enter the first leaf through the choice point
            elif op == STAR:
                steps += 1
                if bound >= 0 and len(path) + 1 > bound:
                    self._cut = True
                    node = None
                    continue
                choices.append((_CP_STAR, len(trail), env, k, len(path), node))
                if old:
                    replay += steps - mark
                path.append(0)
                mark, old = steps, bound >= 0 and len(path) <= self._reported
                limit = limit_of()
                node = _SKIP_CODE
            else:  # FAIL
                steps += 1
                node = None

    def _save(self, node: Code | None, env: Any, k: Any, work: int, replay: int, mark: int, old: bool) -> None:
        """Keep the machine's registers; ``steps`` is the work less the replays."""
        self._node, self._env, self._k, self._work = node, env, k, work
        self._replay, self._mark, self._old = replay, mark, old
        self.steps = work - replay - (work - mark if old else 0)


def _depth(answer: Answer) -> int:
    return len(answer.path)


def _undo(entry: Any) -> None:
    t = type(entry)
    if t is Cell:
        entry.ref = None
    elif t is list:
        entry.pop()
    else:
        entry[0].append(entry[1])


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
