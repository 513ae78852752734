"""Corpus shards: which bytes of which file each partition of the cluster reads.

A *piece* is a whole file or a byte range ``[start, stop)`` of a plain-text file.
A byte range owns the lines that *start* inside it: the reader skips the tail of a
line begun before ``start`` and finishes the line that holds byte ``stop - 1``.
Consecutive ranges therefore hand out every line exactly once, whatever the cut
points. Compressed files cannot be entered in the middle, so each is one piece.

Paths are local paths, globs or fsspec URLs (``s3://``, ``gs://``, ``hdfs://``,
``memory://``, ...): every worker must be able to open them.
"""
from dataclasses import dataclass

from ..fileio import compression_of
from ..text import BLOCK_BYTES, whitespace_pieces

_GLOB = set("*?[")
_COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".lzma": "lzma"}


@dataclass(frozen=True)
class Piece:
    """Bytes ``[start, stop)`` of ``url``; ``stop`` None means to the end (a whole file)."""
    url: str
    start: int = 0
    stop: int = None
    size: int = 0            # bytes on storage (for balancing)

    def __str__(self):
        return self.url if self.stop is None else f"{self.url}[{self.start}:{self.stop}]"


def expand(paths):
    """The files named by ``paths`` (paths, globs or URLs), globs sorted; each with its size.

    Raises FileNotFoundError naming a path or glob that matches nothing.
    """
    import fsspec
    if isinstance(paths, str):
        paths = [paths]
    out = []
    for given in paths:
        fs, path = fsspec.core.url_to_fs(str(given))
        names = sorted(fs.glob(path)) if _GLOB & set(path) else [path]
        if not names or not all(fs.isfile(n) for n in names):
            missing = given if not names else next(n for n in names if not fs.isfile(n))
            raise FileNotFoundError(f"corpus: {missing}: no such file")
        out.extend((fs.unstrip_protocol(n) if "://" in str(given) else n, int(fs.size(n)))
                   for n in names)
    if not out:
        raise ValueError("corpus: no files given")
    return out


def split_range(size, parts):
    """Cut ``[0, size)`` into ``parts`` contiguous ranges of nearly equal length."""
    parts = max(1, min(int(parts), max(int(size), 1)))
    cuts = [size * i // parts for i in range(parts + 1)]
    return [(cuts[i], cuts[i + 1]) for i in range(parts) if cuts[i + 1] > cuts[i]] or [(0, 0)]


def plan(paths, partitions, pieces_per_partition=2):
    """Pieces of the corpus ``paths``, in corpus order, and their assignment to partitions.

    Plain files larger than the target piece (total bytes / (partitions x
    ``pieces_per_partition``)) are split by byte ranges; compressed files are
    one piece each. Returns a list of ``partitions`` lists of pieces (contiguous
    runs, balanced by bytes); partitions left without a piece are dropped.
    """
    files = expand(paths)
    total = sum(size for _, size in files)
    target = max(1, total // max(1, partitions * pieces_per_partition))
    pieces = []
    for url, size in files:
        if compression_of(url) or size <= target:
            pieces.append(Piece(url, 0, None, size))
        else:
            pieces.extend(Piece(url, a, b, b - a) for a, b in split_range(size, -(-size // target)))
    return assign(pieces, partitions)


def assign(pieces, partitions):
    """Contiguous runs of ``pieces`` for each partition, by the midpoint of each piece's bytes."""
    total = sum(max(p.size, 1) for p in pieces)
    groups = [[] for _ in range(max(1, partitions))]
    before = 0
    for p in pieces:
        size = max(p.size, 1)
        k = min(len(groups) - 1, int(len(groups) * (before + size / 2) / total))
        groups[k].append(p)
        before += size
    return [g for g in groups if g]


def _open(url):
    import fsspec
    kind = compression_of(url)
    return fsspec.open(url, "rb", compression=_COMPRESSION.get(kind)).open()


def _raw_blocks(piece):
    """The bytes of ``piece``'s lines (see the module docstring), in blocks."""
    with _open(piece.url) as f:
        if piece.stop is None:
            while True:
                data = f.read(BLOCK_BYTES)
                if not data:
                    return
                yield data
        start, stop = piece.start, piece.stop
        if start > 0:
            f.seek(start - 1)
            if f.read(1) != b"\n":
                f.readline()             # the tail of a line that belongs to the range before
        pos = f.tell()
        while pos < stop:                # the line holding byte pos starts in range
            data = f.read(max(BLOCK_BYTES, 1))
            if not data:
                return
            end = pos + len(data)
            if end >= stop:
                nl = data.find(b"\n", max(stop - 1 - pos, 0))
                if nl >= 0:
                    yield data[: nl + 1]
                    return
                yield data
                rest = f.readline()       # finish the line that holds byte stop - 1
                if rest:
                    yield rest
                return
            yield data
            pos = end


def piece_blocks(piece):
    """Blocks of ``piece``'s text, each ending at whitespace (the last at its end)."""
    return whitespace_pieces(_raw_blocks(piece))


def piece_bytes(piece):
    """All of a piece's bytes (for tests and small inputs)."""
    return b"".join(_raw_blocks(piece))
