"""KeyedVectors against gensim 4.4's KeyedVectors on the same vectors (skipped without gensim)."""

import numpy as np
import pytest

from numbaw2v.vectors import KeyedVectors

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated:DeprecationWarning")

N, D = 80, 12


def pair(seed=0, zero_row=None):
    """The same random vocabulary as (numbaw2v, gensim) KeyedVectors, with counts."""
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((N, D)).astype(np.float32)
    if zero_row is not None:
        vectors[zero_row] = 0
    keys = [f"k{i}" for i in range(N)]
    counts = rng.integers(1, 50, N)
    ours = KeyedVectors(vectors, keys, counts=counts)
    theirs = gensim_kv.KeyedVectors(D)
    theirs.add_vectors(keys, vectors)
    for key, count in zip(keys, counts):
        theirs.set_vecattr(key, "count", int(count))
    return ours, theirs


def same_ranking(a, b, atol=1e-5):
    assert [k for k, _ in a] == [k for k, _ in b]
    np.testing.assert_allclose([s for _, s in a], [s for _, s in b], atol=atol)


QUERIES = [
    {"positive": "k1"},
    {"positive": ["k1", "k7"], "negative": ["k3"]},
    {"positive": [("k1", 2.0), "k2"], "negative": [("k5", 0.5)]},
    {"positive": "k4", "restrict_vocab": 30},
    {"positive": "k4", "clip_start": 10, "clip_end": 50},
    {"positive": ["k9", "k10"], "negative": "k11", "topn": 25},
]


@pytest.mark.parametrize("query", QUERIES)
def test_most_similar_agrees(query):
    ours, theirs = pair()
    same_ranking(ours.most_similar(**query), theirs.most_similar(**query))
    full = dict(query, topn=None)
    np.testing.assert_allclose(ours.most_similar(**full), theirs.most_similar(**full), atol=1e-5)


def test_most_similar_with_vectors_and_2d_arrays_agrees():
    ours, theirs = pair(1)
    rows = ours.vectors[5:8]
    same_ranking(ours.most_similar(rows), theirs.most_similar(rows))
    same_ranking(
        ours.most_similar([rows[0], "k2"], ["k9"]), theirs.most_similar([rows[0], "k2"], ["k9"])
    )
    same_ranking(ours.similar_by_vector(rows[1], topn=5), theirs.similar_by_vector(rows[1], topn=5))


def test_cosmul_agrees():
    ours, theirs = pair(2)
    for pos, neg in ((["k1", "k2"], ["k3"]), ("k8", None), (["k4"], ["k5", "k6"])):
        same_ranking(
            ours.most_similar_cosmul(pos, neg, topn=8), theirs.most_similar_cosmul(pos, neg, topn=8)
        )


def test_pairwise_measures_agree():
    ours, theirs = pair(3)
    for a, b in (("k1", "k2"), ("k3", "k3"), ("k10", "k70")):
        assert ours.similarity(a, b) == pytest.approx(float(theirs.similarity(a, b)), abs=1e-6)
        assert ours.distance(a, b) == pytest.approx(float(theirs.distance(a, b)), abs=1e-6)
    assert ours.n_similarity(["k1", "k2", "nope"], ["k3"]) == pytest.approx(
        float(theirs.n_similarity(["k1", "k2", "nope"], ["k3"])), abs=1e-6
    )
    np.testing.assert_allclose(ours.distances("k4"), theirs.distances("k4"), atol=1e-6)
    np.testing.assert_allclose(
        ours.distances("k4", ["k1", "k9"]), theirs.distances("k4", ["k1", "k9"]), atol=1e-6
    )
    np.testing.assert_allclose(
        ours.distances(ours["k4"] * 3), theirs.distances(ours["k4"] * 3), atol=1e-6
    )
    np.testing.assert_allclose(
        ours.cosine_similarities(ours["k1"], ours.vectors[:9]),
        theirs.cosine_similarities(ours["k1"], ours.vectors[:9]),
        atol=1e-6,
    )


