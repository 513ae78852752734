"""Analogy and word-pair evaluation: gensim's rules, re-derived question by question here."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from numbaw2v import evaluate
from numbaw2v.errors import InputFileError, ParameterError
from numbaw2v.vectors import KeyedVectors


# --------------------------------------------------------------- test data
def analogy_vectors(sections, d=24, noise=1.1, fillers=200, seed=0):
    """Vectors where each section is a noisy shared offset, so some analogies hold.

    ``sections``: list of (name, [(a, b, c, d), ...]). Returns a KeyedVectors
    holding every question word (in mixed case) plus random filler words.
    """
    rng = np.random.default_rng(seed)
    vec = {}
    for _, questions in sections:
        offset = rng.standard_normal(d)
        for q in questions:
            for x, y in ((q[0], q[1]), (q[2], q[3])):
                if x not in vec and y in vec:
                    vec[x] = vec[y] - offset + noise * rng.standard_normal(d)
                vec.setdefault(x, rng.standard_normal(d))
                vec.setdefault(y, vec[x] + offset + noise * rng.standard_normal(d))
    words = list(vec) + [f"filler{i}" for i in range(fillers)]
    rows = [vec.get(w, None) for w in words]
    matrix = np.stack([r if r is not None else rng.standard_normal(d) for r in rows])
    matrix = matrix.astype(np.float32)
    order = rng.permutation(len(words))
    return KeyedVectors(matrix[order], [words[i] for i in order])


def write_analogies(path, sections):
    with open(path, "w", encoding="utf8") as f:
        for name, questions in sections:
            f.write(f": {name}\n")
            f.writelines(" ".join(q) + "\n" for q in questions)


def toy_sections(seed=0, n_groups=3, n_pairs=8):
    rng = np.random.default_rng(seed)
    sections = []
    for g in range(n_groups):
        pairs = [(f"x{g}_{i}", f"y{g}_{i}") for i in range(n_pairs)]
        questions = [(*pairs[i], *pairs[j])
                     for i in range(n_pairs) for j in range(n_pairs) if i != j]
        rng.shuffle(questions)
        name = f"gram{g}-rel" if g % 2 else f"sem{g}"
        sections.append((name, [tuple(q) for q in questions[:30]]))
    return sections


def reference_analogies(kv, sections, restrict_vocab, case_insensitive=True, dummy4unknown=False):
    """gensim's procedure, one question at a time, in float64."""
    fold = str.upper if case_insensitive else (lambda w: w)
    keys = kv.index_to_key[:restrict_vocab]
    ok = {}
    for i, k in enumerate(keys):
        ok.setdefault(fold(k), i)
    unit = kv.vectors[: len(keys)].astype(np.float64)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    result = []
    for name, questions in sections:
        correct, incorrect = [], []
        for q in questions:
            a, b, c, e = (fold(w) for w in q)
            if not all(w in ok for w in (a, b, c, e)):
                if dummy4unknown:
                    incorrect.append((a, b, c, e))
                continue
            query = unit[ok[b]] + unit[ok[c]] - unit[ok[a]]
            scores = unit @ (query / np.linalg.norm(query))
            excluded = {ok[a], ok[b], ok[c]}
            ranked = [i for i in np.argsort(-scores) if i not in excluded][:5]
            predicted = None
            for i in ranked:
                predicted = fold(keys[i])
                if predicted not in (a, b, c):
                    break
            (correct if predicted == e else incorrect).append((a, b, c, e))
        result.append({"section": name, "correct": correct, "incorrect": incorrect})
    return result


# ------------------------------------------------------------------ analogies
@pytest.mark.parametrize("restrict_vocab", [300000, 150])
def test_analogies_equal_question_by_question_reference(tmp_path, restrict_vocab):
    sections = toy_sections()
    kv = analogy_vectors(sections)
    path = tmp_path / "q.txt"
    write_analogies(path, sections)
    score, got = evaluate.evaluate_word_analogies(kv, path, restrict_vocab=restrict_vocab)
    expected = reference_analogies(kv, sections, restrict_vocab)
    assert got[:-1] == expected
    total = got[-1]
    assert total["section"] == "Total accuracy"
    n_correct = sum(len(s["correct"]) for s in expected)
    n_done = n_correct + sum(len(s["incorrect"]) for s in expected)
    assert score == pytest.approx(n_correct / n_done)
    if restrict_vocab == 300000:
        assert 0.2 < score < 1.0, "the toy data should make some, not all, analogies work"


