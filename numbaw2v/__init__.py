"""numbaw2v: word2vec with Numba-compiled kernels.

The heavy modules are imported on first use, so ``import numbaw2v`` stays quick.
"""
import importlib

__version__ = "0.1.0"

_LAZY = {
    "Word2Vec": "numbaw2v.word2vec",
    "KeyedVectors": "numbaw2v.vectors",
    "Vocab": "numbaw2v.vocab",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'numbaw2v' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
