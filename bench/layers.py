"""Throughput of one CBOW training step through the book's layer API.

Three ways to run the same step (window 5, hidden 100, batch 100, 5 negatives,
Adam) on a synthetic Zipf corpus, in one process:

- sparse:  numbaw2v's CBOW + Trainer + Adam, the default row-sparse path;
- dense:   numbaw2v's CBOW with the book's dense loop (remove_duplicate and a
           dense Adam over V x d arrays), i.e. ``Trainer(..., sparse=False)``;
- twin:    tests/reference.py, the book's algorithms in plain NumPy.

Reports target words per second (targets per second of training) and the
ratios, with all threads and with one thread, and writes them into
bench/RESULTS.md under its own section (other sections are left alone).

    python bench/layers.py                 # defaults: vocabulary 10,000
    python bench/layers.py --no-write      # print only
"""
import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from numbaw2v.fileio import atomic_output  # noqa: E402
from numbaw2v.models import CBOW  # noqa: E402
from numbaw2v.optim import Adam  # noqa: E402
from numbaw2v.trainer import Trainer  # noqa: E402
from numbaw2v.util import create_contexts_target  # noqa: E402
from reference import (RefAdam, RefCBOW, RefUnigramSampler,  # noqa: E402
                       ref_remove_duplicate)

SECTION = "## Layer API (bench/layers.py)"
WINDOW, HIDDEN, BATCH, NEGATIVE = 5, 100, 100, 5


def zipf_corpus(n_tokens, vocab_size, seed):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab_size + 1)
    ids = rng.choice(vocab_size, size=n_tokens, p=p / p.sum())
    ids[:vocab_size] = rng.permutation(vocab_size)   # every word occurs
    return ids.astype(np.int64)


def time_trainer(corpus, V, contexts, target, steps, sparse, repeats):
    """Best-of-``repeats`` words/s of Trainer.fit over ``steps`` batches."""
    np.random.seed(0)
    model = CBOW(V, HIDDEN, WINDOW, corpus, seed=0)
    trainer = Trainer(model, Adam(), sparse=sparse)
    n = steps * BATCH
    trainer.fit(contexts[:2 * BATCH], target[:2 * BATCH], max_epoch=1, batch_size=BATCH,
                progress=False)                                   # compile / warm up
    best = 0.0
    for r in range(repeats):
        lo = (r * n) % max(len(target) - n, 1)
        x, t = contexts[lo:lo + n], target[lo:lo + n]
        start = time.perf_counter()
        trainer.fit(x, t, max_epoch=1, batch_size=BATCH, eval_interval=None, progress=False)
        best = max(best, n / (time.perf_counter() - start))
    return best


def time_twin(corpus, V, contexts, target, steps):
    rng = np.random.default_rng(0)
    W_in = (0.01 * rng.standard_normal((V, HIDDEN))).astype(np.float32)
    W_out = (0.01 * rng.standard_normal((V, HIDDEN))).astype(np.float32)
    model = RefCBOW(W_in, W_out, WINDOW, RefUnigramSampler(corpus, 0.75, NEGATIVE, rng))
    opt = RefAdam()

    def step(k):
        sl = slice(k * BATCH, (k + 1) * BATCH)
        model.forward(contexts[sl], target[sl])
        model.backward()
        params, grads = ref_remove_duplicate(model.params, model.grads)
        opt.update(params, grads)

    step(0)
    start = time.perf_counter()
    for k in range(1, steps + 1):
        step(k)
    return steps * BATCH / (time.perf_counter() - start)


def measure(args):
    corpus = zipf_corpus(args.tokens, args.vocab, seed=1)
    contexts, target = create_contexts_target(corpus, WINDOW)
    perm = np.random.default_rng(2).permutation(len(target))
    contexts, target = contexts[perm], target[perm]
    V = args.vocab
    rows = []
    for threads in (numba.config.NUMBA_NUM_THREADS, 1):
        numba.set_num_threads(threads)
        # the machine is shared: time the twin next to the paths it is compared with
        twin = time_twin(corpus, V, contexts, target, args.twin_steps)
        sparse = time_trainer(corpus, V, contexts, target, args.sparse_steps, True, args.repeats)
        dense = time_trainer(corpus, V, contexts, target, args.dense_steps, False, 1)
        twin = max(twin, time_twin(corpus, V, contexts, target, args.twin_steps))
        rows.append((threads, sparse, dense, twin))
        print(f"threads={threads}: sparse {sparse:,.0f} words/s, dense {dense:,.0f} words/s, "
              f"twin {twin:,.0f} words/s", flush=True)
    return rows


def report(args, rows):
    cmd = "python bench/layers.py" + ("" if len(sys.argv) == 1 else " " + " ".join(sys.argv[1:]))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        SECTION,
        "",
        f"Command: `{cmd}` (from the repository root)",
        "",
        f"One CBOW step of the book's chapter 4: window {WINDOW}, hidden {HIDDEN}, batch {BATCH}, "
        f"{NEGATIVE} negatives, Adam, vocabulary {args.vocab:,}, synthetic Zipf corpus of "
        f"{args.tokens:,} tokens, float32. Words/s = training targets per second "
        "(forward + backward + optimizer update).",
        "",
        "| threads | sparse path (default) | dense-compatible path | NumPy twin "
        "| sparse / twin | dense / twin |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for threads, sparse, dense, twin in rows:
        lines.append(f"| {threads} | {sparse:,.0f} | {dense:,.0f} | {twin:,.0f} "
                     f"| {sparse / twin:,.0f}x | {dense / twin:,.1f}x |")
    lines += [
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other jobs "
        f"(1-minute load average at the end: {load:.2f}); Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__}. Sparse figures are the best of "
        f"{args.repeats} runs of {args.sparse_steps} steps; dense {args.dense_steps} steps; "
        f"twin: the better of two runs of {args.twin_steps} steps, one just before and one "
        "just after the numbaw2v runs of the same row.",
        "",
        "- sparse: numbaw2v `Trainer` + `Adam` on numbaw2v's `CBOW` (rows touched by the batch "
        "only; lazy Adam moments).",
        "- dense-compatible: the same model with `Trainer(..., sparse=False)`: the book's loop, "
        "dense V x d gradients, `remove_duplicate`, dense Adam.",
        "- twin: `tests/reference.py` (`RefCBOW`, per-row `RefUnigramSampler`, Python-loop "
        "scatter, `RefAdam`).",
        "",
    ]
    return "\n".join(lines)


def write_section(path, text):
    old = path.read_text() if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(r"^" + re.escape(SECTION) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    with atomic_output(path) as tmp:
        Path(tmp).write_text(new)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vocab", type=int, default=10_000)
    ap.add_argument("--tokens", type=int, default=300_000)
    ap.add_argument("--sparse-steps", type=int, default=500)
    ap.add_argument("--dense-steps", type=int, default=20)
    ap.add_argument("--twin-steps", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    if args.vocab < 10_000:
        print("note: the target is defined for a vocabulary of at least 10,000", file=sys.stderr)
    rows = measure(args)
    text = report(args, rows)
    print(text)
    if not args.no_write:
        write_section(args.out, text)
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
