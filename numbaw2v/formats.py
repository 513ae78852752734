"""The word2vec file formats and numbaw2v's native vectors format.

Files:

- word2vec binary (``.bin``): a header line ``"V d\\n"``, then for each word its
  UTF-8 bytes, one space, d little-endian float32 values and (as the C tool
  writes; gensim omits it) a newline.
- word2vec text (``.txt``/``.vec``): the same header, then ``word v1 ... vd``
  per line, each value written with 9 significant digits, which is enough
  for float32 to come back bit for bit. ``no_header`` files (GloVe) lack the
  header line.
- word counts (``fvocab``, the C tool's ``-save-vocab``): ``word count`` per line.
- native (``.npz``): the matrix, the words (UTF-8 bytes plus offsets) and the
  counts, in a NumPy archive read with ``allow_pickle=False``.

Any of them may be compressed (``.gz``, ``.bz2``, ``.xz``). Writing is atomic.
Reading checks every record: a file that ends early raises
``TruncatedFileError`` (an ``EOFError`` and a ``ValueError``), a damaged one
``InputFileError`` naming the file and the line (text), record number and byte
offset (binary) or member (native) at fault; a binary file whose records do
not fit the header's dimension says so (and which dimension they do fit). Under
``unicode_errors='strict'`` a word that is not valid in the encoding raises
``WordDecodeError``, which is also a ``UnicodeDecodeError``. Values that are
not finite (NaN, inf) are refused on reading and on writing.
"""
import io
import logging
import os
import re
import zipfile

import numpy as np

from numbaw2v.errors import (InputFileError, ParameterError, TruncatedFileError,
                             WordDecodeError)
from numbaw2v.fileio import (STDIN, atomic_output, compression_of, open_binary, open_compressed,
                             read_error)

logger = logging.getLogger(__name__)

_BINARY_EXTS = {".bin"}
_TEXT_EXTS = {".txt", ".vec", ".w2v"}
_NATIVE_EXTS = {".npz"}
_NATIVE_VERSION = 1
_BLOCK = 1 << 20
_MAX_WORD = 4096                          # bytes; the C tool's own limit is 100
_NOT_IN_WORDS = re.compile(rb"[\t\n\r\x00 ]")  # bytes no word2vec word contains


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


# ------------------------------------------------------------------ writing
def write_word2vec(path, keys, vectors, binary=None, write_header=True, total_vec=None):
    """Write ``keys`` and their rows of ``vectors`` in the word2vec binary or text format.

    ``binary=None`` picks binary for a ``.bin`` name and text otherwise.
    Keys may be str or int (written as decimal text). ``write_header=False``
    leaves out the ``"V d"`` line (GloVe-style text); ``total_vec`` overrides V
    in the header. A ``.gz``/``.bz2``/``.xz`` suffix compresses the output. The
    file appears under its name only once completely written.
    """
    words = _word_texts(path, keys)
    vectors = np.asarray(vectors)
    _check_finite(path, vectors)
    total = len(words) if total_vec is None else _count_param("total_vec", total_vec)
    if binary is None:
        binary = format_of(path) == "binary"
    writer = _write_binary_body if binary else _write_text_body
    with atomic_output(path) as tmp:
        with open_compressed(tmp, "wb", name=path) as fout:
            if write_header:
                fout.write(f"{total} {vectors.shape[1]}\n".encode("ascii"))
            writer(fout, words, vectors)


def write_word_counts(path, keys, counts):
    """Write the C tool's vocabulary file: ``word count`` per line, atomically."""
    words = _word_texts(path, keys)
    lines = "".join(f"{w} {int(c)}\n" for w, c in zip(words, np.asarray(counts).tolist()))
    with atomic_output(path) as tmp:
        with open_compressed(tmp, "wb", name=path) as fout:
            fout.write(lines.encode("utf8"))


def _word_texts(path, keys):
    """The text of each key (ints as decimal); words that word2vec cannot hold are refused."""
    words = [k if isinstance(k, str) else _int_text(path, k) for k in keys]
    bad = next((w for w in words if not w or _NOT_IN_WORDS.search(w.encode("utf8"))), None)
    if bad is not None:
        raise ParameterError(f"{path}: the word {bad!r} cannot be stored in word2vec format "
                             "(empty or containing whitespace)")
    return words


def _int_text(path, key):
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return str(int(key))
    raise ParameterError(f"{path}: keys must be str or int, got {type(key).__name__} {key!r}")


