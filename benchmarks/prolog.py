"""Pure Prolog through the RMC against SWI-Prolog (occurs check on) and yldprolog, in one run.

    python3 benchmarks/prolog.py               # a rich table
    python3 benchmarks/prolog.py --markdown    # the tables for docs/performance.md
    python3 benchmarks/prolog.py --quick       # small workloads, 9-queens left out (a smoke run)
    python3 benchmarks/prolog.py --repeat 9    # best of 9 interleaved rounds (default 5)
    python3 benchmarks/prolog.py --budget 120  # CPU seconds a system may take for one run (60)

Workloads (the programs of ``examples/prolog``): naive reverse of 30 elements (496 logical
inferences: LIPS), 6-queens and 9-queens all solutions (pure: Peano rows, structural
disequality), 1,000 naturals enumerated in the fair order (time against the answers' total
size: linearity), and naive reverse of 300 elements in a child process (its peak memory).

Every system runs the same text: the program, the clauses ``bench_times(s(_)).`` and
``bench_times(s(N)) :- bench_times(N).``, and the goal ``bench_times(K), W`` with K the Peano
numeral k, which runs the workload W k times, all its solutions each time. Each system runs it
at two sizes k and 2k (k chosen per system by doubling from 1 until a run takes a measurable
time); the cost of one W is (T(2k) − T(k)) / k, so start-up (compiling the query, building K,
loading) cancels, and the rest, T(k) − k · unit, is shown as fixed. Every figure is a CPU time,
best of N rounds that interleave the three systems (benchmarks/timing.py, docs/performance.md):
ours ``time.process_time`` around ``solve_prolog`` (embeddings/prolog/run.py, its public API,
depth-first, answers read back), SWI-Prolog its own ``statistics(cputime)`` around
``aggregate_all(count, Goal, _)`` in a ``swipl`` process (occurs check on), yldprolog
``time.process_time`` around iterating its query (yldprolog has no occurs check). Every answer
count is checked. A run over the budget is stopped and shown as *not run*.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from report import print_table  # benchmarks/report.py
from timing import Item, TwoSizes, best_interleaved, cpu_call, run_child, timing_parser

from machine_calculus.cli.time_bound import TimeBoundReached, cpu_time_bound
from machine_calculus.embeddings.prolog.compiler import parse_program, parse_query
from machine_calculus.embeddings.prolog.run import solve_prolog

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "examples" / "prolog"
TIMES = "bench_times(s(_)).\nbench_times(s(N)) :- bench_times(N).\n"
NREV_INFERENCES = 496  # nrev of 30 elements: 31 nrev calls and 465 app calls

# -- the aims of issue 16 --------------------------------------------------------------------------
SWI_BOUND, SWI_AIM = 30.0, 15.0  # nrev30 and queens at most 30x SWI-Prolog's time (aim 15x)
PYTHON_BOUND = 10.0  # every pure-Python Prolog at least 10x slower than us
LINEAR_EXPONENT = 1.1  # fair naturals: time ∝ (answers' total size)^e with e ≤ 1.1 is linear
MEMORY_BOUND_MB = 100.0  # nrev300 in at most 100 MB
FAIR_BOUND = 3.0  # fair at most 3x depth-first on a search both finish


def peano(n: int) -> str:
    return "s(" * n + "0" + ")" * n


def numbers(n: int) -> str:
    return "[" + ", ".join(str(i) for i in range(n)) + "]"


@dataclass(frozen=True)
class Workload:
    """A goal run k times: its program (a file of examples/prolog) and its answers per run."""

    name: str
    program: str
    goal: str
    answers: int
    inferences: int | None = None  # logical inferences of one run, for LIPS

    def source(self) -> str:
        return (PROGRAMS / self.program).read_text(encoding="utf-8") + TIMES

    def query(self, k: int) -> str:
        return f"bench_times({peano(k)}), {self.goal}"


def workloads(quick: bool) -> list[Workload]:
    nrev = Workload("nrev30", "lists.pl", f"nrev({numbers(30)}, _)", 1, NREV_INFERENCES)
    queens = [
        Workload(f"{n}-queens, all solutions", "queens.pl", f"queens({peano(n)}, _Qs)", {4: 2, 6: 4, 9: 352}[n])
        for n in ((4,) if quick else (6, 9))
    ]
    return [nrev, *queens]


# -- the three systems -----------------------------------------------------------------------------


class OverBudget(Exception):
    """A run took more CPU time than the budget."""


class System:
    """Runs a workload's goal k times: ``run(w, k)`` gives the CPU seconds, the answers checked."""

    name: str
    budget: float  #: CPU seconds one run may take

    def run(self, w: Workload, k: int) -> float:
        raise NotImplementedError


