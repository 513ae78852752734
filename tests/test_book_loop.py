"""The book's chapter-4 training loop drives numbaw2v's CBOW without changes.

BookTrainer, book_remove_duplicate, book_clip_grads and BookAdam below are
the book's algorithms as it writes them (params/grads lists, shared grads
summed, dense Adam); nothing here knows about sparse gradients.
"""
import numpy as np

from numbaw2v.models import CBOW
from numbaw2v.util import create_contexts_target
from conftest import zipf_ids


def book_remove_duplicate(params, grads):
    params, grads = params[:], grads[:]
    while True:
        find_flg = False
        L = len(params)
        for i in range(0, L - 1):
            for j in range(i + 1, L):
                if params[i] is params[j]:
                    grads[i] += grads[j]
                    find_flg = True
                    params.pop(j)
                    grads.pop(j)
                elif params[i].ndim == 2 and params[j].ndim == 2 and \
                        params[i].T.shape == params[j].shape and np.all(params[i].T == params[j]):
                    grads[i] += grads[j].T
                    find_flg = True
                    params.pop(j)
                    grads.pop(j)
                if find_flg:
                    break
            if find_flg:
                break
        if not find_flg:
            break
    return params, grads


def book_clip_grads(grads, max_norm):
    total_norm = 0
    for grad in grads:
        total_norm += np.sum(grad ** 2)
    total_norm = np.sqrt(total_norm)
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for grad in grads:
            grad *= rate


class BookAdam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = [], []
            for param in params:
                self.m.append(np.zeros_like(param))
                self.v.append(np.zeros_like(param))
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for i in range(len(params)):
            self.m[i] += (1 - self.beta1) * (grads[i] - self.m[i])
            self.v[i] += (1 - self.beta2) * (grads[i] ** 2 - self.v[i])
            params[i] -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)


class BookTrainer:
    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer
        self.loss_list = []

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        data_size = len(x)
        max_iters = data_size // batch_size
        model, optimizer = self.model, self.optimizer
        total_loss = 0
        loss_count = 0
        for epoch in range(max_epoch):
            idx = np.random.permutation(np.arange(data_size))
            x = x[idx]
            t = t[idx]
            for iters in range(max_iters):
                batch_x = x[iters * batch_size:(iters + 1) * batch_size]
                batch_t = t[iters * batch_size:(iters + 1) * batch_size]
                loss = model.forward(batch_x, batch_t)
                model.backward()
                params, grads = book_remove_duplicate(model.params, model.grads)
                if max_grad is not None:
                    book_clip_grads(grads, max_grad)
                optimizer.update(params, grads)
                total_loss += loss
                loss_count += 1
                if (eval_interval is not None) and (iters % eval_interval) == 0:
                    self.loss_list.append(float(total_loss / loss_count))
                    total_loss, loss_count = 0, 0


def test_book_loop_trains_numbaw2v_cbow():
    np.random.seed(0)
    corpus = zipf_ids(3000, 30, seed=4)
    contexts, target = create_contexts_target(corpus, window_size=2)
    model = CBOW(30, 8, 2, corpus)
    W_in = model.word_vecs
    trainer = BookTrainer(model, BookAdam(lr=0.01))
    trainer.fit(contexts, target, max_epoch=4, batch_size=50, max_grad=5.0, eval_interval=10)
    losses = trainer.loss_list
    assert len(losses) == 4 * 6
    assert np.all(np.isfinite(losses))
    assert np.mean(losses[-4:]) < losses[0] - 0.5   # starts at 6 ln 2 = 4.16
    assert model.word_vecs is W_in and model.params[0] is W_in   # updated in place


def test_book_loop_step_equals_numbaw2v_sparse_step():
    """One book (dense) step and one numbaw2v sparse SGD step land on the same weights."""
    from numbaw2v.optim import SGD
    from numbaw2v.trainer import Trainer

    corpus = zipf_ids(600, 20, seed=5)
    contexts, target = create_contexts_target(corpus, window_size=1)
    x, t = contexts[:64], target[:64]
    a = CBOW(20, 6, 1, corpus, seed=3, dtype=np.float64)
    b = CBOW(20, 6, 1, corpus, seed=3, dtype=np.float64)
    before = a.params[-1].copy()
    np.random.seed(11)
    BookTrainer(a, SGDBook(lr=0.5)).fit(x, t, max_epoch=1, batch_size=64)
    np.random.seed(11)
    Trainer(b, SGD(lr=0.5)).fit(x, t, max_epoch=1, batch_size=64, progress=False)
    for p, q in zip(a.params[:1] + a.params[-1:], b.params[:1] + b.params[-1:]):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    assert np.abs(a.params[-1] - before).max() > 1e-4


class SGDBook:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]
