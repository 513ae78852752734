"""KeyedVectors: construction, lookups, the cached unit matrix and the similarity queries."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    "keys, shape, message",
    [
        (["a", "b", "a"], (3, 2), "'a' more than once"),
        (["a", "b"], (3, 2), "2 words"),
        (["a", "b", "c"], (3,), "2-D"),
    ],
)
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
    for call in (
        lambda: kv["nope"],
        lambda: kv.most_similar("nope"),
        lambda: kv.similarity("w1", "nope"),
        lambda: kv[["w1", "nope"]],
        lambda: kv.get_vecattr("nope", "count"),
        lambda: kv.closer_than("w1", "nope"),
        lambda: kv.get_mean_vector(["nope"], ignore_missing=False),
    ):
        with pytest.raises(KeyError, match="nope"):
            call()
    with pytest.raises(KeyError, match="'colour'"):
        kv.get_vecattr("w1", "colour")


def test_unit_matrix_refreshes_on_assignment_and_on_notice():
    kv = make_kv()
    first = kv.get_normed_vectors().copy()
    kv.vectors = kv.vectors[::-1] * 3
    np.testing.assert_allclose(kv.get_normed_vectors(), first[::-1], rtol=1e-5)
    kv.vectors[0] = -kv.vectors[0]  # in place: stale until told
    assert np.allclose(kv.get_normed_vectors()[0], first[-1], rtol=1e-5)
    kv.vectors_changed()
    np.testing.assert_allclose(kv.get_normed_vectors()[0], -first[-1], rtol=1e-5)
    np.testing.assert_allclose(kv.norms, np.linalg.norm(kv.vectors, axis=1), rtol=1e-6)


def test_zero_vector_does_not_produce_nan():
    kv = KeyedVectors(np.array([[0, 0], [1, 0], [0, 1]], dtype=np.float32), ["z", "x", "y"])
    with pytest.warns(RuntimeWarning, match="1 vectors have zero length .first: 'z'"):
        assert not np.isnan(kv.get_normed_vectors()).any()
    got = kv.most_similar("x", topn=2)
    assert sorted(got) == [("y", 0.0), ("z", 0.0)]
    assert kv.similarity("z", "x") == 0.0 and kv.similarity("z", "z") == 0.0
    assert (
        not np.isnan(kv.distances("z")).any()
        and not np.isnan(kv.most_similar("x", topn=None)).any()
    )


def test_zero_query_vector_warns_and_scores_zero():
    kv = make_kv()
    with pytest.warns(RuntimeWarning, match="query vector has zero length"):
        scores = kv.most_similar(np.zeros(kv.vector_size, dtype=np.float32), topn=None)
    np.testing.assert_array_equal(scores, 0.0)
    with pytest.warns(RuntimeWarning, match="query vector has zero length"):
        kv.most_similar(positive=["w1"], negative=["w1"])


def test_n_similarity_of_unknown_keys_warns():
    kv = make_kv()
    with pytest.warns(RuntimeWarning, match="no known key"):
        assert kv.n_similarity(["nope"], ["w1"]) == 0.0


def test_nan_vector_is_reported():
    kv = make_kv()
    kv.vectors[4, 2] = np.nan
    kv.vectors_changed()
    with pytest.warns(RuntimeWarning, match="1 vectors hold NaN or inf .first: 'w4'"):
        kv.fill_norms()


@pytest.mark.parametrize(
    "positive, negative", [(["w1"], []), (["w1", "w7"], ["w3"]), (["w2", "w9", "w11"], [])]
)
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
    assert kv.n_similarity(["w1", "w2"], ["w3", "w4", "w5"]) == pytest.approx(
        unit(m1) @ unit(m2), abs=1e-6
    )
    with pytest.raises(ValueError):
        kv.n_similarity([], ["w1"])
    with pytest.raises(ZeroDivisionError):  # what a gensim user catches
        kv.n_similarity(["w1"], [])
    assert kv.rank("w1", "w1") == 1
    dist = 1 - u @ u[1]
    assert kv.rank("w1", "w9") == int((dist < dist[9]).sum()) - (dist[1] < dist[9]) + 1


def test_doesnt_match_skips_unknown_words_as_gensim():
    kv = make_kv()
    assert kv.doesnt_match(["w1", "w2", "w3", "nope"]) == kv.doesnt_match(["w1", "w2", "w3"])
    with pytest.raises(ValueError, match="empty"):
        kv.doesnt_match(["nope"])


def test_doesnt_match_picks_the_outlier():
    base = np.array([1.0, 0, 0, 0], dtype=np.float32)
    vectors = np.stack(
        [base + 0.05 * i * np.array([0, 1, 0, 0]) for i in range(4)] + [np.array([0, 0, 1, 0])]
    )
    kv = KeyedVectors(vectors, ["a", "b", "c", "d", "odd"])
    assert kv.doesnt_match(["a", "odd", "b", "c"]) == "odd"
    assert kv.doesnt_match(["a", "b", "c", "d", "odd"]) == "odd"


@settings(deadline=None, max_examples=40)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False, width=32), min_size=1, max_size=60),
    st.integers(0, 70),
)
def test_top_indices_equals_full_sort(values, k):
    scores = np.array(values, dtype=np.float32)
    got = top_indices(scores, k)
    assert len(got) == min(k, len(scores))
    # best first, and nothing left out is better than what was taken
    np.testing.assert_array_equal(scores[got], np.sort(scores)[::-1][: len(got)])


# ------------------------------------------------------------ gensim's interface
def test_gensim_constructor_preallocates_slots_filled_by_add_vector():
    kv = KeyedVectors(3, 2)
    assert kv.vectors.shape == (2, 3) and kv.vectors.dtype == np.float32 and len(kv) == 2
    assert kv.add_vector("a", [1, 2, 3]) == 0 and kv.add_vector("b", np.ones(3)) == 1
    assert kv.index_to_key == ["a", "b"] and kv.vectors.shape == (2, 3)
    with pytest.warns(UserWarning, match="one at a time"):
        assert kv.add_vector("c", np.zeros(3)) == 2
    assert kv.add_vector("a", np.full(3, 9.0)) == 0  # present: vector kept
    np.testing.assert_array_equal(kv["a"], [1, 2, 3])
    assert KeyedVectors(vector_size=4).vectors.shape == (0, 4)
    assert KeyedVectors(2, dtype=np.float64).vectors.dtype == np.float64


@pytest.mark.parametrize(
    "args, message",
    [
        ((0,), "vector_size must be an integer >= 1"),
        ((3, -1), "count must be an integer >= 0"),
        ((3, 0, np.int32), "floating-point"),
    ],
)
def test_gensim_constructor_rejects_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        KeyedVectors(*args)


def test_add_vectors_keeps_or_replaces_and_grows_attributes():
    kv = make_kv(n=4, d=3)
    old = kv["w1"]
    kv.add_vectors(["w1", "new", "new"], [[1, 1, 1], [2, 2, 2], [3, 3, 3]])
    np.testing.assert_array_equal(kv["w1"], old)
    np.testing.assert_array_equal(kv["new"], [2, 2, 2])  # first of a repeated key
    assert len(kv) == 5 and kv.get_count("new") == 0 and kv.counts.shape == (5,)
    kv.add_vectors(
        ["w1", "x"],
        np.array([[1, 1, 1], [4, 4, 4]]),
        replace=True,
        extras={"count": np.array([70, 80])},
    )
    np.testing.assert_array_equal(kv["w1"], [1, 1, 1])
    assert kv.get_vecattr("x", "count") == 80 and kv.get_vecattr("w1", "count") == 70
    kv["y"] = np.arange(3)
    kv[["y", "z"]] = [np.ones(3), np.full(3, 2.0)]
    np.testing.assert_array_equal(kv[["y", "z"]], [np.ones(3), np.full(3, 2.0)])
    assert kv.key_to_index == {k: i for i, k in enumerate(kv.index_to_key)}
    np.testing.assert_allclose(kv.norms, np.linalg.norm(kv.vectors, axis=1), rtol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        kv.add_vectors(["p", "q"], np.ones((3, 3)))


def test_vecattrs_and_counts_share_one_store():
    kv = make_kv(n=5)
    assert kv.expandos["count"] is kv.counts and kv.get_vecattr("w0", "count") == 5
    kv.set_vecattr("w2", "count", 99)
    assert kv.get_count("w2") == 99
    kv.set_vecattr("w3", "tag", "noun")
    assert kv.get_vecattr("w3", "tag") == "noun" and kv.expandos["tag"].dtype == object
    with pytest.raises(TypeError, match="count"):
        kv.set_vecattr("w1", "count", 0.5)
    kv.counts = None
    assert kv.counts is None and "count" not in kv.expandos


def test_integer_keys_stay_keys():
    vectors = np.random.default_rng(1).standard_normal((4, 5)).astype(np.float32)
    kv = KeyedVectors(vectors, [10, np.int64(5), 0, 3])
    assert kv.index_to_key == [10, 5, 0, 3] and all(type(k) is int for k in kv.index_to_key)
    np.testing.assert_array_equal(kv[5], vectors[1])  # the key 5, not row 5
    np.testing.assert_array_equal(kv[np.int32(0)], vectors[2])
    assert 5 in kv and 1 not in kv and "5" not in kv
    with pytest.raises(KeyError, match="key 1 not present"):
        kv[1]  # not a row number here
    got = kv.most_similar(5, topn=3)
    assert {k for k, _ in got} == {10, 0, 3} and all(type(k) is int for k, _ in got)
    assert kv.similarity(5, 5) == 1.0 and kv.rank(5, got[0][0]) == 1
    words = make_kv(n=6)
    np.testing.assert_array_equal(words[4], words["w4"])  # string keys: ints are rows
    assert 4 in words and 6 not in words


def test_bad_keys_are_refused():
    with pytest.raises(ValueError, match="str or int, got float"):
        KeyedVectors(np.zeros((2, 2)), ["a", 1.5])
    with pytest.raises(ValueError, match="str or int, got bool"):
        KeyedVectors(2).add_vectors([True], np.ones((1, 2)))


@settings(deadline=None, max_examples=30)
@given(st.integers(0, 10_000), st.integers(2, 12))
def test_self_similarity_is_exact(seed, d):
    kv = make_kv(n=8, d=d, seed=seed)
    for key in kv.index_to_key:
        assert kv.similarity(key, key) == 1.0 and kv.distance(key, key) == 0.0
        assert kv.distances(key)[kv.get_index(key)] == 0.0
    assert kv.closer_than("w3", "w3") == []


def test_most_similar_accepts_gensim_forms():
    kv = make_kv()
    rows = kv.vectors[:3]
    assert kv.most_similar(rows, topn=5) == kv.most_similar(list(rows), topn=5)
    assert kv.most_similar("w1", "w2", topn=4) == kv.most_similar(
        positive=["w1"], negative=["w2"], topn=4
    )
    scores = unit(kv.vectors[10:20]) @ unit(kv["w1"])
    clipped = kv.most_similar("w1", topn=3, clip_start=10, clip_end=20)
    assert [k for k, _ in clipped] == [kv.index_to_key[10 + i] for i in np.argsort(-scores)[:3]]
    np.testing.assert_allclose(
        kv.most_similar("w1", topn=None, clip_start=10, clip_end=20), scores, rtol=1e-5
    )

    class Indexer:  # the protocol of gensim's approximate indexers
        def most_similar(self, vector, topn):
            return [("asked", float(np.linalg.norm(vector))), ("topn", topn)]

    assert kv.most_similar("w1", topn=2, indexer=Indexer()) == [
        ("asked", pytest.approx(1.0)),
        ("topn", 2),
    ]


def test_get_mean_vector_matches_numpy():
    kv = make_kv()
    keys, weights = ["w1", "w2", "missing", "w5"], [1.0, 2.0, 5.0, -0.5]
    u = unit(kv.vectors)
    expected = (u[1] + 2 * u[2] - 0.5 * u[5]) / 3.5
    np.testing.assert_allclose(kv.get_mean_vector(keys, weights), expected, rtol=1e-5)
    raw = (kv["w1"] + kv["w2"]) / 2
    np.testing.assert_allclose(
        kv.get_mean_vector(["w1", "w2"], pre_normalize=False), raw, rtol=1e-5
    )
    np.testing.assert_allclose(
        kv.get_mean_vector(["w1", kv["w2"]], post_normalize=True), unit(u[1] + kv["w2"]), rtol=1e-5
    )
    with pytest.raises(ValueError, match="one weight per key"):
        kv.get_mean_vector(["w1"], [1.0, 2.0])
    with pytest.raises(ValueError, match="no input"):
        kv.get_mean_vector([])


def test_closer_than_rank_and_given():
    kv = make_kv()
    dist = 1 - unit(kv.vectors) @ unit(kv["w1"])
    expected = [kv.index_to_key[i] for i in np.flatnonzero(dist < dist[9]) if i != 1]
    assert kv.closer_than("w1", "w9") == expected and kv.rank("w1", "w9") == len(expected) + 1
    sims = [kv.similarity("w1", k) for k in ["w4", "w5", "w6"]]
    assert (
        kv.most_similar_to_given("w1", ["w4", "w5", "w6"])
        == ["w4", "w5", "w6"][int(np.argmax(sims))]
    )
    top = kv.most_similar("w1", topn=4)
    assert kv.relative_cosine_similarity("w1", "w9", 4) == pytest.approx(
        kv.similarity("w1", "w9") / sum(s for _, s in top)
    )


def test_vectors_for_all_and_sorting():
    kv = make_kv(n=6)
    sub = kv.vectors_for_all(["w3", "nope", "w1", "w3"])
    assert sub.index_to_key == ["w3", "w1"] and list(sub.counts) == [2, 1]
    np.testing.assert_array_equal(sub["w1"], kv["w1"])
    assert list(kv.vectors_for_all(["w3", "w1"], copy_vecattrs=True).counts) == [3, 5]
    kv.counts = [1, 5, 3, 5, 0, 2]
    before = {k: kv[k] for k in kv.index_to_key}
    kv.sort_by_descending_frequency()
    assert kv.index_to_key == ["w3", "w1", "w2", "w5", "w0", "w4"]  # ties: later row first (gensim)
    assert list(kv.counts) == [5, 5, 3, 2, 1, 0]
    for key, vec in before.items():
        np.testing.assert_array_equal(kv[key], vec)
    with pytest.raises(ValueError, match="needs counts"):
        KeyedVectors(np.ones((2, 2)), ["a", "b"]).sort_by_descending_frequency()


def test_unit_normalize_all_and_norms_reset():
    kv = KeyedVectors(np.array([[3, 4], [0, 0]], dtype=np.float32), ["a", "z"])
    with pytest.warns(RuntimeWarning):
        kv.unit_normalize_all()
    np.testing.assert_allclose(kv.vectors, [[0.6, 0.8], [0, 0]])
    np.testing.assert_array_equal(kv.norms, [1.0, 0.0])
    kv.vectors[0] = [0, 2]
    kv.norms = None  # gensim's way to drop cached lengths
    with pytest.warns(RuntimeWarning, match="zero length"):  # recomputed, so said again
        np.testing.assert_array_equal(kv.get_normed_vectors()[0], [0, 1])
    assert not kv.get_normed_vectors().flags.writeable


def test_intersect_word2vec_format(tmp_path):
    from numbaw2v.formats import write_word2vec

    kv = make_kv(n=5, d=3)
    path = tmp_path / "other.txt"
    write_word2vec(
        path, ["w1", "zzz", "w3"], np.arange(9, dtype=np.float32).reshape(3, 3), binary=False
    )
    untouched = kv["w0"]
    kv.intersect_word2vec_format(path, lockf=0.0, binary=False)
    np.testing.assert_array_equal(kv["w1"], [0, 1, 2])
    np.testing.assert_array_equal(kv["w3"], [6, 7, 8])
    np.testing.assert_array_equal(kv["w0"], untouched)
    assert "zzz" not in kv
    np.testing.assert_array_equal(kv.vectors_lockf, [1, 0, 1, 0, 1])
    np.testing.assert_allclose(kv.get_normed_vectors()[1], unit([0, 1, 2]), rtol=1e-6)
    with pytest.raises(ValueError, match="3 dimensions, this KeyedVectors has 8"):
        make_kv(n=5, d=8).intersect_word2vec_format(path)
    ids = KeyedVectors(np.zeros((2, 3)), [7, 3])
    ids.intersect_word2vec_format(write_ids(tmp_path), lockf=1.0)
    np.testing.assert_array_equal(ids[3], [1, 1, 1])


def write_ids(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("2 3\n3 1 1 1\n4 2 2 2\n")
    return path


def test_wmdistance_needs_pot_and_names_the_extra(monkeypatch):
    import sys

    kv = make_kv()
    monkeypatch.setitem(sys.modules, "ot", None)
    with pytest.raises(ImportError, match=r"numbaw2v\[wmd\]"):
        kv.wmdistance(["w1"], ["w2"])


def test_wmdistance_simple_cases():
    pytest.importorskip("ot")
    kv = KeyedVectors(np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32), ["x", "y", "xy"])
    assert kv.wmdistance(["x", "x"], ["x"]) == 0.0
    assert kv.wmdistance(["nope"], ["x"]) == float("inf")
    # all of x's mass moves to y: the distance of the unit vectors
    assert kv.wmdistance(["x"], ["y", "nope"]) == pytest.approx(np.sqrt(2))
    assert kv.wmdistance(["x", "y"], ["xy"]) == pytest.approx(np.linalg.norm(unit([1, 1]) - [1, 0]))
    assert kv.wmdistance(["x"], ["xy"], norm=False) == pytest.approx(1.0)


def test_pickle_round_trip_and_gensim_state():
    import pickle

    kv = make_kv(n=6)
    kv.set_vecattr("w2", "tag", "x")
    back = pickle.loads(pickle.dumps(kv))
    assert back.index_to_key == kv.index_to_key and back.get_vecattr("w2", "tag") == "x"
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    # the attribute names gensim 4 pickles, as an allow-list loader hands them over
    state = {"vector_size": 8, "index_to_key": list(kv.index_to_key), "next_index": 6,
             "key_to_index": {}, "norms": None, "expandos": {"count": kv.counts.copy()},
             "mapfile_path": None, "lifecycle_events": [{"event": "created"}], "extra": 1}
    restored = KeyedVectors.__new__(KeyedVectors)
    restored.__setstate__(state)
    assert restored.vectors.shape == (6, 8) and restored.key_to_index == kv.key_to_index
    restored.vectors = kv.vectors            # gensim keeps big arrays in separate .npy files
    assert restored.most_similar("w1", topn=3) == kv.most_similar("w1", topn=3)
    assert restored.get_count("w0") == 6 and restored.extra == 1


def test_query_terms_must_be_keys_vectors_or_pairs():
    with pytest.raises(ValueError, match="pairs; got 2.0"):
        make_kv().most_similar(("w1", 2.0))
