"""The vocabulary: words sorted by frequency, subsampling and the negative-sampling table."""
import numpy as np

from .errors import VocabularyError
from .sampling import AliasTable


class Vocab:
    """Words (``index_to_key``) in descending frequency, ties in first-seen order.

    Holds per-word counts, the subsampling keep-probabilities and the
    unigram**ns_exponent alias table used to draw negatives.
    """

    def __init__(self, index_to_key, counts, sample=1e-3, ns_exponent=0.75):
        self.index_to_key = list(index_to_key)
        self.counts = np.asarray(counts, dtype=np.int64)
        if len(self.index_to_key) != self.counts.shape[0]:
            raise ValueError("index_to_key and counts differ in length")
        if not self.index_to_key:
            raise VocabularyError("the vocabulary is empty")
        self.key_to_index = {k: i for i, k in enumerate(self.index_to_key)}
        self.sample = float(sample)
        self.ns_exponent = float(ns_exponent)
        self.keep_prob = keep_probabilities(self.counts, self.sample)
        self.table = AliasTable(negative_weights(self.counts, self.ns_exponent))

    def __len__(self):
        return len(self.index_to_key)

    @property
    def total_words(self):
        return int(self.counts.sum())

    @classmethod
    def from_scan(cls, types, counts, min_count=5, max_vocab_size=None, sample=1e-3,
                  ns_exponent=0.75):
        """Build from first-seen types and counts.

        Returns (vocab, mapping of provisional id -> word id, or -1 for a dropped word).
        """
        order = select_words(counts, min_count, max_vocab_size)
        if order.size == 0:
            raise VocabularyError(
                f"the vocabulary is empty after min_count={min_count}: "
                f"no word occurs {min_count} times or more (the most frequent occurs "
                f"{int(counts.max()) if len(counts) else 0} times); lower min_count")
        mapping = np.full(len(types), -1, dtype=np.int32)
        mapping[order] = np.arange(order.size, dtype=np.int32)
        vocab = cls([types[i] for i in order], counts[order], sample, ns_exponent)
        return vocab, mapping


def select_words(counts, min_count, max_vocab_size=None):
    """Indices of the kept types, most frequent first, ties by index (first seen)."""
    counts = np.asarray(counts, dtype=np.int64)
    kept = np.flatnonzero(counts >= max(int(min_count), 1))
    order = kept[np.argsort(-counts[kept], kind="stable")]
    if max_vocab_size is not None:
        order = order[: int(max_vocab_size)]
    return order


def keep_probabilities(counts, sample):
    """The C word2vec's subsampling: keep a word with (sqrt(f/t) + 1) * t/f.

    f is the word's share of the corpus and t is ``sample``."""
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones(counts.shape[0], dtype=np.float64)
    threshold = sample * counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (np.sqrt(counts / threshold) + 1.0) * threshold / counts
    p[~np.isfinite(p)] = 1.0
    return np.minimum(p, 1.0)


def negative_weights(counts, ns_exponent):
    """Unnormalised negative-sampling weights count**ns_exponent (all ones if the exponent is 0)."""
    w = np.asarray(counts, dtype=np.float64) ** float(ns_exponent)
    if not np.any(w > 0):
        w = np.ones_like(w)
    return w
