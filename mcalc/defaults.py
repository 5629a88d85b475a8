"""The command line's default bounds, shared by every command that runs a machine."""

from __future__ import annotations

__all__ = ["DEFAULT_FUEL", "DEFAULT_TRACE_FUEL"]

DEFAULT_FUEL = 1_000_000  # machine steps of a run
DEFAULT_TRACE_FUEL = 10_000  # machine steps of a traced run (every state is kept)
