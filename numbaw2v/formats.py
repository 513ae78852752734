"""The word2vec file formats and numbaw2v's native vectors format.

Files:

- word2vec binary (``.bin``): a header line ``"V d\\n"``, then for each word its
  UTF-8 bytes, one space, d little-endian float32 values and a newline.
- word2vec text (``.txt``/``.vec``): the same header, then ``word v1 ... vd``
  per line, each value written with 9 significant digits, which is enough
  for float32 to come back bit for bit.
- native (``.npz``): the matrix, the words (UTF-8 bytes plus offsets) and the
  counts, in a NumPy archive read with ``allow_pickle=False``.

Any of them may be compressed (``.gz``, ``.bz2``, ``.xz``). Writing is atomic;
a truncated or damaged file raises ``ValueError`` naming the file and the
line (text), word number and byte offset (binary) or member (native) at fault.
"""
import bz2
import gzip
import io
import logging
import lzma
import os

import numpy as np

from numbaw2v.fileio import atomic_output, compression_of, open_binary

logger = logging.getLogger(__name__)

_BINARY_EXTS = {".bin"}
_TEXT_EXTS = {".txt", ".vec", ".w2v"}
_NATIVE_EXTS = {".npz"}
_WRITERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}
_NATIVE_VERSION = 1


def format_of(path):
    """The storage format of ``path`` by its extension: 'binary', 'text', 'native' or None.

    A compression suffix is looked through: ``vectors.bin.gz`` is 'binary'.
    """
    path = os.fspath(path)
    comp = compression_of(path)
    if comp:
        path = path[: -len(comp)]
    ext = os.path.splitext(path)[1].lower()
    if ext in _BINARY_EXTS:
        return "binary"
    if ext in _TEXT_EXTS:
        return "text"
    if ext in _NATIVE_EXTS:
        return "native"
    return None


def write_word2vec(path, keys, vectors, binary=True):
    """Write ``keys`` and their rows of ``vectors`` in the word2vec binary or text format.

    A ``.gz``/``.bz2``/``.xz`` suffix compresses the output. The file appears
    under its name only once completely written.
    """
    bad = next((k for k in keys if not k or any(c in k for c in " \t\n\r")), None)
    if bad is not None:
        raise ValueError(f"{path}: the word {bad!r} cannot be stored in word2vec format "
                         "(empty or containing whitespace)")
    writer = _write_binary_body if binary else _write_text_body
    with atomic_output(path) as tmp:
        opener = _WRITERS.get(compression_of(path), open)
        with opener(tmp, "wb") as fout:
            fout.write(f"{len(keys)} {vectors.shape[1]}\n".encode("ascii"))
            writer(fout, keys, vectors)


def read_word2vec(path, binary=None, limit=None, encoding="utf8", unicode_errors="strict"):
    """Read a word2vec binary or text file (optionally compressed): (keys, float32 vectors).

    ``binary=None`` picks the format by extension (.bin binary; .txt/.vec text)
    and otherwise by looking at the first record. ``limit`` reads only the first
    words. A truncated or damaged file raises ValueError naming the place.
    """
    path = os.fspath(path)
    if binary is None:
        kind = format_of(path)
        binary = kind == "binary" if kind in ("binary", "text") else _looks_binary(path)
    with open_binary(path) as fin:
        count, dim = _read_header(fin, path)
        if limit is not None:
            count = min(count, max(0, int(limit)))
        reader = _read_binary_body if binary else _read_text_body
        keys, vectors = reader(fin, path, count, dim, encoding, unicode_errors)
    return _drop_duplicates(keys, vectors, path)


def write_native(path, keys, vectors, counts=None):
    """Write the native ``.npz`` format: vectors, words and counts, without pickle."""
    blob, offsets = _pack_keys(keys)
    arrays = {"format_version": np.array([_NATIVE_VERSION], dtype=np.int64),
              "vectors": vectors, "keys_utf8": blob, "key_offsets": offsets}
    if counts is not None:
        arrays["counts"] = counts
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as fout:
            np.savez(fout, **arrays)


def read_native(path):
    """Read a file written by :func:`write_native`: (vectors, keys, counts or None)."""
    path = os.fspath(path)
    with open_binary(path) as fin:
        data = fin.read()
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            members = set(archive.files)
            missing = {"vectors", "keys_utf8", "key_offsets"} - members
            if missing:
                raise ValueError(f"missing member(s) {', '.join(sorted(missing))}")
            version = int(archive["format_version"][0]) if "format_version" in members else 1
            if version > _NATIVE_VERSION:
                raise ValueError(f"format version {version} is newer than this numbaw2v reads")
            vectors = archive["vectors"]
            keys = _unpack_keys(archive["keys_utf8"], archive["key_offsets"])
            counts = archive["counts"] if "counts" in members else None
    except Exception as err:  # zipfile, EOF, format and decoding errors alike
        if isinstance(err, (KeyboardInterrupt, MemoryError)):
            raise
        raise ValueError(f"{path}: not a valid numbaw2v vectors file ({err})") from err
    return vectors, keys, counts


def _pack_keys(keys):
    encoded = [k.encode("utf8") for k in keys]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _unpack_keys(blob, offsets):
    raw = np.ascontiguousarray(blob, dtype=np.uint8).tobytes()
    offsets = np.asarray(offsets, dtype=np.int64)
    if offsets.ndim != 1 or len(offsets) == 0 or offsets[0] != 0 or offsets[-1] != len(raw) \
            or np.any(np.diff(offsets) < 0):
        raise ValueError("word offsets do not match the stored words")
    bounds = offsets.tolist()
    return [raw[a:b].decode("utf8") for a, b in zip(bounds[:-1], bounds[1:])]


