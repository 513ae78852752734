"""Optimizers: the book's SGD and Adam, plus row-sparse updates.

``update(params, grads)`` is the book's dense update over parallel lists.

``update_sparse(sparse_grads)`` takes ``[SparseGrad(param, rows, summed), ...]``
(or plain 3-tuples) as returned by a model's ``sparse_grads()``: distinct
sorted rows per param, each with its total gradient. It touches only those
rows, with the kernels of ``numbaw2v.kernels.optim``:

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

from .kernels.optim import (ROW_OUT_OF_RANGE, ROWS_NOT_INCREASING, adam_rows, adam_step,
                            rows_problem, sgd_rows)


def _check_sparse_entry(param, rows, summed):
    """Rows must be distinct, sorted ids of param's rows: the kernels write there."""
    if not isinstance(param, np.ndarray) or param.ndim != 2:
        raise ValueError("sparse_grads entries must hold a 2-D numpy param")
    if not isinstance(rows, np.ndarray) or rows.ndim != 1 or rows.dtype.kind not in "iu":
        raise ValueError("rows must be a one-dimensional integer array")
    if summed.shape != (rows.shape[0], param.shape[1]):
        raise ValueError(f"summed must have shape {(rows.shape[0], param.shape[1])}, "
                         f"got {summed.shape}")
    problem = rows_problem(rows, param.shape[0])
    if problem == ROW_OUT_OF_RANGE:
        raise ValueError(f"rows has ids outside [0, {param.shape[0]})")
    if problem == ROWS_NOT_INCREASING:
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
            sgd_rows(param, rows, summed.astype(param.dtype, copy=False),
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
        self._row_moments = {}     # id(param) -> (param, moments (V, 2, d))

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
                adam_step(p.reshape(-1), m.reshape(-1), v.reshape(-1), g.reshape(-1),
                          f(lr_t), f(1.0 - self.beta1), f(1.0 - self.beta2), f(self.eps))
            else:
                m += (1 - self.beta1) * (g - m)
                v += (1 - self.beta2) * (g ** 2 - v)
                p -= lr_t * m / (np.sqrt(v) + self.eps)

    def update_sparse(self, sparse_grads):
        lr_t = self._step_size()
        for param, rows, summed in sparse_grads:
            _check_sparse_entry(param, rows, summed)
            f = param.dtype.type  # keep the arithmetic in the param's precision
            adam_rows(param, self._moments_of(param), rows, summed.astype(param.dtype, copy=False),
                      f(lr_t), f(1.0 - self.beta1), f(1.0 - self.beta2), f(self.eps))

    def _moments_of(self, param):
        """The (V, 2, d) moments of ``param``, made at its first sparse update."""
        owner, moments = self._row_moments.get(id(param), (None, None))
        if owner is not param:      # a new array (an id can be reused after one is freed)
            moments = np.zeros((param.shape[0], 2, param.shape[1]), dtype=param.dtype)
            self._row_moments[id(param)] = (param, moments)
        return moments
