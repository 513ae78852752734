"""File helpers shared by every module that reads or writes files.

- ``open_binary(path)``: read plain, .gz, .bz2 or .xz files by their extension.
- ``atomic_output(path)``: write to a temporary file beside ``path`` and move it
  into place only when the block finishes without error, so a crash or Ctrl-C
  never leaves a half-written file under the final name.
"""
import bz2
import contextlib
import gzip
import lzma
import os
import tempfile

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}


def compression_of(path):
    """The compression suffix of ``path`` ('.gz', '.bz2', '.xz', '.lzma') or ''."""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    return ext if ext in _OPENERS else ""


def open_binary(path):
    """Open ``path`` for reading bytes, decompressing by extension.

    Raises ``FileNotFoundError``/``IsADirectoryError``/``PermissionError`` naming the path.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a directory, not a file")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise PermissionError(f"{path}: not readable")
    opener = _OPENERS.get(compression_of(path), open)
    return opener(path, "rb")


@contextlib.contextmanager
def atomic_output(path):
    """Yield a temporary path in the target's directory; rename it to ``path`` on success.

    On any exception (KeyboardInterrupt included) the temporary file is removed
    and ``path`` is left as it was.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".part",
                               dir=directory)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600 files; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_quietly(path):
    """Delete a file if it is there; a file already gone is not an error."""
    with contextlib.suppress(OSError):
        os.remove(path)
