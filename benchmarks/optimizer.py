"""The e-graph at work: proofs of the laws (e-graph size, rounds, time) and the optimizer on the
example programs, the compiled While programs among them (the cost model's steps and the
machine's real steps before and after, checked to give the same result).

    python3 benchmarks/optimizer.py              # rich tables
    python3 benchmarks/optimizer.py --markdown   # the tables for docs/performance.md
    python3 benchmarks/optimizer.py --quick      # the small examples only (a smoke run)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from report import benchmark_options, print_table  # benchmarks/report.py

from machine_calculus.calculus.fmc.parser import parse, parse_program
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.calculus.terms import Term
from machine_calculus.embeddings.imperative.compiler import compile_program
from machine_calculus.embeddings.imperative.parser import parse_while
from machine_calculus.embeddings.imperative.run import initial_memory
from machine_calculus.machine.fmc import fast
from machine_calculus.rewriting.optimizer import optimize
from machine_calculus.rewriting.theories import equal

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

LAWS = [  # (name, left, right, calculus)
    ("update then lookup", "c<_>.[V]c ; c<x>.[x]c.[x]", "c<_>.[V]c.[V]", "fmc"),
    ("two updates", "c<_>.[V]c ; c<_>.[W]c", "c<_>.[W]c", "fmc"),
    ("lookups commute", "c<x>.[x]c.d<y>.[y]d.[x].[y]", "d<y>.[y]d.c<x>.[x]c.[x].[y]", "fmc"),
    ("updates commute", "c<_>.[V]c ; d<_>.[W]d", "d<_>.[W]d ; c<_>.[V]c", "fmc"),
    ("beta across locations", "[1]a.[2]b.a<x>.b<y>.[x].[y]", "[1].[2]", "fmc"),
    ("distributivity", "[a] ; ([b] + [c])", "[a] ; [c] + [a] ; [b]", "rmc"),
    ("star unfolding", "(([a] + [b]) ; [c])*", "* + ([a] ; [c] + [b] ; [c]) ; (([a] + [b]) ; [c])*", "rmc"),
    ("unification", "[f(a, b)]l ; [c]m ; l<f(a, b)>", "[c]m", "rmc"),
    ("choice then match", "([a] + [b]) ; <a>", "*", "rmc"),
]

STRAIGHT_LINE = "x = 2; y = x + 3; z = y * x; print(z);"


def programs(quick: bool) -> list[tuple[str, Term, dict[str, tuple[Term, ...]]]]:
    """(name, term, initial memory) for the FMC examples and the compiled While programs."""
    out = []
    for name in ("store", "swap", "church"):
        program = parse_program((EXAMPLES / f"{name}.fmc").read_text(encoding="utf-8"))
        memory = {"c": (parse("[5]"),)} if name == "store" else {}
        out.append((f"{name}.fmc", program.term(), memory))
    whiles: list[tuple[str, str, dict[str, int]]] = [("straight-line While", STRAIGHT_LINE, {})]
    if not quick:
        for name, store in (("factorial", {"n": 10}), ("gcd", {}), ("found", {}), ("list_sum", {})):
            whiles.append((f"{name}.while", (EXAMPLES / f"{name}.while").read_text(encoding="utf-8"), store))
    for name, text, store in whiles:
        program = parse_while(text)
        out.append((name, compile_program(program), initial_memory(program, store)))
    return out


def main() -> None:
    args = benchmark_options(__doc__.splitlines()[0])
    proofs = []
    for name, left, right, calculus in LAWS if not args.quick else LAWS[:2]:
        read = parse if calculus == "fmc" else parse_rmc
        start = time.perf_counter()
        proof = equal(read(left), read(right), iterations=30, max_nodes=20_000)
        seconds = time.perf_counter() - start
        assert proof, (name, str(proof))
        proofs.append([name, calculus.upper(), str(proof.iterations), f"{proof.nodes:,}", f"{seconds * 1000:.0f}"])
    print_table("e-graph proofs", ["law", "calculus", "rounds", "e-nodes", "ms"], proofs, args.markdown)
    print()
    rows = []
    for name, term, memory in programs(args.quick):
        result = optimize(term)
        before, after = fast.run(term, memory), fast.run(result.optimized, memory)
        same = before.same_outcome(after)
        assert same, f"{name}: the optimized term gives another result"
        rows.append(
            [
                name,
                f"{result.steps_before} → {result.steps_after}",
                f"{before.steps} → {after.steps}",
                f"{100 * (before.steps - after.steps) / before.steps:.0f}%",
                "yes" if same else "NO",
                f"{result.nodes:,}",
                str(result.rounds),
                f"{result.seconds:.2f}",
            ]
        )
    headers = ["program", "model steps", "machine steps", "saved", "same result", "e-nodes", "rounds", "s"]
    print_table("the optimizer", headers, rows, args.markdown)


if __name__ == "__main__":
    main()
