"""The book's Trainer: mini-batch loop, loss history, progress bar and plot.

With a model that has ``sparse_grads()`` (numbaw2v's CBOW and SkipGram) and
an optimizer that has ``update_sparse`` (numbaw2v's SGD and Adam), ``fit``
takes the sparse path by default: the model's embeddings run in lazy mode,
and the optimizer updates only the rows the batch touched. Pass
``sparse=False`` for the book's dense path (``remove_duplicate`` then a dense
``update``), which any model with ``params``/``grads`` can use.
"""
import numpy as np

from .util import clip_grads


def remove_duplicate(params, grads):
    """Merge parameters that are the same array (or a transpose of another).

    Returns new lists in which each shared array appears once, its gradient
    being the sum of the gradients of every occurrence (the book's rule for
    weight sharing). The grads of the first occurrence are added to in place.
    """
    params, grads = list(params), list(grads)
    i = 0
    while i < len(params):
        j = i + 1
        while j < len(params):
            if params[i] is params[j]:
                grads[i] += grads[j]
                del params[j], grads[j]
            elif (params[i].ndim == 2 and params[j].ndim == 2
                  and params[i].T.shape == params[j].shape
                  and np.all(params[i].T == params[j])):
                grads[i] += grads[j].T
                del params[j], grads[j]
            else:
                j += 1
        i += 1
    return params, grads


def _sparse_clip(sparse_grads, max_norm):
    """clip_grads for ``[(param, rows, summed), ...]``: scales every ``summed`` in place."""
    clip_grads([summed for _param, _rows, summed in sparse_grads], max_norm)


class Trainer:
    """Train ``model`` with ``optimizer`` on (contexts, target) mini-batches."""

    def __init__(self, model, optimizer, sparse=None):
        self.model = model
        self.optimizer = optimizer
        self.sparse = sparse
        self.loss_list = []
        self.eval_interval = None
        self.current_epoch = 0

    def uses_sparse(self):
        """Whether fit takes the row-sparse path with this model and optimizer."""
        able = hasattr(self.model, "sparse_grads") and hasattr(self.optimizer, "update_sparse")
        if self.sparse is None:
            return able
        if self.sparse and not able:
            raise ValueError("sparse=True needs a model with sparse_grads() and an optimizer "
                             "with update_sparse()")
        return bool(self.sparse)

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20,
            progress=True):
        """Shuffle each epoch (numpy's global generator), step over full batches.

        The mean loss since the last record is appended to ``loss_list``
        every ``eval_interval`` iterations (None: never) and shown on the
        progress bar (``progress=False`` hides it).
        """
        x, t = np.asarray(x), np.asarray(t)
        if len(x) != len(t):
            raise ValueError(f"t must have one entry per row of x: len(x)={len(x)}, "
                             f"len(t)={len(t)}")
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
        if int(max_epoch) != max_epoch or max_epoch < 0:
            raise ValueError(f"max_epoch must be a non-negative integer, got {max_epoch}")
        if eval_interval is not None and (int(eval_interval) != eval_interval
                                          or eval_interval < 1):
            raise ValueError(f"eval_interval must be a positive integer or None, "
                             f"got {eval_interval}")
        data_size = len(x)
        max_iters = data_size // batch_size
        if max_iters == 0 and max_epoch > 0:
            raise ValueError(f"batch_size ({batch_size}) is larger than the data ({data_size})")
        self.eval_interval = eval_interval
        sparse = self.uses_sparse()
        from tqdm.auto import tqdm

        bar = tqdm(total=max_epoch * max_iters, disable=not progress, unit="batch")
        if sparse:
            was_lazy = self.model.lazy_grads
            self.model.lazy_grads = True
        try:
            total_loss, loss_count = 0.0, 0
            for epoch in range(max_epoch):
                idx = np.random.permutation(data_size)
                x, t = x[idx], t[idx]
                bar.set_description(f"epoch {self.current_epoch + 1}", refresh=False)
                for iters in range(max_iters):
                    sl = slice(iters * batch_size, (iters + 1) * batch_size)
                    loss = self.model.forward(x[sl], t[sl])
                    self.model.backward()
                    self._step(sparse, max_grad)
                    total_loss += loss
                    loss_count += 1
                    if eval_interval is not None and iters % eval_interval == 0:
                        avg = total_loss / loss_count
                        self.loss_list.append(float(avg))
                        bar.set_postfix(loss=f"{avg:.3f}", refresh=False)
                        total_loss, loss_count = 0.0, 0
                    bar.update(1)
                self.current_epoch += 1
        finally:
            bar.close()
            if sparse:
                self.model.lazy_grads = was_lazy
        return self

    def _step(self, sparse, max_grad):
        if sparse:
            grads = self.model.sparse_grads()
            if max_grad is not None:
                _sparse_clip(grads, max_grad)
            self.optimizer.update_sparse(grads)
        else:
            params, grads = remove_duplicate(self.model.params, self.model.grads)
            if max_grad is not None:
                clip_grads(grads, max_grad)
            self.optimizer.update(params, grads)

    def plot(self, ylim=None):
        """Plot ``loss_list`` with matplotlib (needs the optional matplotlib package)."""
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:
            raise ImportError("Trainer.plot needs matplotlib: pip install matplotlib "
                              "(or numbaw2v[plot])") from exc
        xs = np.arange(len(self.loss_list))
        if ylim is not None:
            plt.ylim(*ylim)
        plt.plot(xs, self.loss_list, label="train")
        plt.xlabel(f"iterations (x{self.eval_interval})")
        plt.ylabel("loss")
        plt.show()
