"""The fast run as it was before the compiler (machine/fmc/fast.py up to 2026-12-02), kept as
the anchor the compiled run's speed-up is measured against, interleaved in one run
(benchmarks/throughput.py). Not part of the package; nothing in it is used elsewhere.

The original docstring: the same machine, compiled, with environments instead of substitution.

Terms are compiled once to tuples ``(op, info, ...)`` with variables as de Bruijn indices and
locations as indices into a list of Python lists; a pushed term is a closure ``(code, env)``
with ``env`` a linked list ``(closure, env)``. The loop performs exactly the steps of
:mod:`machine.fmc.small_step` (push, pop, seq, skip, loop, catch, pass, again, exit, prim; looking a variable
up is not a step), so step counts agree, and closures left in memory are read back to terms by
substitution at the end. Continuation frames are ``(code, env)`` pairs: the code of a sequence's
second half, a case frame ``BRANCHES`` or a loop frame ``LOOPFRAME``.
"""

from __future__ import annotations

from typing import Any

from machine_calculus.calculus.collector import collector_paused
from machine_calculus.calculus.fmc.labels import UNDETERMINED, meets, select
from machine_calculus.calculus.fmc.printer import to_ascii
from machine_calculus.calculus.fmc.sympy_values import exact_number_types
from machine_calculus.calculus.fmc.syntax import (
    ANY,
    DEFAULT,
    STAR,
    Case,
    Const,
    Loop,
    LoopFrame,
    Name,
    Pop,
    Prim,
    Push,
    Seq,
    Skip,
    Term,
    Var,
    branches,
)
from machine_calculus.calculus.fmc.syntax import SKIP as SKIP_TERM
from machine_calculus.calculus.terms import free_variables, substitute
from machine_calculus.machine.fmc.primitives import PrimitiveError, arity, primitive_result
from machine_calculus.machine.fmc.result import Result, Status, stuck_reason
from machine_calculus.machine.memory import MemoryInput, normalize_memory

__all__ = ["compile_term", "readback", "run"]

PUSH, POP, VAR, SEQ, SKIP, CONST, FREE, PUSHES, POPS, SEQVAR, PUSHVAR, CASE, LOOP, PRIM = range(14)
#: frames on the continuation stack (opcodes above every instruction's)
BRANCHES, LOOPFRAME = 20, 21
#: The longest run of pushes (or pops) fused into one instruction.
MAX_FUSED = 16

Code = tuple[Any, ...]
Scope = tuple[str, Any] | None  # cons list of bound names, innermost first


