"""The egglog bridge: terms of any calculus into e-graph expressions and back, written once against
the generic term interface, with binders as de Bruijn indices and explicit substitution.

**Nodes.** A node with k sub-terms (k ≤ 3) becomes ``Node.app<k>(head, atoms, child1, ...)``: its
class's name, a key for its atoms (locations, constants, labels, free variable names: the atoms
themselves stay in the :class:`Bridge`, so any Python value can be an atom), and its children.
A node whose only argument is an integer (the FMC's ``Const(5)``) is ``Node.lit(head, 5)``, so
that rules can compute with it (constant folding); it comes back as a sympy Integer, the
toolkit's exact number.

**Binders** (the node classes' ``binders``): a bound variable occurrence is ``Node.bvar(i)``, its
de Bruijn index (the number of binders between it and its own), and a child in the scope of a
binder is wrapped ``Node.scope(child)`` (once per binder), the binder's name dropped. So
alpha-equivalent terms are one e-node, and substitution is capture-free by construction: the
explicit substitution operators ``subst(k, v, M)`` ({v/k}M, removing binder k), ``shift(d, c, M)``
(indices ≥ c raised by d) and ``swap(k, M)`` (indices k and k+1 exchanged) are pushed down to the
indices by :func:`substitution_laws`. They are unextractable: extraction never returns them.
On the way back (:meth:`Bridge.decode`, from a chosen e-node per e-class, see
:mod:`rewriting.extraction`), binders get fresh names.

:func:`prove` answers **proved** (both terms in one e-class) or **not found** within the limits,
never "not equal". egglog's Python API (13.x) gives no proof terms; the answer names the theory
and the number of saturation rounds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy
from egglog import (
    EGraph,
    Expr,
    String,
    StringLike,
    eq,
    function,
    i64,
    i64Like,
    rewrite,
    rule,
    set_,
    union,
    vars_,
)

from machine_calculus.calculus.terms import SUBTERM_SORTS, Term, fresh_name

__all__ = [
    "Bridge",
    "Node",
    "Proof",
    "Theory",
    "marked",
    "prove",
    "shift",
    "subst",
    "substitution_laws",
    "swap",
]


class Node(Expr):
    """Any term node (see the module's docstring)."""

    @classmethod
    def app0(cls, head: StringLike, atoms: StringLike) -> Node: ...

    @classmethod
    def app1(cls, head: StringLike, atoms: StringLike, a: Node) -> Node: ...

    @classmethod
    def app2(cls, head: StringLike, atoms: StringLike, a: Node, b: Node) -> Node: ...

    @classmethod
    def app3(cls, head: StringLike, atoms: StringLike, a: Node, b: Node, c: Node) -> Node: ...

    @classmethod
    def lit(cls, head: StringLike, value: i64Like) -> Node: ...

    @classmethod
    def bvar(cls, index: i64Like) -> Node: ...

    @classmethod
    def scope(cls, body: Node) -> Node: ...


@function(unextractable=True)
def subst(index: i64Like, value: Node, node: Node) -> Node:
    """``{value/index}node``, the binder ``index`` removed (indices above it lowered by one)."""
    ...


@function(unextractable=True)
def shift(by: i64Like, cutoff: i64Like, node: Node) -> Node:
    """``node`` with every index ≥ ``cutoff`` raised by ``by``."""
    ...


@function(unextractable=True)
def marked(node: Node) -> Node:
    """A marker on an e-class (the one extraction starts from), found in a snapshot by name."""
    ...


@function(unextractable=True)
def swap(index: i64Like, node: Node) -> Node:
    """``node`` with the indices ``index`` and ``index + 1`` exchanged."""
    ...


#: How a decoder sees a chosen expression: handle -> (constructor, arguments).
View = Callable[[Any], tuple[str, list[Any]]]

_LET_NAMES = itertools.count()  # unique in the process: an e-graph refuses a let name twice

_APPS = (Node.app0, Node.app1, Node.app2, Node.app3)
_MAX_INT = 2**62


def _int_atom(atoms: tuple[Any, ...], kids: Sequence[Any]) -> int | None:
    if kids or len(atoms) != 1 or isinstance(atoms[0], bool):
        return None
    value = atoms[0]
    if isinstance(value, int | sympy.Integer) and abs(int(value)) < _MAX_INT:
        return int(value)
    return None


@dataclass
class Bridge:
    """Terms to e-graph expressions and back; it keeps the atoms behind their keys and the node
    classes behind their names."""

    atoms: dict[tuple[Any, ...], str] = field(default_factory=dict)
    keys: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    classes: dict[str, type[Term]] = field(default_factory=dict)

    def key(self, atoms: tuple[Any, ...]) -> str:
        """The e-graph's name for a tuple of atoms."""
        found = self.atoms.get(atoms)
        if found is None:
            found = self.atoms[atoms] = f"{len(self.atoms)}:{atoms!r}"[:60]
            self.keys[found] = atoms
        return found

    def node(self, cls: type[Term], atoms: tuple[Any, ...], *kids: Any) -> Node:
        """The e-graph node of class ``cls`` (for writing rules: kids may be pattern variables)."""
        self.classes[cls.__name__] = cls
        value = _int_atom(atoms, kids)
        if value is not None:
            return Node.lit(String(cls.__name__), value)
        if len(kids) >= len(_APPS):
            raise ValueError(f"{cls.__name__} has {len(kids)} sub-terms; the bridge takes at most 3")
        return _APPS[len(kids)](String(cls.__name__), String(self.key(atoms)), *kids)  # type: ignore[operator]

    def encode(self, term: Term, egraph: EGraph | None = None) -> Node:
        """The e-graph expression of ``term`` (iterative; bound variables as de Bruijn indices).

        With ``egraph``, the term goes into it one e-node at a time, each a ``let`` whose
        children are the earlier ones (the result is the root's ``let``): egglog-python's own
        sharing of repeated sub-expressions (``$__expr_N`` lets) gave, under 13.2 here, e-nodes
        whose arguments were other sub-expressions' (``let root = E`` then ``check root = E``
        failed in about one run in three on a compiled While program), and node-at-a-time
        insertion has no repeated sub-expression to share."""
        memo: dict[tuple[Any, ...], Node] = {}
        keys: dict[int, tuple[Any, ...]] = {}

        def made(expr: Node, key: tuple[Any, ...]) -> Node:
            if egraph is None:
                return expr
            found = memo.get(key)
            if found is None:
                found = memo[key] = egraph.let(f"__t{next(_LET_NAMES)}", expr)
                keys[id(found)] = key
            return found

        def key_of(expr: Node) -> Any:
            return keys.get(id(expr), id(expr))

        results: list[Node] = []
        stack: list[tuple[Term, Any, bool]] = [(term, None, False)]  # env: linked list (name, rest)
        while stack:
            node, env, ready = stack.pop()
            cls = type(node)
            if cls.is_variable:
                index = _index_of(node.args[0], env)
                if index is None:
                    results.append(made(self.node(cls, tuple(node.args)), (cls.__name__, tuple(node.args))))
                else:
                    results.append(made(Node.bvar(index), ("bvar", index)))
                continue
            scopes = _scopes(cls)
            if not ready:
                stack.append((node, env, True))
                kids = []
                for i, a in enumerate(node.args):
                    if isinstance(a, Term):
                        inner = env
                        for binder in scopes.get(i, ()):
                            inner = (node.args[binder], inner)
                        kids.append((a, inner, False))
                stack.extend(reversed(kids))
                continue
            count = sum(1 for a in node.args if isinstance(a, Term))
            kids = results[len(results) - count :] if count else []
            del results[len(results) - count :]
            wrapped = []
            term_positions = [i for i, a in enumerate(node.args) if isinstance(a, Term)]
            for i, kid in zip(term_positions, kids, strict=True):
                for _ in scopes.get(i, ()):
                    kid = made(Node.scope(kid), ("scope", key_of(kid)))
                wrapped.append(kid)
            binder_positions = {i for i, _ in cls.binders}
            atoms = tuple(a for i, a in enumerate(node.args) if not isinstance(a, Term) and i not in binder_positions)
            key = (cls.__name__, self.key(atoms), *(key_of(k) for k in wrapped))
            results.append(made(self.node(cls, atoms, *wrapped), key))
        return results[0]

    def decode(self, root: Any, view: View) -> Term:
        """The term a chosen e-graph expression stands for: ``view(handle)`` gives a node's
        constructor (``app2``, ``lit``, ``bvar``, ``scope``...) and its arguments (literals, or
        handles of the children). Binders get fresh names. Iterative."""
        avoid = {a for atoms in self.keys.values() for a in atoms if isinstance(a, str)}
        results: list[Term] = []
        stack: list[tuple[Any, tuple[tuple[str, type[Term]], ...], bool]] = [(root, (), False)]
        while stack:
            handle, env, ready = stack.pop()
            name, args = view(handle)
            if name == "bvar":
                var, var_cls = env[len(env) - 1 - int(args[0])]
                results.append(var_cls(var))
                continue
            if name == "lit":
                results.append(self.classes[args[0]](sympy.Integer(int(args[1]))))
                continue
            if not name.startswith("app"):
                raise ValueError(f"cannot decode {name}: not a term node")
            cls = self.classes[args[0]]
            names = self._binder_names(cls, env, avoid)
            if not ready:
                stack.append((handle, env, True))
                scopes = _scopes(cls)
                positions = [i for i, sort in enumerate(cls.sorts) if sort in SUBTERM_SORTS]
                pending = []
                for i, kid in zip(positions, args[2:], strict=True):
                    inner = env
                    for binder in scopes.get(i, ()):
                        kid = view(kid)[1][0]  # unwrap Node.scope
                        inner = (*inner, (names[binder], cls.variable_class))  # type: ignore[attr-defined]
                    pending.append((kid, inner, False))
                stack.extend(reversed(pending))
                continue
            count = len(args) - 2
            kids = iter(results[len(results) - count :] if count else [])
            del results[len(results) - count :]
            atoms = iter(self.keys[args[1]])
            built = []
            for i, sort in enumerate(cls.sorts):
                if sort in SUBTERM_SORTS:
                    built.append(next(kids))
                elif i in names:
                    built.append(names[i])
                else:
                    built.append(next(atoms))
            results.append(cls(*built))
        return results[0]

    @staticmethod
    def _binder_names(
        node_class: type[Term], env: tuple[tuple[str, type[Term]], ...], avoid: set[str]
    ) -> dict[int, str]:
        names: dict[int, str] = {}
        taken = avoid | {name for name, _ in env}
        for i, _ in node_class.binders:
            names[i] = fresh_name("x", taken)
            taken.add(names[i])
        return names


def _scopes(cls: type[Term]) -> dict[int, list[int]]:
    """For each argument position, the binder positions whose scope includes it."""
    scopes: dict[int, list[int]] = {}
    for binder, scope in cls.binders:
        for i in scope:
            scopes.setdefault(i, []).append(binder)
    return scopes


def _index_of(name: str, env: Any) -> int | None:
    """The de Bruijn index of ``name`` in the binder list ``env`` (innermost first), or None."""
    index = 0
    while env is not None:
        if env[0] == name:
            return index
        env, index = env[1], index + 1
    return None


@function(merge=lambda old, new: old.min(new))
def free_above(node: Node) -> i64:
    """An e-class analysis: one more than the largest free index (0 for a closed term). Merged by
    the minimum: equal terms depend on the same variables, so the least bound is sound."""
    ...


def free_index_analysis() -> list[Any]:
    """``free_above``: bvar(i) ↦ i + 1, scope(M) ↦ max(0, M - 1), a node ↦ its children's max."""
    i, j, k, value = vars_("i j k value", i64)
    m, a, b, x = vars_("m a b x", Node)
    head, atoms = vars_("head atoms", String)
    return [
        rule(eq(m).to(Node.bvar(i))).then(set_(free_above(m)).to(i + 1)),
        rule(eq(m).to(Node.app0(head, atoms))).then(set_(free_above(m)).to(0)),
        rule(eq(m).to(Node.lit(head, value))).then(set_(free_above(m)).to(0)),
        rule(eq(m).to(Node.scope(a)), eq(i).to(free_above(a))).then(set_(free_above(m)).to((i - 1).max(0))),
        rule(eq(m).to(Node.app1(head, atoms, a)), eq(i).to(free_above(a))).then(set_(free_above(m)).to(i)),
        rule(eq(m).to(Node.app2(head, atoms, a, b)), eq(i).to(free_above(a)), eq(j).to(free_above(b))).then(
            set_(free_above(m)).to(i.max(j))
        ),
        rule(
            eq(m).to(Node.app3(head, atoms, a, b, x)),
            eq(i).to(free_above(a)),
            eq(j).to(free_above(b)),
            eq(k).to(free_above(x)),
        ).then(set_(free_above(m)).to(i.max(j).max(k))),
    ]


def substitution_laws() -> list[Any]:
    """The explicit substitution operators pushed down to the indices (generic in the heads):

        subst(k, v, i) = v if i = k,  i if i < k,  i - 1 if i > k
        shift(d, c, i) = i + d if i ≥ c,  i otherwise
        swap(k, i)     = k + 1 if i = k,  k if i = k + 1,  i otherwise
        op(scope(M))   = scope(op'(M))   with k + 1, c + 1, and v shifted by one
        op(f(M1..Mn))  = f(op(M1)..op(Mn))
        op(M)          = M   when M has no free index at or above k (or c)

    An operator is pushed into M only when M has free indices it acts on (the ``free_above``
    analysis), so closed parts of a term are never copied.
    """
    i, k, d, c = vars_("i k d c", i64)
    v, m, a, b, x, e = vars_("v m a b x e", Node)
    head, atoms = vars_("head atoms", String)
    laws: list[Any] = [
        *free_index_analysis(),
        rule(eq(e).to(subst(k, v, m)), eq(i).to(free_above(m)), i <= k).then(union(e).with_(m)),
        rule(eq(e).to(shift(d, c, m)), eq(i).to(free_above(m)), i <= c).then(union(e).with_(m)),
        rule(eq(e).to(swap(k, m)), eq(i).to(free_above(m)), i <= k).then(union(e).with_(m)),
        rule(eq(m).to(subst(k, v, Node.bvar(i))), i == k).then(union(m).with_(v)),
        rule(eq(m).to(subst(k, v, Node.bvar(i))), i < k).then(union(m).with_(Node.bvar(i))),
        rule(eq(m).to(subst(k, v, Node.bvar(i))), i > k).then(union(m).with_(Node.bvar(i - 1))),
        rule(eq(m).to(shift(d, c, Node.bvar(i))), i >= c).then(union(m).with_(Node.bvar(i + d))),
        rule(eq(m).to(shift(d, c, Node.bvar(i))), i < c).then(union(m).with_(Node.bvar(i))),
        rule(eq(m).to(swap(k, Node.bvar(i))), i == k).then(union(m).with_(Node.bvar(k + 1))),
        rule(eq(m).to(swap(k, Node.bvar(i))), i == k + 1).then(union(m).with_(Node.bvar(k))),
        rule(eq(m).to(swap(k, Node.bvar(i))), i < k).then(union(m).with_(Node.bvar(i))),
        rule(eq(m).to(swap(k, Node.bvar(i))), i > k + 1).then(union(m).with_(Node.bvar(i))),
    ]
    operators: list[tuple[Callable[[Node], Node], Callable[[Node], Node], Any]] = [
        # (the operator, the operator under one more binder, the index it starts at)
        (lambda n: subst(k, v, n), lambda n: subst(k + 1, shift(1, 0, v), n), k),
        (lambda n: shift(d, c, n), lambda n: shift(d, c + 1, n), c),
        (lambda n: swap(k, n), lambda n: swap(k + 1, n), k),
    ]
    for op, op_under, start in operators:
        laws += [
            rewrite(op(Node.scope(a))).to(Node.scope(op_under(a)), free_above(Node.scope(a)) > start),
            rewrite(op(Node.app1(head, atoms, a))).to(
                Node.app1(head, atoms, op(a)), free_above(Node.app1(head, atoms, a)) > start
            ),
            rewrite(op(Node.app2(head, atoms, a, b))).to(
                Node.app2(head, atoms, op(a), op(b)), free_above(Node.app2(head, atoms, a, b)) > start
            ),
            rewrite(op(Node.app3(head, atoms, a, b, x))).to(
                Node.app3(head, atoms, op(a), op(b), op(x)), free_above(Node.app3(head, atoms, a, b, x)) > start
            ),
        ]
    return laws


#: A theory: given the bridge and the terms at hand (for the locations and symbols they use),
#: its rewrite rules.
Theory = Callable[[Bridge, Sequence[Term]], list[Any]]


@dataclass(frozen=True)
class Proof:
    """The answer of :func:`prove`: proved, or not found within the limits (never "unequal")."""

    proved: bool
    iterations: int
    note: str
    nodes: int = 0

    def __bool__(self) -> bool:
        return self.proved

    def __str__(self) -> str:
        return self.note

    def _repr_html_(self) -> str:
        from machine_calculus.rewriting.render import proof_html

        return proof_html(self)


def egraph_size(egraph: EGraph) -> int:
    """The number of e-nodes (rows of every function)."""
    return sum(n for _, n in egraph.all_function_sizes())


def saturate(
    egraph: EGraph,
    iterations: int,
    max_nodes: int,
    done: Callable[[], bool] = lambda: False,
    report: Callable[[int, int], None] | None = None,
) -> tuple[int, str]:
    """Run the rules one round at a time until ``done()``, saturation, ``iterations`` rounds or
    more than ``max_nodes`` e-nodes; returns the rounds run and why it stopped. ``report(rounds,
    e-nodes)`` hears of each round (a progress line)."""
    for rounds in range(iterations + 1):
        if done():
            return rounds, "done"
        size = egraph_size(egraph)
        if report is not None:
            report(rounds, size)
        if size > max_nodes:
            return rounds, "size"
        if rounds == iterations:
            break
        if not egraph.run(1).updated:
            return rounds + 1, "saturated" if not done() else "done"
    return iterations, "rounds"


def prove(left: Term, right: Term, theory: Theory, name: str, iterations: int = 8, max_nodes: int = 5_000) -> Proof:
    """Do the laws of ``theory`` prove ``left = right``? Saturates the e-graph one round at a time,
    for at most ``iterations`` rounds and while it has at most ``max_nodes`` e-nodes."""
    bridge = Bridge()
    egraph = EGraph()
    egraph.register(*theory(bridge, (left, right)))
    x, y = bridge.encode(left, egraph), bridge.encode(right, egraph)
    rounds, why = saturate(egraph, iterations, max_nodes, lambda: egraph.check_bool(eq(x).to(y)))
    size = egraph_size(egraph)
    if why == "done":
        return Proof(True, rounds, f"proved by {name} after {rounds} rounds of saturation ({size:,} e-nodes)", size)
    if why == "size":
        note = f"not found before the e-graph grew past {max_nodes:,} nodes (not a disproof)"
    elif why == "saturated":
        note = f"not found: the e-graph saturated after {rounds} rounds ({name} do not prove it)"
    else:
        note = f"not found within {iterations} rounds (this does not mean unequal)"
    return Proof(False, rounds, note, size)


def locations_of(terms: Iterable[Term]) -> list[str]:
    """The locations the terms use (atoms of the ``location`` sort), sorted."""
    found: set[str] = set()
    stack = list(terms)
    while stack:
        node = stack.pop()
        for sort, a in zip(node.sorts, node.args, strict=False):
            if isinstance(a, Term):
                stack.append(a)
            elif sort == "location":
                found.add(a)
    return sorted(found)
