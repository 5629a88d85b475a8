"""The benchmark scripts stay runnable: a quick smoke run checks every workload's result."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_throughput_quick_run_checks_its_workloads() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "throughput.py"), "--quick", "--markdown"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "ceiling (minimal push/pop loop)" in done.stdout
    rows = [line for line in done.stdout.splitlines() if line.startswith("| Church") or line.startswith("| push")]
    assert len(rows) >= 5


def test_typing_benchmark_smoke_run() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "type_inference.py"), "--depth", "1000"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n| ") == 7  # header and six workloads


def test_control_benchmark_smoke_run() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "control.py"), "--quick", "--markdown"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n| While:") == 4 and "| FMC III by hand" in done.stdout


def test_relational_benchmark_smoke_run() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "relational.py"), "--quick", "--markdown"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 7  # header and six workloads, each checked before it is timed
