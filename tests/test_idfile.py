"""Spill files (numbaw2v-ids-*.i32) are removed on every exit path."""
import errno
import tempfile

import numpy as np
import pytest

from numbaw2v import Word2Vec, text
from numbaw2v.idfile import IdFile

SMALL = dict(vector_size=8, window=2, min_count=1, epochs=1, workers=1, seed=7, progress=False,
             corpus_memory_limit=0)          # every id goes to a spill file


@pytest.fixture
def tmpdir_spills(tmp_path, monkeypatch):
    """A private TMPDIR; returns a function listing the spill files in it."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return lambda: sorted(p.name for p in tmp_path.glob("numbaw2v-ids-*"))


def corpus_file(tmp_path, lines=300):
    path = tmp_path / "corpus.txt"
    path.write_text("the cat sat on the mat\n" * lines)
    return str(path)


def test_idfile_round_trip_and_close(tmpdir_spills):
    f = IdFile()
    f.append(np.arange(10))
    f.append(np.array([7, 8], dtype=np.int64))
    assert f.read(9, 12).tolist() == [9, 7, 8]
    assert np.concatenate(list(f.blocks(5))).tolist() == list(range(10)) + [7, 8]
    assert len(tmpdir_spills()) == 1
    f.close()
    f.close()
    assert tmpdir_spills() == []


def test_a_dropped_idfile_removes_its_file(tmpdir_spills):
    f = IdFile()
    f.append(np.arange(3))
    del f
    assert tmpdir_spills() == []


def test_spills_are_removed_after_training_and_close(tmp_path, tmpdir_spills):
    path = corpus_file(tmp_path)
    m = Word2Vec(corpus_file=path, **SMALL)
    assert m._encoded.on_disk and len(tmpdir_spills()) == 1
    del m
    assert tmpdir_spills() == []


def test_disk_full_during_the_scan_leaves_no_spill(tmp_path, tmpdir_spills, monkeypatch):
    path = corpus_file(tmp_path)

    def full(self, ids):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(IdFile, "_write", full)
    with pytest.raises(OSError, match="No space left"):
        Word2Vec(corpus_file=path, **SMALL)
    assert tmpdir_spills() == []


@pytest.mark.parametrize("error", [KeyboardInterrupt, UnicodeError])
def test_an_interrupted_or_failed_file_scan_leaves_no_spill(tmp_path, tmpdir_spills,
                                                            monkeypatch, error):
    path = corpus_file(tmp_path, lines=2000)
    real = text.ByteTypeTable.tokenize
    calls = []

    def tokenize(self, body, pending):
        calls.append(1)
        if len(calls) == 2:
            assert tmpdir_spills(), "the test needs a spill file to exist by now"
            raise error("stop")
        return real(self, body, pending)

    monkeypatch.setattr(text, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(text.ByteTypeTable, "tokenize", tokenize)
    with pytest.raises(error):
        Word2Vec(corpus_file=path, **SMALL)
    assert tmpdir_spills() == []


def test_an_interrupted_sentence_scan_leaves_no_spill(tmpdir_spills, monkeypatch):
    monkeypatch.setattr(text, "BATCH_TOKENS", 8)

    def sentences():
        for _ in range(20):
            yield ["a", "b", "c", "d"]
        assert tmpdir_spills()
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Word2Vec(sentences(), **SMALL)
    assert tmpdir_spills() == []


def test_a_vocabulary_error_after_the_scan_leaves_no_spill(tmp_path, tmpdir_spills):
    path = corpus_file(tmp_path)
    with pytest.raises(RuntimeError):
        Word2Vec(corpus_file=path, **{**SMALL, "min_count": 10 ** 6})
    assert tmpdir_spills() == []

