"""Shards, schedule, merge rules and worker tasks of numbaw2v.distributed (no cluster needed)."""
import gzip
import tempfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

fsspec = pytest.importorskip("fsspec")

from numbaw2v.distributed import merge, shards, worker  # noqa: E402
from numbaw2v.distributed.rounds import Schedule  # noqa: E402
from numbaw2v.distributed.vocab_merge import merge_counts  # noqa: E402
from numbaw2v.distributed.worker import count_task, forget, scan_pieces  # noqa: E402
from numbaw2v.text import scan_files  # noqa: E402

LINES = st.lists(st.text(alphabet="ab \t", max_size=12), max_size=30)


@settings(max_examples=150, deadline=None)
@given(lines=LINES, final_newline=st.booleans(), cuts=st.lists(st.integers(0, 400), max_size=6))
def test_byte_ranges_hand_out_every_line_once(tmp_path_factory, lines, final_newline, cuts):
    """Any cut points: the ranges' lines, in order, are the file's lines."""
    data = "\n".join(lines).encode() + (b"\n" if final_newline and lines else b"")
    path = tmp_path_factory.mktemp("br") / "c.txt"
    path.write_bytes(data)
    points = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    parts = [shards.piece_bytes(shards.Piece(str(path), a, b, b - a))
             for a, b in zip(points, points[1:])]
    assert b"".join(parts) == data
    start = 0
    for (a, b), part in zip(zip(points, points[1:]), parts):
        if part:                  # a range's text starts at a line start within it
            assert a <= start < b
            assert start == 0 or data[start - 1:start] == b"\n"
        start += len(part)


@pytest.mark.parametrize("size,parts", [(0, 3), (1, 3), (10, 3), (1000, 7), (5, 5)])
def test_split_range_covers(size, parts):
    ranges = shards.split_range(size, parts)
    assert ranges[0][0] == 0 and ranges[-1][1] == size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))


def _write_corpus(fs_root, opener):
    text = [" ".join(f"w{(i * 7 + j) % 13}" for j in range(i % 9 + 1)) for i in range(400)]
    files = []
    for k in range(3):
        chunk = ("\n".join(text[k * 130:(k + 1) * 130]) + "\n").encode()
        name = f"{fs_root}/part{k}.txt" + (".gz" if k == 2 else "")
        with opener(name) as f:
            f.write(gzip.compress(chunk) if k == 2 else chunk)
        files.append(name)
    return files


def test_memory_urls_scan_like_one_machine(tmp_path):
    """memory:// shards (split by bytes) scan to the same counts as local files, in order."""
    _write_corpus("memory://nw2v-test", lambda n: fsspec.open(n, "wb"))
    local = _write_corpus(str(tmp_path), lambda n: open(n, "wb"))
    groups = shards.plan(["memory://nw2v-test/part*"], partitions=3, pieces_per_partition=3)
    assert sum(len(g) for g in groups) > 3            # plain files were split by bytes
    assert all(p.url.startswith("memory://") for g in groups for p in g)
    try:                                  # the workers' own counts, as the driver gets them
        parts = [count_task("nw2v-test-run", k, g, 1 << 20) for k, g in enumerate(groups)]
    finally:
        forget("nw2v-test-run")
    merged = parts[0]
    for p in parts[1:]:
        merged = merge_counts(merged, p)
    one = scan_files(local, 1 << 20)
    assert merged["types"] == one.types
    assert np.array_equal(merged["counts"], one.counts)
    assert merged["words"] == one.total_words
    assert merged["sentences"] == int(np.count_nonzero(one.sentence_lengths))
    assert merged["undecodable"] == one.undecodable == 0


def _spills(tmp_path):
    return sorted(p.name for p in tmp_path.glob("numbaw2v-ids-*"))


def test_worker_scan_spills_its_lengths_with_its_ids(tmp_path, monkeypatch):
    """Long lines split in pieces: past a 1,000-byte budget the ids go to disk and the
    sentence lengths follow them (a memmap), equal to an in-memory scan; closing removes
    both files."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    lines = [" ".join(f"w{(i * 7 + j) % 13}" for j in range(100)) for i in range(6)]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines) + "\n")
    groups = shards.plan([str(path)], partitions=1, pieces_per_partition=3)
    got = []
    for budget in (1000, 1 << 20):
        scan = scan_pieces(groups[0], budget)
        spilled = budget == 1000
        assert (scan.sink.file is not None) == spilled
        assert isinstance(scan.sentence_lengths, np.memmap) == spilled
        assert len(_spills(tmp_path)) == (2 if spilled else 0)
        got.append((np.asarray(scan.sentence_lengths).tolist(), scan.ids.tolist()))
        scan.close()
        assert _spills(tmp_path) == []
    assert got[0] == got[1]
    assert [n for n in got[0][0] if n] == [100] * 6      # (a piece ending at a newline adds 0)


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_an_interrupted_worker_scan_leaves_no_spill(tmp_path, monkeypatch, error):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = tmp_path / "c.txt"
    path.write_text("the cat sat on the mat\n" * 400)
    pieces = shards.plan([str(path)], partitions=1, pieces_per_partition=4)[0]
    assert len(pieces) > 2

    real, calls = worker.piece_blocks, []

    def piece_blocks(piece):               # the third piece fails as it is opened
        calls.append(piece)
        if len(calls) == 3:
            assert len(_spills(tmp_path)) == 2, "the test needs both spill files by now"
            raise error("stop")
        return real(piece)

    monkeypatch.setattr(worker, "piece_blocks", piece_blocks)
    with pytest.raises(error):
        scan_pieces(pieces, 0)
    assert _spills(tmp_path) == []


class _Clock:
    """A fake perf_counter: one second per reading; ``skip`` adds more."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        self.now += 1.0
        return self.now


