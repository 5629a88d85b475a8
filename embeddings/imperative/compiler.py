"""While -> FMC III.

The store: variable ``x`` is location ``x`` holding one cell, the thunk ``[v]`` of its value
(an unassigned variable holds a free variable, so reading it is a stuck run). Output is location
``out``, input ``in``, an exception's payload ``exc``. Values: constants are constants; a data
value ``C(v1, ..., vn)`` is the term ``[vn]. ... .[v1].C``, which run pushes its fields (v1 on top)
and jumps ``C``, so that ``match`` is case sequencing on the constructor.

    E⟦c⟧ = [c]                 E⟦x⟧ = x⟨t⟩.[t]x.t          E⟦input()⟧ = in⟨v⟩.[v]
    E⟦a op b⟧ = E⟦a⟧ ; E⟦b⟧ ; ⟨b⟩.⟨a⟩.[b].[a].op       (first argument on top)
    E⟦C(e1..en)⟧ = E⟦e1⟧ ; ... ; E⟦en⟧ ; ⟨fn⟩...⟨f1⟩.[[fn]. ... .[f1].C]
    S⟦x = e⟧ = E⟦e⟧ ; ⟨v⟩.x⟨_⟩.[[v]]x                    S⟦print(e)⟧ = E⟦e⟧ ; ⟨v⟩.[v]out
    S⟦if (e) A else B⟧ = E⟦e⟧ ; ⟨b⟩.(b ; {True -> S⟦A⟧ | False -> S⟦B⟧ | _ -> error})
    S⟦while (e) B⟧ = (E⟦e⟧ ; ⟨b⟩.(b ; {True -> S⟦B⟧ ; "continue" | False -> "break" | _ -> error}))^"continue"
                     ; {"break" -> ⋆}
    S⟦break⟧ = "break"        S⟦continue⟧ = "continue"
    S⟦throw E(e)⟧ = E⟦e⟧ ; ⟨v⟩.[⟨_⟩.[[v]]]exc.E           S⟦throw E⟧ = [⋆]exc.E
    S⟦try A catch E(x) H ...⟧ = S⟦A⟧ ; {E -> exc⟨t⟩.x⟨_⟩.[unassigned_x].t.⟨c⟩.[c]x.S⟦H⟧ | ...}
    S⟦match e {C(x..) => A | _ => D}⟧ = E⟦e⟧ ; ⟨v⟩.(v ; {C -> ⟨f1⟩.x⟨_⟩.[[f1]]x ... S⟦A⟧ | ... | _ -> S⟦D⟧})

An exception's payload on ``exc`` is a term that replaces the cell on top of λ by the payload's
(``⟨_⟩.[[v]]``), or, with no payload, leaves it (``⋆``): a handler pushes ``x``'s unassigned
marker, runs the payload term and stores what it leaves, so ``catch E(x)`` of ``throw E;``
leaves ``x`` unassigned, as ``x`` itself (reading it says so by name).
``error`` is ``[v].["message"].error``, the primitive that stops the run with the message, the
offending value ``v`` under it (:mod:`errors` names it). Loop labels are strings, which While
cannot throw; exceptions are Names. ``and``/``or`` short-circuit. The compiler recurses over
the While AST, whose depth the parser bounds.
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy

from machine_calculus.calculus.fmc.syntax import (
    ANY,
    DEFAULT,
    SKIP,
    Const,
    Loop,
    Name,
    Pop,
    Prim,
    Push,
    Seq,
    Term,
    Var,
    case,
    sequence_of,
)
from machine_calculus.embeddings.imperative.errors import NO_ARM, compiled_not_boolean
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
)

__all__ = ["BREAK", "CONTINUE", "EXC", "IN", "OUT", "UNASSIGNED", "compile_program", "unassigned", "value_term"]

OUT, IN, EXC = "out", "in", "exc"
BREAK, CONTINUE = Const("break"), Const("continue")
TRUE, FALSE = Name("True"), Name("False")
_PRIMITIVE = {"*": "*", "+": "+", "-": "-", "/": "/", "%": "%", "==": "==", "!=": "!="}
_PRIMITIVE.update({op: op for op in ("<", "<=", ">", ">=")})


#: The prefix of the free variable an unassigned variable's cell holds.
UNASSIGNED = "unassigned_"


def unassigned(variable: str) -> Term:
    """The content of an unassigned variable's cell: a free variable, stuck when read."""
    return Var(UNASSIGNED + variable)


