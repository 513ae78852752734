"""The layers of the book's chapter 4, on compiled kernels.

Every layer has ``params`` and ``grads`` lists and ``forward``/``backward``
methods with the book's meaning, so the book's training loop drives them.
Layers built on the same weight matrix keep that one array in ``params``.

Dense and sparse gradients
--------------------------
An :class:`Embedding` touches only a few rows of its V x d weight matrix per
batch. ``backward`` records the touched ids and their row gradients (the
*sparse* gradient) and, by default, also writes the dense V x d gradient the
book's loop expects (zeroing the whole array first, as the book does).

A model trained by numbaw2v's :class:`~numbaw2v.trainer.Trainer` switches its
embeddings to *lazy* mode (``lazy = True``): backward then only records, and
the optimizer updates the touched rows from ``sparse_grad()``. The dense array
is filled the moment anyone reads the ``grads`` attribute, so ``layer.grads``
and ``model.grads`` are exact whenever they are read. What lazy mode cannot
fix is a reference to a grads array taken *before* a backward and read after
it without going through the attribute again; lazy mode is therefore off
unless a caller that knows the model (the Trainer) turns it on.
"""
import numpy as np

from .kernels.embed import dot_backward, gather, gather_dot, max_min, scatter_add, sum_rows_by_id
from .kernels.loss import ns_backward, ns_forward, sigmoid_bce
from .sampling import UnigramSampler


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
        lo, hi = max_min(a.reshape(-1))
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
        self._dW = np.zeros_like(W)
        self.idx = None
        self.lazy = False
        self._record = None     # (ids int64[n], rows[n, d], block) of the last backward
        self._stale = False     # True while _dW lags behind _record

    @property
    def grads(self):
        self.flush()
        return [self._dW]

    def forward(self, idx):
        W = self.params[0]
        self.idx = check_ids("idx", idx, W.shape[0])
        if self.idx.ndim == 0:          # a single id: one row, as W[idx] gives
            return gather(W, self.idx.reshape(1))[0]
        return gather(W, self.idx)

    def backward(self, dout):
        if self.idx is None:
            raise ValueError("backward called before forward")
        W = self.params[0]
        dout = check_float("dout", dout, self.idx.shape + (W.shape[1],))
        self._set_grad(self.idx.reshape(-1), dout.reshape(-1, W.shape[1]))
        return None

    # -- numbaw2v additions

    def _set_grad(self, ids, rows, block=None):
        """Record the gradient of the last backward: ids (n,) and rows (n, d).

        ``block``, set by a fused backward that feeds several layers at once,
        is ``(ids2d, rows2d, n_layers)``: the summed gradient of those layers
        together is ``sum_rows_by_id(ids2d, rows2d)``, computed without
        concatenating the per-layer records.
        """
        if block is None:
            rows = np.ascontiguousarray(rows, dtype=self.params[0].dtype)
        self._record = (ids, rows, block)
        self._stale = True
        if not self.lazy:
            self.flush()

    def flush(self):
        """Write the recorded gradient into the dense ``grads[0]`` (zeroed first)."""
        if self._stale:
            self._dW[...] = 0
            ids, rows, _ = self._record
            scatter_add(self._dW, ids, rows)
            self._stale = False

    def sparse_grad(self):
        """(ids, rows) of the last backward, unsummed (ids may repeat), or None."""
        return None if self._record is None else self._record[:2]


