"""Word2Vec: the high-level estimator (vocabulary, encoding, multicore training, results)."""
import collections.abc
import json
import logging
import os
import time
import zipfile

import numpy as np

from . import params as param_table
from ._numba_cache import announce_training_compile
from .encoded import EncodedCorpus
from .errors import InputFileError, ParameterError, VocabularyError
from .fileio import atomic_output
from .huffman import build_huffman
from .model_state import (check_finite, check_huffman, check_lockf, check_matrix, check_tables,
                          rows_of_assigned)
from .text import scan_files, scan_iterable
from .training import make_config, make_tables, make_weights, run_epochs
from .vocab import Vocab

logger = logging.getLogger(__name__)

DEFAULT_CORPUS_MEMORY = param_table.BY_NAME["corpus_memory_limit"].default
_FORMAT = "numbaw2v-model-1"
_ARRAYS = ("meta", "keys", "counts", "vectors")     # plus syn1neg (negative > 0), syn1 (hs)
STDIN = "-"             # corpus_file "-" reads standard input (once: its encoding is reused)


def _resolve_files(corpus_file):
    """A path, a named corpus or a list of them -> list of existing, readable file paths."""
    items = [corpus_file] if isinstance(corpus_file, (str, os.PathLike)) else list(corpus_file)
    if not items:
        raise ValueError("corpus_file is an empty list")
    paths = []
    for item in items:
        item = os.fspath(item)
        if item == STDIN or os.path.isfile(item):
            paths.append(item)
            continue
        try:
            from .corpora import resolve
        except ImportError:
            resolve = None
        if resolve is None:
            raise FileNotFoundError(f"corpus_file: {item}: no such file")
        paths.extend(resolve(item))
    for path in paths:
        if path == STDIN:
            continue
        if os.path.isdir(path):
            raise ValueError(f"corpus_file: {path}: is a directory")
        if not os.access(path, os.R_OK):
            raise PermissionError(f"corpus_file: {path}: not readable")
    return paths


def _checked(name, row, value):
    """``value`` checked by the table's row ``row``, reported under the name ``name``."""
    try:
        return param_table.BY_NAME[row].check(value)
    except ParameterError as err:
        raise ParameterError(str(err).replace(row, name, 1)) from None


def _count_arg(name, value):
    """``value`` as a non-negative int, or ParameterError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ParameterError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def _file_key(paths):
    return tuple((p, 0, 0) if p == STDIN else
                 (os.path.abspath(p), os.path.getsize(p), os.path.getmtime(p)) for p in paths)


def _not_a_model(path, err):
    """Why a file is not a model, from its first bytes; never suggests unsafe loading."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        head = b""
    if isinstance(err, KeyError):
        what = f"a zip archive without the array {err.args[0]!r} a model holds"
    elif head.startswith(b"PK"):
        what = "a damaged or truncated zip archive"
    elif head[:1] == b"\x80":
        what = "a Python pickle (as gensim saves its models), which numbaw2v never reads"
    elif head.startswith(b"\x93NUMPY"):
        what = "a single NumPy array"
    elif not head:
        what = "an empty file, not a zip archive"
    else:
        what = "not a zip archive"
    return (f"not a numbaw2v model file: it is {what}; numbaw2v models are the archives "
            "written by Word2Vec.save")


def _fingerprint(sentences):
    """(sentences, words) of a re-iterable sequence, to notice changes; None for iterators."""
    if not isinstance(sentences, collections.abc.Sequence):
        return None
    return len(sentences), sum(map(len, sentences))


