"""Notebook display of the machines' runs: results, traces and answers as HTML tables.

The machines know nothing of their renderers (renderers import the machines, never the other
way); :func:`register` tells IPython's HTML formatter which renderer draws which class. Importing
the front door ``machine_calculus`` calls it when IPython is running, so in a notebook a result,
a trace or a list of answers shows itself as a table.
"""

from __future__ import annotations

from typing import Any

__all__ = ["register"]


def register(shell: Any = None) -> bool:
    """Register the HTML renderers with ``shell`` (the running IPython shell by default).

    Returns whether there was a shell to register with (plain Python has none)."""
    if shell is None:
        try:
            from IPython.core.getipython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    from machine_calculus.machine.fmc import render as fmc_render
    from machine_calculus.machine.fmc.result import Result
    from machine_calculus.machine.fmc.small_step import Trace
    from machine_calculus.machine.rmc import render as rmc_render
    from machine_calculus.machine.rmc.small_step import Answers
    from machine_calculus.machine.rmc.small_step import Trace as RelationalTrace

    html = shell.display_formatter.formatters["text/html"]
    html.for_type(Result, fmc_render.result_html)
    html.for_type(Trace, fmc_render.trace_html)
    html.for_type(Answers, rmc_render.answers_html)
    html.for_type(RelationalTrace, rmc_render.trace_html)
    return True
