"""``mcalc search``: the reachable terms that match a pattern (Maude's ``search``).

    mcalc search FILE|TERM --pattern P [--kind =>*|=>1|=>+|=>!] [--depth N] [--nodes N] [--limit N]
                 [--where C]... [--calculus fmc|rmc|trs] [--term T] [--json]
    mcalc search FILE.rmc|TERM --answers --pattern 'LOC: [t, ...]' [--stack LOC=t,...] [--fuel N] ...

Breadth-first over the calculus's one-step reducts (FMC III's, the RMC's, or a ``.trs`` file's
rules from ``--term T``); each solution is printed as it is found, with its bindings and a
shortest witness path, then how the search ended, naming the bound that stopped it. The pattern
is in the term's own syntax with ``?X`` metavariables (``[?N]?a.?M``). ``--answers`` searches an
RMC term's answers on the relational machine instead, by a pattern of their stacks. ``--where``
(repeatable, all must hold) is :func:`~machine_calculus.rewriting.search.parse_condition`'s
language: ``?X == ?Y``, ``?X != ?Y``, ``?X == TERM``, ``?M normal``, ``?x free in ?M``,
``?x not free in ?M``, joined by ``and``.

Exit status: 0 when a solution was found, 1 when none was (the last line says whether the search
was exhausted or which bound stopped it), 2 for bad input (a positioned error).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from machine_calculus.cli.defaults import add_max_output
from machine_calculus.cli.progress import progress

if TYPE_CHECKING:
    from machine_calculus.calculus.terms import Term
    from machine_calculus.rewriting.search import Search

__all__ = ["FLAGS", "add_search_parser", "command_search"]

DEFAULT_DEPTH = 100
DEFAULT_NODES = 10_000
DEFAULT_LIMIT = 100
DEFAULT_ANSWERS = 10_000  # answers of an RMC run looked at (--answers)
_TIME_SHARE = 0.9  # of --max-time: the search stops itself first, and says so with its solutions

#: how the command line names the search's bounds, in its messages
FLAGS = {
    "max_depth": "--depth",
    "max_nodes": "--nodes",
    "max_solutions": "--limit",
    "max_time": "--max-time",
    "fuel": "--fuel",
    "max_answers": "--max-answers",
}


def add_search_parser(sub: Any, natural: Callable[[str], int]) -> None:
    p = sub.add_parser(
        "search",
        help="search the reachable terms for those matching a pattern (like Maude's search)",
        description="Search breadth-first the terms reachable by the calculus's one-step reducts for those that "
        "match a pattern (?X metavariables), each with its bindings and a shortest witness path.",
    )
    p.add_argument("source", metavar="FILE|TERM", help="a .fmc, .rmc or .trs file, or a term")
    p.add_argument(
        "--pattern", required=True, metavar="P", help="the pattern, in the term's syntax with ?X metavariables"
    )
    p.add_argument(
        "--kind",
        choices=["=>*", "=>1", "=>+", "=>!"],
        default=None,
        help="=>* zero or more steps (default), =>1 exactly one, =>+ one or more, =>! normal forms",
    )
    p.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="C",
        help="a side condition on the match: '?X != ?Y', '?X == ?Y', '?M normal', '?x not free in ?M' (repeatable)",
    )
    p.add_argument(
        "--depth",
        type=natural,
        default=None,
        metavar="N",
        help=f"at most N steps from the start (default {DEFAULT_DEPTH})",
    )
    p.add_argument(
        "--nodes",
        type=natural,
        default=None,
        metavar="N",
        help=f"keep at most N distinct terms (default {DEFAULT_NODES:,}; 0: no bound)",
    )
    p.add_argument(
        "--limit",
        type=natural,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"stop after N solutions (default {DEFAULT_LIMIT}; 0: no bound)",
    )
    p.add_argument(
        "--calculus",
        choices=["fmc", "rmc", "trs"],
        default=None,
        help="default: rmc for .rmc files, trs for .trs files, else fmc",
    )
    p.add_argument(
        "--term", "--start", dest="start", metavar="T", default=None, help="trs: the start term (the source is the TRS)"
    )
    p.add_argument(
        "--answers",
        action="store_true",
        help="rmc: search the answers of the relational machine, by a pattern of their stacks ('λ: [s(?X)]  out: [?Y]')",
    )
    p.add_argument(
        "--stack", action="append", default=[], metavar="LOC=t1,...", help="--answers: an input stack, t1 on top"
    )
    p.add_argument(
        "--fuel", type=natural, default=None, metavar="N", help="--answers: at most N machine steps (default 1,000,000)"
    )
    p.add_argument(
        "--max-answers",
        type=natural,
        default=DEFAULT_ANSWERS,
        metavar="N",
        help=f"--answers: look at most at N answers (default {DEFAULT_ANSWERS:,}; 0: no bound)",
    )
    add_max_output(p, natural, "of each term printed (a solution, a binding, a step's term)")
    p.add_argument("--json", action="store_true", help="print one JSON object (the stable contract)")


def _calculus(args: argparse.Namespace, name: str) -> str:
    if args.calculus:
        return args.calculus
    return "rmc" if name.endswith(".rmc") else "trs" if name.endswith(".trs") else "fmc"


def command_search(
    args: argparse.Namespace, out: Console, read_source: Any, parse_stacks: Any, usage_error: type[Exception]
) -> int:
    from machine_calculus.rewriting.search import ConditionError

    text, name = read_source(args.source)
    calculus = _calculus(args, name)
    try:
        if args.answers:
            return _search_answers(args, text, name, calculus, out, parse_stacks, usage_error)
        return _search_terms(args, text, name, calculus, out, usage_error)
    except ConditionError as exc:
        raise usage_error(f"--where: {exc}") from None


def _readers(
    calculus: str, text: str, name: str, args: argparse.Namespace, usage_error: type[Exception]
) -> tuple[Any, Any, Any, Any]:
    """The start term, the rules, and the readers of the pattern and of a condition's terms."""
    if calculus == "trs":
        from machine_calculus.rewriting.search import parse_trs_term
        from machine_calculus.rewriting.trs import parse_trs

        if args.start is None:
            raise usage_error("a TRS search starts from a term: --term T (the source is the TRS)")
        trs = parse_trs(text, source=name)
        variables = trs.variables
        start = parse_trs_term(args.start, variables, source="--term")
        return (
            start,
            trs,
            lambda p: parse_trs_term(p, variables, patterns=True, source="--pattern"),
            lambda t, source: parse_trs_term(t, variables, source=source),
        )
    if args.start is not None:
        raise usage_error("--term is for a TRS (--calculus trs or a .trs file); otherwise the source is the start term")
    if calculus == "rmc":
        from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc, parse_rmc_pattern
        from machine_calculus.rewriting.rmc_rules import RMC

        def rmc_side(t: str, source: str) -> Any:
            from machine_calculus.calculus.errors import ParseError

            try:
                return parse_first_order(t, source)
            except ParseError:
                return parse_rmc(t, source)

        return parse_rmc(text, source=name), RMC, lambda p: parse_rmc_pattern(p, source="--pattern"), rmc_side
    from machine_calculus.calculus.fmc.parser import parse, parse_pattern
    from machine_calculus.rewriting.rules import FMC3

    return parse(text, source=name), FMC3, lambda p: parse_pattern(p, source="--pattern"), parse


