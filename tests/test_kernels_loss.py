"""The loss kernels: agreement with their twins, stability, gradients."""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from numbaw2v.kernels.loss import ns_backward, ns_forward, sigmoid_bce
from reference import ref_ns_backward, ref_ns_forward, ref_sigmoid_bce

FAST = settings(max_examples=50, deadline=None)


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 40), elements=st.floats(-1e4, 1e4)),
       st.data())
def test_matches_twin_and_stays_finite(x, data):
    t = data.draw(hnp.arrays(np.int64, x.shape, elements=st.integers(0, 1)))
    loss, grad = sigmoid_bce(x, t)
    ref_loss, ref_grad = ref_sigmoid_bce(x, t)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-9, atol=1e-15)


def test_extreme_scores_give_exact_limits():
    x = np.array([1e4, -1e4, 1e4, -1e4])
    t = np.array([1, 0, 0, 1])
    loss, grad = sigmoid_bce(x, t)
    # right answers cost nothing, wrong ones cost |x| each
    assert loss == (0 + 0 + 1e4 + 1e4) / 4
    np.testing.assert_array_equal(grad, [0.0, 0.0, 0.25, -0.25])


def test_float32_scores_keep_dtype_and_soft_labels_work():
    x = np.array([0.0, 2.0], dtype=np.float32)
    loss, grad = sigmoid_bce(x, np.array([0.5, 0.25]))
    assert grad.dtype == np.float32
    ref_loss, ref_grad = ref_sigmoid_bce(x, [0.5, 0.25])
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-7)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-6)


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-20, 20)), st.data())
def test_gradient_matches_finite_differences(x, data):
    t = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(0, 1)))
    _, grad = sigmoid_bce(x, t)
    eps = 1e-6
    for k in range(x.size):
        xp, xm = x.copy(), x.copy()
        xp[k] += eps
        xm[k] -= eps
        numeric = (sigmoid_bce(xp, t)[0] - sigmoid_bce(xm, t)[0]) / (2 * eps)
        assert abs(numeric - grad[k]) < 1e-7


def test_keeps_input_shape():
    x = np.zeros((3, 2))
    loss, grad = sigmoid_bce(x, np.ones((3, 2)))
    assert grad.shape == (3, 2)
    np.testing.assert_allclose(loss, np.log(2))


@st.composite
def ns_case(draw):
    """Output weights, (k + 1, n) ids into them and hidden vectors (n, d)."""
    V, d = draw(st.integers(1, 10)), draw(st.integers(1, 6))
    layers, n = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    W = draw(hnp.arrays(dtype, (V, d), elements=st.floats(-3, 3, width=32)))
    ids = draw(hnp.arrays(np.int64, (layers, n), elements=st.integers(0, V - 1)))
    h = draw(hnp.arrays(dtype, (n, d), elements=st.floats(-3, 3, width=32)))
    return W, ids, h


@FAST
@given(ns_case())
def test_ns_forward_and_backward_match_twins(case):
    W, ids, h = case
    tol = 1e-4 if W.dtype == np.float32 else 1e-12
    scores, losses, dscores = ns_forward(W, ids, h)
    ref_scores, ref_losses, ref_dscores = ref_ns_forward(W, ids, h)
    assert scores.dtype == dscores.dtype == h.dtype
    np.testing.assert_allclose(scores, ref_scores, rtol=tol, atol=tol)
    np.testing.assert_allclose(losses, ref_losses, rtol=tol, atol=tol)
    np.testing.assert_allclose(dscores, ref_dscores, rtol=tol, atol=tol)
    dh, drows = ns_backward(dscores, h, W, ids)
    ref_dh, ref_drows = ref_ns_backward(dscores, h, W, ids)
    assert drows.shape == ids.shape + (W.shape[1],)
    np.testing.assert_allclose(dh, ref_dh, rtol=tol, atol=tol)
    np.testing.assert_allclose(drows, ref_drows, rtol=tol, atol=tol)
