"""Word2Vec end to end on small corpora the tests make: inputs, boundaries, determinism, errors."""
import bz2
import gzip
import lzma

import numpy as np
import pytest

from numbaw2v import Word2Vec
from numbaw2v.training import chunk_size_for
from reference import ref_train

SMALL = dict(vector_size=8, window=2, min_count=1, epochs=1, workers=1, seed=7, progress=False)


def toy_sentences(n_sentences=400, seed=0, classes=4, per_class=6, length=8):
    """Sentences that each stay inside one word class: class-mates share contexts."""
    rng = np.random.default_rng(seed)
    words = [[f"c{c}w{i}" for i in range(per_class)] for c in range(classes)]
    out = []
    for _ in range(n_sentences):
        c = rng.integers(classes)
        out.append([words[c][i] for i in rng.integers(per_class, size=length)])
    return out, words


def write_lines(path, sentences, opener=open):
    with opener(path, "wt", encoding="utf-8") as f:
        for s in sentences:
            f.write(" ".join(s) + "\n")
    return path


def class_accuracy(wv, words):
    """Share of words whose nearest neighbour is of the same class."""
    cls = {w: c for c, ws in enumerate(words) for w in ws}
    hits = [cls[wv.most_similar(w, topn=1)[0][0]] == cls[w] for w in cls]
    return float(np.mean(hits))


