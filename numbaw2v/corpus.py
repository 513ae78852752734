"""The encoded corpus: int32 word ids with sentence ends, in memory or memory-mapped."""
import os

import numpy as np

from .text import IdSink

_BLOCK = 1 << 24


class EncodedCorpus:
    """Word ids of the vocabulary (rare words already removed) and sentence ends.

    ``sentence_ends[k]`` is the exclusive end of sentence k in ``ids``; a
    training window never reaches across one. ``ids`` is a memmap of a
    temporary file when the corpus exceeded the memory budget; ``close()``
    removes that file.
    """

    def __init__(self, ids, sentence_ends, raw_words):
        self.ids = ids
        self.sentence_ends = np.asarray(sentence_ends, dtype=np.int64)
        self.raw_words = int(raw_words)      # tokens before rare words were dropped

    @property
    def n_words(self):
        return int(self.ids.shape[0])

    @property
    def n_sentences(self):
        return int(self.sentence_ends.shape[0])

    @classmethod
    def from_scan(cls, scan, mapping, memory_budget_bytes):
        """Map provisional ids through ``mapping`` (-1 drops a word) and fix sentence ends."""
        raw_ends = np.cumsum(scan.sentence_lengths)
        if raw_ends.size and raw_ends[-1] != scan.total_words:
            raise AssertionError("sentence lengths do not add up to the token count")
        sink = IdSink(memory_budget_bytes)
        new_ends = np.zeros(raw_ends.shape[0], dtype=np.int64)
        kept_before = 0
        n = scan.total_words
        for start in range(0, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            mapped = mapping[scan.ids[start:stop]]
            keep = mapped >= 0
            cum = np.cumsum(keep, dtype=np.int64) + kept_before
            lo = np.searchsorted(raw_ends, start + 1, side="left")   # ends inside (start, stop]
            hi = np.searchsorted(raw_ends, stop, side="right")
            new_ends[lo:hi] = cum[raw_ends[lo:hi] - start - 1]
            kept_before = int(cum[-1]) if cum.size else kept_before
            sink.append(mapped[keep])
        ids = sink.finish()
        nonempty = np.diff(new_ends, prepend=0) > 0
        ends = new_ends[nonempty]
        if ends.size == 0 or ends[-1] != ids.shape[0]:
            ends = np.append(ends, ids.shape[0]).astype(np.int64)
        return cls(ids, ends, n)

    def close(self):
        discard(self.ids)
        self.ids = np.empty(0, dtype=np.int32)


def discard(ids):
    """Remove the spill file behind a memory-mapped id array (no-op for in-memory arrays)."""
    path = getattr(ids, "filename", None)
    if path and os.path.basename(path).startswith("numbaw2v-ids-"):
        try:
            os.remove(path)
        except OSError:
            pass
