"""kernels.delta.changed_rows against its NumPy twin."""
import numpy as np
from hypothesis import given, settings, strategies as st

from numbaw2v.kernels.delta import add_int16_rows, changed_rows, pack_int16, unpack_int16
from reference import ref_changed_rows, ref_pack_int16, ref_unpack_int16


def _run(W, before):
    out = np.empty_like(W)
    rows = np.empty(W.shape[0], dtype=np.int32)
    n = changed_rows(W, before, out, rows)
    return rows[:n], out[:n]


@settings(max_examples=60, deadline=None)
@given(v=st.integers(0, 12), d=st.integers(1, 9), seed=st.integers(0, 2**32 - 1),
       share=st.floats(0.0, 1.0))
def test_changed_rows_matches_numpy(v, d, seed, share):
    rng = np.random.default_rng(seed)
    before = rng.normal(size=(v, d)).astype(np.float32)
    W = before.copy()
    hit = rng.random(v) < share
    cols = rng.integers(0, d, size=v)
    W[hit, cols[hit]] += rng.normal(size=int(hit.sum())).astype(np.float32) + 1.0
    rows, vals = _run(W, before)
    want_rows, want_vals = ref_changed_rows(W, before)
    assert np.array_equal(rows, want_rows)
    assert np.array_equal(vals, want_vals)


def test_changed_rows_counts_the_smallest_change_and_nan():
    before = np.zeros((4, 3), dtype=np.float32)
    W = before.copy()
    W[1, 2] = np.nextafter(np.float32(0), np.float32(1))
    W[3, 0] = np.nan
    rows, vals = _run(W, before)
    assert rows.tolist() == [1, 3]
    assert vals[0, 2] > 0 and np.isnan(vals[1, 0])


def test_changed_rows_of_an_unchanged_matrix_is_empty():
    W = np.ones((5, 2), dtype=np.float32)
    rows, vals = _run(W, W.copy())
    assert rows.shape == (0,) and vals.shape == (0, 2)


@settings(max_examples=60, deadline=None)
@given(v=st.integers(0, 10), d=st.integers(1, 9), seed=st.integers(0, 2**32 - 1),
       mag=st.floats(1e-30, 1e30),
       bad=st.sampled_from([None, np.inf, -np.inf, np.nan, 3.2e38, -3.3e38, 2.9e38]))
def test_int16_packing_matches_numpy(v, d, seed, mag, bad):
    rng = np.random.default_rng(seed)
    values = (rng.normal(size=(v, d)) * mag).astype(np.float32)
    if v:
        values[0] = 0.0
    if bad is not None and v > 1:
        values[1, d // 2] = bad
    q = np.empty(values.shape, dtype=np.int16)
    scale = np.empty(v, dtype=np.float32)
    pack_int16(values, q, scale)
    want_q, want_scale = ref_pack_int16(values)
    assert np.array_equal(q, want_q)
    assert np.array_equal(scale, want_scale, equal_nan=True)
    out = np.empty(values.shape, dtype=np.float32)
    unpack_int16(q, scale, out)
    assert np.array_equal(out, ref_unpack_int16(q, scale), equal_nan=True)
    ok = np.isfinite(scale)
    assert np.array_equal(ok, (np.abs(values) <= 3.0e38).all(axis=1))
    # half a step, plus float32 rounding of the products
    assert np.all(np.abs(out[ok] - values[ok]) <= scale[ok, None] * (0.5 / 32767 + 1e-6))
    rows = rng.permutation(v + 3)[:v].astype(np.int32)
    W = rng.normal(size=(v + 3, d)).astype(np.float32)
    want = W.copy()
    want[rows] += ref_unpack_int16(q, scale)
    add_int16_rows(W, rows, q, scale)
    assert np.array_equal(W, want, equal_nan=True)
