"""Test configuration: hypothesis profiles.

``ci`` (the default) keeps the suite within CI's budget and draws new inputs on every run (not
derandomized): a failure prints its seed and the ``@reproduce_failure`` blob, and is saved in the
example database ``.hypothesis/`` so the next local run replays it first. ``deep`` runs many more
examples: ``HYPOTHESIS_PROFILE=deep pytest``. ``dev`` is quick, for editing.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=False,
    print_blob=True,
    database=DirectoryBasedExampleDatabase(Path(__file__).resolve().parents[1] / ".hypothesis" / "examples"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep",
    max_examples=5_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
