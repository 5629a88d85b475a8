"""Rewriting's results for people: rules, e-graph proofs, confluence verdicts and optimizations
as HTML (a notebook's display) and rules as LaTeX. The models import this module only inside
their display methods (``_repr_html_``, ``_repr_latex_``); graphs are drawn by
:mod:`rewriting.drawing`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from machine_calculus.machine.render import WIDTH, html_table, term_cell

if TYPE_CHECKING:
    from machine_calculus.rewriting.confluence import Verdict
    from machine_calculus.rewriting.egraph import Proof
    from machine_calculus.rewriting.engine import ReductionRule
    from machine_calculus.rewriting.optimizer import Optimization
    from machine_calculus.rewriting.trs import TRS

__all__ = ["equation_latex", "optimization_html", "proof_html", "rules_html", "trs_html", "verdict_html"]

_VERDICT_COLOURS = {"YES": "#1a7f37", "NO": "#b42318", "MAYBE": "#9a6700"}

# the docs' symbols in LaTeX, longest first; words stay upright text
_LATEX_SYMBOLS = (
    ("->", r"\to "),
    ("⟨", r"\langle "),
    ("⟩", r"\rangle "),
    ("⋆", r"\star "),
    ("∘", r"\circ "),
    ("∃", r"\exists "),
    ("λ", r"\lambda "),
    ("...", r"\ldots "),
    ("{", r"\{"),
    ("}", r"\}"),
    ("_", r"\_"),
    ("^", r"\hat{}"),
    ("|", r"\mid "),
)
_WORD = re.compile(r"(?:[A-Za-z]{3,}|if|in|is|no|of)(?: [a-z]{2,})*(?![A-Za-z0-9])")


def equation_latex(equation: str) -> str:
    """A rule's equation as the docs write it (``[N]a.C.a⟨x⟩.M -> C.{N/x}M``) in LaTeX: the
    arrows, brackets and binders as symbols, the words of side conditions as text."""
    out = []
    i = 0
    while i < len(equation):
        word = _WORD.match(equation, i)
        if word and (i == 0 or not equation[i - 1].isalnum()):
            out.append(rf"\text{{ {word.group()} }}")
            i = word.end()
            continue
        for symbol, latex in _LATEX_SYMBOLS:
            if equation.startswith(symbol, i):
                out.append(latex)
                i += len(symbol)
                break
        else:
            out.append(r"\ " if equation[i] == " " and equation[i - 1 : i] == " " else equation[i])
            i += 1
    return "".join(out)


def rules_html(rules: Iterable[ReductionRule], caption: str) -> str:
    """Rules as a table: each rule's name and equation."""
    return html_table(["rule", "equation"], [(r.name, r.equation or "(a Python function)") for r in rules], caption)


def trs_html(trs: TRS) -> str:
    """A first-order TRS as a table of its rules ``l -> r``."""
    rows = [(str(i), str(rule)) for i, rule in enumerate(trs.rules, 1)]
    return html_table(["#", "rule"], rows, f"term rewriting system: {len(trs.rules)} rules")


def proof_html(proof: Proof) -> str:
    """An e-graph proof: proved or not found, the rounds and e-nodes, and its note."""
    answer = "proved" if proof.proved else "not proved within the limits"
    colour = "#1a7f37" if proof.proved else "#9a6700"
    rows = [("rounds", str(proof.iterations)), ("e-nodes", f"{proof.nodes:,}"), ("note", proof.note)]
    return _headline(answer, colour) + html_table(["", ""], rows, "e-graph equality")


def verdict_html(verdict: Verdict) -> str:
    """A confluence verdict: the answer, the reason, the witness of a NO, every critical pair
    and the evidence."""
    parts = [
        _headline(verdict.answer, _VERDICT_COLOURS.get(verdict.answer, "#333")),
        f"<p>{html.escape(verdict.reason)}</p>",
    ]
    if verdict.witness is not None:
        pair, a, b = verdict.witness
        rows = [("peak", str(pair.peak)), ("normal form", str(a)), ("other normal form", str(b))]
        parts.append(html_table(["", ""], rows, "witness: a peak with two normal forms"))
    if verdict.pairs:
        rows = [(str(i), str(p)) for i, p in enumerate(verdict.pairs, 1)]
        parts.append(html_table(["#", "critical pair (left <- peak -> right)"], rows, f"{len(rows)} critical pairs"))
    if verdict.evidence:
        parts.append(html_table(["evidence"], [(line,) for line in verdict.evidence], "evidence"))
    return "".join(parts)


def optimization_html(optimization: Optimization) -> str:
    """An optimization: the term before and after, in notation, and the figures."""
    o = optimization
    rows = [
        ("original", term_cell(o.original, WIDTH * 4)),
        ("optimized", term_cell(o.optimized, WIDTH * 4)),
        ("machine steps", f"{o.steps_before:,} → {o.steps_after:,}"),
        ("e-graph", f"{o.rounds} rounds, {o.nodes:,} e-nodes, {o.seconds:.2f} s"),
    ]
    better = "fewer steps" if o.steps_after < o.steps_before else "no cheaper equal term found"
    return html_table(["", ""], rows, f"optimization: {better}")


def _headline(text: str, colour: str) -> str:
    return f'<div style="font-weight:bold;color:{colour};font-size:1.2em">{html.escape(text)}</div>'