def compile_term(term: Term, locations: dict[str, int]) -> Code:
    """Compile ``term`` (closed or open; free variables compile to a stuck instruction).

    ``locations`` maps location names to stack indices and is extended with new ones.
    """
    levels: dict[str, list[int]] = {}
    depth = 0
    closed_memo: dict[int, Code] = {}
    results: list[Code] = []
    # tasks: (0, node, scope) visit | (1, node, scope, loc) build push | (2, ...) build pop
    #        (3, node, scope) build seq | (4, name) leave a binder
    stack: list[tuple[Any, ...]] = [(0, term, None)]
    while stack:
        task = stack.pop()
        tag = task[0]
        if tag == 0:
            node, scope = task[1], task[2]
            closed = not free_variables(node)
            if closed and id(node) in closed_memo:
                results.append(closed_memo[id(node)])
                continue
            info = (node, None if closed else scope)
            if isinstance(node, Push):
                loc = locations.setdefault(node.location, len(locations))
                stack.append((1, node, info, loc))
                stack.append((0, node.body, scope))
                stack.append((0, node.term, scope))
            elif isinstance(node, Pop):
                loc = locations.setdefault(node.location, len(locations))
                stack.append((2, node, info, loc))
                stack.append((4, node.variable))
                stack.append((5, node.body, (node.variable, scope)))
            elif isinstance(node, Seq):
                stack.append((3, node, info))
                stack.append((0, node.then, scope))
                stack.append((0, node.first, scope))
            elif isinstance(node, Case):
                pairs = branches(node.frame)
                stack.append((6, node, info, tuple(label for label, _ in pairs), (node.frame, info[1])))
                stack.extend((0, body, scope) for _, body in reversed(pairs))
                stack.append((0, node.first, scope))
            elif isinstance(node, Loop):
                stack.append((7, node, info, node.label))
                stack.append((0, node.body, scope))
            elif isinstance(node, Prim):
                lam = locations.setdefault(DEFAULT, len(locations))
                results.append((PRIM, info, node.name, arity(node.name), lam))
            elif isinstance(node, Var):
                bound = levels.get(node.name)
                if bound:
                    results.append((VAR, info, depth - bound[-1]))
                else:
                    results.append((FREE, info, node.name))
            elif isinstance(node, Skip):
                results.append((SKIP, info))
            elif isinstance(node, Const):
                results.append((CONST, info, node.value))
            else:
                raise TypeError(f"not an FMC term: {node!r}")
            if closed and not isinstance(node, Push | Pop | Seq | Case | Loop):
                closed_memo[id(node)] = results[-1]
        elif tag == 5:  # enter a binder, then visit the body
            depth += 1
            levels.setdefault(task[2][0], []).append(depth)
            stack.append((0, task[1], task[2]))
        elif tag == 4:
            levels[task[1]].pop()
            depth -= 1
        else:
            node, info = task[1], task[2]
            if tag == 1:
                body = results.pop()
                arg = results.pop()
                if arg[0] == VAR:  # [x]a.M pushes the closure x stands for, not an indirection
                    code: Code = _fuse_push((PUSHVAR, info, task[3], arg, body))
                else:
                    code = _fuse_push((PUSH, info, task[3], arg, body))
            elif tag == 2:
                code = _fuse_pop((POP, info, task[3], results.pop()))
            elif tag == 6:  # case: first, then one body per label
                labels = task[3]
                bodies = results[len(results) - len(labels) :]
                del results[len(results) - len(labels) :]
                first = results.pop()
                pairs = tuple(zip(labels, bodies, strict=True))
                code = (CASE, info, first, (BRANCHES, task[4], pairs, _dispatch(pairs)))
            elif tag == 7:  # loop: (LOOP, info, (LOOPFRAME, frame info, label, body))
                body = results.pop()
                frame_info = (LoopFrame(node.body, task[3]), info[1])
                code = (LOOP, info, (LOOPFRAME, frame_info, task[3], body))
            else:
                then = results.pop()
                first = results.pop()
                if first[0] == VAR:
                    code = (SEQVAR, info, first[2], then, (SEQ, info, first, then))
                else:
                    code = (SEQ, info, first, then)
            if info[1] is None:
                closed_memo[id(node)] = code
            results.append(code)
    return results[0]


def _fuse_push(plain: Code) -> Code:
    """``[N1]a1.[N2]a2. ... M`` as one instruction ``(PUSHES, info, ((a1, N1), ...), M, plain, n)``.

    It performs the n push steps at once; ``plain`` (one push, then the rest) is the fallback
    when fewer than n steps of fuel are left.
    """
    body = plain[4]
    if body[0] in (PUSH, PUSHVAR):
        return (PUSHES, plain[1], (_push_item(plain), _push_item(body)), body[4], plain, 2)
    if body[0] == PUSHES and body[5] < MAX_FUSED:
        return (PUSHES, plain[1], (_push_item(plain), *body[2]), body[3], plain, body[5] + 1)
    return plain


def _push_item(push: Code) -> tuple[int, Code, int]:
    """``(location, argument code, variable index or -1)`` of a PUSH or PUSHVAR."""
    return (push[2], push[3], push[3][2] if push[0] == PUSHVAR else -1)


def _fuse_pop(plain: Code) -> Code:
    """``a1<x1>.a2<x2>. ... M`` as ``(POPS, info, (a1, ...), M, plain, n, needs)``.

    ``needs`` counts the pops per location; when a stack is too short (the run gets stuck inside
    the run of pops) or fuel is short, ``plain`` performs them one at a time.
    """
    body = plain[3]
    if body[0] == POP:
        locations: tuple[int, ...] = (plain[2], body[2])
        rest = body[3]
    elif body[0] == POPS and body[5] < MAX_FUSED:
        locations = (plain[2], *body[2])
        rest = body[3]
    else:
        return plain
    needs = tuple((loc, locations.count(loc)) for loc in dict.fromkeys(locations))
    return (POPS, plain[1], locations, rest, plain, len(locations), needs)