# ---------------------------------------------------------------- equals the twin
@pytest.mark.parametrize("sg", [0, 1])
def test_one_worker_run_equals_twin(sg):
    sents, _ = toy_sentences(60)
    m = Word2Vec(vector_size=8, window=3, min_count=1, epochs=2, workers=1, seed=5, sg=sg,
                 sample=0.01, negative=3, progress=False)
    m.build_vocab(sents)
    W_in, W_out = m.wv.vectors.copy(), m.syn1neg.copy()
    m.train(sents, total_examples=m.corpus_count, epochs=m.epochs)
    c, v = m._encoded, m.vocab
    ref_train(W_in, W_out, np.asarray(c.ids), c.sentence_ends, chunk_size_for(c.n_words),
              v.keep_prob, v.table.prob, v.table.alias, sg, True, True, 3, True, 3, m.alpha,
              m.min_alpha, 2, m.seed)
    np.testing.assert_allclose(m.wv.vectors, W_in, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(m.syn1neg, W_out, rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------- determinism and threads
def test_one_worker_is_bit_reproducible():
    sents, _ = toy_sentences()
    a = Word2Vec(sents, **SMALL)
    b = Word2Vec(sents, **SMALL)
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert np.array_equal(a.syn1neg, b.syn1neg)
    c = Word2Vec(sents, **{**SMALL, "seed": 8})
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)


def _trained_in_calls(sents, calls, tmp_path=None):
    """One worker, a constant learning rate, 2 epochs as ``calls`` train() calls (saved and
    loaded between calls when tmp_path is given)."""
    m = Word2Vec(**{**SMALL, "sample": 0.01})
    m.build_vocab(sents)
    per_call = 2 // calls
    for k in range(calls):
        m.train(sents, total_examples=m.corpus_count, epochs=per_call, start_alpha=0.02,
                end_alpha=0.02)
        if tmp_path is not None and k + 1 < calls:
            m.save(tmp_path / "m.nw2v")
            m = Word2Vec.load(tmp_path / "m.nw2v")
    return m


def test_train_calls_continue_the_random_draws(tmp_path):
    """Two train(epochs=1) calls draw what one train(epochs=2) call draws: the second call's
    subsampling, windows and negatives are new, not the first call's again (they were, and
    a manual epoch loop trained on the same draws every epoch). Also across save/load."""
    sents, _ = toy_sentences(200)
    whole = _trained_in_calls(sents, 1)
    assert whole.epochs_started == 2
    for saved in (None, tmp_path):
        parts = _trained_in_calls(sents, 2, saved)
        assert parts.epochs_started == 2
        assert np.array_equal(parts.wv.vectors, whole.wv.vectors)
        assert np.array_equal(parts.syn1neg, whole.syn1neg)


def test_a_model_object_from_before_epochs_started_trains_from_draw_epoch_0():
    sents, _ = toy_sentences(50)
    m = Word2Vec(sents, **SMALL)
    m.__dict__.pop("epochs_started")        # as in an object pickled before it existed
    assert m.epochs_started == 0
    m.train(sents, total_examples=m.corpus_count, epochs=2)
    assert m.epochs_started == 2


def test_epochs_started_in_a_damaged_model_file_is_named(tmp_path):
    import json
    m = Word2Vec(toy_sentences(50)[0], **SMALL)
    m.save(tmp_path / "m.nw2v")
    with np.load(tmp_path / "m.nw2v") as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    for bad in (-1, "3", 2.5, True):
        meta["epochs_started"] = bad
        arrays["meta"] = np.asarray(json.dumps(meta))
        with open(tmp_path / "bad.nw2v", "wb") as f:
            np.savez(f, **arrays)
        with pytest.raises(ValueError, match=f"epochs_started={bad!r}, expected an integer"):
            Word2Vec.load(tmp_path / "bad.nw2v")


@pytest.mark.parametrize("sg", [0, 1])
def test_two_workers_reach_one_worker_quality(sg):
    sents, words = toy_sentences(3000, seed=1)
    params = dict(vector_size=16, window=3, min_count=1, epochs=5, seed=3, sg=sg,
                  progress=False, sample=0)
    one = Word2Vec(sents, workers=1, **params)
    two = Word2Vec(sents, workers=2, **params)
    acc1, acc2 = class_accuracy(one.wv, words), class_accuracy(two.wv, words)
    assert acc1 >= 0.9
    assert acc2 >= acc1 - 0.05


# ---------------------------------------------------------------- inputs
def test_file_formats_and_lists_give_the_same_model(tmp_path):
    sents, _ = toy_sentences(200)
    plain = write_lines(tmp_path / "c.txt", sents)
    base = Word2Vec(corpus_file=str(plain), **SMALL)
    for name, opener in (("c.txt.gz", gzip.open), ("c.txt.bz2", bz2.open), ("c.txt.xz", lzma.open)):
        m = Word2Vec(corpus_file=str(write_lines(tmp_path / name, sents, opener)), **SMALL)
        assert m.wv.index_to_key == base.wv.index_to_key
        assert np.array_equal(m.wv.vectors, base.wv.vectors)
    from_iter = Word2Vec(sents, **SMALL)
    assert np.array_equal(from_iter.wv.vectors, base.wv.vectors)
    half = len(sents) // 2
    p1 = write_lines(tmp_path / "a.txt", sents[:half])
    p2 = write_lines(tmp_path / "b.txt", sents[half:])
    two = Word2Vec(corpus_file=[str(p1), str(p2)], **SMALL)
    assert np.array_equal(two.wv.vectors, base.wv.vectors)


def test_generator_is_read_once():
    sents, words = toy_sentences(300)
    m = Word2Vec((s for s in sents), **SMALL)
    assert len(m.wv) == sum(len(w) for w in words)
    assert m.corpus_count == 300 and m.corpus_total_words == 300 * 8


def test_integer_id_walks_with_vocab_size():
    rng = np.random.default_rng(0)
    walks = [rng.integers(0, 20, size=12) for _ in range(200)]
    m = Word2Vec(walks, vocab_size=30, **SMALL)
    assert set(m.vocab.index_to_key) <= set(range(20))
    assert len(m.wv) == 20           # ids 20..29 never occur
    assert m.wv.vectors.shape == (20, 8)
    with pytest.raises(ValueError, match="vocab_size"):
        Word2Vec([np.array([3, 40])], vocab_size=30, **SMALL)


def test_build_vocab_then_train_with_gensim_signatures(tmp_path):
    sents, _ = toy_sentences(200)
    path = str(write_lines(tmp_path / "c.txt", sents))
    m = Word2Vec(**SMALL)
    m.build_vocab(corpus_file=path)
    assert m.corpus_count == 200 and m.corpus_total_words == 1600
    before = m.wv.vectors.copy()
    trained, raw = m.train(corpus_file=path, total_examples=m.corpus_count,
                           total_words=m.corpus_total_words, epochs=2)
    assert raw == 2 * 1600 and 0 < trained <= raw
    assert not np.array_equal(before, m.wv.vectors)


def test_vocabulary_order_min_count_and_cap():
    sents = [["b", "a", "c", "a", "d", "b", "e"], ["a", "c", "b", "f"]]
    m = Word2Vec(**{**SMALL, "min_count": 2})
    m.build_vocab(sents)
    # a:3 b:3 c:2 (d, e, f dropped); a and b tie: the later-seen word first, as gensim sorts
    assert m.vocab.index_to_key == ["a", "b", "c"]
    assert list(m.vocab.counts) == [3, 3, 2]
    # gensim's max_vocab_size prunes while counting: after the second sentence 6 types are
    # known, so those seen fewer than 2 times so far (d, e, f) are forgotten
    capped = Word2Vec(**{**SMALL, "max_vocab_size": 2})
    capped.build_vocab(sents)
    assert capped.vocab.index_to_key == ["a", "b", "c"]


# ---------------------------------------------------------------- boundaries
def test_rare_words_are_removed_before_windowing():
    sents = [["x", "y", "rare", "x", "y"], ["x", "y", "x", "y"], ["y", "x", "y", "x"]]
    m = Word2Vec(**{**SMALL, "min_count": 2})
    m.build_vocab(sents)
    ids = np.asarray(m._encoded.ids)
    assert len(ids) == 12 and "rare" not in m.vocab.key_to_index
    x, y = m.vocab.key_to_index["x"], m.vocab.key_to_index["y"]
    assert list(ids[:4]) == [x, y, x, y]
    assert list(m._encoded.sentence_ends) == [4, 8, 12]


def test_one_word_sentences_train_nothing():
    m = Word2Vec(**{**SMALL, "sample": 0})
    sents = [["a"], ["b"], ["c"], ["a"]] * 50
    m.build_vocab(sents)
    before_in, before_out = m.wv.vectors.copy(), m.syn1neg.copy()
    for sg in (0, 1):
        m.sg = sg
        m.train(sents, total_examples=m.corpus_count, epochs=m.epochs)
        assert np.array_equal(m.wv.vectors, before_in)
        assert np.array_equal(m.syn1neg, before_out)


def test_windows_never_cross_sentences():
    # "a" and "b" only ever sit in different sentences: skip-gram must never
    # score b as a's context, so the output row of "b" moves only as a negative.
    sents = [["a", "c"], ["b", "d"]] * 200
    m = Word2Vec(**{**SMALL, "sg": 1, "sample": 0, "negative": 1, "epochs": 3})
    m.build_vocab(sents)
    W_in, W_out = m.wv.vectors.copy(), m.syn1neg.copy()
    m.train(sents, total_examples=m.corpus_count, epochs=m.epochs)
    c, v = m._encoded, m.vocab
    joined = W_in.copy(), W_out.copy()
    ref_train(*joined, np.asarray(c.ids), np.array([c.n_words]), chunk_size_for(c.n_words),
              v.keep_prob, v.table.prob, v.table.alias, 1, True, True, 2, True, 1, m.alpha,
              m.min_alpha, 3, m.seed)
    # Trained as one long sentence the result differs: boundaries were respected.
    assert not np.allclose(m.wv.vectors, joined[0], rtol=1e-4, atol=1e-6)


def test_empty_lines_change_nothing(tmp_path):
    sents, _ = toy_sentences(100)
    a = write_lines(tmp_path / "a.txt", sents)
    with open(tmp_path / "b.txt", "w") as f:
        f.write("\n\n")
        for s in sents:
            f.write(" ".join(s) + "\n\n   \n")
    ma = Word2Vec(corpus_file=str(a), **SMALL)
    mb = Word2Vec(corpus_file=str(tmp_path / "b.txt"), **SMALL)
    assert np.array_equal(ma.wv.vectors, mb.wv.vectors)
    assert mb.corpus_count == 100


def test_a_line_of_a_million_words(tmp_path):
    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(50)])
    path = tmp_path / "long.txt"
    path.write_text(" ".join(words[rng.integers(50, size=1_000_000)]))   # no newline at all
    m = Word2Vec(corpus_file=str(path), **SMALL)
    assert m.corpus_total_words == 1_000_000
    assert m.corpus_count == 1
    assert m._encoded.n_words == 1_000_000


