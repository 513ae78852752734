"""Open Word2Vec models and KeyedVectors that gensim 3.x and 4.x wrote with ``.save()``.

gensim's ``save`` writes a Python pickle of the object and, for large arrays,
one NumPy file per array beside it (``<name>.<attribute>.npy``, or ``.npz``
when the main file is ``.gz``/``.bz2``); the pickled object lists those
attributes under ``__numpys`` (and, for sub-objects saved the same way,
``__recursive_saveloads``). A pickle may name any importable callable and
call it while loading, so reading one with :mod:`pickle` runs whatever the
file asks for. This module never does that:

- :class:`SafeUnpickler` resolves only an allow-list of names: NumPy's array
  and dtype reconstruction, plain containers (``int``, ``defaultdict``, ...),
  and the gensim class names of word2vec models and vectors of every version.
  A gensim class becomes an inert :class:`GensimObject` that only keeps its
  attribute dictionary. Any other name raises :class:`UnsafePickleError`
  before anything is called.
- The separate arrays are read with ``np.load(allow_pickle=False)``, memory-
  mapped with ``mmap='r'`` (or any ``np.load`` ``mmap_mode``).
- The inert objects are then converted into numbaw2v's :class:`KeyedVectors`
  (keys, vectors, per-key attributes such as ``count``) or :class:`Word2Vec`
  (the same plus ``syn1neg``, the vocabulary and the hyperparameters).

gensim does not need to be installed.
"""
import _compat_pickle
import codecs
import collections
import logging
import os
import pickle

import numpy as np

from .errors import (InputFileError, ModelStateError, UnsafePickleError,
                     WrongKindOfFileError)
from .fileio import open_binary

logger = logging.getLogger(__name__)

__all__ = ["GensimObject", "SafeUnpickler", "UnsafePickleError", "is_gensim_pickle",
           "load_keyed_vectors", "load_word2vec", "read_gensim_pickle"]

# ----------------------------------------------------------------- gensim's class names
_MODEL = "word2vec"
_VECTORS = "vectors"
_GENSIM_CLASSES = {
    # the model itself
    ("gensim.models.word2vec", "Word2Vec"): _MODEL,
    ("gensim.models.deprecated.word2vec", "Word2Vec"): _MODEL,
    # vectors: 1.x-3.2 KeyedVectors, 3.2 EuclideanKeyedVectors, 3.3-3.8 Word2VecKeyedVectors,
    # 4.x KeyedVectors
    ("gensim.models.keyedvectors", "KeyedVectors"): _VECTORS,
    ("gensim.models.keyedvectors", "EuclideanKeyedVectors"): _VECTORS,
    ("gensim.models.keyedvectors", "Word2VecKeyedVectors"): _VECTORS,
    ("gensim.models.deprecated.keyedvectors", "KeyedVectors"): _VECTORS,
    ("gensim.models.deprecated.keyedvectors", "EuclideanKeyedVectors"): _VECTORS,
    # per-word records of gensim < 4 (count, index, sample_int, code, point)
    ("gensim.models.word2vec", "Vocab"): "vocab entry",
    ("gensim.models.keyedvectors", "Vocab"): "vocab entry",
    ("gensim.models.deprecated.word2vec", "Vocab"): "vocab entry",
    ("gensim.models.deprecated.keyedvectors", "Vocab"): "vocab entry",
    # gensim 3.3-3.8 split the model's state into these two
    ("gensim.models.word2vec", "Word2VecVocab"): "vocabulary settings",
    ("gensim.models.word2vec", "Word2VecTrainables"): "trainables",
}


class GensimObject:
    """An inert stand-in for an object of a gensim class: it only holds its attributes.

    ``gensim_class`` is the class name the pickle gave (``module.Name``) and
    ``role`` what it is (``"word2vec"``, ``"vectors"``, ``"vocab entry"``, ...).
    """

    gensim_class = "?"
    role = "?"

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:      # (dict, slots)
            state = {**(state[0] or {}), **(state[1] or {})}
        if not isinstance(state, dict):
            raise TypeError(f"{self.gensim_class}: expected a dict of attributes, got "
                            f"{type(state).__name__}")
        self.__dict__.update(state)

    def __repr__(self):
        return f"<gensim {self.gensim_class} (inert)>"


_STUB_TYPES = {}


