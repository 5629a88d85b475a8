"""Straight-line code of the compiled relational machine, generated as Python functions.

A **block** runs a code node's straight-line prefix (sequences, ``new``, pushes and pops) as one
Python function, up to the first fork (``+`` or ``*``), the node's end, or a failure:

    block(env, k, S, trail) -> (next node, its environment, continuation, steps)

``S`` holds the stacks (one list per location, numbered at compile time) and ``trail`` the
machine's trail. A failure returns ``(None, None, None, steps)``; reaching the node's end pops
the continuation ``k`` (one step, as the rule ``⋆ ; k``), or returns the node ``⋆`` with no
continuation (an answer) for the machine to report.

Each pop's unification is specialised to its pattern: the arguments are matched right to left,
as the reference unifier's pair stack does (so bindings go the same way and answers print the
same), a bound argument is compared in place, and an unbound one is bound to the pattern built
there. A variable made by ``new`` in the block is not a cell until it must be one: its first
occurrence in a pop takes the value matched (a fresh variable bound to it, with no occurs check
since nothing can refer to it yet), and in a term built it becomes a fresh cell, again with no
occurs check. The occurs check is made, as everywhere, when a variable that may already occur
elsewhere is bound to a compound. Steps are counted as the small-step machine's rules: one per
sequence, pop of the continuation, push, pop and ``fail``, one per variable of ``new``.

A **star's loop** (:meth:`_Generator.loop`) runs many turns of a star and the choices in its
body in one function: ``loop(env, k, S, stacks, trail, choices, path, budget, bound)``, with
the same result; a turn that pushes a functor the body dispatches on labels the next turn with
it, which then goes straight to that functor's leaves. Without paths (depth-first, answers
whose paths are not asked for) the loops keep no path and test no fork bound.

Nodes the generator declines (patterns deeper than :data:`MAX_PATTERN_DEPTH`, scopes of more
than :data:`MAX_SLOTS` variables, code past :data:`MAX_LINES` lines per term) have no block and
are run by the machine's interpreter of code nodes, so any term runs, however large.
"""

from __future__ import annotations

from typing import Any, cast

from machine_calculus.machine.rmc.cells import Cell, occurs, undo_to, unify
from machine_calculus.machine.rmc.code import (
    CHOICE,
    CP_LEAVES,
    FAIL,
    NEW,
    POP,
    PUSH,
    SEQ,
    SKIP_CODE,
    SKIP_OP,
    STAR,
    Code,
    Pat,
    Sub,
    functor_of,
)

__all__ = ["MAX_LINES", "MAX_PATTERN_DEPTH", "MAX_SLOTS", "compile_blocks"]

MAX_PATTERN_DEPTH = 24  #: deeper patterns are left to the interpreter (the Python parser nests ~200 deep)
MAX_SLOTS = 48  #: scopes with more variables are left to the interpreter
MAX_BLOCK = 160  #: lines inlined in one block before it hands on to another
MAX_LINES = 40_000  #: lines generated per term; the rest is interpreted
MAX_LOOP = 3_000  #: lines of one star's loop (its turn, then the leaves it resumes)
MAX_INLINE = 4  #: choices nested inline in a loop

_INFINITE = 1 << 60


def _pattern_depth(p: Any) -> int:
    """The depth of a pattern (iterative, stopping past the maximum), 0 for a slot."""
    deepest = 0
    stack = [(p, 1)]
    while stack:
        q, d = stack.pop()
        if type(q) is int:
            continue
        deepest = max(deepest, d)
        if d > MAX_PATTERN_DEPTH:
            return d
        stack.extend((a, d + 1) for a in (q.args if type(q) is Pat else q[1:]))
    return deepest


def _pattern_size(p: Any) -> int:
    """The nodes of a pattern (its ground subterms counted as one)."""
    size = 0
    stack = [p]
    while stack:
        q = stack.pop()
        size += 1
        if type(q) is Pat:
            stack.extend(q.args)
    return size


def _parts(p: Any) -> tuple[str, tuple[Any, ...]]:
    """The symbol and arguments of a compound pattern or ground term."""
    if type(p) is Pat:
        return p.symbol, p.args
    return p[0], p[1:]


