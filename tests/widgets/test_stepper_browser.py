"""The stepper in a real browser: a JupyterLab server, a notebook whose cells make steppers, and
headless chromium driven by Playwright that runs the cells, clicks and presses keys, and reads
the DOM back against the small-step machine's trace and the rule set's reducts.

Needs the ``browser`` extra (``pip install '.[browser]'``: anywidget, jupyterlab, playwright) and
a chromium (``/usr/bin/chromium``, or the ``MCALC_CHROMIUM`` environment variable); Playwright's
own browsers are never downloaded. Skipped, saying what is missing, where one is absent. The
server runs on a free local port with a token, a temporary root and settings, no browser and no
network fetches (no news, no update check, no extension manager); it is always shut down. A
screenshot of the page is written to ``/tmp/mcalc-stepper.png`` (``MCALC_STEPPER_SCREENSHOT``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import machine_calculus as mc
from machine_calculus.calculus.fmc.printer import to_unicode
from machine_calculus.calculus.rmc.parser import parse_rmc
from machine_calculus.machine.rmc import small_step as relational
from machine_calculus.rewriting.engine import subterm_at
from machine_calculus.rewriting.rules import reducts

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MCALC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = Path(os.environ.get("MCALC_STEPPER_SCREENSHOT", "/tmp/mcalc-stepper.png"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 60_000  # the longest any one wait may take (the kernel's start on a busy machine)
SWAP = "[A].[B].<x>.<y>.[x].[y]"
REDUCE = "[A]a.[B]b.a<x>.b<y>.[x].[y]"
FORK = "[a] + [b]"
CELLS = [
    f"import machine_calculus as mc\nmc.stepper({SWAP!r})",
    f"mc.stepper({REDUCE!r}, mode='reduce')",
    f"mc.stepper(mc.parse_rmc({FORK!r}))",
]


def _missing() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"no chromium at {CHROMIUM} (install it, or set MCALC_CHROMIUM)"
    absent = [name for name in ("jupyterlab", "playwright", "anywidget") if importlib.util.find_spec(name) is None]
    if absent:
        return f"{', '.join(absent)} not installed (pip install '.[browser]')"
    return None


pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(300),
    pytest.mark.skipif(_missing() is not None, reason=_missing() or ""),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _notebook(cells: list[str]) -> dict[str, Any]:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": [
            {"cell_type": "code", "id": f"cell{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": c}
            for i, c in enumerate(cells)
        ],
    }


@dataclass
class Lab:
    url: str
    token: str
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A JupyterLab server on a free port, rooted in a temporary folder holding the notebook."""
    root = tmp_path_factory.mktemp("lab")
    log = tmp_path_factory.mktemp("lab-log") / "server.log"  # outside the root the file browser lists
    (root / "stepper.ipynb").write_text(json.dumps(_notebook(CELLS)), encoding="utf-8")
    settings = root / ".settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        "JUPYTER_CONFIG_DIR": str(root / ".config"),
        "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.terminals_enabled=False",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),  # CI's containers
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, log)
    try:
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited with {server.returncode}:\n{lab.log_tail()}")
            try:
                with urllib.request.urlopen(f"{lab.url}/api/status?token={token}", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {WAIT_MS // 1000} s:\n{lab.log_tail()}")
            time.sleep(0.25)
        yield lab
    finally:
        _shut_down(server, lab)


def _shut_down(server: subprocess.Popen[bytes], lab: Lab) -> None:
    """The server's own shutdown (it stops its kernels), then SIGTERM, then SIGKILL to its group."""
    with contextlib.suppress(OSError, urllib.error.URLError):
        request = urllib.request.Request(f"{lab.url}/api/shutdown?token={lab.token}", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        if sig is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, sig)
        try:
            server.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


def _memory_text(stacks: dict[str, tuple[Any, ...]], printer: Any = to_unicode) -> list[str]:
    """The memory as the widget's rows read: ``λ A B`` (location, then items bottom to top)."""
    return [" ".join([loc, *(printer(t) for t in items)]) for loc, items in sorted(stacks.items())]


def run_all_cells(page: Any) -> None:
    """Run > Run All Cells, once more if no cell started within 20 s (a click that landed while
    the notebook was not yet the current widget does nothing)."""
    from playwright.sync_api import expect

    prompts = page.locator(".jp-Notebook .jp-InputPrompt")
    for attempt in range(2):
        page.locator(".jp-Notebook .jp-Cell").first.click()  # the notebook is the current widget
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            expect(prompts.first).to_have_text(re.compile(r"\[[*\d]+\]"), timeout=20_000)
            return
        except AssertionError:
            if attempt:
                raise


def test_the_stepper_steps_in_jupyterlab(lab: Lab) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    trace = mc.trace(SWAP)
    states, rules = trace.states(), trace.rules()
    started = time.monotonic()

    def shown(widget: Any) -> dict[str, Any]:
        rows = widget.locator("[data-testid=memory] tr[data-location]")
        memory = [" ".join(rows.nth(i).locator("th, .mcs-item").all_inner_texts()) for i in range(rows.count())]
        return {
            "step": int(widget.get_attribute("data-step")),
            "rule": widget.get_by_test_id("rule").inner_text(),
            "term": widget.get_by_test_id("term").inner_text(),
            "memory": memory,
            "status": widget.get_by_test_id("status").inner_text(),
        }

    def at_step(widget: Any, i: int) -> None:
        expect(widget).to_have_attribute("data-step", str(i))

    def check_state(widget: Any, i: int) -> None:
        at_step(widget, i)
        got = shown(widget)
        assert got["term"] == to_unicode(states[i].term), got
        assert got["memory"] == _memory_text(states[i].stacks()), got
        assert got["rule"] == (rules[i - 1] if i else "(start)"), got

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=WAIT_MS
        )
        page: Page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(WAIT_MS)
        errors: list[str] = []
        try:
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{lab.url}/lab/tree/stepper.ipynb?token={lab.token}", wait_until="domcontentloaded")
            expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible()
            expect(page.locator(".jp-Notebook .jp-Cell")).to_have_count(len(CELLS))
            expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle").first).to_be_visible()  # the kernel is up
            run_all_cells(page)

            widgets = page.get_by_test_id("mc-stepper")
            expect(widgets).to_have_count(len(CELLS))
            machine, reduction, fork = widgets.nth(0), widgets.nth(1), widgets.nth(2)

            # the FMC machine: forward four times, back once, the keyboard, then to the end
            expect(machine.get_by_test_id("title")).to_have_text("FMC III machine")
            check_state(machine, 0)
            for i in range(1, 5):
                machine.get_by_test_id("forward").click()
                check_state(machine, i)
            machine.get_by_test_id("back").click()
            check_state(machine, 3)
            expect(reduction.get_by_test_id("redex")).to_be_visible()
            expect(fork.locator(".mcs-option")).to_have_count(2)
            reduction.get_by_test_id("option-1").hover()  # the hovered redex is the one highlighted
            expect(reduction.get_by_test_id("redex")).to_have_text(to_unicode(subterm_at(mc.parse(REDUCE), (2,))))
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)  # three steppers, mid-way
            machine.get_by_test_id("term").click()  # focus the widget (not the text box)
            page.keyboard.press("ArrowRight")
            check_state(machine, 4)
            page.keyboard.press("ArrowLeft")
            check_state(machine, 3)
            machine.get_by_test_id("last").click()
            check_state(machine, len(rules))
            expect(machine.get_by_test_id("status")).to_have_text("done")
            expect(machine.get_by_test_id("message")).to_have_text(f"done after {len(rules)} steps, exit ⋆")
            expect(machine.get_by_test_id("forward")).to_be_disabled()
            machine.get_by_test_id("first").click()
            check_state(machine, 0)

            # a bad term typed in the box: the positioned parse error, and the run stays
            source = machine.get_by_test_id("source")
            source.fill("[A].<x")
            source.press("Enter")
            expect(machine.get_by_test_id("error")).to_contain_text("<input>:1:7: expected '>'")
            check_state(machine, 0)

            # the reduction: the redexes listed, the first highlighted, the second chosen, back
            term = mc.parse(REDUCE)
            found = reducts(term)
            expect(reduction.get_by_test_id("title")).to_have_text("FMC III reduction")
            options = reduction.locator(".mcs-option")
            expect(options).to_have_count(len(found))
            for i, (rule, _, reduct) in enumerate(found):
                expect(options.nth(i)).to_contain_text(rule)
                expect(options.nth(i).locator(".mcs-preview")).to_have_text(to_unicode(reduct))
            expect(reduction.get_by_test_id("redex")).to_have_text(to_unicode(term))  # the root's redex: all of it
            reduction.get_by_test_id("term").click()  # the keys choose too: 2 takes the second redex
            page.keyboard.press("2")
            at_step(reduction, 1)
            expect(page.locator(".jp-Notebook .jp-MarkdownCell")).to_have_count(0)  # not the notebook's "2"
            expect(reduction.get_by_test_id("term")).to_have_text(to_unicode(found[1][2]))
            expect(reduction.get_by_test_id("rule")).to_have_text("beta @ 2")
            reduction.get_by_test_id("back").click()
            at_step(reduction, 0)
            expect(reduction.get_by_test_id("term")).to_have_text(to_unicode(term))
            reduction.get_by_test_id("last").click()
            expect(reduction.get_by_test_id("status")).to_have_text("normal")
            expect(reduction.get_by_test_id("term")).to_have_text(to_unicode(mc.reduce(REDUCE)))  # type: ignore[arg-type]

            # the relational machine's fork: both branches offered, the right one chosen
            rmc = relational.trace(parse_rmc(FORK), path=(1,))
            expect(fork.get_by_test_id("title")).to_have_text("RMC machine")
            expect(fork.locator(".mcs-option")).to_have_count(2)
            fork.get_by_test_id("option-1").click()
            at_step(fork, 1)
            expect(fork.get_by_test_id("rule")).to_have_text("choice → right")
            fork.get_by_test_id("last").click()
            expect(fork.get_by_test_id("message")).to_have_text(rmc.status_line())
            assert shown(fork)["memory"] == ["λ b"]

            assert not errors, errors
        except Exception as error:  # a failed check or a wait that timed out: what the page and server show
            failure = SCREENSHOT.with_name(SCREENSHOT.stem + "-failure.png")
            with contextlib.suppress(Exception):
                page.screenshot(path=str(failure), full_page=True)
            outputs = "?"
            with contextlib.suppress(Exception):
                outputs = "\n".join(page.locator(".jp-OutputArea").all_inner_texts())[-3000:]
            raise AssertionError(
                f"{type(error).__name__}: {error}\n--- the cells' outputs ---\n{outputs}\n"
                f"--- page errors ---\n{errors}\n--- the server's log ---\n{lab.log_tail()}\n(screenshot: {failure})"
            ) from error
        finally:
            browser.close()
    assert time.monotonic() - started < 240