def test_round_task_diff_seconds_include_packing(tmp_path, monkeypatch):
    """A round trained in this process, on a fake clock where packing the changed rows takes
    1,000 s each: diff_seconds (and the task's seconds) count both packings."""
    from numbaw2v.distributed.vocab_merge import vocab_from_counts
    from numbaw2v.training import make_config

    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(f"w{(i * 3 + j) % 11}" for j in range(8))
                              for i in range(60)) + "\n")
    groups = shards.plan([str(path)], partitions=1)
    clock, real_pack = _Clock(), worker.pack_rows

    def slow_pack(values, wire):
        clock.now += 1000.0
        return real_pack(values, wire)

    run = "nw2v-test-timing"
    try:
        counts = count_task(run, 0, groups[0], 1 << 20)
        vocab = vocab_from_counts(counts, 1, None, 0, 0.75)
        vocab_data = (vocab.index_to_key, vocab.counts, 0, 0.75)
        size = worker.encode_task(run, 0, groups[0], vocab_data, 1 << 20)["words"]
        sched = Schedule([size], 1, size)
        config = make_config(False, True, 2, True, 3, True, 0.025, 1e-4, 1, False)._asdict()
        rng = np.random.default_rng(0)
        W_in = (rng.random((len(vocab.index_to_key), 8), dtype=np.float32) - 0.5) / 8
        W_out = np.zeros_like(W_in)
        monkeypatch.setattr(worker, "time", clock)
        monkeypatch.setattr(worker, "pack_rows", slow_pack)
        sl = sched.slices(0)[0]
        r = worker.round_task(run, "s", 0, groups[0], vocab_data, 1 << 20, config,
                              (sl, sched.offsets[0], size, sched.chunk, sched.total_words),
                              0, (0, W_in, W_out), [], 1)
    finally:
        forget(run)
    assert r["trained"] > 0 and r["rows_in"].size > 0
    assert r["diff_seconds"] >= 2000.0
    assert r["seconds"] >= r["diff_seconds"] + r["train_seconds"] + r["sync_seconds"]


def test_missing_shard_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        shards.expand([str(tmp_path / "nope*.txt")])


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 5000), min_size=1, max_size=5),
       epochs=st.integers(1, 3), round_words=st.integers(1, 20000))
def test_schedule_trains_every_chunk_once_per_epoch(sizes, epochs, round_words):
    s = Schedule(sizes, epochs, round_words)
    seen = {}
    for g in range(s.rounds):
        for sl in s.slices(g):
            assert sl.lo < sl.hi <= s.sizes[sl.part]
            for c in range(sl.first_chunk, sl.stop_chunk):
                seen[(sl.epoch, c)] = seen.get((sl.epoch, c), 0) + 1
    chunks = sum(s.chunks)
    assert sorted(set(e for e, _ in seen)) == (list(range(epochs)) if s.n_words else [])
    assert all(v == 1 for v in seen.values()) and len(seen) == chunks * epochs


def test_schedule_learning_rate_positions_follow_the_run():
    """Round r's first word of every partition sits at the run position of G[r]."""
    s = Schedule([100_000, 50_000], 2, 30_000)
    prev = -1
    for g in range(s.rounds):
        slices = s.slices(g)
        starts = {sl.words_before + s.offsets[sl.part] + sl.lo for sl in slices}
        assert len(starts) == 1
        (start,) = starts
        assert start > prev
        prev = start
    assert prev < s.total_words


@pytest.mark.parametrize("rule,expect", [
    ("sqrt", [[3.0 / 2 ** 0.5], [4.0], [5.0]]),
    ("sum", [[3.0], [4.0], [5.0]]),
    ("mean", [[1.5], [2.0], [2.5]]),
    ("touched", [[1.5], [4.0], [5.0]]),
])
def test_merge_rules(rule, expect):
    a = (np.array([0, 1], dtype=np.int32), np.array([[1.0], [4.0]], dtype=np.float32))
    b = (np.array([2, 0], dtype=np.int32), np.array([[5.0], [2.0]], dtype=np.float32))
    rows, vals = merge.merge_rows([a, b], rule, 2)
    assert rows.tolist() == [0, 1, 2]
    assert np.allclose(vals, expect)


def test_merge_rule_is_checked():
    with pytest.raises(ValueError, match="merge must be one of"):
        merge.merge_rows([], "median", 2)
