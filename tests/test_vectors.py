"""KeyedVectors: construction, lookups, the cached unit matrix and the similarity queries."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from numbaw2v.vectors import KeyedVectors, top_indices


def make_kv(n=60, d=8, seed=0):
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, d)).astype(np.float32)
    return KeyedVectors(vectors, [f"w{i}" for i in range(n)], counts=np.arange(n, 0, -1))


def unit(m):
    m = np.asarray(m, dtype=np.float64)
    return m / np.linalg.norm(m, axis=-1, keepdims=True)


def reference_most_similar(kv, positive, negative, topn, limit=None):
    """Brute force 3CosAdd in float64: mean of unit vectors, cosine to every row."""
    rows = [kv.key_to_index[w] for w in positive + negative]
    weights = np.array([1.0] * len(positive) + [-1.0] * len(negative))
    query = unit(weights @ unit(kv.vectors[rows]) / len(rows))
    scores = unit(kv.vectors[:limit]) @ query
    order = [i for i in np.argsort(-scores) if i not in rows][:topn]
    return [kv.index_to_key[i] for i in order], scores[order]


def test_constructor_stores_float32_c_contiguous():
    data = np.asfortranarray(np.arange(12, dtype=np.float64).reshape(4, 3))
    kv = KeyedVectors(data, list("abcd"))
    assert kv.vectors.dtype == np.float32 and kv.vectors.flags.c_contiguous
    assert kv.key_to_index == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert len(kv) == 4 and kv.vector_size == 3 and "c" in kv and "z" not in kv
    assert kv.counts is None


@pytest.mark.parametrize("keys, shape, message", [
    (["a", "b", "a"], (3, 2), "'a' more than once"),
    (["a", "b"], (3, 2), "2 words"),
    (["a", "b", "c"], (3,), "2-D"),
])
def test_constructor_rejects_bad_input(keys, shape, message):
    with pytest.raises(ValueError, match=message):
        KeyedVectors(np.zeros(shape, dtype=np.float32), keys)


def test_counts_must_match_vocabulary():
    with pytest.raises(ValueError, match="counts"):
        KeyedVectors(np.zeros((3, 2)), ["a", "b", "c"], counts=[1, 2])
    kv = KeyedVectors(np.zeros((3, 2)), ["a", "b", "c"], counts=[5, 3, 1])
    assert kv.counts.dtype == np.int64 and kv.get_count("b") == 3


def test_lookups_and_unknown_word_names_it():
    kv = make_kv()
    np.testing.assert_array_equal(kv["w3"], kv.vectors[3])
    np.testing.assert_array_equal(kv[["w3", "w1"]], kv.vectors[[3, 1]])
    np.testing.assert_allclose(np.linalg.norm(kv.get_vector("w5", norm=True)), 1.0, rtol=1e-6)
    copy = kv.get_vector("w2")
    copy[:] = 0
    assert np.any(kv.vectors[2] != 0), "get_vector must not hand out a view"
    for call in (lambda: kv["nope"], lambda: kv.most_similar("nope"), lambda: kv.similarity("w1", "nope"),
                 lambda: kv[["w1", "nope"]], lambda: kv.doesnt_match(["w1", "nope"])):
        with pytest.raises(KeyError, match="nope"):
            call()


def test_unit_matrix_refreshes_on_assignment_and_on_notice():
    kv = make_kv()
    first = kv.get_normed_vectors().copy()
    kv.vectors = kv.vectors[::-1] * 3
    np.testing.assert_allclose(kv.get_normed_vectors(), first[::-1], rtol=1e-5)
    kv.vectors[0] = -kv.vectors[0]          # in place: stale until told
    assert np.allclose(kv.get_normed_vectors()[0], first[-1], rtol=1e-5)
    kv.vectors_changed()
    np.testing.assert_allclose(kv.get_normed_vectors()[0], -first[-1], rtol=1e-5)
    np.testing.assert_allclose(kv.norms, np.linalg.norm(kv.vectors, axis=1), rtol=1e-6)


def test_zero_vector_does_not_produce_nan():
    kv = KeyedVectors(np.array([[0, 0], [1, 0], [0, 1]], dtype=np.float32), ["z", "x", "y"])
    assert not np.isnan(kv.get_normed_vectors()).any()
    got = kv.most_similar("x", topn=2)
    assert sorted(got) == [("y", 0.0), ("z", 0.0)]


@pytest.mark.parametrize("positive, negative", [(["w1"], []), (["w1", "w7"], ["w3"]), (["w2", "w9", "w11"], [])])
def test_most_similar_matches_brute_force(positive, negative):
    kv = make_kv()
    words, scores = reference_most_similar(kv, positive, negative, topn=7)
    got = kv.most_similar(positive=positive, negative=negative, topn=7)
    assert [w for w, _ in got] == words
    np.testing.assert_allclose([s for _, s in got], scores, atol=1e-5)
    assert not set(positive + negative) & {w for w, _ in got}


def test_most_similar_options():
    kv = make_kv()
    assert kv.most_similar("w1", topn=0) == []
    assert kv.most_similar("w1") == kv.most_similar(positive=["w1"])
    restricted = kv.most_similar("w1", topn=5, restrict_vocab=20)
    assert restricted == [(w, s) for w, s in restricted if int(w[1:]) < 20]
    words, _ = reference_most_similar(kv, ["w1"], [], topn=5, limit=20)
    assert [w for w, _ in restricted] == words
    everything = kv.most_similar("w1", topn=None)
    assert everything.shape == (len(kv),)
    np.testing.assert_allclose(everything[1], 1.0, rtol=1e-5)
    by_vector = kv.similar_by_vector(kv["w4"], topn=3)
    assert by_vector[0][0] == "w4", "a raw vector is not excluded from its own answers"
    assert kv.similar_by_word("w4", topn=3) == kv.most_similar("w4", topn=3)
    weighted = kv.most_similar(positive=[("w1", 2.0), "w2"], topn=3)
    query = unit(2 * unit(kv["w1"]) + unit(kv["w2"]))
    scores = unit(kv.vectors) @ query
    scores[[1, 2]] = -np.inf
    assert [w for w, _ in weighted] == [kv.index_to_key[i] for i in np.argsort(-scores)[:3]]
    with pytest.raises(ValueError, match="no input"):
        kv.most_similar(positive=[], negative=[])


def test_most_similar_cosmul_matches_formula():
    kv = make_kv()
    u = unit(kv.vectors)
    scores = ((1 + u @ u[1]) / 2) * ((1 + u @ u[7]) / 2) / ((1 + u @ u[3]) / 2 + 1e-6)
    scores[[1, 7, 3]] = -np.inf
    expected = [kv.index_to_key[i] for i in np.argsort(-scores)[:5]]
    got = kv.most_similar_cosmul(positive=["w1", "w7"], negative=["w3"], topn=5)
    assert [w for w, _ in got] == expected
    np.testing.assert_allclose([s for _, s in got], np.sort(scores)[::-1][:5], rtol=1e-4)


def test_pairwise_measures():
    kv = make_kv()
    u = unit(kv.vectors)
    assert kv.similarity("w1", "w2") == pytest.approx(u[1] @ u[2], abs=1e-6)
    assert kv.distance("w1", "w2") == pytest.approx(1 - u[1] @ u[2], abs=1e-6)
    np.testing.assert_allclose(kv.distances("w1", ["w2", "w3"]), 1 - u[[2, 3]] @ u[1], atol=1e-6)
    np.testing.assert_allclose(kv.distances(kv["w1"]), 1 - u @ u[1], atol=1e-6)
    m1, m2 = kv[["w1", "w2"]].mean(0), kv[["w3", "w4", "w5"]].mean(0)
    assert kv.n_similarity(["w1", "w2"], ["w3", "w4", "w5"]) == pytest.approx(unit(m1) @ unit(m2), abs=1e-6)
    with pytest.raises(ValueError):
        kv.n_similarity([], ["w1"])
    assert kv.rank("w1", "w1") == 1
    dist = 1 - u @ u[1]
    assert kv.rank("w1", "w9") == int((dist < dist[9]).sum()) - (dist[1] < dist[9]) + 1


def test_doesnt_match_picks_the_outlier():
    base = np.array([1.0, 0, 0, 0], dtype=np.float32)
    vectors = np.stack([base + 0.05 * i * np.array([0, 1, 0, 0]) for i in range(4)] + [np.array([0, 0, 1, 0])])
    kv = KeyedVectors(vectors, ["a", "b", "c", "d", "odd"])
    assert kv.doesnt_match(["a", "odd", "b", "c"]) == "odd"
    assert kv.doesnt_match(["a", "b", "c", "d", "odd"]) == "odd"


@settings(deadline=None, max_examples=40)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False, width=32), min_size=1, max_size=60),
       st.integers(0, 70))
def test_top_indices_equals_full_sort(values, k):
    scores = np.array(values, dtype=np.float32)
    got = top_indices(scores, k)
    assert len(got) == min(k, len(scores))
    # best first, and nothing left out is better than what was taken
    np.testing.assert_array_equal(scores[got], np.sort(scores)[::-1][: len(got)])
