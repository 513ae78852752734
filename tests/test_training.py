"""The epoch loop: RunResult, SIGTERM treated like Ctrl-C, training in forked processes."""
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from numbaw2v import Word2Vec

SMALL = dict(vector_size=8, window=2, min_count=1, epochs=3, workers=1, seed=7, progress=False,
             sample=0)
SENTS = [["a", "b", "c", "a"], ["b", "c", "d"]] * 20
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class SignalAfterFirstEpoch:
    def __init__(self, signum):
        self.signum = signum

    def on_epoch_end(self, model):
        if len(model.epoch_losses) == 1:
            os.kill(os.getpid(), self.signum)


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="no SIGTERM here")
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_a_signal_stops_after_the_block_and_keeps_the_model(signame, caplog):
    signum = getattr(signal, signame)
    previous = signal.getsignal(signum)
    m = Word2Vec(**{**SMALL, "compute_loss": True})
    m.build_vocab(SENTS)
    with caplog.at_level(logging.WARNING, logger="numbaw2v"):   # callbacks go to train (gensim)
        m.train(SENTS, total_examples=m.corpus_count, epochs=3,
                callbacks=[SignalAfterFirstEpoch(signum)])
    assert m.interrupted
    assert len(m.epoch_losses) == 1
    assert m.wv.most_similar("a", topn=1)
    assert signal.getsignal(signum) is previous          # the old handler is back
    text = caplog.text
    assert f"stopped by {signame} after 1 complete epochs of 3" in text
    assert "words trained" in text


def test_no_handler_is_installed_outside_the_main_thread():
    seen = {}

    def run():
        m = Word2Vec(SENTS, **SMALL)
        seen["interrupted"] = m.interrupted
        seen["handler"] = signal.getsignal(signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    t = threading.Thread(target=run)
    t.start()
    t.join(120)
    assert seen == {"interrupted": False, "handler": before}


FORK_SCRIPT = textwrap.dedent("""
    import multiprocessing as mp
    from numbaw2v import Word2Vec
    SENTS = [["a", "b", "c", "a"], ["b", "c", "d"]] * 20

    def job(seed):
        m = Word2Vec(SENTS, vector_size=8, window=2, min_count=1, epochs=2, workers=2,
                     seed=seed, progress=False)
        return len(m.wv)

    if __name__ == "__main__":
        job(0)                                  # the parent trains first
        with mp.get_context("fork").Pool(2) as pool:
            print(pool.map_async(job, [1, 2, 3]).get(timeout=120))
""")


def run_script(tmp_path, source):
    """Run ``source`` in a fresh interpreter (numbaw2v's default threading layer, a timeout)."""
    script = tmp_path / "script.py"
    script.write_text(source)
    env = {**os.environ, "PYTHONPATH": ROOT}
    env.pop("NUMBA_THREADING_LAYER", None)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.mark.skipif(sys.platform != "linux", reason="fork start method")
def test_training_works_in_forked_pool_workers(tmp_path):
    done = run_script(tmp_path, FORK_SCRIPT)
    assert done.stdout.strip() == "[4, 4, 4]"
    assert "OpenMP" not in done.stderr


def test_a_users_threading_layer_is_kept(tmp_path):
    code = ("import numbaw2v.kernels, numba; print(numba.config.THREADING_LAYER)")
    env = {**os.environ, "PYTHONPATH": ROOT, "NUMBA_THREADING_LAYER": "omp"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.stdout.strip() == "omp", done.stderr
    env.pop("NUMBA_THREADING_LAYER")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.stdout.strip() == "forksafe", done.stderr


THREADS_SCRIPT = textwrap.dedent("""
    import threading
    from numbaw2v import Word2Vec
    SENTS = [["a", "b", "c", "a"], ["b", "c", "d"]] * 2000
    out = []

    def job(seed):
        m = Word2Vec(SENTS, vector_size=16, window=2, min_count=1, epochs=3, workers=2,
                     seed=seed, progress=False)
        out.append(len(m.wv))

    threads = [threading.Thread(target=job, args=(s,)) for s in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sorted(out))
""")


def test_several_python_threads_may_train_at_once(tmp_path):
    assert run_script(tmp_path, THREADS_SCRIPT).stdout.strip() == "[4, 4, 4]"
