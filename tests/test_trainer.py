"""numbaw2v's Trainer: the sparse path equals the dense one, gradient clipping included."""
import numpy as np
import pytest

from helpers import zipf_ids
from numbaw2v.models import CBOW
from numbaw2v.optim import SGD
from numbaw2v.trainer import Trainer
from numbaw2v.util import create_contexts_target


@pytest.mark.parametrize("max_grad", [None, 1e-3])
def test_sparse_step_equals_dense_step(max_grad):
    corpus = zipf_ids(300, 15, seed=2)
    contexts, target = create_contexts_target(corpus, window_size=2)
    x, t = contexts[:40], target[:40]
    models = [CBOW(15, 5, 2, corpus, seed=1, dtype=np.float64) for _ in range(2)]
    before = models[0].params[-1].copy()
    for model, sparse in zip(models, (True, False)):
        np.random.seed(4)
        Trainer(model, SGD(lr=1.0), sparse=sparse).fit(x, t, max_epoch=1, batch_size=40,
                                                       max_grad=max_grad, progress=False)
    a, b = models
    for p, q in zip(a.params[:1] + a.params[-1:], b.params[:1] + b.params[-1:]):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    moved = np.abs(a.params[-1] - before).max()
    assert moved > 0
    if max_grad is not None:   # clipped: one SGD step of lr 1 moves no entry more than max_grad
        assert moved <= max_grad * (1 + 1e-9)