def _count_param(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ParameterError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def _check_finite(path, vectors):
    if vectors.size and not np.all(np.isfinite(vectors)):
        row = int(np.flatnonzero(~np.isfinite(vectors).all(axis=1))[0])
        raise ParameterError(f"{path}: refusing to write vectors with NaN or inf values "
                             f"(first in row {row}); the training diverged or the data is bad")


# ------------------------------------------------------------------ reading
def read_word2vec(path, binary=None, limit=None, encoding="utf8", unicode_errors="strict",
                  datatype=np.float32, no_header=False):
    """Read a word2vec binary or text file (optionally compressed): (keys, vectors).

    ``binary=None`` reads ``.txt``/``.vec`` names as text and otherwise tells
    the flavour from the first record (so a text file named ``.bin`` loads
    too); ``binary=True`` on a text file raises an error saying so. ``limit`` reads only the first
    words; ``datatype`` is the dtype of the returned vectors; ``no_header`` reads
    a text file without the ``"V d"`` line. Errors: see the module docstring.
    """
    path = os.fspath(path)
    limit = None if limit is None else _count_param("limit", limit)
    if no_header:
        if binary:
            raise ParameterError(f"{path}: no_header=True works only with the text format")
        binary = False
    elif binary is None:
        if path == STDIN:
            raise ParameterError("reading vectors from standard input needs binary=True or False")
        binary = format_of(path) != "text" and _looks_binary(path)
    with open_binary(path) as fin:
        try:
            if no_header:
                keys, vectors = _read_text_body(fin, path, None, None, encoding, unicode_errors,
                                                limit=limit, first_line=1)
            else:
                count, dim = _read_header(fin, path)
                if limit is not None:
                    count = min(count, limit)
                reader = _read_binary_body if binary else _read_text_body
                keys, vectors = reader(fin, path, count, dim, encoding, unicode_errors,
                                       limit=limit)
        except (OSError, EOFError) as err:
            raise read_error(path, err) from err
    keys, vectors = _drop_duplicates(keys, vectors, path)
    return keys, vectors.astype(datatype, copy=False)


def read_word_counts(path, keys, encoding="utf8", unicode_errors="strict"):
    """Counts of ``keys`` from a ``word count`` file (int64; -1 for a word it lacks)."""
    path = os.fspath(path)
    found = {}
    with open_binary(path) as fin:
        for line_no, raw in enumerate(fin, start=1):
            fields = raw.split()
            if not fields:
                continue
            if len(fields) != 2 or not fields[1].isdigit():
                raise InputFileError(path, "expected 'word count'", line=line_no)
            try:
                word = fields[0].decode(encoding, unicode_errors)
            except UnicodeDecodeError as err:
                raise WordDecodeError(path, err, line=line_no) from None
            found.setdefault(word, int(fields[1]))
    return np.array([found.get(k, -1) for k in keys], dtype=np.int64)


def write_native(path, keys, vectors, counts=None):
    """Write the native ``.npz`` format: vectors, words and counts, without pickle.

    Int keys are stored as their decimal text with a flag, and read back as ints.
    """
    _check_finite(path, np.asarray(vectors))
    is_int = np.array([not isinstance(k, str) for k in keys], dtype=bool)
    blob, offsets = _pack_keys(_word_texts_any(path, keys))
    arrays = {"format_version": np.array([_NATIVE_VERSION], dtype=np.int64),
              "vectors": vectors, "keys_utf8": blob, "key_offsets": offsets}
    if is_int.any():
        arrays["int_keys"] = is_int
    if counts is not None:
        arrays["counts"] = counts
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as fout:
            np.savez(fout, **arrays)


def map_npz_member(path, member, mode="r"):
    """Memory-map the array ``member`` of an uncompressed ``.npz`` archive (``np.memmap``).

    ``np.savez`` stores members uncompressed, so an array's bytes lie in the file as
    they are: this finds where and maps them with ``mode`` (``np.load``'s
    ``mmap_mode``: 'r', 'r+', 'c'). Raises ValueError for a compressed member.
    """
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member + ".npy")
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"member {member!r} is compressed and cannot be memory-mapped")
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            raise ValueError(f"damaged zip header of member {member!r}")
        f.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little")
               + int.from_bytes(local[28:30], "little"))
        version = np.lib.format.read_magic(f)
        readers = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}
        if version not in readers:
            raise ValueError(f"member {member!r} has .npy format version {version}")
        shape, fortran, dtype = readers[version](f)
        offset = f.tell()
    if dtype.hasobject:
        raise ValueError(f"member {member!r} holds Python objects")
    return np.memmap(path, dtype=dtype, mode=mode, offset=offset, shape=shape,
                     order="F" if fortran else "C")


