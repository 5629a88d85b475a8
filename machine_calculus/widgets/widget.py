"""The stepper's anywidget: Python keeps the history (:class:`~.stepper.Stepper`), the front end
(``stepper.js``, ``stepper.css``, shipped beside this module) renders the synced ``view`` and
sends commands as custom messages (``{"command": "forward"}`` ...). Standard anywidget, so it
runs in JupyterLab, Notebook 7 and VS Code notebooks alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from machine_calculus.calculus.errors import ParseError
from machine_calculus.calculus.terms import Term
from machine_calculus.widgets.stepper import Stepper

__all__ = ["StepperWidget"]

_HERE = Path(__file__).resolve().parent


class StepperWidget(anywidget.AnyWidget):
    """A stepper in a notebook. ``view`` is :meth:`Stepper.view` plus ``error`` (the last
    command's error: a term's text that does not parse, with its position); ``source`` is the
    start term's text, shown in the box that loads another term."""

    _esm = _HERE / "stepper.js"
    _css = _HERE / "stepper.css"
    view = traitlets.Dict().tag(sync=True)
    source = traitlets.Unicode("").tag(sync=True)

    def __init__(self, build: Callable[[Term | str], Stepper], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._build = build
        self.stepper: Stepper | None = None
        self.error = ""
        self.on_msg(self._on_message)

    def start(self, stepper: Stepper, source: str) -> None:
        """Show ``stepper`` from its start; ``source`` is its term's text."""
        self.stepper, self.error = stepper, ""
        self.source = source
        self._sync()

    def fail(self, error: str, source: str) -> None:
        """Show ``error`` (no term to step until one is loaded)."""
        self.stepper, self.error = None, error
        self.source = source
        self._sync()

    def command(self, message: Mapping[str, Any]) -> None:
        """Do what the front end asks (:meth:`Stepper.command`, and ``{"command": "load", "text":
        ...}``, which starts again on another term); a bad request or bad text becomes the
        view's ``error``, the state unchanged."""
        try:
            if message.get("command") == "load":
                text = message.get("text")
                if not isinstance(text, str):
                    raise ValueError("load takes the term's text")
                stepper = self._build(text)
                self.stepper, self.source = stepper, text
            elif self.stepper is None:
                raise ValueError("no term to step: type one and press Enter")
            else:
                self.stepper.command(message)
            self.error = ""
        except (ParseError, ValueError) as error:
            self.error = str(error)
        self._sync()

    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, Mapping):
            self.command(content)

    def _sync(self) -> None:
        view = self.stepper.view() if self.stepper is not None else {"kind": None, "status": "error"}
        view["error"] = self.error
        self.view = view
