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

from machine_calculus.cli.defaults import (
    DEFAULT_ANSWER_LIMIT,
    DEFAULT_FUEL,
    add_max_output,
    answer_limit_message,
)

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
    p.add_argument(
        "--limit",
        type=natural,
        default=None,
        metavar="N",
        help=f"stop after N answers (default {DEFAULT_ANSWER_LIMIT:,})",
    )
    p.add_argument("--fuel", type=natural, default=DEFAULT_FUEL, help=f"machine steps (default {DEFAULT_FUEL:,})")
    add_max_output(p, natural, "of each answer's bindings")
    p.add_argument("--json", action="store_true", help="print one JSON object (the stable contract)")
    p.add_argument("--term", action="store_true", help="print the RMC term the query becomes (ASCII) and stop")


def command_prolog(args: argparse.Namespace, out: Console, read_source: Any) -> int:
    from machine_calculus.calculus.rmc.printer import rmc_text
    from machine_calculus.embeddings.prolog.compiler import compile_query, parse_program, parse_query
    from machine_calculus.embeddings.prolog.run import answers, bindings_truncation, bounded_bindings, solve_prolog

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
    limit = args.limit if args.limit is not None else DEFAULT_ANSWER_LIMIT
    if args.json:
        result = solve_prolog(program, query, order=args.order, limit=limit, fuel=args.fuel, max_output=args.max_output)
        payload = result.to_json()
        if args.limit is None and len(result.answers) >= limit and not result.exhausted:
            payload["truncated"] = True
            payload["truncation"] = "; ".join(
                [answer_limit_message(limit), *([result.cut_text()] if result.cut else [])]
            )
        print(json.dumps(payload, ensure_ascii=False))
        return 1 if result.out_of_fuel else 0
    # each answer is printed as it is found, ending with " ;" until the search says it was the last
    search = answers(program, query, order=args.order, fuel=args.fuel)
    previous: tuple[str, str] | None = None  # the last answer's text, and the line saying it was cut
    count = 0
    if limit > 0:
        for answer in search:
            if previous is not None:
                _print_answer(out, *previous, " ;")
            bindings, cut = bounded_bindings(query, answer, args.max_output)
            count += 1
            note = f"% {bindings_truncation(answer, args.max_output, count)}" if cut else ""
            previous = (", ".join(f"{v} = {t}" for v, t in bindings.items()) or "true", note)
            if count >= limit:
                break
    if previous is not None:
        _print_answer(out, *previous, "." if search.exhausted else " ;")
    if search.exhausted and count == 0:
        out.print(Text("false."))
    elif search.out_of_fuel:
        out.print(Text(f"(out of fuel after {search.steps:,} steps: there may be more answers)", style="bold red"))
    elif not search.exhausted:
        if args.limit is None:
            out.print(Text(f"({answer_limit_message(limit)})"))
        else:
            out.print(Text("(stopped at the limit: there may be more answers)"))
    return 1 if search.out_of_fuel else 0


def _print_answer(out: Console, text: str, note: str, end: str) -> None:
    """An answer as SWI-Prolog prints it, ending with ``end``; ``note`` (the line saying the
    answer was cut at ``--max-output``) on the next line."""
    out.print(Text(f"{text}{end}"))
    if note:
        out.print(Text(note, style="bold yellow"))
    out.file.flush()
