"""What every machine's trace offers: its states, the rules that fired, its length."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["StepTrace", "Transition"]


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
