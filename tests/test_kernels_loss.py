"""The fused sigmoid + BCE kernel: agreement with its twin, stability, gradient."""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from numbaw2v.kernels.loss import sigmoid_bce
from reference import ref_sigmoid_bce

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