def _condition(args: argparse.Namespace, known: list[str], parse_term: Any, steps: Any) -> Any:
    from machine_calculus.rewriting.search import parse_condition

    if not args.where:
        return None
    conditions = [
        parse_condition(c, known=known, parse_term=parse_term, steps=steps, source="--where") for c in args.where
    ]
    return lambda bindings: all(c(bindings) for c in conditions)


def _search_terms(
    args: argparse.Namespace, text: str, name: str, calculus: str, out: Console, usage_error: type[Exception]
) -> int:
    from machine_calculus.calculus.patterns import metavariables
    from machine_calculus.rewriting.search import Search, steps_of

    for flag, given in (("--stack", args.stack), ("--fuel", args.fuel is not None)):
        if given:
            raise usage_error(f"{flag} is for --answers (an RMC run's answers)")
    start, rules, read_pattern, read_term = _readers(calculus, text, name, args, usage_error)
    pattern = read_pattern(args.pattern)
    steps = steps_of(rules, start)
    where = _condition(args, metavariables(pattern), read_term, steps)
    with progress(out, "searching", enabled=not args.json) as update:
        search = Search(
            start,
            pattern,
            steps,
            kind=args.kind or "=>*",
            where=where,
            max_depth=DEFAULT_DEPTH if args.depth is None else args.depth,
            max_nodes=(args.nodes or None) if args.nodes is not None else DEFAULT_NODES,
            max_solutions=args.limit or None,
            max_time=args.max_time * _TIME_SHARE if args.max_time else None,
            progress=(lambda p: update(p.expanded, depth=p.depth, terms=p.terms, solutions=p.solutions))
            if update.shown
            else None,
        )
        return _print_search(args, search, calculus, start, out)


