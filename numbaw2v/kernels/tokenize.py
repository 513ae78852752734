"""Whitespace tokenisation of UTF-8 bytes into word-type ids, with an open-addressing hash table.

The table state lives in plain arrays owned by the caller (``numbaw2v.text.ByteTypeTable``):

- ``slots``   int32[cap]      type id in each slot, -1 when empty (cap a power of two);
- ``hashes``  uint64[max]     hash of each type;
- ``offsets`` int64[max + 1]  where each type's bytes start in ``arena``;
- ``counts``  int64[max]      occurrences of each type;
- ``arena``   uint8[...]      the bytes of all types, back to back;
- ``state``   int64[2]        number of types, bytes used in the arena.

``tokenize`` maps a block of bytes to type ids in first-seen order. When a
new type does not fit (type arrays, arena, or table load over one half) it
stops *before* that token and reports what must grow; the caller grows the
arrays and calls again from the returned position.
"""
import numpy as np
from numba import njit

OK = 0
GROW_TYPES = 1
GROW_ARENA = 2
GROW_SLOTS = 3

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@njit(cache=True, nogil=True, inline="always")
def _is_space(b):
    return b == 32 or (9 <= b <= 13)


@njit(cache=True, nogil=True, inline="always")
def _hash(buf, start, stop):
    h = _FNV_OFFSET
    for p in range(start, stop):
        h = (h ^ np.uint64(buf[p])) * _FNV_PRIME
    return h


@njit(cache=True, nogil=True, inline="always")
def _same(buf, start, stop, arena, a_start, a_stop):
    if stop - start != a_stop - a_start:
        return False
    for k in range(stop - start):
        if buf[start + k] != arena[a_start + k]:
            return False
    return True


@njit(cache=True, nogil=True)
def tokenize(buf, pos, slots, hashes, offsets, counts, arena, state, out_ids, n_out,
             line_lengths, n_lines, pending):
    """Tokenise buf[pos:] (which ends at whitespace or at the end of the input).

    Appends type ids to ``out_ids[n_out:]`` and the token count of each line
    completed by a newline to ``line_lengths[n_lines:]``; ``pending`` is the
    token count of the open line carried between calls.
    Returns (status, pos, n_out, n_lines, pending).
    """
    n = buf.shape[0]
    mask = np.uint64(slots.shape[0] - 1)
    while pos < n:
        b = buf[pos]
        if _is_space(b):
            if b == 10:
                line_lengths[n_lines] = pending
                n_lines += 1
                pending = 0
            pos += 1
            continue
        stop = pos + 1
        while stop < n and not _is_space(buf[stop]):
            stop += 1
        h = _hash(buf, pos, stop)
        slot = h & mask
        while True:
            t = slots[slot]
            if t < 0:
                break
            if hashes[t] == h and _same(buf, pos, stop, arena, offsets[t], offsets[t + 1]):
                break
            slot = (slot + np.uint64(1)) & mask
        if t < 0:  # a new type
            nt = state[0]
            used = state[1]
            if nt + 1 >= hashes.shape[0]:
                return GROW_TYPES, pos, n_out, n_lines, pending
            if used + (stop - pos) > arena.shape[0]:
                return GROW_ARENA, pos, n_out, n_lines, pending
            if 2 * (nt + 1) > slots.shape[0]:
                return GROW_SLOTS, pos, n_out, n_lines, pending
            for k in range(stop - pos):
                arena[used + k] = buf[pos + k]
            t = nt
            hashes[t] = h
            offsets[t] = used
            offsets[t + 1] = used + (stop - pos)
            counts[t] = 0
            slots[slot] = t
            state[0] = nt + 1
            state[1] = used + (stop - pos)
        counts[t] += 1
        out_ids[n_out] = t
        n_out += 1
        pending += 1
        pos = stop
    return OK, pos, n_out, n_lines, pending


@njit(cache=True, nogil=True)
def rehash(slots, hashes, n_types):
    """Fill an empty slot array (all -1) with the first n_types types."""
    mask = np.uint64(slots.shape[0] - 1)
    for t in range(n_types):
        slot = hashes[t] & mask
        while slots[slot] >= 0:
            slot = (slot + np.uint64(1)) & mask
        slots[slot] = t
