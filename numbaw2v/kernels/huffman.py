"""The Huffman tree of a vocabulary, built with a binary heap ordered by count alone.

Ties between equal counts are broken exactly as Python's ``heapq`` breaks them when
its items compare by count only (as gensim's heap items do): the heap below performs
heapq's own sift steps (``heapify``, ``heappop``, ``heappush``) on node ids, so the
tree, and every code, is the one gensim builds from the same counts.

Nodes 0..V-1 are the words; merge ``i`` creates node V + i, the inner node whose row
in syn1 is ``i``. The first node popped in a merge becomes the left child (bit 0),
the second the right child (bit 1).
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def _sift_toward_root(heap, weight, start, pos):
    """heapq's _siftdown: move heap[pos] up while it is lighter than its parent."""
    item = heap[pos]
    while pos > start:
        parent_pos = (pos - 1) >> 1
        parent = heap[parent_pos]
        if weight[item] < weight[parent]:
            heap[pos] = parent
            pos = parent_pos
        else:
            break
    heap[pos] = item


@njit(cache=True, nogil=True, inline="always")
def _sift_toward_leaves(heap, weight, pos, end):
    """heapq's _siftup: carry the smaller child up to a leaf, then settle the item there."""
    start = pos
    item = heap[pos]
    child = 2 * pos + 1
    while child < end:
        right = child + 1
        if right < end and not weight[heap[child]] < weight[heap[right]]:
            child = right
        heap[pos] = heap[child]
        pos = child
        child = 2 * pos + 1
    heap[pos] = item
    _sift_toward_root(heap, weight, start, pos)


@njit(cache=True, nogil=True)
def huffman_parents(counts):
    """Merge the lightest pair V - 1 times; returns (parent int64[2V-1], bit uint8[2V-1]).

    ``parent[node]`` is -1 for the root; ``bit[node]`` is 0 for a left child, 1 for a right.
    """
    V = counts.shape[0]
    n_nodes = max(2 * V - 1, 0)
    weight = np.empty(n_nodes, dtype=np.int64)
    weight[:V] = counts
    parent = np.full(n_nodes, -1, dtype=np.int64)
    bit = np.zeros(n_nodes, dtype=np.uint8)
    heap = np.arange(V, dtype=np.int64)
    size = V
    for i in range(V // 2 - 1, -1, -1):          # heapify
        _sift_toward_leaves(heap, weight, i, size)
    for i in range(V - 1):
        pair = np.empty(2, dtype=np.int64)
        for t in range(2):                          # heappop, twice
            last = heap[size - 1]
            size -= 1
            if size == 0:
                pair[t] = last
            else:
                pair[t] = heap[0]
                heap[0] = last
                _sift_toward_leaves(heap, weight, 0, size)
        node = V + i
        weight[node] = weight[pair[0]] + weight[pair[1]]
        parent[pair[0]] = node
        parent[pair[1]] = node
        bit[pair[1]] = 1
        heap[size] = node                           # heappush
        size += 1
        _sift_toward_root(heap, weight, 0, size - 1)
    return parent, bit


@njit(cache=True, nogil=True)
def huffman_paths(parent, bit, V):
    """Per word: codes uint8[V, L], points int32[V, L] (root first, zero padded), lengths int32[V].

    L is the depth of the deepest word; points are inner-node numbers 0..V-2.
    """
    n_nodes = parent.shape[0]
    depth = np.zeros(n_nodes, dtype=np.int64)
    for node in range(n_nodes - 2, -1, -1):       # a parent is always numbered after its child
        depth[node] = depth[parent[node]] + 1
    L = 0
    for w in range(V):
        L = max(L, depth[w])
    codes = np.zeros((V, L), dtype=np.uint8)
    points = np.zeros((V, L), dtype=np.int32)
    lengths = np.empty(V, dtype=np.int32)
    for w in range(V):
        lengths[w] = depth[w]
        node = w
        b = depth[w] - 1
        while b >= 0:
            codes[w, b] = bit[node]
            points[w, b] = parent[node] - V
            node = parent[node]
            b -= 1
    return codes, points, lengths