class _MappedVectors:
    """A read-only view of an archive whose ``vectors`` member is memory-mapped."""

    def __init__(self, archive, path, mode):
        self.archive, self.path, self.mode = archive, path, mode
        self.files = archive.files

    def __getitem__(self, name):
        if name == "vectors":
            return map_npz_member(self.path, name, self.mode)
        return self.archive[name]


def read_native(path, mmap=None):
    """Read a file written by :func:`write_native`: (vectors, keys, counts or None).

    ``mmap`` ('r', 'r+', 'c' as ``np.load``'s ``mmap_mode``) memory-maps the vectors
    of an uncompressed file instead of reading them.
    """
    path = os.fspath(path)
    if mmap is not None and compression_of(path):
        raise InputFileError(path, f"cannot memory-map a compressed file (mmap={mmap!r}): "
                                   "load it with mmap=None or decompress it")
    if mmap is not None:
        return _checked_native(path, lambda: np.load(path, allow_pickle=False),
                               lambda archive: _MappedVectors(archive, path, mmap))
    with open_binary(path) as fin:
        try:
            data = fin.read()
        except OSError as err:
            raise read_error(path, err) from err
    return _checked_native(path, lambda: np.load(io.BytesIO(data), allow_pickle=False),
                           lambda archive: archive)


def _checked_native(path, open_archive, view):
    """(vectors, keys, counts) of the archive ``open_archive()`` opens, read through ``view``;
    any damage becomes one InputFileError naming ``path``."""
    try:
        with open_archive() as archive:
            vectors, keys, counts = _native_members(view(archive))
    except InputFileError:
        raise
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except Exception as err:  # zipfile, EOF, format and decoding errors alike
        if isinstance(err, MemoryError):
            raise
        raise InputFileError(path, f"not a valid numbaw2v vectors file ({err})") from err
    problem = _native_problem(vectors, keys, counts)
    if problem:
        raise InputFileError(path, f"not a valid numbaw2v vectors file ({problem})")
    return vectors, keys, counts


def _native_members(archive):
    members = set(archive.files)
    missing = {"vectors", "keys_utf8", "key_offsets"} - members
    if missing:
        raise ValueError(f"missing member(s) {', '.join(sorted(missing))}")
    version = int(archive["format_version"][0]) if "format_version" in members else 1
    if version > _NATIVE_VERSION:
        raise ValueError(f"format version {version} is newer than this numbaw2v reads")
    vectors = archive["vectors"]
    keys = _unpack_keys(archive["keys_utf8"], archive["key_offsets"])
    if "int_keys" in members:
        flags = archive["int_keys"]
        if flags.shape != (len(keys),):
            raise ValueError("int_keys does not match the words")
        keys = [int(k) if flag else k for k, flag in zip(keys, flags.tolist())]
    counts = archive["counts"] if "counts" in members else None
    return vectors, keys, counts


def _native_problem(vectors, keys, counts):
    """What is wrong with the arrays of a native file, or '' when nothing is."""
    if vectors.ndim != 2 or vectors.dtype.kind != "f":
        return f"vectors must be a 2-D float array, found {vectors.dtype} {vectors.shape}"
    if vectors.shape[0] != len(keys):
        return f"{len(keys)} words but {vectors.shape[0]} vectors"
    if not np.all(np.isfinite(vectors)):
        return "the vectors hold NaN or inf values"
    if counts is not None and (counts.shape != (len(keys),) or counts.dtype.kind not in "iu"):
        return f"counts must be {len(keys)} integers, found {counts.dtype} {counts.shape}"
    return ""


def _word_texts_any(path, keys):
    return [k if isinstance(k, str) else _int_text(path, k) for k in keys]


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


# ------------------------------------------------------------ word2vec bodies
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
        raise InputFileError(path, f"expected a header 'words dimensions', found {shown!r}",
                             line=1) from None
    return count, dim


def _looks_binary(path):
    """Guess the word2vec flavour of ``path`` from its first record."""
    with open_binary(path) as fin:
        try:
            _, dim = _read_header(fin, path)
            first = fin.readline(64 * 1024)
        except (OSError, EOFError) as err:
            raise read_error(path, err) from err
    return not _is_text_record(first, dim)


