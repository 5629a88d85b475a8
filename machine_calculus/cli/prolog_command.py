"""``mcalc prolog FILE --query GOAL [--order prolog|fair] [--limit N] [--fuel N] [--json]
[--term]``: a pure Prolog query answered on the relational machine.

Answers print as SWI-Prolog's top level prints them (``X = [1, 2], Y = a.``; ``true.`` for an
answer without bindings, ``false.`` when there is none). Exit status 0 when the answers were
all found or the limit reached, 1 when the fuel ran out, 2 for bad input or an unsupported
feature (named, with its line).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.text import Text

from machine_calculus.cli.defaults import DEFAULT_FUEL

__all__ = ["add_prolog_parser", "command_prolog"]


def add_prolog_parser(sub: Any, natural: Any) -> None:
    p = sub.add_parser(
        "prolog",
        help="answer a pure Prolog query on the relational machine",
        description="Translate a pure Prolog program into the RMC and answer a query on the relational machine.",
    )
    p.add_argument("source", metavar="FILE", help="a .pl file (or the program text)")
    p.add_argument("--query", required=True, metavar="GOAL", help="the query, e.g. 'append(X, Y, [1, 2])'")
    p.add_argument(
        "--order",
        choices=["prolog", "fair"],
        default="prolog",
        help="prolog: depth-first, SWI-Prolog's answers in its order (default); fair: every answer, also "
        "where depth-first search loops",
    )
    p.add_argument("--limit", type=natural, default=None, metavar="N", help="stop after N answers")
    p.add_argument("--fuel", type=natural, default=DEFAULT_FUEL, help=f"machine steps (default {DEFAULT_FUEL:,})")
    p.add_argument("--json", action="store_true", help="print one JSON object (the stable contract)")
    p.add_argument("--term", action="store_true", help="print the RMC term the query becomes (ASCII) and stop")


def command_prolog(args: argparse.Namespace, out: Console, read_source: Any) -> int:
    from machine_calculus.calculus.rmc.printer import rmc_text
    from machine_calculus.embeddings.prolog.compiler import compile_query, parse_program, parse_query
    from machine_calculus.embeddings.prolog.run import solve_prolog

    text, name = read_source(args.source)
    program = parse_program(text, source=name)
    query = parse_query(args.query, source="--query")
    if args.term:
        term = compile_query(program, query)
        if args.json:
            print(json.dumps({"term": rmc_text(term, "ascii"), "term_unicode": rmc_text(term)}, ensure_ascii=False))
        else:
            out.print(Text(rmc_text(term, "ascii")), soft_wrap=True)
        return 0
    result = solve_prolog(program, query, order=args.order, limit=args.limit, fuel=args.fuel)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        for answer in result.answers:
            bindings = ", ".join(f"{v} = {t}" for v, t in answer.items())
            out.print(Text(f"{bindings or 'true'}{'.' if answer is result.answers[-1] and result.exhausted else ' ;'}"))
        if result.exhausted and not result.answers:
            out.print(Text("false."))
        elif result.out_of_fuel:
            out.print(Text(f"(out of fuel after {result.steps:,} steps: there may be more answers)", style="bold red"))
        elif not result.exhausted:
            out.print(Text("(stopped at the limit: there may be more answers)"))
    return 1 if result.out_of_fuel else 0
