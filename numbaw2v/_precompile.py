"""Compile a training driver in a second process while this one builds the vocabulary.

On a first run (an empty Numba cache) most of the start-up is compilation, and Numba
compiles one function at a time per process. The training driver of a mode (with its
chunk and word kernels) is the largest part, and nothing it needs comes from the
corpus: its argument types are fixed by numbaw2v.kernels.records. So when the driver
is not cached yet and the machine has a second core, :func:`start` launches
``python -m numbaw2v._precompile`` to compile it into the same cache while this
process tokenizes, counts and builds its tables; :func:`wait` (before the first
training call) waits for that child, and the driver then loads from the cache.

The child holds no corpus, writes nothing but Numba's cache, and is waited for (or,
past a timeout, killed) before this process exits. Without a second core, with a
warm cache, with ``NUMBAW2V_PRECOMPILE=0`` in the environment, or if anything fails,
training compiles the driver itself as before.
"""
import atexit
import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np

ENV = "NUMBAW2V_PRECOMPILE"  # "0" turns the second process off
WAIT_SECONDS = 120          # longest wait for the child before training compiles itself
EXIT_SECONDS = 15           # longest wait at interpreter exit before the child is killed

_child = None


def driver_args(sg, shared_negatives, hs):
    """(driver, arguments) of an empty call with the argument types of a real run.

    Every record goes through the builders of numbaw2v.training, which fix each
    field's type, so the compiled version is the one a real run of this mode loads.
    """
    from .kernels.train import driver_for
    from .training import make_block, make_config, make_tables, make_weights
    from .kernels.records import RunPosition

    config = make_config(sg, True, 1, True, 1, shared_negatives, 0.025, 0.0001, 1, False, hs)
    vocab = SimpleNamespace(keep_prob=np.ones(2), table=SimpleNamespace(
        prob=np.ones(2), alias=np.zeros(2, dtype=np.int32)))
    tree = SimpleNamespace(codes=np.zeros((2, 1), dtype=np.uint8),
                           points=np.zeros((2, 1), dtype=np.int32),
                           code_lens=np.ones(2, dtype=np.int32)) if hs else None
    W = np.zeros((2, 4), dtype=np.float32)
    weights = make_weights(W, W.copy(), W.copy() if hs else None)
    block = make_block(np.zeros(0, dtype=np.int32), 0, 0, np.zeros(1, dtype=np.int64), 1024)
    position = RunPosition(epoch=0, words_before=0, total_words=1.0)
    none = np.zeros(0, dtype=np.int64)
    return driver_for(config), (weights, block, none, config, make_tables(vocab, tree),
                                position, none.copy(), np.zeros(0, dtype=np.float64))


def start(sg, shared_negatives, hs):
    """Launch the child when the mode's driver is not cached and a second core exists."""
    global _child
    if _child is not None or (os.cpu_count() or 1) < 2 or \
            os.environ.get(ENV, "1").strip() == "0":
        return False
    from ._numba_cache import is_cached
    from .kernels.train import driver_for
    if is_cached(driver_for(SimpleNamespace(sg=bool(sg), hs=bool(hs),
                                            shared_negatives=bool(shared_negatives)))):
        return False
    try:
        _child = subprocess.Popen(
            [sys.executable, "-m", "numbaw2v._precompile", str(int(bool(sg))),
             str(int(bool(shared_negatives))), str(int(bool(hs)))],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return False
    atexit.register(_reap)
    return True


def wait(timeout=WAIT_SECONDS):
    """Wait for the child (if any) so the driver loads from the cache; True if it succeeded."""
    global _child
    child, _child = _child, None
    if child is None:
        return False
    try:
        return child.wait(timeout=timeout) == 0
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return False


def _reap():
    wait(EXIT_SECONDS)


def main(argv=None):
    sg, shared, hs = (bool(int(a)) for a in (argv or sys.argv[1:]))
    driver, args = driver_args(sg, shared, hs)
    driver(*args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