def _print_search(args: argparse.Namespace, search: Search, calculus: str, start: Term, out: Console) -> int:
    """The solutions as they are found, then how the search ended (or one JSON object)."""
    from machine_calculus.rewriting.search import solution_text, term_printer

    printer = term_printer(start)
    limit = args.max_output
    if args.json:
        result = search.result()
        payload = {"calculus": calculus, **result.to_json(limit)}
        payload["reason"] = result.reason(FLAGS)
        print(json.dumps(payload, ensure_ascii=False))
        return 0 if result.found else 1
    for count, solution in enumerate(search, 1):
        out.print(Text(solution_text(solution, count, printer, "ascii", limit)), soft_wrap=True)
        out.file.flush()
    result = search.result()
    out.print(Text(result.status_line(FLAGS), style="bold green" if result.found else "bold red"), soft_wrap=True)
    return 0 if result.found else 1


def _search_answers(
    args: argparse.Namespace,
    text: str,
    name: str,
    calculus: str,
    out: Console,
    parse_stacks: Any,
    usage_error: type[Exception],
) -> int:
    from machine_calculus.calculus.rmc.parser import parse_first_order, parse_rmc
    from machine_calculus.rewriting.search import (
        answer_match_text,
        parse_memory_pattern,
        pattern_metavariables,
        search_answers,
    )

    if calculus != "rmc":
        raise usage_error("--answers searches an RMC run's answers: an .rmc file or --calculus rmc")
    for flag, given in (
        ("--kind", args.kind),
        ("--depth", args.depth),
        ("--nodes", args.nodes),
        ("--term", args.start),
    ):
        if given is not None:
            raise usage_error(f"{flag} is for a search of reachable terms, not of --answers")
    term = parse_rmc(text, source=name)
    pattern = parse_memory_pattern(args.pattern, source="--pattern")
    memory = parse_stacks(args.stack, parse_first_order)
    where = _condition(args, pattern_metavariables(pattern), lambda t, source: parse_first_order(t, source), None)
    result = search_answers(
        term,
        pattern,
        memory,
        where=where,
        fuel=1_000_000 if args.fuel is None else args.fuel,
        max_answers=args.max_answers or None,
        max_solutions=args.limit or None,
    )
    if args.json:
        payload = {"calculus": "rmc", **result.to_json(args.max_output)}
        payload["reason"] = result.reason(FLAGS)
        print(json.dumps(payload, ensure_ascii=False))
        return 0 if result.found else 1
    for match in result.matches:
        out.print(Text(answer_match_text(match, args.max_output)), soft_wrap=True)
    out.print(Text(result.status_line(FLAGS), style="bold green" if result.found else "bold red"), soft_wrap=True)
    return 0 if result.found else 1