def _stub_type(module, name):
    key = (module, name)
    if key not in _STUB_TYPES:
        _STUB_TYPES[key] = type(name, (GensimObject,), {
            "gensim_class": f"{module}.{name}", "role": _GENSIM_CLASSES[key],
            "__module__": __name__})
    return _STUB_TYPES[key]


class _Ignored:
    """What a random-number generator's state or a gensim helper function becomes: nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass

    def __call__(self, *args, **kwargs):
        return _Ignored()


# --------------------------------------------------------------- numpy reconstruction
def _reconstruct(subtype, shape, dtype):
    """numpy's ``_reconstruct``, for plain ``ndarray`` only."""
    if subtype is not np.ndarray:
        raise UnsafePickleError(None, f"an array of type {subtype!r}; only numpy.ndarray is read")
    return np.ndarray.__new__(np.ndarray, shape, dtype)


def _scalar(dtype, data=None):
    """numpy's ``scalar``: a NumPy scalar from its dtype and raw bytes."""
    dtype = np.dtype(dtype)
    if dtype.hasobject:
        return data
    if isinstance(data, str):                     # a Python 2 byte string read as latin-1
        data = data.encode("latin1")
    return np.frombuffer(data, dtype=dtype, count=1)[0]


def _frombuffer(buf, dtype, shape, order="C"):
    """numpy's ``_frombuffer`` (arrays pickled with protocol 5): a copy of the raw bytes."""
    dtype = np.dtype(dtype)
    if dtype.hasobject:
        raise UnsafePickleError(None, "an object array from a raw buffer")
    return np.frombuffer(buf, dtype=dtype).reshape(shape, order=order).copy(order="K")


def _encode(text, encoding="utf-8", errors="strict"):
    """``_codecs.encode`` as Python 2 pickles of byte strings use it (latin-1 only)."""
    if not isinstance(text, str) or codecs.lookup(encoding).name != "iso8859-1":
        raise UnsafePickleError(None, f"_codecs.encode with the codec {encoding!r}; "
                                      "only latin-1 (Python 2 byte strings) is read")
    return text.encode("latin1", errors)


