"""The reference interpreter for While: a direct big-step semantics, independent of the machine.

    ⟨x = e, σ⟩ ⇓ σ[x ↦ v]          if ⟨e, σ⟩ ⇓ v
    ⟨while (e) B, σ⟩ ⇓ ...          unfolding while e is True; break and continue as usual
    ⟨throw E(e), σ⟩ ⇓ exception E with payload v; try/catch catches by name

Control is Python exceptions (break, continue, throw, run-time error); arithmetic is sympy's,
exact. Values: sympy numbers (``/`` gives rationals), strings, Booleans, :class:`Data`.
The outcome is normal termination, an uncaught exception with its name and payload, or a run-time
error (unassigned variable, type mismatch, division by zero, exhausted input, fuel).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from typing import Literal as LiteralType

import sympy

from machine_calculus.calculus.layout import Budget, cut_message
from machine_calculus.embeddings.imperative.errors import (
    INPUT_EXHAUSTED,
    OUT_OF_FUEL,
    is_number,
    no_arm,
    not_boolean,
    operator_error,
    unassigned,
)
from machine_calculus.embeddings.imperative.syntax import (
    Assign,
    Binary,
    Break,
    Construct,
    Continue,
    Data,
    Expr,
    If,
    Input,
    Literal,
    Match,
    Print,
    Program,
    Skip,
    Stmt,
    Throw,
    Try,
    Unary,
    Value,
    Variable,
    While,
    value_json,
    value_text,
    values_size_text,
)
from machine_calculus.machine.fmc.primitives import ARITHMETIC, PrimitiveError, check_size

__all__ = ["Outcome", "interpret"]


@dataclass
class Outcome:
    """How a While run ended, its final store and its output (the JSON contract of ``mcalc while``)."""

    outcome: LiteralType["normal", "exception", "error"]
    store: dict[str, Value] = field(default_factory=dict)
    output: list[Value] = field(default_factory=list)
    exception: str | None = None
    payload: Value | None = None
    error: str | None = None

    def to_json(self, max_output: int | None = None) -> dict[str, Any]:
        """The JSON object. With ``max_output``, the payload, the output and the store's values
        (in that order) print at most that many characters in all: a value cut is its text
        ending with ``…`` (a string, also for a number), and the object then has
        ``"truncated": true`` and a ``"truncation"`` message (:meth:`truncation`)."""
        budget = Budget(max_output)

        def shown(v: Value) -> Any:
            text, cut = budget.take_cut(lambda limit: value_text(v, limit))
            return text if cut else value_json(v)

        payload = None if self.payload is None else shown(self.payload)
        output = [shown(v) for v in self.output]
        store = {k: shown(v) for k, v in sorted(self.store.items())}
        result: dict[str, Any] = {
            "outcome": self.outcome,
            "exception": self.exception,
            "payload": payload,
            "error": self.error,
            "store": store,
            "output": output,
        }
        if budget.cut:
            result["truncated"] = True
            result["truncation"] = self.truncation(max_output or 0)
        return result

    def _repr_html_(self) -> str:
        """A notebook's display: how the run ended, its output and its store (each value cut
        at 2,000 characters)."""
        from machine_calculus.machine.render import html_table

        def shown(v: Value) -> str:
            text = value_text(v, 2_000)
            return text if len(text) <= 2_000 else text[:1_999] + "…"

        caption = {"normal": "normal termination", "error": f"error: {self.error}"}.get(self.outcome, "")
        if self.outcome == "exception":
            caption = f"uncaught exception {self.exception}" + (
                "" if self.payload is None else f"({shown(self.payload)})"
            )
        rows = [("output", ", ".join(shown(v) for v in self.output) or "(none)")]
        rows += [(name, shown(v)) for name, v in sorted(self.store.items())]
        return html_table(["", ""], rows, caption)

    def values(self) -> list[Value]:
        """Every value the run gave: the payload, the output, the store's values."""
        return [*([] if self.payload is None else [self.payload]), *self.output, *self.store.values()]

    def truncation(self, max_output: int) -> str:
        """Why the run's values were cut at ``max_output`` characters, and how big they are."""
        return cut_message(max_output, f"the run's values have {values_size_text(self.values())}")

    def key(self) -> tuple[Any, ...]:
        """What two runs must agree on: outcome, exception and payload, error message, store, output."""
        return (
            self.outcome,
            self.exception,
            self.error,
            None if self.payload is None else value_text(self.payload),
            {k: value_text(v) for k, v in self.store.items()},
            [value_text(v) for v in self.output],
        )


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Thrown(Exception):
    def __init__(self, name: str, payload: Value | None) -> None:
        self.name, self.payload = name, payload


class _Error(Exception):
    pass


