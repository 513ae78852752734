"""word2vec binary/text and native .npz files: exact round trips, limits, damage reports."""
import gzip
import os
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from numbaw2v.errors import InputFileError, ParameterError, TruncatedFileError
from numbaw2v.formats import read_native, read_word2vec, write_native, write_word2vec
from numbaw2v.vectors import KeyedVectors, format_of


def make_kv(n=50, d=7, seed=0, counts=True):
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, d)).astype(np.float32)
    vectors[0, :3] = [0.1, -0.0, 3.4028235e38]               # awkward values must survive too
    vectors[1, :2] = [1e-45, -1.1754944e-38]                 # smallest subnormal, smallest normal
    keys = [f"w{i}" for i in range(n - 3)] + ["naïve", "日本語", "e\u0301"]
    return KeyedVectors(vectors, keys, counts=np.arange(n, 0, -1) * 10 if counts else None)


def same_bits(a, b):
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


@pytest.mark.parametrize("name, binary", [
    ("v.bin", True), ("v.txt", False), ("v.vec", False), ("v.bin.gz", True), ("v.txt.bz2", False),
    ("v.bin.xz", True),
])
def test_word2vec_round_trip_is_bit_exact(tmp_path, name, binary):
    kv = make_kv()
    path = tmp_path / name
    kv.save_word2vec_format(path, binary=binary)
    back = KeyedVectors.load_word2vec_format(path)        # format guessed from the extension
    assert back.index_to_key == kv.index_to_key
    assert same_bits(back.vectors, kv.vectors)
    explicit = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert same_bits(explicit.vectors, kv.vectors)


def test_binary_layout_is_the_c_tool_layout(tmp_path):
    kv = KeyedVectors(np.array([[1.0, -2.0], [0.5, 4.0]], dtype=np.float32), ["a", "bé"])
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path, binary=True)
    expected = (b"2 2\n" + b"a " + np.array([1.0, -2.0], "<f4").tobytes() + b"\n"
                + "bé ".encode() + np.array([0.5, 4.0], "<f4").tobytes() + b"\n")
    assert path.read_bytes() == expected


def test_text_layout(tmp_path):
    kv = KeyedVectors(np.array([[1.0, -2.5], [0.1, 4.0]], dtype=np.float32), ["a", "b"])
    path = tmp_path / "v.txt"
    kv.save_word2vec_format(path, binary=False)
    lines = path.read_text().splitlines()
    assert lines[0] == "2 2" and lines[1] == "a 1 -2.5" and lines[2].startswith("b 0.100000001 4")


@pytest.mark.parametrize("binary", [True, False])
def test_format_guessed_from_content_without_extension(tmp_path, binary):
    kv = make_kv()
    path = tmp_path / "vectors"
    kv.save_word2vec_format(path, binary=binary)
    assert same_bits(KeyedVectors.load_word2vec_format(path).vectors, kv.vectors)


@pytest.mark.parametrize("binary", [True, False])
def test_limit_reads_and_writes_a_prefix(tmp_path, binary):
    kv = make_kv()
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path, binary=binary)
    head = KeyedVectors.load_word2vec_format(path, binary=binary, limit=5)
    assert head.index_to_key == kv.index_to_key[:5] and same_bits(head.vectors, kv.vectors[:5])
    kv.save_word2vec_format(path, binary=binary, limit=3)
    assert len(KeyedVectors.load_word2vec_format(path, binary=binary)) == 3


def test_reads_c_tool_text_with_trailing_spaces_and_binary_without_newlines(tmp_path):
    text = tmp_path / "c.txt"
    text.write_bytes(b"2 3\nthe 0.5 -1 2 \nof 1e-3 0 7 \n")
    kv = KeyedVectors.load_word2vec_format(text)
    np.testing.assert_array_equal(kv["of"], np.array([1e-3, 0, 7], dtype=np.float32))
    binary = tmp_path / "g.bin"         # gensim writes no newline after each vector
    binary.write_bytes(b"2 2\n" + b"a " + np.array([1, 2], "<f4").tobytes()
                       + b"b " + np.array([3, 4], "<f4").tobytes())
    kv = KeyedVectors.load_word2vec_format(binary)
    assert kv.index_to_key == ["a", "b"] and kv["b"].tolist() == [3.0, 4.0]


