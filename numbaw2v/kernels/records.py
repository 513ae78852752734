"""The records that carry a training run into the compiled kernels.

Numba compiles one specialisation per distinct tuple type, so every field has
one fixed type: Python ``bool``, ``int`` (int64), ``float`` (float64) or an
array of a fixed dtype. ``numbaw2v.training`` builds all of them in one place
(``make_config``, ``make_tables``, ``make_weights``, ``make_block``); a new
feature adds a field here and a line there.
"""
from collections import namedtuple

# What to train and how: fixed for the whole run.
#   sg, cbow_mean, shrink_windows, shared_negatives, compute_loss, hs: bool
#   window, negative, seed: int64;  alpha, min_alpha: float64
# negative 0 turns negative sampling off, hs (hierarchical softmax) is a plain bool: the
# kernels branch on them at run time, so no setting compiles a version of its own.
TrainConfig = namedtuple("TrainConfig", [
    "sg", "cbow_mean", "window", "shrink_windows", "negative", "shared_negatives",
    "alpha", "min_alpha", "seed", "compute_loss", "hs"])

# Per-word tables of the vocabulary:
#   keep_prob float64[V] (subsampling), prob float64[V] + alias int32[V] (negatives),
#   codes uint8[V, L], points int32[V, L], code_lens int32[V] (the Huffman paths of
#   numbaw2v.huffman; shape (0, 0) / (0,) when hs is off), lockf float32[V] (the lock
#   factor every update of an input row is multiplied by: 1 trains, 0 freezes the row).
Tables = namedtuple("Tables", ["keep_prob", "prob", "alias", "codes", "points", "code_lens",
                               "lockf"])

# The matrices updated in place, float32 and C-contiguous: W_in (the word vectors) [V, d],
# W_out (syn1neg, negative sampling) and W_hs (syn1, hierarchical softmax) [V, d], or
# [0, d] when their objective is off.
Weights = namedtuple("Weights", ["W_in", "W_out", "W_hs"])

# The words to train on: ``ids`` int32 holds positions ``base`` onwards of a corpus of
# ``n_words`` words (int64), cut into chunks of ``chunk_size`` (int64);
# ``sentence_ends`` int64 holds the absolute exclusive end of every sentence.
CorpusBlock = namedtuple("CorpusBlock", ["ids", "base", "n_words", "sentence_ends",
                                         "chunk_size"])

# Where a call sits in the whole run: the epoch (int64), the raw words of the run before
# this epoch (int64) and the raw words of the whole run (float64); they set the learning rate.
RunPosition = namedtuple("RunPosition", ["epoch", "words_before", "total_words"])