@collector_paused()
def run(term: Term, memory: MemoryInput | None = None, fuel: int = 1_000_000) -> Result:
    """Run ``term`` on ``memory`` (bottom-to-top stacks) for at most ``fuel`` steps."""
    locations: dict[str, int] = {}
    initial = normalize_memory(memory)
    stacks_init: dict[str, list[Any]] = {
        loc: [(compile_term(t, locations), None) for t in items] for loc, items in initial.items()
    }
    for loc in initial:
        locations.setdefault(loc, len(locations))
    code: Code = compile_term(term, locations)
    stacks: list[list[Any]] = [[] for _ in locations]
    for loc, items in stacks_init.items():
        stacks[locations[loc]] = items
    env: Any = None
    kont: list[tuple[Code, Any]] = []
    kpush, kpop = kont.append, kont.pop
    concrete = _concrete_labels()  # a label of another type is looked up by select: the same answer
    steps = 0
    halt: tuple[Any, ...] | None = None  # (status, code, ...) as _primitive and _final give it
    while steps < fuel:
        op = code[0]
        if op == PUSHES:
            n = code[5]
            if steps + n > fuel:
                code = code[4]
                continue
            for loc, arg, i in code[2]:
                if i < 0:
                    stacks[loc].append((arg, env))
                else:
                    e = env
                    while i:
                        e = e[1]
                        i -= 1
                    stacks[loc].append(e[0])
            code = code[3]
            steps += n
            continue
        if op == POPS:
            n = code[5]
            if steps + n > fuel:
                code = code[4]
                continue
            short = False
            for loc, k in code[6]:
                if len(stacks[loc]) < k:
                    short = True
            if short:
                code = code[4]
                continue
            for loc in code[2]:
                env = (stacks[loc].pop(), env)
            code = code[3]
            steps += n
            continue
        if op == VAR:
            i = code[2]
            while i:
                env = env[1]
                i -= 1
            code, env = env[0]
            continue  # looking a variable up is not a machine step
        if op == PUSHVAR:
            i = code[3][2]
            e = env
            while i:
                e = e[1]
                i -= 1
            stacks[code[2]].append(e[0])
            code = code[4]
        elif op == SEQVAR:
            kpush((code[3], env))
            i = code[2]
            while i:
                env = env[1]
                i -= 1
            code, env = env[0]
        elif op == PUSH:
            stacks[code[2]].append((code[3], env))
            code = code[4]
        elif op == POP:
            s = stacks[code[2]]
            if not s:
                halt = ("stuck", code)
                break
            env = (s.pop(), env)
            code = code[3]
        elif op == SEQ:
            kpush((code[3], env))
            code = code[2]
        elif op == SKIP and kont and kont[-1][0][0] < BRANCHES:
            code, env = kpop()  # skip
        elif op in (SKIP, CONST):
            if not kont:
                halt = ("done", SKIP_TERM if op == SKIP else code[1][0])
                break
            frame, frame_env = kont[-1]
            kind = frame[0]
            if kind < BRANCHES:
                kpop()  # pass
            else:
                label = STAR if op == SKIP else code[2]
                if kind == BRANCHES:
                    table = frame[3]
                    if table is not None and type(label) in concrete:
                        body = table[0].get(label, table[1])  # a dict lookup: the same as select
                    else:
                        body = select(frame[2], label)
                    if body is UNDETERMINED:
                        halt = ("undetermined", code)
                        break
                    kpop()  # pass, or catch:
                    if body is not None:
                        code, env = body, frame_env
                else:  # LOOPFRAME
                    met = meets(label, frame[2])
                    if met is None:
                        halt = ("undetermined", code)
                        break
                    if met:  # again
                        code, env = frame[3], frame_env
                    else:  # exit
                        kpop()
        elif op == CASE:
            kpush((code[3], env))
            code = code[2]
        elif op == LOOP:
            kpush((code[2], env))
            code = code[2][3]
        elif op == PRIM:
            error = _primitive(code, stacks)
            if error is not None:
                halt = error
                break
            code = _SKIP_CODE
        else:  # FREE
            halt = ("stuck", code)
            break
        steps += 1
    if halt is None:
        # out of fuel, unless the state reached is already final or stuck
        while code[0] == VAR:
            e = env
            for _ in range(code[2]):
                e = e[1]
            code, env = e[0]
        if code[0] in (PUSHES, POPS, SEQVAR):
            code = code[4]  # the unfused instruction
        halt = _final(code, kont, stacks)
    names = {i: loc for loc, i in locations.items()}
    memo: dict[int, tuple[Any, Term]] = {}
    memory_out = {names[i]: tuple(readback(c, memo) for c in s) for i, s in enumerate(stacks) if s}
    if halt is not None and halt[0] == "done":
        return Result("done", steps, memory_out, exit=halt[1])
    if halt is not None:
        stuck_at = halt[1]
        if halt[0] == "undetermined":
            reason = stuck_reason("undetermined", to_ascii(stuck_at[1][0]))
        elif halt[0] == "primitive":
            reason = halt[2]
        elif stuck_at[0] == FREE:
            reason = stuck_reason("free", stuck_at[2])
        else:
            reason = stuck_reason("empty", names[stuck_at[2]])
        status: Status = "stuck"
    else:
        reason = f"out of fuel after {steps} steps"
        status = "out_of_fuel"
    return Result(
        status,
        steps,
        memory_out,
        reason=reason,
        stopped_at=lambda: (readback((code, env), memo), tuple(readback(c, memo) for c in reversed(kont))),
    )


