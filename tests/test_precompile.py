"""numbaw2v._precompile: the training driver compiled in a second process on a cold cache."""
import os
import subprocess
import sys
from pathlib import Path

import numba
import pytest

import numbaw2v
from numbaw2v import _precompile

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [[f"w{(i * 7 + j) % 13}" for j in range(9)] for i in range(40)]


@pytest.mark.parametrize("sg,shared,hs", [(0, 1, 0), (1, 1, 0), (1, 0, 0), (0, 1, 1)])
def test_driver_args_have_the_types_of_a_real_run(sg, shared, hs):
    """If the records' types drift from a real run's, the child would compile for nothing."""
    numbaw2v.Word2Vec(SENTENCES, vector_size=8, min_count=1, epochs=1, workers=1, sg=sg,
                      shared_negatives=bool(shared), hs=hs, negative=0 if hs else 3, seed=1)
    driver, args = _precompile.driver_args(sg, shared, hs)
    assert tuple(numba.typeof(a) for a in args) in driver.signatures


def test_a_warm_driver_starts_no_child():
    numbaw2v.Word2Vec(SENTENCES, vector_size=8, min_count=1, epochs=1, workers=1, seed=1)
    assert _precompile.start(0, True, False) is False
    assert _precompile.wait() is False                  # nothing to wait for


def test_main_compiles_and_runs_the_empty_call():
    assert _precompile.main(["1", "1", "0"]) == 0


CHILD = """
from types import SimpleNamespace
from numbaw2v import _precompile
from numbaw2v._numba_cache import is_cached
from numbaw2v.kernels.train import driver_for
mode = SimpleNamespace(sg=False, hs=False, shared_negatives=True)
assert not is_cached(driver_for(mode)), "the cache should be empty"
assert _precompile.start(False, True, False), "no child started"
assert _precompile.wait(), "the child failed"
assert is_cached(driver_for(mode)), "the child left nothing in the cache"
driver, args = _precompile.driver_args(False, True, False)
driver(*args)
assert driver.stats.cache_hits and not driver.stats.cache_misses, driver.stats
print("ok")
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the child runs only with two cores")
def test_cold_cache_child_fills_the_cache(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    env.pop("NUMBAW2V_PRECOMPILE", None)
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"


OFF = """
from numbaw2v import _precompile
from numbaw2v._numba_cache import is_cached
from numbaw2v.kernels.train import DRIVERS
assert not is_cached(DRIVERS[("cbow", False)]), "the cache should be empty"
assert _precompile.start(False, True, False) is False and _precompile._child is None
print("off")
"""


def test_the_environment_turns_the_child_off(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT),
               NUMBAW2V_PRECOMPILE="0")
    out = subprocess.run([sys.executable, "-c", OFF], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "off"


def test_a_stuck_child_is_killed_after_the_timeout():
    _precompile._child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    child = _precompile._child
    assert _precompile.wait(timeout=0.2) is False
    assert child.poll() is not None and _precompile._child is None
    assert child.returncode == -9                       # killed, not finished