class EmbeddingDot:
    """Score ``sum(W[idx] * h, axis=1)`` for each row: the output side of word2vec."""

    def __init__(self, W):
        self.embed = Embedding(W)
        self.params = self.embed.params
        self.cache = None

    @property
    def grads(self):
        return self.embed.grads

    def forward(self, h, idx):
        W = self.params[0]
        ids = check_ids("idx", idx, W.shape[0], ndim=1)
        h = check_float("h", h, (ids.shape[0], W.shape[1]))
        return self._forward(h, ids)

    def _forward(self, h, ids):
        target_W, score = gather_dot(self.params[0], ids, h)
        self.embed.idx = ids
        self.cache = (h, target_W)
        return score

    def backward(self, dout):
        if self.cache is None:
            raise ValueError("backward called before forward")
        h, target_W = self.cache
        dout = check_float("dout", dout, (h.shape[0],))
        return self._backward(dout)

    def _backward(self, dout, dh=None):
        """Record the weight gradient; return dh, or add it into ``dh`` if given."""
        h, target_W = self.cache
        if target_W is None:   # left by NegativeSamplingLoss's fused forward
            target_W = gather(self.params[0], self.embed.idx)
        if dh is None:
            dh = np.zeros(h.shape, dtype=np.result_type(h.dtype, target_W.dtype))
        dtarget = dot_backward(dout, h, target_W, dh)
        self.embed._set_grad(self.embed.idx, dtarget)
        return dh


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
        return self._forward(x, t)

    def _forward(self, x, t):
        self._x, self.t = x, t
        self.loss, self._dx = sigmoid_bce(x, t)
        return self.loss

    def backward(self, dout=1):
        if self._dx is None:
            raise ValueError("backward called before forward")
        return self._dx * dout


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
        self._labels = {}
        self._fused = None

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
        return self._forward(h, target)

    def _label_arrays(self, n):
        pair = self._labels.get(n)
        if pair is None:
            pair = (np.ones(n, dtype=np.float64), np.zeros(n, dtype=np.float64))
            self._labels = {n: pair}
        return pair

    def _forward(self, h, target):
        """All k + 1 score layers in one fused kernel call; each sub-layer is
        left holding the same state its own forward would have stored."""
        n, k = target.shape[0], self.sample_size
        V = self.params[0].shape[0]
        checked = getattr(self.sampler, "negative_sample_checked", None)
        if checked is not None and len(self.sampler.table) <= V:
            negative = checked(target)      # a table over at most V ids: always in range
        else:
            negative = check_ids("negative samples", self.sampler.get_negative_sample(target), V)
        if negative.shape != (n, k):
            raise ValueError(f"sampler returned shape {negative.shape}, expected {(n, k)}")
        ids = np.empty((k + 1, n), dtype=np.int64)
        ids[0] = target
        ids[1:] = negative.T
        scores, losses, dscores = ns_forward(self.params[0], ids, h)
        ones, zeros = self._label_arrays(n)
        dxs = []
        for i, (dot, sig) in enumerate(zip(self.embed_dot_layers, self.loss_layers)):
            dot.embed.idx = ids[i]
            dot.cache = (h, None)   # target rows are read from W again when needed
            sig._x, sig.t, sig.loss = scores[i], (ones if i == 0 else zeros), float(losses[i])
            sig._dx = dscores[i]
            dxs.append(sig._dx)
        self._fused = (h, ids, dscores, dxs)
        return float(losses.sum())

    def backward(self, dout=1):
        fused = self._fused
        if fused is not None and all(s._dx is v for s, v in zip(self.loss_layers, fused[3])):
            h, ids, dscores, _ = fused
            if not (np.isscalar(dout) and dout == 1):
                dscores = dscores * dout
            dh, drows = ns_backward(dscores, h, self.params[0], ids)
            block = (ids.reshape(-1, 1), drows.reshape(-1, drows.shape[2]), len(ids))
            for i, dot in enumerate(self.embed_dot_layers):
                dot.embed._set_grad(ids[i], drows[i], block)
            return dh
        # some sub-layer was run on its own since: go layer by layer, as the book does
        h = self.embed_dot_layers[0].cache[0]
        dh = np.zeros(h.shape, dtype=np.result_type(h.dtype, self.params[0].dtype))
        for loss_layer, dot_layer in zip(self.loss_layers, self.embed_dot_layers):
            dscore = loss_layer.backward(dout)
            dot_layer._backward(dscore, dh)
        return dh


# ---------------------------------------------------------------- sparse gradients

def collect_sparse_grads(embeddings):
    """Sum the recorded gradients of Embedding layers, grouped by shared weight.

    Returns a list of ``(param, rows, summed)``: for each distinct weight
    array (first-seen order), the sorted ids of the rows any layer touched and
    the total gradient of each row -- exactly the non-zero rows of the dense
    gradient that the book's ``remove_duplicate`` would produce.

    Layers fed by one fused backward (a complete ``block``) are summed from
    the block's arrays; layers that received the very same row-gradient
    array are summed without copying that array once per layer.
    """
    records = {}
    for layer in embeddings:
        rec = layer._record
        if rec is not None:
            W = layer.params[0]
            records.setdefault(id(W), (W, []))[1].append(rec)
    out = []
    for W, recs in records.values():
        parts = _gradient_parts(recs)
        if len(parts) == 1:
            ids2d, rows = parts[0]
        else:
            ids2d = np.concatenate([ids.reshape(-1) for ids, _ in parts]).reshape(-1, 1)
            rows = np.concatenate([r if ids.shape[1] == 1 else np.repeat(r, ids.shape[1], axis=0)
                                   for ids, r in parts])
        unique, summed = sum_rows_by_id(ids2d, rows)
        out.append((W, unique, summed))
    return out


def _gradient_parts(recs):
    """Split layer records into ``(ids (n, c), rows (n, d))`` parts: each
    ``ids[r, k]`` receives ``rows[r]``."""
    blocks, loose = {}, []
    for rec in recs:
        if rec[2] is None:
            loose.append(rec)
        else:
            blocks.setdefault(id(rec[2]), (rec[2], []))[1].append(rec)
    parts = []
    for block, members in blocks.values():
        if len(members) == block[2]:
            parts.append((block[0], block[1]))
        else:                       # some member was run on its own since
            loose += members
    by_rows = {}
    for ids, rows, _ in loose:
        by_rows.setdefault(id(rows), (rows, []))[1].append(ids)
    for rows, ids in by_rows.values():
        parts.append((ids[0].reshape(-1, 1) if len(ids) == 1 else np.stack(ids, axis=1), rows))
    return parts