def _is_text_record(line, dim):
    try:
        parts = line.decode("utf8", "replace").split()
        np.array(parts[1:], dtype=np.float32)
    except (UnicodeDecodeError, ValueError):
        return False
    return len(parts) == dim + 1


class _Records:
    """The body of a binary file, read in blocks; ``buf[pos:]`` is not yet parsed."""

    def __init__(self, fin, start):
        self.fin, self.buf, self.pos, self.start, self.eof = fin, b"", 0, start, False

    def want(self, n):
        """Make at least ``n`` unparsed bytes available, unless the file ends first."""
        while len(self.buf) - self.pos < n and not self.eof:
            more = self.fin.read(max(_BLOCK, n))
            self.eof = not more
            self.start += self.pos
            self.buf, self.pos = self.buf[self.pos:] + more, 0
        return len(self.buf) - self.pos >= n

    @property
    def offset(self):
        return self.start + self.pos


def _read_binary_body(fin, path, count, dim, encoding, errors, limit=None):
    width = 4 * dim
    keys, data = [], bytearray()
    body = _Records(fin, fin.tell() if fin.seekable() else len(f"{count} {dim}\n"))
    newline = None        # records end with "\n" (C tool) or not (gensim): set by the first
    while len(keys) < count:
        record, offset = len(keys), body.offset
        body.want(_MAX_WORD + 2 + width)
        buf, pos = body.buf, body.pos
        space = buf.find(b" ", pos, pos + _MAX_WORD + 2)
        end = space + 1 + width
        if space < 0 or end > len(buf):
            if body.eof and (space >= 0 or len(buf) - pos <= _MAX_WORD):
                raise _binary_misfit(path, count, dim, record, offset, truncated=True)
            raise _binary_misfit(path, count, dim, record, offset)
        word = buf[pos + 1 if buf[pos:pos + 1] == b"\n" else pos:space]
        if not word or _NOT_IN_WORDS.search(word):
            raise _binary_misfit(path, count, dim, record, offset)
        if newline is None:
            newline = buf[end:end + 1] == b"\n"
        if newline:
            if buf[end:end + 1] not in (b"\n", b"") or (buf[end:end + 1] == b"" and not body.eof):
                raise _binary_misfit(path, count, dim, record, offset)
            end += 1
        try:
            keys.append(word.decode(encoding, errors))
        except UnicodeDecodeError as err:
            misfit = _binary_misfit(path, count, dim, record, offset)
            if misfit.fits_header:
                raise WordDecodeError(path, err, offset=offset) from None
            raise misfit from None
        data += buf[space + 1:space + 1 + width]
        body.pos = end
    if limit is None and body.want(1) and body.buf[body.pos:].strip():
        raise _binary_misfit(path, count, dim, count, body.offset, trailing=True)
    vectors = np.frombuffer(bytes(data), dtype="<f4").reshape(len(keys), dim)
    _check_read_finite(path, vectors, lambda row: f"record {row}")
    return keys, vectors.astype(np.float32)


def _binary_misfit(path, count, dim, record, offset, truncated=False, trailing=False):
    """The error for a binary record that does not parse, saying what is really wrong.

    The first records are re-read to tell a wrong dimension in the header or a
    text file read as binary from damage at this record.
    """
    head = _body_head(path)
    fits = head is None or _parsed(head, dim, min(count, record + 3), skip_decode=record) >= 0
    where = f"record {record} of {count}"
    if head is not None and _is_text_record(head.split(b"\n", 1)[0] + b"\n", dim):
        err = InputFileError(path, "this is a word2vec text file, not binary: load it with "
                             "binary=False (or name it .txt)", offset=offset)
    elif fits and truncated:
        err = TruncatedFileError(path, f"the file ends inside {where} "
                                 f"({count} words of {dim} float32 values declared)",
                                 offset=offset)
    elif fits and trailing:
        err = InputFileError(path, f"data after the last of the {count} records the header "
                             "declares (is the word count in the header wrong?)", offset=offset)
    elif fits:
        err = InputFileError(path, f"{where} is damaged: expected a word, a space and {dim} "
                             "float32 values", offset=offset)
    else:
        others = _fitting_dims(head, count, range(1, 4097)) if head is not None else []
        hint = (f"; they fit {others[0]} values: the header's dimension is wrong" if others
                else "; the file is damaged or not word2vec binary")
        err = InputFileError(path, f"the header declares {count} words of {dim} values, but the "
                             f"records do not fit {dim} float32 values ({where}){hint}",
                             offset=offset)
    err.fits_header = fits
    return err


