"""The epoch loop around the training kernel: records, threads, progress bar, interruption.

``make_config``, ``make_tables``, ``make_weights`` and ``make_block`` are the one place
where the kernel records (numbaw2v.kernels.records) are built from Python values, with
fixed field types so that Numba compiles one version. ``train_words`` trains one range of
chunks from given arrays (what ``run_epochs`` does per block, and what a distributed
worker can call); ``run_epochs`` runs whole epochs and returns a ``RunResult``.
"""
import contextlib
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field

import numba
import numpy as np

from . import _precompile
from .kernels.records import CorpusBlock, RunPosition, Tables, TrainConfig, Weights
from .kernels.threads import layer_is_threadsafe
from .kernels.train import train_chunks

logger = logging.getLogger(__name__)

MIN_CHUNK = 1024
MAX_CHUNK = 1 << 16
BLOCK_WORDS = 1 << 21       # raw words per kernel call: the progress bar and interrupt granularity
_ONE_CALL_AT_A_TIME = threading.Lock()   # for threading layers that are not thread-safe


# ------------------------------------------------------------------ records
def make_config(sg, cbow_mean, window, shrink_windows, negative, shared_negatives, alpha,
                min_alpha, seed, compute_loss, hs=False):
    """The TrainConfig of a run (every field coerced to its one type)."""
    return TrainConfig(sg=bool(sg), cbow_mean=bool(cbow_mean), window=int(window),
                       shrink_windows=bool(shrink_windows), negative=int(negative),
                       shared_negatives=bool(shared_negatives), alpha=float(alpha),
                       min_alpha=float(min_alpha), seed=int(seed),
                       compute_loss=bool(compute_loss), hs=bool(hs))


def make_tables(vocab, huffman=None, lockf=None):
    """The Tables of a Vocab: keep probabilities, the negative-sampling alias table, the
    Huffman paths (a numbaw2v.huffman.HuffmanTree, or None without hs) and the lock factors.

    ``lockf`` is one factor per word or a single factor for all (gensim's length-1
    default); None means 1 (every row trains).
    """
    keep = np.ascontiguousarray(vocab.keep_prob, dtype=np.float64)
    n = keep.shape[0]
    if huffman is None:
        codes = np.zeros((0, 0), dtype=np.uint8)
        points = np.zeros((0, 0), dtype=np.int32)
        code_lens = np.zeros(0, dtype=np.int32)
    else:
        codes = np.ascontiguousarray(huffman.codes, dtype=np.uint8)
        points = np.ascontiguousarray(huffman.points, dtype=np.int32)
        code_lens = np.ascontiguousarray(huffman.code_lens, dtype=np.int32)
    factors = np.ones(n, dtype=np.float32) if lockf is None else \
        np.asarray(lockf, dtype=np.float32).reshape(-1)
    if factors.shape[0] == 1 and n != 1:
        factors = np.full(n, factors[0], dtype=np.float32)
    return Tables(keep_prob=keep,
                  prob=np.ascontiguousarray(vocab.table.prob, dtype=np.float64),
                  alias=np.ascontiguousarray(vocab.table.alias, dtype=np.int32),
                  codes=codes, points=points, code_lens=code_lens,
                  lockf=np.ascontiguousarray(factors))


def make_weights(W_in, W_out=None, W_hs=None):
    """The Weights record; the arrays must already be C-contiguous float32 (they are updated).

    ``W_out`` (syn1neg) or ``W_hs`` (syn1) None: that objective is off (an empty matrix).
    """
    empty = np.zeros((0, W_in.shape[1] if getattr(W_in, "ndim", 0) == 2 else 0),
                     dtype=np.float32)
    W_out = empty if W_out is None else W_out
    W_hs = empty if W_hs is None else W_hs
    for name, a in (("W_in", W_in), ("W_out", W_out), ("W_hs", W_hs)):
        if a.dtype != np.float32 or a.ndim != 2 or not a.flags.c_contiguous or \
                not a.flags.writeable:
            raise TypeError(f"{name} must be a writable C-contiguous float32 matrix")
    return Weights(W_in=W_in, W_out=W_out, W_hs=W_hs)


