"""Long work shows its progress on a terminal: a rich progress line (spinner, bar towards the
bound, counts, elapsed time) under the output, gone when the work ends. Never on ``--json``,
never when the output is not a terminal (a pipe, a file, a test): there the output is exactly
what it would be without it.

    with progress(out, "running", total=fuel, enabled=not args.json) as update:
        result = run(term, memory, fuel=fuel, report=update.steps())
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from machine_calculus.machine.rmc.small_step import Answer, AnswerStream

__all__ = ["Update", "progress", "stream_in_stretches"]

#: steps between two updates of a relational search's progress
SEARCH_EVERY = 200_000


class Update:
    """``update(completed, **counts)``: how far the work is (towards the line's total) and what
    it has counted so far (``steps=…``, ``answers=…``), shown as ``1,234 steps, 5 answers``.
    Where no line is shown (``shown`` is false) it does nothing."""

    def __init__(self, bar: Any = None, task: Any = None) -> None:
        self.shown = bar is not None
        self._bar, self._task = bar, task

    def __call__(self, completed: int = 0, **counts: Any) -> None:
        if self._bar is not None:
            shown = ", ".join(f"{value:,} {name}" for name, value in counts.items())
            self._bar.update(self._task, completed=completed, counts=shown)

    def steps(self) -> Callable[[int], None] | None:
        """A machine's ``report`` of its steps; None where no line is shown, so that the run
        then goes in one stretch."""
        return (lambda n: self(n, steps=n)) if self.shown else None


@contextmanager
def progress(out: Console, description: str, *, total: int | None = None, enabled: bool = True) -> Iterator[Update]:
    """A progress line for work towards ``total`` (None: no bar, a spinner), shown while the
    block runs when ``enabled`` and ``out`` is a terminal; the block gets its :class:`Update`.
    What the block prints goes above the line."""
    if not enabled or not out.is_terminal:
        yield Update()
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns.append(BarColumn())
    columns += [TextColumn("{task.fields[counts]}"), TimeElapsedColumn()]
    with Progress(*columns, console=out, transient=True) as bar:
        yield Update(bar, bar.add_task(description, total=total, counts=""))


def stream_in_stretches(
    stream: AnswerStream, fuel: int | None, update: Update, every: int = SEARCH_EVERY
) -> Iterator[Answer]:
    """The answers of ``stream`` (a relational search, which goes on when its fuel is raised),
    run in stretches of ``every`` steps up to ``fuel`` so that ``update`` hears of the steps and
    answers between answers; the stream ends as it would with ``fuel`` given at once (its
    ``steps``, ``exhausted`` and ``out_of_fuel`` are the same)."""
    if not update.shown:
        yield from stream
        return
    found = 0
    while True:
        stretch = stream.steps + every
        stream.fuel = stretch if fuel is None else min(stretch, fuel)
        for answer in stream:
            found += 1
            update(stream.steps, steps=stream.steps, answers=found)
            yield answer
        update(stream.steps, steps=stream.steps, answers=found)
        if not stream.out_of_fuel or stream.fuel == fuel:
            return
