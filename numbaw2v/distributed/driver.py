"""The driver of a distributed run: plan, vocabulary, rounds, merges, checkpoints, progress.

The driver holds the master copy of the model. Per round it submits one task per
partition (``worker.round_task``), gathers their row deltas, merges them
(``merge.merge_rows``), and broadcasts the merged changes (packed: ``merge.pack_rows``),
which it applies to the master copy exactly as the workers do to theirs; at the start
of a session, and whenever the updates kept since the last one add up to
``SNAPSHOT_AFTER`` model sizes, it broadcasts a full snapshot, from which a worker that
joins late or replaces a lost one builds its replica (so workers keep a bounded number
of model copies, whatever the round count). Dask does the scheduling, data movement,
retries and worker loss; numbaw2v adds no sockets, RPC or process pools of its own.
"""
import hashlib
import json
import logging
import time
import uuid
from concurrent.futures import CancelledError

import numpy as np

from .. import params as param_table
from ..errors import ParameterError, VocabularyError
from ..model_state import check_finite
from ..training import make_config
from ..vocab import Vocab
from . import checkpoint, merge, shards, worker
from .rounds import Schedule
from .vocab_merge import tree_reduce, vocab_from_counts

logger = logging.getLogger(__name__)

ROUND_WORDS_BUDGET = 1 << 24     # round words x partitions**2 (default_round_words)
SNAPSHOT_AFTER = 4      # a new snapshot once the kept updates reach this many model sizes
LOST_DATA_RETRIES = 3   # rounds rerun after their scattered inputs were lost with a worker


def _nbytes(*arrays):
    return int(sum(a.nbytes for a in arrays if a is not None))


class _Placement:
    """Partition -> preferred worker address, re-dealt when a worker leaves."""

    def __init__(self, client):
        self.client = client
        self.where = {}

    def workers(self):
        return sorted(self.client.scheduler_info()["workers"])

    def of(self, parts):
        live = self.workers()
        for p in parts:
            if self.where.get(p) not in live:
                self.where[p] = live[p % len(live)] if live else None
        return {p: ([self.where[p]] if self.where[p] else None) for p in parts}


