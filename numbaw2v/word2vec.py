"""Word2Vec: the high-level estimator (vocabulary, encoding, multicore training, results)."""
import json
import logging
import os
import time
import zipfile

import numpy as np

from .encoded import EncodedCorpus
from .fileio import atomic_output
from .text import scan_files, scan_iterable
from .training import run_epochs
from .vocab import Vocab

logger = logging.getLogger("numbaw2v")

DEFAULT_CORPUS_MEMORY = 64 << 20      # bytes of ids kept in memory; past this the corpus streams from a temp file
_FORMAT = "numbaw2v-model-1"


def _check_params(p):
    """Validate constructor parameters; raise ValueError naming the first bad one."""
    def need(cond, name, rule):
        if not cond:
            raise ValueError(f"{name} must be {rule}, got {p[name]!r}")

    for name in ("vector_size", "window", "epochs", "min_count"):
        need(isinstance(p[name], (int, np.integer)) and not isinstance(p[name], bool),
             name, "an integer")
    need(p["vector_size"] >= 1, "vector_size", ">= 1")
    need(p["window"] >= 1, "window", ">= 1")
    need(p["epochs"] >= 0, "epochs", ">= 0")
    need(p["min_count"] >= 0, "min_count", ">= 0")
    need(isinstance(p["negative"], (int, np.integer)) and p["negative"] >= 0, "negative",
         "an integer >= 0")
    need(p["negative"] >= 1, "negative",
         ">= 1 (numbaw2v trains with negative sampling only; hierarchical softmax is not implemented)")
    need(p["sample"] >= 0, "sample", ">= 0")
    need(p["sg"] in (0, 1, True, False), "sg", "0 (CBOW) or 1 (skip-gram)")
    need(p["alpha"] is None or p["alpha"] > 0, "alpha", "> 0")
    need(p["min_alpha"] >= 0, "min_alpha", ">= 0")
    need(np.isfinite(p["ns_exponent"]), "ns_exponent", "a finite number")
    need(p["max_vocab_size"] is None or p["max_vocab_size"] >= 1, "max_vocab_size",
         "None or >= 1")
    need(p["workers"] is None or p["workers"] >= 1, "workers", "None or >= 1")
    need(p["vocab_size"] is None or p["vocab_size"] >= 1, "vocab_size", "None or >= 1")


def _resolve_files(corpus_file):
    """A path, a named corpus or a list of them -> list of existing, readable file paths."""
    items = [corpus_file] if isinstance(corpus_file, (str, os.PathLike)) else list(corpus_file)
    if not items:
        raise ValueError("corpus_file is an empty list")
    paths = []
    for item in items:
        item = os.fspath(item)
        if os.path.isfile(item):
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
        if os.path.isdir(path):
            raise ValueError(f"corpus_file: {path}: is a directory")
        if not os.access(path, os.R_OK):
            raise PermissionError(f"corpus_file: {path}: not readable")
    return paths


def _file_key(paths):
    return tuple((os.path.abspath(p), os.path.getsize(p), os.path.getmtime(p)) for p in paths)