def test_repeated_word_keeps_first_vector(tmp_path):
    path = tmp_path / "dup.txt"
    path.write_text("3 1\na 1\nb 2\na 3\n")
    kv = KeyedVectors.load_word2vec_format(path)
    assert kv.index_to_key == ["a", "b"] and kv["a"][0] == 1.0


def test_native_round_trip_keeps_counts(tmp_path):
    kv = make_kv()
    path = tmp_path / "v.npz"
    kv.save(path)
    back = KeyedVectors.load(path)
    assert back.index_to_key == kv.index_to_key and same_bits(back.vectors, kv.vectors)
    np.testing.assert_array_equal(back.counts, kv.counts)
    no_counts = make_kv(counts=False)
    no_counts.save(path)
    assert KeyedVectors.load(path).counts is None
    with np.load(path, allow_pickle=False) as archive:      # nothing in it needs pickle
        assert {"vectors", "keys_utf8", "key_offsets"} <= set(archive.files)


def test_words_that_cannot_be_stored_are_refused_and_nothing_is_written(tmp_path):
    kv = KeyedVectors(np.zeros((2, 2)), ["fine", "two words"])
    path = tmp_path / "v.txt"
    with pytest.raises(ValueError, match="two words"):
        kv.save_word2vec_format(path, binary=False)
    assert os.listdir(tmp_path) == []


def test_failed_write_leaves_previous_file_intact(tmp_path, monkeypatch):
    kv = make_kv()
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path)
    before = path.read_bytes()
    import numbaw2v.formats as vectors_module

    def boom(*args):
        raise RuntimeError("disk full")
    monkeypatch.setattr(vectors_module, "_write_binary_body", boom)
    with pytest.raises(RuntimeError):
        make_kv(seed=1).save_word2vec_format(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["v.bin"]


# ------------------------------------------------------------------ damage
def saved(tmp_path, name, binary):
    path = tmp_path / name
    make_kv(n=10, d=4).save_word2vec_format(path, binary=binary)
    return path


def test_truncated_binary_names_file_word_and_offset(tmp_path):
    path = saved(tmp_path, "v.bin", True)
    data = path.read_bytes()
    path.write_bytes(data[:-10])
    with pytest.raises(ValueError, match=r"v\.bin \(byte offset \d+\): .*record 9"):
        KeyedVectors.load_word2vec_format(path)


def test_truncated_compressed_binary(tmp_path):
    path = saved(tmp_path, "v.bin", True)
    gz = tmp_path / "v.bin.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()[:60]))
    with pytest.raises(ValueError, match=r"v\.bin\.gz \(byte offset \d+\): .*ends inside rec"):
        KeyedVectors.load_word2vec_format(gz)


def test_truncated_text_names_the_line(tmp_path):
    path = saved(tmp_path, "v.txt", False)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:7]))
    with pytest.raises(ValueError, match=r"v\.txt: line 8: the file ends early"):
        KeyedVectors.load_word2vec_format(path)


@pytest.mark.parametrize("body, where", [
    (b"2 3\na 1 2 3\nb 1 2\n", "line 3: expected a word and 3 values"),
    (b"2 3\na 1 2 3\nb 1 x 3\n", "line 3: value 2 is not a number"),
    (b"2 3\na 1 2 3\n\n", "line 3"),
    (b"two three\na 1 2 3\n", "line 1: expected a header"),
    (b"", "line 1: expected a header"),
    (b"2 3\n\xff\xfe 1 2 3\nb 1 2 3\n", "line 2: word is not valid"),
])
def test_corrupt_text_names_file_and_line(tmp_path, body, where):
    path = tmp_path / "bad.txt"
    path.write_bytes(body)
    with pytest.raises(ValueError, match="bad.txt: " + where):
        KeyedVectors.load_word2vec_format(path)


def test_invalid_utf8_word_can_be_replaced(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"1 2\n\xffa 1 2\n")
    kv = KeyedVectors.load_word2vec_format(path, unicode_errors="replace")
    assert kv.index_to_key == ["\ufffda"]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "missing"])
def test_corrupt_native_file(tmp_path, damage):
    path = tmp_path / "v.npz"
    make_kv().save(path)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "garbage":
        path.write_bytes(b"not a zip archive at all")
    else:
        np.savez(path, vectors=np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match=r"v\.npz"):
        KeyedVectors.load(path)


