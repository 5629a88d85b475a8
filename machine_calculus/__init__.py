"""machine-calculus: the Functional and Relational Machine Calculi, their machines, rewriting and
embeddings.

The front door: ``import machine_calculus as mc`` gives the everyday API, each a thin function
over the packages (``calculus``, ``machine``, ``rewriting``, ``embeddings``), which stay the place
for everything else. Wherever a term is asked for, its text may be given instead: FMC and FMC III
text for :func:`run`, :func:`trace`, :func:`infer`, :func:`reduce`, :func:`graph`,
:func:`equal` and :func:`optimize`; RMC text for :func:`solve` (use :func:`parse_rmc` to hand an
RMC term to the others). A memory maps each location to its stack, **bottom to top**, of terms
or their texts (``{"in": ["2", "1"]}``: 1 is popped first).

    >>> import machine_calculus as mc
    >>> mc.run("[A].[B].<x>.<y>.[x].[y]").to_json()["stacks"]
    {'λ': ['B', 'A']}
    >>> [str(answer) for answer in mc.solve("[a] + [b]")]
    ['λ: [a]', 'λ: [b]']
    >>> mc.trace("[A].<x>.x").rules()
    ['push', 'pop']
    >>> str(mc.infer("<x>.<y>.[x].[y]"))
    'λ(t u) ⇒ λ(u t)'
    >>> mc.prolog("app([], Y, Y). app([H|T], Y, [H|Z]) :- app(T, Y, Z).", "app(X, Y, [1])").answers
    ({'X': '[]', 'Y': '[1]'}, {'X': '[1]', 'Y': '[]'})
    >>> mc.run_while("x = 3; y = x * 2; print(y);").output
    [6]
    >>> mc.pretty(mc.parse("λx.[x]out ; <y>"), "ascii")
    '<x>.[x]out ; <y>'
    >>> [(mc.pretty(s.term), s.depth) for s in mc.search("[A].[B].<x>.<y>.[x].[y]", "[?N].?M", kind="=>!")]
    [('[B].[A]', 2)]


:func:`stepper` is a notebook widget that steps a machine run or a reduction forward and back.

Importing this module is cheap: each function imports what it needs when it is first called.
In notebooks (Jupyter, VS Code) every object shows itself, in notation: terms, types, results,
traces, answers, graphs and proofs have ``_repr_html_`` (and ``_repr_latex_`` where LaTeX fits).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from machine_calculus.calculus.errors import ParseError
    from machine_calculus.calculus.fmc.types import Typing, TypingError
    from machine_calculus.calculus.terms import Term
    from machine_calculus.embeddings.imperative.interpreter import Outcome
    from machine_calculus.embeddings.imperative.syntax import Program as WhileProgram
    from machine_calculus.embeddings.prolog.compiler import Program as PrologProgram
    from machine_calculus.embeddings.prolog.compiler import Query
    from machine_calculus.embeddings.prolog.run import PrologAnswers
    from machine_calculus.machine.fmc.result import Result
    from machine_calculus.machine.fmc.small_step import Trace
    from machine_calculus.machine.rmc.small_step import Answers, Order
    from machine_calculus.machine.rmc.small_step import Trace as RelationalTrace
    from machine_calculus.rewriting.confluence import Verdict
    from machine_calculus.rewriting.egraph import Proof
    from machine_calculus.rewriting.engine import RuleSet
    from machine_calculus.rewriting.graph import ReductionGraph
    from machine_calculus.rewriting.optimizer import Optimization
    from machine_calculus.rewriting.search import SearchResult
    from machine_calculus.rewriting.trs import TRS
    from machine_calculus.widgets.stepper import Mode
    from machine_calculus.widgets.widget import StepperWidget

__version__ = "0.2.0"

__all__ = [
    "ParseError",
    "TypingError",
    "__version__",
    "confluence",
    "equal",
    "graph",
    "infer",
    "optimize",
    "parse",
    "parse_rmc",
    "pretty",
    "prolog",
    "reduce",
    "run",
    "run_while",
    "search",
    "solve",
    "stepper",
    "trace",
]


def parse(text: str, source: str = "<input>") -> Term:
    """An FMC or FMC III term from its text (Unicode or ASCII), or from a ``.fmc`` file's text:
    definitions ``name = term``, inlined, then the term. Errors (:class:`ParseError`) name the
    ``source``, line and column."""
    from machine_calculus.calculus.fmc.parser import parse as parse_fmc

    return parse_fmc(text, source)


def parse_rmc(text: str, source: str = "<input>") -> Term:
    """An RMC term from its text, or from a ``.rmc`` file's text (definitions, then the term)."""
    from machine_calculus.calculus.rmc.parser import parse_rmc as parse_relational

    return parse_relational(text, source)


