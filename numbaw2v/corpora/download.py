"""Safe downloads: stream to ``<file>.part``, resume, verify, then rename.

The final name only ever holds a complete, verified file.  While a download
runs, bytes go to ``<dest>.part``; after a cut the next attempt asks the
server for the rest with an HTTP ``Range`` request (a server that answers 200
instead of 206 is handled by starting again from byte 0).  When the transfer
is complete the digest is checked; a mismatch deletes the ``.part`` file and
raises :class:`ChecksumError`.  Only then is the file renamed into place.

Errors say what to do: :class:`OfflineError` (a ``ConnectionError``) names the
URL and the exact path where a hand-downloaded copy should go;
:class:`HTTPStatusError` names the URL and the HTTP status.
"""
import contextlib
import hashlib
import http.client
import os
import shutil
import socket
import tarfile
import tempfile
import urllib.error
import urllib.request
import warnings
import zipfile

from tqdm.auto import tqdm

CHUNK = 1 << 16
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
USER_AGENT = "numbaw2v-corpora/1"


class DownloadError(OSError):
    """A download did not produce a verified file."""


class OfflineError(DownloadError, ConnectionError):
    """The server could not be reached (no network, DNS failure, refused, timed out)."""


class HTTPStatusError(DownloadError):
    """The server answered with an error status (404 and the like)."""

    def __init__(self, url, status, reason=""):
        self.url = url
        self.status = status
        super().__init__(f"{url}: HTTP {status} {reason}".rstrip())


class ChecksumError(DownloadError, ValueError):
    """The downloaded bytes do not have the published digest."""


class _Cut(Exception):
    """The connection broke in the middle of a body (internal: triggers a resume)."""


# ---------------------------------------------------------------- digests

