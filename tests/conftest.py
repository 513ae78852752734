"""Shared fixtures: small data the tests make themselves."""
import os
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import zipf_ids

# In CI, Hypothesis replays the same examples every run (no flaky red builds);
# locally it keeps exploring new ones.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def shared_dir():
    """The read-only shared data beside the repository; skips when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} not present")
    return SHARED


@pytest.fixture
def small_corpus():
    return zipf_ids(400, 12, seed=1)
