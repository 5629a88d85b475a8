"""The stepper: a machine run or a reduction, walked forward and back, one step at a time.

A :class:`Stepper` keeps the **history** in Python: the path of nodes from the start, each a
state and the step that led to it. ``nodes[: index + 1]`` are the past and the present, the
nodes after ``index`` a future already computed (so back and then forward again are instant and
give the same states). States are computed when first reached, at most ``fuel`` steps from the
start. Three walks (:class:`Walk`) say how a state steps and how it is shown:

- :class:`FMCRun`: the paper-faithful FMC / FMC III machine (:mod:`machine.fmc.small_step`): one
  step per state, named by its rule; the run ends done (with its exit label) or stuck;
- :class:`RMCRun`: the relational machine (:mod:`machine.rmc.small_step`): a ``choice`` or ``star``
  step is a **fork** offering its two branches; forward follows ``path`` (the branch of the
  first answer, as :func:`machine_calculus.trace` does), then the left branch; a branch ends with
  an answer or fails;
- :class:`Reduction`: one-step reducts by a rule set (:func:`rewriting.engine.reducts`; FMC III's
  and the RMC's by default): every redex is an option; forward takes the leftmost-outermost one.

Forward follows the computed future if there is one, else takes the walk's default option;
:meth:`Stepper.choose` takes any option (dropping a future that took another). The front end
(:mod:`machine_calculus.widgets.widget`) sends :meth:`Stepper.command` messages and renders
:meth:`Stepper.view`, a JSON object: ``kind``, ``calculus``, ``step``, ``known`` (the last step
computed), ``fuel``, ``rule``/``branch``/``position``/``label`` (the step that led here; empty at
the start), ``term``, ``memory`` (``[location, items bottom to top, height]``), ``continuation``
(top first), ``substitution`` (RMC: ``[variable, term]``), ``status`` (``running``, ``done``,
``stuck``, ``answer``, ``failed``, ``normal`` or ``out_of_fuel``) with its ``message``,
``options`` (the steps that leave this state: rule, branch, position, a preview of where it
leads, and for a redex the term's text split around it), ``default``, ``taken``, and a window
of the ``history``. Terms are printed in Unicode notation, each cut to a bounded length.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any, Literal

from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.fmc.syntax import DEFAULT, Const
from machine_calculus.calculus.rmc.firstorder import FVar, term_text
from machine_calculus.calculus.rmc.printer import rmc_text
from machine_calculus.calculus.rmc.syntax import Push as RelationalPush
from machine_calculus.calculus.rmc.syntax import is_relational
from machine_calculus.calculus.rmc.unify import resolve
from machine_calculus.calculus.terms import Term
from machine_calculus.machine.fmc import small_step as fmc_machine
from machine_calculus.machine.memory import sorted_locations
from machine_calculus.machine.rmc import small_step as rmc_machine
from machine_calculus.rewriting.engine import RuleSet, TermPosition, replace_at

if TYPE_CHECKING:
    from machine_calculus.widgets.widget import StepperWidget

__all__ = [
    "COMMANDS",
    "FMCRun",
    "Node",
    "Option",
    "Outcome",
    "RMCRun",
    "Reduction",
    "Stepper",
    "Walk",
    "make_stepper",
    "stepper",
]

#: What the front end may ask for (:meth:`Stepper.command`; ``load`` is the widget's own).
COMMANDS = ("forward", "back", "first", "last", "choose", "goto", "load")
Mode = Literal["machine", "reduce"]
#: ``steps(t)``: each one-step reduct of ``t`` as (rule name, position, reduct)
Steps = Callable[[Term], Iterable[tuple[str, TermPosition, Term]]]
Printer = Callable[[Term, "int | None"], str]

TEXT_LIMIT = 4_000  # characters of the current term shown
ITEM_LIMIT = 300  # characters of a memory item, a frame, a binding or a preview
STACK_LIMIT = 40  # items shown per location (the top ones)
LIST_LIMIT = 60  # frames, bindings and options shown
HISTORY_WINDOW = 12  # steps shown either side of the current one
DEFAULT_FUEL = {"machine": 10_000, "reduce": 1_000}
_MARK = "\ue000"  # a private-use character: the name of the marker that locates a redex's text


@dataclass(frozen=True, slots=True)
class Option:
    """A step that leaves a state: its rule, the fork's branch or the redex's position, the state
    it leads to, and (RMC) the fresh variables made on the way there."""

    rule: str
    state: Any
    branch: str | None = None
    position: TermPosition | None = None
    fresh: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """The steps that leave a state; none when it is final (``status`` and ``message`` say how)."""

    options: tuple[Option, ...]
    status: str = "running"
    message: str = ""


@dataclass(slots=True)
class Node:
    """A state on the path, the option of its parent that led to it (None at the start) and its
    index there, and its outcome once computed. ``forks`` counts the forks passed on the way,
    ``on_path`` says whether every choice so far was the walk's default."""

    state: Any
    option: Option | None = None
    choice: int = 0
    forks: int = 0
    on_path: bool = True
    outcome: Outcome | None = field(default=None, repr=False)

    def label(self) -> str:
        """How this node was reached: ``push``, ``choice → left``, ``beta @ 2.0``; ``""`` at the start."""
        o = self.option
        if o is None:
            return ""
        if o.branch is not None:
            return f"{o.rule} → {o.branch}"
        if o.position is not None:
            return f"{o.rule} @ {position_text(o.position)}"
        return o.rule


