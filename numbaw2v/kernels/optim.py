"""Optimizer kernels: SGD and Adam on whole arrays or on a few rows of a matrix.

The Python optimizers in ``numbaw2v.optim`` check their inputs and call these.
``rows`` are distinct, sorted row ids (``rows_problem`` checks that); ``grad``
holds one gradient row per entry of ``rows``. Pass the scalars in the dtype of
the weights: a float64 scalar would widen all of the float32 arithmetic.
``error_model="numpy"`` lets the division in Adam vectorise.
"""
import math

from numba import njit

from .embed import PREFETCH_AHEAD
from .policy import FASTMATH
from .prefetch import prefetch_row

ROWS_OK, ROW_OUT_OF_RANGE, ROWS_NOT_INCREASING = 0, 1, 2


@njit(cache=True, nogil=True)
def rows_problem(rows, n):
    """ROWS_OK if rows are strictly increasing ids in [0, n), else which rule fails first."""
    for k in range(rows.shape[0]):
        if rows[k] < 0 or rows[k] >= n:
            return ROW_OUT_OF_RANGE
        if k and rows[k] <= rows[k - 1]:
            return ROWS_NOT_INCREASING
    return ROWS_OK


@njit(cache=True, nogil=True)
def sgd_rows(W, rows, grad, lr):
    """``W[rows[k]] -= lr * grad[k]`` for every k."""
    d = W.shape[1]
    for k in range(rows.shape[0]):
        i = rows[k]
        for j in range(d):
            W[i, j] -= lr * grad[k, j]


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def adam_step(p, m, v, g, lr_t, a1, a2, eps):
    """One Adam step over flat arrays, in place; a1 = 1 - beta1, a2 = 1 - beta2.

    ``lr_t`` is the step size with the bias correction folded in (as the book does).
    """
    for k in range(p.shape[0]):
        gk = g[k]
        mk = m[k] + a1 * (gk - m[k])
        vk = v[k] + a2 * (gk * gk - v[k])
        m[k] = mk
        v[k] = vk
        p[k] -= lr_t * mk / (math.sqrt(vk) + eps)


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def adam_rows(W, mv, rows, grad, lr_t, a1, a2, eps):
    """:func:`adam_step` on the given rows of W only.

    ``mv`` is (V, 2, d): the first and second moments of a row side by side,
    so one row update touches two memory regions instead of three.
    """
    n = rows.shape[0]
    for k in range(min(PREFETCH_AHEAD, n)):
        prefetch_row(W, rows[k])
        prefetch_row(mv, rows[k])
    for k in range(n):
        if k + PREFETCH_AHEAD < n:
            prefetch_row(W, rows[k + PREFETCH_AHEAD])
            prefetch_row(mv, rows[k + PREFETCH_AHEAD])
        i = rows[k]
        adam_step(W[i], mv[i, 0], mv[i, 1], grad[k], lr_t, a1, a2, eps)
