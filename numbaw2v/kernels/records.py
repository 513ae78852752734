"""The records that carry a training run into the compiled kernels.

Numba compiles one specialisation per distinct tuple type, so every field has
one fixed type: Python ``bool``, ``int`` (int64), ``float`` (float64) or an
array of a fixed dtype. ``numbaw2v.training`` builds all of them in one place
(``make_config``, ``make_tables``, ``make_weights``, ``make_block``); a new
feature adds a field here and a line there.
"""
from collections import namedtuple

# What to train and how: fixed for the whole run.
#   sg, cbow_mean, shrink_windows, shared_negatives, compute_loss: bool
#   window, negative, seed: int64;  alpha, min_alpha: float64
TrainConfig = namedtuple("TrainConfig", [
    "sg", "cbow_mean", "window", "shrink_windows", "negative", "shared_negatives",
    "alpha", "min_alpha", "seed", "compute_loss"])

# Per-word tables of the vocabulary:
#   keep_prob float64[V] (subsampling), prob float64[V] + alias int32[V] (negatives).
Tables = namedtuple("Tables", ["keep_prob", "prob", "alias"])

# The matrices updated in place: W_in (the word vectors) and W_out (syn1neg), float32[V, d].
Weights = namedtuple("Weights", ["W_in", "W_out"])

# The words to train on: ``ids`` int32 holds positions ``base`` onwards of a corpus of
# ``n_words`` words (int64), cut into chunks of ``chunk_size`` (int64);
# ``sentence_ends`` int64 holds the absolute exclusive end of every sentence.
CorpusBlock = namedtuple("CorpusBlock", ["ids", "base", "n_words", "sentence_ends",
                                         "chunk_size"])

# Where a call sits in the whole run: the epoch (int64), the raw words of the run before
# this epoch (int64) and the raw words of the whole run (float64); they set the learning rate.
RunPosition = namedtuple("RunPosition", ["epoch", "words_before", "total_words"])
