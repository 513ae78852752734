"""Vocabulary building and online learning with gensim 4.4's meaning (issue 10).

Where gensim is installed, numbaw2v's vocabulary is compared with gensim's own on the
same input: the same words in the same order, the same counts, the same report of
``prepare_vocab`` and, with the same seed, bit-for-bit the same starting vectors.
"""
import collections

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numbaw2v import Word2Vec
from numbaw2v.text import scan_iterable
from numbaw2v.vocab import (RULE_DEFAULT, RULE_DISCARD, RULE_KEEP, RawVocab, effective_min_count,
                            raw_from_scan)
from reference import ref_first_seen_order, ref_pruned_scan

SMALL = dict(vector_size=8, window=2, min_count=1, epochs=2, workers=1, seed=7, progress=False)

TEXTS = [  # gensim's common_texts
    ["human", "interface", "computer"],
    ["survey", "user", "computer", "system", "response", "time"],
    ["eps", "user", "interface", "system"],
    ["system", "human", "system", "eps"],
    ["user", "response", "time"],
    ["trees"],
    ["graph", "trees"],
    ["graph", "minors", "trees"],
    ["graph", "minors", "survey"],
]
NEW = [
    ["computer", "artificial", "intelligence"],
    ["artificial", "trees"],
    ["human", "intelligence"],
    ["artificial", "graph"],
    ["intelligence"],
    ["artificial", "intelligence", "system"],
]


def no_human(word, count, min_count):
    return RULE_DISCARD if word == "human" else RULE_DEFAULT


def gensim_w2v():
    return pytest.importorskip("gensim.models.word2vec").Word2Vec


def pair(**kw):
    """A numbaw2v and a gensim model with the same settings, no corpus yet."""
    G = gensim_w2v()
    ours = {**SMALL, **kw}
    theirs = {k: v for k, v in ours.items() if k not in ("progress", "corpus_memory_limit")}
    return Word2Vec(**ours), G(**theirs)


def counts_of(model):
    return [int(model.wv.get_vecattr(k, "count")) for k in model.wv.index_to_key]


def assert_same_vocab(ours, theirs, vectors=True):
    assert ours.wv.index_to_key == theirs.wv.index_to_key
    assert counts_of(ours) == counts_of(theirs)
    assert ours.vocab.index_to_key == ours.wv.index_to_key
    if vectors:
        assert np.array_equal(ours.wv.vectors, theirs.wv.vectors)


def keep_prob_of(gensim_model):
    return np.array([gensim_model.wv.get_vecattr(k, "sample_int") for k in
                     gensim_model.wv.index_to_key], dtype=np.float64) / (2 ** 32 - 1)


# ------------------------------------------------------------------ side by side with gensim
@pytest.mark.parametrize("kw", [
    dict(min_count=1),
    dict(min_count=2),
    dict(min_count=2, sorted_vocab=0),
    dict(min_count=1, null_word=1),
    dict(min_count=1, max_final_vocab=4),
    dict(min_count=1, max_final_vocab=100),
    dict(min_count=1, max_vocab_size=8),
    dict(min_count=1, max_vocab_size=10, sorted_vocab=0),
    dict(min_count=1, sample=2.0),
    dict(min_count=1, sample=0),
], ids=str)
def test_fresh_vocabulary_and_starting_vectors_equal_gensims(kw):
    ours, theirs = pair(**kw)
    sents = TEXTS + [["occurs_once"], []]
    ours.build_vocab(sents, keep_raw_vocab=True)
    theirs.build_vocab(sents, keep_raw_vocab=True)
    assert_same_vocab(ours, theirs)
    assert dict(ours.raw_vocab) == dict(theirs.raw_vocab)
    assert list(ours.raw_vocab) == list(theirs.raw_vocab)
    assert (ours.corpus_count, ours.corpus_total_words) == \
        (theirs.corpus_count, theirs.corpus_total_words)
    assert ours.effective_min_count == theirs.effective_min_count
    real = [i for i, k in enumerate(ours.wv.index_to_key) if k != "\0"]
    np.testing.assert_allclose(ours.vocab.keep_prob[real], keep_prob_of(theirs)[real],
                               rtol=1e-6)
    assert np.array_equal(ours.syn1neg, theirs.syn1neg)


