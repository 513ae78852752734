"""Shared fixtures: small data the tests make themselves."""
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

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


def zipf_ids(n, vocab_size, seed=0):
    """n word ids with Zipf-like frequencies, every id of the vocabulary present."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab_size + 1)
    ids = rng.choice(vocab_size, size=n, p=p / p.sum())
    ids[:vocab_size] = np.arange(vocab_size)
    return ids.astype(np.int64)


@pytest.fixture
def small_corpus():
    return zipf_ids(400, 12, seed=1)
