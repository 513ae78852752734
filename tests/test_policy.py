"""The compile policy of numbaw2v.kernels (policy.py): the per-word kernels count no references."""
import re

import numba
import numpy as np
import pytest

from numbaw2v import Word2Vec
from numbaw2v.kernels import hs, policy, train
from numbaw2v.training import make_config, make_tables

PER_WORD = [train.cbow_word, train.skipgram_pairs, train.skipgram_shared, train.subsample,
            train.draw_ahead, hs.hs_update]


def _refcounts(llvm_ir):
    return len(re.findall(r"call void @NRT_(?:incref|decref)", llvm_ir))


def test_every_per_word_kernel_is_declared_without_reference_counting():
    for kernel in PER_WORD:
        assert kernel.targetoptions.get("_nrt") is False, kernel.__name__
        assert kernel.targetoptions.get("nogil") is True, kernel.__name__
        assert kernel._cache.__class__.__name__ == "FunctionCache", kernel.__name__


def _cbow_word_args():
    """Real arguments of one cbow_word call, from a small model (hs and negatives on)."""
    sents = [["a", "b", "c", "a", "d"], ["b", "c", "d", "e"]] * 20
    m = Word2Vec(sents, vector_size=8, min_count=1, epochs=1, workers=1, hs=1, negative=3,
                 progress=False)
    weights = m._checked_weights()
    config = make_config(0, 1, 2, True, 3, True, 0.025, 1e-4, 1, True, True)   # with loss
    tables = make_tables(m.vocab, m.huffman)
    buf = np.array([0, 1, 2, 3, 4], dtype=np.int32)
    d = 8
    return (weights, tables, config, buf, 5, 2, 2, np.zeros(d, np.float32),
            np.zeros(d, np.float32), np.array([1, 3, 4], dtype=np.int64), 0.025, tables)


def test_numba_honours_the_option():
    """Compiled from the same source for the same argument types, cbow_word counts
    references by default (the control) and none with NO_REFCOUNTS; a Numba release
    that ignored or renamed ``_nrt`` would fail here."""
    args = _cbow_word_args()
    train.cbow_word(*args)                      # the real kernel runs with these types
    sig = tuple(numba.typeof(a) for a in args)
    opts = dict(nogil=True, fastmath=policy.FASTMATH)
    counting = numba.njit(**opts)(train.cbow_word.py_func)
    plain = numba.njit(**opts, **policy.NO_REFCOUNTS)(train.cbow_word.py_func)
    counting.compile(sig)
    plain.compile(sig)
    assert _refcounts(counting.inspect_llvm(sig)) > 0
    assert _refcounts(plain.inspect_llvm(sig)) == 0


def test_kernels_without_reference_counting_train_as_before():
    """Same numbers with and without the option (the counts changed no value)."""
    args = _cbow_word_args()
    opts = dict(nogil=True, fastmath=policy.FASTMATH)
    counting = numba.njit(**opts)(train.cbow_word.py_func)
    before = [a.copy() for a in (args[0].W_in, args[0].W_out, args[0].W_hs)]
    loss_plain = train.cbow_word(*args)
    after_plain = [a.copy() for a in (args[0].W_in, args[0].W_out, args[0].W_hs)]
    for a, b in zip((args[0].W_in, args[0].W_out, args[0].W_hs), before):
        a[...] = b
    loss_counting = counting(*args)
    assert not np.array_equal(after_plain[0], before[0])
    for a, b in zip((args[0].W_in, args[0].W_out, args[0].W_hs), after_plain):
        np.testing.assert_array_equal(a, b)
    assert loss_plain > 0 and loss_plain == pytest.approx(loss_counting)
