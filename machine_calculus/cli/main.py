"""``mcalc``: run, trace and print machine-calculus terms.

    mcalc --version
    mcalc run FILE|TERM [--calculus fmc|rmc] [--stack LOC=v1,v2,...]... [--fuel N] [--trace] [--json]
                        [--machine fast|small-step] [--limit N] [--order fair|depth-first]
    mcalc print FILE|TERM [--calculus fmc|rmc] [--notation unicode|ascii|latex|all] [--sequenced] [--json]
    mcalc type FILE|TERM [--notation unicode|ascii|latex] [--derivation] [--json]
    mcalc while FILE [--set x=VALUE]... [--input v1,v2,...] [--fuel N] [--json] [--reference] [--term]
    mcalc prolog FILE [--query GOAL] [--order prolog|fair] [--limit N] [--fuel N] [--json] [--term]
    mcalc confluence FILE.trs [--json]
    mcalc reduce FILE|TERM [--calculus fmc|rmc|trs] [--term T] [--strategy S] [--fuel N] [--steps]
                 [--graph OUT.svg|OUT.dot] [--layout auto|dot|builtin] [--json]
    mcalc optimize FILE|TERM [--set x=VALUE]... [--stack LOC=v1,...] [--rounds N] [--json]
    mcalc search FILE|TERM --pattern P [--kind =>*|=>1|=>+|=>!] [--where C]... [--depth N] [--limit N] [--json]

Exit status: 0 for a completed run, 1 when a run is stuck or out of fuel, 2 for bad input or
usage (a message on stderr, never a traceback). ``--json`` prints one JSON object on stdout, also
for the outcomes that exit 1 (docs/json.md), never for bad input.

Start-up is kept short: building the parser imports only what its options name, and each
command imports its libraries when it runs (sympy, egglog and the machines load only for the
commands, options and values that need them; benchmarks/startup.py measures this).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

import machine_calculus
from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.fmc.printer import NOTATIONS
from machine_calculus.calculus.fmc.syntax import DEFAULT
from machine_calculus.cli.confluence_command import add_confluence_parser, command_confluence
from machine_calculus.cli.defaults import (
    DEFAULT_ANSWER_LIMIT,
    DEFAULT_FUEL,
    DEFAULT_MAX_BRANCHES,
    DEFAULT_MAX_DIGITS,
    DEFAULT_MAX_OUTPUT,
    DEFAULT_MAX_TIME,
    DEFAULT_TRACE_FUEL,
    add_max_output,
    calculus_of,
)
from machine_calculus.cli.prolog_command import add_prolog_parser, command_prolog
from machine_calculus.cli.rewrite_command import add_rewrite_parsers, command_optimize, command_reduce
from machine_calculus.cli.search_command import add_search_parser, command_search
from machine_calculus.cli.time_bound import TimeBoundReached, cpu_time_bound
from machine_calculus.cli.while_command import add_while_parser, command_while

if TYPE_CHECKING:
    from machine_calculus.calculus.fmc.syntax import Term
    from machine_calculus.calculus.fmc.types import TypingError
    from machine_calculus.machine.fmc.result import Result
    from machine_calculus.machine.fmc.small_step import Trace

__all__ = ["build_parser", "main"]


class UsageError(Exception):
    """Bad usage or input that is not a parse error: reported on stderr with exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcalc", description="Run and inspect terms of the machine calculi (FMC, RMC)."
    )
    parser.add_argument("--version", action="version", version=f"mcalc {machine_calculus.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser(
        "run",
        help="run a term on the machine",
        description="Run a term (or a .fmc or .rmc file): on the FMC machine, or on the relational machine (RMC).",
    )
    run.add_argument("source", metavar="FILE|TERM", help="a file of definitions ending with the term to run, or a term")
    run.add_argument(
        "--calculus", choices=["fmc", "rmc"], default=None, help="the calculus (default: rmc for .rmc files, else fmc)"
    )
    run.add_argument(
        "--stack",
        action="append",
        default=[],
        metavar="LOC=v1,v2,...",
        help="input stream on location LOC, v1 on top (λ is the default location); repeatable",
    )
    run.add_argument(
        "--fuel",
        type=_natural,
        default=None,
        help=f"at most N machine steps (default {DEFAULT_FUEL:,}; {DEFAULT_TRACE_FUEL:,} with --trace)",
    )
    run.add_argument(
        "--limit",
        type=_natural,
        default=None,
        metavar="N",
        help=f"RMC: stop after N answers (default {DEFAULT_ANSWER_LIMIT:,})",
    )
    run.add_argument(
        "--order",
        choices=["fair", "depth-first"],
        default="fair",
        help="RMC: the search order (fair: breadth-first over forks, the default; depth-first: Prolog's)",
    )
    run.add_argument(
        "--trace",
        action="store_true",
        help="show every step with its rule (FMC: the paper-faithful machine; RMC: the first answer's branch)",
    )
    run.add_argument("--json", action="store_true", help="print one JSON object (the stable contract)")
    run.add_argument(
        "--distribution",
        action="store_true",
        help="explore every coin drawn from rnd and print the exact output distribution",
    )
    run.add_argument("--all", action="store_true", help="take every choice drawn from nd and print every outcome")
    run.add_argument(
        "--symbolic",
        action="store_true",
        help="symbolic execution: fork where a branch depends on $symbols; print each path and its condition",
    )
    run.add_argument(
        "--max-draws",
        type=_natural,
        default=20,
        metavar="N",
        help="with --distribution/--all: follow at most N draws per branch (default 20)",
    )
    run.add_argument(
        "--max-branches",
        type=_natural,
        default=DEFAULT_MAX_BRANCHES,
        metavar="N",
        help=f"with --distribution/--all: run at most N branches (default {DEFAULT_MAX_BRANCHES:,}; 0: no bound)",
    )
    run.add_argument(
        "--max-digits",
        type=_natural,
        default=DEFAULT_MAX_DIGITS,
        metavar="N",
        help=f"stop (stuck) when arithmetic gives an integer of more than N digits (default {DEFAULT_MAX_DIGITS:,}; 0: no bound)",
    )
    add_max_output(
        run,
        _natural,
        "of the final memory (RMC: of each answer; with --trace also of each step's term and memory)",
    )
    run.add_argument(
        "--machine",
        choices=["fast", "small-step"],
        default="fast",
        help="without --trace: the compiled fast run (default) or the paper-faithful small-step machine",
    )

    show = sub.add_parser(
        "print", help="parse and pretty-print a term", description="Parse a term or file and print it in each notation."
    )
    show.add_argument("source", metavar="FILE|TERM")
    show.add_argument(
        "--calculus", choices=["fmc", "rmc"], default=None, help="the calculus (default: rmc for .rmc files, else fmc)"
    )
    show.add_argument("--notation", choices=[*NOTATIONS, "all"], default="all", help="which notation (default: all)")
    show.add_argument(
        "--sequenced", action="store_true", help="first apply the papers' inductive sequencing (normal form)"
    )
    show.add_argument("--json", action="store_true", help="print one JSON object: the term in every notation")
    typing = sub.add_parser(
        "type",
        help="infer the principal simple type of a term",
        description="Infer the principal simple type of a term (exit 1 when it has none).",
    )
    typing.add_argument("source", metavar="FILE|TERM")
    typing.add_argument("--notation", choices=list(NOTATIONS), default="unicode", help="default: unicode")
    typing.add_argument("--json", action="store_true", help="print one JSON object (ASCII and Unicode types)")
    typing.add_argument(
        "--derivation",
        action="store_true",
        help="print the typing derivation (text; with --notation latex, mathpartir LaTeX; with --json, in the JSON)",
    )
    add_while_parser(sub, _natural)
    add_prolog_parser(sub, _natural)
    add_confluence_parser(sub)
    add_rewrite_parsers(sub, _natural)
    add_search_parser(sub, _natural)
    for command in sub.choices.values():
        command.add_argument(
            "--max-time",
            type=_natural,
            default=DEFAULT_MAX_TIME,
            metavar="S",
            help=f"stop after S seconds of CPU time (default {DEFAULT_MAX_TIME}; 0: no bound)",
        )
    return parser


