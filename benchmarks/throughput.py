"""Machine throughput: the fast run on Church arithmetic (steps per second, against the fast run
before the compiler, benchmarks/interpreter.py, interleaved) and on terms 100,000 deep (end to
end: compiling them included).

    python3 benchmarks/throughput.py               # a rich table
    python3 benchmarks/throughput.py --markdown    # the table for docs/performance.md
    python3 benchmarks/throughput.py --quick       # tiny workloads (a smoke run)
    python3 benchmarks/throughput.py --repeat 9    # best of 9 interleaved rounds (default 5)

Every workload is run by ``machine.fmc.fast.run(term, memory, fuel)`` on a term parsed before
(parsing is not timed) and its result checked. Every figure is a CPU time, best of N rounds that
interleave the workloads with the *ceiling*: the least a Python interpreter of push/pop
instructions does per step, one loop iteration dispatching on an opcode and pushing to or
popping from a list, over a flat program with no terms, closures or continuations. Church
arithmetic and the ceiling also run at a second size with twice the steps, so their marginal
rate, (steps₂ − steps₁) / (T₂ − T₁), leaves start-up out (benchmarks/timing.py,
docs/performance.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

import interpreter  # benchmarks/interpreter.py: the fast run before the compiler
from report import print_table  # benchmarks/report.py
from timing import Item, TwoSizes, best_interleaved, checked, timing_parser

from machine_calculus.calculus.collector import collector_paused
from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.fmc import codegen, fast
from machine_calculus.machine.fmc.result import Result

FUEL = 100_000_000

CHURCH_SPEEDUP_BOUND = 10.0  # Church arithmetic at least 10x faster than the run before the compiler
DEEP_BOUND_SECONDS = 1.0  # a 100,000-deep term compiled and run in at most 1 s

CHURCH = """
tick  = λy.[S]out.y
mult  = λm n f.[[f].n].m
exp   = λm n.[m].n
"""


def numeral(n: int) -> str:
    """The Church numeral n, λf x. f (f (... (f x))), in FMC call-by-name syntax."""
    body = "x"
    for _ in range(n):
        body = f"[{body}].f"
    return f"(λf x.{body})"


def church_mult(m: int, n: int) -> str:
    """``mult m n tick *``: writes m·n ticks on ``out``."""
    return CHURCH + f"[*].[tick].[{numeral(n)}].[{numeral(m)}].mult"


def church_exp(m: int, n: int) -> str:
    """``exp m n tick *`` = ``n m tick *``: writes mⁿ ticks on ``out``."""
    return CHURCH + f"[*].[tick].[{numeral(n)}].[{numeral(m)}].exp"


def push_chain(n: int) -> str:
    """n pushes of a constant, then n pops: a term nested 2n deep."""
    return "[A]." * n + "".join(f"<x{i}>." for i in range(n)) + "*"


def nested_push(n: int) -> str:
    """A thunk nested n deep inside pushes, forced level by level: ``[[[...].<x>.x].<x>.x]...``."""
    text = "*"
    for _ in range(n):
        text = f"[{text}].<x>.x"
    return text


def long_sequence(n: int) -> str:
    """A variable run n times in sequence: ``[[A]out].<f>.(f ; f ; ... ; f)``."""
    return "[[A]out].<f>.(" + " ; ".join(["f"] * n) + ")"


def ticks(k: int) -> Callable[[Result], bool]:
    return lambda r: r.done and len(r.stack("out")) == k


@dataclass(frozen=True)
class Workload:
    """A term (source text) and the check of its result; ``larger`` a second size with about twice
    the steps (Church arithmetic), for the marginal rate."""

    name: str
    source: str
    expect: Callable[[Result], bool]
    larger: tuple[str, Callable[[Result], bool]] | None = None


def workloads(quick: bool) -> list[Workload]:
    m, k, deep = (20, 8, 1_000) if quick else (300, 16, 100_000)
    m2 = round(m * 2**0.5)  # m2² ≈ 2m²: twice the ticks
    return [
        Workload(f"Church mult {m}×{m}", church_mult(m, m), ticks(m * m), (church_mult(m2, m2), ticks(m2 * m2))),
        Workload(f"Church exp 2^{k}", church_exp(2, k), ticks(2**k), (church_exp(2, k + 1), ticks(2 ** (k + 1)))),
        Workload(f"push chain {deep:,} deep", push_chain(deep), lambda r: r.done),
        Workload(f"nested pushes {deep:,} deep", nested_push(deep), lambda r: r.done),
        Workload(f"sequence of {deep:,}", long_sequence(deep), ticks(deep)),
    ]


def cold_run(term: Term) -> Result:
    """``fast.run`` compiling the term afresh (the compiled units are cached per term: without
    emptying the cache, every round after the first would time the run alone)."""
    codegen.clear_caches()
    return fast.run(term, None, FUEL)


# -- the ceiling: a minimal pure-Python push/pop loop -------------------------------------------

PUSH, POP = 0, 1


def ceiling_program(n: int, locations: int = 3) -> list[tuple[int, int, object]]:
    """n pushes then n pops spread over a few locations, as flat ``(op, location, value)``."""
    pushes: list[tuple[int, int, object]] = [(PUSH, i % locations, i) for i in range(n)]
    pops: list[tuple[int, int, object]] = [(POP, i % locations, None) for i in reversed(range(n))]
    return pushes + pops


def ceiling_loop(program: list[tuple[int, int, object]], locations: int = 3) -> int:
    """Run the flat program: each step dispatches on the opcode and pushes or pops a list. The
    cyclic collector is paused as ``fast.run`` pauses it: with it on, the environment built here
    would trigger full collections scanning every term the benchmark holds, a cost of the
    benchmark's heap, not of the loop."""
    with collector_paused():
        return _ceiling_steps(program, locations)


