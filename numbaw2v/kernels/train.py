"""Fused CBOW / skip-gram training with negative sampling and/or hierarchical softmax.

Hogwild over chunks: the corpus is cut into fixed-size chunks of raw positions. Every chunk gets its
own generator state derived from (seed, epoch, chunk), so the random choices
(subsampling, window shrinking, negatives) do not depend on how many threads
run or in which order: with one thread, training is bit-for-bit reproducible.
Threads share the weight matrices without locks (Hogwild).

The learning rate falls linearly with the position of the word being trained
in the whole run (epochs x corpus), from ``alpha`` to ``min_alpha``.

With ``config.hs`` every centre word is also trained against its Huffman path
(numbaw2v.kernels.hs, rows of ``weights.W_hs``); with ``config.negative`` > 0 against
itself and its negatives (rows of ``weights.W_out``). Both objectives add to one input
error per input row, applied once, as in the C word2vec. Every update of an input row
is multiplied by its lock factor ``tables.lockf[row]`` (0: the row never moves).

The run travels as records (numbaw2v.kernels.records): ``Weights``,
``CorpusBlock``, ``TrainConfig``, ``Tables`` and ``RunPosition``. Kernels use
the one fastmath policy of numbaw2v.kernels.policy. Rows that the next word
will need are prefetched while the current word trains
(numbaw2v.kernels.prefetch).

One compiled entry point per mode (``DRIVERS``, chosen in Python by ``driver_for``):
CBOW, skip-gram with shared negatives, skip-gram with per-pair negatives, each with or
without hierarchical softmax. The mode is a constant of a closure
(``_make_chunk``, ``_make_driver``), so Numba drops the other modes' branches before
typing them, and the word kernels get ``paths`` None without hs: a first CBOW run
compiles no skip-gram and no Huffman code (issue 11: cold first run). The algorithm
is written once; only the constants differ.
"""
import numpy as np
from numba import njit, prange

from .alias import alias_draw
from .hs import hs_update
from .policy import FASTMATH, NO_REFCOUNTS
from .prefetch import prefetch_row
from .rng import below, chunk_state, next_state, uniform
from .sigmoid import score_loss, sigmoid_grad

__all__ = ["DRIVERS", "driver_for", "train_chunks"]

_FM = FASTMATH


@njit(cache=True, nogil=True, fastmath=_FM, **NO_REFCOUNTS)
def cbow_word(weights, tables, config, buf, n, i, w, neu1, neu1e, negs, alpha, paths):
    """One CBOW update for the centre word buf[i] with window w and negatives ``negs``.

    ``neu1`` holds the sum of the context rows; with ``cbow_mean`` the scores
    use its mean and every context word receives the whole error, as in the C
    word2vec and gensim (with the sum, the error is shared out). With
    ``paths`` (the Tables, or None without hs) the context first trains the centre
    word's Huffman path; None compiles no hs code at all.
    With negatives, a negative equal to the centre word is skipped. The score
    of each target is taken in the same pass over the row that applies the
    previous target's update, so a target drawn twice in a row sees its row
    as it was before the first update. Returns the loss (0 unless compute_loss).
    """
    W_in, W_out = weights.W_in, weights.W_out
    want_loss = config.compute_loss
    d = W_in.shape[1]
    lo = max(0, i - w)
    hi = min(n, i + w + 1)
    cnt = hi - lo - 1
    loss = 0.0
    if cnt <= 0:
        return loss
    # context sum
    for k in range(d):
        neu1[k] = 0.0
        neu1e[k] = 0.0
    for j in range(lo, hi):
        if j != i:
            c = buf[j]
            for k in range(d):
                neu1[k] += W_in[c, k]
    inv = np.float32(1.0 / cnt)
    scale = inv if config.cbow_mean else np.float32(1.0)
    share = np.float32(1.0) if config.cbow_mean else inv
    word = np.int64(buf[i])
    if paths is not None:
        loss += hs_update(neu1, scale, weights.W_hs, paths.codes[word], paths.points[word],
                          paths.code_lens[word], neu1e, alpha, want_loss)
    if config.negative > 0:
        # scores and gradients: the centre word (label 1), then each negative (label 0) ...
        f = np.float32(0.0)
        for k in range(d):
            f += neu1[k] * W_out[word, k]
        f *= scale
        g = np.float32(sigmoid_grad(f, 1.0, alpha))
        if want_loss:
            loss += score_loss(f, 1.0)
        prev = word
        for t in range(negs.shape[0]):
            target = negs[t]
            if target == word:
                continue
            # ... each score in the same pass as the output update of the previous target
            gh = g * scale
            f = np.float32(0.0)
            for k in range(d):
                f += neu1[k] * W_out[target, k]
                neu1e[k] += g * W_out[prev, k]
                W_out[prev, k] += gh * neu1[k]
            f *= scale
            g = np.float32(sigmoid_grad(f, 0.0, alpha))
            if want_loss:
                loss += score_loss(f, 0.0)
            prev = target
        # output update of the last target
        gh = g * scale
        for k in range(d):
            neu1e[k] += g * W_out[prev, k]
            W_out[prev, k] += gh * neu1[k]
    # input update: the error reaches every context word, times its lock factor
    lockf = tables.lockf
    for j in range(lo, hi):
        if j != i:
            c = buf[j]
            step = share * lockf[c]
            for k in range(d):
                W_in[c, k] += neu1e[k] * step
    return loss


