"""The encoded corpus: int32 word ids with sentence ends, in memory or in a temporary file."""
import numpy as np

from .idfile import IdFile
from .text import IdSink


class EncodedCorpus:
    """Word ids of the vocabulary (rare words already removed) and sentence ends.

    ``sentence_ends[k]`` is the exclusive end of sentence k; a training window
    never reaches across one. The ids live in memory, or, past the memory
    budget, in a temporary file that training reads a block at a time
    (``read``), so a large corpus costs disk, not resident memory.
    ``close()`` removes that file.
    """

    def __init__(self, sentence_ends, raw_words, array=None, file=None, ends_sink=None):
        # an int64 array, or a read-only memmap of the ends' temporary file (file-backed pages)
        self.sentence_ends = sentence_ends if isinstance(sentence_ends, np.memmap) else \
            np.asarray(sentence_ends, dtype=np.int64)
        self._ends_sink = ends_sink          # an IdSink to close (it may own a file)
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
        so peak memory stays near one copy of the corpus. Sentence lengths are
        read a piece at a time too, and when the ids go to a temporary file, the
        ends go to one as well (a read-only memmap: file-backed pages, not
        anonymous memory), so memory does not grow with the number of sentences.
        """
        full = scan.compose(np.asarray(mapping, dtype=np.int32))
        kept_types = np.asarray(mapping) >= 0
        n_kept = int(scan.counts[kept_types].sum()) if kept_types.size else 0
        out = _IdWriter(n_kept, memory_budget_bytes)
        # the ends stay in memory with the ids, and go to a file with them
        ends = IdSink(memory_budget_bytes if out.array is not None else 0, dtype=np.int64)
        raw_ends = _RawEnds(scan.sentence_lengths)
        start = kept = last = 0
        try:
            for block in scan.sink.blocks(release=True):
                stop = start + block.shape[0]
                mapped = full[block]
                keep = mapped >= 0
                cum = np.cumsum(keep, dtype=np.int64) + kept
                here = raw_ends.upto(stop)                  # raw ends in (start, stop]
                here = here[here > start]                   # (0 at the start: empty sentences)
                new = cum[here - start - 1]
                new = new[np.diff(new, prepend=last) > 0]   # drop sentences left empty
                if new.size:
                    last = int(new[-1])
                    ends.append(new)
                kept += out.write(mapped[keep])
                start = stop
            if raw_ends.total != scan.total_words or raw_ends.upto(start).size:
                raise AssertionError("sentence lengths do not add up to the token count")
            if kept != n_kept:
                raise AssertionError("kept tokens differ from the counts")
            if ends.size == 0 or last != n_kept:
                ends.append(np.array([n_kept], dtype=np.int64))
        except BaseException:
            out.discard()
            ends.close()
            raise
        finally:
            scan.close()
        return cls(ends.finish(), scan.total_words, array=out.array, file=out.file,
                   ends_sink=ends)

    def close(self):
        self._array = np.empty(0, dtype=np.int32)
        if self._file is not None:
            self._file.close()
            self._file = None
        self.sentence_ends = np.zeros(1, dtype=np.int64)
        if self._ends_sink is not None:
            self._ends_sink.close()
            self._ends_sink = None
        self._n = 0


class _RawEnds:
    """The running sum of sentence lengths (raw sentence ends), read a piece at a time."""

    PIECE = 1 << 18

    def __init__(self, lengths):
        self.lengths = lengths
        self.read = 0                                   # lengths consumed
        self.total = 0                                  # raw end of the last one consumed
        self.pending = np.empty(0, dtype=np.int64)      # raw ends read, not yet handed out

    def upto(self, stop):
        """The raw ends <= ``stop`` not handed out yet (in order)."""
        n = self.lengths.shape[0]
        while (self.pending.size == 0 or self.pending[-1] <= stop) and self.read < n:
            piece = np.asarray(self.lengths[self.read:self.read + self.PIECE], dtype=np.int64)
            piece_ends = np.cumsum(piece) + self.total
            self.total = int(piece_ends[-1])
            self.read += piece.shape[0]
            self.pending = np.concatenate([self.pending, piece_ends])
        h = int(np.searchsorted(self.pending, stop, side="right"))
        out, self.pending = self.pending[:h], self.pending[h:]
        return out


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
