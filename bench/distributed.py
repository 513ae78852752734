"""Distributed training on a LocalCluster against one process, plus a cost model for clusters.

    python bench/distributed.py --no-model --out /tmp/dist.md    # the issue-12 protocol
    python bench/distributed.py --max-words 5000000 --epochs 2    # a quick look
    python bench/distributed.py --merge-rules contract,sqrt,sum   # compare the merge rules
    python bench/distributed.py --contraction 0.001,0.002,0.005   # ... and the contraction
    python bench/distributed.py --model-only --per-core-wps 1.9e6  # just the projections
    python bench/distributed.py --from-json /tmp/r1.json /tmp/r2.json  # model vs saved runs

What it does:
- decompresses the corpus (cut to ``--max-words``) into ``--shards`` plain files;
- trains single-process ``Word2Vec`` with 1 and 2 threads, then
  ``numbaw2v.distributed.train`` on a ``LocalCluster`` of 1, 2 and 4 worker
  processes (1 thread each), same parameters and epochs, for each mode (CBOW,
  skip-gram); each cluster first runs a tiny warm-up so workers load compiled
  kernels from Numba's cache;
- reports analogy accuracy (questions-words) and WordSim-353 (Spearman), wall
  time of the training, words/s, bytes sent per round and per trained word;
- ends with the cost model: its bytes and round times against the measured
  cluster rows (``model_vs_measured``, from the vocabulary's real word counts), and
  its projection (``model_table``, ``cost_model``) of N machines x C cores at
  bandwidth B and round size R, from the measured per-core speed and the bytes
  per round predicted from Zipf word frequencies; ``--from-json`` does both for
  the rows of earlier runs, without training.
Prints a Markdown report (and appends it to ``--out`` if given): quality, time and
bytes per system, then each cluster run's per-round time split into the slowest
task's kernel, copy+diff+pack (the changed rows packed for the wire) and replica-sync
time, the driver's merge and send, and the rest (Dask's scheduling and transfers),
with the load average.
"""
import argparse
import gzip
import itertools
import json
import math
import os
import re
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# this file's name would shadow the ``distributed`` package: drop bench/ from the path
sys.path[:] = [ROOT] + [p for p in sys.path if os.path.abspath(p or ".") != HERE]
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
CORPUS = os.path.join(SHARED, "corpora", "gutenberg-dev.txt.gz")
ANALOGIES = os.path.join(SHARED, "eval", "questions-words.txt")
WORDSIM = os.path.join(SHARED, "eval", "wordsim353.tsv")


