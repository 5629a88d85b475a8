"""The command line's time bound: every command stops after ``--max-time`` seconds of CPU time
(default :data:`~machine_calculus.cli.defaults.DEFAULT_MAX_TIME`), whatever it is doing, with a
message naming the bound. Steps, answers, sizes and output have their own bounds; this one
catches work no step count sees (one unification walking a long list, a printer, egglog)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["TimeBoundReached", "cpu_time_bound"]


class TimeBoundReached(BaseException):
    """Raised in the main thread when the CPU-time bound is reached. A ``BaseException``, so
    that no ``except Exception`` on the way mistakes it for a failure of its own."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@contextmanager
def cpu_time_bound(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeBoundReached` once the process has used ``seconds`` more of CPU time
    (``ITIMER_PROF``: user and system time, all threads); ``0`` is no bound. Outside the main
    thread (where signals cannot be handled) or without ``setitimer``, nothing is bounded."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    armed = [True]

    def reached(signum: int, frame: FrameType | None) -> None:
        if armed[0]:
            raise TimeBoundReached(seconds)

    previous = signal.signal(signal.SIGPROF, reached)
    # after the bound, the signal comes again every 0.1 s of CPU time: an exception raised where
    # Python cannot pass it on (a destructor, a callback: "Exception ignored in ...") is raised
    # again, instead of the run going on unbounded
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.1)
    try:
        yield
    finally:
        while True:  # disarm even if the signal comes while disarming
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.signal(signal.SIGPROF, previous)
                break
            except TimeBoundReached:
                continue
