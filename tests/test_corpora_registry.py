"""The registry's contents, the cache directory rules, resolve() and load()."""
import gzip
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from helpers import place_ready
from numbaw2v import corpora
from numbaw2v.corpora import registry

SHARED = Path(__file__).resolve().parents[2] / "shared"

REQUIRED = ["text8", "ptb-train", "ptb-valid", "ptb-test", "wikitext-2", "wikitext-103",
            "questions-words", "wordsim353", "simlex999"]



@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    root.mkdir()
    monkeypatch.setenv("NUMBAW2V_DATA", str(root))
    return root


# ------------------------------------------------------------------ contents

def test_required_names_and_alias():
    assert sorted(registry.REGISTRY) == sorted(REQUIRED)
    assert registry.get("ptb") is registry.REGISTRY["ptb-train"]
    assert "ptb" in registry.known_names()
    with pytest.raises(ValueError, match="unknown corpus 'nope'.*text8"):
        registry.get("nope")


@pytest.mark.parametrize("name", REQUIRED)
def test_every_entry_is_complete(name):
    entry = registry.REGISTRY[name]
    assert entry.urls and all(u.startswith(("http://", "https://")) for u in entry.urls)
    assert entry.licence and entry.description and entry.checksum_source
    assert (entry.sha256 and re.fullmatch(r"[0-9a-f]{64}", entry.sha256)) or \
           (entry.md5 and re.fullmatch(r"[0-9a-f]{32}", entry.md5))
    assert entry.size is None or entry.size > 0
    assert entry.ready_name and "/" not in entry.ready_name


def test_published_facts():
    text8 = registry.REGISTRY["text8"]
    assert text8.urls[0] == "http://mattmahoney.net/dc/text8.zip"
    assert text8.size == 31_344_016 and text8.member == "text8"
    for split in ("train", "valid", "test"):
        entry = registry.REGISTRY[f"ptb-{split}"]
        assert entry.urls[0] == f"https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.{split}.txt"
        assert entry.eos == "<eos>" and entry.ready_name == f"ptb.{split}.txt"
    assert registry.REGISTRY["wikitext-2"].member == "wikitext-2-raw/wiki.train.raw"
    assert registry.REGISTRY["wikitext-103"].urls[0].endswith("/wikitext-103-raw-v1.zip")


@pytest.mark.skipif(not (SHARED / "eval").is_dir(), reason="../shared/eval not available")
@pytest.mark.parametrize("name", ["questions-words", "wordsim353", "simlex999"])
def test_eval_checksums_match_the_gensim_copies(name):
    entry = registry.REGISTRY[name]
    data = (SHARED / "eval" / entry.filename).read_bytes()
    assert len(data) == entry.size
    assert hashlib.sha256(data).hexdigest() == entry.sha256


# ------------------------------------------------------------------ cache directory

def test_cache_dir_prefers_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBAW2V_DATA", str(tmp_path / "data"))
    assert corpora.cache_dir() == str(tmp_path / "data")


def test_cache_dir_in_a_source_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBAW2V_DATA", raising=False)
    checkout = tmp_path / "checkout"
    (checkout / "corpora").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    monkeypatch.setattr(corpora, "_PACKAGE_PARENT", str(checkout))
    assert corpora.cache_dir() == str(checkout / "corpora" / "cache")