def test_analogy_case_folding_and_unknown_words(tmp_path):
    sections = toy_sections(seed=2)
    kv = analogy_vectors(sections, seed=3)
    # an upper-case twin of a question word, placed after it: it must never be an answer
    kv = KeyedVectors(np.vstack([kv.vectors, 1.01 * kv["x0_0"]]), kv.index_to_key + ["X0_0"])
    questions = sections[0][1] + [("x0_0", "y0_0", "nowhere", "y0_1")]
    sections = [(sections[0][0], questions)] + sections[1:]
    path = tmp_path / "q.txt"
    write_analogies(path, sections)
    for dummy in (False, True):
        _, got = evaluate.evaluate_word_analogies(kv, path, dummy4unknown=dummy)
        assert got[:-1] == reference_analogies(kv, sections, 300000, dummy4unknown=dummy)
        assert (("X0_0", "Y0_0", "NOWHERE", "Y0_1") in got[0]["incorrect"]) == dummy
    _, sensitive = evaluate.evaluate_word_analogies(kv, path, case_insensitive=False)
    assert sensitive[:-1] == reference_analogies(kv, sections, 300000, case_insensitive=False)


def test_analogy_file_rules(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("\n# comment\na b c d\n: first\n")
    with pytest.raises(InputFileError, match="q.txt: line 3: a question before"):
        evaluate.evaluate_word_analogies(KeyedVectors(np.eye(4), list("abcd")), path)
    path.write_text(": first\na b c d\nbad line\n: empty\n: last\nb a d c\n")
    kv = KeyedVectors(np.eye(4, dtype=np.float32), list("abcd"))
    report = evaluate.analogy_report(kv, path)
    sections = [s["section"] for s in report["sections"]]
    assert sections == ["first", "empty", "last", "Total accuracy"]
    assert report["questions"] == 2 and report["oov"] == 0
    path.write_text(": only\nzz yy xx ww\n")
    assert evaluate.analogy_report(kv, path)["oov"] == 1
    path.write_text(": none\n")
    with pytest.raises(ValueError, match="no analogy questions"):
        evaluate.evaluate_word_analogies(kv, path)


def test_tiny_vocabulary_with_fewer_candidates_than_five(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text(": s\na b c d\na b c a\n")
    rows = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    kv = KeyedVectors(rows, list("abcd"))
    score, sections = evaluate.evaluate_word_analogies(kv, path)
    assert sections[:-1] == reference_analogies(kv, [("s", [tuple("abcd"), tuple("abca")])], 300000)
    # the only candidate is d; for the second question the expected answer 'a' is excluded
    assert len(sections[0]["correct"]) == 1 and score == 0.5


def test_summary_splits_semantic_and_syntactic():
    sections = [{"section": "capital", "correct": [1, 2], "incorrect": [3]},
                {"section": "gram1-adjective", "correct": [1], "incorrect": [2, 3, 4]},
                {"section": "gram2-opposite", "correct": [], "incorrect": []},
                {"section": "Total accuracy", "correct": [1, 2, 3], "incorrect": [4, 5, 6, 7]}]
    summary = evaluate.summarize_analogies(sections)
    assert summary["semantic"] == {"section": "semantic", "correct": 2, "total": 3,
                                   "accuracy": 2 / 3}
    assert summary["syntactic"]["correct"] == 1 and summary["syntactic"]["total"] == 4
    assert summary["total"]["accuracy"] == pytest.approx(3 / 7)
    names = [r["section"] for r in summary["sections"]]
    assert names == ["capital", "gram1-adjective", "gram2-opposite"]
    assert summary["sections"][2]["accuracy"] == 0.0


def test_batching_does_not_change_answers(tmp_path, monkeypatch):
    sections = toy_sections(seed=5)
    kv = analogy_vectors(sections, seed=5)
    path = tmp_path / "q.txt"
    write_analogies(path, sections)
    whole = evaluate.evaluate_word_analogies(kv, path)
    monkeypatch.setattr(evaluate, "_SCORE_BUDGET", 1)      # one question per batch
    assert evaluate.evaluate_word_analogies(kv, path) == whole


# ------------------------------------------------------------------ word pairs
def write_pairs(path, rows, header=True):
    with open(path, "w", encoding="utf8") as f:
        if header:
            f.write("# word1\tword2\tscore\n")
        f.writelines(f"{a}\t{b}\t{s}\n" for a, b, s in rows)


def test_word_pairs_against_direct_computation(tmp_path):
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(40)]
    kv = KeyedVectors(rng.standard_normal((40, 6)).astype(np.float32), words)
    rows = [(words[i].upper(), words[j], round(float(rng.uniform(0, 10)), 1))
            for i, j in rng.integers(0, 40, size=(60, 2))]
    rows += [("w1", "unknown", 5.0), ("not a", "line")]
    path = tmp_path / "pairs.tsv"
    write_pairs(path, [r for r in rows if len(r) == 3])
    with open(path, "a") as f:
        f.write("only two\tfields\n")
    (pr, pp), (sr, sp), oov = evaluate.evaluate_word_pairs(kv, path)
    known = rows[:60]
    gold = np.array([s for _, _, s in known])
    model = np.array([kv.similarity(a.lower(), b) for a, b, _ in known])
    assert pr == pytest.approx(np.corrcoef(gold, model)[0, 1], abs=1e-6)
    ranked = np.corrcoef(evaluate.rank_average(gold), evaluate.rank_average(model))[0, 1]
    assert sr == pytest.approx(ranked, abs=1e-6)
    assert oov == pytest.approx(100 / 61)
    assert 0 <= pp <= 1 and 0 <= sp <= 1
    _, _, oov_dummy = evaluate.evaluate_word_pairs(kv, path, dummy4unknown=True)
    assert oov_dummy == pytest.approx(100 / 61)
    with pytest.raises(ValueError, match="no usable word pairs"):
        evaluate.evaluate_word_pairs(kv, path, case_insensitive=False, restrict_vocab=1)


def test_rank_average_gives_ties_the_mean_rank():
    np.testing.assert_array_equal(evaluate.rank_average([10, 20, 10, 30, 20, 20]),
                                  [1.5, 4, 1.5, 6, 4, 4])
    np.testing.assert_array_equal(evaluate.rank_average([3.0]), [1.0])


def test_pvalue_known_values():
    # r = 0 is no evidence at all; |r| = 1 is certain
    assert evaluate.correlation_pvalue(0.0, 30) == pytest.approx(1.0)
    assert evaluate.correlation_pvalue(1.0, 30) == 0.0
    assert math.isnan(evaluate.correlation_pvalue(0.5, 2))
    # t = 2.0 with 10 degrees of freedom: two-sided p = 0.07338803 (t tables)
    r = 2.0 / math.sqrt(2.0 ** 2 + 10)
    assert evaluate.correlation_pvalue(r, 12) == pytest.approx(0.0733880347, rel=1e-7)
    # I_x(1, 1) = x and I_x(a, b) = 1 - I_{1-x}(b, a)
    assert evaluate.regularized_beta(0.3, 1.0, 1.0) == pytest.approx(0.3)
    mirrored = 1 - evaluate.regularized_beta(0.7, 7.0, 2.5)
    assert evaluate.regularized_beta(0.3, 2.5, 7.0) == pytest.approx(mirrored)


@settings(deadline=None, max_examples=40)
@given(st.integers(3, 400), st.floats(-0.999, 0.999))
def test_correlation_pvalues_equal_scipy(n, r):
    stats = pytest.importorskip("scipy.stats")
    expected = 2 * stats.t.sf(abs(r) * math.sqrt((n - 2) / (1 - r * r)), n - 2)
    assert evaluate.correlation_pvalue(r, n) == pytest.approx(expected, rel=1e-8, abs=1e-300)


@settings(deadline=None, max_examples=30)
@given(st.lists(st.integers(0, 6), min_size=4, max_size=40), st.integers(0, 1000))
def test_correlations_equal_scipy_with_ties(values, seed):
    stats = pytest.importorskip("scipy.stats")
    x = np.array(values, dtype=float)
    y = x + np.random.default_rng(seed).integers(0, 4, size=len(x))
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return
    assert_same_correlation(evaluate.spearman_r(x, y), stats.spearmanr(x, y))
    assert_same_correlation(evaluate.pearson_r(x, y), stats.pearsonr(x, y))


def assert_same_correlation(ours, ref):
    (r, p), (ref_r, ref_p) = ours, (ref[0], ref[1])
    assert r == pytest.approx(ref_r, abs=1e-12)
    if abs(ref_r) > 1 - 1e-12:       # r within rounding of 1: both p-values are ~0
        assert p < 1e-12 and ref_p < 1e-12
    else:
        assert p == pytest.approx(ref_p, rel=1e-7, abs=1e-300)


# ------------------------------------------------- one reader, one error rule
@pytest.mark.parametrize("body, problem", [
    (b"\xff\xfe\tb\t1\n", "line 1: not valid UTF-8"),
    (b"# only a comment\n\n", "no "),
    (b"a b c\nno tabs here\n", "no "),
])
def test_evaluation_files_share_one_error_rule(tmp_path, body, problem):
    path = tmp_path / "f.txt"
    path.write_bytes(body)
    for read in (evaluate.read_word_pairs, evaluate.read_analogies):
        with pytest.raises(InputFileError, match=f"f.txt: {problem}"):
            read(path)


def test_both_readers_skip_blank_comment_and_malformed_lines_alike(tmp_path, caplog):
    path = tmp_path / "f.txt"
    path.write_text("# comment\n\n: sec\na b c d\nx\ty\t2.5\ntoo few\n")
    assert evaluate.read_analogies(path) == [("sec", [("a", "b", "c", "d")])]
    assert evaluate.read_word_pairs(path) == [("x", "y", 2.5)]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "line 5, 6" in warnings[0] and "line 3, 4, 6" in warnings[1]


# ------------------------------------------------ NaN is never a perfect score
def _pairs_setup(tmp_path, scores, nan_word=None, n=12):
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(n)]
    vectors = rng.standard_normal((n, 5)).astype(np.float32)
    if nan_word is not None:
        vectors[nan_word] = np.nan
    kv = KeyedVectors(vectors, words)
    rows = [(words[i], words[(i + 1) % n], scores[i]) for i in range(len(scores))]
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{a}\t{b}\t{s}\n" for a, b, s in rows))
    return kv, path


