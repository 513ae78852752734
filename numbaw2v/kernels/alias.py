"""Alias tables (Vose's method): O(V) build, O(1) draws.

A table over V outcomes is two arrays: ``prob`` (float64, the chance of
keeping column i) and ``alias`` (int32, the outcome taken otherwise). A draw
picks a column uniformly and one uniform number decides between the column
and its alias. Tables of vocabulary size stay in cache, unlike the C
word2vec's 1e8-entry unigram table.

Inputs are validated by the Python wrappers in ``numbaw2v.sampling``; these
kernels assume non-negative weights with a positive sum.
"""
import numpy as np
from numba import njit

from .rng import next_state, split_draw


@njit(cache=True, nogil=True)
def build_alias(weights):
    """Vose's alias method. Returns (prob float64[V], alias int32[V])."""
    n = weights.shape[0]
    total = 0.0
    for i in range(n):
        total += weights[i]
    scaled = np.empty(n, dtype=np.float64)
    for i in range(n):
        scaled[i] = weights[i] * n / total
    prob = np.ones(n, dtype=np.float64)
    alias = np.arange(n).astype(np.int32)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    ns = 0
    nl = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[ns] = i
            ns += 1
        else:
            large[nl] = i
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = small[ns]
        big = large[nl - 1]
        prob[s] = scaled[s]
        alias[s] = big
        scaled[big] = (scaled[big] + scaled[s]) - 1.0
        if scaled[big] < 1.0:
            nl -= 1
            small[ns] = big
            ns += 1
    # Whatever remains is 1 up to rounding: those columns keep themselves.
    for k in range(nl):
        prob[large[k]] = 1.0
    best = 0
    for i in range(n):
        if weights[i] > weights[best]:
            best = i
    for k in range(ns):
        i = small[k]
        if weights[i] == 0.0:  # only reachable through rounding: never keep it
            prob[i] = 0.0
            alias[i] = best
        else:
            prob[i] = 1.0
    return prob, alias


@njit(cache=True, nogil=True, inline="always")
def alias_draw(prob, alias, s):
    """One draw from the table for generator state s (the caller advances s)."""
    i, u = split_draw(s, prob.shape[0])
    if u < prob[i]:
        return i
    return np.int64(alias[i])


@njit(cache=True, nogil=True)
def alias_sample(prob, alias, n, state):
    """n independent draws (int32); ``state`` is a uint64[1] generator state, advanced in place."""
    out = np.empty(n, dtype=np.int32)
    s = state[0]
    for k in range(n):
        s = next_state(s)
        out[k] = alias_draw(prob, alias, s)
    state[0] = s
    return out


@njit(cache=True, nogil=True)
def alias_sample_excluding(prob, alias, exclude, k, state):
    """For each id in ``exclude``, k draws (with replacement) that never equal that id.

    Rejection: a draw equal to the excluded id is drawn again. The caller
    guarantees that some other outcome has positive probability.
    ``state`` is a uint64[1] generator state, advanced in place.
    Returns int32[len(exclude), k].
    """
    m = exclude.shape[0]
    out = np.empty((m, k), dtype=np.int32)
    s = state[0]
    for r in range(m):
        ex = exclude[r]
        for j in range(k):
            while True:
                s = next_state(s)
                d = alias_draw(prob, alias, s)
                if d != ex:
                    break
            out[r, j] = d
    state[0] = s
    return out
