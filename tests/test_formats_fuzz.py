"""Fuzz every file reader with random bytes, truncations and bit flips.

Each reader either returns what was written (or, for damage that no format can
notice such as a flipped bit inside a float, finite data of the right shape), or
raises one of the project's errors (``Numbaw2vError``). Any other exception, a
hang or NaN from a file that had none fails the test.
"""
import bz2
import contextlib
import gzip
import lzma
import os
import signal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from numbaw2v import fileio, text
from numbaw2v.errors import Numbaw2vError
from numbaw2v.formats import read_native, read_word2vec, write_native, write_word2vec

KEYS = ["the", "naïve", "日本", "x", "walk"]
VECTORS = np.random.default_rng(11).standard_normal((5, 4)).astype(np.float32)
CORPUS = b"".join(b"a line of words number %d\n" % i for i in range(200))
COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _written(tmp_path_factory):
    root = tmp_path_factory.mktemp("originals")
    files = {}
    for name, binary in (("v.bin", True), ("v.txt", False), ("v.bin.gz", True)):
        write_word2vec(root / name, KEYS, VECTORS, binary=binary)
        files[name] = (root / name).read_bytes()
    write_native(root / "v.npz", KEYS, VECTORS)
    files["v.npz"] = (root / "v.npz").read_bytes()
    return files


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    return _written(tmp_path_factory)


@contextlib.contextmanager
def time_limit(seconds=10):
    """Fail instead of hanging (SIGALRM; the suite runs readers in the main thread)."""
    def expired(*_):
        raise AssertionError(f"a reader ran for more than {seconds} s")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def mutate(data, how, draw):
    if how == "truncate":
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "flip":
        flipped = bytearray(data)
        for _ in range(draw(st.integers(1, 3))):
            flipped[draw(st.integers(0, len(data) - 1))] ^= 1 << draw(st.integers(0, 7))
        return bytes(flipped)
    return draw(st.binary(max_size=400))


VECTOR_READERS = {
    "v.bin": lambda p: read_word2vec(p, binary=True),
    "v.txt": lambda p: read_word2vec(p, binary=False),
    "v.bin.gz": lambda p: read_word2vec(p),
    "v.npz": lambda p: read_native(p)[1::-1],
}


@FUZZ
@given(data=st.data(), name=st.sampled_from(sorted(VECTOR_READERS)),
       how=st.sampled_from(["truncate", "flip", "random"]))
def test_vector_readers_load_or_raise_the_projects_error(tmp_path, originals, data, name, how):
    damaged = mutate(originals[name], how, data.draw)
    path = tmp_path / name
    path.write_bytes(damaged)
    try:
        with time_limit():
            keys, vectors = VECTOR_READERS[name](path)
    except Numbaw2vError:
        return
    assert np.all(np.isfinite(vectors)), "NaN or inf from a file that had none"
    assert vectors.ndim == 2 and vectors.shape[0] == len(keys)
    if how == "truncate":          # a cut file may only load if nothing was lost
        assert keys == KEYS and np.array_equal(vectors, VECTORS)


@FUZZ
@given(data=st.data(), ext=st.sampled_from(sorted(COMPRESS)),
       how=st.sampled_from(["truncate", "flip", "random"]))
def test_compressed_corpora_read_whole_or_raise_the_projects_error(tmp_path, data, ext, how):
    damaged = mutate(COMPRESS[ext](CORPUS), how, data.draw)
    path = tmp_path / ("corpus.txt" + ext)
    path.write_bytes(damaged)
    try:
        with time_limit():
            with fileio.open_binary(path) as fin:
                got = fin.read()
    except Numbaw2vError as err:
        assert str(path) in str(err)
        return
    if how == "truncate":
        assert got == CORPUS


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), ext=st.sampled_from(sorted(COMPRESS)))
def test_scanning_a_damaged_compressed_corpus_raises_the_projects_error(tmp_path, data, ext):
    raw = COMPRESS[ext](CORPUS)
    path = tmp_path / ("corpus.txt" + ext)
    path.write_bytes(mutate(raw, "truncate", data.draw))
    with time_limit(), pytest.raises(Numbaw2vError, match="corpus.txt"):
        text.scan_files([str(path)], 1 << 20)
