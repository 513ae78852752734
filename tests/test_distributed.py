"""Distributed training on a small LocalCluster (2 worker processes, 1 thread each)."""
import logging
import os
import signal

import numpy as np
import pytest

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
fsspec = pytest.importorskip("fsspec")

from distributed.diagnostics.plugin import WorkerPlugin  # noqa: E402

import numbaw2v.distributed as nd  # noqa: E402
from numbaw2v import Word2Vec  # noqa: E402
from numbaw2v.errors import ParameterError  # noqa: E402

GROUPS, PER_GROUP = 4, 8
PARAMS = dict(vector_size=16, window=3, min_count=1, epochs=3, seed=7, sample=0, negative=4,
              progress=False, workers=1)


def _corpus(directory, n_files=3, sentences=3000, seed=0):
    """Sentences drawn from one of GROUPS topics each: a structure the vectors must learn."""
    rng = np.random.default_rng(seed)
    files = []
    per = sentences // n_files
    for k in range(n_files):
        lines = []
        for _ in range(per):
            g = rng.integers(GROUPS)
            lines.append(" ".join(f"g{g}w{w}" for w in rng.integers(PER_GROUP, size=8)))
        path = os.path.join(directory, f"shard{k}.txt")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        files.append(path)
    return files


def _quality(wv):
    """Mean cosine within topics minus across topics."""
    vec = wv.get_normed_vectors() if hasattr(wv, "get_normed_vectors") else \
        wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
    groups = np.array([int(k[1]) for k in wv.index_to_key])
    sim = vec @ vec.T
    same = groups[:, None] == groups[None, :]
    np.fill_diagonal(same, False)
    across = groups[:, None] != groups[None, :]
    return float(sim[same].mean() - sim[across].mean())


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return _corpus(str(tmp_path_factory.mktemp("dcorpus")))


@pytest.fixture(scope="module")
def reference(client, corpus):
    """A run without faults (2 partitions, rounds of 6000 words)."""
    return nd.train(client, corpus, round_words=6000, **PARAMS)


def test_vocabulary_equals_one_machine(client, tmp_path):
    """Counts merged on the cluster (files, byte ranges, gzip) = one scan of the same files."""
    import gzip
    files = _corpus(str(tmp_path), n_files=2, sentences=800, seed=3)
    with open(files[1], "rb") as f, gzip.open(files[1] + ".gz", "wb") as g:
        g.write(f.read())
    files[1] += ".gz"
    with open(files[0], "ab") as f:
        f.write("rare1 rare2 rare2\n".encode())
    one = Word2Vec(min_count=2, max_final_vocab=30, progress=False)
    one.build_vocab(corpus_file=files)
    many = nd.train(client, files, partitions=3, epochs=1, min_count=2, max_final_vocab=30,
                    vector_size=8, progress=False)
    assert many.vocab.index_to_key == one.vocab.index_to_key
    assert np.array_equal(many.vocab.counts, one.vocab.counts)
    assert (many.corpus_count, many.corpus_total_words) == (one.corpus_count,
                                                           one.corpus_total_words)
    assert many.distributed_stats["partitions"] == 3
    with pytest.raises(ParameterError, match="max_vocab_size=30: the corpus has 34 word types"):
        nd.train(client, files, partitions=3, epochs=1, max_vocab_size=30, progress=False)


def test_learns_and_returns_an_ordinary_model(reference, corpus, tmp_path):
    model = reference
    assert isinstance(model, Word2Vec)
    assert _quality(model.wv) > 0.3
    assert model.distributed_stats["rounds"] == model.distributed_stats["rounds_total"] > 3
    path = str(tmp_path / "m.nw2v")
    model.save(path)
    again = Word2Vec.load(path)
    assert np.array_equal(again.wv.vectors, model.wv.vectors)
    again.train(corpus_file=corpus, total_words=again.corpus_total_words, epochs=1)


def test_same_seed_and_sharding_same_vectors(client, corpus, reference):
    again = nd.train(client, corpus, round_words=6000, **PARAMS)
    assert np.array_equal(again.wv.vectors, reference.wv.vectors)
    assert np.array_equal(again.syn1neg, reference.syn1neg)
    other = nd.train(client, corpus, round_words=6000, **dict(PARAMS, seed=8))
    assert not np.array_equal(other.wv.vectors, reference.wv.vectors)


class _KillOnce(WorkerPlugin):
    """SIGKILLs the worker process that starts executing ``prefix``'s task, once."""

    def __init__(self, prefix, marker):
        self.prefix, self.marker = prefix, marker

    def transition(self, key, start, finish, **kwargs):
        name = key if isinstance(key, str) else str(key)
        if finish == "executing" and name.startswith(self.prefix) and \
                not os.path.exists(self.marker):
            with open(self.marker, "w") as f:
                f.write(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)


