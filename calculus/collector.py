"""Pausing Python's cyclic garbage collector around bulk construction.

Terms, compiled code and machine environments are tuples and frozen nodes that never form
reference cycles, so the cyclic collector finds nothing to free in them; yet allocating
hundreds of thousands of them triggers full collections that scan the whole heap again and
again, which made parsing and running a term nested 100,000 deep several times slower
(``benchmarks/throughput.py``: compiling a 100,000-deep push chain took 3.2 s with the
collector on and 0.6 s with it paused). Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (re-entrant; restores the previous state)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
