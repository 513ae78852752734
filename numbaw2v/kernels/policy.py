"""The one compilation policy of every numbaw2v kernel.

Every ``@njit`` function in ``numbaw2v/kernels/`` is compiled with
``cache=True`` (compiled once, reused across runs) and ``nogil=True`` (threads
may run it side by side). Kernels that do float arithmetic on rows use
``FASTMATH``, and only that set of flags:

- ``reassoc`` and ``contract`` let LLVM reorder and fuse the additions of a
  dot product or a row update, which is what makes the 100-float loops vectorise;
- ``nsz`` and ``arcp`` allow ignoring the sign of zero and using reciprocals;
- no ``nnan`` / ``ninf``: the kernels must stay correct for non-finite values
  (scores are clipped explicitly, and NaN must propagate where a caller checks for it).

The effect on quality is measured in bench/RESULTS.md; the kernels are tested
against plain-NumPy twins in tests/reference.py within float32 tolerances.
"""
# A plain set: Numba's fastmath option accepts a bool, set or dict, not a frozenset.
# Never modify it; pass it as it is (``@njit(..., fastmath=FASTMATH)``).
FASTMATH = {"nsz", "arcp", "contract", "reassoc"}