def file_digest(path, algorithm="sha256"):
    """Hex digest of a file, read in chunks."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(path, *, sha256=None, md5=None, source=None):
    """Check ``path`` against the expected digest; return the sha256 actually found.

    Raises :class:`ChecksumError` naming ``source`` (a URL or path), the expected
    and the actual digest.  With neither digest given, warns with the sha256.
    """
    source = source or path
    actual_sha = file_digest(path, "sha256")
    if sha256 is not None:
        if actual_sha != sha256.lower():
            raise ChecksumError(f"{source}: sha256 mismatch: expected {sha256}, got {actual_sha}")
    elif md5 is not None:
        actual_md5 = file_digest(path, "md5")
        if actual_md5 != md5.lower():
            raise ChecksumError(f"{source}: md5 mismatch: expected {md5}, got {actual_md5}")
    else:
        warnings.warn(f"{source}: no published checksum to verify against; "
                      f"sha256 of the file is {actual_sha}", stacklevel=2)
    return actual_sha


# ---------------------------------------------------------------- transfer

def _open(url, offset, timeout):
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)


def _connection_problem(exc):
    """True for failures that mean 'cannot reach the server'."""
    if isinstance(exc, urllib.error.HTTPError):
        return False
    if isinstance(exc, urllib.error.URLError):
        return True
    return isinstance(exc, (ConnectionError, socket.timeout, TimeoutError, socket.gaierror))


def _transfer(url, part, timeout, progress, size):
    """One attempt: append to ``part`` (resuming) until the body ends.

    Returns normally when the server's body was received in full; raises
    :class:`_Cut` when it broke off midway (``part`` keeps what arrived).
    """
    offset = os.path.getsize(part) if os.path.exists(part) else 0
    try:
        response = _open(url, offset, timeout)
    except (http.client.RemoteDisconnected, ConnectionResetError) as exc:
        raise _Cut(f"server closed the connection before answering ({exc})") from None
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:
            # Nothing left to send: the .part file is already complete (or too long,
            # which the checksum will tell).
            return
        raise HTTPStatusError(url, exc.code, exc.reason) from None
    with response:
        status = getattr(response, "status", 200)
        if offset and status != 206:
            offset = 0          # the server ignored the Range header: start over
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length is not None else size
        mode = "ab" if offset else "wb"
        with open(part, mode) as out, tqdm(total=total, initial=offset, unit="B", unit_scale=True,
                                           unit_divisor=1024, desc=os.path.basename(part)[:-5],
                                           disable=not progress, leave=False) as bar:
            received = 0
            try:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
                    received += len(block)
                    bar.update(len(block))
            except (http.client.IncompleteRead, ConnectionError, socket.timeout,
                    TimeoutError) as exc:
                raise _Cut(str(exc)) from None
        if length is not None and received < int(length):
            raise _Cut(f"received {received} of {length} bytes")


def download(url, dest, *, sha256=None, md5=None, size=None, timeout=DEFAULT_TIMEOUT,
             retries=DEFAULT_RETRIES, progress=True):
    """Download ``url`` to ``dest`` safely; return ``dest``.

    Resumes from ``dest + '.part'`` if it exists, retries a cut connection up to
    ``retries`` times, verifies ``sha256`` (else ``md5``) and renames into place.
    """
    dest = os.fspath(dest)
    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
    part = dest + ".part"
    attempt = 0
    while True:
        try:
            _transfer(url, part, timeout, progress, size)
            have = os.path.getsize(part) if os.path.exists(part) else 0
            if size is not None and have < size:       # body ended early without a length
                raise _Cut(f"received {have} of {size} bytes")
            break
        except _Cut as cut:
            attempt += 1
            if attempt > retries:
                raise OfflineError(
                    f"{url}: connection broke off ({cut}) after {retries} retries; "
                    f"the {os.path.getsize(part) if os.path.exists(part) else 0} bytes received "
                    f"are kept in {part} and the next attempt resumes from there") from None
        except HTTPStatusError:
            raise
        except Exception as exc:  # noqa: BLE001 -- sorted into offline / other below
            if _connection_problem(exc):
                reason = getattr(exc, "reason", exc)
                raise OfflineError(f"cannot reach {url} ({reason})") from None
            raise
    try:
        verify(part, sha256=sha256, md5=md5, source=url)
    except ChecksumError:
        with contextlib.suppress(OSError):
            os.remove(part)
        raise
    os.replace(part, dest)
    return dest


# ---------------------------------------------------------------- archives

def _copy_member(archive, member, out_path):
    """Write archive ``member`` to ``out_path``; KeyError naming both if it is missing."""
    name = os.fspath(archive)
    if zipfile.is_zipfile(name):
        with zipfile.ZipFile(name) as zf:
            try:
                src = zf.open(member)
            except KeyError:
                raise KeyError(f"{name}: archive has no member {member!r}") from None
            with src, open(out_path, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
        return
    if tarfile.is_tarfile(name):
        with tarfile.open(name) as tf:
            try:
                info = tf.getmember(member)
            except KeyError:
                raise KeyError(f"{name}: archive has no member {member!r}") from None
            src = tf.extractfile(info)
            if src is None:
                raise ValueError(f"{name}: member {member!r} is not a regular file")
            with src, open(out_path, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
        return
    raise ValueError(f"{name}: not a zip or tar archive")


@contextlib.contextmanager
def extracted(archive, member):
    """Extract ``member`` into a private temporary directory beside the archive.

    Yields the path of the extracted file; the directory is removed afterwards,
    so the caller moves (``os.replace``) or reads the file inside the block.
    """
    workdir = tempfile.mkdtemp(prefix=".extract-", dir=os.path.dirname(os.path.abspath(archive)))
    try:
        out = os.path.join(workdir, os.path.basename(member) or "member")
        _copy_member(archive, member, out)
        yield out
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def extract_member(archive, member, dest):
    """Extract one ``member`` of a zip / tar(.gz) ``archive`` to ``dest`` atomically."""
    with extracted(archive, member) as tmp:
        os.replace(tmp, dest)
    return dest