def test_cache_dir_falls_back_to_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBAW2V_DATA", raising=False)
    monkeypatch.setattr(corpora, "_PACKAGE_PARENT", str(tmp_path / "site-packages"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert corpora.cache_dir() == str(tmp_path / "xdg" / "numbaw2v")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert corpora.cache_dir() == str(tmp_path / "home" / ".cache" / "numbaw2v")


# ------------------------------------------------------------------ path / resolve

def test_path_without_fetch_says_how_to_get_it(cache):
    with pytest.raises(FileNotFoundError, match="numbaw2v corpora fetch text8"):
        corpora.path("text8", fetch=False)
    assert not corpora.is_cached("text8")


def test_cached_ready_file_is_used_without_network(cache):
    (cache / "text8").write_text(" anarchism originated as a term \n")
    assert corpora.path("text8", fetch=False) == str(cache / "text8")
    assert corpora.resolve("text8") == [str(cache / "text8")]
    assert corpora.is_cached("text8")


def test_resolve_local_file_glob_and_errors(tmp_path, cache, monkeypatch):
    for name in ("b.txt", "a.txt", "c.gz"):
        (tmp_path / name).write_text("x\n")
    assert corpora.resolve(str(tmp_path / "a.txt")) == [str(tmp_path / "a.txt")]
    assert corpora.resolve(tmp_path / "b.txt") == [str(tmp_path / "b.txt")]
    assert corpora.resolve(str(tmp_path / "*.txt")) == [str(tmp_path / "a.txt"),
                                                        str(tmp_path / "b.txt")]
    with pytest.raises(FileNotFoundError, match=r"\*\.xz.*matches no file"):
        corpora.resolve(str(tmp_path / "*.xz"))
    with pytest.raises(FileNotFoundError, match="no-such.txt.*known corpora: .*text8"):
        corpora.resolve("no-such.txt")
    with pytest.raises(IsADirectoryError):
        corpora.resolve(str(tmp_path))


def test_local_file_wins_over_a_registered_name(tmp_path, cache, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "text8").write_text("local copy\n")
    assert corpora.resolve("text8") == ["text8"]


@pytest.mark.skipif(not (SHARED / "corpora" / "gutenberg-dev.txt.gz").exists(),
                    reason="../shared corpora not available")
def test_resolve_the_shared_corpus():
    target = str(SHARED / "corpora" / "gutenberg-dev.txt.gz")
    assert corpora.resolve(target) == [target]


# ------------------------------------------------------------------ load

def test_load_text_is_a_reiterable_stream(cache):
    (cache / "wikitext-2.train.txt").write_text("a b c\n\nd e\n")
    stream = corpora.load("wikitext-2")
    assert list(stream) == [["a", "b", "c"], ["d", "e"]]
    assert list(stream) == [["a", "b", "c"], ["d", "e"]]      # a second epoch


def test_load_ptb_appends_eos_like_the_book(cache):
    place_ready(cache, "ptb.train.txt", " the cat \n sat \n")
    assert list(corpora.load("ptb")) == [["the", "cat", "<eos>"], ["sat", "<eos>"]]


def test_line_corpus_cuts_long_lines_and_reads_compressed(tmp_path):
    path = tmp_path / "long.txt.gz"
    with gzip.open(path, "wt") as fh:
        fh.write(" ".join(f"w{i}" for i in range(25)) + "\nlast line\n")
    sentences = list(corpora.LineCorpus(path, max_sentence_length=10))
    assert [len(s) for s in sentences] == [10, 10, 5, 2]
    assert sentences[0][0] == "w0" and sentences[2][-1] == "w24"
    with pytest.raises(ValueError, match="max_sentence_length"):
        corpora.LineCorpus(path, max_sentence_length=0)


def test_load_evaluation_sets_are_parsed(cache):
    place_ready(cache, "questions-words.txt", ": capital\nAthens Greece Baghdad Iraq\n"
                                                ": family\nboy girl brother sister\n")
    place_ready(cache, "wordsim353.tsv", "# comment\n# Word 1\tWord 2\tHuman\nlove\tsex\t6.77\n")
    assert corpora.load("questions-words") == [("capital", "Athens", "Greece", "Baghdad", "Iraq"),
                                               ("family", "boy", "girl", "brother", "sister")]
    assert corpora.load("wordsim353") == [("love", "sex", 6.77)]
    place_ready(cache, "simlex999.txt", "old new\n")
    with pytest.raises(ValueError, match=r"simlex999.txt: no "):
        corpora.load("simlex999")


@pytest.mark.skipif(not (SHARED / "eval").is_dir(), reason="../shared/eval not available")
def test_load_real_evaluation_files(cache):
    for name in ("questions-words.txt", "wordsim353.tsv", "simlex999.txt"):
        shutil.copy(SHARED / "eval" / name, cache / name)     # into the temporary cache only
    questions = corpora.load("questions-words")
    assert len(questions) == 19_544 and len({q[0] for q in questions}) == 14
    assert len(corpora.load("wordsim353")) == 353
    assert len(corpora.load("simlex999")) == 999
    assert corpora.path("simlex999", fetch=False) == str(cache / "simlex999.txt")


def test_corpora_readme_agrees_with_the_registry():
    readme = (Path(__file__).resolve().parents[1] / "corpora" / "README.md").read_text()
    for entry in registry.REGISTRY.values():
        assert f"`{entry.name}`" in readme, entry.name
        for digest in (entry.sha256, entry.md5):
            if digest:
                assert digest in readme, (entry.name, digest)
        if entry.size:
            assert f"{entry.size:,}" in readme, (entry.name, entry.size)
        assert entry.ready_name in readme
        assert entry.urls[0].rsplit("/", 1)[0] in readme, entry.urls[0]