_NUMPY_CORE = ("numpy.core.multiarray", "numpy._core.multiarray")
_ALLOWED = {
    **{(m, "_reconstruct"): _reconstruct for m in _NUMPY_CORE},
    **{(m, "scalar"): _scalar for m in _NUMPY_CORE},
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "dtype"): np.dtype,
    ("numpy", "ndarray"): np.ndarray,
    ("_codecs", "encode"): _encode,
    ("collections", "defaultdict"): collections.defaultdict,
    ("collections", "OrderedDict"): collections.OrderedDict,
    # random-number generator state (gensim pickles its model.random): not needed, dropped
    ("numpy.random", "__RandomState_ctor"): _Ignored,
    ("numpy.random._pickle", "__randomstate_ctor"): _Ignored,
    ("numpy.random._pickle", "__bit_generator_ctor"): _Ignored,
    ("numpy.random._pickle", "__generator_ctor"): _Ignored,
    ("numpy.random._mt19937", "MT19937"): _Ignored,
    ("numpy.random._pcg64", "PCG64"): _Ignored,
    # a function gensim 1.x-4.x keeps as an attribute (model.load on instances)
    ("gensim.utils", "call_on_class_only"): _Ignored,
}
# builtins that only build plain values (Python 2 pickles say __builtin__; long is int)
for _name, _obj in (("int", int), ("long", int), ("float", float), ("complex", complex),
                    ("bool", bool), ("str", str), ("unicode", str), ("bytes", bytes),
                    ("bytearray", bytearray), ("list", list), ("tuple", tuple), ("dict", dict),
                    ("set", set), ("frozenset", frozenset), ("hash", hash)):
    _ALLOWED[("builtins", _name)] = _ALLOWED[("__builtin__", _name)] = _obj


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only NumPy arrays, plain containers and gensim's w2v classes.

    Any other global (``os.system``, ``builtins.eval``, ...) raises
    :class:`UnsafePickleError` naming it, before it could be called.
    """

    def __init__(self, file, path="<pickle>"):
        super().__init__(file, encoding="latin1")     # numpy arrays from Python 2 need latin-1
        self.path = path

    def find_class(self, module, name):
        known = (module, name) in _GENSIM_CLASSES or (module, name) in _ALLOWED
        if not known:               # Python 2 names (__builtin__.long, UserString.defaultdict)
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        if (module, name) in _GENSIM_CLASSES:
            return _stub_type(module, name)
        found = _ALLOWED.get((module, name))
        if found is None:
            raise UnsafePickleError(
                self.path, f"refusing to load: the pickle names {module}.{name}, which is not "
                "NumPy array data, a plain container or a gensim word2vec/vectors class; "
                "numbaw2v never runs code from a pickle")
        return found

    def persistent_load(self, pid):
        raise UnsafePickleError(self.path, "refusing to load: the pickle uses persistent ids")


# ------------------------------------------------------------------------ files
def is_gensim_pickle(path):
    """Whether ``path`` (maybe ``.gz``/``.bz2``) starts like a pickle of protocol 2 or later."""
    try:
        with open_binary(path) as f:
            head = f.read(2)
    except (OSError, EOFError, ValueError):
        return False
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def read_gensim_pickle(path, mmap=None, what="model"):
    """The inert object tree of a gensim ``.save()`` file, with its separate arrays loaded.

    ``mmap`` is ``np.load``'s ``mmap_mode`` (``'r'``, ``'r+'``, ``'c'``) for the
    separately stored arrays, as in gensim; arrays inside the pickle are in memory.
    ``what`` ("model", "vectors") is the kind of file the caller expects, for messages.
    """
    path = os.fspath(path)
    compressed = path.endswith((".gz", ".bz2"))
    if compressed and mmap:
        raise InputFileError(path, f"cannot memory-map the arrays of a compressed file "
                                   f"(mmap={mmap!r}): load with mmap=None or decompress it")
    with open_binary(path) as f:
        try:
            obj = SafeUnpickler(f, path).load()
        except UnsafePickleError as err:
            if err.path is None:
                raise UnsafePickleError(path, err.problem) from None
            raise
        except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError,
                KeyError, IndexError) as err:
            raise InputFileError(path, f"not a numbaw2v {what} file: it is a Python pickle, but "
                                       f"not a readable gensim save ({type(err).__name__}: "
                                       f"{err})") from None
    if not isinstance(obj, GensimObject):
        raise InputFileError(path, f"not a numbaw2v {what} file: it is a Python pickle of a "
                                   f"{type(obj).__name__}, not of a gensim Word2Vec model or "
                                   "KeyedVectors")
    _load_separate(obj, path, mmap, compressed, path)
    return obj


def _load_separate(obj, fname, mmap, compressed, main):
    """Put back the arrays gensim stored beside ``fname``, as gensim's SaveLoad lays them out."""
    state = obj.__dict__
    for attrib in _names(state.pop("__recursive_saveloads", ()), main):
        child = state.get(attrib)
        if not isinstance(child, GensimObject):
            raise InputFileError(main, f"attribute {attrib!r} should be a saved object")
        _load_separate(child, f"{fname}.{attrib}", mmap, compressed, main)
    for attrib in _names(state.pop("__numpys", ()), main):
        state[attrib] = _load_array(f"{fname}.{attrib}.{'npz' if compressed else 'npy'}",
                                    mmap, compressed, main)
    scipys = list(_names(state.pop("__scipys", ()), main))
    if scipys:
        raise InputFileError(main, f"holds sparse matrices ({', '.join(scipys)}), which are "
                                   "no part of a word2vec model")
    for attrib in _names(state.pop("__ignoreds", ()), main):
        state[attrib] = None


def _names(names, main):
    names = list(names or ())
    for name in names:
        if not isinstance(name, str) or not name.isidentifier():
            raise InputFileError(main, f"bad attribute name {name!r} among the separately "
                                       "stored arrays")
    return names


def _load_array(path, mmap, compressed, main):
    if not os.path.exists(path):
        raise InputFileError(main, f"its array file {path} is missing (gensim stores large "
                                   "arrays beside the main file: copy them along)")
    try:
        if compressed:
            with np.load(path, allow_pickle=False) as archive:
                return archive["val"]
        return np.load(path, mmap_mode=mmap, allow_pickle=False)
    except (OSError, ValueError, KeyError, EOFError) as err:
        raise InputFileError(path, f"not a readable NumPy array file ({err})") from None


