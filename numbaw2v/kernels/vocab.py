"""Counting word types the way gensim's scan with ``max_vocab_size`` does.

gensim counts a corpus sentence by sentence into a dict and, after any sentence
that leaves more than ``max_vocab_size`` types in it, forgets the rare ones. The
kernel here replays that count over the encoded type ids of a corpus:

- ``counts``  int64[n_types]  current count of each type (0: not in the dict);
- ``stamps``  int64[n_types]  when the type last entered the dict (its dict order);
- ``state``   int64[2]        live types, next stamp.

``count_until_full`` counts tokens from ``pos`` and checks every sentence end; it
stops right after an end that leaves too many live types (status ``PRUNE``) so
that the caller can prune, and is then called again from where it stopped.

``first_positions`` records where each type first occurs in such a stream (the
first-seen order of an integer-id corpus), in one pass over the ids.
"""
from numba import njit

DONE = 0
PRUNE = 1
NOT_SEEN = (1 << 63) - 1         # ``first_positions``' mark of a type not seen yet


@njit(cache=True, nogil=True)
def count_until_full(ids, base, pos, ends, si, counts, stamps, state, max_types):
    """Count ``ids`` (absolute positions ``base``..) from ``pos``; check each sentence end.

    ``ends`` holds the absolute exclusive end of every sentence and ``si`` the first
    end not checked yet. Returns (status, pos, si): ``PRUNE`` when the end just
    checked leaves more than ``max_types`` live types, ``DONE`` at the end of ``ids``
    (ends equal to the block's end are checked before returning).
    """
    stop = base + ids.shape[0]
    n_ends = ends.shape[0]
    while True:
        while si < n_ends and ends[si] <= pos:
            si += 1
            if state[0] > max_types:
                return PRUNE, pos, si
        if pos >= stop:
            return DONE, pos, si
        t = ids[pos - base]
        if counts[t] == 0:
            state[0] += 1
            stamps[t] = state[1]
            state[1] += 1
        counts[t] += 1
        pos += 1


@njit(cache=True, nogil=True)
def first_positions(ids, base, first):
    """Set ``first[t]`` to ``base + i`` for the first ``i`` with ``ids[i] == t``, for every
    type ``t`` whose entry is still ``NOT_SEEN``; returns how many types were new.

    Called on the blocks of a stream in order (``base``: the block's absolute
    start), it leaves each type's first absolute position. Every id must be a
    valid index of ``first``.
    """
    new = 0
    for i in range(ids.shape[0]):
        t = ids[i]
        if first[t] == NOT_SEEN:
            first[t] = base + i
            new += 1
    return new
