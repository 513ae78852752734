"""Optimizers: dense updates equal the book's, sparse-row updates equal dense ones.

Lazy Adam semantics: the step counter advances every update; a row's moments
and weights change only in steps where it has a gradient. So a row touched in
every step follows dense Adam exactly, and an untouched row does not move.
"""
import numpy as np
import pytest

from numbaw2v.kernels.embed import sum_rows_by_id
from numbaw2v.optim import SGD, Adam
from reference import RefAdam, RefSGD


def _sparse_step(rng, V, d, n, dtype, always=()):
    ids = np.concatenate([rng.integers(0, V, size=n), np.asarray(always, dtype=np.int64)])
    rows_g = rng.standard_normal((ids.size, d)).astype(dtype)
    rows, summed = sum_rows_by_id(ids.reshape(-1, 1), rows_g)
    dense = np.zeros((V, d), dtype=dtype)
    np.add.at(dense, ids, rows_g)
    return rows, summed, dense


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_sgd_equals_dense_sgd(dtype):
    rng = np.random.default_rng(0)
    V, d = 30, 5
    W1 = rng.standard_normal((V, d)).astype(dtype)
    W2, W3 = W1.copy(), W1.copy()
    sgd = SGD(lr=0.1)
    for _ in range(20):
        rows, summed, dense = _sparse_step(rng, V, d, 8, dtype)
        sgd.update_sparse([(W1, rows, summed)])
        sgd.update([W2], [dense])
        RefSGD(lr=0.1).update([W3], [dense])
    tol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(W1, W2, rtol=tol, atol=tol)
    np.testing.assert_allclose(W2, W3, rtol=tol, atol=tol)


def test_dense_adam_equals_book_adam():
    rng = np.random.default_rng(1)
    P = [rng.standard_normal((6, 3)), rng.standard_normal(4)]
    Q = [p.copy() for p in P]
    mine, ref = Adam(lr=0.01), RefAdam(lr=0.01)
    for _ in range(15):
        G = [rng.standard_normal(p.shape) for p in P]
        mine.update(P, G)
        ref.update(Q, [g.copy() for g in G])
    for p, q in zip(P, Q):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_adam_equals_dense_twin_on_rows_touched_every_step(dtype):
    rng = np.random.default_rng(2)
    V, d = 40, 4
    always = [3, 17, 39]
    W1 = rng.standard_normal((V, d)).astype(dtype)
    W0 = W1.copy()
    W2 = W1.copy()
    touched = np.zeros(V, dtype=bool)
    sparse_adam, ref = Adam(lr=0.05), RefAdam(lr=0.05)
    for _ in range(25):
        rows, summed, dense = _sparse_step(rng, V, d, 5, dtype, always)
        touched[rows] = True
        sparse_adam.update_sparse([(W1, rows, summed)])
        ref.update([W2], [dense])
    tol = 2e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(W1[always], W2[always], rtol=tol, atol=tol)
    # rows never touched stay put (dense Adam leaves them too: zero moments)
    np.testing.assert_array_equal(W1[~touched], W0[~touched])
    # rows touched only sometimes differ from dense Adam: that is the lazy rule
    sometimes = touched.copy()
    sometimes[always] = False
    assert not np.allclose(W1[sometimes], W2[sometimes], rtol=tol, atol=tol)


def test_sparse_adam_keeps_state_per_param():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((5, 2))
    B = rng.standard_normal((5, 2))
    A2, B2 = A.copy(), B.copy()
    opt, ref_a, ref_b = Adam(), RefAdam(), RefAdam()
    rows = np.arange(5)
    for _ in range(5):
        ga, gb = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
        opt.update_sparse([(A, rows, ga), (B, rows, gb)])
        ref_a.update([A2], [ga])
        ref_b.update([B2], [gb])
    np.testing.assert_allclose(A, A2, rtol=1e-12)
    np.testing.assert_allclose(B, B2, rtol=1e-12)


def test_sparse_update_rejects_bad_entries():
    W = np.zeros((4, 3))
    with pytest.raises(ValueError, match="^summed"):
        SGD().update_sparse([(W, np.array([0, 1]), np.zeros((2, 2)))])
    with pytest.raises(ValueError, match="^rows"):
        SGD().update_sparse([(W, np.array([0, 4]), np.zeros((2, 3)))])
    with pytest.raises(ValueError, match="^rows"):
        Adam().update_sparse([(W, np.array([2, 2]), np.zeros((2, 3)))])
    with pytest.raises(ValueError, match="^rows"):
        Adam().update_sparse([(W, np.array([0.0, 1.0]), np.zeros((2, 3)))])
    assert not W.any()