@njit(cache=True, nogil=True, fastmath=_FM, **NO_REFCOUNTS)
def skipgram_pairs(weights, tables, config, buf, n, i, w, neu1e, alpha, s, paths):
    """Skip-gram for the centre word buf[i], fresh negatives for every (context, centre) pair.

    Each context word in turn predicts the centre word, as in the C word2vec
    and gensim: its Huffman path first (``paths`` not None), then the centre word
    and ``config.negative`` negatives. Returns (state, loss).
    """
    W_in, W_out = weights.W_in, weights.W_out
    prob, alias, lockf = tables.prob, tables.alias, tables.lockf
    negative, want_loss = config.negative, config.compute_loss
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
        if paths is not None:
            loss += hs_update(W_in[c], np.float32(1.0), weights.W_hs, paths.codes[word],
                              paths.points[word], paths.code_lens[word], neu1e, alpha,
                              want_loss)
        for t in range(negative + 1 if negative > 0 else 0):
            if t == 0:
                target = np.int64(word)
                label = 1.0
            else:
                s = next_state(s)
                target = alias_draw(prob, alias, s)
                if target == word:
                    continue
                label = 0.0
            # score and gradient
            f = np.float32(0.0)
            for k in range(d):
                f += W_in[c, k] * W_out[target, k]
            g = np.float32(sigmoid_grad(f, label, alpha))
            if want_loss:
                loss += score_loss(f, label)
            # output update, collecting the input error
            for k in range(d):
                neu1e[k] += g * W_out[target, k]
                W_out[target, k] += g * W_in[c, k]
        # input update
        step = lockf[c]
        for k in range(d):
            W_in[c, k] += neu1e[k] * step
    return s, loss


@njit(cache=True, nogil=True, fastmath=_FM, **NO_REFCOUNTS)
def skipgram_shared(weights, tables, config, buf, n, i, w, ctx, targets, G, acc, negs, alpha,
                    paths):
    """Skip-gram for the centre word buf[i] with one set of negatives shared by its window.

    The context rows and the (1 + negative) output rows meet in a small
    matrix of scores (the HogBatch formulation, arXiv:1611.06172): every
    gradient is computed from the weights as they were before this window,
    then both sides are updated. Each row is read once per window instead of
    once per (context, target) pair, and negatives are drawn once per window.
    With ``paths`` (not None) each context row first trains the centre word's Huffman
    path (one pair at a time, into the same input error). Returns the loss (0
    unless compute_loss).
    """
    W_in, W_out, lockf = weights.W_in, weights.W_out, tables.lockf
    want_loss = config.compute_loss
    d = W_in.shape[1]
    word = buf[i]
    targets[0] = word
    nt = 1 if config.negative > 0 else 0
    for t in range(negs.shape[0]):
        x = negs[t]
        if x != word:
            targets[nt] = x
            nt += 1
    m = 0
    for j in range(max(0, i - w), min(n, i + w + 1)):
        if j != i:
            ctx[m] = buf[j]
            m += 1
    loss = 0.0
    for a in range(m):
        c = ctx[a]
        for k in range(d):
            acc[a, k] = 0.0
        if paths is not None:
            loss += hs_update(W_in[c], np.float32(1.0), weights.W_hs, paths.codes[word],
                              paths.points[word], paths.code_lens[word], acc[a], alpha,
                              want_loss)
        # scores and gradients of one context row against every target
        for b in range(nt):
            tb = targets[b]
            f = np.float32(0.0)
            for k in range(d):
                f += W_in[c, k] * W_out[tb, k]
            label = 1.0 if b == 0 else 0.0
            G[a, b] = np.float32(sigmoid_grad(f, label, alpha))
            if want_loss:
                loss += score_loss(f, label)
        # its input error, from the output rows before any update
        for b in range(nt):
            g = G[a, b]
            tb = targets[b]
            for k in range(d):
                acc[a, k] += g * W_out[tb, k]
    # output update
    for b in range(nt):
        tb = targets[b]
        for a in range(m):
            g = G[a, b]
            c = ctx[a]
            for k in range(d):
                W_out[tb, k] += g * W_in[c, k]
    # input update
    for a in range(m):
        c = ctx[a]
        step = lockf[c]
        for k in range(d):
            W_in[c, k] += acc[a, k] * step
    return loss


