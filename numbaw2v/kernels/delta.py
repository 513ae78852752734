"""The rows a round of distributed training changed, and how they travel.

A Dask worker trains its replica of a matrix in place from a saved copy of the
round's start; what it sends back is the changed rows and their differences.
``changed_rows`` finds and packs them in one pass over both matrices (NumPy
needs a full subtraction, a full comparison and a gather for the same).
``pack_int16`` halves the bytes of rows on the wire (16-bit integers and one
float32 scale per row); ``unpack_int16`` and ``add_int16_rows`` read them back,
with the same float32 arithmetic everywhere so replicas stay equal bit for bit.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def changed_rows(W, before, out, rows):
    """Pack the rows where ``W`` differs from ``before``; returns their number ``n``.

    For the j-th such row r (in increasing order): ``rows[j] = r`` and
    ``out[j] = W[r] - before[r]``. A row counts as changed when any element
    compares unequal (NaN included). ``out`` and ``rows`` need W's row count.
    """
    d = W.shape[1]
    n = 0
    for r in range(W.shape[0]):
        k = 0
        while k < d and W[r, k] == before[r, k]:
            k += 1
        if k == d:
            continue
        for k in range(d):
            out[n, k] = W[r, k] - before[r, k]
        rows[n] = r
        n += 1
    return n


Q_MAX = 32767.0         # int16 levels on each side of zero


@njit(cache=True, nogil=True)
def pack_int16(values, q, scale):
    """Rows as 16-bit integers: ``scale[r]`` = the row's largest magnitude (1 for a row of
    zeros), ``q[r] = round(values[r] / scale[r] * Q_MAX)``. The error of an entry is at
    most scale / (2 Q_MAX), 1.5e-5 of the row's largest entry. A row with a non-finite
    entry, or one beyond 3e38 (near float32's limit, where unpacking could overflow),
    gets a NaN scale, so it stays non-finite after unpacking."""
    d = values.shape[1]
    for r in range(values.shape[0]):
        m = np.float32(0.0)
        finite = True
        for k in range(d):
            a = abs(values[r, k])
            if not a <= np.float32(3.0e38):          # inf or NaN
                finite = False
            elif a > m:
                m = a
        if not finite:
            scale[r] = np.nan
            for k in range(d):
                q[r, k] = 0
            continue
        if m == 0.0:
            m = np.float32(1.0)
        scale[r] = m
        f = np.float32(Q_MAX) / m
        for k in range(d):
            x = values[r, k] * f
            q[r, k] = np.int16(np.floor(x + np.float32(0.5)))


@njit(cache=True, nogil=True)
def unpack_int16(q, scale, out):
    """out[r] = q[r] * (scale[r] / Q_MAX): the float32 rows ``pack_int16`` packed."""
    for r in range(q.shape[0]):
        f = scale[r] / np.float32(Q_MAX)
        for k in range(q.shape[1]):
            out[r, k] = np.float32(q[r, k]) * f


@njit(cache=True, nogil=True)
def add_int16_rows(W, rows, q, scale):
    """W[rows[j]] += the unpacked row j (the same float32 numbers as ``unpack_int16``)."""
    for j in range(rows.shape[0]):
        r = rows[j]
        f = scale[j] / np.float32(Q_MAX)
        for k in range(W.shape[1]):
            W[r, k] += np.float32(q[j, k]) * f
