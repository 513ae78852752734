"""What runs on a Dask worker: counting, encoding and training one partition's slice.

Every task is a pure function of its arguments (pieces, vocabulary, model
version, round, seed): the module-level ``_RUNS`` is only a cache, so Dask can
rerun a task on any worker after a loss and get the same result.

- ``count_task`` scans a partition's pieces once into provisional ids (kept,
  spilled to a temporary file past ``corpus_memory_limit``) and returns its
  word counts for the vocabulary's tree reduction.
- ``encode_task`` maps them to the run's word ids: an ``EncodedCorpus`` in the
  worker's memory or local temporary storage, reused by every round and epoch,
  so the text is read once per run (a worker that replaces a lost one reads
  its pieces again).
- ``round_task`` brings the worker's replica of the model to the round's
  version (from the broadcast row updates, or from the latest snapshot), trains
  the slice with the engine's Hogwild kernels (``training.train_words``) in
  place, returns the changed rows as deltas (with each row's expected number of
  updates, ``update_counts``, for the "contract" merge) and keeps the untouched
  copy of the round's start as the replica, so the replica stays at the round's
  version. Both matrices are copied and compared in full (``_deltas``).
"""
import threading
import time

import numba
import numpy as np

from ..encoded import EncodedCorpus
from ..text import scan_sources
from ..training import make_block, make_tables, make_weights, resolve_workers, train_words
from ..kernels.delta import changed_rows
from ..kernels.records import TrainConfig
from ..vocab import Vocab, negative_weights
from .merge import apply_packed, pack_rows
from .shards import piece_blocks

_RUNS = {}                       # run id -> per-process cache (see _run)
_LOCK = threading.Lock()         # one task of a run trains at a time in a process


def _run(run_id):
    return _RUNS.setdefault(run_id, {"scans": {}, "corpora": {}, "vocab": None,
                                     "replica": None})


def forget(run_id):
    """Drop a run's cached state in this process (called on every worker at the end)."""
    state = _RUNS.pop(run_id, None)
    if state:
        for scan in state["scans"].values():
            scan.close()
        for corpus in state["corpora"].values():
            corpus.close()
    return True


# ------------------------------------------------------------------ counting and encoding
def scan_pieces(pieces, memory_budget_bytes):
    """One pass over a partition's pieces -> Scan; each piece ends its last sentence.

    The ids spill to a temporary file past ``memory_budget_bytes``, and the
    sentence lengths with them (``text.scan_sources``).
    """
    return scan_sources((piece_blocks(piece) for piece in pieces), memory_budget_bytes)


def count_task(run_id, part, pieces, memory_budget_bytes):
    """Scan partition ``part`` and keep its ids here; return its counts for the merge."""
    scan = scan_pieces(pieces, memory_budget_bytes)
    with _LOCK:
        old = _run(run_id)["scans"].pop(part, None)
        if old is not None:
            old.close()
        _run(run_id)["scans"][part] = scan
    return {"types": scan.types, "counts": scan.counts, "words": scan.total_words,
            "sentences": int(np.count_nonzero(scan.sentence_lengths)),
            "undecodable": scan.undecodable}


def _vocab(state, vocab_data):
    if state["vocab"] is None:
        keys, counts, sample, ns_exponent = vocab_data
        state["vocab"] = Vocab(keys, counts, sample, ns_exponent)
        state["tables"] = make_tables(state["vocab"])
        q = negative_weights(counts, ns_exponent)
        state["neg_prob"] = q / q.sum()
    return state["vocab"]


def _encoded(run_id, part, pieces, vocab_data, memory_budget_bytes):
    """The partition's EncodedCorpus: cached, or from its kept scan, or scanned again."""
    state = _run(run_id)
    corpus = state["corpora"].get(part)
    if corpus is not None:
        return corpus
    vocab = _vocab(state, vocab_data)
    scan = state["scans"].pop(part, None) or scan_pieces(pieces, memory_budget_bytes)
    corpus = EncodedCorpus.from_scan(scan, vocab.ids_of(scan.types), memory_budget_bytes)
    state["corpora"][part] = corpus
    return corpus


def encode_task(run_id, part, pieces, vocab_data, memory_budget_bytes):
    """Encode partition ``part`` with the run's vocabulary; return its size."""
    with _LOCK:
        corpus = _encoded(run_id, part, pieces, vocab_data, memory_budget_bytes)
        return {"words": corpus.n_words, "raw": corpus.raw_words}


# ------------------------------------------------------------------ the model replica
def _replica(state, session, version, snapshot, updates):
    """The worker's (W_in, W_out) at ``version``: kept, brought forward, or from the snapshot.

    ``snapshot`` is (version s, W_in, W_out); ``updates`` holds, for each
    version v in s+1..``version`` (and possibly s itself, for a replica at s-1),
    (v, rows_in, change of rows_in, rows_out, change of rows_out), the changes
    packed by ``merge.pack_rows``.
    A replica of another driver session (before a resume) is never reused.
    """
    rep = state["replica"]
    given = {u[0] for u in updates}
    # kept when the updates lead from its version to ``version``; else from the snapshot
    if rep is None or rep[0] != session or rep[1] > version or not given.issuperset(
            range(rep[1] + 1, version + 1)):
        rep = (session, snapshot[0], snapshot[1].copy(), snapshot[2].copy())
    _, have, W_in, W_out = rep
    for v, rows_in, new_in, rows_out, new_out in updates:
        if v > have:
            if v != have + 1:
                raise AssertionError(f"model update {v} after version {have}")
            apply_packed(W_in, rows_in, new_in)
            apply_packed(W_out, rows_out, new_out)
            have = v
    if have != version:
        raise AssertionError(f"replica at version {have}, the round needs {version}")
    state["replica"] = (session, have, W_in, W_out)
    return W_in, W_out