_GOOD = [float(i % 5) + 0.5 * i for i in range(12)]


@pytest.mark.parametrize("case, scores, nan_word, warning", [
    ("one NaN human score", _GOOD[:4] + [float("nan")] + _GOOD[5:], None, "NaN or inf"),
    ("one NaN vector", _GOOD, 2, "NaN or inf"),
    ("constant human scores", [7.0] * 12, None, "all equal"),
    ("too few usable pairs", _GOOD[:2], None, "only 2 usable"),
])
def test_degenerate_word_pairs_give_nan_not_a_perfect_score(tmp_path, caplog, case, scores,
                                                            nan_word, warning):
    kv, path = _pairs_setup(tmp_path, scores, nan_word)
    (pr, pp), (sr, sp), _ = evaluate.evaluate_word_pairs(kv, path)
    assert all(math.isnan(v) for v in (pr, pp, sr, sp)), case
    assert warning in caplog.text


@pytest.mark.parametrize("x, y", [
    ([1.0, 2.0, float("nan"), 4.0], [1.0, 2.0, 3.0, 5.0]),
    ([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 5.0]),
    ([1.0, 2.0, 3.0, 4.0], [float("inf"), 2.0, 3.0, 5.0]),
])
def test_correlations_follow_scipy_on_nan_and_constant_input(x, y):
    stats = pytest.importorskip("scipy.stats")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = stats.pearsonr(x, y), stats.spearmanr(x, y)
    for ours, theirs in zip((evaluate.pearson_r(x, y), evaluate.spearman_r(x, y)), ref):
        assert math.isnan(ours[0]) and math.isnan(ours[1])
        if not np.isinf(y[0]):          # SciPy's pearsonr rejects inf outright
            assert math.isnan(theirs[0]) and math.isnan(theirs[1])


