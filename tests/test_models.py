"""The book's CBOW and SkipGram: backward equals central finite differences
(float64), forward/backward equal the book's models (tests/reference.py), and
the row-sparse gradients equal the dense ones whichever path ran."""
import numpy as np
import pytest

from helpers import numeric_grad, random_negatives
from numbaw2v.models import CBOW, SkipGram
from numbaw2v.trainer import remove_duplicate
from reference import FixedSampler, RefCBOW, RefSkipGram, ref_remove_duplicate

TOL = 1e-6


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
    sampler = FixedSampler(random_negatives(n, 5, V, seed + 3))
    losses = [model.ns_loss] if cls is CBOW else model.loss_layers
    for layer in losses[:per_loss]:
        layer.sampler = sampler
    ref = ref_cls(model_W[0].copy(), model_W[1].copy(), window, sampler)
    return model, ref, contexts, target


@pytest.mark.parametrize("cls,ref_cls,window", [(CBOW, RefCBOW, 1), (CBOW, RefCBOW, 2),
                                                (SkipGram, RefSkipGram, 1)])
def test_model_backward_finite_differences_and_twin(cls, ref_cls, window):
    model, ref, contexts, target = _model_pair(cls, ref_cls, window)
    def f():
        return model.forward(contexts, target)

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


def test_context_layer_rerun_between_forward_and_backward_goes_by_the_book():
    model, ref, contexts, target = _model_pair(CBOW, RefCBOW, 2, seed=11)
    model.lazy_grads = True
    model.forward(contexts, target)
    ref.forward(contexts, target)
    other = contexts[::-1, 1].copy()
    model.in_layers[1].forward(other)          # by hand: this layer now saw other ids
    ref.in_layers[1].forward(other)
    model.backward()
    ref.backward()
    assert not model.in_layers[1].fused
    _, ref_grads = ref_remove_duplicate(ref.params, ref.grads)
    for (param, rows, summed), g in zip(model.sparse_grads(), ref_grads):
        rebuilt = np.zeros_like(param)
        rebuilt[rows] = summed
        np.testing.assert_allclose(rebuilt, g, atol=1e-13)
