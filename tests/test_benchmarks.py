"""The benchmark scripts stay runnable: a quick smoke run checks every workload's result."""

from __future__ import annotations

import importlib.util
import shutil
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
    out = smoke_run("throughput.py", "--quick", "--markdown", "--repeat", "2")
    assert "Ceiling (a minimal push/pop loop in Python, marginal)" in out and "command: `python3 " in out
    assert len(table_rows(out)) == 6  # header, Church mult and exp, three deep terms
    assert out.count("| ≤1 s end to end | yes |") == 3  # a 1,000-deep term is far below the bound


def test_typing_benchmark_smoke_run() -> None:
    assert smoke_run("type_inference.py", "--depth", "1000").count("\n| ") == 9  # header and eight workloads


def test_control_benchmark_smoke_run() -> None:
    out = smoke_run("control.py", "--quick", "--markdown", "--repeat", "2", "--no-cfmc")
    assert out.count("\n| While:") == 5 and out.count("\n| FMC III countdown (by hand) |") == 2
    assert "| cFMC (C++ -O2) | not measured | not measured |" in out and "cFMC: not measured" in out
    assert "| While countdown from 10,000: peak memory | 390,039 |" in out  # the child's steps, checked


def test_relational_benchmark_smoke_run() -> None:
    out = smoke_run("relational.py", "--quick", "--markdown")
    assert len(table_rows(out)) == 7  # header and six workloads, each checked before it is timed


def test_prolog_benchmark_smoke_run() -> None:
    out = smoke_run("prolog.py", "--quick", "--markdown", "--repeat", "1")
    rows = table_rows(out)
    # the comparison (header, two workloads, a row per anchor that runs here, or both "not
    # measured" when none does), fair against depth-first (header, a row), naturals (header, a
    # row), memory (header, a row)
    runnable = (shutil.which("swipl") is not None) + (importlib.util.find_spec("yldprolog") is not None)
    anchors = runnable or 2
    assert len(rows) == 1 + 2 * anchors + 2 + 2 + 2
    assert sum(line.startswith("| nrev30 | 1 | ") for line in rows) == anchors
    assert "| 50 / 100 naturals, fair | 3,725 / 14,950 |" in out  # the answers checked, their sizes
    assert "| nrev30: peak memory |" in out and "command: `python3 " in out


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


def test_mutation_sample_is_stratified_and_fixed() -> None:
    """benchmarks/mutation.py (docs/mutation.md) shares its sample among the modules in proportion
    to their mutants (largest remainder, at least one each, never more than a module has) and draws
    the same names for the same seed. The mutation run itself is not part of the suite."""
    spec = importlib.util.spec_from_file_location("mutation_benchmark", ROOT / "benchmarks" / "mutation.py")
    assert spec is not None and spec.loader is not None
    mutation = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mutation)
    # 300 * 597/740 = 242.03, 300 * 141/740 = 57.16, 300 * 2/740 = 0.81: the last gets its one
    assert mutation.allocate({"a": 597, "b": 141, "c": 2}, 300) == {"a": 242, "b": 57, "c": 1}
    # 10 * 5/9 = 5.56 and 10 * 4/9 = 4.44: the larger remainder gets the tenth
    assert mutation.allocate({"a": 5, "b": 4}, 10) == {"a": 5, "b": 4}
    assert mutation.allocate({"a": 50, "b": 30, "c": 20}, 7) == {"a": 4, "b": 2, "c": 1}
    modules = {"m": [f"m.x_f__mutmut_{i}" for i in range(40)], "n": [f"n.x_g__mutmut_{i}" for i in range(10)]}
    first = mutation.draw(modules, 10, seed=14)
    assert first == mutation.draw(modules, 10, seed=14) != mutation.draw(modules, 10, seed=15)
    assert {module: len(names) for module, names in first.items()} == {"m": 8, "n": 2}
    assert all(set(names) <= set(modules[module]) for module, names in first.items())
