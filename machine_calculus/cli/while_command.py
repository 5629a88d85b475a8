"""``mcalc while FILE [--set x=VALUE]... [--input v1,v2,...] [--fuel N] [--json] [--term | --type]``.

Runs a While program through its compilation to FMC III on the machine (``--reference``: the
reference interpreter instead). A ``--set`` value is a While expression (``3``, ``"s"``,
``True``, ``Cons(1, Nil)``, ``1/2``) or a symbolic constant ``$x``; with symbolic inputs the run
is symbolic and prints one result per path with its path condition.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from machine_calculus.cli.defaults import DEFAULT_MAX_DIGITS, DEFAULT_WHILE_FUEL, add_max_output

if TYPE_CHECKING:
    from machine_calculus.embeddings.imperative.interpreter import Outcome
    from machine_calculus.embeddings.imperative.syntax import DataType, Program, Value

__all__ = ["add_while_parser", "command_while", "initial_store"]


def add_while_parser(sub: Any, natural: Any) -> None:
    p = sub.add_parser(
        "while",
        help="run a While program (compiled to FMC III)",
        description="Run a While program: compiled to FMC III and run on the machine.",
    )
    p.add_argument("source", metavar="FILE", help="a .while file (or the program text)")
    p.add_argument("--set", action="append", default=[], metavar="x=VALUE", help="initial value of x; repeatable")
    p.add_argument("--input", default=None, metavar="v1,v2,...", help="the stream input() reads, v1 first")
    p.add_argument(
        "--fuel", type=natural, default=DEFAULT_WHILE_FUEL, help=f"machine steps (default {DEFAULT_WHILE_FUEL:,})"
    )
    p.add_argument(
        "--max-digits",
        type=natural,
        default=DEFAULT_MAX_DIGITS,
        metavar="N",
        help=f"stop (stuck) when arithmetic gives an integer of more than N digits (default {DEFAULT_MAX_DIGITS:,}; 0: no bound)",
    )
    add_max_output(
        p,
        natural,
        "of the run's values: the exception's payload, the output and the final store together (per path when symbolic)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object (the stable contract)")
    p.add_argument("--reference", action="store_true", help="run the reference interpreter instead of the machine")
    p.add_argument("--term", action="store_true", help="print the compiled FMC III term (ASCII) and stop")
    p.add_argument(
        "--type",
        action="store_true",
        help="print the program's FMC III type (the --set values give their variables' sorts) and stop",
    )


def _value(text: str, types: tuple[DataType, ...], label: str, argument: str, start: int) -> Value:
    """The While value of ``text`` (an expression of constants and constructors, or ``$x``), which
    is ``argument[start:]``'s beginning: a bad value is a ValueError naming ``label`` with the
    argument and a caret under the place in it."""
    from machine_calculus.calculus.errors import ParseError
    from machine_calculus.embeddings.imperative.interpreter import interpret
    from machine_calculus.embeddings.imperative.parser import parse_while
    from machine_calculus.embeddings.imperative.printer import to_source
    from machine_calculus.embeddings.imperative.syntax import Program

    if text.strip().startswith("$") and text.strip()[1:].isidentifier():
        import sympy

        return sympy.Symbol(text.strip()[1:])
    prefix = to_source(Program(types, ())) + "value = "
    try:
        program = parse_while(prefix + text + ";", source=label)
    except ParseError as error:
        at = min(max(error.position.offset - len(prefix), 0), len(text))
        message = error.message.replace("expected ';'", "expected the end of the value")
        if at == len(text):  # the ';' that ends the value's statement is ours
            message = message.replace("found ';'", "found the end of the value")
        raise ValueError(_pointed(f"{label}: {message}", argument, start + at)) from None
    outcome = interpret(program)
    if outcome.outcome != "normal" or len(program.body) != 1:
        why = f" ({outcome.error})" if outcome.error else ""
        raise ValueError(_pointed(f"{label}: {text.strip()!r} is not a value{why}", argument, start))
    return outcome.store["value"]


def _pointed(message: str, argument: str, column: int) -> str:
    """``message``, then the command-line argument with a caret under ``column`` (0-based)."""
    shown = argument.replace("\n", " ").replace("\t", " ")
    return f"{message}\n  | {shown}\n  | {' ' * column}^"


def initial_store(specs: list[str], program: Program, usage_error: type[Exception]) -> dict[str, Value]:
    """``--set x=VALUE`` options as a store."""
    from machine_calculus.embeddings.imperative.parser import RESERVED_VARIABLES

    store: dict[str, Value] = {}
    for spec in specs:
        variable, eq, value = spec.partition("=")
        if not eq or not variable.strip().isidentifier():
            raise usage_error(f"--set expects x=VALUE (got {spec!r})")
        if variable.strip() in RESERVED_VARIABLES:
            raise usage_error(
                f"--set {variable.strip()}: {variable.strip()!r} is reserved (a location of the compiled program)"
            )
        argument = f"--set {spec}"
        try:
            store[variable.strip()] = _value(value, program.types, argument, argument, len(argument) - len(value))
        except ValueError as exc:
            raise usage_error(str(exc)) from None
    return store


def input_values(text: str, program: Program, split_values: Any) -> list[Value]:
    """``--input v1,v2,...`` as the values of the stream (ValueError naming a bad one)."""
    argument, start, values = f"--input {text}", len("--input "), []
    for i, piece in enumerate(split_values(text)):
        values.append(_value(piece, program.types, f"--input value {i + 1}", argument, start))
        start += len(piece) + 1
    return values


def command_while(
    args: argparse.Namespace, out: Console, read_source: Any, usage_error: type[Exception], split_values: Any
) -> int:
    import sympy  # While's numbers are sympy's

    from machine_calculus.calculus.fmc.printer import to_ascii, to_unicode
    from machine_calculus.embeddings.imperative.compiler import compile_program
    from machine_calculus.embeddings.imperative.interpreter import interpret
    from machine_calculus.embeddings.imperative.parser import parse_while
    from machine_calculus.embeddings.imperative.run import run_while, symbolic_paths

    text, name = read_source(args.source)
    program: Program = parse_while(text, source=name)
    store = initial_store(args.set, program, usage_error)
    inputs: list[Value] = []
    if args.input is not None and args.input.strip():
        try:
            inputs = input_values(args.input, program, split_values)
        except ValueError as exc:
            raise usage_error(str(exc)) from None
    if args.term:
        term = compile_program(program)
        if args.json:
            print(json.dumps({"term": to_ascii(term), "term_unicode": to_unicode(term)}, ensure_ascii=False))
        else:
            out.print(Text(to_ascii(term)), soft_wrap=True)
        return 0
    if args.type:
        return _print_type(program, store, args, out)
    symbolic = any(isinstance(v, sympy.Basic) and v.free_symbols for v in [*store.values(), *inputs])
    if symbolic and not args.reference:
        paths = symbolic_paths(program, store, inputs, fuel=args.fuel)
        if args.json:
            payload = {"paths": [{"condition": sympy.sstr(c), **o.to_json(args.max_output)} for c, o in paths]}
            print(json.dumps(payload, ensure_ascii=False))
        else:
            for condition, outcome in paths:
                out.print(Text(f"when {sympy.sstr(condition)}:", style="bold"))
                _print_outcome(outcome, out, args.max_output, indent="  ")
        return 0 if all(o.outcome != "error" for _, o in paths) else 1
    if args.reference:
        outcome = interpret(program, store, inputs, fuel=args.fuel)
    else:
        from machine_calculus.cli.progress import progress

        with progress(out, "running", total=args.fuel, enabled=not args.json) as update:
            outcome = run_while(program, store, inputs, fuel=args.fuel, report=update.steps())
    if args.json:
        print(json.dumps(outcome.to_json(args.max_output), ensure_ascii=False))
    else:
        _print_outcome(outcome, out, args.max_output)
    return 1 if outcome.outcome == "error" else 0


def _print_type(program: Program, store: dict[str, Value], args: argparse.Namespace, out: Console) -> int:
    """``--type``: the program's type (:func:`embeddings.imperative.types.program_typing`), each
    variable set by ``--set`` holding a value of that value's sort (a data value's: any)."""
    import sympy

    from machine_calculus.calculus.fmc.types import TypingError, base_sort, pretty_type
    from machine_calculus.embeddings.imperative.compiler import value_term
    from machine_calculus.embeddings.imperative.syntax import Data
    from machine_calculus.embeddings.imperative.types import program_typing

    sorts = {  # a symbol stands for an unknown integer
        x: "int" if isinstance(v, sympy.Basic) and v.free_symbols else base_sort(value_term(v).value)  # type: ignore[attr-defined]
        for x, v in store.items()
        if not isinstance(v, Data)
    }
    try:
        typing = program_typing(program, sorts)
    except TypingError as exc:
        if args.json:
            print(json.dumps({"typable": False, "type": None, "type_unicode": None, "error": exc.message}))
        else:
            out.print(Text(f"untypable: {exc.message}"), soft_wrap=True)
        return 1
    if args.json:
        shown = {"type": pretty_type(typing.type, "ascii"), "type_unicode": pretty_type(typing.type)}
        print(json.dumps({"typable": True, **shown, "error": None}, ensure_ascii=False))
    else:
        out.print(Text(pretty_type(typing.type)), soft_wrap=True)
    return 0


def _print_outcome(outcome: Outcome, out: Console, max_output: int, indent: str = "") -> None:
    """How the run ended, its output and its store, the values within ``max_output`` characters
    in all (the payload first, then the output, then the store)."""
    from machine_calculus.calculus.layout import Budget
    from machine_calculus.embeddings.imperative.syntax import value_text

    budget = Budget(max_output)

    def shown(v: Value) -> str:
        return budget.take(lambda limit: value_text(v, limit))

    if outcome.outcome == "normal":
        head = Text(indent + "normal termination", style="bold green")
    elif outcome.outcome == "exception":
        payload = "" if outcome.payload is None else f"({shown(outcome.payload)})"
        head = Text(indent + f"uncaught exception {outcome.exception}{payload}", style="bold yellow")
    else:
        head = Text(indent + f"run-time error: {outcome.error}", style="bold red")
    out.print(head)
    out.print(Text(indent + "output: [" + ", ".join(shown(v) for v in outcome.output) + "]"))
    store = ", ".join(f"{k} = {shown(v)}" for k, v in sorted(outcome.store.items()))
    out.print(Text(indent + f"store: {store or '(empty)'}"))
    if budget.cut:
        out.print(Text(indent + outcome.truncation(max_output), style="bold yellow"))
