"""Fused CBOW / skip-gram training with negative sampling (Hogwild over chunks).

The corpus is cut into fixed-size chunks of raw positions. Every chunk gets its
own generator state derived from (seed, epoch, chunk), so the random choices
(subsampling, window shrinking, negatives) do not depend on how many threads
run or in which order: with one thread, training is bit-for-bit reproducible.
Threads share the weight matrices without locks (Hogwild).

The learning rate falls linearly with the position of the word being trained
in the whole run (epochs x corpus), from ``alpha`` to ``min_alpha``.

``fastmath`` lets LLVM vectorise the 100-float dot products and row updates;
it only reorders float additions (see bench/RESULTS.md for the quality check).
"""
import math

import numpy as np
from numba import njit, prange

from .alias import alias_draw
from .rng import below, next_state, splitmix64, uniform

MAX_EXP = 6.0
_FM = {"nsz", "arcp", "contract", "reassoc"}   # no 'nnan'/'ninf': scores are clipped instead


@njit(cache=True, nogil=True, inline="always")
def chunk_state(seed, epoch, chunk):
    """The generator state for one chunk of one epoch."""
    s = splitmix64(np.uint64(seed) ^ splitmix64(np.uint64(epoch) * np.uint64(0x100000001B3)
                                                  + np.uint64(chunk)))
    if s == np.uint64(0):
        s = np.uint64(0x9E3779B97F4A7C15)
    return s


@njit(cache=True, nogil=True, inline="always", fastmath=_FM)
def _grad(f, label, alpha):
    """alpha * (label - sigmoid(f)), saturated outside [-MAX_EXP, MAX_EXP]."""
    if f > MAX_EXP:
        return (label - 1.0) * alpha
    if f < -MAX_EXP:
        return label * alpha
    return (label - 1.0 / (1.0 + math.exp(-f))) * alpha


@njit(cache=True, nogil=True, inline="always")
def _loss(f, label):
    """Binary cross-entropy of score f for a 0/1 label, stable."""
    z = f if label > 0.5 else -f
    if z > 0:
        return math.log1p(math.exp(-z))
    return -z + math.log1p(math.exp(z))


@njit(cache=True, nogil=True, fastmath=_FM)
def _dot(a, ra, b, rb, d):
    f = np.float32(0.0)
    for k in range(d):
        f += a[ra, k] * b[rb, k]
    return f


@njit(cache=True, nogil=True, fastmath=_FM)
def cbow_word(W_in, W_out, buf, n, i, w, neu1, neu1e, prob, alias, negative, alpha,
              cbow_mean, s, want_loss):
    """One CBOW update for the centre word buf[i] with window w. Returns (state, loss)."""
    d = W_in.shape[1]
    lo = max(0, i - w)
    hi = min(n, i + w + 1)
    for k in range(d):
        neu1[k] = 0.0
        neu1e[k] = 0.0
    cnt = 0
    for j in range(lo, hi):
        if j != i:
            c = buf[j]
            for k in range(d):
                neu1[k] += W_in[c, k]
            cnt += 1
    loss = 0.0
    if cnt == 0:
        return s, loss
    inv = np.float32(1.0 / cnt) if cbow_mean else np.float32(1.0)
    if cbow_mean:
        for k in range(d):
            neu1[k] *= inv
    word = buf[i]
    for t in range(negative + 1):
        if t == 0:
            target = np.int64(word)
            label = 1.0
        else:
            s = next_state(s)
            target = alias_draw(prob, alias, s)
            if target == word:
                continue
            label = 0.0
        f = np.float32(0.0)
        for k in range(d):
            f += neu1[k] * W_out[target, k]
        g = np.float32(_grad(f, label, alpha))
        if want_loss:
            loss += _loss(f, label)
        for k in range(d):
            neu1e[k] += g * W_out[target, k]
            W_out[target, k] += g * neu1[k]
    for j in range(lo, hi):
        if j != i:
            c = buf[j]
            for k in range(d):
                W_in[c, k] += neu1e[k] * inv
    return s, loss


