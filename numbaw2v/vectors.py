"""KeyedVectors: a vocabulary of vectors, their per-key attributes and similarity queries.

A ``KeyedVectors`` holds a (V, d) matrix, the key of each row (``index_to_key``,
``key_to_index``) and optional per-key attributes (``expandos``; corpus counts
live under ``"count"``). It has the interface of gensim 4.4's ``KeyedVectors``:
either constructor form works::

    KeyedVectors(vector_size, count=0, dtype=np.float32)   # gensim: empty, filled later
    KeyedVectors(vectors, index_to_key, counts=None)       # numbaw2v: from a matrix

Keys are ``str`` or ``int``, and stay what they are: a model trained on integer
ids has the keys 0, 5, 17, ... and ``kv[5]`` is the vector of the key 5.

Lookup rule for ints: a key always wins. An int that is not a key is read as a
row number only while every key is a string (gensim's rule, so ``kv[0]`` is
the first row of a word model); once any key is an int, ints are only ever keys.

Queries work on a cached copy of the matrix with rows scaled to unit length:
one matrix product scores the whole vocabulary and ``np.argpartition`` picks
the best rows, so no query walks the vocabulary in Python. The cache is
rebuilt when ``vectors`` is assigned or a method changes rows; code that
changes the matrix *in place* must call ``vectors_changed()`` (or, as in
gensim, set ``kv.norms = None``).

Degenerate vectors: a zero-length vector has cosine similarity 0.0 with every
vector, itself included, where gensim's bulk queries give NaN. A zero query
vector therefore scores every key 0.0. Both are reported with a
``RuntimeWarning``, as are vectors holding NaN or inf (whose similarities
stay NaN).

Files are read and written by numbaw2v.formats (word2vec binary and text, and
the native ``.npz`` format).
"""
import logging
import os
import re
import warnings
from datetime import datetime
from numbers import Integral

import numpy as np

from numbaw2v.errors import InputFileError, ModelStateError, Numbaw2vError, ParameterError
from numbaw2v.formats import (format_of, read_native, read_word2vec, read_word_counts,
                              write_native, write_word2vec, write_word_counts)

logger = logging.getLogger(__name__)

__all__ = ["EmptyQueryError", "KeyedVectors", "UnknownKeyError", "format_of", "top_indices"]

_KEY_TYPES = (str, Integral)
_DECIMAL = re.compile(r"-?[0-9]+")


