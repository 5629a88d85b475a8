"""The compiled relational machine: the rules of :mod:`machine.rmc.small_step` on mutable state.

An RMC term is compiled once into a graph of code nodes (:mod:`machine.rmc.code`: patterns with
their variables resolved to slots of an environment tuple, every tree of ``+`` flattened and
indexed), whose straight-line parts become generated Python functions (:mod:`machine.rmc.blocks`);
one iterative loop runs it:

* first-order terms are tuples ``(symbol, arg1, ..., argn)`` and variables are :class:`Cell`\\ s
  bound in place (:mod:`machine.rmc.cells`); every binding, push and pop is recorded on a
  **trail** and undone when the search backtracks to a **choice point** (an explicit stack: no
  Python recursion, so terms 100,000 deep and searches millions of steps deep run);
* a **block** runs a node's sequences, ``new``, pushes and pops up to its first fork, each
  pop's unification specialised to its pattern, with the **occurs check** (skipped, as a cheap
  path, for a variable made by ``new`` that nothing refers to yet); nodes the generator
  declines are run by the interpreter of code nodes below;
* **indexing**: the leaves of a tree of ``+`` that begin with a pop of a constant or functor
  on one location (as the Prolog translation's ``g⟨H⟩``, one per clause of the program) are
  dispatched on the top's functor when it is bound, then on the functor of the
  argument that tells those leaves apart best (the first, unless another tells more), then,
  where several are left, on a second argument; a star's
  way out is skipped in the same way when its continuation begins with a pop that fails
  (``g⟨$end⟩`` while goals are left). The branches skipped would have failed at that pop, and
  their steps (their forks, sequence and ``new`` steps and the failing pop) are counted all the
  same, so the depth-first order and the step counts are kept exactly. In a star's loop, a
  choice left with one leaf to try enters it with no choice point.

**Steps.** Depth-first, ``steps``, ``Answer.steps``, ``Answer.path``, fuel and ``out_of_fuel``
are exactly the small-step machine's (a run of several steps done at once, such as a block or a
skipped branch, is charged at once; if that passes the fuel, the steps past it are a debt paid
when the search is resumed with more fuel, so the counts stay the small-step machine's; the
steps of the leaves skipped after the one entered are owed on the trail and charged when the
search backtracks past them, as the small-step machine would run them then). Fair, steps count
the same rules over every run of iterative deepening (below), the replays of earlier
iterations included: a measure of the work done, which the fuel bounds.

**Fairness** is iterative deepening on the number of forks along a branch (its path length):
an iteration runs depth-first, cutting every branch at the bound, and gives, as soon as it finds
them, the answers deeper than the previous bound; the bound grows by an increment that is
multiplied by 4 after an iteration that cut few branches for its work (fewer than one per 16
steps: a chain of forks, or a tree whose work lies below a few deep branches, then costs a
geometric sum) and halved, down to 1, after one that cut many (a bushy frontier, whose work
would explode if deepened fast, is deepened one fork at a time). Every answer is reached after
finitely many steps, beside infinite branches, and the search is exhausted when an iteration
cut no branch. The fair order is
breadth-first by bands: every answer at most one bound deep comes before every answer deeper
than the next, and within a band answers come in depth-first order (so the first answers of an
infinite relation come at once, and reading n of them costs what they are, not the rest of
their band).

**Star loops.** Depth-first and fair, a star whose way out was skipped runs in its generated
loop (:mod:`machine.rmc.blocks`): turn after turn, choices dispatched inline by their index, the
first leaf of several entered inline after a choice point for the others, a failure backtracking
into the choice points the loop made (their next leaf resumed inline), until a choice point made
elsewhere, a way out that may succeed, the fuel or the bound hands back to this loop. A turn
that ends by pushing a functor the body dispatches on leaves a label: the next turn enters that
functor's leaves at once (see :meth:`machine.rmc.blocks._Generator.loop`).
"""

from __future__ import annotations

from typing import Any

from immutables import Map

from machine_calculus.calculus.collector import collector_paused
from machine_calculus.calculus.rmc.firstorder import FVar, fn_built
from machine_calculus.calculus.terms import Term, free_variables
from machine_calculus.machine.memory import MemoryInput, normalize_memory
from machine_calculus.machine.rmc.blocks import compile_blocks
from machine_calculus.machine.rmc.cells import Cell, build, cell, cell_name, undo_to, unify
from machine_calculus.machine.rmc.code import (
    CHOICE,
    CP_LEAVES,
    CP_STAR,
    NEW,
    POP,
    PUSH,
    SEQ,
    SKIP_CODE,
    SKIP_OP,
    STAR,
    Code,
    Sub,
    compile_term,
    convert,
)
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


# -- runtime terms -------------------------------------------------------------------------------