class Word2Vec:
    """CBOW or skip-gram with negative sampling, trained on all cores.

    Parameters follow gensim's ``Word2Vec`` where the meaning is the same.
    Beyond gensim's: ``vocab_size`` (the id range when sentences are integer
    id arrays), ``shared_negatives`` (skip-gram draws one set of negatives per
    window instead of one per context word; False gives the classic
    per-pair draws), ``progress`` (tqdm bar: None shows it on a terminal) and
    ``corpus_memory_limit`` (bytes of encoded corpus kept in memory before it
    moves to a temporary file read a block at a time). Every parameter, its
    default and its allowed range is a row of ``numbaw2v.params.PARAMS``.
    Give ``sentences`` (an iterable of token lists, or of integer id arrays
    with ``vocab_size``) or ``corpus_file`` (path(s) of plain/.gz/.bz2/.xz
    text, one sentence per line, or a corpus name) to build the vocabulary and
    train at once; otherwise call ``build_vocab`` and ``train`` yourself.
    """

    def __init__(self, sentences=None, corpus_file=None, *, callbacks=(), **params):
        if sentences is not None and corpus_file is not None:
            raise ValueError("give either sentences or corpus_file, not both")
        for name, value in param_table.check_params(params).items():
            setattr(self, name, value)
        if self.alpha is None:
            self.alpha = 0.025 if self.sg else 0.05
        self.callbacks = tuple(callbacks)
        self.vocab = None
        self.wv = None
        self.syn1neg = None     # negative sampling's output rows (None when negative=0)
        self.syn1 = None        # hierarchical softmax's inner-node rows (None when hs=0)
        self.huffman = None     # numbaw2v.huffman.HuffmanTree of the vocabulary (hs=1)
        self.corpus_count = 0
        self.corpus_total_words = 0
        self.running_training_loss = 0.0
        self.epoch_losses = []
        self.interrupted = False
        self.train_seconds = 0.0
        self.vocab_seconds = 0.0
        self._encoded = None
        self._encoded_key = None
        self._encoded_fingerprint = None
        self._own_wv = None
        if sentences is not None or corpus_file is not None:
            self.build_vocab(corpus_iterable=sentences, corpus_file=corpus_file)
            self.train(corpus_iterable=sentences, corpus_file=corpus_file,
                       total_examples=self.corpus_count, total_words=self.corpus_total_words,
                       epochs=self.epochs)

    # ------------------------------------------------------------------ vocabulary
    def build_vocab(self, corpus_iterable=None, corpus_file=None, progress_per=None,
                    trim_rule=None, update=False):
        """Count words in one streaming pass, keep the frequent ones, encode the corpus."""
        if trim_rule is not None:
            raise ValueError("trim_rule is not supported: use min_count / max_vocab_size")
        if update:
            raise ValueError("build_vocab(update=True) is not supported: continue training "
                             "with train() on text of the same vocabulary")
        announce_training_compile(sg=self.sg, shared_negatives=self.shared_negatives, hs=self.hs)
        t0 = time.perf_counter()
        key, paths = self._input(corpus_iterable, corpus_file)
        fingerprint = _fingerprint(corpus_iterable)
        scan = self._scan(corpus_iterable, paths)
        try:
            if scan.total_words == 0:
                raise VocabularyError(f"the corpus is empty: "
                                      f"{self._describe(corpus_iterable, corpus_file)} "
                                      "holds no tokens")
            vocab, mapping = Vocab.from_scan(scan.types, scan.counts, self.min_count,
                                             self.max_vocab_size, self.sample,
                                             self.ns_exponent)
        except BaseException:
            scan.close()
            raise
        encoded = EncodedCorpus.from_scan(scan, mapping, self.corpus_memory_limit)
        self._set_encoded(encoded, key, fingerprint)
        self.vocab = vocab
        self.corpus_count = int(np.count_nonzero(scan.sentence_lengths))
        self.corpus_total_words = scan.total_words
        self._init_weights()
        self.vocab_seconds = time.perf_counter() - t0
        kept = encoded.n_words / max(scan.total_words, 1)
        logger.info("vocabulary: %d of %d word types kept (min_count=%d), covering %.1f%% of "
                    "%d raw words in %d sentences; built in %.2f s",
                    len(vocab), len(scan.types), self.min_count, 100 * kept, scan.total_words,
                    self.corpus_count, self.vocab_seconds)
        if scan.undecodable:
            logger.warning("%d word occurrences had bytes that are not UTF-8; they were decoded "
                           "with U+FFFD replacement characters", scan.undecodable)
        self.undecodable_words = scan.undecodable
        return self

    def _input(self, corpus_iterable, corpus_file):
        """Validate an input; return (key identifying it, file paths or None)."""
        if (corpus_iterable is None) == (corpus_file is None):
            raise ValueError("give exactly one of corpus_iterable (sentences) or corpus_file")
        if corpus_file is not None:
            paths = _resolve_files(corpus_file)
            return ("files", _file_key(paths)), paths
        if isinstance(corpus_iterable, (str, bytes, os.PathLike)):
            raise ValueError("sentences must be an iterable of token lists; "
                             "for a file path use corpus_file=")
        return ("iterable", corpus_iterable), None

    def _scan(self, corpus_iterable, paths):
        if paths is not None:
            return scan_files(paths, self.corpus_memory_limit)
        return scan_iterable(corpus_iterable, self.corpus_memory_limit, self.vocab_size)

    def _is_encoded(self, key, fingerprint):
        """Whether ``key`` names the input encoded last, unchanged.

        Iterables are compared by identity and, when they are sequences (lists),
        by their count of sentences and words: a list changed since it was
        encoded is encoded again.
        """
        old = self._encoded_key
        if old is None or old[0] != key[0]:
            return False
        if key[0] != "iterable":
            return old[1] == key[1]
        if old[1] is not key[1]:
            return False
        if fingerprint != self._encoded_fingerprint:
            logger.warning("the sentences changed since they were encoded (%s sentences and "
                           "words then, %s now): encoding them again with the vocabulary as "
                           "it is", self._encoded_fingerprint, fingerprint)
            return False
        return True

    @staticmethod
    def _describe(corpus_iterable, corpus_file):
        return f"corpus_file={corpus_file!r}" if corpus_file is not None else "sentences"

    def _set_encoded(self, encoded, key, fingerprint=None):
        if self._encoded is not None and self._encoded is not encoded:
            self._encoded.close()
        self._encoded, self._encoded_key = encoded, key
        self._encoded_fingerprint = fingerprint

    def _init_weights(self):
        rng = np.random.default_rng(self.seed)
        V, d = len(self.vocab), self.vector_size
        # uniform in [-1/d, 1/d), the scale gensim uses (the C word2vec uses half of it)
        W_in = rng.random((V, d), dtype=np.float32)
        W_in *= 2.0
        W_in -= 1.0
        W_in /= d
        self.syn1neg = np.zeros((V, d), dtype=np.float32) if self.negative else None
        self.syn1 = np.zeros((V, d), dtype=np.float32) if self.hs else None
        self._make_hs_tables()
        self._make_wv(W_in)

    def _make_hs_tables(self):
        """(Re)build the Huffman tree of the current vocabulary counts (hs=1; else None).

        Call it again whenever the vocabulary changes (gensim rebuilds the tree
        after ``build_vocab(update=True)``); ``syn1`` must then have one row per
        word (new rows zero, as gensim grows it).
        """
        self.huffman = build_huffman(self.vocab.counts) if self.hs else None
        return self.huffman

    def _make_wv(self, W_in):
        from .vectors import KeyedVectors
        self.wv = self._own_wv = KeyedVectors(W_in, self.vocab.index_to_key, self.vocab.counts)
        # gensim's lock factors: 1 trains a row, 0 freezes it (a length-1 array applies to all)
        self.wv.vectors_lockf = np.ones(len(self.vocab), dtype=np.float32)

    def _checked_weights(self):
        """The Weights record, after checking every array against the vocabulary.

        A ``wv`` assigned by the user (gensim's warm start) is taken when it holds
        the vocabulary's words; anything that could make a kernel write out of
        bounds raises ModelStateError first.
        """
        if self.wv is None:
            raise VocabularyError("the model has no weights: call build_vocab(...) first")
        if self.wv is not self._own_wv:
            rows = rows_of_assigned(self.wv, self.vocab.index_to_key, self.vector_size)
            logger.info("model.wv was replaced: training continues from its vectors")
            self._make_wv(rows)
        shape = (len(self.vocab), self.vector_size)
        check_tables(self.vocab)
        check_matrix("wv.vectors", self.wv.vectors, shape)
        outputs = self._output_matrices()
        for name, arr in outputs:
            check_matrix(name, arr, shape)
        if self.hs:
            check_huffman(self.huffman, len(self.vocab))
        for name, arr in (("wv.vectors", self.wv.vectors), *outputs):
            check_finite(name, arr, "before training: the starting weights are not finite")
        return make_weights(self.wv.vectors, self.syn1neg if self.negative else None,
                            self.syn1 if self.hs else None)

    def _output_matrices(self):
        """(name, array) of the output layers in use: syn1neg (negative > 0), syn1 (hs=1)."""
        return tuple((name, getattr(self, name)) for name, on in
                     (("syn1neg", self.negative), ("syn1", self.hs)) if on)

    # ------------------------------------------------------------------ training
    def _encode(self, corpus_iterable, corpus_file):
        """The encoded corpus for this input: reused when it is the one last scanned."""
        key, paths = self._input(corpus_iterable, corpus_file)
        fingerprint = _fingerprint(corpus_iterable)
        if self._is_encoded(key, fingerprint):
            return self._encoded
        scan = self._scan(corpus_iterable, paths)
        index = self.vocab.key_to_index
        mapping = np.fromiter((index.get(t, -1) for t in scan.types), dtype=np.int32,
                              count=len(scan.types))
        encoded = EncodedCorpus.from_scan(scan, mapping, self.corpus_memory_limit)
        if encoded.n_words == 0:
            encoded.close()
            raise ValueError("no word of this corpus is in the vocabulary")
        self._set_encoded(encoded, key, fingerprint)
        return encoded

    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None,
              total_words=None, epochs=None, start_alpha=None, end_alpha=None,
              word_count=0, queue_factor=2, report_delay=1.0, compute_loss=None,
              callbacks=None):
        """Train on the corpus (reusing the encoding from build_vocab when it is the same input).

        As in gensim, ``epochs`` and one of ``total_examples``/``total_words``
        (``total_words`` for ``corpus_file``) must be given, e.g.
        ``total_examples=model.corpus_count, epochs=model.epochs``; numbaw2v
        uses the exact totals it finds while encoding. ``word_count``,
        ``queue_factor`` and ``report_delay`` are accepted and ignored.
        Returns (trained words, raw words).
        """
        if self.vocab is None:
            raise VocabularyError("you must first build vocabulary before training the model: "
                                  "call build_vocab(...)")
        if total_examples is None and total_words is None:
            raise ValueError("You must specify either total_examples or total_words, as gensim "
                             "requires: after build_vocab on the same corpus, "
                             "total_examples=model.corpus_count is right")
        if corpus_file is not None and total_words is None:
            raise ValueError("total_words must be provided alongside corpus_file, as gensim "
                             "requires (model.corpus_total_words after build_vocab)")
        if epochs is None:
            raise ValueError("You must specify an explicit epochs count, as gensim requires. "
                             "The usual value is epochs=model.epochs")
        epochs = param_table.BY_NAME["epochs"].check(epochs)
        alpha = self.alpha if start_alpha is None else _checked("start_alpha", "alpha",
                                                                start_alpha)
        min_alpha = self.min_alpha if end_alpha is None else _checked("end_alpha", "min_alpha",
                                                                      end_alpha)
        if compute_loss is not None:
            self.compute_loss = param_table.BY_NAME["compute_loss"].check(compute_loss)
        callbacks = self.callbacks if callbacks is None else tuple(callbacks)
        weights = self._checked_weights()
        corpus = self._encode(corpus_iterable, corpus_file)
        config = make_config(self.sg, self.cbow_mean, self.window, self.shrink_windows,
                             self.negative, self.shared_negatives, alpha, min_alpha, self.seed,
                             self.compute_loss, self.hs)
        tables = make_tables(self.vocab, self.huffman if self.hs else None,
                             check_lockf(getattr(self.wv, "vectors_lockf", None),
                                         len(self.vocab)))

        def notify(event, result):
            self.running_training_loss = result.loss
            self.epoch_losses = list(result.epoch_losses)
            for cb in callbacks:
                method = getattr(cb, event, None)
                if method is not None:
                    method(self)

        result = run_epochs(weights, corpus, config, tables, epochs,
                            self.workers, self.progress, notify)
        self.wv.vectors_changed()
        self.interrupted = result.interrupted
        self.stop_signal = result.stop_signal
        self.train_seconds = result.seconds
        self.running_training_loss = result.loss
        self.epoch_losses = list(result.epoch_losses)
        cause = (f"training diverged with alpha={alpha:g}: lower alpha; these vectors cannot "
                 "be saved")
        for name, arr in (("wv.vectors", self.wv.vectors), *self._output_matrices()):
            check_finite(name, arr, cause)
        return result.trained_words, result.raw_words

    def get_latest_training_loss(self):
        """The summed binary cross-entropy of the latest train() call (needs compute_loss=True).

        With hs=1 it includes -log P of every branch on the trained words' Huffman paths.
        """
        return self.running_training_loss

    # ------------------------------------------------------------------ scoring
    def score(self, sentences, total_sentences=int(1e6), chunksize=100, queue_factor=2,
              report_delay=1):
        """Log-probability of each sentence under the model, as gensim's ``score`` (hs=1 only).

        Skip-gram: the sum, over every word and every other word of its full
        window (no shrinking, no subsampling), of log P(word | context word) along
        the word's Huffman path; CBOW: of log P(word | context sum or mean). Words
        outside the vocabulary are dropped first. At most ``total_sentences``
        sentences are scored (a warning says when more were given); returns a
        float32 array with one score per sentence (0 for an empty one). Scores are
        exact log-sigmoids (gensim reads a table and skips terms beyond +-6), and
        sentences are not cut at 10,000 words. ``chunksize``, ``queue_factor`` and
        ``report_delay`` are accepted for gensim compatibility and ignored: one
        parallel kernel scores all sentences. The model is not changed.
        """
        if self.vocab is None or self.wv is None:
            raise VocabularyError("you must first build vocabulary before scoring new data")
        if not self.hs:
            raise ParameterError("score() needs a model trained with hierarchical softmax "
                                 "(hs=1; gensim implements score for hs only), this model "
                                 f"has hs=0, negative={self.negative}")
        total_sentences = _count_arg("total_sentences", total_sentences)
        import itertools

        from .kernels.hs import score_sentences
        from .text import scan_iterable

        if isinstance(sentences, (str, bytes, os.PathLike)):
            raise ValueError("sentences must be an iterable of token lists")
        taken = itertools.islice(iter(sentences), total_sentences + 1)
        scan = scan_iterable(taken, self.corpus_memory_limit, self.vocab_size)
        try:
            lengths = scan.sentence_lengths[:total_sentences]
            if scan.sentence_lengths.shape[0] > total_sentences:
                logger.warning("terminating after %d sentences (set a higher total_sentences "
                               "to score more)", total_sentences)
            index = self.vocab.key_to_index
            mapping = np.fromiter((index.get(t, -1) for t in scan.types), dtype=np.int32,
                                  count=len(scan.types))
            ids = np.ascontiguousarray(scan.compose(mapping)[scan.ids], dtype=np.int32)
        finally:
            scan.close()
        shape = (len(self.vocab), self.vector_size)
        check_matrix("wv.vectors", self.wv.vectors, shape)
        check_matrix("syn1", self.syn1, shape)
        check_huffman(self.huffman, len(self.vocab))
        ends = np.cumsum(lengths, dtype=np.int64)
        out = np.zeros(ends.shape[0], dtype=np.float32)
        h = self.huffman
        t0 = time.perf_counter()
        score_sentences(self.wv.vectors, self.syn1, h.codes, h.points, h.code_lens, ids, ends,
                        int(self.window), bool(self.sg), bool(self.cbow_mean), out)
        logger.info("scored %d sentences in %.2f s", out.shape[0], time.perf_counter() - t0)
        return out

    def predict_output_word(self, context_words_list, topn=10):
        """The ``topn`` most probable centre words for the context, as (word, probability).

        gensim's meaning: the mean (``cbow_mean``) or sum of the context words'
        vectors is scored against every row of ``syn1neg`` and the scores go
        through a softmax over the whole vocabulary (a CBOW-style guess, even for
        skip-gram). Needs negative > 0. Context words may be keys or row numbers;
        unknown ones are skipped, and when none is known a warning is logged and
        None returned.
        """
        if not self.negative:
            raise ParameterError("predict_output_word() needs negative sampling (negative > 0; "
                                 "gensim implements it for negative sampling only), this "
                                 f"model has negative=0, hs={int(self.hs)}")
        if self.vocab is None or self.wv is None or self.syn1neg is None:
            raise VocabularyError("the model has no weights: call build_vocab(...) and train "
                                  "first")
        topn = _count_arg("topn", topn)
        rows = [self.wv.get_index(w) for w in context_words_list if w in self.wv]
        if not rows:
            logger.warning("All the input context words are out-of-vocabulary for the "
                           "current model.")
            return None
        h = self.wv.vectors[rows].sum(axis=0, dtype=np.float32)
        if self.cbow_mean:
            h /= len(rows)
        logits = self.syn1neg @ h
        logits -= logits.max()
        prob = np.exp(logits)
        prob /= prob.sum()
        top = np.argsort(-prob, kind="stable")[:topn]
        keys = self.vocab.index_to_key
        return [(keys[i], float(prob[i])) for i in top]

    # ------------------------------------------------------------------ persistence
    def save(self, path):
        """Save the whole model (both weight matrices, vocabulary, parameters) atomically."""
        if self.vocab is None:
            raise VocabularyError("nothing to save: the model has no vocabulary yet")
        outputs = self._output_matrices()
        for name, arr in (("wv.vectors", self.wv.vectors), *outputs):
            check_finite(name, arr, "refusing to save a model with non-finite weights")
        keys = self.vocab.index_to_key
        int_keys = all(isinstance(k, (int, np.integer)) for k in keys)
        params = {p.name: getattr(self, p.name) for p in param_table.PARAMS if p.saved}
        meta = {"format": _FORMAT, "params": params, "int_keys": int_keys,
                "corpus_count": self.corpus_count, "corpus_total_words": self.corpus_total_words}
        key_array = (np.asarray(keys, dtype=np.int64) if int_keys
                     else np.asarray(keys, dtype=str))
        with atomic_output(path) as tmp, open(tmp, "wb") as f:
            lockf = check_lockf(getattr(self.wv, "vectors_lockf", None), len(keys))
            np.savez(f, meta=np.asarray(json.dumps(meta)), keys=key_array,
                     counts=self.vocab.counts, vectors=self.wv.vectors,
                     vectors_lockf=lockf, **dict(outputs))

    @classmethod
    def load(cls, path):
        """Load a model written by ``save``; training can continue."""
        path = os.fspath(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                missing = [k for k in _ARRAYS if k not in getattr(z, "files", ())]
                if missing:
                    raise KeyError(missing[0])
                meta = json.loads(str(z["meta"]))
                keys, counts = z["keys"], z["counts"]
                vectors = z["vectors"]
                params = meta.get("params", {}) if isinstance(meta, dict) else {}
                outputs = {}
                for name, on in (("syn1neg", params.get("negative", 5)),
                                 ("syn1", params.get("hs", 0))):
                    if on:
                        outputs[name] = z[name]      # KeyError: the array is missing
                lockf = z["vectors_lockf"] if "vectors_lockf" in z.files else None
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputFileError(path, "is a directory, not a numbaw2v model file") from None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
            raise InputFileError(path, _not_a_model(path, e)) from None
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else None
            raise InputFileError(path, f"not a numbaw2v model file (its format is {found!r}, "
                                       f"expected {_FORMAT!r})")
        p = dict(meta["params"])
        counts_total = (meta.get("corpus_count", p.pop("corpus_count", 0)),
                        meta.get("corpus_total_words", p.pop("corpus_total_words", 0)))
        model = cls(**p)
        index_to_key = [int(k) for k in keys] if meta["int_keys"] else [str(k) for k in keys]
        if vectors.shape[0] != len(index_to_key) or \
                any(arr.shape != vectors.shape for arr in outputs.values()) or \
                (lockf is not None and lockf.shape not in ((1,), (len(index_to_key),))):
            raise ValueError(f"{path}: arrays of inconsistent shapes")
        model.vocab = Vocab(index_to_key, counts, model.sample, model.ns_exponent)
        model.corpus_count, model.corpus_total_words = counts_total
        for name, arr in outputs.items():
            setattr(model, name, np.ascontiguousarray(arr, dtype=np.float32))
        model._make_hs_tables()
        model._make_wv(np.ascontiguousarray(vectors, dtype=np.float32))
        if lockf is not None:
            model.wv.vectors_lockf = np.array(lockf, dtype=np.float32)
        return model

    def __repr__(self):
        kind = "skip-gram" if self.sg else "CBOW"
        size = len(self.vocab) if self.vocab is not None else 0
        return (f"Word2Vec({kind}, vocab={size}, vector_size={self.vector_size}, "
                f"window={self.window}, negative={self.negative}, hs={int(self.hs)}, "
                f"alpha={self.alpha})")

    def __del__(self):
        enc = getattr(self, "_encoded", None)
        if enc is not None:
            enc.close()


def _signature():
    """The constructor's signature, built from the parameter table (for help() and IDEs)."""
    import inspect
    kw = inspect.Parameter.KEYWORD_ONLY
    head = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] + [
        inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
        for n in ("sentences", "corpus_file")]
    rows = [inspect.Parameter(p.name, kw, default=p.default) for p in param_table.PARAMS]
    return inspect.Signature(head + [inspect.Parameter("callbacks", kw, default=())] + rows)


Word2Vec.__init__.__signature__ = _signature()
