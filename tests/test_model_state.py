"""A model's arrays are checked against its vocabulary; gensim's warm start; non-finite weights."""
import numpy as np
import pytest

from numbaw2v import KeyedVectors, Word2Vec
from numbaw2v import word2vec as w2v_module
from numbaw2v.errors import ModelStateError
from numbaw2v.training import RunResult

SMALL = dict(vector_size=8, window=2, min_count=1, epochs=1, workers=1, seed=7, progress=False,
             sample=0)
SENTS = [["a", "b", "c", "a"], ["b", "c", "d"]] * 20


def built():
    m = Word2Vec(**SMALL)
    m.build_vocab(SENTS)
    return m


def train(m):
    return m.train(SENTS, total_examples=m.corpus_count, epochs=1)


def test_gensim_warm_start_takes_the_rows_by_word(tmp_path):
    donor = Word2Vec(SENTS, **{**SMALL, "seed": 99})
    path = tmp_path / "v.txt"
    donor.wv.save_word2vec_format(path, binary=False)
    m = built()
    kv = KeyedVectors.load_word2vec_format(path, binary=False)
    # the same words in another order: rows are matched by word, not by position
    order = [3, 1, 0, 2]
    m.wv = KeyedVectors(kv.vectors[order], [kv.index_to_key[i] for i in order])
    before_b = m.wv["b"].copy()
    train(m)
    assert m.wv.index_to_key == m.vocab.index_to_key
    assert np.allclose(m.wv.vectors[m.vocab.key_to_index["b"]], before_b, atol=0.5)
    assert not np.array_equal(m.wv["b"], before_b)          # and it trained from there
    assert m.wv.counts is not None


def test_warm_start_with_other_words_is_a_clear_error():
    m = built()
    m.wv = KeyedVectors(np.zeros((2, 8), np.float32), ["a", "zz"])
    with pytest.raises(ModelStateError, match="not the vocabulary's 4 words"):
        train(m)


def test_warm_start_with_other_dimension_is_a_clear_error():
    m = built()
    m.wv = KeyedVectors(np.zeros((4, 5), np.float32), list(m.vocab.index_to_key))
    with pytest.raises(ModelStateError, match=r"vector_size is 8: expected \(4, 8\)"):
        train(m)


def test_training_that_diverges_is_refused(monkeypatch):
    m = built()

    def diverging(weights, *args, **kw):
        weights.W_in[0, 0] = np.inf
        return RunResult(epochs_asked=1)

    monkeypatch.setattr(w2v_module, "run_epochs", diverging)
    with pytest.raises(ModelStateError, match="training diverged with alpha=0.05"):
        train(m)


def test_save_refuses_non_finite_weights(tmp_path):
    m = built()
    m.syn1neg[1, 2] = np.nan
    path = tmp_path / "m.nw2v"
    with pytest.raises(ModelStateError, match="syn1neg holds 1 NaN"):
        m.save(path)
    assert not path.exists()