def test_missing_file_is_an_os_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.bin"):
        KeyedVectors.load_word2vec_format(tmp_path / "nothere.bin")


def test_format_of():
    assert format_of("a.bin") == "binary" and format_of("a.BIN.gz") == "binary"
    assert format_of("a.txt.xz") == "text" and format_of("a.vec") == "text"
    assert format_of("a.npz") == "native" and format_of("a.model") is None


_finite32 = st.integers(0, 2**32 - 1).map(lambda b: np.array([b], np.uint32).view(np.float32)[0]) \
    .filter(lambda f: np.isfinite(f))


@settings(deadline=None, max_examples=30)
@given(st.lists(_finite32, min_size=6, max_size=6), st.booleans())
def test_any_finite_float32_round_trips(tmp_path_factory, values, binary):
    path = tmp_path_factory.mktemp("rt") / ("v.bin" if binary else "v.txt")
    kv = KeyedVectors(np.array(values, dtype=np.float32).reshape(2, 3), ["x", "y"])
    kv.save_word2vec_format(path, binary=binary)
    assert same_bits(KeyedVectors.load_word2vec_format(path).vectors, kv.vectors)


# ------------------------------------------- records that do not fit (9.5b, 9.11b)
def _c_binary(keys, vectors, dim_in_header=None, count_in_header=None, newline=True):
    head = f"{count_in_header or len(keys)} {dim_in_header or vectors.shape[1]}\n".encode()
    end = b"\n" if newline else b""
    return head + b"".join(k.encode() + b" " + v.astype("<f4").tobytes() + end
                           for k, v in zip(keys, vectors))


_KEYS = ["the", "of", "and", "to", "in", "a", "is"]
_VECS = np.random.default_rng(7).standard_normal((7, 6)).astype(np.float32)


def _text_file():
    return b"7 6\n" + b"".join(k.encode() + b" " + " ".join(f"{x:.6f}" for x in v).encode() + b"\n"
                               for k, v in zip(_KEYS, _VECS))


@pytest.mark.parametrize("data, error, message", [
    (_text_file(), InputFileError, "word2vec text file, not binary"),
    (_c_binary(_KEYS, _VECS, dim_in_header=8), InputFileError,
     "header declares 7 words of 8 values.*they fit 6 values"),
    (_c_binary(_KEYS, _VECS, dim_in_header=5), InputFileError,
     "header declares 7 words of 5 values.*they fit 6 values"),
    (_c_binary(_KEYS, _VECS, count_in_header=9), TruncatedFileError, "ends inside record 7 of 9"),
    (_c_binary(_KEYS, _VECS, count_in_header=5), InputFileError, "data after the last of the 5"),
    (_c_binary(_KEYS, _VECS)[:-7], TruncatedFileError, "ends inside record 6 of 7"),
    (_c_binary(_KEYS, _VECS).replace(b"and ", b"a\tb "), InputFileError, "record 2 of 7"),
    (_c_binary(["a", "b"], np.array([[1, np.nan], [0, 1]])), InputFileError, "NaN or inf"),
])
def test_binary_records_that_do_not_fit_say_what_is_wrong(tmp_path, data, error, message):
    path = tmp_path / "v.bin"
    path.write_bytes(data)
    with pytest.raises(error, match=r"v\.bin( \(byte offset \d+\))?: .*" + message) as info:
        read_word2vec(path, binary=True)
    assert not isinstance(info.value, UnicodeDecodeError)


