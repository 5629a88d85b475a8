"""What the benchmarks share: their options, and one way to print a table (markdown for
docs/performance.md, or a rich table)."""

from __future__ import annotations

import argparse
import platform

from rich.console import Console
from rich.table import Table
from rich.text import Text


def print_table(title: str, headers: list[str], cells: list[list[str]], markdown: bool) -> None:
    """``cells`` (one list per row, plain text: no rich markup) under ``headers``; the first
    column is left-aligned."""
    if markdown:
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join("---" for _ in headers) + "|")
        for row in cells:
            print("| " + " | ".join(row) + " |")
        print(f"\nPython {platform.python_version()} on {platform.machine()}")
        return
    table = Table(title=title)
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i == 0 else "right")
    for row in cells:
        table.add_row(*map(Text, row))
    Console().print(table)


def benchmark_options(description: str, quick_help: str = "smaller workloads (a smoke run)") -> argparse.Namespace:
    """The options every benchmark takes: ``--quick`` and ``--markdown``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    return parser.parse_args()
