"""The in-kernel generator against its Python-integer twin."""
import numpy as np
from hypothesis import given, settings, strategies as st

from numbaw2v.kernels import rng
from reference import (ref_below, ref_next_state, ref_seed_states, ref_split_draw,
                       ref_splitmix64, ref_uniform)

U64 = st.integers(1, 2**64 - 1)
FAST = settings(max_examples=40, deadline=None)


@FAST
@given(st.integers(0, 2**64 - 1), st.integers(1, 6))
def test_seed_states_match_twin_and_are_nonzero(seed, n):
    states = rng.seed_states(np.uint64(seed), n)
    assert states.dtype == np.uint64
    assert [int(s) for s in states] == ref_seed_states(seed, n)
    assert np.all(states != 0)


@FAST
@given(U64, st.integers(1, 2**32 - 1))
def test_step_and_outputs_match_twin(s, n):
    u = np.uint64(s)
    assert int(rng.splitmix64(u)) == ref_splitmix64(s)
    assert int(rng.next_state(u)) == ref_next_state(s)
    assert rng.uniform(u) == ref_uniform(s)
    assert 0.0 <= rng.uniform(u) < 1.0
    b = int(rng.below(u, n))
    assert b == ref_below(s, n) and 0 <= b < n
    i, f = rng.split_draw(u, n)
    assert (int(i), f) == ref_split_draw(s, n)


def test_stream_is_roughly_uniform_and_never_stalls():
    s, seen, total = 12345, set(), 0.0
    for _ in range(4000):
        s = ref_next_state(s)
        assert s != 0
        seen.add(ref_below(s, 10))
        total += ref_uniform(s)
    assert seen == set(range(10))
    assert abs(total / 4000 - 0.5) < 0.03


def test_different_seeds_give_different_states():
    a = rng.seed_states(np.uint64(1), 4)
    b = rng.seed_states(np.uint64(2), 4)
    assert len(set(a.tolist())) == 4 and not np.array_equal(a, b)