class Ours(System):
    name = "RMC"
    order = "prolog"  # depth-first

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.programs: dict[str, Any] = {}
        self.queries: dict[tuple[str, int], Any] = {}

    def run(self, w: Workload, k: int) -> float:
        program = self.programs.get(w.program)
        if program is None:
            program = self.programs[w.program] = parse_program(w.source(), source=w.program)
        query = self.queries.get((w.name, k))
        if query is None:
            query = self.queries[(w.name, k)] = parse_query(w.query(k))  # parsed once, not timed
        try:
            with cpu_time_bound(self.budget):
                result, seconds = cpu_call(lambda: solve_prolog(program, query, order=self.order, fuel=None))
        except TimeBoundReached as reached:
            raise OverBudget from reached
        if len(result.answers) != k * w.answers or not result.exhausted:
            raise SystemExit(f"RMC: {w.name} x {k}: {len(result.answers)} answers")
        return seconds


class OursFair(Ours):
    """The same in the fair order (iterative deepening over forks)."""

    name = "RMC fair"
    order = "fair"


SWI_DRIVER = r"""
:- initialization(main, main).
main :-
    current_prolog_flag(argv, [File, GoalFile]),
    set_prolog_flag(occurs_check, true),
    load_files(File, []),
    read_file_to_terms(GoalFile, [goal(N, K, Goal)], []),
    numeral(N, K),  % K = s(...s(0)...), built before the clock starts (read, it overflows the C stack)
    statistics(cputime, T0),
    aggregate_all(count, Goal, Count),
    statistics(cputime, T1),
    Time is T1 - T0,
    format("~w ~w~n", [Count, Time]),
    halt.
numeral(0, 0) :- !.
numeral(N, s(K)) :- N1 is N - 1, numeral(N1, K).
"""


class SWI(System):
    name = "SWI-Prolog"

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.folder = tempfile.TemporaryDirectory(prefix="mcalc-prolog-bench-")
        self.driver = Path(self.folder.name) / "driver.pl"
        self.driver.write_text(SWI_DRIVER, encoding="utf-8")
        self.version = subprocess.run(["swipl", "--version"], capture_output=True, text=True).stdout.strip()

    def files(self, w: Workload, k: int) -> tuple[Path, Path]:
        folder = Path(self.folder.name)
        program, goal = folder / w.program, folder / f"{w.name.split(',')[0]}-{k}.goal"
        if not program.exists():
            program.write_text(w.source(), encoding="utf-8")
        if not goal.exists():
            goal.write_text(f"goal({k}, K, (bench_times(K), {w.goal})).\n", encoding="utf-8")
        return program, goal

    def run(self, w: Workload, k: int) -> float:
        program, goal = self.files(w, k)
        try:
            done = subprocess.run(
                ["swipl", "--stack-limit=4g", str(self.driver), "--", str(program), str(goal)],
                capture_output=True,
                text=True,
                timeout=self.budget * 2 + 10,
            )
        except subprocess.TimeoutExpired as expired:
            raise OverBudget from expired
        if done.returncode != 0:
            raise SystemExit(f"SWI-Prolog: {w.name} x {k}: {done.stderr[-500:]}")
        count, seconds = done.stdout.split()
        if int(count) != k * w.answers:
            raise SystemExit(f"SWI-Prolog: {w.name} x {k}: {count} answers")
        if float(seconds) > self.budget:
            raise OverBudget
        return float(seconds)


