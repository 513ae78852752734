"""The merge rules of distributed training, in NumPy (no Dask needed)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numbaw2v.distributed import merge
from numbaw2v.distributed.worker import update_counts


def _deltas(rng, parts, rows, d=4, counts=None):
    out = []
    for w in range(parts):
        r = np.sort(rng.choice(rows, size=rows // 2 + 1, replace=False)).astype(np.int32)
        n = np.full(r.shape[0], 1.0 if counts is None else counts, dtype=np.float32)
        out.append((r, rng.normal(size=(r.shape[0], d)).astype(np.float32), n))
    return out


def _dense(deltas, rows, d=4):
    """[P, rows, d] deltas and [P, rows] touched flags."""
    vals = np.zeros((len(deltas), rows, d))
    hit = np.zeros((len(deltas), rows), dtype=bool)
    for w, (r, v, _) in enumerate(deltas):
        vals[w, r] = v
        hit[w, r] = True
    return vals, hit


def test_contract_is_the_sum_for_tiny_counts():
    rng = np.random.default_rng(0)
    deltas = _deltas(rng, 4, 20, counts=1.0)
    rows, got = merge.merge_rows(deltas, "contract", 4, contraction=1e-6)
    vals, _ = _dense(deltas, 20)
    np.testing.assert_allclose(got, vals.sum(axis=0)[rows], rtol=1e-5, atol=1e-6)
    # and it is not the mean: the rule can tell the two apart
    _, mean = merge.merge_rows(deltas, "touched", 4)
    assert not np.allclose(got, mean, atol=1e-3)


def test_contract_is_the_mean_of_touching_parts_for_huge_counts():
    rng = np.random.default_rng(1)
    deltas = _deltas(rng, 4, 20, counts=1e6)
    rows, got = merge.merge_rows(deltas, "contract", 4, contraction=0.01)
    vals, hit = _dense(deltas, 20)
    want = vals.sum(axis=0) / np.maximum(hit.sum(axis=0), 1)[:, None]
    np.testing.assert_allclose(got, want[rows], rtol=1e-5, atol=1e-6)
    _, touched = merge.merge_rows(deltas, "touched", 4)
    np.testing.assert_allclose(got, touched, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n", [0.0, 1.0, 37.0, 1e9])
def test_contract_single_partition_is_its_delta_exactly(n):
    rng = np.random.default_rng(2)
    (r, v, _), = _deltas(rng, 1, 10)
    rows, got = merge.merge_rows([(r, v, np.full(r.shape[0], n, np.float32))], "contract", 1,
                                 contraction=0.05)
    assert np.array_equal(rows, r)
    assert np.array_equal(got, v)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=5),
       st.sampled_from([0.002, 0.01, 0.05, 0.3]))
def test_contract_reproduces_sequential_contractions(ns, c):
    """Under its own model (n updates x <- x + c (e - x) from a shared x0) the merged
    delta equals what all the partitions' updates applied in turn would give."""
    rng = np.random.default_rng(len(ns))
    x0, e = rng.normal(size=3), rng.normal(size=3)
    deltas = []
    for n in ns:
        x = x0.copy()
        for _ in range(n):
            x += c * (e - x)
        deltas.append((np.array([0], np.int32), (x - x0)[None].astype(np.float32),
                       np.array([n], np.float32)))
    x = x0.copy()
    for _ in range(sum(ns)):
        x += c * (e - x)
    _, got = merge.merge_rows(deltas, "contract", len(ns), contraction=c)
    np.testing.assert_allclose(got[0], x - x0, rtol=1e-4, atol=1e-5)


def test_contraction_scale_limits_and_untouched_rows():
    scale = merge.contraction_scale(np.array([[0.0, 1.0, 1e7], [0.0, 1.0, 1e7]]), 0.01)
    assert scale[0] == 1.0                     # counted nowhere: the plain sum
    assert 0.99 < scale[1] <= 1.0              # one update each: about the sum
    assert scale[2] == pytest.approx(0.5)      # saturated in both: the mean


