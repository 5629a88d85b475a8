"""Test configuration: hypothesis profiles.

``ci`` (the default) keeps the suite within CI's budget. It is still derandomized, so that a
landing is not decided by the draw; ``HYPOTHESIS_PROFILE=ci-random`` draws new inputs on every
run (what CI is to do once the new generators have passed a deep run): a failure prints its
``@reproduce_failure`` blob and is saved in the example database ``.hypothesis/`` so the next
local run replays it first. ``deep`` runs many more
examples: ``HYPOTHESIS_PROFILE=deep pytest``. ``dev`` is quick, for editing.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

CI_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    print_blob=True,
    database=DirectoryBasedExampleDatabase(Path(__file__).resolve().parents[1] / ".hypothesis" / "examples"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", CI_SETTINGS, derandomize=True)
settings.register_profile("ci-random", CI_SETTINGS, derandomize=False)
settings.register_profile(
    "deep",
    max_examples=5_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
