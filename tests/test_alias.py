"""Alias tables: exact encoded distribution, goodness of fit, exclusion, seeds."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from numbaw2v.kernels.alias import alias_sample, build_alias
from numbaw2v.sampling import AliasTable, UnigramSampler
from reference import ref_alias_probabilities, ref_alias_sample, ref_build_alias

FAST = settings(max_examples=50, deadline=None)


@st.composite
def weights(draw):
    """Non-negative weights with zeros and ratios up to 1e9, at least one positive."""
    n = draw(st.integers(1, 60))
    exps = draw(hnp.arrays(np.float64, n, elements=st.floats(0, 9)))
    w = 10.0 ** exps
    w[draw(hnp.arrays(np.bool_, n))] = 0.0
    if not np.any(w > 0):
        w[draw(st.integers(0, n - 1))] = 1.0
    return w


def chi2_critical(df, z=3.0902323):
    """Upper critical value of chi-square (Wilson-Hilferty); z=3.09 is alpha=0.001."""
    k = 2.0 / (9.0 * df)
    return df * (1.0 - k + z * math.sqrt(k)) ** 3


def test_chi2_critical_matches_tables():
    # published upper 0.1% points: df=10 -> 29.588, df=50 -> 86.661
    assert abs(chi2_critical(10) - 29.588) < 0.2
    assert abs(chi2_critical(50) - 86.661) < 0.2


@FAST
@given(weights())
def test_table_encodes_the_normalised_weights(w):
    t = AliasTable(w, seed=0)
    expect = w / w.sum()
    np.testing.assert_allclose(t.probabilities(), expect, rtol=1e-6, atol=0)
    np.testing.assert_allclose(ref_alias_probabilities(t.prob, t.alias), expect,
                               rtol=1e-6, atol=0)
    assert np.all(t.prob[w == 0] == 0)          # a zero-weight column never keeps itself
    assert np.all(w[t.alias[t.prob < 1]] > 0)   # and never is an alias


@FAST
@given(weights())
def test_kernel_table_equals_twin(w):
    prob, alias = build_alias(w)
    ref_prob, ref_alias = ref_build_alias(w)
    np.testing.assert_allclose(prob, ref_prob, rtol=1e-12)
    np.testing.assert_array_equal(alias[prob < 1], ref_alias[prob < 1])


def test_draws_equal_twin_replay():
    w = np.array([1.0, 3.0, 0.0, 6.0])
    prob, alias = build_alias(w)
    state = np.array([987654321], dtype=np.uint64)
    got = alias_sample(prob, alias, 200, state)
    ref, s = ref_alias_sample(prob, alias, 200, 987654321)
    np.testing.assert_array_equal(got, ref)
    assert int(state[0]) == s


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
@given(weights(), st.integers(0, 2**32))
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
    assert not np.array_equal(AliasTable(w, seed=43).sample(100), AliasTable(w, seed=42).sample(100))


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
