"""The fused training kernel against its plain-NumPy twin (tests/reference.py), update by update."""
from types import SimpleNamespace

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import ref_huffman, ref_keep_probabilities, ref_train, ref_train_hs

from numbaw2v.huffman import build_huffman
from numbaw2v.kernels.records import RunPosition
from numbaw2v.kernels.train import train_chunks
from numbaw2v.sampling import AliasTable
from numbaw2v.training import make_block, make_config, make_tables, make_weights
from numbaw2v.vocab import keep_probabilities, negative_weights

MODES = {  # name: (sg, shared, cbow_mean)
    "cbow-mean": (0, True, True),
    "cbow-sum": (0, True, False),
    "sg-shared": (1, True, True),
    "sg-pairs": (1, False, True),
}


def make_problem(seed, V=14, n=160, n_sentences=5, d=8):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, V + 1)
    corpus = rng.choice(V, size=n, p=p / p.sum()).astype(np.int32)
    cuts = np.sort(rng.choice(np.arange(1, n), size=n_sentences - 1, replace=False))
    ends = np.append(cuts, n).astype(np.int64)
    counts = np.bincount(corpus, minlength=V) + 1
    W_in = ((rng.random((V, d)) - 0.5) / d).astype(np.float32)
    W_out = ((rng.random((V, d)) - 0.5) / d).astype(np.float32)
    return corpus, ends, counts, W_in, W_out


def run_kernel(W_in, W_out, corpus, ends, chunk, keep, table, mode, window, shrink, negative,
               alpha, min_alpha, epochs, seed):
    sg, shared, cbow_mean = MODES[mode]
    config = make_config(sg=sg, cbow_mean=cbow_mean, window=window, shrink_windows=shrink,
                         negative=negative, shared_negatives=shared, alpha=alpha,
                         min_alpha=min_alpha, seed=seed, compute_loss=False)
    tables = make_tables(SimpleNamespace(keep_prob=keep, table=table))
    return train_one_thread(make_weights(W_in, W_out), corpus, ends, chunk, config, tables,
                            epochs)