def _body_head(path, size=1 << 16):
    """The first bytes after the header line (None when they cannot be read again)."""
    if path == STDIN:
        return None
    try:
        with open_binary(path) as fin:
            fin.readline(1024)
            return fin.read(size)
    except (OSError, EOFError, InputFileError):
        return None


def _fitting_dims(head, count, dims, records=3):
    """Which of ``dims`` all the first few binary records in ``head`` fit."""
    wanted = min(count, records)
    return [d for d in dims if _parsed(head, d, wanted) == wanted]


def _parsed(head, dim, records, skip_decode=-1):
    """How many of the first ``records`` records of ``head`` parse with ``dim`` (-1: one fails).

    Records cut off by the end of ``head`` are not counted against ``dim``; the
    word of record ``skip_decode`` need not be valid UTF-8 (it is the one in question).
    """
    pos, newline = 0, None
    for done in range(records):
        space = head.find(b" ", pos, pos + _MAX_WORD + 2)
        end = space + 1 + 4 * dim
        if space < 0 or end > len(head):
            return done if len(head) - pos <= _MAX_WORD + 1 + 4 * dim else -1
        word = head[pos:space]
        if not word or _NOT_IN_WORDS.search(word) or not (done == skip_decode or _decodes(word)):
            return -1
        if newline is None:
            newline = head[end:end + 1] == b"\n"
        if newline and head[end:end + 1] not in (b"\n", b""):
            return -1
        pos = end + newline
    return records


def _decodes(word):
    try:
        word.decode("utf8")
    except UnicodeDecodeError:
        return False
    return True


def _read_text_body(fin, path, count, dim, encoding, errors, limit=None, first_line=2):
    """Text records from line ``first_line`` on; ``count=None`` reads to the end (no header)."""
    keys, blocks, tokens = [], [], []
    block_line = lineno = first_line
    wanted = count if count is not None else limit
    for lineno, line in enumerate(fin, start=first_line):
        if wanted is not None and len(keys) >= wanted:
            break
        if not line.endswith(b"\n"):
            raise TruncatedFileError(path, "the file ends inside this line (no line end): "
                                     "it was cut short", line=lineno)
        word, _, rest = line.rstrip().partition(b" ")
        values = rest.split()
        if dim is None:
            dim = len(values)
        if len(values) != dim or not word or dim == 0:
            raise InputFileError(path, f"expected a word and {dim} values, "
                                 f"found {len(values) + bool(word)} fields", line=lineno)
        try:
            keys.append(word.decode(encoding, errors))
        except UnicodeDecodeError as err:
            raise WordDecodeError(path, err, line=lineno) from None
        tokens.extend(values)
        if len(tokens) >= (1 << 20):
            blocks.append(_parse_floats(tokens, dim, path, block_line))
            tokens, block_line = [], lineno + 1
    if count is not None and len(keys) < count:
        raise TruncatedFileError(path, f"the file ends early, after {len(keys)} of the {count} "
                                 "vectors declared in the header", line=first_line + len(keys))
    if dim is None:
        raise InputFileError(path, "no vectors found")
    blocks.append(_parse_floats(tokens, dim, path, block_line))
    vectors = np.concatenate(blocks).reshape(len(keys), dim)
    _check_read_finite(path, vectors, lambda row: f"line {first_line + row}")
    return keys, vectors


def _parse_floats(tokens, dim, path, first_line):
    try:
        return np.array(tokens, dtype=np.float32).reshape(-1, dim)
    except ValueError:
        for i, tok in enumerate(tokens):
            try:
                float(tok)
            except ValueError:
                raise InputFileError(path, f"value {i % dim + 1} is not a number: {tok[:40]!r}",
                                     line=first_line + i // dim) from None
        raise


def _check_read_finite(path, vectors, place):
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise InputFileError(path, f"{place(row)}: a value is NaN or inf (damaged file?)")


def _drop_duplicates(keys, vectors, path):
    """Keep the first occurrence of a word that a file repeats (as the C tools do)."""
    unique = dict.fromkeys(keys)
    if len(unique) == len(keys):
        return keys, vectors
    first = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
    rows = np.fromiter(first.values(), dtype=np.int64)
    logger.warning("%s: %d repeated words; keeping the first vector of each", path,
                   len(keys) - len(rows))
    return list(first), vectors[rows]
