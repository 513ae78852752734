"""Spill files (numbaw2v-ids-*.i32, sentence lengths and ends *.i64) are removed on every
exit path; what is spilled reads back equal to what stays in memory."""
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
    # the ids and the sentence ends; the scan's sentence lengths are gone already
    assert m._encoded.on_disk and sorted(p[-4:] for p in tmpdir_spills()) == [".i32", ".i64"]
    assert isinstance(m._encoded.sentence_ends, np.memmap)
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



def test_int64_idfile_round_trip(tmpdir_spills):
    f = IdFile(np.int64)
    big = np.array([0, 2 ** 40, 5], dtype=np.int64)
    f.append(big)
    assert f.read(1, 3).tolist() == [2 ** 40, 5]
    assert f.memmap().tolist() == big.tolist() and tmpdir_spills()[0].endswith(".i64")
    f.close()
    assert tmpdir_spills() == []


@pytest.mark.parametrize("piece", [1, 3, 1 << 18])
def test_sentence_ends_on_disk_equal_those_in_memory(tmp_path, tmpdir_spills, monkeypatch,
                                                      piece):
    """Empty lines, lines left empty by min_count, a last line without newline; ids read
    in blocks of 4 and lengths in pieces of ``piece``: the same ends on disk and in memory."""
    from numbaw2v import encoded
    from numbaw2v.encoded import EncodedCorpus

    monkeypatch.setattr(encoded._RawEnds, "PIECE", piece)
    monkeypatch.setattr(text.IdFile, "blocks", lambda self, block=4: _blocks(self, 4))
    path = tmp_path / "c.txt"
    path.write_text("\n\na b c\nx\n\nb c a a\ny z\nc\n\na b")
    got = {}
    for budget in (0, 1 << 20):
        scan = text.scan_files([str(path)], budget)
        mapping = _vocabulary_ids(scan, min_count=2)
        enc = EncodedCorpus.from_scan(scan, mapping, budget)
        assert enc.on_disk == (budget == 0)
        got[budget] = (np.asarray(enc.sentence_ends).tolist(), enc.ids.tolist())
        enc.close()
    assert got[0] == got[1 << 20]
    ends, ids = got[0]
    assert ends == [3, 7, 8, 10] and len(ids) == 10
    assert tmpdir_spills() == []


def _blocks(f, block):
    f.end_writing()
    data = np.fromfile(f.path, dtype=f.dtype)
    for i in range(0, data.shape[0], block):
        yield data[i:i + block]


def test_training_from_disk_equals_training_in_memory(tmp_path, tmpdir_spills):
    """One thread, same seed: the ids and ends on disk (blocks of the ends sliced per block)
    train exactly the vectors that the in-memory corpus trains."""
    path = tmp_path / "c.txt"
    rng = np.random.default_rng(3)
    lines = [" ".join(f"w{int(x)}" for x in rng.zipf(1.5, size=rng.integers(0, 12)) % 40)
             for _ in range(400)]
    path.write_text("\n".join(lines) + "\n")
    kw = dict(SMALL, min_count=2)
    on_disk = Word2Vec(corpus_file=str(path), **kw)
    kw["corpus_memory_limit"] = 1 << 20
    in_memory = Word2Vec(corpus_file=str(path), **kw)
    assert on_disk._encoded.on_disk and not in_memory._encoded.on_disk
    np.testing.assert_array_equal(on_disk.wv.vectors, in_memory.wv.vectors)
    assert on_disk.corpus_count == in_memory.corpus_count
    del on_disk, in_memory
    assert tmpdir_spills() == []


@pytest.mark.parametrize("source", ["file", "iterable"])
def test_lengths_and_ends_follow_the_ids_to_disk(tmp_path, tmpdir_spills, source):
    """Five long lines: the ids (2,000 bytes) pass a 1,000-byte budget, the lengths (40 bytes)
    would not, yet go to disk with them, and so do the ends; equal to an in-memory run."""
    from numbaw2v.encoded import EncodedCorpus

    lines = [" ".join(f"w{(i * 7 + j) % 13}" for j in range(100)) for i in range(5)]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines) + "\n")
    got = []
    for budget in (1000, 1 << 20):
        scan = text.scan_files([str(path)], budget) if source == "file" else \
            text.scan_iterable([line.split() for line in lines], budget)
        spilled = budget == 1000
        assert (scan.sink.file is not None) == spilled
        assert isinstance(scan.sentence_lengths, np.memmap) == spilled
        mapping = _vocabulary_ids(scan, min_count=1)
        enc = EncodedCorpus.from_scan(scan, mapping, budget)
        assert isinstance(enc.sentence_ends, np.memmap) == spilled == enc.on_disk
        got.append(np.asarray(enc.sentence_ends).tolist())
        enc.close()
    assert got[0] == got[1] == [100, 200, 300, 400, 500]
    assert tmpdir_spills() == []


def _vocabulary_ids(scan, min_count):
    """The scan's provisional ids -> vocabulary ids (-1: dropped), as Word2Vec maps them."""
    from numbaw2v.vocab import prepare, raw_from_scan
    vocab = prepare(raw_from_scan(scan), min_count=min_count, sample=1e-3,
                    ns_exponent=0.75).vocab
    return vocab.ids_of(scan.types)
