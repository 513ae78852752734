"""Bad parameters and bad input to Word2Vec: one row per case, the error type and a fragment.

Each row names the call, the exception it must raise and a fragment of the message
(the parameter and its allowed range, or the thing at fault).
"""
import numpy as np
import pytest

from numbaw2v import Word2Vec
from numbaw2v.errors import ModelStateError, Numbaw2vError, ParameterError, VocabularyError

SMALL = dict(vector_size=8, window=2, min_count=1, epochs=1, workers=1, seed=7, progress=False)
SENTS = [["a", "b", "c", "a"], ["b", "c", "d"]] * 20


def built(**kw):
    m = Word2Vec(**{**SMALL, **kw})
    m.build_vocab(SENTS)
    return m


def train(m, **kw):
    return m.train(SENTS, **{"total_examples": m.corpus_count, "epochs": 1, **kw})


# ------------------------------------------------------------------ constructor parameters
CONSTRUCTOR = [  # (parameters, fragment of the message)
    ({"alpha": float("inf")}, "alpha must be None or a finite number > 0 and <= 1"),
    ({"alpha": float("nan")}, "alpha must be"),
    ({"alpha": 1e30}, "alpha must be"),
    ({"alpha": 0}, "alpha must be"),
    ({"alpha": -0.1}, "alpha must be"),
    ({"min_alpha": float("inf")}, "min_alpha must be a finite number >= 0 and <= 1"),
    ({"min_alpha": -1}, "min_alpha must be"),
    ({"seed": None}, "seed must be an integer >= 0 and <= 9.22337e+18"),
    ({"seed": 2 ** 64}, "seed must be"),
    ({"seed": -1}, "seed must be"),
    ({"seed": "1"}, "seed must be an integer"),
    ({"vector_size": "100"}, "vector_size must be an integer >= 1 and <= 100000"),
    ({"vector_size": 10 ** 9}, "vector_size must be"),
    ({"vector_size": 0}, "vector_size must be"),
    ({"vector_size": 100.0}, "vector_size must be an integer"),
    ({"vector_size": True}, "vector_size must be an integer"),
    ({"window": 10 ** 12}, "window must be an integer >= 1 and <= 10000"),
    ({"window": 0}, "window must be"),
    ({"negative": 10 ** 9}, "negative must be an integer >= 0 and <= 1000"),
    ({"negative": 0}, "negative must be >= 1"),
    ({"negative": "5"}, "negative must be"),
    ({"epochs": -1}, "epochs must be an integer >= 0"),
    ({"epochs": 1.5}, "epochs must be an integer"),
    ({"min_count": -1}, "min_count must be"),
    ({"max_vocab_size": 0}, "max_vocab_size must be None or an integer >= 1"),
    ({"max_vocab_size": 2 ** 40}, "max_vocab_size must be"),
    ({"vocab_size": 2 ** 31}, "vocab_size must be None or an integer >= 1 and <= 2.14748e+09"),
    ({"sample": -0.1}, "sample must be a finite number >= 0, got -0.1"),
    ({"sample": float("inf")}, "sample must be a finite number >= 0"),
    ({"max_final_vocab": 0}, "max_final_vocab must be None or an integer >= 1"),
    ({"max_final_vocab": 2 ** 40}, "max_final_vocab must be"),
    ({"max_final_vocab": 10.0}, "max_final_vocab must be None or an integer"),
    ({"batch_words": 0}, "batch_words must be None or an integer >= 1"),
    ({"batch_words": "10000"}, "batch_words must be"),
    ({"sorted_vocab": 2}, "sorted_vocab must be True/False (or 0/1)"),
    ({"null_word": "yes"}, "null_word must be True/False"),
    ({"trim_rule": 1}, "trim_rule must be None or a callable"),
    ({"trim_rule": "keep"}, "trim_rule must be None or a callable"),
    ({"hashfxn": None}, "hashfxn must be a callable"),
    ({"callbacks": print}, "callbacks must be a sequence of callback objects"),
    ({"callbacks": [print]}, "callbacks must be a sequence of callback objects"),
    ({"callbacks": "on_epoch_end"}, "callbacks must be"),
    ({"comment": 5}, "comment must be None or a string"),
    ({"sample": float("nan")}, "sample must be"),
    ({"sample": "1e-3"}, "sample must be"),
    ({"ns_exponent": float("inf")}, "ns_exponent must be a finite number"),
    ({"sg": 2}, "sg must be True/False (or 0/1)"),
    ({"sg": "1"}, "sg must be"),
    ({"cbow_mean": 0.5}, "cbow_mean must be"),
    ({"workers": 0}, "workers must be None or an integer >= 1"),
    ({"workers": "2"}, "workers must be"),
    ({"corpus_memory_limit": -1}, "corpus_memory_limit must be"),
    ({"progress": "yes"}, "progress must be None or True/False"),
    ({"epoch": 10}, "unknown parameter epoch"),
    ({"size": 100}, "unknown parameter size"),
]


