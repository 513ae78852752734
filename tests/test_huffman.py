"""The Huffman tree of hierarchical softmax (numbaw2v.huffman) against heapq and gensim."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import ref_huffman, ref_huffman_cost

from numbaw2v.errors import ParameterError
from numbaw2v.huffman import build_huffman, word_path

# counts with many ties (small values) or spread out (Zipf-like), up to 300 words
COUNTS = st.one_of(
    st.lists(st.integers(1, 4), min_size=1, max_size=300),
    st.lists(st.integers(0, 10 ** 9), min_size=1, max_size=300),
)


def paths_of(tree):
    return [tuple(map(list, word_path(tree, w))) for w in range(tree.code_lens.shape[0])]


@settings(deadline=None, max_examples=60)
@given(counts=COUNTS, sort=st.booleans())
def test_codes_equal_heapq_construction(counts, sort):
    if sort:
        counts = sorted(counts, reverse=True)
    tree = build_huffman(np.array(counts))
    assert paths_of(tree) == [(list(c), list(p)) for c, p in ref_huffman(counts)]


@settings(deadline=None, max_examples=40)
@given(counts=COUNTS)
def test_prefix_free_and_optimal(counts):
    tree = build_huffman(np.array(counts))
    V = len(counts)
    codes = ["".join(map(str, c)) for c, _ in paths_of(tree)]
    if V > 1:
        ordered = sorted(codes)
        assert all(not b.startswith(a) for a, b in zip(ordered, ordered[1:]))
        assert all(codes)                         # every word has a code
        assert {p[0] for _, p in paths_of(tree)} == {V - 2}     # all paths start at the root
    cost = int(np.dot(np.array(counts, dtype=object), tree.code_lens.astype(object)))
    assert cost == ref_huffman_cost(counts)
    assert tree.points.min(initial=0) >= 0 and tree.points.max(initial=0) <= max(V - 2, 0)
    # Kraft equality of a full binary tree: sum 2^-len == 1
    if V > 1:
        assert sum(2.0 ** -int(n) for n in tree.code_lens) == pytest.approx(1.0)


def test_layout_and_small_cases():
    one = build_huffman(np.array([7]))
    assert one.codes.shape == (1, 0) and one.code_lens.tolist() == [0]
    two = build_huffman(np.array([3, 5]))
    # first popped (the lighter, word 0) is the left child: bit 0; point 0 is the root
    assert two.codes[:, 0].tolist() == [0, 1] and two.points[:, 0].tolist() == [0, 0]
    tree = build_huffman(np.array([10, 6, 3, 1]))
    assert tree.codes.dtype == np.uint8 and tree.points.dtype == np.int32
    assert tree.code_lens.dtype == np.int32 and tree.code_lens.tolist() == [1, 2, 3, 3]
    assert tree.codes.shape == tree.points.shape == (4, 3)
    for w, n in enumerate(tree.code_lens):          # padding is zero
        assert not tree.codes[w, n:].any() and not tree.points[w, n:].any()


@pytest.mark.parametrize("counts, message", [
    (np.array([3, -1]), "counts must be >= 0"),
    (np.array([1.5, 2.0]), "1-D integer array"),
    (np.ones((2, 2), dtype=np.int64), "1-D integer array"),
])
def test_bad_counts(counts, message):
    with pytest.raises(ParameterError, match=message):
        build_huffman(counts)


@pytest.mark.parametrize("V, ties", [(2, True), (7, True), (60, False), (60, True),
                                     (3000, True), (3000, False)])
def test_codes_equal_gensim(V, ties):
    """gensim 4's own tree builder on the same counts (heaps past 2,500 items included)."""
    pytest.importorskip("gensim")
    from gensim.models.keyedvectors import KeyedVectors
    from gensim.models.word2vec import _assign_binary_codes

    rng = np.random.default_rng(V)
    counts = rng.integers(1, 5, V) if ties else rng.zipf(1.3, V)
    counts = np.sort(counts)[::-1]
    kv = KeyedVectors(2)
    kv.add_vectors([f"w{i}" for i in range(V)], np.zeros((V, 2), dtype=np.float32))
    for i, c in enumerate(counts):
        kv.set_vecattr(i, "count", int(c))
    _assign_binary_codes(kv)
    tree = build_huffman(counts)
    for w in range(V):
        code, point = word_path(tree, w)
        assert code.tolist() == list(kv.get_vecattr(w, "code")), w
        assert point.tolist() == list(kv.get_vecattr(w, "point")), w
