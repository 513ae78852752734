"""The optimizer kernels against their plain-NumPy twins."""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from numbaw2v.kernels.optim import adam_rows, adam_step, rows_problem, sgd_rows
from reference import ref_adam_rows, ref_adam_step, ref_rows_problem, ref_sgd_rows

FAST = settings(max_examples=40, deadline=None)
TOL = {np.float32: 2e-5, np.float64: 1e-12}


@st.composite
def rows_case(draw):
    """A (V, d) matrix, distinct sorted rows of it, one gradient row each, and a dtype."""
    V = draw(st.integers(1, 12))
    d = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    W = draw(hnp.arrays(dtype, (V, d), elements=st.floats(-10, 10, width=32)))
    rows = np.array(sorted(draw(st.sets(st.integers(0, V - 1)))), dtype=np.int64)
    grad = draw(hnp.arrays(dtype, (len(rows), d), elements=st.floats(-10, 10, width=32)))
    return W, rows, grad, dtype


@FAST
@given(st.lists(st.integers(-3, 12), max_size=8), st.integers(1, 10))
def test_rows_problem_matches_twin(rows, n):
    assert rows_problem(np.array(rows, dtype=np.int64), n) == ref_rows_problem(rows, n)


@FAST
@given(rows_case(), st.floats(0, 1))
def test_sgd_rows_matches_twin(case, lr):
    W, rows, grad, dtype = case
    twin = W.copy()
    sgd_rows(W, rows, grad, dtype(lr))
    ref_sgd_rows(twin, rows, grad, dtype(lr))
    np.testing.assert_allclose(W, twin, rtol=TOL[dtype], atol=TOL[dtype])


def _adam_scalars(dtype, lr_t, beta1, beta2):
    return dtype(lr_t), dtype(1 - beta1), dtype(1 - beta2), dtype(1e-7)


@FAST
@given(rows_case(), st.floats(1e-4, 0.1), st.floats(0.5, 0.99), st.floats(0.9, 0.9999),
       st.integers(1, 3))
def test_adam_rows_and_step_match_twins(case, lr_t, beta1, beta2, steps):
    W, rows, grad, dtype = case
    scalars = _adam_scalars(dtype, lr_t, beta1, beta2)
    mv = np.zeros((W.shape[0], 2, W.shape[1]), dtype=dtype)
    W_twin, mv_twin = W.copy(), mv.copy()
    flat, m, v = W.reshape(-1).copy(), np.zeros(W.size, dtype), np.zeros(W.size, dtype)
    flat_twin, m_twin, v_twin = flat.copy(), m.copy(), v.copy()
    g_flat = np.resize(grad, W.size).astype(dtype) if grad.size else np.zeros(W.size, dtype)
    for _ in range(steps):
        adam_rows(W, mv, rows, grad, *scalars)
        ref_adam_rows(W_twin, mv_twin, rows, grad, *scalars)
        adam_step(flat, m, v, g_flat, *scalars)
        ref_adam_step(flat_twin, m_twin, v_twin, g_flat, *scalars)
    tol = TOL[dtype]
    np.testing.assert_allclose(W, W_twin, rtol=tol, atol=tol)
    np.testing.assert_allclose(mv, mv_twin, rtol=tol, atol=tol)
    np.testing.assert_allclose(flat, flat_twin, rtol=tol, atol=tol)
    np.testing.assert_allclose(v, v_twin, rtol=tol, atol=tol)
    untouched = np.setdiff1d(np.arange(W.shape[0]), rows)
    assert not mv[untouched].any()