def position_text(position: TermPosition) -> str:
    """A position as the reduction graph's DOT labels write it: ``2.0``, ``ε`` for the root."""
    return ".".join(map(str, position)) or "ε"


def cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printer_for(term: Term) -> Printer:
    """The Unicode printer of ``term``'s calculus (each takes a ``limit``): the RMC's, the FMC's,
    first-order terms', or ``str`` for a calculus of the user's."""
    if is_relational(term):
        return lambda t, limit: rmc_text(t, "unicode", limit)
    try:
        to_unicode(term, 1)
    except TypeError:
        pass
    else:
        return to_unicode
    try:
        term_text(term, 1)
    except TypeError:
        return lambda t, limit: str(t)
    return term_text


class Walk(ABC):
    """How a stepper's states step and show: a machine run or a reduction."""

    kind: Mode
    calculus: str
    printer: Printer

    @abstractmethod
    def start(self) -> Node:
        """The first node."""

    @abstractmethod
    def outcome(self, node: Node, steps: int) -> Outcome:
        """The steps that leave ``node``, reached after ``steps`` steps."""

    def default(self, node: Node, outcome: Outcome) -> int:
        """The option forward takes when no future is computed."""
        return 0

    @abstractmethod
    def describe(self, state: Any) -> dict[str, Any]:
        """A state as the view shows it: ``term``, ``memory``, ``continuation``, ``substitution``."""

    def option_view(self, node: Node, option: Option) -> dict[str, Any]:
        """An option as the view shows it (the preview: the term it leads to)."""
        return {"preview": self.text(self.term_of(option.state), ITEM_LIMIT)}

    def term_of(self, state: Any) -> Term:
        return state.term

    def text(self, t: Term, limit: int = ITEM_LIMIT) -> str:
        return cut(self.printer(t, limit), limit)

    def memory(self, stacks: Mapping[str, tuple[Term, ...]], printer: Printer | None = None) -> list[Any]:
        """``[location, items bottom to top (the top STACK_LIMIT), height]`` per location, λ first."""
        show = printer or self.printer
        rows: list[Any] = []
        for loc in sorted_locations(stacks):
            items = stacks[loc]
            shown = [cut(show(t, ITEM_LIMIT), ITEM_LIMIT) for t in items[-STACK_LIMIT:]]
            rows.append([loc, (["…"] if len(items) > STACK_LIMIT else []) + shown, len(items)])
        return rows


class FMCRun(Walk):
    """A run of the paper-faithful FMC / FMC III machine (:mod:`machine.fmc.small_step`)."""

    kind: Mode = "machine"
    calculus = "FMC III"

    def __init__(self, term: Term, memory: Mapping[str, Sequence[Term]] | None = None) -> None:
        self.term = term
        self.initial_memory = memory
        self.printer = to_unicode

    def start(self) -> Node:
        return Node(fmc_machine.initial_state(self.term, self.initial_memory))

    def outcome(self, node: Node, steps: int) -> Outcome:
        state = node.state
        after = fmc_machine.step(state)
        if isinstance(after, fmc_machine.Halt):
            result = fmc_machine.result_of(state, steps, after)
            if result.status == "done":
                exit_label = self.text(after.exit, ITEM_LIMIT) if after.exit is not None else "⋆"
                return Outcome((), "done", f"done after {steps} steps, exit {exit_label}")
            return Outcome((), result.status, f"stuck after {steps} steps: {result.reason}")
        return Outcome((Option(after.rule, after.state),))

    def describe(self, state: Any) -> dict[str, Any]:
        frames = state.continuation_terms()
        return {
            "term": self.text(state.term, TEXT_LIMIT),
            "memory": self.memory(state.stacks()),
            "continuation": [self.text(t) for t in frames[:LIST_LIMIT]],
            "continuation_height": len(frames),
            "substitution": None,
        }