class Yldprolog(System):
    """yldprolog (PyPI): Prolog compiled to Python generators; ``0`` there is the integer 0."""

    name = "yldprolog"

    def __init__(self, budget: float) -> None:
        from yldprolog.compiler import compile_prolog_from_string  # type: ignore[import-not-found]
        from yldprolog.engine import YP  # type: ignore[import-not-found]

        self.budget = budget
        self.compile, self.engine = compile_prolog_from_string, YP
        self.loaded: dict[str, Any] = {}

    def prolog(self, w: Workload) -> Any:
        yp = self.loaded.get(w.name)
        if yp is None:  # the goal after bench_times(K), as a clause: bench_goal(K) :- bench_times(K), W.
            yp = self.engine()
            yp.load_script_from_string(self.compile(w.source() + f"bench_goal(K) :- bench_times(K), {w.goal}.\n"))
            self.loaded[w.name] = yp
        return yp

    def run(self, w: Workload, k: int) -> float:
        yp = self.prolog(w)
        numeral: Any = 0
        for _ in range(k):
            numeral = yp.functor("s", [numeral])
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 10_000 + 20 * k))  # its generators nest a level per call
        try:
            with cpu_time_bound(self.budget):
                count, seconds = cpu_call(lambda: sum(1 for _ in yp.query("bench_goal", [numeral])))
        except TimeBoundReached as reached:
            raise OverBudget from reached
        finally:
            sys.setrecursionlimit(limit)
        if count != k * w.answers:
            raise SystemExit(f"yldprolog: {w.name} x {k}: {count} answers")
        return seconds


# -- the measurement -------------------------------------------------------------------------------


def calibrate(system: System, w: Workload, target: float) -> int | None:
    """The least k = 1, 2, 4, ... whose run takes at least ``target`` CPU seconds (the budget
    permitting: the larger run, 2k, must fit it too, else the k before); None if no two sizes
    fit the budget."""
    k = 1
    try:
        while True:
            seconds = system.run(w, k)
            if seconds * 2 > system.budget:  # 2k would not fit
                return k // 2 or None
            if seconds >= target:
                return k
            k *= 2
    except OverBudget:
        return None


@dataclass(frozen=True)
class Measured:
    """A workload on a system: its two sizes and best times, or why it was not run."""

    system: str
    sizes: TwoSizes | None
    reason: str = ""


def measure(systems: list[System], ws: list[Workload], repeat: int, target: float) -> dict[tuple[str, str], Measured]:
    items: list[Item] = []
    plan: dict[tuple[str, str], int | None] = {}
    for w in ws:
        for system in systems:
            print(f"calibrating {system.name}: {w.name}", file=sys.stderr, flush=True)
            k = plan[(system.name, w.name)] = calibrate(system, w, target)
            if k is not None:
                for size in (k, 2 * k):
                    items.append(Item(f"{system.name}/{w.name}/{size}", lambda s=system, w=w, n=size: s.run(w, n)))
    try:
        best = best_interleaved(items, repeat)
    except OverBudget:
        raise SystemExit("a timed run went over the budget after its calibration fitted it") from None
    measured = {}
    for (system, name), k in plan.items():
        if k is None:
            budget = next(s.budget for s in systems if s.name == system)
            measured[(system, name)] = Measured(system, None, f"not run: over {budget:.0f} s")
        else:
            seconds = (best[f"{system}/{name}/{k}"], best[f"{system}/{name}/{2 * k}"])
            measured[(system, name)] = Measured(system, TwoSizes((k, 2 * k), seconds))
    return measured


