"""Fault test: kill a CLI ``train`` and a save (``convert``) with SIGINT, SIGTERM and SIGKILL at
seeded random moments; the previous output must be intact or replaced by a complete new file,
and no temporary file may be left in the output directory or in TMPDIR.

No timing is asserted: a moment is a random fraction of how long an undisturbed run took here,
and every outcome (killed before, during or after the work) must satisfy the same checks.
"""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from numbaw2v.vectors import KeyedVectors

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ["--epochs", "5", "--workers", "1", "--min-count", "1", "--vector-size", "32",
         "--seed", "7", "--no-progress"]
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]


def _env(tmpdir):
    env = dict(os.environ, TMPDIR=str(tmpdir))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _command(kind, inputs, out):
    if kind == "train":
        return ["train", str(inputs / "corpus.txt"), "-o", str(out), *TRAIN]
    return ["convert", str(inputs / "big.bin"), str(out)]


def _start(kind, inputs, out, tmpdir, **popen):
    return subprocess.Popen([sys.executable, "-m", "numbaw2v", *_command(kind, inputs, out)],
                            env=_env(tmpdir), stdout=subprocess.DEVNULL, **popen)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A 300,000-word corpus of 3,000 types and a 20,000 x 100 vector file."""
    d = tmp_path_factory.mktemp("fault-inputs")
    rng = np.random.default_rng(0)
    p = 1.0 / np.arange(1, 3001)
    ids = rng.choice(3000, size=300_000, p=p / p.sum())
    ids[:3000] = np.arange(3000)
    words = np.array([f"w{i}" for i in range(3000)])
    lines = (" ".join(words[ids[k:k + 20]]) for k in range(0, len(ids), 20))
    (d / "corpus.txt").write_text("\n".join(lines) + "\n")
    kv = KeyedVectors(rng.standard_normal((20000, 100)).astype(np.float32),
                      [f"k{i}" for i in range(20000)])
    kv.save_word2vec_format(d / "big.bin", binary=True)
    return d


@pytest.fixture(scope="module")
def previous(inputs, tmp_path_factory):
    """Per command: an undisturbed run's output (the 'previous file') and how long it took."""
    runs = {}
    for kind, name in (("train", "out.bin"), ("convert", "out.txt")):
        d = tmp_path_factory.mktemp(f"previous-{kind}")
        (d / "tmp").mkdir()
        t0 = time.monotonic()
        proc = _start(kind, inputs, d / name, d / "tmp", stderr=subprocess.PIPE)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        runs[kind] = (d / name, time.monotonic() - t0)
    return runs


def _expected_shape(kind):
    return (3000, 32) if kind == "train" else (20000, 100)


def _check_output(out, before, kind):
    """The output is the previous file, byte for byte, or a complete file of the right shape."""
    data = out.read_bytes()
    if data == before:
        return
    kv = KeyedVectors.load_word2vec_format(out)
    assert kv.vectors.shape == _expected_shape(kind)
    assert np.isfinite(kv.vectors).all()


def _leftovers(case, out):
    return sorted(p.name for p in case.iterdir() if p.name not in (out.name, "tmp"))


@pytest.mark.parametrize("kind", ["train", "convert"])
@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_killed_command_leaves_previous_or_complete_file(inputs, previous, tmp_path, kind, signum):
    prev, seconds = previous[kind]
    case = tmp_path / "case"
    (case / "tmp").mkdir(parents=True)
    out = case / prev.name
    shutil.copyfile(prev, out)
    before = out.read_bytes()
    rng = np.random.default_rng([SIGNALS.index(signum), kind == "train"])
    proc = _start(kind, inputs, out, case / "tmp", stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.05, 1.0) * seconds)
    if proc.poll() is None:
        proc.send_signal(signum)
    proc.wait(timeout=600)

    _check_output(out, before, kind)
    assert list((case / "tmp").iterdir()) == [], "temporary files left in TMPDIR"
    if signum != signal.SIGKILL:
        assert _leftovers(case, out) == [], "temporary files left beside the output"
        return
    # SIGKILL cannot be caught: a save killed midway leaves its .part file, which the next
    # save to the same path removes.
    again = _start(kind, inputs, out, case / "tmp", stderr=subprocess.PIPE)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    _check_output(out, None, kind)
    left = _leftovers(case, out)
    assert left == [], "a killed save's temporary file survived the next save"


def test_sigterm_during_training_saves_and_says_so(inputs, tmp_path, monkeypatch, capsys):
    """In-process, so that the signal lands inside the training loop for sure: the kernel
    wrapper sends SIGTERM to this process before the second block."""
    from numbaw2v import cli, training
    kernel, calls = training.train_chunks, []

    def second_block_gets_sigterm(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return kernel(*args, **kwargs)
    monkeypatch.setattr(training, "train_chunks", second_block_gets_sigterm)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    out = tmp_path / "out.bin"
    code = cli.main(["train", str(inputs / "corpus.txt"), "-o", str(out), *TRAIN])
    err = capsys.readouterr().err
    assert code == 128 + signal.SIGTERM and len(calls) == 2, err
    assert "training was interrupted (SIGTERM)" in err
    kv = KeyedVectors.load_word2vec_format(out)
    assert kv.vectors.shape == (3000, 32) and np.isfinite(kv.vectors).all()
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL     # main() restored it
