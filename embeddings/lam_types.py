"""Simple types for the lambda-calculus, and their translations into FMC types (CBN and CBV).

    A, B ::= α | b | A → B          (α a type variable, b a constant's sort: int, name, ...)

:func:`simple_type` infers a closed term's principal simple type (Hindley-Milner without
``let``). The translations follow the two encodings of :mod:`.lam`; they are ours (the papers'
statement for CBN, written out here for our memory types and exits):

    call-by-name, a term run with its arguments on λ:
        ⟦α⟧ = ρα ⇒ σα                     one pair of rows per type variable
        ⟦b⟧ = ρb ⇒ {family(b): ρb}         a constant run is a jump
        ⟦A → B⟧ = R·λ(⟦A⟧ v⃗) ⇒ S          where ⟦B⟧ = R·λ(v⃗) ⇒ S: the argument on top

    call-by-value, a value's type, and a computation's:
        ⟦α⟧ᵥ = t_α      ⟦b⟧ᵥ = b      ⟦A → B⟧ᵥ = λ(⟦A⟧ᵥ) ⇒ λ(⟦B⟧ᵥ)   (bottoms ε, extended per use)
        ⟦M : A⟧ = ρ ⇒ ρ·λ(⟦A⟧ᵥ)              a term pushes its value

A closed term of type A has its image's translated type (:func:`..calculus.fmc.types.has_type`,
a hypothesis property in tests/embeddings/test_lam_types.py). The translation need not be the
image's principal FMC type: FMC types are finer (``λf x. f x`` under CBV lets f be any
computation that takes one item), and an open parameter's result length is not fixed by its
uses alone (docs/types-and-effects.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from machine_calculus.calculus.fmc.syntax import DEFAULT
from machine_calculus.calculus.fmc.types import Arrow, Base, MemoryType, Type, TypeVariable, base_sort, family_of_sort
from machine_calculus.calculus.layout import Text, assemble
from machine_calculus.calculus.terms import Term
from machine_calculus.embeddings.lam import App, Lam, LConst, LVar

__all__ = [
    "SimpleArrow",
    "SimpleBase",
    "SimpleType",
    "SimpleTypeError",
    "SimpleVariable",
    "cbn_type",
    "cbv_type",
    "cbv_value_type",
    "fold_simple",
    "order",
    "pretty_simple",
    "simple_type",
    "simple_typing",
]


@dataclass(frozen=True, slots=True)
class SimpleVariable:
    """``α``."""

    name: str


@dataclass(frozen=True, slots=True)
class SimpleBase:
    """A constant's sort ``b`` (``int``, ``name``, ...: those of FMC III)."""

    name: str


@dataclass(frozen=True, slots=True)
class SimpleArrow:
    """``A → B``."""

    argument: SimpleType
    result: SimpleType


SimpleType = SimpleVariable | SimpleBase | SimpleArrow
R = TypeVar("R")


class SimpleTypeError(Exception):
    """A lambda-term with no simple type; ``term`` is the application or variable at fault."""

    def __init__(self, message: str, term: Term | None = None) -> None:
        super().__init__(message)
        self.term = term


def pretty_simple(t: SimpleType) -> str:
    """``(a → b) → a → b``: arrows to the right, parenthesized on the left."""

    def pieces(x: SimpleType) -> list[object]:
        if not isinstance(x, SimpleArrow):
            return [Text(x.name)]
        if isinstance(x.argument, SimpleArrow):
            return [Text("("), x.argument, Text(") → "), x.result]
        return [x.argument, Text(" → "), x.result]

    return assemble(t, pieces)


# -- inference --------------------------------------------------------------------------------------


class _Unifier:
    """Union-find over type variables (ints); arrows are pairs, bases strings."""

    def __init__(self) -> None:
        self.parent: dict[int, object] = {}
        self.count = 0

    def fresh(self) -> int:
        self.count += 1
        return self.count

    def find(self, t: object) -> object:
        while isinstance(t, int) and t in self.parent:
            t = self.parent[t]
        return t

    def occurs(self, v: int, t: object) -> bool:
        stack = [t]
        while stack:
            x = self.find(stack.pop())
            if x == v:
                return True
            if isinstance(x, tuple):
                stack.extend(x)
        return False

    def unify(self, a: object, b: object) -> str | None:
        """None, or why ``a`` and ``b`` differ."""
        work = [(a, b)]
        while work:
            x, y = map(self.find, work.pop())
            if x == y:
                continue
            if isinstance(y, int) and not isinstance(x, int):
                x, y = y, x
            if isinstance(x, int):
                if self.occurs(x, y):
                    return "a type would contain itself (self-application)"
                self.parent[x] = y
            elif isinstance(x, tuple) and isinstance(y, tuple):
                work.extend(zip(x, y, strict=True))
            else:
                return f"{_shown(x)} is not {_shown(y)}"
        return None

    def resolve(self, t: object, names: dict[int, str]) -> SimpleType:
        """The type ``t`` stands for, variables named a, b, c, ... in order of appearance."""
        done: list[SimpleType] = []
        stack: list[tuple[object, bool]] = [(t, False)]
        while stack:
            x, ready = stack.pop()
            x = self.find(x)
            if isinstance(x, int):
                done.append(SimpleVariable(names.setdefault(x, _variable_name(len(names)))))
            elif isinstance(x, str):
                done.append(SimpleBase(x))
            elif not ready:
                assert isinstance(x, tuple)
                stack.append((x, True))
                stack.append((x[1], False))
                stack.append((x[0], False))
            else:
                result, argument = done.pop(), done.pop()
                done.append(SimpleArrow(argument, result))
        return done[0]


