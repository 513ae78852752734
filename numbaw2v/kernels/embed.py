"""Embedding kernels: gather rows, scatter-add row gradients (dense and sparse).

Conventions (checked by the Python callers in ``numbaw2v.layers``, not here):
``W``/``dW`` are 2-D float arrays of shape (V, d); ``ids`` are integer arrays
of any shape with every entry in [0, V); ``dout`` has shape ``ids.shape + (d,)``
and is C-contiguous.

Scatter-add with repeated ids is a reduction into shared rows, so it runs on
one thread: two threads adding into the same row would race. Gathers and the
per-row dot products read only, and split their rows over threads with
``prange`` when the batch is big enough to pay for it.
"""
import numpy as np
from numba import njit, prange

# Below this many rows a gather is cheaper on one thread than the cost of
# waking the thread pool.
_PARALLEL_ROWS = 4096


@njit(cache=True, nogil=True)
def _gather_rows(W, flat, out):
    d = W.shape[1]
    for r in range(flat.shape[0]):
        i = flat[r]
        for j in range(d):
            out[r, j] = W[i, j]


@njit(cache=True, nogil=True, parallel=True)
def _gather_rows_parallel(W, flat, out):
    d = W.shape[1]
    for r in prange(flat.shape[0]):
        i = flat[r]
        for j in range(d):
            out[r, j] = W[i, j]


@njit(cache=True, nogil=True)
def gather(W, ids):
    """The rows of W for ``ids`` (any shape): an array of shape ``ids.shape + (d,)``."""
    flat = ids.ravel()
    n = flat.shape[0]
    out = np.empty((n, W.shape[1]), dtype=W.dtype)
    if n >= _PARALLEL_ROWS:
        _gather_rows_parallel(W, flat, out)
    else:
        _gather_rows(W, flat, out)
    return out.reshape(ids.shape + (W.shape[1],))


@njit(cache=True, nogil=True)
def scatter_add(dW, ids, dout):
    """``dW[ids[k]] += dout[k]`` for every position k, repeats accumulating.

    The same result as ``np.add.at(dW, ids, dout)``; updates dW in place.
    """
    flat = ids.ravel()
    d = dW.shape[1]
    rows = dout.reshape((flat.shape[0], d))
    for r in range(flat.shape[0]):
        i = flat[r]
        for j in range(d):
            dW[i, j] += rows[r, j]


@njit(cache=True, nogil=True)
def scatter_add_sparse(ids, dout):
    """Sum the gradient rows of equal ids.

    Returns ``(unique_rows, summed)``: the sorted distinct ids (int64) and, for
    each, the sum of the rows of ``dout`` at its positions (dtype of dout).
    Adding ``summed[k]`` into row ``unique_rows[k]`` of a zero matrix gives
    the dense ``scatter_add`` result.
    """
    flat = ids.ravel()
    n = flat.shape[0]
    d = dout.shape[dout.ndim - 1]
    rows = dout.reshape((n, d))
    order = np.argsort(flat, kind="mergesort")
    count = 0
    for k in range(n):
        if k == 0 or flat[order[k]] != flat[order[k - 1]]:
            count += 1
    unique = np.empty(count, dtype=np.int64)
    summed = np.zeros((count, d), dtype=dout.dtype)
    u = -1
    for k in range(n):
        r = order[k]
        if k == 0 or flat[r] != flat[order[k - 1]]:
            u += 1
            unique[u] = flat[r]
        for j in range(d):
            summed[u, j] += rows[r, j]
    return unique, summed


@njit(cache=True, nogil=True)
def gather_dot(W, ids, h):
    """The rows ``W[ids]`` and their row-wise dot products with ``h``: EmbeddingDot's forward.

    ``ids`` is 1-D of length n, ``h`` is (n, d). Returns ``(rows, scores)``:
    rows (n, d) in the dtype of W, scores (n,) in the dtype of h, each dot
    product accumulated in float64.
    """
    n = ids.shape[0]
    d = W.shape[1]
    rows = np.empty((n, d), dtype=W.dtype)
    scores = np.empty(n, dtype=h.dtype)
    for r in range(n):
        i = ids[r]
        acc = 0.0
        for j in range(d):
            w = W[i, j]
            rows[r, j] = w
            acc += w * h[r, j]
        scores[r] = acc
    return rows, scores


@njit(cache=True, nogil=True)
def gather_mean(W, ids):
    """For ids of shape (n, c): the mean of the c rows ``W[ids[r, :]]`` for each r.

    This is the CBOW hidden layer. Returns (n, d) in the dtype of W.
    """
    n, c = ids.shape
    d = W.shape[1]
    out = np.zeros((n, d), dtype=W.dtype)
    scale = 1.0 / c
    for r in range(n):
        for k in range(c):
            i = ids[r, k]
            for j in range(d):
                out[r, j] += W[i, j]
        for j in range(d):
            out[r, j] *= scale
    return out


@njit(cache=True, nogil=True)
def max_min(ids):
    """(min, max) of a non-empty integer array in one pass (for range checks)."""
    flat = ids.ravel()
    lo = flat[0]
    hi = flat[0]
    for k in range(1, flat.shape[0]):
        v = flat[k]
        if v < lo:
            lo = v
        elif v > hi:
            hi = v
    return lo, hi