def pretty(term: Term, notation: str = "unicode") -> str:
    """A term's text in ``notation``: ``"unicode"`` (the papers' ``⟨x⟩``, ``λ``, ``⋆``), ``"ascii"``
    (what the parsers also read) or ``"latex"``; an RMC term in the RMC's own notation (``∃x``,
    ``+``, ``0``). The same as ``term.text(notation)``."""
    from machine_calculus.calculus.rmc.syntax import is_relational

    if is_relational(term):
        from machine_calculus.calculus.rmc.printer import rmc_text

        return rmc_text(term, notation)
    from machine_calculus.calculus.fmc.printer import pretty as fmc_text

    return fmc_text(term, notation)


def run(term: Term | str, memory: Mapping[str, Sequence[Term | str]] | None = None, *, fuel: int = 1_000_000) -> Result:
    """Run an FMC or FMC III term on ``memory`` for at most ``fuel`` steps (the fast run; it counts
    exactly the small-step machine's steps): a :class:`Result` that is done (with its exit
    label), stuck (with the reason) or out of fuel, and the final memory."""
    from machine_calculus.machine.fmc import fast

    return fast.run(_fmc(term), _memory(memory, parse), fuel)


def trace(
    term: Term | str,
    memory: Mapping[str, Sequence[Term | str]] | None = None,
    *,
    fuel: int = 10_000,
    path: tuple[int, ...] | None = None,
) -> Trace | RelationalTrace:
    """Every step of a run on the paper-faithful small-step machine, each with the rule that fired.

    An FMC term (or text) gives the FMC machine's trace. An RMC term (from :func:`parse_rmc`)
    gives the relational machine's trace of one branch: ``path`` (the choices, as
    :attr:`Answer.path` gives them), by default the branch of the first answer."""
    from machine_calculus.calculus.rmc.syntax import is_relational

    t = _fmc(term)
    if is_relational(t):
        from machine_calculus.calculus.rmc.parser import parse_first_order
        from machine_calculus.machine.rmc import small_step as relational

        stacks = _memory(memory, parse_first_order)
        if path is None:
            first = relational.solve(t, stacks, limit=1, fuel=fuel)
            path = first[0].path if first.answers else ()
        return relational.trace(t, stacks, path=path, fuel=fuel)
    if path is not None:
        raise ValueError("path chooses a branch of an RMC run; an FMC run has one")
    from machine_calculus.machine.fmc import small_step

    return small_step.run_traced(t, _memory(memory, parse), fuel)


def infer(term: Term | str) -> Typing:
    """The principal simple type of an FMC or FMC III term, and the types its free variables need;
    :class:`TypingError` (naming the sub-term and the clash) when it has none."""
    from machine_calculus.calculus.fmc.types import infer as infer_type

    return infer_type(_fmc(term))


def solve(
    term: Term | str,
    memory: Mapping[str, Sequence[Term | str]] | None = None,
    *,
    limit: int | None = None,
    fuel: int | None = 1_000_000,
    order: Order = "fair",
) -> Answers:
    """The answers of an RMC term on the relational machine: the first ``limit`` (all when None)
    within ``fuel`` steps, in the ``fair`` order (every answer is reached, also beside infinite
    branches) or ``depth-first`` (Prolog's). Memory items are first-order terms (``s(z)``)."""
    from machine_calculus.calculus.rmc.parser import parse_first_order
    from machine_calculus.machine.rmc import compiled

    t = parse_rmc(term) if isinstance(term, str) else term
    return compiled.solve(t, _memory(memory, parse_first_order), limit=limit, fuel=fuel, order=order)


def prolog(
    program: PrologProgram | str | Path,
    query: Query | str,
    *,
    order: str = "prolog",
    limit: int | None = None,
    fuel: int | None = 1_000_000,
) -> PrologAnswers:
    """The answers of a pure Prolog query, run as its translation into the RMC on the relational
    machine: bindings printed as SWI-Prolog prints them, in Prolog's order (``"prolog"``) or the
    fair one (``"fair"``, complete also for left recursion). ``program`` is its text, a path to a
    ``.pl`` file, or a parsed program."""
    from machine_calculus.embeddings.prolog.compiler import parse_program
    from machine_calculus.embeddings.prolog.run import solve_prolog

    if isinstance(program, Path):
        program = parse_program(program.read_text(encoding="utf-8"), source=str(program))
    return solve_prolog(program, query, order=order, limit=limit, fuel=fuel)


