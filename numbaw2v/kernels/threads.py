"""The threading layer the parallel kernels run on: one that survives ``fork()``.

Numba's default on Linux is GNU OpenMP, which kills a process that was forked after
OpenMP started (``multiprocessing`` with the fork start method: "fork() called from a
process already using GNU OpenMP") and leaves ``Pool.map`` waiting forever. Numba's
"forksafe" choice takes TBB when it is installed and otherwise the workqueue layer.
The workqueue layer must not run parallel kernels from two Python threads at once, so
``numbaw2v.training`` serialises its kernel calls when it is the layer in use.

A user's own ``NUMBA_THREADING_LAYER`` (or a layer set in ``numba.config`` before
numbaw2v is imported) is kept.
"""
import os

import numba


def choose_forksafe_layer():
    """Ask Numba for a fork-safe threading layer unless the user chose one (idempotent)."""
    if os.environ.get("NUMBA_THREADING_LAYER"):
        return
    if numba.config.THREADING_LAYER not in ("default", "", None):
        return
    numba.config.THREADING_LAYER = "forksafe"


def layer_is_threadsafe():
    """Whether parallel kernels may run from several Python threads at once."""
    try:
        return numba.threading_layer() != "workqueue"
    except ValueError:          # no layer started yet
        return numba.config.THREADING_LAYER not in ("forksafe", "workqueue")