_SKIP_CODE: Code = (SKIP, (SKIP_TERM, None))

# label types whose equality is plain equality of hashable values (no symbols): a frame over such
# labels dispatches by a dict lookup (sympy canonicalizes numbers, so equal numbers share a type)
_PLAIN_LABELS = frozenset({Name, str, type(STAR)})


def _concrete_labels() -> frozenset[type]:
    """The concrete label types: the plain ones and, once sympy is imported, its exact numbers."""
    return _PLAIN_LABELS | exact_number_types()


def _dispatch(pairs: tuple[tuple[Any, Code], ...]) -> tuple[dict[Any, Code], Code | None] | None:
    """``(table, default)`` for a frame whose labels are all concrete; None otherwise."""
    table: dict[Any, Code] = {}
    default: Code | None = None
    concrete = _concrete_labels()
    for label, body in pairs:
        if label is ANY:
            default = body
        elif type(label) in concrete:
            table.setdefault(label, body)
        else:
            return None
    return table, default


def _primitive(code: Code, stacks: list[list[Any]]) -> tuple[str, Code, str] | None:
    """``prim``: replace the arguments on λ by the result; or why it cannot (stacks untouched)."""
    _, _, name, n, lam = code
    s = stacks[lam]
    if len(s) < n:
        return ("primitive", code, stuck_reason("arguments", f"{name} {n}"))
    args = [c[0][1][0] if c[0][0] == CONST else readback(c) for c in reversed(s[len(s) - n :])]
    try:
        value = primitive_result(name, args)
    except PrimitiveError as error:
        return ("primitive", code, str(error))
    del s[len(s) - n :]
    s.append(((CONST, (value, None), value.value), None))
    return None


def _final(code: Code, kont: list[tuple[Code, Any]], stacks: list[list[Any]]) -> tuple[Any, ...] | None:
    """Whether the state a run ran out of fuel in is final or stuck (as the next step would say)."""
    op = code[0]
    if op in (SKIP, CONST):
        if not kont:
            return ("done", SKIP_TERM if op == SKIP else code[1][0])
        frame = kont[-1][0]
        label = STAR if op == SKIP else code[2]
        if (frame[0] == BRANCHES and select(frame[2], label) is UNDETERMINED) or (
            frame[0] == LOOPFRAME and meets(label, frame[2]) is None
        ):
            return ("undetermined", code)
        return None
    if op == FREE or (op == POP and not stacks[code[2]]):
        return ("stuck", code)
    if op == PRIM:
        copy = [list(s) for s in stacks]
        return _primitive(code, copy)
    return None


def readback(closure: tuple[Code, Any], memo: dict[int, tuple[Any, Term]] | None = None) -> Term:
    """The term a closure stands for: its source term with its environment substituted.

    Iterative over the graph of closures. ``memo`` maps ``id(closure)`` to ``(closure, term)``
    (the closure is kept so that its id stays unique) and shares work between calls.
    """
    memo = {} if memo is None else memo
    stack = [closure]
    while stack:
        c = stack[-1]
        if id(c) in memo:
            stack.pop()
            continue
        code, env = c
        term, scope = code[1]
        pairs: list[tuple[str, Any]] = []
        needed = set(free_variables(term))
        while needed and scope is not None:
            name, scope = scope
            value, env = env
            if name in needed:
                needed.discard(name)
                pairs.append((name, value))
        missing = [v for _, v in pairs if id(v) not in memo]
        if missing:
            stack.extend(missing)
            continue
        stack.pop()
        memo[id(c)] = (c, substitute(term, {name: memo[id(v)][1] for name, v in pairs}) if pairs else term)
    return memo[id(closure)][1]
