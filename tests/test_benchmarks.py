"""The benchmark scripts stay runnable: a quick smoke run checks every workload's result."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def smoke_run(script: str, *options: str) -> str:
    """The standard output of ``benchmarks/SCRIPT OPTIONS``, which must exit 0."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *options], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def table_rows(out: str) -> list[str]:
    """The header and body rows of a markdown table."""
    return [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]


def test_throughput_quick_run_checks_its_workloads() -> None:
    out = smoke_run("throughput.py", "--quick", "--markdown")
    assert "ceiling (minimal push/pop loop)" in out
    rows = [line for line in out.splitlines() if line.startswith("| Church") or line.startswith("| push")]
    assert len(rows) >= 5


def test_typing_benchmark_smoke_run() -> None:
    assert smoke_run("type_inference.py", "--depth", "1000").count("\n| ") == 7  # header and six workloads


def test_control_benchmark_smoke_run() -> None:
    out = smoke_run("control.py", "--quick", "--markdown")
    assert out.count("\n| While:") == 4 and "| FMC III by hand" in out


def test_relational_benchmark_smoke_run() -> None:
    out = smoke_run("relational.py", "--quick", "--markdown")
    assert len(table_rows(out)) == 7  # header and six workloads, each checked before it is timed


def test_prolog_benchmark_smoke_run() -> None:
    out = smoke_run("prolog.py", "--quick", "--markdown")
    assert len(table_rows(out)) == 4  # header and three workloads, each answer count checked
    assert "| naive reverse, 30 elements | 1 |" in out


def test_confluence_benchmark_smoke_run() -> None:
    assert len(table_rows(smoke_run("confluence.py", "--quick", "--markdown"))) >= 11  # header and the systems


def test_optimizer_benchmark_smoke_run() -> None:
    out = smoke_run("optimizer.py", "--quick", "--markdown")
    assert "| update then lookup | FMC |" in out and "| swap.fmc | 8 → 4 | 6 → 2 | 67% | yes |" in out


def test_startup_benchmark_smoke_run() -> None:
    out = smoke_run("startup.py", "--quick", "--markdown")
    assert len(table_rows(out)) == 13  # header, the bare interpreter and eleven commands, each exiting 0
    assert "| run '[A]' (FMC) |" in out and "| optimize examples/swap.fmc |" in out
    run = next(line for line in out.splitlines() if line.startswith("| run '[A]' (FMC) |"))
    assert run.endswith("| no | no |")  # neither sympy nor egglog
