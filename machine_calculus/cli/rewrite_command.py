"""``mcalc reduce`` and ``mcalc optimize``: the rewriting package from the command line.

    mcalc reduce FILE|TERM [--calculus fmc|rmc|trs] [--term T] [--strategy S] [--fuel N] [--steps]
                 [--graph OUT.svg|OUT.dot] [--layout auto|dot|builtin] [--max-nodes N] [--json]
    mcalc optimize FILE|TERM [--set x=VALUE]... [--stack LOC=v1,...] [--json]

``reduce`` prints the normal form by a strategy (``--steps``: every step with its rule and
position) and can write the bounded reduction graph as SVG (laid out by Graphviz's ``dot`` where
installed, else by the built-in layout; ``--layout`` chooses) or DOT, by the file's suffix. A
``.trs`` file (a first-order TRS) holds rules and no term: ``--term T`` gives the start term.
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

#: the graph layouts (:data:`rewriting.drawing.LAYOUTS`, which this module does not import until
#: a graph is drawn)
LAYOUTS = ("auto", "dot", "builtin")

if TYPE_CHECKING:
    from machine_calculus.calculus.terms import Term
    from machine_calculus.rewriting.engine import RuleSet
    from machine_calculus.rewriting.graph import ReductionGraph, Steps
    from machine_calculus.rewriting.trs import TRS

__all__ = ["add_rewrite_parsers", "command_optimize", "command_reduce"]


def add_rewrite_parsers(sub: Any, natural: Callable[[str], int]) -> None:
    reduce = sub.add_parser(
        "reduce",
        help="reduce a term to normal form by the calculus's named rules (or a TRS's)",
        description="Reduce an FMC III or RMC term by its named rules, or a term by a first-order TRS's rules "
        "(a .trs file and --term): the normal form, the steps, the graph.",
    )
    reduce.add_argument(
        "source",
        metavar="FILE|TERM",
        help="a .fmc or .rmc file (definitions, then the term), a term, or a .trs file (rules; the term by --term)",
    )
    reduce.add_argument(
        "--calculus", choices=["fmc", "rmc", "trs"], default=None, help="default: rmc for .rmc files, trs for .trs"
    )
    reduce.add_argument("--term", metavar="T", default=None, help="a TRS's start term, e.g. --term 'add(s(0), 0)'")
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
    reduce.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="auto",
        help="the SVG's layout: Graphviz's dot where installed, else built-in (auto, the default), dot, builtin",
    )
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


def bounded_term(term: Term, calculus: str, max_output: int, notation: str = "ascii") -> tuple[str, str | None]:
    """``term`` in ``notation`` within ``max_output`` characters, and ``None`` or (when cut) the
    message saying so with the term's size (counted on the DAG, as a run's memory)."""
    from machine_calculus.calculus.layout import cut_message
    from machine_calculus.calculus.terms import dag_size_text

    budget = Budget(max_output)
    text = budget.take(lambda limit: _text(term, calculus, notation, limit))
    return text, cut_message(max_output, f"the term has {dag_size_text(term)}") if budget.cut else None


def command_reduce(args: argparse.Namespace, out: Console, read_source: Any, usage_error: type[Exception]) -> int:
    text, name = read_source(args.source)
    calculus = "trs" if args.calculus is None and name.endswith(".trs") else calculus_of(args.calculus, name)
    steps_of: Steps
    if calculus == "trs":
        term, rules, steps_of = _trs_start(text, name, args, usage_error)
    elif args.term is not None:
        raise usage_error("--term gives a TRS's start term (a .trs file); a .fmc or .rmc file holds its own term")
    elif calculus == "rmc":
        from machine_calculus.calculus.rmc.parser import parse_rmc
        from machine_calculus.rewriting.graph import rule_steps
        from machine_calculus.rewriting.rmc_rules import RMC

        term, rules, steps_of = parse_rmc(text, source=name), RMC, rule_steps(RMC)
    else:
        from machine_calculus.calculus.fmc.parser import parse
        from machine_calculus.rewriting.graph import rule_steps
        from machine_calculus.rewriting.rules import FMC3

        term, rules, steps_of = parse(text, source=name), FMC3, rule_steps(FMC3)
    graph = None
    if args.graph:
        graph = _write_graph(term, steps_of, args, out, usage_error)
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
        shown_position = _first_order_position(position) if calculus == "trs" else position
        if args.steps and args.json:
            shown, cut = bounded_term(term, calculus, args.max_output)
            trace.append({"rule": rule, "position": list(shown_position), "term": shown, **_cut_json(cut)})
        elif args.steps:
            where = ".".join(map(str, shown_position)) or "ε"
            shown, cut = bounded_term(term, calculus, args.max_output)
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
        shown, cut = bounded_term(term, calculus, args.max_output)
        payload = {
            "calculus": calculus,
            "strategy": args.strategy,
            "status": "normal_form" if normal else "too_large" if too_big else "out_of_fuel",
            "reason": reason,
            "steps": count,
            "term": shown,
            "term_unicode": bounded_term(term, calculus, args.max_output, "unicode")[0],
            "trace": trace if args.steps else None,
            "graph": None if graph is None else _graph_json(graph, args.graph, calculus),
            **_cut_json(cut),
        }
        print(json.dumps(payload, ensure_ascii=False))
    elif normal:
        shown, cut = bounded_term(term, calculus, args.max_output)
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


def _write_graph(
    term: Term, steps: Steps, args: argparse.Namespace, out: Console, usage_error: type[Exception]
) -> ReductionGraph:
    """Build the bounded reduction graph and write it to ``--graph`` (SVG by ``--layout``, or
    DOT), saying what it holds unless ``--json``."""
    from machine_calculus.rewriting.drawing import LayoutError, svg
    from machine_calculus.rewriting.graph import reduction_graph

    suffix = Path(args.graph).suffix
    if suffix not in (".svg", ".dot"):
        raise usage_error(f"--graph writes .svg or .dot files, not {args.graph!r}")
    graph = reduction_graph(term, steps, max_nodes=args.max_nodes)
    try:
        drawing = svg(graph, layout=args.layout) if suffix == ".svg" else graph.to_dot()
    except LayoutError as exc:
        raise usage_error(f"--layout {args.layout}: {exc}") from None
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
    return graph


def _trs_start(
    text: str, name: str, args: argparse.Namespace, usage_error: type[Exception]
) -> tuple[Term, RuleSet, Steps]:
    """A TRS's start term (``--term``), its rules as a rule set (for the strategies) and its
    steps (for the graph, at first-order positions)."""
    from machine_calculus.rewriting.graph import trs_steps
    from machine_calculus.rewriting.search import parse_trs_term
    from machine_calculus.rewriting.trs import parse_trs

    trs = parse_trs(text, source=name)
    if args.term is None:
        symbols = ", ".join(f"{f}/{n}" for f, n in sorted(trs.symbols().items()))
        example = next(iter(sorted(trs.symbols())), "a")
        raise usage_error(
            f"{name} is a TRS: rules, no start term; give one with --term T, e.g. --term {example!r} "
            f"(its symbols: {symbols or 'none'})"
        )
    if args.strategy == "machine":
        raise usage_error(
            "--strategy machine is the calculi's machine order; a TRS has leftmost-outermost and innermost"
        )
    term = parse_trs_term(args.term, trs.variables, source="--term")
    return term, _trs_rules(trs), trs_steps(trs)


def _trs_rules(trs: TRS) -> RuleSet:
    """A TRS's rules as engine rules (each named ``left -> right``, rewriting at the root), so that
    the strategies and the size bound of :func:`command_reduce` serve TRSs too."""
    from machine_calculus.calculus.rmc.firstorder import FVar, replace_variables
    from machine_calculus.rewriting.engine import ReductionRule, RuleSet
    from machine_calculus.rewriting.patterns import match_pattern

    def rewrite(left: Term, right: Term) -> Any:
        def apply(t: Term) -> Term | None:
            sigma = match_pattern(left, t, FVar)
            return None if sigma is None else replace_variables(right, sigma)

        return apply

    rules = tuple(ReductionRule(str(r), rewrite(r.left, r.right)) for r in trs.rules)
    return RuleSet("TRS", rules, redex_kinds=frozenset({"fo"}))


def _first_order_position(position: tuple[int, ...]) -> tuple[int, ...]:
    """The literature's position (argument indices) of an engine position in a first-order term:
    the inverse of :func:`rewriting.trs.term_position` (``i + 1`` ones, then a zero, is ``i``)."""
    out, ones = [], 0
    for step in position:
        if step == 1:
            ones += 1
        else:
            out.append(ones - 1)
            ones = 0
    return tuple(out)


def _text(term: Term, calculus: str, notation: str = "ascii", limit: int | None = None) -> str:
    """``term`` in ``notation``, by the printer of its calculus (at most ``limit + 1`` characters)."""
    if calculus == "trs":
        from machine_calculus.calculus.rmc.firstorder import term_text

        return term_text(term, limit)
    if calculus == "rmc":
        from machine_calculus.calculus.rmc.printer import rmc_text

        return rmc_text(term, notation, limit)
    from machine_calculus.calculus.fmc.printer import pretty

    return pretty(term, notation, limit)


def _graph_json(graph: ReductionGraph, file: str, calculus: str) -> dict[str, Any]:
    return {
        "file": file,
        "terms": len(graph.nodes),
        "steps": len(graph.edges),
        "complete": graph.complete,
        "unexpanded": len(graph.unexpanded),
        "normal_forms": [_text(t, calculus) for t in graph.normal_forms()],
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
    optimized, cut = bounded_term(result.optimized, "fmc", args.max_output)
    if args.json:
        payload = {
            "optimized": optimized,
            "optimized_unicode": bounded_term(result.optimized, "fmc", args.max_output, "unicode")[0],
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
