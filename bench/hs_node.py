"""What one node of hierarchical softmax costs, and what the ways around its chain give.

    python bench/hs_node.py                       # V = 50,000 words, d = 100
    python bench/hs_node.py --vocab 1000 --dims 96,100,112

Per (input row, target word) pair, hierarchical softmax walks the target's Huffman path:
at each node one dot product (the score), the gradient from the score, then two row
updates (the input error and the node's row). This times that walk on a synthetic
vocabulary (Zipf counts, numbaw2v's Huffman tree), 6 input rows per target word drawn
by count, one thread, warm caches, and prints nanoseconds per node for:

- ``kernel``: numbaw2v's ``hs_update`` (the next node's score in the pass that updates
  the current node);
- ``no-chain``: the same loop with a gradient that does not depend on the score: not
  training, a floor for anything that only hides the score -> gradient -> update latency;
- ``scores-first``: every node's score first (the path's rows are distinct and the input
  is fixed, so the numbers are the same), then every update;
- ``two-lanes``: two input rows walk the path together, the second one node behind the
  first (the same numbers as one after the other), so two chains overlap;
- ``three-pass``: gensim's structure, a dot product and two separate row updates per node.

The variants are experiments kept here, not library code. Medians of ``--reps``
alternating repetitions.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from numbaw2v.huffman import build_huffman               # noqa: E402
from numbaw2v.kernels.hs import hs_update                 # noqa: E402
from numbaw2v.kernels.policy import FASTMATH              # noqa: E402
from numbaw2v.kernels.sigmoid import sigmoid_grad         # noqa: E402


@njit(cache=True, nogil=True, fastmath=FASTMATH, inline="always")
def _score(h, syn1, node):
    f = np.float32(0.0)
    for k in range(h.shape[0]):
        f += h[k] * syn1[node, k]
    return f


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _no_chain(h, syn1, code, point, length, err, alpha):
    # hs_update's loops exactly, with a gradient that does not wait for the score
    d = h.shape[0]
    node = point[0]
    f = np.float32(0.0)
    for k in range(d):
        f += h[k] * syn1[node, k]
    total = np.float32(0.0)
    for b in range(length):
        total += f
        g = np.float32(alpha * 1e-3) * np.float32(1 - code[b])     # not from the score
        if b + 1 < length:
            nxt = point[b + 1]
            f = np.float32(0.0)
            for k in range(d):
                f += h[k] * syn1[nxt, k]
                err[k] += g * syn1[node, k]
                syn1[node, k] += g * h[k]
            node = nxt
        else:
            for k in range(d):
                err[k] += g * syn1[node, k]
                syn1[node, k] += g * h[k]
    err[0] += total * np.float32(1e-30)                        # keep the scores alive


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _lookahead(h, syn1, code, point, length, err, alpha):
    # each pass updates node b and scores node b + 2: node b + 1's gradient comes from a
    # score taken a pass earlier, so no pass waits for the one before it
    d = h.shape[0]
    f_cur = np.float32(0.0)
    for k in range(d):
        f_cur += h[k] * syn1[point[0], k]
    f_nxt = np.float32(0.0)
    if length > 1:
        p1 = point[1]
        for k in range(d):
            f_nxt += h[k] * syn1[p1, k]
    g_cur = np.float32(sigmoid_grad(f_cur, 1.0 - code[0], alpha))
    for b in range(length):
        g_nxt = np.float32(0.0)
        if b + 1 < length:
            g_nxt = np.float32(sigmoid_grad(f_nxt, 1.0 - code[b + 1], alpha))
        node = point[b]
        f_far = np.float32(0.0)
        if b + 2 < length:
            far = point[b + 2]
            for k in range(d):
                f_far += h[k] * syn1[far, k]
                err[k] += g_cur * syn1[node, k]
                syn1[node, k] += g_cur * h[k]
        else:
            for k in range(d):
                err[k] += g_cur * syn1[node, k]
                syn1[node, k] += g_cur * h[k]
        g_cur = g_nxt
        f_nxt = f_far


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _scores_first(h, syn1, code, point, length, err, alpha, grads):
    d = h.shape[0]
    for b in range(length):
        grads[b] = sigmoid_grad(_score(h, syn1, point[b]), 1.0 - code[b], alpha)
    for b in range(length):
        node = point[b]
        g = grads[b]
        for k in range(d):
            err[k] += g * syn1[node, k]
            syn1[node, k] += g * h[k]


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _two_lanes(hA, hB, syn1, code, point, length, eA, eB, alpha):
    d = hA.shape[0]
    p0 = point[0]
    fA = np.float32(0.0)
    for k in range(d):
        fA += hA[k] * syn1[p0, k]
    gA = np.float32(sigmoid_grad(fA, 1.0 - code[0], alpha))
    gB = np.float32(0.0)
    for t in range(length):
        # A updates node t and scores node t+1; B scores node t (after A's update) and
        # updates node t-1
        pt = point[t]
        pn = point[t + 1] if t + 1 < length else pt
        pp = point[t - 1] if t > 0 else pt
        gBt = gB if t > 0 else np.float32(0.0)
        fA = np.float32(0.0)
        fB = np.float32(0.0)
        for k in range(d):
            x = syn1[pt, k]
            eA[k] += gA * x
            x += gA * hA[k]
            syn1[pt, k] = x
            fB += hB[k] * x
            y = syn1[pp, k]
            eB[k] += gBt * y
            syn1[pp, k] = y + gBt * hB[k]
            fA += hA[k] * syn1[pn, k]
        gB = np.float32(sigmoid_grad(fB, 1.0 - code[t], alpha))
        if t + 1 < length:
            gA = np.float32(sigmoid_grad(fA, 1.0 - code[t + 1], alpha))
    last = point[length - 1]
    for k in range(d):
        y = syn1[last, k]
        eB[k] += gB * y
        syn1[last, k] = y + gB * hB[k]


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _three_pass(h, syn1, code, point, length, err, alpha):
    d = h.shape[0]
    for b in range(length):
        node = point[b]
        g = np.float32(sigmoid_grad(_score(h, syn1, node), 1.0 - code[b], alpha))
        for k in range(d):
            err[k] += g * syn1[node, k]
        for k in range(d):
            syn1[node, k] += g * h[k]


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _walk(variant, W, syn1, codes, points, lens, ctx, words, eA, eB, grads, alpha):
    for q in range(words.shape[0]):
        w = words[q]
        code, point, n = codes[w], points[w], lens[w]
        if n == 0:
            continue
        for a in range(0, ctx.shape[1], 2):
            hA, hB = W[ctx[q, a]], W[ctx[q, a + 1]]
            if variant == 0:
                hs_update(hA, np.float32(1.0), syn1, code, point, n, eA, alpha, False)
                hs_update(hB, np.float32(1.0), syn1, code, point, n, eB, alpha, False)
            elif variant == 1:
                _no_chain(hA, syn1, code, point, n, eA, alpha)
                _no_chain(hB, syn1, code, point, n, eB, alpha)
            elif variant == 2:
                _scores_first(hA, syn1, code, point, n, eA, alpha, grads)
                _scores_first(hB, syn1, code, point, n, eB, alpha, grads)
            elif variant == 3:
                _two_lanes(hA, hB, syn1, code, point, n, eA, eB, alpha)
            elif variant == 5:
                _lookahead(hA, syn1, code, point, n, eA, alpha)
                _lookahead(hB, syn1, code, point, n, eB, alpha)
            else:
                _three_pass(hA, syn1, code, point, n, eA, alpha)
                _three_pass(hB, syn1, code, point, n, eB, alpha)


VARIANTS = ("kernel", "no-chain", "scores-first", "two-lanes", "three-pass", "lookahead")


def _problem(V, d, n_words, seed=0):
    rng = np.random.default_rng(seed)
    counts = (1e7 / np.arange(1, V + 1)).astype(np.int64) + 5
    tree = build_huffman(counts)
    p = counts / counts.sum()
    W = ((rng.random((V, d)) - 0.5) / d).astype(np.float32)
    syn1 = ((rng.random((V, d)) - 0.5) / d).astype(np.float32)
    words = rng.choice(V, size=n_words, p=p)
    ctx = rng.choice(V, size=(n_words, 6), p=p)
    nodes = int(tree.code_lens[words].sum()) * ctx.shape[1]
    return tree, W, syn1, words, ctx, nodes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vocab", type=int, default=50_000)
    ap.add_argument("--dims", default="100", help="comma-separated vector sizes")
    ap.add_argument("--words", type=int, default=40_000, help="target words per repetition")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"| d | V | {' | '.join(VARIANTS)} |")
    print("|---:|---:|" + "---:|" * len(VARIANTS))
    for d in (int(x) for x in args.dims.split(",")):
        tree, W, syn1, words, ctx, nodes = _problem(args.vocab, d, args.words)
        eA, eB = np.zeros(d, np.float32), np.zeros(d, np.float32)
        grads = np.zeros(64, np.float32)
        times = {v: [] for v in range(len(VARIANTS))}
        for rep in range(args.reps + 1):                 # the first round compiles
            for v in times:
                t = time.perf_counter()
                _walk(v, W, syn1, tree.codes, tree.points, tree.code_lens, ctx, words, eA, eB,
                      grads, 0.025)
                if rep:
                    times[v].append((time.perf_counter() - t) / nodes * 1e9)
        med = [statistics.median(times[v]) for v in times]
        cells = [f"{m:.1f} ns ({m / med[0]:.2f})" for m in med]
        print(f"| {d} | {args.vocab:,} | {' | '.join(cells)} |", flush=True)
    print(f"\nns per node (ratio to kernel); mean code length of the targets "
          f"{tree.code_lens[words].mean():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
