"""AliasTable and the book's UnigramSampler: encoded distribution, goodness of fit,
exclusion, seeds."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from helpers import alias_weights, chi2_critical
from numbaw2v.sampling import AliasTable, UnigramSampler
from reference import ref_alias_probabilities

FAST = settings(max_examples=50, deadline=None)


@FAST
@given(alias_weights())
def test_table_encodes_the_normalised_weights(w):
    t = AliasTable(w, seed=0)
    expect = w / w.sum()
    np.testing.assert_allclose(t.probabilities(), expect, rtol=1e-6, atol=0)
    np.testing.assert_allclose(ref_alias_probabilities(t.prob, t.alias), expect,
                               rtol=1e-6, atol=0)
    assert np.all(t.prob[w == 0] == 0)          # a zero-weight column never keeps itself
    assert np.all(w[t.alias[t.prob < 1]] > 0)   # and never is an alias


def test_chi_square_goodness_of_fit():
    w = np.array([5.0, 1.0, 0.0, 2.5, 10.0, 0.5, 3.0, 1e-3, 7.0, 0.0, 2.0, 4.0])
    n = 200_000
    draws = AliasTable(w, seed=2024).sample(n)
    counts = np.bincount(draws, minlength=len(w))
    assert counts[w == 0].sum() == 0
    expected = n * w / w.sum()
    keep = expected > 5
    chi2 = float(np.sum((counts[keep] - expected[keep]) ** 2 / expected[keep]))
    assert chi2 < chi2_critical(int(keep.sum()) - 1)


def test_chi_square_detects_a_wrong_distribution():
    # the same statistic must reject draws from another distribution
    w = np.array([1.0, 2.0, 3.0, 4.0])
    counts = np.bincount(AliasTable([1.0, 2.0, 3.0, 4.5], seed=1).sample(200_000), minlength=4)
    expected = 200_000 * w / w.sum()
    assert np.sum((counts - expected) ** 2 / expected) > chi2_critical(3)


@FAST
@given(alias_weights(), st.integers(0, 2**32))
def test_zero_weights_never_drawn_and_excluded_never_appears(w, seed):
    t = AliasTable(w, seed=seed)
    draws = t.sample(500)
    assert np.all(w[draws] > 0)
    positive = np.flatnonzero(w > 0)
    if positive.size < 2:
        return
    exclude = np.random.default_rng(seed).choice(positive, size=30)
    out = t.sample_excluding(exclude, 7)
    assert out.shape == (30, 7)
    assert not np.any(out == exclude[:, None])
    assert np.all(w[out] > 0)


def test_excluding_a_dominant_id_is_fast_and_correct():
    t = AliasTable([1e9, 1.0, 3.0], seed=3)
    out = t.sample_excluding(np.zeros(1000, dtype=np.int64), 5)
    assert not np.any(out == 0)
    frac = np.mean(out == 2)
    assert 0.72 < frac < 0.78           # 3 / (1 + 3)


def test_reproducible_at_a_seed():
    w = np.arange(1.0, 20.0)
    a = AliasTable(w, seed=42)
    b = AliasTable(w, seed=42)
    np.testing.assert_array_equal(a.sample(100), b.sample(100))
    np.testing.assert_array_equal(a.sample_excluding(np.arange(10), 3),
                                  b.sample_excluding(np.arange(10), 3))
    assert not np.array_equal(AliasTable(w, seed=43).sample(100),
                              AliasTable(w, seed=42).sample(100))


def test_only_positive_id_cannot_be_excluded():
    with pytest.raises(ValueError, match="only id"):
        AliasTable([0.0, 2.0], seed=0).sample_excluding(np.array([1]), 2)


def test_unigram_sampler_shape_and_exclusion():
    corpus = np.array([0, 1, 1, 2, 2, 2, 3, 3, 3, 3])
    s = UnigramSampler(corpus, 0.75, 4, seed=0)
    target = np.array([3, 2, 0])
    neg = s.get_negative_sample(target)
    assert neg.shape == (3, 4)
    assert not np.any(neg == target[:, None])
    p = np.array([1, 2, 3, 4]) ** 0.75
    np.testing.assert_allclose(s.word_p, p / p.sum())



@FAST
@given(alias_weights(), st.integers(0, 2**32))
def test_draw_excluding_is_sample_excluding_without_the_checks(w, seed):
    positive = np.flatnonzero(w > 0)
    if positive.size < 2:
        return
    exclude = np.random.default_rng(seed).choice(positive, size=20).astype(np.int64)
    fast = AliasTable(w, seed=seed).draw_excluding(exclude, 4)
    checked = AliasTable(w, seed=seed).sample_excluding(exclude, 4)
    np.testing.assert_array_equal(fast, checked)


def test_unigram_sampler_checked_path_equals_the_checked_one():
    corpus = np.array([0, 1, 1, 2, 2, 2, 3, 3, 3, 3])
    target = np.array([3, 2, 0, 1], dtype=np.int64)
    a = UnigramSampler(corpus, 0.75, 3, seed=5)
    b = UnigramSampler(corpus, 0.75, 3, seed=5)
    np.testing.assert_array_equal(a.negative_sample_checked(target), b.get_negative_sample(target))