@pytest.mark.parametrize("rule_at", ["constructor", "build_vocab"])
def test_trim_rule_with_min_count_equals_gensim(rule_at):
    G = gensim_w2v()
    sents = TEXTS + [["occurs_only_once"]]
    if rule_at == "constructor":
        ours = Word2Vec(sents, **{**SMALL, "min_count": 2, "trim_rule": no_human})
        theirs = G(sents, **{k: v for k, v in SMALL.items() if k != "progress"}
                   | {"min_count": 2, "trim_rule": no_human})
    else:
        ours, theirs = pair(min_count=2)
        ours.build_vocab(sents, trim_rule=no_human)
        theirs.build_vocab(sents, trim_rule=no_human)
    assert_same_vocab(ours, theirs, vectors=False)
    assert "human" not in ours.wv and "occurs_only_once" not in ours.wv
    assert "interface" in ours.wv


def test_rule_keep_overrides_min_count_and_gensims_constants_work():
    from gensim import utils
    assert (utils.RULE_DEFAULT, utils.RULE_DISCARD, utils.RULE_KEEP) == \
        (RULE_DEFAULT, RULE_DISCARD, RULE_KEEP)
    m = Word2Vec(**{**SMALL, "min_count": 3})
    seen = []

    def rule(word, count, min_count):
        seen.append((word, count, min_count))
        return utils.RULE_KEEP if word == "trees" else None     # None: the default rule
    m.build_vocab(TEXTS, trim_rule=rule)
    assert "trees" in m.wv and "graph" in m.wv and "human" not in m.wv
    assert ("trees", 3, 3) in seen and all(type(c) is int for _, c, _ in seen)


def test_online_update_equals_gensim_and_keeps_old_rows():
    ours, theirs = pair(min_count=1, sample=0)
    ours.build_vocab(TEXTS)
    theirs.build_vocab(TEXTS)
    ours.train(TEXTS, total_examples=ours.corpus_count, epochs=2)
    old_keys = list(ours.wv.index_to_key)
    old_in, old_out = ours.wv.vectors.copy(), ours.syn1neg.copy()
    wv = ours.wv
    ours.build_vocab(NEW, update=True)
    theirs.build_vocab(NEW, update=True)
    assert_same_vocab(ours, theirs, vectors=False)
    assert ours.wv is wv                                   # updated in place, as gensim
    n = len(old_keys)
    assert ours.wv.index_to_key[:n] == old_keys
    assert ours.wv.index_to_key[n:] == ["artificial", "intelligence"]
    assert ours.wv.get_vecattr("graph", "count") == 4
    assert ours.wv.get_vecattr("artificial", "count") == 4
    assert np.array_equal(ours.wv.vectors[:n], old_in)
    assert np.array_equal(ours.syn1neg[:n], old_out)
    assert not ours.syn1neg[n:].any()
    # new input rows are gensim's: drawn from the seed for the whole vocabulary
    assert np.array_equal(ours.wv.vectors[n:], theirs.wv.vectors[n:])
    assert np.all(np.abs(ours.wv.vectors[n:]) <= 1.0 / ours.vector_size)
    # subsampling: recomputed from this corpus for the words it keeps, as gensim does
    np.testing.assert_allclose(ours.vocab.keep_prob, keep_prob_of(theirs), rtol=1e-6)
    assert len(ours.vocab.table.prob) == len(ours.wv) == ours.wv.vectors.shape[0]
    before = ours.wv.vectors.copy()
    ours.train(NEW, total_examples=ours.corpus_count, epochs=ours.epochs)
    assert not np.array_equal(ours.wv["intelligence"], before[ours.wv.key_to_index[
        "intelligence"]])
    assert np.all(np.isfinite(ours.wv.vectors))


