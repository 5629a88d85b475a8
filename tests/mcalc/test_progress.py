"""Long work shows progress on a terminal (a rich progress line), never on ``--json`` and never
when the output is not a terminal; a search run in stretches for its progress line gives what
it gives in one go."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machine_calculus.calculus.fmc.parser import parse
from machine_calculus.calculus.strategies import rmc_programs
from machine_calculus.cli.progress import Update, progress, stream_in_stretches
from machine_calculus.machine.rmc.compiled import Search
from machine_calculus.rewriting.confluence import check_confluence
from machine_calculus.rewriting.optimizer import optimize
from machine_calculus.rewriting.trs import parse_trs

ROOT = Path(__file__).resolve().parents[2]
LOOP = "x = 0; while (x < 300000) { x = x + 1; }"


def on_a_terminal(*argv: str, timeout: float = 60) -> str:
    """``mcalc argv...`` with its output on a pseudo-terminal: everything it wrote."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "machine_calculus", *argv],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the other end closed
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
    finally:
        process.kill()
        process.wait(timeout=10)
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def loop_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "loop.while"
    path.write_text(LOOP, encoding="utf-8")
    return path


def test_a_long_run_shows_its_steps_on_a_terminal(loop_file: Path) -> None:
    shown = on_a_terminal("while", str(loop_file), "--fuel", "100000000")
    assert "running" in shown  # the progress line (rich redraws it in place)
    assert "steps" in shown and "0:00:0" in shown
    assert "x = 300000" in shown or "300000" in shown  # and then the outcome


def test_no_progress_on_json_or_a_pipe(loop_file: Path) -> None:
    shown = on_a_terminal("while", str(loop_file), "--fuel", "100000000", "--json")
    assert "running" not in shown and shown.lstrip().startswith("{")
    piped = subprocess.run(
        [sys.executable, "-m", "machine_calculus", "while", str(loop_file), "--fuel", "100000000"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert "running" not in piped.stdout + piped.stderr and "\x1b" not in piped.stdout


def test_a_relational_search_shows_answers_and_steps_as_it_goes() -> None:
    shown = on_a_terminal("run", "examples/naturals.rmc", "--limit", "3")
    assert "1. " in shown and "3. " in shown
    assert "searching" in shown


def test_confluence_shows_the_critical_pairs_checked() -> None:
    shown = on_a_terminal("confluence", "examples/trs/groups.trs")
    assert "critical pairs" in shown and "YES" in shown


def test_the_update_does_nothing_where_no_line_is_shown() -> None:
    from rich.console import Console

    with progress(Console(file=open(os.devnull, "w"), force_terminal=False), "x") as update:
        assert not update.shown and update.steps() is None
        update(3, steps=3)
    with progress(Console(force_terminal=True, file=sys.stderr), "x", enabled=False) as update:
        assert not update.shown


class Recorder(Update):
    """An update that records what it hears, as if a line were shown."""

    def __init__(self) -> None:
        super().__init__()
        self.shown = True
        self.calls: list[tuple[int, dict[str, int]]] = []

    def __call__(self, completed: int = 0, **counts: int) -> None:
        self.calls.append((completed, counts))


@settings(max_examples=60, deadline=None)
@given(rmc_programs(), st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=3_000))
def test_a_search_in_stretches_is_the_search(program: tuple, every: int, fuel: int) -> None:
    term, memory = program
    for order in ("fair", "depth-first"):
        plain = Search(term, memory, fuel=fuel, order=order)
        expected = [a.memory for a in plain]
        heard = Recorder()
        stretched = Search(term, memory, fuel=fuel, order=order)
        got = [a.memory for a in stream_in_stretches(stretched, fuel, heard, every)]
        assert got == expected
        assert (stretched.steps, stretched.exhausted, stretched.out_of_fuel) == (
            plain.steps,
            plain.exhausted,
            plain.out_of_fuel,
        )
        assert heard.calls and heard.calls[-1][1]["answers"] == len(expected)


def test_saturation_and_confluence_report_each_round_and_pair() -> None:
    rounds: list[tuple[int, int]] = []
    optimize(parse("[A].<x>.[x].<y>.y"), report=lambda r, n: rounds.append((r, n)))
    assert rounds and [r for r, _ in rounds] == list(range(len(rounds)))
    pairs: list[tuple[int, int]] = []
    trs = parse_trs((ROOT / "examples/trs/groups.trs").read_text(encoding="utf-8"))
    check_confluence(trs, report=lambda checked, total: pairs.append((checked, total)))
    assert pairs and pairs[-1][0] == pairs[-1][1] - 1


def test_a_prolog_query_shows_its_search_and_prints_answers_as_found() -> None:
    shown = on_a_terminal("prolog", "examples/prolog/lists.pl", "--query", "app(X, Y, [1, 2])")
    assert "searching" in shown and "answers" in shown
    assert shown.index("X = [], Y = [1, 2] ;") < shown.index("X = [1, 2], Y = [].")


def test_a_search_shows_its_progress_and_its_solutions() -> None:
    shown = on_a_terminal("search", "examples/swap.fmc", "--pattern", "[?N].?M", "--kind", "=>!")
    assert "searching" in shown and "solution 1" in shown and "exhausted" in shown