def _threads(threads):
    if threads is not None:
        return resolve_workers(threads)
    try:
        from distributed import get_worker
        return resolve_workers(get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return resolve_workers(None)


def update_counts(counts, keep_prob, neg_prob, config):
    """Expected updates of each row of W_in and W_out when a slice is trained.

    ``counts`` holds each word's occurrences in the slice. After subsampling
    (``keep_prob``) a word is a context of about ``window + 1`` centre words
    (``2 window`` without shrink_windows): W_in updates. W_out: each kept word
    once as the predicted word, plus ``negative`` draws from ``neg_prob`` per
    kept word (skip-gram without shared negatives: per (centre, context) pair).
    """
    kept = counts * keep_prob
    ctx = config["window"] + 1 if config["shrink_windows"] else 2 * config["window"]
    per = ctx if config["sg"] and not config["shared_negatives"] else 1
    n_out = per * (kept + kept.sum() * config["negative"] * neg_prob)
    return kept * ctx, n_out


def _buffers(state, W_in, W_out):
    """Two matrices shaped like the replica's, allocated once per run and process."""
    bufs = state.get("buffers")
    if bufs is None or bufs[0].shape != W_in.shape or bufs[1].shape != W_out.shape:
        bufs = state["buffers"] = (np.empty_like(W_in), np.empty_like(W_out))
    return bufs


def _deltas(W, before):
    """Rows of W that differ from ``before`` and their differences, as a pair and arrays.

    Returns ((rows, W[rows] - before[rows]), replica, buffer): ``before`` (the
    exact old values) is the replica again, so the replica is back at the round's
    version without a copy, and W becomes the scratch buffer of the next round.
    """
    out = np.empty_like(W)
    rows = np.empty(W.shape[0], dtype=np.int32)
    n = changed_rows(W, before, out, rows)
    return (rows[:n].copy(), out[:n]), before, W


def round_task(run_id, session, part, pieces, vocab_data, memory_budget_bytes, config, work,
               version, snapshot, updates, threads, wire="float32"):
    """Train partition ``part``'s slice ``work`` (a rounds.Slice plus layout) from ``version``.

    ``work`` is (slice, partition offset, partition size, chunk length, run words);
    ``config`` the TrainConfig as a dict; ``session`` names the driver's session.
    Returns the row deltas of both matrices (packed for the ``wire`` format by
    ``merge.pack_rows``), the rows' expected update counts
    (``n_in``, ``n_out``) and the slice's counts.
    """
    sl, offset, size, chunk, total = work
    t0 = time.perf_counter()
    with _LOCK:
        state = _run(run_id)
        corpus = _encoded(run_id, part, pieces, vocab_data, memory_budget_bytes)
        W_in, W_out = _replica(state, session, version, snapshot, updates)
        t_ready = time.perf_counter()
        ids = corpus.read(sl.lo, sl.hi)
        counts = np.bincount(ids, minlength=W_in.shape[0])
        saved = _buffers(state, W_in, W_out)      # kept between rounds: no page faults
        for keep, W in zip(saved, (W_in, W_out)):
            np.copyto(keep, W)
        state["replica"] = None        # being trained in place: rebuilt if this task fails
        block = make_block(ids, offset + sl.lo, offset + size,
                           corpus.sentence_ends + offset, chunk)
        old_threads = numba.get_num_threads()
        numba.set_num_threads(_threads(threads))
        t_copied = time.perf_counter()
        try:
            trained, loss = train_words(make_weights(W_in, W_out), block, TrainConfig(**config),
                                        state["tables"], sl.epoch, sl.words_before, total,
                                        sl.first_chunk, sl.stop_chunk)
        finally:
            numba.set_num_threads(old_threads)
        t_trained = time.perf_counter()
        (rows_in, d_in), W_in, buf_in = _deltas(W_in, saved[0])
        (rows_out, d_out), W_out, buf_out = _deltas(W_out, saved[1])
        state["buffers"] = (buf_in, buf_out)
        state["replica"] = (session, version, W_in, W_out)
        n_in, n_out = update_counts(counts, state["tables"].keep_prob, state["neg_prob"], config)
        n_in, n_out = n_in[rows_in].astype(np.float32), n_out[rows_out].astype(np.float32)
    packed_in, packed_out = pack_rows(d_in, wire), pack_rows(d_out, wire)
    t_end = time.perf_counter()        # diff_seconds covers the copy, the diff and the packing
    return {"rows_in": rows_in, "d_in": packed_in, "n_in": n_in,
            "rows_out": rows_out, "d_out": packed_out, "n_out": n_out,
            "trained": trained,
            "raw": sl.hi - sl.lo, "loss": loss, "sync_seconds": t_ready - t0,
            "train_seconds": t_trained - t_copied,
            "diff_seconds": (t_copied - t_ready) + (t_end - t_trained),
            "seconds": t_end - t0}