def test_untrained_update_gives_gensims_whole_matrix():
    ours, theirs = pair(min_count=2, max_final_vocab=5)
    for model in (ours, theirs):
        model.build_vocab(TEXTS)
        model.build_vocab(NEW + NEW, update=True)
    assert_same_vocab(ours, theirs)
    assert ours.effective_min_count == theirs.effective_min_count


def test_build_vocab_from_freq_and_update_equal_gensim():
    freq = {"minors": 2, "graph": 3, "system": 4, "trees": 3, "eps": 2, "computer": 2,
            "survey": 2, "user": 3, "human": 2, "time": 2, "interface": 2, "response": 2}
    new = {"computer": 1, "artificial": 4, "human": 1, "graph": 1, "intelligence": 4,
           "system": 1, "trees": 1}
    ours, theirs = pair(min_count=0, seed=42)
    for model in (ours, theirs):
        model.build_vocab_from_freq(dict(freq), corpus_count=9)
    assert_same_vocab(ours, theirs)
    assert ours.corpus_count == 9 and len(ours.raw_vocab) == 0
    for model in (ours, theirs):
        model.build_vocab_from_freq(new, update=True, keep_raw_vocab=True)
    assert_same_vocab(ours, theirs)
    assert len(ours.wv) == 14 and ours.wv.get_vecattr("graph", "count") == 4
    assert dict(ours.raw_vocab) == new


def test_prepare_vocab_reports_as_gensim():
    for kw in (dict(max_final_vocab=4, min_count=4, sample=0),
               dict(max_final_vocab=4, min_count=2, sample=0),
               dict(min_count=1, sample=0.05), dict(min_count=2, sample=3)):
        ours, theirs = pair(**kw)
        assert ours.scan_vocab(TEXTS) == theirs.scan_vocab(TEXTS)
        dry = ours.prepare_vocab(dry_run=True)
        assert ours.vocab is None
        got, want = ours.prepare_vocab(), theirs.prepare_vocab()
        assert got == want == dry
        assert ours.effective_min_count == theirs.effective_min_count


def test_max_final_vocab_sets_effective_min_count():
    counts = np.array([4, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2])
    assert effective_min_count(counts, 4, 4) == 4
    assert effective_min_count(counts, 2, 4) == 3
    assert effective_min_count(counts, 2, 12) == 2
    assert effective_min_count(counts, 0, None) == 0


# ------------------------------------------------------------------ the pruned scan
WORDS = st.lists(st.lists(st.integers(0, 9).map(lambda i: f"w{i}"), max_size=6), max_size=25)


@settings(max_examples=60, deadline=None)
@given(sents=WORDS, limit=st.integers(1, 7), rule=st.booleans(), ids=st.booleans())
def test_pruned_scan_equals_its_twin(sents, limit, rule, ids):
    if ids:                             # an integer-id corpus: word wN is id N
        sents = [[int(w[1:]) for w in s] for s in sents]
    keep, discard = (3, 5) if ids else ("w3", "w5")
    trim = (lambda w, c, m: RULE_KEEP if w == keep else RULE_DISCARD if w == discard
            else RULE_DEFAULT) if rule else None
    scan = scan_iterable([np.array(s, dtype=np.int64) for s in sents] if ids else sents,
                         1 << 20)
    try:
        raw = raw_from_scan(scan, limit, trim)
    finally:
        scan.close()
    want = ref_pruned_scan(sents, limit, trim)
    assert raw.keys == list(want)
    assert raw.counts.tolist() == list(want.values())