def test_corpus_spilled_to_disk_trains_identically():
    sents, _ = toy_sentences(300)
    mem = Word2Vec(sents, **SMALL)
    disk = Word2Vec(sents, corpus_memory_limit=64, **SMALL)
    assert disk._encoded.on_disk and not mem._encoded.on_disk
    assert isinstance(disk._encoded.ids, np.memmap)
    assert np.array_equal(mem.wv.vectors, disk.wv.vectors)


# ---------------------------------------------------------------- progress, loss, control
def test_callbacks_and_loss():
    events = []

    class Recorder:
        def on_train_begin(self, model):
            events.append("begin")

        def on_epoch_end(self, model):
            events.append(model.get_latest_training_loss())

        def on_train_end(self, model):
            events.append("end")

    sents, _ = toy_sentences(400)
    m = Word2Vec(sents, **{**SMALL, "epochs": 4, "compute_loss": True},
                 callbacks=[Recorder()])
    assert events[0] == "begin" and events[-1] == "end" and len(events) == 6
    assert len(m.epoch_losses) == 4
    assert m.epoch_losses[-1] < m.epoch_losses[0]
    assert m.get_latest_training_loss() == pytest.approx(sum(m.epoch_losses))


def test_interrupt_keeps_a_usable_model():
    class StopAfterFirstEpoch:
        def on_epoch_end(self, model):
            raise KeyboardInterrupt

    sents, _ = toy_sentences(200)
    m = Word2Vec(sents, **{**SMALL, "epochs": 5}, callbacks=[StopAfterFirstEpoch()])
    assert m.interrupted
    assert len(m.epoch_losses) == 1
    assert np.all(np.isfinite(m.wv.vectors))
    assert m.wv.most_similar("c0w0", topn=2)