def value_term(v: Value) -> Term:
    """A While value as the FMC term that stands for it: ``C(v1, ..., vn)`` is
    ``[vn]. ... .[v1].C`` (iterative: a list of 100,000 elements becomes a term)."""
    built: list[Term] = []  # the terms of the values done, in the order they were taken
    work: list[tuple[Value, bool]] = [(v, False)]
    while work:
        item, fields_done = work.pop()
        if not isinstance(item, Data):
            built.append(_constant_term(item))
        elif not fields_done:
            work.append((item, True))
            work.extend((f, False) for f in reversed(item.fields))
        else:
            n = len(item.fields)
            term: Term = Const(Name(item.constructor))
            for f in built[len(built) - n :]:  # v1 pushed last: on top when run
                term = Push(f, DEFAULT, term)
            del built[len(built) - n :]
            built.append(term)
    (term,) = built
    return term


def _constant_term(v: Value) -> Term:
    if isinstance(v, bool):
        return Const(TRUE if v else FALSE)
    if isinstance(v, str | sympy.Expr | sympy.logic.boolalg.Boolean):  # the sympy values: numbers, truth values
        return Const(v)
    if isinstance(v, int):
        return Const(sympy.Integer(v))
    raise TypeError(f"not a While value: {v!r}")


def compile_program(program: Program, checked_conditions: bool = True) -> Term:
    """The FMC III term of a While program. ``checked_conditions=False`` leaves out the ``_``
    arms that stop a run on a condition that is not a Boolean: such a value then exits the
    frame with its own label (what typing looks for, :mod:`.types`)."""
    return _Compiler(program, checked_conditions).block(program.body)


