"""Distributed training on a LocalCluster against one process, plus a cost model for clusters.

    python bench/distributed.py --no-model --out /tmp/dist.md    # the issue-12 protocol
    python bench/distributed.py --max-words 5000000 --epochs 2    # a quick look
    python bench/distributed.py --merge-rules contract,sqrt,sum   # compare the merge rules
    python bench/distributed.py --contraction 0.001,0.002,0.005   # ... and the contraction
    python bench/distributed.py --model-only --bytes-per-word 40  # just the cost model

What it does:
- decompresses the corpus (cut to ``--max-words``) into ``--shards`` plain files;
- trains single-process ``Word2Vec`` with 1 and 2 threads, then
  ``numbaw2v.distributed.train`` on a ``LocalCluster`` of 1, 2 and 4 worker
  processes (1 thread each), same parameters and epochs, for each mode (CBOW,
  skip-gram); each cluster first runs a tiny warm-up so workers load compiled
  kernels from Numba's cache;
- reports analogy accuracy (questions-words) and WordSim-353 (Spearman), wall
  time of the training, words/s, bytes sent per round and per trained word;
- ends with the cost model (``cost_model``): throughput of N machines x C cores
  at bandwidth B and round size R, from the measured per-core speed and the
  bytes per round predicted from the vocabulary's word frequencies.
Prints a Markdown report (and appends it to ``--out`` if given): quality, time and
bytes per system, then each cluster run's per-round time split into the slowest
task's kernel, copy+diff and replica-sync time, the driver's merge and send, and
the rest (Dask's scheduling and transfers), with the load average.
"""
import argparse
import gzip
import json
import math
import os
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

    def run(self, paths, params, round_words, merge_rule, contraction):
        t0 = time.perf_counter()
        model = self.nd.train(self.client, paths, round_words=round_words,
                              merge_rule=merge_rule, contraction=contraction,
                              **dict(params, workers=1, progress=False))
        wall = time.perf_counter() - t0
        st = model.distributed_stats
        return model, {"vocab_s": model.vocab_seconds, "train_s": st["seconds"], "wall_s": wall,
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
def zipf_probs(vocab_size, exponent=1.0):
    ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
    p = ranks ** -exponent
    return p / p.sum()


def expected_distinct(p, draws):
    """Expected number of distinct items in ``draws`` draws from distribution ``p``."""
    return float(np.sum(-np.expm1(-np.asarray(draws, dtype=np.float64) * p)))


def round_bytes(p, q, words_per_part, parts, dim, negative, window, sg):
    """(bytes up, bytes down per worker) of one round, from word frequencies ``p``.

    W_in rows touched: the distinct words of a partition's slice (contexts).
    W_out rows touched: distinct centre words plus distinct negatives (drawn from
    ``q`` = unigram^0.75; once per word for CBOW and shared-negative skip-gram).
    Each row costs 4 bytes of id + 4*dim of values; down is the merge of all parts.
    """
    row = 4 + 4 * dim
    draws_neg = words_per_part * negative
    rows_in = expected_distinct(p, words_per_part)
    rows_out = min(len(p), rows_in + expected_distinct(q, draws_neg))
    merged_in = expected_distinct(p, words_per_part * parts)
    merged_out = min(len(p), merged_in + expected_distinct(q, draws_neg * parts))
    return parts * (rows_in + rows_out) * row, (merged_in + merged_out) * row


def cost_model(per_core_wps, machines, cores, bandwidth_bits, round_words, vocab_size, dim=300,
               negative=5, window=5, sg=False, latency_s=0.01, efficiency=0.9, p=None,
               topology="star"):
    """Projected words/s and communication share of one configuration.

    Compute: the round's words over machines x cores at ``per_core_wps`` x
    ``efficiency`` (Hogwild scaling inside a machine). Communication at
    ``bandwidth_bits``/s per link, ``latency_s`` per round for scheduling:
    ``"star"`` (what numbaw2v.distributed does now): every partition's deltas up
    to the driver and the merged rows down to every machine, all through the
    driver's link; ``"tree"``: a reduce tree and a broadcast tree among the
    workers (each link carries about one partition delta up and the merged rows
    down per level, log2(N) levels).
    """
    p = zipf_probs(vocab_size) if p is None else p
    q = p ** 0.75
    q /= q.sum()
    per_part = round_words / machines
    up, down = round_bytes(p, q, per_part, machines, dim, negative, window, sg)
    comm_bytes = up + down * machines
    if topology == "star":
        link_bytes = comm_bytes
    else:
        link_bytes = (up / machines + down) * max(1, math.ceil(math.log2(max(machines, 2))))
    t_comm = link_bytes * 8 / bandwidth_bits + latency_s
    t_compute = round_words / (machines * cores * per_core_wps * efficiency)
    return {"words_per_s": round_words / (t_comm + t_compute),
            "comm_share": t_comm / (t_comm + t_compute), "bytes_per_round": comm_bytes,
            "t_compute": t_compute, "t_comm": t_comm}


def model_table(per_core_wps, dim, bandwidth_bits=10e9, cores=32, machines_list=(16, 64),
                vocabs=(3_000_000, 100_000), exponents=range(16, 39, 2)):
    lines = [f"Per-core speed {per_core_wps:,.0f} trained words/s, d={dim}, negative=5, "
             f"{bandwidth_bits / 1e9:g} Gbit/s links, {cores} cores per machine, Zipf(1) words.",
             "", "| vocabulary | machines | topology | round words R | words/s | comm share | "
             "MB/round |", "|---|---|---|---|---|---|---|"]
    smallest = {}
    for V in vocabs:
        p = zipf_probs(V)
        for N in machines_list:
            for topo in ("star", "tree"):
                for R in [2 ** k for k in exponents]:
                    m = cost_model(per_core_wps, N, cores, bandwidth_bits, R, V, dim=dim, p=p,
                                   topology=topo)
                    lines.append(f"| {V:,} | {N} | {topo} | 2^{int(math.log2(R))} | "
                                 f"{m['words_per_s']:,.0f} | {100 * m['comm_share']:.0f} % | "
                                 f"{m['bytes_per_round'] / 1e6:,.0f} |")
                    if m["comm_share"] <= 0.10 and (V, N, topo) not in smallest:
                        smallest[(V, N, topo)] = R
    lines.append("")
    top = 2 ** max(exponents)
    for V in vocabs:
        for N in machines_list:
            for topo in ("star", "tree"):
                R = smallest.get((V, N, topo))
                lines.append(f"- V={V:,}, {N} machines, {topo}: communication under 10 % from "
                             + (f"R = {R:,} words per round" if R else f"no R up to {top:,}"))
    return "\n".join(lines)


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
    ap.add_argument("--round-words", default="262144", help="comma-separated round sizes")
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
                    help="per-core speed for --model-only (trained words/s)")
    args = ap.parse_args(argv)
    ints = lambda s: [int(x) for x in s.split(",") if x]   # noqa: E731
    floats = lambda s: [float(x) for x in s.split(",") if x]   # noqa: E731
    report = []
    rows = []
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
                if t == 1:
                    per_core = r["trained"] / r["train_s"]
                _row(report, r)
                print(report[-1], flush=True)
            for n in ints(args.cluster_workers):
                cluster = Cluster(n, params, warm)
                try:
                    for R in ints(args.round_words):
                        for rule in args.merge_rules.split(","):
                            for c in (floats(args.contraction) if rule == "contract" else [0.01]):
                                model, r = cluster.run(paths, params, R, rule, c)
                                r.update(quality(model.wv, args.analogies, args.wordsim),
                                         mode=sg, system=f"LocalCluster {n} x 1 thread",
                                         merge=rule + (f" c={c:g}" if rule == "contract" else ""),
                                         R=R, load=os.getloadavg()[0])
                                rows.append(r)
                                _row(report, r)
                                print(report[-1], flush=True)
                finally:
                    cluster.close()
    timed = [r for r in rows if "round_seconds" in r]
    if timed:
        report += ["", "Per-round time (s, the slowest task's parts; load = 1-min load average "
                   "after the run):", "",
                   "| mode | system | merge | R | round | kernel | copy+diff | sync | merge | "
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
        report += ["", "### Cost model", ""]
        report.append(model_table(per_core or 1e6, 300))
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        with open(args.out, "a") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
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