class UnknownKeyError(Numbaw2vError, KeyError):
    """A key is not in the vocabulary (a ``KeyError``, as gensim raises)."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class EmptyQueryError(ParameterError, ZeroDivisionError):
    """A query got no keys at all (gensim raises ZeroDivisionError here; this is both)."""


class KeyedVectors:
    """Vectors with their keys, per-key attributes, similarity queries and file formats.

    Two constructors, chosen by the type of the first argument:

    ``KeyedVectors(vector_size, count=0, dtype=np.float32, mapfile_path=None)``
        gensim's form: ``count`` zero rows whose keys are filled by
        :meth:`add_vector`; :meth:`add_vectors` and ``kv[keys] = vectors`` append.
    ``KeyedVectors(vectors, index_to_key, counts=None)``
        numbaw2v's form: a (V, d) matrix (stored as C-contiguous float32), one
        unique key per row and optionally each key's corpus count.
    """

    def __init__(self, *args, **kwargs):
        first = args[0] if args else kwargs.get("vector_size")
        if "vector_size" in kwargs or (isinstance(first, Integral) and not isinstance(first, bool)):
            self._init_empty(*args, **kwargs)
        else:
            self._init_filled(*args, **kwargs)

    def _init_empty(self, vector_size, count=0, dtype=np.float32, mapfile_path=None):
        _check_int("vector_size", vector_size, 1)
        _check_int("count", count, 0)
        self._start(dtype, mapfile_path)
        self.index_to_key = [None] * int(count)
        self.vectors = np.zeros((int(count), int(vector_size)), dtype=self._dtype)

    def _init_filled(self, vectors, index_to_key, counts=None, dtype=np.float32):
        self._start(dtype, None)
        self.index_to_key = index_to_key
        self.vectors = vectors
        if len(self._index_to_key) != self._vectors.shape[0]:
            raise ParameterError(
                f"index_to_key has {len(self._index_to_key)} words but vectors has "
                f"{self._vectors.shape[0]} rows")
        self.next_index = len(self._index_to_key)
        self.counts = counts

    def _start(self, dtype, mapfile_path):
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise ParameterError(f"dtype must be a floating-point type, got {dtype}")
        self._dtype = dtype
        self._norms = self._normed = None
        self._int_keys = False
        self._growth_warned = False
        self.next_index = 0
        self.expandos = {}
        self.mapfile_path = mapfile_path
        self.vectors_lockf = None
        self.lifecycle_events = []

    def __setstate__(self, state):
        """Restore a pickled numbaw2v object, or one from gensim 4's attribute names.

        gensim's names (``vectors``, ``index_to_key``, ``expandos``, ``vector_size``,
        ...) go through the checks of the setters; ``key_to_index`` and ``norms``
        are rebuilt. A matrix gensim stored in a separate ``.npy`` file may be
        missing here and assigned to ``vectors`` afterwards.
        """
        state = dict(state)
        if "_vectors" in state:                       # pickled by numbaw2v
            self.__dict__.update(state)
            return
        vectors = state.pop("vectors", None)
        keys = state.pop("index_to_key", None) or []
        size = state.pop("vector_size", None)
        dtype = np.float32 if vectors is None else vectors.dtype
        self._start(dtype, state.pop("mapfile_path", None))
        self.index_to_key = keys
        self.vectors = np.zeros((len(keys), size or 0), np.float32) if vectors is None else vectors
        self.expandos = dict(state.pop("expandos", None) or {})
        self.next_index = state.pop("next_index", len(keys))
        self.vectors_lockf = state.pop("vectors_lockf", None)
        self.lifecycle_events = list(state.pop("lifecycle_events", None) or [])
        for rebuilt in ("key_to_index", "norms", "vectors_norm"):
            state.pop(rebuilt, None)
        self.__dict__.update(state)                   # anything else stays an attribute

    # ------------------------------------------------------------------ state
    @property
    def vectors(self):
        """The (V, d) matrix. Assigning a new matrix refreshes the cached norms."""
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        arr = np.ascontiguousarray(value, dtype=self._dtype)
        if arr.ndim != 2:
            raise ParameterError(
                f"vectors must be a 2-D array (words x dimensions), got shape {arr.shape}")
        self._vectors = arr
        self.vectors_changed()

    @property
    def index_to_key(self):
        """The key of each row (str or int). Assigning it rebuilds ``key_to_index``."""
        return self._index_to_key

    @index_to_key.setter
    def index_to_key(self, keys):
        keys = _clean_keys(keys)
        lookup = {key: i for i, key in enumerate(keys) if key is not None}
        if len(lookup) != sum(key is not None for key in keys):
            seen = set()
            dup = next(k for k in keys if k is not None and (k in seen or seen.add(k)))
            raise ParameterError(f"index_to_key contains the key {dup!r} more than once")
        self._index_to_key = keys
        self.key_to_index = lookup
        self._int_keys = any(type(key) is int for key in lookup)

    @property
    def vector_size(self):
        """Number of dimensions d."""
        return self._vectors.shape[1]

    @property
    def counts(self):
        """Corpus count of each key (int64 array, ``expandos["count"]``) or None when unknown."""
        return self.expandos.get("count")

    @counts.setter
    def counts(self, value):
        if value is None:
            self.expandos.pop("count", None)
            return
        arr = np.ascontiguousarray(value, dtype=np.int64)
        if arr.shape != (len(self),):
            raise ParameterError(
                f"counts must have one entry per word ({len(self)}), got shape {arr.shape}")
        self.expandos["count"] = arr

    @property
    def _counts(self):
        # read by the files section (save)
        return self.counts

    def __len__(self):
        return len(self._index_to_key)

    def __contains__(self, key):
        return self.has_index_for(key)

    def __repr__(self):
        return f"{type(self).__name__}<vector_size={self.vector_size}, {len(self)} keys>"

    __str__ = __repr__

    def add_lifecycle_event(self, event_name, log_level=logging.INFO, **event):
        """Record what happened to this object (gensim's ``lifecycle_events``) and log it."""
        record = {"event": event_name, **event, "datetime": datetime.now().isoformat()}
        self.lifecycle_events.append(record)
        logger.log(log_level, "%s lifecycle event %s", type(self).__name__, record)

    # ----------------------------------------------------------- norms cache
    def vectors_changed(self):
        """Tell the object its matrix was modified in place: norms and unit rows are recomputed."""
        self._norms = self._normed = None

    def fill_norms(self, force=False):
        """Compute the row lengths (and, lazily, unit rows) if missing, or always with ``force``.

        Returns the cached unit matrix (gensim returns None; numbaw2v's evaluation uses it).
        """
        if self._norms is None or force:
            self._check_rows()
            self._norms = _row_norms(self._vectors)
            self._normed = None
            self._warn_degenerate(self._norms)
        return self._unit_matrix()

    def _unit_matrix(self):
        if self._norms is None:
            self.fill_norms()
        if self._normed is None:
            scale = np.maximum(self._norms, np.finfo(np.float32).tiny)
            normed = (self._vectors / scale[:, None]).astype(self._dtype, copy=False)
            normed.setflags(write=False)       # shared cache: nobody may write into it
            self._normed = normed
        return self._normed

    @property
    def norms(self):
        """The L2 length of every row (computed on first use)."""
        if self._norms is None:
            self.fill_norms()
        return self._norms

    @norms.setter
    def norms(self, value):
        if value is None:
            self.vectors_changed()
            return
        arr = np.asarray(value)
        if arr.shape != (len(self),):
            raise ParameterError(
                f"norms must have one entry per key ({len(self)}), got {arr.shape}")
        self._norms, self._normed = arr, None

    def get_normed_vectors(self):
        """The matrix with rows scaled to unit L2 length (cached, read-only; zero rows stay 0)."""
        return self._unit_matrix()

    def unit_normalize_all(self):
        """Scale every row to unit length in place (zero rows stay zero). Training cannot go on."""
        norms = self.norms
        self._vectors /= np.maximum(norms, np.finfo(np.float32).tiny)[:, None].astype(self._dtype)
        self._norms = (norms > 0).astype(norms.dtype)
        self._normed = None

    def init_sims(self, replace=False):
        """Deprecated gensim name: :meth:`fill_norms` (+ :meth:`unit_normalize_all` if replace)."""
        warnings.warn("init_sims() is deprecated: use fill_norms()", DeprecationWarning,
                      stacklevel=2)
        self.fill_norms()
        if replace:
            self.unit_normalize_all()

    def _check_rows(self):
        if len(self._index_to_key) != self._vectors.shape[0]:
            raise ModelStateError(
                f"KeyedVectors has {len(self._index_to_key)} keys but {self._vectors.shape[0]} "
                "vector rows; assign index_to_key and vectors of the same length")

    def _warn_degenerate(self, norms):
        bad = ~np.isfinite(norms)
        if bad.any():
            first = self._index_to_key[int(np.argmax(bad))]
            warnings.warn(f"{int(bad.sum())} vectors hold NaN or inf (first: {first!r}); "
                          "their similarities are NaN", RuntimeWarning, stacklevel=3)
        zero = norms == 0
        if zero.any():
            first = self._index_to_key[int(np.argmax(zero))]
            warnings.warn(f"{int(zero.sum())} vectors have zero length (first: {first!r}); "
                          "their cosine similarity to any vector is 0.0", RuntimeWarning,
                          stacklevel=3)

    # ---------------------------------------------------------------- lookups
    def get_index(self, key, default=None):
        """Row of ``key``. Unknown keys raise KeyError (or give ``default`` when it is not None).

        An int that is not a key is taken as a row number only while all keys are strings.
        """
        index = self.key_to_index.get(key)
        if index is not None:
            return index
        if (isinstance(key, Integral) and not isinstance(key, bool) and not self._int_keys
                and 0 <= key < len(self)):
            return int(key)
        if default is not None:
            return default
        raise UnknownKeyError(f"key {key!r} not present in the vocabulary")

    def has_index_for(self, key):
        """True when ``key`` has a row (a key, or a row number in a string-keyed vocabulary)."""
        return self.get_index(key, -1) >= 0

    def get_vector(self, key, norm=False):
        """A copy of the vector of ``key`` (scaled to unit length with ``norm=True``)."""
        index = self.get_index(key)
        source = self._unit_matrix() if norm else self._vectors
        return source[index].copy()

    def word_vec(self, *args, **kwargs):
        """Deprecated gensim name of :meth:`get_vector`."""
        warnings.warn("word_vec() is deprecated: use get_vector()", DeprecationWarning,
                      stacklevel=2)
        return self.get_vector(*args, **kwargs)

    def __getitem__(self, key_or_keys):
        if isinstance(key_or_keys, _KEY_TYPES):
            return self.get_vector(key_or_keys)
        return self._vectors[self._indices(key_or_keys)]

    def _indices(self, keys):
        return np.fromiter((self.get_index(k) for k in keys), dtype=np.int64)

    # ------------------------------------------------------- per-key attributes
    def allocate_vecattrs(self, attrs=None, types=None):
        """Make sure ``expandos[attr]`` exists with one entry per key; with no arguments resize all.

        An attribute keeps the NumPy type it was first given (``int`` means int64,
        ``str`` means object); asking for an incompatible type raises TypeError.
        """
        if attrs is None:
            attrs = list(self.expandos)
            types = [self.expandos[attr].dtype for attr in attrs]
        size = len(self._index_to_key)
        for attr, kind in zip(attrs, types):
            kind = np.int64 if kind is int else object if kind is str else kind
            old = self.expandos.get(attr)
            if old is None:
                self.expandos[attr] = np.zeros(size, dtype=kind)
                continue
            if not np.issubdtype(kind, old.dtype):
                raise TypeError(f"attribute {attr!r} holds {old.dtype}; cannot store {kind} in it")
            if len(old) != size:
                grown = np.zeros(size, dtype=old.dtype)
                keep = min(size, len(old))
                grown[:keep] = old[:keep]
                self.expandos[attr] = grown

    def set_vecattr(self, key, attr, val):
        """Store the attribute ``attr`` of ``key`` (e.g. ``"count"``)."""
        self.allocate_vecattrs([attr], [type(val)])
        self.expandos[attr][self.get_index(key)] = val

    def get_vecattr(self, key, attr):
        """The attribute ``attr`` of ``key``; KeyError when the key or the attribute is unknown."""
        index = self.get_index(key)
        if attr not in self.expandos:
            raise UnknownKeyError(
                f"no attribute {attr!r} is stored (known: {sorted(self.expandos)})")
        return self.expandos[attr][index]

    def get_count(self, key):
        """Corpus count of ``key`` (None when counts are unknown)."""
        index = self.get_index(key)
        counts = self.counts
        return None if counts is None else int(counts[index])

    # --------------------------------------------------------- adding vectors
    def add_vector(self, key, vector):
        """Add one key and its vector; returns its row.

        The next preallocated empty slot is used (see the gensim constructor); past
        those, the matrix grows by one row, which copies it. A key that is already
        present keeps its vector (use ``kv[key] = vector`` to replace it).
        """
        key = _clean_key(key)
        vector = self._as_rows([vector], 1)[0]
        if key in self.key_to_index:
            logger.warning("key %r is already present; its vector is kept", key)
            return self.key_to_index[key]
        slot = self.next_index
        if slot < len(self) and self._index_to_key[slot] is None:
            self._index_to_key[slot] = key
            self.key_to_index[key] = slot
            self._int_keys |= type(key) is int
            self._vectors[slot] = vector
            self.vectors_changed()
        else:
            if not self._growth_warned:
                self._growth_warned = True
                warnings.warn("adding vectors one at a time past the preallocated count copies "
                              "the matrix each time; add them in batches (add_vectors) or "
                              "preallocate with KeyedVectors(vector_size, count)", UserWarning,
                              stacklevel=2)
            slot = len(self)
            self._append([key], vector[None, :])
        self.next_index = slot + 1
        return slot

    def add_vectors(self, keys, weights, extras=None, replace=False):
        """Append keys and their vectors (one row each in ``weights``).

        A key already present keeps its vector unless ``replace`` is True.
        ``extras`` maps attribute names to one value per key (stored in ``expandos``).
        A key repeated within ``keys`` is added once (with its last vector if ``replace``).
        """
        if isinstance(keys, _KEY_TYPES):
            keys, weights = [keys], [weights]
            extras = {attr: [value] for attr, value in (extras or {}).items()}
        keys = [_clean_key(key) for key in keys]
        weights = self._as_rows(weights, len(keys))
        extras = {attr: np.asarray(values) for attr, values in (extras or {}).items()}
        for attr, values in extras.items():
            if values.shape[:1] != (len(keys),):
                raise ParameterError(f"extras[{attr!r}] has {values.shape[:1]} values "
                                     f"for {len(keys)} keys")
        self.allocate_vecattrs(list(extras), [values.dtype for values in extras.values()])
        chosen = {}                      # key -> position in the batch, in first-seen order
        for pos, key in enumerate(keys):
            if replace or key not in chosen:
                chosen[key] = pos
        new = [(key, pos) for key, pos in chosen.items() if key not in self.key_to_index]
        old = [(self.key_to_index[key], pos) for key, pos in chosen.items()
               if key in self.key_to_index]
        if new:
            start = len(self)
            positions = [pos for _, pos in new]
            self._append([key for key, _ in new], weights[positions])
            for attr, values in extras.items():
                self.expandos[attr][start:] = values[positions]
        if replace and old:
            rows, positions = [row for row, _ in old], [pos for _, pos in old]
            self._vectors[rows] = weights[positions]
            for attr, values in extras.items():
                self.expandos[attr][rows] = values[positions]
            self.vectors_changed()

    def __setitem__(self, keys, weights):
        """``kv[key] = vector`` or ``kv[[k1, k2]] = rows``: add, or replace existing vectors."""
        if not isinstance(keys, list):
            keys, weights = [keys], [weights]
        self.add_vectors(keys, weights, replace=True)

    def _as_rows(self, weights, n):
        rows = np.asarray(weights, dtype=self._dtype)
        if rows.shape != (n, self.vector_size):
            raise ParameterError(f"expected {n} vector(s) of {self.vector_size} values, "
                                 f"got an array of shape {rows.shape}")
        return rows

    def _append(self, keys, rows):
        """Append new keys (not present yet) and their rows; grows attributes and lock factors."""
        self._check_rows()
        start = len(self._index_to_key)
        self._index_to_key.extend(keys)
        self.key_to_index.update((key, start + i) for i, key in enumerate(keys))
        self._int_keys |= any(type(key) is int for key in keys)
        self.vectors = np.concatenate([self._vectors, rows])
        self.allocate_vecattrs()
        lockf = self.vectors_lockf
        if lockf is not None and len(lockf) == start and start != 1:
            self.vectors_lockf = np.concatenate([lockf, np.ones(len(keys), dtype=lockf.dtype)])

    def resize_vectors(self, seed=0):
        """Give every key a row: existing rows are kept, new rows start as gensim's do.

        New rows are drawn uniformly from [-1/d, 1/d) by ``np.random.default_rng(seed)``.
        """
        target = (len(self._index_to_key), self.vector_size)
        if self._vectors.shape != target:
            rng = np.random.default_rng(seed)
            fresh = (rng.random(target, dtype=np.float32) * 2 - 1) / self.vector_size
            keep = min(target[0], self._vectors.shape[0])
            fresh[:keep] = self._vectors[:keep]
            self.vectors = fresh
        self.allocate_vecattrs()

    # ---------------------------------------------------------------- queries
    def get_mean_vector(self, keys, weights=None, pre_normalize=True, post_normalize=False,
                        ignore_missing=True):
        """Weighted mean of the vectors of ``keys`` (keys or raw vectors), divided by sum(|w|).

        ``pre_normalize`` scales each key's vector to unit length first (raw vectors
        are used as given); ``post_normalize`` scales the mean. Unknown keys are
        skipped, or raise KeyError with ``ignore_missing=False``.
        """
        if len(keys) == 0:
            raise ParameterError("cannot compute a mean vector with no input keys")
        weights = (np.ones(len(keys), dtype=self._dtype) if weights is None
                   else np.asarray(weights, dtype=self._dtype))
        if weights.shape != (len(keys),):
            raise ParameterError(f"{len(keys)} keys but {weights.shape} weights; "
                                 "give one weight per key")
        rows, row_w, vecs, vec_w = [], [], [], []
        for key, weight in zip(keys, weights):
            if isinstance(key, np.ndarray):
                vecs.append(self._as_rows([key], 1)[0])
                vec_w.append(weight)
                continue
            index = self.get_index(key, -1)
            if index >= 0:
                rows.append(index)
                row_w.append(weight)
            elif not ignore_missing:
                raise UnknownKeyError(f"key {key!r} not present in the vocabulary")
        source = self._unit_matrix() if pre_normalize else self._vectors
        mean = np.zeros(self.vector_size, dtype=self._dtype)
        if rows:
            mean += np.asarray(row_w, dtype=self._dtype) @ source[rows]
        if vecs:
            mean += np.asarray(vec_w, dtype=self._dtype) @ np.stack(vecs)
        total = float(np.abs(row_w + vec_w).sum()) if rows or vecs else 0.0
        if total > 0:
            mean /= self._dtype.type(total)
        return _unit(mean) if post_normalize else mean

    def _query(self, positive, negative):
        """(unit query vector, rows of the query's keys) for most_similar-style calls."""
        terms = [(t, 1.0) for t in _ensure_list(positive)] + \
                [(t, -1.0) for t in _ensure_list(negative)]
        keys, weights = [], []
        for term, weight in terms:
            if not isinstance(term, (str, Integral, np.ndarray)):
                if not (isinstance(term, tuple) and len(term) == 2):
                    raise ParameterError("query terms are keys, vectors or (key, weight) "
                                         f"pairs; got {term!r}")
                term, weight = term                      # a (key or vector, weight) pair
            keys.append(term)
            weights.append(weight)
        if not keys:
            raise ParameterError("cannot compute similarity with no input keys or vectors")
        query = self.get_mean_vector(keys, weights, pre_normalize=True, post_normalize=True,
                                     ignore_missing=False)
        _warn_if_zero(query)
        rows = {self.get_index(k) for k in keys if not isinstance(k, np.ndarray)}
        return query, rows

    def _span(self, clip_start, clip_end, restrict_vocab):
        """The searched rows [start, end): ``restrict_vocab`` (when set) wins over the clips."""
        if restrict_vocab is not None and restrict_vocab < 0:
            raise ParameterError(f"restrict_vocab must be >= 0, got {restrict_vocab}")
        if restrict_vocab:
            return 0, min(int(restrict_vocab), len(self))
        return int(clip_start or 0), int(clip_end or len(self))

    def _top(self, scores, topn, exclude, offset=0):
        """(key, score) pairs of the ``topn`` best rows, leaving out rows in ``exclude``."""
        best = top_indices(scores, int(topn) + len(exclude))
        keys = self._index_to_key
        found = [(keys[i + offset], float(scores[i])) for i in best if i + offset not in exclude]
        return found[: int(topn)]

    def most_similar(self, positive=None, negative=None, topn=10, clip_start=0, clip_end=None,
                     restrict_vocab=None, indexer=None):
        """Keys closest by cosine to the weighted mean of ``positive`` minus ``negative`` (3CosAdd).

        Terms may be keys, vectors, a 2-D array of vectors, or ``(term, weight)``
        pairs (the weight replaces the default +1 / -1); a single key or vector may
        be passed without a list. Key terms are left out of the result.
        ``restrict_vocab=n`` searches only the first n rows (else rows
        ``clip_start:clip_end``). ``topn=None`` returns the scores of all searched
        rows as an array. ``indexer`` (an object with ``most_similar(vector, topn)``,
        such as an approximate-neighbour index) answers instead when given.
        """
        if isinstance(topn, Integral) and topn < 1:
            return []
        query, rows = self._query(positive, negative)
        if indexer is not None and isinstance(topn, Integral):
            return indexer.most_similar(query, topn)
        start, end = self._span(clip_start, clip_end, restrict_vocab)
        scores = self._unit_matrix()[start:end] @ query
        if not topn:
            return scores
        return self._top(scores, topn, rows, offset=start)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Keys that maximise the product of shifted cosines (3CosMul, Levy & Goldberg 2014).

        Each cosine c becomes (1 + c) / 2; the score is the product over ``positive``
        divided by (the product over ``negative`` + 1e-6). Keys are taken at unit
        length, vectors as given. ``restrict_vocab=n`` searches the first n rows.
        """
        if isinstance(topn, Integral) and topn < 1:
            return []
        positive, negative = _ensure_list(positive), _ensure_list(negative)
        if not positive:
            raise ParameterError("most_similar_cosmul needs at least one positive key or vector")
        start, end = self._span(0, None, restrict_vocab)
        normed = self._unit_matrix()[start:end]

        def shifted(terms):
            if not terms:
                return np.zeros((0, normed.shape[0]), dtype=normed.dtype)
            q = np.stack([self._as_rows([t], 1)[0] if isinstance(t, np.ndarray)
                          else self.get_vector(t, norm=True) for t in terms])
            return (1.0 + q @ normed.T) / 2.0

        scores = shifted(positive).prod(axis=0) / (shifted(negative).prod(axis=0) + 1e-6)
        if not topn:
            return scores
        rows = {self.get_index(t) for t in positive + negative if not isinstance(t, np.ndarray)}
        return self._top(scores, topn, rows, offset=start)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """Keys closest to ``vector`` by cosine."""
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        """Keys closest to ``key`` by cosine (the key itself is left out)."""
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_word = similar_by_key

    def similarity(self, w1, w2):
        """Cosine similarity of two keys: exactly 1.0 for a key with itself (0.0 if zero)."""
        i, j = self.get_index(w1), self.get_index(w2)
        a = _unit(self._vectors[i])
        if i == j:
            return 1.0 if a.any() else 0.0
        return float(a @ _unit(self._vectors[j]))

    def distance(self, w1, w2):
        """Cosine distance (1 - similarity) of two keys: exactly 0.0 for a key with itself."""
        return 1.0 - self.similarity(w1, w2)

    def n_similarity(self, ws1, ws2):
        """Cosine similarity of the mean raw vectors of two key lists (unknown keys skipped)."""
        if not len(ws1) or not len(ws2):
            raise EmptyQueryError("n_similarity needs two non-empty key lists")
        m1 = self.get_mean_vector(ws1, pre_normalize=False)
        m2 = self.get_mean_vector(ws2, pre_normalize=False)
        _warn_if_zero(m1)
        _warn_if_zero(m2)
        return float(_unit(m1) @ _unit(m2))

    @staticmethod
    def cosine_similarities(vector_1, vectors_all):
        """Cosine similarity of ``vector_1`` with each row of ``vectors_all`` (0.0 at zero rows)."""
        rows = np.atleast_2d(np.asarray(vectors_all))
        norms = np.linalg.norm(rows, axis=1) * np.linalg.norm(vector_1)
        return (rows @ vector_1) / np.maximum(norms, np.finfo(np.float32).tiny)

    def distances(self, word_or_vector, other_words=()):
        """Cosine distances from a key or vector to ``other_words`` (all keys when empty).

        The distance of a key to itself is exactly 0.0.
        """
        self_row = None
        if isinstance(word_or_vector, _KEY_TYPES):
            self_row = self.get_index(word_or_vector)
            query = self._unit_matrix()[self_row]
        else:
            query = _unit(np.asarray(word_or_vector, dtype=self._dtype))
            _warn_if_zero(query)
        normed = self._unit_matrix()
        rows = np.arange(len(self)) if not len(other_words) else self._indices(other_words)
        dist = 1.0 - normed[rows] @ query
        if self_row is not None and query.any():
            dist[rows == self_row] = 0.0
        return dist

    def closer_than(self, key1, key2):
        """Keys (other than ``key1``) closer to ``key1`` than ``key2`` is."""
        i1, i2 = self.get_index(key1), self.get_index(key2)
        dist = self.distances(key1)
        return [self._index_to_key[i] for i in np.flatnonzero(dist < dist[i2]) if i != i1]

    def words_closer_than(self, word1, word2):
        """Deprecated gensim name of :meth:`closer_than`."""
        warnings.warn("words_closer_than() is deprecated: use closer_than()",
                      DeprecationWarning, stacklevel=2)
        return self.closer_than(word1, word2)

    def rank(self, key1, key2):
        """1 + the number of keys (other than ``key1``) closer to ``key1`` than ``key2`` is."""
        return len(self.closer_than(key1, key2)) + 1

    def most_similar_to_given(self, key1, keys_list):
        """The key of ``keys_list`` most similar to ``key1``."""
        if not len(keys_list):
            raise ParameterError("most_similar_to_given needs a non-empty keys_list")
        return keys_list[int(np.argmax([self.similarity(key1, key) for key in keys_list]))]

    def relative_cosine_similarity(self, wa, wb, topn=10):
        """similarity(wa, wb) / the sum of the similarities of wa's ``topn`` nearest keys.

        Leeuwenberg et al. (2016), eq. 1: above about 0.10 (topn=10), wb is closer
        to wa than an arbitrary key.
        """
        sims = self.similar_by_key(wa, topn)
        if not sims:
            raise ParameterError("relative_cosine_similarity needs topn >= 1 and other keys")
        return self.similarity(wa, wb) / sum(score for _, score in sims)

    def rank_by_centrality(self, words, use_norm=True):
        """(similarity, key) pairs ranked by closeness to the unit mean of the keys, best first.

        Unknown keys are skipped with a warning; none known raises ValueError.
        """
        used = [word for word in words if word in self]
        if len(used) != len(words):
            logger.warning("keys not in the vocabulary, ignored: %s",
                           [word for word in words if word not in self])
        if not used:
            raise ParameterError("cannot rank an empty list of known keys")
        source = self._unit_matrix() if use_norm else self._vectors
        rows = source[self._indices(used)]
        scores = rows @ _unit(rows.mean(axis=0))
        ranked = [(float(score), key) for score, key in zip(scores, used)]
        try:
            return sorted(ranked, reverse=True)      # ties: larger key first, as gensim
        except TypeError:                            # str and int keys do not compare
            return sorted(ranked, key=lambda pair: pair[0], reverse=True)

    def doesnt_match(self, words):
        """The key of ``words`` farthest from the unit mean of their unit vectors."""
        return self.rank_by_centrality(words)[-1][1]

    def wmdistance(self, document1, document2, norm=True):
        """Word Mover's Distance between two lists of keys (needs the optional POT package).

        Unknown keys are dropped; when a document is left empty the distance is inf.
        See :func:`numbaw2v.wmd.word_movers_distance`.
        """
        from numbaw2v.wmd import word_movers_distance
        return word_movers_distance(self, document1, document2, norm=norm)

    # ------------------------------------------------------- whole-vocabulary
    def vectors_for_all(self, keys, allow_inference=True, copy_vecattrs=False):
        """A new KeyedVectors with the vectors of the known ``keys`` (deduplicated, in order).

        Its counts are placeholders (n, n-1, ..., 1, as gensim gives); with
        ``copy_vecattrs`` every attribute (counts included) is copied instead.
        ``allow_inference`` matters only for subclasses that infer unknown keys.
        """
        chosen, seen = [], set()
        for key in keys:
            if key in seen:
                continue
            seen.add(key)
            if self.has_index_for(key) if allow_inference else key in self.key_to_index:
                chosen.append(key)
        rows = self._indices(chosen)
        kv = KeyedVectors(self.vector_size, 0, dtype=self._dtype)
        kv.add_vectors(chosen, self._vectors[rows])
        kv.counts = np.arange(len(chosen), 0, -1)
        if copy_vecattrs:
            for attr, values in self.expandos.items():
                kv.expandos[attr] = values[rows].copy()
        return kv

    def sort_by_descending_frequency(self):
        """Reorder rows by descending ``count`` (ties: later rows first, as gensim sorts)."""
        if not len(self):
            return
        counts = self.counts
        if counts is None:
            raise ModelStateError("sort_by_descending_frequency needs counts "
                                  "(expandos['count']); this KeyedVectors has none")
        order = np.lexsort((-np.arange(len(self)), -counts))
        self.index_to_key = [self._index_to_key[i] for i in order]
        self.allocate_vecattrs()
        for attr in self.expandos:
            self.expandos[attr] = self.expandos[attr][order]
        if self._vectors.shape[0] == len(order):
            self.vectors = self._vectors[order]
        if self.vectors_lockf is not None and len(self.vectors_lockf) == len(order) > 1:
            self.vectors_lockf = self.vectors_lockf[order]

    def intersect_word2vec_format(self, fname, lockf=0.0, binary=False, encoding="utf8",
                                  unicode_errors="strict"):
        """Take the vectors of a word2vec file for the keys already present; add no key.

        Merged rows get the lock factor ``lockf`` in ``vectors_lockf`` (0.0: training
        leaves them alone; 1.0: they train as usual), which becomes a per-row array.
        In a vocabulary with int keys, a decimal word in the file matches the int key.
        """
        keys, vectors = read_word2vec(fname, binary=binary, encoding=encoding,
                                      unicode_errors=unicode_errors)
        if vectors.shape[1] != self.vector_size:
            raise ParameterError(f"{fname}: vectors have {vectors.shape[1]} dimensions, this "
                                 f"KeyedVectors has {self.vector_size}")
        mine, theirs = [], []
        for pos, key in enumerate(keys):
            row = self.key_to_index.get(key)
            if row is None and self._int_keys and _DECIMAL.fullmatch(key):
                row = self.key_to_index.get(int(key))
            if row is not None:
                mine.append(row)
                theirs.append(pos)
        self._vectors[mine] = vectors[theirs]
        self.vectors_changed()
        self._set_lockf(mine, lockf)
        self.add_lifecycle_event(
            "intersect_word2vec_format",
            msg=f"merged {len(mine)} vectors into {self._vectors.shape} matrix from {fname}")

    def _set_lockf(self, rows, lockf):
        current = self.vectors_lockf
        if current is None or len(current) != len(self):
            fill = 1.0 if current is None or len(current) != 1 else float(current[0])
            current = np.full(len(self), fill, dtype=np.float32)
        current[rows] = lockf
        self.vectors_lockf = current

    # ------------------------------------------------------------- evaluation
    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False, similarity_function="most_similar"):
        """Google-style analogy accuracy; see :func:`numbaw2v.evaluate.evaluate_word_analogies`."""
        from numbaw2v.evaluate import evaluate_word_analogies
        return evaluate_word_analogies(self, analogies, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive,
                                       dummy4unknown=dummy4unknown,
                                       similarity_function=similarity_function)

    def evaluate_word_pairs(self, pairs, delimiter="\t", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlation with human similarity scores; see numbaw2v.evaluate.evaluate_word_pairs."""
        from numbaw2v.evaluate import evaluate_word_pairs
        return evaluate_word_pairs(self, pairs, delimiter=delimiter, restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)

    # ------------------------------------------------------------------ files
    def save_word2vec_format(self, path, fvocab=None, binary=None, total_vec=None,
                             write_header=True, limit=None):
        """Write the first ``limit`` (default all) words in the word2vec binary or text format.

        ``binary=None`` writes binary for a ``.bin`` name, text otherwise (gensim's
        default is text). As gensim: ``fvocab`` also writes the counts (``word count``
        per line, needs ``counts``); ``total_vec`` overrides the word count in the header;
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

        ``fvocab``: a ``word count`` file giving the counts (without it, as in gensim,
        ``count`` holds placeholders n, n-1, ..., 1 in file order); ``datatype``: the
        dtype of the loaded vectors; ``no_header``: a text file without the
        ``"V d"`` line. ``binary=None`` (the default; gensim's is False) tells the
        flavour from the first record, so both flavours load under any name. Errors
        name the file and place (see numbaw2v.formats).
        """
        datatype = np.dtype(datatype)
        if datatype.kind != "f":
            raise ParameterError(f"datatype must be a floating-point type, got {datatype}")
        keys, vectors = read_word2vec(path, binary=binary, limit=limit, encoding=encoding,
                                      unicode_errors=unicode_errors, datatype=datatype,
                                      no_header=no_header)
        if fvocab is not None:
            counts = read_word_counts(fvocab, keys, encoding, unicode_errors)
        else:       # as gensim: placeholder counts that keep the file's order (n, n-1, ..., 1)
            counts = np.arange(len(keys), 0, -1, dtype=np.int64)
        logger.info("loaded %d x %d vectors from %s", len(keys), vectors.shape[1], path)
        return cls(vectors, keys, counts, dtype=datatype)     # kept as ``datatype``

    def save(self, path):
        """Write the native ``.npz`` format: vectors, words and counts, without pickle."""
        write_native(path, self._index_to_key, self._vectors, self._counts)
        logger.info("saved %d x %d vectors to %s", len(self), self.vector_size, path)

    @classmethod
    def load(cls, path, mmap=None):
        """Read a file written by :meth:`save`, by gensim's ``save`` or, by extension, word2vec's.

        A gensim file (KeyedVectors of gensim 1.x-4.x, or a whole Word2Vec model,
        whose vectors are returned) is read without gensim and without running code
        from its pickle (see :mod:`numbaw2v.gensim_load`). ``mmap`` (``'r'``, ...)
        memory-maps arrays stored uncompressed: the ones gensim keeps in separate
        ``.npy`` files, and the vectors of a numbaw2v file.
        """
        from numbaw2v.gensim_load import is_gensim_pickle, load_keyed_vectors
        path = os.fspath(path)
        if is_gensim_pickle(path):
            return load_keyed_vectors(path, cls, mmap=mmap)
        kind = format_of(path)
        if kind in ("binary", "text"):
            return cls.load_word2vec_format(path)
        vectors, keys, counts = read_native(path, mmap=mmap)
        try:
            return cls(vectors, keys, counts)
        except ValueError as err:
            raise InputFileError(path, f"inconsistent vectors file ({err})") from err



# ---------------------------------------------------------------------- helpers
def _check_int(name, value, lowest):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < lowest:
        raise ParameterError(f"{name} must be an integer >= {lowest}, got {value!r}")


def _clean_key(key):
    """A key as stored: str stays str, any integer becomes a Python int, anything else fails."""
    if type(key) is str or type(key) is int:
        return key
    if isinstance(key, str):
        return str(key)
    if isinstance(key, Integral) and not isinstance(key, bool):
        return int(key)
    raise ParameterError(f"keys must be str or int, got {type(key).__name__} {key!r}")


def _clean_keys(keys):
    keys = list(keys)
    if all(type(key) is str for key in keys):
        return keys
    return [None if key is None else _clean_key(key) for key in keys]


def _ensure_list(terms):
    """Query terms as a list: one key or 1-D vector alone, the rows of a 2-D array, or as given."""
    if terms is None:
        return []
    if isinstance(terms, _KEY_TYPES):
        return [terms]
    if isinstance(terms, np.ndarray):
        return [terms] if terms.ndim == 1 else list(terms)
    return list(terms)


def _row_norms(vectors):
    wide = np.result_type(vectors.dtype, np.float32)
    return np.linalg.norm(vectors.astype(wide, copy=False), axis=1)


def _unit(vec):
    """``vec`` scaled to unit length; a zero vector stays zero."""
    norm = np.linalg.norm(vec)
    return vec / norm if norm > 0 else vec


def _warn_if_zero(query):
    """Warn that a query (mean) vector is zero: no known key, or keys that cancel out."""
    if not query.any():
        warnings.warn("the query vector has zero length (no known key, or terms that cancel "
                      "out): every cosine similarity is 0.0", RuntimeWarning, stacklevel=4)


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
