"""File helpers shared by every module that reads or writes files.

- ``open_binary(path)``: read plain, .gz, .bz2 or .xz files by their extension
  (``"-"`` is standard input). A damaged or truncated compressed stream raises
  ``InputFileError`` / ``TruncatedFileError`` naming the file and the offset
  in the decompressed data, never a bare EOFError, zlib or LZMA error.
- ``open_compressed(path, mode, name=None)``: the one extension -> opener table,
  for reading and writing (``name`` picks the compression when ``path`` is a
  temporary file).
- ``atomic_output(path)``: write to a temporary file beside ``path`` and move it
  into place only when the block finishes without error, so a crash, Ctrl-C or
  power loss never leaves a half-written file under the final name.
- ``read_error(path, err, offset=None)``: the project's error for an exception
  raised while reading ``path`` (the one error path of every reader).
"""
import bz2
import contextlib
import errno
import glob
import gzip
import io
import lzma
import os
import sys
import tempfile
import zlib

from numbaw2v.errors import InputFileError, Numbaw2vError, OutputFileError, TruncatedFileError

COMPRESSORS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}
STDIN = "-"
_PART = ".part"
# what decompressors raise on damaged input (gzip.BadGzipFile and bz2's are OSError)
_DAMAGE = (zlib.error, lzma.LZMAError, gzip.BadGzipFile, OSError)


def compression_of(path):
    """The compression suffix of ``path`` ('.gz', '.bz2', '.xz', '.lzma') or ''."""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    return ext if ext in COMPRESSORS else ""


def open_compressed(path, mode="rb", name=None):
    """Open ``path`` with the (de)compressor its extension (or that of ``name``) asks for.

    A gzip stream records ``name`` (the final file name), not the temporary ``path``.
    """
    kind = compression_of(path if name is None else name)
    if kind == ".gz" and name is not None and mode in ("wb", "ab"):
        raw = open(path, mode)
        stream = gzip.GzipFile(os.path.basename(os.fspath(name)), mode=mode, fileobj=raw)
        stream.myfileobj = raw            # closed with the gzip stream
        return stream
    return COMPRESSORS.get(kind, open)(path, mode)


def read_error(path, err, offset=None):
    """The project's error for ``err``, raised while reading ``path`` at ``offset``.

    An end of data becomes ``TruncatedFileError``; decompression and OS errors
    become ``InputFileError``; the project's own errors pass through.
    """
    if isinstance(err, Numbaw2vError):
        return err
    if isinstance(err, EOFError):
        return TruncatedFileError(path, f"the file ends too early ({err})", offset=offset)
    if isinstance(err, OSError) and err.errno is not None and not isinstance(err, gzip.BadGzipFile):
        return InputFileError(path, f"cannot be read: {os.strerror(err.errno)}", offset=offset)
    reason = str(err) or type(err).__name__
    return InputFileError(path, f"damaged {compression_of(path) or 'compressed'} data ({reason})",
                          offset=offset)


class _CheckedRaw(io.RawIOBase):
    """A decompressing reader whose errors name the file and the offset reached."""

    def __init__(self, stream, path):
        self._stream, self._path, self._pos = stream, path, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            n = self._stream.readinto(buffer)
        except _DAMAGE + (EOFError,) as err:
            raise read_error(self._path, err, self._pos) from err
        self._pos += n
        return n

    def tell(self):
        return self._pos

    def close(self):
        if not self.closed:
            self._stream.close()
        super().close()


def open_binary(path):
    """Open ``path`` for reading bytes, decompressing by extension; ``"-"`` is standard input.

    Standard input is returned as its binary stream, which leaving a ``with``
    block does not close. A missing, unreadable or directory path raises
    ``FileNotFoundError``/``PermissionError``/``IsADirectoryError`` naming it.
    """
    path = os.fspath(path)
    if path == STDIN:
        return _stdin()
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a directory, not a file")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise PermissionError(f"{path}: not readable")
    if not compression_of(path):
        return open(path, "rb")
    if os.path.getsize(path) == 0:      # gzip would read it as empty data
        raise TruncatedFileError(path, f"empty file: not even the start of a "
                                 f"{compression_of(path)} stream", offset=0)
    return io.BufferedReader(_CheckedRaw(open_compressed(path, "rb"), path), 1 << 16)


def _stdin():
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    # a wrapper that shares the descriptor without owning it: closing it leaves stdin open
    return open(stream.fileno(), "rb", closefd=False) if _has_fileno(stream) else _Unclosed(stream)


def _has_fileno(stream):
    try:
        stream.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return False
    return True


class _Unclosed(io.BufferedIOBase):
    """A reader over a stream without a descriptor (a test's stdin) that never closes it."""

    def __init__(self, stream):
        super().__init__()
        self._inner = stream

    def readable(self):
        return True

    def read(self, size=-1):
        return self._inner.read(size)

    read1 = read

    def readline(self, size=-1):
        return self._inner.readline(size)

    def close(self):
        pass


def part_pattern(path):
    """Glob pattern of the temporary files :func:`atomic_output` makes for ``path``."""
    path = os.path.abspath(os.fspath(path))
    name = glob.escape(os.path.basename(path))
    return os.path.join(glob.escape(os.path.dirname(path)), f".{name}.*{_PART}")


@contextlib.contextmanager
def atomic_output(path):
    """Yield a temporary path in the target's directory; rename it to ``path`` on success.

    The file's data is flushed to disk (fsync) before the rename and the
    directory after it, so a power loss leaves the old file or the new one.
    On any exception (KeyboardInterrupt included) the temporary file is removed
    and ``path`` is left as it was; temporary files a killed earlier save left
    for ``path`` are removed first. A failure raises ``OutputFileError``
    naming ``path``, not the temporary file.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        for stale in glob.glob(part_pattern(path)):
            remove_quietly(stale)
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=_PART,
                                   dir=directory)
        os.close(fd)
    except OSError as err:
        raise _output_error(path, err) from err
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600 files; give the usual mode
        _fsync_path(tmp)
        _fsync_path(directory)
        os.replace(tmp, path)
        _fsync_path(directory)
    except BaseException as err:
        remove_quietly(tmp)
        if _about_output(err, (tmp, path, directory)):
            raise _output_error(path, err, tmp) from err
        raise


def _about_output(err, names):
    """True for an OS error in writing the output (not one naming some other file)."""
    return (isinstance(err, OSError) and not isinstance(err, Numbaw2vError)
            and (err.filename is None or not isinstance(err.filename, (str, bytes, os.PathLike))
                 or os.fspath(err.filename) in names))


def _output_error(path, err, tmp=None):
    reason = os.strerror(err.errno) if err.errno else str(err).replace(tmp or path, path)
    if os.path.isdir(path):
        reason = "is a directory"
    return OutputFileError(f"{path}: cannot be written ({reason})")


def _fsync_path(path):
    """Flush a file's or a directory's data to disk (directories: where the OS allows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if os.path.isdir(path):
            return              # some systems do not open directories
        raise
    try:
        os.fsync(fd)
    except OSError as err:
        if not os.path.isdir(path) or err.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_quietly(path):
    """Delete a file if it is there; a file already gone is not an error."""
    with contextlib.suppress(OSError):
        os.remove(path)
