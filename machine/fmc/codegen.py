"""The FMC compiled to Python: each entry point of a term becomes a generated Python function.

A *unit* is a term position the machine can enter at run time with an environment: the term
being run, a pushed term (a closure), the continuation of a sequence or a branch of a case frame
once it is on the continuation stack, a loop body. Its function performs the machine's steps
(docs/control.md) directly on the run's state:

    S  a dict of Python lists, one operand stack per location (top last)
    K  a Python list of frames, the continuation stack (top last):
       (SEQF, unit of M, env)     the frame M of a sequence N ; M
       (CASEF, CaseInfo, env)     a case frame {j1 -> M1 | ...}
       (LOOPF, LoopInfo, env)     a loop frame loop(j, M)

and returns the next ``(unit, env, steps)`` to the driver (:mod:`machine.fmc.fast`): a closure to
enter, :data:`JUMP` with a label for the frames on K (:func:`jump`), :data:`PRIM` with a
primitive to take in general (:func:`primitive_step`), or :data:`STOP` with why it stopped. A
value on a stack is a machine value (:mod:`machine.fmc.values`) for a constant, or a closure
``(unit, env)`` whose ``env`` holds the values of the unit's free variables only.

Within a unit, straight-line code is compiled with a compile-time stack: pushes stay in Python
locals until a pop takes them (then no list is touched) or the unit leaves; pops bind Python
locals (``a<x>.[x]a`` looks at the top); a sequence's frame, a case frame and, in a loop body,
the loop frame stay compile-time frames, so ``skip``, ``catch``, ``pass``, ``again`` and ``exit``
are resolved while compiling where the label is known, and by an ``if``/``elif`` on the label
where it is not; a loop body is a Python ``while`` loop, ``again`` its ``continue``. Primitives on
Python ints are inline (what follows then knows the result is an int or a Boolean); other
arguments take the general step through the driver. A variable run before a sequence's frame is
guessed to hold a value thunk ``[v]`` (a While variable's cell), which is then a pending push of
``v``; where that guess failed once, the continuation's unit calls *leaves* (closures of a few
pushes and pops ending in a jump) in place instead; a closure made in the unit and run there is
compiled in place (``[N].<x>.x`` runs N inline). Any other closure is entered through the
driver with the static frames put on K, so Python's stack never grows with the run.

Steps are counted at compile time per straight-line path. Each unit checks at its entry (a loop
body at each round) that its longest path fits in the fuel left; where it does not, or where a
pop finds an empty stack, a primitive refuses its arguments, a label is symbolic or a variable
is free, the unit stops with the exact machine state at that point, and the small-step machine
takes over from there (so fuel, stuck states and their reasons are the reference's). Limits keep
the generated code small and flat: at most :data:`MAX_LINES` lines per unit (a longer path goes
on in a unit of its own), :data:`MAX_NESTING` nested dispatches, :data:`MAX_FRAMES` static frames.
Generated source is cached by its text (units of one shape share one code object), and each unit
is compiled the first time it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from machine_calculus.calculus.fmc.labels import UNDETERMINED, meets, select
from machine_calculus.calculus.fmc.syntax import (
    ANY,
    DEFAULT,
    STAR,
    Branch,
    Case,
    Const,
    Label,
    Loop,
    LoopFrame,
    Pop,
    Prim,
    Push,
    Seq,
    Skip,
    Term,
    Var,
    branches,
)
from machine_calculus.calculus.terms import free_variables
from machine_calculus.machine.fmc.primitives import arity
from machine_calculus.machine.fmc.values import CONCRETE, FAILED, FALSE, TRUE, primitive, raw, term_value, too_large

__all__ = [
    "CASEF",
    "JUMP",
    "JUMP_STATE",
    "LOOPF",
    "PRIM",
    "SEQF",
    "STOP",
    "CaseInfo",
    "LoopInfo",
    "PrimInfo",
    "Unit",
    "clear_caches",
    "frame_of_term",
    "jump",
    "primitive_step",
    "unit_for",
    "value_of",
]

SEQF, CASEF, LOOPF = 0, 1, 2

#: A straight-line path longer than this many lines continues in a unit of its own.
MAX_LINES = 400
#: Case dispatches nested deeper than this inside one unit go through the driver.
MAX_NESTING = 12
#: Static frames past this many are put on K (so that a stop does not copy a long chain of them).
MAX_FRAMES = 16
#: Pending pushes on one location are performed once there are this many.
MAX_PENDING = 64
#: At most this many closures made in a unit are run in place in it (``[N].<x>.x`` runs N
#: here); more (as in ``[<x>.[x].x].<x>.[x].x``, which never ends) go through the driver.
MAX_INLINED = 64
#: A leaf (see :class:`Unit`) is at most this many pushes and pops.
MAX_LEAF = 24
#: A sequence's continuation is compiled inline at most this many times per unit.
MAX_COPIES = 2


class Unit:
    """A term position entered at run time: ``run(env, S, K, steps, fuel) -> (unit, env, steps)``.

    ``free`` names the values ``env`` holds (in order); ``loop`` is the LoopInfo of a loop body
    entered with its frame on K; ``thunk`` says the unit is a value thunk ``[x]`` (push ``x`` on
    λ, then ``*``: a While variable's cell), which a caller runs without entering it; ``leaf``
    is, for a unit of at most :data:`MAX_LEAF` pushes and pops ending in a jump, ``leaf(env, S)
    -> label`` (None, before any change, where a stack is too short), with ``cost`` its steps.
    """

    __slots__ = ("cost", "free", "leaf", "loop", "run", "speculate", "term", "thunk")

    def __init__(self, term: Term, free: tuple[str, ...], loop: LoopInfo | None = None) -> None:
        self.term = term
        self.free = free
        self.loop = loop
        self.run: Callable[..., tuple[Any, Any, int]] = self._first_run
        self.speculate = True
        self.cost = _leaf_cost(term) if loop is None else None
        self.leaf: Callable[..., Any] | None = self._first_leaf if self.cost is not None else None
        self.thunk = (
            loop is None
            and isinstance(term, Push)
            and term.location == DEFAULT
            and isinstance(term.term, Var)
            and isinstance(term.body, Skip)
            and free == (term.term.name,)
        )

    def _first_run(self, env: Any, S: Any, K: Any, steps: int, fuel: int) -> tuple[Any, Any, int]:
        compiler = _UnitCompiler(self)
        self.run = _instantiate(compiler.source(), compiler.pool)
        return self.run(env, S, K, steps, fuel)

    def _first_leaf(self, env: Any, S: Any) -> Any:
        compiler = _UnitCompiler(self)
        self.leaf = _instantiate(compiler.leaf_source(), compiler.pool)
        return self.leaf(env, S)

    def __repr__(self) -> str:
        return f"<unit {self.term!r} over {self.free}>"


class CaseInfo:
    """A case frame as K holds it: its branches' units, a dict for concrete labels."""

    __slots__ = ("default", "free", "node", "pairs", "table", "term")

    def __init__(self, frame: Term, free: tuple[str, ...]) -> None:
        self.node = self.term = frame
        self.free = free
        self.pairs: tuple[tuple[Label, Unit], ...] = tuple(
            (label, unit_for(body, free)) for label, body in branches(frame)
        )
        table: dict[Any, Unit] | None = {}
        self.default: Unit | None = None
        for label, unit in self.pairs:
            if label is ANY:
                self.default = unit
            elif type(raw(label)) in CONCRETE and table is not None:
                table[raw(label)] = unit
            else:
                table = None
        self.table = table

    def branch(self, label: Any) -> Unit | None:
        """``C(j)``: the unit of the catching branch, None, or UNDETERMINED (symbolic)."""
        if self.table is not None and type(label) in CONCRETE:
            return self.table.get(label, self.default)
        return select(self.pairs, term_value(label))


class LoopInfo:
    """A loop frame ``loop(j, M)`` as K holds it: the label and the body's unit."""

    __slots__ = ("body", "free", "label", "node", "term", "value")

    def __init__(self, loop: Loop | LoopFrame, free: tuple[str, ...]) -> None:
        self.node = loop
        self.term = loop if isinstance(loop, LoopFrame) else LoopFrame(loop.body, loop.label)
        self.free = free
        self.value = loop.label
        self.label = STAR if loop.label == STAR else raw(loop.label)
        self.body = Unit(loop.body, free, self)

    def meets(self, label: Any) -> bool | None:
        if type(label) in CONCRETE and type(self.label) in CONCRETE:
            return label is self.label or label == self.label
        return meets(STAR if label is STAR else term_value(label), self.value)


class _Stop:
    """The driver's signal that the run left compiled code: ``env`` says why."""

    def __repr__(self) -> str:
        return "STOP"


STOP: Any = _Stop()


def jump(label: Any, S: Any, K: list[Any], steps: int, fuel: int) -> tuple[Any, Any, int]:
    """A jump meets the frames on K, one machine step each:

        skip   K.M, ⋆ -> K, M            catch  K.C, j -> K, C(j)      pass  K.C, j -> K, j
        again  K.loop(j, M), j -> K.loop(j, M), M                      exit  K.loop(k, M), j -> K, j

    Returns the unit to enter, or STOP with ``(None, label)`` (done: K is empty) or with the
    jump's own state where fuel runs out or the branch depends on symbols.
    """
    while K:
        if steps >= fuel:
            return STOP, (JUMP_STATE, label), steps
        kind, info, env = K[-1]
        if kind == SEQF:
            K.pop()
            steps += 1
            if label is STAR:
                return info, env, steps
        elif kind == CASEF:
            unit = info.branch(label)
            if unit is UNDETERMINED:
                return STOP, (JUMP_STATE, label), steps
            K.pop()
            steps += 1
            if unit is not None:
                return unit, env, steps
        else:
            met = info.meets(label)
            if met is None:
                return STOP, (JUMP_STATE, label), steps
            steps += 1
            if met:
                return info.body, env, steps
            K.pop()
    return STOP, (None, label), steps


class _Jump:
    """The pseudo-unit :data:`JUMP`: entering it with a label runs :func:`jump`."""

    run = staticmethod(jump)

    def __repr__(self) -> str:
        return "JUMP"


JUMP: Any = _Jump()


class StopPoint:
    """Where compiled code stops (the small-step machine goes on from there): the term run next
    and the names its environment binds, read back as a closure is."""

    __slots__ = ("free", "term")

    def __init__(self, term: Term, free: tuple[str, ...]) -> None:
        self.term = term
        self.free = free


class PrimInfo:
    """A primitive whose arguments compiled code has no fast path for."""

    __slots__ = ("arity", "at", "name", "node")

    def __init__(self, node: Prim, free: tuple[str, ...]) -> None:
        self.node = node
        self.name = node.name
        self.arity = arity(node.name)
        self.at = StopPoint(node, free)


def primitive_step(info: PrimInfo, S: Any, K: list[Any], steps: int, fuel: int) -> tuple[Any, Any, int]:
    """``prim  S(λ = s.vn...v1), K, p -> S(λ = s.r), K, ⋆`` in general (fractions, symbols,
    strings); STOP at the primitive where the fuel is spent or it does not take its arguments
    (the small-step machine then says why)."""
    stack = S[DEFAULT]
    n = info.arity
    if steps >= fuel or len(stack) < n:
        return STOP, (info.at, ()), steps
    result = primitive(info.name, *reversed(stack[len(stack) - n :]))
    if result is FAILED:
        return STOP, (info.at, ()), steps
    del stack[len(stack) - n :]
    stack.append(result)
    return JUMP, STAR, steps + 1


class _Primitive:
    """The pseudo-unit :data:`PRIM`: entering it with a PrimInfo runs :func:`primitive_step`."""

    run = staticmethod(primitive_step)

    def __repr__(self) -> str:
        return "PRIM"


PRIM: Any = _Primitive()

#: The marker of a stop at a jump: the state's term is the jump itself.
JUMP_STATE: Any = type("JumpState", (), {"__repr__": lambda self: "JUMP_STATE"})()

_UNITS: dict[tuple[Any, tuple[str, ...], bool], Unit] = {}
_INFOS: dict[tuple[int, tuple[str, ...]], Any] = {}
#: Past this many units and frames cached, a run starts with empty caches (their entries keep
#: their terms alive); a run never empties them halfway (that would compile its units again).
MAX_CACHED = 500_000


def clear_caches(limit: int = 0) -> None:
    """Forget the compiled units and frames when more than ``limit`` are cached (the source
    cache of generated code stays: it holds no terms)."""
    if len(_UNITS) + len(_INFOS) > limit:
        _UNITS.clear()
        _INFOS.clear()


def unit_for(term: Term, free: tuple[str, ...], speculate: bool = True) -> Unit:
    """The unit running ``term`` with values for ``free`` (cached per node and layout).

    A unit made with ``speculate=False`` (the continuation of a call that was not a value thunk,
    and the units it continues in) does not guess that a variable run before a sequence's frame
    holds a value thunk: it calls a leaf closure in place and enters any other through the
    driver, so a chain of such calls is not compiled again on a guess that failed.
    """
    unit = _UNITS.get((id(term), free, speculate))
    if unit is not None and unit.term is term:
        return unit
    key = (term if _small_binder_free(term) else id(term), free, speculate)
    unit = _UNITS.get(key)
    if unit is None or (unit.term is not term and type(key[0]) is int):
        unit = _UNITS[key] = Unit(term, free)
        unit.speculate = speculate
    return unit


def _small_binder_free(term: Term) -> bool:
    """Whether ``term`` is a few pushes of constants and variables ending in ``*``, a constant,
    a variable or a primitive (``[B]out``, ``[x]``): such terms that are equal are the same
    text, so they share one unit (a program's many ``[B]out``)."""
    for _ in range(4):
        if not isinstance(term, Push):
            return isinstance(term, Skip | Const | Var | Prim)
        if not isinstance(term.term, Const | Var | Skip):
            return False
        term = term.body
    return False


def _info(cls: type, node: Term, free: tuple[str, ...]) -> Any:
    key = (id(node), free)
    info = _INFOS.get(key)
    if info is None or info.node is not node:
        info = _INFOS[key] = cls(node, free)
    return info


def frame_of_term(frame: Term) -> tuple[int, Any, tuple[()]]:
    """The run-time frame of a closed continuation term: a sequence's ``M``, a case frame (a
    ``Branch`` chain) or ``loop(j, M)``."""
    if isinstance(frame, LoopFrame):
        return (LOOPF, _info(LoopInfo, frame, ()), ())
    if isinstance(frame, Branch):
        return (CASEF, _info(CaseInfo, frame, ()), ())
    return (SEQF, unit_for(frame, ()), ())


def value_of(term: Term) -> Any:
    """The machine value of a closed memory term: a constant's value, or a closure."""
    if isinstance(term, Const):
        return raw(term.value)
    return (unit_for(term, ()), ())


def _leaf_cost(term: Term) -> int | None:
    """The steps of a leaf (pushes and pops ending in ``*`` or a constant), None otherwise."""
    n = 0
    while isinstance(term, Push | Pop):
        n += 1
        if n > MAX_LEAF:
            return None
        term = term.body
    return n if isinstance(term, Skip | Const) else None


_GLOBALS: dict[str, Any] = {
    "STAR": STAR,
    "TRUE": TRUE,
    "FALSE": FALSE,
    "STOP": STOP,
    "JUMP": JUMP,
    "PRIM": PRIM,
    "CONCRETE": CONCRETE,
    "FAILED": FAILED,
    "primitive": primitive,
    "too_large": too_large,
    "SEQF": SEQF,
    "CASEF": CASEF,
    "LOOPF": LOOPF,
    "__builtins__": {"type": type, "len": len, "tuple": tuple, "int": int, "IndexError": IndexError},
}
_FACTORIES: dict[str, Callable[[list[Any]], Callable[..., Any]]] = {}
#: The integers kept as literals in generated code (larger ones go to the pool).
_LITERAL_INT = 1 << 60
#: Integer results of + - * below this in size skip the digit-budget check.
_SMALL = 1 << 64


def _instantiate(source: str, pool: list[Any]) -> Callable[..., Any]:
    factory = _FACTORIES.get(source)
    if factory is None:
        namespace: dict[str, Any] = {}
        exec(compile(source, "<mcalc compiled unit>", "exec"), _GLOBALS, namespace)
        factory = _FACTORIES[source] = namespace["make"]
    return factory(pool)


class _Path:
    """The compile-time state along one path: bindings, pending pushes, static frames, steps."""

    __slots__ = (
        "acc",
        "bools",
        "closures",
        "copies",
        "ctx",
        "depth",
        "env",
        "indent",
        "ints",
        "known",
        "pos",
        "vstack",
    )

    def __init__(self, env: dict[str, str], indent: int) -> None:
        self.env = env  # variable -> Python expression of its value
        self.vstack: dict[str, list[str]] = {}  # location -> pending pushes, bottom first
        self.ctx: tuple[tuple[Any, ...], ...] = ()  # static frames, innermost last
        self.acc = 0  # steps not yet added to the run-time `steps`
        self.pos = 0  # steps since the unit's (or the loop round's) check
        self.indent = indent
        self.depth = 0
        self.known: set[str] = set()  # expressions known to be constants (not closures)
        self.ints: set[str] = set()  # ... known to be Python ints
        self.bools: set[str] = set()  # ... known to be TRUE or FALSE
        self.closures: dict[str, tuple[Unit, tuple[str, ...]]] = {}  # closures made here: unit, values
        self.copies: dict[int, int] = {}

    def fork(self, indent: int) -> _Path:
        p = _Path(dict(self.env), indent)
        p.vstack = {loc: list(items) for loc, items in self.vstack.items()}
        p.ctx, p.acc, p.pos, p.depth = self.ctx, self.acc, self.pos, self.depth + 1
        p.known, p.copies = set(self.known), dict(self.copies)
        p.ints, p.bools, p.closures = set(self.ints), set(self.bools), dict(self.closures)
        return p


class _UnitCompiler:
    """Generates the source of one unit (or of its leaf function)."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.pool: list[Any] = []
        self.pool_ids: dict[int, int] = {}
        self.lines: list[str] = []
        self.stacks: dict[str, str] = {}
        self.stacks_prologue: list[str] = []
        self.inlined = 0  # closures made and run in this unit, compiled in place
        self.fresh = 0
        self.holes: list[int] = []  # the lines holding @H@ (the unit's longest path)
        # (line of the pop, end of its try block, location, local) of the last pop from a stack
        self.last_pop: tuple[int, int, str, str] | None = None

    # -- small pieces ------------------------------------------------------------------------

    def const(self, obj: Any) -> str:
        """A pool reference ``C[i]`` for ``obj``."""
        i = self.pool_ids.get(id(obj))
        if i is None:
            i = self.pool_ids[id(obj)] = len(self.pool)
            self.pool.append(obj)
        return f"C[{i}]"

    def literal(self, value: Any) -> str:
        """Python source for a machine value."""
        if value is STAR:
            return "STAR"
        if value is TRUE:
            return "TRUE"
        if value is FALSE:
            return "FALSE"
        if type(value) is int and -_LITERAL_INT < value < _LITERAL_INT:
            return repr(value)
        return self.const(value)

    def local(self, prefix: str = "v") -> str:
        self.fresh += 1
        return f"{prefix}{self.fresh}"

    def stack(self, location: str) -> str:
        name = self.stacks.get(location)
        if name is None:
            name = self.stacks[location] = f"s{len(self.stacks)}"
        return name

    def emit(self, path: _Path, line: str) -> None:
        self.lines.append(" " * path.indent + line)

    def emit_block(self, path: _Path, lines: list[str]) -> None:
        prefix = " " * path.indent
        self.lines.extend([prefix + line for line in lines])

    def free_of(self, term: Term, path: _Path) -> tuple[str, ...]:
        return tuple(sorted(free_variables(term) & path.env.keys()))

    def env_tuple(self, names: tuple[str, ...], env: dict[str, str]) -> str:
        if not names:
            return "()"
        return "(" + ", ".join(env[n] for n in names) + ",)"

    def pushed(self, term: Term, path: _Path) -> str:
        """The value ``[N]`` pushes: a constant's value, a variable's value, or a closure."""
        if isinstance(term, Const):
            text = self.literal(raw(term.value))
            path.known.add(text)
            return text
        if isinstance(term, Var) and term.name in path.env:
            return path.env[term.name]
        free = self.free_of(term, path)
        closure = self.local("c")
        unit = unit_for(term, free)
        self.emit(path, f"{closure} = ({self.const(unit)}, {self.env_tuple(free, path.env)})")
        path.closures[closure] = (unit, tuple(path.env[n] for n in free))
        return closure

    # -- leaving the unit --------------------------------------------------------------------

    def flush(self, path: _Path) -> None:
        """Perform the pending pushes on the run's stacks."""
        for location, items in path.vstack.items():
            if len(items) == 1:
                self.emit(path, f"{self.stack(location)}.append({items[0]})")
            elif items:
                self.emit(path, f"{self.stack(location)}.extend(({', '.join(items)},))")
        path.vstack = {}

    def materialize(self, path: _Path, cautious: bool = False) -> None:
        """Flush, then put the static frames on K (bottom first), as the machine would hold them
        (``cautious``: the top frame's continuation does not speculate, see :func:`unit_for`; in
        a unit that does not speculate, no frame's continuation does)."""
        self.flush(path)
        for i, frame in enumerate(path.ctx):
            if frame[0] == "seq":
                _, node, env = frame
                free = tuple(sorted(free_variables(node) & env.keys()))
                speculate = self.unit.speculate and not (cautious and i == len(path.ctx) - 1)
                unit = unit_for(node, free, speculate)
                self.emit(path, f"K.append((SEQF, {self.const(unit)}, {self.env_tuple(free, env)}))")
            elif frame[0] == "case":
                _, info, env = frame
                self.emit(path, f"K.append((CASEF, {self.const(info)}, {self.env_tuple(info.free, env)}))")
        path.ctx = ()

    def leave(self, path: _Path, target: str, env: str) -> None:
        """Materialize and return ``(target, env, steps)`` to the driver."""
        self.exit(path, [f"return {target}, {env}, steps + {path.acc}"])

    def exit(self, path: _Path, returns: list[str], cautious: bool = False) -> None:
        """Materialize (see :meth:`materialize`), then the ``returns`` lines; the path's own
        pending pushes and frames are left as they were (a guard's exit leaves them to the main
        line)."""
        saved = (path.vstack, path.ctx)
        path.vstack = {loc: list(items) for loc, items in path.vstack.items()}
        self.materialize(path, cautious)
        self.emit_block(path, returns)
        path.vstack, path.ctx = saved

    def stop_at(self, path: _Path, node: Term) -> None:
        """Stop with the machine state whose term is ``node`` (the small-step machine goes on)."""
        free = self.free_of(node, path)
        self.leave(path, "STOP", f"({self.const(StopPoint(node, free))}, {self.env_tuple(free, path.env)})")

    def tail(self, path: _Path, node: Term) -> None:
        """Continue with ``node`` in a unit of its own (through the driver), speculating as this
        one does."""
        free = self.free_of(node, path)
        unit = unit_for(node, free, self.unit.speculate)
        self.leave(path, self.const(unit), self.env_tuple(free, path.env))

    # -- the generator -----------------------------------------------------------------------

    def source(self) -> str:
        unit = self.unit
        head = ["def make(C):", " def unit(env, S, K, steps, fuel):"]
        env = {name: f"e{i}" for i, name in enumerate(unit.free)}
        indent = 3 if unit.loop is not None else 2
        path = _Path(env, indent)
        check = len(self.lines)
        self.emit(path, "")  # the fuel check, filled in below
        if unit.loop is not None:
            path.ctx = (("loop", unit.loop),)
        bound = self.gen(unit.term, path)
        test = "steps > limit" if unit.loop is not None else f"steps + {bound} > fuel"
        self.lines[check] = " " * indent + (
            f"if {test}:\n{self.stop_source(unit.term, env, indent)}" if bound else "pass"
        )
        if unit.loop is not None:  # each round checks against the fuel less its longest path
            self.stacks_prologue.append(f"  limit = fuel - {bound}")
        for i in self.holes:
            self.lines[i] = self.lines[i].replace("@H@", str(bound))
        return self.assemble(head, env, unit.loop is not None, " return unit")

    def stop_source(self, node: Term, env: dict[str, str], indent: int) -> str:
        """The lines that stop at ``node`` at the unit's (or loop round's) start."""
        saved = self.lines
        self.lines = []
        self.stop_at(_Path(dict(env), indent + 1), node)
        text = "\n".join(self.lines)
        self.lines = saved
        return text

    def assemble(self, head: list[str], env: dict[str, str], loop: bool, tail: str) -> str:
        out = list(head)
        if self.unit.free:
            out.append("  " + ", ".join(env[n] for n in self.unit.free) + ", = env")
        out.extend(f"  {name} = S[{location!r}]" for location, name in self.stacks.items())
        out.extend(self.stacks_prologue)
        if loop:
            out.append("  while True:")
        out.extend(self.lines)
        out.append(tail)
        return "\n".join(out) + "\n"

    def gen(self, node: Term, path: _Path) -> int:
        """Compile running ``node`` on ``path``; the most steps any path takes from here."""
        start = path.pos
        fork = 0
        while True:
            if len(self.lines) > MAX_LINES and not isinstance(node, Skip | Const | Var):
                self.tail(path, node)
                break
            if isinstance(node, Push):
                pending = path.vstack.setdefault(node.location, [])
                if not pending and self.repush(node, path):
                    path.pos += 1
                    path.acc += 1
                    node = node.body
                    continue
                pending.append(self.pushed(node.term, path))
                if len(pending) > MAX_PENDING:
                    self.flush(path)
                path.pos += 1
                path.acc += 1
                node = node.body
            elif isinstance(node, Pop):
                pending = path.vstack.get(node.location)
                if pending:
                    value = pending.pop()
                else:
                    value = self.local()
                    s = self.stack(node.location)
                    self.emit(path, "try:")
                    pop_line = len(self.lines)
                    self.emit(path, f" {value} = {s}.pop()")
                    self.emit(path, "except IndexError:")
                    path.indent += 1
                    self.stop_at(path, node)
                    path.indent -= 1
                    self.last_pop = (pop_line, len(self.lines), node.location, value)
                path.env = {**path.env, node.variable: value}
                path.pos += 1
                path.acc += 1
                node = node.body
            elif isinstance(node, Seq):
                if len(path.ctx) >= MAX_FRAMES:  # the frames so far go on K now
                    self.materialize(path)
                path.ctx = (*path.ctx, ("seq", node.then, path.env))
                path.pos += 1
                path.acc += 1
                node = node.first
            elif isinstance(node, Case):
                info = _info(CaseInfo, node.frame, self.free_of(node.frame, path))
                if len(path.ctx) >= MAX_FRAMES:
                    self.materialize(path)
                path.ctx = (*path.ctx, ("case", info, path.env))
                path.pos += 1
                path.acc += 1
                node = node.first
            elif isinstance(node, Loop):
                free = self.free_of(node.body, path)
                info = _info(LoopInfo, node, free)
                path.acc += 1
                path.pos += 1
                self.materialize(path)
                env = self.env_tuple(free, path.env)
                self.emit(path, f"K.append((LOOPF, {self.const(info)}, {env}))")
                self.emit(path, f"return {self.const(info.body)}, {env}, steps + {path.acc}")
                break
            elif isinstance(node, Prim):
                if not self.primitive(node, path):
                    break
                node = Skip()
            elif isinstance(node, Skip | Const):
                label = STAR if isinstance(node, Skip) else raw(node.value)
                following = self.static_jump(label, path)
                if following is None:
                    break
                node = following
            elif isinstance(node, Var):
                if node.name not in path.env:
                    self.stop_at(path, node)
                    break
                result = self.run_variable(node, path)
                if result is None:
                    break
                if isinstance(result, int):
                    fork = result
                    break
                node = result
            else:
                raise TypeError(f"not an FMC term: {node!r}")
        return path.pos - start + fork

    def repush(self, node: Push, path: _Path) -> bool:
        """``a<x>.[x]a``, nothing emitted in between: the pop becomes a look at the top."""
        if self.last_pop is None or not isinstance(node.term, Var):
            return False
        line_no, end, location, value = self.last_pop
        if end != len(self.lines) or location != node.location or path.env.get(node.term.name) != value:
            return False
        self.lines[line_no] = self.lines[line_no].replace(".pop()", "[-1]")
        self.last_pop = None
        return True

    # -- jumps -------------------------------------------------------------------------------

    def static_jump(self, label: Any, path: _Path) -> Term | None:
        """A jump with a label known at compile time meets the static frames."""
        while True:
            if not path.ctx:
                self.leave(path, "JUMP", self.literal(label))
                return None
            frame = path.ctx[-1]
            if frame[0] == "seq":
                path.ctx = path.ctx[:-1]
                path.acc += 1
                path.pos += 1
                if label is STAR:  # skip
                    path.env = frame[2]
                    return self.continuation(frame[1], path)
                continue  # pass
            if frame[0] == "case":
                info = frame[1]
                if type(label) not in CONCRETE or info.table is None:
                    self.leave(path, "JUMP", self.literal(label))
                    return None
                unit = info.table.get(label, info.default)
                path.ctx = path.ctx[:-1]
                path.acc += 1
                path.pos += 1
                if unit is None:
                    continue  # pass
                path.env = frame[2]  # catch
                return unit.term
            info = frame[1]  # the loop frame of this loop body
            met = info.meets(label) if type(label) in CONCRETE else None
            if met is None:
                self.leave(path, "JUMP", self.literal(label))
                return None
            path.acc += 1
            path.pos += 1
            if met:  # again
                self.flush(path)
                self.emit(path, f"steps += {path.acc}")
                self.emit(path, "continue")
                return None
            self.flush(path)  # exit
            self.emit(path, "K.pop()")
            path.ctx = ()
            self.emit(path, f"return JUMP, {self.literal(label)}, steps + {path.acc}")
            return None

    def continuation(self, node: Term, path: _Path) -> Term | None:
        """A sequence's continuation: inline, or (copied too often) in its own unit."""
        copies = path.copies.get(id(node), 0)
        if copies >= MAX_COPIES:
            self.tail(path, node)
            return None
        path.copies[id(node)] = copies + 1
        return node

    def run_variable(self, node: Var, path: _Path) -> Term | int | None:
        """Run a variable's value. Before a sequence's frame (``x ; M``, a While variable read) a
        value thunk ``[v]`` pushes ``v`` (a pending push: the pop after it takes it from a local);
        before a case or loop frame a constant jumps, dispatched by ``if``/``elif``. Anything else
        is entered through the driver, with the static frames materialised."""
        value = path.env[node.name]
        known = path.closures.get(value)
        if known is not None and self.inlined < MAX_INLINED:  # a closure made in this unit: run its
            self.inlined += 1  # term here, its free variables bound to the values it was made with
            unit, values = known
            path.env = dict(zip(unit.free, values, strict=True))
            return unit.term
        if not path.ctx:
            self.flush_and_enter(path, value)
            return None
        if path.ctx[-1][0] == "seq" and value not in path.known:
            if not self.unit.speculate:
                return self.call_leaf(value, path)
            self.emit(path, f"if type({value}) is not tuple or not {value}[0].thunk:")
            path.indent += 1
            self.flush_and_enter(path, value)
            path.indent -= 1
            pushed = self.local("w")
            self.emit(path, f"{pushed} = {value}[1][0]")
            path.vstack.setdefault(DEFAULT, []).append(pushed)
            path.acc += 1  # the thunk's push; its skip is the frame's below
            path.pos += 1
            return self.static_jump(STAR, path)
        if value in path.known:
            return self.dynamic_jump(value, path)
        self.emit(path, f"if type({value}) is tuple:")
        path.indent += 1
        self.leave(path, f"{value}[0]", f"{value}[1]")
        path.indent -= 1
        return self.dynamic_jump(value, path)

    def call_leaf(self, value: str, path: _Path) -> Term | int | None:
        """In a unit that does not speculate: a leaf closure is called in place; ``*`` from it
        meets the sequence's frame, any other label leaves through the driver, and anything that
        is not a leaf is entered through the driver (one exit serves both). The fuel check covers
        the leaf's steps and the unit's longest path (``@H@``, filled in at the end)."""
        self.flush(path)
        label, unit, leaf = self.local("l"), self.local("u"), self.local("f")
        self.emit_block(
            path,
            [
                f"{label} = None",
                f"if type({value}) is not tuple or ({leaf} := ({unit} := {value}[0]).leaf) is None"
                f" or steps + {unit}.cost + @H@ > fuel or ({label} := {leaf}({value}[1], S)) is not STAR:",
            ],
        )
        self.holes.append(len(self.lines) - 1)
        path.indent += 1
        returns = [
            f"if {label} is not None:",
            f" return JUMP, {label}, steps + {unit}.cost + {path.acc}",
            f"if type({value}) is tuple:",
            f" return {value}[0], {value}[1], steps + {path.acc}",
            f"return JUMP, {value}, steps + {path.acc}",
        ]
        self.exit(path, returns, cautious=True)
        path.indent -= 1
        self.emit(path, f"steps += {unit}.cost")
        return self.pass_sequence_frame(path)

    def flush_and_enter(self, path: _Path, value: str) -> None:
        """Leave the unit to run ``value`` (a closure is entered, a constant jumps); a known
        constant needs no test."""
        returns = [f"return JUMP, {value}, steps + {path.acc}"]
        if value not in path.known:
            returns[:0] = [f"if type({value}) is tuple:", f" return {value}[0], {value}[1], steps + {path.acc}"]
        self.exit(path, returns, cautious=True)

    def pass_sequence_frame(self, path: _Path) -> Term | int | None:
        """``*`` meets the static sequence frame on top: ``⋆ · (M ; K) → M · K``, one step."""
        frame = path.ctx[-1]
        path.ctx = path.ctx[:-1]
        path.acc += 1
        path.pos += 1
        path.env = frame[2]
        return self.continuation(frame[1], path)

    def dynamic_jump(self, label: str, path: _Path) -> Term | int | None:
        """A jump whose label is only known at run time meets the static frames: the next
        continuation, a fork's bound (an int), or None when the path has ended. A label that is
        a literal (a constant pushed in this unit) is first bound to a local: ``1 is STAR`` is
        right but Python warns of it."""
        if not label.isidentifier():
            local = self.local("l")
            self.emit(path, f"{local} = {label}")
            if _is_int_literal(label):
                path.ints.add(local)
            label = local
        frame = path.ctx[-1]
        if frame[0] == "seq":
            self.emit(path, f"if {label} is not STAR:")
            path.indent += 1
            self.leave(path, "JUMP", label)
            path.indent -= 1
            return self.pass_sequence_frame(path)
        if frame[0] == "loop":
            info = frame[1]
            self.flush(path)
            concrete = label in path.bools or label in path.ints
            self.emit(path, "if True:" if concrete else f"if type({label}) in CONCRETE:")
            path.indent += 1
            test = f"{label} is STAR" if info.label is STAR else f"{label} == {self.literal(info.label)}"
            self.emit(path, f"if {test}:")
            self.emit(path, f" steps += {path.acc + 1}")
            self.emit(path, " continue")
            self.emit(path, "K.pop()")
            self.emit(path, f"return JUMP, {label}, steps + {path.acc + 1}")
            path.indent -= 1
            self.emit(path, f"return JUMP, {label}, steps + {path.acc}")
            return None
        info = frame[1]
        if info.table is None or path.depth >= MAX_NESTING:
            self.leave(path, "JUMP", label)
            return None
        if label in path.bools:  # a comparison's result: two ways, no other label possible
            self.emit(path, f"if {label} is TRUE:")
            bounds = [self.catch(info.table.get(TRUE, info.default), label, path, frame)]
            self.emit(path, "else:")
            bounds.append(self.catch(info.table.get(FALSE, info.default), label, path, frame))
            return max(bounds)
        self.emit(path, f"if type({label}) in CONCRETE:")
        path.indent += 1
        bounds = []
        keyword = "if"
        for lab, unit in info.pairs:
            if lab is ANY:
                continue
            value = STAR if lab == STAR else raw(lab)
            identity = value is STAR or value is TRUE or value is FALSE
            self.emit(path, f"{keyword} {label} {'is' if identity else '=='} {self.literal(value)}:")
            keyword = "elif"
            bounds.append(self.catch(unit, label, path, frame))
        if info.default is not None:
            self.emit(path, "else:" if keyword == "elif" else "if True:")
            bounds.append(self.catch(info.default, label, path, frame))
        path.indent -= 1
        self.leave(path, "JUMP", label)
        return max(bounds, default=0)

    def catch(self, unit: Unit | None, label: str, path: _Path, frame: tuple[Any, ...]) -> int:
        """One way out of a run-time dispatch (one level in): ``catch`` into the branch's body, or
        (no branch) ``pass`` through the driver. The most steps its path takes."""
        if unit is None:
            path.indent += 1
            self.leave(path, "JUMP", label)
            path.indent -= 1
            return 0
        branch = path.fork(path.indent + 1)
        branch.ctx = path.ctx[:-1]
        branch.env = frame[2]
        branch.acc += 1
        branch.pos += 1
        return 1 + self.gen(unit.term, branch)

    # -- primitives --------------------------------------------------------------------------

    def primitive(self, node: Prim, path: _Path) -> bool:
        """``prim`` on Python ints (and ``==``/``!=`` on any concrete constants): the result, a new
        local, becomes a pending push on λ. Other arguments (fractions, symbols, closures, too
        few, a result past the digit budget) leave the unit through :data:`PRIM`, which takes
        the step in general (or stops there). False if the path ended."""
        name, n = node.name, arity(node.name)
        slow = self.const(_info(PrimInfo, node, ()))
        if n != 2 or name not in _INT_FAST:
            self.leave(path, "PRIM", slow)
            return False
        pending = path.vstack.get(DEFAULT, [])
        virtual = pending[max(0, len(pending) - n) :]
        real = n - len(virtual)
        s = self.stack(DEFAULT)
        args = list(reversed(virtual))
        if real:
            self.emit(path, f"if len({s}) < {real}:")
            path.indent += 1
            self.leave(path, "PRIM", slow)
            path.indent -= 1
            for i in range(1, real + 1):
                peeked = self.local("a")
                self.emit(path, f"{peeked} = {s}[-{i}]")
                args.append(peeked)
        a, b = args
        unknown = [x for x in (a, b) if x not in path.ints and not _is_int_literal(x)]
        r = self.local("r")
        if name in ("==", "!=") and len(unknown) == 2:  # any constants: equal values of one type
            guard = " and ".join(f"type({x}) in CONCRETE" for x in unknown)
        else:
            guard = " and ".join(f"type({x}) is int" for x in unknown)
            path.ints.update(unknown)  # past the guard
        if name == "%" and not (_is_int_literal(b) and int(b) != 0):
            guard = f"{guard} and {b} != 0" if guard else f"{b} != 0"
        if guard:
            self.emit(path, f"if not ({guard}):")
            path.indent += 1
            self.leave(path, "PRIM", slow)
            path.indent -= 1
        op = _INT_FAST[name]
        if name in ("+", "-", "*"):
            self.emit(path, f"{r} = {a} {op} {b}")
            self.emit(path, f"if not -{_SMALL} < {r} < {_SMALL} and too_large({name!r}, {r}):")
            path.indent += 1
            self.leave(path, "PRIM", slow)
            path.indent -= 1
            path.ints.add(r)
        elif name == "%":
            self.emit(path, f"{r} = {a} % {b}")
            path.ints.add(r)
        else:
            self.emit(path, f"{r} = TRUE if {a} {op} {b} else FALSE")
            path.bools.add(r)
        if virtual:
            del pending[len(pending) - len(virtual) :]
        if real:
            self.emit(path, f"del {s}[-{real}:]")
        path.vstack.setdefault(DEFAULT, []).append(r)
        path.known.add(r)
        path.acc += 1
        path.pos += 1
        return True

    def leaf_source(self) -> str:
        """``leaf(env, S) -> label``: the unit's pushes and pops, checked before any change."""
        unit = self.unit
        env = {name: f"e{i}" for i, name in enumerate(unit.free)}
        path = _Path(env, 2)
        needs: dict[str, int] = {}
        node = unit.term
        while isinstance(node, Push | Pop):
            if isinstance(node, Push):
                path.vstack.setdefault(node.location, []).append(self.pushed(node.term, path))
            else:
                pending = path.vstack.get(node.location)
                if pending:
                    value = pending.pop()
                else:
                    value = self.local()
                    needs[node.location] = needs.get(node.location, 0) + 1
                    self.emit(path, f"{value} = {self.stack(node.location)}.pop()")
                path.env = {**path.env, node.variable: value}
            node = node.body
        self.flush(path)
        label = STAR if isinstance(node, Skip) else raw(node.value)  # type: ignore[attr-defined]
        self.emit(path, f"return {self.literal(label)}")
        checks = [f"  if len({self.stack(loc)}) < {k}:\n   return None" for loc, k in needs.items()]
        self.lines = checks + self.lines
        return self.assemble(["def make(C):", " def leaf(env, S):"], env, False, " return leaf")


_INT_FAST = {"+": "+", "-": "-", "*": "*", "%": "%", "==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _is_int_literal(text: str) -> bool:
    return text.lstrip("-").isdigit()