# ------------------------------------------------------------------- conversion
def load_keyed_vectors(path, cls=None, mmap=None):
    """A numbaw2v KeyedVectors from a gensim KeyedVectors file (or a model file's ``wv``)."""
    obj = read_gensim_pickle(path, mmap, "vectors")
    if obj.role == _MODEL:
        logger.info("%s holds a whole gensim Word2Vec model: returning its vectors", path)
        return _converted(_vectors_of_model, obj, path, cls)
    if obj.role != _VECTORS:
        raise InputFileError(path, f"holds a gensim {obj.gensim_class}, not KeyedVectors")
    return _converted(to_keyed_vectors, obj, path, cls)


def _converted(convert, obj, path, cls):
    """``convert(obj, path, cls)``; state of unexpected types becomes an InputFileError."""
    try:
        return convert(obj, path, cls)
    except (InputFileError, ModelStateError):
        raise
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as err:
        raise InputFileError(path, f"damaged or unexpected gensim {obj.gensim_class} "
                                   f"({type(err).__name__}: {err})") from None


def load_word2vec(path, cls=None, mmap=None):
    """A numbaw2v Word2Vec from a gensim Word2Vec file of any version from 0.12 to 4.x."""
    obj = read_gensim_pickle(path, mmap)
    if obj.role != _MODEL:
        raise WrongKindOfFileError(path, f"holds a gensim {obj.gensim_class}, not a Word2Vec "
                                         "model" + ("; load it with KeyedVectors.load"
                                                    if obj.role == _VECTORS else ""))
    return _converted(to_word2vec, obj, path, cls)


def _get(obj, *names, default=None):
    for name in names:
        if name in obj.__dict__ and obj.__dict__[name] is not None:
            return obj.__dict__[name]
    return default


