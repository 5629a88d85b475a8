"""Measured mutation score of the core modules (docs/mutation.md), on a fixed sample of mutants.

mutmut (configured in pyproject.toml, ``[tool.mutmut]``) generates the mutants and runs them; it
has no sampling, so this script drives it:

1. mutmut writes every mutant of the configured modules into ``mutants/`` (one trampoline per
   function, the mutant chosen at run time);
2. the script draws ``--sample`` mutants (300) with a fixed ``--seed``, stratified per module: each
   module gets its share of the sample in proportion to its number of mutants (largest remainder,
   at least one each);
3. ``mutmut run <the drawn names>`` runs each drawn mutant with only the tests that called the
   mutated function (mutmut's stats run over the test files of ``[tool.mutmut]``), two at a time,
   each under a CPU-time limit: a mutant that makes a test hang is killed by timeout;
4. the script prints the score per module and overall, the equivalent mutants (listed with their
   reason in ``benchmarks/mutation_equivalents.txt``, left out of the score) and the diffs of the
   survivors.

    python3 benchmarks/mutation.py                # generate, sample 300, run, report
    python3 benchmarks/mutation.py --report-only  # report the results already in mutants/
    python3 benchmarks/mutation.py --survivors    # run again the sample's survivors only

Score = killed / (sample - equivalent), where killed counts a failing test, a timeout, and a crash
of the test process; a mutant that no selected test reaches ("no tests") is a survivor. Mutant
names (``module.x_function__mutmut_N``) are stable while the mutated function's source is: an
edit of a function renumbers its mutants, so the equivalents list is for the sources of the
commit that measured it. Not part of CI (a run of 300 took 45 minutes on two shared cores).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "benchmarks" / "mutation_equivalents.txt"
KILLED = frozenset({"killed", "timeout", "segfault", "caught by type check"})


def allocate(counts: dict[str, int], total: int) -> dict[str, int]:
    """Stratified sample sizes: ``total`` shared in proportion to ``counts`` (largest remainder),
    each stratum at least one mutant and at most its count."""
    population = sum(counts.values())
    total = min(total, population)
    exact = {key: total * n / population for key, n in counts.items()}
    shares = {key: min(n, max(1, int(exact[key]))) for key, n in counts.items()}
    by_remainder = sorted(counts, key=lambda key: (exact[key] - int(exact[key]), key), reverse=True)
    while sum(shares.values()) < total:
        for key in by_remainder:
            if sum(shares.values()) < total and shares[key] < counts[key]:
                shares[key] += 1
    while sum(shares.values()) > total:
        largest = max(shares, key=lambda key: (shares[key], key))
        shares[largest] -= 1
    return shares


def draw(mutants_by_module: dict[str, list[str]], total: int, seed: int) -> dict[str, list[str]]:
    """The stratified sample: per module, ``allocate``'s share drawn without replacement."""
    rng = random.Random(seed)
    shares = allocate({module: len(names) for module, names in mutants_by_module.items()}, total)
    return {
        module: sorted(rng.sample(sorted(names), shares[module])) for module, names in sorted(mutants_by_module.items())
    }


def generate() -> None:
    """mutmut's own generation step (the first part of ``mutmut run``): copy the sources and the
    files of ``also_copy`` into mutants/, and write every mutant of the configured modules."""
    from mutmut.__main__ import copy_also_copy_files, copy_src_dir, create_mutants, setup_source_paths
    from mutmut.mutation.trampoline import set_mutant_under_test

    set_mutant_under_test("mutant_generation")
    Path("mutants").mkdir(exist_ok=True)
    with contextlib.redirect_stdout(io.StringIO()):  # mutmut names each file it copies or mutates
        copy_src_dir()
        copy_also_copy_files()
        setup_source_paths()
        create_mutants(2)


def results() -> dict[str, dict[str, str]]:
    """Per mutated module (its source path), each mutant's status as mutmut records it."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    table: dict[str, dict[str, str]] = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        table[str(path)] = {name: status_by_exit_code[code] for name, code in data.exit_code_by_key.items()}
    return table


def equivalents() -> dict[str, str]:
    """The mutants judged equivalent: ``name reason`` per line of EQUIVALENTS (``#`` comments)."""
    listed: dict[str, str] = {}
    for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            listed[name] = reason.strip()
    return listed


def run_mutants(names: Iterable[str], max_children: int) -> None:
    """``mutmut run`` on the given mutants (its output goes to mutants/mutmut-run.log)."""
    names = list(names)
    if not names:
        return
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *names]
    with open(Path("mutants") / "mutmut-run.log", "w", encoding="utf-8") as log:
        subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False, preexec_fn=lambda: os.nice(10))


def report(sample: dict[str, list[str]], status: dict[str, dict[str, str]], equivalent: dict[str, str]) -> list[str]:
    """Print the score per module and overall, the equivalents and the survivors' diffs; return
    the survivors."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    survivors: list[str] = []
    killed_all = judged_all = equivalent_all = 0
    print(f"{'module':<52} {'sample':>6} {'equiv':>5} {'killed':>6} {'left':>5} {'score':>7}")
    for module, names in sample.items():
        judged = [name for name in names if name not in equivalent]
        killed = [name for name in judged if status[module][name] in KILLED]
        left = [name for name in judged if name not in killed]
        survivors += left
        killed_all, judged_all = killed_all + len(killed), judged_all + len(judged)
        equivalent_all += len(names) - len(judged)
        score = 100 * len(killed) / len(judged) if judged else 100.0
        print(
            f"{module:<52} {len(names):>6} {len(names) - len(judged):>5} {len(killed):>6} {len(left):>5} {score:>6.1f}%"
        )
    overall = 100 * killed_all / judged_all if judged_all else 100.0
    total = sum(len(names) for names in sample.values())
    print(f"{'overall':<52} {total:>6} {equivalent_all:>5} {killed_all:>6} {len(survivors):>5} {overall:>6.1f}%")
    drawn = {name for names in sample.values() for name in names}
    print("\nequivalent mutants of the sample:")
    for name, reason in equivalent.items():
        if name in drawn:
            print(f"  {name}: {reason}")
    for module, names in sample.items():
        for name in names:
            if name in survivors:
                print(f"\n# {name}: {status[module][name]}\n{get_diff_for_mutant(name, path=module)}")
    return survivors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=300, help="number of mutants drawn (default 300)")
    parser.add_argument("--seed", type=int, default=14, help="seed of the draw (default 14)")
    parser.add_argument("--max-children", type=int, default=2, help="mutants run at once (default 2)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--report-only", action="store_true", help="report the recorded results, run nothing")
    mode.add_argument("--survivors", action="store_true", help="run again only the sample's survivors")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    generate()
    status = results()
    sample = draw({module: list(names) for module, names in status.items()}, args.sample, args.seed)
    equivalent = equivalents()
    if args.survivors:
        run_mutants(
            (
                name
                for module, names in sample.items()
                for name in names
                if status[module][name] not in KILLED and name not in equivalent
            ),
            args.max_children,
        )
    elif not args.report_only:
        run_mutants((name for names in sample.values() for name in names), args.max_children)
    survivors = report(sample, results(), equivalent)
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