def test_rules_need_counts_and_known_names():
    d = [(np.array([1], np.int32), np.ones((1, 2), np.float32))]
    with pytest.raises(ValueError, match="needs per-row update counts"):
        merge.merge_rows(d, "contract", 1)
    with pytest.raises(ValueError, match="merge must be one of"):
        merge.merge_rows(d, "median", 1)
    rows, got = merge.merge_rows(d, "sum", 1)
    assert np.array_equal(got, d[0][1])
    # no partition changed a row: empty values of the rows' width, ready to pack and apply
    none = [(np.empty(0, np.int32), np.empty((0, 2), np.float32), np.empty(0, np.float32))] * 2
    for rule in ("contract", "sum", "mean"):
        rows, got = merge.merge_rows(none, rule, 2)
        assert rows.shape == (0,) and got.shape == (0, 2) and got.dtype == np.float32
        W = np.ones((3, 2), np.float32)
        merge.apply_packed(W, rows, merge.pack_rows(got, "int16"))
        assert np.all(W == 1)


def test_update_counts():
    counts = np.array([10, 0, 4])
    keep = np.array([0.5, 1.0, 1.0])
    q = np.array([0.5, 0.25, 0.25])
    cfg = dict(window=5, shrink_windows=True, sg=False, shared_negatives=True, negative=2)
    n_in, n_out = update_counts(counts, keep, q, cfg)
    np.testing.assert_allclose(n_in, [30, 0, 24])                  # kept x (window + 1)
    np.testing.assert_allclose(n_out, [5 + 9 * 2 * 0.5, 9 * 2 * 0.25, 4 + 9 * 2 * 0.25])
    n_in2, _ = update_counts(counts, keep, q, dict(cfg, shrink_windows=False))
    np.testing.assert_allclose(n_in2, [50, 0, 40])                 # kept x 2 window
    _, n_out3 = update_counts(counts, keep, q, dict(cfg, sg=True, shared_negatives=False))
    np.testing.assert_allclose(n_out3, 6 * n_out)                  # per (centre, context) pair


@pytest.mark.parametrize("rule", ["sum", "touched", "sqrt", "mean"])
def test_rules_on_mixed_row_layouts(rule):
    """Partitions with every merged row and with a subset merge alike, in partition order."""
    rng = np.random.default_rng(3)
    full = np.arange(12, dtype=np.int32)
    sub = np.array([11, 2, 5], dtype=np.int32)          # unsorted, a subset
    deltas = [(sub, rng.normal(size=(3, 4)).astype(np.float32)),
              (full, rng.normal(size=(12, 4)).astype(np.float32)),
              (full, rng.normal(size=(12, 4)).astype(np.float32))]
    rows, got = merge.merge_rows(deltas, rule, 3)
    want = np.zeros((12, 4), np.float32)
    hits = np.zeros(12, np.float32)
    for r, v in deltas:
        want[r] += v
        hits[r] += 1
    scale = {"sum": np.ones(12, np.float32), "touched": hits, "sqrt": np.sqrt(hits),
             "mean": np.full(12, 3, np.float32)}[rule]
    assert np.array_equal(rows, full)
    np.testing.assert_allclose(got, want / scale[:, None], rtol=1e-6)
    W = np.ones((12, 4), np.float32)
    merge.apply_merged(W, rows, got)
    np.testing.assert_allclose(W, 1 + got)
    part = np.ones((12, 4), np.float32)
    merge.apply_merged(part, sub, got[:3])               # a subset of the rows only
    assert np.array_equal(part[sub], 1 + got[:3])
    assert np.all(np.delete(part, sub, axis=0) == 1)


def test_worker_deltas_put_the_replica_back():
    """After in-place training the replica is the old matrix again, bit for bit."""
    from numbaw2v.distributed.worker import _deltas
    rng = np.random.default_rng(4)
    old = rng.normal(size=(6, 3)).astype(np.float32)
    W, before = old.copy(), old.copy()
    W[[1, 4]] += np.float32(0.25)
    W[2, 0] = np.nextafter(W[2, 0], np.float32(9))        # the smallest change still counts
    (rows, delta), replica, scratch = _deltas(W, before)
    assert np.array_equal(rows, [1, 2, 4])
    assert np.array_equal(replica, old)
    assert scratch is W                                  # W is the next round's scratch
    assert np.array_equal(delta, W[rows] - old[rows])
    assert delta[0, 0] == np.float32(old[1, 0] + np.float32(0.25)) - old[1, 0]