@njit(cache=True, nogil=True, **NO_REFCOUNTS)
def subsample(corpus, start, stop, keep_prob, buf, s):
    """Copy the words of corpus[start:stop] that survive subsampling into buf.

    Returns (n, state)."""
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


@njit(cache=True, nogil=True, **NO_REFCOUNTS)
def draw_ahead(nxt, prob, alias, W_out, s):
    """Draw the next word's negatives into ``nxt`` and start fetching their rows."""
    for q in range(nxt.shape[0]):
        s = next_state(s)
        nxt[q] = alias_draw(prob, alias, s)
        prefetch_row(W_out, nxt[q])
    return s


def _make_chunk(mode):
    """The compiled loop over one chunk for ``mode`` ("cbow", "sg-shared" or "sg-pairs").

    ``mode`` is a constant of the closure: Numba prunes the branches of the other
    modes before typing, so a CBOW run compiles no skip-gram code. ``paths`` is the
    Tables with hierarchical softmax, else None (then no Huffman code is compiled).
    Every variant has a name of its own, hence its own entry in Numba's cache.
    """
    cbow, shared = mode == "cbow", mode == "sg-shared"
    ahead = mode != "sg-pairs"      # negatives drawn one word ahead (prefetched rows)

    def chunk(weights, block, start, stop, config, tables, paths, done_before, total, s):
        """Train on positions [start, stop); returns (trained words, loss, state)."""
        W_in, W_out = weights.W_in, weights.W_out
        corpus, base, ends = block.ids, block.base, block.sentence_ends
        keep_prob, prob, alias = tables.keep_prob, tables.prob, tables.alias
        window, alpha, min_alpha = config.window, config.alpha, config.min_alpha
        fetch_out = config.negative > 0
        d, neg = W_in.shape[1], config.negative
        buf = np.empty(stop - start, dtype=np.int32)
        neu1 = np.empty(d, dtype=np.float32)
        neu1e = np.empty(d, dtype=np.float32)
        ctx = np.empty(2 * window, dtype=np.int64)
        targets = np.empty(neg + 1, dtype=np.int64)
        G = np.empty((2 * window, neg + 1), dtype=np.float32)
        acc = np.empty((2 * window, d), dtype=np.float32)
        negs = np.empty(neg, dtype=np.int64)
        nxt = np.empty(neg, dtype=np.int64)
        slope = (alpha - min_alpha) / total
        # the first sentence ending after start (binary search over the ends)
        si, hi = 0, ends.shape[0]
        while si < hi:
            mid = (si + hi) // 2
            if ends[mid] <= start:
                si = mid + 1
            else:
                hi = mid
        pos = start
        trained = 0
        loss = 0.0
        while pos < stop:
            seg_stop = ends[si] if ends[si] < stop else stop
            n, s = subsample(corpus, pos - base, seg_stop - base, keep_prob, buf, s)
            scale = (seg_stop - pos) / (n if n > 1 else 1)
            if ahead and n > 0:
                s = draw_ahead(nxt, prob, alias, W_out, s)
            for i in range(n):
                a = alpha - slope * (done_before + (pos - start) + i * scale)
                if a < min_alpha:
                    a = min_alpha
                w = window
                if config.shrink_windows:
                    s = next_state(s)
                    w = window - below(s, window)
                if ahead:
                    for q in range(neg):
                        negs[q] = nxt[q]
                    if i + 1 < n:
                        s = draw_ahead(nxt, prob, alias, W_out, s)
                        if fetch_out:
                            prefetch_row(W_out, buf[i + 1])
                        nb = i + 1 + window
                        prefetch_row(W_in, buf[nb if nb < n else n - 1])
                if cbow:
                    loss += cbow_word(weights, tables, config, buf, n, i, w, neu1, neu1e, negs,
                                      a, paths)
                elif shared:
                    loss += skipgram_shared(weights, tables, config, buf, n, i, w, ctx, targets,
                                            G, acc, negs, a, paths)
                else:
                    s, word_loss = skipgram_pairs(weights, tables, config, buf, n, i, w, neu1e,
                                                  a, s, paths)
                    loss += word_loss
            trained += n
            pos = seg_stop
            si += 1
        return trained, loss, s

    chunk.__name__ = chunk.__qualname__ = f"chunk_{mode.replace('-', '_')}"
    return njit(cache=True, nogil=True, fastmath=_FM, inline="always")(chunk)


