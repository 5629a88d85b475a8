"""Machine throughput: steps per second of the fast run, against a minimal push/pop loop.

    python3 benchmarks/throughput.py              # a rich table
    python3 benchmarks/throughput.py --markdown   # the table for docs/performance.md
    python3 benchmarks/throughput.py --quick      # smaller workloads (a smoke run)

Every workload is run on ``machine.fmc.fast`` (the compiled environment machine); the small-step
machine ``machine.fmc`` runs the smaller ones for reference. The *ceiling* is the least a Python
interpreter of push/pop instructions must do per step: one loop iteration that dispatches on an
opcode and appends to or pops from a list, over a flat program with no terms, closures or
continuations. The fast run's figure divided by the ceiling's is the ratio we track (the aim is
at least 1/3).
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from rich.console import Console
from rich.table import Table

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.machine.fmc import fast, small_step
from machine_calculus.machine.fmc.result import Result

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
    """``mult m n tick *``: writes m*n ticks on ``out``."""
    return CHURCH + f"[*].[tick].[{numeral(n)}].[{numeral(m)}].mult"


def church_exp(m: int, n: int) -> str:
    """``exp m n tick *`` = ``n m tick *``: writes m^n ticks on ``out``."""
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


@dataclass
class Workload:
    name: str
    source: str
    expect: Callable[[Result], bool]
    small_step: bool = False


def workloads(scale: float) -> list[Workload]:
    def ticks(k: int) -> Callable[[Result], bool]:
        return lambda r: r.status == "done" and len(r.stack("out")) == k

    m = max(2, int(300 * scale))
    deep = max(10, int(100_000 * scale))
    return [
        Workload("Church mult 2×3", church_mult(2, 3), ticks(6), small_step=True),
        Workload("Church mult 30×30", church_mult(30, 30), ticks(900), small_step=True),
        Workload(f"Church mult {m}×{m}", church_mult(m, m), ticks(m * m)),
        Workload("Church exp 2^16", church_exp(2, 16 if scale >= 1 else 8), ticks(2 ** (16 if scale >= 1 else 8))),
        Workload(f"push chain {deep:,} deep", push_chain(deep), lambda r: r.status == "done"),
        Workload(f"nested pushes {deep:,} deep", nested_push(deep), lambda r: r.status == "done"),
        Workload(f"sequence of {deep:,}", long_sequence(deep), ticks(deep)),
    ]


def best_of(repeats: int, run: Callable[[], Result]) -> tuple[float, Result]:
    """The least wall time over ``repeats`` runs (garbage collection off while timing)."""
    best, result = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    assert result is not None
    return best, result


# -- the ceiling: a minimal pure-Python push/pop loop -------------------------------------------

PUSH, POP = 0, 1


def ceiling_program(n: int, locations: int = 3) -> list[tuple[int, int, object]]:
    """n pushes then n pops spread over a few locations, as flat ``(op, location, value)``."""
    pushes = [(PUSH, i % locations, i) for i in range(n)]
    pops = [(POP, i % locations, None) for i in reversed(range(n))]
    return pushes + pops


def ceiling_loop(program: list[tuple[int, int, object]], locations: int = 3) -> int:
    """Run the flat program: each step dispatches on the opcode and pushes or pops a list."""
    stacks: list[list[object]] = [[] for _ in range(locations)]
    env = None
    steps = 0
    pc = 0
    end = len(program)
    while pc < end:
        op, loc, value = program[pc]
        if op == PUSH:
            stacks[loc].append(value)
        else:
            env = (stacks[loc].pop(), env)
        pc += 1
        steps += 1
    return steps


def measure_ceiling(n: int, repeats: int) -> float:
    program = ceiling_program(n)
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            steps = ceiling_loop(program)
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return steps / best


# -- the report ----------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    steps: int
    fast_seconds: float
    compile_seconds: float
    small_seconds: float | None

    @property
    def fast_rate(self) -> float:
        return self.steps / self.fast_seconds

    @property
    def loop_rate(self) -> float:
        """Steps per second of the fast run without compiling the term (the machine loop)."""
        return self.steps / max(self.fast_seconds - self.compile_seconds, 1e-9)

    @property
    def small_rate(self) -> float | None:
        return None if self.small_seconds is None else self.steps / self.small_seconds


def measure(scale: float, repeats: int) -> tuple[list[Row], float]:
    rows = []
    for w in workloads(scale):
        term = parse(w.source, w.name)
        seconds, result = best_of(repeats, lambda t=term: fast.run(t, fuel=100_000_000))
        if not w.expect(result):
            raise SystemExit(f"{w.name}: unexpected result {result}")
        compiling, _ = best_of(repeats, lambda t=term: fast.compile_term(t, {}))
        small = None
        if w.small_step:
            small, check = best_of(max(1, repeats // 2), lambda t=term: small_step.run(t, fuel=100_000_000))
            if check != result:
                raise SystemExit(f"{w.name}: the machines disagree")
        rows.append(Row(w.name, result.steps, seconds, compiling, small))
    ceiling = measure_ceiling(max(1000, int(1_000_000 * scale)), repeats)
    return rows, ceiling


def _rate(x: float | None) -> str:
    return "" if x is None else f"{x / 1e6:.2f} M"


HEADERS = (
    "workload",
    "steps",
    "compile ms",
    "fast run steps/s",
    "÷ ceiling",
    "loop only steps/s",
    "÷ ceiling",
    "small-step steps/s",
)


def cells(r: Row, ceiling: float) -> tuple[str, ...]:
    return (
        r.name,
        f"{r.steps:,}",
        f"{r.compile_seconds * 1e3:.1f}",
        _rate(r.fast_rate),
        f"{r.fast_rate / ceiling:.2f}",
        _rate(r.loop_rate),
        f"{r.loop_rate / ceiling:.2f}",
        _rate(r.small_rate),
    )


def table(rows: list[Row], ceiling: float) -> Table:
    t = Table(title=f"FMC machine throughput (ceiling: minimal push/pop loop, {ceiling / 1e6:.2f} M steps/s)")
    for header in HEADERS:
        t.add_column(header, justify="left" if header == "workload" else "right")
    for r in rows:
        t.add_row(*cells(r, ceiling))
    return t


def markdown(rows: list[Row], ceiling: float) -> str:
    lines = [
        f"Python {platform.python_version()} on {platform.machine()}; "
        f"ceiling (minimal push/pop loop): **{ceiling / 1e6:.2f} M steps/s**.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|---" + "|---:" * (len(HEADERS) - 1) + "|",
    ]
    lines += ["| " + " | ".join(cells(r, ceiling)) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small workloads, one repeat")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = p.parse_args(argv)
    scale, repeats = (0.01, 1) if args.quick else (1.0, args.repeats)
    sys.setrecursionlimit(1000)  # the machine and parser are iterative: prove it
    rows, ceiling = measure(scale, repeats)
    if args.markdown:
        print(markdown(rows, ceiling))
    else:
        Console().print(table(rows, ceiling))


if __name__ == "__main__":
    main()