@njit(cache=True, nogil=True, fastmath=_FM)
def skipgram_word(W_in, W_out, buf, n, i, w, neu1e, prob, alias, negative, alpha, s, want_loss):
    """Skip-gram updates for the centre word buf[i]: each context word predicts it."""
    d = W_in.shape[1]
    lo = max(0, i - w)
    hi = min(n, i + w + 1)
    word = buf[i]
    loss = 0.0
    for j in range(lo, hi):
        if j == i:
            continue
        c = buf[j]
        for k in range(d):
            neu1e[k] = 0.0
        for t in range(negative + 1):
            if t == 0:
                target = np.int64(word)
                label = 1.0
            else:
                s = next_state(s)
                target = alias_draw(prob, alias, s)
                if target == word:
                    continue
                label = 0.0
            f = np.float32(0.0)
            for k in range(d):
                f += W_in[c, k] * W_out[target, k]
            g = np.float32(_grad(f, label, alpha))
            if want_loss:
                loss += _loss(f, label)
            for k in range(d):
                neu1e[k] += g * W_out[target, k]
                W_out[target, k] += g * W_in[c, k]
        for k in range(d):
            W_in[c, k] += neu1e[k]
    return s, loss


@njit(cache=True, nogil=True)
def subsample(corpus, start, stop, keep_prob, buf, s):
    """Copy the words of corpus[start:stop] that survive subsampling into buf. Returns (n, state)."""
    n = 0
    for p in range(start, stop):
        wd = corpus[p]
        kp = keep_prob[wd]
        if kp < 1.0:
            s = next_state(s)
            if kp < uniform(s):
                continue
        buf[n] = wd
        n += 1
    return n, s


@njit(cache=True, nogil=True, fastmath=_FM)
def train_chunk(W_in, W_out, corpus, sentence_ends, start, stop, keep_prob, prob, alias,
                sg, cbow_mean, window, shrink, negative, alpha, min_alpha, done_before,
                total, s, want_loss):
    """Train on raw positions [start, stop) of the corpus. Returns (trained words, loss, state).

    ``done_before`` is the number of raw words of the whole run before ``start``
    and ``total`` the raw words of the whole run: they set the learning rate.
    """
    d = W_in.shape[1]
    buf = np.empty(stop - start, dtype=np.int32)
    neu1 = np.empty(d, dtype=np.float32)
    neu1e = np.empty(d, dtype=np.float32)
    si = np.searchsorted(sentence_ends, start, side="right")
    pos = start
    trained = 0
    loss = 0.0
    slope = (alpha - min_alpha) / total
    while pos < stop:
        seg_stop = min(sentence_ends[si], stop)
        n, s = subsample(corpus, pos, seg_stop, keep_prob, buf, s)
        scale = (seg_stop - pos) / max(n, 1)
        for i in range(n):
            a = alpha - slope * (done_before + (pos - start) + i * scale)
            if a < min_alpha:
                a = min_alpha
            w = window
            if shrink:
                s = next_state(s)
                w = window - below(s, window)
            if sg:
                s, l = skipgram_word(W_in, W_out, buf, n, i, w, neu1e, prob, alias,
                                     negative, a, s, want_loss)
            else:
                s, l = cbow_word(W_in, W_out, buf, n, i, w, neu1, neu1e, prob, alias,
                                 negative, a, cbow_mean, s, want_loss)
            loss += l
        trained += n
        pos = seg_stop
        si += 1
    return trained, loss, s


@njit(cache=True, nogil=True, parallel=True)
def train_chunks(W_in, W_out, corpus, sentence_ends, chunk_ids, chunk_size, keep_prob, prob,
                 alias, sg, cbow_mean, window, shrink, negative, alpha, min_alpha, epoch,
                 epoch_offset, total, seed, want_loss, trained_out, loss_out):
    """Train the given chunks of one epoch in parallel (Hogwild).

    Per chunk, the number of words trained (after subsampling) and the loss go
    to trained_out[k] and loss_out[k].
    """
    n = corpus.shape[0]
    for k in prange(chunk_ids.shape[0]):
        c = chunk_ids[k]
        start = c * chunk_size
        stop = min(start + chunk_size, n)
        s = chunk_state(seed, epoch, c)
        trained, loss, s = train_chunk(W_in, W_out, corpus, sentence_ends, start, stop,
                                       keep_prob, prob, alias, sg, cbow_mean, window, shrink,
                                       negative, alpha, min_alpha, epoch_offset + start,
                                       total, s, want_loss)
        trained_out[k] = trained
        loss_out[k] = loss
