"""Huffman coding of the vocabulary, for hierarchical softmax (``Word2Vec(hs=1)``).

``build_huffman(counts)`` gives every word its path from the root of a Huffman tree
over the word counts: the bits taken (``codes``) and the inner nodes passed
(``points``, numbered 0..V-2 in the order the tree merged them; the root is V-2).
Frequent words get short codes. The tree, ties included, is the one gensim 4 and the
C word2vec build from the same counts (numbaw2v.kernels.huffman).

The paths are stored as flat, padded arrays for the kernels: ``codes`` uint8[V, L] and
``points`` int32[V, L], root first, with ``code_lens`` int32[V] valid entries per row;
L is the longest code. A vocabulary of one word has one empty code.
"""
from collections import namedtuple

import numpy as np

from .errors import ParameterError
from .kernels.huffman import huffman_parents, huffman_paths

HuffmanTree = namedtuple("HuffmanTree", ["codes", "points", "code_lens"])


def build_huffman(counts):
    """The HuffmanTree (codes, points, code_lens) of word ``counts`` (in vocabulary order).

    Counts must be non-negative integers; build it again after the vocabulary changes.
    """
    counts = np.asarray(counts)
    if counts.ndim != 1 or (counts.size and not np.issubdtype(counts.dtype, np.integer)):
        raise ParameterError(f"Huffman counts must be a 1-D integer array, got {counts.dtype} "
                             f"of shape {counts.shape}")
    if counts.size and counts.min() < 0:
        raise ParameterError(f"Huffman counts must be >= 0, got {int(counts.min())}")
    counts = np.ascontiguousarray(counts, dtype=np.int64)
    parent, bit = huffman_parents(counts)
    return HuffmanTree(*huffman_paths(parent, bit, counts.shape[0]))


def word_path(tree, index):
    """(code, point) of one word as short arrays, like gensim's per-word ``code``/``point``."""
    n = int(tree.code_lens[index])
    return tree.codes[index, :n].copy(), tree.points[index, :n].copy()
