"""The encoded corpus: int32 word ids with sentence ends, in memory or in a temporary file."""
import numpy as np

from .idfile import IdFile


class EncodedCorpus:
    """Word ids of the vocabulary (rare words already removed) and sentence ends.

    ``sentence_ends[k]`` is the exclusive end of sentence k; a training window
    never reaches across one. The ids live in memory, or, past the memory
    budget, in a temporary file that training reads a block at a time
    (``read``), so a large corpus costs disk, not resident memory.
    ``close()`` removes that file.
    """

    def __init__(self, sentence_ends, raw_words, array=None, file=None):
        self.sentence_ends = np.asarray(sentence_ends, dtype=np.int64)
        self.raw_words = int(raw_words)      # tokens before rare words were dropped
        self._array = array
        self._file = file                    # an IdFile when the ids live on disk
        self._n = int(array.shape[0] if array is not None else file.size)

    @property
    def n_words(self):
        return self._n

    @property
    def n_sentences(self):
        return int(self.sentence_ends.shape[0])

    @property
    def on_disk(self):
        return self._file is not None

    @property
    def ids(self):
        """All ids: the array, or a read-only memmap of the file (for inspection)."""
        if self._array is not None:
            return self._array
        return self._file.memmap()

    def read(self, start, stop):
        """ids[start:stop] as an in-memory int32 array."""
        if self._array is not None:
            return self._array[start:stop]
        return self._file.read(start, stop)

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
        try:
            for block in scan.sink.blocks(release=True):
                stop = start + block.shape[0]
                mapped = full[block]
                keep = mapped >= 0
                cum = np.cumsum(keep, dtype=np.int64) + kept
                lo = np.searchsorted(raw_ends, start + 1, side="left")  # ends in (start, stop]
                hi = np.searchsorted(raw_ends, stop, side="right")
                new_ends[lo:hi] = cum[raw_ends[lo:hi] - start - 1]
                kept += out.write(mapped[keep])
                start = stop
        except BaseException:
            out.discard()
            raise
        finally:
            scan.close()
        if kept != n_kept:
            raise AssertionError("kept tokens differ from the counts")
        nonempty = np.diff(new_ends, prepend=0) > 0
        ends = new_ends[nonempty]
        if ends.size == 0 or ends[-1] != n_kept:
            ends = np.append(ends, n_kept).astype(np.int64)
        return cls(ends, scan.total_words, array=out.array, file=out.file)

    def close(self):
        self._array = np.empty(0, dtype=np.int32)
        if self._file is not None:
            self._file.close()
            self._file = None
        self._n = 0


class _IdWriter:
    """Receives the ids in order: into one preallocated array, or appended to an IdFile."""

    def __init__(self, n, memory_budget_bytes):
        self.filled = 0
        self.array = self.file = None
        if n * 4 <= memory_budget_bytes:
            self.array = np.empty(n, dtype=np.int32)
        else:
            self.file = IdFile()

    def write(self, ids):
        if self.array is not None:
            self.array[self.filled:self.filled + ids.shape[0]] = ids
        else:
            self.file.append(ids)
        self.filled += ids.shape[0]
        return ids.shape[0]

    def discard(self):
        if self.file is not None:
            self.file.close()