def test_neighbourhood_queries_agree():
    ours, theirs = pair(4)
    for a, b in (("k1", "k2"), ("k5", "k50"), ("k7", "k7")):
        assert ours.closer_than(a, b) == theirs.closer_than(a, b)
        assert ours.rank(a, b) == theirs.rank(a, b)
    given = ["k3", "k30", "k31", "k60"]
    assert ours.most_similar_to_given("k2", given) == theirs.most_similar_to_given("k2", given)
    assert ours.relative_cosine_similarity("k1", "k2", 5) == pytest.approx(
        float(theirs.relative_cosine_similarity("k1", "k2", 5)), rel=1e-5
    )
    words = ["k1", "k2", "k3", "k4", "nope"]
    assert ours.doesnt_match(words) == theirs.doesnt_match(words)
    ranked_ours, ranked_theirs = (
        ours.rank_by_centrality(words[:4]),
        theirs.rank_by_centrality(words[:4]),
    )
    assert [k for _, k in ranked_ours] == [k for _, k in ranked_theirs]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"pre_normalize": False}, {"post_normalize": True}, {"weights": [1.0, -2.0, 0.5, 3.0]}],
)
def test_get_mean_vector_agrees(kwargs):
    ours, theirs = pair(5)
    keys = ["k1", "k2", "nope", "k4"]
    np.testing.assert_allclose(
        ours.get_mean_vector(keys, **kwargs), theirs.get_mean_vector(keys, **kwargs), atol=1e-6
    )


def test_vocabulary_operations_agree():
    ours, theirs = pair(6)
    ours.counts[[3, 4, 5]] = ours.counts[2]  # ties, broken as gensim breaks them
    for key in ("k3", "k4", "k5"):
        theirs.set_vecattr(key, "count", int(ours.counts[2]))
    ours.sort_by_descending_frequency()
    theirs.sort_by_descending_frequency()
    assert ours.index_to_key == theirs.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    np.testing.assert_array_equal(ours.counts, theirs.expandos["count"])
    keys = ["k3", "nope", "k1", "k3", "k40"]
    for copy in (False, True):
        a, b = (
            ours.vectors_for_all(keys, copy_vecattrs=copy),
            theirs.vectors_for_all(keys, copy_vecattrs=copy),
        )
        assert a.index_to_key == b.index_to_key
        np.testing.assert_array_equal(a.vectors, b.vectors)
        np.testing.assert_array_equal(a.counts, b.expandos["count"])


def test_adding_vectors_agrees():
    ours, theirs = pair(7)
    new = np.random.default_rng(8).standard_normal((3, D)).astype(np.float32)
    for kv in (ours, theirs):
        kv.add_vectors(["k1", "n1", "n2"], new)
        kv["n3"] = new[2] * 2
        kv[["k2", "n1"]] = new[:2] * 3
    assert ours.index_to_key == theirs.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)


def test_wmdistance_agrees():
    pytest.importorskip("ot")
    ours, theirs = pair(9)
    docs = [
        (["k1", "k2", "k2", "nope"], ["k3", "k4"]),
        (["k5"], ["k6", "k7", "k5"]),
        (["k10", "k11", "k12"], ["k12", "k11", "k10", "k10"]),
    ]
    for d1, d2 in docs:
        for norm in (True, False):
            assert ours.wmdistance(d1, d2, norm=norm) == pytest.approx(
                theirs.wmdistance(d1, d2, norm=norm), rel=1e-6, abs=1e-9
            )


def test_zero_vector_differs_from_gensim_only_by_nan():
    ours, theirs = pair(10, zero_row=4)
    with pytest.warns(RuntimeWarning):
        mine = ours.most_similar("k1", topn=None)
    with np.errstate(invalid="ignore", divide="ignore"):
        gens = theirs.most_similar("k1", topn=None)
    assert np.isnan(gens[4]) and mine[4] == 0.0
    keep = np.arange(N) != 4
    np.testing.assert_allclose(mine[keep], gens[keep], atol=1e-5)
    assert ours.similarity("k4", "k1") == float(theirs.similarity("k4", "k1")) == 0.0


def test_state_of_a_gensim_object_restores_ours():
    _, theirs = pair(11)
    theirs.fill_norms()
    restored = KeyedVectors.__new__(KeyedVectors)
    restored.__setstate__(theirs.__dict__)
    assert restored.index_to_key == theirs.index_to_key
    np.testing.assert_array_equal(restored.counts, theirs.expandos["count"])
    same_ranking(restored.most_similar("k3"), theirs.most_similar("k3"))