class Word2Vec:
    """CBOW or skip-gram with negative sampling, trained on all cores.

    Parameters follow gensim's ``Word2Vec`` where the meaning is the same.
    Beyond gensim's: ``vocab_size`` (the id range when sentences are integer
    id arrays), ``shared_negatives`` (skip-gram draws one set of negatives per
    window instead of one per context word; False gives the classic
    per-pair draws), ``progress`` (tqdm bar: None shows it on a terminal) and
    ``corpus_memory_limit`` (bytes of encoded corpus kept in memory before it
    is memory-mapped from a temporary file).
    Give ``sentences`` (an iterable of token lists, or of integer id arrays
    with ``vocab_size``) or ``corpus_file`` (path(s) of plain/.gz/.bz2/.xz
    text, one sentence per line, or a corpus name) to build the vocabulary and
    train at once; otherwise call ``build_vocab`` and ``train`` yourself.
    """

    def __init__(self, sentences=None, corpus_file=None, vector_size=100, window=5,
                 min_count=5, max_vocab_size=None, sample=1e-3, sg=0, negative=5,
                 ns_exponent=0.75, cbow_mean=True, alpha=None, min_alpha=1e-4, epochs=5,
                 workers=None, seed=1, shrink_windows=True, compute_loss=False, callbacks=(),
                 vocab_size=None, shared_negatives=True, progress=None,
                 corpus_memory_limit=DEFAULT_CORPUS_MEMORY):
        params = dict(vector_size=vector_size, window=window, min_count=min_count,
                      max_vocab_size=max_vocab_size, sample=sample, sg=int(sg),
                      negative=negative, ns_exponent=ns_exponent, cbow_mean=bool(cbow_mean),
                      alpha=alpha, min_alpha=min_alpha, epochs=epochs, workers=workers,
                      seed=seed, shrink_windows=bool(shrink_windows),
                      compute_loss=bool(compute_loss), vocab_size=vocab_size,
                      shared_negatives=bool(shared_negatives))
        if sentences is not None and corpus_file is not None:
            raise ValueError("give either sentences or corpus_file, not both")
        _check_params(params)
        self.__dict__.update(params)
        if self.alpha is None:
            self.alpha = 0.025 if self.sg else 0.05
        self.callbacks = tuple(callbacks)
        self.progress = progress
        self.corpus_memory_limit = int(corpus_memory_limit)
        self.vocab = None
        self.wv = None
        self.syn1neg = None
        self.corpus_count = 0
        self.corpus_total_words = 0
        self.running_training_loss = 0.0
        self.epoch_losses = []
        self.interrupted = False
        self.train_seconds = 0.0
        self.vocab_seconds = 0.0
        self._encoded = None
        self._encoded_key = None
        self._epochs_done = 0
        if sentences is not None or corpus_file is not None:
            self.build_vocab(corpus_iterable=sentences, corpus_file=corpus_file)
            self.train(corpus_iterable=sentences, corpus_file=corpus_file)

    # ------------------------------------------------------------------ vocabulary
    def build_vocab(self, corpus_iterable=None, corpus_file=None, progress_per=None,
                    trim_rule=None, update=False):
        """Count words in one streaming pass, keep the frequent ones, encode the corpus."""
        if trim_rule is not None:
            raise ValueError("trim_rule is not supported: use min_count / max_vocab_size")
        if update:
            raise ValueError("build_vocab(update=True) is not supported: continue training "
                             "with train() on text of the same vocabulary")
        t0 = time.perf_counter()
        key, paths = self._input(corpus_iterable, corpus_file)
        scan = self._scan(corpus_iterable, paths)
        if scan.total_words == 0:
            raise ValueError(f"the corpus is empty: {self._describe(corpus_iterable, corpus_file)} "
                             "holds no tokens")
        vocab, mapping = Vocab.from_scan(scan.types, scan.counts, self.min_count,
                                         self.max_vocab_size, self.sample, self.ns_exponent)
        encoded = EncodedCorpus.from_scan(scan, mapping, self.corpus_memory_limit)
        self._set_encoded(encoded, key)
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

    def _is_encoded(self, key):
        """Whether ``key`` names the input encoded last (iterables by identity)."""
        old = self._encoded_key
        if old is None or old[0] != key[0]:
            return False
        return old[1] is key[1] if key[0] == "iterable" else old[1] == key[1]

    @staticmethod
    def _describe(corpus_iterable, corpus_file):
        return f"corpus_file={corpus_file!r}" if corpus_file is not None else "sentences"

    def _set_encoded(self, encoded, key):
        if self._encoded is not None and self._encoded is not encoded:
            self._encoded.close()
        self._encoded, self._encoded_key = encoded, key

    def _init_weights(self):
        rng = np.random.default_rng(self.seed)
        V, d = len(self.vocab), self.vector_size
        # uniform in [-1/d, 1/d), the scale gensim uses (the C word2vec uses half of it)
        W_in = rng.random((V, d), dtype=np.float32)
        W_in *= 2.0
        W_in -= 1.0
        W_in /= d
        self.syn1neg = np.zeros((V, d), dtype=np.float32)
        self._make_wv(W_in)

    def _make_wv(self, W_in):
        from .vectors import KeyedVectors
        self.wv = KeyedVectors(W_in, self.vocab.index_to_key, self.vocab.counts)

    # ------------------------------------------------------------------ training
    def _encode(self, corpus_iterable, corpus_file):
        """The encoded corpus for this input: reused when it is the one last scanned."""
        key, paths = self._input(corpus_iterable, corpus_file)
        if self._is_encoded(key):
            return self._encoded
        scan = self._scan(corpus_iterable, paths)
        index = self.vocab.key_to_index
        mapping = np.fromiter((index.get(t, -1) for t in scan.types), dtype=np.int32,
                              count=len(scan.types))
        encoded = EncodedCorpus.from_scan(scan, mapping, self.corpus_memory_limit)
        if encoded.n_words == 0:
            raise ValueError("no word of this corpus is in the vocabulary")
        self._set_encoded(encoded, key)
        return encoded

    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None,
              total_words=None, epochs=None, start_alpha=None, end_alpha=None,
              compute_loss=None, callbacks=None, **_ignored):
        """Train on the corpus (reusing the encoding from build_vocab when it is the same input).

        ``total_examples``/``total_words`` are accepted for gensim compatibility;
        numbaw2v knows the exact totals after encoding.
        """
        if self.vocab is None:
            raise ValueError("build the vocabulary first: call build_vocab(...)")
        epochs = self.epochs if epochs is None else int(epochs)
        if epochs < 0:
            raise ValueError(f"epochs must be >= 0, got {epochs}")
        alpha = self.alpha if start_alpha is None else float(start_alpha)
        min_alpha = self.min_alpha if end_alpha is None else float(end_alpha)
        if alpha <= 0:
            raise ValueError(f"start_alpha must be > 0, got {alpha}")
        if compute_loss is not None:
            self.compute_loss = bool(compute_loss)
        callbacks = self.callbacks if callbacks is None else tuple(callbacks)
        corpus = self._encode(corpus_iterable, corpus_file)
        return run_epochs(self, corpus, epochs, alpha, min_alpha, callbacks)

    def get_latest_training_loss(self):
        """The summed binary cross-entropy of the latest train() call (needs compute_loss=True)."""
        return self.running_training_loss

    # ------------------------------------------------------------------ persistence
    def save(self, path):
        """Save the whole model (both weight matrices, vocabulary, parameters) atomically."""
        if self.vocab is None:
            raise ValueError("nothing to save: the model has no vocabulary yet")
        keys = self.vocab.index_to_key
        int_keys = all(isinstance(k, (int, np.integer)) for k in keys)
        params = {k: getattr(self, k) for k in (
            "vector_size", "window", "min_count", "max_vocab_size", "sample", "sg", "negative",
            "ns_exponent", "cbow_mean", "alpha", "min_alpha", "epochs", "workers", "seed",
            "shrink_windows", "compute_loss", "vocab_size", "shared_negatives", "corpus_count",
            "corpus_total_words")}
        meta = {"format": _FORMAT, "params": params, "int_keys": int_keys}
        key_array = (np.asarray(keys, dtype=np.int64) if int_keys
                     else np.asarray(keys, dtype=str))
        with atomic_output(path) as tmp:
            with open(tmp, "wb") as f:
                np.savez(f, meta=np.asarray(json.dumps(meta)), keys=key_array,
                         counts=self.vocab.counts, vectors=self.wv.vectors,
                         syn1neg=self.syn1neg)

    @classmethod
    def load(cls, path):
        """Load a model written by ``save``; training can continue."""
        path = os.fspath(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                keys, counts = z["keys"], z["counts"]
                vectors, syn1neg = z["vectors"], z["syn1neg"]
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: no such file") from None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
            raise ValueError(f"{path}: not a numbaw2v model file or damaged ({e})") from None
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise ValueError(f"{path}: not a numbaw2v model file (format {meta.get('format')!r})")
        p = dict(meta["params"])
        counts_total = (p.pop("corpus_count"), p.pop("corpus_total_words"))
        model = cls(**p)
        index_to_key = [int(k) for k in keys] if meta["int_keys"] else [str(k) for k in keys]
        if vectors.shape != syn1neg.shape or vectors.shape[0] != len(index_to_key):
            raise ValueError(f"{path}: arrays of inconsistent shapes")
        model.vocab = Vocab(index_to_key, counts, model.sample, model.ns_exponent)
        model.corpus_count, model.corpus_total_words = counts_total
        model.syn1neg = np.ascontiguousarray(syn1neg, dtype=np.float32)
        model._make_wv(np.ascontiguousarray(vectors, dtype=np.float32))
        return model

    def __repr__(self):
        kind = "skip-gram" if self.sg else "CBOW"
        size = len(self.vocab) if self.vocab is not None else 0
        return (f"Word2Vec({kind}, vocab={size}, vector_size={self.vector_size}, "
                f"window={self.window}, negative={self.negative}, alpha={self.alpha})")

    def __del__(self):
        enc = getattr(self, "_encoded", None)
        if enc is not None:
            enc.close()
