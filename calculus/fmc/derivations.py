"""Typing derivations: the tree of rules inference used, one node per rule, with its judgement.

A node is ``rule: ⊢ M : T``, its premises above it. The rules are those of
docs/types-and-effects.md and docs/control.md:

    skip       ⋆ : ρ ⇒ ρ
    variable   x : E·A ⇒ E·B              x run, Γ(x) = A ⇒ B (extended below by E)
    jump       c : ρ ⇒ {family(c): ρ}     a constant run
    value      x : Γ(x),  c : sort(c)     pushed: a value, not run
    prim       p : ρ·λ(v1 ... vn) ⇒ ρ·λ(r)
    push       [N]a.M : A ⇒ B             from N : t and M : A·a(t) ⇒ B
    pop        a⟨x⟩.M : A·a(t) ⇒ B        from M : A ⇒ B with x : t
    seq        N ; M : A ⇒ C              from N : A ⇒ B and M : B ⇒ C
    case       N ; {j → M ...}            from N and each branch
    loop       M^j                        from M

The types are the final ones (after all of inference), named alike across the tree. Shown as
text (:func:`derivation_text`), as LaTeX with mathpartir's ``\\inferrule``
(:func:`derivation_latex`) and as HTML (:func:`derivation_html`, a notebook's display).
Building and printing are iterative: a term nested 100,000 deep has a derivation as deep.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from machine_calculus.calculus.fmc.printer import pretty
from machine_calculus.calculus.fmc.syntax import Case, Loop, Pop, Push, Seq, Term, branches
from machine_calculus.calculus.fmc.types import Type, _Names, pretty_type, typed
from machine_calculus.calculus.layout import Text, assemble

__all__ = ["Derivation", "derivation_html", "derivation_latex", "derivation_text", "derive"]

#: how many characters of a term a text or HTML judgement shows
TERM_LIMIT = 72
#: how many characters of a term's LaTeX a judgement shows (its commands take room)
LATEX_TERM_LIMIT = 160
#: deeper than this, text indentation stops growing (the depth is written instead)
INDENT_LIMIT = 40


@dataclass(frozen=True, slots=True, eq=False)
class Derivation:
    """``rule: ⊢ term : type`` from ``premises``; ``assumption`` is Γ(x) for a variable run."""

    rule: str
    term: Term
    type: Type
    premises: tuple[Derivation, ...] = ()
    assumption: Type | None = None

    def __str__(self) -> str:
        return derivation_text(self)

    def _repr_html_(self) -> str:
        return derivation_html(self)

    def _repr_latex_(self) -> str:
        """The proof tree in LaTeX, mathpartir's nested ``\\inferrule`` in display math (a
        front end that renders it needs mathpartir; JupyterLab shows the HTML proof tree)."""
        return f"$${derivation_latex(self)}$$"


def _arity(rule: str, node: Term) -> int:
    if isinstance(node, Push):
        return 2
    if isinstance(node, Seq):
        return 2
    if isinstance(node, Case):
        return 1 + len(branches(node.frame))
    if isinstance(node, Pop | Loop):
        return 1
    return 0


def derive(term: Term, env: Mapping[str, Type] | None = None) -> Derivation:
    """The derivation of ``term``'s type (:func:`..types.infer`'s); raises ``TypingError``."""
    _, inference = typed(term, env, record=True)
    judgements = inference.judgements
    counts: dict[int, int] = {}
    seen: set[int] = set()  # each arrow's memories counted once, over the whole tree
    for _, _, t, assumption in judgements:
        for x in (t, assumption) if assumption is not None else (t,):
            for row, n in inference.row_counts(x, seen).items():
                counts[row] = counts.get(row, 0) + n
    memo: dict[int, Type] = {}
    built: list[Derivation] = []
    for rule, node, t, assumption in judgements:  # post-order: premises come first
        n = _arity(rule, node)
        premises = tuple(built[len(built) - n :]) if n else ()
        if n:
            del built[len(built) - n :]
        frozen_assumption = None if assumption is None else inference.freeze(assumption, counts, memo)
        built.append(Derivation(rule, node, inference.freeze(t, counts, memo), premises, frozen_assumption))
    assert len(built) == 1, "the judgements form one tree"
    return built[0]


def _walk(d: Derivation) -> list[tuple[Derivation, int]]:
    """The nodes in pre-order (conclusion first), with their depth."""
    out: list[tuple[Derivation, int]] = []
    stack = [(d, 0)]
    while stack:
        node, depth = stack.pop()
        out.append((node, depth))
        stack.extend((p, depth + 1) for p in reversed(node.premises))
    return out


def _cut_latex(text: str, limit: int) -> str:
    """The first ``limit`` characters of LaTeX ``text`` as LaTeX that still compiles: a command
    cut in two is dropped, open groups are closed, and ``\\ldots`` marks the cut."""
    text = re.sub(r"\\[A-Za-z]*$", "", text[:limit])
    depth = 0
    for brace in re.findall(r"\\.|[{}]", text):
        depth += {"{": 1, "}": -1}.get(brace, 0)
    return text + "}" * max(depth, 0) + r"\ldots"


def _nest(
    d: Derivation, opening: Callable[[Derivation], str], between: str, closing: Callable[[Derivation], str]
) -> str:
    """Each node as ``opening(node)``, its premises' texts with ``between`` them, then
    ``closing(node)``: written out in one pass (no text is copied into its parent's)."""

    def pieces(node: Derivation) -> list[object]:
        inner: list[object] = [Text(opening(node))]
        for i, premise in enumerate(node.premises):
            inner += [Text(between), premise] if i else [premise]
        return [*inner, Text(closing(node))]

    return assemble(d, pieces)


def _judgement(d: Derivation, notation: str, names: _Names, limit: int) -> str:
    term = pretty(d.term, notation, limit)
    if len(term) > limit:
        term = (
            _cut_latex(term, limit) if notation == "latex" else term[:limit] + ("…" if notation == "unicode" else "...")
        )
    t = pretty_type(d.type, notation, names)
    if notation == "latex":
        text = rf"\vdash {term} : {t}"
    else:
        text = f"⊢ {term} : {t}" if notation == "unicode" else f"|- {term} : {t}"
    if d.assumption is not None:
        a = pretty_type(d.assumption, notation, names)
        if notation == "latex":
            text += rf" \quad (\Gamma({term}) = {a})"
        else:
            text += f"   ({term} : {a} in Γ)" if notation == "unicode" else f"   ({term} : {a} in G)"
    return text


def derivation_text(d: Derivation, notation: str = "unicode") -> str:
    """One line per rule, the conclusion first, premises indented below it."""
    names = _Names()
    lines = []
    for node, depth in _walk(d):
        indent = "  " * min(depth, INDENT_LIMIT) + (f"[{depth}] " if depth > INDENT_LIMIT else "")
        lines.append(f"{indent}{node.rule}: {_judgement(node, notation, names, TERM_LIMIT)}")
    return "\n".join(lines)


def derivation_latex(d: Derivation, standalone: bool = False) -> str:
    """``\\inferrule*[right=rule]{premises}{conclusion}`` (mathpartir), nested; ``standalone``
    wraps it in a document that ``pdflatex`` compiles."""
    names = _Names()
    body = _nest(  # ``closing`` is called in pre-order, as the text names its variables
        d,
        lambda node: rf"\inferrule*[right=\textsc{{{node.rule}}}]{{",
        r" \\ ",
        lambda node: "}{" + _judgement(node, "latex", names, LATEX_TERM_LIMIT) + "}",
    )
    if not standalone:
        return body
    return (
        "\\documentclass[border=4pt]{standalone}\n\\usepackage{amsmath,amssymb,mathpartir}\n"
        "\\begin{document}\n$\\mathsf{\\displaystyle " + body + "}$\n\\end{document}\n"
    )


_STYLE = (
    "<style>.mc-d{display:inline-flex;flex-direction:column;align-items:center;margin:0 .6em;"
    "font-family:monospace}.mc-p{display:flex;align-items:flex-end}.mc-c{border-top:1px solid;"
    "padding:0 .3em;white-space:nowrap}.mc-r{font-size:75%;margin-left:.4em;opacity:.7}</style>"
)


def derivation_html(d: Derivation) -> str:
    """A proof tree: each rule's premises side by side above a line, its judgement below."""
    names = _Names()
    return _STYLE + _nest(
        d,
        lambda node: '<div class="mc-d"><div class="mc-p">',
        "",
        lambda node: (
            f'</div><div class="mc-c">{html.escape(_judgement(node, "unicode", names, TERM_LIMIT))}'
            f'<span class="mc-r">{html.escape(node.rule)}</span></div></div>'
        ),
    )