def default_round_words(partitions):
    """Words per round (over all partitions) when ``round_words`` is None: 2**24 / P**2.

    Each round costs a fixed overhead (finding, shipping and merging the changed
    rows, 0.27 s with 2 workers and 2**18-word rounds on gutenberg-dev), so rounds
    should be long; but the merged model drifts from one machine's further the more
    partitions train apart and the longer they do. Measured on gutenberg-dev (5
    epochs, CBOW, "contract"; one process 0.323-0.325 analogy): 2 partitions kept
    analogy within 0.01 of one process up to 2**22 words per round, 4 partitions up
    to 2**20 (2**21: 0.301, 2**22: 0.291); hence 2**24 / P**2, at least 2**16
    (bench/RESULTS.md).
    """
    return max(1 << 16, ROUND_WORDS_BUDGET // max(1, int(partitions)) ** 2)


def _scatter(client, obj):
    """One object on every worker (a list scatters its items, hence the wrapping)."""
    return client.scatter([obj], broadcast=True, hash=False)[0]


def train(client, corpus_file, *, checkpoint_dir=None, checkpoint_every=60.0,
          round_words=None, merge_rule=merge.DEFAULT_RULE, partitions=None,
          on_round=None, contraction=merge.DEFAULT_CONTRACTION, wire=merge.DEFAULT_WIRE,
          **params):
    """Train word2vec data-parallel on the Dask cluster of ``client``; returns a ``Word2Vec``.

    ``corpus_file``: path(s), globs or fsspec URLs of text (plain/.gz/.bz2/.xz, one
    sentence per line) that every worker can read. ``params`` are ``Word2Vec``'s
    (the same names, defaults and meanings); ``workers`` is the threads each
    Dask worker trains with (default: the Dask worker's ``nthreads``).

    The corpus is cut into ``partitions`` parts (default: one per Dask worker at
    the start). Training runs in synchronous rounds of about ``round_words`` words over
    all partitions (None: ``default_round_words(partitions)``); the changed rows travel
    as ``wire`` ("int16": half the bytes, each row as 16-bit integers times its largest
    entry; "float32": exact); deltas are merged by ``merge_rule`` (``"sum"``,
    ``"sqrt"``, ``"touched"``, ``"mean"``, ``"split"`` or the default ``"contract"``,
    whose ``contraction`` is the share of the way to a row's local optimum one update
    covers; see ``numbaw2v.distributed.merge``). With ``checkpoint_dir`` the model is
    saved there after a round when ``checkpoint_every`` seconds have passed since the
    last save (0: every round) and at the end of each epoch, and a run with the same
    plan resumes from it.
    ``on_round(rounds_done, rounds_total)`` is called after every round.
    The same seed and sharding give the same vectors (with one thread per worker).
    """
    from ..word2vec import Word2Vec
    if merge_rule not in merge.RULES:
        raise ParameterError(f"merge_rule must be one of {', '.join(merge.RULES)}, "
                             f"got {merge_rule!r}")
    if not isinstance(contraction, (int, float)) or not 0 < contraction < 1:
        raise ParameterError(f"contraction must be a number in (0, 1), got {contraction!r}")
    if round_words is not None and (isinstance(round_words, bool) or not isinstance(
            round_words, (int, np.integer)) or round_words < 1):
        raise ParameterError(f"round_words must be an integer >= 1 or None, got {round_words!r}")
    if wire not in merge.WIRE_FORMATS:
        raise ParameterError(f"wire must be one of {', '.join(merge.WIRE_FORMATS)}, "
                             f"got {wire!r}")
    model = Word2Vec(**params)                      # parameters checked by the table
    if not client.scheduler_info()["workers"]:
        client.wait_for_workers(1)
    n_parts = int(partitions) if partitions is not None else \
        len(client.scheduler_info()["workers"])
    groups = shards.plan(corpus_file, max(1, n_parts))
    if round_words is None:
        round_words = default_round_words(len(groups))
    plan = json.loads(json.dumps({
        "params": {p.name: getattr(model, p.name) for p in param_table.PARAMS if p.saved
                   and p.name != "workers"},
        "pieces": [[str(piece) for piece in g] for g in groups],
        "round_words": int(round_words), "merge_rule": merge_rule,
        "contraction": float(contraction), "wire": wire}))
    data_id = "nw2v" + hashlib.sha256(json.dumps(plan, sort_keys=True).encode()) \
        .hexdigest()[:16]
    session = uuid.uuid4().hex[:12]
    budget = model.corpus_memory_limit
    placement = _Placement(client)
    where = placement.of(range(len(groups)))

    def submit(fn, key, part, *args):
        return client.submit(fn, *args, key=f"numbaw2v-{key}-{data_id}-{session}",
                             workers=where[part], allow_other_workers=True, pure=False)

    t0 = time.perf_counter()
    resumed = checkpoint.load(checkpoint_dir, plan) if checkpoint_dir else None
    if resumed is None:
        counts = [submit(worker.count_task, f"count-{p}", p, data_id, p, g, budget)
                  for p, g in enumerate(groups)]
        merged = tree_reduce(client, counts, f"numbaw2v-vocab-{data_id}-{session}").result()
        if merged["words"] == 0:
            raise VocabularyError(f"the corpus is empty: {corpus_file!r} holds no tokens")
        vocab = vocab_from_counts(merged, model.min_count, model.max_vocab_size, model.sample,
                                  model.ns_exponent, max_final_vocab=model.max_final_vocab,
                                  sorted_vocab=model.sorted_vocab, null_word=model.null_word)
        start, totals = 0, {"sentences": merged["sentences"], "words": merged["words"],
                            "loss": 0.0}
        del counts
        model.vocab = vocab
        model._init_weights()
        W_in, W_out = model.wv.vectors, model.syn1neg
    else:
        start, keys, vcounts, W_in, W_out, totals = resumed
        vocab = Vocab(keys, vcounts, model.sample, model.ns_exponent)
        model.vocab = vocab
        logger.info("resuming from %s after round %d", checkpoint_dir, start)
    vocab_seconds = time.perf_counter() - t0
    vocab_tuple = (vocab.index_to_key, vocab.counts, model.sample, model.ns_exponent)
    vocab_data = _scatter(client, vocab_tuple)
    sizes = client.gather([submit(worker.encode_task, f"encode-{p}", p, data_id, p, g,
                                  vocab_data, budget) for p, g in enumerate(groups)])
    schedule = Schedule([s["words"] for s in sizes], model.epochs, round_words)
    if schedule.n_words == 0:
        raise VocabularyError("no word of the corpus is in the vocabulary")
    config = make_config(model.sg, model.cbow_mean, model.window, model.shrink_windows,
                         model.negative, model.shared_negatives, model.alpha, model.min_alpha,
                         model.seed, model.compute_loss)._asdict()
    bar = _bar(model.progress, schedule)
    bar.update(sum(schedule.raw_words(g) for g in range(start)))
    snapshot, updates, kept_bytes = None, [], 0
    last_save = time.perf_counter()
    t_train = time.perf_counter()
    stats = {"rounds": 0, "bytes_up": 0, "bytes_down": 0, "trained": 0, "task_seconds": 0.0,
             "train_seconds": 0.0, "sync_seconds": 0.0, "diff_seconds": 0.0,
             "merge_seconds": 0.0, "send_seconds": 0.0, "round_seconds": 0.0}
    try:
        for g in range(start, schedule.rounds):
            t_round = time.perf_counter()
            n_workers = max(1, len(placement.workers()))
            if snapshot is None or kept_bytes >= SNAPSHOT_AFTER * _nbytes(W_in, W_out):
                ts = time.perf_counter()
                # the last update stays: a worker's replica one version behind needs only it
                snapshot, updates, kept_bytes = _scatter(client, (g, W_in, W_out)), updates[-1:], 0
                stats["send_seconds"] += time.perf_counter() - ts
                stats["bytes_down"] += _nbytes(W_in, W_out) * n_workers
            slices = schedule.slices(g)
            for attempt in range(LOST_DATA_RETRIES + 1):
                where = placement.of([s.part for s in slices])
                futures = [submit(worker.round_task, f"round-{g}-{s.part}-a{attempt}", s.part,
                                  data_id, session, s.part, groups[s.part], vocab_data, budget,
                                  config, (s, schedule.offsets[s.part], schedule.sizes[s.part],
                                           schedule.chunk, schedule.total_words),
                                  g, snapshot, updates, model.workers, wire) for s in slices]
                try:
                    results = client.gather(futures)
                    break
                except CancelledError:
                    # Dask reruns a lost task, but data the driver scattered is lost with the
                    # last worker holding it (a broadcast can miss a worker that is busy or
                    # joining): send it again from the driver's copies and rerun the round
                    if attempt == LOST_DATA_RETRIES:
                        raise
                    logger.warning("round %d: scattered model data lost with a worker; "
                                   "sending it again", g + 1)
                    del futures
                    vocab_data = _scatter(client, vocab_tuple)
                    snapshot, updates, kept_bytes = _scatter(client, (g, W_in, W_out)), [], 0
                    stats["bytes_down"] += _nbytes(W_in, W_out) * n_workers
            del futures
            tm = time.perf_counter()
            rows_in, vals_in = merge.merge_rows(
                [(r["rows_in"], merge.unpack_rows(r["d_in"]), r["n_in"]) for r in results],
                merge.rule_for(merge_rule, "in"), len(groups), contraction)
            rows_out, vals_out = merge.merge_rows(
                [(r["rows_out"], merge.unpack_rows(r["d_out"]), r["n_out"]) for r in results],
                merge.rule_for(merge_rule, "out"), len(groups), contraction)
            # what goes out is the merged change, packed; the driver applies it as unpacked
            # (so every replica applies the same numbers)
            new_in, new_out = merge.pack_rows(vals_in, wire), merge.pack_rows(vals_out, wire)
            merge.apply_packed(W_in, rows_in, new_in)
            merge.apply_packed(W_out, rows_out, new_out)
            update = (g + 1, rows_in, new_in, rows_out, new_out)
            ts = time.perf_counter()
            updates = updates + [_scatter(client, update)]
            stats["send_seconds"] += time.perf_counter() - ts
            up = sum(_nbytes(r["rows_in"], *r["d_in"], r["n_in"], r["rows_out"], *r["d_out"],
                             r["n_out"]) for r in results)
            merged_bytes = _nbytes(rows_in, *new_in, rows_out, *new_out)
            kept_bytes += merged_bytes
            down = merged_bytes * n_workers
            trained = sum(r["trained"] for r in results)
            raw = sum(r["raw"] for r in results)
            stats["rounds"] += 1
            stats["bytes_up"] += up
            stats["bytes_down"] += down
            stats["trained"] += trained
            stats["task_seconds"] += max(r["seconds"] for r in results)
            stats["train_seconds"] += max(r["train_seconds"] for r in results)
            stats["merge_seconds"] += ts - tm
            slowest = max(results, key=lambda r: r["seconds"])
            stats["sync_seconds"] += slowest["sync_seconds"]
            stats["diff_seconds"] += slowest["diff_seconds"]
            stats["round_seconds"] += time.perf_counter() - t_round
            totals["loss"] += sum(r["loss"] for r in results)
            elapsed = max(time.perf_counter() - t_train, 1e-9)
            bar.update(raw)
            bar.set_postfix({"words/s": f"{stats['trained'] / elapsed:,.0f}",
                             "round": f"{g + 1}/{schedule.rounds}",
                             "MB/round": f"{(up + down) / 1e6:.2f}"}, refresh=False)
            epoch_end = (g + 1) % schedule.per_epoch == 0
            if checkpoint_dir and (epoch_end or g + 1 == schedule.rounds or
                                   time.perf_counter() - last_save >= checkpoint_every):
                checkpoint.save(checkpoint_dir, plan, g + 1, vocab, W_in, W_out, totals)
                last_save = time.perf_counter()
            if on_round is not None:
                on_round(g + 1, schedule.rounds)
    finally:
        bar.close()
    client.run(worker.forget, data_id)
    model.vocab = vocab
    model.syn1neg = np.ascontiguousarray(W_out)
    model._make_wv(np.ascontiguousarray(W_in))
    model.corpus_count = int(totals["sentences"])
    model.corpus_total_words = int(totals["words"])
    model.running_training_loss = float(totals["loss"])
    model.train_seconds = time.perf_counter() - t_train
    model.vocab_seconds = vocab_seconds
    model.interrupted = False
    model.stop_signal = ""
    cause = "distributed training diverged: lower alpha or round_words"
    for name, arr in (("wv.vectors", model.wv.vectors), ("syn1neg", model.syn1neg)):
        check_finite(name, arr, cause)
    rounds = max(stats["rounds"], 1)
    model.distributed_stats = dict(
        stats, partitions=len(groups), rounds_total=schedule.rounds, per_epoch=schedule.per_epoch,
        bytes_per_round=(stats["bytes_up"] + stats["bytes_down"]) / rounds,
        bytes_per_word=(stats["bytes_up"] + stats["bytes_down"]) / max(stats["trained"], 1),
        seconds=model.train_seconds, merge_rule=merge_rule, round_words=int(round_words),
        contraction=float(contraction))
    logger.info("distributed: %d rounds on %d partitions, %.0f words/s, %.2f MB per round",
                stats["rounds"], len(groups), stats["trained"] / max(model.train_seconds, 1e-9),
                model.distributed_stats["bytes_per_round"] / 1e6)
    return model


def _bar(progress, schedule):
    from tqdm.auto import tqdm
    disable = None if progress is None else not progress
    return tqdm(total=schedule.n_words * schedule.epochs, unit="w", unit_scale=True,
                disable=disable, smoothing=0.1, desc="training (dask)", dynamic_ncols=True)
