"""FMC III control: While programs compiled and run on the fast machine, against native Python
and (for the countdown) the C++ FMC prototype bmqn/cFMC, all measured in one run.

    python3 benchmarks/control.py                      # a rich table
    python3 benchmarks/control.py --markdown           # the table for docs/performance.md
    python3 benchmarks/control.py --quick              # smaller workloads (a smoke run)
    python3 benchmarks/control.py --cfmc PATH          # also run cFMC (its binary, or its source
                                                       # folder: built with c++ -std=c++20 -O2)

Each workload runs the same algorithm three ways: the While program compiled to FMC III on
``machine.fmc.fast`` (compile time excluded, reported apart), the hand-written FMC III term where
there is one, and plain Python (its integers, a tuple-linked list). Every result is checked.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from rich.console import Console
from rich.table import Table

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.parser import parse_while
from machine_calculus.embeddings.imperative.run import initial_memory, outcome_of
from machine_calculus.machine.fmc import fast

COUNTDOWN_FMC = "[{n}]c.(c<n>.([0].[n].== ; <b>.(b ; {{True -> [0]out | False -> [1].[n].- ; <m>.[m]c.Again}})))^Again"
COUNTDOWN_CFMC = """countdown = (<n> . [n] . (0 -> [0]out, otherwise -> [n] . [1] . - . countdown))
main = ([{n}] . countdown)
"""


@dataclass
class Workload:
    name: str
    source: str  # While program
    python: Callable[[], object]
    expected: object


def countdown_py(n: int) -> int:
    while n > 0:
        n -= 1
    return n


def factorial_py(n: int) -> int:
    f = 1
    while n > 0:
        f, n = f * n, n - 1
    return f


def gcd_py(a: int, b: int) -> int:
    while b != 0:
        a, b = b, a % b
    return a


def list_sum_py(n: int) -> int:
    xs: tuple | None = None
    while n > 0:
        xs, n = (n, xs), n - 1
    s = 0
    while xs is not None:
        s, xs = s + xs[0], xs[1]
    return s


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def workloads(quick: bool) -> list[Workload]:
    n = 10_000 if quick else 100_000
    f = 50 if quick else 400
    g = 60 if quick else 600
    size = 200 if quick else 5_000
    return [
        Workload(
            f"countdown from {n:,}",
            f"n = {n}; while (n > 0) {{ n = n - 1; }} print(n);",
            lambda: countdown_py(n),
            0,
        ),
        Workload(
            f"factorial of {f}",
            f"n = {f}; r = 1; while (n > 0) {{ r = r * n; n = n - 1; }} print(r);",
            lambda: factorial_py(f),
            factorial_py(f),
        ),
        Workload(
            f"gcd(F{g + 1}, F{g}) (Euclid, {g} rounds)",
            f"a = {fib(g + 1)}; b = {fib(g)}; while (b != 0) {{ t = a % b; a = b; b = t; }} print(a);",
            lambda: gcd_py(fib(g + 1), fib(g)),
            1,
        ),
        Workload(
            f"sum of a list 1..{size:,} (data + match)",
            "data List = Nil | Cons(h, t);\n"
            f"xs = Nil; i = {size}; while (i > 0) {{ xs = Cons(i, xs); i = i - 1; }}\n"
            "s = 0; while (True) { match xs { Nil => { break; } Cons(h, t) => { s = s + h; xs = t; } } }\n"
            "print(s);",
            lambda: list_sum_py(size),
            size * (size + 1) // 2,
        ),
    ]


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[object, float]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return value, best


def build_cfmc(path: Path) -> Path:
    """The cFMC binary: ``path`` itself, or built from the source folder ``path``."""
    if path.is_file():
        return path
    out = Path(tempfile.mkdtemp()) / "cfmc"
    sources = sorted(str(p) for p in (path / "src").glob("*.cpp"))
    subprocess.run(["c++", "-std=c++20", "-O2", "-o", str(out), *sources], check=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--cfmc", type=Path, default=None, help="cFMC's binary or source folder")
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = []
    for w in workloads(args.quick):
        program = parse_while(w.source)
        (term, compile_s) = timed(lambda program=program: compile_program(program))
        memory = initial_memory(program)
        result, run_s = timed(lambda term=term, memory=memory: fast.run(term, memory, fuel=10**9))
        outcome = outcome_of(program, result)  # type: ignore[arg-type]
        assert outcome.outcome == "normal" and outcome.output == [w.expected], (w.name, outcome)
        value, python_s = timed(w.python, repeat=3)
        assert value == w.expected, (w.name, value)
        steps = result.steps  # type: ignore[attr-defined]
        rows.append(
            (
                f"While: {w.name}",
                f"{steps:,}",
                f"{run_s:.3f}",
                f"{steps / run_s / 1e6:.2f}",
                f"{python_s * 1e3:.2f}",
                f"{run_s / python_s:,.0f}",
                f"{compile_s * 1e3:.1f}",
            )
        )
    n = 10_000 if args.quick else 100_000
    term = parse(COUNTDOWN_FMC.format(n=n))
    result, run_s = timed(lambda: fast.run(term, fuel=10**9))
    assert result.done and [str(t.value) for t in result.stack("out")] == ["0"]  # type: ignore[attr-defined]
    _, python_s = timed(lambda: countdown_py(n), repeat=3)
    steps = result.steps  # type: ignore[attr-defined]
    rows.append(
        (
            f"FMC III by hand: countdown from {n:,}",
            f"{steps:,}",
            f"{run_s:.3f}",
            f"{steps / run_s / 1e6:.2f}",
            f"{python_s * 1e3:.2f}",
            f"{run_s / python_s:,.0f}",
            "",
        )
    )
    cfmc_line = "cFMC: not measured (pass --cfmc PATH)"
    if args.cfmc is not None:
        binary = build_cfmc(args.cfmc)
        with tempfile.NamedTemporaryFile("w", suffix=".fmc", delete=False) as f:
            f.write(COUNTDOWN_CFMC.format(n=n))
        start = time.perf_counter()
        done = subprocess.run([str(binary), "--file", f.name], capture_output=True, text=True, check=True)
        cfmc_s = time.perf_counter() - start
        assert done.stdout.split() == ["0"], done.stdout[:200]
        cfmc_line = (
            f"cFMC (C++, -O2): countdown from {n:,} in {cfmc_s:.3f} s (process included); "
            f"the fast machine's hand-written FMC III countdown takes {run_s / cfmc_s:.1f}x as long"
        )
    headers = ("workload", "steps", "machine s", "M steps/s", "Python ms", "machine/Python", "compile ms")
    if args.markdown:
        print(f"Python {platform.python_version()} on {platform.machine()}\n")
        print("| " + " | ".join(headers) + " |")
        print("|" + "---|" * len(headers))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print(f"\n{cfmc_line}")
    else:
        table = Table(title="FMC III control: While on the fast machine vs native Python")
        for h in headers:
            table.add_column(h)
        for row in rows:
            table.add_row(*row)
        console = Console()
        console.print(table)
        console.print(cfmc_line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