def interpret(
    program: Program,
    store: Mapping[str, Value] | None = None,
    inputs: Iterable[Value] = (),
    fuel: int = 1_000_000,
) -> Outcome:
    """Run ``program`` from the initial ``store`` with the ``inputs`` stream."""
    machine = _Interpreter(dict(store or {}), list(inputs), fuel)
    try:
        machine.block(program.body)
    except _Thrown as thrown:
        return Outcome("exception", machine.store, machine.output, thrown.name, thrown.payload)
    except _Error as error:
        return Outcome("error", machine.store, machine.output, error=str(error))
    return Outcome("normal", machine.store, machine.output)


def _truth(v: Value) -> Value:
    if v is sympy.true:
        return True
    if v is sympy.false:
        return False
    return v


class _Interpreter:
    def __init__(self, store: dict[str, Value], inputs: list[Value], fuel: int) -> None:
        self.store = store
        self.inputs = inputs
        self.output: list[Value] = []
        self.fuel = fuel

    def tick(self) -> None:
        self.fuel -= 1
        if self.fuel < 0:
            raise _Error(OUT_OF_FUEL)

    def block(self, body: tuple[Stmt, ...]) -> None:
        for stmt in body:
            self.statement(stmt)

    def boolean(self, e: Expr, what: str) -> bool:
        v = self.expression(e)
        if not isinstance(v, bool):
            raise _Error(not_boolean(what, v))
        return v

    def statement(self, s: Stmt) -> None:
        self.tick()
        if isinstance(s, Assign):
            self.store[s.name] = self.expression(s.value)
        elif isinstance(s, Print):
            self.output.append(self.expression(s.value))
        elif isinstance(s, Skip):
            pass
        elif isinstance(s, If):
            self.block(s.then if self.boolean(s.condition, "if") else s.otherwise)
        elif isinstance(s, While):
            while self.boolean(s.condition, "while"):
                self.tick()
                try:
                    self.block(s.body)
                except _Break:
                    break
                except _Continue:
                    continue
        elif isinstance(s, Break):
            raise _Break
        elif isinstance(s, Continue):
            raise _Continue
        elif isinstance(s, Throw):
            raise _Thrown(s.name, None if s.payload is None else self.expression(s.payload))
        elif isinstance(s, Try):
            try:
                self.block(s.body)
            except _Thrown as thrown:
                for handler in s.handlers:
                    if handler.name == thrown.name:
                        if handler.variable is not None:
                            if thrown.payload is None:
                                self.store.pop(handler.variable, None)  # no payload: x unassigned
                            else:
                                self.store[handler.variable] = thrown.payload
                        self.block(handler.handler)
                        break
                else:
                    raise
        elif isinstance(s, Match):
            v = self.expression(s.scrutinee)
            for arm in s.arms:
                if arm.constructor is None or (isinstance(v, Data) and v.constructor == arm.constructor):
                    if arm.constructor is not None:
                        for name, field_value in zip(arm.variables, v.fields, strict=True):
                            self.store[name] = field_value
                    self.block(arm.body)
                    break
            else:
                raise _Error(no_arm(v))
        else:  # pragma: no cover - the parser builds only the statements above
            raise TypeError(s)

    def expression(self, e: Expr) -> Value:
        if isinstance(e, Literal):
            return e.value
        if isinstance(e, Variable):
            if e.name not in self.store:
                raise _Error(unassigned(e.name))
            return self.store[e.name]
        if isinstance(e, Input):
            if not self.inputs:
                raise _Error(INPUT_EXHAUSTED)
            return self.inputs.pop(0)
        if isinstance(e, Construct):
            return Data(e.constructor, tuple(self.expression(a) for a in e.arguments))
        if isinstance(e, Unary):
            v = self.expression(e.operand)
            if e.operator == "not":
                self.check("not", v)
                return not v if isinstance(v, bool) else _truth(sympy.Not(v))
            return self.arithmetic("-", sympy.Integer(0), v)
        assert isinstance(e, Binary)
        if e.operator in ("and", "or"):
            left = self.boolean(e.left, e.operator)
            if left == (e.operator == "or"):
                return left
            return self.boolean(e.right, e.operator)
        a = self.expression(e.left)
        b = self.expression(e.right)
        return self.arithmetic(e.operator, a, b)

    def check(self, op: str, *args: Value) -> None:
        message = operator_error(op, args)
        if message is not None:
            raise _Error(message)

    def arithmetic(self, op: str, a: Value, b: Value) -> Value:
        """``a op b``, or the error :func:`operator_error` names; a number over the digit budget
        is the machine's error too (``integer too large``)."""
        self.check(op, a, b)
        if op in ("==", "!="):
            if is_number(a) and is_number(b):
                same = _truth(sympy.Eq(a, b))
            elif type(a) is not type(b):
                same = False
            else:
                same = a == b
            if isinstance(same, bool):
                return same if op == "==" else not same
            return same if op == "==" else _truth(sympy.Not(same))
        if op in ("<", "<=", ">", ">="):
            return _truth({"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}[op](a, b))
        r = sympy.Mod(a, b) if op == "%" else ARITHMETIC[op](a, b)
        try:
            check_size(op, r)
        except PrimitiveError as error:
            raise _Error(str(error)) from None
        return r
