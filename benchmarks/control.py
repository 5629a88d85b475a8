"""FMC III control: While programs compiled and run on the fast machine, per loop round, against
the same loops in CPython and (the countdown) the C++ FMC prototype bmqn/cFMC, in one run.

    python3 benchmarks/control.py                  # a rich table
    python3 benchmarks/control.py --markdown       # the tables for docs/performance.md
    python3 benchmarks/control.py --quick          # tiny sizes (a smoke run)
    python3 benchmarks/control.py --repeat 9       # best of 9 interleaved rounds (default 5)
    python3 benchmarks/control.py --cfmc PATH      # cFMC: its binary, its source folder or a
                                                   # bare git clone (built: c++ -std=c++20 -O2)
    python3 benchmarks/control.py --no-cfmc        # leave cFMC out

Without ``--cfmc`` the source folder named by ``MCALC_CFMC``, or a fetched mirror of bmqn/cFMC,
is used if there is one. Every workload runs at two sizes and every figure is a CPU time, best of
N rounds that interleave the workloads with their anchors (CPython, cFMC); the cost of a round is
the difference of the two sizes' times over the difference of their rounds, so start-up (the
fast run's compiling, a process's start and parse) cancels (benchmarks/timing.py,
docs/performance.md). Compiling While to FMC III is timed apart. Every result is checked. A
child process then runs the While countdown from 10^6 alone for its peak memory.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from report import print_table  # benchmarks/report.py
from timing import Item, TwoSizes, best_interleaved, checked, checked_child, run_child, timing_parser

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.parser import parse_while
from machine_calculus.embeddings.imperative.run import initial_memory, outcome_of
from machine_calculus.machine.fmc import fast
from machine_calculus.machine.fmc.result import Result

ROOT = Path(__file__).resolve().parent.parent
FUEL = 10**10

#: the countdown in FMC III by hand: a loop ``^Again`` popping n from its cell c each round
COUNTDOWN_FMC = "[{n}]c.(c<n>.([0].[n].== ; <b>.(b ; {{True -> [0]out | False -> [1].[n].- ; <m>.[m]c.Again}})))^Again"
#: the same countdown in cFMC (README: ``cfmc --file path``); ``[a].[b].-`` is a − b there
COUNTDOWN_CFMC = """countdown = (<n> . [n] . (0 -> [0]out, otherwise -> [n] . [1] . - . countdown))
main = ([{n}] . countdown)
"""
#: cFMC checked on a countdown that prints every n, so the loop is seen to count, not just end
TRACE_CFMC = """countdown = (<n> . [n]out . [n] . (0 -> *, otherwise -> [n] . [1] . - . countdown))
main = ([5] . countdown)
"""
#: where the ``fetch`` of github:bmqn/cFMC leaves its bare clone, and the variable naming a source
CFMC_MIRROR = Path("/work/.mirror/bmqn+cFMC/repo")
CFMC_VARIABLE = "MCALC_CFMC"

# -- the aims of issue 15 --------------------------------------------------------------------------
CFMC_BOUND, CFMC_AIM = 20.0, 50.0  # FMC III countdown at least 20x faster than cFMC per round (aim 50x)
WHILE_BOUND, WHILE_AIM = 30.0, 10.0  # a While program at most 30x CPython per round (aim 10x)
MEMORY_BOUND_MB = 150.0  # the While countdown from 10^6 in at most 150 MB


def verdict(value: float, bound: float, aim: float, larger_is_better: bool) -> str:
    """``aim met``, ``bound met`` or ``no``: where ``value`` stands against the bound and the aim."""
    better = (lambda a, b: a >= b) if larger_is_better else (lambda a, b: a <= b)
    return "aim met" if better(value, aim) else "bound met" if better(value, bound) else "no"


# -- the loops, in While and in CPython ----------------------------------------------------------


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


def euclid_rounds(a: int, b: int) -> int:
    """How many rounds ``gcd_py(a, b)`` makes."""
    rounds = 0
    while b != 0:
        a, b, rounds = b, a % b, rounds + 1
    return rounds


def list_sum_py(n: int) -> int:
    xs: tuple[int, object] | None = None
    while n > 0:
        xs, n = (n, xs), n - 1
    s = 0
    while xs is not None:
        s, xs = s + xs[0], xs[1]  # type: ignore[assignment]
    return s


def branches_py(n: int) -> int:
    i, c = 0, 0
    while i < n:
        if i % 15 == 0:
            c = c + 4
        elif i % 3 == 0:
            c = c + 1
        elif i % 5 == 0:
            c = c + 2
        else:
            c = c + 3
        i = i + 1
    return c


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


@dataclass(frozen=True)
class Loop:
    """A loop at a size: its While program, the same loop in CPython, the value both print, and
    how many rounds it makes."""

    name: str
    source: str
    python: Callable[[], object]
    expected: object
    rounds: int


def countdown(n: int) -> Loop:
    return Loop("countdown", f"n = {n}; while (n > 0) {{ n = n - 1; }} print(n);", lambda: countdown_py(n), 0, n)


def factorial(n: int) -> Loop:
    source = f"n = {n}; r = 1; while (n > 0) {{ r = r * n; n = n - 1; }} print(r);"
    return Loop("factorial", source, lambda: factorial_py(n), factorial_py(n), n)


def gcd(k: int) -> Loop:
    a, b = fib(k + 1), fib(k)
    source = f"a = {a}; b = {b}; while (b != 0) {{ t = a % b; a = b; b = t; }} print(a);"
    return Loop("gcd of Fibonacci numbers", source, lambda: gcd_py(a, b), 1, euclid_rounds(a, b))


def list_sum(n: int) -> Loop:
    source = (
        "data List = Nil | Cons(h, t);\n"
        f"xs = Nil; i = {n}; while (i > 0) {{ xs = Cons(i, xs); i = i - 1; }}\n"
        "s = 0; while (True) { match xs { Nil => { break; } Cons(h, t) => { s = s + h; xs = t; } } }\n"
        "print(s);"
    )
    return Loop("list sum (build + match)", source, lambda: list_sum_py(n), n * (n + 1) // 2, 2 * n + 1)


def branching(n: int) -> Loop:
    source = (
        f"i = 0; c = 0; while (i < {n}) {{ if (i % 15 == 0) {{ c = c + 4; }} else if (i % 3 == 0) {{ c = c + 1; }}"
        " else if (i % 5 == 0) { c = c + 2; } else { c = c + 3; } i = i + 1; } print(c);"
    )
    return Loop("if/else loop (fizzbuzz-like)", source, lambda: branches_py(n), branches_py(n), n)


def loops(quick: bool) -> list[tuple[Callable[[int], Loop], int]]:
    """Each loop and its smaller size (the larger is twice as large)."""
    if quick:
        return [(countdown, 500), (factorial, 30), (gcd, 30), (list_sum, 100), (branching, 300)]
    return [(countdown, 500_000), (factorial, 300), (gcd, 600), (list_sum, 50_000), (branching, 200_000)]


# -- cFMC ------------------------------------------------------------------------------------------


def build_cfmc(path: Path) -> Path:
    """cFMC's binary: ``path`` if it is one, else built from the source folder ``path`` (or the
    ``src/`` of the bare git clone ``path``, exported for the build)."""
    if path.is_file():
        return path
    if (path / "src").is_dir():
        return compile_cfmc(path / "src")
    if not (path / "HEAD").is_file():
        raise SystemExit(f"{path}: neither cFMC's binary, its source folder nor a git clone of it")
    with tempfile.TemporaryDirectory(prefix="mcalc-cfmc-src-") as tree:
        archive = subprocess.run(
            ["git", f"--git-dir={path}", "archive", "HEAD", "src"], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
        return compile_cfmc(Path(tree) / "src")


def compile_cfmc(src: Path) -> Path:
    """``c++ -std=c++20 -O2`` on the ``.cpp`` files of ``src`` (those of cFMC's build.sh), into a
    temporary folder named by the hash of the sources and the command, so a rerun reuses it."""
    command = ["c++", "-std=c++20", "-O2"]
    digest = hashlib.sha256(" ".join(command).encode())
    for source in sorted(src.glob("*.[ch]pp")):
        digest.update(source.name.encode() + source.read_bytes())
    binary = Path(tempfile.gettempdir()) / f"mcalc-cfmc-{digest.hexdigest()[:16]}" / "cfmc"
    if not binary.is_file():
        print(f"building cFMC into {binary.parent}", file=sys.stderr, flush=True)
        binary.parent.mkdir(exist_ok=True)
        partial = binary.with_suffix(".part")
        subprocess.run([*command, "-o", str(partial), *map(str, sorted(src.glob("*.cpp")))], check=True)
        shutil.move(partial, binary)
    return binary


def find_cfmc(option: Path | None, disabled: bool) -> tuple[Path | None, str]:
    """cFMC's binary and where it came from: ``--cfmc``, else ``$MCALC_CFMC``, else the fetched mirror."""
    if disabled:
        return None, "--no-cfmc"
    for path, origin in ((option, "--cfmc"), (os.environ.get(CFMC_VARIABLE), f"${CFMC_VARIABLE}"), (CFMC_MIRROR, "")):
        if path is not None and Path(path).exists():
            binary = build_cfmc(Path(path))
            trace = run_child([str(binary), "--source", TRACE_CFMC])
            if trace.returncode != 0 or trace.stdout.split() != ["5", "4", "3", "2", "1", "0"]:
                raise SystemExit(f"cFMC ({binary}) counts down from 5 wrongly: {trace.stdout[:200]!r}")
            return binary, origin or str(CFMC_MIRROR)
    return None, "not found"


# -- the measurement -------------------------------------------------------------------------------


def machine_check(program_source: str, expected: object) -> tuple[Callable[[], Result], Callable[[Result], bool]]:
    """The fast run of a While program (compiled before), and the check of what it prints."""
    program = parse_while(program_source)
    term, memory = compile_program(program), initial_memory(program)
    return (
        lambda: fast.run(term, memory, FUEL),
        lambda result: outcome_of(program, result).output == [expected] and result.done,
    )


def countdown_fmc_check(n: int) -> tuple[Callable[[], Result], Callable[[Result], bool]]:
    term = parse(COUNTDOWN_FMC.format(n=n))
    return lambda: fast.run(term, None, FUEL), lambda r: r.done and [str(t.value) for t in r.stack("out")] == ["0"]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Comparison:
    """A row: a machine's cost per round against an anchor's, in µs."""

    name: str
    rounds: tuple[int, int]
    ours: TwoSizes
    anchor_name: str
    anchor: TwoSizes | None
    compile_ms: float | None
    against_cfmc: bool  # the ratio is "x faster" (cFMC's per round ÷ ours), else "x slower"

    def cells(self) -> list[str]:
        us = self.ours.per_unit * 1e6
        cells = [self.name, f"{self.rounds[0]:,} / {self.rounds[1]:,}", f"{us:.2f}", f"{self.ours.fixed * 1e3:.1f}"]
        compiled = "" if self.compile_ms is None else f"{self.compile_ms:.2f}"
        if self.against_cfmc:
            aim = f"≥{CFMC_BOUND:.0f}x faster; aim {CFMC_AIM:.0f}x"
        else:
            aim = f"≤{WHILE_BOUND:.0f}x slower; aim {WHILE_AIM:.0f}x" if self.compile_ms is not None else ""
        if self.anchor is None:
            return [*cells, self.anchor_name, "not measured", "not measured", "", compiled, aim, ""]
        them = self.anchor.per_unit * 1e6
        if self.against_cfmc:
            ratio = them / us
            shown = f"{ratio:.2f}x faster" + ("" if ratio >= 1 else f" ({1 / ratio:.1f}x slower)")
            met = verdict(ratio, CFMC_BOUND, CFMC_AIM, True)
        else:
            ratio = us / them
            shown = f"{ratio:.0f}x slower"
            met = verdict(ratio, WHILE_BOUND, WHILE_AIM, False) if aim else ""
        anchor_fixed = f"{self.anchor.fixed * 1e3:.1f}"
        return [*cells, self.anchor_name, f"{them:.3f}", anchor_fixed, shown, compiled, aim, met]


HEADERS = [
    "workload (per round)",
    "rounds n / 2n",
    "FMC µs/round",
    "FMC fixed ms",
    "anchor",
    "anchor µs/round",
    "anchor fixed ms",
    "ratio",
    "compile ms",
    "aim",
    "met",
]


def measure(quick: bool, repeat: int, cfmc: Path | None) -> list[Comparison]:
    items: list[Item] = []
    compile_items: dict[str, Item] = {}
    plan: list[tuple[str, tuple[int, int], str]] = []  # (row key, rounds, anchor key)
    for make, small in loops(quick):
        sized = (make(small), make(2 * small))
        key = sized[0].name
        for size, loop in zip(("1", "2"), sized, strict=True):
            run, check = machine_check(loop.source, loop.expected)
            items.append(Item(f"{key}/fmc/{size}", checked(key, run, check)))
            items.append(Item(f"{key}/py/{size}", checked(key, loop.python, lambda v, e=loop.expected: v == e)))
        program = parse_while(sized[0].source)
        compile_items[key] = Item(f"{key}/compile", checked(key, lambda p=program: compile_program(p), bool))
        plan.append((key, (sized[0].rounds, sized[1].rounds), "py"))
    n = 1_000 if quick else 200_000
    hand = "FMC III countdown (by hand)"
    programs = tempfile.TemporaryDirectory(prefix="mcalc-countdown-")  # cFMC's programs, for the run
    for size, k in (("1", n), ("2", 2 * n)):
        run, check = countdown_fmc_check(k)
        items.append(Item(f"{hand}/fmc/{size}", checked(hand, run, check)))
        items.append(Item(f"{hand}/py/{size}", checked(hand, lambda k=k: countdown_py(k), lambda v: v == 0)))
        if cfmc is not None:
            program = Path(programs.name) / f"countdown-{k}.fmc"
            program.write_text(COUNTDOWN_CFMC.format(n=k))
            argv = [str(cfmc), "--file", str(program)]
            items.append(
                Item(f"{hand}/cfmc/{size}", checked_child("cFMC countdown", argv, lambda out: out.split() == ["0"]))
            )
    items += compile_items.values()
    best = best_interleaved(items, repeat)
    programs.cleanup()

    def two(key: str, side: str) -> tuple[float, float]:
        return best[f"{key}/{side}/1"], best[f"{key}/{side}/2"]

    rows = []
    for key, rounds, _ in plan:
        ours, py = TwoSizes(rounds, two(key, "fmc")), TwoSizes(rounds, two(key, "py"))
        rows.append(Comparison(f"While: {key}", rounds, ours, "CPython", py, best[f"{key}/compile"] * 1e3, False))
    ours = TwoSizes((n, 2 * n), two(hand, "fmc"))
    cfmc_sizes = TwoSizes((n, 2 * n), two(hand, "cfmc")) if cfmc is not None else None
    rows.append(Comparison(hand, (n, 2 * n), ours, "cFMC (C++ -O2)", cfmc_sizes, None, True))
    rows.append(Comparison(hand, (n, 2 * n), ours, "CPython", TwoSizes((n, 2 * n), two(hand, "py")), None, False))
    return rows


#: the memory child: prints its steps and its own peak resident set in KB, VmHWM (Linux), else
#: ru_maxrss (which on Linux also holds the parent's resident set at the fork: see run_child)
MEMORY_CHILD = """
import re, resource
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.parser import parse_while
from machine_calculus.embeddings.imperative.run import initial_memory, outcome_of
from machine_calculus.machine.fmc import fast
program = parse_while("n = {n}; while (n > 0) {{ n = n - 1; }} print(n);")
result = fast.run(compile_program(program), initial_memory(program), {fuel})
assert result.done and outcome_of(program, result).output == [0], result
try:
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
except (OSError, AttributeError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(result.steps, peak)
"""


def peak_memory(n: int) -> tuple[float, int, float]:
    """The peak resident memory (MB) of a child process running the While countdown from n, its
    steps and its CPU seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = run_child([sys.executable, "-c", MEMORY_CHILD.format(n=n, fuel=FUEL)], env=env)
    if done.returncode != 0:
        raise SystemExit(f"the memory child failed: {done.stderr[-500:]}")
    steps, peak_kb = map(int, done.stdout.split())
    return peak_kb / 1024, steps, done.cpu_seconds


def main() -> int:
    parser = timing_parser((__doc__ or "").splitlines()[0])
    parser.add_argument("--cfmc", type=Path, default=None, help="cFMC's binary, source folder or bare git clone")
    parser.add_argument("--no-cfmc", action="store_true", help="do not look for cFMC")
    args = parser.parse_args()
    sys.setrecursionlimit(1000)  # the machine and the parsers are iterative
    cfmc, origin = find_cfmc(args.cfmc, args.no_cfmc)
    rows = measure(args.quick, args.repeat, cfmc)
    cfmc_note = (
        f"cFMC: {cfmc} (from {origin}), CPU time of its process (user + system); its countdown from 5 "
        "printed 5 4 3 2 1 0 and every timed countdown printed 0."
        if cfmc is not None
        else f"cFMC: not measured ({origin}; pass --cfmc PATH or set ${CFMC_VARIABLE})."
    )
    notes = [
        f"Per round: (T(2n) − T(n)) / (rounds(2n) − rounds(n)), each T the best CPU time of {args.repeat} "
        "interleaved rounds; fixed: T(n) − rounds(n) · per round (compiling for the fast run, process "
        "start and parse for cFMC). Compile: While → FMC III, apart.",
        cfmc_note,
    ]
    print_table(
        "FMC III control: cost per loop round", HEADERS, [r.cells() for r in rows], args.markdown, notes, False, True
    )
    n = 10_000 if args.quick else 1_000_000
    peak, steps, seconds = peak_memory(n)
    base, _, _ = peak_memory(1)
    cells = [
        [
            f"While countdown from {n:,}: peak memory",
            f"{steps:,}",
            f"{peak:.1f}",
            f"{base:.1f}",
            f"≤{MEMORY_BOUND_MB:.0f} MB",
            "yes" if peak <= MEMORY_BOUND_MB else "no",
        ]
    ]
    memory_notes = [
        f"One child process (python -c), its own peak resident set (VmHWM; KB → MB); the child from 1 is the interpreter and imports. (The child's CPU time: {seconds:.1f} s.)"
    ]
    print_table(
        "Memory",
        ["workload", "steps", "peak MB", "child from 1: MB", "aim", "met"],
        cells,
        args.markdown,
        memory_notes,
        True,
        True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
