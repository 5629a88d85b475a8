"""The generic term interface, and the traversals written once against it.

Every AST node of every calculus is a :class:`Term`: an immutable, hashable, slotted node that
exposes its **head** (the node class, ``t.func``) and its **arguments** (``t.args``: child terms
and atoms such as locations, variable names and constants), and is rebuilt from them:
``t.func(*t.args) == t`` (sympy's invariant; Symbolics.jl's ``operation``/``arguments``/
``maketerm``). ``children(t)`` are the arguments that are themselves terms.

A node class declares how it binds: ``binders`` lists pairs ``(i, scope)`` meaning "the
variable name at argument ``i`` is bound in the argument positions ``scope``". A class with
``is_variable = True`` is a variable occurrence whose name is its first argument. With these two
facts, free variables, capture-avoiding substitution, alpha-equivalence and fresh names are
defined here once for every calculus.

Every traversal is iterative (an explicit stack, never Python recursion), so terms nested
100,000 deep are fine. ``==`` and ``hash`` are alpha-equivalence: the hash ignores variable
names (so alpha-equivalent terms hash alike) and is computed in O(1) at construction from the
children's hashes; ``==`` is an iterative alpha-equivalence check.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from machine_calculus.calculus.layout import Text, application_pieces, assemble

__all__ = [
    "SUBTERM_SORTS",
    "Term",
    "alpha_equal",
    "children",
    "dag_size",
    "dag_size_text",
    "fold",
    "free_variables",
    "fresh_name",
    "iter_distinct_nodes",
    "iter_preorder",
    "rebuild",
    "size",
    "substitute",
    "variable_names",
    "with_children",
]

R = TypeVar("R")

#: The argument sorts that hold sub-terms (nodes); every other sort is an atom.
SUBTERM_SORTS = frozenset({"term", "frame", "args", "fo"})


class Term:
    """Base of all term nodes. Subclasses are ``@dataclass(frozen=True, slots=True, eq=False)``."""

    __slots__ = ("_fv", "_hash")

    #: ``(i, scope)``: the name at argument ``i`` is bound in the arguments at ``scope``.
    binders: ClassVar[tuple[tuple[int, tuple[int, ...]], ...]] = ()
    #: a variable occurrence; its name is ``args[0]``.
    is_variable: ClassVar[bool] = False
    #: the tag mixed into the hash (distinct per node class).
    _tag: ClassVar[int] = 0
    #: the sort of each argument, for generic generators and bridges: ``"term"`` or ``"frame"``
    #: (a sub-term of that kind, see :data:`SUBTERM_SORTS`), ``"binder"`` (a bound name),
    #: ``"name"`` (a variable occurrence), or an atom: ``"location"``, ``"constant"``, ``"label"``...
    sorts: ClassVar[tuple[str, ...]] = ()
    #: the sort of the node itself: ``"term"``; ``"frame"`` for the branches of a case frame;
    #: ``"fo"`` for the RMC's first-order terms and ``"args"`` for their argument chains.
    kind: ClassVar[str] = "term"

    _hash: int
    _fv: frozenset[str] | None

    if TYPE_CHECKING:
        # What the generic code relies on: a node class is called with its arguments
        # (``t.func(*t.args)``); each dataclass subclass has its own typed ``__init__``.
        def __init__(self, *args: Any) -> None: ...

    def __post_init__(self) -> None:
        """Compute the alpha-invariant hash from the children's hashes (O(1) per node).

        Sub-terms contribute their hashes, atoms themselves, except variable names (bound or
        free), so that alpha-equivalent terms hash alike.
        """
        cls = type(self)
        plan = _HASH_PLANS.get(cls)
        if plan is None:
            plan = _hash_plan(cls)
        args = self.args
        h = hash((cls._tag, *[args[i]._hash if is_term else args[i] for i, is_term in plan]))
        object.__setattr__(self, "_hash", h)
        object.__setattr__(self, "_fv", None)

    # -- the interface ---------------------------------------------------------------------
    @property
    def func(self) -> type[Term]:
        """The head of the node: its class, so that ``t.func(*t.args) == t``."""
        return type(self)

    @property
    def head(self) -> str:
        """The head as a name (``"Push"``, ``"Pop"``, ...)."""
        return type(self).__name__

    @property
    def args(self) -> tuple[Any, ...]:
        """The arguments in constructor order (child terms and atoms)."""
        getter = _ARGS.get(type(self))
        if getter is None:
            getter = _args_getter(type(self))
        return getter(self)

    # -- equality is alpha-equivalence -------------------------------------------------------
    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Term):
            return NotImplemented
        return self._hash == other._hash and alpha_equal(self, other)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self.args)

    def __repr__(self) -> str:
        # Iterative, so that repr of a deep term does not recurse.
        return _repr(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's (and hypothesis's) pretty printer: the same text as ``repr``."""
        printer.text(_repr(self))

    def __str__(self) -> str:
        """The term in its calculus's Unicode notation (``[A].⟨x⟩.x``, ``[a] + [b]``)."""
        return self.text()

    def text(self, notation: str = "unicode", limit: int | None = None) -> str:
        """The term in its calculus's ``notation`` (``"unicode"``, ``"ascii"``, or ``"latex"``
        where the calculus has it); with ``limit``, at most ``limit + 1`` characters."""
        from machine_calculus.calculus.notation import notation_text

        return notation_text(self, notation, limit)

    def _repr_html_(self) -> str:
        """A notebook's display: the notation in a code element (a huge term is cut, and says
        how much of it is shown)."""
        from machine_calculus.calculus.notation import term_html

        return term_html(self)

    def _repr_latex_(self) -> str | None:
        """The LaTeX notation between ``$``, where the calculus has one (the FMC's)."""
        from machine_calculus.calculus.notation import latex_text

        latex = latex_text(self)
        return None if latex is None else f"${latex}$"


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_HASH_PLANS: dict[type, tuple[tuple[int, bool], ...]] = {}


