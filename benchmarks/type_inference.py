"""Type inference CPU time on terms 100,000 deep (principal types, linear-time inference).

python3 benchmarks/type_inference.py              # a markdown table
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.fmc.syntax import Term
from machine_calculus.calculus.fmc.types import infer, pretty_type
from machine_calculus.calculus.terms import size


def cases(n: int) -> dict[str, str]:
    return {
        "push chain": "[A]out." * n + "*",
        "pushes then pops": "[A]." * n + "<x>." * n + "*",
        "nested pushes": "[" * n + "*" + "]" * n,
        "sequence": " ; ".join(["[A]out"] * n),
        "λ-abstractions": "\\x." * n + "[x]out",
        "left-nested sequence": "(" * n + "[A]out" + " ; *)" * n,
        # one variable run at n depths: typed only with extension per use (after one failure)
        "runs at n depths": "[*].<x>.(" + " ; ".join(["[A].x"] * n) + ")",
    }


def terms(n: int) -> dict[str, Term]:
    """The cases as terms, and a While program compiled: ``x = x + 1;`` n/25 times after
    ``x = 0;`` (about n nodes; each read runs the cell's thunk: extension per use)."""
    from machine_calculus.embeddings.imperative.compiler import compile_program
    from machine_calculus.embeddings.imperative.parser import parse_while

    out = {name: parse(source) for name, source in cases(n).items()}
    steps = max(n // 25, 1)
    out["While: x = x + 1, n/25 times"] = compile_program(parse_while("x = 0;" + " x = x + 1;" * steps))
    return out


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--depth", type=int, default=100_000)
    n = options.parse_args(argv).depth
    sys.setrecursionlimit(1000)  # inference and printing are iterative
    print(f"Python {sys.version.split()[0]}; terms {n:,} deep; best of 3\n")
    print("| term | nodes | infer s | print s | µs per node |")
    print("|---|---:|---:|---:|---:|")
    for name, term in terms(n).items():
        best_infer = best_print = float("inf")
        for _ in range(3):
            start = time.process_time()
            typing = infer(term)
            middle = time.process_time()
            pretty_type(typing.type)
            best_infer = min(best_infer, middle - start)
            best_print = min(best_print, time.process_time() - middle)
        nodes = size(term)
        print(f"| {name} | {nodes:,} | {best_infer:.2f} | {best_print:.2f} | {best_infer / nodes * 1e6:.1f} |")


if __name__ == "__main__":
    main()