def run_while(
    program: WhileProgram | str,
    store: Mapping[str, Any] | None = None,
    *,
    inputs: Sequence[Any] = (),
    fuel: int = 10_000_000,
) -> Outcome:
    """Run a While program (its text or its parsed form) compiled to FMC III on the machine: its
    outcome (normal, an exception with its payload, or an error), final store and output.
    ``store`` gives variables their initial values (Python integers and booleans, or values as
    the language has them)."""
    from machine_calculus.embeddings.imperative.parser import parse_while
    from machine_calculus.embeddings.imperative.run import run_while as run_program

    parsed = parse_while(program) if isinstance(program, str) else program
    values = {name: _while_value(v) for name, v in (store or {}).items()}
    return run_program(parsed, values, [_while_value(v) for v in inputs], fuel)


def reduce(
    term: Term | str, *, rules: RuleSet | None = None, strategy: str = "leftmost-outermost", fuel: int = 1_000
) -> Term | None:
    """The normal form of ``term`` by ``strategy`` (``leftmost-outermost``, ``innermost`` or
    ``machine``), or None when ``fuel`` steps do not reach one. ``rules`` defaults to the
    calculus's own rule set: FMC III's for FMC terms, the RMC's for RMC terms."""
    from machine_calculus.rewriting.engine import normal_form

    t = _fmc(term)
    return normal_form(t, rules or _rules_of(t), fuel, strategy)


def graph(term: Term | str, *, rules: RuleSet | TRS | None = None, max_nodes: int = 200) -> ReductionGraph:
    """The reduction graph of ``term``: every term reachable by one-step reductions (breadth-first,
    at most ``max_nodes``), each edge naming its rule and position. ``rules`` as in :func:`reduce`,
    or a first-order TRS (``term`` then a first-order term, or its text). In a notebook the graph
    draws itself (SVG)."""
    from machine_calculus.rewriting.graph import reduction_graph, rule_steps, trs_steps
    from machine_calculus.rewriting.trs import TRS as FirstOrderSystem

    if isinstance(rules, FirstOrderSystem):
        from machine_calculus.rewriting.search import parse_trs_term

        start = parse_trs_term(term, rules.variables) if isinstance(term, str) else term
        return reduction_graph(start, trs_steps(rules), max_nodes=max_nodes)
    t = _fmc(term)
    return reduction_graph(t, rule_steps(rules or _rules_of(t)), max_nodes=max_nodes)


def equal(left: Term | str, right: Term | str, *, iterations: int = 30, max_nodes: int = 20_000) -> Proof:
    """Do the calculus's laws prove ``left = right`` (by e-graph saturation with egglog)? FMC terms
    by beta, independence of locations, sequencing and delta; RMC terms by Kleene algebra and
    push/pop unification. Proved, or not found within the limits: never "unequal"."""
    from machine_calculus.rewriting.theories import equal as prove_equal

    return prove_equal(_fmc(left), _fmc(right), iterations, max_nodes)


def optimize(term: Term | str, *, iterations: int = 40, max_nodes: int = 20_000) -> Optimization:
    """An FMC term equal to ``term`` by the FMC's laws that takes the fewest machine steps by the
    cost model (e-graph saturation, then extraction), with the figures before and after."""
    from machine_calculus.rewriting.optimizer import optimize as optimize_term

    return optimize_term(_fmc(term), iterations, max_nodes)


def confluence(trs: TRS | str, *, search_limit: int = 2_000, max_size: int = 200) -> Verdict:
    """Is a first-order term rewriting system confluent? ``YES``, ``NO`` or ``MAYBE``, with the
    reason and the evidence. ``trs`` is a TRS or its text in the Confluence Competition's format."""
    from machine_calculus.rewriting.confluence import check_confluence
    from machine_calculus.rewriting.trs import parse_trs

    system = parse_trs(trs) if isinstance(trs, str) else trs
    return check_confluence(system, search_limit, max_size)


def stepper(
    term: Term | str,
    memory: Mapping[str, Sequence[Term | str]] | None = None,
    *,
    mode: Mode = "machine",
    rules: RuleSet | None = None,
    fuel: int | None = None,
    path: tuple[int, ...] | None = None,
) -> StepperWidget:
    """A notebook widget that steps forward and back through ``term``'s run on the small-step
    machine (``mode="machine"``: FMC, FMC III or, for a parsed RMC term, the relational machine,
    whose forks let you choose the branch) or its reduction (``mode="reduce"``: choose the redex;
    ``rules`` as in :func:`reduce`), at most ``fuel`` steps (10,000 for a run, 1,000 for a
    reduction). Buttons or the arrow keys step; bad text shows its positioned error. Needs
    anywidget."""
    from machine_calculus.widgets.stepper import stepper as make_widget

    return make_widget(term, memory, mode=mode, rules=rules, fuel=fuel, path=path)


