"""Every layer and model: backward equals central finite differences (float64),
and forward/backward equal the book's algorithms (tests/reference.py)."""
import numpy as np
import pytest

from numbaw2v.layers import Embedding, EmbeddingDot, NegativeSamplingLoss, SigmoidWithLoss
from numbaw2v.models import CBOW, SkipGram
from numbaw2v.trainer import remove_duplicate
from reference import (FixedSampler, RefCBOW, RefEmbedding, RefEmbeddingDot,
                       RefNegativeSamplingLoss, RefSigmoidWithLoss, RefSkipGram,
                       ref_remove_duplicate)

EPS = 1e-6
TOL = 1e-6


def numeric_grad(f, x):
    """Central differences of the scalar f() with respect to every entry of x (in place)."""
    g = np.zeros_like(x, dtype=np.float64)
    for pos in np.ndindex(*x.shape):
        old = x[pos]
        x[pos] = old + EPS
        up = f()
        x[pos] = old - EPS
        down = f()
        x[pos] = old
        g[pos] = (up - down) / (2 * EPS)
    return g


def test_embedding_backward():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((7, 3))
    idx = np.array([[1, 4], [4, 4], [0, 6]])
    R = rng.standard_normal(idx.shape + (3,))
    layer = Embedding(W)
    f = lambda: float(np.sum(layer.forward(idx) * R))
    f()
    layer.backward(R)
    np.testing.assert_allclose(layer.grads[0], numeric_grad(f, W), atol=TOL)
    assert layer.params[0] is W
    ref = RefEmbedding(W.copy())
    flat = idx.reshape(-1)
    np.testing.assert_array_equal(ref.forward(flat), layer.forward(flat))
    ref.backward(R.reshape(-1, 3))
    layer.backward(R.reshape(-1, 3))
    np.testing.assert_allclose(layer.grads[0], ref.grads[0], atol=1e-15)


def test_embedding_dot_backward():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((6, 4))
    h = rng.standard_normal((5, 4))
    idx = np.array([2, 2, 5, 0, 1])
    R = rng.standard_normal(5)
    layer = EmbeddingDot(W)
    f = lambda: float(np.sum(layer.forward(h, idx) * R))
    f()
    dh = layer.backward(R)
    np.testing.assert_allclose(layer.grads[0], numeric_grad(f, W), atol=TOL)
    np.testing.assert_allclose(dh, numeric_grad(f, h), atol=TOL)
    ref = RefEmbeddingDot(W.copy())
    np.testing.assert_allclose(ref.forward(h, idx), layer.forward(h, idx), atol=1e-14)
    np.testing.assert_allclose(ref.backward(R), layer.backward(R), atol=1e-14)
    np.testing.assert_allclose(ref.grads[0], layer.grads[0], atol=1e-14)


def test_sigmoid_with_loss_backward_and_book_values():
    rng = np.random.default_rng(2)
    x = rng.standard_normal(6) * 3
    t = np.array([1, 0, 0, 1, 1, 0])
    layer, ref = SigmoidWithLoss(), RefSigmoidWithLoss()
    f = lambda: layer.forward(x, t)
    assert abs(f() - ref.forward(x, t)) < 1e-12
    dx = layer.backward(2.0)
    np.testing.assert_allclose(dx, 2.0 * numeric_grad(f, x), atol=TOL)
    np.testing.assert_allclose(dx, ref.backward(2.0), atol=1e-15)
    np.testing.assert_allclose(layer.y, ref.y)


def _negatives(n, k, V, seed):
    return np.random.default_rng(seed).integers(0, V, size=(n, k))


def test_negative_sampling_loss_backward_and_twin():
    rng = np.random.default_rng(3)
    V, d, n, k = 9, 4, 6, 3
    W = rng.standard_normal((V, d))
    h = rng.standard_normal((n, d))
    target = np.array([0, 3, 3, 8, 1, 2])
    sampler = FixedSampler(_negatives(n, k, V, 4))
    layer = NegativeSamplingLoss(W, np.arange(V), sample_size=k, sampler=sampler)
    assert all(p is W for p in layer.params) and len(layer.params) == k + 1
    f = lambda: layer.forward(h, target)
    loss = f()
    dh = layer.backward()
    params, grads = remove_duplicate(layer.params, layer.grads)
    np.testing.assert_allclose(grads[0], numeric_grad(f, W), atol=TOL)
    np.testing.assert_allclose(dh, numeric_grad(f, h), atol=TOL)

    W2 = W.copy()
    ref = RefNegativeSamplingLoss(W2, sampler, sample_size=k)
    assert abs(ref.forward(h, target) - loss) < 1e-12
    np.testing.assert_allclose(ref.backward(), dh, atol=1e-14)
    _, ref_grads = ref_remove_duplicate(ref.params, ref.grads)
    np.testing.assert_allclose(ref_grads[0], grads[0], atol=1e-14)