# ---------------------------------------------------------------- persistence
def test_save_load_and_continue_training(tmp_path):
    sents, words = toy_sentences(400)
    m = Word2Vec(sents, **SMALL)
    path = tmp_path / "m.nw2v"
    m.save(path)
    back = Word2Vec.load(path)
    assert back.wv.index_to_key == m.wv.index_to_key
    assert np.array_equal(back.wv.vectors, m.wv.vectors)
    assert np.array_equal(back.syn1neg, m.syn1neg)
    assert back.sg == m.sg and back.window == m.window
    more, _ = toy_sentences(200, seed=9)
    more[0] = more[0] + ["never-seen"]
    before = back.wv.vectors.copy()
    back.train(more, total_examples=len(more), epochs=2)
    assert not np.array_equal(before, back.wv.vectors)
    assert "never-seen" not in back.wv
    # the cached unit vectors follow the new weights
    v = back.wv.vectors[0] / np.linalg.norm(back.wv.vectors[0])
    np.testing.assert_allclose(back.wv.get_normed_vectors()[0], v, rtol=1e-5)


def test_damaged_model_file(tmp_path):
    sents, _ = toy_sentences(50)
    path = tmp_path / "m.nw2v"
    Word2Vec(sents, **SMALL).save(path)
    data = path.read_bytes()
    bad = tmp_path / "bad.nw2v"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="bad.nw2v"):
        Word2Vec.load(bad)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("kw, name", [
    ({"window": 0}, "window"), ({"negative": -1}, "negative"), ({"vector_size": 0}, "vector_size"),
    ({"sample": -0.1}, "sample"), ({"alpha": 0}, "alpha"), ({"alpha": -1.0}, "alpha"),
    ({"epochs": -1}, "epochs"), ({"sg": 2}, "sg"), ({"workers": 0}, "workers"),
    ({"min_count": -1}, "min_count"), ({"vector_size": 2.5}, "vector_size"),
])
def test_invalid_parameters_are_named(kw, name):
    with pytest.raises(ValueError, match=name):
        Word2Vec(**kw)


