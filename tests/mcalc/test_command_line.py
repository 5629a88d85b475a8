"""``mcalc run`` and ``mcalc print``: the JSON contract, exit codes, and bad input without tracebacks."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from machine_calculus.cli.main import main, split_values

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["run", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


# -- the JSON contract ---------------------------------------------------------------------------


def test_json_contract_for_a_done_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "[A].[B].<x>.<y>.[x].[y]")
    assert code == 0
    assert payload == {"status": "done", "exit": "*", "reason": None, "steps": 6, "stacks": {"λ": ["B", "A"]}}


def test_json_stacks_are_ascii_bottom_to_top_with_empty_ones_omitted(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "in<x>.in<y>.[y]out.[x]out.[λz.z]out", "--stack", "in=1,2")
    assert code == 0 and payload["stacks"] == {"out": ["2", "1", "<z>.z"]}
    assert list(payload) == ["status", "exit", "reason", "steps", "stacks"]


def test_json_for_stuck_and_out_of_fuel(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "<x>.x")
    assert code == 1
    assert payload == {
        "status": "stuck",
        "exit": None,
        "reason": "pop from the empty stack at location λ",
        "steps": 0,
        "stacks": {},
    }
    code, payload = run_json(capsys, "[<x>.[x].x].<x>.[x].x", "--fuel", "50")
    assert code == 1 and payload["status"] == "out_of_fuel" and payload["steps"] == 50
    code, payload = run_json(capsys, "[A]a.y")
    assert code == 1 and payload["reason"] == "free variable y" and payload["stacks"] == {"a": ["A"]}


def test_default_location_is_written_lambda_in_stack_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "<x>.<y>.[x]out.[y]out", "--stack", "λ=1,2")
    assert code == 0 and payload["stacks"] == {"out": ["1", "2"]}
    code, payload = run_json(capsys, "<x>.[x]out", "--stack", "=[A]a")
    assert payload["stacks"] == {"out": ["[A]a"]}


def test_stack_values_may_contain_commas_in_brackets_and_strings(capsys: pytest.CaptureFixture[str]) -> None:
    assert split_values('[a,b]x,"c,d",<y>.y') == ["[a,b]x", '"c,d"', "<y>.y"]
    code, payload = run_json(capsys, "in<x>.in<y>.[x]out.[y]out", "--stack", 'in="a,b",3/4')
    assert code == 0 and payload["stacks"] == {"out": ['"a,b"', "3/4"]}


def test_exit_label_of_a_constant(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "[1]out.Overflow ; [2]out")
    assert code == 0 and payload["exit"] == "Overflow" and payload["stacks"] == {"out": ["1"]}


@pytest.mark.parametrize("machine", ["fast", "small-step"])
def test_both_machines_from_the_command_line(capsys: pytest.CaptureFixture[str], machine: str) -> None:
    code, payload = run_json(capsys, str(EXAMPLES / "church.fmc"), "--machine", machine)
    assert code == 0 and payload["steps"] == 36 and payload["stacks"] == {"out": ["S"] * 6}


# -- every bundled example, with the options its comments give ----------------------------------


def documented_runs() -> list[tuple[str, list[str], str]]:
    """``(file, argv, expectation)`` for each ``mcalc run ...`` line in the examples' comments."""
    runs = []
    for path in sorted(EXAMPLES.glob("*.fmc")):
        lines = path.read_text(encoding="utf-8").splitlines()
        commands = [line.split("mcalc ", 1)[1] for line in lines if "mcalc run" in line]
        for command in commands:
            argv, _, expectation = command.partition("  ")
            runs.append((path.name, shlex.split(argv), expectation.strip()))
    return runs


@pytest.mark.parametrize(("name", "argv", "expectation"), documented_runs())
def test_bundled_examples_do_what_their_comments_say(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, argv: list[str], expectation: str
) -> None:
    monkeypatch.chdir(ROOT)
    assert expectation.startswith("ends with "), (name, expectation)
    code = main([*argv, "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["status"] == "done", (name, payload)
    for location, items in re.findall(r"(\w+) = \[([^\]]*)\]", expectation):
        assert payload["stacks"][location] == [v.strip() for v in items.split(",")], (name, expectation)


def test_every_example_is_exercised() -> None:
    assert {name for name, _, _ in documented_runs()} == {p.name for p in EXAMPLES.glob("*.fmc")}
    assert len(documented_runs()) >= 6


# -- traces ---------------------------------------------------------------------------------------


def test_trace_as_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(EXAMPLES / "store.fmc"), "--stack", "c=5", "--trace"])
    out = capsys.readouterr().out
    assert code == 0
    for rule in ("seq", "pop", "push", "skip"):
        assert rule in out
    assert "done after 7 steps" in out and "[7]" in out


def test_trace_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "[*].<x>.x", "--trace")
    assert code == 0
    assert [step["rule"] for step in payload["trace"]] == ["push", "pop"]
    assert payload["trace"][0] == {"rule": "push", "term": "<x>.x", "stacks": {"λ": ["*"]}}
    assert payload["steps"] == 2 and payload["status"] == "done"


