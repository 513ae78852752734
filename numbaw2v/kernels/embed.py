"""Embedding kernels: gather rows, add row gradients into a dense matrix, sum them by id.

Conventions (checked by the Python callers in ``numbaw2v.layers``, not here):
``W``/``dW`` are 2-D float arrays of shape (V, d); ``ids`` are integer arrays
of any shape with every entry in [0, V); ``dout`` has shape ``ids.shape + (d,)``
and is C-contiguous.

Adding row gradients with repeated ids is a reduction into shared rows, so it runs on
one thread: two threads adding into the same row would race. Gathers and the
per-row dot products read only, and split their rows over threads with
``prange`` when the batch is big enough to pay for it.
"""
import numpy as np
from numba import njit, prange

from .policy import FASTMATH
from .prefetch import prefetch_row

# Below this many rows a gather is cheaper on one thread than the cost of
# waking the thread pool.
_PARALLEL_ROWS = 4096


# How many rows ahead of use the kernels ask for a row.
PREFETCH_AHEAD = 8


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
    """The rows of W for ``ids`` (any shape with ndim >= 1): shape ``ids.shape + (d,)``."""
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
def _sorted_unique(flat):
    """Sorted distinct values of a non-empty non-negative int array, and each one's rank.

    Returns ``(unique, slot)`` with ``unique[slot[p]] == flat[p]``. Uses a
    counting pass over [0, max] when that range is small next to the input
    (the usual case: a batch drawn from a vocabulary), a sort otherwise.
    """
    n = flat.shape[0]
    top = flat.max()
    slot = np.empty(n, dtype=np.int64)
    if top + 1 <= 16 * n + 1024:
        seen = np.zeros(top + 1, dtype=np.int64)
        for p in range(n):
            seen[flat[p]] = 1
        count = 0
        for v in range(top + 1):
            if seen[v]:
                seen[v] = count
                count += 1
        unique = np.empty(count, dtype=np.int64)
        for p in range(n):
            k = seen[flat[p]]
            slot[p] = k
            unique[k] = flat[p]
        return unique, slot
    order = np.argsort(flat, kind="mergesort")
    count = 0
    for q in range(n):
        if q == 0 or flat[order[q]] != flat[order[q - 1]]:
            count += 1
    unique = np.empty(count, dtype=np.int64)
    u = -1
    for q in range(n):
        p = order[q]
        if q == 0 or flat[p] != flat[order[q - 1]]:
            u += 1
            unique[u] = flat[p]
        slot[p] = u
    return unique, slot


@njit(cache=True, nogil=True)
def sum_rows_by_id(ids, rows):
    """The row-sparse gradient: the gradient rows of equal ids summed, nothing scattered.

    ``ids`` is (n, c) and ``rows`` is (n, d): every ``ids[r, k]`` receives
    ``rows[r]`` (CBOW's context words all receive the same hidden gradient;
    c = 1 for one row per id). Returns ``(unique_rows, summed)``: the sorted
    distinct ids (int64) and, for each, the sum of the rows it receives (dtype
    of rows). Adding ``summed[k]`` into row ``unique_rows[k]`` of a zero matrix
    gives the dense :func:`scatter_add` result.
    """
    n, c = ids.shape
    d = rows.shape[1]
    if n * c == 0:
        return np.empty(0, dtype=np.int64), np.zeros((0, d), dtype=rows.dtype)
    flat = ids.ravel()
    unique, slot = _sorted_unique(flat)
    summed = np.zeros((unique.shape[0], d), dtype=rows.dtype)
    for p in range(n * c):
        u = slot[p]
        r = p // c
        for j in range(d):
            summed[u, j] += rows[r, j]
    return unique, summed


@njit(cache=True, nogil=True)
def dot_backward(dscore, h, target_W, dh):
    """EmbeddingDot's backward: returns ``dscore[:, None] * h`` and adds
    ``dscore[:, None] * target_W`` into ``dh`` in place."""
    n, d = h.shape
    dtarget = np.empty((n, d), dtype=target_W.dtype)
    for r in range(n):
        g = dscore[r]
        for j in range(d):
            dtarget[r, j] = g * h[r, j]
            dh[r, j] += g * target_W[r, j]
    return dtarget


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def gather_dot(W, ids, h):
    """The rows ``W[ids]`` and their row-wise dot products with ``h``: EmbeddingDot's forward.

    ``ids`` is 1-D of length n, ``h`` is (n, d). Returns ``(rows, scores)``:
    rows (n, d) in the dtype of W, scores (n,) in the dtype of h. (FASTMATH
    lets the compiler reorder each dot product's sum to vectorise it.)
    """
    n = ids.shape[0]
    d = W.shape[1]
    rows = np.empty((n, d), dtype=W.dtype)
    scores = np.empty(n, dtype=h.dtype)
    for r in range(n):
        i = ids[r]
        acc = h.dtype.type(0)
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
    ahead = (PREFETCH_AHEAD + c - 1) // c
    for r in range(min(ahead, n)):
        for k in range(c):
            prefetch_row(W, ids[r, k])
    for r in range(n):
        if r + ahead < n:
            for k in range(c):
                prefetch_row(W, ids[r + ahead, k])
        for k in range(c):
            i = ids[r, k]
            for j in range(d):
                out[r, j] += W[i, j]
        for j in range(d):
            out[r, j] *= scale
    return out


@njit(cache=True, nogil=True)
def min_max(ids):
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