def _model_pair(cls, ref_cls, window, seed=0):
    V, d, n = 10, 4, 5
    corpus = np.arange(V).repeat(3)
    model = cls(V, d, window, corpus, seed=seed, dtype=np.float64)
    model_W = model.params[0], model.params[-1]
    model_W[0][...] = np.random.default_rng(seed).standard_normal((V, d))
    model_W[1][...] = np.random.default_rng(seed + 1).standard_normal((V, d))
    rng = np.random.default_rng(seed + 2)
    contexts = rng.integers(0, V, size=(n, 2 * window))
    target = rng.integers(0, V, size=n)
    per_loss = 2 * window if cls is SkipGram else 1
    sampler = FixedSampler(_negatives(n, 5, V, seed + 3))
    losses = [model.ns_loss] if cls is CBOW else model.loss_layers
    for layer in losses[:per_loss]:
        layer.sampler = sampler
    ref = ref_cls(model_W[0].copy(), model_W[1].copy(), window, sampler)
    return model, ref, contexts, target


@pytest.mark.parametrize("cls,ref_cls,window", [(CBOW, RefCBOW, 1), (CBOW, RefCBOW, 2),
                                                (SkipGram, RefSkipGram, 1)])
def test_model_backward_finite_differences_and_twin(cls, ref_cls, window):
    model, ref, contexts, target = _model_pair(cls, ref_cls, window)
    f = lambda: model.forward(contexts, target)
    loss = f()
    model.backward()
    params, grads = remove_duplicate(model.params, model.grads)
    assert len(params) == 2
    assert params[0] is model.word_vecs
    for p, g in zip(params, grads):
        np.testing.assert_allclose(g, numeric_grad(f, p), atol=TOL)

    assert abs(ref.forward(contexts, target) - loss) < 1e-12
    ref.backward()
    _, ref_grads = ref_remove_duplicate(ref.params, ref.grads)
    for g, rg in zip(grads, ref_grads):
        np.testing.assert_allclose(g, rg, atol=1e-13)


@pytest.mark.parametrize("cls,ref_cls,window", [(CBOW, RefCBOW, 2), (SkipGram, RefSkipGram, 1)])
def test_sparse_grads_equal_dense_grads(cls, ref_cls, window):
    model, _, contexts, target = _model_pair(cls, ref_cls, window, seed=5)
    model.lazy_grads = True
    model.forward(contexts, target)
    model.backward()
    sparse = model.sparse_grads()
    assert [s[0] is p for s, p in zip(sparse, model.params[:1] + model.params[-1:])] == [True] * 2
    _, dense = remove_duplicate(model.params, model.grads)  # reading grads fills them
    for (param, rows, summed), g in zip(sparse, dense):
        assert np.all(np.diff(rows) > 0)
        rebuilt = np.zeros_like(param)
        rebuilt[rows] = summed
        np.testing.assert_allclose(rebuilt, g, atol=1e-13)


def test_lazy_dense_grads_are_filled_on_read_each_step():
    model, _, contexts, target = _model_pair(CBOW, RefCBOW, 1, seed=7)
    eager = [model.forward(contexts, target), model.backward(),
             [g.copy() for g in model.grads]][2]
    model.lazy_grads = True
    model.forward(contexts[::-1], target[::-1])
    model.backward()
    model.forward(contexts, target)
    model.backward()
    for g, e in zip(model.grads, eager):
        np.testing.assert_allclose(g, e, atol=1e-14)
    model.lazy_grads = False
    assert not model.lazy_grads


def test_shared_weights_stay_one_array():
    model = CBOW(20, 3, 2, np.arange(20), seed=0)
    assert len(model.params) == 4 + 6
    assert all(p is model.word_vecs for p in model.params[:4])
    assert all(p is model.params[4] for p in model.params[4:])
    assert model.word_vecs.dtype == np.float32
    sg = SkipGram(20, 3, 2, np.arange(20), seed=0)
    assert all(p is sg.params[1] for p in sg.params[1:])


def test_sparse_grads_after_a_layer_is_rerun_on_its_own():
    model, _, contexts, target = _model_pair(CBOW, RefCBOW, 2, seed=9)
    model.lazy_grads = True
    model.forward(contexts, target)
    model.backward()
    # one context layer and one negative-sampling dot layer run again by hand
    model.in_layers[1].forward(contexts[:, 1])
    model.in_layers[1].backward(np.full((len(target), 4), 0.5))
    dot = model.ns_loss.embed_dot_layers[2]
    dot.forward(np.ones((len(target), 4)), target)
    dot.backward(np.linspace(-1, 1, len(target)))
    sparse = model.sparse_grads()
    _, dense = remove_duplicate(model.params, model.grads)
    for (param, rows, summed), g in zip(sparse, dense):
        rebuilt = np.zeros_like(param)
        rebuilt[rows] = summed
        np.testing.assert_allclose(rebuilt, g, atol=1e-13)
