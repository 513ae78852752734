"""Checks of a Word2Vec's arrays against its vocabulary, run before any compiled kernel.

The kernels index rows by word id without bounds checks, so a matrix of the wrong
shape, dtype or layout would corrupt memory. Every array is checked here and a
``ModelStateError`` names the array, its shape and the expected one. A ``model.wv``
replaced the gensim way (``m.wv = KeyedVectors.load_word2vec_format(...)``) is taken
as a warm start when it holds exactly the vocabulary's words.
"""
import numpy as np

from .errors import ModelStateError


def rows_of_assigned(wv, index_to_key, vector_size):
    """The rows of a user-assigned KeyedVectors in vocabulary order, as a new float32 matrix.

    Raises ModelStateError when its words or its dimension differ from the model's.
    """
    keys = list(wv.index_to_key)
    vectors = np.asarray(wv.vectors)
    if vectors.ndim != 2 or vectors.shape[1] != vector_size:
        raise ModelStateError(
            f"model.wv was replaced by vectors of shape {vectors.shape}; the model's "
            f"vector_size is {vector_size}: expected ({len(index_to_key)}, {vector_size})")
    if keys == list(index_to_key):
        return np.array(vectors, dtype=np.float32, order="C")
    position = {k: i for i, k in enumerate(keys)}
    missing = [k for k in index_to_key if k not in position]
    if missing or len(keys) != len(index_to_key):
        extra = len(keys) - (len(index_to_key) - len(missing))
        raise ModelStateError(
            f"model.wv was replaced by vectors of {len(keys)} words that are not the "
            f"vocabulary's {len(index_to_key)} words ({len(missing)} missing, e.g. "
            f"{missing[:3]!r}; {extra} not in the vocabulary): a warm start needs the same "
            "words; build the vocabulary from them first")
    order = np.fromiter((position[k] for k in index_to_key), dtype=np.int64,
                        count=len(index_to_key))
    return np.ascontiguousarray(vectors[order], dtype=np.float32)


def check_matrix(name, arr, shape):
    """A writable C-contiguous float32 matrix of ``shape``, or ModelStateError naming it."""
    problems = []
    if not isinstance(arr, np.ndarray):
        raise ModelStateError(f"model.{name} is a {type(arr).__name__}, expected a float32 "
                              f"array of shape {shape}")
    if arr.shape != shape:
        problems.append(f"has shape {arr.shape}")
    if arr.dtype != np.float32:
        problems.append(f"has dtype {arr.dtype}")
    if not arr.flags.c_contiguous:
        problems.append("is not C-contiguous")
    if not arr.flags.writeable:
        problems.append("is read-only")
    if problems:
        raise ModelStateError(
            f"model.{name} {', '.join(problems)}: expected a writable C-contiguous float32 "
            f"array of shape {shape} (vocabulary of {shape[0]} words x vector_size {shape[1]})")


def check_tables(vocab):
    """The vocabulary's per-word tables all have one entry per word."""
    n = len(vocab.index_to_key)
    for name, arr in (("keep_prob", vocab.keep_prob), ("negative table", vocab.table.prob),
                      ("alias table", vocab.table.alias)):
        if np.asarray(arr).shape != (n,):
            raise ModelStateError(f"model.vocab's {name} has shape {np.asarray(arr).shape}, "
                                  f"expected ({n},)")
    alias = np.asarray(vocab.table.alias)
    if n and (alias.min() < 0 or alias.max() >= n):
        raise ModelStateError("model.vocab's alias table holds ids outside the vocabulary")


def check_finite(name, arr, cause):
    """ModelStateError when ``arr`` holds NaN or infinity; ``cause`` says how it came there."""
    if arr.size and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):  # no temporaries
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ModelStateError(f"model.{name} holds {bad} NaN or infinite values ({cause})")


def check_lockf(lockf, n):
    """``wv.vectors_lockf`` as float32 factors: None (all 1), one factor, or one per word.

    Raises ModelStateError for any other length or for non-finite factors.
    """
    if lockf is None:
        return np.ones(n, dtype=np.float32)
    try:
        arr = np.asarray(lockf, dtype=np.float32)
    except (TypeError, ValueError):
        raise ModelStateError(f"model.wv.vectors_lockf is a {type(lockf).__name__} that is not "
                              "a float array") from None
    if arr.ndim != 1 or arr.shape[0] not in (1, n):
        raise ModelStateError(f"model.wv.vectors_lockf has shape {arr.shape}: expected ({n},) "
                              "(one lock factor per word) or (1,) (one for all)")
    if not np.all(np.isfinite(arr)):
        raise ModelStateError("model.wv.vectors_lockf holds NaN or infinite values")
    return arr


def check_huffman(tree, n):
    """The Huffman paths (numbaw2v.huffman.HuffmanTree) cover ``n`` words with valid rows."""
    if tree is None:
        raise ModelStateError("hs=1 but the model has no Huffman tree: call build_vocab(...) "
                              "first")
    codes, points, lens = (np.asarray(a) for a in tree)
    if lens.shape != (n,) or codes.ndim != 2 or codes.shape[0] != n or \
            points.shape != codes.shape:
        raise ModelStateError(f"the Huffman tree covers {lens.shape[0]} words, the vocabulary "
                              f"has {n}: rebuild it with model._make_hs_tables()")
    if n and (lens.min() < 0 or lens.max() > codes.shape[1]):
        raise ModelStateError("the Huffman code lengths do not fit the code arrays")
    if points.size and (points.min() < 0 or points.max() > max(n - 2, 0)):
        raise ModelStateError(f"the Huffman points must be inner nodes 0..{max(n - 2, 0)}")