def _shown(t: object) -> str:
    return "a function" if isinstance(t, tuple) else str(t)


def _variable_name(n: int) -> str:
    letter = "abcdefghijklmnopqrstuvwxyz"[n % 26]
    return letter if n < 26 else f"{letter}{n // 26}"


def simple_type(term: Term) -> SimpleType:
    """:func:`simple_typing`'s type."""
    return simple_typing(term)[0]


def order(t: SimpleType) -> int:
    """``order(α) = order(b) = 0``, ``order(A → B) = max(order(A) + 1, order(B))``."""
    return fold_simple(t, lambda _: 0, lambda argument, result: max(argument + 1, result))


def simple_typing(term: Term) -> tuple[SimpleType, list[SimpleType]]:
    """The principal simple type of a closed lambda-term (iterative: deep terms are fine)::

        x : A ⊢ x : A      Γ, x : A ⊢ M : B  gives  Γ ⊢ λx.M : A → B
        Γ ⊢ M : A → B  and  Γ ⊢ N : A  give  Γ ⊢ M N : B      ⊢ c : sort(c)

    Raises :class:`SimpleTypeError` naming the sub-term (a free variable, or an application
    whose function and argument do not fit). Also the type of each abstraction's variable, in
    the order the abstractions come in the term."""
    u = _Unifier()
    parameters: list[int] = []
    scope: dict[str, list[int]] = {}
    results: list[object] = []
    stack: list[tuple[Term, bool]] = [(term, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, LVar):
            if not scope.get(node.name):
                raise SimpleTypeError(f"free variable {node.name}: only closed terms have a simple type", node)
            results.append(scope[node.name][-1])
        elif isinstance(node, LConst):
            results.append(base_sort(node.value))
        elif isinstance(node, Lam):
            if not ready:
                parameters.append(u.fresh())
                scope.setdefault(node.variable, []).append(parameters[-1])
                stack.append((node, True))
                stack.append((node.body, False))
            else:
                results.append((scope[node.variable].pop(), results.pop()))
        elif isinstance(node, App):
            if not ready:
                stack.append((node, True))
                stack.append((node.argument, False))
                stack.append((node.function, False))
            else:
                argument, function = results.pop(), results.pop()
                result = u.fresh()
                why = u.unify(function, (argument, result))
                if why is not None:
                    raise SimpleTypeError(f"untypable application: {why}", node)
                results.append(result)
        else:
            raise SimpleTypeError(f"not a lambda-term: {type(node).__name__}", node)
    names: dict[int, str] = {}
    whole = u.resolve(results[0], names)
    return whole, [u.resolve(p, names) for p in parameters]


# -- translations -------------------------------------------------------------------------------------


def _memory(row: str, items: list[Type]) -> MemoryType:
    """``row·λ(items)``, items top first."""
    return MemoryType(row, ((DEFAULT, tuple(reversed(items))),) if items else ())


def fold_simple(
    t: SimpleType,
    leaf: Callable[[SimpleVariable | SimpleBase], R],
    arrow: Callable[[R, R], R],
) -> R:
    """Bottom-up over a simple type, iteratively: ``leaf(x)`` for α or b, ``arrow(a, b)`` for
    ``A → B`` from the values ``a`` of A and ``b`` of B (a sub-type met twice is done once)."""
    memo: dict[int, R] = {}
    stack: list[tuple[SimpleType, bool]] = [(t, False)]
    while stack:
        x, ready = stack.pop()
        if id(x) in memo:
            continue
        if not isinstance(x, SimpleArrow):
            memo[id(x)] = leaf(x)
        elif not ready:
            stack.extend([(x, True), (x.result, False), (x.argument, False)])
        else:
            memo[id(x)] = arrow(memo[id(x.argument)], memo[id(x.result)])
    return memo[id(t)]


def cbn_type(t: SimpleType) -> Arrow:
    """``⟦A⟧``: the type of the call-by-name image of a term of type ``A`` (module docstring)."""

    def leaf(x: SimpleVariable | SimpleBase) -> Arrow:
        row, output = MemoryType(f"ρ{x.name}"), MemoryType(f"σ{x.name}")
        return Arrow(row, output, ((family_of_sort(x.name), row),) if isinstance(x, SimpleBase) else ())

    def arrow(argument: Arrow, result: Arrow) -> Arrow:  # the argument on top of the result's input
        on_top = [argument, *reversed(result.input.stack(DEFAULT))]
        return Arrow(_memory(result.input.row, on_top), result.output, result.exits)

    return fold_simple(t, leaf, arrow)


def cbv_value_type(t: SimpleType) -> Type:
    """``⟦A⟧ᵥ``: the type of the value a call-by-value term of type ``A`` leaves on λ."""

    def leaf(x: SimpleVariable | SimpleBase) -> Type:
        return TypeVariable(x.name) if isinstance(x, SimpleVariable) else Base(x.name)

    def arrow(argument: Type, result: Type) -> Type:
        return Arrow(_memory("ε", [argument]), _memory("ε", [result]))

    return fold_simple(t, leaf, arrow)


def cbv_type(t: SimpleType) -> Arrow:
    """``ρ ⇒ ρ·λ(⟦A⟧ᵥ)``: the type of the call-by-value image of a term of type ``A``."""
    return Arrow(MemoryType("ρ"), _memory("ρ", [cbv_value_type(t)]))
