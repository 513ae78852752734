"""The ``numbaw2v`` command, run as a subprocess (``python -m numbaw2v``)."""
import json
import subprocess
import sys

import numpy as np
import pytest
from test_evaluate import analogy_vectors, toy_sections, write_analogies, write_pairs

from numbaw2v import evaluate
from numbaw2v.vectors import KeyedVectors

COMMANDS = ["train", "similar", "analogy", "eval", "convert", "plot"]


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "numbaw2v", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300,
                          check=False)


def assert_one_line_error(result, *fragments, code=None):
    assert result.returncode != 0 if code is None else result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("numbaw2v: error: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    sections = toy_sections(seed=1)
    kv = analogy_vectors(sections, seed=1)
    path = tmp_path_factory.mktemp("cli") / "v.bin"
    kv.save_word2vec_format(path, binary=True)
    return kv, path, sections


def test_help_for_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout
        sub = run(command, "--help")
        assert sub.returncode == 0 and sub.stdout.startswith(f"usage: numbaw2v {command}")
    assert "--vector-size" in run("train", "--help").stdout


def test_similar_and_analogy_print_the_library_answers(vectors):
    kv, path, _ = vectors
    result = run("similar", path, "x0_1", "--topn", "4")
    assert result.returncode == 0, result.stderr
    words = [line.split()[0] for line in result.stdout.splitlines()]
    assert words == [w for w, _ in kv.most_similar("x0_1", topn=4)]
    result = run("similar", path, "x0_1", "y0_2", "--negative", "x0_2", "--topn", "3")
    assert [line.split()[0] for line in result.stdout.splitlines()] == \
        [w for w, _ in kv.most_similar(["x0_1", "y0_2"], ["x0_2"], topn=3)]
    result = run("analogy", path, "x0_1", "y0_1", "x0_2", "--topn", "2")
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == \
        [w for w, _ in kv.most_similar(["y0_1", "x0_2"], ["x0_1"], topn=2)]


def test_errors_are_one_line(vectors, tmp_path):
    _, path, _ = vectors
    assert_one_line_error(run("similar", path, "nosuchword"), "nosuchword", code=1)
    assert_one_line_error(run("analogy", path, "x0_1", "nosuchword", "x0_2"), "nosuchword", code=1)
    assert_one_line_error(run("similar", tmp_path / "absent.bin", "x"), "absent.bin", code=1)
    assert_one_line_error(run("similar", path, "x0_1", "--topn", "zero"), "--topn", code=2)
    assert_one_line_error(run("similar", path, "x0_1", "--topn", "0"), "--topn", code=2)
    assert_one_line_error(run("convert", path, tmp_path / "out.weird"), "out.weird", code=1)
    assert_one_line_error(run(), code=2)
    assert_one_line_error(run("frobnicate"), code=2)


def test_damaged_vector_file_is_a_one_line_error(tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text("3 2\na 1 2\n")
    assert_one_line_error(run("similar", broken, "a"), "broken.txt", "line 3", code=1)


def test_convert_between_formats(vectors, tmp_path):
    kv, path, _ = vectors
    text = tmp_path / "v.txt.gz"
    assert run("convert", path, text).returncode == 0
    native = tmp_path / "v.npz"
    assert run("convert", text, native, "--limit", "25").returncode == 0
    back = KeyedVectors.load(native)
    assert back.index_to_key == kv.index_to_key[:25]
    assert np.array_equal(back.vectors.view(np.uint32), kv.vectors[:25].view(np.uint32))
    again = tmp_path / "again.vec"
    assert run("convert", native, again).returncode == 0
    assert KeyedVectors.load_word2vec_format(again).index_to_key == kv.index_to_key[:25]


def test_eval_json_and_table(vectors, tmp_path):
    kv, path, sections = vectors
    questions = tmp_path / "questions.txt"
    write_analogies(questions, sections)
    pairs = tmp_path / "pairs.tsv"
    words = kv.index_to_key
    write_pairs(pairs, [(words[i], words[i + 1], i % 7) for i in range(0, 60, 2)])
    args = ["eval", path, "--analogies", questions, "--wordsim", pairs, "--simlex", pairs]
    result = run(*args, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    score, _ = evaluate.evaluate_word_analogies(kv, questions)
    assert data["analogies"]["total"]["accuracy"] == pytest.approx(score)
    assert [s["section"] for s in data["analogies"]["sections"]] == [name for name, _ in sections]
    _, (spearman, _), _ = evaluate.evaluate_word_pairs(kv, pairs)
    assert data["wordsim353"]["spearman"] == pytest.approx(spearman)
    table = run(*args)
    assert table.returncode == 0
    for label in ("semantic", "syntactic", "total", "wordsim353", "simlex999", "Spearman",
                  sections[0][0]):
        assert label in table.stdout
    assert f"{100 * score:.2f}%" in table.stdout


def test_plot_writes_png(vectors, tmp_path):
    pytest.importorskip("matplotlib")
    _, path, _ = vectors
    out = tmp_path / "words.png"
    result = run("plot", path, "x0_1", "y0_1", "x0_2", "y0_2", "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert_one_line_error(run("plot", path, "x0_1", "-o", out), "two words")


def test_train_writes_every_output_format(tmp_path):
    rng = np.random.default_rng(0)
    corpus = tmp_path / "corpus.txt"
    vocab = [f"t{i}" for i in range(30)]
    corpus.write_text("\n".join(" ".join(rng.choice(vocab, size=12)) for _ in range(300)) + "\n")
    common = ["--vector-size", "8", "--min-count", "1", "--epochs", "1", "--workers", "1",
              "--no-progress", "--seed", "3"]
    for name in ("v.bin", "v.npz", "model.nw2v"):   # .txt shares the .bin code path (see convert)
        out = tmp_path / name
        result = run("train", corpus, "-o", out, *common)
        assert result.returncode == 0, result.stderr
        check = run("similar", out, "t1", "--topn", "3")
        assert check.returncode == 0 and len(check.stdout.splitlines()) == 3, check.stderr
    a = KeyedVectors.load_word2vec_format(tmp_path / "v.bin")
    b = KeyedVectors.load(tmp_path / "v.npz")
    assert a.index_to_key == b.index_to_key and np.array_equal(a.vectors, b.vectors)
    assert sorted(a.index_to_key) == sorted(vocab) and a.vector_size == 8
    assert_one_line_error(run("train", corpus, "-o", tmp_path / "v.weird", *common), "v.weird")
    assert_one_line_error(run("train", tmp_path / "nothing.txt", "-o", tmp_path / "x.bin", *common),
                          "nothing.txt")