def make_block(ids, base, n_words, sentence_ends, chunk_size):
    """The CorpusBlock: ``ids`` are positions ``base``.. of a corpus of ``n_words`` words.

    ``sentence_ends`` may be the whole corpus's (an array, or a memmap of a temporary
    file): only the ends of the sentences the block overlaps are copied into the record,
    so a block costs memory for its own sentences, not the corpus's.
    """
    ids = np.ascontiguousarray(ids, dtype=np.int32)
    lo = int(base)
    hi = lo + ids.shape[0]
    first = int(np.searchsorted(sentence_ends, lo, side="right"))
    last = int(np.searchsorted(sentence_ends, max(hi - 1, lo), side="right"))
    return CorpusBlock(ids=ids, base=lo, n_words=int(n_words),
                       sentence_ends=np.array(sentence_ends[first:last + 1], dtype=np.int64),
                       chunk_size=int(chunk_size))


def chunk_size_for(n_words):
    """Chunk length from the corpus size alone, so that random draws do not depend on threads."""
    return int(min(MAX_CHUNK, max(MIN_CHUNK, n_words // 64)))


def train_words(weights, block, config, tables, epoch, words_before, total_words,
                first_chunk, stop_chunk):
    """Train chunks [first_chunk, stop_chunk) of ``block`` for one epoch; returns (trained, loss).

    ``words_before`` is the raw words of the run before this epoch's position 0 and
    ``total_words`` those of the whole run (they set the learning rate). Runs on
    ``numba.get_num_threads()`` threads.
    """
    ids = np.arange(first_chunk, stop_chunk, dtype=np.int64)
    trained = np.zeros(ids.shape[0], dtype=np.int64)
    losses = np.zeros(ids.shape[0], dtype=np.float64)
    position = RunPosition(epoch=int(epoch), words_before=int(words_before),
                           total_words=float(total_words))
    serial = contextlib.nullcontext() if layer_is_threadsafe() else _ONE_CALL_AT_A_TIME
    with serial:
        train_chunks(weights, block, ids, config, tables, position, trained, losses)
    return int(trained.sum()), float(losses.sum())


# ------------------------------------------------------------------ the run
@dataclass
class RunResult:
    """What one ``run_epochs`` call did."""
    epochs_asked: int
    epochs_done: int = 0             # complete epochs
    trained_words: int = 0           # words trained, after subsampling
    raw_words: int = 0               # corpus positions passed over
    loss: float = 0.0                # summed loss (0 unless compute_loss)
    epoch_losses: list = field(default_factory=list)
    seconds: float = 0.0
    threads: int = 1
    interrupted: bool = False
    stop_signal: str = ""            # "SIGINT" or "SIGTERM" when interrupted by a signal


def resolve_workers(workers):
    """The thread count to use: all cores when None, capped at what Numba can run."""
    available = numba.config.NUMBA_NUM_THREADS
    wanted = (os.cpu_count() or 1) if workers is None else int(workers)
    if wanted > available:
        logger.warning("workers=%d but Numba can run %d threads here; using %d",
                       wanted, available, available)
    return max(1, min(wanted, available))


def _progress_bar(progress, total):
    from tqdm.auto import tqdm
    disable = None if progress is None else not progress
    return tqdm(total=total, unit="w", unit_scale=True, disable=disable, smoothing=0.1,
                desc="training", dynamic_ncols=True)


class _StopRequest:
    """Turns SIGINT and SIGTERM into a request to stop after the current block.

    Installed only in the main thread and only for the duration of training; the
    previous handlers are restored. A second SIGINT raises KeyboardInterrupt at once.
    """

    SIGNALS = ("SIGINT", "SIGTERM")

    def __init__(self):
        self.signal = ""

    def _handle(self, signum, frame):
        name = signal.Signals(signum).name
        if self.signal and name == "SIGINT":
            raise KeyboardInterrupt
        self.signal = name

    @contextlib.contextmanager
    def installed(self):
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        old = {}
        try:
            for name in self.SIGNALS:
                num = getattr(signal, name, None)
                if num is not None:
                    old[num] = signal.signal(num, self._handle)
            yield self
        finally:
            for num, handler in old.items():
                signal.signal(num, handler)


def run_epochs(weights, corpus, config, tables, epochs, workers=None, progress=None,
               notify=None, chunk_words=None, report_delay=None, first_epoch=0):
    """Train for ``epochs`` passes over the EncodedCorpus ``corpus``; returns a RunResult.

    ``chunk_words`` sets the chunk length (gensim's ``batch_words``); None picks it from
    the corpus size (``chunk_size_for``). With ``report_delay`` (seconds; gensim's
    parameter), a progress line goes to the log at INFO level at most that often: at the
    end of the first block of words trained after that much time.

    The random draws of epoch ``e`` of this call are those of epoch ``first_epoch + e``
    (the chunk states come from seed, epoch and chunk): a caller that trains in several
    calls passes the epochs it ran before, so that no call repeats an earlier call's
    subsampling, windows and negatives. The learning rate follows this call's epochs.

    ``notify(event, result)`` is called with "on_train_begin", "on_epoch_begin",
    "on_epoch_end" and "on_train_end" (the result so far). Ctrl-C or SIGTERM stops after
    the current block: the weights stay usable and ``result.interrupted`` is set.
    """
    _precompile.wait()          # a driver being compiled in parallel: load it from the cache
    n = corpus.n_words
    chunk = chunk_size_for(n) if chunk_words is None else max(1, int(chunk_words))
    n_chunks = -(-n // chunk)
    threads = resolve_workers(workers)
    per_call = max(threads, BLOCK_WORDS // chunk)
    total = float(max(n * epochs, 1))
    result = RunResult(epochs_asked=epochs, threads=threads)
    notify = notify or (lambda event, res: None)
    stop = _StopRequest()
    old_threads = numba.get_num_threads()
    numba.set_num_threads(threads)
    bar = _progress_bar(progress, n * epochs)
    t0 = time.perf_counter()
    report = _ProgressLog(report_delay, n, t0)
    notify("on_train_begin", result)
    try:
        with stop.installed():
            for epoch in range(epochs):
                notify("on_epoch_begin", result)
                epoch_loss = 0.0
                for first in range(0, n_chunks, per_call):
                    if stop.signal:
                        raise KeyboardInterrupt
                    last = min(first + per_call, n_chunks)
                    lo, hi = first * chunk, min(last * chunk, n)
                    block = make_block(corpus.read(lo, hi), lo, n, corpus.sentence_ends, chunk)
                    trained, loss = train_words(weights, block, config, tables,
                                                first_epoch + epoch, epoch * n, total, first,
                                                last)
                    result.trained_words += trained
                    result.raw_words += hi - lo
                    epoch_loss += loss
                    _update_bar(bar, hi - lo, result, t0, config, epoch_loss)
                    report.block_done(epoch, hi, result)
                result.loss += epoch_loss
                result.epoch_losses.append(epoch_loss)
                result.epochs_done += 1
                notify("on_epoch_end", result)
    except KeyboardInterrupt:
        result.interrupted = True
        result.stop_signal = stop.signal or "SIGINT"
        logger.warning("training stopped by %s after %d complete epochs of %d and %d of %d "
                       "corpus positions (%d words trained): the vectors trained so far are "
                       "kept", result.stop_signal, result.epochs_done, epochs,
                       result.raw_words, n * epochs, result.trained_words)
    finally:
        bar.close()
        numba.set_num_threads(old_threads)
    result.seconds = time.perf_counter() - t0
    notify("on_train_end", result)
    logger.info("trained %d words (%d raw, %d epochs) in %.2f s: %.0f words/s on %d threads",
                result.trained_words, result.raw_words, result.epochs_done, result.seconds,
                result.trained_words / max(result.seconds, 1e-9), threads)
    return result


class _ProgressLog:
    """Progress lines in the log, at most one per ``delay`` seconds (None: none)."""

    def __init__(self, delay, n_words, t0):
        self.delay, self.n_words, self.t0 = delay, n_words, t0
        self.next_at = None if delay is None else t0 + delay

    def block_done(self, epoch, position, result):
        """After a block that ends at corpus ``position`` of ``epoch`` (0-based)."""
        if self.next_at is None:
            return
        now = time.perf_counter()
        if now < self.next_at:
            return
        self.next_at = now + self.delay
        logger.info("epoch %d: %.2f%% of the corpus, %d words trained, %.0f words/s",
                    epoch + 1, 100.0 * position / max(self.n_words, 1),
                    result.trained_words, result.trained_words / max(now - self.t0, 1e-9))


def _update_bar(bar, raw, result, t0, config, loss):
    bar.update(raw)
    elapsed = max(time.perf_counter() - t0, 1e-9)
    progress = min(result.raw_words / max(bar.total or 1, 1), 1.0)
    lr = max(config.min_alpha, config.alpha - (config.alpha - config.min_alpha) * progress)
    post = {"words/s": f"{result.trained_words / elapsed:,.0f}", "lr": f"{lr:.5f}"}
    if config.compute_loss:
        post["loss"] = f"{loss:.4g}"
    bar.set_postfix(post, refresh=False)