@settings(max_examples=60, deadline=None)
@given(sents=WORDS, limit=st.integers(1, 7), data=st.data())
def test_pruned_scan_in_small_blocks_and_pieces_equals_its_twin(sents, limit, data):
    """The replay over ids cut into small blocks, with the sentence ends made a few lengths
    at a time (as for a corpus spilled to disk), counts what the twin counts."""
    from numbaw2v.vocab import replay_pruned_blocks

    scan = scan_iterable(sents, 1 << 20)
    try:
        ids, lengths, types = scan.ids, np.asarray(scan.sentence_lengths), scan.types
    finally:
        scan.close()
    cuts = sorted(data.draw(st.lists(st.integers(0, len(ids)), max_size=5)))
    blocks = np.split(ids, cuts)
    piece = data.draw(st.integers(1, 4))
    counts, stamps = replay_pruned_blocks(blocks, lengths, types, limit, ends_piece=piece)
    alive = np.flatnonzero(counts > 0)
    order = alive[np.argsort(stamps[alive], kind="stable")]
    want = ref_pruned_scan(sents, limit)
    assert [types[i] for i in order] == list(want)
    assert counts[order].tolist() == list(want.values())


def test_sentence_ends_window_stays_small():
    """Ends are made a piece at a time and the checked ones dropped: the window holds the
    unchecked ends up to the position asked for and at most one piece past it."""
    from numbaw2v.vocab import _SentenceEnds

    lengths = np.full(1000, 3, dtype=np.int64)            # ends 3, 6, ..., 3000
    ends = _SentenceEnds(lengths, piece=10)
    ends.cover(30, 0)
    assert ends.ends[0] == 3 and ends.ends[-1] > 30 and ends.ends.shape[0] <= 20
    ends.cover(1500, 10)                                   # the first 10 ends were checked
    assert ends.ends[0] == 33 and ends.ends[-1] > 1500
    n = ends.ends.shape[0]
    ends.cover(3000, n - 1)                                # all but the last were checked
    assert ends.ends[0] == 1530 and ends.ends[-1] == 3000     # made in pieces of 30 positions
    assert ends.ends.shape[0] == (3000 - 1530) // 3 + 1


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n_types=st.integers(1, 12))
def test_first_seen_order_equals_its_twin(data, n_types):
    """Blocks of ids (some empty, some types absent): the kernel's first positions and
    first_seen_order's order equal the twin's, whose stream is the blocks joined."""
    from numbaw2v.kernels.vocab import NOT_SEEN, first_positions
    from numbaw2v.vocab import first_seen_order

    ids = st.lists(st.integers(0, n_types - 1), max_size=15)
    blocks = [np.array(b, dtype=np.int32) for b in data.draw(st.lists(ids, max_size=6))]
    positions, order = ref_first_seen_order(blocks, n_types)
    first = np.full(n_types, NOT_SEEN, dtype=np.int64)
    base = seen = 0
    for block in blocks:
        seen += first_positions(block, base, first)
        base += block.shape[0]
    assert [None if p == NOT_SEEN else int(p) for p in first] == positions
    assert seen == sum(p is not None for p in positions)
    assert first_seen_order(iter(blocks), n_types).tolist() == order


def test_first_seen_order_stops_reading_once_every_type_is_seen():
    from numbaw2v.vocab import first_seen_order

    def blocks():
        yield np.array([2, 0, 2], dtype=np.int32)
        yield np.array([1, 1], dtype=np.int32)
        raise AssertionError("read a block after every type was seen")

    assert first_seen_order(blocks(), 3).tolist() == [2, 0, 1]


def test_pruned_scan_equals_gensim_on_a_spilled_corpus():
    rng = np.random.default_rng(3)
    sents = [[f"w{int(x)}" for x in rng.zipf(1.3, size=rng.integers(0, 12)) % 300]
             for _ in range(400)]
    ours, theirs = pair(max_vocab_size=40, min_count=1, corpus_memory_limit=256)
    ours.build_vocab(sents)
    theirs.build_vocab(sents)
    assert_same_vocab(ours, theirs)