# ------------------------------------------------------------------ corpus
def write_shards(src, directory, shards, max_words, interleave=False):
    """Cut ``src`` to ``max_words`` words and write it as ``shards`` plain files of whole lines.

    Shard k holds the k-th run of consecutive lines, or, with ``interleave``, lines
    k, k + shards, k + 2 shards, ... (every shard then samples the whole corpus).
    """
    with gzip.open(src, "rt", encoding="utf-8", errors="replace") as f:
        lines, words = [], 0
        for line in f:
            n = len(line.split())
            if max_words and words + n > max_words:
                break
            lines.append(line if line.endswith("\n") else line + "\n")
            words += n
    paths = []
    for k in range(shards):
        path = os.path.join(directory, f"shard{k:02d}.txt")
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(lines[k::shards] if interleave else
                           lines[k * len(lines) // shards:(k + 1) * len(lines) // shards])
        paths.append(path)
    return paths, words


# ------------------------------------------------------------------ evaluation
def quality(wv, analogies, wordsim):
    from numbaw2v import evaluate
    out = {}
    if analogies and os.path.exists(analogies):
        out["analogy"] = float(evaluate.evaluate_word_analogies(wv, analogies)[0])
    if wordsim and os.path.exists(wordsim):
        out["wordsim"] = float(evaluate.evaluate_word_pairs(wv, wordsim)[1][0])
    return out


def run_single(paths, params, threads):
    from numbaw2v import Word2Vec
    model = Word2Vec(**dict(params, workers=threads, progress=False))
    t0 = time.perf_counter()
    model.build_vocab(corpus_file=paths)
    t1 = time.perf_counter()
    trained, _ = model.train(corpus_file=paths, total_words=model.corpus_total_words,
                             epochs=model.epochs)
    t2 = time.perf_counter()
    return model, {"vocab_s": t1 - t0, "train_s": t2 - t1, "trained": trained}


class Cluster:
    """A LocalCluster of ``n_workers`` processes x 1 thread, warmed up once, reused by runs."""

    def __init__(self, n_workers, params, warm):
        from dask.distributed import Client, LocalCluster

        import numbaw2v.distributed as nd
        self.nd, self.n = nd, n_workers
        self.cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                    dashboard_address=":0")
        self.client = Client(self.cluster)
        nd.train(self.client, warm, partitions=n_workers,      # every worker loads the kernels
                 **dict(params, epochs=1, min_count=1, progress=False))

    def run(self, paths, params, round_words, merge_rule, contraction, wire):
        t0 = time.perf_counter()
        model = self.nd.train(self.client, paths, round_words=round_words or None,
                              merge_rule=merge_rule, contraction=contraction, wire=wire,
                              **dict(params, workers=1, progress=False))
        wall = time.perf_counter() - t0
        st = model.distributed_stats
        return model, {"vocab_s": model.vocab_seconds, "train_s": st["seconds"], "wall_s": wall,
                       "R": st["round_words"], "wire": wire,
                       "trained": st["trained"], "rounds": st["rounds"],
                       "bytes_per_round": st["bytes_per_round"],
                       "bytes_per_word": st["bytes_per_word"],
                       **{k: st[k] for k in ("task_seconds", "train_seconds", "sync_seconds",
                                             "diff_seconds", "merge_seconds", "send_seconds",
                                             "round_seconds")}}

    def close(self):
        self.client.close()
        self.cluster.close()


# ------------------------------------------------------------------ cost model
# What one round moves in numbaw2v.distributed (driver.py, worker.py):
# - up, per partition: the changed rows of W_in and W_out as int32 ids, deltas (dim values:
#   int16 plus one float32 scale per row with the default wire format, float32 with
#   wire="float32") and one float32 expected-update count each (the "contract" merge);
# - down, to every worker: the merged changes of those rows (int32 id + dim values, packed
#   the same way);
# - now and then a full float32 snapshot of W_in and W_out to every worker: at the start of
#   the run and once the merged updates since the last one reach SNAPSHOT_AFTER model sizes.
def _snapshot_after():
    from numbaw2v.distributed.driver import SNAPSHOT_AFTER
    return SNAPSHOT_AFTER


def zipf_probs(vocab_size, exponent=1.0):
    ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
    p = ranks ** -exponent
    return p / p.sum()


def expected_distinct(p, draws):
    """Expected number of distinct items in ``draws`` draws from distribution ``p``."""
    return float(np.sum(-np.expm1(-np.asarray(draws, dtype=np.float64) * p)))


def word_tables(counts, sample=1e-3, ns_exponent=0.75):
    """(p, keep, q) of a vocabulary's ``counts``: word frequencies, subsampling keep
    probabilities (numbaw2v.vocab.keep_probabilities) and the negative-sampling distribution."""
    from numbaw2v.vocab import keep_probabilities, negative_weights
    counts = np.asarray(counts, dtype=np.float64)
    q = negative_weights(counts, ns_exponent)
    return counts / counts.sum(), keep_probabilities(counts, sample), q / q.sum()


def row_bytes(dim, wire="int16"):
    """Bytes of one changed row on the wire: int32 id + values (+ float32 scale)."""
    return 4 + (2 * dim + 4 if wire == "int16" else 4 * dim)


def round_bytes(p, q, words_per_part, parts, dim, negative=5, window=5, sg=False, keep=None,
                shared_negatives=True, shrink_windows=True, wire="int16"):
    """(bytes up from all parts, bytes down to each worker, merged rows) of one round.

    ``p``: word frequencies of the in-vocabulary words (sum 1); ``keep``: their
    subsampling keep probabilities (None: no subsampling); ``q``: the negative-sampling
    distribution; ``words_per_part``: in-vocabulary words one partition passes over.
    Draws are independent (Poisson): a word is touched unless none of its draws comes.
    W_in rows: the distinct kept words of the slice (each is some centre's context).
    W_out rows: the kept words (predicted) plus the negatives: ``negative`` per kept
    word, or per (centre, context) pair for skip-gram without shared negatives.
    Up: id + dim deltas + one float32 count per row; down: id + dim values per merged row
    (``row_bytes``).
    """
    keep = np.ones_like(p) if keep is None else keep
    row = row_bytes(dim, wire)
    kept = words_per_part * p * keep                 # expected kept occurrences per word
    ctx = window + 1 if shrink_windows else 2 * window
    per = ctx if sg and not shared_negatives else 1
    out = kept + kept.sum() * negative * per * q     # expected W_out updates per word
    rows_in, rows_out = expected_distinct(kept, 1.0), expected_distinct(out, 1.0)
    merged = expected_distinct(kept, parts) + expected_distinct(out, parts)
    return parts * (rows_in + rows_out) * (row + 4), merged * row, merged


def snapshots(rounds, merged_bytes, model_bytes, after=None):
    """How many full snapshots the driver broadcasts in ``rounds`` rounds (its rule)."""
    after = _snapshot_after() if after is None else after
    n, kept = 0, 0.0
    for g in range(rounds):
        if g == 0 or kept >= after * model_bytes:
            n, kept = n + 1, 0.0
        kept += merged_bytes
    return n


def predict_run_bytes(counts, round_words, rounds, workers, dim, negative=5, window=5, sg=False,
                      sample=1e-3, shared_negatives=True, wire="int16"):
    """Predicted bytes of a numbaw2v.distributed run, as its ``bytes_per_round`` counts them.

    The rounds per epoch are the driver's (``rounds.rounds_per_epoch``: ceil(in-vocabulary
    words / ``round_words``), capped by the chunks of the largest partition), for the
    words split evenly over ``workers`` partitions; a round passes over that share of the
    words, not over ``round_words`` itself; the epochs follow from ``rounds``.
    """
    from numbaw2v.distributed.rounds import rounds_per_epoch
    from numbaw2v.distributed.shards import split_range
    p, keep, q = word_tables(counts, sample)
    n_words = float(np.sum(counts))
    sizes = [b - a for a, b in split_range(int(n_words), workers)]
    per_epoch = rounds_per_epoch(sizes, round_words)
    up, down, merged = round_bytes(p, q, n_words / per_epoch / workers, workers, dim, negative,
                                   window, sg, keep, shared_negatives, wire=wire)
    model = 2 * len(p) * dim * 4
    n_snap = snapshots(rounds, down, model)
    snap = n_snap * model * workers / max(rounds, 1)
    return {"up": up, "down": down * workers, "snapshot": snap, "total": up + down * workers
            + snap, "per_epoch": per_epoch, "epochs": rounds / per_epoch, "snapshots": n_snap,
            "words_per_round": n_words / per_epoch, "merged_rows": merged, "model_bytes": model}


def _workers(row):
    m = re.search(r"(\d+) x (\d+) thread", row.get("system", ""))
    return int(m.group(1)) if m else None


def _single_per_core(rows, mode):
    """(threads, trained words/s per thread, runs): the mean over the single-process runs
    of ``mode`` with the fewest threads; None if there is none."""
    runs = {}
    for r in rows:
        m = re.match(r"1 process, (\d+) thread", r.get("system", ""))
        if m and r.get("mode") == mode:
            t = int(m.group(1))
            runs.setdefault(t, []).append(r["trained"] / r["train_s"] / t)
    if not runs:
        return None
    t = min(runs)
    return t, float(np.mean(runs[t])), len(runs[t])


def fit_overhead(points):
    """Least squares of per-round overhead = latency + bytes / bandwidth over (bytes, seconds).

    Returns (latency seconds, bandwidth bytes/s); bandwidth is inf when the bytes do not
    explain the overhead (a slope <= 0, or fewer than two distinct byte counts)."""
    x = np.array([b for b, _ in points], dtype=np.float64)
    y = np.array([s for _, s in points], dtype=np.float64)
    if len(x) < 2 or np.ptp(x) == 0:
        return float(y.mean()) if len(y) else 0.0, math.inf
    slope, latency = np.polyfit(x, y, 1)
    if slope <= 0:
        return float(y.mean()), math.inf
    return float(latency), float(1.0 / slope)


def model_vs_measured(rows, counts, dim=100, negative=5, window=5, sample=1e-3, cores=None):
    """Markdown: the cost model against the LocalCluster rows of a ``--json`` run.

    ``counts``: the corpus's vocabulary counts (after min_count). Bytes are predicted
    from them alone. Time per round = compute + communication: compute is the round's
    trained words over min(workers, ``cores``) cores at the per-core speed of the
    single-process runs of the same mode (their mean; the cluster row's own kernel
    speed if there is none); communication is latency + measured bytes / bandwidth, both fitted to
    the rows' measured overhead (round time minus kernel time).
    """
    cores = cores or os.cpu_count() or 1
    cl = [r for r in rows if _workers(r) and r.get("rounds") and "round_seconds" in r]
    if not cl:
        return "No LocalCluster rows to compare the model with."
    latency, bw = fit_overhead([(r["bytes_per_round"],
                                 (r["round_seconds"] - r["train_seconds"]) / r["rounds"])
                                for r in cl])
    lines = [f"Vocabulary of {len(counts):,} words ({int(np.sum(counts)):,} in-vocabulary "
             f"tokens), d={dim}, negative={negative}, window={window}, sample={sample:g}; "
             f"{cores} local cores. Predicted bytes: up (ids, deltas, counts) + down (merged "
             "rows to every worker) + the full snapshots (at the start and after every "
             f"{_snapshot_after()} model sizes of updates) spread over the rounds.", "",
             "| mode | workers | R | rounds | epochs | measured MB/round | predicted MB/round "
             "(up + down + snapshots) | ratio predicted/measured |", "|---" * 8 + "|"]
    timing = []
    for r in cl:
        n = _workers(r)
        sg = bool(r.get("mode", 0))
        pred = predict_run_bytes(counts, r["R"], r["rounds"], n, dim, negative, window, sg,
                                 sample, wire=r.get("wire", "float32"))
        meas = r["bytes_per_round"]
        mode = "SG" if sg else "CBOW"
        lines.append(f"| {mode} | {n} | {r['R']:,} | {r['rounds']} | {pred['epochs']:g} | "
                     f"{meas / 1e6:,.1f} | {pred['total'] / 1e6:,.1f} ({pred['up'] / 1e6:,.1f} + "
                     f"{pred['down'] / 1e6:,.1f} + {pred['snapshot'] / 1e6:,.1f}) | "
                     f"{pred['total'] / meas:.2f} |")
        single = _single_per_core(rows, r.get("mode", 0))
        per_round = r["trained"] / r["rounds"]
        if single:
            compute = per_round / (min(n, cores) * single[1])
            source = "1-process"
        else:
            compute = r["train_seconds"] / r["rounds"]
            source = "own kernel"
        comm = latency + pred["total"] / bw
        ratio = (compute + comm) * r["rounds"] / r["round_seconds"]
        timing.append(f"| {mode} | {n} | {r['R']:,} | {source} | "
                      f"{r['train_seconds'] / r['rounds']:.3f} | {compute:.3f} | "
                      f"{(r['round_seconds'] - r['train_seconds']) / r['rounds']:.3f} | "
                      f"{comm:.3f} | {r['round_seconds'] / r['rounds']:.3f} | "
                      f"{compute + comm:.3f} | {ratio:.2f} |")
    bw_text = "no bandwidth term (the bytes do not explain the overhead)" if math.isinf(bw) \
        else f"{bw * 8 / 1e9:.2f} Gbit/s"
    speeds = [(name, _single_per_core(rows, mode)) for mode, name in ((0, "CBOW"), (1, "SG"))]
    speeds = ", ".join(f"{name} {s[1]:,.0f}" for name, s in speeds if s)
    lines += ["", "Seconds per round. Model compute: trained words of the round over "
              f"min(workers, {cores}) cores at the per-core speed of the 1-process runs of the "
              f"same mode (their mean: {speeds or 'none'} words/s). Model communication: "
              "latency + predicted bytes / bandwidth, with "
              f"latency {latency:.3f} s and bandwidth {bw_text} FITTED (least squares) to "
              "the measured overhead (round minus kernel) against the measured bytes of these "
              "same rows, so the overhead columns agree partly by construction; the overhead "
              "includes the workers' copy+diff of the whole model, which scales with the model "
              "size rather than with the bytes.", "",
              "| mode | workers | R | speed from | kernel measured | compute model | "
              "overhead measured | communication model | round measured | round model | "
              "ratio |", "|---" * 11 + "|"] + timing
    return "\n".join(lines)


def cost_model(per_core_wps, machines, cores, bandwidth_bits, round_words, vocab_size, dim=300,
               negative=5, window=5, sg=False, latency_s=0.01, efficiency=0.9, p=None,
               topology="star", sample=1e-3, keep=None, snapshot_after=None):
    """Projected trained words/s and communication share of one configuration.

    ``round_words``: in-vocabulary words per round over all machines (before
    subsampling); ``per_core_wps``: trained (kept) words/s of one core; ``p``: word
    frequencies (Zipf(1) over ``vocab_size`` if None), ``keep`` their subsampling
    keep probabilities (from ``sample`` if None). Compute: the round's kept words
    over machines x cores at ``per_core_wps`` x ``efficiency`` (Hogwild scaling inside
    a machine). Communication at ``bandwidth_bits``/s per link plus ``latency_s`` per
    round, bytes as ``round_bytes`` plus the amortised full snapshots (one per
    ``snapshot_after`` model sizes of merged updates): ``"star"`` (what
    numbaw2v.distributed does now): every partition's deltas up to the driver and the
    merged rows down to every machine, all through the driver's link; ``"tree"``: a
    reduce tree and a broadcast tree among the workers (each link carries about one
    partition delta up and the merged rows down per level, log2(N) levels).
    """
    from numbaw2v.vocab import keep_probabilities, negative_weights
    p = zipf_probs(vocab_size) if p is None else p
    keep = keep_probabilities(p, sample) if keep is None else keep
    q = negative_weights(p, 0.75)
    q /= q.sum()
    after = _snapshot_after() if snapshot_after is None else snapshot_after
    up, down, _ = round_bytes(p, q, round_words / machines, machines, dim, negative, window, sg,
                              keep)
    model = 2 * len(p) * dim * 4
    down += model / max(1, math.ceil(after * model / max(down, 1.0)))   # snapshots, amortised
    comm_bytes = up + down * machines
    if topology == "star":
        link_bytes = comm_bytes
    else:
        link_bytes = (up / machines + down) * max(1, math.ceil(math.log2(max(machines, 2))))
    t_comm = link_bytes * 8 / bandwidth_bits + latency_s
    trained = round_words * float(np.dot(p, keep))
    t_compute = trained / (machines * cores * per_core_wps * efficiency)
    return {"words_per_s": trained / (t_comm + t_compute),
            "comm_share": t_comm / (t_comm + t_compute), "bytes_per_round": comm_bytes,
            "t_compute": t_compute, "t_comm": t_comm}


def smallest_round(share_at, target, lo=10.0, hi=48.0, steps=12):
    """Smallest R = 2^x (lo <= x <= hi) with ``share_at(R)`` <= ``target`` by bisection on x
    (the share falls with R: the bytes grow slower than R); None if not even at 2^hi."""
    if share_at(2.0 ** hi) > target:
        return None
    if share_at(2.0 ** lo) <= target:
        return 2.0 ** lo
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if share_at(2.0 ** mid) <= target else (mid, hi)
    return 2.0 ** hi


def _words(x):
    for unit, div in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= div:
            return f"{x / div:.3g} {unit}"
    return f"{x:.0f}"


def model_table(per_core_wps, dim, bandwidth_bits=10e9, cores=32, machines_list=(16, 64),
                vocabs=(3_000_000, 100_000), exponents=(20, 24, 28, 32), full=False,
                full_exponents=range(16, 39, 2)):
    """Markdown projection: one row per (vocabulary, machines, topology) with words/s and the
    communication share at round sizes 2^``exponents``, and the R where communication falls
    under 50 % and under 10 % of the round; ``full``: also every R of ``full_exponents``."""
    lines = [f"Per-core speed {per_core_wps:,.0f} trained words/s, d={dim}, negative=5, "
             f"sample=1e-3, {bandwidth_bits / 1e9:g} Gbit/s links, {cores} cores per machine "
             "at 90 % Hogwild efficiency, 10 ms latency per round, Zipf(1) words. R = "
             "in-vocabulary words per round over all machines; a cell is trained words/s "
             "(communication share of the round).", "",
             "| vocabulary | machines | topology | "
             + " | ".join(f"R = 2^{k}" for k in exponents)
             + " | comm < 50 % from R | comm < 10 % from R | MB/round at 2^32 |",
             "|---" * (len(exponents) + 6) + "|"]
    detail = ["", "| vocabulary | machines | topology | R | words/s | comm share | MB/round |",
              "|---|---|---|---|---|---|---|"]
    from numbaw2v.vocab import keep_probabilities
    for V in vocabs:
        p = zipf_probs(V)
        keep = keep_probabilities(p, 1e-3)
        for N in machines_list:
            for topo in ("star", "tree"):
                def at(R):
                    return cost_model(per_core_wps, N, cores, bandwidth_bits, R, V, dim=dim,
                                      p=p, keep=keep, topology=topo)
                cells = []
                for k in exponents:
                    m = at(2.0 ** k)
                    cells.append(f"{_words(m['words_per_s'])} ({100 * m['comm_share']:.0f} %)")
                half = smallest_round(lambda R: at(R)["comm_share"], 0.5)
                tenth = smallest_round(lambda R: at(R)["comm_share"], 0.1)
                big = at(2.0 ** 32)["bytes_per_round"] / 1e6
                lines.append(f"| {V:,} | {N} | {topo} | " + " | ".join(cells) + " | "
                             + " | ".join(f"2^{math.log2(R):.1f} = {_words(R)}" if R else
                                          "beyond 2^48" for R in (half, tenth))
                             + f" | {big:,.0f} |")
                if full:
                    for k in full_exponents:
                        m = at(2.0 ** k)
                        detail.append(f"| {V:,} | {N} | {topo} | 2^{k} | "
                                      f"{m['words_per_s']:,.0f} | {100 * m['comm_share']:.0f} % |"
                                      f" {m['bytes_per_round'] / 1e6:,.0f} |")
    return "\n".join(lines + (detail if full else []))


# ------------------------------------------------------------------ main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=CORPUS)
    ap.add_argument("--max-words", type=int, default=0, help="cut the corpus (0: all of it)")
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--interleave", action="store_true",
                    help="deal lines to shards round-robin instead of in runs")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--sg", default="0,1", help="modes: 0 CBOW, 1 skip-gram (comma-separated)")
    ap.add_argument("--cluster-workers", default="1,2,4")
    ap.add_argument("--single-threads", default="1,2")
    ap.add_argument("--round-words", default="0",
                    help="comma-separated round sizes (0: the library's default for the "
                    "number of workers)")
    ap.add_argument("--wire", default="int16",
                    help="comma-separated wire formats of the deltas: int16,float32")
    ap.add_argument("--merge-rules", default="contract",
                    help="comma-separated: contract,sum,sqrt,touched,mean,split")
    ap.add_argument("--contraction", default="0.002",
                    help="comma-separated contraction values (the 'contract' rule only)")
    ap.add_argument("--vector-size", type=int, default=100)
    ap.add_argument("--analogies", default=ANALOGIES)
    ap.add_argument("--wordsim", default=WORDSIM)
    ap.add_argument("--out", default=None, help="append the Markdown report to this file")
    ap.add_argument("--json", default=None, help="write the raw rows as JSON here")
    ap.add_argument("--model-only", action="store_true", help="only the cost model")
    ap.add_argument("--no-model", action="store_true", help="skip the cost model")
    ap.add_argument("--per-core-wps", type=float, default=None,
                    help="per-core speed for --model-only (trained words/s at --vector-size)")
    ap.add_argument("--from-json", nargs="+", default=None, metavar="FILE",
                    help="no training: the model against these saved --json rows, and projections")
    ap.add_argument("--counts", default=None,
                    help="(--from-json) .npy of the vocabulary counts: read if it exists, else "
                    "built from --corpus (min_count 5) and saved there")
    ap.add_argument("--local-cores", type=int, default=None,
                    help="(--from-json) cores of the machine the rows ran on (default: this one)")
    ap.add_argument("--model-dim", type=int, default=300,
                    help="d of the projections; the per-core speed is scaled by "
                    "vector-size / model-dim (the kernel's work is linear in d)")
    ap.add_argument("--full-model-table", action="store_true",
                    help="also print the projection for every round size 2^16..2^38")
    args = ap.parse_args(argv)
    if args.from_json:
        return from_json(args)
    ints = lambda s: [int(x) for x in s.split(",") if x]   # noqa: E731
    floats = lambda s: [float(x) for x in s.split(",") if x]   # noqa: E731
    report = []
    rows = []
    counts = None
    per_core = args.per_core_wps
    if not args.model_only:
        tmp = tempfile.mkdtemp(prefix="nw2v-dist-bench-")
        paths, words = write_shards(args.corpus, tmp, args.shards, args.max_words,
                                    args.interleave)
        warm = write_shards(args.corpus, tempfile.mkdtemp(prefix="nw2v-warm-"), 1, 5000)[0]
        report.append(f"## Distributed (LocalCluster) on {os.path.basename(args.corpus)}: "
                      f"{words:,} words in {args.shards} "
                      f"{'interleaved ' if args.interleave else ''}shards, {args.epochs} epochs, "
                      f"d={args.vector_size}, {os.cpu_count()} cores")
        report += ["", "| mode | system | merge | R | analogy | WS-353 | train s | load | words/s "
                   "| rounds | bytes/round | bytes/word |", "|---" * 12 + "|"]
        for sg in ints(args.sg):
            params = dict(sg=sg, epochs=args.epochs, vector_size=args.vector_size, seed=1)
            run_single(warm, dict(params, epochs=1, min_count=1), 1)      # compile / load cache
            for t in ints(args.single_threads):
                model, r = run_single(paths, params, t)
                r.update(quality(model.wv, args.analogies, args.wordsim), mode=sg,
                         system=f"1 process, {t} thread(s)", load=os.getloadavg()[0])
                rows.append(r)
                _row(report, r)
                print(report[-1], flush=True)
            for n in ints(args.cluster_workers):
                cluster = Cluster(n, params, warm)
                try:
                    for R in ints(args.round_words):
                        for rule in args.merge_rules.split(","):
                            for c, wire in itertools.product(
                                    floats(args.contraction) if rule == "contract" else [0.01],
                                    args.wire.split(",")):
                                model, r = cluster.run(paths, params, R, rule, c, wire)
                                counts = model.vocab.counts
                                r.update(quality(model.wv, args.analogies, args.wordsim),
                                         mode=sg, system=f"LocalCluster {n} x 1 thread",
                                         merge=rule + (f" c={c:g}" if rule == "contract" else "")
                                         + f", {wire}", load=os.getloadavg()[0])
                                rows.append(r)
                                _row(report, r)
                                print(report[-1], flush=True)
                finally:
                    cluster.close()
    timed = [r for r in rows if "round_seconds" in r]
    if timed:
        report += ["", "Per-round time (s, the slowest task's parts; load = 1-min load average "
                   "after the run):", "",
                   "| mode | system | merge | R | round | kernel | copy+diff+pack | sync | merge | "
                   "send | other | load |", "|---" * 12 + "|"]
        for r in timed:
            n = max(r["rounds"], 1)
            other = r["round_seconds"] - r["task_seconds"] - r["merge_seconds"] - \
                r["send_seconds"]
            parts = [r["round_seconds"], r["train_seconds"], r["diff_seconds"],
                     r["sync_seconds"], r["merge_seconds"], r["send_seconds"], other]
            report.append(f"| {'CBOW' if r['mode'] == 0 else 'SG'} | {r['system']} | "
                          f"{r['merge']} | {r['R']:,} | "
                          + " | ".join(f"{x / n:.3f}" for x in parts) + f" | {r['load']:.1f} |")
    if not args.no_model:
        report += cost_model_report(rows, counts, args, per_core)
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        with open(args.out, "a") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