class _Supply(rmc_machine.FreshSupply):
    """Fresh variables numbered from ``start``: a state's step makes the names the machine's own
    run would make there (it numbers them along the branch)."""

    __slots__ = ()

    def __init__(self, start: int) -> None:
        self._numbers = count(start)


_BRANCHES = {"choice": ("left", "right"), "star": ("⋆", "again")}


class RMCRun(Walk):
    """A run of the relational machine (:mod:`machine.rmc.small_step`), one branch at a time:
    at a fork forward takes ``path``'s choice (0 left, 1 right) while the choices so far followed
    it, the left branch after that; any branch can be chosen."""

    kind: Mode = "machine"
    calculus = "RMC"

    def __init__(
        self, term: Term, memory: Mapping[str, Sequence[Term]] | None = None, path: Sequence[int] = ()
    ) -> None:
        for choice in path:
            if choice not in (0, 1):
                raise ValueError(f"a path holds 0 (left) and 1 (right), not {choice!r}")
        self.term = term
        self.initial_memory = memory
        self.path = tuple(path)
        self.printer = lambda t, limit: rmc_text(t, "unicode", limit)

    def start(self) -> Node:
        return Node(rmc_machine.initial_state(self.term, self.initial_memory))

    def outcome(self, node: Node, steps: int) -> Outcome:
        made = node.option.fresh if node.option is not None else 0
        after = rmc_machine.step(node.state, _Supply(made + 1))
        if isinstance(after, rmc_machine.Transition):
            return Outcome((Option(after.rule, after.state, fresh=made + (after.rule == "new")),))
        if isinstance(after, rmc_machine.Fork):
            names = _BRANCHES.get(after.rule, ("left", "right"))
            return Outcome(tuple(Option(after.rule, s, names[i], fresh=made) for i, s in enumerate(after.branches)))
        if after.status == "answer":
            answer = rmc_machine.answer_of(after.state, steps)
            return Outcome((), "answer", f"answer after {steps} steps: {answer}")
        return Outcome((), "failed", f"branch failed after {steps} steps: {after.reason}")

    def default(self, node: Node, outcome: Outcome) -> int:
        if len(outcome.options) > 1 and node.on_path and node.forks < len(self.path):
            return self.path[node.forks]
        return 0

    def term_of(self, state: Any) -> Term:
        return state.current_term()

    def describe(self, state: Any) -> dict[str, Any]:
        frames = state.continuation_terms()
        s = state.substitution
        names = sorted(name for name in s if isinstance(name, str))
        bindings = [[name, cut(term_text(resolve(FVar(name), s), ITEM_LIMIT), ITEM_LIMIT)] for name in names]
        return {
            "term": self.text(state.current_term(), TEXT_LIMIT),
            "memory": self.memory(state.stacks(), term_text),
            "continuation": [self.text(t) for t in frames[:LIST_LIMIT]],
            "continuation_height": len(frames),
            "substitution": bindings[:LIST_LIMIT],
        }


