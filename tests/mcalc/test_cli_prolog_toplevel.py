"""``mcalc prolog FILE`` without ``--query``: the interactive toplevel, driven through a
pseudo-terminal (pexpect) as a user would, and from a pipe.

Each exchange checks the exact text the terminal shows (the pty echoes what is typed, and turns
``\\n`` into ``\\r\\n``), and that nothing else came before it. Every test is bounded: pexpect's
timeout on every wait, pytest-timeout on the whole test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect
import pytest
from cli_run import run  # tests/mcalc/cli_run.py

from machine_calculus.cli.prolog_command import query_end

ROOT = Path(__file__).resolve().parents[2]
PROLOG = ROOT / "examples" / "prolog"
WAIT = 30  # seconds any one exchange may take (start-up included)

pytestmark = pytest.mark.timeout(120)


def spawn(program: str, *flags: str, argv: list[str] | None = None) -> pexpect.spawn:
    """``mcalc prolog examples/prolog/PROGRAM flags...`` (or ``argv``) on a pseudo-terminal."""
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "100"}
    command = argv or [sys.executable, "-m", "machine_calculus", "prolog", str(PROLOG / program), *flags]
    return pexpect.spawn(command[0], command[1:], cwd=ROOT, env=env, encoding="utf-8", timeout=WAIT)


@contextmanager
def toplevel(program: str, *flags: str, argv: list[str] | None = None) -> Iterator[pexpect.spawn]:
    """The toplevel (:func:`spawn`) at its first prompt; ended, whatever happens, at the end."""
    child = spawn(program, *flags, argv=argv)
    try:
        see(child, "?- ")
        yield child
    finally:
        child.close(force=True)


@pytest.fixture
def lists() -> Iterator[pexpect.spawn]:
    """The toplevel on lists.pl, at its first prompt."""
    with toplevel("lists.pl") as child:
        yield child


def see(child: pexpect.spawn, shown: str) -> None:
    """The terminal shows exactly ``shown`` next (newlines as the pty writes them)."""
    child.expect_exact(shown.replace("\n", "\r\n"))
    assert child.before == "", f"unexpected output before {shown!r}: {child.before!r}"


def ask(child: pexpect.spawn, query: str, shown: str) -> None:
    """Type ``query`` and Enter at the prompt: the terminal shows the echoed query, then ``shown``."""
    child.send(query + "\n")
    see(child, query + "\n" + shown)


def key(child: pexpect.spawn, pressed: str, shown: str) -> None:
    """Press one key once the toplevel waits for it (echo off: cbreak mode): then ``shown``."""
    assert child.waitnoecho(timeout=WAIT), "the toplevel did not wait for a key"
    child.send(pressed)
    see(child, shown)


def ended(child: pexpect.spawn) -> int | None:
    """The exit status once the toplevel has ended (within the timeout)."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def piped(program: str, text: str) -> subprocess.CompletedProcess[str]:
    """``mcalc prolog examples/prolog/PROGRAM`` with ``text`` on its standard input (a pipe)."""
    command = [sys.executable, "-m", "machine_calculus", "prolog", str(PROLOG / program)]
    return subprocess.run(command, input=text, capture_output=True, text=True, timeout=WAIT, cwd=ROOT)


def test_prompt_answers_and_the_last_ends_with_a_dot(lists: pexpect.spawn) -> None:
    ask(lists, "app(X, Y, [1, 2]).", "X = [],\nY = [1, 2] ")
    key(lists, ";", ";\nX = [1],\nY = [2] ")
    key(lists, " ", ";\nX = [1, 2],\nY = [].\n\n?- ")  # the last: '.', no wait, a blank line, the prompt
    ask(lists, "app([1], [2], X).", "X = [1, 2].\n\n?- ")
    ask(lists, "mem(a, [a]).", "true.\n\n?- ")
    ask(lists, "mem(z, [a]).", "false.\n\n?- ")


