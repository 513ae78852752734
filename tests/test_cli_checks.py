"""What the command line checks before any work: outputs that are inputs, outputs that cannot be
written, numeric flags out of range, stdin as the corpus, and which errors become one line."""
import os
import subprocess
import sys

import numpy as np
import pytest

from numbaw2v import cli
from numbaw2v.errors import InputFileError
from numbaw2v.vectors import KeyedVectors


class _NoWork:
    """Stands in for Word2Vec / normalise_file: any call means work started."""

    calls = 0

    def __init__(self, *args, **kwargs):
        type(self).calls += 1
        raise AssertionError("work started before the output was checked")


@pytest.fixture
def no_work(monkeypatch):
    _NoWork.calls = 0
    monkeypatch.setattr("numbaw2v.word2vec.Word2Vec", _NoWork)
    monkeypatch.setattr("numbaw2v.corpora.cli.normalise_file", _NoWork)
    return _NoWork


@pytest.fixture
def files(tmp_path):
    """A small corpus (plain and .gz), a vector file, and links to them."""
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the cat sat on the mat\n" * 20)
    gz = tmp_path / "corpus.txt.gz"
    subprocess.run(["gzip", "-k", str(corpus)], check=True)
    kv = KeyedVectors(np.eye(4, dtype=np.float32), ["a", "b", "c", "d"])
    vecs = tmp_path / "v.bin"
    kv.save_word2vec_format(vecs, binary=True)
    os.link(corpus, tmp_path / "hard.txt")
    os.symlink(corpus, tmp_path / "soft.txt")
    os.link(vecs, tmp_path / "hard.bin")
    os.mkdir(tmp_path / "texts")
    (tmp_path / "texts" / "a.txt").write_text("one two three\n")
    return {"dir": tmp_path, "corpus": corpus, "gz": gz, "vecs": vecs}


def one_error_line(capsys, *fragments):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("numbaw2v: error: "), err
    for fragment in fragments:
        assert fragment in err[0], err[0]
    return err[0]


TRAIN = ["--min-count", "1", "--epochs", "1", "--workers", "1", "--no-progress"]

# (command line with {placeholders}, the input that must stay unchanged)
OVERWRITES = [
    (["train", "{corpus}", "-o", "{corpus}", *TRAIN], "corpus"),
    (["train", "{gz}", "-o", "{gz}", *TRAIN], "gz"),
    (["train", "{corpus}", "-o", "{dir}/hard.txt", *TRAIN], "corpus"),       # hard link
    (["train", "{dir}/soft.txt", "-o", "{corpus}", *TRAIN], "corpus"),       # symlink
    (["train", "{dir}/texts/*.txt", "-o", "{dir}/texts/a.txt", *TRAIN], "texts/a.txt"),  # glob
    (["train", "{gz}", "{corpus}", "-o", "{corpus}", *TRAIN], "corpus"),     # second input
    (["demo", "{corpus}", "-o", "{corpus}"], "corpus"),
    (["convert", "{vecs}", "{vecs}"], "vecs"),
    (["convert", "{vecs}", "{dir}/hard.bin"], "vecs"),
    (["plot", "{vecs}", "a", "b", "-o", "{vecs}"], "vecs"),
    (["corpora", "normalise", "{corpus}", "{dir}/hard.txt"], "corpus"),
    (["corpora", "normalise", "{corpus}", "{corpus}"], "corpus"),
]


