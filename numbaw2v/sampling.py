"""Sampling from discrete distributions: the alias table and the book's UnigramSampler."""
import numpy as np

from .kernels.alias import alias_sample, alias_sample_excluding, build_alias
from .kernels.rng import seed_states


def _check_weights(weights, name="weights"):
    w = np.asarray(weights)
    if w.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {w.shape}")
    if w.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.issubdtype(w.dtype, np.number) or np.issubdtype(w.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real numbers, got dtype {w.dtype}")
    w = w.astype(np.float64)
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} contains NaN or infinity")
    if np.any(w < 0):
        first = int(np.argmax(w < 0))
        raise ValueError(f"{name} contains negative values (first at index {first})")
    if not np.any(w > 0):
        raise ValueError(f"{name} are all zero: at least one must be positive")
    return w


def make_state(seed):
    """A uint64[1] generator state for the alias kernels; None seeds from the OS."""
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0])
    return seed_states(np.uint64(int(seed) & 0xFFFFFFFFFFFFFFFF), 1)


class AliasTable:
    """Draws ids with probability proportional to ``weights`` in O(1) per draw.

    ``prob``/``alias`` are the Vose table; ``probabilities()`` returns the
    distribution the table encodes (equal to the normalised weights).
    """

    def __init__(self, weights, seed=None):
        self.weights = _check_weights(weights)
        self.prob, self.alias = build_alias(self.weights)
        self.state = make_state(seed)
        self._build_heavy_fallback()

    def _build_heavy_fallback(self):
        """A second table without the heaviest id, used when that id is excluded.

        ``sample_excluding`` rejects draws equal to the excluded id, which takes
        1 / (1 - p) tries on average: unbounded as p nears 1 (weights like
        [1e9, 1]). Only one id can have p > 1/2, so drawing its rows from a
        table that leaves it out bounds the expected tries by 2 for every id.
        """
        self._heavy = -1
        self._rest = None
        heavy = int(np.argmax(self.weights))
        n_positive = np.count_nonzero(self.weights)
        self._only_positive = heavy if n_positive == 1 else -1
        total = self.weights.sum()
        if self.weights[heavy] <= 0.5 * total or n_positive < 2:
            return
        rest = self.weights.copy()
        rest[heavy] = 0.0
        self._heavy = heavy
        self._rest = build_alias(rest)

    def __len__(self):
        return self.prob.shape[0]

    def probabilities(self):
        """The exact distribution encoded by the table."""
        n = len(self)
        p = self.prob.copy()
        np.add.at(p, self.alias, 1.0 - self.prob)
        return p / n

    def sample(self, n):
        """n draws with replacement, int32."""
        n = int(n)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        return alias_sample(self.prob, self.alias, n, self.state)

    def sample_excluding(self, exclude, k):
        """k draws per entry of ``exclude`` (any shape), never equal to that entry.

        Returns int32 of shape ``exclude.shape + (k,)``.
        """
        ex = np.asarray(exclude)
        if ex.size and not np.issubdtype(ex.dtype, np.integer):
            raise ValueError(f"exclude must hold integer ids, got dtype {ex.dtype}")
        k = int(k)
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k}")
        flat = ex.reshape(-1).astype(np.int64)
        if flat.size and (flat.min() < 0 or flat.max() >= len(self)):
            raise ValueError(f"exclude has ids outside [0, {len(self)})")
        return self.draw_excluding(flat, k).reshape(ex.shape + (k,))

    def draw_excluding(self, exclude, k):
        """:meth:`sample_excluding` for a 1-D int64 ``exclude`` whose ids the caller
        has checked to lie in ``[0, len(self))`` (the layers' fast path).

        Returns int32 of shape ``(len(exclude), k)``.
        """
        if k and self._only_positive >= 0 and np.any(exclude == self._only_positive):
            raise ValueError(f"cannot exclude id {self._only_positive}: "
                             "it is the only id with positive weight")
        if self._heavy < 0 or not k:
            return alias_sample_excluding(self.prob, self.alias, exclude, k, self.state)
        hit = exclude == self._heavy
        out = np.empty((exclude.size, k), dtype=np.int32)
        out[~hit] = alias_sample_excluding(self.prob, self.alias, exclude[~hit], k, self.state)
        rest_prob, rest_alias = self._rest
        n_hit = int(np.count_nonzero(hit))
        out[hit] = alias_sample(rest_prob, rest_alias, n_hit * k, self.state).reshape(n_hit, k)
        return out


class UnigramSampler:
    """The book's negative sampler: unigram counts of ``corpus`` raised to ``power``.

    ``get_negative_sample(target)`` returns ``sample_size`` negatives for each
    target, drawn with replacement and never equal to that target. Backed by
    an alias table, so each draw is O(1) whatever the vocabulary size.
    ``vocab_size`` (optional) makes the table cover ids the corpus lacks
    (with probability 0), so any id below it may be passed as a target.
    """

    def __init__(self, corpus, power, sample_size, seed=None, vocab_size=None):
        corpus = np.asarray(corpus)
        if corpus.ndim != 1 or corpus.size == 0:
            raise ValueError("corpus must be a non-empty one-dimensional array of word ids")
        if not np.issubdtype(corpus.dtype, np.integer):
            raise ValueError(f"corpus must hold integer word ids, got dtype {corpus.dtype}")
        if corpus.min() < 0:
            raise ValueError("corpus contains negative word ids")
        if int(sample_size) < 0:
            raise ValueError(f"sample_size must be >= 0, got {sample_size}")
        self.sample_size = int(sample_size)
        if vocab_size is not None and corpus.max() >= vocab_size:
            raise ValueError(f"corpus has word ids >= vocab_size ({vocab_size})")
        counts = np.bincount(corpus.astype(np.int64), minlength=vocab_size or 0)
        self.vocab_size = counts.shape[0]
        self.word_p = counts.astype(np.float64) ** float(power)
        self.word_p /= self.word_p.sum()
        self.table = AliasTable(self.word_p, seed=seed)

    def get_negative_sample(self, target):
        target = np.asarray(target)
        return self.table.sample_excluding(target, self.sample_size)

    def negative_sample_checked(self, target):
        """``get_negative_sample`` for a 1-D int64 ``target`` already checked to lie in
        ``[0, vocab_size)`` (the layers check it): skips the per-call validation."""
        return self.table.draw_excluding(target, self.sample_size)