# ------------------------------------------------------- similarity_function
def _cosmul_reference(kv, a, b, c):
    unit = kv.get_normed_vectors().astype(np.float64)
    sims = (1 + unit @ unit[[kv.key_to_index[w] for w in (a, b, c)]].T) / 2
    scores = sims[:, 1] * sims[:, 2] / (sims[:, 0] + 1e-6)
    for w in (a, b, c):
        scores[kv.key_to_index[w]] = -np.inf
    return kv.index_to_key[int(np.argmax(scores))]


def test_similarity_function_cosmul_answers_as_3cosmul(tmp_path):
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(30)]
    kv = KeyedVectors(rng.standard_normal((30, 8)).astype(np.float32), words)
    questions = [tuple(words[j] for j in rng.choice(30, 3, replace=False)) for _ in range(40)]
    answered = [q + (_cosmul_reference(kv, *q),) for q in questions]
    path = tmp_path / "q.txt"
    path.write_text(": s\n" + "".join(" ".join(q) + "\n" for q in answered))
    score, _ = evaluate.evaluate_word_analogies(kv, path, case_insensitive=False,
                                                similarity_function="most_similar_cosmul")
    assert score == 1.0
    add, _ = evaluate.evaluate_word_analogies(kv, path, case_insensitive=False)
    assert add < 1.0                      # the two methods answer differently here
    with pytest.raises(ParameterError, match="similarity_function"):
        evaluate.evaluate_word_analogies(kv, path, similarity_function="cosine")
