"""The alias-table kernels against their twins: the built table, the draws."""
import numpy as np
from hypothesis import given, settings

from helpers import alias_weights, chi2_critical
from numbaw2v.kernels.alias import alias_sample, build_alias
from reference import ref_alias_sample, ref_build_alias

FAST = settings(max_examples=50, deadline=None)


def test_chi2_critical_matches_tables():
    # published upper 0.1% points: df=10 -> 29.588, df=50 -> 86.661
    assert abs(chi2_critical(10) - 29.588) < 0.2
    assert abs(chi2_critical(50) - 86.661) < 0.2


@FAST
@given(alias_weights())
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
