"""The relational machine: answers per second and machine steps per second.

    python3 benchmarks/relational.py              # a rich table
    python3 benchmarks/relational.py --markdown   # the table for docs/performance.md
    python3 benchmarks/relational.py --quick      # smaller workloads (a smoke run)

Workloads: the examples of docs/rmc.md (the naturals enumerated fairly, unification, a choice), Peano
addition forwards and backwards (examples/add.rmc and its converse), in the fair and the
depth-first order. Each is checked (its answers) before it is timed; the time includes reading
answers back (resolving the substitution, renaming fresh variables). Native Python computing the
same answers directly (nested tuples, no search) is shown for Peano addition backwards, as the
floor of what the relation costs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from report import benchmark_options, print_table  # benchmarks/report.py

from machine_calculus.calculus.rmc.firstorder import term_text
from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc
from machine_calculus.calculus.rmc.syntax import converse
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.rmc.small_step import Answers, solve

ROOT = Path(__file__).resolve().parent.parent
NATURALS = parse_rmc("[z] ; (new n. (<n> ; [s(n)]))*")
UNIFY = parse_rmc("new x. new y. ([f(x, b)] ; <f(a, y)> ; [y])")
CHOICE = parse_rmc("([a] + [b]) ; <a>")
ADD = parse_rmc((ROOT / "examples" / "add.rmc").read_text(encoding="utf-8"), source="add.rmc")
SPLIT = converse(ADD)


def peano(n: int) -> Term:
    return parse_first_order("s(" * n + "z" + ")" * n)


def native_split(n: int) -> list[tuple[object, object]]:
    """Every (x, y) with x + y = n, Peano numerals as nested tuples: no search, no unification."""
    numerals: list[object] = ["z"]
    for _ in range(n):
        numerals.append(("s", numerals[-1]))
    return [(numerals[i], numerals[n - i]) for i in range(n + 1)]


@dataclass(frozen=True)
class Row:
    name: str
    answers: int
    steps: int
    seconds: float
    native_seconds: float | None = None

    @property
    def answers_per_second(self) -> float:
        return self.answers / self.seconds

    @property
    def steps_per_second(self) -> float:
        return self.steps / self.seconds


def timed(run: Callable[[], Answers], repeat: int) -> tuple[Answers, float]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return result, best


def workloads(quick: bool) -> list[Row]:
    n_naturals = 100 if quick else 500
    n_split = 30 if quick else 200
    n_add = 200 if quick else 2_000
    repeat = 1 if quick else 3
    rows = []

    def measure(name: str, run: Callable[[], Answers], check: Callable[[Answers], bool], times: int = 1) -> Row:
        result, seconds = timed(lambda: [run() for _ in range(times)][-1], repeat)
        assert check(result), f"{name}: wrong answers"
        return Row(name, len(result) * times, result.steps * times, seconds)

    rows.append(
        measure(
            f"naturals, first {n_naturals:,} answers (fair)",
            lambda: solve(NATURALS, limit=n_naturals, fuel=None),
            lambda r: len(r) == n_naturals and term_text(r[-1].stack()[0]).count("s(") == n_naturals - 1,
        )
    )
    rows.append(
        measure(
            "unification example, 1,000 runs",
            lambda: solve(UNIFY),
            lambda r: [a.texts() for a in r] == [{"λ": ["b"]}],
            times=1_000,
        )
    )
    rows.append(
        measure(
            "choice example, 1,000 runs",
            lambda: solve(CHOICE),
            lambda r: [a.memory for a in r] == [{}],
            times=1_000,
        )
    )
    forwards = {"λ": [peano(n_add), peano(n_add)]}
    rows.append(
        measure(
            f"Peano addition forwards, {n_add:,} + {n_add:,}",
            lambda: solve(ADD, forwards, fuel=None),
            lambda r: len(r) == 1 and term_text(r[0].stack()[0]).count("s(") == 2 * n_add,
        )
    )
    backwards = {"λ": [peano(n_split)]}
    for order in ("fair", "depth-first"):
        row = measure(
            f"Peano addition backwards, split {n_split} ({order})",
            lambda order=order: solve(SPLIT, backwards, fuel=None, order=order),  # type: ignore[misc]
            lambda r: len(r) == n_split + 1 and r.exhausted,
        )
        start = time.perf_counter()
        assert len(native_split(n_split)) == n_split + 1
        rows.append(Row(row.name, row.answers, row.steps, row.seconds, time.perf_counter() - start))
    return rows


def render(rows: list[Row], markdown: bool) -> None:
    headers = ["workload", "answers", "steps", "seconds", "answers/s", "steps/s", "native Python"]
    cells = [
        [
            r.name,
            f"{r.answers:,}",
            f"{r.steps:,}",
            f"{r.seconds:.3f}",
            f"{r.answers_per_second:,.0f}",
            f"{r.steps_per_second:,.0f}",
            f"{r.seconds / r.native_seconds:,.0f}x slower" if r.native_seconds else "",
        ]
        for r in rows
    ]
    print_table("relational machine", headers, cells, markdown)


def main() -> None:
    args = benchmark_options(__doc__.splitlines()[0])
    render(workloads(args.quick), args.markdown)


if __name__ == "__main__":
    main()