class Reduction(Walk):
    """A reduction: every one-step reduct (``steps``, by default a rule set's
    :func:`rewriting.engine.reducts`) is an option; forward takes the first, the
    leftmost-outermost redex. Ends at a normal form."""

    kind: Mode = "reduce"

    def __init__(self, term: Term, steps: Steps, calculus: str) -> None:
        self.term = term
        self.steps = steps
        self.calculus = calculus
        self.printer = printer_for(term)
        # a sub-term replaced by the marker, an atom no sugar applies to, prints as marker_text:
        # the redex's text is located by it (no marker for first-order terms or a user's calculus)
        self.marker: Term | None = None
        if is_relational(term):
            self.marker = RelationalPush(FVar(_MARK), DEFAULT)
        elif self.printer is to_unicode:
            self.marker = Const(_MARK)
        self.marker_text = self.printer(self.marker, None) if self.marker is not None else ""

    def start(self) -> Node:
        return Node(self.term)

    def term_of(self, state: Any) -> Term:
        return state

    def outcome(self, node: Node, steps: int) -> Outcome:
        found = tuple(
            Option(rule, reduct, position=tuple(position)) for rule, position, reduct in self.steps(node.state)
        )
        if not found:
            return Outcome((), "normal", f"normal form after {steps} steps")
        return Outcome(found)

    def describe(self, state: Any) -> dict[str, Any]:
        return {"term": self.text(state, TEXT_LIMIT), "memory": None, "continuation": None, "substitution": None}

    def option_view(self, node: Node, option: Option) -> dict[str, Any]:
        view = super().option_view(node, option)
        assert option.position is not None
        view["parts"] = self.split_at(node.state, option.position)
        return view

    def split_at(self, t: Term, position: TermPosition) -> list[str] | None:
        """The text of ``t`` as ``[before, redex, after]`` around the sub-term at ``position``
        (the redex's text with the parentheses it is printed with), or None where the text is
        too long or the printer does not print the sub-term on its own (sugar around it)."""
        if self.marker is None:
            return None
        full = self.printer(t, TEXT_LIMIT)
        if len(full) > TEXT_LIMIT:
            return None
        try:
            marked = self.printer(replace_at(t, position, self.marker), TEXT_LIMIT)
        except TypeError:  # the marker cannot stand where the sub-term is (a frame)
            return None
        before, mark, after = marked.partition(self.marker_text)
        if not mark or self.marker_text in after or len(before) + len(after) > len(full):
            return None
        if not (full.startswith(before) and full.endswith(after)):
            return None
        return [before, full[len(before) : len(full) - len(after)], after]


