"""Word2Vec: the high-level estimator (vocabulary, encoding, multicore training, results)."""
import collections.abc
import json
import logging
import os
import time
import zipfile

import numpy as np

from . import _precompile, params as param_table
from ._numba_cache import announce_training_compile
from .encoded import EncodedCorpus
from .errors import (InputFileError, ObjectiveError, ParameterError, VocabularyError,
                     WrongKindOfFileError)
from .fileio import atomic_output
from .huffman import build_huffman
from .model_state import (check_finite, check_huffman, check_lockf, check_matrix, check_tables,
                          rows_of_assigned)
from .text import scan_files, scan_iterable
from .training import make_config, make_tables, make_weights, run_epochs
from .vocab import NO_PRIOR_VOCAB, RawVocab, Vocab, negative_weights, prepare, raw_from_scan

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


class _ScanProgress:
    """gensim's ``progress_per``: a log line each time the vocabulary scan passes another
    multiple of ``every`` sentences (the scan calls it after each block)."""

    def __init__(self, every):
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ParameterError(f"progress_per must be an integer >= 1 (sentences between "
                                 f"progress lines), got {every!r}")
        self.every = int(every)
        self.next_at = self.every

    def __call__(self, sentences, words):
        if sentences >= self.next_at:
            logger.info("vocabulary scan: %d sentences, %d words so far", sentences, words)
            self.next_at = (sentences // self.every + 1) * self.every


def _report_delay(value):
    """gensim's ``report_delay``: seconds between progress log lines (> 0), or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not value > 0 or not np.isfinite(value):
        raise ParameterError(f"report_delay must be a number of seconds > 0, got {value!r}")
    return float(value)


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
        what = "a Python pickle of a protocol numbaw2v does not read (gensim models use 2 to 5)"
    elif head.startswith(b"\x93NUMPY"):
        what = "a single NumPy array"
    elif not head:
        what = "an empty file, not a zip archive"
    else:
        what = "not a zip archive"
    return (f"not a numbaw2v model file: it is {what}; numbaw2v models are the archives "
            "written by Word2Vec.save")


class _ClassOnly(classmethod):
    """A classmethod that refuses to be called on an instance (``model.load(path)``).

    ``model.load(path)`` would return a new model and leave ``model`` as it was,
    which reads like it loads into ``model``; gensim refuses it with
    AttributeError, and so does this.
    """

    def __get__(self, instance, owner=None):
        if instance is not None:
            raise AttributeError(f"{self.__func__.__name__} is called on the class, not on a "
                                 f"model: model = {owner.__name__}.{self.__func__.__name__}"
                                 "(path) returns a new model")
        return super().__get__(instance, owner)


def _is_vectors_file(path):
    """Whether ``path`` is an archive written by KeyedVectors.save (numbaw2v's vectors format)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return {"vectors", "keys_utf8"} <= set(getattr(z, "files", ()))
    except Exception:       # any unreadable file is simply not one
        return False


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

    As in gensim, ``trim_rule`` and ``callbacks`` given here serve the training the
    constructor does on a corpus; later calls take their own. ``build_vocab(...,
    update=True)`` adds the words of new text (online learning).
    """

    # epochs begun by earlier train() calls: the next call's random draws (subsampling,
    # windows, negatives) continue after theirs instead of repeating them. A class
    # default, so that a model object pickled before this existed counts from 0.
    epochs_started = 0

    def __init__(self, sentences=None, corpus_file=None, **params):
        if sentences is not None and corpus_file is not None:
            raise ValueError("give either sentences or corpus_file, not both")
        for name, value in param_table.check_params(params).items():
            setattr(self, name, value)
        if self.alpha is None:
            self.alpha = 0.025 if self.sg else 0.05
        if self.hs and self.negative:
            logger.warning("hs=1 with negative=%d: every word trains both objectives, "
                           "hierarchical softmax and negative sampling (slower; one of them "
                           "is usually enough)", self.negative)
        self.min_alpha_yet_reached = self.alpha     # the lowest learning rate trained with
        self.vocab = None
        self.wv = None
        self.syn1neg = None     # negative sampling's output rows (None when negative=0)
        self.syn1 = None        # hierarchical softmax's inner-node rows (None when hs=0)
        self.huffman = None     # numbaw2v.huffman.HuffmanTree of the vocabulary (hs=1)
        self.corpus_count = 0
        self.corpus_total_words = 0
        self.effective_min_count = self.min_count
        self.running_training_loss = 0.0
        self.epoch_losses = []
        self.interrupted = False
        self.train_seconds = 0.0
        self.vocab_seconds = 0.0
        self.undecodable_words = 0
        self._raw = None            # vocab.RawVocab of the last scan (gensim's raw_vocab)
        self._pending = None        # (scan, key, fingerprint) of a scan not encoded yet
        self._encoded = None
        self._encoded_key = None
        self._encoded_fingerprint = None
        self._own_wv = None
        if sentences is not None or corpus_file is not None:
            self.build_vocab(corpus_iterable=sentences, corpus_file=corpus_file,
                             trim_rule=self.trim_rule)
            self.train(corpus_iterable=sentences, corpus_file=corpus_file,
                       total_examples=self.corpus_count, total_words=self.corpus_total_words,
                       epochs=self.epochs, callbacks=self.callbacks)
        else:
            if self.trim_rule is not None:
                logger.warning("trim_rule is used by the constructor only when it is given a "
                               "corpus: pass it to build_vocab(trim_rule=...) instead")
            if self.callbacks:
                logger.warning("callbacks are used by the constructor only when it trains on a "
                               "corpus: pass them to train(callbacks=...) instead")

    # ------------------------------------------------------------------ vocabulary
    def build_vocab(self, corpus_iterable=None, corpus_file=None, update=False,
                    progress_per=10000, keep_raw_vocab=False, trim_rule=None, **kwargs):
        """Count the words in one pass, keep the ones the settings allow, encode the corpus.

        gensim's steps: ``scan_vocab`` (the raw counts), ``prepare_vocab`` (min_count,
        ``trim_rule``, ``max_final_vocab``, subsampling; ``kwargs`` go to it) and
        ``prepare_weights``. With ``update=True`` the new words of this corpus are added
        to a built vocabulary (online learning): the old rows are kept, new input rows
        start random as gensim's do and new output rows start at zero.
        ``progress_per`` (sentences) spaces the progress lines that the scan logs at INFO
        level, as in gensim; the scan checks it after each block of sentences.
        """
        if update and self.vocab is None:
            raise VocabularyError(NO_PRIOR_VOCAB)
        trim_rule = param_table.BY_NAME["trim_rule"].check(trim_rule)
        announce_training_compile(sg=self.sg, shared_negatives=self.shared_negatives, hs=self.hs)
        _precompile.start(self.sg, self.shared_negatives, self.hs)    # cold cache: in parallel
        t0 = time.perf_counter()
        total_words, corpus_count = self.scan_vocab(corpus_iterable, corpus_file,
                                                    progress_per=progress_per,
                                                    trim_rule=trim_rule)
        if total_words == 0 and not update:
            self._drop_pending()
            raise VocabularyError(f"the corpus is empty: "
                                  f"{self._describe(corpus_iterable, corpus_file)} "
                                  "holds no tokens")
        self.corpus_count = corpus_count
        self.corpus_total_words = total_words
        report = self.prepare_vocab(update=update, keep_raw_vocab=keep_raw_vocab,
                                    trim_rule=trim_rule, **kwargs)
        report["memory"] = self.estimate_memory(vocab_size=report["num_retained_words"])
        self.prepare_weights(update=update)
        self.vocab_seconds = time.perf_counter() - t0
        encoded = self._encoded
        kept = encoded.n_words / max(total_words, 1) if encoded is not None else 0.0
        logger.info("vocabulary: %d words (effective_min_count=%d), covering %.1f%% of "
                    "%d raw words in %d sentences; built in %.2f s",
                    len(self.vocab), self.effective_min_count, 100 * kept, total_words,
                    self.corpus_count, self.vocab_seconds)
        return self

    def scan_vocab(self, corpus_iterable=None, corpus_file=None, progress_per=10000,
                   workers=None, trim_rule=None):
        """Count every word type of the corpus (``raw_vocab``); returns (words, sentences).

        With ``max_vocab_size`` the counts are those of gensim's pruned scan (rare
        types are forgotten whenever too many are known; ``trim_rule`` takes part in
        that pruning). ``progress_per`` spaces the progress lines logged at INFO level
        (checked after each block of sentences). ``workers`` is accepted and unused, as
        in gensim 4.
        """
        trim_rule = param_table.BY_NAME["trim_rule"].check(trim_rule)
        key, paths = self._input(corpus_iterable, corpus_file)
        fingerprint = _fingerprint(corpus_iterable)
        self._drop_pending()
        scan = self._scan(corpus_iterable, paths, progress_per)
        try:
            raw = raw_from_scan(scan, self.max_vocab_size, trim_rule)
        except BaseException:
            scan.close()
            raise
        self._raw = raw
        self._pending = (scan, key, fingerprint)
        lengths = np.asarray(scan.sentence_lengths)
        # gensim counts every sentence of an iterable, and the non-empty lines of a file
        corpus_count = int(lengths.shape[0] if paths is None else np.count_nonzero(lengths))
        if scan.undecodable:
            logger.warning("%d word occurrences had bytes that are not UTF-8; they were decoded "
                           "with U+FFFD replacement characters", scan.undecodable)
        self.undecodable_words = scan.undecodable
        logger.info("collected %d word types from a corpus of %d raw words and %d sentences",
                    len(raw), scan.total_words, corpus_count)
        return scan.total_words, corpus_count

    def prepare_vocab(self, update=False, keep_raw_vocab=False, trim_rule=None,
                      min_count=None, sample=None, dry_run=False):
        """Choose the words of ``raw_vocab`` and compute their tables; returns gensim's report.

        ``min_count`` / ``sample`` (when given and non-zero) replace the model's;
        ``max_final_vocab`` may raise the minimum (``effective_min_count``);
        ``trim_rule`` decides word by word. A fresh vocabulary is sorted by descending
        count when ``sorted_vocab``; ``update=True`` appends the new words and adds this
        corpus's counts to the known words'. ``dry_run`` only reports. The raw counts
        are dropped afterwards unless ``keep_raw_vocab``.
        """
        if self._raw is None:
            raise VocabularyError("there are no word counts to prepare: call "
                                  "scan_vocab(...) or build_vocab(...) first")
        if update and self.vocab is None:
            raise VocabularyError(NO_PRIOR_VOCAB)
        trim_rule = param_table.BY_NAME["trim_rule"].check(trim_rule)
        min_count = self.min_count if not min_count else _checked("min_count", "min_count",
                                                                  min_count)
        sample = self.sample if not sample else _checked("sample", "sample", sample)
        prepared = prepare(self._raw, self.vocab if update else None, min_count=min_count,
                           sample=sample, ns_exponent=self.ns_exponent, trim_rule=trim_rule,
                           max_final_vocab=self.max_final_vocab,
                           sorted_vocab=self.sorted_vocab, null_word=self.null_word,
                           update=update, dry_run=dry_run)
        self.effective_min_count = prepared.effective_min_count
        if dry_run:
            return prepared.report
        if not update:
            self.min_count, self.sample = min_count, sample
        self.vocab = prepared.vocab
        if not keep_raw_vocab:
            self._raw = RawVocab([], [])
        self._encode_pending(update)
        return prepared.report

    def build_vocab_from_freq(self, word_freq, keep_raw_vocab=False, corpus_count=None,
                              trim_rule=None, update=False):
        """Build (or with ``update`` extend) the vocabulary from a dict of word -> count.

        ``corpus_count`` sets the sentence count, which no corpus gives here.
        """
        raw = RawVocab.from_mapping(word_freq)
        if update and self.vocab is None:
            raise VocabularyError(NO_PRIOR_VOCAB)
        logger.info("building the vocabulary from %d given word counts (%d words in all)",
                    len(raw), int(raw.counts.sum()))
        self._drop_pending()
        self.corpus_count = int(corpus_count or 0)
        self._raw = raw
        report = self.prepare_vocab(update=update, keep_raw_vocab=keep_raw_vocab,
                                    trim_rule=trim_rule)
        report["memory"] = self.estimate_memory(vocab_size=report["num_retained_words"])
        self.prepare_weights(update=update)
        return self

    @property
    def raw_vocab(self):
        """The counts of the last scan, word -> count (emptied by prepare_vocab unless
        ``keep_raw_vocab``); None before any scan."""
        return None if self._raw is None else self._raw.as_dict()

    @raw_vocab.setter
    def raw_vocab(self, value):
        self._raw = None if value is None else RawVocab.from_mapping(value, "raw_vocab")

    def estimate_memory(self, vocab_size=None, report=None):
        """Bytes the model's arrays take for ``vocab_size`` words (gensim's estimate)."""
        if vocab_size is None:
            vocab_size = len(self.vocab) if self.vocab is not None else 0
        row = self.vector_size * np.dtype(np.float32).itemsize
        report = dict(report or {})
        report["vocab"] = vocab_size * (700 if self.hs else 500)
        report["vectors"] = vocab_size * row
        if self.hs:
            report["syn1"] = vocab_size * row
        if self.negative:
            report["syn1neg"] = vocab_size * row
        report["total"] = sum(report.values())
        logger.info("estimated required memory for %d words and %d dimensions: %d bytes",
                    vocab_size, self.vector_size, report["total"])
        return report

    def prepare_weights(self, update=False):
        """Make the weights for the vocabulary: fresh ones, or (``update``) grown ones."""
        if not update:
            self._init_weights()
            return
        n_old = self._update_weights()
        # hierarchical softmax follows the grown vocabulary: zero rows, a new tree
        if self.syn1 is not None and self.syn1.shape[0] == n_old:
            self.syn1 = _grown(self.syn1, len(self.vocab))
        self._make_hs_tables()
        self._share_hs_paths()

    def _update_weights(self):
        """Grow the weights to the updated vocabulary; returns the old number of rows.

        Old rows are kept. New input rows are those gensim gives them: rows of a
        uniform [-1/d, 1/d) matrix drawn for the whole vocabulary from ``seed``; new
        output rows are zero, and ``wv.vectors_lockf`` grows with ones (trainable).
        """
        if self.wv is None:
            raise VocabularyError(NO_PRIOR_VOCAB)
        wv = self.wv
        if wv is not self._own_wv:
            n_known = wv.vectors.shape[0]       # the words the vocabulary had before
            rows = rows_of_assigned(wv, self.vocab.index_to_key[:n_known], self.vector_size)
            logger.info("model.wv was replaced: the update continues from its vectors")
            lockf = wv.vectors_lockf
            self._make_wv(rows, self.vocab.index_to_key[:n_known], self.vocab.counts[:n_known])
            wv = self.wv
            wv.vectors_lockf = lockf
        n_old, d = wv.vectors.shape
        V = len(self.vocab)
        grown = _initial_vectors(self.seed, V, d)
        grown[:n_old] = wv.vectors
        lockf = wv.vectors_lockf
        wv.index_to_key = self.vocab.index_to_key
        wv.vectors = grown
        wv.next_index = V
        wv.allocate_vecattrs()
        wv.counts = self.vocab.counts
        if lockf is not None and len(lockf) == n_old and (n_old != 1 or lockf[0] != 1):
            wv.vectors_lockf = np.concatenate([np.asarray(lockf),
                                               np.ones(V - n_old, dtype=np.asarray(lockf).dtype)])
        if self.syn1neg is not None:
            self.syn1neg = _grown(self.syn1neg, V)
        logger.info("weights grown from %d to %d words", n_old, V)
        return n_old

    def reset_from(self, other_model):
        """Take the vocabulary and its tables from ``other_model``; start fresh weights.

        As in gensim the vocabulary object is shared: neither model should then grow it.
        """
        if getattr(other_model, "vocab", None) is None:
            raise VocabularyError("reset_from: the other model has no vocabulary yet")
        self._drop_pending()
        self._set_encoded(None, None)
        self.vocab = other_model.vocab
        self.corpus_count = other_model.corpus_count
        self.prepare_weights(update=False)

    def seeded_vector(self, seed_string, vector_size):
        """gensim's weak per-word random vector: uniform in [-0.5/size, 0.5/size), seeded
        by ``hashfxn(seed_string)`` (gensim 4 keeps it for compatibility only)."""
        seed = self.hashfxn(seed_string) & 0xFFFFFFFF
        rng = np.random.Generator(np.random.SFC64(seed))
        return (rng.random(vector_size).astype(np.float32) - 0.5) / vector_size

    def _drop_pending(self):
        pending, self._pending = self._pending, None
        if pending is not None:
            pending[0].close()

    def _encode_pending(self, update):
        """Encode the corpus of the last scan with the new vocabulary (for train to reuse)."""
        pending, self._pending = self._pending, None
        if pending is None:
            if not update:          # the encoding held ids of the previous vocabulary
                self._set_encoded(None, None)
            return
        scan, key, fingerprint = pending
        mapping = self.vocab.ids_of(scan.types)
        encoded = EncodedCorpus.from_scan(scan, mapping, self.corpus_memory_limit)
        self._set_encoded(encoded, key, fingerprint)

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

    def _scan(self, corpus_iterable, paths, progress_per=None):
        report = None if progress_per is None else _ScanProgress(progress_per)
        if paths is not None:
            return scan_files(paths, self.corpus_memory_limit, report)
        return scan_iterable(corpus_iterable, self.corpus_memory_limit, self.vocab_size, report)

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
        V, d = len(self.vocab), self.vector_size
        W_in = _initial_vectors(self.seed, V, d)
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

    def _share_hs_paths(self):
        """Each word's Huffman code and inner nodes as gensim shows them:
        ``wv.get_vecattr(word, 'code')`` and ``'point'`` (when hs=1)."""
        wv, tree = self.wv, self.huffman
        if wv is None or tree is None or len(wv) != tree.code_lens.shape[0]:
            return
        ends = tree.code_lens.tolist()
        wv.expandos["code"] = _ragged_rows(tree.codes, ends)
        wv.expandos["point"] = _ragged_rows(tree.points, ends)

    def _make_wv(self, W_in, keys=None, counts=None):
        from .vectors import KeyedVectors
        keys = self.vocab.index_to_key if keys is None else keys
        counts = self.vocab.counts if counts is None else counts
        self.wv = self._own_wv = KeyedVectors(W_in, keys, counts)
        # gensim's lock factors: 1 trains a row, 0 freezes it (a length-1 array applies to all)
        self.wv.vectors_lockf = np.ones(len(keys), dtype=np.float32)
        self._share_hs_paths()

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
        mapping = self.vocab.ids_of(scan.types)
        encoded = EncodedCorpus.from_scan(scan, mapping, self.corpus_memory_limit)
        if encoded.n_words == 0:
            encoded.close()
            raise ValueError("no word of this corpus is in the vocabulary")
        self._set_encoded(encoded, key, fingerprint)
        return encoded

    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None,
              total_words=None, epochs=None, start_alpha=None, end_alpha=None,
              word_count=0, queue_factor=2, report_delay=1.0, compute_loss=None,
              callbacks=()):
        """Train on the corpus (reusing the encoding from build_vocab when it is the same input).

        As in gensim, ``epochs`` and one of ``total_examples``/``total_words``
        (``total_words`` for ``corpus_file``) must be given, e.g.
        ``total_examples=model.corpus_count, epochs=model.epochs``; numbaw2v
        uses the exact totals it finds while encoding. ``report_delay`` (seconds)
        spaces the progress lines logged at INFO level, as in gensim. ``word_count`` is
        accepted and unused, as in gensim 4; ``queue_factor`` sizes gensim's job queue,
        which numbaw2v does not have (its threads share compiled chunks).
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
        report_delay = _report_delay(report_delay)
        alpha = self.alpha if start_alpha is None else _checked("start_alpha", "alpha",
                                                                start_alpha)
        min_alpha = self.min_alpha if end_alpha is None else _checked("end_alpha", "min_alpha",
                                                                      end_alpha)
        if compute_loss is not None:
            self.compute_loss = param_table.BY_NAME["compute_loss"].check(compute_loss)
        callbacks = param_table.BY_NAME["callbacks"].check(callbacks)
        reached = getattr(self, "min_alpha_yet_reached", alpha)
        if alpha > reached:
            logger.warning("train() starts at alpha=%g, above the %g that earlier training "
                           "already came down to: unless you mean to, pass start_alpha and "
                           "end_alpha to continue the schedule", alpha, reached)
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

        result = run_epochs(weights, corpus, config, tables, epochs, self.workers,
                            self.progress, notify, chunk_words=self.batch_words,
                            report_delay=report_delay, first_epoch=self.epochs_started)
        self.epochs_started += epochs
        self.wv.vectors_changed()
        done = result.raw_words / max(1.0, corpus.n_words * epochs)   # share of the schedule
        self.min_alpha_yet_reached = min(reached, alpha - (alpha - min_alpha) * min(done, 1.0))
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
            raise ObjectiveError("score() needs a model trained with hierarchical softmax "
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
            mapping = self.vocab.ids_of(scan.types)
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
            raise ObjectiveError("predict_output_word() needs negative sampling (negative > 0; "
                                 "gensim implements it for negative sampling only), this "
                                 f"model has negative=0, hs={int(self.hs)}")
        if self.vocab is None or self.wv is None or self.syn1neg is None:
            raise VocabularyError("the model has no weights: call build_vocab(...) and train "
                                  "first")
        topn = _count_arg("topn", topn)
        rows = [self.wv.get_index(w) for w in context_words_list if w in self.wv]
        if not rows:
            logger.warning("predict_output_word(): none of the context words is in the "
                           "vocabulary")
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
    def save(self, path, separately=None, sep_limit=None):
        """Save the whole model (both weight matrices, vocabulary, parameters) atomically.

        The file is a NumPy ``.npz`` archive read without pickle. gensim's
        ``separately``/``sep_limit`` choose which arrays go to separate files so that
        ``load(mmap=...)`` can map them; here every array is stored uncompressed in
        the archive, where ``load(mmap=...)`` maps it, so they need not change anything.
        """
        if self.vocab is None:
            raise VocabularyError("nothing to save: the model has no vocabulary yet")
        outputs = self._output_matrices()
        for name, arr in (("wv.vectors", self.wv.vectors), *outputs):
            check_finite(name, arr, "refusing to save a model with non-finite weights")
        keys = self.vocab.index_to_key
        int_keys = all(isinstance(k, (int, np.integer)) for k in keys)
        params = {p.name: getattr(self, p.name) for p in param_table.PARAMS if p.saved}
        meta = {"format": _FORMAT, "params": params, "int_keys": int_keys,
                "corpus_count": self.corpus_count, "corpus_total_words": self.corpus_total_words,
                "epochs_started": self.epochs_started}
        if not int_keys:    # NumPy's str arrays drop trailing NULs: keep such words (null_word)
            meta["nul_keys"] = [[i, k] for i, k in enumerate(keys) if k.endswith("\0")]
        key_array = (np.asarray(keys, dtype=np.int64) if int_keys
                     else np.asarray(keys, dtype=str))
        with atomic_output(path) as tmp, open(tmp, "wb") as f:
            lockf = check_lockf(getattr(self.wv, "vectors_lockf", None), len(keys))
            np.savez(f, meta=np.asarray(json.dumps(meta)), keys=key_array,
                     counts=self.vocab.counts, keep_prob=self.vocab.keep_prob,
                     vectors=self.wv.vectors, vectors_lockf=lockf, **dict(outputs))

    @_ClassOnly
    def load(cls, path, mmap=None):
        """Load a model written by ``save``, or by gensim's ``save``; training can continue.

        A gensim model (0.12 to 4.x) is read without gensim and without running code
        from its pickle (see :mod:`numbaw2v.gensim_load`). ``mmap`` is ``np.load``'s
        ``mmap_mode``: ``'r'`` maps the weight matrices read-only (queries work,
        training refuses to write into them), ``'c'`` copy-on-write, ``'r+'`` in place.
        """
        path = os.fspath(path)
        from .gensim_load import is_gensim_pickle, load_word2vec
        if is_gensim_pickle(path):
            return load_word2vec(path, cls, mmap=mmap)
        try:
            with np.load(path, allow_pickle=False) as z:
                missing = [k for k in _ARRAYS if k not in getattr(z, "files", ())]
                if missing:
                    raise KeyError(missing[0])
                meta = json.loads(str(z["meta"]))
                keys, counts = z["keys"], z["counts"]
                params = meta.get("params", {}) if isinstance(meta, dict) else {}
                wanted = ["vectors"] + [name for name, on in (
                    ("syn1neg", params.get("negative", 5)), ("syn1", params.get("hs", 0))) if on]
                if mmap is None:
                    arrays = {name: z[name] for name in wanted}   # KeyError: the array is missing
                else:
                    from .formats import map_npz_member
                    arrays = {name: map_npz_member(path, name, mmap) for name in wanted}
                vectors = arrays.pop("vectors")
                outputs = arrays
                lockf = z["vectors_lockf"] if "vectors_lockf" in z.files else None
                # after an online update these are not the counts' (older files: recomputed)
                keep_prob = z["keep_prob"] if "keep_prob" in z.files else None
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputFileError(path, "is a directory, not a numbaw2v model file") from None
        except KeyError as e:
            if _is_vectors_file(path):
                raise WrongKindOfFileError(path, "holds vectors (written by KeyedVectors.save), "
                                                 "not a model: load it with "
                                                 "KeyedVectors.load") from None
            raise InputFileError(path, _not_a_model(path, e)) from None
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
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
        for i, key in meta.get("nul_keys", ()):
            index_to_key[i] = key
        if vectors.shape[0] != len(index_to_key) or \
                any(arr.shape != vectors.shape for arr in outputs.values()) or \
                (lockf is not None and lockf.shape not in ((1,), (len(index_to_key),))) or \
                (keep_prob is not None and keep_prob.shape != (len(index_to_key),)):
            raise ValueError(f"{path}: arrays of inconsistent shapes")
        model.vocab = Vocab(index_to_key, counts, model.sample, model.ns_exponent,
                            keep_prob=keep_prob)
        model.corpus_count, model.corpus_total_words = counts_total
        started = meta.get("epochs_started", 0)                       # 0 in older files
        if isinstance(started, bool) or not isinstance(started, int) or started < 0:
            raise InputFileError(path, f"its metadata has epochs_started={started!r}, "
                                       "expected an integer >= 0")
        model.epochs_started = started
        for name, arr in outputs.items():
            setattr(model, name, np.ascontiguousarray(arr, dtype=np.float32))
        model._make_hs_tables()
        model._make_wv(np.ascontiguousarray(vectors, dtype=np.float32))
        if lockf is not None:
            model.wv.vectors_lockf = np.array(lockf, dtype=np.float32)
        return model

    @property
    def cum_table(self):
        """gensim's view of the negative-sampling distribution (read-only, for inspection).

        uint32[V]: the running sum of count ** ns_exponent, scaled so that the last
        entry is 2**31 - 1. numbaw2v draws negatives from an alias table of the same
        distribution (``vocab``), not from this table.
        """
        if self.vocab is None:
            return None
        weights = negative_weights(self.vocab.counts, self.ns_exponent)    # the alias table's
        if weights.size == 0:
            return np.zeros(0, dtype=np.uint32)
        running = np.cumsum(weights)
        return np.round(running / running[-1] * (2 ** 31 - 1)).astype(np.uint32)

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
        pending = getattr(self, "_pending", None)
        if pending is not None:
            pending[0].close()


def _signature():
    """The constructor's signature, built from the parameter table (for help() and IDEs)."""
    import inspect
    kw = inspect.Parameter.KEYWORD_ONLY
    head = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] + [
        inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
        for n in ("sentences", "corpus_file")]
    rows = [inspect.Parameter(p.name, kw, default=p.default) for p in param_table.PARAMS
            if p.name != "callbacks"]
    return inspect.Signature(head + [inspect.Parameter("callbacks", kw, default=())] + rows)


Word2Vec.__init__.__signature__ = _signature()


def _initial_vectors(seed, n, d):
    """float32[n, d] uniform in [-1/d, 1/d) from ``seed``: the scale gensim uses (the C
    word2vec uses half of it), and gensim's rows after an update too."""
    rows = np.random.default_rng(seed).random((n, d), dtype=np.float32)
    rows *= 2.0
    rows -= 1.0
    rows /= d
    return rows


def _grown(rows, n):
    """``rows`` followed by zero rows up to ``n`` rows (new output rows start at zero)."""
    extra = np.zeros((n - rows.shape[0], rows.shape[1]), dtype=np.float32)
    return np.ascontiguousarray(np.vstack([rows, extra]))


def _ragged_rows(matrix, lengths):
    """Object array whose item i is ``matrix[i, :lengths[i]]`` (one entry per word type)."""
    rows = np.empty(len(lengths), dtype=object)
    for i, n in enumerate(lengths):      # item by item: equal lengths must not broadcast
        rows[i] = matrix[i, :n]
    return rows
