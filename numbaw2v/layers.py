"""The layers of the book's chapter 4, on compiled kernels.

Every layer has ``params`` and ``grads`` lists and ``forward``/``backward``
methods with the book's meaning, so the book's training loop drives them.
Layers built on the same weight matrix keep that one array in ``params``.

Life of one batch (CBOW, numbaw2v's Trainer and Adam)
-----------------------------------------------------
1. Forward (``CBOW.forward``, models.py). The ids are checked once. One kernel
   averages the context rows of W_in (``gather_mean``); each context
   :class:`Embedding` is told which ids it saw (``take_forward``).
   ``NegativeSamplingLoss.forward_checked`` draws the negatives
   (``AliasTable.draw_excluding``) and one kernel (``ns_forward``) scores the
   target and every negative against W_out, giving each score's loss and
   gradient too. Each :class:`EmbeddingDot` and :class:`SigmoidWithLoss`
   inside is handed its share (``take_forward``), so it holds what its own
   forward would have left; the loss keeps an :class:`NSForward` record.
2. Backward (``CBOW.backward``). One kernel (``ns_backward``) turns the score
   gradients into dh and the gradient of every W_out row used; each output
   Embedding receives its rows (``take_grad``) and CBOW hands dh / c to the
   context Embeddings. Every Embedding now holds a :class:`RowGrad`; each
   fused owner also keeps its members' gradients together as one
   :class:`GradPart`.
3. Update (``Trainer``). ``model.sparse_grads()`` groups the parts by weight
   matrix and sums the rows of equal ids (``sum_rows_by_id``): one
   :class:`SparseGrad` per matrix. ``Adam.update_sparse`` changes only those
   rows (kernels/optim.py). The book's own loop reads ``model.grads`` instead:
   each Embedding then writes its RowGrad into its dense V x d array
   (``flush``) and the book's dense update follows.

A sub-layer run on its own (its own ``forward``) clears its ``fused`` flag,
and an Embedding's own ``backward`` records a RowGrad that is not fused. The
owner then goes layer by layer, as the book does, so results never depend on
which path ran.

Dense and sparse gradients
--------------------------
An :class:`Embedding` touches only a few rows of its V x d weight matrix per
batch. ``backward`` records the touched ids and their row gradients (the
*sparse* gradient) and, by default, also writes the dense V x d gradient the
book's loop expects (zeroing the whole array first, as the book does).

A model trained by numbaw2v's :class:`~numbaw2v.trainer.Trainer` switches its
embeddings to *lazy* mode (``lazy = True``): backward then only records, and
the optimizer updates the touched rows from the sparse gradient. The dense
array is filled the moment anyone reads the ``grads`` attribute, so
``layer.grads`` and ``model.grads`` are exact whenever they are read. What
lazy mode cannot fix is a reference to a grads array taken *before* a
backward and read after it without going through the attribute again; lazy
mode is therefore off unless a caller that knows the model (the Trainer)
turns it on.
"""
from typing import NamedTuple

import numpy as np

from .kernels.embed import dot_backward, gather, gather_dot, min_max, scatter_add, sum_rows_by_id
from .kernels.loss import ns_backward, ns_forward, sigmoid_bce
from .sampling import UnigramSampler


# ---------------------------------------------------------------- records

class RowGrad(NamedTuple):
    """The gradient an Embedding's last backward recorded: ``rows[k]`` belongs to
    row ``ids[k]`` of W (ids may repeat)."""
    ids: np.ndarray     # (n,) int64
    rows: np.ndarray    # (n, d), in W's dtype
    fused: bool         # given by an owner's fused backward, which holds it in a GradPart


class GradPart(NamedTuple):
    """Unsummed row gradients of one weight matrix: every ``ids[r, k]`` receives ``rows[r]``."""
    param: np.ndarray   # (V, d)
    ids: np.ndarray     # (n, c) int64
    rows: np.ndarray    # (n, d)


class SparseGrad(NamedTuple):
    """The gradient of one weight matrix, row-sparse, as optimizers' ``update_sparse`` take it."""
    param: np.ndarray   # (V, d)
    rows: np.ndarray    # sorted distinct row ids touched
    summed: np.ndarray  # (len(rows), d): the total gradient of each of those rows


class NSForward(NamedTuple):
    """What NegativeSamplingLoss's fused forward keeps for its backward."""
    h: np.ndarray       # (n, d): the hidden vectors
    ids: np.ndarray     # (k + 1, n): row 0 the targets, rows 1..k the negatives
    dscores: np.ndarray  # (k + 1, n): d loss / d score of each score layer


# ---------------------------------------------------------------- validation