def search(
    term: Term | str,
    pattern: Term | str | None = None,
    *,
    rules: RuleSet | TRS | None = None,
    kind: str = "=>*",
    where: str | Any | None = None,
    max_depth: int | None = 100,
    max_nodes: int | None = 10_000,
    max_solutions: int | None = 100,
    max_time: float | None = 60.0,
) -> SearchResult:
    """The terms reachable from ``term`` (``kind``: ``"=>*"`` zero or more steps, ``"=>1"`` one,
    ``"=>+"`` one or more, ``"=>!"`` normal forms) that match ``pattern`` (``?X`` metavariables:
    ``"[?N]?a.?M"``; None matches all) and satisfy ``where`` (a function of the bindings, or the
    text of ``mcalc search --where``: ``"?X != ?Y"``), each with its bindings and a shortest witness
    path, breadth-first within the bounds; the result says which bound, if any, stopped it.
    ``rules`` as in :func:`reduce`, or a first-order TRS (then ``term`` and ``pattern`` are its
    terms: ``"add(s(0), 0)"``, ``"s(?X)"``); texts are read in the calculus of the rules."""
    from machine_calculus.rewriting.search import parse_condition, steps_of
    from machine_calculus.rewriting.search import search as search_terms

    start, read_pattern, read_term = _search_readers(term, rules)
    wanted = read_pattern(pattern) if isinstance(pattern, str) else pattern
    steps = steps_of(rules, start)
    if isinstance(where, str):
        from machine_calculus.calculus.patterns import metavariables

        known = metavariables(wanted) if wanted is not None else []
        where = parse_condition(where, known=known, parse_term=read_term, steps=steps, source="where")
    return search_terms(
        start,
        wanted,
        steps,
        kind=kind,
        where=where,
        max_depth=max_depth,
        max_nodes=max_nodes,
        max_solutions=max_solutions,
        max_time=max_time,
    )


# -- helpers ------------------------------------------------------------------------------------


def _search_readers(term: Term | str, rules: Any) -> tuple[Term, Any, Any]:
    """:func:`search`'s start term, and the readers of its patterns and terms, by calculus: a
    TRS's first-order terms, the RMC's (for the RMC's rules or an RMC term), the FMC's."""
    from machine_calculus.rewriting.trs import TRS

    if isinstance(rules, TRS):
        from machine_calculus.rewriting.search import parse_trs_term

        variables = rules.variables
        start = parse_trs_term(term, variables) if isinstance(term, str) else term
        return (
            start,
            lambda text: parse_trs_term(text, variables, patterns=True, source="<pattern>"),
            lambda text, source: parse_trs_term(text, variables, source=source),
        )
    from machine_calculus.calculus.rmc.syntax import is_relational
    from machine_calculus.rewriting.rmc_rules import RMC

    if (isinstance(term, str) and rules is RMC) or (not isinstance(term, str) and is_relational(term)):
        from machine_calculus.calculus.rmc.parser import parse_rmc_pattern

        start = parse_rmc(term) if isinstance(term, str) else term
        return start, parse_rmc_pattern, _rmc_or_first_order
    from machine_calculus.calculus.fmc.parser import parse_pattern

    return _fmc(term), parse_pattern, parse


def _rmc_or_first_order(text: str, source: str) -> Term:
    """A term of an RMC side condition: a first-order term (what ``[?X]`` binds), else an RMC term."""
    from machine_calculus.calculus.errors import ParseError
    from machine_calculus.calculus.rmc.parser import parse_first_order

    try:
        return parse_first_order(text, source)
    except ParseError:
        return parse_rmc(text, source)


def _fmc(term: Term | str) -> Term:
    return parse(term) if isinstance(term, str) else term


def _memory(memory: Mapping[str, Sequence[Term | str]] | None, read: Any) -> dict[str, tuple[Term, ...]]:
    """A memory with texts read by ``read``; a stack given as one string is one item, not letters."""
    stacks: dict[str, tuple[Term, ...]] = {}
    for location, stack in (memory or {}).items():
        items = (stack,) if isinstance(stack, str) else stack
        stacks[location] = tuple(read(item) if isinstance(item, str) else item for item in items)
    return stacks


def _rules_of(term: Term) -> RuleSet:
    from machine_calculus.calculus.rmc.syntax import is_relational

    if is_relational(term):
        from machine_calculus.rewriting.rmc_rules import RMC

        return RMC
    from machine_calculus.rewriting.rules import FMC3

    return FMC3


def _while_value(value: Any) -> Any:
    """Python integers as the While language's exact integers; booleans and its own values as they are."""
    if isinstance(value, int) and not isinstance(value, bool):
        import sympy

        return sympy.Integer(value)
    return value


def __getattr__(name: str) -> Any:
    """The errors a user catches, imported when first asked for: ``ParseError`` (bad text, with
    its file, line, column and caret) and ``TypingError`` (an untypable term)."""
    if name == "ParseError":
        from machine_calculus.calculus.errors import ParseError

        return ParseError
    if name == "TypingError":
        from machine_calculus.calculus.fmc.types import TypingError

        return TypingError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