@pytest.mark.parametrize("params,fragment", CONSTRUCTOR, ids=[str(p) for p, _ in CONSTRUCTOR])
def test_constructor_rejects(params, fragment):
    with pytest.raises(ParameterError) as err:
        Word2Vec(**{**SMALL, **params})
    assert fragment in str(err.value)
    assert isinstance(err.value, ValueError)


# ------------------------------------------------------------------ train() and build_vocab()
CALLS = [  # (name, call, exception type, fragment)
    ("typo epoch=", lambda: train(built(), epoch=10), TypeError, "epoch"),
    ("no totals", lambda: built().train(SENTS, epochs=1), ValueError,
     "total_examples or total_words"),
    ("no epochs", lambda: built().train(SENTS, total_examples=40), ValueError,
     "explicit epochs count"),
    ("corpus_file without total_words", lambda: built().train(
        corpus_file=__file__, total_examples=1, epochs=1), ValueError, "total_words"),
    ("start_alpha inf", lambda: train(built(), start_alpha=float("inf")), ParameterError,
     "start_alpha must be"),
    ("end_alpha nan", lambda: train(built(), end_alpha=float("nan")), ParameterError,
     "end_alpha must be"),
    ("epochs string", lambda: train(built(), epochs="3"), ParameterError, "epochs must be"),
    ("train before build_vocab", lambda: train(Word2Vec(**SMALL)), RuntimeError,
     "build vocabulary"),
    ("empty corpus", lambda: Word2Vec(**SMALL).build_vocab([[], []]), RuntimeError,
     "the corpus is empty"),
    ("nothing above min_count", lambda: Word2Vec(**{**SMALL, "min_count": 99}).build_vocab(
        SENTS), RuntimeError, "the vocabulary is empty after min_count=99"),
    ("int token among str", lambda: Word2Vec(SENTS + [["a", 1]], **SMALL), ParameterError,
     "token 1 is int, tokens must be str"),
    ("float token among str", lambda: Word2Vec([["a", 1.0, "b"]] * 5, **SMALL),
     ParameterError, "token 1.0 is float"),
    ("bool token among str", lambda: Word2Vec([["a", "b", True]] * 5, **SMALL),
     ParameterError, "token True is bool"),
    ("bool first token", lambda: Word2Vec([[True, "a"]] * 5, **SMALL), ParameterError,
     "holds bool, expected str tokens"),
    ("float first token", lambda: Word2Vec([[1.5, 2.5]] * 5, **SMALL), ParameterError,
     "holds float"),
    ("id 2**31", lambda: Word2Vec([np.array([1, 2 ** 31])] * 3, **SMALL), ParameterError,
     "ids must be <= 2147483647"),
    ("negative id", lambda: Word2Vec([np.array([1, -1])] * 3, **SMALL), ParameterError,
     "ids must be >= 0"),
    ("id beyond vocab_size", lambda: Word2Vec([np.array([1, 7])] * 3,
                                              **{**SMALL, "vocab_size": 5}), ParameterError,
     "not below vocab_size=5"),
    ("float id array", lambda: Word2Vec([np.array([1, 2]), np.array([1.5])], **SMALL),
     ParameterError, "expected a 1-D array of integer ids"),
    # vocabulary (issue 10)
    ("update before any vocabulary", lambda: Word2Vec(**SMALL).build_vocab(SENTS, update=True),
     RuntimeError, "online vocabulary-update of a model which has no prior vocabulary"),
    ("freq update before any vocabulary", lambda: Word2Vec(**SMALL).build_vocab_from_freq(
        {"a": 3}, update=True), RuntimeError, "no prior vocabulary"),
    ("word_freq a list", lambda: Word2Vec(**SMALL).build_vocab_from_freq([("a", 3)]),
     ParameterError, "word_freq must be a dict of word -> count, got list"),
    ("word_freq negative count", lambda: Word2Vec(**SMALL).build_vocab_from_freq(
        {"a": 3, "b": -1}), ParameterError, "the count of 'b' must be an integer >= 0, got -1"),
    ("word_freq float count", lambda: Word2Vec(**SMALL).build_vocab_from_freq({"a": 2.5}),
     ParameterError, "the count of 'a' must be an integer >= 0"),
    ("word_freq bytes word", lambda: Word2Vec(**SMALL).build_vocab_from_freq({b"a": 2}),
     ParameterError, "word b'a' is bytes"),
    ("word_freq all below min_count", lambda: Word2Vec(**{**SMALL, "min_count": 5})
     .build_vocab_from_freq({"a": 2}), RuntimeError, "the vocabulary is empty after min_count=5"),
    ("prepare_vocab before a scan", lambda: Word2Vec(**SMALL).prepare_vocab(), RuntimeError,
     "call scan_vocab(...) or build_vocab(...) first"),
    ("prepare_vocab bad min_count", lambda: _scanned().prepare_vocab(min_count=-2),
     ParameterError, "min_count must be an integer >= 0"),
    ("trim_rule not callable", lambda: Word2Vec(**SMALL).build_vocab(SENTS, trim_rule=2),
     ParameterError, "trim_rule must be None or a callable, got 2"),
    ("trim_rule bad verdict", lambda: Word2Vec(**SMALL).build_vocab(
        SENTS, trim_rule=lambda w, c, m: "keep"), ParameterError,
     "trim_rule returned 'keep' for the word 'a': it must return RULE_DISCARD (1), "
     "RULE_KEEP (2) or RULE_DEFAULT (0)"),
    ("trim_rule discards all", lambda: Word2Vec(**SMALL).build_vocab(
        SENTS, trim_rule=lambda w, c, m: 1), RuntimeError, "the vocabulary is empty after "
     "min_count=1 and trim_rule"),
    ("null_word with id corpus", lambda: Word2Vec([np.array([1, 2])] * 3,
                                                  **{**SMALL, "null_word": 1}),
     ParameterError, "null_word=1 adds the word '\\0'"),
    ("train callbacks not callbacks", lambda: train(built(), callbacks=[print]),
     ParameterError, "callbacks must be a sequence of callback objects"),
    ("reset_from a model without vocabulary", lambda: built().reset_from(Word2Vec(**SMALL)),
     RuntimeError, "reset_from: the other model has no vocabulary yet"),
    # gensim's progress-log spacing
    ("progress_per 0", lambda: Word2Vec(**SMALL).build_vocab(SENTS, progress_per=0),
     ParameterError, "progress_per must be an integer >= 1 (sentences between progress "
     "lines), got 0"),
    ("progress_per float", lambda: Word2Vec(**SMALL).scan_vocab(SENTS, progress_per=2.5),
     ParameterError, "progress_per must be an integer >= 1"),
    ("report_delay 0", lambda: train(built(), report_delay=0), ParameterError,
     "report_delay must be a number of seconds > 0, got 0"),
    ("report_delay nan", lambda: train(built(), report_delay=float("nan")), ParameterError,
     "report_delay must be a number of seconds > 0, got nan"),
    ("report_delay string", lambda: train(built(), report_delay="1"), ParameterError,
     "report_delay must be a number of seconds > 0, got '1'"),
]


