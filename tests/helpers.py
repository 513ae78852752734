"""Helpers shared by several test modules (each part headed by who uses it)."""
import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from numbaw2v import corpora


# ---- the layer API (test_layers, test_models, test_book_loop) ----

FD_EPS = 1e-6


def numeric_grad(f, x):
    """Central differences of the scalar f() with respect to every entry of x (in place)."""
    g = np.zeros_like(x, dtype=np.float64)
    for pos in np.ndindex(*x.shape):
        old = x[pos]
        x[pos] = old + FD_EPS
        up = f()
        x[pos] = old - FD_EPS
        down = f()
        x[pos] = old
        g[pos] = (up - down) / (2 * FD_EPS)
    return g


def random_negatives(n, k, V, seed):
    """(n, k) ids in [0, V), for a FixedSampler."""
    return np.random.default_rng(seed).integers(0, V, size=(n, k))


def zipf_ids(n, vocab_size, seed=0):
    """n word ids with Zipf-like frequencies, every id of the vocabulary present."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab_size + 1)
    ids = rng.choice(vocab_size, size=n, p=p / p.sum())
    ids[:vocab_size] = np.arange(vocab_size)
    return ids.astype(np.int64)


# ---- alias tables and samplers (test_kernels_alias, test_sampling) ----

@st.composite
def alias_weights(draw):
    """Non-negative weights with zeros and ratios up to 1e9, at least one positive."""
    n = draw(st.integers(1, 60))
    exps = draw(hnp.arrays(np.float64, n, elements=st.floats(0, 9)))
    w = 10.0 ** exps
    w[draw(hnp.arrays(np.bool_, n))] = 0.0
    if not np.any(w > 0):
        w[draw(st.integers(0, n - 1))] = 1.0
    return w


def chi2_critical(df, z=3.0902323):
    """Upper critical value of chi-square (Wilson-Hilferty); z=3.09 is alpha=0.001."""
    k = 2.0 / (9.0 * df)
    return df * (1.0 - k + z * math.sqrt(k)) ** 3


# ---- the corpus cache (test_ptb, test_corpora_*) ----


def place_ready(cache, name, text):
    """Put a hand-made ready file into the corpus cache and mark it verified.

    Its content is not the registry's download, so without the mark the
    ready-file check would (rightly) refuse it.
    """
    (cache / name).write_text(text)
    corpora.mark_verified(str(cache / name))