def _slots(p: Any) -> list[int]:
    """The slots of a pattern, each once, in order of first appearance (iterative)."""
    seen: list[int] = []
    stack = [p]
    while stack:
        q = stack.pop()
        if type(q) is int:
            if q not in seen:
                seen.append(q)
        elif type(q) is Pat:
            stack.extend(reversed(q.args))
    return seen


def _head_ok(node: Code) -> bool:
    """Can a block begin with this node?"""
    op = node.op
    if op in (PUSH, POP):
        return _pattern_depth(node.b) <= MAX_PATTERN_DEPTH
    if op == NEW:
        return node.c + len(node.a) <= MAX_SLOTS
    return op in (SEQ, SKIP_OP, FAIL)


def _straight_costs(root: Code) -> dict[int, int]:
    """For every node, the lines of its code when it has no fork and every part can be inlined,
    else a huge number (iterative, over the shared graph)."""
    cost: dict[int, int] = {}
    stack: list[tuple[Code, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in cost:
            continue
        op = node.op
        kids = (node.a, node.b) if op == SEQ else (node.b,) if op == NEW else ()
        if op in (CHOICE, STAR):
            cost[id(node)] = _INFINITE
            stack.extend((leaf, False) for leaf in ([leaf for leaf, _, _ in node.c] if op == CHOICE else [node.a]))
            continue
        if not ready and kids:
            stack.append((node, True))
            stack.extend((kid, False) for kid in kids if id(kid) not in cost)
            continue
        if not _head_ok(node):
            cost[id(node)] = _INFINITE
            continue
        own = 6 * _pattern_size(node.b) if op in (PUSH, POP) else 1
        cost[id(node)] = min(_INFINITE, own + sum(cost[id(kid)] for kid in kids))
    return cost


def _label_tree(branches: list[tuple[int, list[str]]], depth: int, few: int) -> list[str]:
    """The branches (sorted by label) as a binary tree of tests on ``label``, up to ``few``
    tested in turn at its leaves; a label with no branch (a functor whose branch was not
    written) is cleared and the turn runs as usual. The branches' lines, written for 4 levels
    of indent, are shifted to where they land (recursive on halves: log2 of the branches deep)."""
    pad = "    " * depth
    if len(branches) <= few:
        lines: list[str] = []
        for i, (label, body) in enumerate(branches):
            lines.append(f"{pad}{'if' if i == 0 else 'elif'} label == {label}:")
            lines.extend("    " * (depth - 3) + line for line in body)
        lines.append(f"{pad}else:")
        lines.append(f"{pad}    label = 0  # no branch for it: the turn as usual")
        return lines
    middle = len(branches) // 2
    return [
        f"{pad}if label < {branches[middle][0]}:",
        *_label_tree(branches[:middle], depth + 1, few),
        f"{pad}else:",
        *_label_tree(branches[middle:], depth + 1, few),
    ]


class _Generator:
    """Writes the blocks of one code graph into one Python module."""

    def __init__(self, root: Code, locations: dict[str, int], paths: bool) -> None:
        self.locations = locations
        self.paths = paths  # keep the path (and check the fair bound); else depth-first, paths not kept
        self.cost = _straight_costs(root)
        self.names: dict[int, str] = {}  # id(object) -> its global name in the module
        self.namespace: dict[str, Any] = {
            "Cell": Cell,
            "occurs": occurs,
            "undo_to": undo_to,
            "unify": unify,
            "SKIP": SKIP_CODE,
        }
        self.lines: list[str] = []
        self.todo: list[Code] = [root]
        self.seen: set[int] = set()
        self.blocks: list[tuple[Code, str]] = []
        self.loops: list[tuple[Code, str]] = []
        self.looping = False  # writing a star's loop (else a block)
        self.depth = 0  # choices dispatched inline around the code being written

    # -- the module ---------------------------------------------------------------------------

    def constant(self, obj: Any) -> str:
        name = self.names.get(id(obj))
        if name is None:
            name = self.names[id(obj)] = f"K{len(self.names)}"
            self.namespace[name] = obj
        return name

    def failure(self, steps: int) -> str:
        """The statement that fails after ``steps`` steps: a block returns, a loop backtracks
        (the steps owed are due at once: the search backtracks past them)."""
        if self.looping:
            return f"n += {steps + self.owed}; failing = True; continue"
        name = f"F{steps}"
        self.namespace.setdefault(name, (None, None, None, steps))
        return f"return {name}"

    def enter(self, node: Code) -> None:
        """Make ``node`` a place the machine may come to: a block for it (or, for a fork or a
        node the generator declines, blocks for the nodes it leads to)."""
        self.todo.append(node)

    def run(self) -> None:
        while self.todo:
            node = self.todo.pop()
            if id(node) in self.seen or node is SKIP_CODE:
                continue
            self.seen.add(id(node))
            op = node.op
            if op == CHOICE:
                self.todo.extend(leaf for leaf, _, _ in node.c)
            elif op == STAR:
                self.todo.append(node.a)
                if len(self.lines) <= MAX_LINES:
                    self.loop(node)
            elif not _head_ok(node) or len(self.lines) > MAX_LINES:
                self.todo.extend((node.a, node.b) if op == SEQ else (node.b,) if op == NEW else ())
            else:
                self.block(node)

    # -- one block ----------------------------------------------------------------------------

    def start(self, budget: int, looping: bool) -> None:
        self.body: list[str] = []
        self.temps = 0
        self.set: dict[int, bool] = {}  # slot -> holds a runtime term (else: made by new, not yet used)
        self.loaded: set[int] = set()
        self.added: list[int] = []  # slots made by new in this block, in scope
        self.steps = 0
        self.budget = budget
        self.looping = looping
        self.known: dict[str, tuple[Any, ...]] = {}  # location -> what a dispatch saw of its top
        self.owed = 0  # steps of leaves skipped, not yet put on the trail
        self.env_name = "env"  # the local holding the environment of the code being written
        self.stacks: set[int] = set()  # the stacks the function uses
        self.depth = 0
        self.pushed: tuple[str, int] | None = None  # in a loop: the functor last pushed on the turn's location
        self.turn: tuple[Code, str, dict[Any, Any]] | None = None  # the loop's body: its choice, location, plans

    def loop(self, star: Code) -> None:
        """A star's loop: entered once the machine has skipped the way out of ``star`` (its
        continuation's first pop fails) and taken one more turn, it runs the body, choices
        dispatched inline by their index (their steps, path bits and owed steps as the
        machine's rule): one leaf entered, several leaving a choice point and entering the
        first. A failure backtracks into the choice points made by this loop (the next leaf
        resumed inline, from the environment the choice point kept); the loop turns again
        while the way out is skipped in the same way, until a choice point made elsewhere, a
        way out that may succeed, the fuel (``budget`` steps) or the fair ``bound`` hands back
        to the machine, which then applies its own rule at the same place.

        A turn that ends by pushing a term of a functor the body dispatches on (Prolog: a
        clause's first goal) leaves a **label** for that functor: the next turn knows the top,
        so it skips the way out without looking (when the continuation's first pop is on the
        same location with another functor, as found on entry) and goes straight to the
        functor's leaves."""
        name = f"l{len(self.loops)}"
        self.start(MAX_LOOP, True)
        self.resumable: dict[int, Code] = {}
        self.labels: dict[Any, int] = {}  # id(leaf) of a resumed leaf, or a functor pushed -> its label
        index = star.a.d if star.a.op == CHOICE else None
        self.turn = (star.a, index[0], index[1]) if index is not None else None
        # hand back to the machine before a turn the fuel (or the fair bound) does not allow
        handback = "if n >= budget" + (" or len(path) >= bound" if self.paths else "") + ": return (STAR, env, k0, n)"
        body = self.body
        self.emit(2, "again = True")
        if self.code(star.a, 2):
            self.turn_end(2, False)
        turn, loaded = self.body, set(self.loaded)
        if self.budget < 0:
            return  # too large: the machine runs the star
        # the leaves left on choice points made here, resumed here when their turn comes, and
        # the functors a turn ended by pushing
        branches: list[tuple[bool, int, list[str]]] = []
        done: set[Any] = set()
        size = len(turn)
        while size <= MAX_LOOP:
            todo = [k for k in self.labels if k not in done]
            if not todo:
                break
            item = todo[0]
            done.add(item)
            label = self.labels[item]
            self.body, self.set, self.loaded, self.added = [], {}, set(), []
            self.steps, self.known, self.owed, self.pushed = 0, {}, 0, None
            self.budget = MAX_LOOP if type(item) is tuple else MAX_BLOCK  # a functor's: as in the turn
            if type(item) is tuple:  # a functor on top of the turn's location
                assert self.turn is not None
                choice, loc, plans = self.turn
                self.depth, self.env_name = 0, "env"
                top = self.temp()
                self.emit(5, f"{top} = {self.stack(loc)}[-1]")
                self.functor(plans[item], choice, loc, top, item, 5)
                lines = [
                    "                label = 0",
                    f"                {handback}",
                    f"                if fast{-label}:",
                    "                    n += out",
                    *(["                    path.append(1)"] if self.paths else []),
                    *self.body,
                ]
                loaded |= self.loaded
                branches.append((True, label, lines))
            else:
                leaf = self.resumable[cast(int, item)]
                self.depth, self.env_name = 1, "e2"
                if self.code(leaf, 4):
                    self.turn_end(4, True)
                lines = [
                    "                label = 0",
                    *(f"                v{slot} = e2[{slot}]" for slot in sorted(self.loaded)),
                ]
                branches.append((False, label, lines + self.body))
            size += len(branches[-1][2])
        self.body = body
        self.loops.append((star, name))
        # the leaves not resumed here (past the size bound) hand back to the machine
        resumed = {
            key: (label, self.resumable[key]) for key, label in self.labels.items() if type(key) is int and key in done
        }
        self.namespace[f"LABELS{name}"] = resumed
        lines = self.lines
        lines.append(f"def {name}(env, k0, S, stacks, trail, choices, path, budget, bound):")
        lines.append(f"    STAR, LABELS = {self.constant(star)}, LABELS{name}")
        lines.append("    first = k0[0].first")
        lines.append("    fs, key, out = stacks.get(first[0]), first[1], first[2] + 2")
        lines.append("    floor = choices[-1][1] if choices else 0  # the trail below is kept for choice points")
        lines.extend(f"    v{slot} = env[{slot}]" for slot in sorted(loaded))
        lines.extend(f"    S{i} = S[{i}]" for i in sorted(self.stacks))
        for functor, label in self.labels.items():
            if type(functor) is tuple and functor in done:
                assert self.turn is not None
                here = self.stack(self.turn[1])
                lines.append(f"    fast{-label} = fs is {here} and key is not None and key != {functor!r}")
        lines.append("    k = (STAR, env, k0)")
        lines.append("    n, again, failing, label = 0, False, False, 0")
        lines.append("    while True:")
        lines.append("        if failing:  # backtrack: to a choice point made here, else hand back to the machine")
        lines.append("            failing = False")
        lines.append("            if not choices or n >= budget: return (None, None, None, n)")
        lines.append("            cp = choices[-1]")
        lines.append(
            "            kk = cp[3]  # made by this loop, or by an earlier run of it (the same star, env and k0)"
        )
        lines.append(
            f"            if cp[0] != {CP_LEAVES} or (kk is not k and (kk is None or kk[2] is not k0 or kk[1] is not env or kk[0] is not STAR)):"
        )
        lines.append("                return (None, None, None, n)")
        lines.append("            tried, i = cp[5], cp[6]")
        lines.append("            leaf, cost, bits = tried[i]")
        lines.append("            entry = LABELS.get(id(leaf))")
        beyond = " or cp[4] + len(bits) > bound" if self.paths else ""
        lines.append(f"            if entry is None or entry[1] is not leaf{beyond}: return (None, None, None, n)")
        lines.append("            height = cp[1]")
        lines.append("            if len(trail) > height: n += undo_to(trail, height)")
        if self.paths:
            lines.append("            del path[cp[4]:]")
        lines.append("            if i + 1 < len(tried):")
        lines.append("                cp[6] = i + 1")
        lines.append("                floor = height")
        lines.append("            else:")
        lines.append("                choices.pop()")
        lines.append("                floor = choices[-1][1] if choices else 0")
        lines.append("                if cp[7]: trail.append(cp[7])")
        if self.paths:
            lines.append("            path.extend(bits)")
        lines.append("            n += cost")
        lines.append("            e2, label = cp[2], entry[0]")
        if branches:  # the functors' (negative labels) in turn, from the first the turns push
            lines.append("        if label:")
            functors = sorted(((label, body) for functor, label, body in branches if functor), reverse=True)
            resumed = sorted((label, body) for functor, label, body in branches if not functor)
            if functors:
                lines.append("            if label < 0:")
                lines.extend(_label_tree(functors, 4, len(functors)))
                lines.append("            else:")
            lines.extend(_label_tree(resumed, 4 if functors else 3, 3))
        lines.append("        if again:")
        lines.append(f"            {handback}")
        lines.append("            if fs:")
        lines.append("                top = fs[-1]")
        lines.append("                while type(top) is Cell:")
        lines.append("                    r = top.ref")
        lines.append("                    if r is None: break")
        lines.append("                    top = r")
        lines.append(
            "                if key is None or type(top) is not tuple or (top[0] == key[0] and len(top) == key[1]):"
        )
        lines.append("                    return (STAR, env, k0, n)  # the way out may succeed: the machine's rule")
        lines.append("            n += out")
        if self.paths:
            lines.append("            path.append(1)")
        lines.extend(turn)
        lines.append("")

    def turn_end(self, indent: int, resumed: bool) -> None:
        """The end of a turn that ran to its end: its steps (and the pop of the star's
        continuation); a label when it pushed a functor the next turn dispatches on."""
        self.pay(indent)
        self.emit(indent, f"n += {self.steps + 1}")
        if self.pushed is not None:
            label = self.labels.setdefault(self.pushed, -1 - sum(type(key) is tuple for key in self.labels))
            self.emit(indent, f"label = {label}")
            self.emit(indent, "continue")
        elif resumed:
            self.emit(indent, "continue")

    def dispatch(self, choice: Code, indent: int) -> bool:
        """In a loop: choose the leaves of ``choice`` by its index, inline (never falls through)."""
        index = choice.d
        if index is None or self.depth >= MAX_INLINE:
            self.exit_at(indent, choice)
            return False
        loc, plans, other, empty = index
        stack, top = self.temp(), self.temp()
        self.emit(indent, f"{stack} = {self.stack(loc)}")
        self.emit(indent, f"if not {stack}:")
        self.plan(empty, choice, indent + 1)
        self.emit(indent, "else:")
        self.emit(indent + 1, f"{top} = {stack}[-1]")
        self.deref(indent + 1, top)
        self.emit(indent + 1, f"if type({top}) is Cell:")
        self.plan((choice.c, 0), choice, indent + 2)
        for key, plan in plans.items():
            self.emit(indent + 1, f"elif {top}[0] == {key[0]!r} and len({top}) == {key[1]}:")
            self.functor(plan, choice, loc, top, key, indent + 2)
        self.emit(indent + 1, "else:")
        self.plan(other, choice, indent + 2)
        return False

    def functor(
        self,
        plan: Any,
        choice: Code,
        loc: str,
        top: str,
        key: tuple[str, int],
        indent: int,
        seen: tuple[tuple[str, tuple[str, int], int], ...] = (),
    ) -> None:
        """The leaves of ``choice`` for a top (in local ``top``) of functor ``key``: ``plan``,
        or by the functor of an argument (a :class:`Sub`, maybe of another). ``seen``: the
        arguments looked at on the way (local, functor, position), for the pop to skip."""
        if type(plan) is not Sub:
            self.plan(plan, choice, indent, (loc, top, key, *seen))
            return
        first = self.temp()
        self.emit(indent, f"{first} = {top}[{plan.position}]")
        self.deref(indent, first)
        self.emit(indent, f"if type({first}) is Cell:")
        self.plan(plan.unbound, choice, indent + 1, (loc, top, key, *seen))
        for sub_key, sub_plan in plan.plans.items():
            self.emit(indent, f"elif {first}[0] == {sub_key[0]!r} and len({first}) == {sub_key[1]}:")
            self.functor(sub_plan, choice, loc, top, key, indent + 1, ((first, sub_key, plan.position), *seen))
        self.emit(indent, "else:")
        self.plan(plan.other, choice, indent + 1, (loc, top, key, *seen))

    def plan(self, plan: Any, choice: Code, indent: int, known: tuple[Any, ...] = ()) -> None:
        """The leaves to try, as the machine's choice rule: none, one (entered here, the steps of
        the leaves skipped after it charged on backtracking), or several (a choice point).
        ``known``: the location looked at, the local holding its top followed, and the top's
        functor (then, for each argument looked at, its local, functor and position)."""
        tried, after = plan
        saved = (dict(self.set), list(self.added), self.steps, dict(self.known), self.owed, self.pushed)
        if not tried:
            self.emit(indent, self.failure(self.steps + after))
        else:
            bits = tried[0][2]  # beyond the bound (fair): the machine's choice rule cuts
            pay = f"trail.append({self.owed}); " if self.owed else ""
            if self.paths:
                self.emit(
                    indent,
                    f"if len(path) + {len(bits)} > bound: {pay}return ({self.constant(choice)}, {self.env(indent)}, k, n + {self.steps})",
                )
            if len(tried) > 1:  # a choice point for the others, the first entered here
                env = self.env(indent)
                for other, _, _ in tried[1:]:
                    self.resumable.setdefault(id(other), other)
                    self.labels.setdefault(id(other), len(self.labels) + 1)
                self.pay(indent)
                self.emit(indent, "floor = len(trail)")
                depth = "len(path)" if self.paths else "0"
                self.emit(
                    indent,
                    f"choices.append([{CP_LEAVES}, floor, {env}, k, {depth}, {self.constant(tried)}, 1, {after}])",
                )
                after = 0
            leaf, cost, bits = tried[0]
            if known:
                self.known[known[0]] = known[1:]
            self.owed += after  # owed, charged on backtracking: put on the trail before what comes next
            if self.paths:
                self.emit(indent, f"path.extend({bits!r})" if len(bits) != 1 else f"path.append({bits[0]})")
            self.steps += cost
            self.depth += 1
            if self.code(leaf, indent):
                self.turn_end(indent, True)
            self.depth -= 1
        self.set, self.added, self.steps, self.known = dict(saved[0]), list(saved[1]), saved[2], dict(saved[3])
        self.owed, self.pushed = saved[4], saved[5]

    def pay(self, indent: int) -> None:
        """Put the steps owed on the trail (deferred past the pops after a dispatch, so that a
        goal pushed and popped with no choice point between leaves nothing there)."""
        if self.owed:
            self.emit(indent, f"trail.append({self.owed})")
            self.owed = 0

    def block(self, node: Code) -> None:
        name = f"b{len(self.blocks)}"
        self.blocks.append((node, name))
        self.start(MAX_BLOCK, False)
        if self.code(node, 1):
            self.emit(1, f"if k is None: return (SKIP, env, None, {self.steps})")
            self.emit(1, f"return (k[0], k[1], k[2], {self.steps + 1})")
        loads = [f"    v{s} = env[{s}]" for s in sorted(self.loaded)]
        self.lines.append(f"def {name}(env, k, S, trail):")
        self.lines.extend(f"    S{i} = S[{i}]" for i in sorted(self.stacks))
        self.lines.extend(loads)
        self.lines.extend(self.body)
        self.lines.append("")

    def stack(self, loc: str) -> str:
        """The local holding the stack of ``loc`` (loaded from ``S`` where the function begins)."""
        number = self.locations.setdefault(loc, len(self.locations))
        self.stacks.add(number)
        return f"S{number}"

    def emit(self, indent: int, line: str) -> None:
        self.body.append("    " * indent + line)

    def temp(self) -> str:
        self.temps += 1
        return f"x{self.temps}"

    def var(self, slot: int) -> str:
        if slot not in self.set:  # a slot of the block's environment, loaded where the code begins
            self.set[slot] = True
            self.loaded.add(slot)
        return f"v{slot}"

    def is_set(self, slot: int) -> bool:
        self.var(slot)
        return self.set[slot]

    def env(self, indent: int) -> str:
        """The environment of the current scope (cells made for the variables not used yet)."""
        for slot in self.added:
            self.materialize(indent, slot)
        if not self.added:
            return self.env_name
        return self.env_name + " + (" + "".join(f"v{s}, " for s in self.added) + ")"

    def materialize(self, indent: int, slot: int) -> None:
        if not self.is_set(slot):
            self.emit(indent, f"v{slot} = Cell(); v{slot}.ref = None")
            self.set[slot] = True

    def exit_at(self, indent: int, node: Code) -> None:
        """Hand on to ``node`` (a fork, or where this block stops)."""
        self.enter(node)
        self.pay(indent)
        steps = f"n + {self.steps}" if self.looping else str(self.steps)
        self.emit(indent, f"return ({self.constant(node)}, {self.env(indent)}, k, {steps})")

    def code(self, node: Code, indent: int, straight: bool = False) -> bool:
        """Emit ``node``; True when control falls through (the node ran to its end). A
        ``straight`` node has no fork and is inlined whole (it can only fail or fall through)."""
        op = node.op
        if op == CHOICE and self.looping and self.budget > 0:
            return self.dispatch(node, indent)
        if op in (CHOICE, STAR) or not _head_ok(node) or (self.budget <= 0 and not straight):
            self.exit_at(indent, node)
            return False
        if op == SEQ:
            first, then = node.a, node.b
            self.steps += 1
            if straight or self.cost[id(first)] <= self.budget:
                self.budget -= self.cost[id(first)]
                if not self.code(first, indent, True):
                    return False
                self.steps += 1
                return self.code(then, indent, straight)
            if self.looping:  # a continuation is pushed: the machine runs it
                self.steps -= 1
                self.exit_at(indent, node)
                return False
            self.enter(then)
            self.emit(indent, f"k = ({self.constant(then)}, {self.env(indent)}, k)")
            if self.code(first, indent):  # ran to its end: on to the continuation just pushed
                self.emit(indent, f"return (k[0], k[1], k[2], {self.steps + 1})")
            return False
        if op == NEW:
            slots = list(range(node.c, node.c + len(node.a)))
            for slot in slots:
                self.set[slot] = False
            self.added.extend(slots)
            self.steps += len(slots)
            ran = self.code(node.b, indent, straight)
            del self.added[-len(slots) :]
            return ran
        if op == SKIP_OP:
            return True
        if op == FAIL:
            self.steps += 1
            self.emit(indent, self.failure(self.steps))
            return False
        stack = self.stack(node.a)
        self.steps += 1
        if not straight:
            self.budget -= 6 * _pattern_size(node.b)
        known = self.known.pop(node.a, None)
        if op == PUSH:
            self.pay(indent)  # below the push, so that the pop of what it pushes can cancel it
            item = self.build(node.b, indent)
            self.emit(indent, f"s = {stack}; s.append({item}); trail.append(s)")
            self.track(node)
            return True
        fail = self.failure(self.steps)
        top = self.temp()
        self.track(node)
        if known is not None and type(node.b) is not int and functor_of(node.b) == known[1]:
            # the top was looked at by the dispatch that led here: bound, with this functor
            if self.looping:  # a push met by its pop with no choice point between: neither is kept
                self.emit(indent, f"s = {stack}")
                self.emit(indent, "if len(trail) > floor and trail[-1] is s: trail.pop(); s.pop()")
                self.emit(indent, "else: trail.append((s, s.pop()))")
            else:
                self.emit(indent, f"s = {stack}; trail.append((s, s.pop()))")
            if _parts(node.b)[1]:
                self.arguments(node.b, known[0], indent, fail, known[2:])
            return True
        self.emit(indent, f"s = {stack}")
        self.emit(indent, f"if not s: {fail}")
        if self.looping:
            self.emit(indent, f"{top} = s.pop()")
            self.emit(indent, "if len(trail) > floor and trail[-1] is s: trail.pop()")
            self.emit(indent, f"else: trail.append((s, {top}))")
        else:
            self.emit(indent, f"{top} = s.pop(); trail.append((s, {top}))")
        self.match(node.b, top, indent, fail)
        return True

    def track(self, node: Code) -> None:
        """After a push or pop: which functor the turn's location has on top, if known."""
        if self.turn is not None and node.a == self.turn[1]:
            key = functor_of(node.b) if node.op == PUSH else None
            self.pushed = key if key is not None and key in self.turn[2] else None

    # -- terms --------------------------------------------------------------------------------

    def build(self, p: Any, indent: int) -> str:
        """An expression for the runtime term of pattern ``p`` (cells made for new variables)."""
        for slot in _slots(p):
            self.materialize(indent, slot)
        return self.expression(p)

    def expression(self, p: Any) -> str:
        if type(p) is int:
            return f"v{p}"
        if type(p) is tuple:
            return self.constant(p)
        args = "".join(self.expression(a) + ", " for a in p.args)
        return f"({p.symbol!r}, {args})"

    def deref(self, indent: int, x: str) -> None:
        """Follow the bindings of the term in local ``x``."""
        self.emit(indent, f"while type({x}) is Cell:")
        self.emit(indent + 1, f"r = {x}.ref")
        self.emit(indent + 1, "if r is None: break")
        self.emit(indent + 1, f"{x} = r")

    def match(self, p: Any, x: str, indent: int, fail: str) -> None:
        """Unify pattern ``p`` with the runtime term in local ``x`` (right to left, as the
        reference unifier), returning ``fail`` if they do not unify."""
        if type(p) is int:
            if self.is_set(p):  # unify(v, x), its commonest case (v an unbound variable) inlined
                y = self.temp()
                self.emit(indent, f"{y} = v{p}")
                self.deref(indent, y)
                self.emit(indent, f"if type({y}) is Cell:")
                self.deref(indent + 1, x)
                self.emit(indent + 1, f"if {y} is not {x}:")
                self.emit(indent + 2, f"if type({x}) is tuple and len({x}) > 1 and occurs({y}, {x}): {fail}")
                self.emit(indent + 2, f"{y}.ref = {x}; trail.append({y})")
                self.emit(indent, f"elif not unify({y}, {x}, (), trail): {fail}")
            else:
                self.emit(indent, f"v{p} = {x}")
                self.set[p] = True
            return
        self.deref(indent, x)
        ground = type(p) is tuple
        if ground and len(p) == 1:
            self.emit(indent, f"if type({x}) is Cell: {x}.ref = {self.constant(p)}; trail.append({x})")
            k = self.constant(p)  # the same object as often as not (built from this constant)
            self.emit(indent, f"elif {x} is not {k} and {x} != {k}: {fail}")
            return
        symbol, args = _parts(p)
        before = dict(self.set)
        self.emit(indent, f"if type({x}) is Cell:")
        if ground:
            self.emit(indent + 1, f"{x}.ref = {self.constant(p)}")
        else:
            earlier = [s for s in _slots(p) if self.is_set(s)]
            term = self.build(p, indent + 1)
            if earlier:
                self.emit(indent + 1, f"t = {term}")
                check = " or ".join(f"occurs({x}, v{s})" for s in earlier)
                self.emit(indent + 1, f"if {check}: {fail}")
                term = "t"
            self.emit(indent + 1, f"{x}.ref = {term}")
        self.emit(indent + 1, f"trail.append({x})")
        after = dict(self.set)
        self.set = before
        self.emit(indent, "else:")
        self.emit(indent + 1, f"if len({x}) != {len(args) + 1} or {x}[0] != {symbol!r}: {fail}")
        self.arguments(p, x, indent + 1, fail)
        assert self.set == after or ground, "both branches use the same variables"
        self.set = after

    def arguments(self, p: Any, x: str, indent: int, fail: str, seen: tuple[Any, ...] = ()) -> None:
        """Match the arguments of ``p`` with those of the tuple in ``x`` (its functor checked),
        right to left; ``seen``: arguments a dispatch followed (a local holding each, its
        functor and position), whose functors need no test."""
        args = _parts(p)[1]
        followed = {position: (local, functor) for local, functor, position in seen}
        for i in range(len(args), 0, -1):
            arg = args[i - 1]
            hit = followed.get(i)
            if hit is not None and type(arg) is not int and functor_of(arg) == hit[1]:
                if _parts(arg)[1]:
                    self.arguments(arg, hit[0], indent, fail)
                continue
            y = self.temp()
            self.emit(indent, f"{y} = {x}[{i}]")
            self.match(arg, y, indent, fail)


def compile_blocks(root: Code, locations: dict[str, int], paths: bool = True) -> int:
    """Give every node of ``root``'s graph the machine may come to its block (``node.blk``);
    ``locations`` numbers the stacks. Without ``paths`` (depth-first only) the loops keep no
    path and check no fork bound. Returns the lines of Python generated."""
    generator = _Generator(root, locations, paths)
    generator.run()
    if generator.blocks:
        source = "\n".join(generator.lines)
        exec(compile(source, "<rmc blocks>", "exec"), generator.namespace)
        for node, name in generator.blocks:
            node.blk = generator.namespace[name]
        for node, name in generator.loops:
            node.loop = generator.namespace[name]
    return len(generator.lines)
