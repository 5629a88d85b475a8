"""How the FMC benchmarks measure (``benchmarks/control.py``, ``benchmarks/throughput.py``;
the method in ``docs/performance.md``).

- CPU time, never wall time: ``time.process_time`` around a call in this process; for a child
  process the growth of ``getrusage(RUSAGE_CHILDREN)`` (user + system) across its run.
- Best of N, interleaved: round r = 1..N runs every item once, workloads and anchors alike, so a
  drift of the machine (another job, the clock) hits them all; each item keeps its least time.
- Start-up cancelled: an item timed at two sizes n₁ < n₂ costs, per unit (a loop round, a
  machine step), ``(T(n₂) − T(n₁)) / (n₂ − n₁)``; what is left, ``T(n₁) − n₁ · unit``, is the
  fixed cost (compiling the term, starting a process, parsing).
- The garbage collector is left as the measured code runs it (``fast.run`` pauses it itself).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from report import benchmark_parser  # benchmarks/report.py

__all__ = [
    "ChildRun",
    "Item",
    "TwoSizes",
    "best_interleaved",
    "checked",
    "cpu_call",
    "run_child",
    "timing_parser",
]

T = TypeVar("T")


def timing_parser(description: str) -> argparse.ArgumentParser:
    """The benchmark options (``--quick``, ``--markdown``) and ``--repeat N`` (best of N)."""
    parser = benchmark_parser(description, quick_help="tiny workloads (a smoke run)")
    parser.add_argument("--repeat", type=int, default=5, metavar="N", help="best of N interleaved rounds (5)")
    return parser


def cpu_call(fn: Callable[[], T]) -> tuple[T, float]:
    """``fn()`` and the CPU time (``time.process_time``, user + system) it took."""
    start = time.process_time()
    value = fn()
    return value, time.process_time() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class ChildRun:
    """A finished child process: its output, exit status, CPU time and peak resident memory."""

    stdout: str
    stderr: str
    returncode: int
    cpu_seconds: float  #: the growth of getrusage(RUSAGE_CHILDREN) user + system time
    peak_mb: float  #: this child's ru_maxrss (os.wait4), KB → MB: at least the parent's at the fork


def run_child(argv: Sequence[str], env: dict[str, str] | None = None) -> ChildRun:
    """Run ``argv`` to its end. The CPU time is the ``RUSAGE_CHILDREN`` delta across the run. The
    peak memory comes from ``os.wait4`` on this child alone (``RUSAGE_CHILDREN``'s ``ru_maxrss``
    is the largest of every child ever waited for, not a delta); on Linux it still counts the
    parent's resident set at the fork (exec keeps the high-water mark), so a child that must
    report its own peak reads its ``VmHWM`` itself (``benchmarks/control.py``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        before = _children_cpu()
        child = subprocess.Popen(list(argv), stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        cpu = _children_cpu() - before
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return ChildRun(out.read(), err.read(), child.returncode, cpu, usage.ru_maxrss / 1024)


def checked(name: str, run: Callable[[], T], check: Callable[[T], bool]) -> Callable[[], float]:
    """One timed run of ``run`` (CPU seconds) whose result must pass ``check`` (checked after the
    clock stops; a wrong result ends the benchmark, it is never timed as if right)."""

    def once() -> float:
        value, seconds = cpu_call(run)
        if not check(value):
            raise SystemExit(f"{name}: unexpected result {str(value)[:300]}")
        return seconds

    return once


def checked_child(name: str, argv: Sequence[str], check: Callable[[str], bool]) -> Callable[[], float]:
    """One run of the child ``argv`` (its CPU seconds), which must exit 0 with ``check(stdout)``."""

    def once() -> float:
        done = run_child(argv)
        if done.returncode != 0 or not check(done.stdout):
            raise SystemExit(f"{name}: exit {done.returncode}, output {done.stdout[:200]!r} {done.stderr[:200]!r}")
        return done.cpu_seconds

    return once


@dataclass(frozen=True)
class Item:
    """Something timed: ``run`` performs it once and gives its CPU seconds."""

    key: str
    run: Callable[[], float]


def best_interleaved(items: Sequence[Item], repeat: int, progress: bool = True) -> dict[str, float]:
    """min over rounds r = 1..repeat of each item's time, every round running every item once
    in the given order."""
    best = {item.key: float("inf") for item in items}
    for r in range(repeat):
        if progress:
            print(f"round {r + 1}/{repeat}", file=sys.stderr, flush=True)
        for item in items:
            best[item.key] = min(best[item.key], item.run())
    return best


@dataclass(frozen=True)
class TwoSizes:
    """An item's best times at two sizes, in units (rounds, steps) n₁ < n₂."""

    units: tuple[int, int]
    seconds: tuple[float, float]

    @property
    def per_unit(self) -> float:
        """(T(n₂) − T(n₁)) / (n₂ − n₁): the start-up, the same at both sizes, cancels."""
        return (self.seconds[1] - self.seconds[0]) / (self.units[1] - self.units[0])

    @property
    def fixed(self) -> float:
        """T(n₁) − n₁ · per_unit: the start-up (compiling, a process, parsing)."""
        return self.seconds[0] - self.units[0] * self.per_unit

    @property
    def rate(self) -> float:
        """Units per second, start-up excluded."""
        return 1 / self.per_unit if self.per_unit > 0 else float("inf")