def test_prune_vocab_as_in_gensims_test():
    sents = [["graph", "system"], ["graph", "system"], ["system", "eps"], ["graph", "system"]]
    m = Word2Vec(sents, **{**SMALL, "min_count": 0, "max_vocab_size": 2})
    assert [(k, m.wv.get_vecattr(k, "count")) for k in m.wv.index_to_key] == \
        [("system", 4), ("graph", 3)]
    m = Word2Vec(sents + [["minors", "survey", "minors", "survey", "minors"]],
                 **{**SMALL, "min_count": 0, "max_vocab_size": 2})
    assert dict(zip(m.wv.index_to_key, m.wv.counts.tolist())) == \
        {"system": 4, "graph": 3, "minors": 3}


def test_integer_id_corpus_orders_ties_as_gensim():
    walks = [[7, 3, 7, 1], [3, 9, 1], [9, 7]]
    ours, theirs = pair(min_count=1)
    ours.build_vocab([np.array(w) for w in walks])
    theirs.build_vocab(walks)
    assert_same_vocab(ours, theirs)


# ------------------------------------------------------------------ online learning
def test_update_grows_lockf_with_ones_and_hooks_syn1():
    m = Word2Vec(TEXTS, **SMALL)
    n = len(m.wv)
    m.wv.vectors_lockf = np.full(n, 0.5, dtype=np.float32)
    m.syn1 = np.ones((n, m.vector_size), dtype=np.float32)      # as an hs model holds it
    m.build_vocab(NEW, update=True)
    assert m.wv.vectors_lockf.tolist() == [0.5] * n + [1.0, 1.0]
    assert m.syn1.shape == (n + 2, m.vector_size) and not m.syn1[n:].any()


def test_online_learning_after_save_and_load(tmp_path):
    m = Word2Vec(TEXTS, **SMALL)
    m.save(tmp_path / "m.nw2v")
    back = Word2Vec.load(tmp_path / "m.nw2v")
    back.build_vocab(NEW, update=True)
    back.train(NEW, total_examples=back.corpus_count, epochs=back.epochs)
    assert len(back.wv) == 14 and back.corpus_count == len(NEW)
    back.train(TEXTS, total_examples=len(TEXTS), epochs=1)          # the old text again
    assert np.all(np.isfinite(back.wv.vectors))


def test_update_from_a_file(tmp_path):
    path = tmp_path / "new.txt"
    path.write_text("\n".join(" ".join(s) for s in NEW) + "\n")
    m = Word2Vec(TEXTS, **SMALL)
    m.build_vocab(corpus_file=str(path), update=True)
    assert len(m.wv) == 14 and m.corpus_total_words == sum(map(len, NEW))
    trained, raw = m.train(corpus_file=str(path), total_words=m.corpus_total_words, epochs=1)
    assert raw == sum(map(len, NEW)) and trained > 0


def test_update_with_only_known_words_adds_counts_only():
    m = Word2Vec(TEXTS, **SMALL)
    keys, vectors = list(m.wv.index_to_key), m.wv.vectors.copy()
    m.build_vocab([["graph", "graph"]], update=True)
    assert m.wv.index_to_key == keys and np.array_equal(m.wv.vectors, vectors)
    assert m.wv.get_vecattr("graph", "count") == 5


def test_fresh_build_after_training_replaces_everything():
    m = Word2Vec(TEXTS, **SMALL)
    m.build_vocab(NEW)
    assert set(m.wv.index_to_key) == {w for s in NEW for w in s}
    assert m.syn1neg.shape == m.wv.vectors.shape and not m.syn1neg.any()
    m.train(NEW, total_examples=m.corpus_count, epochs=1)


def test_keep_raw_vocab_then_prepare_again_re_encodes():
    m = Word2Vec(**SMALL)
    m.build_vocab(TEXTS, keep_raw_vocab=True)
    assert m.raw_vocab["system"] == 4
    m.prepare_vocab(min_count=3)
    m.prepare_weights()
    assert m.wv.index_to_key == ["system", "graph", "trees", "user"]
    trained, raw = m.train(TEXTS, total_examples=m.corpus_count, epochs=1)
    assert raw == 13 and int(m._encoded.ids.max()) == 3       # encoded again: ids 0..3


