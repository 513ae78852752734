"""Cross-checks with gensim: files both ways, bit for bit, and equal evaluation numbers.

Skipped without gensim. Three sources of vectors:
- small vectors built here (always);
- random vectors over the words of ../shared/eval (when that directory exists);
- a real vectors file named by $NUMBAW2V_VECTORS (any format numbaw2v reads).
"""
import os
from pathlib import Path

import numpy as np
import pytest

from numbaw2v.vectors import KeyedVectors
from test_evaluate import analogy_vectors, toy_sections, write_analogies, write_pairs

gensim_kv = pytest.importorskip("gensim.models.keyedvectors")

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
TOLERANCE = 1e-4


def to_gensim(kv):
    g = gensim_kv.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    return g


def same_bits(a, b):
    a, b = np.ascontiguousarray(a, np.float32), np.ascontiguousarray(b, np.float32)
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


def assert_files_cross_over(kv, tmp_path):
    """gensim reads what numbaw2v writes and the reverse, in both formats, bit for bit."""
    g = to_gensim(kv)
    for binary, name in ((True, "v.bin"), (False, "v.txt")):
        ours = tmp_path / ("ours-" + name)
        kv.save_word2vec_format(ours, binary=binary)
        read = gensim_kv.KeyedVectors.load_word2vec_format(str(ours), binary=binary)
        assert read.index_to_key == kv.index_to_key and same_bits(read.vectors, kv.vectors)
        theirs = tmp_path / ("gensim-" + name)
        g.save_word2vec_format(str(theirs), binary=binary)
        back = KeyedVectors.load_word2vec_format(theirs, binary=binary)
        assert back.index_to_key == kv.index_to_key and same_bits(back.vectors, kv.vectors)


def _asked(section):
    return len(section["correct"]) + len(section["incorrect"])


def _accuracy(section):
    return len(section["correct"]) / max(1, _asked(section))


def assert_analogies_match(kv, path, restrict_vocab):
    score, sections = kv.evaluate_word_analogies(path, restrict_vocab=restrict_vocab)
    g_score, g_sections = to_gensim(kv).evaluate_word_analogies(str(path),
                                                                restrict_vocab=restrict_vocab)
    assert score == pytest.approx(g_score, abs=TOLERANCE)
    assert [s["section"] for s in sections] == [s["section"] for s in g_sections]
    for ours, theirs in zip(sections, g_sections):
        assert _accuracy(ours) == pytest.approx(_accuracy(theirs), abs=TOLERANCE), ours["section"]
        assert _asked(ours) == _asked(theirs)
    return score


def assert_pairs_match(kv, path, restrict_vocab=300000):
    (pr, pp), (sr, sp), oov = kv.evaluate_word_pairs(path, restrict_vocab=restrict_vocab)
    g_pearson, g_spearman, g_oov = to_gensim(kv).evaluate_word_pairs(
        str(path), restrict_vocab=restrict_vocab)
    assert sr == pytest.approx(float(g_spearman[0]), abs=TOLERANCE)
    assert pr == pytest.approx(float(g_pearson[0]), abs=TOLERANCE)
    assert sp == pytest.approx(float(g_spearman[1]), abs=TOLERANCE)
    assert oov == pytest.approx(float(g_oov), abs=1e-9)


# ------------------------------------------------------------- small vectors
def test_files_cross_over_small(tmp_path):
    rng = np.random.default_rng(3)
    keys = [f"w{i}" for i in range(200)] + ["naïve", "日本語"]
    kv = KeyedVectors(rng.standard_normal((len(keys), 16)).astype(np.float32), keys)
    assert_files_cross_over(kv, tmp_path)


@pytest.mark.parametrize("restrict_vocab", [300000, 150])
def test_analogies_equal_gensim_small(tmp_path, restrict_vocab):
    sections = toy_sections(seed=7)
    kv = analogy_vectors(sections, seed=7)
    path = tmp_path / "q.txt"
    write_analogies(path, sections)
    score = assert_analogies_match(kv, path, restrict_vocab)
    assert 0.1 < score < 1.0


def test_word_pairs_equal_gensim_small(tmp_path):
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(50)]
    kv = KeyedVectors(rng.standard_normal((50, 8)).astype(np.float32), words)
    # no pair of a word with itself: several cosines of ~1.0 would be ranked by float32
    # rounding noise, which differs between BLAS (gensim) and NumPy
    rows = [(words[i], words[j].upper(), int(rng.integers(0, 5)))
            for i, j in rng.integers(0, 50, (80, 2)) if i != j]
    path = tmp_path / "pairs.tsv"
    write_pairs(path, rows + [("w1", "absent", 3.0)])
    assert_pairs_match(kv, path)