def cost_model_report(rows, counts, args, per_core=None):
    """Markdown lines: the model against the cluster rows (given ``counts``), then the
    projections at d = ``args.model_dim`` from the 1-process CBOW run's per-core speed."""
    out = []
    if any(_workers(r) for r in rows):
        out += ["", "### Cost model against the LocalCluster runs", ""]
        out.append(model_vs_measured(rows, counts, dim=args.vector_size,
                                     cores=getattr(args, "local_cores", None))
                   if counts is not None else "(no vocabulary counts: no comparison)")
    single = _single_per_core(rows, 0)
    source = f"--per-core-wps at d={args.vector_size}"
    if per_core is None and single:
        per_core = single[1]
        source = (f"the mean of {single[2]} 1-process CBOW run(s) ({single[0]} thread(s)) at "
                  f"d={args.vector_size}")
    if per_core is None:
        per_core, source = 1e6, "an assumed 1,000,000 words/s"
    scaled = per_core * args.vector_size / args.model_dim
    out += ["", f"### Cost model: projections (CBOW; per-core speed {per_core:,.0f} words/s from "
            f"{source}, scaled by {args.vector_size}/{args.model_dim} to {scaled:,.0f} at "
            f"d={args.model_dim}; it assumes a 32-core machine's core as fast as this one's)",
            "", model_table(scaled, args.model_dim, full=args.full_model_table)]
    return out


