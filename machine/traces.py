"""What every machine's trace offers: its states, the rules that fired, its length."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["StepTrace", "TracePage", "Transition"]


@dataclass(frozen=True, slots=True)
class Transition:
    """One step of a machine: the rule that fired and the state it led to."""

    rule: str
    state: Any


class StepTrace:
    """A trace: an ``initial`` state and steps that each have a ``rule`` and the ``state`` they
    led to (``_steps()`` gives them)."""

    __slots__ = ()
    initial: Any

    def _steps(self) -> Sequence[Any]:
        raise NotImplementedError

    def states(self) -> list[Any]:
        """Every state, the initial one first."""
        return [self.initial, *(s.state for s in self._steps())]

    def rules(self) -> list[str]:
        """The rule of each step, in order."""
        return [s.rule for s in self._steps()]

    def __len__(self) -> int:
        return len(self._steps())

    def state(self, i: int) -> Any:
        """State ``i`` (0 the initial one; negative counts from the end), which a notebook shows
        in full: every location's whole stack, the continuation and the term."""
        steps = self._steps()
        if i < 0:
            i += len(steps) + 1
        if not 0 <= i <= len(steps):
            raise IndexError(f"state {i} of a trace with states 0 to {len(steps)}")
        return self.initial if i == 0 else steps[i - 1].state

    def page(self, start: int, stop: int | None = None) -> TracePage:
        """States ``start`` to ``stop`` (exclusive; 100 of them by default), for a notebook to
        show where a long trace's own display folds its middle."""
        states = len(self._steps()) + 1
        if not 0 <= start < states:
            raise IndexError(f"page from state {start} of a trace with states 0 to {states - 1}")
        return TracePage(self, start, min(start + 100 if stop is None else stop, states))

    def _html(self, start: int = 0, stop: int | None = None) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        """A notebook's display: a table of the states, a long trace folded in the middle."""
        return self._html()


@dataclass(frozen=True, slots=True)
class TracePage:
    """Some consecutive states of a trace, as a notebook shows them (:meth:`StepTrace.page`)."""

    trace: StepTrace
    start: int
    stop: int

    def _repr_html_(self) -> str:
        return self.trace._html(self.start, self.stop)