def _ceiling_steps(program: list[tuple[int, int, object]], locations: int) -> int:
    stacks: list[list[object]] = [[] for _ in range(locations)]
    value: object = None
    steps = 0
    pc = 0
    end = len(program)
    while pc < end:
        op, loc, value = program[pc]
        if op == PUSH:
            stacks[loc].append(value)
        else:
            value = stacks[loc].pop()  # a pop binds a local, as compiled code does
        pc += 1
        steps += 1
    del value
    return steps


# -- the trampoline floor: the least a driver entering closures does per tick ---------------------


def trampoline_floor(ticks: int) -> int:
    """Enter one closure per tick through a driver loop, as compiled code returns ``(unit, env,
    steps)`` to the driver: the tick's closure pops its argument, pushes a constant on ``out``
    and continues with the argument. No terms, fuel checks, frames or read-back: a lower bound
    on the run of Church arithmetic writing ``ticks`` ticks (which enters at least one closure
    per tick: ``tick`` runs the thunk it was given)."""
    with collector_paused():
        return _trampoline_ticks(ticks)


def _trampoline_ticks(ticks: int) -> int:
    argument: list[Any] = []
    out: list[Any] = []

    def tick(env: Any, steps: int) -> tuple[Any, Any, int]:
        n = env
        if n == 0:
            return None, None, steps
        argument.append(n - 1)
        out.append("S")
        return tick, argument.pop(), steps + 3

    unit: Any = tick
    env: Any = ticks
    steps = 0
    while unit is not None:
        unit, env, steps = unit(env, steps)
    return len(out)


# -- the measurement and the report --------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    steps: int
    seconds: float  #: end to end, best of N
    before: float  #: the same with the run before the compiler
    marginal: TwoSizes | None  #: in steps, at the two sizes


