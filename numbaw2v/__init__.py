"""numbaw2v: word2vec with Numba-compiled kernels.

The heavy modules are imported on first use, so ``import numbaw2v`` stays quick.
"""
import importlib

from . import _numba_cache

# Before any kernel module is imported: Numba picks each kernel's cache directory then.
_numba_cache.configure()

__version__ = "0.1.0"

_LAZY = {
    "Word2Vec": "numbaw2v.word2vec",
    "KeyedVectors": "numbaw2v.vectors",
    "Vocab": "numbaw2v.vocab",
}

__all__ = ["KeyedVectors", "Vocab", "Word2Vec", "__version__"]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'numbaw2v' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
