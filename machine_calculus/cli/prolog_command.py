"""``mcalc prolog FILE [--query GOAL] [--order prolog|fair] [--limit N] [--fuel N] [--json]
[--term]``: pure Prolog on the relational machine, one query or an interactive toplevel.

With ``--query``, the query's answers print as SWI-Prolog's top level prints them
(``X = [1, 2], Y = a.``; ``true.`` for an answer without bindings, ``false.`` when there is
none). Exit status 0 when the answers were all found or the limit reached, 1 when the fuel ran
out, 2 for bad input or an unsupported feature (named, with its line).

Without ``--query``, the program is loaded once and queries are read from the standard input,
as SWI-Prolog's toplevel does (docs/prolog.md, "The toplevel"):

- a query ends with a ``.`` followed by layout or the end of the input, so it may span lines;
  on a terminal the prompt is ``?- `` and a continuation line's ``|    ``; a blank line prompts
  afresh; text after a query's ``.`` on its line is the next query;
- each answer prints as SWI-Prolog prints it (one binding per line, ``X = [],\\nY = [1, 2]``),
  then waits for the user's reply: ``;`` (also ``n``, ``r``, space, tab) for the next answer,
  Enter (also ``.``, ``c``, ``a``) to stop, ``h`` for help. An answer the search shows to be
  the last (it looks up to :data:`PEEK_STEPS` steps ahead) ends with ``.`` and does not wait;
  ``false.`` when there are no more;
- on a terminal the reply is one key, read in cbreak mode (the terminal's mode is put back on
  every path); from a pipe or a file, the reply is the next line: ``;`` (or ``n``, ``r``) for
  more, an empty line, ``.``, ``c``, ``a`` or the end of the input to stop, and any other line
  stops the query and is read as the next query. No prompts are printed then (as SWI-Prolog);
- every query has the command's bounds: ``--fuel`` steps, ``--limit`` answers, ``--max-output``
  characters per answer and ``--max-time`` seconds of CPU time; the line saying a bound stopped
  a query names it and its flag, and the toplevel goes on;
- a bad query prints its positioned error (line, column, caret) on stderr and the toplevel goes
  on; Ctrl-C during a query stops it (``% Execution Aborted``), Ctrl-C at the prompt drops the
  text typed so far; ``halt.`` or the end of the input (Ctrl-D) ends the toplevel, exit status 0.

``--json`` and ``--term`` describe one query, so they need ``--query`` (exit 2 without).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.text import Text

from machine_calculus.cli.defaults import (
    DEFAULT_ANSWER_LIMIT,
    DEFAULT_FUEL,
    add_max_output,
    answer_limit_message,
)
from machine_calculus.cli.progress import progress, stream_in_stretches

if TYPE_CHECKING:
    from machine_calculus.embeddings.prolog.compiler import Program, Query
    from machine_calculus.machine.rmc.compiled import Search
    from machine_calculus.machine.rmc.small_step import Answer

__all__ = ["PEEK_STEPS", "add_prolog_parser", "command_prolog", "query_end"]

#: how many steps the toplevel runs ahead after an answer to see whether it was the last (then it
#: ends with ``.`` and the toplevel does not wait); beyond them, the user's ``;`` goes on
PEEK_STEPS = 10_000
PROMPT, CONTINUATION = "?- ", "|    "  # SWI-Prolog's prompts
MORE_KEYS, STOP_KEYS = ";nr \t", "\r\n.ca"  # SWI-Prolog's replies to an answer: redo, stop
HELP = "  Possible actions:\n  ; (n,r,space,TAB): redo    | c (a,RET,.): stop\n  h (?):             help"


def add_prolog_parser(sub: Any, natural: Any) -> None:
    p = sub.add_parser(
        "prolog",
        help="answer pure Prolog queries on the relational machine (one, or an interactive toplevel)",
        description="Translate a pure Prolog program into the RMC and answer a query on the relational machine; "
        "without --query, read queries from the standard input as SWI-Prolog's toplevel does.",
    )
    p.add_argument("source", metavar="FILE", help="a .pl file (or the program text)")
    p.add_argument(
        "--query",
        default=None,
        metavar="GOAL",
        help="the query, e.g. 'append(X, Y, [1, 2])', answered at once; without it, an interactive toplevel "
        "(?- prompts; ';' for the next answer, Enter to stop; halt. or Ctrl-D to end)",
    )
    p.add_argument(
        "--order",
        choices=["prolog", "fair"],
        default="prolog",
        help="prolog: depth-first, SWI-Prolog's answers in its order (default); fair: every answer, also "
        "where depth-first search loops",
    )
    p.add_argument(
        "--limit",
        type=natural,
        default=None,
        metavar="N",
        help=f"stop after N answers (default {DEFAULT_ANSWER_LIMIT:,}; in the toplevel, per query)",
    )
    p.add_argument(
        "--fuel",
        type=natural,
        default=DEFAULT_FUEL,
        help=f"machine steps (default {DEFAULT_FUEL:,}; in the toplevel, per query)",
    )
    add_max_output(p, natural, "of each answer's bindings")
    p.add_argument("--json", action="store_true", help="print one JSON object (the stable contract; needs --query)")
    p.add_argument(
        "--term", action="store_true", help="print the RMC term the query becomes (ASCII) and stop (needs --query)"
    )


def command_prolog(args: argparse.Namespace, out: Console, read_source: Any) -> int:
    from machine_calculus.calculus.rmc.printer import rmc_text
    from machine_calculus.embeddings.prolog.compiler import compile_query, parse_program, parse_query
    from machine_calculus.embeddings.prolog.run import answers, solve_prolog

    if args.query is None and (args.json or args.term):
        flag = "--json" if args.json else "--term"
        print(
            f"mcalc: {flag} needs --query GOAL (without --query, mcalc prolog is an interactive toplevel)",
            file=sys.stderr,
        )
        return 2
    text, name = read_source(args.source)
    program = parse_program(text, source=name)
    if args.query is None:
        return _toplevel(args, out, program)
    query = parse_query(args.query, source="--query")
    if args.term:
        term = compile_query(program, query)
        if args.json:
            print(json.dumps({"term": rmc_text(term, "ascii"), "term_unicode": rmc_text(term)}, ensure_ascii=False))
        else:
            out.print(Text(rmc_text(term, "ascii")), soft_wrap=True)
        return 0
    limit = args.limit if args.limit is not None else DEFAULT_ANSWER_LIMIT
    if args.json:
        result = solve_prolog(program, query, order=args.order, limit=limit, fuel=args.fuel, max_output=args.max_output)
        payload = result.to_json()
        if args.limit is None and len(result.answers) >= limit and not result.exhausted:
            payload["truncated"] = True
            payload["truncation"] = "; ".join(
                [answer_limit_message(limit), *([result.cut_text()] if result.cut else [])]
            )
        print(json.dumps(payload, ensure_ascii=False))
        return 1 if result.out_of_fuel else 0
    # each answer is printed as it is found, ending with " ;" until the search says it was the last
    search = answers(program, query, order=args.order, fuel=args.fuel)
    previous: tuple[str, str] | None = None  # the last answer's text, and the line saying it was cut
    count = 0
    if limit > 0:
        with progress(out, "searching", total=args.fuel) as update:
            for answer in stream_in_stretches(search, args.fuel, update):
                if previous is not None:
                    _print_answer(out, *previous, " ;")
                count += 1
                previous = _answer_text(query, answer, args.max_output, count, ", ")
                if count >= limit:
                    break
    if previous is not None:
        _print_answer(out, *previous, "." if search.exhausted else " ;")
    if search.exhausted and count == 0:
        out.print(Text("false."))
    elif search.out_of_fuel:
        out.print(Text(f"(out of fuel after {search.steps:,} steps: there may be more answers)", style="bold red"))
    elif not search.exhausted:
        if args.limit is None:
            out.print(Text(f"({answer_limit_message(limit)})"))
        else:
            out.print(Text("(stopped at the limit: there may be more answers)"))
    return 1 if search.out_of_fuel else 0


def _answer_text(query: Query, answer: Answer, max_output: int, number: int, separator: str) -> tuple[str, str]:
    """Answer ``number``'s bindings as SWI-Prolog prints them (joined by ``separator``;
    ``true`` without any), within ``max_output`` characters, and the line saying they were cut
    (empty when they were not)."""
    from machine_calculus.embeddings.prolog.run import bindings_truncation, bounded_bindings

    bindings, cut = bounded_bindings(query, answer, max_output)
    note = f"% {bindings_truncation(answer, max_output, number)}" if cut else ""
    return separator.join(f"{v} = {t}" for v, t in bindings.items()) or "true", note


def _print_answer(out: Console, text: str, note: str, end: str, reply: Callable[[], str] | None = None) -> str:
    """An answer as SWI-Prolog prints it, ending with ``end``; ``note`` (the line saying the
    answer was cut at ``--max-output``) on the next line. With ``reply``, the answer and ``end``
    are shown and the line ends with what ``reply()`` reads from the user (``;`` or ``.``),
    which is returned; without, ``end`` is returned."""
    if reply is None:
        out.print(Text(f"{text}{end}"))
    else:
        out.print(Text(f"{text}{end}"), end="")
        out.file.flush()
        end = reply()
        out.print(Text(end))
    if note:
        out.print(Text(note, style="bold yellow"))
    out.file.flush()
    return end


# -- the toplevel ----------------------------------------------------------------------------------


def _toplevel(args: argparse.Namespace, out: Console, program: Program) -> int:
    """Read queries from the standard input and answer each until ``halt.`` or the end of the
    input (exit status 0); a query that fails, is bad or is stopped by a bound does not end it."""
    from machine_calculus.calculus.errors import ParseError
    from machine_calculus.cli.time_bound import TimeBoundReached, cpu_time_bound
    from machine_calculus.embeddings.prolog.compiler import parse_query

    session = _Session(sys.stdin, out)
    while True:
        try:
            text = session.query()
        except KeyboardInterrupt:  # at the prompt: drop what was typed, prompt afresh
            session.pending = ""
            out.print()
            continue
        if text is None:  # the end of the input
            if session.terminal:
                out.print("\n")  # end the prompt's line, and a blank line as after a query (SWI-Prolog)
            return 0
        try:
            # each query has its own --max-time: the one CPU timer is armed again per query (the
            # command's own bound, armed by main, covered loading the program)
            with cpu_time_bound(args.max_time):
                query = parse_query(text, source="<query>")
                status = _halt_status(query)
                if status is not None:
                    return status
                _answer_query(args, out, program, query, session)
        except ParseError as exc:
            _report_error(out, str(exc))
        except TimeBoundReached as reached:
            _report_bound(out, f"stopped after {reached.seconds:g} s of CPU time: --max-time S for more")
        except KeyboardInterrupt:
            _report_bound(out, "Execution Aborted", interrupted=True)
        except RecursionError:  # pragma: no cover - every traversal is iterative; a last line of defence
            _report_error(out, "the term is nested too deeply for this operation")
        except MemoryError:  # pragma: no cover
            _report_error(out, "out of memory")


def _halt_status(query: Query) -> int | None:
    """The exit status ``halt.`` (0) or ``halt(N).`` asks for, None for any other query."""
    from machine_calculus.calculus.rmc.firstorder import Fn, arguments

    goal = query.goal
    if not isinstance(goal, Fn) or goal.symbol != "halt":
        return None
    given = arguments(goal)
    if not given:
        return 0
    status = given[0]
    if len(given) == 1 and isinstance(status, Fn) and status.symbol.isdigit() and not arguments(status):
        return int(status.symbol) % 256
    return None


def _answer_query(args: argparse.Namespace, out: Console, program: Program, query: Query, session: _Session) -> None:
    """Answer one query of the toplevel: each answer, then the user's reply; looking
    :data:`PEEK_STEPS` ahead, an answer found to be the last ends with ``.`` without waiting."""
    from machine_calculus.embeddings.prolog.run import answers

    fuel, max_output = args.fuel, args.max_output
    limit = args.limit if args.limit is not None else DEFAULT_ANSWER_LIMIT
    search = answers(program, query, order=args.order, fuel=fuel)
    found = next(search, None) if limit > 0 else None
    count = 0
    while found is not None:
        count += 1
        text, note = _answer_text(query, found, max_output, count, ",\n")
        found = _peek(search, fuel)
        if search.exhausted:
            _print_answer(out, text, note, ".")
            break
        if count >= limit:
            _print_answer(out, text, note, " .")
            out.print(Text(f"% {answer_limit_message(limit)}"))
            break
        if _print_answer(out, text, note, " ", session.reply) == ".":
            break
        if found is None:  # not found within the look-ahead: go on, within the query's fuel
            found = next(search, None)
    else:
        if search.exhausted:  # no answer, or none after the user's ';'
            out.print(Text("false."))
        elif search.out_of_fuel:
            out.print(
                Text(f"% out of fuel after {search.steps:,} steps (--fuel N for more): there may be more answers")
            )
    out.print()  # SWI-Prolog's blank line after a query's answers
    out.file.flush()


def _peek(search: Search, fuel: int) -> Answer | None:
    """The next answer if the search finds it within :data:`PEEK_STEPS` more steps (and the
    query's ``fuel``), else None: then the search has ended (``exhausted``) or can go on."""
    search.fuel = min(search.steps + PEEK_STEPS, fuel)
    try:
        return next(search, None)
    finally:
        search.fuel = fuel


def _report_error(out: Console, message: str) -> None:
    """A bad query's message, on stderr after what was printed on stdout."""
    out.file.flush()
    print(f"mcalc: {message}", file=sys.stderr, flush=True)


def _report_bound(out: Console, message: str, *, interrupted: bool = False) -> None:
    """What stopped a query, as a comment line, and a blank line after as after any query's
    answers; ``interrupted`` (Ctrl-C): on a line of its own (the cursor may be after ``^C`` or
    an answer waiting for its reply), and no blank line, as SWI-Prolog's abort."""
    if interrupted:
        out.print()
    out.print(Text(f"% {message}"))
    if not interrupted:
        out.print()
    out.file.flush()


def query_end(text: str) -> int | None:
    """Where the first query in ``text`` ends: the offset just past its end ``.`` (a ``.`` that
    begins a token and is followed by layout, ``%`` or the end of the text, as the reader's end
    of a clause), or None while there is none yet (also inside an unterminated quoted atom,
    string or block comment: the query goes on on the next line)."""
    pos, n = 0, len(text)
    while pos < n:
        ch = text[pos]
        if ch == "%":
            newline = text.find("\n", pos)
            if newline < 0:
                return None
            pos = newline + 1
        elif text.startswith("/*", pos):
            close = text.find("*/", pos + 2)
            if close < 0:
                return None
            pos = close + 2
        elif ch == "." and (pos + 1 == n or text[pos + 1].isspace() or text[pos + 1] == "%"):
            return pos + 1
        elif ch in "'\"":
            past = _past_quoted(text, pos)
            if past is None:
                return None
            pos = past
        elif code := _CHARACTER_CODE.match(text, pos):  # 0'a, 0'\n, 0''': the character is no quote or end
            pos = code.end()
        elif ch.isalnum() or ch == "_":
            while pos < n and (text[pos].isalnum() or text[pos] == "_"):
                pos += 1
        elif ch in _SYMBOL_CHARS:  # a symbol atom such as =.. takes its dots
            while pos < n and text[pos] in _SYMBOL_CHARS:
                pos += 1
        else:
            pos += 1
    return None


_SYMBOL_CHARS = frozenset("+-*/\\^<>=~:.?@#&$")


def _past_quoted(text: str, start: int) -> int | None:
    """The offset past the quoted atom or string opening at ``start`` (a doubled quote or a
    backslash escapes), None when it is not closed in ``text``."""
    quote, pos = text[start], start + 1
    while pos < len(text):
        if text[pos] == "\\":
            pos += 2
        elif text[pos] == quote:
            if not text.startswith(quote, pos + 1):
                return pos + 1
            pos += 2
        else:
            pos += 1
    return None


_CHARACTER_CODE = re.compile(r"0'(?:\\(?:x[0-9a-fA-F]+\\?|[0-7]+\\?|.)|''?|[^\\\n])")  # as the reader's


class _Session:
    """The toplevel's input: queries read line by line (with prompts on a terminal), and the
    user's reply to an answer (a key on a terminal, a line otherwise)."""

    def __init__(self, stream: TextIO | None, out: Console) -> None:
        self.stream, self.out = stream, out
        self.terminal = stream is not None and _is_terminal(stream)
        #: text read past the end of the last query (its rest of the line, or a line given as a reply)
        self.pending = ""

    def query(self) -> str | None:
        """The next query's text, up to and with its end ``.``; at the end of the input, what
        was read of a query without its ``.`` (the reader takes it), or None when nothing was."""
        text = self.pending
        while True:
            end = query_end(text)
            if end is not None:
                self.pending = text[end:]
                return text[:end]
            if not text.strip():
                text = ""  # a blank line: prompt afresh
            line = self._line(CONTINUATION if text else PROMPT)
            if line is None:
                self.pending = ""
                return text if text.strip() else None
            text += line

    def _line(self, prompt: str) -> str | None:
        """One line of input (None at its end), after ``prompt`` on a terminal."""
        if self.stream is None:
            return None
        if self.terminal:
            self.out.print(Text(prompt), end="")
            self.out.file.flush()
        try:
            return self.stream.readline() or None
        except (OSError, ValueError):  # a closed or unreadable input ends it
            return None

    def reply(self) -> str:
        """The user's reply to an answer: ``;`` for the next answer, ``.`` to stop."""
        return self._key() if self.terminal else self._line_reply()

    def _line_reply(self) -> str:
        """From a pipe or a file, the next line: ``;``, ``n`` or ``r`` for more; an empty line,
        ``.``, ``c``, ``a`` or the end of the input to stop; any other line stops and is read as
        the next query."""
        line = self._line("")
        if line is None:
            return "."
        word = line.strip()
        if word in (";", "n", "r"):
            return ";"
        if word not in ("", ".", "c", "a"):
            self.pending = line
        return "."

    def _key(self) -> str:
        """From a terminal, one key, read in cbreak mode (no echo, no line editing; Ctrl-C is
        still an interrupt), the terminal's mode put back on every path. A terminal whose mode
        cannot be set gives its replies as lines; one that is gone, a stop."""
        import termios

        assert self.stream is not None
        fd = self.stream.fileno()
        try:
            saved = termios.tcgetattr(fd)
            cbreak = termios.tcgetattr(fd)
            cbreak[3] &= ~(termios.ECHO | termios.ICANON)
            cbreak[6][termios.VMIN], cbreak[6][termios.VTIME] = 1, 0
            termios.tcsetattr(fd, termios.TCSANOW, cbreak)
        except (termios.error, OSError):
            return self._line_reply()
        try:
            while True:
                key = os.read(fd, 1).decode("latin-1")
                if key in ("", "\x04"):  # the end of the input, Ctrl-D: stop
                    return "."
                if key in MORE_KEYS:
                    return ";"
                if key in STOP_KEYS:
                    return "."
                shown = HELP if key in "h?" else f"Unknown action: {key!r} (h for help)"
                self.out.print(Text(f"\n{shown}\nAction? "), end="")
                self.out.file.flush()
        except OSError:  # the terminal hung up
            return "."
        finally:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(fd, termios.TCSANOW, saved)


def _is_terminal(stream: TextIO) -> bool:
    """Is ``stream`` a terminal whose keys can be read one at a time?"""
    try:
        import termios  # noqa: F401 - not on every platform
    except ImportError:  # pragma: no cover - Windows: replies are lines
        return False
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False