def verdict(ratio: float, bound: float, aim: float | None) -> str:
    """``aim met``, ``bound met`` or ``no`` for a ratio that should be at most ``bound`` (``aim``)."""
    if aim is not None and ratio <= aim:
        return "aim met"
    return "bound met" if ratio <= bound else "no"


def unit_text(sizes: TwoSizes) -> str:
    return f"{sizes.per_unit * 1e3:.3f}"


def comparison_rows(
    ws: list[Workload], measured: dict[tuple[str, str], Measured], anchors: list[str]
) -> list[list[str]]:
    rows = []
    for w in ws:
        ours = measured[("RMC", w.name)]
        lips = ""
        if ours.sizes is not None and w.inferences and ours.sizes.per_unit > 0:
            lips = f"{w.inferences / ours.sizes.per_unit:,.0f}"
        ours_cells = (
            [
                f"{ours.sizes.units[0]:,} / {ours.sizes.units[1]:,}",
                unit_text(ours.sizes),
                f"{ours.sizes.fixed * 1e3:.1f}",
                lips,
            ]
            if ours.sizes is not None
            else ["", ours.reason, "", ""]
        )
        for anchor in anchors:
            them = measured.get((anchor, w.name))
            swi = anchor == "SWI-Prolog"
            aim = f"≤{SWI_BOUND:.0f}x slower; aim {SWI_AIM:.0f}x" if swi else f"≥{PYTHON_BOUND:.0f}x faster"
            if them is None:
                rows.append([w.name, str(w.answers), *ours_cells, anchor, "not measured", "", "", aim, ""])
                continue
            if them.sizes is None:
                rows.append([w.name, str(w.answers), *ours_cells, anchor, them.reason, "", "", aim, "no"])
                continue
            anchor_cells = [f"{them.sizes.units[0]:,} / {them.sizes.units[1]:,}", unit_text(them.sizes)]
            if ours.sizes is None:
                rows.append([w.name, str(w.answers), *ours_cells, anchor, *anchor_cells, "", aim, "no"])
                continue
            ratio = ours.sizes.per_unit / them.sizes.per_unit
            if swi:
                shown, met = f"{ratio:,.1f}x slower", verdict(ratio, SWI_BOUND, SWI_AIM)
            else:
                faster = 1 / ratio
                shown = f"{faster:,.1f}x faster" if faster >= 1 else f"{ratio:,.1f}x slower"
                met = "yes" if faster >= PYTHON_BOUND else "no"
            rows.append([w.name, str(w.answers), *ours_cells, anchor, *anchor_cells, shown, aim, met])
    return rows


HEADERS = [
    "workload (per run)",
    "answers",
    "RMC k / 2k",
    "RMC ms/run",
    "RMC fixed ms",
    "RMC LIPS",
    "anchor",
    "anchor k / 2k",
    "anchor ms/run",
    "ratio",
    "aim",
    "met",
]


# -- fair naturals: time against the answers' total size ------------------------------------------