def measure(quick: bool, repeat: int) -> tuple[list[Row], TwoSizes, tuple[int, float]]:
    items: list[Item] = []
    steps: dict[str, int] = {}
    for w in workloads(quick):
        sizes = [("1", w.source, w.expect)] + ([("2", *w.larger)] if w.larger else [])
        for size, source, expect in sizes:
            term = parse(source, w.name)
            result = fast.run(term, None, FUEL)  # the steps, and a first check
            if not expect(result):
                raise SystemExit(f"{w.name}: unexpected result {str(result)[:300]}")
            steps[f"{w.name}/{size}"] = result.steps
            items.append(Item(f"{w.name}/{size}", checked(w.name, lambda t=term: cold_run(t), expect)))
            if size == "1":
                run_before = checked(w.name, lambda t=term: interpreter.run(t, None, FUEL), expect)
                items.append(Item(f"{w.name}/before", run_before))
    church = workloads(quick)[0]
    ticks_ = len(fast.run(parse(church.source), None, FUEL).stack("out"))
    items.append(Item("floor", checked("floor", lambda: trampoline_floor(ticks_), lambda s: s == ticks_)))
    n = 10_000 if quick else 1_000_000
    for size, k in (("1", n), ("2", 2 * n)):
        program = ceiling_program(k)
        items.append(
            Item(f"ceiling/{size}", checked("ceiling", lambda p=program: ceiling_loop(p), lambda s, k=k: s == 2 * k))
        )
    best = best_interleaved(items, repeat)
    rows = []
    for w in workloads(quick):
        one = f"{w.name}/1"
        marginal = None
        if w.larger:
            two = f"{w.name}/2"
            marginal = TwoSizes((steps[one], steps[two]), (best[one], best[two]))
        rows.append(Row(w.name, steps[one], best[one], best[f"{w.name}/before"], marginal))
    return rows, TwoSizes((2 * n, 4 * n), (best["ceiling/1"], best["ceiling/2"])), (ticks_, best["floor"])


HEADERS = [
    "workload",
    "steps",
    "fast run ms",
    "M steps/s",
    "marginal M steps/s",
    "÷ ceiling",
    "before ms",
    "× faster",
    "aim",
    "met",
]


def cells(r: Row, ceiling: TwoSizes) -> list[str]:
    rate = r.steps / r.seconds
    speedup = r.before / r.seconds
    shown = [r.name, f"{r.steps:,}", f"{r.seconds * 1e3:.1f}", f"{rate / 1e6:.2f}"]
    before = [f"{r.before * 1e3:.1f}", f"{speedup:.2f}"]
    if r.marginal is None:  # a deep term: compiled and run end to end
        met = "yes" if r.seconds <= DEEP_BOUND_SECONDS else "no"
        return [*shown, "", "", *before, f"≤{DEEP_BOUND_SECONDS:g} s end to end", met]
    shown += [f"{r.marginal.rate / 1e6:.2f}", f"{r.marginal.rate / ceiling.rate:.2f}"]
    met = "yes" if speedup >= CHURCH_SPEEDUP_BOUND else "no"
    return [*shown, *before, f"≥{CHURCH_SPEEDUP_BOUND:g}x the before", met]


def main() -> None:
    args = timing_parser((__doc__ or "").splitlines()[0]).parse_args()
    sys.setrecursionlimit(1000)  # the machine and parser are iterative: prove it
    rows, ceiling, (ticks_, floor) = measure(args.quick, args.repeat)
    church = rows[0]
    notes = [
        f"Each time the best CPU time of {args.repeat} interleaved rounds; fast run ms is end to end "
        "(compiling the term included, parsing it not); marginal: (steps₂ − steps₁) / (T₂ − T₁) against "
        "the same workload with twice the steps, so start-up cancels.",
        f"Ceiling (a minimal push/pop loop in Python, marginal): {ceiling.rate / 1e6:.2f} M steps/s. "
        "Before: the fast run before the compiler (benchmarks/interpreter.py, the tuple interpreter it "
        "replaced), on the same terms, interleaved.",
        f"Trampoline floor: a hand-written driver loop entering one closure per tick, nothing else "
        f"(no terms, fuel, frames or read-back), writes the {ticks_:,} ticks of {church.name} in "
        f"{floor * 1e3:.1f} ms; {CHURCH_SPEEDUP_BOUND:g}x the before would be "
        f"{church.before / CHURCH_SPEEDUP_BOUND * 1e3:.1f} ms end to end.",
    ]
    title = "FMC machine throughput (machine.fmc.fast.run)"
    print_table(title, HEADERS, [cells(r, ceiling) for r in rows], args.markdown, notes, True, True)


if __name__ == "__main__":
    main()