def check_matrix(name, W):
    """W must be a 2-D floating-point numpy array with at least one row and column."""
    if not isinstance(W, np.ndarray):
        raise ValueError(f"{name} must be a numpy array, got {type(W).__name__}")
    if W.ndim != 2:
        raise ValueError(f"{name} must be two-dimensional (vocabulary x dimension), "
                         f"got shape {W.shape}")
    if W.dtype not in (np.float32, np.float64):
        raise ValueError(f"{name} must be a float32 or float64 array, got dtype {W.dtype}")
    if W.shape[0] == 0 or W.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and one column, got {W.shape}")
    return W


def check_ids(name, ids, n, ndim=None):
    """Integer ids, all in [0, n): returned as a C-contiguous int64 array."""
    a = np.asarray(ids)
    if a.dtype == np.bool_ or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"{name} must hold integer ids, got dtype {a.dtype}")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {a.shape}")
    if a.dtype == np.uint64 and a.size and a.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{name} has ids outside [0, {n})")
    shape = a.shape
    a = np.ascontiguousarray(a, dtype=np.int64)
    if a.shape != shape:            # ascontiguousarray turns a 0-d id into shape (1,)
        a = a.reshape(shape)
    if a.size:
        lo, hi = min_max(a.reshape(-1))
        if lo < 0 or hi >= n:
            raise ValueError(f"{name} has ids outside [0, {n}): min {lo}, max {hi}")
    return a


def check_float(name, x, shape=None):
    """A floating-point array (ints are promoted to float64), optionally of a given shape."""
    a = np.asarray(x)
    if a.dtype == np.bool_ or not (np.issubdtype(a.dtype, np.floating)
                                   or np.issubdtype(a.dtype, np.integer)):
        raise ValueError(f"{name} must be a real-valued array, got dtype {a.dtype}")
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    if shape is not None and a.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {a.shape}")
    return a


# ---------------------------------------------------------------- Embedding

class Embedding:
    """Row lookup ``W[idx]``; backward adds the row gradients into ``dW`` at ``idx``."""

    def __init__(self, W):
        check_matrix("W", W)
        self.params = [W]
        self.idx = None
        self.lazy = False
        self.fused = False      # True while idx was given by an owner (take_forward)
        self.record = None      # RowGrad of the last backward
        self._dW = np.zeros_like(W)
        self._stale = False     # True while _dW lags behind record

    @property
    def grads(self):
        self.flush()
        return [self._dW]

    def forward(self, idx):
        W = self.params[0]
        self.idx = check_ids("idx", idx, W.shape[0])
        self.fused = False
        if self.idx.ndim == 0:          # a single id: one row, as W[idx] gives
            return gather(W, self.idx.reshape(1))[0]
        return gather(W, self.idx)

    def backward(self, dout):
        if self.idx is None:
            raise ValueError("backward called before forward")
        d = self.params[0].shape[1]
        dout = check_float("dout", dout, self.idx.shape + (d,))
        self.take_grad(self.idx.reshape(-1), dout.reshape(-1, d))
        return None

    # -- numbaw2v additions: the fused path and sparse gradients

    def take_forward(self, idx):
        """Hold ``idx`` (int64, checked by the caller) as the ids of the last forward,
        for an owner that gathered the rows itself."""
        self.idx = idx
        self.fused = True

    def take_grad(self, ids, rows, fused=False):
        """Record the gradient of the last backward: ``rows[k]`` (n, d) for row ``ids[k]``.

        An owner's fused backward passes ``fused=True`` when it also keeps these
        rows in a GradPart of its own (see :func:`owned_parts`).
        """
        dtype = self.params[0].dtype
        if rows.dtype != dtype or not rows.flags.c_contiguous:
            rows = np.ascontiguousarray(rows, dtype=dtype)
        self.record = RowGrad(ids, rows, fused)
        self._stale = True
        if not self.lazy:
            self.flush()

    def flush(self):
        """Write the recorded gradient into the dense ``grads[0]`` (zeroed first)."""
        if self._stale:
            self._dW[...] = 0
            scatter_add(self._dW, self.record.ids, self.record.rows)
            self._stale = False

    def grad_parts(self):
        """The last backward's gradient as ``[GradPart]`` (empty before any backward)."""
        if self.record is None:
            return []
        return [GradPart(self.params[0], self.record.ids.reshape(-1, 1), self.record.rows)]


