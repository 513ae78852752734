"""Named corpora: find, fetch, verify and prepare standard training and evaluation data.

Public API::

    path(name, fetch=True) -> str     # local ready-to-use file, fetched if needed
    load(name)                        # text: re-iterable stream of token lists;
                                      # analogy: [(section, a, b, c, d), ...];
                                      # similarity: [(word1, word2, score), ...]
    resolve(name_or_path) -> [str]    # what corpus_file= accepts: a local file, a
                                      # registered name, or a glob
    list_corpora() -> [Corpus]
    is_cached(name) -> bool
    cache_dir() -> str

The cache directory is ``$NUMBAW2V_DATA`` if set; otherwise ``corpora/cache/``
of a source checkout; otherwise ``$XDG_CACHE_HOME/numbaw2v`` (or
``~/.cache/numbaw2v``).  Offline, put the downloaded file (e.g. ``text8.zip``)
or the ready file (e.g. ``text8``) into that directory by hand.
"""
import contextlib
import glob
import logging
import os

from numbaw2v.corpora import registry
from numbaw2v.corpora import download as _download
from numbaw2v.corpora.download import (ChecksumError, DownloadError, HTTPStatusError,
                                       OfflineError, extracted, file_digest, verify)
from numbaw2v.corpora.normalise import iter_line_pieces, normalise_file
from numbaw2v.corpora.registry import Corpus, UnknownCorpusError
from numbaw2v.fileio import atomic_output, open_binary

logger = logging.getLogger(__name__)

__all__ = ["path", "load", "resolve", "list_corpora", "is_cached", "cache_dir", "fetch",
           "Corpus", "LineCorpus", "UnknownCorpusError", "DownloadError", "OfflineError",
           "HTTPStatusError", "ChecksumError"]

_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# ------------------------------------------------------------------ locations

def cache_dir():
    """The directory where corpora are downloaded and prepared (not created here)."""
    env = os.environ.get("NUMBAW2V_DATA")
    if env:
        return os.path.abspath(os.path.expanduser(env))
    if (os.path.isfile(os.path.join(_PACKAGE_PARENT, "pyproject.toml"))
            and os.path.isdir(os.path.join(_PACKAGE_PARENT, "corpora"))):
        return os.path.join(_PACKAGE_PARENT, "corpora", "cache")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "numbaw2v")


def _ready_path(entry):
    return os.path.join(cache_dir(), entry.ready_name)


def _download_path(entry):
    return os.path.join(cache_dir(), entry.filename)


def list_corpora():
    """All registered corpora (registry order)."""
    return list(registry.REGISTRY.values())


# ------------------------------------------------------------ ready-file check
# A ready file is trusted only when it is what was verified: its size and digest
# are recorded (in STAMP_DIR) when it is downloaded or prepared, and checked
# again before use; the digest is recomputed only when size or mtime changed.
STAMP_DIR = ".verified"


def _stamp_path(ready):
    return os.path.join(os.path.dirname(ready), STAMP_DIR, os.path.basename(ready))


def mark_verified(ready):
    """Trust the ready file ``ready`` as it is now: record its size, mtime and sha256."""
    st = os.stat(ready)
    stamp = _stamp_path(ready)
    os.makedirs(os.path.dirname(stamp), exist_ok=True)
    with atomic_output(stamp) as tmp, open(tmp, "w") as out:
        out.write(f"{st.st_size} {st.st_mtime_ns} {file_digest(ready)}\n")


def _read_stamp(ready):
    try:
        with open(_stamp_path(ready)) as fh:
            size, mtime, digest = fh.read().split()
        return int(size), int(mtime), digest
    except (OSError, ValueError):
        return None


def ready_problem(entry, ready):
    """Why the ready file of ``entry`` cannot be trusted, or '' when it can.

    Checked against the registry's size and digest when the ready file is the
    download itself, otherwise against the size and digest recorded when it was
    prepared. A ready file numbaw2v did not make and cannot check is recorded
    as found (trusted from then on).
    """
    st = os.stat(ready)
    if st.st_size == 0:
        return "it is empty"
    stamp = _read_stamp(ready)
    is_download = entry.ready_name == entry.filename
    if stamp is None and is_download and entry.size is not None and st.st_size != entry.size:
        return f"it has {st.st_size} bytes, the registry says {entry.size}"
    if stamp is not None:
        size, mtime, digest = stamp
        if (size, mtime) == (st.st_size, st.st_mtime_ns):
            return ""
        if size != st.st_size:
            return f"it has {st.st_size} bytes, {size} when it was verified"
        if file_digest(ready) != digest:
            return "its sha256 differs from the one recorded when it was verified"
    elif is_download and (entry.sha256 or entry.md5):
        try:
            verify(ready, sha256=entry.sha256, md5=entry.md5)
        except ChecksumError as exc:
            return str(exc).replace(f"{ready}: ", "", 1)
    mark_verified(ready)
    return ""


