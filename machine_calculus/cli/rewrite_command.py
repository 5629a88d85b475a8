"""``mcalc reduce`` and ``mcalc optimize``: the rewriting package from the command line.

    mcalc reduce FILE|TERM [--calculus fmc|rmc] [--strategy S] [--fuel N] [--steps] [--graph OUT] [--json]
    mcalc optimize FILE|TERM [--set x=VALUE]... [--stack LOC=v1,...] [--json]

``reduce`` prints the normal form by a strategy (``--steps``: every step with its rule and
position) and can write the bounded reduction graph as SVG or DOT (by the file's suffix).
``optimize`` saturates the e-graph of an FMC term (or a compiled .while program) and prints the
cheapest term by the machine-step cost model, with the machine steps before and after, checked to
give the same result; when either run runs out of fuel nothing is compared (exit 1).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from machine_calculus.calculus.layout import Budget
from machine_calculus.cli.defaults import (
    DEFAULT_MAX_OPTIMIZE_INPUT,
    DEFAULT_MAX_TERM_SIZE,
    add_max_output,
    calculus_of,
)
from machine_calculus.rewriting.engine import STRATEGIES, reduction

if TYPE_CHECKING:
    from machine_calculus.calculus.terms import Term
    from machine_calculus.rewriting.graph import ReductionGraph

__all__ = ["add_rewrite_parsers", "command_optimize", "command_reduce"]


def add_rewrite_parsers(sub: Any, natural: Callable[[str], int]) -> None:
    reduce = sub.add_parser(
        "reduce",
        help="reduce a term to normal form by the calculus's named rules",
        description="Reduce an FMC III or RMC term by its named rules: the normal form, the steps, the graph.",
    )
    reduce.add_argument(
        "source", metavar="FILE|TERM", help="a .fmc or .rmc file (definitions, then the term), or a term"
    )
    reduce.add_argument("--calculus", choices=["fmc", "rmc"], default=None, help="default: rmc for .rmc files")
    reduce.add_argument("--strategy", choices=STRATEGIES, default="leftmost-outermost", help="which redex first")
    reduce.add_argument("--fuel", type=natural, default=10_000, help="at most N steps (default 10,000)")
    reduce.add_argument(
        "--max-size",
        type=natural,
        default=DEFAULT_MAX_TERM_SIZE,
        metavar="N",
        help=f"stop when the term grows past N nodes or its first size (default {DEFAULT_MAX_TERM_SIZE:,}; 0: no bound)",
    )
    reduce.add_argument("--steps", action="store_true", help="print every step: rule, position, term")
    reduce.add_argument("--graph", metavar="OUT", default=None, help="write the reduction graph to OUT (.svg or .dot)")
    reduce.add_argument("--max-nodes", type=natural, default=200, help="the graph's bound on terms (default 200)")
    add_max_output(reduce, natural, "of each term printed (the normal form, each step's term)")
    reduce.add_argument("--json", action="store_true", help="print one JSON object (the stable contract)")

    opt = sub.add_parser(
        "optimize",
        help="find an equivalent FMC term that runs in fewer machine steps (e-graph)",
        description="Saturate the e-graph of an FMC term (or a .while program, compiled) under the FMC's laws "
        "and extract the term with the fewest machine steps; both are run to check the result is the same.",
    )
    opt.add_argument("source", metavar="FILE|TERM", help="a .fmc or .while file, or an FMC term")
    opt.add_argument("--set", action="append", default=[], metavar="x=VALUE", help=".while: initial value of x")
    opt.add_argument("--stack", action="append", default=[], metavar="LOC=v1,...", help=".fmc: input stack")
    opt.add_argument("--rounds", type=natural, default=40, help="at most N rounds of saturation (default 40)")
    opt.add_argument(
        "--max-input",
        type=natural,
        default=DEFAULT_MAX_OPTIMIZE_INPUT,
        metavar="N",
        help=f"refuse terms of more than N nodes (default {DEFAULT_MAX_OPTIMIZE_INPUT:,}; 0: no bound): "
        "the e-graph can grow by gigabytes within one round",
    )
    add_max_output(opt, natural, "of the optimized term, and of each run's final memory")
    opt.add_argument("--json", action="store_true", help="print one JSON object (the stable contract)")


def bounded_term(term: Term, rmc: bool, max_output: int, notation: str = "ascii") -> tuple[str, str | None]:
    """``term`` in ``notation`` within ``max_output`` characters, and ``None`` or (when cut) the
    message saying so with the term's size (counted on the DAG, as a run's memory)."""
    from machine_calculus.calculus.layout import cut_message
    from machine_calculus.calculus.terms import dag_size_text

    budget = Budget(max_output)
    text = budget.take(lambda limit: _text(term, rmc, notation, limit))
    return text, cut_message(max_output, f"the term has {dag_size_text(term)}") if budget.cut else None


def command_reduce(args: argparse.Namespace, out: Console, read_source: Any, usage_error: type[Exception]) -> int:
    text, name = read_source(args.source)
    rmc = calculus_of(args.calculus, name) == "rmc"
    if rmc:
        from machine_calculus.calculus.rmc.parser import parse_rmc
        from machine_calculus.calculus.rmc.printer import rmc_text
        from machine_calculus.rewriting.rmc_rules import RMC

        term, rules, show = parse_rmc(text, source=name), RMC, rmc_text
    else:
        from machine_calculus.calculus.fmc.parser import parse
        from machine_calculus.calculus.fmc.printer import to_ascii
        from machine_calculus.rewriting.rules import FMC3

        term, rules, show = parse(text, source=name), FMC3, to_ascii
    graph = None
    if args.graph:
        from machine_calculus.rewriting.drawing import svg
        from machine_calculus.rewriting.graph import reduction_graph, rule_steps

        suffix = Path(args.graph).suffix
        if suffix not in (".svg", ".dot"):
            raise usage_error(f"--graph writes .svg or .dot files, not {args.graph!r}")
        graph = reduction_graph(term, rule_steps(rules), max_nodes=args.max_nodes)
        drawing = svg(graph, show) if suffix == ".svg" else graph.to_dot(show)
        try:
            Path(args.graph).write_text(drawing, encoding="utf-8")
        except OSError as exc:
            raise usage_error(f"cannot write {args.graph}: {exc.strerror}") from None
        if not args.json:
            bound = "all of them" if graph.complete else f"bounded at {args.max_nodes}"
            unexpanded = f", {len(graph.unexpanded)} terms not expanded" if graph.unexpanded else ""
            out.print(
                Text(
                    f"graph: {len(graph.nodes)} terms ({bound}), {len(graph.edges)} steps, "
                    f"{len(graph.normal_forms())} normal forms{unexpanded} -> {args.graph}"
                )
            )
    from machine_calculus.calculus.terms import dag_size
    from machine_calculus.rewriting.engine import subterm_at

    steps = reduction(term, rules, args.strategy)
    trace: list[dict[str, Any]] = []
    normal, count, too_big = False, 0, False
    current_size = dag_size(term)[0]
    bound = max(args.max_size, current_size)  # the term may grow to N nodes, or stay as large as it was
    for count in range(args.fuel + 1):
        if args.max_size and current_size > bound:
            too_big = True
            break
        step = next(steps, None)
        if step is None:
            normal = True
            break
        if count == args.fuel:
            break
        rule, position, reduct = step
        # the size changes where the step did: the redex out, its reduct in (counted on the DAG)
        redex_size = dag_size(subterm_at(term, position))[0]
        current_size += dag_size(subterm_at(reduct, position))[0] - redex_size
        term = reduct
        if args.steps and args.json:
            shown, cut = bounded_term(term, rmc, args.max_output)
            trace.append({"rule": rule, "position": list(position), "term": shown, **_cut_json(cut)})
        elif args.steps:
            where = ".".join(map(str, position)) or "ε"
            shown, cut = bounded_term(term, rmc, args.max_output)
            out.print(Text(f"{rule} @ {where}: {shown}"), soft_wrap=True)
            if cut:
                out.print(Text(cut, style="bold yellow"))
    reason = None if normal else f"no normal form within {args.fuel:,} steps ({args.strategy})"
    if too_big:
        reason = (
            f"the term grew past {bound:,} nodes ({current_size:,}) after {count:,} steps"
            f" ({args.strategy}): --max-size N to allow more"
        )
    if args.json:
        shown, cut = bounded_term(term, rmc, args.max_output)
        payload = {
            "calculus": "rmc" if rmc else "fmc",
            "strategy": args.strategy,
            "status": "normal_form" if normal else "too_large" if too_big else "out_of_fuel",
            "reason": reason,
            "steps": count,
            "term": shown,
            "term_unicode": bounded_term(term, rmc, args.max_output, "unicode")[0],
            "trace": trace if args.steps else None,
            "graph": None if graph is None else _graph_json(graph, args.graph, rmc),
            **_cut_json(cut),
        }
        print(json.dumps(payload, ensure_ascii=False))
    elif normal:
        shown, cut = bounded_term(term, rmc, args.max_output)
        out.print(Text(shown), soft_wrap=True)
        if cut:
            out.print(Text(cut, style="bold yellow"))
        if args.steps:
            out.print(Text(f"normal form after {count} steps ({args.strategy})"))
    else:
        out.print(Text(f"{reason}" if too_big else f"{reason}; use --fuel to allow more"))
    return 0 if normal else 1


def _cut_json(cut: str | None) -> dict[str, Any]:
    """``"truncated"`` and ``"truncation"`` of a JSON object whose text ``--max-output`` cut."""
    return {} if cut is None else {"truncated": True, "truncation": cut}


def _text(term: Term, rmc: bool, notation: str = "ascii", limit: int | None = None) -> str:
    """``term`` in ``notation``, by the printer of its calculus (at most ``limit + 1`` characters)."""
    if rmc:
        from machine_calculus.calculus.rmc.printer import rmc_text

        return rmc_text(term, notation, limit)
    from machine_calculus.calculus.fmc.printer import pretty

    return pretty(term, notation, limit)


def _graph_json(graph: ReductionGraph, file: str, rmc: bool) -> dict[str, Any]:
    return {
        "file": file,
        "terms": len(graph.nodes),
        "steps": len(graph.edges),
        "complete": graph.complete,
        "unexpanded": len(graph.unexpanded),
        "normal_forms": [_text(t, rmc) for t in graph.normal_forms()],
    }


def command_optimize(
    args: argparse.Namespace, out: Console, read_source: Any, parse_stacks: Any, usage_error: type[Exception]
) -> int:
    from machine_calculus.machine.fmc import fast
    from machine_calculus.rewriting.optimizer import optimize

    text, name = read_source(args.source)
    memory: dict[str, tuple[Term, ...]]
    if name.endswith(".while"):
        from machine_calculus.cli.while_command import initial_store
        from machine_calculus.embeddings.imperative.compiler import compile_program
        from machine_calculus.embeddings.imperative.parser import parse_while
        from machine_calculus.embeddings.imperative.run import initial_memory

        program = parse_while(text, source=name)
        term, memory = compile_program(program), initial_memory(program, initial_store(args.set, program, usage_error))
    else:
        if args.set:
            raise usage_error("--set is for .while programs")
        from machine_calculus.calculus.fmc.parser import parse

        term, memory = parse(text, source=name), parse_stacks(args.stack)
    from machine_calculus.calculus.terms import dag_size

    nodes = dag_size(term)[0]
    if args.max_input and nodes > args.max_input:
        raise usage_error(
            f"the term has {nodes:,} nodes, more than the optimizer takes ({args.max_input:,}: its e-graph can grow "
            "by gigabytes within one round of saturation); --max-input N to try anyway"
        )
    from machine_calculus.cli.progress import progress

    with progress(out, "saturating", total=args.rounds, enabled=not args.json) as update:
        result = optimize(term, iterations=args.rounds, report=lambda r, n: update(r, rounds=r, e_nodes=n))
    before, after = fast.run(term, memory), fast.run(result.optimized, memory)
    # Only two finished runs (done or stuck) are compared: a run out of fuel has no result yet.
    compared = before.status != "out_of_fuel" and after.status != "out_of_fuel"
    same = before.same_outcome(after) if compared else None
    optimized, cut = bounded_term(result.optimized, False, args.max_output)
    if args.json:
        payload = {
            "optimized": optimized,
            "optimized_unicode": bounded_term(result.optimized, False, args.max_output, "unicode")[0],
            **_cut_json(cut),
            "same_result": same,
            "before": before.to_json(args.max_output),
            "after": after.to_json(args.max_output),
            "cost_model": {"before": result.steps_before, "after": result.steps_after},
            "e_nodes": result.nodes,
            "rounds": result.rounds,
        }
        print(json.dumps(payload, ensure_ascii=False))
        return 0 if same else 1
    if same is None:
        which = " and ".join(
            n for n, r in (("the original", before), ("the optimized", after)) if r.status == "out_of_fuel"
        )
        verdict = f"not compared: {which} ran out of fuel"
    else:
        verdict = "same result" if same else "DIFFERENT RESULT"
    out.print(Text(optimized), soft_wrap=True)
    if cut:
        out.print(Text(cut, style="bold yellow"))
    out.print(
        Text(
            f"machine steps {before.steps} -> {after.steps} (cost model {result.steps_before} -> "
            f"{result.steps_after}), {verdict}"
        )
    )
    out.print(Text(f"e-graph: {result.nodes:,} e-nodes after {result.rounds} rounds"))
    return 0 if same else 1