class EmbeddingDot:
    """Score ``sum(W[idx] * h, axis=1)`` for each row: the output side of word2vec."""

    def __init__(self, W):
        self.embed = Embedding(W)
        self.params = self.embed.params
        self.cache = None
        self.fused = False      # True while cache was given by an owner (take_forward)

    @property
    def grads(self):
        return self.embed.grads

    def forward(self, h, idx):
        W = self.params[0]
        ids = check_ids("idx", idx, W.shape[0], ndim=1)
        h = check_float("h", h, (ids.shape[0], W.shape[1]))
        target_W, score = gather_dot(W, ids, h)
        self.embed.take_forward(ids)
        self.cache = (h, target_W)
        self.fused = False
        return score

    def backward(self, dout):
        if self.cache is None:
            raise ValueError("backward called before forward")
        h, target_W = self.cache
        dout = check_float("dout", dout, (h.shape[0],))
        if target_W is None:            # given by take_forward: read the rows again
            target_W = gather(self.params[0], self.embed.idx)
        dh = np.zeros(h.shape, dtype=np.result_type(h.dtype, target_W.dtype))
        self.embed.take_grad(self.embed.idx, dot_backward(dout, h, target_W, dh))
        return dh

    def take_forward(self, h, idx):
        """Hold the inputs of a forward whose scores an owner computed itself
        (h and int64 idx already checked); ``W[idx]`` is read again only if this
        layer's own backward runs."""
        self.embed.take_forward(idx)
        self.cache = (h, None)
        self.fused = True


# ---------------------------------------------------------------- loss

class SigmoidWithLoss:
    """Sigmoid followed by binary cross-entropy, averaged over the batch.

    ``forward(x, t)`` returns the mean loss; ``backward(dout)`` returns
    ``(sigmoid(x) - t) * dout / batch_size``. Both come from one fused,
    numerically stable kernel call (no overflow for |x| up to 1e4).
    """

    def __init__(self):
        self.params, self.grads = [], []
        self.loss = None
        self.t = None
        self.fused = False      # True while the state was given by an owner (take_forward)
        self._x = None
        self._dx = None

    @property
    def y(self):
        """The sigmoid of the last scores (computed on demand)."""
        if self._x is None:
            return None
        return 0.5 * (1.0 + np.tanh(0.5 * self._x.astype(np.float64)))

    def forward(self, x, t):
        x = check_float("x", x)
        t = np.asarray(t)
        if t.shape != x.shape:
            raise ValueError(f"t must have the shape of x {x.shape}, got {t.shape}")
        t = check_float("t", t) if t.dtype != np.bool_ else t.astype(np.float64)
        if t.size and (not np.all(np.isfinite(t)) or t.min() < 0 or t.max() > 1):
            raise ValueError("t must hold labels in [0, 1]")
        loss, dx = sigmoid_bce(x, t)
        self.take_forward(x, t, loss, dx)
        self.fused = False
        return self.loss

    def backward(self, dout=1):
        if self._dx is None:
            raise ValueError("backward called before forward")
        return self._dx * dout

    def take_forward(self, x, t, loss, dx):
        """Hold scores ``x``, labels ``t``, their mean loss and ``d loss / dx``,
        computed by an owner's fused kernel."""
        self._x, self.t, self.loss, self._dx = x, t, float(loss), dx
        self.fused = True


# ---------------------------------------------------------------- negative sampling