class Stepper:
    """A walk's history: the nodes from the start, the current index, and at most ``fuel`` steps."""

    def __init__(self, walk: Walk, fuel: int) -> None:
        if not isinstance(fuel, int) or isinstance(fuel, bool) or fuel < 0:
            raise ValueError(f"fuel is a number of steps, 0 or more, not {fuel!r}")
        self.walk = walk
        self.fuel = fuel
        self.nodes: list[Node] = [walk.start()]
        self.index = 0

    # -- where we are -----------------------------------------------------------------------------

    @property
    def node(self) -> Node:
        return self.nodes[self.index]

    @property
    def state(self) -> Any:
        """The current state (a machine state, or a term in a reduction)."""
        return self.node.state

    def outcome(self) -> Outcome:
        """The steps that leave the current state (computed once)."""
        node = self.node
        if node.outcome is None:
            node.outcome = self.walk.outcome(node, self.index)
        return node.outcome

    def status(self) -> tuple[str, str]:
        """``(status, message)``: ``running``, a final status, or ``out_of_fuel`` at the bound."""
        outcome = self.outcome()
        if not outcome.options:
            return outcome.status, outcome.message
        if self.index >= self.fuel:
            return "out_of_fuel", f"out of fuel after {self.index} steps"
        return "running", ""

    def can_forward(self) -> bool:
        return self.index < len(self.nodes) - 1 or (self.index < self.fuel and bool(self.outcome().options))

    def states(self) -> list[Any]:
        """The states from the start to the current one."""
        return [n.state for n in self.nodes[: self.index + 1]]

    def rules(self) -> list[str]:
        """The rules of the steps from the start to the current state."""
        return [n.option.rule for n in self.nodes[1 : self.index + 1] if n.option is not None]

    def taken(self) -> int | None:
        """The option of the current state the computed future took, if there is one."""
        return self.nodes[self.index + 1].choice if self.index < len(self.nodes) - 1 else None

    # -- moving -----------------------------------------------------------------------------------

    def forward(self) -> bool:
        """One step: the computed future's, else the walk's default; False at the end or the bound."""
        if self.index < len(self.nodes) - 1:
            self.index += 1
            return True
        if not self.can_forward():
            return False
        self.choose(self.walk.default(self.node, self.outcome()))
        return True

    def choose(self, choice: int) -> None:
        """Take option ``choice`` of the current state (a fork's branch, a redex)."""
        outcome = self.outcome()
        if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < len(outcome.options):
            n = len(outcome.options)
            raise ValueError(f"no option {choice!r} here: this state has {n} option{'s' if n != 1 else ''}")
        if self.taken() == choice:
            self.index += 1
            return
        if self.index >= self.fuel:
            raise ValueError(f"out of fuel: at most {self.fuel} steps")
        node = self.node
        default = self.walk.default(node, outcome)
        child = Node(
            outcome.options[choice].state,
            outcome.options[choice],
            choice,
            node.forks + (len(outcome.options) > 1),
            node.on_path and choice == default,
        )
        del self.nodes[self.index + 1 :]
        self.nodes.append(child)
        self.index += 1

    def back(self) -> bool:
        """One step back (the future is kept); False at the start."""
        if self.index == 0:
            return False
        self.index -= 1
        return True

    def first(self) -> None:
        self.index = 0

    def last(self) -> int:
        """Forward to the end of the run, or as far as the fuel allows: the steps taken."""
        moved = 0
        while self.forward():
            moved += 1
        return moved

    def goto(self, step: int) -> None:
        """To a step already computed (0 the start)."""
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < len(self.nodes):
            raise ValueError(f"no step {step!r}: steps 0 to {len(self.nodes) - 1} are computed")
        self.index = step

    def command(self, message: Mapping[str, Any]) -> None:
        """Do what the front end asks: ``{"command": "forward"}``, ``"back"``, ``"first"``,
        ``"last"``, ``{"command": "choose", "index": i}`` or ``{"command": "goto", "step": i}``."""
        name = message.get("command")
        if name == "forward":
            self.forward()
        elif name == "back":
            self.back()
        elif name == "first":
            self.first()
        elif name == "last":
            self.last()
        elif name == "choose":
            self.choose(message.get("index"))  # type: ignore[arg-type]
        elif name == "goto":
            self.goto(message.get("step"))  # type: ignore[arg-type]
        else:
            raise ValueError(f"unknown command {name!r}: one of {', '.join(COMMANDS)}")

    # -- what the front end shows -----------------------------------------------------------------

    def view(self) -> dict[str, Any]:
        """The current state as the front end renders it (the module docstring lists the keys)."""
        node, walk = self.node, self.walk
        outcome = self.outcome()
        status, message = self.status()
        taken = self.taken()
        usable = status == "running" or taken is not None
        default = walk.default(node, outcome) if outcome.options else None
        options = []
        for i, option in enumerate(outcome.options[:LIST_LIMIT]):
            options.append(
                {
                    "index": i,
                    "rule": option.rule,
                    "branch": option.branch,
                    "position": None if option.position is None else position_text(option.position),
                    **walk.option_view(node, option),
                }
            )
        o = node.option
        low, high = max(0, self.index - HISTORY_WINDOW), min(len(self.nodes), self.index + HISTORY_WINDOW + 1)
        return {
            "kind": walk.kind,
            "calculus": walk.calculus,
            "step": self.index,
            "known": len(self.nodes) - 1,
            "fuel": self.fuel,
            "rule": "" if o is None else o.rule,
            "branch": None if o is None else o.branch,
            "position": None if o is None or o.position is None else position_text(o.position),
            "label": node.label(),
            **walk.describe(node.state),
            "status": status,
            "message": message,
            "options": options,
            "options_total": len(outcome.options),
            "usable": usable,
            "default": default,
            "taken": taken,
            "can_back": self.index > 0,
            "can_forward": self.can_forward(),
            "history": [{"step": i, "label": self.nodes[i].label()} for i in range(low, high)],
        }


# -- building one ---------------------------------------------------------------------------------


