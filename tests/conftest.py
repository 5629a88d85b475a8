"""Test configuration: hypothesis profiles.

``ci`` (the default) keeps the suite within CI's budget and draws new inputs on every run, so
each run (CI's too) tries inputs no earlier run did: a failure prints its ``@reproduce_failure``
blob, the report header the run's seed (``--hypothesis-seed=N`` replays the run), and it is saved in the example database ``.hypothesis/examples`` so that the next
local run replays it first. ``ci-fixed`` is the same with the inputs fixed (derandomized: every
run replays one set). ``deep`` runs many more examples: ``HYPOTHESIS_PROFILE=deep pytest``.
``dev`` is quick, for editing.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

CI_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    print_blob=True,
    database=DirectoryBasedExampleDatabase(Path(__file__).resolve().parents[1] / ".hypothesis" / "examples"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", CI_SETTINGS, derandomize=False)
settings.register_profile("ci-fixed", CI_SETTINGS, derandomize=True)
settings.register_profile(
    "deep",
    max_examples=5_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_SEED_VARIABLE = "MCALC_HYPOTHESIS_SEED"  # one seed for the whole run, xdist workers included


def pytest_configure(config: pytest.Config) -> None:
    """Under a random profile, seed every property test from one number chosen per run (the
    workers of pytest-xdist inherit it), so a failing run can be replayed whole with
    ``--hypothesis-seed=N``; the number is printed in the report header."""
    if settings.default.derandomize or config.getoption("hypothesis_seed", None) is not None:
        return
    seed = os.environ.setdefault(_SEED_VARIABLE, str(random.randrange(2**32)))
    config.option.hypothesis_seed = int(seed)


def pytest_report_header(config: pytest.Config) -> str | None:
    seed = config.getoption("hypothesis_seed", None)
    if seed is None:
        return None
    return f"hypothesis seed: {seed} (replay this run's inputs: python3 -m pytest --hypothesis-seed={seed})"