def test_raw_vocab_can_be_set_as_a_dict():
    m = Word2Vec(**SMALL)
    m.raw_vocab = collections.Counter({"a": 3, "b": 5})
    m.prepare_vocab()
    m.prepare_weights()
    assert m.wv.index_to_key == ["b", "a"]


def test_reset_from_borrows_the_vocabulary():
    model = Word2Vec(TEXTS, **SMALL)
    other = Word2Vec(NEW, **SMALL)
    model.reset_from(other)
    assert model.wv.key_to_index == other.wv.key_to_index
    assert model.vocab is other.vocab and model.corpus_count == other.corpus_count
    fresh = Word2Vec(**SMALL)
    fresh.build_vocab(NEW)
    assert np.array_equal(model.wv.vectors, fresh.wv.vectors)
    assert not model.syn1neg.any()
    model.train(NEW, total_examples=model.corpus_count, epochs=1)


# ------------------------------------------------------------------ other constructor rows
def test_callbacks_follow_gensims_protocol():
    events = []

    class Recorder:
        def on_train_begin(self, model):
            events.append(("train_begin", type(model).__name__))

        def on_epoch_begin(self, model):
            events.append("epoch_begin")

        def on_epoch_end(self, model):
            events.append("epoch_end")

        def on_train_end(self, model):
            events.append("train_end")

    m = Word2Vec(TEXTS, **{**SMALL, "epochs": 2}, callbacks=[Recorder()])
    assert events == [("train_begin", "Word2Vec"), "epoch_begin", "epoch_end", "epoch_begin",
                      "epoch_end", "train_end"]
    events.clear()
    m.train(TEXTS, total_examples=m.corpus_count, epochs=1)     # not kept, as in gensim
    assert events == []
    m.train(TEXTS, total_examples=m.corpus_count, epochs=1, callbacks=[Recorder()])
    assert len(events) == 4


def test_batch_words_is_the_chunk_a_window_never_crosses():
    sents = [TEXTS[1] * 3] * 10
    base = Word2Vec(**{**SMALL, "sample": 0})
    base.build_vocab(sents)
    start = base.wv.vectors.copy()
    alone = Word2Vec(**{**SMALL, "sample": 0, "batch_words": 1})
    alone.build_vocab(sents)
    alone.train(sents, total_examples=alone.corpus_count, epochs=2)
    assert np.array_equal(alone.wv.vectors, start)      # one word per chunk: no context
    a, b = (Word2Vec(sents, **{**SMALL, "batch_words": 7}) for _ in range(2))
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert not np.array_equal(a.wv.vectors, Word2Vec(sents, **SMALL).wv.vectors)


def test_saved_and_unsaved_rows(tmp_path):
    m = Word2Vec(TEXTS, **{**SMALL, "comment": "first run", "batch_words": 500,
                           "max_final_vocab": 9, "sorted_vocab": 0, "null_word": 1,
                           "trim_rule": no_human, "hashfxn": len})
    assert "\0" in m.wv and "human" not in m.wv
    m.save(tmp_path / "m.nw2v")
    back = Word2Vec.load(tmp_path / "m.nw2v")
    assert (back.comment, back.batch_words, back.max_final_vocab, back.sorted_vocab,
            back.null_word) == ("first run", 500, 9, False, True)
    assert back.trim_rule is None and back.hashfxn is hash and back.callbacks == ()
    assert back.wv.index_to_key == m.wv.index_to_key


def test_seeded_vector_uses_hashfxn_as_gensim():
    kv = pytest.importorskip("gensim.models.keyedvectors")
    m = Word2Vec(**{**SMALL, "hashfxn": lambda s: sum(map(ord, s))})
    want = kv.pseudorandom_weak_vector(8, seed_string="cat", hashfxn=m.hashfxn)
    assert np.array_equal(m.seeded_vector("cat", 8), want)
    assert not np.array_equal(m.seeded_vector("cat", 8), m.seeded_vector("dog", 8))