def _hash_plan(cls: type[Term]) -> tuple[tuple[int, bool], ...]:
    """Which arguments enter a node's hash: ``(index, is_term)``; variable names never do."""
    if cls.is_variable:
        plan: tuple[tuple[int, bool], ...] = ()
    else:
        names = {i for i, _ in cls.binders}
        if len(cls.sorts) != len(_field_names(cls)):
            raise TypeError(f"{cls.__name__}.sorts must give the sort of each of its fields")
        plan = tuple(
            (i, sort in SUBTERM_SORTS) for i, sort in enumerate(cls.sorts) if i not in names and sort != "name"
        )
    _HASH_PLANS[cls] = plan
    return plan


_ARGS: dict[type, Callable[[Term], tuple[Any, ...]]] = {}


def _args_getter(cls: type) -> Callable[[Term], tuple[Any, ...]]:
    """A fast ``t -> t.args`` for one node class (an attrgetter over its fields)."""
    names = _field_names(cls)
    if not names:
        getter: Callable[[Term], tuple[Any, ...]] = lambda t: ()  # noqa: E731
    elif len(names) == 1:
        one = operator.attrgetter(names[0])
        getter = lambda t: (one(t),)  # noqa: E731
    else:
        getter = operator.attrgetter(*names)
    _ARGS[cls] = getter
    return getter


