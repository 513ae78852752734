"""The encoded corpus: int32 word ids with sentence ends, in memory or in a temporary file."""
import os
import tempfile

import numpy as np

from .fileio import remove_quietly


class EncodedCorpus:
    """Word ids of the vocabulary (rare words already removed) and sentence ends.

    ``sentence_ends[k]`` is the exclusive end of sentence k; a training window
    never reaches across one. The ids live in memory, or, past the memory
    budget, in a temporary file that training reads a block at a time
    (``read``), so a large corpus costs disk, not resident memory.
    ``close()`` removes that file.
    """

    def __init__(self, sentence_ends, raw_words, array=None, path=None, n_words=None):
        self.sentence_ends = np.asarray(sentence_ends, dtype=np.int64)
        self.raw_words = int(raw_words)      # tokens before rare words were dropped
        self._array = array
        self._path = path
        self._n = int(array.shape[0] if array is not None else n_words)

    @property
    def n_words(self):
        return self._n

    @property
    def n_sentences(self):
        return int(self.sentence_ends.shape[0])

    @property
    def on_disk(self):
        return self._path is not None

    @property
    def ids(self):
        """All ids: the array, or a read-only memmap of the file (for inspection)."""
        if self._array is not None:
            return self._array
        if self._n == 0:
            return np.empty(0, dtype=np.int32)
        return np.memmap(self._path, dtype=np.int32, mode="r", shape=(self._n,))

    def read(self, start, stop):
        """ids[start:stop] as an in-memory int32 array."""
        if self._array is not None:
            return self._array[start:stop]
        with open(self._path, "rb") as f:
            f.seek(4 * start)
            return np.fromfile(f, dtype=np.int32, count=stop - start)

    @classmethod
    def from_scan(cls, scan, mapping, memory_budget_bytes):
        """Map provisional ids through ``mapping`` (-1 drops a word) and fix sentence ends.

        The scan's ids are consumed block by block and released as they go, and
        the output is allocated once at its final size (known from the counts),
        so peak memory stays near one copy of the corpus.
        """
        full = scan.compose(np.asarray(mapping, dtype=np.int32))
        kept_types = np.asarray(mapping) >= 0
        n_kept = int(scan.counts[kept_types].sum()) if kept_types.size else 0
        raw_ends = np.cumsum(scan.sentence_lengths)
        if raw_ends.size and raw_ends[-1] != scan.total_words:
            raise AssertionError("sentence lengths do not add up to the token count")
        out = _IdWriter(n_kept, memory_budget_bytes)
        new_ends = np.zeros(raw_ends.shape[0], dtype=np.int64)
        start = kept = 0
        for block in scan.sink.blocks(release=True):
            stop = start + block.shape[0]
            mapped = full[block]
            keep = mapped >= 0
            cum = np.cumsum(keep, dtype=np.int64) + kept
            lo = np.searchsorted(raw_ends, start + 1, side="left")   # ends inside (start, stop]
            hi = np.searchsorted(raw_ends, stop, side="right")
            new_ends[lo:hi] = cum[raw_ends[lo:hi] - start - 1]
            kept += out.write(mapped[keep])
            start = stop
        scan.close()
        if kept != n_kept:
            raise AssertionError("kept tokens differ from the counts")
        nonempty = np.diff(new_ends, prepend=0) > 0
        ends = new_ends[nonempty]
        if ends.size == 0 or ends[-1] != n_kept:
            ends = np.append(ends, n_kept).astype(np.int64)
        array, path = out.finish()
        return cls(ends, scan.total_words, array=array, path=path, n_words=n_kept)

    def close(self):
        self._array = np.empty(0, dtype=np.int32)
        if self._path is not None:
            remove_quietly(self._path)
            self._path = None
        self._n = 0


class _IdWriter:
    """Receives the ids in order: into one preallocated array, or appended to a temporary file."""

    def __init__(self, n, memory_budget_bytes):
        self.filled = 0
        self.array = self.file = self.path = None
        if n * 4 <= memory_budget_bytes:
            self.array = np.empty(n, dtype=np.int32)
        else:
            fd, self.path = tempfile.mkstemp(prefix="numbaw2v-ids-", suffix=".i32")
            self.file = os.fdopen(fd, "wb")

    def write(self, ids):
        if self.array is not None:
            self.array[self.filled:self.filled + ids.shape[0]] = ids
        else:
            np.ascontiguousarray(ids, dtype=np.int32).tofile(self.file)
        self.filled += ids.shape[0]
        return ids.shape[0]

    def finish(self):
        if self.file is not None:
            self.file.close()
        return self.array, self.path
