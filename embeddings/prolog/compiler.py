"""Pure Prolog into the RMC, written with the calculus's own constructs.

Recursion is expressed with a **goal stack** ``g`` and a **star**: each turn of the star takes
the goal on top of the stack and runs one clause for it. A query becomes

    new X1 ... Xk. ( [answer(X1, ..., Xk)]ans ; [$end]g ; push(Query) ; STEP* ; g⟨$end⟩ )

    STEP              = P1 + ... + Pm                 one choice per predicate, in program order
    P for p/n         = C1 + ... + Cj                  its clauses, in order
    C for  H :- B     = new Y1 ... Ym. (g⟨H⟩ ; push(B))       Y1 ... Ym the clause's variables
    C for  H.         = new Y1 ... Ym. g⟨H⟩
    =/2 (built in)    = new A. g⟨A = A⟩
    push(A, B)        = push(B) ; push(A)              (A on top: run first)
    push(true) = ⋆    push(fail) = push(false) = 0     push(G) = [G]g   for G = p(...)
    push(A ; B)       = push($or_k(V1, ..., Vi))       with the new predicate $or_k(V...) :- A.
                                                       and $or_k(V...) :- B.  (V: the variables of A ; B)

Choices are balanced trees (depth-first, they keep their left-to-right order). Popping ``g⟨H⟩``
unifies the goal with the clause's head (``new`` renames the clause apart) and the body's goals
go on the stack, leftmost on top. Every clause of another predicate fails at that pop; the
compiled machine never tries them (its index dispatches on the goal's functor, then on the
argument that tells the predicate's clauses apart), the small-step machine tries each. The
star may stop at any turn; ``g⟨$end⟩`` keeps only the runs that finished every goal. A goal
of an undefined predicate has no choice and fails (SWI-Prolog raises an existence error). The depth-first order of the machine is Prolog's (goals left to
right, clauses top to bottom, a disjunction when it is reached: SLD resolution as SWI-Prolog
does it); its fair order is breadth-first over the same tree, so it also answers where
depth-first search loops (left recursion).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from machine_calculus.calculus.errors import ParseError, Position
from machine_calculus.calculus.fmc.syntax import SKIP, Seq
from machine_calculus.calculus.rmc.firstorder import Fn, FVar, arguments, fn
from machine_calculus.calculus.rmc.syntax import FAIL, Choice, New, Pop, Push, Star
from machine_calculus.calculus.terms import Term, free_variables
from machine_calculus.embeddings.prolog.reader import Clause, read_clauses, read_term

__all__ = [
    "ANSWERS",
    "END",
    "GOALS",
    "Program",
    "Query",
    "UnsupportedFeature",
    "compile_query",
    "parse_program",
    "parse_query",
]

GOALS, ANSWERS = "g", "ans"
END = fn("$end")

#: Goals and directives outside pure Prolog, with the name of the feature for the error message.
UNSUPPORTED = {
    ("!", 0): "cut (!)",
    ("->", 2): "if-then-else (->)",
    ("*->", 2): "soft cut (*->)",
    ("\\+", 1): "negation as failure (\\+)",
    ("not", 1): "negation as failure (not/1)",
    ("\\=", 2): "disequality (\\=, negation as failure)",
    ("call", None): "call/N (meta-call)",
    ("findall", 3): "findall/3 (all-solutions)",
    ("bagof", 3): "bagof/3 (all-solutions)",
    ("setof", 3): "setof/3 (all-solutions)",
    ("assert", 1): "assert/1 (database update)",
    ("asserta", 1): "asserta/1 (database update)",
    ("assertz", 1): "assertz/1 (database update)",
    ("retract", 1): "retract/1 (database update)",
    ("is", 2): "arithmetic (is/2; use Peano numbers)",
    ("<", 2): "arithmetic comparison (</2)",
    (">", 2): "arithmetic comparison (>/2)",
    ("=<", 2): "arithmetic comparison (=</2)",
    (">=", 2): "arithmetic comparison (>=/2)",
    ("=:=", 2): "arithmetic comparison (=:=/2)",
    ("=\\=", 2): "arithmetic comparison (=\\=/2)",
    ("==", 2): "term comparison (==/2)",
    ("\\==", 2): "term comparison (\\==/2)",
    ("var", 1): "var/1 (meta-logical)",
    ("nonvar", 1): "nonvar/1 (meta-logical)",
    ("write", 1): "I/O (write/1)",
    ("print", 1): "I/O (print/1)",
    ("writeln", 1): "I/O (writeln/1)",
    ("format", None): "I/O (format)",
    ("nl", 0): "I/O (nl/0)",
    ("read", 1): "I/O (read/1)",
}


class UnsupportedFeature(ParseError):
    """A program or query uses something outside pure Prolog (cut, negation, assert, I/O...)."""


@dataclass(frozen=True)
class Program:
    """A parsed pure Prolog program: its clauses (``(head, body)``, body ``true`` for facts)."""

    clauses: tuple[tuple[Term, Term, tuple[str, ...]], ...]
    text: str
    source: str


@dataclass(frozen=True)
class Query:
    """A query: the goal and the names of its variables (in order of appearance)."""

    goal: Term
    variables: tuple[str, ...]


def _unsupported(goal: Term) -> str | None:
    if isinstance(goal, FVar):
        return "a variable as a goal (call/1)"
    assert isinstance(goal, Fn)
    arity = len(arguments(goal))
    return UNSUPPORTED.get((goal.symbol, arity)) or UNSUPPORTED.get((goal.symbol, None))


def _check_body(body: Term, fail: Callable[[str], None]) -> None:
    stack = [body]
    while stack:
        goal = stack.pop()
        if isinstance(goal, Fn) and goal.symbol in (",", ";") and len(arguments(goal)) == 2:
            stack.extend(reversed(arguments(goal)))  # report the first problem in reading order
            continue
        problem = _unsupported(goal)
        if problem is not None:
            fail(problem)


def parse_program(text: str, source: str = "<program>") -> Program:
    """Read a pure Prolog program; unsupported features are refused with their line."""
    clauses = []
    for clause in read_clauses(text, source):
        head, body = _split(clause, text, source)
        clauses.append((head, body, clause.variables))
    return Program(tuple(clauses), text, source)


def _split(clause: Clause, text: str, source: str) -> tuple[Term, Term]:
    term = clause.term

    def refuse(feature: str) -> None:
        offset = _line_offset(text, clause.line)
        raise UnsupportedFeature(
            f"{feature} is not supported (pure Prolog only)", text, Position(clause.line, 1, offset), source
        )

    if isinstance(term, Fn) and term.symbol in (":-", "?-") and len(arguments(term)) == 1:
        refuse(f"the directive ':- {_head_name(arguments(term)[0])}'")
    if isinstance(term, Fn) and term.symbol == "-->" and len(arguments(term)) == 2:
        refuse("a DCG rule (-->)")
    head, body = term, fn("true")
    if isinstance(term, Fn) and term.symbol == ":-" and len(arguments(term)) == 2:
        head, body = arguments(term)
    if isinstance(head, FVar):
        refuse("a variable as a clause head")
    if isinstance(head, Fn) and (head.symbol, len(arguments(head))) in (("=", 2), (",", 2), (";", 2), ("true", 0)):
        refuse(f"redefining the control construct {head.symbol}/{len(arguments(head))}")
    if _unsupported(head) is not None and head.symbol not in ("call",):  # type: ignore[union-attr]
        refuse(f"redefining {_head_name(head)}")
    _check_body(body, refuse)
    return head, body


def _head_name(t: Term) -> str:
    if isinstance(t, Fn):
        return f"{t.symbol}/{len(arguments(t))}"
    return "a variable"


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def parse_query(text: str, source: str = "<query>") -> Query:
    """Read a query (``append(X, Y, [1, 2])``, with or without the final ``.``)."""
    goal, variables = read_term(text, source)

    def refuse(feature: str) -> None:
        raise UnsupportedFeature(f"{feature} is not supported (pure Prolog only)", text, Position(1, 1, 0), source)

    _check_body(goal, refuse)
    return Query(goal, tuple(v for v in variables if not v.startswith("_")))


def _new(names: list[str], body: Term) -> Term:
    for name in reversed(names):
        body = New(name, body)
    return body


def _balanced_choice(options: Sequence[Term]) -> Term:
    """``o1 + ... + on`` as a balanced tree (left to right in depth-first order)."""
    if not options:
        return FAIL
    level = list(options)
    while len(level) > 1:
        level = [Choice(level[i], level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    return level[0]


def _predicate(goal: Term) -> str:
    """The name of a goal's predicate: ``app/3``."""
    assert isinstance(goal, Fn)
    return f"{goal.symbol}/{len(arguments(goal))}"