def _field_names(cls: type) -> tuple[str, ...]:
    """The dataclass fields of a node class, in order (cached)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def children(t: Term) -> tuple[Term, ...]:
    """The arguments of ``t`` that are terms."""
    return tuple(a for a in t.args if isinstance(a, Term))


def rebuild(t: Term, args: tuple[Any, ...] | list[Any]) -> Term:
    """``t.func(*args)``: a node with the head of ``t`` and new arguments."""
    return type(t)(*args)


def with_children(t: Term, kids: Sequence[Term]) -> Term:
    """``t`` with its child terms replaced by ``kids`` (in order), its atoms kept; ``t`` itself
    when it has no children. The usual ``combine`` of a :func:`fold` that rebuilds."""
    if not kids:
        return t
    new_kids = iter(kids)
    return t.func(*(next(new_kids) if isinstance(a, Term) else a for a in t.args))


def iter_preorder(t: Term) -> Iterator[Term]:
    """Every subterm occurrence, parent before children, left to right (iterative)."""
    stack = [t]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def size(t: Term) -> int:
    """The number of nodes of ``t`` (shared subterms counted at each occurrence)."""
    return fold(t, lambda node, results: 1 + sum(results))


TREE_SIZE_CAP = 10**18  # dag_size counts a tree up to here: beyond, the count would cost more than the term


def dag_size(
    t: Term | Iterable[Term], cap: int = TREE_SIZE_CAP, kids: Callable[[Any], Sequence[Any]] | None = None
) -> tuple[int, int]:
    """``(tree, distinct)``: the number of nodes of ``t`` (a term, or several counted together)
    counted at each occurrence, as :func:`size`, and the number of distinct node objects. Each
    distinct node is visited once (sizes memoized by ``id``), so a small term with much sharing
    whose tree is exponentially large costs only its distinct nodes. Tree sizes saturate at
    ``cap`` (a tree of ``2^n`` nodes would otherwise hold an ``n``-bit count per node, quadratic
    in ``n``). ``kids`` gives a node's children for other trees than terms (values of an
    embedded language; ``t`` is then an iterable of roots); by default :func:`children`."""
    roots = [t] if isinstance(t, Term) else list(t)
    below = children if kids is None else kids
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        node, ready = stack.pop()
        if id(node) in sizes:
            continue
        sub = below(node)
        if ready:
            sizes[id(node)] = min(cap, 1 + sum(sizes[id(k)] for k in sub))
            continue
        stack.append((node, True))
        stack.extend((k, False) for k in sub if id(k) not in sizes)
    return min(cap, sum(sizes[id(r)] for r in roots)), len(sizes)


def dag_size_text(t: Term | Iterable[Term], kids: Callable[[Any], Sequence[Any]] | None = None) -> str:
    """``"N nodes, D distinct"`` for a term or several, as :func:`dag_size` counts them, with
    ``"over 10^18 nodes"`` where the tree count saturates."""
    tree, distinct = dag_size(t, kids=kids)
    count = "over 10^18" if tree >= TREE_SIZE_CAP else f"{tree:,}"
    return f"{count} nodes, {distinct:,} distinct"


def fold(t: Term, combine: Callable[[Term, tuple[R, ...]], R]) -> R:
    """Bottom-up fold: ``combine(node, results of its children)``, post-order, iterative.

    Results are memoized per node object, so a term shared as a DAG is folded once per node.
    """
    memo: dict[int, R] = {}
    keep: list[Term] = []  # keep nodes alive so that ids stay unique during the fold
    stack: list[tuple[Term, bool]] = [(t, False)]
    while stack:
        node, expanded = stack.pop()
        key = id(node)
        if key in memo:
            continue
        kids = children(node)
        if expanded or not kids:
            memo[key] = combine(node, tuple(memo[id(k)] for k in kids))
            keep.append(node)
            continue
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in memo)
    return memo[id(t)]


# -- variables -------------------------------------------------------------------------------


def free_variables(t: Term) -> frozenset[str]:
    """FV(t): the names of variables occurring free in ``t`` (cached on each node)."""
    if t._fv is not None:
        return t._fv
    stack: list[tuple[Term, bool]] = [(t, False)]
    while stack:
        node, expanded = stack.pop()
        if node._fv is not None:
            continue
        kids = [a for a in node.args if isinstance(a, Term)]
        if not expanded and any(k._fv is None for k in kids):
            stack.append((node, True))
            stack.extend((k, False) for k in kids if k._fv is None)
            continue
        object.__setattr__(node, "_fv", _node_fv(node))
    assert t._fv is not None
    return t._fv


_EMPTY: frozenset[str] = frozenset()


def _node_fv(node: Term) -> frozenset[str]:
    """FV of one node from its children's cached FV."""
    cls = type(node)
    args = node.args
    if cls.is_variable:
        return frozenset((args[0],))
    result: frozenset[str] = _EMPTY
    bound_at: dict[int, set[str]] = {}
    for i, scope in cls.binders:
        for j in scope:
            bound_at.setdefault(j, set()).add(args[i])
    for j, a in enumerate(args):
        if isinstance(a, Term):
            fv = a._fv
            assert fv is not None
            if j in bound_at and not fv.isdisjoint(bound_at[j]):
                fv = fv - bound_at[j]
            if fv:
                result = fv if not result else result | fv
    return result