def _keys_and_attributes(obj, path):
    """(index_to_key, expandos) of gensim vectors of any version."""
    state = obj.__dict__
    if state.get("index_to_key") is not None:                     # gensim 4
        keys = list(state["index_to_key"])
        expandos = {name: np.asarray(values) for name, values in
                    (state.get("expandos") or {}).items()}
        return keys, expandos
    vocab = state.get("vocab")                                    # gensim < 4
    keys = _get(obj, "index2word", "index2entity")
    if vocab is None and keys is None:
        raise InputFileError(path, f"{obj.gensim_class} holds neither index_to_key nor vocab")
    vocab = vocab or {}
    if keys is None:
        keys = sorted(vocab, key=lambda k: vocab[k].__dict__.get("index", 0))
    keys = list(keys)
    counts = np.zeros(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        entry = vocab.get(key)
        if entry is not None:
            counts[i] = int(entry.__dict__.get("count", 0))
    return keys, ({"count": counts} if vocab else {})


def to_keyed_vectors(obj, path, cls=None):
    """Convert inert gensim vectors into numbaw2v's KeyedVectors (``cls`` or a subclass)."""
    from .vectors import KeyedVectors
    cls = cls or KeyedVectors
    vectors = _get(obj, "vectors", "syn0")
    if vectors is None:
        raise InputFileError(path, f"{obj.gensim_class} holds no vectors (vectors/syn0)")
    keys, expandos = _keys_and_attributes(obj, path)
    vectors = np.asanyarray(vectors)                # a memmap stays one
    if vectors.ndim != 2 or vectors.shape[0] != len(keys):
        raise InputFileError(path, f"vectors of shape {vectors.shape} for {len(keys)} keys")
    kv = cls(vectors, keys, dtype=vectors.dtype if vectors.dtype.kind == "f" else np.float32)
    for name, values in expandos.items():
        if values.shape != (len(keys),):
            raise InputFileError(path, f"per-key attribute {name!r} has shape {values.shape}, "
                                       f"expected ({len(keys)},)")
        kv.expandos[name] = values
    lockf = _get(obj, "vectors_lockf", "syn0_lockf")
    if isinstance(lockf, np.ndarray):
        kv.vectors_lockf = lockf
    kv.lifecycle_events = [e for e in (_get(obj, "lifecycle_events") or [])
                           if isinstance(e, dict)]
    return kv


def _vectors_of_model(obj, path, cls=None):
    wv = obj.__dict__.get("wv")
    if isinstance(wv, GensimObject):
        if _get(wv, "vectors", "syn0") is None and _get(obj, "syn0") is not None:
            wv.__dict__["syn0"] = obj.__dict__["syn0"]           # 1.x-2.x kept syn0 on the model
        return to_keyed_vectors(wv, path, cls)
    return to_keyed_vectors(obj, path, cls)                      # < 0.13.4: all on the model


# gensim attribute names of each numbaw2v parameter (every key a row of params.py), first
# found wins; places searched: the model, then (3.3-3.8) model.vocabulary and model.trainables
_PARAM_SOURCES = {
    "vector_size": ("vector_size", "layer1_size"),
    "window": ("window",),
    "min_count": ("min_count",),
    "max_vocab_size": ("max_vocab_size",),
    "sample": ("sample",),
    "sg": ("sg",),
    "hs": ("hs",),
    "negative": ("negative",),
    "ns_exponent": ("ns_exponent",),
    "cbow_mean": ("cbow_mean",),
    "alpha": ("alpha",),
    "min_alpha": ("min_alpha",),
    "epochs": ("epochs", "iter"),
    "workers": ("workers",),
    "seed": ("seed",),
    "shrink_windows": ("shrink_windows",),
    "compute_loss": ("compute_loss",),
    "sorted_vocab": ("sorted_vocab",),
    "null_word": ("null_word",),
    "batch_words": ("batch_words",),
    "max_final_vocab": ("max_final_vocab",),
}


def _first(places, *names):
    """The first value not None of ``names`` in the first of ``places`` holding one, or None."""
    return next((v for v in (_get(p, *names) for p in places) if v is not None), None)


def _hyperparameters(places):
    """The numbaw2v parameters ``places`` set (never None: ``_get`` skips None values)."""
    found = {}
    for name, sources in _PARAM_SOURCES.items():
        value = _first(places, *sources)
        if value is not None:
            found[name] = value.item() if isinstance(value, np.generic) else value
    return found


def to_word2vec(obj, path, cls=None):
    """Convert an inert gensim Word2Vec into numbaw2v's Word2Vec, ready to train on."""
    from .vocab import Vocab
    from .word2vec import Word2Vec
    cls = cls or Word2Vec
    vocabulary = obj.__dict__.get("vocabulary")
    trainables = obj.__dict__.get("trainables")
    places = [p for p in (obj, vocabulary, trainables) if isinstance(p, GensimObject)]
    kv = _vectors_of_model(obj, path)
    params = _hyperparameters(places)
    params.setdefault("vector_size", kv.vector_size)
    try:
        model = cls(**params)
    except ValueError as err:
        raise InputFileError(path, f"its settings are not valid for numbaw2v ({err})") from None
    if kv.vector_size != model.vector_size:
        raise InputFileError(path, f"vectors of {kv.vector_size} dimensions in a model of "
                                   f"vector_size {model.vector_size}")
    counts = kv.counts
    if counts is None:
        raise InputFileError(path, "the model's vocabulary has no word counts")
    model.vocab = Vocab(kv.index_to_key, counts, model.sample, model.ns_exponent)
    model.corpus_count = int(_get(obj, "corpus_count", default=0))
    total = _get(obj, "corpus_total_words")
    model.corpus_total_words = None if total is None else int(total)
    shape = (len(kv), kv.vector_size)
    for name in ("syn1neg", "syn1"):
        arr = _first(places, name)
        if arr is None:
            continue
        if not isinstance(arr, np.ndarray) or arr.shape != shape:
            raise InputFileError(path, f"its output matrix {name} has shape {np.shape(arr)}, "
                                       f"expected {shape} ({shape[0]} words x {shape[1]} "
                                       "dimensions, as its vectors)")
        setattr(model, name, np.ascontiguousarray(arr, dtype=np.float32))
    if model.syn1neg is None and model.negative:
        raise InputFileError(path, f"the model trains with negative={model.negative} but holds "
                                   "no syn1neg weights")
    if model.syn1 is None and model.hs:
        raise InputFileError(path, "the model trains with hierarchical softmax (hs=1) but "
                                   "holds no syn1 weights")
    model._make_hs_tables()
    model._make_wv(np.ascontiguousarray(kv.vectors, dtype=np.float32))
    model.wv.expandos.update({k: v for k, v in kv.expandos.items() if k != "count"})
    if kv.vectors_lockf is not None:
        model.wv.vectors_lockf = kv.vectors_lockf
    else:
        lockf = _first(places, "vectors_lockf", "syn0_lockf")
        if isinstance(lockf, np.ndarray):
            model.wv.vectors_lockf = lockf
    return model