class _Compiler:
    def __init__(self, program: Program, checked_conditions: bool = True) -> None:
        self.arities = program.arities()
        self.checked = checked_conditions
        self.names = (f"v{i}" for i in itertools.count(1))

    def fresh(self) -> str:
        return next(self.names)

    def error(self, message: str, value_variable: str) -> Term:
        """``[v].["message"].error``: stop with ``message`` about the value ``v``."""
        return Push(Var(value_variable), DEFAULT, Push(Const(message), DEFAULT, Prim("error")))

    def block(self, body: tuple[Stmt, ...]) -> Term:
        return sequence_of(*(self.statement(s) for s in body))

    def assign(self, location: str, value_variable: str, then: Term = SKIP) -> Term:
        """``x⟨_⟩.[[v]]x.then``: overwrite the cell of ``location`` with the thunk of ``v``."""
        return Pop(location, self.fresh(), Push(Push(Var(value_variable), DEFAULT, SKIP), location, then))

    def statement(self, s: Stmt) -> Term:
        if isinstance(s, Assign):
            v = self.fresh()
            return Seq(self.expression(s.value), Pop(DEFAULT, v, self.assign(s.name, v)))
        if isinstance(s, Print):
            v = self.fresh()
            return Seq(self.expression(s.value), Pop(DEFAULT, v, Push(Var(v), OUT, SKIP)))
        if isinstance(s, Skip):
            return SKIP
        if isinstance(s, If):
            return self.branch(s.condition, "if", self.block(s.then), self.block(s.otherwise))
        if isinstance(s, While):
            body = self.branch(s.condition, "while", Seq(self.block(s.body), CONTINUE), BREAK)
            return case(Loop(body, "continue"), ("break", SKIP))
        if isinstance(s, Break):
            return BREAK
        if isinstance(s, Continue):
            return CONTINUE
        if isinstance(s, Throw):
            label = Const(Name(s.name))
            if s.payload is None:
                return Push(SKIP, EXC, label)
            v = self.fresh()
            payload = Pop(DEFAULT, self.fresh(), Push(Push(Var(v), DEFAULT, SKIP), DEFAULT, SKIP))
            return Seq(self.expression(s.payload), Pop(DEFAULT, v, Push(payload, EXC, label)))
        if isinstance(s, Try):
            arms = []
            for h in s.handlers:
                t = self.fresh()
                if h.variable is None:
                    handler = Pop(EXC, t, self.block(h.handler))
                else:
                    c = self.fresh()
                    store = Seq(Var(t), Pop(DEFAULT, c, Push(Var(c), h.variable, self.block(h.handler))))
                    handler = Pop(EXC, t, Pop(h.variable, self.fresh(), Push(unassigned(h.variable), DEFAULT, store)))
                arms.append((Name(h.name), handler))
            return case(self.block(s.body), *arms)
        if isinstance(s, Match):
            return self.match(s)
        raise TypeError(s)  # pragma: no cover

    def branch(self, condition: Expr, what: str, if_true: Term, if_false: Term) -> Term:
        """``E⟦c⟧ ; ⟨b⟩.(b ; {True -> if_true | False -> if_false | _ -> error})``."""
        b = self.fresh()
        frame = case(Var(b), (TRUE, if_true), (FALSE, if_false), *self.not_boolean(what, b))
        return Seq(self.expression(condition), Pop(DEFAULT, b, frame))

    def not_boolean(self, what: str, value_variable: str) -> tuple[tuple[Any, Term], ...]:
        """The ``_`` arm of a condition's frame: stop, naming the value (none when unchecked)."""
        return ((ANY, self.error(compiled_not_boolean(what), value_variable)),) if self.checked else ()

    def match(self, s: Match) -> Term:
        v = self.fresh()
        listed = {arm.constructor for arm in s.arms}
        default = next((arm for arm in s.arms if arm.constructor is None), None)
        otherwise = self.block(default.body) if default else self.error(NO_ARM, v)
        arms: list[tuple[Any, Term]] = []
        for arm in s.arms:
            if arm.constructor is None:
                continue
            body = self.block(arm.body)
            for x in reversed(arm.variables):
                f = self.fresh()
                body = Pop(DEFAULT, f, self.assign(x, f, body))
            arms.append((Name(arm.constructor), body))
        for con, n in self.arities.items():  # the default must drop the fields of the others
            if con not in listed and n:
                dropped = otherwise
                for _ in range(n):
                    dropped = Pop(DEFAULT, self.fresh(), dropped)
                arms.append((Name(con), dropped))
        arms.append((ANY, otherwise))
        return Seq(self.expression(s.scrutinee), Pop(DEFAULT, v, case(Var(v), *arms)))

    def expression(self, e: Expr) -> Term:
        if isinstance(e, Literal):
            return Push(value_term(e.value), DEFAULT, SKIP)
        if isinstance(e, Variable):
            t = self.fresh()
            return Pop(e.name, t, Push(Var(t), e.name, Var(t)))
        if isinstance(e, Input):
            v = self.fresh()
            return Pop(IN, v, Push(Var(v), DEFAULT, SKIP))
        if isinstance(e, Construct):
            if not e.arguments:
                return Push(Const(Name(e.constructor)), DEFAULT, SKIP)
            names = [self.fresh() for _ in e.arguments]
            value: Term = Const(Name(e.constructor))
            for f in names:  # f1 innermost: pushed last, on top when the value runs
                value = Push(Var(f), DEFAULT, value)
            build: Term = Push(value, DEFAULT, SKIP)
            for f in names:  # the last argument is on top: popped first
                build = Pop(DEFAULT, f, build)
            return sequence_of(*(self.expression(a) for a in e.arguments), build)
        if isinstance(e, Unary):
            if e.operator == "not":
                return Seq(self.expression(e.operand), Prim("not"))
            a = self.fresh()
            zero = Const(sympy.Integer(0))
            return Seq(
                self.expression(e.operand), Pop(DEFAULT, a, Push(Var(a), DEFAULT, Push(zero, DEFAULT, Prim("-"))))
            )
        assert isinstance(e, Binary)
        if e.operator in ("and", "or"):
            return self.short_circuit(e)
        a, b = self.fresh(), self.fresh()
        swap = Pop(
            DEFAULT, b, Pop(DEFAULT, a, Push(Var(b), DEFAULT, Push(Var(a), DEFAULT, Prim(_PRIMITIVE[e.operator]))))
        )
        return sequence_of(self.expression(e.left), self.expression(e.right), swap)

    def short_circuit(self, e: Binary) -> Term:
        b = self.fresh()
        check = Pop(
            DEFAULT,
            b,
            case(
                Var(b),
                (TRUE, Push(Const(TRUE), DEFAULT, SKIP)),
                (FALSE, Push(Const(FALSE), DEFAULT, SKIP)),
                *self.not_boolean(e.operator, b),
            ),
        )
        right = Seq(self.expression(e.right), check)
        stop = Push(Const(TRUE if e.operator == "or" else FALSE), DEFAULT, SKIP)
        a = self.fresh()
        arms = ((TRUE, stop), (FALSE, right)) if e.operator == "or" else ((TRUE, right), (FALSE, stop))
        return Seq(
            self.expression(e.left),
            Pop(DEFAULT, a, case(Var(a), *arms, *self.not_boolean(e.operator, a))),
        )