def test_worker_replica_kept_brought_forward_or_rebuilt():
    from numbaw2v.distributed.worker import _replica
    rng = np.random.default_rng(6)
    W_in, W_out = (rng.normal(size=(5, 3)).astype(np.float32) for _ in range(2))

    def update(v):
        rows = np.array([v % 5], np.int32)
        return (v, rows, merge.pack_rows(np.full((1, 3), v, np.float32), "float32"),
                rows, merge.pack_rows(np.full((1, 3), -v, np.float32), "float32"))

    state = {"replica": None}
    snap0 = (0, W_in, W_out)
    a_in, a_out = _replica(state, "s", 0, snap0, [])
    assert a_in is not W_in and np.array_equal(a_in, W_in)        # a copy of the snapshot
    b_in, b_out = _replica(state, "s", 1, snap0, [update(1)])
    assert b_in is a_in and b_out is a_out                         # brought forward in place
    want_in, want_out = W_in.copy(), W_out.copy()
    want_in[1] += 1
    want_out[1] -= 1
    assert np.array_equal(b_in, want_in) and np.array_equal(b_out, want_out)
    # one version behind a newer snapshot: the update kept with it is enough
    want_in[2] += 2
    want_out[2] -= 2
    snap2 = (2, want_in + 100, want_out + 100)
    c_in, c_out = _replica(state, "s", 2, snap2, [update(2)])
    assert c_in is a_in and np.array_equal(c_in, want_in) and np.array_equal(c_out, want_out)
    # another session, or no chain of updates from the kept version: from the snapshot
    d_in, _ = _replica(state, "t", 2, snap2, [])
    assert d_in is not a_in and np.array_equal(d_in, snap2[1])
    state["replica"] = ("t", 1, a_in, a_out)
    e_in, _ = _replica(state, "t", 2, snap2, [])
    assert e_in is not a_in and np.array_equal(e_in, snap2[1])
    with pytest.raises(AssertionError, match="model update 2 after version 0"):
        _replica({"replica": None}, "s", 2, snap0, [update(2)])


def test_int16_wire_keeps_each_row_to_its_largest_entry():
    rng = np.random.default_rng(5)
    values = (rng.normal(size=(50, 7)) * rng.uniform(1e-6, 10, size=(50, 1))).astype(np.float32)
    values[3] = 0.0
    packed = merge.pack_rows(values, "int16")
    assert packed[0].dtype == np.int16 and packed[1].dtype == np.float32
    got = merge.unpack_rows(packed)
    err = np.abs(got - values).max(axis=1)
    assert np.all(err <= np.abs(values).max(axis=1) * (0.5 / 32767 + 1e-6))
    assert np.array_equal(got[3], np.zeros(7, dtype=np.float32))
    exact = merge.unpack_rows(merge.pack_rows(values, "float32"))
    assert np.array_equal(exact, values)
    # the driver and a replica apply the same numbers: equal bit for bit
    W = rng.normal(size=(60, 7)).astype(np.float32)
    rows = np.sort(rng.choice(60, 50, replace=False)).astype(np.int32)
    master, replica = W.copy(), W.copy()
    merge.apply_packed(master, rows, packed)
    replica[rows] += got
    assert np.array_equal(master, replica)
    # a non-finite row stays non-finite (the driver's final check sees it)
    values[5, 2] = np.inf
    assert not np.isfinite(merge.unpack_rows(merge.pack_rows(values, "int16"))[5]).all()
    with pytest.raises(ValueError, match="wire must be one of"):
        merge.pack_rows(values, "float16")


def test_default_round_words_shrink_with_the_square_of_the_partitions():
    from numbaw2v.distributed import default_round_words
    assert default_round_words(2) == 1 << 22
    assert default_round_words(4) == 1 << 20
    assert default_round_words(1000) == 1 << 16