def test_text_file_named_bin_loads_when_the_flavour_is_not_forced(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(_text_file())
    keys, vectors = read_word2vec(path)
    assert keys == _KEYS and np.allclose(vectors, _VECS, atol=1e-6)


@pytest.mark.parametrize("newline", [True, False], ids=["C tool", "gensim"])
def test_binary_with_and_without_record_newlines_loads(tmp_path, newline):
    path = tmp_path / "v.bin"
    path.write_bytes(_c_binary(_KEYS, _VECS, newline=newline))
    keys, vectors = read_word2vec(path, binary=True)
    assert keys == _KEYS and same_bits(vectors, _VECS)


@pytest.mark.parametrize("name", ["v.bin", "v.txt"])
def test_bad_utf8_word_is_a_unicode_decode_error_naming_the_place(tmp_path, name):
    path = tmp_path / name
    KeyedVectors(_VECS, _KEYS).save_word2vec_format(path)
    path.write_bytes(path.read_bytes().replace(b"\nand ", b"\n\xffnd ", 1))
    with pytest.raises(UnicodeDecodeError) as info:
        read_word2vec(path)
    err = info.value
    assert isinstance(err, InputFileError) and err.path == str(path)
    place = r"(: line 4| \(byte offset \d+\))"
    assert re.search(re.escape(name) + place + ": word is not valid", str(err))
    keys, _ = read_word2vec(path, unicode_errors="replace")
    assert keys[2] == "\ufffdnd"


# ---------------------------------------------------------- int keys (9.6)
@pytest.mark.parametrize("binary", [True, False])
def test_int_keys_are_written_as_decimal_text(tmp_path, binary):
    path = tmp_path / "walks.w2v"
    write_word2vec(path, [5, np.int64(17), "x"], _VECS[:3], binary=binary)
    keys, vectors = read_word2vec(path, binary=binary)
    assert keys == ["5", "17", "x"] and same_bits(vectors, _VECS[:3])


def test_native_format_keeps_int_keys(tmp_path):
    write_native(tmp_path / "v.npz", [5, "x", 7], _VECS[:3])
    vectors, keys, _ = read_native(tmp_path / "v.npz")
    assert keys == [5, "x", 7] and [type(k) for k in keys] == [int, str, int]


@pytest.mark.parametrize("key", [1.5, True, None, b"bytes", "two words", ""])
def test_keys_word2vec_cannot_hold_are_refused(tmp_path, key):
    with pytest.raises(ParameterError, match="v.txt"):
        write_word2vec(tmp_path / "v.txt", ["ok", key], _VECS[:2])
    assert not (tmp_path / "v.txt").exists()


def test_non_finite_vectors_are_not_written(tmp_path):
    vectors = _VECS[:2].copy()
    vectors[1, 3] = np.inf
    with pytest.raises(ParameterError, match="row 1"):
        write_word2vec(tmp_path / "v.bin", ["a", "b"], vectors)


# ------------------------------------------------- gensim's file options (10)
def test_fvocab_writes_and_reads_counts_like_gensim(tmp_path):
    gensim = pytest.importorskip("gensim.models")
    kv = make_kv()
    kv.save_word2vec_format(tmp_path / "v.txt", fvocab=tmp_path / "vocab.txt", binary=False)
    first = (tmp_path / "vocab.txt").read_text().splitlines()[0]
    assert first == f"{kv.index_to_key[0]} {kv.counts[0]}"
    back = KeyedVectors.load_word2vec_format(tmp_path / "v.txt", fvocab=tmp_path / "vocab.txt")
    np.testing.assert_array_equal(back.counts, kv.counts)
    theirs = gensim.KeyedVectors.load_word2vec_format(tmp_path / "v.txt",
                                                      fvocab=str(tmp_path / "vocab.txt"))
    assert theirs.get_vecattr(kv.index_to_key[3], "count") == kv.counts[3]
    with pytest.raises(ParameterError, match="no"):
        make_kv(counts=False).save_word2vec_format(tmp_path / "w.txt", fvocab=tmp_path / "c.txt")


def test_no_header_and_write_header_match_gensim(tmp_path):
    gensim = pytest.importorskip("gensim.models")
    kv = make_kv(n=6)
    kv.save_word2vec_format(tmp_path / "glove.txt", binary=False, write_header=False)
    assert len((tmp_path / "glove.txt").read_text().splitlines()[0].split()) == 8
    back = KeyedVectors.load_word2vec_format(tmp_path / "glove.txt", no_header=True)
    assert back.index_to_key == kv.index_to_key and same_bits(back.vectors, kv.vectors)
    theirs = gensim.KeyedVectors.load_word2vec_format(tmp_path / "glove.txt", no_header=True)
    assert theirs.index_to_key == kv.index_to_key
    limited = KeyedVectors.load_word2vec_format(tmp_path / "glove.txt", no_header=True, limit=2)
    assert limited.index_to_key == kv.index_to_key[:2]
    with pytest.raises(ParameterError, match="text"):
        read_word2vec(tmp_path / "glove.txt", binary=True, no_header=True)


def test_total_vec_and_datatype(tmp_path):
    kv = make_kv(n=5)
    kv.save_word2vec_format(tmp_path / "v.bin", total_vec=5, binary=True)
    assert (tmp_path / "v.bin").read_bytes().startswith(b"5 7\n")
    keys, vectors = read_word2vec(tmp_path / "v.bin", datatype=np.float64, limit=3)
    assert vectors.dtype == np.float64 and keys == kv.index_to_key[:3]
    np.testing.assert_array_equal(vectors, kv.vectors[:3])
    with pytest.raises(ParameterError, match="total_vec"):
        kv.save_word2vec_format(tmp_path / "w.bin", total_vec=-1)


def test_gensim_reads_our_files_and_we_read_gensims(tmp_path):
    gensim = pytest.importorskip("gensim.models")
    kv = make_kv(n=9)
    for binary in (True, False):
        path = tmp_path / ("ours.bin" if binary else "ours.txt")
        kv.save_word2vec_format(path, binary=binary)
        theirs = gensim.KeyedVectors.load_word2vec_format(str(path), binary=binary)
        assert theirs.index_to_key == kv.index_to_key
        np.testing.assert_array_equal(theirs.vectors, kv.vectors)
        theirs.save_word2vec_format(str(tmp_path / "g.out"), binary=binary)
        back = KeyedVectors.load_word2vec_format(tmp_path / "g.out", binary=binary)
        assert back.index_to_key == kv.index_to_key
        np.testing.assert_allclose(back.vectors, kv.vectors, rtol=1e-6)


@pytest.mark.parametrize("name", ["v.bin.gz", "v.txt.bz2", "v.bin.xz"])
@pytest.mark.parametrize("damage, error", [
    (lambda raw: raw[: len(raw) * 2 // 3], TruncatedFileError),
    (lambda raw: raw[:-100] + bytes([raw[-100] ^ 0xFF]) + raw[-99:], InputFileError),
])
def test_damaged_compressed_vector_file_names_the_file(tmp_path, name, damage, error):
    path = tmp_path / name
    make_kv(n=400).save_word2vec_format(path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(error, match=re.escape(str(path))):
        KeyedVectors.load_word2vec_format(path)


def test_vectors_from_standard_input(monkeypatch):
    import io
    import sys
    data = _c_binary(_KEYS, _VECS)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    keys, vectors = read_word2vec("-", binary=True)
    assert keys == _KEYS and same_bits(vectors, _VECS)
    with pytest.raises(ParameterError, match="standard input"):
        read_word2vec("-")


def _gensim_test_data():
    try:
        from gensim.test.utils import datapath
    except ImportError:
        return []
    names = ["euclidean_vectors.bin", "high_precision.kv.bin", "poincare_vectors.bin",
             "high_precision.kv.txt", "toy-model.vec", "lee_fasttext.vec", "word2vec_pre_kv_c"]
    return [datapath(n) for n in names if os.path.exists(datapath(n))]


@pytest.mark.parametrize("path", _gensim_test_data(), ids=os.path.basename)
def test_gensims_test_files_load_as_gensim_loads_them_and_text_is_not_binary(path):
    gensim = pytest.importorskip("gensim.models")
    binary = path.endswith(".bin")
    theirs = gensim.KeyedVectors.load_word2vec_format(path, binary=binary)
    keys, vectors = read_word2vec(path)                   # flavour found from the content
    assert keys == [str(k) for k in theirs.index_to_key]
    np.testing.assert_allclose(vectors, theirs.vectors, rtol=1e-6)
    if not binary:
        with pytest.raises(InputFileError, match="word2vec text file, not binary"):
            read_word2vec(path, binary=True)


def test_a_non_float_datatype_is_refused_before_the_file_is_read(tmp_path):
    with pytest.raises(ParameterError, match="datatype must be a floating-point type, got int32"):
        KeyedVectors.load_word2vec_format(tmp_path / "does-not-exist.txt", datatype=np.int32)


def test_datatype_is_kept_without_a_float32_copy(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("2 3\na 1 2 3\nb 4 5 6\n")
    for dtype in (np.float16, np.float64):
        kv = KeyedVectors.load_word2vec_format(path, datatype=dtype)
        assert kv.vectors.dtype == dtype and kv["b"].tolist() == [4, 5, 6]
