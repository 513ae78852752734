"""Where Numba keeps numbaw2v's compiled kernels, and a notice while they compile.

Numba caches a ``cache=True`` function next to its source, in ``__pycache__``.
In a read-only site-packages that fails, so :func:`configure` points Numba at a
user cache directory instead (``$XDG_CACHE_HOME/numbaw2v/numba``, else
``~/.cache/numbaw2v/numba``). It runs from ``numbaw2v/__init__.py`` before any
kernel module is imported, because Numba chooses a function's cache directory
when the function is decorated (at the kernel module's import), reading
``numba.config.CACHE_DIR``; that value comes from the ``NUMBA_CACHE_DIR``
environment variable when Numba is imported and again whenever Numba sees the
environment change. So the fallback is set in both places. A
``NUMBA_CACHE_DIR`` the user set is never overridden.

:func:`announce_compile` prints one line ("compiling numbaw2v kernels (first
run only, ~N s)") when the kernels about to run have nothing usable in the
cache: no index file (``*.nbi``), or one written by another Numba version or
for an older source file.
"""
import os
import sys
import tempfile
from pathlib import Path

ENV = "NUMBA_CACHE_DIR"
KERNELS_DIR = Path(__file__).resolve().parent / "kernels"
# Cold compile seconds per kernel module, measured with bench/first_run.py --kernels (2 shared
# cores, load about 2; see bench/RESULTS.md "First run"): one mode's training driver with its
# chunk and word kernels (4.5 s for CBOW, 5.5 s for skip-gram), the tokenizer, the alias
# table (with the seed helpers it calls), the Huffman tree (hs only).
COMPILE_SECONDS = {"numbaw2v.kernels.train": 5, "numbaw2v.kernels.tokenize": 1,
                   "numbaw2v.kernels.alias": 1, "numbaw2v.kernels.huffman": 2}
DEFAULT_SECONDS = 2
# What one Word2Vec vocabulary build calls first: "module:function" (the entry points; their
# callees compile with them). A name missing here (kernels renamed) is skipped, never an error.
# The training driver depends on the mode: announce_training_compile adds the one that will run.
TRAINING_KERNELS = ("numbaw2v.kernels.tokenize:tokenize", "numbaw2v.kernels.alias:build_alias")
HS_KERNELS = ("numbaw2v.kernels.huffman:huffman_parents", "numbaw2v.kernels.huffman:huffman_paths")

_announced = False


# ----------------------------------------------------------------- the cache directory
def user_cache_dir(environ=None):
    """``$XDG_CACHE_HOME/numbaw2v/numba``, or ``~/.cache/numbaw2v/numba`` without it."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "numbaw2v", "numba")


def is_writable_dir(path):
    """True when ``path`` exists or can be made, and a file can be created in it.

    The same test Numba applies before caching next to the source (permission
    bits alone say nothing on a read-only mount or for root).
    """
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def configure(environ=None, in_tree=None, writable=is_writable_dir):
    """Point Numba at the user cache directory when the in-tree cache is not writable.

    Returns the directory chosen, or None when nothing was changed (the user
    set ``NUMBA_CACHE_DIR``, or the cache beside the kernels is writable).
    """
    environ = os.environ if environ is None else environ
    if environ.get(ENV):
        return None
    in_tree = str(KERNELS_DIR / "__pycache__") if in_tree is None else in_tree
    if writable(in_tree):
        return None
    fallback = user_cache_dir(environ)
    if not writable(fallback):
        return None                     # Numba's own fallbacks (or no cache) apply
    environ[ENV] = fallback
    config = getattr(sys.modules.get("numba"), "config", None)
    if config is not None:              # Numba already imported: its config is read
        config.CACHE_DIR = fallback
    return fallback


# ----------------------------------------------------------------- the notice
def announce_compile(kernels, log=None):
    """Print one line if some of ``kernels`` will compile rather than load from the cache.

    ``kernels`` holds Numba dispatchers (the entry points about to be called)
    or kernel modules (all their dispatchers, except ``inline='always'``
    helpers, which are never compiled on their own). ``log`` is a function of
    one string (default: print to stderr). Prints at most once per process;
    returns the estimated seconds announced, or 0 when the cache is warm.
    """
    global _announced
    if _announced:
        return 0
    cold = [d for d in _dispatchers(kernels) if not is_cached(d)]
    if not cold:
        return 0
    seconds = sum(COMPILE_SECONDS.get(m, DEFAULT_SECONDS) for m in {d.py_func.__module__
                                                                     for d in cold})
    message = f"compiling numbaw2v kernels (first run only, ~{seconds} s)"
    if log is None:
        print(message, file=sys.stderr, flush=True)
    else:
        log(message)
    _announced = True
    return seconds


def announce_training_compile(log=None, names=TRAINING_KERNELS, sg=False, shared_negatives=True,
                              hs=False):
    """:func:`announce_compile` for the kernels of a Word2Vec vocabulary build and training.

    ``sg``, ``shared_negatives`` and ``hs`` name the mode about to train: each mode has a
    compiled driver of its own (numbaw2v.kernels.train.DRIVERS), and only that one (plus
    the Huffman kernels with ``hs``) is checked. Call it once before the first kernel
    runs (before ``build_vocab`` scans the corpus).
    """
    import importlib
    from types import SimpleNamespace

    kernels = []
    for name in tuple(names) + (HS_KERNELS if hs else ()):
        module, _, func = name.partition(":")
        found = getattr(importlib.import_module(module), func, None)
        if found is not None:
            kernels.append(found)
    from .kernels import train
    kernels.append(train.driver_for(SimpleNamespace(sg=bool(sg), hs=bool(hs),
                                                    shared_negatives=bool(shared_negatives))))
    return announce_compile(kernels, log)


def is_cached(dispatcher):
    """True when Numba's cache holds a fresh compiled version of ``dispatcher``.

    Reads the index file (``.nbi``) through Numba's cache object: an index
    from another Numba version or an older source file counts as empty. A
    function compiled in this process counts as cached (nothing to wait for).
    """
    if dispatcher.overloads:
        return True
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if cache_file is None:              # not a cache=True function
        return False
    try:
        return bool(cache_file._load_index())
    except Exception:  # noqa: BLE001 -- any unreadable index: Numba recompiles it
        return False


def _dispatchers(kernels):
    found = []
    for item in kernels:
        if hasattr(item, "py_func"):
            found.append(item)
        else:
            found.extend(obj for obj in vars(item).values()
                         if hasattr(obj, "py_func") and hasattr(obj, "targetoptions")
                         and getattr(obj.py_func, "__module__", None) == item.__name__
                         and obj.targetoptions.get("inline") != "always")
    return found