def _write_binary_body(fout, keys, vectors):
    rows = vectors.astype("<f4", copy=False)
    for start in range(0, len(keys), 4096):
        block = rows[start:start + 4096]
        fout.write(b"".join(k.encode("utf8") + b" " + r.tobytes() + b"\n"
                            for k, r in zip(keys[start:start + 4096], block)))


def _write_text_body(fout, keys, vectors):
    fmt = " ".join(["%.9g"] * vectors.shape[1])
    for start in range(0, len(keys), 4096):
        block = vectors[start:start + 4096].tolist()
        lines = [k + " " + (fmt % tuple(r)) for k, r in zip(keys[start:start + 4096], block)]
        fout.write(("\n".join(lines) + "\n").encode("utf8"))


def _read_header(fin, path):
    line = fin.readline(1024)
    parts = line.split()
    try:
        if len(parts) != 2:
            raise ValueError
        count, dim = int(parts[0]), int(parts[1])
        if count < 0 or dim < 1:
            raise ValueError
    except ValueError:
        shown = line[:60].decode("utf8", "replace").rstrip("\n")
        raise ValueError(f"{path}: line 1: expected a header 'words dimensions', found {shown!r}") from None
    return count, dim


def _looks_binary(path):
    """Guess the word2vec flavour of ``path`` from its first record."""
    with open_binary(path) as fin:
        _, dim = _read_header(fin, path)
        first = fin.readline(64 * 1024)
    try:
        parts = first.decode("utf8").split()
        np.array(parts[1:], dtype=np.float32)
    except (UnicodeDecodeError, ValueError):
        return True
    return len(parts) != dim + 1


def _read_binary_body(fin, path, count, dim, encoding, errors):
    width = 4 * dim
    keys = []
    data = bytearray()
    buf = b""
    pos = 0           # position of the next record within buf
    consumed = 0      # bytes of the body before buf
    header_len = fin.tell() if hasattr(fin, "tell") else 0
    eof = False
    while len(keys) < count:
        space = buf.find(b" ", pos)
        if space < 0 or len(buf) - space - 1 < width:
            if eof:
                offset = header_len + consumed + pos
                raise ValueError(
                    f"{path}: truncated binary data at word {len(keys)} (byte offset {offset}): "
                    f"the header declares {count} vectors of {dim} dimensions")
            consumed += pos
            more = fin.read(1 << 20)
            eof = not more
            buf = buf[pos:] + more
            pos = 0
            continue
        word = buf[pos:space].lstrip(b"\n")
        try:
            keys.append(word.decode(encoding, errors))
        except UnicodeDecodeError as err:
            offset = header_len + consumed + pos
            raise ValueError(f"{path}: word {len(keys)} (byte offset {offset}) is not valid "
                             f"{encoding}: {err.reason}") from None
        data += buf[space + 1:space + 1 + width]
        pos = space + 1 + width
    vectors = np.frombuffer(bytes(data), dtype="<f4").reshape(len(keys), dim)
    return keys, vectors.astype(np.float32)


def _read_text_body(fin, path, count, dim, encoding, errors):
    keys = []
    blocks = []
    tokens = []
    first_line = 2
    for lineno in range(2, count + 2):
        line = fin.readline()
        if not line:
            raise ValueError(f"{path}: line {lineno}: unexpected end of file after {lineno - 2} "
                             f"of {count} vectors declared in the header")
        word, _, rest = line.rstrip().partition(b" ")
        values = rest.split()
        if len(values) != dim or not word:
            raise ValueError(f"{path}: line {lineno}: expected a word and {dim} values, "
                             f"found {len(values) + bool(word)} fields")
        try:
            keys.append(word.decode(encoding, errors))
        except UnicodeDecodeError as err:
            raise ValueError(f"{path}: line {lineno}: word is not valid {encoding}: {err.reason}") from None
        tokens.extend(values)
        if len(tokens) >= (1 << 20):
            blocks.append(_parse_floats(tokens, dim, path, first_line))
            tokens, first_line = [], lineno + 1
    blocks.append(_parse_floats(tokens, dim, path, first_line))
    vectors = np.concatenate(blocks) if blocks else np.zeros((0, dim), np.float32)
    return keys, vectors.reshape(len(keys), dim)


def _parse_floats(tokens, dim, path, first_line):
    try:
        return np.array(tokens, dtype=np.float32).reshape(-1, dim)
    except ValueError:
        for i, tok in enumerate(tokens):
            try:
                float(tok)
            except ValueError:
                raise ValueError(f"{path}: line {first_line + i // dim}: value {i % dim + 1} "
                                 f"is not a number: {tok[:40]!r}") from None
        raise


def _drop_duplicates(keys, vectors, path):
    """Keep the first occurrence of a word that a file repeats (as the C tools do)."""
    unique = dict.fromkeys(keys)
    if len(unique) == len(keys):
        return keys, vectors
    first = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
    rows = np.fromiter(first.values(), dtype=np.int64)
    logger.warning("%s: %d repeated words; keeping the first vector of each", path, len(keys) - len(rows))
    return list(first), vectors[rows]