def test_enter_stops_and_the_terminal_is_restored(lists: pexpect.spawn) -> None:
    ask(lists, "mem(X, [a, b, c]).", "X = a ")
    key(lists, "\r", ".\n\n?- ")  # (key waits until the echo is off: a key is awaited)
    assert lists.getecho()  # the terminal's mode is back
    ask(lists, "mem(X, [a, b, c]).", "X = a ")
    key(lists, "n", ";\nX = b ")
    key(lists, "c", ".\n\n?- ")
    ask(lists, "mem(a, [a, a]).", "true ")
    key(lists, "x", "\nUnknown action: 'x' (h for help)\nAction? ")
    key(lists, "\t", ";\ntrue.\n\n?- ")


def test_bad_queries_then_a_good_one(lists: pexpect.spawn) -> None:
    ask(lists, "foo(.", "mcalc: <query>:1:5: expected a term, found '.'\n1 | foo(.\n  |     ^\n?- ")
    ask(lists, "mem(X, [a]), !.", "mcalc: <query>:1:1: cut (!) is not supported (pure Prolog only)\n")
    see(lists, "1 | mem(X, [a]), !.\n  | ^\n?- ")
    ask(lists, "mem(X, [a]).", "X = a.\n\n?- ")


def test_multi_line_queries_blank_lines_and_two_queries_on_a_line(lists: pexpect.spawn) -> None:
    ask(lists, "app([1],", "|    ")
    ask(lists, "   [2], X)", "|    ")
    ask(lists, ".", "X = [1, 2].\n\n?- ")
    ask(lists, "", "?- ")  # a blank line prompts afresh
    ask(lists, "X = 'a.", "|    ")  # a '.' in a quoted atom does not end the query
    ask(lists, "b'.", "X = 'a.\\nb'.\n\n?- ")
    ask(lists, "X = 1. Y = 2.", "X = 1.\n\nY = 2.\n\n?- ")


def test_end_of_input_exits_0(lists: pexpect.spawn) -> None:
    lists.sendeof()
    see(lists, "\n\n")
    assert ended(lists) == 0


def test_halt_exits_0() -> None:
    with toplevel("lists.pl") as child:
        ask(child, "halt.", "")
        assert ended(child) == 0


def test_a_fuel_bound_stops_the_query_not_the_toplevel() -> None:
    with toplevel("graph.pl", "--fuel", "20000") as child:
        ask(
            child,
            "path_l(a, X).",
            "% out of fuel after 20,000 steps (--fuel N for more): there may be more answers\n\n?- ",
        )
        ask(child, "path_r(a, X).", "X = b ")
        key(child, ";", ";\nX = c ")
        key(child, "\r", ".\n\n?- ")
        child.sendeof()
        assert ended(child) == 0


def test_the_limit_and_the_time_bound_stop_a_query_with_their_flags() -> None:
    with toplevel("peano.pl", "--limit", "2", "--max-time", "1", "--fuel", "10000000000") as child:
        ask(child, "nat(X).", "X = 0 ")
        key(child, ";", ";\nX = s(0) .\n% stopped after 2 answers: --limit N for more\n\n?- ")
        ask(child, "add(X, s(0), X).", "% stopped after 1 s of CPU time: --max-time S for more\n\n?- ")
        ask(child, "nat(s(0)).", "true.\n\n?- ")
        child.sendeof()
        assert ended(child) == 0


def test_ctrl_c_stops_a_search_and_drops_a_half_typed_query() -> None:
    with toplevel("graph.pl", "--fuel", "10000000000") as child:
        ask(child, "path_l(a, X).", "")
        assert child.expect_exact(["?- ", pexpect.TIMEOUT], timeout=1) == 1  # searching (it loops): no prompt
        child.sendintr()
        see(child, "^C\n% Execution Aborted\n?- ")
        ask(child, "path_r(a, X).", "X = b ")
        assert child.waitnoecho(timeout=WAIT)
        child.sendintr()  # while waiting for a key
        see(child, "\n% Execution Aborted\n?- ")
        assert child.getecho()  # the terminal's mode is back
        child.send("path_r(")
        see(child, "path_r(")
        child.sendintr()  # at the prompt
        see(child, "^C\n?- ")
        ask(child, "edge(a, X).", "X = b.\n\n?- ")
        child.sendeof()
        assert ended(child) == 0