def train_one_thread(weights, corpus, ends, chunk, config, tables, epochs, check_loss=None):
    """Every chunk of every epoch in order on one thread (what the twins do); returns the
    words trained. ``check_loss(losses)`` sees each epoch's per-chunk losses."""
    n = corpus.shape[0]
    n_chunks = -(-n // chunk)
    block = make_block(ids=corpus, base=0, n_words=n, sentence_ends=ends, chunk_size=chunk)
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    trained = 0
    try:
        for epoch in range(epochs):
            t = np.zeros(n_chunks, dtype=np.int64)
            loss = np.zeros(n_chunks)
            train_chunks(weights=weights, block=block,
                         chunk_ids=np.arange(n_chunks, dtype=np.int64), config=config,
                         tables=tables,
                         position=RunPosition(epoch=epoch, words_before=epoch * n,
                                              total_words=float(n * epochs)),
                         trained_out=t, loss_out=loss)
            if check_loss is not None:
                check_loss(loss)
            trained += int(t.sum())
    finally:
        numba.set_num_threads(old)
    return trained


def check_against_twin(seed, mode, window=3, negative=3, sample=0.05, shrink=True, chunk=37,
                       epochs=2, must_change=True):
    corpus, ends, counts, W_in, W_out = make_problem(seed)
    keep = keep_probabilities(counts, sample)
    table = AliasTable(negative_weights(counts, 0.75))
    a_in, a_out = W_in.copy(), W_out.copy()
    b_in, b_out = W_in.copy(), W_out.copy()
    got = run_kernel(a_in, a_out, corpus, ends, chunk, keep, table, mode, window, shrink,
                     negative, 0.2, 0.01, epochs, seed)
    sg, shared, cbow_mean = MODES[mode]
    want = ref_train(b_in, b_out, corpus, ends, chunk, keep, table.prob, table.alias, sg,
                     shared, cbow_mean, window, shrink, negative, 0.2, 0.01, epochs, seed)
    assert got == want
    if must_change:
        assert not np.array_equal(a_in, W_in), "training changed nothing"
    else:   # heavy subsampling may leave no word with a context: then neither side moves
        assert np.array_equal(a_in, W_in) == np.array_equal(b_in, W_in)
    np.testing.assert_allclose(a_in, b_in, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(a_out, b_out, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("shrink", [True, False])
def test_kernel_equals_twin(mode, shrink):
    check_against_twin(seed=3, mode=mode, shrink=shrink)


@settings(deadline=None, max_examples=12)
@given(seed=st.integers(0, 2 ** 32 - 1), mode=st.sampled_from(sorted(MODES)),
       window=st.integers(1, 4), negative=st.integers(1, 4),
       sample=st.sampled_from([0.0, 1e-3, 0.1]), chunk=st.integers(7, 200))
def test_kernel_equals_twin_generated(seed, mode, window, negative, sample, chunk):
    check_against_twin(seed, mode, window=window, negative=negative, sample=sample, chunk=chunk,
                       epochs=1, must_change=False)


def test_keep_probabilities_equal_twin():
    counts = np.array([1000, 500, 100, 10, 3, 1, 0])
    for sample in (0.0, 1e-3, 1e-2, 0.3, 1.0, 2.0, 40.0, 1e4):
        np.testing.assert_allclose(keep_probabilities(counts, sample),
                                   ref_keep_probabilities(counts, sample), rtol=1e-12)
    # from 1 on, sample is an absolute count: floor(40 * phi**2) = 104, whatever the total
    assert keep_probabilities(counts, 40.0)[0] == pytest.approx((np.sqrt(1000 / 104) + 1) * 0.104)
    assert keep_probabilities(counts, 40.0, total=10 ** 9)[0] == \
        keep_probabilities(counts, 40.0)[0]


SAMPLES = st.one_of(st.just(0.0), st.floats(1e-9, 1.0, exclude_max=True),
                    st.floats(1.0, 1e9), st.integers(1, 1000).map(float),
                    st.floats(1e9, np.finfo(np.float64).max))


def test_a_sample_past_the_largest_threshold_keeps_every_word():
    """sample * phi**2 overflows (sample > 3.4e307): an infinite threshold, every word kept
    (an OverflowError from int(inf) before)."""
    from numbaw2v import Word2Vec
    for sample in (1e308, np.finfo(np.float64).max):
        assert keep_probabilities([1000, 1, 0], sample).tolist() == [1.0, 1.0, 1.0]
    model = Word2Vec(sample=1e308, min_count=1, vector_size=4, epochs=1, workers=1)
    model.build_vocab([["a", "b", "a"]])
    assert model.vocab.keep_prob.tolist() == [1.0, 1.0]


@settings(deadline=None, max_examples=200)
@given(counts=st.lists(st.integers(0, 10 ** 9), min_size=1, max_size=20), sample=SAMPLES,
       total=st.one_of(st.none(), st.integers(0, 10 ** 10)))
def test_keep_probabilities_equal_twin_generated(counts, sample, total):
    """Every rule of the twin: off at 0, a share of the corpus below 1, an absolute count
    from 1 on, a given total, unseen words kept, at most 1."""
    got = keep_probabilities(counts, sample, total)
    np.testing.assert_allclose(got, ref_keep_probabilities(counts, sample, total), rtol=1e-12)
    assert np.all((got > 0) & (got <= 1))


# ---- hierarchical softmax (alone and with negatives) and lock factors ----

def run_kernel_hs(W_in, W_out, W_hs, tree, lockf, corpus, ends, chunk, keep, table, mode, window,
                  negative, alpha, epochs, seed):
    sg, shared, cbow_mean = MODES[mode]
    config = make_config(sg=sg, cbow_mean=cbow_mean, window=window, shrink_windows=True,
                         negative=negative, shared_negatives=shared, alpha=alpha,
                         min_alpha=0.01, seed=seed, compute_loss=True, hs=True)
    tables = make_tables(SimpleNamespace(keep_prob=keep, table=table), tree, lockf)
    weights = make_weights(W_in, W_out if negative else None, W_hs)

    def check_loss(loss):
        assert np.all(np.isfinite(loss)) and loss.sum() > 0

    return train_one_thread(weights, corpus, ends, chunk, config, tables, epochs, check_loss)


def check_hs_against_twin(seed, mode, negative, window=3, sample=0.05, chunk=37, epochs=2,
                          locked=()):
    corpus, ends, counts, W_in, W_out = make_problem(seed)
    V, d = W_in.shape
    W_hs = ((np.random.default_rng(seed + 1).random((V, d)) - 0.5) / d).astype(np.float32)
    keep = keep_probabilities(counts, sample)
    table = AliasTable(negative_weights(counts, 0.75))
    tree = build_huffman(counts)
    lockf = np.ones(V, dtype=np.float32)
    lockf[V // 2] = 0.5
    lockf[list(locked)] = 0.0
    a = [W_in.copy(), W_out.copy(), W_hs.copy()]
    b = [W_in.copy(), W_out.copy(), W_hs.copy()]
    got = run_kernel_hs(*a, tree, lockf, corpus, ends, chunk, keep, table, mode, window,
                        negative, 0.2, epochs, seed)
    sg, shared, cbow_mean = MODES[mode]
    want = ref_train_hs(*b, ref_huffman(counts), lockf, corpus, ends, chunk, keep, table.prob,
                        table.alias, sg, shared, cbow_mean, window, True, negative, True, 0.2,
                        0.01, epochs, seed)
    assert got == want
    assert not np.array_equal(a[2], W_hs), "hs changed nothing"
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-4, atol=1e-6)
    if not negative:
        assert np.array_equal(a[1], W_out), "syn1neg must not move without negatives"
    for row in locked:
        assert np.array_equal(a[0][row], W_in[row]), "a locked row moved"
    return a, W_in


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("negative", [0, 3])
def test_hs_kernel_equals_twin(mode, negative):
    a, W_in = check_hs_against_twin(seed=5, mode=mode, negative=negative, locked=(0, 3))
    assert not np.array_equal(a[0][1], W_in[1])


@settings(deadline=None, max_examples=10)
@given(seed=st.integers(0, 2 ** 32 - 1), mode=st.sampled_from(sorted(MODES)),
       window=st.integers(1, 4), negative=st.integers(0, 3),
       sample=st.sampled_from([0.0, 0.1]), chunk=st.integers(7, 200),
       locked=st.lists(st.integers(0, 13), max_size=4, unique=True))
def test_hs_kernel_equals_twin_generated(seed, mode, window, negative, sample, chunk, locked):
    check_hs_against_twin(seed, mode, negative, window=window, sample=sample, chunk=chunk,
                          epochs=1, locked=locked)
