"""int32 word ids (or int64 sentence lengths and ends) in a temporary file: the one place
numbaw2v spills arrays to disk.

The file (``numbaw2v-ids-*.i32``, ``numbaw2v-ids-*.i64`` in the temporary directory) is
removed by
``close()``, when its ``IdFile`` is garbage-collected, and at interpreter exit,
so a failed scan, Ctrl-C or a full disk leaves nothing behind.
"""
import os
import tempfile
import weakref

import numpy as np

from .fileio import remove_quietly


class IdFile:
    """An append-only int32 (or ``dtype``) array on disk: ``append``, then
    ``read``/``blocks``/``memmap``."""

    def __init__(self, dtype=np.int32):
        self.dtype = np.dtype(dtype)
        fd, self.path = tempfile.mkstemp(prefix="numbaw2v-ids-",
                                         suffix=f".{self.dtype.kind}{8 * self.dtype.itemsize}")
        self._remove = weakref.finalize(self, remove_quietly, self.path)
        self._file = os.fdopen(fd, "wb")
        self.size = 0

    def append(self, ids):
        """Write ids (any integer array) at the end; returns how many."""
        ids = np.ascontiguousarray(ids, dtype=self.dtype)
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
            f.seek(self.dtype.itemsize * start)
            return np.fromfile(f, dtype=self.dtype, count=stop - start)

    def blocks(self, block=1 << 20):
        """Yield the ids in order, ``block`` at a time."""
        self.end_writing()
        with open(self.path, "rb") as f:
            for start in range(0, self.size, block):
                yield np.fromfile(f, dtype=self.dtype, count=min(block, self.size - start))

    def memmap(self):
        """A read-only memory map of all ids (for inspection and small tests)."""
        self.end_writing()
        if self.size == 0:
            return np.empty(0, dtype=self.dtype)
        return np.memmap(self.path, dtype=self.dtype, mode="r", shape=(self.size,))

    def close(self):
        """Close and remove the file (idempotent)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._remove()