def make_stepper(
    term: Term | str,
    memory: Mapping[str, Sequence[Term | str]] | None = None,
    *,
    mode: Mode = "machine",
    rules: RuleSet | Steps | None = None,
    fuel: int | None = None,
    path: Sequence[int] | None = None,
) -> Stepper:
    """The history of ``term``'s run (``mode="machine"``) or reduction (``mode="reduce"``); text is
    read as FMC (FMC III), an RMC term is given parsed. ``memory`` maps locations to stacks,
    bottom to top, of terms or their texts (first-order terms for the RMC). ``rules``: a
    :class:`RuleSet` or a ``steps(t)`` function (such as :func:`rewriting.graph.trs_steps`), for
    ``reduce`` only (default: the calculus's own rules). ``fuel``: the steps allowed (10,000 for a
    run, 1,000 for a reduction). ``path``: the RMC's choices at its forks (default: the branch of
    the first answer, if one is found within the fuel). Raises :class:`ParseError` on bad text,
    ValueError on a bad argument."""
    from machine_calculus.calculus.fmc.parser import parse

    if mode not in DEFAULT_FUEL:
        raise ValueError(f"mode is 'machine' or 'reduce', not {mode!r}")
    fuel = DEFAULT_FUEL[mode] if fuel is None else fuel
    t = parse(term) if isinstance(term, str) else term
    if not isinstance(t, Term):
        raise ValueError(f"a term or its text, not {term!r}")
    relational = is_relational(t)
    if mode == "reduce":
        if memory:
            raise ValueError("a reduction rewrites the term alone: put the memory in front of it as pushes")
        if path is not None:
            raise ValueError("path chooses the branches of an RMC run; in a reduction choose the redexes")
        return Stepper(_reduction(t, rules, relational), fuel)
    if rules is not None:
        raise ValueError("rules are for mode='reduce'; a machine has its own")
    if relational:
        from machine_calculus.calculus.rmc.parser import parse_first_order

        stacks = _memory(memory, parse_first_order)
        if path is None:
            first = rmc_machine.solve(t, stacks, limit=1, fuel=fuel)
            path = first[0].path if first.answers else ()
        return Stepper(RMCRun(t, stacks, path), fuel)
    if path is not None:
        raise ValueError("path chooses a branch of an RMC run; an FMC run has one")
    return Stepper(FMCRun(t, _memory(memory, parse)), fuel)


def _reduction(t: Term, rules: RuleSet | Steps | None, relational: bool) -> Reduction:
    from machine_calculus.rewriting.graph import rule_steps

    if rules is None:
        if relational:
            from machine_calculus.rewriting.rmc_rules import RMC

            rules = RMC
        else:
            from machine_calculus.rewriting.rules import FMC3

            rules = FMC3
    if isinstance(rules, RuleSet):
        return Reduction(t, rule_steps(rules), rules.name)
    if callable(rules):
        return Reduction(t, rules, "rules")
    raise ValueError(f"rules is a RuleSet or a steps function, not {rules!r}")


def _memory(
    memory: Mapping[str, Sequence[Term | str]] | None, read: Callable[[str], Term]
) -> dict[str, tuple[Term, ...]]:
    """A memory with texts read by ``read``; a stack given as one string is one item."""
    stacks: dict[str, tuple[Term, ...]] = {}
    for location, stack in (memory or {}).items():
        items = (stack,) if isinstance(stack, str) else stack
        stacks[location] = tuple(read(item) if isinstance(item, str) else item for item in items)
    return stacks


def stepper(
    term: Term | str,
    memory: Mapping[str, Sequence[Term | str]] | None = None,
    *,
    mode: Mode = "machine",
    rules: RuleSet | Steps | None = None,
    fuel: int | None = None,
    path: Sequence[int] | None = None,
) -> StepperWidget:
    """A notebook widget stepping forward and back through ``term``'s run or reduction (the
    arguments as :func:`make_stepper`). Bad text shows its positioned :class:`ParseError` in the
    widget, with a box to type the term again. Needs anywidget (``pip install anywidget``)."""
    try:
        from machine_calculus.widgets.widget import StepperWidget
    except ImportError as error:  # anywidget (or ipywidgets) is missing
        raise ImportError(f"mc.stepper needs anywidget (a dependency): pip install anywidget ({error})") from error
    from machine_calculus.calculus.errors import ParseError

    if mode not in DEFAULT_FUEL:
        raise ValueError(f"mode is 'machine' or 'reduce', not {mode!r}")
    relational = not isinstance(term, str) and is_relational(term)

    def build(source: Term | str) -> Stepper:
        if isinstance(source, str) and relational:
            from machine_calculus.calculus.rmc.parser import parse_rmc

            source = parse_rmc(source)
        return make_stepper(source, memory, mode=mode, rules=rules, fuel=fuel, path=path)

    widget = StepperWidget(build)
    source_text = term if isinstance(term, str) else _source_text(term)
    try:
        widget.start(build(term), source_text)
    except ParseError as error:
        widget.fail(str(error), source_text)
    return widget


def _source_text(t: Term) -> str:
    """A term's text that reads back (ASCII, for the box that retypes it)."""
    if is_relational(t):
        return rmc_text(t, "ascii")
    try:
        from machine_calculus.calculus.fmc.printer import to_ascii

        return to_ascii(t)
    except TypeError:
        return str(t)
