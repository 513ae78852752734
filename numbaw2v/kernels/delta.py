"""The rows a round of distributed training changed, and by how much.

A Dask worker trains its replica of a matrix in place from a saved copy of the
round's start; what it sends back is the changed rows and their differences.
``changed_rows`` finds and packs them in one pass over both matrices (NumPy
needs a full subtraction, a full comparison and a gather for the same).
"""
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