def test_most_similar_equals_gensim():
    rng = np.random.default_rng(5)
    kv = KeyedVectors(rng.standard_normal((300, 12)).astype(np.float32),
                      [f"w{i}" for i in range(300)])
    g = to_gensim(kv)
    for pos, neg in ((["w1"], []), (["w1", "w2"], ["w3"]), (["w4", "w5", "w6"], ["w7", "w8"])):
        ours = kv.most_similar(positive=pos, negative=neg, topn=10)
        theirs = g.most_similar(positive=pos, negative=neg, topn=10)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)
        ours = kv.most_similar_cosmul(positive=pos, negative=neg, topn=10)
        theirs = g.most_similar_cosmul(positive=pos, negative=neg, topn=10)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert kv.doesnt_match(["w1", "w2", "w3", "w4"]) == g.doesnt_match(["w1", "w2", "w3", "w4"])
    theirs = float(g.n_similarity(["w1", "w2"], ["w3"]))
    assert kv.n_similarity(["w1", "w2"], ["w3"]) == pytest.approx(theirs, abs=1e-6)
    assert kv.rank("w1", "w9") == g.rank("w1", "w9")


# --------------------------------------------------------- the real eval sets
needs_eval = pytest.mark.skipif(not EVAL_DIR.is_dir(), reason="../shared/eval is not present")


def eval_words():
    words = []
    for line in open(EVAL_DIR / "questions-words.txt", encoding="utf8"):
        if not line.startswith(":"):
            words += line.split()
    for name in ("wordsim353.tsv", "simlex999.txt"):
        for line in open(EVAL_DIR / name, encoding="utf8"):
            if not line.startswith("#"):
                words += line.split("\t")[:2]
    return list(dict.fromkeys(words))


@needs_eval
def test_real_eval_sets_equal_gensim_on_random_vectors(tmp_path):
    rng = np.random.default_rng(11)
    words = eval_words()
    sections, current = [], None      # give the real sections some structure so accuracy is not ~0
    for line in open(EVAL_DIR / "questions-words.txt", encoding="utf8"):
        if line.startswith(": "):
            current = (line[2:].strip(), [])
            sections.append(current)
        else:
            current[1].append(tuple(line.split()))
    kv = analogy_vectors(sections, d=32, noise=1.0, fillers=0, seed=11)
    extra = [w for w in words if w not in kv.key_to_index]
    keys = [k.lower() if rng.random() < 0.5 else k for k in kv.index_to_key] + extra
    keep = rng.random(len(keys)) < 0.9                       # some questions lose a word
    vectors = np.vstack([kv.vectors, rng.standard_normal((len(extra), 32)).astype(np.float32)])
    keys = list(np.array(keys, dtype=object)[keep])
    unique = dict.fromkeys(keys)
    rows = [i for i, k in enumerate(keys) if unique.pop(k, 0) is None]
    kv = KeyedVectors(vectors[keep][rows], [keys[i] for i in rows])
    assert assert_analogies_match(kv, EVAL_DIR / "questions-words.txt", 300000) > 0.05
    assert_analogies_match(kv, EVAL_DIR / "questions-words.txt", 2000)
    assert_pairs_match(kv, EVAL_DIR / "wordsim353.tsv")
    assert_pairs_match(kv, EVAL_DIR / "simlex999.txt")


# ----------------------------------------------------- real trained vectors
@pytest.mark.skipif(not os.environ.get("NUMBAW2V_VECTORS"),
                    reason="set NUMBAW2V_VECTORS=path to run")
def test_trained_vectors_cross_over_and_evaluate_like_gensim(tmp_path):
    from numbaw2v.cli import load_vectors
    kv = load_vectors(os.environ["NUMBAW2V_VECTORS"])
    assert_files_cross_over(kv, tmp_path)
    if EVAL_DIR.is_dir():
        assert_analogies_match(kv, EVAL_DIR / "questions-words.txt", 30000)
        assert_pairs_match(kv, EVAL_DIR / "wordsim353.tsv")
        assert_pairs_match(kv, EVAL_DIR / "simlex999.txt")