class NegativeSamplingLoss:
    """The loss of word2vec with negative sampling, as in the book's chapter 4.

    For each target, one positive score and ``sample_size`` negatives drawn
    from the unigram distribution raised to ``power`` (never the target
    itself); the loss is the sum of ``sample_size + 1`` mean BCE terms.

    ``seed`` seeds the negative sampler; when None it is drawn from numpy's
    global generator, so ``np.random.seed(...)`` makes runs repeatable as in
    the book. ``sampler`` lets several loss layers share one sampler (any
    object with ``get_negative_sample(target)``).
    """

    def __init__(self, W, corpus, power=0.75, sample_size=5, seed=None, sampler=None):
        check_matrix("W", W)
        if int(sample_size) != sample_size or sample_size < 0:
            raise ValueError(f"sample_size must be a non-negative integer, got {sample_size}")
        self.sample_size = int(sample_size)
        if sampler is None:
            corpus = check_ids("corpus", corpus, W.shape[0], ndim=1)
            if corpus.size == 0:
                raise ValueError("corpus is empty")
            if seed is None:
                seed = int(np.random.randint(0, 2**62))
            sampler = UnigramSampler(corpus, power, self.sample_size, seed=seed,
                                     vocab_size=W.shape[0])
        self.sampler = sampler
        self.loss_layers = [SigmoidWithLoss() for _ in range(self.sample_size + 1)]
        self.embed_dot_layers = [EmbeddingDot(W) for _ in range(self.sample_size + 1)]
        self.params = []
        for layer in self.embed_dot_layers:
            self.params += layer.params
        self.last = None        # NSForward of the last fused forward
        self.grad_part = None   # GradPart of the last fused backward
        self._labels = {}

    @property
    def grads(self):
        out = []
        for layer in self.embed_dot_layers:
            out += layer.grads
        return out

    def embeddings(self):
        """The Embedding layers inside (one per score), for sparse gradients."""
        return [layer.embed for layer in self.embed_dot_layers]

    def forward(self, h, target):
        W = self.params[0]
        target = check_ids("target", target, W.shape[0], ndim=1)
        h = check_float("h", h, (target.shape[0], W.shape[1]))
        return self.forward_checked(h, target)

    def forward_checked(self, h, target):
        """``forward`` for a 1-D int64 ``target`` in range and ``h`` of shape (n, d),
        both checked by the caller: all k + 1 score layers in one kernel call.

        Each sub-layer is handed (``take_forward``) the state its own forward
        would have left.
        """
        ids = self._score_ids(target)
        scores, losses, dscores = ns_forward(self.params[0], ids, h)
        ones, zeros = self._label_arrays(target.shape[0])
        for i, (dot, sig) in enumerate(zip(self.embed_dot_layers, self.loss_layers)):
            dot.take_forward(h, ids[i])
            sig.take_forward(scores[i], ones if i == 0 else zeros, losses[i], dscores[i])
        self.last = NSForward(h, ids, dscores)
        return float(losses.sum())

    def backward(self, dout=1):
        if self.last is None or not all(layer.fused for layer in
                                        self.loss_layers + self.embed_dot_layers):
            return self._backward_by_layer(dout)
        h, ids, dscores = self.last
        if not (np.isscalar(dout) and dout == 1):
            dscores = dscores * dout
        W = self.params[0]
        dh, drows = ns_backward(dscores, h, W, ids)
        for dot, layer_ids, layer_rows in zip(self.embed_dot_layers, ids, drows):
            dot.embed.take_grad(layer_ids, layer_rows, fused=True)
        self.grad_part = GradPart(W, ids.reshape(-1, 1), drows.reshape(-1, W.shape[1]))
        return dh

    def grad_parts(self):
        """The last backward's gradient of W as a list of GradPart."""
        return owned_parts(self.grad_part, self.embeddings())

    def _backward_by_layer(self, dout):
        """Some sub-layer was run on its own since the fused forward: go layer by
        layer, as the book does."""
        self.grad_part = None
        dh = 0
        for sig, dot in zip(self.loss_layers, self.embed_dot_layers):
            dh = dh + dot.backward(sig.backward(dout))
        return dh

    def _score_ids(self, target):
        """(k + 1, n) int64: the targets, then the k negatives drawn for each."""
        n, k = target.shape[0], self.sample_size
        V = self.params[0].shape[0]
        if isinstance(self.sampler, UnigramSampler) and self.sampler.vocab_size <= V:
            negative = self.sampler.negative_sample_checked(target)  # its ids are below V
        else:
            negative = check_ids("negative samples", self.sampler.get_negative_sample(target), V)
        if negative.shape != (n, k):
            raise ValueError(f"sampler returned shape {negative.shape}, expected {(n, k)}")
        ids = np.empty((k + 1, n), dtype=np.int64)
        ids[0] = target
        ids[1:] = negative.T
        return ids

    def _label_arrays(self, n):
        pair = self._labels.get(n)
        if pair is None:
            pair = (np.ones(n, dtype=np.float64), np.zeros(n, dtype=np.float64))
            self._labels = {n: pair}
        return pair


# ---------------------------------------------------------------- sparse gradients

def owned_parts(part, members):
    """An owner's gradient: its own ``part`` while every member Embedding still holds
    the fused gradient the owner gave it; otherwise the members' own parts."""
    if part is not None and all(e.record is not None and e.record.fused for e in members):
        return [part]
    return [p for e in members for p in e.grad_parts()]


def sum_grad_parts(parts):
    """Sum GradParts by weight matrix: one SparseGrad per distinct param (first-seen order).

    Each holds the sorted ids of the rows any part touched and the total
    gradient of each row -- exactly the non-zero rows of the dense gradient
    that the book's ``remove_duplicate`` would produce.
    """
    groups = {}
    for part in parts:
        groups.setdefault(id(part.param), []).append(part)
    out = []
    for group in groups.values():
        if len(group) == 1:
            ids, rows = group[0].ids, group[0].rows
        else:
            ids = np.concatenate([p.ids.reshape(-1) for p in group]).reshape(-1, 1)
            rows = np.concatenate([np.repeat(p.rows, p.ids.shape[1], axis=0) for p in group])
        unique, summed = sum_rows_by_id(ids, rows)
        out.append(SparseGrad(group[0].param, unique, summed))
    return out