def test_trace_respects_fuel(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = run_json(capsys, "[<x>.[x].x].<x>.[x].x", "--trace", "--fuel", "7")
    assert code == 1 and len(payload["trace"]) == 7 and payload["status"] == "out_of_fuel"


def test_human_output_of_a_stuck_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "[A]a.(a<x>.a<y>.x ; [B]out)"]) == 1
    out = capsys.readouterr().out
    assert "stuck after 3 steps: pop from the empty stack at location a" in out
    assert "at term: a⟨y⟩.A" in out


# -- print --------------------------------------------------------------------------------------


def test_print_in_every_notation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", "λx y.[x]a.y ; z"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "unicode: ⟨x⟩.⟨y⟩.[x]a.y ; z",
        "ascii: <x>.<y>.[x]a.y ; z",
        r"latex: \langle x\rangle.\langle y\rangle.[x]a.y \mathbin{;} z",
    ]
    for notation, expected in [("ascii", "<x>.x"), ("unicode", "⟨x⟩.x"), ("latex", r"\langle x\rangle.x")]:
        assert main(["print", "\\x.x", "--notation", notation]) == 0
        assert capsys.readouterr().out.strip() == expected


def test_print_sequenced(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", "([A]a.b<x>.x) ; [x]c", "--sequenced", "--notation", "ascii"]) == 0
    assert capsys.readouterr().out.strip() == "[A]a.b<x1>.x1.[x]c"


def test_print_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", str(EXAMPLES / "swap.fmc"), "--notation", "ascii"]) == 0
    assert capsys.readouterr().out.strip() == "[A].[B].<x>.<y>.[x].[y]"


# -- bad input: exit 2, a positioned message, never a traceback ---------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "[x"], "<term>:1:3: expected ']'"),
        (["run", "<>.x"], "<term>:1:2: expected a variable"),
        (["print", "x # y"], "<term>:1:3: unexpected character '#'"),
        (["run", "no/such/file.fmc"], "no such file: no/such/file.fmc"),
        (["run", "missing.fmc"], "no such file: missing.fmc"),
        (["run", "*", "--stack", "in"], "--stack expects LOC=v1,v2,..."),
        (["run", "*", "--stack", "in=[x"], "--stack in=…value 1:1:3"),
        (["run", "*", "--stack", "a=1", "--stack", "a=2"], "twice"),
        (["run", '"a\\qb"'], "escape"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("mcalc: ") and message in captured.err
    assert "Traceback" not in captured.err


def test_parse_error_in_a_file_names_file_line_column_and_caret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.fmc"
    bad.write_text("id = <x>.x\n[A].id ] y\n", encoding="utf-8")
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"mcalc: {bad}:2:8: unexpected ']': expected ';', '.' or end of input"
    assert err[1] == "2 | [A].id ] y"
    assert err[2] == "  |        ^"


def test_binary_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.fmc"
    bad.write_bytes(b"\xff\xfe\x00")
    assert main(["run", str(bad)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "*", "--fuel", "-1"],
        ["run", "*", "--fuel", "lots"],
        ["run"],
        ["frobnicate"],
        ["run", "*", "--calculus", "lisp"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: mcalc" in err and "Traceback" not in err


def mcalc(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "machine_calculus", *argv],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        cwd=ROOT,
    )


def test_the_installed_entry_point_reports_without_tracebacks() -> None:
    done = mcalc("run", "examples/church.fmc")
    assert done.returncode == 0 and "done after 36 steps" in done.stdout
    bad = mcalc("run", "[x]a.<y")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "^" in bad.stderr
    usage = mcalc("run", "--fuel")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import machine_calculus

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"mcalc {machine_calculus.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", machine_calculus.__version__)
    shown = mcalc("--version")
    assert shown.returncode == 0 and shown.stdout == f"mcalc {machine_calculus.__version__}\n"


def test_the_version_is_cheap_to_import() -> None:
    """``machine_calculus.__version__`` imports nothing heavy (the packaging reads it too)."""
    code = "import sys, machine_calculus; print(machine_calculus.__version__, sorted(set(sys.modules) & {'sympy', 'egglog', 'rich'}))"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert shown.returncode == 0 and shown.stdout.split(" ", 1)[1].strip() == "[]"


@pytest.mark.slow
def test_deep_input_through_the_command_line(tmp_path: Path) -> None:
    n = 100_000
    deep = tmp_path / "deep.fmc"
    deep.write_text("[A]out." * n + "[" * n + "*" + "]" * n + ".<x>.x", encoding="utf-8")
    done = mcalc("run", str(deep), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    payload = json.loads(done.stdout)
    assert payload["status"] == "done" and len(payload["stacks"]["out"]) == n
    shown = mcalc("print", str(deep), "--notation", "ascii")
    assert shown.returncode == 0 and len(shown.stdout) > 4 * n
    broken = tmp_path / "broken.fmc"
    broken.write_text("[" * n + "*", encoding="utf-8")
    bad = mcalc("run", str(broken))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and f"1:{n + 2}" in bad.stderr
