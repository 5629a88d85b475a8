"""Start-up: the CPU time of ``mcalc`` subcommands on trivial inputs, against the bare interpreter.

    python3 benchmarks/startup.py              # a rich table
    python3 benchmarks/startup.py --markdown   # the table for docs/performance.md
    python3 benchmarks/startup.py --quick      # one run of each (a smoke run)

Each command runs as ``python3 -m machine_calculus ...`` in a fresh process from the repository
root; its time is the child's user and system CPU time (``getrusage(RUSAGE_CHILDREN)`` before
and after), best of 5 (``--quick``: 1). ``python3 -c pass`` runs in the same rounds, interleaved
with the commands, as the anchor: "minus bare" is what the toolkit adds to the interpreter's own
start-up. Whether a command imports sympy or egglog is read from a separate, untimed run with
``-X importtime``.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from report import benchmark_options, print_table  # benchmarks/report.py

ROOT = Path(__file__).resolve().parent.parent
MCALC = [sys.executable, "-m", "machine_calculus"]
HEAVY = ("sympy", "egglog")


@dataclass(frozen=True)
class Command:
    name: str
    argv: tuple[str, ...]  # the full command line


BARE = Command("python3 -c pass (bare interpreter)", (sys.executable, "-c", "pass"))
COMMANDS = [
    Command("run '[A]' (FMC)", (*MCALC, "run", "[A]")),
    Command("run --calculus rmc '[a]'", (*MCALC, "run", "--calculus", "rmc", "[a]")),
    Command("print '[A]'", (*MCALC, "print", "[A]")),
    Command("type '[A]'", (*MCALC, "type", "[A]")),
    Command("while examples/gcd.while", (*MCALC, "while", "examples/gcd.while")),
    Command(
        "prolog lists.pl --query 'app(X,Y,[1])'",
        (*MCALC, "prolog", "examples/prolog/lists.pl", "--query", "app(X,Y,[1])"),
    ),
    Command("confluence examples/trs/peano.trs", (*MCALC, "confluence", "examples/trs/peano.trs")),
    Command("reduce '[A].<x>.[x]'", (*MCALC, "reduce", "[A].<x>.[x]")),
    Command("optimize examples/swap.fmc", (*MCALC, "optimize", "examples/swap.fmc")),
    Command("--help", (*MCALC, "--help")),
    Command("--version", (*MCALC, "--version")),
]


def cpu_seconds(command: Command) -> float:
    """The user and system CPU time of one run of ``command``, which must exit 0."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command.argv, cwd=ROOT, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command.name} exited {done.returncode}: {done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imported(command: Command) -> set[str]:
    """The top-level packages ``command`` imports (from ``-X importtime``'s report on stderr)."""
    argv = [command.argv[0], "-X", "importtime", *command.argv[1:]]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
    lines = (line for line in done.stderr.splitlines() if line.startswith("import time:"))
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}


def main() -> None:
    options = benchmark_options(
        "Start-up: the CPU time of mcalc subcommands", "one run of each instead of the best of 5"
    )
    repeats = 1 if options.quick else 5
    everything = [BARE, *COMMANDS]
    best = dict.fromkeys(everything, float("inf"))
    for _ in range(repeats):  # rounds over every command, so that a slow spell hits them all
        for command in everything:
            best[command] = min(best[command], cpu_seconds(command))
    cells = [[BARE.name, f"{best[BARE]:.3f}", "", "", ""]]
    for command in COMMANDS:
        found = imported(command)
        cells.append(
            [
                command.name,
                f"{best[command]:.3f}",
                f"{best[command] - best[BARE]:.3f}",
                *("yes" if package in found else "no" for package in HEAVY),
            ]
        )
    headers = ["command", "CPU s (best)", "minus bare interpreter", "imports sympy?", "imports egglog?"]
    print_table(f"mcalc start-up (best of {repeats})", headers, cells, options.markdown)


if __name__ == "__main__":
    main()
