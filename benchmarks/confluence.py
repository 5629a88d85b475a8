"""Confluence checking time per system, on the classic systems of ``examples/trs``.

    python3 benchmarks/confluence.py              # a rich table
    python3 benchmarks/confluence.py --markdown   # the table for docs/performance.md
    python3 benchmarks/confluence.py --quick      # one run each (a smoke run)

Each system's answer is checked against the ``Expected:`` in its comment before it is timed.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from report import benchmark_options, print_table  # benchmarks/report.py

from machine_calculus.rewriting.confluence import check_confluence, critical_pairs
from machine_calculus.rewriting.trs import parse_trs

SYSTEMS = sorted((Path(__file__).resolve().parent.parent / "examples" / "trs").glob("*.trs"))


def criterion(reason: str) -> str:
    """The criterion a verdict's reason names, in a few words."""
    for key, name in (
        ("not orthogonal", "none applies"),
        ("weakly orthogonal", "weak orthogonality"),
        ("orthogonal", "orthogonality"),
        ("Newman", "Newman (LPO)"),
        ("normal forms differ", "LPO, critical pair normal forms"),
        ("reaches two distinct", "witness search"),
    ):
        if key in reason:
            return name
    return "none applies"


def main() -> None:
    args = benchmark_options(__doc__.splitlines()[0], "one run each (a smoke run)")
    repeat = 1 if args.quick else 5
    cells = []
    for path in SYSTEMS:
        text = path.read_text(encoding="utf-8")
        expected = re.search(r"Expected: (YES|NO|MAYBE)", text).group(1)  # type: ignore[union-attr]
        trs = parse_trs(text, path.name)
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            verdict = check_confluence(trs)
            best = min(best, time.perf_counter() - start)
        assert verdict.answer == expected, f"{path.name}: {verdict.answer}, expected {expected}"
        reason = criterion(verdict.reason)
        cells.append(
            [
                path.stem,
                str(len(trs.rules)),
                str(len(critical_pairs(trs))),
                verdict.answer,
                reason,
                f"{best * 1000:.1f}",
            ]
        )
    headers = ["system", "rules", "critical pairs", "answer", "by", "ms"]
    print_table("confluence checking", headers, cells, args.markdown)


if __name__ == "__main__":
    main()
