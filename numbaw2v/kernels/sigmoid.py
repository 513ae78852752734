"""The sigmoid of the training kernels: a small interpolated table and the update step.

sigmoid is read at the SIGMOID_BINS + 1 edges of equal bins over [-MAX_EXP, MAX_EXP]
with linear interpolation: an 8 KB table (1001 float64) in L1 cache instead of an exp and
a division per score, continuous in the score and within 2e-6 of the exact sigmoid.
Shared by negative sampling (numbaw2v.kernels.train) and hierarchical softmax
(numbaw2v.kernels.hs).
"""
import numpy as np
from numba import njit

from .loss import bce_with_logit
from .policy import FASTMATH

MAX_EXP = 6.0
SIGMOID_BINS = 1000
_PER_BIN = SIGMOID_BINS / (2.0 * MAX_EXP)
SIGMOID_TABLE = 1.0 / (1.0 + np.exp(-(np.arange(SIGMOID_BINS + 1) / _PER_BIN - MAX_EXP)))


@njit(cache=True, nogil=True, inline="always", fastmath=FASTMATH)
def sigmoid_grad(f, label, alpha):
    """alpha * (label - sigmoid(f)); 0 once |f| >= MAX_EXP (no update for a saturated score).

    Skipping saturated scores is what gensim does (the C word2vec instead
    pushes with the full step). sigmoid is interpolated in SIGMOID_TABLE.
    """
    if f >= MAX_EXP or f <= -MAX_EXP:
        return 0.0
    x = (f + MAX_EXP) * _PER_BIN
    b = int(x)
    sig = SIGMOID_TABLE[b] + (x - b) * (SIGMOID_TABLE[b + 1] - SIGMOID_TABLE[b])
    return (label - sig) * alpha


@njit(cache=True, nogil=True, inline="always")
def score_loss(f, label):
    """Binary cross-entropy of score f for a 0/1 label, stable (exact, not from the table)."""
    return bce_with_logit(np.float64(f), label)
