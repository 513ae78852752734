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

The kernels that the training loop calls once per word (numbaw2v.kernels.train's
word kernels, ``subsample``, ``draw_ahead`` and ``hs.hs_update``) are also compiled
with ``NO_REFCOUNTS``: without the Numba runtime's reference counting. They only index
arrays that their caller owns for the whole call and allocate nothing, so the counts
protect nothing there; but Numba counted every array taken out of a record, 13 atomic
increments and decrements per CBOW word on counters that both threads share, about 9 %
of CBOW's time (bench/RESULTS.md). ``_nrt`` is a Numba option without a public name:
tests/test_policy.py checks that the compiled kernels hold no reference counting, so a
Numba release that drops it is noticed.
"""
# A plain set: Numba's fastmath option accepts a bool, set or dict, not a frozenset.
# Never modify it; pass it as it is (``@njit(..., fastmath=FASTMATH)``).
FASTMATH = {"nsz", "arcp", "contract", "reassoc"}
# Per-word kernels: no reference counting (see above). Pass it as ``**NO_REFCOUNTS``.
NO_REFCOUNTS = {"_nrt": False}