def test_from_a_pipe_the_reply_is_the_next_line() -> None:
    lines = [
        "app(X, Y, [1, 2]).",
        ";",  # more
        "",  # stop
        "mem(z, [a]).",
        "mem(X, [a, b]).",  # waits: the next line is no reply, so it stops and is the next query
        "mem(X,",
        "  [c, d]).",
        "n",
        "foo(.",
        "mem(a, [a])",  # the end of the input ends the last query
    ]
    done = piped("lists.pl", "\n".join(lines))
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "X = [],",
        "Y = [1, 2] ;",
        "X = [1],",
        "Y = [2] .",
        "",
        "false.",
        "",
        "X = a .",
        "",
        "X = c ;",
        "X = d.",
        "",
        "true.",
        "",
    ]
    assert done.stderr.splitlines() == ["mcalc: <query>:1:5: expected a term, found '.'", "1 | foo(.", "  |     ^"]


def test_a_pipe_that_ends_while_an_answer_waits() -> None:
    done = piped("lists.pl", "mem(X, [a, b]).\n")
    assert (done.returncode, done.stdout, done.stderr) == (0, "X = a .\n\n", "")


def test_halt_with_a_status_and_what_comes_after_it_is_not_read() -> None:
    done = piped("lists.pl", "mem(a, [a]). halt(3).\nmem(b, [b]).\n")
    assert (done.returncode, done.stdout, done.stderr) == (3, "true.\n\n", "")


def test_json_and_term_need_a_query(capsys: pytest.CaptureFixture[str]) -> None:
    lists = str(PROLOG / "lists.pl")
    for flag in ("--json", "--term"):
        code, out, err = run(capsys, "prolog", lists, flag)
        assert code == 2 and out == ""
        assert err == f"mcalc: {flag} needs --query GOAL (without --query, mcalc prolog is an interactive toplevel)\n"


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("X = 1.\n", "X = 1."),
        ("X = 1. Y = 2.\n", "X = 1."),
        ("X = 1.", "X = 1."),  # the end of the text ends it too
        ("X =.. Y.\n", "X =.. Y."),  # =.. is one symbol atom
        ("X = 1.5.\n", "X = 1.5."),
        ("X = 0'. .\n", "X = 0'. ."),  # 0'. is the character code of '.'
        ("X = 0'''.\n", "X = 0'''."),
        ("X = 'a. b'.\n", "X = 'a. b'."),
        ("X = \"it''s. \".\n", "X = \"it''s. \"."),
        ("X = a.%c\n", "X = a."),
        ("X = -.\n", None),  # -. is one symbol atom: no end yet
        ("X = 'a.\n", None),  # in a quoted atom
        ("X = a /* . */\n", None),
        ("X = a % .\n", None),
    ],
)
def test_where_a_query_ends(text: str, query: str | None) -> None:
    end = query_end(text)
    assert (text[:end] if end is not None else None) == query


SWIPL = ["swipl", "-q", "-g", "set_prolog_flag(toplevel_prompt, '?- ')", str(PROLOG / "lists.pl")]


@pytest.mark.swipl
@pytest.mark.skipif(shutil.which("swipl") is None, reason="swipl is not installed (swi-prolog-nox)")
@pytest.mark.parametrize("argv", [None, SWIPL], ids=["mcalc", "swipl"])
def test_the_same_session_as_swi_prolog(argv: list[str] | None) -> None:
    """Byte for byte what SWI-Prolog's toplevel shows (its prompt set to ``?- ``, as without
    history), on queries where its answers and their ends are ours."""
    with toplevel("lists.pl", argv=argv) as child:
        ask(child, "app(X, Y, [1, 2]).", "X = [],\nY = [1, 2] ")
        key(child, ";", ";\nX = [1],\nY = [2] ")
        key(child, "\r", ".\n\n?- ")
        ask(child, "app([1],", "|    ")
        ask(child, "[2], X).", "X = [1, 2].\n\n?- ")
        ask(child, "mem(z, [a]).", "false.\n\n?- ")
        ask(child, "X = (a :- b, c), Y = 'hello world'.", "X = (a:-b, c),\nY = 'hello world'.\n\n?- ")
        ask(child, "mem(X, [a, b]).", "X = a ")
        key(child, ".", ".\n\n?- ")
        child.sendeof()
        see(child, "\n\n")
        assert ended(child) == 0