class _Compiler:
    """Clauses grouped by predicate (in order of first appearance), plus the auxiliary
    predicates of disjunctions, made while compiling bodies."""

    def __init__(self) -> None:
        self.predicates: dict[str, list[Term]] = {}  # p/n -> clause terms
        self.disjunctions = 0

    def add_clause(self, head: Term, body: Term) -> None:
        key = _predicate(head)
        self.predicates.setdefault(key, [])  # registered before the body: clause order is kept
        names = sorted(free_variables(head) | free_variables(body))
        pushes = self.pushes(body)
        term = Pop(GOALS, head) if pushes == SKIP else Seq(Pop(GOALS, head), pushes)
        self.predicates[key].append(_new(names, term))

    def pushes(self, body: Term) -> Term:
        """push(B) (iterative over conjunctions; a disjunction becomes an auxiliary predicate)."""
        work: list[tuple[Term, bool]] = [(body, False)]
        done: list[Term] = []
        while work:
            goal, ready = work.pop()
            if ready:
                right, left = done.pop(), done.pop()
                done.append(Seq(right, left))
            elif _is(goal, ",", 2):
                a, b = arguments(goal)  # type: ignore[arg-type]
                work.extend(((goal, True), (b, False), (a, False)))
            elif _is(goal, "true", 0):
                done.append(SKIP)
            elif _is(goal, "fail", 0) or _is(goal, "false", 0):
                done.append(FAIL)
            else:
                if _is(goal, ";", 2):
                    goal = self.disjunction(goal)
                done.append(Push(goal, GOALS))
        return done[0]

    def disjunction(self, goal: Term) -> Term:
        """``(A ; B)`` as the goal ``$or_k(V...)`` of a new predicate with clauses for A and B."""
        self.disjunctions += 1
        variables = sorted(free_variables(goal))
        head = fn(f"$or{self.disjunctions}", *(FVar(v) for v in variables))
        a, b = arguments(goal)  # type: ignore[arg-type]
        self.add_clause(head, a)
        self.add_clause(head, b)
        return head

    def step(self) -> Term:
        """STEP: one choice per predicate, each a choice of its clauses."""
        return _balanced_choice([_balanced_choice(clauses) for clauses in self.predicates.values()])


def _is(goal: Term, symbol: str, arity: int) -> bool:
    return isinstance(goal, Fn) and goal.symbol == symbol and len(arguments(goal)) == arity


def clause_term(head: Term, body: Term) -> Term:
    """``new Y1 ... Ym. (g⟨H⟩ ; push(B))``: one resolution step with this clause."""
    compiler = _Compiler()
    compiler.add_clause(head, body)
    return compiler.predicates[_predicate(head)][0]


def compile_query(program: Program, query: Query) -> Term:
    """The RMC term whose answers are the query's answers (in ``ans``, one ``answer(...)``)."""
    compiler = _Compiler()
    for head, body, _ in program.clauses:
        compiler.add_clause(head, body)
    compiler.predicates.setdefault("=/2", []).append(New("A", Pop(GOALS, fn("=", FVar("A"), FVar("A")))))
    goals = compiler.pushes(query.goal)
    answer = fn("answer", *(FVar(v) for v in query.variables))
    run = Seq(Push(answer, ANSWERS), Seq(Push(END, GOALS), Seq(goals, Seq(Star(compiler.step()), Pop(GOALS, END)))))
    return _new(sorted(free_variables(query.goal)), run)