def _scanned():
    m = Word2Vec(**SMALL)
    m.scan_vocab(SENTS)
    return m


@pytest.mark.parametrize("name,call,kind,fragment", CALLS, ids=[c[0] for c in CALLS])
def test_call_rejects(name, call, kind, fragment):
    with pytest.raises(kind) as err:
        call()
    assert fragment in str(err.value)


def test_empty_vocabulary_error_is_runtime_and_value_error():
    with pytest.raises(VocabularyError) as err:
        Word2Vec(**SMALL).build_vocab([[]])
    assert isinstance(err.value, RuntimeError) and isinstance(err.value, ValueError)
    assert isinstance(err.value, Numbaw2vError)


# ------------------------------------------------------------------ replaced arrays (9.2)
def _replace(attr, make):
    def call():
        m = built()
        if attr == "wv.vectors":
            m.wv._vectors = make(m.wv.vectors)      # bypass the setter, as a user could
        else:
            setattr(m, attr, make(getattr(m, attr)))
        train(m)
    return call


ARRAYS = [  # (name, call, fragment)
    ("syn1neg fewer rows", _replace("syn1neg", lambda a: a[:2].copy()),
     "model.syn1neg has shape (2, 8)"),
    ("syn1neg wider", _replace("syn1neg", lambda a: np.zeros((a.shape[0], 9), np.float32)),
     "expected a writable C-contiguous float32 array of shape (4, 8)"),
    ("syn1neg float64", _replace("syn1neg", lambda a: a.astype(np.float64)),
     "has dtype float64"),
    ("syn1neg Fortran order", _replace("syn1neg", np.asfortranarray),
     "is not C-contiguous"),
    ("syn1neg strided", _replace("syn1neg", lambda a: np.zeros((a.shape[0], 16),
                                                               np.float32)[:, ::2]),
     "is not C-contiguous"),
    ("syn1neg read-only", _replace("syn1neg", lambda a: np.frombuffer(a.tobytes(), np.float32)
                                   .reshape(a.shape)), "is read-only"),
    ("syn1neg a list", _replace("syn1neg", lambda a: a.tolist()), "model.syn1neg is a list"),
    ("wv.vectors narrower", _replace("wv.vectors", lambda a: a[:, :4].copy()),
     "model.wv.vectors has shape (4, 4)"),
    ("wv.vectors NaN", _replace("wv.vectors", lambda a: np.full_like(a, np.nan)),
     "model.wv.vectors holds 32 NaN or infinite values (before training"),
]


@pytest.mark.parametrize("name,call,fragment", ARRAYS, ids=[a[0] for a in ARRAYS])
def test_replaced_arrays_are_refused_before_any_kernel(name, call, fragment):
    with pytest.raises(ModelStateError) as err:
        call()
    assert fragment in str(err.value)