def _trusted_ready(entry, fetch):
    """The ready file's path if present and whole; a damaged one is removed (fetch) or reported."""
    ready = _ready_path(entry)
    if not os.path.isfile(ready):
        return None
    ours = _read_stamp(ready) is not None        # numbaw2v made or verified it before
    problem = ready_problem(entry, ready)
    if not problem:
        return ready
    message = f"{ready}: damaged ready file of corpus {entry.name!r}: {problem}"
    if not ours:
        raise ChecksumError(f"{message}. The file was not downloaded by numbaw2v or is damaged: "
                            "delete it (or replace it with a good copy) and run again.")
    if not fetch:
        raise ChecksumError(f"{message}; delete it, or run `numbaw2v corpora fetch {entry.name}`")
    logger.warning("%s; fetching it again", message)
    for stale in (ready, _stamp_path(ready)):
        with contextlib.suppress(OSError):
            os.remove(stale)
    return None


def is_cached(name):
    """True if the ready-to-use file of ``name`` is in the cache."""
    return os.path.isfile(_ready_path(registry.get(name)))


# ------------------------------------------------------------------ fetching

def _digest_text(entry):
    if entry.sha256:
        return f"sha256 {entry.sha256}"
    if entry.md5:
        return f"md5 {entry.md5}"
    return "no published checksum"


def _by_hand(entry, lead="Without network"):
    where = _download_path(entry)
    text = (f"{lead}, download {entry.urls[0]} by hand and save it as {where} "
            f"({_digest_text(entry)})")
    if entry.ready_name != entry.filename and not entry.normalise:
        text += f", or put the ready file at {_ready_path(entry)}"
    return text + "; then run the command again."


def _fetch_download(entry, timeout, progress):
    """Download ``entry.filename`` into the cache, trying each URL in turn."""
    dest = _download_path(entry)
    errors = []
    for url in entry.urls:
        try:
            return _download.download(url, dest, sha256=entry.sha256, md5=entry.md5,
                                      size=entry.size, timeout=timeout, progress=progress)
        except DownloadError as exc:
            errors.append(exc)
    if all(isinstance(e, OfflineError) for e in errors):
        tried = "; ".join(str(e) for e in errors)
        raise OfflineError(f"cannot download corpus {entry.name!r}: {tried}. {_by_hand(entry)}")
    problem = next(e for e in reversed(errors) if not isinstance(e, OfflineError))
    others = [str(e) for e in errors if e is not problem]
    note = f" (other sources: {'; '.join(others)})" if others else ""
    problem.args = (f"cannot download corpus {entry.name!r}: {problem}{note}. "
                    f"{_by_hand(entry, 'To add it yourself')}",)
    raise problem


def _check_hand_placed(entry, dl):
    try:
        verify(dl, sha256=entry.sha256, md5=entry.md5)
    except ChecksumError as exc:
        raise ChecksumError(f"{exc}. The file was not downloaded by numbaw2v or is damaged: "
                            f"delete it (or replace it with a good copy) and run again.") from None


def _prepare(entry, dl, ready):
    """Turn the downloaded file ``dl`` into the ready file ``ready`` (atomically)."""
    if entry.member is not None:
        with extracted(dl, entry.member) as tmp:
            if entry.normalise:
                normalise_file(tmp, ready)
            else:
                os.replace(tmp, ready)
    elif entry.normalise:
        normalise_file(dl, ready)


def fetch(name, *, timeout=30.0, progress=True):
    """Make sure the ready file of ``name`` is in the cache; return its path."""
    return _fetch(name, timeout=timeout, progress=progress)