def test_worker_killed_mid_round(client, corpus, reference, tmp_path):
    client.wait_for_workers(2)          # the reference ran on two partitions
    marker = str(tmp_path / "killed")
    client.register_plugin(_KillOnce("numbaw2v-round-4-1-", marker), name="kill-once")
    try:
        model = nd.train(client, corpus, round_words=6000, **PARAMS)
    finally:
        client.unregister_worker_plugin("kill-once")
    assert os.path.exists(marker), "no worker was killed"
    assert _quality(model.wv) > 0.3
    assert abs(_quality(model.wv) - _quality(reference.wv)) < 0.05
    # the lost task reran from the same model rows: nothing lost or counted twice
    assert model.distributed_stats["trained"] == reference.distributed_stats["trained"]
    assert np.array_equal(model.wv.vectors, reference.wv.vectors)
    client.wait_for_workers(2)


def test_scattered_data_lost_with_every_worker_is_sent_again(client, corpus, reference, caplog):
    """A restart drops everything the driver scattered (the model, its updates, the
    vocabulary); the driver sends it again and reruns the round: the same vectors."""
    client.wait_for_workers(2)          # the reference ran on two partitions
    done_restart = []

    def restart(done, total):
        if done == 3 and not done_restart:
            done_restart.append(done)
            client.restart()

    with caplog.at_level(logging.WARNING, logger="numbaw2v.distributed.driver"):
        model = nd.train(client, corpus, round_words=6000, on_round=restart, **PARAMS)
    assert done_restart == [3]
    assert "round 4: scattered model data lost with a worker" in caplog.text
    assert model.distributed_stats["trained"] == reference.distributed_stats["trained"]
    assert np.array_equal(model.wv.vectors, reference.wv.vectors)
    client.wait_for_workers(2)


class _DriverDies(Exception):
    pass


def test_resume_from_checkpoint(client, corpus, reference, tmp_path):
    client.wait_for_workers(2)          # the reference ran on two partitions
    ckpt = str(tmp_path / "ckpt")

    def die(done, total):
        if done == 5:
            raise _DriverDies

    with pytest.raises(_DriverDies):
        nd.train(client, corpus, round_words=6000, checkpoint_dir=ckpt, checkpoint_every=0,
                 on_round=die, **PARAMS)
    model = nd.train(client, corpus, round_words=6000, checkpoint_dir=ckpt, **PARAMS)
    stats = model.distributed_stats
    assert stats["rounds"] == stats["rounds_total"] - 5
    assert np.array_equal(model.wv.vectors, reference.wv.vectors)
    assert (model.corpus_count, model.corpus_total_words) == (reference.corpus_count,
                                                             reference.corpus_total_words)
    with pytest.raises(ParameterError, match="belongs to another run.*window"):
        nd.train(client, corpus, round_words=6000, checkpoint_dir=ckpt,
                 **dict(PARAMS, window=4))


@pytest.mark.parametrize("kwargs,match", [
    (dict(merge_rule="median"), "merge_rule must be one of"),
    (dict(round_words=0), "round_words must be"),
    (dict(contraction=1.0), "contraction must be a number in"),
    (dict(wire="int8"), "wire must be one of"),
    (dict(round_words=True), "round_words must be"),
    (dict(window=0), "window must be"),
])
def test_bad_parameters(client, corpus, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        nd.train(client, corpus, **kwargs)


def test_memory_filesystem_in_process():
    """fsspec memory:// shards, on an in-process cluster (memory:// is per process)."""
    text = "\n".join(" ".join(f"g{i % 2}w{(i + j) % 5}" for j in range(6))
                     for i in range(300)) + "\n"
    with fsspec.open("memory://nw2v-dist/a.txt", "w") as f:
        f.write(text)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        model = nd.train(c, "memory://nw2v-dist/*.txt", **dict(PARAMS, epochs=1))
    assert len(model.wv) == 10
    assert model.distributed_stats["partitions"] == 2


def test_import_numbaw2v_does_not_import_dask():
    import subprocess
    import sys
    code = ("import sys, numbaw2v; numbaw2v.Word2Vec; "
            "print(any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_cli_scheduler_local(corpus, tmp_path):
    import subprocess
    import sys
    out = str(tmp_path / "v.txt")
    proc = subprocess.run([sys.executable, "-m", "numbaw2v", "train", "--scheduler", "local:2",
                           os.path.join(os.path.dirname(corpus[0]), "shard*.txt"), "-o", out,
                           "--epochs", "1", "--min-count", "1", "--vector-size", "8",
                           "--no-progress", "--checkpoint-dir", str(tmp_path / "ck")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(out) as f:
        assert f.readline().split() == [str(GROUPS * PER_GROUP), "8"]
    assert os.path.exists(tmp_path / "ck" / "numbaw2v-checkpoint.npz")
