"""Optimizers: the book's SGD and Adam, plus row-sparse updates.

``update(params, grads)`` is the book's dense update over parallel lists.

``update_sparse(sparse_grads)`` takes ``[(param, rows, summed), ...]`` as
returned by a model's ``sparse_grads()`` (distinct sorted rows per param,
each with its total gradient) and touches only those rows:

- SGD: ``param[rows] -= lr * summed`` -- the same result as the dense update,
  since untouched rows have zero gradient.
- Adam (lazy): the step counter advances once per call (bias correction as in
  the dense Adam); the moments ``m``, ``v`` and the weights of a row change
  only in steps where that row has a gradient. A row touched in every step
  follows dense Adam exactly; a row skipped in a step keeps its moments
  (dense Adam would decay them and still move the row by its momentum).

Do not mix dense and sparse updates on one Adam instance: they keep
separate moments but share the step counter.
"""
import math

import numpy as np
from numba import njit

from .kernels.embed import PREFETCH_AHEAD, prefetch_row


@njit(cache=True, nogil=True)
def _sgd_rows(W, rows, grad, lr):
    d = W.shape[1]
    for k in range(rows.shape[0]):
        i = rows[k]
        for j in range(d):
            W[i, j] -= lr * grad[k, j]


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def _adam_dense(p, m, v, g, lr_t, a1, a2, eps):
    """Adam over flat arrays; scalars in p's dtype (see _adam_rows)."""
    for k in range(p.shape[0]):
        gk = g[k]
        mk = m[k] + a1 * (gk - m[k])
        vk = v[k] + a2 * (gk * gk - v[k])
        m[k] = mk
        v[k] = vk
        p[k] -= lr_t * mk / (math.sqrt(vk) + eps)


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def _adam_rows(W, mv, rows, grad, lr_t, a1, a2, eps):
    """Adam on the given distinct rows; a1 = 1 - beta1, a2 = 1 - beta2.

    ``mv`` is (V, 2, d): the first and second moments of a row side by side,
    so one row update touches two memory regions instead of three. Pass the
    scalars in W's dtype: a float64 scalar would widen all the float32
    arithmetic. (error_model="numpy" lets the division vectorise.)
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
        _adam_dense(W[i], mv[i, 0], mv[i, 1], grad[k], lr_t, a1, a2, eps)


@njit(cache=True, nogil=True)
def _rows_problem(rows, n):
    """0 if rows are strictly increasing ids in [0, n); 1 if one is out of range; 2 if not increasing."""
    for k in range(rows.shape[0]):
        if rows[k] < 0 or rows[k] >= n:
            return 1
        if k and rows[k] <= rows[k - 1]:
            return 2
    return 0


def _check_sparse_entry(param, rows, summed):
    """Rows must be distinct, sorted ids of param's rows: the kernels write there."""
    if not isinstance(param, np.ndarray) or param.ndim != 2:
        raise ValueError("sparse_grads entries must hold a 2-D numpy param")
    if not isinstance(rows, np.ndarray) or rows.ndim != 1 or rows.dtype.kind not in "iu":
        raise ValueError("rows must be a one-dimensional integer array")
    if summed.shape != (rows.shape[0], param.shape[1]):
        raise ValueError(f"summed must have shape {(rows.shape[0], param.shape[1])}, "
                         f"got {summed.shape}")
    problem = _rows_problem(rows, param.shape[0])
    if problem == 1:
        raise ValueError(f"rows has ids outside [0, {param.shape[0]})")
    if problem == 2:
        raise ValueError("rows must be sorted and distinct (as sparse_grads() returns them)")


class SGD:
    """Plain stochastic gradient descent: ``param -= lr * grad``."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for param, grad in zip(params, grads):
            param -= self.lr * grad

    def update_sparse(self, sparse_grads):
        for param, rows, summed in sparse_grads:
            _check_sparse_entry(param, rows, summed)
            _sgd_rows(param, rows, summed.astype(param.dtype, copy=False),
                      param.dtype.type(self.lr))


class Adam:
    """Adam (Kingma & Ba), with the book's folded bias correction in ``lr_t``."""

    eps = 1e-7

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None
        self._sparse_state = {}

    def _step_size(self):
        self.iter += 1
        return self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        lr_t = self._step_size()
        for p, g, m, v in zip(params, grads, self.m, self.v):
            if (p.flags.c_contiguous and g.flags.c_contiguous and m.flags.c_contiguous
                    and p.dtype == g.dtype and p.dtype.kind == "f"):
                f = p.dtype.type
                _adam_dense(p.reshape(-1), m.reshape(-1), v.reshape(-1), g.reshape(-1),
                            f(lr_t), f(1.0 - self.beta1), f(1.0 - self.beta2), f(self.eps))
            else:
                m += (1 - self.beta1) * (g - m)
                v += (1 - self.beta2) * (g ** 2 - v)
                p -= lr_t * m / (np.sqrt(v) + self.eps)

    def update_sparse(self, sparse_grads):
        lr_t = self._step_size()
        for param, rows, summed in sparse_grads:
            _check_sparse_entry(param, rows, summed)
            state = self._sparse_state.get(id(param))
            if state is None or state[0] is not param:
                moments = np.zeros((param.shape[0], 2, param.shape[1]), dtype=param.dtype)
                state = (param, moments)
                self._sparse_state[id(param)] = state
            f = param.dtype.type  # keep the arithmetic in the param's precision
            _adam_rows(param, state[1], rows, summed.astype(param.dtype, copy=False),
                       f(lr_t), f(1.0 - self.beta1), f(1.0 - self.beta2), f(self.eps))
