"""The command line's defaults, shared by its commands: the fuel bounds, and the calculus a
source is read in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "DEFAULT_ANSWER_LIMIT",
    "DEFAULT_FUEL",
    "DEFAULT_MAX_BRANCHES",
    "DEFAULT_MAX_DIGITS",
    "DEFAULT_MAX_OPTIMIZE_INPUT",
    "DEFAULT_MAX_OUTPUT",
    "DEFAULT_MAX_TERM_SIZE",
    "DEFAULT_MAX_TIME",
    "DEFAULT_TRACE_FUEL",
    "DEFAULT_WHILE_FUEL",
    "NO_OUTPUT_BOUND",
    "add_max_output",
    "answer_limit_message",
    "calculus_of",
]

DEFAULT_FUEL = 1_000_000  # machine steps of a run
DEFAULT_WHILE_FUEL = 10_000_000  # machine steps of a While program's run (its loops take many)
DEFAULT_TRACE_FUEL = 10_000  # machine steps of a traced run (every state is kept)
DEFAULT_ANSWER_LIMIT = 1_000  # answers of an RMC run or a Prolog query without --limit
DEFAULT_MAX_BRANCHES = 10_000  # runs of --distribution/--all (each draw doubles the branches)
DEFAULT_MAX_DIGITS = 100_000  # decimal digits of an exact number arithmetic may give (as machine.fmc.primitives)
DEFAULT_MAX_TERM_SIZE = 20_000  # nodes of a term mcalc reduce rewrites (each step walks the spine to its redex)
DEFAULT_MAX_OPTIMIZE_INPUT = 1_000  # nodes of a term mcalc optimize takes (egglog grows within a round)
DEFAULT_MAX_TIME = 60  # seconds of CPU time of any command (what no step count sees: one long unification, egglog)
DEFAULT_MAX_OUTPUT = 10_000  # characters of a final memory printed (terms may share: DAGs print as trees)


NO_OUTPUT_BOUND = 10**15  # what --max-output 0 stands for: more characters than any output


def add_max_output(parser: Any, natural: Callable[[str], int], what: str) -> None:
    """``--max-output N``: print at most N characters ``what`` (the default
    :data:`DEFAULT_MAX_OUTPUT`; 0: no bound, as the other bounds)."""

    def output_bound(text: str) -> int:
        return natural(text) or NO_OUTPUT_BOUND

    parser.add_argument(
        "--max-output",
        type=output_bound,
        default=DEFAULT_MAX_OUTPUT,
        metavar="N",
        help=f"print at most N characters {what} (default {DEFAULT_MAX_OUTPUT:,}; 0: no bound); the rest is cut",
    )


def calculus_of(chosen: str | None, source_name: str) -> str:
    """``--calculus`` if given, else ``rmc`` for a ``.rmc`` file and ``fmc`` otherwise."""
    return chosen or ("rmc" if source_name.endswith(".rmc") else "fmc")


def answer_limit_message(limit: int) -> str:
    """What the command line says when the default answer bound stopped a search."""
    return f"stopped after {limit:,} answers: --limit N for more"
