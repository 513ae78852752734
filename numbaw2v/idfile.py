"""int32 word ids in a temporary file: the one place numbaw2v spills ids to disk.

The file (``numbaw2v-ids-*.i32`` in the temporary directory) is removed by
``close()``, when its ``IdFile`` is garbage-collected, and at interpreter exit,
so a failed scan, Ctrl-C or a full disk leaves nothing behind.
"""
import os
import tempfile
import weakref

import numpy as np

from .fileio import remove_quietly


class IdFile:
    """An append-only int32 array on disk: ``append``, then ``read``/``blocks``/``memmap``."""

    def __init__(self):
        fd, self.path = tempfile.mkstemp(prefix="numbaw2v-ids-", suffix=".i32")
        self._remove = weakref.finalize(self, remove_quietly, self.path)
        self._file = os.fdopen(fd, "wb")
        self.size = 0

    def append(self, ids):
        """Write ids (any integer array) at the end; returns how many."""
        ids = np.ascontiguousarray(ids, dtype=np.int32)
        self._write(ids)
        self.size += ids.shape[0]
        return ids.shape[0]

    def _write(self, ids):
        ids.tofile(self._file)

    def end_writing(self):
        """Flush and close the writer; reading needs it."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def read(self, start, stop):
        """ids[start:stop] as an in-memory array (plain reads: no pages stay mapped)."""
        self.end_writing()
        with open(self.path, "rb") as f:
            f.seek(4 * start)
            return np.fromfile(f, dtype=np.int32, count=stop - start)

    def blocks(self, block=1 << 20):
        """Yield the ids in order, ``block`` at a time."""
        self.end_writing()
        with open(self.path, "rb") as f:
            for start in range(0, self.size, block):
                yield np.fromfile(f, dtype=np.int32, count=min(block, self.size - start))

    def memmap(self):
        """A read-only memory map of all ids (for inspection and small tests)."""
        self.end_writing()
        if self.size == 0:
            return np.empty(0, dtype=np.int32)
        return np.memmap(self.path, dtype=np.int32, mode="r", shape=(self.size,))

    def close(self):
        """Close and remove the file (idempotent)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._remove()
