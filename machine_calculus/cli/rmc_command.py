"""``mcalc run --calculus rmc FILE|TERM [--stack LOC=t1,t2]... [--limit N] [--fuel N]
[--order fair|depth-first] [--trace] [--json]``: the answers of an RMC term.

A ``.rmc`` file (definitions ``name = term``, then the term to run) is run as RMC without
``--calculus``. ``--stack`` values are first-order terms; identifiers starting with ``_`` are
variables (as answers print fresh ones), so an answer can be fed back, e.g. to the converse.
``--trace`` shows the branch that gave the first answer (or the leftmost branch when none did).
Exit status 0 when the stream was exhausted or the limit reached, 1 when the fuel ran out.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.text import Text

from machine_calculus.calculus.rmc.firstorder import term_text
from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.terms import Term
from machine_calculus.cli.defaults import (
    DEFAULT_ANSWER_LIMIT,
    DEFAULT_FUEL,
    DEFAULT_TRACE_FUEL,
    answer_limit_message,
)
from machine_calculus.machine.rmc.small_step import Answer, Answers, Search, solve, trace

__all__ = ["command_rmc"]


def command_rmc(
    args: argparse.Namespace, text: str, name: str, out: Console, parse_stacks: Any, error: type[Exception]
) -> int:
    """Run an RMC term and print its answers (or one traced branch). ``parse_stacks(specs,
    parse_value)`` reads the ``--stack`` options; ``error`` is the command line's usage error."""
    for flag in ("symbolic", "distribution", "all"):
        if getattr(args, flag):
            raise error(f"--{flag} is for the FMC; the RMC's run already gives every answer")
    if args.machine != "fast":
        raise error("--machine is for the FMC; the RMC has one machine")
    term = parse_rmc(text, source=name)
    memory = parse_stacks(args.stack, parse_first_order)
    if args.trace:
        return _traced(args, term, memory, out)
    fuel = args.fuel if args.fuel is not None else DEFAULT_FUEL
    limit = args.limit if args.limit is not None else DEFAULT_ANSWER_LIMIT
    if args.json:
        result = solve(term, memory, limit=limit, fuel=fuel, order=args.order)
        payload = result.to_json()
        if args.limit is None and len(result) >= limit and not result.exhausted:
            payload["truncated"] = True
            payload["truncation"] = answer_limit_message(limit)
        print(json.dumps(payload, ensure_ascii=False))
        return 1 if result.out_of_fuel else 0
    return _stream_answers(Search(term, memory, fuel=fuel, order=args.order), limit, args.limit is None, out)


def _stream_answers(search: Search, limit: int, default_limit: bool, out: Console) -> int:
    """Print each answer as it is found (a search may go on for long, or for ever), up to
    ``limit``; then how the search ended."""
    found: list[Answer] = []
    if limit > 0:
        for answer in search:
            found.append(answer)
            out.print(Text(f"{len(found)}. {answer}"))
            out.file.flush()
            if len(found) >= limit:
                break
    result = Answers(tuple(found), search.exhausted, search.steps, search.out_of_fuel)
    style = "bold red" if result.out_of_fuel else "bold green"
    line = result.status_line()
    if default_limit and len(found) >= limit and not result.exhausted:
        line = f"{line}; {answer_limit_message(limit)}"
    out.print(Text(line, style=style))
    return 1 if result.out_of_fuel else 0


def _traced(args: argparse.Namespace, term: Term, memory: dict[str, tuple[Term, ...]], out: Console) -> int:
    fuel = args.fuel if args.fuel is not None else DEFAULT_TRACE_FUEL
    first = solve(term, memory, limit=1, fuel=fuel, order=args.order)
    branch = trace(term, memory, path=first[0].path if first.answers else (), fuel=fuel)
    if args.json:
        payload: dict[str, Any] = first.to_json()
        payload["trace"] = [_step_json(s.label(), s.state) for s in branch.steps]
        payload["branch"] = branch.status
        print(json.dumps(payload, ensure_ascii=False))
    else:
        from machine_calculus.machine.rmc.render import trace_table

        out.print(trace_table(branch))
    return 1 if branch.status == "out_of_fuel" else 0


def _step_json(rule: str, state: Any) -> dict[str, Any]:
    return {
        "rule": rule,
        "term": rmc_text(state.current_term(), "ascii"),
        "stacks": {loc: [term_text(t) for t in items] for loc, items in state.stacks().items()},
    }
