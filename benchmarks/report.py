"""One way to print a benchmark's table: markdown for docs/performance.md, or a rich table."""

from __future__ import annotations

import platform

from rich.console import Console
from rich.table import Table


def print_table(title: str, headers: list[str], cells: list[list[str]], markdown: bool) -> None:
    """``cells`` (one list per row) under ``headers``; the first column is left-aligned."""
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
        table.add_row(*row)
    Console().print(table)