def test_missing_empty_and_unreadable_inputs(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        Word2Vec(corpus_file=str(tmp_path / "nope.txt"), **SMALL)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n")
    with pytest.raises(ValueError, match="empty"):
        Word2Vec(corpus_file=str(empty), **SMALL)
    rare = tmp_path / "rare.txt"
    rare.write_text("a b c\n")
    with pytest.raises(ValueError, match="min_count=5"):
        Word2Vec(corpus_file=str(rare), **{**SMALL, "min_count": 5})
    with pytest.raises((ValueError, IsADirectoryError), match="directory"):
        Word2Vec(corpus_file=str(tmp_path), **SMALL)
    with pytest.raises(ValueError, match="string"):
        Word2Vec(["a b c"], **SMALL)
    with pytest.raises(ValueError, match="not both"):
        Word2Vec(sentences=[["a"]], corpus_file=str(rare))


def test_invalid_utf8_is_replaced_and_counted(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9 ok ok\nok caf\xe9 \xff\xfe\n")
    m = Word2Vec(corpus_file=str(path), **SMALL)
    assert m.undecodable_words == 3
    assert "caf\ufffd" in m.wv and "ok" in m.wv


def test_workers_sets_the_thread_count():
    import os

    import numba

    from numbaw2v.training import resolve_workers
    seen = []

    class Threads:
        def on_epoch_begin(self, model):
            seen.append(numba.get_num_threads())

    sents, _ = toy_sentences(50)
    Word2Vec(sents, **{**SMALL, "workers": 1}, callbacks=[Threads()])
    assert seen == [1]
    assert resolve_workers(1) == 1
    assert resolve_workers(None) == min(os.cpu_count() or 1, numba.config.NUMBA_NUM_THREADS)
    assert resolve_workers(10 ** 6) == numba.config.NUMBA_NUM_THREADS


# ---------------------------------------------------------------- integer keys (9.6)
def _kv_keeps_int_keys():
    from numbaw2v import KeyedVectors
    return type(KeyedVectors(np.zeros((1, 2), np.float32), [5]).index_to_key[0]) is int


def test_integer_walks_keep_python_int_keys_through_save_and_load(tmp_path):
    walks = [np.array([5, 3, 5, 9, 3, 5], dtype=np.int64)] * 30
    m = Word2Vec(walks, **SMALL)
    assert all(type(k) is int for k in m.vocab.index_to_key)
    assert m.vocab.index_to_key[0] == 5
    path = tmp_path / "walks.nw2v"
    m.save(path)
    back = Word2Vec.load(path)
    assert all(type(k) is int for k in back.vocab.index_to_key)
    assert back.vocab.index_to_key == m.vocab.index_to_key
    if not _kv_keeps_int_keys():
        pytest.skip("this KeyedVectors turns keys into str (integer keys come with the kv work)")
    for model in (m, back):
        assert all(type(k) is int for k in model.wv.index_to_key)
        assert 5 in model.wv and model.wv.get_index(5) == 0


# ---------------------------------------------------------------- changed inputs (9.10)
def test_a_sentence_list_changed_after_build_vocab_is_encoded_again(caplog):
    sents, _ = toy_sentences(100)
    m = Word2Vec(**{**SMALL, "sample": 0})
    m.build_vocab(sents)
    first = m._encoded
    del sents[50:]
    with caplog.at_level("WARNING", logger="numbaw2v"):
        trained, raw = m.train(sents, total_examples=len(sents), epochs=1)
    assert "the sentences changed since they were encoded" in caplog.text
    assert raw == 50 * 8 and m._encoded is not first


def test_the_same_unchanged_list_is_encoded_once():
    sents, _ = toy_sentences(100)
    m = Word2Vec(**SMALL)
    m.build_vocab(sents)
    first = m._encoded
    m.train(sents, total_examples=m.corpus_count, epochs=1)
    assert m._encoded is first


# ---------------------------------------------------------------- load messages (9.11)
@pytest.mark.parametrize("content,fragment", [
    (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00.", "it is a Python pickle"),
    (b"just some text\n", "it is not a zip archive"), (b"PK\x03\x04xx", "damaged or truncated zip"),
    (b"", "an empty file"),
])
def test_load_of_a_non_model_says_what_it_is_not(tmp_path, content, fragment):
    path = tmp_path / "thing.nw2v"
    path.write_bytes(content)
    with pytest.raises(ValueError) as err:
        Word2Vec.load(path)
    text = str(err.value)
    assert "thing.nw2v" in text and "not a numbaw2v model file" in text and fragment in text
    assert "pickle=" not in text and "unsafe" not in text.lower()


def test_load_of_another_npz_names_the_missing_array(tmp_path):
    path = tmp_path / "other.nw2v"
    with open(path, "wb") as f:
        np.savez(f, x=np.zeros(3))
    with pytest.raises(ValueError, match="without the array .meta."):
        Word2Vec.load(path)


# ---------------------------------------------------------------- standard input (9.11)
def test_corpus_file_dash_reads_standard_input(tmp_path):
    import subprocess
    import sys
    sents, _ = toy_sentences(100)
    text = "".join(" ".join(s) + "\n" for s in sents)
    code = ("from numbaw2v import Word2Vec; "
            "m = Word2Vec(corpus_file='-', vector_size=8, min_count=1, epochs=1, workers=1, "
            "progress=False); print(len(m.wv), m.corpus_total_words)")
    root = __import__("os").path.dirname(__import__("os").path.dirname(__file__))
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True,
                          text=True, timeout=300, env={**__import__("os").environ,
                                                       "PYTHONPATH": root})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["24", "800"]


def test_cum_table_is_gensims_running_sum_of_powered_counts():
    model = Word2Vec([["a"] * 9 + ["b"] * 4 + ["c"]], vector_size=4, min_count=1, epochs=1,
                     workers=1, progress=False)
    weights = np.array([9, 4, 1], dtype=float) ** 0.75
    expected = [round(x) for x in np.cumsum(weights) / weights.sum() * (2 ** 31 - 1)]
    assert model.cum_table.dtype == np.uint32 and model.cum_table.tolist() == expected


def test_alpha_rising_again_and_both_objectives_are_logged(caplog):
    sents = [["a", "b", "c", "d"] * 5] * 10
    with caplog.at_level("WARNING", logger="numbaw2v"):
        model = Word2Vec(sents, vector_size=4, min_count=1, epochs=1, workers=1,
                         progress=False, hs=1, negative=2)
    assert "both objectives" in caplog.text
    assert model.min_alpha_yet_reached == pytest.approx(model.min_alpha)
    caplog.clear()
    with caplog.at_level("WARNING", logger="numbaw2v"):
        model.train(sents, total_examples=len(sents), epochs=1,
                    start_alpha=model.min_alpha, end_alpha=model.min_alpha)
    assert "alpha" not in caplog.text
    with caplog.at_level("WARNING", logger="numbaw2v"):
        model.train(sents, total_examples=len(sents), epochs=1)
    assert "above the" in caplog.text


def test_cum_table_gives_a_zero_count_word_no_share_as_the_alias_table():
    model = Word2Vec(vector_size=4, min_count=0, ns_exponent=-0.5, progress=False)
    model.build_vocab_from_freq({"a": 4, "b": 0})
    assert model.vocab.table.prob.shape == (2,)
    assert model.cum_table.tolist() == [2 ** 31 - 1, 2 ** 31 - 1]      # "b" is never drawn
