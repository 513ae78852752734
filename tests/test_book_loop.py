"""The book's chapter-4 training loop drives numbaw2v's CBOW without changes.

BookTrainer, book_remove_duplicate, book_clip_grads and BookAdam below are
the book's algorithms as it writes them (params/grads lists, shared grads
summed, dense Adam); nothing here knows about sparse gradients.
"""
import numpy as np

from numbaw2v.models import CBOW
from numbaw2v.util import create_contexts_target
from helpers import zipf_ids


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


# ---- the book's utilities and Trainer extras ----

def test_preprocess_and_contexts_match_the_book():
    from numbaw2v.util import preprocess
    from reference import ref_create_contexts_target

    corpus, word_to_id, id_to_word = preprocess("You say goodbye and I say hello.")
    assert list(corpus) == [0, 1, 2, 3, 4, 1, 5, 6]
    assert id_to_word[6] == "." and word_to_id["say"] == 1
    for w in (1, 2, 3):
        got = create_contexts_target(corpus, w)
        ref = ref_create_contexts_target(corpus, w)
        if len(ref[1]):
            np.testing.assert_array_equal(got[0], ref[0])
        np.testing.assert_array_equal(got[1], ref[1])
    assert create_contexts_target(corpus, 4)[0].shape == (0, 8)


def test_similarity_utilities(capsys):
    from numbaw2v.util import (analogy, clip_grads, convert_one_hot, cos_similarity,
                               most_similar, normalize)
    from reference import ref_cos_similarity

    x, y = np.array([1.0, 2.0, 0.0]), np.array([2.0, 1.0, 1.0])
    assert abs(cos_similarity(x, y) - ref_cos_similarity(x, y)) < 1e-15
    assert abs(cos_similarity(np.zeros(3), y)) < 1e-6      # eps keeps it finite

    one_hot = convert_one_hot(np.array([[0, 2], [1, 1]]), 3)
    np.testing.assert_array_equal(one_hot[0], [[1, 0, 0], [0, 0, 1]])
    assert one_hot.dtype == np.int32

    words = ["man", "woman", "king", "queen", "apple"]
    w2i = {w: i for i, w in enumerate(words)}
    i2w = dict(enumerate(words))
    M = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0],
                  [-1.0, 0.2, -0.3]])
    res = most_similar("king", w2i, i2w, M, top=2)
    assert [w for w, _ in res] == ["queen", "man"]
    assert most_similar("nope", w2i, i2w, M) == []
    res = analogy("man", "king", "woman", w2i, i2w, normalize(M.copy()), top=1, answer="queen")
    assert res[0][0] == "queen"
    out = capsys.readouterr().out
    assert "[query] king" in out and "nope is not found" in out and "==>queen" in out

    grads = [np.full(4, 3.0), np.full(2, 4.0)]
    clip_grads(grads, 1.0)
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    assert abs(total - 1.0) < 1e-5


def test_trainer_plot(monkeypatch):
    import sys

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from numbaw2v.trainer import Trainer

    trainer = Trainer(model=None, optimizer=None)
    trainer.loss_list, trainer.eval_interval = [3.0, 2.0, 1.5], 20
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    trainer.plot(ylim=(0, 4))
    assert shown and plt.gca().get_ylim() == (0.0, 4.0)
    assert list(plt.gca().lines[-1].get_ydata()) == [3.0, 2.0, 1.5]
    plt.close("all")

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    try:
        trainer.plot()
    except ImportError as exc:
        assert "matplotlib" in str(exc)
    else:
        raise AssertionError("plot() without matplotlib must raise ImportError")


def test_embedding_takes_a_single_id_like_numpy():
    from numbaw2v.layers import Embedding

    W = np.arange(12.0).reshape(4, 3)
    layer = Embedding(W)
    np.testing.assert_array_equal(layer.forward(2), W[2])
    layer.backward(np.ones(3))
    assert layer.grads[0].sum() == 3 and layer.grads[0][2].sum() == 3
