"""Fused sigmoid + binary cross-entropy: the loss and its gradient in one pass.

For a score x and a label t in [0, 1], with s = sigmoid(x):

    loss(x, t) = -t log s - (1 - t) log(1 - s) = max(x, 0) - x t + log1p(exp(-|x|))
    d loss / dx = s - t

The right-hand form never exponentiates a positive number, so it neither
overflows nor loses the loss to log(0) for |x| up to 1e4 and beyond. The
sigmoid is evaluated from exp(-|x|) for the same reason.
"""
import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def stable_sigmoid(x):
    """1 / (1 + exp(-x)) without overflow for any finite x."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True, nogil=True, inline="always")
def bce_with_logit(x, t):
    """Binary cross-entropy of sigmoid(x) against label t, computed from x."""
    return max(x, 0.0) - x * t + math.log1p(math.exp(-abs(x)))


@njit(cache=True, nogil=True)
def sigmoid_bce(scores, labels):
    """Mean BCE over all entries, and its gradient with respect to ``scores``.

    ``labels`` has the shape of ``scores`` (any integer or float dtype, values
    in [0, 1]). Returns ``(loss, grad)``: loss is a float64 mean, grad has the
    shape and float dtype of scores and equals ``(sigmoid(x) - t) / size``.
    The loss is summed in float64 whatever the dtype of scores.
    """
    xs = scores.ravel()
    ts = labels.ravel()
    n = xs.shape[0]
    grad = np.empty(n, dtype=scores.dtype)
    if n == 0:
        return 0.0, grad.reshape(scores.shape)
    inv_n = 1.0 / n
    total = 0.0
    for k in range(n):
        x = np.float64(xs[k])
        t = np.float64(ts[k])
        total += bce_with_logit(x, t)
        grad[k] = (stable_sigmoid(x) - t) * inv_n
    return total * inv_n, grad.reshape(scores.shape)
