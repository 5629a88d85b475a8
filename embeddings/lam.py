"""The lambda-calculus, its reference evaluators, and its two encodings into the FMC.

    M, N ::= x | λx.M | M N | c          (c a constant: a number, string or capitalized name)

Concrete syntax: ``\\x y. M`` or ``λx y.M``, application by juxtaposition (left associative),
parentheses, constants as in the FMC (``3``, ``"s"``, ``True``). The nodes implement the
generic term interface, so alpha-equivalence, free variables and capture-avoiding substitution
are :mod:`calculus.terms`'s.

Encodings (FMC I):

    call-by-name    x ↦ x          λx.M ↦ ⟨x⟩.M        M N ↦ [N].M        c ↦ c
    call-by-value   x ↦ [x]        λx.M ↦ [⟨x⟩.M]      M N ↦ N ; M ; ⟨f⟩.f   c ↦ [c]

The reference evaluators work on lambda terms directly, by substitution, independently of the
machine: weak head reduction for call-by-name and weak call-by-value (arguments first, right to
left as in the encoding: N runs before M).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.fmc.parser import PUNCTUATION, parse_constant
from machine_calculus.calculus.fmc.printer import constant_text
from machine_calculus.calculus.fmc.syntax import DEFAULT, SKIP, Const, Pop, Push, Seq, Var
from machine_calculus.calculus.fmc.syntax import Term as FMCTerm
from machine_calculus.calculus.layout import Text, assemble
from machine_calculus.calculus.lexing import EOF, IDENT, NUMBER, STRING, SYMBOL, tokenize
from machine_calculus.calculus.notation import register
from machine_calculus.calculus.terms import Term, fresh_name, substitute

__all__ = [
    "ARGUMENT",
    "BODY",
    "EXTENSIONS",
    "FUNCTION",
    "App",
    "LConst",
    "LVar",
    "Lam",
    "Outcome",
    "cbn",
    "cbv",
    "cbv_value",
    "evaluate_cbn",
    "evaluate_cbv",
    "lambda_text",
    "parse_lambda",
]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LVar(Term):
    """``x``."""

    name: str
    is_variable: ClassVar[bool] = True
    _tag: ClassVar[int] = 101
    sorts: ClassVar[tuple[str, ...]] = ("name",)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Lam(Term):
    """``λx.M`` (binds x in M)."""

    variable: str
    body: Term
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = ((0, (1,)),)
    variable_class: ClassVar[type[Term]] = LVar
    _tag: ClassVar[int] = 102
    sorts: ClassVar[tuple[str, ...]] = ("binder", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class App(Term):
    """``M N``."""

    function: Term
    argument: Term
    _tag: ClassVar[int] = 103
    sorts: ClassVar[tuple[str, ...]] = ("term", "term")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LConst(Term):
    """A constant ``c``."""

    value: object
    _tag: ClassVar[int] = 104
    sorts: ClassVar[tuple[str, ...]] = ("constant",)


# -- printing ------------------------------------------------------------------------------------------

# contexts: the whole term or a body (an abstraction extends to the right), a function (an
# abstraction needs parentheses), an argument (an application needs them too)
BODY, FUNCTION, ARGUMENT = 0, 1, 2
_BODY, _FUNCTION, _ARGUMENT = BODY, FUNCTION, ARGUMENT

#: How :func:`lambda_text` prints the nodes of calculi built on this one (the monadic
#: metalanguage registers its own): ``class -> (binds_right, pieces)``, where ``pieces(node,
#: notation)`` gives text and ``(sub-term, context)`` items, and ``binds_right`` says the form
#: extends as far right as it can, as an abstraction does (else it is an application, of a keyword).
EXTENSIONS: dict[type, tuple[bool, Callable[[Term, str], list[object]]]] = {}


def lambda_text(term: Term, notation: str = "unicode", limit: int | None = None) -> str:
    """``λx y.M N`` (``\\x y. M N`` in ASCII), as :func:`parse_lambda` reads it back: application
    left-associative, an abstraction as far right as possible, consecutive binders merged.
    Iterative; with ``limit``, at most ``limit + 1`` characters."""
    lam, dot = ("\\", ". ") if notation == "ascii" else ("λ", ".")

    def pieces(item: tuple[Term, int]) -> list[object]:
        node, ctx = item
        if isinstance(node, LVar):
            return [Text(node.name)]
        if isinstance(node, LConst):
            return [Text(constant_text(node.value))]  # type: ignore[arg-type]
        binds_right, extension = EXTENSIONS.get(type(node), (isinstance(node, Lam), None))
        if ctx != _BODY if binds_right or extension is not None else ctx == _ARGUMENT:
            return [Text("("), (node, _BODY), Text(")")]
        if extension is not None:
            return extension(node, notation)
        if isinstance(node, Lam):
            names = [node.variable]
            body = node.body
            while isinstance(body, Lam):
                names.append(body.variable)
                body = body.body
            return [Text(lam + " ".join(names) + dot), (body, _BODY)]
        if isinstance(node, App):
            return [(node.function, _FUNCTION), Text(" "), (node.argument, _ARGUMENT)]
        raise TypeError(f"not a lambda term: {node!r}")

    return assemble((term, _BODY), pieces, limit)  # type: ignore[arg-type]


register((LVar, Lam, App, LConst), lambda t, notation, limit: lambda_text(t, notation, limit))


# -- parsing -------------------------------------------------------------------------------------------


def parse_lambda(text: str, source: str = "<lambda>") -> Term:
    """Parse ``\\x y. M N (P)``: abstraction extends as far right as possible."""
    tokens = tokenize(text, PUNCTUATION, source=source)
    pos = 0

    def error(message: str) -> ParseError:
        return ParseError(message, text, tokens[pos].position, source)

    # iterative: a stack of frames, each an application spine being built, possibly under binders
    frames: list[tuple[list[str], list[Term], object]] = [([], [], None)]
    while True:
        tok = tokens[pos]
        binders, spine, opener = frames[-1]
        if tok.kind == "\\":
            pos += 1
            names = []
            while tokens[pos].kind == IDENT and (tokens[pos].text[0].islower() or tokens[pos].text[0] == "_"):
                names.append(tokens[pos].text)
                pos += 1
            if not names:
                raise error("expected a variable after 'λ'")
            if tokens[pos].kind != ".":
                raise error("expected '.' after the variables of 'λ'")
            pos += 1
            frames.append((names, [], "lambda"))
            continue
        if tok.kind == "(":
            pos += 1
            frames.append(([], [], tok))
            continue
        if tok.kind == IDENT:
            pos += 1
            spine.append(
                LVar(tok.text) if tok.text[0].islower() or tok.text[0] == "_" else LConst(parse_constant(tok.text))
            )
            continue
        if tok.kind in (NUMBER, STRING, SYMBOL):
            pos += 1
            spine.append(LConst(parse_constant(tok.text)))
            continue
        # end of a spine: ')' , end of input, or an unexpected token
        if not spine:
            found = "end of input" if tok.kind == EOF else repr(tok.text)
            raise error(f"expected a term, found {found}")
        term = spine[0]
        for argument in spine[1:]:
            term = App(term, argument)
        for name in reversed(binders):
            term = Lam(name, term)
        frames.pop()
        if opener == "lambda":
            frames[-1][1].append(term)
            continue
        if opener is not None:  # a parenthesis
            if tok.kind != ")":
                raise error("expected ')'")
            pos += 1
            frames[-1][1].append(term)
            continue
        if tok.kind != EOF:
            raise error(f"unexpected {tok.text!r}")
        return term


# -- encodings -----------------------------------------------------------------------------------------


def cbn(term: Term) -> FMCTerm:
    """Call-by-name: ``x ↦ x``, ``λx.M ↦ ⟨x⟩.M``, ``M N ↦ [N].M``, ``c ↦ c``."""
    return _encode(term, "cbn")


def cbv_value(value: Term) -> FMCTerm:
    """What the call-by-value encoding leaves on the stack for a value: ``⟨x⟩.M`` for
    ``λx.M``, ``c`` for a constant, ``x`` for a (free) variable."""
    if isinstance(value, Lam):
        return Pop(DEFAULT, value.variable, cbv(value.body))
    if isinstance(value, LConst):
        return Const(value.value)  # type: ignore[arg-type]
    assert isinstance(value, LVar)
    return Var(value.name)


def cbv(term: Term) -> FMCTerm:
    """Call-by-value: ``x ↦ [x]``, ``λx.M ↦ [⟨x⟩.M]``, ``M N ↦ N ; M ; ⟨f⟩.f``, ``c ↦ [c]``."""
    return _encode(term, "cbv")


def _encode(term: Term, mode: str) -> FMCTerm:
    results: list[FMCTerm] = []
    stack: list[tuple[Term, bool]] = [(term, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, LVar):
            results.append(Var(node.name) if mode == "cbn" else Push(Var(node.name), DEFAULT, SKIP))
        elif isinstance(node, LConst):
            c = Const(node.value)  # type: ignore[arg-type]
            results.append(c if mode == "cbn" else Push(c, DEFAULT, SKIP))
        elif not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.args) if isinstance(child, Term))
        elif isinstance(node, Lam):
            body = Pop(DEFAULT, node.variable, results.pop())
            results.append(body if mode == "cbn" else Push(body, DEFAULT, SKIP))
        else:
            assert isinstance(node, App)
            argument, function = results.pop(), results.pop()
            if mode == "cbn":
                results.append(Push(argument, DEFAULT, function))
            else:
                f = fresh_name("f", set())
                results.append(Seq(argument, Seq(function, Pop(DEFAULT, f, Var(f)))))
    return results[0]


# -- reference evaluators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a reference evaluation ends in.

    ``value``: a weak head normal form / value (an abstraction, a constant, or for call-by-value
    a free variable); ``stuck``: a constant or free variable applied: ``head`` with
    ``arguments`` (call-by-name: the spine's arguments, first first; call-by-value: every value
    computed so far, the applied one last); ``diverged``: ``limit`` steps were not enough.
    """

    kind: Literal["value", "stuck", "diverged"]
    term: Term | None = None
    head: Term | None = None
    arguments: tuple[Term, ...] = ()


