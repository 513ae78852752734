"""The book's word2vec models with negative sampling: CBOW and SkipGram.

Both keep the book's constructor, ``params``/``grads`` lists, ``forward``,
``backward`` and ``word_vecs``. numbaw2v adds:

- ``seed`` and ``dtype`` keywords (defaults: numpy's global generator and
  float32, as in the book);
- ``sparse_grads()``: per distinct weight matrix, a ``SparseGrad`` of the
  touched rows and their summed gradients (what numbaw2v's Trainer and
  optimizers use by default);
- ``lazy_grads``: when True, backward records only the sparse gradient and
  the dense ``grads`` arrays are filled when the ``grads`` attribute is read.
"""
import numpy as np

from .kernels.embed import gather_mean
from .layers import (Embedding, GradPart, NegativeSamplingLoss, check_ids, owned_parts,
                     sum_grad_parts)
from .sampling import UnigramSampler


def _init_weights(vocab_size, hidden_size, seed, dtype):
    if int(vocab_size) != vocab_size or vocab_size < 1:
        raise ValueError(f"vocab_size must be a positive integer, got {vocab_size}")
    if int(hidden_size) != hidden_size or hidden_size < 1:
        raise ValueError(f"hidden_size must be a positive integer, got {hidden_size}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    shape = (int(vocab_size), int(hidden_size))
    if seed is None:   # the book's initialisation, from numpy's global generator
        W_in = (0.01 * np.random.randn(*shape)).astype(dtype)
        W_out = (0.01 * np.random.randn(*shape)).astype(dtype)
    else:
        rng = np.random.default_rng(seed)
        W_in = (0.01 * rng.standard_normal(shape)).astype(dtype)
        W_out = (0.01 * rng.standard_normal(shape)).astype(dtype)
    sampler_seed = int(np.random.randint(0, 2**62)) if seed is None else int(seed) + 1
    return W_in, W_out, sampler_seed


def _check_window(window_size):
    if int(window_size) != window_size or window_size < 1:
        raise ValueError(f"window_size must be a positive integer, got {window_size}")
    return int(window_size)


def _make_sampler(corpus, vocab_size, sampler_seed):
    corpus = check_ids("corpus", corpus, vocab_size, ndim=1)
    if corpus.size == 0:
        raise ValueError("corpus is empty")
    return UnigramSampler(corpus, 0.75, 5, seed=sampler_seed, vocab_size=vocab_size)


class _Word2VecModel:
    """What CBOW and SkipGram share: grads, sparse grads and lazy mode."""

    @property
    def grads(self):
        return [g for layer in self.layers for g in layer.grads]

    def embeddings(self):
        """Every Embedding layer of the model (in and out sides)."""
        cached = getattr(self, "_embeddings", None)
        if cached is None:
            cached = []
            for layer in self.layers:
                cached += layer.embeddings() if hasattr(layer, "embeddings") else [layer]
            self._embeddings = cached
        return cached

    def sparse_grads(self):
        """``[SparseGrad(param, rows, summed), ...]``: the last backward's gradient, row-sparse."""
        return sum_grad_parts(self.grad_parts())

    @property
    def lazy_grads(self):
        return all(e.lazy for e in self.embeddings())

    @lazy_grads.setter
    def lazy_grads(self, flag):
        for e in self.embeddings():
            e.lazy = bool(flag)
            if not flag:
                e.flush()

    def _check_batch(self, contexts, target):
        V = self.params[0].shape[0]
        target = check_ids("target", target, V, ndim=1)
        contexts = check_ids("contexts", contexts, V, ndim=2)
        if contexts.shape != (target.shape[0], self.context_size):
            raise ValueError(f"contexts must have shape (len(target), 2 * window_size) = "
                             f"{(target.shape[0], self.context_size)}, got {contexts.shape}")
        return contexts, target


class CBOW(_Word2VecModel):
    """Continuous bag of words: the mean of the context vectors predicts the target."""

    def __init__(self, vocab_size, hidden_size, window_size, corpus, seed=None,
                 dtype=np.float32):
        window_size = _check_window(window_size)
        W_in, W_out, sampler_seed = _init_weights(vocab_size, hidden_size, seed, dtype)
        self.context_size = 2 * window_size
        self.in_layers = [Embedding(W_in) for _ in range(self.context_size)]
        sampler = _make_sampler(corpus, W_in.shape[0], sampler_seed)
        self.ns_loss = NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=5,
                                            sampler=sampler)
        self.layers = self.in_layers + [self.ns_loss]
        self.params = [p for layer in self.layers for p in layer.params]
        self.word_vecs = W_in
        self._in_grad = None

    def forward(self, contexts, target):
        contexts, target = self._check_batch(contexts, target)
        for layer, ids in zip(self.in_layers, np.ascontiguousarray(contexts.T)):
            layer.take_forward(ids)
        self._contexts = contexts
        h = gather_mean(self.params[0], contexts)
        return self.ns_loss.forward_checked(h, target)

    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout)
        dh = np.ascontiguousarray(dh * (1.0 / len(self.in_layers)), dtype=self.params[0].dtype)
        if all(layer.fused for layer in self.in_layers):
            for layer in self.in_layers:
                layer.take_grad(layer.idx, dh, fused=True)
            self._in_grad = GradPart(self.params[0], self._contexts, dh)
        else:   # a context layer was run on its own since forward: as the book does
            for layer in self.in_layers:
                layer.backward(dh)
        return None

    def grad_parts(self):
        """The last backward's gradient as GradParts (W_in's, then W_out's)."""
        return owned_parts(self._in_grad, self.in_layers) + self.ns_loss.grad_parts()


class SkipGram(_Word2VecModel):
    """Skip-gram: the target's vector predicts each of its context words."""

    def __init__(self, vocab_size, hidden_size, window_size, corpus, seed=None,
                 dtype=np.float32):
        window_size = _check_window(window_size)
        W_in, W_out, sampler_seed = _init_weights(vocab_size, hidden_size, seed, dtype)
        self.context_size = 2 * window_size
        self.in_layer = Embedding(W_in)
        sampler = _make_sampler(corpus, W_in.shape[0], sampler_seed)
        self.loss_layers = [NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=5,
                                                 sampler=sampler)
                            for _ in range(self.context_size)]
        self.layers = [self.in_layer] + self.loss_layers
        self.params = [p for layer in self.layers for p in layer.params]
        self.word_vecs = W_in

    def forward(self, contexts, target):
        contexts, target = self._check_batch(contexts, target)
        h = self.in_layer.forward(target)
        loss = 0
        for i, layer in enumerate(self.loss_layers):
            loss += layer.forward_checked(h, np.ascontiguousarray(contexts[:, i]))
        return loss

    def backward(self, dout=1):
        dh = 0
        for layer in self.loss_layers:
            dh = dh + layer.backward(dout)
        self.in_layer.backward(dh)
        return None

    def grad_parts(self):
        """The last backward's gradient as GradParts (W_in's, then W_out's)."""
        return self.in_layer.grad_parts() + [p for layer in self.loss_layers
                                             for p in layer.grad_parts()]