def variable_names(t: Term) -> set[str]:
    """Every variable name in ``t``: free, bound, and binding."""
    names: set[str] = set()
    for node in iter_distinct_nodes(t):
        cls = type(node)
        if cls.is_variable:
            names.add(node.args[0])
        for i, _ in cls.binders:
            names.add(node.args[i])
    return names


def iter_distinct_nodes(t: Term, kids: Callable[[Any], Sequence[Any]] | None = None) -> Iterator[Term]:
    """Each distinct node object of ``t`` once, in preorder, left to right (a shared subterm is
    visited once: linear in the size of the DAG, not of the tree). ``kids`` gives a node's
    children for other trees than terms (as :func:`dag_size`)."""
    below = children if kids is None else kids
    seen: set[int] = set()
    stack = [t]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(reversed(below(node)))


def fresh_name(base: str, avoid: Callable[[str], bool] | set[str] | frozenset[str], *, start: int = 1) -> str:
    """A variant ``x1``, ``x2``, ... of ``base`` (its digits stripped) not in ``avoid``.

    ``start`` is the first number tried (a caller that knows the smaller ones are taken).
    """
    taken = avoid.__contains__ if isinstance(avoid, set | frozenset) else avoid
    stem = base.rstrip("0123456789'") or "x"
    n = start
    while True:
        candidate = f"{stem}{n}"
        if not taken(candidate):
            return candidate
        n += 1


# -- substitution ----------------------------------------------------------------------------

_VISIT, _BUILD, _ENTER, _EXIT = 0, 1, 2, 3


def substitute(t: Term, mapping: Mapping[str, Term]) -> Term:
    """Capture-avoiding simultaneous substitution ``{N1/x1, ..., Nn/xn} t``.

    A binder ``y`` whose scope receives a replacement with ``y`` free is renamed to a fresh
    name first (``{N/x}(a<y>.M) = a<z>.{N/x}{z/y}M``). Subterms with no free ``xi`` are shared,
    not copied. Iterative: a post-order rebuild with an explicit stack and an undo log.
    """
    env: dict[str, Term] = {x: n for x, n in mapping.items() if x in free_variables(t)}
    if not env:
        return t
    avoid: set[str] = set()
    for n in env.values():
        avoid |= free_variables(n)
    used: set[str] | None = None  # every name in sight, computed when a rename is needed
    # per stem, the first number fresh_name has not yet tried: ``used`` only grows, so later
    # renames continue from there (restarting at 1 made n nested captures cost O(n^2))
    next_number: dict[str, int] = {}
    results: list[Any] = []
    saved: list[list[tuple[str, Term | None]]] = []
    stack: list[tuple[int, Any]] = [(_VISIT, t)]
    while stack:
        tag, item = stack.pop()
        if tag == _VISIT:
            if not isinstance(item, Term):
                results.append(item)
                continue
            fv = free_variables(item)
            if all(x not in fv for x in env):
                results.append(item)
                continue
            cls = type(item)
            if cls.is_variable:
                results.append(env[item.args[0]])
                continue
            args = list(item.args)
            scope_of: dict[int, list[tuple[str, Term | None]]] = {}
            for i, scope in cls.binders:
                y = args[i]
                binding: Term | None = None  # None: y shadows any substitution for y
                if y in avoid:
                    body_fv = frozenset().union(*(free_variables(args[j]) for j in scope))
                    if any(x != y and x in body_fv and y in free_variables(n) for x, n in env.items()):
                        if used is None:
                            used = variable_names(t) | avoid | set(env)
                        stem = y.rstrip("0123456789'") or "x"
                        start = next_number.get(stem, 1)
                        z = fresh_name(y, used, start=start)
                        next_number[stem] = int(z[len(stem) :]) + 1
                        used.add(z)
                        args[i] = z
                        binding = cls.variable_class(z)  # type: ignore[attr-defined]
                for j in scope:
                    scope_of.setdefault(j, []).append((y, binding))
            stack.append((_BUILD, (item, len(args))))
            for j in range(len(args) - 1, -1, -1):
                if j in scope_of:
                    stack.append((_EXIT, None))
                    stack.append((_VISIT, args[j]))
                    stack.append((_ENTER, scope_of[j]))
                else:
                    stack.append((_VISIT, args[j]))
        elif tag == _ENTER:
            saved.append([(name, env.get(name)) for name, _ in item])
            for name, binding in item:
                if binding is None:
                    env.pop(name, None)
                else:
                    env[name] = binding
        elif tag == _EXIT:
            for name, old in reversed(saved.pop()):
                if old is None:
                    env.pop(name, None)
                else:
                    env[name] = old
        else:
            node, count = item
            new_args = results[len(results) - count :]
            del results[len(results) - count :]
            if all(a is b for a, b in zip(new_args, node.args, strict=True)):
                results.append(node)
            else:
                results.append(type(node)(*new_args))
    return results[0]