def load_rows(paths, tries=30, wait=10.0):
    """The rows of saved ``--json`` files; a file still being written (not valid JSON yet)
    is read again after ``wait`` seconds, up to ``tries`` times."""
    rows = []
    for path in paths:
        for attempt in range(tries):
            try:
                with open(path) as f:
                    rows += json.load(f)
                break
            except (json.JSONDecodeError, FileNotFoundError):
                if attempt == tries - 1:
                    raise
                time.sleep(wait)
    return rows


def vocabulary_counts(corpus, cache=None):
    """The vocabulary counts (min_count 5, the bench's) of ``corpus``, cached in ``cache``."""
    if cache and os.path.exists(cache):
        return np.load(cache)
    from numbaw2v import Word2Vec
    model = Word2Vec(min_count=5, workers=1, progress=False)
    model.build_vocab(corpus_file=corpus)
    counts = np.asarray(model.vocab.counts)
    if cache:
        np.save(cache, counts)
    return counts


def from_json(args):
    """``--from-json``: the cost model against saved rows, and the projections; no training."""
    rows = load_rows(args.from_json)
    counts = vocabulary_counts(args.corpus, args.counts)
    report = [f"## Cost model for {', '.join(args.from_json)} (corpus "
              f"{os.path.basename(args.corpus)}, {len(rows)} rows)"]
    report += cost_model_report(rows, counts, args, args.per_core_wps)
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        with open(args.out, "a") as f:
            f.write(text)
    return 0


def _row(report, r):
    name = "CBOW" if r["mode"] == 0 else "SG"
    fmt = lambda k, f: (f.format(r[k]) if k in r else "")   # noqa: E731
    report.append(f"| {name} | {r['system']} | {r.get('merge', '')} | "
                  f"{fmt('R', '{:,}')} | {fmt('analogy', '{:.3f}')} | {fmt('wordsim', '{:.3f}')} | "
                  f"{r['train_s']:.1f} | {fmt('load', '{:.1f}')} | "
                  f"{r['trained'] / max(r['train_s'], 1e-9):,.0f} | "
                  f"{r.get('rounds', '')} | {fmt('bytes_per_round', '{:,.0f}')} | "
                  f"{fmt('bytes_per_word', '{:.1f}')} |")


if __name__ == "__main__":
    sys.exit(main())
