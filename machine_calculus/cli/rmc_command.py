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
from machine_calculus.cli.progress import progress, stream_in_stretches
from machine_calculus.machine.memory import bounded_step_json, truncation_message
from machine_calculus.machine.render import bounded_memory_text
from machine_calculus.machine.rmc.compiled import Search, solve
from machine_calculus.machine.rmc.small_step import Answer, Answers, trace

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
        payload = result.to_json(args.max_output)
        if args.limit is None and len(result) >= limit and not result.exhausted:
            payload["truncated"] = True
            payload["truncation"] = answer_limit_message(limit)
        print(json.dumps(payload, ensure_ascii=False))
        return 1 if result.out_of_fuel else 0
    search = Search(term, memory, fuel=fuel, order=args.order)
    return _stream_answers(search, fuel, limit, args.limit is None, args.max_output, out)


def _stream_answers(search: Search, fuel: int, limit: int, default_limit: bool, max_output: int, out: Console) -> int:
    """Print each answer as it is found (a search may go on for long, or for ever), up to
    ``limit``, each within ``max_output`` characters, with the steps and answers so far on a
    progress line (on a terminal); then how the search ended. Answers are printed and dropped
    (a stream of growing answers is not kept)."""
    count = 0
    if limit > 0:
        with progress(out, "searching", total=fuel) as update:
            for answer in stream_in_stretches(search, fuel, update):
                count += 1
                out.print(Text(f"{count}. {_answer_text(answer, max_output, out)}"))
                out.file.flush()
                if count >= limit:
                    break
    result = Answers((), search.exhausted, search.steps, search.out_of_fuel)
    style = "bold red" if result.out_of_fuel else "bold green"
    line = result.status_line(count)
    if default_limit and count >= limit and not result.exhausted:
        line = f"{line}; {answer_limit_message(limit)}"
    out.print(Text(line, style=style))
    return 1 if result.out_of_fuel else 0


def _answer_text(answer: Answer, max_output: int, out: Console) -> str:
    """An answer as one line within ``max_output`` characters; when it was cut, the line after
    it says so (the bound is per answer)."""
    if not answer.memory:
        return str(answer)
    text, cut = bounded_memory_text(answer.memory, width=max_output, printer=term_text)
    if cut:
        message = truncation_message(answer.memory, max_output, "the answer's terms", " per answer")
        return f"{text}\n   ({message})"
    return text


def _traced(args: argparse.Namespace, term: Term, memory: dict[str, tuple[Term, ...]], out: Console) -> int:
    fuel = args.fuel if args.fuel is not None else DEFAULT_TRACE_FUEL
    first = solve(term, memory, limit=1, fuel=fuel, order=args.order)
    branch = trace(term, memory, path=first[0].path if first.answers else (), fuel=fuel)
    if args.json:
        payload: dict[str, Any] = first.to_json(args.max_output)
        payload["trace"] = [
            bounded_step_json(
                s.label(), s.state.current_term(), s.state.stacks(), args.max_output, _ascii_text, term_text
            )
            for s in branch.steps
        ]
        payload["branch"] = branch.status
        print(json.dumps(payload, ensure_ascii=False))
    else:
        from machine_calculus.machine.rmc.render import trace_table

        out.print(trace_table(branch))
    return 1 if branch.status == "out_of_fuel" else 0


def _ascii_text(term: Term, limit: int | None) -> str:
    """An RMC term in ASCII notation, at most ``limit + 1`` characters."""
    return rmc_text(term, "ascii", limit)
