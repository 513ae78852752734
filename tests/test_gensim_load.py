"""Opening gensim's saved models and vectors (numbaw2v.gensim_load), and the load paths.

The files of every gensim version come from gensim's own test data, shipped in the
gensim wheel (tests using them skip when it is absent); gensim 4 files are also
written here when gensim is installed. A pickle that names anything outside the
allow-list must be refused before it runs.
"""
import importlib.util
import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from numbaw2v import params as param_table
from numbaw2v.errors import (InputFileError, ModelStateError, UnsafePickleError,
                             WrongKindOfFileError)
from numbaw2v.gensim_load import SafeUnpickler, is_gensim_pickle, read_gensim_pickle
from numbaw2v.vectors import KeyedVectors
from numbaw2v.word2vec import Word2Vec

_SPEC = importlib.util.find_spec("gensim")
GENSIM_DATA = (Path(_SPEC.submodule_search_locations[0]) / "test" / "test_data"
               if _SPEC is not None else None)
SENTENCES = [["a", "b", "c", "d"], ["b", "c", "a"], ["d", "a", "b", "c", "c"]] * 10


def gensim_data(name):
    if GENSIM_DATA is None or not (GENSIM_DATA / name).exists():
        pytest.skip(f"gensim's test data ({name}) is not installed")
    return GENSIM_DATA / name


# ------------------------------------------------------------- refusing pickles
class _RunsShell:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _Evaluates:
    def __reduce__(self):
        return (eval, ("__import__('os').getcwd()",))


class _FakeGensimModel:
    """Pickles as a call of ``_new_gensim_w2v`` (renamed to gensim's class) plus a state."""

    def __init__(self, payload):
        self.state = {"window": 5, "wv": payload}

    def __reduce__(self):
        return (_new_gensim_w2v, (), self.state)


def _malicious_model(payload):
    """Bytes of a pickle: gensim's Word2Vec class name, whose state holds ``payload``."""
    return pickle.dumps(_FakeGensimModel(payload), protocol=2)


def _new_gensim_w2v():
    raise AssertionError("never called: the name is rewritten to gensim's")


def _as_gensim(data):
    """Rename the helper constructor in a protocol-2 pickle to gensim's Word2Vec class."""
    helper = b"c" + __name__.encode() + b"\n_new_gensim_w2v\n"
    assert helper in data
    return data.replace(helper, b"cgensim.models.word2vec\nWord2Vec\n")


@pytest.mark.parametrize("loader", [Word2Vec.load, KeyedVectors.load])
def test_a_malicious_pickle_does_not_run(tmp_path, loader):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.model"
    path.write_bytes(pickle.dumps(_RunsShell(marker), protocol=4))
    assert is_gensim_pickle(path)
    with pytest.raises(UnsafePickleError, match=r"(posix|os|nt)\.system") as err:
        loader(path)
    assert not marker.exists()
    assert str(path) in str(err.value) and "never runs code" in str(err.value)


def test_a_malicious_object_inside_a_gensim_model_does_not_run(tmp_path):
    marker = tmp_path / "pwned"
    data = _as_gensim(_malicious_model(_RunsShell(marker)))
    assert b"gensim.models.word2vec" in data
    path = tmp_path / "evil.model"
    path.write_bytes(data)
    with pytest.raises(UnsafePickleError, match="system"):
        Word2Vec.load(path)
    assert not marker.exists()


@pytest.mark.parametrize("payload,named", [
    (_Evaluates(), "builtins.eval"),
    (subprocess.Popen, "subprocess.Popen"),
    (getattr, "builtins.getattr"),
    (np.load, "numpy.load"),
])
def test_names_outside_the_allow_list_are_refused_by_name(tmp_path, payload, named):
    path = tmp_path / "bad.kv"
    path.write_bytes(pickle.dumps(payload, protocol=4))
    with pytest.raises(UnsafePickleError, match=named.replace(".", r"\.")):
        KeyedVectors.load(path)


def _stream(*ops):
    return b"\x80\x02" + b"".join(ops) + b"."


@pytest.mark.parametrize("data,fragment", [
    # _codecs.encode with a codec other than latin-1
    (_stream(b"c_codecs\nencode\n", b"X\x03\x00\x00\x00abcX\x06\x00\x00\x00base64\x86R"),
     "base64"),
    # numpy's _reconstruct asked for a subtype other than ndarray
    (_stream(b"cnumpy.core.multiarray\n_reconstruct\n", b"ccollections\nOrderedDict\n",
             b"K\x00\x85C\x01b\x87R"), "only numpy.ndarray"),
    # persistent ids
    (_stream(b"X\x01\x00\x00\x00xQ"), "persistent ids"),
])
def test_allowed_callables_refuse_harmful_arguments(tmp_path, data, fragment):
    path = tmp_path / "bad.model"
    path.write_bytes(data)
    with pytest.raises(UnsafePickleError, match=fragment):
        read_gensim_pickle(path)


