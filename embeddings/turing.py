"""Turing machines into the RMC: the tape is two stacks (docs/prolog.md).

Location ``r`` holds the head's cell on top and the cells to its right below it; ``l`` the cells
to the left, nearest on top, each as ``cell(x)`` (so that no pattern of a cell meets the marker); ``q`` the state. Both stacks end in a marker ``$end``, where the tape
grows by a blank. A transition ``(q, a) -> (q', b, R)`` and ``(q, a) -> (q', b, L)`` become

    q⟨q⟩ ; r⟨a⟩ ; fuel⟨•⟩ ; [cell(b)]l ; [q']q                              (move right)
    new c. (q⟨q⟩ ; r⟨a⟩ ; fuel⟨•⟩ ; l⟨cell(c)⟩ ; [b]r ; [c]r ; [q']q)        (move left)

with two more rules that grow the tape: ``r⟨$end⟩ ; [$end]r ; [_]r`` and
``l⟨$end⟩ ; [$end]l ; [cell(_)]l``.
A run is ``(transitions + growth)* ; q⟨halt⟩``. The ``fuel`` stack bounds the transitions taken
(so the search is finite); a deterministic machine that halts within the fuel has exactly one
answer, its final tape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from machine_calculus.calculus.fmc.syntax import Seq
from machine_calculus.calculus.rmc.firstorder import FVar, fn, term_text
from machine_calculus.calculus.rmc.syntax import Choice, New, Pop, Push, Star
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.rmc.compiled import solve

__all__ = ["BLANK", "HALT", "Machine", "TuringAction", "encode", "run_by_machine", "simulate"]

BLANK, HALT = "_", "halt"
END = fn("$end")
TOKEN = fn("tok")

#: What the machine does on reading a symbol in a state: (next state, written symbol, move "L" or "R").
TuringAction = tuple[str, str, str]


@dataclass(frozen=True)
class Machine:
    """A deterministic machine: ``(state, symbol) -> (next state, symbol, move)``."""

    rules: Mapping[tuple[str, str], TuringAction]
    start: str = "q0"


def _seq(*terms: Term) -> Term:
    result = terms[-1]
    for t in reversed(terms[:-1]):
        result = Seq(t, result)
    return result


def encode(machine: Machine) -> Term:
    """``(transitions + growth)* ; q⟨halt⟩``."""
    options: list[Term] = []
    for (state, read), (following, write, move) in machine.rules.items():
        head = [Pop("q", fn(state)), Pop("r", fn(read)), Pop("fuel", TOKEN)]
        if move == "R":
            options.append(_seq(*head, Push(fn("cell", fn(write)), "l"), Push(fn(following), "q")))
        else:
            c = FVar("c")
            moved = [Pop("l", fn("cell", c)), Push(fn(write), "r"), Push(c, "r"), Push(fn(following), "q")]
            options.append(New("c", _seq(*head, *moved)))
    options.append(_seq(Pop("r", END), Push(END, "r"), Push(fn(BLANK), "r")))
    options.append(_seq(Pop("l", END), Push(END, "l"), Push(fn("cell", fn(BLANK)), "l")))
    choice = options[0]
    for option in options[1:]:
        choice = Choice(choice, option)
    return Seq(Star(choice), Pop("q", fn(HALT)))


def _tape(left: list[str], right: list[str]) -> str:
    """The tape as text, head cell in brackets, blank ends trimmed: ``1 0 [1] 1``."""
    cells = [*reversed(left), f"[{right[0] if right else BLANK}]", *right[1:]]
    while cells and cells[0] == BLANK:
        cells.pop(0)
    while cells and cells[-1] == BLANK:
        cells.pop()
    return " ".join(cells)


def simulate(machine: Machine, word: str, steps: int) -> str | None:
    """The reference: the final tape if the machine halts within ``steps`` transitions."""
    left: list[str] = []  # nearest last
    right = list(word) or [BLANK]  # head first
    state = machine.start
    for taken in range(steps + 1):
        if state == HALT:
            return _tape(left[::-1], right)
        if taken == steps:
            return None
        if not right:
            right = [BLANK]
        rule = machine.rules.get((state, right[0]))
        if rule is None:
            return None
        state, write, move = rule
        right[0] = write
        if move == "R":
            left.append(right.pop(0))
        else:
            right.insert(0, left.pop() if left else BLANK)
    return None


def run_by_machine(machine: Machine, word: str, steps: int) -> list[str]:
    """The final tapes of the RMC term's answers (one for a deterministic machine that halts)."""
    memory = {
        "q": [fn(machine.start)],
        "r": [END, *(fn(c) for c in reversed(word))],
        "l": [END],
        "fuel": [TOKEN] * steps,
    }
    result = solve(encode(machine), memory, fuel=None)
    assert result.exhausted
    tapes = set()
    for answer in result:
        left = [term_text(t)[len("cell(") : -1] for t in answer.stack("l")][1:]  # farthest first
        right = [term_text(t) for t in reversed(answer.stack("r")[1:])]  # head first
        tapes.add(_tape(left[::-1], right))
    return sorted(tapes)