def _natural(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def read_source(source: str) -> tuple[str, str]:
    """``(text, name)`` of a FILE|TERM argument: an existing file is read, a directory is bad
    input, a missing name with a source file's suffix (``.fmc``, ``.while``, ...) is "no such
    file", and anything else is a term (``1/2``, ``[x]``)."""
    path = Path(source)
    looks_like_file = path.suffix in SOURCE_SUFFIXES and not any(ch in source for ch in TERM_CHARACTERS)
    try:
        if path.is_dir():
            raise UsageError(f"{source} is a directory, not a file or a term")
        if path.is_file():
            return path.read_text(encoding="utf-8"), source
    except OSError as exc:  # e.g. a term too long to be a file name
        if looks_like_file:
            raise UsageError(f"cannot read {source}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{source} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    if looks_like_file:
        raise UsageError(f"no such file: {source}")
    return source, "<term>"


SOURCE_SUFFIXES = frozenset({".fmc", ".rmc", ".while", ".pl", ".trs"})
TERM_CHARACTERS = "[<⟨;λ\\ "


def split_values(text: str) -> list[str]:
    """Split ``v1,v2,...`` at commas outside brackets, parentheses and strings."""
    values, depth, current, in_string, escaped = [], 0, [], False, False
    for ch in text:
        if in_string:
            current.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[(⟨<":
            depth += 1
        elif ch in "])⟩>":
            depth -= 1
        elif ch == "," and depth == 0:
            values.append("".join(current))
            current = []
            continue
        current.append(ch)
    values.append("".join(current))
    return values


def parse_stacks(specs: Sequence[str], parse_value: Callable[..., Term] | None = None) -> dict[str, tuple[Term, ...]]:
    """``--stack LOC=v1,v2`` options as a memory (bottom to top: v1 ends on top), each value read
    by ``parse_value(text, source=...)`` (by default the FMC's parser)."""
    if parse_value is None:
        from machine_calculus.calculus.fmc.parser import parse as parse_value
    memory: dict[str, tuple[Term, ...]] = {}
    for spec in specs:
        location, eq, values = spec.partition("=")
        location = location.strip() or DEFAULT
        if not eq:
            raise UsageError(f"--stack expects LOC=v1,v2,... (got {spec!r})")
        if location in memory:
            raise UsageError(f"--stack gives location {location} twice")
        items = [v for v in split_values(values)] if values.strip() else []
        terms = [parse_value(v.strip(), source=f"--stack {location}=…value {i + 1}") for i, v in enumerate(items)]
        memory[location] = tuple(reversed(terms))
    return memory


def command_run(args: argparse.Namespace, out: Console) -> int:
    text, name = read_source(args.source)
    calculus = calculus_of(args.calculus, name)
    if calculus == "rmc":
        from machine_calculus.cli.rmc_command import command_rmc

        return command_rmc(args, text, name, out, parse_stacks, UsageError)
    if args.limit is not None or args.order != "fair":
        raise UsageError("--limit and --order are for the RMC (--calculus rmc)")
    from machine_calculus.calculus.fmc.parser import parse

    term = parse(text, source=name)
    memory = parse_stacks(args.stack)
    if args.symbolic:
        return _symbolic(args, term, memory, out)
    if args.distribution or args.all:
        return _explore(args, term, memory, out)
    if args.trace:
        from machine_calculus.machine.fmc import small_step

        trace = small_step.run_traced(term, memory, fuel=args.fuel if args.fuel is not None else DEFAULT_TRACE_FUEL)
        result = trace.result
        if args.json:
            payload = result.to_json(args.max_output)
            payload["trace"] = _trace_json(trace, args.max_output)
            print(json.dumps(payload, ensure_ascii=False))
        else:
            from machine_calculus.machine.fmc.render import trace_table

            out.print(trace_table(trace))  # the table's caption says how the run ended
            _print_memory(result.memory, out, args.max_output)
    else:
        fuel = args.fuel if args.fuel is not None else DEFAULT_FUEL
        if args.machine == "fast":
            from machine_calculus.cli.progress import progress
            from machine_calculus.machine.fmc.fast import run

            with progress(out, "running", total=fuel, enabled=not args.json) as update:
                result = run(term, memory, fuel=fuel, report=update.steps())
        else:
            result = _runner(args.machine)(term, memory, fuel=fuel)
        if args.json:
            print(json.dumps(result.to_json(args.max_output), ensure_ascii=False))
        else:
            _print_result(result, out, args.max_output)
    return 0 if result.done else 1


def _runner(machine: str) -> Callable[..., Result]:
    """``run`` of the ``--machine``: the fast run or the small-step machine."""
    if machine == "fast":
        from machine_calculus.machine.fmc.fast import run
    else:
        from machine_calculus.machine.fmc.small_step import run
    return run


def _explore(args: argparse.Namespace, term: Term, memory: dict[str, tuple[Term, ...]], out: Console) -> int:
    """``--distribution`` (rnd, exact probabilities) or ``--all`` (nd, every outcome)."""
    if args.distribution and args.all:
        raise UsageError("--distribution and --all cannot be combined")
    if args.trace:
        raise UsageError("--trace shows one run; it cannot be combined with --distribution or --all")
    from machine_calculus.machine.fmc import effects

    fuel = args.fuel if args.fuel is not None else DEFAULT_FUEL
    runner = _runner(args.machine)
    bound = args.max_branches or None
    stopped = f"stopped after {args.max_branches:,} branches: --max-branches N for more"
    if args.distribution:
        dist = effects.distribution(
            term, memory, "rnd", fuel=fuel, max_draws=args.max_draws, run=runner, max_branches=bound
        )
        if args.json:
            payload = dist.to_json()
            if dist.branches_left:
                payload["truncated"] = True
                payload["truncation"] = stopped
            print(json.dumps(payload, ensure_ascii=False))
        else:
            for p, result in dist.entries:
                out.print(Text(f"{p!s:>8}  {_outcome_text(result)}"))
            if dist.branches_left:
                out.print(Text(f"{stopped} ({dist.branches_left:,} branches not run)", style="bold yellow"))
            if dist.unexplored:
                why = f"more than {args.max_draws} draws" + (", or not run" if dist.branches_left else "")
                out.print(Text(f"unexplored ({why}): {dist.unexplored}"))
        return 0 if all(r.done for _, r in dist.entries) and not dist.branches_left else 1
    left: list[tuple[bool, ...]] = []
    found = effects.outcomes(
        term, memory, "nd", fuel=fuel, max_draws=args.max_draws, run=runner, max_branches=bound, left_off=left
    )
    if args.json:
        payload: dict[str, object] = {"outcomes": [r.to_json() for r in found]}
        if left:
            payload["truncated"] = True
            payload["truncation"] = stopped
        print(json.dumps(payload, ensure_ascii=False))
    else:
        for result in found:
            out.print(Text(_outcome_text(result)))
        if left:
            out.print(Text(f"{stopped} ({len(left):,} branches not run)", style="bold yellow"))
    return 0 if all(r.done for r in found) and not left else 1


def _symbolic(args: argparse.Namespace, term: Term, memory: dict[str, tuple[Term, ...]], out: Console) -> int:
    """``--symbolic``: every path of the run, each with its path condition."""
    if args.trace or args.distribution or args.all:
        raise UsageError("--symbolic cannot be combined with --trace, --distribution or --all")
    import sympy

    from machine_calculus.machine.fmc import symbolic

    explored = symbolic.explore(term, memory, fuel=args.fuel if args.fuel is not None else DEFAULT_FUEL)
    if args.json:
        print(json.dumps(explored.to_json(), ensure_ascii=False))
    else:
        for path in explored.paths:
            out.print(Text(f"when {sympy.sstr(path.condition)}:  {_outcome_text(path.result)}"))
        if explored.truncated:
            out.print(Text(f"(stopped after {len(explored.paths)} paths)"))
    return 0 if all(p.result.done for p in explored.paths) and not explored.truncated else 1


def _outcome_text(result: Result) -> str:
    from machine_calculus.machine.render import memory_text

    memory = memory_text(result.memory, width=10_000)
    if result.done and not result.memory:
        return f"done, exit {result.exit_text()}"
    if result.done:
        return memory if result.exit_text() == "*" else f"{memory}  (exit {result.exit_text()})"
    return f"{memory}  ({result.status.replace('_', ' ')}: {result.reason})"


TRACE_OUTPUT_FACTOR = 100  # a JSON trace prints terms of at most 100 x --max-output characters in all


def _trace_json(trace: Trace, max_output: int) -> list[dict[str, Any]]:
    """The steps of a trace as JSON (:func:`~machine_calculus.machine.memory.bounded_step_json`:
    each step's term and memory within ``max_output`` characters); once the steps have printed
    ``TRACE_OUTPUT_FACTOR * max_output`` characters, later steps give only their rule (and
    ``"cut": true``)."""
    from machine_calculus.calculus.fmc.printer import to_ascii
    from machine_calculus.machine.memory import bounded_step_json

    steps: list[dict[str, Any]] = []
    left = TRACE_OUTPUT_FACTOR * max_output
    for tr in trace.transitions:
        if left <= 0:
            steps.append({"rule": tr.rule, "cut": True})
            continue
        step = bounded_step_json(tr.rule, tr.state.term, tr.state.stacks(), max_output, to_ascii, to_ascii)
        left -= len(step["term"]) + sum(len(text) for stack in step["stacks"].values() for text in stack)
        steps.append(step)
    return steps


def _print_result(result: Result, out: Console, max_output: int = DEFAULT_MAX_OUTPUT) -> None:
    from machine_calculus.calculus.fmc.printer import pretty
    from machine_calculus.calculus.terms import dag_size_text

    if result.done:
        out.print(Text(f"done after {result.steps} steps, exit {result.exit_text()}", style="bold green"))
    else:
        status = f"{result.status.replace('_', ' ')} after {result.steps} steps: {result.reason}"
        out.print(Text(result.reason if result.status == "out_of_fuel" and result.reason else status, style="bold red"))
        if result.term is not None:
            at = pretty(result.term, "unicode", 2000)
            if len(at) > 2000:
                at = f"{at[:1999]}… (cut at 2,000 characters: {dag_size_text(result.term)})"
            out.print(Text("at term: " + at))
    _print_memory(result.memory, out, max_output)


def _print_memory(memory: dict[str, tuple[Term, ...]], out: Console, max_output: int) -> None:
    """A final memory within ``max_output`` characters, and when it was cut, a line saying so."""
    from machine_calculus.machine.memory import truncation_message
    from machine_calculus.machine.render import bounded_memory_text

    text, cut = bounded_memory_text(memory, width=max_output)
    out.print(Text(text))
    if cut:
        out.print(Text(truncation_message(memory, max_output), style="bold yellow"))


def command_print(args: argparse.Namespace, out: Console) -> int:
    text, name = read_source(args.source)
    rmc = calculus_of(args.calculus, name) == "rmc"
    if rmc:
        if args.sequenced:
            raise UsageError("--sequenced is the FMC's sequencing; an RMC term prints as it is")
        from machine_calculus.calculus.rmc.parser import parse_rmc
        from machine_calculus.calculus.rmc.printer import rmc_text

        term = parse_rmc(text, source=name)
        printer = rmc_text
        names = list(NOTATIONS) if args.notation == "all" else [args.notation]
    else:
        from machine_calculus.calculus.fmc.parser import parse
        from machine_calculus.calculus.fmc.printer import pretty

        term = parse(text, source=name)
        if args.sequenced:
            from machine_calculus.calculus.fmc.sequencing import normalize

            term = normalize(term)
        printer = pretty
        names = list(NOTATIONS) if args.notation == "all" else [args.notation]
    if args.json:
        shown = {n: printer(term, n) for n in ("ascii", "unicode", "latex")}
        payload = {"calculus": "rmc" if rmc else "fmc", "sequenced": args.sequenced, **shown}
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    for notation in names:
        rendered = printer(term, notation)
        out.print(Text(f"{notation}: {rendered}" if len(names) > 1 else rendered), soft_wrap=True)
    return 0


def command_type(args: argparse.Namespace, out: Console) -> int:
    from machine_calculus.calculus.fmc.parser import parse
    from machine_calculus.calculus.fmc.types import TypingError, infer, pretty_type

    text, name = read_source(args.source)
    term = parse(text, source=name)
    try:
        typing = infer(term)
    except TypingError as exc:
        if args.json:
            print(json.dumps(_untypable_json(exc), ensure_ascii=False))
        else:
            out.print(Text(f"untypable: {exc}"))
        return 1
    from machine_calculus.calculus.fmc.derivations import derivation_latex, derivation_text, derive

    derivation = derive(term) if args.derivation else None
    if args.json:
        free = sorted(typing.free.items())
        payload = {
            "typable": True,
            "type": pretty_type(typing.type, "ascii"),
            "type_unicode": pretty_type(typing.type, "unicode"),
            "free": {x: pretty_type(t, "ascii") for x, t in free},
            "free_unicode": {x: pretty_type(t, "unicode") for x, t in free},
            "error": None,
        }
        if derivation is not None:
            payload["derivation"] = derivation_text(derivation, "ascii")
            payload["derivation_latex"] = derivation_latex(derivation)
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    if derivation is not None:
        shown = derivation_latex(derivation) if args.notation == "latex" else derivation_text(derivation, args.notation)
        out.print(Text(shown), soft_wrap=True)
        return 0
    for variable, t in sorted(typing.free.items()):
        out.print(Text(f"{variable} : {pretty_type(t, args.notation)}"))
    out.print(Text(pretty_type(typing.type, args.notation)), soft_wrap=True)
    return 0


def _untypable_json(exc: TypingError) -> dict[str, object]:
    """``mcalc type --json`` of an untypable term: the message, and the sub-term it is about."""
    from machine_calculus.calculus.fmc.printer import pretty

    at = exc.term
    error = {
        "message": exc.message,
        "term": None if at is None else pretty(at, "ascii"),
        "term_unicode": None if at is None else pretty(at, "unicode"),
    }
    return {"typable": False, "type": None, "type_unicode": None, "free": {}, "free_unicode": {}, "error": error}


def _command_while(args: argparse.Namespace, out: Console) -> int:
    return command_while(args, out, read_source, UsageError, split_values)


def _command_prolog(args: argparse.Namespace, out: Console) -> int:
    return command_prolog(args, out, read_source)


def _command_confluence(args: argparse.Namespace, out: Console) -> int:
    return command_confluence(args, out, read_source)


def _command_reduce(args: argparse.Namespace, out: Console) -> int:
    return command_reduce(args, out, read_source, UsageError)


def _command_optimize(args: argparse.Namespace, out: Console) -> int:
    return command_optimize(args, out, read_source, parse_stacks, UsageError)


COMMANDS = {
    "run": command_run,
    "print": command_print,
    "type": command_type,
    "while": _command_while,
    "prolog": _command_prolog,
    "confluence": _command_confluence,
    "reduce": _command_reduce,
    "optimize": _command_optimize,
    "search": lambda args, out: command_search(args, out, read_source, parse_stacks, UsageError),
}


def _dispatch(args: argparse.Namespace, out: Console) -> int:
    """Run the command, under the integer-size budget of ``--max-digits`` where it has one."""
    digits = getattr(args, "max_digits", None)
    if digits is None:
        return COMMANDS[args.command](args, out)
    from machine_calculus.machine.fmc.primitives import digit_budget

    with digit_budget(digits or None):
        return COMMANDS[args.command](args, out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = Console(highlight=False, soft_wrap=True)
    # Literals are bounded by the parsers (calculus/numerals.py) and results by the size budget
    # (--max-digits); a result is printed in full, so Python's int-str limit (4,300 digits) is
    # lifted while we run, and put back after.
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        with cpu_time_bound(args.max_time):
            return _dispatch(args, out)
    except TimeBoundReached as reached:
        out.file.flush()
        reason = f"stopped after {reached.seconds:g} s of CPU time: --max-time S for more"
        if getattr(args, "json", False):  # the one JSON object the contract promises, for this outcome too
            print(json.dumps({"status": "out_of_time", "reason": reason}))
        print(f"mcalc: {reason}", file=sys.stderr)
        return 1
    except ParseError as exc:
        print(f"mcalc: {exc}", file=sys.stderr)
    except UsageError as exc:
        print(f"mcalc: {exc}", file=sys.stderr)
    except RecursionError:  # pragma: no cover - every traversal is iterative; a last line of defence
        print("mcalc: the term is nested too deeply for this operation", file=sys.stderr)
    except MemoryError:  # pragma: no cover
        print("mcalc: out of memory", file=sys.stderr)
    except KeyboardInterrupt:  # pragma: no cover
        print("mcalc: interrupted", file=sys.stderr)
        return 130
    finally:
        sys.set_int_max_str_digits(limit)
    return 2
