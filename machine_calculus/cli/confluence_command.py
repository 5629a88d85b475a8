"""``mcalc confluence FILE.trs [--json]``: YES, NO or MAYBE on the first line, then the evidence."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.text import Text

__all__ = ["add_confluence_parser", "command_confluence"]


def add_confluence_parser(sub: Any) -> None:
    p = sub.add_parser(
        "confluence",
        help="decide confluence of a first-order TRS (YES, NO or MAYBE)",
        description="Check confluence of a TRS in the Confluence Competition's format: YES, NO (with a witness) "
        "or MAYBE, on the first line; never a wrong YES or NO.",
    )
    p.add_argument("source", metavar="FILE", help="a .trs file (or its text)")
    p.add_argument("--json", action="store_true", help="print one JSON object (the stable contract)")


def command_confluence(args: argparse.Namespace, out: Console, read_source: Any) -> int:
    from machine_calculus.cli.progress import progress
    from machine_calculus.rewriting.confluence import check_confluence
    from machine_calculus.rewriting.trs import parse_trs

    text, name = read_source(args.source)
    trs = parse_trs(text, source=name)
    with progress(out, "critical pairs", enabled=not args.json) as update:
        verdict = check_confluence(trs, report=lambda checked, total: update(checked, checked=checked, pairs=total))
    if args.json:
        print(json.dumps(verdict.to_json(), ensure_ascii=False))
    else:
        out.print(Text(verdict.text()), soft_wrap=True)
    return 0
