"""The encoded corpus: int32 word ids with sentence ends, in memory or memory-mapped."""
import os
import tempfile

import numpy as np

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
        ids = allocate_ids(n_kept, memory_budget_bytes)
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
            survivors = mapped[keep]
            ids[kept:kept + survivors.shape[0]] = survivors
            kept += survivors.shape[0]
            start = stop
        scan.close()
        if kept != n_kept:
            raise AssertionError("kept tokens differ from the counts")
        nonempty = np.diff(new_ends, prepend=0) > 0
        ends = new_ends[nonempty]
        if ends.size == 0 or ends[-1] != n_kept:
            ends = np.append(ends, n_kept).astype(np.int64)
        return cls(ids, ends, scan.total_words)

    def close(self):
        discard(self.ids)
        self.ids = np.empty(0, dtype=np.int32)


def allocate_ids(n, memory_budget_bytes):
    """An int32 array of n ids: in memory, or a memmap of a temporary file past the budget."""
    if n * 4 <= memory_budget_bytes:
        return np.empty(n, dtype=np.int32)
    fd, path = tempfile.mkstemp(prefix="numbaw2v-ids-", suffix=".i32")
    os.close(fd)
    return np.memmap(path, dtype=np.int32, mode="w+", shape=(max(n, 1),))[:n]


def discard(ids):
    """Remove the spill file behind a memory-mapped id array (no-op for in-memory arrays)."""
    path = getattr(ids, "filename", None)
    if path and os.path.basename(path).startswith("numbaw2v-ids-"):
        try:
            os.remove(path)
        except OSError:
            pass
