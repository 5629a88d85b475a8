"""Pure Prolog on the relational machine against SWI-Prolog, on the same programs in one run.

    python3 benchmarks/prolog.py              # a rich table (SWI-Prolog columns when swipl is installed)
    python3 benchmarks/prolog.py --markdown   # the table for docs/performance.md
    python3 benchmarks/prolog.py --quick      # smaller workloads (a smoke run)

Workloads: naive reverse of a 30-element list (496 logical inferences: LIPS), all solutions of
n-queens (pure: Peano rows, structural disequality), and Peano addition run backwards (every
split of n). Both systems run the programs of ``examples/prolog``; each answer
count is checked. SWI-Prolog's time is its own CPU time for the goal (``statistics(cputime)``),
repeated until it takes a measurable time; ours is wall time of the query on the machine in
Prolog (depth-first) order, answers read back included.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from report import benchmark_options, print_table  # benchmarks/report.py

from machine_calculus.embeddings.prolog.compiler import parse_program, parse_query
from machine_calculus.embeddings.prolog.run import solve_prolog

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "examples" / "prolog"


def peano(n: int) -> str:
    return "s(" * n + "0" + ")" * n


@dataclass(frozen=True)
class Workload:
    name: str
    program: str
    query: str
    answers: int
    inferences: int | None = None  # logical inferences, for LIPS


def workloads(quick: bool) -> list[Workload]:
    n_queens = 4 if quick else 6
    n_split = 10 if quick else 100
    items = ", ".join(str(i) for i in range(30))
    return [
        Workload("naive reverse, 30 elements", "lists.pl", f"nrev([{items}], R)", 1, 496),
        Workload(
            f"{n_queens}-queens, all solutions",
            "queens.pl",
            f"queens({peano(n_queens)}, Qs)",
            {4: 2, 5: 10, 6: 4}[n_queens],
        ),
        Workload(f"Peano addition backwards, split {n_split}", "peano.pl", f"add(X, Y, {peano(n_split)})", n_split + 1),
    ]


SWI_DRIVER = r"""
:- initialization(main, main).
main :-
    current_prolog_flag(argv, [File, QueryText]),
    set_prolog_flag(occurs_check, true),
    load_files(File, []),
    term_string(Query, QueryText),
    run(Query, 1, Count, Time),
    format("~w ~w~n", [Count, Time]),
    halt.
% repeat the goal until it takes at least 0.2 s; report the CPU time of one run
run(Query, N, Count, Time) :-
    statistics(cputime, T0),
    forall(between(1, N, _), aggregate_all(count, Query, _)),
    statistics(cputime, T1),
    aggregate_all(count, Query, Count),
    Elapsed is T1 - T0,
    ( Elapsed < 0.2, N < 1000000 -> N2 is N * 10, run(Query, N2, Count, Time) ; Time is Elapsed / N ).
"""


def swi_seconds(w: Workload) -> float | None:
    if shutil.which("swipl") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        driver = Path(tmp) / "driver.pl"
        driver.write_text(SWI_DRIVER, encoding="utf-8")
        done = subprocess.run(
            ["swipl", str(driver), "--", str(PROGRAMS / w.program), w.query],
            capture_output=True,
            text=True,
            timeout=600,
        )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    count, seconds = done.stdout.split()
    assert int(count) == w.answers, f"SWI-Prolog: {w.name}: {count} answers"
    return float(seconds)


@dataclass(frozen=True)
class Row:
    workload: Workload
    seconds: float
    steps: int
    swi: float | None


def measure(w: Workload) -> Row:
    program = parse_program((PROGRAMS / w.program).read_text(encoding="utf-8"), source=w.program)
    query = parse_query(w.query)
    start = time.perf_counter()
    result = solve_prolog(program, query, fuel=None)
    seconds = time.perf_counter() - start
    assert len(result.answers) == w.answers and result.exhausted, f"{w.name}: {len(result.answers)} answers"
    return Row(w, seconds, result.steps, swi_seconds(w))


def render(rows: list[Row], markdown: bool) -> None:
    headers = ["workload", "answers", "RMC seconds", "RMC steps/s", "RMC LIPS", "SWI-Prolog seconds", "ratio"]
    cells = []
    for r in rows:
        lips = f"{r.workload.inferences / r.seconds:,.0f}" if r.workload.inferences else ""
        swi = f"{r.swi:.6f}" if r.swi is not None else "(no swipl)"
        ratio = f"{r.seconds / r.swi:,.0f}x slower" if r.swi else ""
        cells.append(
            [
                r.workload.name,
                str(r.workload.answers),
                f"{r.seconds:.3f}",
                f"{r.steps / r.seconds:,.0f}",
                lips,
                swi,
                ratio,
            ]
        )
    print_table("pure Prolog: the RMC against SWI-Prolog", headers, cells, markdown)


def main() -> None:
    args = benchmark_options(__doc__.splitlines()[0])
    render([measure(w) for w in workloads(args.quick)], args.markdown)


if __name__ == "__main__":
    main()