def naturals(counts: tuple[int, int], repeat: int, budget: float) -> list[str]:
    """``nat(X)`` in the fair order, the first n answers, at two n: the CPU time, the answers'
    total size (characters), and the exponent e of time ∝ size^e between them."""
    program = parse_program((PROGRAMS / "peano.pl").read_text(encoding="utf-8"), source="peano.pl")
    query = parse_query("nat(X)")

    def run(n: int) -> tuple[float, int]:
        with cpu_time_bound(budget):
            result, seconds = cpu_call(lambda: solve_prolog(program, query, order="fair", limit=n, fuel=None))
        if [a["X"] for a in result.answers] != [peano(i) for i in range(n)]:
            raise SystemExit(f"fair naturals: the first {n} answers are not 0, s(0), ...")
        return seconds, sum(len(a["X"]) for a in result.answers)

    name = f"{counts[0]:,} / {counts[1]:,} naturals, fair"
    aim = f"linear: e ≤ {LINEAR_EXPONENT}"
    try:
        best: dict[int, tuple[float, int]] = {}
        for _ in range(repeat):
            for n in counts:
                seconds, size = run(n)
                best[n] = min(best.get(n, (math.inf, size)), (seconds, size))
    except TimeBoundReached:
        return [name, f"not run: over {budget:.0f} s", "", "", "", aim, "no"]
    (t1, s1), (t2, s2) = best[counts[0]], best[counts[1]]
    exponent = math.log(t2 / t1) / math.log(s2 / s1)
    return [
        name,
        f"{s1:,} / {s2:,}",
        f"{t1:.3f} / {t2:.3f}",
        f"{t1 / s1 * 1e6:.2f} / {t2 / s2 * 1e6:.2f}",
        f"{exponent:.2f}",
        aim,
        "yes" if exponent <= LINEAR_EXPONENT else "no",
    ]


# -- nrev300: peak memory --------------------------------------------------------------------------

#: the memory child: its own peak resident set in KB, VmHWM (Linux), else ru_maxrss
MEMORY_CHILD = """
import re, resource, sys
from machine_calculus.cli.time_bound import TimeBoundReached, cpu_time_bound
from machine_calculus.embeddings.prolog.run import solve_prolog
source = open({program!r}).read()
try:
    with cpu_time_bound({budget}):
        result = solve_prolog(source, "nrev({items}, R)", fuel=None)
except TimeBoundReached:
    print("over")
    sys.exit(0)
assert result.exhausted and len(result.answers) == 1, result
assert result.answers[0]["R"] == {expected!r}, result.answers[0]["R"][:100]
try:
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
except (OSError, AttributeError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(result.steps, peak)
"""


