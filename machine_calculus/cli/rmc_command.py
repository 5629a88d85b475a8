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
from machine_calculus.cli.defaults import DEFAULT_FUEL, DEFAULT_TRACE_FUEL
from machine_calculus.machine.rmc.small_step import Answers, solve, trace

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
    result = solve(term, memory, limit=args.limit, fuel=fuel, order=args.order)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _print_answers(result, out)
    return 1 if result.out_of_fuel else 0


def _print_answers(result: Answers, out: Console) -> None:
    for i, answer in enumerate(result, 1):
        out.print(Text(f"{i}. {answer}"))
    style = "bold red" if result.out_of_fuel else "bold green"
    out.print(Text(result.status_line(), style=style))


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
