"""A small, fast, seedable random generator for use inside kernels.

Every stream is one uint64 state (xorshift64*), derived from a seed with
splitmix64. The training engine gives each chunk of each epoch its own state
(``chunk_state``), so its draws do not depend on the number of threads; the
alias sampler of the layer API keeps one state of its own (``seed_states``).

All arithmetic is kept in uint64 on purpose: in Numba, mixing uint64 with
int64 promotes to float64, so every constant below is an explicit uint64.
"""
import numpy as np
from numba import njit

_U13 = np.uint64(13)
_U7 = np.uint64(7)
_U17 = np.uint64(17)
_U11 = np.uint64(11)
_U32 = np.uint64(32)
_U30 = np.uint64(30)
_U27 = np.uint64(27)
_U31 = np.uint64(31)
_MUL = np.uint64(0x2545F4914F6CDD1D)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SM1 = np.uint64(0xBF58476D1CE4E5B9)
_SM2 = np.uint64(0x94D049BB133111EB)
_MASK32 = np.uint64(0xFFFFFFFF)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, nogil=True)
def splitmix64(x):
    """Mix a uint64 into a well-scrambled uint64 (never used as the stream itself)."""
    z = x + _GOLDEN
    z = (z ^ (z >> _U30)) * _SM1
    z = (z ^ (z >> _U27)) * _SM2
    return z ^ (z >> _U31)


@njit(cache=True, nogil=True)
def seed_states(seed, n):
    """n independent, non-zero xorshift states derived from one integer seed."""
    out = np.empty(n, dtype=np.uint64)
    x = np.uint64(seed)
    for i in range(n):
        x = splitmix64(x + np.uint64(i))
        out[i] = x if x != np.uint64(0) else _GOLDEN
    return out


@njit(cache=True, nogil=True, inline="always")
def chunk_state(seed, epoch, chunk):
    """The generator state for one chunk of one epoch (non-zero)."""
    s = splitmix64(np.uint64(seed) ^ splitmix64(np.uint64(epoch) * np.uint64(0x100000001B3)
                                                  + np.uint64(chunk)))
    if s == np.uint64(0):
        s = _GOLDEN
    return s


@njit(cache=True, nogil=True, inline="always")
def next_state(s):
    """Advance an xorshift64 state by one step."""
    s ^= s << _U13
    s ^= s >> _U7
    s ^= s << _U17
    return s


@njit(cache=True, nogil=True, inline="always")
def output(s):
    """The scrambled 64-bit output for a state (the '*' of xorshift64*)."""
    return s * _MUL


@njit(cache=True, nogil=True, inline="always")
def uniform(s):
    """A float64 in [0, 1) from 53 high bits of the output for state s."""
    return np.float64(output(s) >> _U11) * _INV53


@njit(cache=True, nogil=True, inline="always")
def below(s, n):
    """An integer in [0, n) for n < 2**32, from the high 32 output bits (multiply-shift)."""
    return np.int64(((output(s) >> _U32) * np.uint64(n)) >> _U32)


@njit(cache=True, nogil=True, inline="always")
def split_draw(s, n):
    """One draw giving both an index in [0, n) (high bits) and a uniform in [0, 1) (low bits).

    Used by the alias table: one generator step per sample.
    """
    r = output(s)
    idx = np.int64(((r >> _U32) * np.uint64(n)) >> _U32)
    u = np.float64(r & _MASK32) * (1.0 / 4294967296.0)
    return idx, u
