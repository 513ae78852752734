"""KeyedVectors: a vocabulary of word vectors and their queries.

A ``KeyedVectors`` holds a (V, d) float32 matrix, the word of each row and, when
known, each word's corpus count. Every query works on a cached copy of the
matrix with rows scaled to unit length: one matrix product scores the whole
vocabulary and ``np.argpartition`` picks the best rows, so no query walks the
vocabulary in Python.

The cache is rebuilt when ``vectors`` is assigned. Code that changes the
matrix *in place* (for example continued training) must call
``vectors_changed()`` afterwards.

Files are read and written by numbaw2v.formats (word2vec binary and text, and the
native ``.npz`` format).
"""
import logging
import os
from numbers import Integral

import numpy as np

from numbaw2v.errors import InputFileError, ParameterError
from numbaw2v.formats import (format_of, read_native, read_word2vec, read_word_counts,
                              write_native, write_word2vec, write_word_counts)

logger = logging.getLogger(__name__)

__all__ = ["KeyedVectors", "format_of", "top_indices"]


class KeyedVectors:
    """Word vectors with their words, optional counts, similarity queries and file formats.

    Parameters
    ----------
    vectors : array-like, shape (V, d)
        One row per word; stored as a C-contiguous float32 array.
    index_to_key : list of str
        The word of each row; must be unique.
    counts : array-like of int, optional
        Corpus count of each word (int64), kept through the native format.
    """

    def __init__(self, vectors, index_to_key, counts=None):
        self._normed = None
        self.index_to_key = index_to_key
        self.vectors = vectors
        if len(self._index_to_key) != self._vectors.shape[0]:
            raise ValueError(
                f"index_to_key has {len(self._index_to_key)} words but vectors has "
                f"{self._vectors.shape[0]} rows")
        self.counts = counts

    # ------------------------------------------------------------------ state
    @property
    def vectors(self):
        """The (V, d) float32 matrix. Assigning a new matrix refreshes the cached norms."""
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        arr = np.ascontiguousarray(value, dtype=np.float32)
        if arr.ndim != 2:
            raise ValueError(f"vectors must be a 2-D array (words x dimensions), got shape {arr.shape}")
        if hasattr(self, "_index_to_key") and len(self._index_to_key) != arr.shape[0]:
            raise ValueError(
                f"vectors has {arr.shape[0]} rows but there are {len(self._index_to_key)} words")
        self._vectors = arr
        self._normed = None

    @property
    def index_to_key(self):
        """The word of each row (a list of str). Assigning it rebuilds ``key_to_index``."""
        return self._index_to_key

    @index_to_key.setter
    def index_to_key(self, keys):
        keys = [str(k) for k in keys]
        lookup = dict(zip(keys, range(len(keys))))
        if len(lookup) != len(keys):
            seen = set()
            dup = next(k for k in keys if k in seen or seen.add(k))
            raise ValueError(f"index_to_key contains the word {dup!r} more than once")
        if hasattr(self, "_vectors") and len(keys) != self._vectors.shape[0]:
            raise ValueError(f"index_to_key has {len(keys)} words but vectors has "
                             f"{self._vectors.shape[0]} rows")
        self._index_to_key = keys
        self.key_to_index = lookup
        self._upper_cache = None

    @property
    def counts(self):
        """Corpus count of each word (int64 array) or None when unknown."""
        return self._counts

    @counts.setter
    def counts(self, value):
        if value is None:
            self._counts = None
            return
        arr = np.ascontiguousarray(value, dtype=np.int64)
        if arr.shape != (len(self),):
            raise ValueError(f"counts must have one entry per word ({len(self)}), got shape {arr.shape}")
        self._counts = arr

    def vectors_changed(self):
        """Tell the object its matrix was modified in place: cached unit rows are recomputed."""
        self._normed = None

    def fill_norms(self, force=False):
        """Compute the unit-length copy of the matrix if missing (or always, with ``force``)."""
        if self._normed is None or force:
            norms = np.linalg.norm(self._vectors, axis=1, keepdims=True)
            # a zero row stays zero rather than becoming NaN
            self._normed = self._vectors / np.maximum(norms, np.finfo(np.float32).tiny)
            self._norms = norms.ravel()
        return self._normed

    def get_normed_vectors(self):
        """The matrix with every row scaled to unit L2 length (cached)."""
        return self.fill_norms()

    @property
    def norms(self):
        """The L2 length of every row."""
        self.fill_norms()
        return self._norms

    @property
    def vector_size(self):
        """Number of dimensions d."""
        return self._vectors.shape[1]

    def __len__(self):
        return len(self._index_to_key)

    def __contains__(self, key):
        return key in self.key_to_index

    def __repr__(self):
        return f"<KeyedVectors: {len(self)} words x {self.vector_size} dimensions>"

    # ---------------------------------------------------------------- lookups
    def get_index(self, key, default=None):
        """Row of ``key``; an int in range is taken as a row number. Unknown keys raise KeyError."""
        index = self.key_to_index.get(key)
        if index is not None:
            return index
        if isinstance(key, Integral) and not isinstance(key, bool) and 0 <= key < len(self):
            return int(key)
        if default is not None:
            return default
        raise KeyError(f"word {key!r} not in vocabulary")

    def has_index_for(self, key):
        """True when ``key`` is a known word."""
        return key in self.key_to_index

    def get_vector(self, key, norm=False):
        """A copy of the vector of ``key`` (scaled to unit length with ``norm=True``)."""
        index = self.get_index(key)
        source = self.fill_norms() if norm else self._vectors
        return source[index].copy()

    def get_count(self, key):
        """Corpus count of ``key`` (None when counts are unknown)."""
        index = self.get_index(key)
        return None if self._counts is None else int(self._counts[index])

    def __getitem__(self, key_or_keys):
        if isinstance(key_or_keys, (str, Integral)):
            return self.get_vector(key_or_keys)
        return self._vectors[self._indices(key_or_keys)]

    def _indices(self, keys):
        return np.fromiter((self.get_index(k) for k in keys), dtype=np.int64)

    # ---------------------------------------------------------------- queries
    def _weighted_terms(self, positive, negative):
        """Split query terms into (row indices, weights) and (raw vectors, weights)."""
        terms = [(t, 1.0) for t in _as_list(positive)] + [(t, -1.0) for t in _as_list(negative)]
        rows, row_w, vecs, vec_w = [], [], [], []
        for term, weight in terms:
            if isinstance(term, tuple):
                term, weight = term
            if isinstance(term, np.ndarray):
                if term.shape != (self.vector_size,):
                    raise ValueError(f"query vector has shape {term.shape}, expected ({self.vector_size},)")
                vecs.append(term.astype(np.float32))
                vec_w.append(float(weight))
            else:
                rows.append(self.get_index(term))
                row_w.append(float(weight))
        if not rows and not vecs:
            raise ValueError("cannot compute similarity with no input words or vectors")
        return rows, row_w, vecs, vec_w

    def _query_vector(self, positive, negative):
        """Unit-length weighted mean of the unit word vectors and the raw given vectors (3CosAdd)."""
        rows, row_w, vecs, vec_w = self._weighted_terms(positive, negative)
        normed = self.fill_norms()
        mean = np.zeros(self.vector_size, dtype=np.float32)
        if rows:
            mean += np.asarray(row_w, dtype=np.float32) @ normed[rows]
        if vecs:
            mean += np.asarray(vec_w, dtype=np.float32) @ np.stack(vecs)
        mean /= np.float32(sum(abs(w) for w in row_w + vec_w))
        return _unit(mean), rows

    def _limit(self, restrict_vocab):
        if restrict_vocab is None:
            return len(self)
        if restrict_vocab < 0:
            raise ValueError(f"restrict_vocab must be >= 0, got {restrict_vocab}")
        return min(int(restrict_vocab), len(self))

    def _top(self, scores, topn, exclude):
        """(word, score) pairs of the ``topn`` best rows, leaving out rows in ``exclude``."""
        exclude = set(exclude)
        best = top_indices(scores, topn + len(exclude))
        return [(self._index_to_key[i], float(scores[i])) for i in best if i not in exclude][:topn]

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Words closest to the mean of ``positive`` minus ``negative`` by cosine (3CosAdd).

        Terms may be words, row numbers, vectors or ``(term, weight)`` pairs; a single
        word or vector may be passed without a list. Word terms are left out of the
        result. ``restrict_vocab=n`` searches only the first n rows. With
        ``topn=None`` the scores of all searched rows are returned as an array.
        """
        if isinstance(topn, Integral) and topn < 1:
            return []
        query, rows = self._query_vector(positive, negative)
        limit = self._limit(restrict_vocab)
        scores = self.fill_norms()[:limit] @ query
        if topn is None:
            return scores
        return self._top(scores, int(topn), rows)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Words that maximise the product of shifted cosines (3CosMul, Levy & Goldberg 2014).

        Each cosine c is mapped to (1 + c) / 2; the score is the product over
        ``positive`` divided by (the product over ``negative`` + 1e-6).
        """
        if isinstance(topn, Integral) and topn < 1:
            return []
        rows, _, vecs, _ = self._weighted_terms(positive, negative)
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise ValueError("most_similar_cosmul needs at least one positive term")
        normed = self.fill_norms()[: self._limit(restrict_vocab)]

        def shifted(terms):
            if not terms:
                return np.zeros((0, normed.shape[0]), dtype=np.float32)
            q = np.stack([t.astype(np.float32) if isinstance(t, np.ndarray) else self.get_vector(t, norm=True)
                          for t in terms])
            return (1.0 + q @ normed.T) / 2.0

        scores = shifted(positive).prod(axis=0) / (shifted(negative).prod(axis=0) + 1e-6)
        if topn is None:
            return scores
        return self._top(scores, int(topn), rows)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """Words closest to ``vector`` by cosine."""
        return self.most_similar(positive=[np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """Words closest to ``word`` by cosine (the word itself is left out)."""
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_key = similar_by_word

    def similarity(self, w1, w2):
        """Cosine similarity of two words."""
        normed = self.fill_norms()
        return float(normed[self.get_index(w1)] @ normed[self.get_index(w2)])

    def distance(self, w1, w2):
        """Cosine distance (1 - similarity) of two words."""
        return 1.0 - self.similarity(w1, w2)

    def n_similarity(self, ws1, ws2):
        """Cosine similarity of the mean vectors of two word lists."""
        if not len(ws1) or not len(ws2):
            raise ValueError("n_similarity needs two non-empty word lists")
        m1 = self._vectors[self._indices(ws1)].mean(axis=0)
        m2 = self._vectors[self._indices(ws2)].mean(axis=0)
        return float(_unit(m1) @ _unit(m2))

    def distances(self, word_or_vector, other_words=()):
        """Cosine distances from a word or vector to ``other_words`` (all words when empty)."""
        if isinstance(word_or_vector, np.ndarray):
            query = _unit(word_or_vector.astype(np.float32))
        else:
            query = self.get_vector(word_or_vector, norm=True)
        normed = self.fill_norms()
        others = normed if not len(other_words) else normed[self._indices(other_words)]
        return 1.0 - others @ query

    def doesnt_match(self, words):
        """The word of ``words`` farthest from the unit mean of their unit vectors."""
        words = list(words)
        if not words:
            raise ValueError("doesnt_match needs at least one word")
        unit_rows = self.fill_norms()[self._indices(words)]
        scores = unit_rows @ _unit(unit_rows.mean(axis=0))
        return words[int(np.argmin(scores))]

    def rank(self, key1, key2):
        """1 + the number of words (other than ``key1``) closer to ``key1`` than ``key2`` is."""
        i1, i2 = self.get_index(key1), self.get_index(key2)
        dist = self.distances(key1)
        closer = dist < dist[i2]
        closer[i1] = False
        return int(closer.sum()) + 1

    # ------------------------------------------------------------- evaluation
    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False):
        """Google-style analogy accuracy; see :func:`numbaw2v.evaluate.evaluate_word_analogies`."""
        from numbaw2v.evaluate import evaluate_word_analogies
        return evaluate_word_analogies(self, analogies, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)

    def evaluate_word_pairs(self, pairs, delimiter="\t", restrict_vocab=300000, case_insensitive=True,
                            dummy4unknown=False):
        """Correlation with human similarity scores; see :func:`numbaw2v.evaluate.evaluate_word_pairs`."""
        from numbaw2v.evaluate import evaluate_word_pairs
        return evaluate_word_pairs(self, pairs, delimiter=delimiter, restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)

    # ------------------------------------------------------------------ files
    def save_word2vec_format(self, path, fvocab=None, binary=None, total_vec=None,
                             write_header=True, limit=None):
        """Write the first ``limit`` (default all) words in the word2vec binary or text format.

        ``binary=None`` writes binary for a ``.bin`` name, text otherwise (gensim's
        default is text). As gensim: ``fvocab`` also writes the counts (``word count`` per line, needs
        ``counts``); ``total_vec`` overrides the word count in the header;
        ``write_header=False`` leaves the header out. Int keys are written as
        decimal text. A ``.gz``/``.bz2``/``.xz`` suffix compresses the output; the
        file appears under its name only once completely written.
        """
        n = len(self) if limit is None else max(0, min(int(limit), len(self)))
        if fvocab is not None and self._counts is None:
            raise ParameterError(f"{fvocab}: cannot write word counts: these vectors have none")
        write_word2vec(path, self._index_to_key[:n], self._vectors[:n], binary=binary,
                       write_header=write_header, total_vec=total_vec)
        if fvocab is not None:
            write_word_counts(fvocab, self._index_to_key[:n], self._counts[:n])
        logger.info("saved %d x %d vectors to %s", n, self.vector_size, path)

    @classmethod
    def load_word2vec_format(cls, path, fvocab=None, binary=None, encoding="utf8",
                             unicode_errors="strict", limit=None, datatype=np.float32,
                             no_header=False):
        """Read a word2vec binary or text file (optionally compressed), with gensim's options.

        ``fvocab``: a ``word count`` file giving the counts; ``datatype``: the
        dtype of the loaded vectors; ``no_header``: a text file without the
        ``"V d"`` line. ``binary=None`` (the default; gensim's is False) tells the
        flavour from the first record, so both flavours load under any name. Errors
        name the file and place (see numbaw2v.formats).
        """
        keys, vectors = read_word2vec(path, binary=binary, limit=limit, encoding=encoding,
                                      unicode_errors=unicode_errors, datatype=datatype,
                                      no_header=no_header)
        counts = None
        if fvocab is not None:
            counts = read_word_counts(fvocab, keys, encoding, unicode_errors)
        logger.info("loaded %d x %d vectors from %s", len(keys), vectors.shape[1], path)
        return cls(vectors, keys, counts)

    def save(self, path):
        """Write the native ``.npz`` format: vectors, words and counts, without pickle."""
        write_native(path, self._index_to_key, self._vectors, self._counts)
        logger.info("saved %d x %d vectors to %s", len(self), self.vector_size, path)

    @classmethod
    def load(cls, path):
        """Read a file written by :meth:`save` (or, by extension, a word2vec file)."""
        path = os.fspath(path)
        kind = format_of(path)
        if kind in ("binary", "text"):
            return cls.load_word2vec_format(path)
        vectors, keys, counts = read_native(path)
        try:
            return cls(vectors, keys, counts)
        except ValueError as err:
            raise InputFileError(path, f"inconsistent vectors file ({err})") from err


# ---------------------------------------------------------------------- helpers
def _as_list(terms):
    if terms is None:
        return []
    if isinstance(terms, (str, np.ndarray, Integral)):
        return [terms]
    return list(terms)


def _unit(vec):
    norm = np.linalg.norm(vec)
    return (vec / norm).astype(np.float32) if norm > 0 else vec.astype(np.float32)


def top_indices(scores, k):
    """Indices of the ``k`` largest entries of a 1-D array, best first (argpartition + sort)."""
    n = scores.shape[0]
    k = min(int(k), n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < n:
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(n)
    return part[np.argsort(-scores[part], kind="stable")]
