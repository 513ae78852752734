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

from .embed import PREFETCH_AHEAD
from .policy import FASTMATH
from .prefetch import prefetch_row


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def stable_sigmoid(x):
    """1 / (1 + exp(-x)) without overflow for any finite x."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def bce_with_logit(x, t):
    """Binary cross-entropy of sigmoid(x) against label t, computed from x."""
    return max(x, 0.0) - x * t + math.log1p(math.exp(-abs(x)))


@njit(cache=True, nogil=True, error_model="numpy")
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


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def ns_forward(W, ids, h):
    """Negative sampling's scores and losses for all k + 1 score layers in one pass.

    ``ids`` is (k + 1, n): row 0 holds the targets (label 1), rows 1..k the
    negatives (label 0); ``h`` is (n, d). Returns

    - ``scores`` (k + 1, n): ``sum(W[ids[i, r]] * h[r])``,
    - ``losses`` (k + 1,): the mean BCE of each score layer,
    - ``dscores`` (k + 1, n): ``(sigmoid(score) - label) / n``, each layer's
      gradient with respect to its scores.
    """
    layers, n = ids.shape
    d = W.shape[1]
    scores = np.empty((layers, n), dtype=h.dtype)
    dscores = np.empty((layers, n), dtype=h.dtype)
    losses = np.zeros(layers, dtype=np.float64)
    inv_n = 1.0 / n if n else 0.0
    flat = ids.ravel()
    for p in range(min(PREFETCH_AHEAD, flat.shape[0])):
        prefetch_row(W, flat[p])
    for i in range(layers):
        label = 1.0 if i == 0 else 0.0
        total = 0.0
        for r in range(n):
            p = i * n + r + PREFETCH_AHEAD
            if p < flat.shape[0]:
                prefetch_row(W, flat[p])
            w = W[ids[i, r]]
            hr = h[r]
            acc = h.dtype.type(0)
            for j in range(d):
                acc += w[j] * hr[j]
            scores[i, r] = acc
            x = np.float64(acc)
            e = math.exp(-abs(x))            # one exp serves the loss and the sigmoid
            total += max(x, 0.0) - x * label + math.log1p(e)
            sig = 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)
            dscores[i, r] = (sig - label) * inv_n
        losses[i] = total * inv_n
    return scores, losses, dscores


@njit(cache=True, nogil=True, fastmath=FASTMATH, error_model="numpy")
def ns_backward(dscores, h, W, ids):
    """Backward of all k + 1 EmbeddingDot layers of negative sampling.

    ``dscores`` (k + 1, n), ``h`` (n, d), ``ids`` (k + 1, n) as given to
    :func:`ns_forward` (W unchanged since). Returns ``(dh, drows)``: dh (n, d)
    summed over the layers, and drows (k + 1, n, d) with
    ``drows[i, r] = dscores[i, r] * h[r]``, the gradient for row ``W[ids[i, r]]``.
    """
    layers, n = dscores.shape
    d = h.shape[1]
    dh = np.zeros((n, d), dtype=h.dtype)
    drows = np.empty((layers, n, d), dtype=W.dtype)
    for i in range(layers):
        for r in range(n):
            g = dscores[i, r]
            hr = h[r]
            w = W[ids[i, r]]
            out = drows[i, r]
            acc = dh[r]
            for j in range(d):
                out[j] = g * hr[j]
                acc[j] += g * w[j]
    return dh, drows
