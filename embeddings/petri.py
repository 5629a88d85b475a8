"""Petri nets into the RMC: places are locations holding tokens, a transition pops its input
tokens and pushes its outputs, a run is the star of the sum of the transitions (docs/prolog.md).

    enc(t) = fuel⟨•⟩ ; p1⟨•⟩ ; ... ; pk⟨•⟩ ; [•]q1 ; ... ; [•]qm     inputs p1..pk, outputs q1..qm
    net    = (enc(t1) + ... + enc(tn))*

Each firing also pops a token from ``fuel``: started with k fuel tokens, the answers are exactly
the markings reachable in at most k firings, and the search is finite. A marking is a count per
place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from machine_calculus.calculus.fmc.syntax import SKIP, Seq
from machine_calculus.calculus.rmc.firstorder import fn
from machine_calculus.calculus.rmc.syntax import Choice, Pop, Push, Star
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.rmc.compiled import solve

__all__ = ["Net", "NetTransition", "encode", "reachable", "reachable_by_machine"]

TOKEN = fn("tok")
FUEL = "fuel"

Marking = tuple[tuple[str, int], ...]  # sorted (place, count) with count > 0


@dataclass(frozen=True)
class NetTransition:
    """A transition of a net: the places it takes a token from and those it puts one on (not
    :class:`machine.traces.Transition`, a machine's step)."""

    inputs: tuple[str, ...]  # a place listed twice takes two tokens
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class Net:
    transitions: tuple[NetTransition, ...]


def _marking(counts: Mapping[str, int]) -> Marking:
    return tuple(sorted((p, n) for p, n in counts.items() if n > 0))


def encode(net: Net) -> Term:
    """``(enc(t1) + ... + enc(tn))*`` (a net without transitions is ``⋆``)."""
    options = []
    for t in net.transitions:
        body: Term = SKIP
        for q in reversed(t.outputs):
            body = Seq(Push(TOKEN, q), body)
        for p in reversed(t.inputs):
            body = Seq(Pop(p, TOKEN), body)
        options.append(Seq(Pop(FUEL, TOKEN), body))
    if not options:
        return SKIP
    choice = options[0]
    for option in options[1:]:
        choice = Choice(choice, option)
    return Star(choice)


def reachable_by_machine(net: Net, marking: Mapping[str, int], firings: int) -> set[Marking]:
    """The markings the RMC term reaches in at most ``firings`` firings."""
    memory = {p: [TOKEN] * n for p, n in marking.items()}
    memory[FUEL] = [TOKEN] * firings
    result = solve(encode(net), memory, fuel=None)
    assert result.exhausted
    return {_marking({p: len(s) for p, s in a.memory.items() if p != FUEL}) for a in result}


def reachable(net: Net, marking: Mapping[str, int], firings: int) -> set[Marking]:
    """The reference: breadth-first over markings, at most ``firings`` firings."""
    start = _marking(marking)
    seen, frontier = {start}, {start}
    for _ in range(firings):
        following = set()
        for m in frontier:
            counts = Counter(dict(m))
            for t in net.transitions:
                need = Counter(t.inputs)
                if all(counts[p] >= n for p, n in need.items()):
                    after = counts - need
                    after.update(t.outputs)
                    following.add(_marking(after))
        frontier = following - seen
        seen |= following
    return seen


def net_of(transitions: Sequence[tuple[Sequence[str], Sequence[str]]]) -> Net:
    """A net from ``[(inputs, outputs), ...]``."""
    return Net(tuple(NetTransition(tuple(i), tuple(o)) for i, o in transitions))