chunk_cbow = _make_chunk("cbow")
chunk_sg_shared = _make_chunk("sg-shared")
chunk_sg_pairs = _make_chunk("sg-pairs")


def _make_driver(mode, hs):
    """The parallel loop over chunks (Hogwild): the compiled entry point of one mode, with
    or without hierarchical softmax (closure constants, pruned before typing).

    Per chunk, the number of words trained (after subsampling) and the loss go to
    trained_out[k] and loss_out[k]. ``block.ids`` covers every chunk asked for.
    """
    cbow, shared = mode == "cbow", mode == "sg-shared"

    def driver(weights, block, chunk_ids, config, tables, position, trained_out, loss_out):
        paths = tables if hs else None
        for k in prange(chunk_ids.shape[0]):
            c = chunk_ids[k]
            start = c * block.chunk_size
            stop = start + block.chunk_size
            if stop > block.n_words:
                stop = block.n_words
            s = chunk_state(config.seed, position.epoch, c)
            before, total = position.words_before + start, position.total_words
            if cbow:
                trained, loss, s = chunk_cbow(weights, block, start, stop, config, tables,
                                              paths, before, total, s)
            elif shared:
                trained, loss, s = chunk_sg_shared(weights, block, start, stop, config, tables,
                                                   paths, before, total, s)
            else:
                trained, loss, s = chunk_sg_pairs(weights, block, start, stop, config, tables,
                                                  paths, before, total, s)
            trained_out[k] = trained
            loss_out[k] = loss

    name = f"train_{mode.replace('-', '_')}{'_hs' if hs else ''}"
    driver.__name__ = driver.__qualname__ = name
    return njit(cache=True, nogil=True, parallel=True)(driver)


DRIVERS = {(mode, hs): _make_driver(mode, hs)
           for mode in ("cbow", "sg-shared", "sg-pairs") for hs in (False, True)}


def mode_of(config):
    """The driver key of a TrainConfig (or of anything with sg, shared_negatives and hs)."""
    mode = "sg-shared" if config.sg and config.shared_negatives else \
        "sg-pairs" if config.sg else "cbow"
    return mode, bool(config.hs)


def driver_for(config):
    """The compiled training loop that ``config`` runs (compiled at its first call)."""
    return DRIVERS[mode_of(config)]


def train_chunks(weights, block, chunk_ids, config, tables, position, trained_out, loss_out):
    """Train the given chunks of one epoch in parallel (Hogwild).

    ``block.ids`` covers every chunk asked for. Per chunk, the number of words
    trained (after subsampling) and the loss go to trained_out[k] and
    loss_out[k]. Runs the compiled driver of ``config``'s mode (``driver_for``)
    on ``numba.get_num_threads()`` threads; the first call of a mode compiles
    that mode only.
    """
    driver_for(config)(weights, block, chunk_ids, config, tables, position, trained_out,
                       loss_out)