def test_raw_vocab_object_reads_dict_changes():
    raw = RawVocab(["a", "b"], [1, 2])
    d = raw.as_dict()
    d["a"] += 5
    assert raw.counts.tolist() == [6, 2] and raw.keys == ["a", "b"]


@pytest.mark.parametrize("negative", [0, 3])
def test_update_of_an_hs_model_grows_syn1_rebuilds_the_tree_and_trains(negative):
    old = [["alpha", "beta", "gamma", "delta"] * 5] * 20
    new = [["alpha", "epsilon", "zeta", "beta"] * 5] * 20
    model = Word2Vec(old, vector_size=8, min_count=1, hs=1, negative=negative, epochs=1,
                     workers=1, seed=3, progress=False)
    before = model.syn1.copy()
    model.build_vocab(new, update=True)
    assert model.syn1.shape == (6, 8)
    np.testing.assert_array_equal(model.syn1[:4], before)
    assert not model.syn1[4:].any()
    assert model.huffman.code_lens.shape == (6,)
    new_row = model.wv.get_index("zeta")
    np.testing.assert_array_equal(model.wv.get_vecattr("zeta", "code"),
                                  model.huffman.codes[new_row, :model.huffman.code_lens[new_row]])
    model.train(new, total_examples=len(new), epochs=1)
    assert model.syn1[4:].any() and np.isfinite(model.wv.vectors).all()


def test_update_after_wv_was_replaced_continues_from_its_vectors():
    from numbaw2v.vectors import KeyedVectors
    m = Word2Vec(TEXTS, **SMALL)
    old_keys = list(m.wv.index_to_key)
    keys = old_keys[::-1]                                   # same words, another order
    vectors = np.stack([m.wv[k] for k in keys]) + 1.0
    m.wv = KeyedVectors(vectors, keys)
    m.build_vocab(NEW, update=True)
    assert m.wv.index_to_key == old_keys + ["artificial", "intelligence"]
    for i, k in enumerate(keys):
        assert np.array_equal(m.wv[k], vectors[i])
    assert m.syn1neg.shape == m.wv.vectors.shape


@pytest.mark.parametrize("kw", [dict(hs=0, negative=5), dict(hs=1, negative=0),
                                dict(hs=1, negative=3)], ids=str)
def test_memory_estimate_equals_gensims(kw):
    ours, theirs = pair(**kw)
    ours.build_vocab(TEXTS)
    theirs.build_vocab(TEXTS)
    assert ours.estimate_memory() == theirs.estimate_memory()
    assert ours.estimate_memory(vocab_size=1000) == theirs.estimate_memory(vocab_size=1000)


def test_save_and_load_keep_the_subsampling_of_an_update(tmp_path):
    from numbaw2v.vocab import keep_probabilities
    m = Word2Vec(TEXTS, **{**SMALL, "sample": 0.01})
    m.build_vocab(NEW, update=True)         # probabilities from NEW's counts, not the totals
    assert not np.allclose(m.vocab.keep_prob, keep_probabilities(m.vocab.counts, 0.01))
    m.save(tmp_path / "m.nw2v")
    back = Word2Vec.load(tmp_path / "m.nw2v")
    assert np.array_equal(back.vocab.keep_prob, m.vocab.keep_prob)
    with np.load(tmp_path / "m.nw2v") as z:           # a file saved before keep_prob was
        older = {k: z[k] for k in z.files if k != "keep_prob"}
    np.savez(tmp_path / "old.nw2v", **older)
    back = Word2Vec.load(tmp_path / "old.nw2v.npz")
    np.testing.assert_allclose(back.vocab.keep_prob, keep_probabilities(m.vocab.counts, 0.01))