def alpha_equal(s: Term, t: Term) -> bool:
    """``s`` and ``t`` are equal up to renaming of bound variables (iterative).

    Bound variables are compared by the depth of their binder (de Bruijn levels), free ones by
    name. Each side keeps, per name, the stack of levels at which it is bound.
    """
    levels_s: dict[str, list[int]] = {}
    levels_t: dict[str, list[int]] = {}
    depth = 0
    stack: list[tuple[int, Any, Any]] = [(_VISIT, s, t)]
    while stack:
        tag, a, b = stack.pop()
        if tag == _ENTER:
            depth += 1
            levels_s.setdefault(a, []).append(depth)
            levels_t.setdefault(b, []).append(depth)
            continue
        if tag == _EXIT:
            levels_s[a].pop()
            levels_t[b].pop()
            depth -= 1
            continue
        if a is b and a._fv is not None and not a._fv:
            continue  # the same closed node
        cls = type(a)
        if cls is not type(b) or a._hash != b._hash:
            return False
        if cls.is_variable:
            x, y = a.args[0], b.args[0]
            lx, ly = levels_s.get(x), levels_t.get(y)
            bx = lx[-1] if lx else None
            by = ly[-1] if ly else None
            if bx != by or (bx is None and x != y):
                return False
            continue
        args_a, args_b = a.args, b.args
        names = {i for i, _ in cls.binders}
        scoped: dict[int, list[int]] = {}  # argument -> the binders over it, in order
        for i, scope in cls.binders:
            for j in scope:
                scoped.setdefault(j, []).append(i)
        for j in range(len(args_a) - 1, -1, -1):
            u, v = args_a[j], args_b[j]
            if not isinstance(u, Term):
                if j not in names and u != v:
                    return False
            elif j in scoped:
                over = scoped[j]
                stack.extend((_EXIT, args_a[i], args_b[i]) for i in over)
                stack.append((_VISIT, u, v))
                stack.extend((_ENTER, args_a[i], args_b[i]) for i in reversed(over))
            else:
                stack.append((_VISIT, u, v))
    return True


def _repr(t: Term) -> str:
    """``Head(arg, ...)`` for every node, built iteratively (the printers' layout loop)."""

    def pieces(item: Any) -> list[Any]:
        if not isinstance(item, Term):
            return [Text(repr(item))]
        return application_pieces(type(item).__name__, item.args)

    return assemble(t, pieces)
