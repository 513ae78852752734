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
import glob
import os

from numbaw2v.corpora import registry
from numbaw2v.corpora import download as _download
from numbaw2v.corpora.download import (ChecksumError, DownloadError, HTTPStatusError,
                                       OfflineError, extracted, verify)
from numbaw2v.corpora.normalise import iter_line_pieces, normalise_file
from numbaw2v.corpora.registry import Corpus, UnknownCorpusError
from numbaw2v.fileio import open_binary

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
            return _download.download(url, dest, sha256=entry.sha256, md5=entry.md5, size=entry.size,
                                       timeout=timeout, progress=progress)
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
    ready = _ready_path(entry)
    if os.path.isfile(ready):
        return ready
    os.makedirs(cache_dir(), exist_ok=True)
    dl = _download_path(entry)
    if os.path.isfile(dl):
        _check_hand_placed(entry, dl)
    else:
        _fetch_download(entry, timeout, progress)
    if ready != dl:
        _prepare(entry, dl, ready)
    return ready


def path(name, fetch=True, **options):
    """Local path of the ready-to-use file of corpus ``name``.

    Fetches it when missing and ``fetch`` is true (``options``: ``timeout``,
    ``progress``); otherwise raises ``FileNotFoundError`` saying how to get it.
    """
    entry = registry.get(name)
    ready = _ready_path(entry)
    if os.path.isfile(ready):
        return ready
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
    questions, section = [], None
    with open(file, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            if line.startswith(":"):
                section = line[1:].strip()
                continue
            words = line.split()
            if len(words) != 4:
                raise ValueError(f"{file}:{number}: expected 4 words, got {len(words)}")
            questions.append((section, *words))
    return questions


def _read_similarities(file):
    pairs = []
    with open(file, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split()
            try:
                pairs.append((fields[0], fields[1], float(fields[2])))
            except (IndexError, ValueError):
                raise ValueError(f"{file}:{number}: expected 'word word score'") from None
    return pairs


def load(name, **options):
    """Load a named corpus (fetching it if needed).

    - text corpora: a :class:`LineCorpus` (re-iterable, streaming token lists);
      PTB entries append '<eos>' at every line end, like the book;
    - ``questions-words``: list of ``(section, a, b, c, d)``;
    - ``wordsim353``, ``simlex999``: list of ``(word1, word2, score)``.
    """
    entry = registry.get(name)
    file = path(name, **options)
    if entry.kind == "analogy":
        return _read_analogies(file)
    if entry.kind == "similarity":
        return _read_similarities(file)
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
