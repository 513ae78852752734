"""Hierarchical softmax: one input vector against the Huffman path of one target word.

A word's probability is the product, over the inner nodes on its path from the root,
of sigmoid(+-h . syn1[node]): the node's row of ``syn1`` scores going left (code 0,
label 1) against going right (code 1, label 0), as in the C word2vec and gensim. The
tree comes from numbaw2v.huffman: per word, ``code`` holds the bits and ``point``
the inner-node rows (root first), ``length`` of them valid.

``hs_update`` trains one (input, target) pair in place; ``hs_log_prob`` only scores
it (``Word2Vec.score``); ``score_sentences`` scores whole sentences in parallel.
"""
import math

import numpy as np
from numba import njit, prange

from .policy import FASTMATH, NO_REFCOUNTS
from .sigmoid import score_loss, sigmoid_grad


@njit(cache=True, nogil=True, fastmath=FASTMATH, **NO_REFCOUNTS)
def hs_update(h, scale, syn1, code, point, length, neu1e, alpha, want_loss):
    """Train the path of one target word from the input ``h`` (scores are scale * h . row).

    For each inner node: g = alpha * (1 - code - sigmoid(f)) (gensim's convention,
    0 for a saturated score), ``neu1e += g * row`` with the row before its update,
    then ``row += g * scale * h``. ``h`` is the context row (skip-gram, scale 1)
    or the context sum (CBOW, scale 1/count for the mean). Returns the loss, the
    summed -log P of the path's branches (0 unless want_loss).

    The nodes of a path are distinct rows and ``h`` does not change, so the score of
    the next node is taken in the same pass over d as the update of the current one
    (one pass per node instead of two; the same numbers as doing them in turn).
    """
    d = h.shape[0]
    loss = 0.0
    if length == 0:
        return loss
    # score of the first node
    node = point[0]
    f = np.float32(0.0)
    for k in range(d):
        f += h[k] * syn1[node, k]
    for b in range(length):
        # gradient of this node
        f *= scale
        label = 1.0 - code[b]
        g = np.float32(sigmoid_grad(f, label, alpha))
        if want_loss:
            loss += score_loss(f, label)
        gh = g * scale
        if b + 1 < length:
            # this node's update, in the same pass as the next node's score
            nxt = point[b + 1]
            f = np.float32(0.0)
            for k in range(d):
                f += h[k] * syn1[nxt, k]
                neu1e[k] += g * syn1[node, k]
                syn1[node, k] += gh * h[k]
            node = nxt
        else:
            # the last node's update
            for k in range(d):
                neu1e[k] += g * syn1[node, k]
                syn1[node, k] += gh * h[k]
    return loss


@njit(cache=True, nogil=True, inline="always")
def _log_sigmoid(x):
    """log(sigmoid(x)), stable for any finite x."""
    if x >= 0.0:
        return -math.log1p(math.exp(-x))
    return x - math.log1p(math.exp(x))


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def hs_log_prob(h, scale, syn1, code, point, length):
    """log P(target | h) under the tree: the sum of log sigmoid(+-f) along the path."""
    d = h.shape[0]
    total = 0.0
    for b in range(length):
        node = point[b]
        f = np.float32(0.0)
        for k in range(d):
            f += h[k] * syn1[node, k]
        f *= scale
        total += _log_sigmoid(f if code[b] == 0 else -f)
    return total


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _score_one(W_in, syn1, codes, points, code_lens, ids, start, stop, window, sg, cbow_mean,
               kept, neu1):
    """Log-probability of the sentence ids[start:stop] (-1: a word outside the vocabulary)."""
    d = W_in.shape[1]
    n = 0
    for p in range(start, stop):
        if ids[p] >= 0:
            kept[n] = ids[p]
            n += 1
    total = 0.0
    for i in range(n):
        word = kept[i]
        length = code_lens[word]
        if length == 0:
            continue
        lo = max(0, i - window)
        hi = min(n, i + window + 1)
        if sg:
            for j in range(lo, hi):
                if j == i or code_lens[kept[j]] == 0:
                    continue
                total += hs_log_prob(W_in[kept[j]], np.float32(1.0), syn1, codes[word],
                                     points[word], length)
        else:
            for k in range(d):
                neu1[k] = 0.0
            cnt = 0
            for j in range(lo, hi):
                if j == i or code_lens[kept[j]] == 0:
                    continue
                c = kept[j]
                cnt += 1
                for k in range(d):
                    neu1[k] += W_in[c, k]
            scale = np.float32(1.0)
            if cbow_mean and cnt > 0:
                scale = np.float32(1.0 / cnt)
            total += hs_log_prob(neu1, scale, syn1, codes[word], points[word], length)
    return total


@njit(cache=True, nogil=True, parallel=True)
def score_sentences(W_in, syn1, codes, points, code_lens, ids, sentence_ends, window, sg,
                    cbow_mean, out):
    """out[s] = log-probability of sentence s (ids between sentence_ends[s-1] and [s]).

    Words outside the vocabulary (id -1) are dropped first, so the window
    closes over them, as gensim's score does. Skip-gram: every context word in
    the full window (no shrinking, no subsampling) predicts the centre word;
    CBOW: the context sum (or mean) predicts it. Words with an empty code (a
    vocabulary of one word) take no part. Sentences run in parallel.
    """
    d = W_in.shape[1]
    for s in prange(sentence_ends.shape[0]):
        start = 0 if s == 0 else sentence_ends[s - 1]
        stop = sentence_ends[s]
        kept = np.empty(stop - start, dtype=np.int64)
        neu1 = np.empty(d, dtype=np.float32)
        out[s] = _score_one(W_in, syn1, codes, points, code_lens, ids, start, stop, window, sg,
                            cbow_mean, kept, neu1)
