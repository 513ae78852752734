"""The book's layers: backward equals central finite differences (float64),
forward/backward equal the book's algorithms (tests/reference.py), and the
fused path gives each sub-layer the state its own forward would have left."""
import numpy as np

from helpers import numeric_grad, random_negatives
from numbaw2v.layers import Embedding, EmbeddingDot, NegativeSamplingLoss, SigmoidWithLoss
from numbaw2v.trainer import remove_duplicate
from reference import (FixedSampler, RefEmbedding, RefEmbeddingDot, RefNegativeSamplingLoss,
                       RefSigmoidWithLoss, ref_remove_duplicate)

TOL = 1e-6


def test_embedding_backward():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((7, 3))
    idx = np.array([[1, 4], [4, 4], [0, 6]])
    R = rng.standard_normal(idx.shape + (3,))
    layer = Embedding(W)
    def f():
        return float(np.sum(layer.forward(idx) * R))

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
    def f():
        return float(np.sum(layer.forward(h, idx) * R))

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
    def f():
        return layer.forward(x, t)

    assert abs(f() - ref.forward(x, t)) < 1e-12
    dx = layer.backward(2.0)
    np.testing.assert_allclose(dx, 2.0 * numeric_grad(f, x), atol=TOL)
    np.testing.assert_allclose(dx, ref.backward(2.0), atol=1e-15)
    np.testing.assert_allclose(layer.y, ref.y)


def test_negative_sampling_loss_backward_and_twin():
    rng = np.random.default_rng(3)
    V, d, n, k = 9, 4, 6, 3
    W = rng.standard_normal((V, d))
    h = rng.standard_normal((n, d))
    target = np.array([0, 3, 3, 8, 1, 2])
    sampler = FixedSampler(random_negatives(n, k, V, 4))
    layer = NegativeSamplingLoss(W, np.arange(V), sample_size=k, sampler=sampler)
    assert all(p is W for p in layer.params) and len(layer.params) == k + 1
    def f():
        return layer.forward(h, target)

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


def _ns_case(seed=3):
    rng = np.random.default_rng(seed)
    V, d, n, k = 9, 4, 6, 3
    W = rng.standard_normal((V, d))
    h = rng.standard_normal((n, d))
    target = rng.integers(0, V, size=n)
    sampler = FixedSampler(random_negatives(n, k, V, seed + 1))
    return W, h, target, sampler, k


def test_fused_forward_leaves_each_sub_layer_as_its_own_forward_would():
    W, h, target, sampler, k = _ns_case()
    layer = NegativeSamplingLoss(W, np.arange(len(W)), sample_size=k, sampler=sampler)
    layer.forward(h, target)
    negatives = sampler.get_negative_sample(target)
    for i, (dot, sig) in enumerate(zip(layer.embed_dot_layers, layer.loss_layers)):
        assert dot.fused and sig.fused
        ids = target if i == 0 else negatives[:, i - 1]
        np.testing.assert_array_equal(dot.embed.idx, ids)
        own_dot, own_sig = EmbeddingDot(W), SigmoidWithLoss()
        score = own_dot.forward(h, ids)
        labels = np.full(len(ids), 1.0 if i == 0 else 0.0)
        assert abs(own_sig.forward(score, labels) - sig.loss) < 1e-12
        np.testing.assert_array_equal(sig.t, labels)
        np.testing.assert_allclose(sig.y, own_sig.y, atol=1e-14)
        np.testing.assert_allclose(sig.backward(), own_sig.backward(), atol=1e-15)
        np.testing.assert_allclose(dot.backward(np.ones(len(ids))),
                                   own_dot.backward(np.ones(len(ids))), atol=1e-14)
        assert not own_dot.fused and not own_sig.fused


def test_sub_layer_run_on_its_own_makes_backward_go_layer_by_layer_like_the_book():
    W, h, target, sampler, k = _ns_case(seed=8)
    layer = NegativeSamplingLoss(W, np.arange(len(W)), sample_size=k, sampler=sampler)
    ref = RefNegativeSamplingLoss(W.copy(), sampler, sample_size=k)
    layer.forward(h, target)
    ref.forward(h, target)
    x = np.linspace(-2, 2, len(target))
    layer.loss_layers[1].forward(x, np.zeros(len(target)))      # by hand, between the passes
    ref.loss_layers[1].forward(x, np.zeros(len(target)))
    assert not layer.loss_layers[1].fused
    np.testing.assert_allclose(layer.backward(), ref.backward(), atol=1e-14)
    _, grads = remove_duplicate(layer.params, layer.grads)
    _, ref_grads = ref_remove_duplicate(ref.params, ref.grads)
    np.testing.assert_allclose(grads[0], ref_grads[0], atol=1e-14)
    assert not any(e.record.fused for e in layer.embeddings())
