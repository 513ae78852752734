"""Checks the command line makes before any work starts.

- :func:`refuse_overwriting_inputs`: no command writes over one of its own inputs
  (same resolved path, or the same file through a hard link or symlink; ``-`` is stdin);
- :func:`check_writable`: the output's directory exists and accepts a new file, and the
  output is not a directory, so that a long training never ends in a failed save;
- :func:`int_at_least`, :func:`positive_float`: argparse types whose message names the
  allowed range (argparse adds the flag).
"""
import argparse
import glob
import math
import os
import stat
import sys
import tempfile

from numbaw2v.errors import OutputFileError

STDIN = "-"
_GLOB_CHARS = set("*?[")


# ------------------------------------------------------------- same file
def _stat_of(path):
    """os.stat of an input (stdin's file for ``-``), or None when there is no such file."""
    try:
        if path == STDIN:
            return os.fstat(sys.stdin.fileno())
        return os.stat(path)
    except (OSError, ValueError, AttributeError):   # closed or replaced stdin: no file to match
        return None


def same_file(output, source):
    """True when writing ``output`` would replace the file ``source`` (links included)."""
    out = _stat_of(output)
    src = _stat_of(source)
    if out is not None and src is not None:
        return (out.st_dev, out.st_ino) == (src.st_dev, src.st_ino) and stat.S_ISREG(src.st_mode)
    if source == STDIN:
        return False
    return os.path.realpath(output) == os.path.realpath(source)


def refuse_overwriting_inputs(output, inputs):
    """Raise OutputFileError when ``output`` is one of ``inputs``."""
    for source in inputs:
        if same_file(output, source):
            shown = "standard input" if source == STDIN else source
            extra = "" if os.fspath(source) == os.fspath(output) else f" ({shown})"
            raise OutputFileError(f"{output}: is also an input{extra}; refusing to write over it, "
                                  "choose another output path")


def corpus_files(arguments):
    """The existing files a list of corpus arguments names, without fetching anything.

    ``-`` stands for stdin; a glob gives its matches; a corpus name gives its cached
    file when it is cached. Anything else is left for the training to report.
    """
    files = []
    for arg in arguments:
        if arg == STDIN or os.path.exists(arg):
            files.append(arg)
        elif _GLOB_CHARS & set(arg):
            files.extend(glob.glob(os.path.expanduser(arg)))
        else:
            files.extend(_cached_corpus(arg))
    return files


def _cached_corpus(name):
    from numbaw2v import corpora
    from numbaw2v.corpora.registry import UnknownCorpusError
    try:
        return [corpora.path(name, fetch=False)]
    except (UnknownCorpusError, FileNotFoundError):
        return []


# ------------------------------------------------------------- writable
def check_writable(output):
    """Raise OutputFileError unless a file can be created at ``output`` now."""
    output = os.fspath(output)
    if os.path.isdir(output):
        raise OutputFileError(f"{output}: is a directory; give a file name")
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        problem = "is not a directory" if os.path.exists(directory) else "does not exist"
        raise OutputFileError(f"{output}: cannot write there: {directory} {problem}")
    try:
        fd, probe = tempfile.mkstemp(prefix=".numbaw2v-write-check-", dir=directory)
    except OSError as err:
        raise OutputFileError(f"{output}: cannot write in {directory} "
                              f"({err.strerror or err})") from None
    os.close(fd)
    os.remove(probe)


# ------------------------------------------------------------- numbers
def int_at_least(low):
    """argparse type: an integer >= ``low``."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected an integer >= {low}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text}")
        return value
    parse.__name__ = f"integer >= {low}"
    return parse


def positive_float(text):
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value