def _fetch(name, *, timeout=30.0, progress=True):
    entry = registry.get(name)
    ready = _trusted_ready(entry, fetch=True)
    if ready is not None:
        return ready
    ready = _ready_path(entry)
    os.makedirs(cache_dir(), exist_ok=True)
    dl = _download_path(entry)
    if os.path.isfile(dl):
        _check_hand_placed(entry, dl)
    else:
        _fetch_download(entry, timeout, progress)
    if ready != dl:
        _prepare(entry, dl, ready)
    mark_verified(ready)
    return ready


def path(name, fetch=True, **options):
    """Local path of the ready-to-use file of corpus ``name``.

    Fetches it when missing and ``fetch`` is true (``options``: ``timeout``,
    ``progress``); otherwise raises ``FileNotFoundError`` saying how to get it.
    """
    entry = registry.get(name)
    ready = _trusted_ready(entry, fetch)
    if ready is not None:
        return ready
    ready = _ready_path(entry)
    if not fetch:
        raise FileNotFoundError(f"corpus {name!r} is not in the cache (expected {ready}); "
                                f"run `numbaw2v corpora fetch {name}`")
    return _fetch(name, **options)


# ------------------------------------------------------------------ reading

class LineCorpus:
    """Re-iterable stream of token lists, one per line of a (possibly compressed) file.

    Lines longer than ``max_sentence_length`` tokens are cut into several lists;
    ``eos`` (if given) is appended to every line, as the book's PTB loader does.
    Memory stays bounded however long a line is.
    """

    def __init__(self, source, eos=None, max_sentence_length=10_000):
        if max_sentence_length < 1:
            raise ValueError(f"max_sentence_length must be >= 1, got {max_sentence_length}")
        self.source = os.fspath(source)
        self.eos = eos
        self.max_sentence_length = max_sentence_length

    def __iter__(self):
        limit = self.max_sentence_length
        tokens = []
        with open_binary(self.source) as fh:
            for piece, ends_line in iter_line_pieces(fh):
                tokens.extend(piece.decode("utf-8", errors="replace").split())
                while len(tokens) >= limit:
                    yield tokens[:limit]
                    tokens = tokens[limit:]
                if ends_line:
                    if self.eos is not None:
                        tokens.append(self.eos)
                    if tokens:
                        yield tokens
                    tokens = []
        if tokens:
            yield tokens


def _read_analogies(file):
    from numbaw2v.evaluate import read_analogies
    return [(section, *q) for section, questions in read_analogies(file) for q in questions]


def load(name, **options):
    """Load a named corpus (fetching it if needed).

    - text corpora: a :class:`LineCorpus` (re-iterable, streaming token lists);
      PTB entries append '<eos>' at every line end, like the book;
    - ``questions-words``: list of ``(section, a, b, c, d)``;
    - ``wordsim353``, ``simlex999``: list of ``(word1, word2, score)``.

    Evaluation files are read by numbaw2v.evaluate's one reader (same rule for
    blank, comment and malformed lines as ``evaluate_word_*``).
    """
    entry = registry.get(name)
    file = path(name, **options)
    if entry.kind == "analogy":
        return _read_analogies(file)
    if entry.kind == "similarity":
        from numbaw2v.evaluate import read_word_pairs
        return read_word_pairs(file)
    return LineCorpus(file, eos=entry.eos)


_GLOB_CHARS = set("*?[")


def resolve(name_or_path):
    """Files for a corpus argument: a local file, a registered name, or a glob.

    An existing local path wins over a registered name of the same spelling.
    Raises ``FileNotFoundError`` naming the argument and listing the known names.
    """
    arg = os.fspath(name_or_path)
    local = os.path.expanduser(arg)
    if os.path.isfile(local):
        return [local]
    if os.path.isdir(local):
        raise IsADirectoryError(f"{arg}: is a directory; give a file or a glob such as "
                                f"{os.path.join(arg, '*.txt')!r}")
    if registry.canonical_name(arg) is not None:
        return [path(arg)]
    if _GLOB_CHARS & set(arg):
        matches = sorted(p for p in glob.glob(local) if os.path.isfile(p))
        if matches:
            return matches
        raise FileNotFoundError(f"{arg}: the pattern matches no file")
    raise FileNotFoundError(f"{arg}: no such file, and not a known corpus name "
                            f"(known corpora: {', '.join(registry.known_names())})")