def _to_runtime(t: Term, cells: dict[str, Cell]) -> Any:
    """A first-order Term as a runtime term, its variables the caller's cells."""

    def variable(name: str) -> Cell:
        if name not in cells:
            cells[name] = cell(name)
        return cells[name]

    return convert(t, variable, lambda symbol, args: (symbol, *args))


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
                        name = cell_name(y)
                        if name is not None:
                            v = FVar(name)
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
            done[id(x)] = fn_built(x[0], tuple([done[id(k)] for k in x[1:]]))
        out.append(done[id(root)])
    return out


# -- the search ----------------------------------------------------------------------------------

_NO_LIMIT = 1 << 62  # no bound (an int: comparing ints is faster than with a float)
_LOOP_BUDGET = (1 << 30) - 1  # steps a star's loop runs before it hands back (a small int: fast to compare)
_FEW_CUTS = 16  # fair: an iteration that cut fewer branches than its work / 16 deepens faster


class Search(AnswerStream):
    """The lazy stream of answers, as :class:`machine.rmc.small_step.Search` (same arguments,
    attributes and answers; see the module docstring for the steps and the fair order).

    ``paths=False``: answers have the empty path (``Answer.path == ()``), and depth-first the
    generated code keeps no path at all (faster; answers, order and steps are the same)."""

    def __init__(
        self,
        term: Term,
        memory: MemoryInput | None = None,
        *,
        fuel: int | None = None,
        order: Order = "fair",
        paths: bool = True,
    ) -> None:
        super().__init__(fuel, order)
        with collector_paused():
            free = sorted(free_variables(term))
            cells: dict[str, Cell] = {}
            self._stacks: dict[str, list[Any]] = {
                loc: [_to_runtime(t, cells) for t in items] for loc, items in normalize_memory(memory).items()
            }
            for name in free:
                cells.setdefault(name, cell(name))
            scope = Map({name: i for i, name in enumerate(free)})
            self._root = compile_term(term, scope)
            self._root_env = tuple(cells[name] for name in free)
            locations: dict[str, int] = {}
            #: Python lines generated for the blocks
            self.generated_lines = compile_blocks(self._root, locations, paths or order == "fair")
            for loc in locations:
                self._stacks.setdefault(loc, [])
            self._S = [self._stacks[loc] for loc in sorted(locations, key=locations.__getitem__)]
        self._debt = 0  # steps done at once past the fuel, paid when resumed
        self._node: Code | None = self._root
        self._env = self._root_env
        self._k: Any = None
        self._trail: list[Any] = []
        self._choices: list[Any] = []
        self._path: list[int] = []
        self._fair = order == "fair"
        self._paths = paths
        self._bound = 1 if self._fair else _NO_LIMIT  # the fork bound of this iteration (fair)
        self._reported = -1  # fair: answers up to this depth were given
        self._increment = 1
        self._started = 0  # fair: steps when this iteration started
        self._cut = 0  # fair: the branches cut at the bound in this iteration
        self._done = False

    def __next__(self) -> Answer:
        self.out_of_fuel = False
        if not self._done:
            with collector_paused():
                answer = self._run()
            if answer is not None:
                return answer
            if not self._done:
                raise StopIteration  # out of fuel
        self.exhausted = True
        raise StopIteration

    def _answer(self) -> Answer:
        locs = [loc for loc, items in self._stacks.items() if items]
        flat = [t for loc in locs for t in self._stacks[loc]]
        unbound: set[str] = set()
        terms = iter(_to_terms(flat, unbound))
        memory = {loc: tuple(next(terms) for _ in self._stacks[loc]) for loc in locs}
        return answer_from(memory, unbound, tuple(self._path) if self._paths else (), self.steps)

    def _stop(self, node: Code | None, env: Any, k: Any, steps: int, limit: float) -> None:
        """Out of fuel: keep the registers, and the steps past the fuel as a debt."""
        if steps > limit:
            self._debt += steps - int(limit)
            steps = int(limit)
        self._node, self._env, self._k, self.steps = node, env, k, steps
        self.out_of_fuel = True

    def _run(self) -> Answer | None:
        """Run to the next answer (returned), the end of the search or the fuel (None)."""
        limit = _NO_LIMIT if self.fuel is None else self.fuel
        stacks, trail, choices, path, S = self._stacks, self._trail, self._choices, self._path, self._S
        node, env, k = self._node, self._env, self._k
        steps = self.steps
        fair, bound = self._fair, self._bound
        if self._debt:
            pay = int(min(self._debt, limit - steps))
            self._debt -= pay
            steps += pay
            if self._debt:
                self._stop(node, env, k, steps, limit)
                return None
        while True:
            if node is None:  # backtrack
                if not choices:
                    steps += undo_to(trail, 0)  # and the steps of leaves skipped, owed since
                    if steps > limit:
                        self._stop(None, None, None, steps, limit)
                        return None
                    if fair and self._cut:  # deepen and run again
                        cost = steps - self._started  # the work of the iteration
                        if self._cut * _FEW_CUTS < cost:  # few branches cut for the work: deepen faster
                            self._increment *= 4
                        else:  # a bushy frontier: deepen slower
                            self._increment = max(1, self._increment // 2)
                        self._started = steps
                        self._reported = bound
                        bound = self._bound = bound + self._increment
                        self._cut = 0
                        path.clear()
                        node, env, k = self._root, self._root_env, None
                        continue
                    self._node, self._env, self._k, self.steps = None, env, k, steps
                    self._done = True
                    return None
                cp = choices[-1]
                height = cp[1]
                if len(trail) > height:  # undone, charging the steps owed
                    steps += undo_to(trail, height)
                    if steps > limit:
                        self._stop(None, None, None, steps, limit)
                        return None
                plen = cp[4]
                del path[plen:]
                if cp[0] == CP_STAR:  # the star's other branch: one more turn
                    choices.pop()
                    star = cp[5]
                    path.append(1)
                    node, env, k = star.a, cp[2], (star, cp[2], cp[3])
                    continue
                tried, i, after = cp[5], cp[6], cp[7]
                leaf, cost, bits = tried[i]
                if i + 1 < len(tried):
                    cp[6] = i + 1
                else:
                    choices.pop()
                    if after:  # the steps of the leaves skipped after this one, owed
                        trail.append(after)
                env, k = cp[2], cp[3]
                if plen + len(bits) > bound:
                    self._cut += 1
                    node = None
                    continue
                path.extend(bits)
                node = leaf
                steps += cost
                if steps > limit:
                    self._stop(node, env, k, steps, limit)
                    return None
                continue
            if steps >= limit:
                self._stop(node, env, k, steps, limit)
                return None
            blk = node.blk
            if blk is not None:  # a block of generated code: the node's straight-line prefix
                node, env, k, n = blk(env, k, S, trail)
                steps += n
                if steps > limit:
                    self._stop(node, env, k, steps, limit)
                    return None
                continue
            op = node.op
            if op == CHOICE:
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
                            tried = plans.get((top[0], len(top)), other)
                            while type(tried) is Sub:  # on one argument too (then maybe another)
                                first = top[tried.position]
                                while type(first) is Cell and first.ref is not None:
                                    first = first.ref
                                if type(first) is tuple:
                                    tried = tried.plans.get((first[0], len(first)), tried.other)
                                else:
                                    tried = tried.unbound
                            tried, after = tried
                if not tried:
                    steps += after
                    node = None
                    if steps > limit:
                        self._stop(None, None, None, steps, limit)
                        return None
                    continue
                # enter the first leaf through the choice point (which goes with the last leaf)
                choices.append([CP_LEAVES, len(trail), env, k, len(path), tried, 0, after])
                node = None
            elif op == STAR:
                steps += 1
                if len(path) + 1 > bound:
                    self._cut += 1
                    node = None
                    continue
                first = k[0].first if k is not None else None
                if first is not None:  # does the way out (⋆, then the continuation) fail at its first pop?
                    stack = stacks.get(first[0])
                    if stack:
                        top = stack[-1]
                        while type(top) is Cell and top.ref is not None:
                            top = top.ref
                        fails = first[1] is not None and type(top) is tuple and (top[0], len(top)) != first[1]
                    else:
                        fails = True
                    if fails:  # then it is charged (⋆ ; k, the steps to the pop and the pop) and skipped
                        steps += 1 + first[2]
                        path.append(1)
                        if node.loop is not None:  # the star's generated loop
                            budget = min(limit - steps, _LOOP_BUDGET)
                            node, env, k, n = node.loop(env, k, S, stacks, trail, choices, path, budget, bound)
                        else:
                            node, k, n = node.a, (node, env, k), 0
                        steps += n
                        if steps > limit:
                            self._stop(node, env, k, steps, limit)
                            return None
                        continue
                choices.append((CP_STAR, len(trail), env, k, len(path), node))
                path.append(0)
                node = SKIP_CODE
            elif op == SKIP_OP:
                if k is None:
                    if fair and len(path) <= self._reported:  # given by an earlier iteration
                        node = None
                        continue
                    self._node, self._env, self._k, self.steps = None, env, k, steps
                    return self._answer()
                node, env, k = k
                steps += 1
            elif op == SEQ:
                k = (node.b, env, k)
                node = node.a
                steps += 1
            elif op == PUSH:
                loc = node.a
                stack = stacks.get(loc)
                if stack is None:
                    stack = stacks[loc] = []
                stack.append(build(node.b, env))
                trail.append(stack)
                node = SKIP_CODE
                steps += 1
            elif op == POP:
                steps += 1
                stack = stacks.get(node.a)
                if not stack:
                    node = None
                    continue
                top = stack.pop()
                trail.append((stack, top))
                node = SKIP_CODE if unify(node.b, top, env, trail) else None
            elif op == NEW:
                names = node.a
                env = env + tuple(cell() for _ in names)
                node = node.b
                steps += len(names)
                if steps > limit:
                    self._stop(node, env, k, steps, limit)
                    return None
            else:  # FAIL
                steps += 1
                node = None


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
