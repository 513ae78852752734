"""The embedding kernels against their plain-NumPy twins."""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from numbaw2v.kernels.embed import (dot_backward, gather, gather_dot, gather_mean, min_max,
                                    scatter_add, sum_rows_by_id)
from reference import ref_gather, ref_gather_dot, ref_scatter_add, ref_sum_rows_by_id

FAST = settings(max_examples=40, deadline=None)


@st.composite
def table_and_ids(draw, max_ndim=3):
    V = draw(st.integers(1, 12))
    d = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    W = draw(hnp.arrays(dtype, (V, d), elements=st.floats(-10, 10, width=32)))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=max_ndim, min_side=0, max_side=5))
    ids = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, V - 1)))  # repeats likely
    return W, ids


@FAST
@given(table_and_ids())
def test_gather_matches_twin(case):
    W, ids = case
    out = gather(W, ids)
    assert out.shape == ids.shape + (W.shape[1],)
    assert out.dtype == W.dtype
    np.testing.assert_array_equal(out, ref_gather(W, ids))


def test_gather_large_batch_uses_all_rows():
    W = np.arange(30.0).reshape(10, 3)
    ids = np.arange(10000) % 10            # above the parallel threshold
    np.testing.assert_array_equal(gather(W, ids), W[ids])


@FAST
@given(table_and_ids(), st.integers(0, 2**31))
def test_scatter_add_matches_add_at_and_twin(case, seed):
    W, ids = case
    dout = np.random.default_rng(seed).standard_normal(ids.shape + (W.shape[1],)).astype(W.dtype)
    got = np.ones_like(W)
    scatter_add(got, ids, dout)
    expect = np.ones_like(W)
    np.add.at(expect, ids, dout)
    twin = np.ones_like(W)
    ref_scatter_add(twin, ids, dout)
    tol = 1e-5 if W.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expect, rtol=tol, atol=tol)
    np.testing.assert_allclose(got, twin, rtol=tol, atol=tol)


@FAST
@given(table_and_ids(), st.integers(0, 2**31))
def test_sum_rows_by_id_one_row_per_id_matches_twin(case, seed):
    W, ids = case
    ids = ids.reshape(-1, 1)
    rows_in = np.random.default_rng(seed).standard_normal((len(ids), W.shape[1])).astype(W.dtype)
    rows, summed = sum_rows_by_id(ids, rows_in)
    ref_rows, ref_summed = ref_sum_rows_by_id(ids, rows_in)
    np.testing.assert_array_equal(rows, ref_rows)
    assert summed.dtype == rows_in.dtype and summed.shape == (len(rows), W.shape[1])
    np.testing.assert_allclose(summed, ref_summed, rtol=1e-5, atol=1e-5)
    dense = np.zeros_like(W)
    np.add.at(dense, ids[:, 0], rows_in)
    assert np.all(dense[np.setdiff1d(np.arange(W.shape[0]), rows)] == 0)


def test_sum_rows_by_id_sorts_sparse_large_ids():
    ids = np.array([10**9, 5, 10**9, 7, 5]).reshape(-1, 1)   # range far above the size: sort
    rows_in = np.arange(10.0).reshape(5, 2)
    rows, summed = sum_rows_by_id(ids, rows_in)
    np.testing.assert_array_equal(rows, [5, 7, 10**9])
    np.testing.assert_array_equal(summed, [[2 + 8, 3 + 9], [6, 7], [0 + 4, 1 + 5]])


@FAST
@given(table_and_ids(max_ndim=2), st.integers(1, 4), st.integers(0, 2**31))
def test_sum_rows_by_id_shares_each_row(case, c, seed):
    W, ids = case
    rng = np.random.default_rng(seed)
    n = ids.size // c
    ids2 = ids.reshape(-1)[:n * c].reshape(n, c)
    rows_in = rng.standard_normal((n, W.shape[1]))
    rows, summed = sum_rows_by_id(ids2, rows_in)
    ref_rows, ref_summed = ref_sum_rows_by_id(ids2, rows_in)
    np.testing.assert_array_equal(rows, ref_rows)
    np.testing.assert_allclose(summed, ref_summed, rtol=1e-12, atol=1e-12)


@FAST
@given(table_and_ids(max_ndim=1), st.integers(0, 2**31))
def test_gather_dot_and_dot_backward(case, seed):
    W, ids = case
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((ids.shape[0], W.shape[1])).astype(W.dtype)
    rows, scores = gather_dot(W, ids, h)
    ref_rows, ref_scores = ref_gather_dot(W, ids, h)
    np.testing.assert_array_equal(rows, ref_rows)
    np.testing.assert_allclose(scores, ref_scores, rtol=1e-4, atol=1e-3)
    dscore = rng.standard_normal(ids.shape[0]).astype(W.dtype)
    dh = np.ones_like(h)
    dtarget = dot_backward(dscore, h, rows, dh)
    np.testing.assert_allclose(dtarget, dscore[:, None] * h, rtol=1e-6)
    np.testing.assert_allclose(dh, 1 + dscore[:, None] * W[ids], rtol=1e-5, atol=1e-6)


@FAST
@given(table_and_ids(max_ndim=1), st.integers(1, 4))
def test_gather_mean_is_mean_of_rows(case, c):
    W, ids = case
    n = ids.size // c
    ids2 = ids[:n * c].reshape(n, c)
    expect = ref_gather(W, ids2).astype(np.float64).mean(axis=1)
    np.testing.assert_allclose(gather_mean(W, ids2), expect, rtol=1e-5, atol=1e-5)


@FAST
@given(hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
                  elements=st.integers(-2**62, 2**62)))
def test_min_max_returns_min_then_max(ids):
    assert min_max(ids) == (ids.min(), ids.max())
    assert min_max(np.array([[3, -2], [9, 4]])) == (-2, 9)
