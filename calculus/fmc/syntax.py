"""FMC terms (parts I and II) and FMC III's control (constants, jumps, case, loops, primitives).

    M, N ::= *            skip: the empty instruction sequence       Skip()
           | x            variable: execute the term bound to x      Var("x")
           | [N]a.M       push N onto location a, then M             Push(N, "a", M)
           | a<x>.M       pop the top of a into x, then M            Pop("a", "x", M)
           | N ; M        sequential composition (N ; {* -> M})      Seq(N, M)
           | c            a constant (integer, rational, string,     Const(value)
                          capitalized name, $symbol); run, it is the jump c
           | N ; {j1 -> M1 | ... | jn -> Mn}    case sequencing     Case(N, Branch(j1, M1, ...))
           | M ^ j        loop on label j                            Loop(M, j)
           | p            primitive operation (+ - * / ...)          Prim("+")

A jump exits with a label: ``*`` (skip, the normal exit) or a constant. The branches of a case
frame are a chain ``Branch(j1, M1, Branch(j2, M2, ... NoBranch()))`` of kind ``"frame"``; the
label ``_`` (:data:`ANY`) is the default branch, allowed last. ``N ; {* -> M}`` is written
``Seq(N, M)``: a ``Case`` whose only branch is ``*`` is refused, so each term has one form.

The default location λ is the string ``DEFAULT`` (``"λ"``). ``Pop`` binds its variable in its
body; every other node is binder-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias, overload

from machine_calculus.calculus.terms import Term

if TYPE_CHECKING:  # sympy is imported where a value needs it (calculus/fmc/sympy_values.py)
    import sympy

__all__ = [
    "ANY",
    "DEFAULT",
    "NO_BRANCH",
    "PRIMITIVES",
    "SKIP",
    "STAR",
    "Branch",
    "Case",
    "Const",
    "ConstValue",
    "Label",
    "Loop",
    "LoopFrame",
    "Name",
    "NoBranch",
    "Pop",
    "Prim",
    "Push",
    "Seq",
    "Skip",
    "StarLabel",
    "Var",
    "Wildcard",
    "branches",
    "case",
    "exit_label",
    "frame_of",
    "jump",
    "lam",
    "sequence_of",
]

#: The default location λ (the lambda-calculus's own stack), written by omitting it.
DEFAULT = "λ"


@dataclass(frozen=True, slots=True)
class Name:
    """A capitalized constant such as ``True``, ``Nil`` or ``Overflow``."""

    text: str

    def __str__(self) -> str:
        return self.text


#: What a constant may be: an exact number, a sympy symbol ($n) or symbolic expression (built by
#: primitives on symbols, e.g. ``$n + 1`` or ``$n < 3``), a string literal or a Name.
ConstValue: TypeAlias = (
    "sympy.Integer | sympy.Rational | sympy.Symbol | sympy.Expr | sympy.logic.boolalg.Boolean | str | Name"
)


@dataclass(frozen=True, slots=True)
class StarLabel:
    """The label ``*`` (Unicode ``⋆``): the normal exit, which skip jumps with."""

    def __str__(self) -> str:
        return "*"


@dataclass(frozen=True, slots=True)
class Wildcard:
    """The default branch label ``_``: catches every label not listed before it."""

    def __str__(self) -> str:
        return "_"


STAR = StarLabel()
ANY = Wildcard()

#: A label: ``*``, a constant, or (in a case frame only) the wildcard ``_``.
Label: TypeAlias = "ConstValue | StarLabel | Wildcard"

#: The primitives and their arities. ``*`` is multiplication (printed ``×``; ASCII ``mul``, as
#: ``*`` is skip there). A primitive of arity n pops n constants from λ, first argument on top.
#: ``error`` (a named primitive) pops a string and stops the run with it as a run-time error.
PRIMITIVES: dict[str, int] = {
    "+": 2,
    "-": 2,
    "*": 2,
    "/": 2,
    "%": 2,
    "==": 2,
    "!=": 2,
    "<": 2,
    "<=": 2,
    ">": 2,
    ">=": 2,
    "not": 1,
    "error": 1,
}


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Skip(Term):
    """``*`` (Unicode ``⋆``): the empty instruction sequence, imperative skip."""

    _tag: ClassVar[int] = 1
    sorts: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Var(Term):
    """``x``: execute the term bound to ``x`` (the papers' variable)."""

    name: str
    is_variable: ClassVar[bool] = True
    _tag: ClassVar[int] = 2
    sorts: ClassVar[tuple[str, ...]] = ("name",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Push(Term):
    """``[N]a.M``: push ``N`` (unevaluated) onto location ``a``, then continue with ``M``."""

    term: Term
    location: str
    body: Term
    _tag: ClassVar[int] = 3
    sorts: ClassVar[tuple[str, ...]] = ("term", "location", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Pop(Term):
    """``a<x>.M``: pop the top of location ``a`` into ``x``, then ``M`` (binds ``x`` in ``M``)."""

    location: str
    variable: str
    body: Term
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = ((1, (2,)),)
    variable_class: ClassVar[type[Term]] = Var
    _tag: ClassVar[int] = 4
    sorts: ClassVar[tuple[str, ...]] = ("location", "binder", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Seq(Term):
    """``N ; M``: run ``N``, then ``M``."""

    first: Term
    then: Term
    _tag: ClassVar[int] = 5
    sorts: ClassVar[tuple[str, ...]] = ("term", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Const(Term):
    """A constant: an atom that can be pushed and popped; run, it exits with its label."""

    value: ConstValue
    _tag: ClassVar[int] = 6
    sorts: ClassVar[tuple[str, ...]] = ("constant",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Branch(Term):
    """One branch ``j -> M`` of a case frame, followed by the ``rest`` of the frame."""

    label: Label
    body: Term
    rest: Term
    kind: ClassVar[str] = "frame"
    _tag: ClassVar[int] = 7
    sorts: ClassVar[tuple[str, ...]] = ("label", "term", "frame")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class NoBranch(Term):
    """The end of a case frame's branches."""

    kind: ClassVar[str] = "frame"
    _tag: ClassVar[int] = 8
    sorts: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Case(Term):
    """``N ; {j1 -> M1 | ... | jn -> Mn}``: run ``N``; on exit with ``ji`` continue with ``Mi``.

    An exit no branch lists (and no ``_`` catches) passes outward. Labels are distinct, ``_``
    comes last, and the frame is not the lone ``{* -> M}`` (that is ``Seq(N, M)``).
    """

    first: Term
    frame: Term
    _tag: ClassVar[int] = 9
    sorts: ClassVar[tuple[str, ...]] = ("term", "frame")

    def __post_init__(self) -> None:
        Term.__post_init__(self)
        labels = [label for label, _ in branches(self.frame)]
        if not labels:
            raise ValueError("a case frame needs at least one branch")
        if labels == [STAR]:
            raise ValueError("N ; {* -> M} is Seq(N, M)")
        if len(set(labels)) != len(labels):
            raise ValueError(f"a case frame lists a label twice: {', '.join(map(str, labels))}")
        if ANY in labels[:-1]:
            raise ValueError("the default branch '_' must come last")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Loop(Term):
    """``M ^ j``: run ``M``; each exit with ``j`` runs ``M`` again; any other exit leaves the loop."""

    body: Term
    label: Label
    _tag: ClassVar[int] = 10
    sorts: ClassVar[tuple[str, ...]] = ("term", "label")

    def __post_init__(self) -> None:
        Term.__post_init__(self)
        if isinstance(self.label, Wildcard):
            raise ValueError("a loop needs a label, not '_'")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Prim(Term):
    """A primitive operation: pops its arguments (constants) from λ, pushes the result, exits ``*``."""

    name: str
    _tag: ClassVar[int] = 11
    sorts: ClassVar[tuple[str, ...]] = ("primitive",)

    def __post_init__(self) -> None:
        Term.__post_init__(self)
        if self.name not in PRIMITIVES:
            raise ValueError(f"unknown primitive {self.name!r} (known: {' '.join(PRIMITIVES)})")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LoopFrame(Term):
    """The machine's loop frame ``loop(j, M)`` (printed so): on exit ``j`` run ``M`` again.

    Not a term of the grammar: it appears only on the continuation stack (kind ``"frame"``).
    """

    body: Term
    label: Label
    kind: ClassVar[str] = "frame"
    _tag: ClassVar[int] = 12
    sorts: ClassVar[tuple[str, ...]] = ("term", "label")


#: The one skip node (any ``Skip()`` is equal to it).
SKIP = Skip()
NO_BRANCH = NoBranch()


def jump(label: Label) -> Term:
    """The term that exits with ``label``: ``*`` for :data:`STAR`, else the constant."""
    if isinstance(label, StarLabel):
        return SKIP
    if isinstance(label, Wildcard):
        raise ValueError("'_' is not a jump")
    return Const(label)


def exit_label(term: Term) -> Label | None:
    """The label a jump exits with (``*`` for skip, the value for a constant); None otherwise."""
    if isinstance(term, Skip):
        return STAR
    if isinstance(term, Const):
        return term.value
    return None


def branches(frame: Term) -> list[tuple[Label, Term]]:
    """The branches ``(j, M)`` of a frame chain, in order."""
    out: list[tuple[Label, Term]] = []
    while isinstance(frame, Branch):
        out.append((frame.label, frame.body))
        frame = frame.rest
    return out


@overload
def frame_of(t: Seq | Case) -> tuple[tuple[Label, Term], ...]: ...
@overload
def frame_of(t: Term) -> tuple[tuple[Label, Term], ...] | None: ...
def frame_of(t: Term) -> tuple[tuple[Label, Term], ...] | None:
    """The frame ``C`` of ``N ; C`` as its branches (``N ; M`` is ``N ; {⋆ -> M}``); None for
    any other node."""
    if isinstance(t, Seq):
        return ((STAR, t.then),)
    if isinstance(t, Case):
        return tuple(branches(t.frame))
    return None


def case(first: Term, *pairs: tuple[Label, Term]) -> Term:
    """``first ; {j1 -> M1 | ...}``; ``Seq(first, M)`` for the lone ``{* -> M}``."""
    if len(pairs) == 1 and isinstance(pairs[0][0], StarLabel):
        return Seq(first, pairs[0][1])
    frame: Term = NO_BRANCH
    for label, body in reversed(pairs):
        frame = Branch(label, body, frame)
    return Case(first, frame)


def lam(variables: str, body: Term) -> Term:
    """``λx y.M``: sugar for ``<x>.<y>.M`` on the default location."""
    for x in reversed(variables.split()):
        body = Pop(DEFAULT, x, body)
    return body


def sequence_of(*terms: Term) -> Term:
    """``M1 ; M2 ; ... ; Mn`` (right-associated); ``*`` for no terms."""
    if not terms:
        return SKIP
    result = terms[-1]
    for t in reversed(terms[:-1]):
        result = Seq(t, result)
    return result