def evaluate_cbn(term: Term, limit: int = 10_000) -> Outcome:
    """Weak head reduction: ``(λx.M) N A... → {N/x}M A...``; stops at an abstraction or a
    constant / free variable at the head."""
    current = term
    arguments: list[Term] = []  # the spine's arguments, the next one last
    for _ in range(limit):
        if isinstance(current, App):
            arguments.append(current.argument)
            current = current.function
        elif isinstance(current, Lam):
            if not arguments:
                return Outcome("value", current)
            current = substitute(current.body, {current.variable: arguments.pop()})
        else:
            if not arguments:
                return Outcome("value" if isinstance(current, LConst) else "stuck", current, current)
            return Outcome("stuck", None, current, tuple(reversed(arguments)))
    return Outcome("diverged")


def evaluate_cbv(term: Term, limit: int = 10_000) -> Outcome:
    """Weak call-by-value, evaluating an application's argument before its function (as the
    encoding ``N ; M ; ⟨f⟩.f`` does); values are abstractions and constants."""
    budget = [limit]

    # an explicit stack machine over lambda terms, independent of the FMC machine
    def run(start: Term) -> Outcome:
        todo: list[tuple[str, Term | None]] = [("eval", start)]
        values: list[Term] = []
        while todo:
            budget[0] -= 1
            if budget[0] < 0:
                return Outcome("diverged")
            action, node = todo.pop()
            if action == "eval":
                assert node is not None
                if isinstance(node, Lam | LConst | LVar):  # a free variable stands for a value
                    values.append(node)
                else:
                    assert isinstance(node, App)
                    todo.append(("apply", None))
                    todo.append(("eval", node.function))
                    todo.append(("eval", node.argument))
            else:
                function, argument = values.pop(), values.pop()
                if not isinstance(function, Lam):  # a constant or free variable applied
                    return Outcome("stuck", None, function, (*values, argument))
                assert isinstance(function, Lam)
                todo.append(("eval", substitute(function.body, {function.variable: argument})))
        return Outcome("value", values[0])

    return run(term)
