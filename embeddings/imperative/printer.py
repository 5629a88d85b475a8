"""While programs back to source text (``parse_while(to_source(p)) == p`` up to line numbers)."""

from __future__ import annotations

from machine_calculus.embeddings.imperative.syntax import (
    Assign,
    Binary,
    Block,
    Break,
    Construct,
    Continue,
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
    Variable,
    While,
    value_text,
)

__all__ = ["expression_source", "to_source"]


def to_source(program: Program) -> str:
    lines = []
    for t in program.types:
        cons = " | ".join(f"{c}({', '.join(fs)})" if fs else c for c, fs in t.constructors)
        lines.append(f"data {t.name} = {cons};")
    lines.extend(_block_lines(program.body, 0))
    return "\n".join(lines) + "\n"


def _block(body: Block, indent: int) -> str:
    inner = _block_lines(body, indent + 1)
    return "{\n" + "\n".join(inner) + ("\n" if inner else "") + "    " * indent + "}"


def _block_lines(body: Block, indent: int) -> list[str]:
    return ["    " * indent + _statement(s, indent) for s in body]


def _statement(s: Stmt, indent: int) -> str:
    if isinstance(s, Assign):
        return f"{s.name} = {expression_source(s.value)};"
    if isinstance(s, Print):
        return f"print({expression_source(s.value)});"
    if isinstance(s, Skip):
        return "skip;"
    if isinstance(s, Break):
        return "break;"
    if isinstance(s, Continue):
        return "continue;"
    if isinstance(s, If):
        text = f"if ({expression_source(s.condition)}) {_block(s.then, indent)}"
        return text + (f" else {_block(s.otherwise, indent)}" if s.otherwise else "")
    if isinstance(s, While):
        return f"while ({expression_source(s.condition)}) {_block(s.body, indent)}"
    if isinstance(s, Throw):
        return f"throw {s.name}" + (f"({expression_source(s.payload)})" if s.payload is not None else "") + ";"
    if isinstance(s, Try):
        text = f"try {_block(s.body, indent)}"
        for h in s.handlers:
            text += f" catch {h.name}" + (f"({h.variable})" if h.variable else "") + f" {_block(h.handler, indent)}"
        return text
    assert isinstance(s, Match)
    arms = []
    for arm in s.arms:
        head = "_" if arm.constructor is None else arm.constructor
        if arm.variables:
            head += f"({', '.join(arm.variables)})"
        arms.append("    " * (indent + 1) + f"{head} => {_block(arm.body, indent + 1)}")
    return f"match {expression_source(s.scrutinee)} {{\n" + "\n".join(arms) + "\n" + "    " * indent + "}"


def expression_source(e: Expr) -> str:
    """Fully parenthesized, so that precedence never matters."""
    if isinstance(e, Literal):
        text = value_text(e.value)
        return f"({text})" if text.startswith("-") else text
    if isinstance(e, Variable):
        return e.name
    if isinstance(e, Input):
        return "input()"
    if isinstance(e, Construct):
        if not e.arguments:
            return e.constructor
        return f"{e.constructor}({', '.join(expression_source(a) for a in e.arguments)})"
    if isinstance(e, Unary):
        return f"({'- ' if e.operator == '-' else 'not '}{expression_source(e.operand)})"
    assert isinstance(e, Binary)
    return f"({expression_source(e.left)} {e.operator} {expression_source(e.right)})"