@pytest.mark.parametrize("data,fragment", [
    (pickle.dumps({"a": 1}, protocol=4), "pickle of a dict"),
    (pickle.dumps([1, 2], protocol=2), "pickle of a list"),
    (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00.", "not a readable gensim save"),
    (pickle.dumps({"a": 1}, protocol=4)[:-3], "not a readable gensim save"),
])
def test_pickles_that_are_not_gensim_saves_say_so(tmp_path, data, fragment):
    path = tmp_path / "thing.model"
    path.write_bytes(data)
    for loader in (Word2Vec.load, KeyedVectors.load):
        with pytest.raises(InputFileError, match=fragment):
            loader(path)


class _GensimVectors:
    """Pickles under gensim 4's KeyedVectors name with a state of the caller's choosing."""

    def __init__(self, state):
        self.state = state

    def __reduce__(self):
        return (_new_gensim_w2v, (), self.state)


@pytest.mark.parametrize("state,fragment", [
    ({"index_to_key": ["a"], "vectors": "not an array"}, "vectors of shape"),
    ({"index_to_key": ["a", "b"], "vectors": np.zeros((3, 2))}, r"shape \(3, 2\) for 2 keys"),
    ({"index_to_key": 5, "vectors": np.zeros((1, 2))}, "TypeError"),
    ({"vocab": {"a": 3}, "index2word": ["a"], "syn0": np.zeros((1, 2))}, "AttributeError"),
    ({"index_to_key": ["a"]}, "holds no vectors"),
    ({"index_to_key": ["a"], "vectors": np.zeros((1, 2)), "expandos": {"count": [1, 2]}},
     "attribute 'count' has shape"),
    ({"__numpys": ["../../etc/x"]}, "bad attribute name"),
])
def test_damaged_gensim_states_are_reported(tmp_path, state, fragment):
    data = pickle.dumps(_GensimVectors(state), protocol=2)
    helper = b"c" + __name__.encode() + b"\n_new_gensim_w2v\n"
    path = tmp_path / "damaged.kv"
    path.write_bytes(data.replace(helper, b"cgensim.models.keyedvectors\nKeyedVectors\n"))
    with pytest.raises(InputFileError, match=fragment):
        KeyedVectors.load(path)


def _new_gensim_kv():
    raise AssertionError("never called: the name is rewritten to gensim's")


class _GensimModelParts:
    """Pickles as gensim 4's Word2Vec (``kv=False``) or KeyedVectors (``kv=True``)."""

    def __init__(self, state, kv=False):
        self.state, self.kv = state, kv

    def __reduce__(self):
        return (_new_gensim_kv if self.kv else _new_gensim_w2v, (), self.state)


def _gensim4_model_file(path, **state):
    """A gensim 4 Word2Vec save of 3 words x 4 dimensions, with ``state`` on the model."""
    wv = _GensimModelParts({"index_to_key": ["a", "b", "c"],
                            "vectors": np.ones((3, 4), dtype=np.float32),
                            "expandos": {"count": np.array([3, 2, 1])}}, kv=True)
    data = pickle.dumps(_GensimModelParts({"wv": wv, "vector_size": 4, **state}), protocol=2)
    for helper, name in (("_new_gensim_w2v", b"word2vec\nWord2Vec"),
                         ("_new_gensim_kv", b"keyedvectors\nKeyedVectors")):
        old = b"c" + __name__.encode() + b"\n" + helper.encode() + b"\n"
        assert old in data
        data = data.replace(old, b"cgensim.models." + name + b"\n")
    path.write_bytes(data)
    return path


OUTPUT_LAYER = {"syn1neg": {"negative": 5, "hs": 0}, "syn1": {"negative": 0, "hs": 1}}


@pytest.mark.parametrize("name", ["syn1neg", "syn1"])
@pytest.mark.parametrize("value,shape", [
    (np.zeros((4, 4), dtype=np.float32), r"\(4, 4\)"),          # a row too many
    (np.zeros((2, 4), dtype=np.float32), r"\(2, 4\)"),          # a row too few
    (np.zeros((3, 5), dtype=np.float32), r"\(3, 5\)"),          # a column too many
    (np.zeros((3, 3), dtype=np.float32), r"\(3, 3\)"),          # a column too few
    (np.zeros(12, dtype=np.float32), r"\(12,\)"),               # flat
    (np.zeros((3, 4, 1), dtype=np.float32), r"\(3, 4, 1\)"),    # 3-D
    (np.zeros((0, 4), dtype=np.float32), r"\(0, 4\)"),          # empty
])
def test_output_matrix_of_the_wrong_shape_names_file_and_shapes(tmp_path, name, value, shape):
    path = _gensim4_model_file(tmp_path / "odd.model", **OUTPUT_LAYER[name], **{name: value})
    with pytest.raises(InputFileError,
                       match=rf"odd\.model: its output matrix {name} has shape {shape}, "
                             r"expected \(3, 4\) \(3 words x 4 dimensions"):
        Word2Vec.load(path)


@pytest.mark.parametrize("name", ["syn1neg", "syn1"])
def test_output_matrix_of_the_right_shape_loads(tmp_path, name):
    """The control of the table above: the same file with a (3, 4) matrix loads."""
    right = np.arange(12, dtype=np.float32).reshape(3, 4)
    model = Word2Vec.load(_gensim4_model_file(tmp_path / "ok.model", **OUTPUT_LAYER[name],
                                              **{name: right}))
    np.testing.assert_array_equal(getattr(model, name), right)


def test_every_gensim_setting_read_is_a_numbaw2v_parameter():
    """The loader passes the settings it finds straight to Word2Vec: each must be a row."""
    from numbaw2v.gensim_load import _PARAM_SOURCES
    assert set(_PARAM_SOURCES) <= set(param_table.BY_NAME), \
        sorted(set(_PARAM_SOURCES) - set(param_table.BY_NAME))


def test_safe_unpickler_reads_plain_data_and_arrays():
    value = {"a": [1, 2.5, (3, "x")], "b": np.arange(6, dtype=np.float32).reshape(2, 3),
             "c": np.float64(0.25), "d": b"bytes", "e": {1, 2}}
    for protocol in (2, 4, 5):
        back = SafeUnpickler(io.BytesIO(pickle.dumps(value, protocol=protocol))).load()
        assert back["a"] == value["a"] and back["d"] == b"bytes" and back["e"] == {1, 2}
        np.testing.assert_array_equal(back["b"], value["b"])
        assert back["c"] == 0.25 and back["b"].dtype == np.float32


# --------------------------------------------------------- gensim's test data
OLD_VERSIONS = ["0.12.0", "0.12.1", "0.12.2", "0.12.3", "0.12.4", "0.13.0", "0.13.1",
                "0.13.2", "0.13.3", "0.13.4", "1.0.0", "1.0.1", "2.0.0", "2.1.0", "2.2.0",
                "2.3.0", "3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0"]
MODEL_FILES = ([f"old_w2v_models/w2v_{v}.mdl" for v in OLD_VERSIONS]
               + ["word2vec_old", "word2vec_old_sep", "word2vec_3.3", "word2vec_pre_kv_py2",
                  "word2vec_pre_kv_py3", "word2vec_pre_kv_py3_4", "word2vec_pre_kv_sep_py2",
                  "word2vec_pre_kv_sep_py3", "word2vec_pre_kv_sep_py3_4",
                  "model-from-gensim-3.8.0.w2v", "w2v-lee-v0.12.0"])


def _gensim_reference(path):
    """(keys, vectors, counts, settings) as gensim itself loads the file, or None without it."""
    try:
        from gensim.models import Word2Vec as GensimWord2Vec
    except ImportError:
        return None
    import logging
    logging.getLogger("gensim").setLevel(logging.ERROR)
    try:
        g = GensimWord2Vec.load(str(path))
    except AttributeError:          # gensim 4 no longer reads models older than 1.0
        return None
    counts = np.array([g.wv.get_vecattr(k, "count") for k in g.wv.index_to_key])
    settings = {"window": g.window, "sg": g.sg, "negative": g.negative, "hs": g.hs,
                "epochs": g.epochs, "alpha": g.alpha, "vector_size": g.vector_size}
    return list(g.wv.index_to_key), np.asarray(g.wv.vectors), counts, settings, g


@pytest.mark.parametrize("name", MODEL_FILES)
def test_every_gensim_model_of_the_test_data_opens(name):
    path = gensim_data(name)
    reference = _gensim_reference(path)
    kv = KeyedVectors.load(path)                # the vectors of a whole model
    if reference is not None:
        keys, vectors, counts, settings, g = reference
        assert kv.index_to_key == keys
        np.testing.assert_array_equal(kv.vectors, vectors)
        np.testing.assert_array_equal(kv.counts, counts)
    model = Word2Vec.load(path)
    assert model.wv.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(model.wv.vectors, kv.vectors)
    if reference is not None:
        settings, g = reference[3], reference[4]
        for name_, value in settings.items():
            if name_ in param_table.BY_NAME:
                assert getattr(model, name_) == pytest.approx(value), name_
        if g.negative:
            np.testing.assert_array_equal(model.syn1neg, g.syn1neg)
        if g.hs:
            np.testing.assert_array_equal(model.syn1, g.syn1)
    assert model.wv.most_similar(model.wv.index_to_key[0], topn=2)


def test_gensim_3_2_keyed_vectors_open():
    kv = KeyedVectors.load(gensim_data("old_keyedvectors_320.dat"))
    assert len(kv) == 12 and kv.vector_size == 100 and kv.get_vector("computer").shape == (100,)
    assert kv.get_vecattr("computer", "count") > 0
    with pytest.raises(WrongKindOfFileError, match="KeyedVectors.load") as err:
        Word2Vec.load(gensim_data("old_keyedvectors_320.dat"))
    assert isinstance(err.value, AttributeError)


def test_separate_array_files_are_read_and_memory_mapped():
    path = gensim_data("word2vec_pre_kv_sep_py3")
    together = KeyedVectors.load(gensim_data("word2vec_pre_kv_py3"))
    mapped = KeyedVectors.load(path, mmap="r")
    assert isinstance(mapped.vectors.base, np.memmap) and not mapped.vectors.flags.writeable
    np.testing.assert_array_equal(mapped.vectors, together.vectors)
    assert mapped.index_to_key == together.index_to_key


def test_a_missing_array_file_is_named(tmp_path):
    source = gensim_data("word2vec_old_sep")
    copy = tmp_path / "word2vec_old_sep"
    copy.write_bytes(source.read_bytes())               # without its .npy files
    with pytest.raises(InputFileError, match=r"word2vec_old_sep\.syn1neg\.npy is missing"):
        Word2Vec.load(copy)


def test_gensim_is_not_needed(tmp_path):
    path = gensim_data("word2vec_old_sep")
    code = ("import sys; sys.modules['gensim'] = None\n"
            "from numbaw2v.word2vec import Word2Vec\n"
            f"m = Word2Vec.load({str(path)!r}, mmap='r')\n"
            "print(len(m.wv), m.wv.vector_size, 'gensim' in sys.modules and "
            "sys.modules['gensim'] is not None)\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=False, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["12", "100", "False"]


# ---------------------------------------------------------- gensim 4 files
@pytest.fixture(scope="module")
def gensim4_files(tmp_path_factory):
    gensim_models = pytest.importorskip("gensim.models")
    import logging
    logging.getLogger("gensim").setLevel(logging.ERROR)
    where = tmp_path_factory.mktemp("gensim4")
    model = gensim_models.Word2Vec(SENTENCES, min_count=1, vector_size=8, epochs=2, seed=3,
                                   workers=1, negative=4, window=3, sg=1, alpha=0.03, sample=0)
    model.save(str(where / "m.model"))
    model.save(str(where / "sep.model"), sep_limit=0)
    model.save(str(where / "m.model.gz"))
    model.wv.save(str(where / "v.kv"))
    model.wv.save(str(where / "sep.kv"), sep_limit=0)
    return where, model


@pytest.mark.parametrize("name,mmap", [("m.model", None), ("sep.model", None),
                                       ("sep.model", "r"), ("m.model.gz", None)])
def test_gensim_4_models_open_and_train_on(gensim4_files, name, mmap):
    where, g = gensim4_files
    model = Word2Vec.load(where / name, mmap=mmap)
    assert model.wv.index_to_key == g.wv.index_to_key
    np.testing.assert_array_equal(model.wv.vectors, g.wv.vectors)
    np.testing.assert_array_equal(model.syn1neg, g.syn1neg)
    np.testing.assert_array_equal(model.wv.counts, g.wv.expandos["count"])
    assert (model.window, model.sg, model.negative, model.epochs, model.alpha,
            model.vector_size, model.min_count, model.sample) == (3, True, 4, 2, 0.03, 8, 1, 0)
    assert model.corpus_count == g.corpus_count
    assert model.corpus_total_words == g.corpus_total_words
    if mmap == "r":
        with pytest.raises(ModelStateError, match="read-only"):
            model.train(SENTENCES, total_examples=len(SENTENCES), epochs=1)
        return
    before = model.wv.vectors.copy()
    model.train(SENTENCES, total_examples=len(SENTENCES), epochs=1)
    assert not np.array_equal(before, model.wv.vectors)


@pytest.mark.parametrize("name,mmap", [("v.kv", None), ("sep.kv", None), ("sep.kv", "r")])
def test_gensim_4_vectors_open(gensim4_files, name, mmap):
    where, g = gensim4_files
    kv = KeyedVectors.load(where / name, mmap=mmap)
    assert kv.index_to_key == g.wv.index_to_key
    np.testing.assert_array_equal(kv.vectors, g.wv.vectors)
    np.testing.assert_array_equal(kv.expandos["count"], g.wv.expandos["count"])
    assert isinstance(kv.vectors.base, np.memmap) == (mmap == "r")
    assert [k for k, _ in kv.most_similar("a", topn=3)] == \
        [k for k, _ in g.wv.most_similar("a", topn=3)]


def test_compressed_files_cannot_be_memory_mapped(gensim4_files):
    where, _ = gensim4_files
    with pytest.raises(InputFileError, match="memory-map"):
        Word2Vec.load(where / "m.model.gz", mmap="r")


# ------------------------------------------------------ numbaw2v's own files
def _small_model():
    return Word2Vec(SENTENCES, min_count=1, vector_size=6, epochs=1, workers=1, seed=2, sample=0)


def test_own_model_files_memory_map(tmp_path):
    model = _small_model()
    path = tmp_path / "model"                    # no suffix, as gensim users name them
    model.save(path, sep_limit=0)
    assert not is_gensim_pickle(path)
    mapped = Word2Vec.load(path, mmap="r")
    assert isinstance(mapped.wv.vectors.base, np.memmap)
    np.testing.assert_array_equal(mapped.wv.vectors, model.wv.vectors)
    np.testing.assert_array_equal(mapped.syn1neg, model.syn1neg)
    with pytest.raises(ModelStateError, match="read-only"):
        mapped.train(SENTENCES, total_examples=len(SENTENCES), epochs=1)
    private = Word2Vec.load(path, mmap="c")              # copy-on-write: trains, file intact
    private.train(SENTENCES, total_examples=len(SENTENCES), epochs=1)
    np.testing.assert_array_equal(Word2Vec.load(path).wv.vectors, model.wv.vectors)


def test_own_vectors_files_memory_map(tmp_path):
    kv = _small_model().wv
    path = tmp_path / "vectors.npz"
    kv.save(path)
    mapped = KeyedVectors.load(path, mmap="r")
    assert isinstance(mapped.vectors.base, np.memmap) and mapped.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(mapped.vectors, kv.vectors)
    np.testing.assert_array_equal(mapped.counts, kv.counts)


def test_load_is_called_on_the_class_and_refuses_vectors_files(tmp_path):
    model = _small_model()
    with pytest.raises(AttributeError, match="called on the class"):
        model.load("anything")
    path = tmp_path / "vectors"
    model.wv.save(path)
    with pytest.raises(WrongKindOfFileError, match="KeyedVectors.load"):
        Word2Vec.load(path)


# ---------------------------------------------------- KeyedVectors details
def test_word2vec_files_get_gensims_placeholder_counts_and_keep_datatype(tmp_path):
    kv = _small_model().wv
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path, binary=True)
    back = KeyedVectors.load_word2vec_format(path, binary=True)
    np.testing.assert_array_equal(back.counts, np.arange(len(kv), 0, -1))
    half = KeyedVectors.load_word2vec_format(path, binary=True, datatype=np.float16)
    assert half.vectors.dtype == np.float16 and half.vectors.nbytes * 2 == back.vectors.nbytes
    with pytest.raises(ValueError, match="floating-point"):
        KeyedVectors.load_word2vec_format(path, binary=True, datatype=np.int32)


def test_word_movers_distance_of_a_document_to_itself_is_exactly_zero():
    pytest.importorskip("ot")
    rng = np.random.default_rng(0)
    kv = KeyedVectors(rng.normal(size=(6, 5)).astype(np.float32), list("abcdef"))
    doc = ["a", "c", "d", "f", "a"]
    assert kv.wmdistance(doc, doc) == 0.0
    assert kv.wmdistance(doc, ["b"]) > 0.0
