"""The epoch loop around the training kernel: threads, progress bar, callbacks, Ctrl-C."""
import logging
import os
import time

import numba
import numpy as np

from .kernels.train import train_chunks

logger = logging.getLogger("numbaw2v")

MIN_CHUNK = 1024
MAX_CHUNK = 1 << 16
BLOCK_WORDS = 1 << 21       # raw words per kernel call: the progress bar and Ctrl-C granularity


def chunk_size_for(n_words):
    """Chunk length from the corpus size alone, so that random draws do not depend on threads."""
    return int(min(MAX_CHUNK, max(MIN_CHUNK, n_words // 64)))


def resolve_workers(workers):
    """The thread count to use: all cores when None, capped at what Numba can run."""
    available = numba.config.NUMBA_NUM_THREADS
    wanted = (os.cpu_count() or 1) if workers is None else int(workers)
    if wanted > available:
        logger.warning("workers=%d but Numba can run %d threads here; using %d",
                       wanted, available, available)
    return max(1, min(wanted, available))


def _progress_bar(model, total):
    from tqdm.auto import tqdm
    disable = None if model.progress is None else not model.progress
    return tqdm(total=total, unit="w", unit_scale=True, disable=disable, smoothing=0.1,
                desc="training", dynamic_ncols=True)


def run_epochs(model, corpus, epochs, alpha, min_alpha, callbacks):
    """Train ``model`` for ``epochs`` passes over ``corpus``; returns (trained words, raw words).

    Ctrl-C stops after the current block of chunks: the vectors stay usable
    and ``model.interrupted`` is set.
    """
    n = corpus.n_words
    chunk = chunk_size_for(n)
    n_chunks = -(-n // chunk)
    threads = resolve_workers(model.workers)
    per_call = max(threads, BLOCK_WORDS // chunk)
    total = float(max(n * epochs, 1))
    v = model.vocab
    W_in, W_out = model.wv.vectors, model.syn1neg
    trained_all = raw_all = 0
    loss_all = 0.0
    model.epoch_losses = []
    model.interrupted = False
    old_threads = numba.get_num_threads()
    numba.set_num_threads(threads)
    bar = _progress_bar(model, n * epochs)
    t0 = time.perf_counter()
    _call(callbacks, "on_train_begin", model)
    try:
        for epoch in range(epochs):
            _call(callbacks, "on_epoch_begin", model)
            epoch_loss = 0.0
            for first in range(0, n_chunks, per_call):
                ids = np.arange(first, min(first + per_call, n_chunks), dtype=np.int64)
                trained = np.zeros(ids.shape[0], dtype=np.int64)
                losses = np.zeros(ids.shape[0], dtype=np.float64)
                lo, hi = int(ids[0]) * chunk, min((int(ids[-1]) + 1) * chunk, n)
                train_chunks(W_in, W_out, corpus.read(lo, hi), lo, n, corpus.sentence_ends,
                             ids, chunk,
                             v.keep_prob, v.table.prob, v.table.alias, model.sg,
                             model.shared_negatives, model.cbow_mean, model.window, model.shrink_windows,
                             model.negative, alpha, min_alpha, epoch, epoch * n, total,
                             model.seed, model.compute_loss, trained, losses)
                raw = hi - lo
                trained_all += int(trained.sum())
                raw_all += raw
                epoch_loss += float(losses.sum())
                _update_bar(bar, model, raw, trained_all, t0, alpha, min_alpha,
                            (epoch * n + raw_all - epoch * n) / total, epoch_loss)
            loss_all += epoch_loss
            model.epoch_losses.append(epoch_loss)
            model.running_training_loss = loss_all
            model._epochs_done += 1
            _call(callbacks, "on_epoch_end", model)
    except KeyboardInterrupt:
        model.interrupted = True
        logger.warning("training interrupted after %d of %d epochs (%.0f%% of the words): "
                       "the vectors trained so far are kept", len(model.epoch_losses), epochs,
                       100.0 * raw_all / total)
    finally:
        bar.close()
        numba.set_num_threads(old_threads)
    seconds = time.perf_counter() - t0
    model.train_seconds = seconds
    model.running_training_loss = loss_all
    model.wv.vectors_changed()
    _call(callbacks, "on_train_end", model)
    logger.info("trained %d words (%d raw, %d epochs) in %.2f s: %.0f words/s on %d threads",
                trained_all, raw_all, epochs, seconds, trained_all / max(seconds, 1e-9), threads)
    return trained_all, raw_all


def _update_bar(bar, model, raw, trained_all, t0, alpha, min_alpha, progress, loss):
    bar.update(raw)
    elapsed = max(time.perf_counter() - t0, 1e-9)
    lr = max(min_alpha, alpha - (alpha - min_alpha) * min(progress, 1.0))
    post = {"words/s": f"{trained_all / elapsed:,.0f}", "lr": f"{lr:.5f}"}
    if model.compute_loss:
        post["loss"] = f"{loss:.4g}"
    bar.set_postfix(post, refresh=False)


def _call(callbacks, event, model):
    for cb in callbacks:
        method = getattr(cb, event, None)
        if method is not None:
            method(model)