@pytest.mark.parametrize("argv,kept", OVERWRITES,
                         ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_no_command_writes_over_its_inputs(files, no_work, capsys, argv, kept):
    path = files[kept] if kept in files else files["dir"] / kept
    before = path.read_bytes()
    argv = [a.format(**files) for a in argv]
    assert cli.main(argv) == 1
    one_error_line(capsys, "is also an input", "refusing to write over it")
    assert path.read_bytes() == before and no_work.calls == 0


def test_train_refuses_to_write_over_stdin_when_it_is_that_file(files, no_work, capsys,
                                                                 monkeypatch):
    with open(files["corpus"]) as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        assert cli.main(["train", "-", "-o", str(files["dir"] / "hard.txt"), *TRAIN]) == 1
    one_error_line(capsys, "is also an input (standard input)")


def _unwritable(tmp_path, kind):
    if kind == "directory":
        (tmp_path / "out.bin").mkdir()
        return tmp_path / "out.bin", "is a directory"
    if kind == "missing parent":
        return tmp_path / "nowhere" / "out.bin", "does not exist"
    if kind == "parent is a file":
        (tmp_path / "file").write_text("x")
        return tmp_path / "file" / "out.bin", "is not a directory"
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only directories")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    return ro / "out.bin", "cannot write in"


@pytest.mark.parametrize("kind", ["directory", "missing parent", "parent is a file", "read-only"])
@pytest.mark.parametrize("command", ["train", "convert", "normalise"])
def test_output_is_checked_before_any_work(files, no_work, capsys, tmp_path, kind, command):
    out, problem = _unwritable(tmp_path, kind)
    argv = {"train": ["train", str(files["corpus"]), "-o", str(out), *TRAIN],
            "convert": ["convert", str(files["vecs"]), str(out)],
            "normalise": ["corpora", "normalise", str(files["corpus"]), str(out)]}[command]
    assert cli.main(argv) == 1
    one_error_line(capsys, str(out), problem)
    assert no_work.calls == 0


# (command line, flag, allowed range as the message states it)
BAD_NUMBERS = [
    (["convert", "{vecs}", "{dir}/out.bin", "--limit", "-5"], "--limit", ">= 1"),
    (["convert", "{vecs}", "{dir}/out.bin", "--limit", "0"], "--limit", ">= 1"),
    (["convert", "{vecs}", "{dir}/out.bin", "--limit", "many"], "--limit", ">= 1"),
    (["similar", "{vecs}", "a", "--topn", "0"], "--topn", ">= 1"),
    (["similar", "{vecs}", "a", "--restrict-vocab", "-1"], "--restrict-vocab", ">= 1"),
    (["analogy", "{vecs}", "a", "b", "c", "--topn", "-2"], "--topn", ">= 1"),
    (["eval", "{vecs}", "--restrict-vocab", "0"], "--restrict-vocab", ">= 1"),
    (["demo", "--epochs", "0"], "--epochs", ">= 1"),
    (["demo", "--workers", "0"], "--workers", ">= 1"),
    (["corpora", "fetch", "text8", "--timeout", "-1"], "--timeout", "> 0"),
    (["corpora", "fetch", "text8", "--timeout", "nan"], "--timeout", "> 0"),
    (["corpora", "path", "text8", "--timeout", "0"], "--timeout", "> 0"),
    (["corpora", "path", "text8", "--timeout", "inf"], "--timeout", "> 0"),
]


@pytest.mark.parametrize("argv,flag,allowed", BAD_NUMBERS, ids=lambda v: " ".join(v[-2:])
                         if isinstance(v, list) else None)
def test_numeric_flags_name_the_flag_and_range(files, capsys, argv, flag, allowed):
    with pytest.raises(SystemExit) as stop:
        cli.main([a.format(**files) for a in argv])
    assert stop.value.code == 2
    line = one_error_line(capsys, flag, allowed)
    assert "Traceback" not in line
    assert not (files["dir"] / "out.bin").exists()


def test_convert_negative_limit_writes_nothing(files):
    out = files["dir"] / "out.txt"
    result = subprocess.run([sys.executable, "-m", "numbaw2v", "convert", str(files["vecs"]),
                             str(out), "--limit", "-5"], capture_output=True, text=True,
                            check=False, timeout=300)
    assert result.returncode == 2 and "--limit" in result.stderr and not out.exists()


@pytest.mark.parametrize("bug", [KeyError, ValueError, TypeError])
def test_an_error_that_is_not_the_projects_is_a_bug_not_a_message(files, monkeypatch, bug):
    """Only numbaw2v's errors and file errors become one line; a bare KeyError is not hidden."""
    def broken(path):
        raise bug("internal")
    monkeypatch.setattr(cli, "load_vectors", broken)
    with pytest.raises(bug):
        cli.main(["similar", str(files["vecs"]), "a"])


@pytest.mark.parametrize("error", [InputFileError("x.bin", "damaged", line=3),
                                   FileNotFoundError("x.bin: no such file")])
def test_project_errors_and_file_errors_are_one_line(files, monkeypatch, capsys, error):
    def failing(path):
        raise error
    monkeypatch.setattr(cli, "load_vectors", failing)
    assert cli.main(["similar", str(files["vecs"]), "a"]) == 1
    one_error_line(capsys, "x.bin")


@pytest.mark.parametrize("argv", [["similar", "{vecs}", "a", "zz"],
                                  ["similar", "{vecs}", "a", "--negative", "zz"],
                                  ["analogy", "{vecs}", "a", "zz", "b"]])
def test_unknown_words_are_named(files, capsys, argv):
    assert cli.main([a.format(**files) for a in argv]) == 1
    one_error_line(capsys, "not in the vocabulary", "'zz'")


def test_stdin_corpus_given_twice_or_from_a_terminal(files, no_work, capsys, monkeypatch):
    out = str(files["dir"] / "out.bin")
    assert cli.main(["train", "-", "-", "-o", out, *TRAIN]) == 1
    one_error_line(capsys, "only once")

    class Terminal:
        def isatty(self):
            return True
    monkeypatch.setattr(sys, "stdin", Terminal())
    assert cli.main(["train", "-", "-o", out, *TRAIN]) == 1
    one_error_line(capsys, "terminal", "zcat")
    assert no_work.calls == 0


def test_stdin_corpus_reaches_the_trainer(files, monkeypatch, capsys):
    seen = {}

    class Recorder(_NoWork):
        def __init__(self, corpus_file, **kwargs):
            seen["corpus_file"] = corpus_file
            raise InputFileError("-", "recorded")
    monkeypatch.setattr("numbaw2v.word2vec.Word2Vec", Recorder)
    with open(files["corpus"]) as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        assert cli.main(["train", "-", "-o", str(files["dir"] / "v.bin"), *TRAIN]) == 1
    assert seen["corpus_file"] == ["-"]
    one_error_line(capsys, "recorded")


def test_train_reads_a_piped_corpus(files):
    out = files["dir"] / "piped.bin"
    with open(files["gz"], "rb") as gz:
        zcat = subprocess.Popen(["zcat"], stdin=gz, stdout=subprocess.PIPE)
        result = subprocess.run([sys.executable, "-m", "numbaw2v", "train", "-", "-o", str(out),
                                 *TRAIN], stdin=zcat.stdout, capture_output=True, text=True,
                                check=False, timeout=300)
        zcat.stdout.close()
        zcat.wait()
    assert result.returncode == 0, result.stderr
    assert sorted(KeyedVectors.load_word2vec_format(out).index_to_key) == \
        sorted(["the", "cat", "sat", "on", "mat"])


def test_scheduler_without_dask_is_one_clear_line(tmp_path, monkeypatch, capsys):
    import importlib.util
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else find_spec(name, *a))
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c a b\n" * 20)
    code = cli.main(["train", "--scheduler", "local:1", str(corpus), "-o",
                     str(tmp_path / "v.bin"), "--min-count", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code != 0 and "--scheduler needs Dask: pip install 'numbaw2v[distributed]'" in err
    assert "Traceback" not in err and not (tmp_path / "v.bin").exists()