def peak_memory(n: int, budget: float) -> tuple[float, int, float] | None:
    """The peak resident memory (MB) of a child process running nrev of n elements, its steps
    and its CPU seconds; None if it went over the budget."""
    items = numbers(n)
    code = MEMORY_CHILD.format(
        program=str(PROGRAMS / "lists.pl"),
        budget=budget,
        items=items,
        expected="[" + ", ".join(str(i) for i in reversed(range(n))) + "]",
    )
    done = run_child([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise SystemExit(f"the memory child failed: {done.stderr[-500:]}")
    if done.stdout.strip() == "over":
        return None
    steps, peak_kb = map(int, done.stdout.split())
    return peak_kb / 1024, steps, done.cpu_seconds


def fair_row(w: Workload, measured: dict[tuple[str, str], Measured]) -> list[str]:
    depth_first, fair = measured[("RMC", w.name)], measured[("RMC fair", w.name)]
    aim = f"≤{FAIR_BOUND:.0f}x"
    if depth_first.sizes is None or fair.sizes is None:
        return [w.name, depth_first.reason, fair.reason, "", aim, "no"]
    ratio = fair.sizes.per_unit / depth_first.sizes.per_unit
    return [
        w.name,
        unit_text(depth_first.sizes),
        unit_text(fair.sizes),
        f"{ratio:.2f}x",
        aim,
        "yes" if ratio <= FAIR_BOUND else "no",
    ]


def memory_row(n: int, budget: float) -> tuple[list[str], float | None]:
    measured, base = peak_memory(n, budget), peak_memory(1, budget)
    aim = f"≤{MEMORY_BOUND_MB:.0f} MB"
    if measured is None or base is None:
        return [f"nrev{n}: peak memory", f"not run: over {budget:.0f} s", "", "", aim, "no"], None
    peak, steps, seconds = measured
    return [
        f"nrev{n}: peak memory",
        f"{steps:,}",
        f"{peak:.1f}",
        f"{base[0]:.1f}",
        aim,
        "yes" if peak <= MEMORY_BOUND_MB else "no",
    ], seconds


# -- the report ------------------------------------------------------------------------------------


def anchors(budget: float) -> tuple[list[System], list[str]]:
    """The anchors that can run here, and a note on each."""
    systems: list[System] = []
    notes = []
    if shutil.which("swipl") is not None:
        swi = SWI(budget)
        systems.append(swi)
        notes.append(f"SWI-Prolog: {swi.version}, occurs_check=true; its CPU time for the goal (statistics(cputime)).")
    else:
        notes.append("SWI-Prolog: not measured (no swipl on PATH; Debian: apt-get install swi-prolog-nox).")
    try:
        systems.append(Yldprolog(budget))
        from importlib.metadata import version

        notes.append(f"yldprolog {version('yldprolog')} (PyPI; no occurs check): Prolog compiled to Python generators.")
    except ImportError:
        notes.append("yldprolog: not measured (pip install yldprolog, or '.[bench]').")
    return systems, notes


def main() -> int:
    parser = timing_parser((__doc__ or "").splitlines()[0])
    parser.add_argument("--budget", type=float, default=None, metavar="S", help="CPU seconds per run (60; quick: 10)")
    args = parser.parse_args()
    budget = args.budget or (10.0 if args.quick else 60.0)
    target = 0.01 if args.quick else 0.1
    ws = workloads(args.quick)
    others, notes = anchors(budget)
    measured = measure([Ours(budget), *others], ws, args.repeat, target)
    method = (
        f"Per run: (T(2k) − T(k)) / k, each T the best CPU time of {args.repeat} interleaved rounds of the goal "
        "`bench_times(K), W` (K the numeral k: W run k times, every answer each time); fixed: T(k) − k · per run "
        "(compiling the query and reading answers back count per run: they are part of each W). "
        f"LIPS: {NREV_INFERENCES} inferences per nrev30 over its time (bench_times adds one per run). "
        f"A run over {budget:.0f} s of CPU time is stopped: *not run*."
    )
    print_table(
        "Pure Prolog: the RMC against SWI-Prolog and yldprolog (time per run of a workload)",
        HEADERS,
        comparison_rows(ws, measured, [s.name for s in others] or ["SWI-Prolog", "yldprolog"]),
        args.markdown,
        [method, *notes],
        False,
        True,
    )
    fair_ws = [w for w in ws if "queens" in w.name][:1]
    both = measure([Ours(budget), OursFair(budget)], fair_ws, args.repeat, target)
    print_table(
        "Fair against depth-first (time per run of a workload)",
        ["workload (per run)", "depth-first ms/run", "fair ms/run", "fair / depth-first", "aim", "met"],
        [fair_row(w, both) for w in fair_ws],
        args.markdown,
        ["Both on the compiled machine, timed as above (two sizes, best of interleaved rounds)."],
        False,
        True,
    )
    counts = (50, 100) if args.quick else (500, 1_000)
    print_table(
        "Fair enumeration: time against the answers' total size",
        ["workload", "answers' size (chars)", "CPU s", "µs per char", "exponent e", "aim", "met"],
        [naturals(counts, args.repeat, budget)],
        args.markdown,
        [
            "`nat(X)` in the fair order, the first n answers read back (0, s(0), ...; best CPU time of "
            f"{args.repeat}); e: log(T₂/T₁) / log(size₂/size₁), 1 when time is linear in the answers' total size."
        ],
        False,
        True,
    )
    n = 30 if args.quick else 300
    row, seconds = memory_row(n, budget)
    memory_note = "One child process (python -c), its own peak resident set (VmHWM; KB → MB); the child from 1 is the interpreter, imports and nrev1."
    if seconds is not None:
        memory_note += f" (The child's CPU time: {seconds:.1f} s.)"
    print_table(
        "Memory",
        ["workload", "steps", "peak MB", "child from 1: MB", "aim", "met"],
        [row],
        args.markdown,
        [memory_note],
        True,
        True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
