"""What the benchmarks share: their options, and one way to print a table (markdown for
docs/performance.md, or a rich table)."""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text


def machine_line() -> str:
    """The interpreter, the platform and the command that printed the figures."""
    command = shlex.join(["python3", *sys.argv])
    return (
        f"{platform.python_implementation()} {platform.python_version()} on {platform.platform()}; command: `{command}`"
    )


def print_table(
    title: str,
    headers: list[str],
    cells: list[list[str]],
    markdown: bool,
    notes: Sequence[str] = (),
    machine: bool = True,
    heading: bool = False,
) -> None:
    """``cells`` (one list per row, plain text: no rich markup) under ``headers``; the first
    column is left-aligned. ``notes`` follow the table, then the machine line unless ``machine``
    is false (a table another follows); in markdown the title comes first if ``heading``."""
    if markdown:
        if heading:
            print(f"**{title}**\n")
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join("---" for _ in headers) + "|")
        for row in cells:
            print("| " + " | ".join(row) + " |")
        for note in notes:
            print(f"\n{note}")
        if machine:
            print(f"\n{machine_line()}")
        else:
            print()
        return
    table = Table(title=title)
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i == 0 else "right")
    for row in cells:
        table.add_row(*map(Text, row))
    console = Console()
    console.print(table)
    for note in notes:
        console.print(Text(note))
    if machine:
        console.print(Text(machine_line()))


def benchmark_parser(description: str, quick_help: str = "smaller workloads (a smoke run)") -> argparse.ArgumentParser:
    """A parser of the options every benchmark takes: ``--quick`` and ``--markdown``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    return parser


def benchmark_options(description: str, quick_help: str = "smaller workloads (a smoke run)") -> argparse.Namespace:
    """The options every benchmark takes: ``--quick`` and ``--markdown``."""
    return benchmark_parser(description, quick_help).parse_args()
