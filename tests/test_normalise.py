"""The text8-style normaliser: rules, paragraphs, streaming, compression, atomic output."""
import bz2
import gzip
import io
import itertools
import lzma
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from numbaw2v.corpora import normalise as nz
from numbaw2v.corpora.cli import register, run
from numbaw2v.errors import InputFileError, OutputFileError, TruncatedFileError

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.parametrize("raw, words", [
    ("Hello, World!", "hello world"),
    ("In 1986 it cost $42.50", "in one nine eight six it cost four two five zero"),
    ("Café déjà-vu naïve Ångström", "cafe deja vu naive angstrom"),
    ("ﬁne ﬂow", "fine flow"),                       # ligatures fold (NFKD)
    ("x²", "x two"),                                # superscript digit folds to a digit
    ("東京 tokyo — ok", "tokyo ok"),                 # unfoldable characters become spaces
    ("don't e-mail", "don t e mail"),
    ("tab\tand\x0bvertical", "tab and vertical"),
    ("B2B", "b two b"),
    ("", ""),
])
def test_character_rules(raw, words):
    assert " ".join(nz.normalise_words(raw)) == words


def test_paragraphs_lines_joined_blank_lines_separate():
    raw = ("First line of one\nparagraph.\n"
           "\n"
           "   \t \n"                # whitespace-only line counts as blank
           "Second paragraph;\r\n"   # CRLF
           "-----\n"                 # punctuation-only line does not end a paragraph
           "still second.\n\n\n"
           "Third")                  # no final newline
    assert nz.normalise_text(raw) == ("first line of one paragraph\n"
                                      "second paragraph still second\n"
                                      "third\n")


def test_blank_input_gives_empty_output():
    assert nz.normalise_text("\n\n  \n") == ""
    assert nz.normalise_text("!!! ---\n\n") == ""


def _stream(raw_bytes, block):
    out = io.StringIO()
    counts = nz.normalise_stream(io.BytesIO(raw_bytes), out, block=block)
    return out.getvalue(), counts


_CHARS = st.sampled_from(list("abcXYZ019 .,-é\u0301ßﬁ日\t\r\x85\u2028")
                         + ["\n", "\n\n", "\r\n", " \n"])


@settings(max_examples=50, deadline=None)
@given(st.lists(_CHARS, max_size=200).map("".join), st.integers(1, 16))
def test_streaming_equals_whole_string_for_any_block_size(raw, block):
    """Tiny blocks force long lines to be cut into pieces: the output must not change."""
    expected = nz.normalise_text(raw)
    got, (paragraphs, words) = _stream(raw.encode("utf-8"), block)
    assert got == expected
    assert paragraphs == expected.count("\n")
    assert words == len(expected.split())


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_output_alphabet_and_word_idempotence(raw):
    out = nz.normalise_text(raw)
    assert re.fullmatch(r"([a-z]+( [a-z]+)*\n)*", out)
    again = nz.normalise_text(out)
    assert again.split() == out.split()
    assert again == (" ".join(out.split()) + "\n" if out else "")   # lines join: one paragraph


def test_invalid_utf8_is_replaced_not_fatal():
    got, _ = _stream(b"caf\xe9 ok\n\xff\xfe bad bytes\n", block=4)
    assert got == "caf ok bad bytes\n"


def test_long_single_line_in_small_blocks_keeps_words_whole():
    words = ["w" + "".join(p) for p in itertools.product("abc", repeat=5)]
    raw = (" ".join(words) + "\n").encode()
    got, (paragraphs, count) = _stream(raw, block=7)
    assert got.split() == words and paragraphs == 1 and count == len(words)


@pytest.mark.parametrize("suffix, opener", [("", open), (".gz", gzip.open),
                                            (".bz2", bz2.open), (".xz", lzma.open)])
def test_compressed_input_and_output(tmp_path, suffix, opener):
    src = tmp_path / ("in.txt" + suffix)
    dst = tmp_path / ("out.txt" + suffix)
    with opener(src, "wb") as fh:
        fh.write("Über 9000!\n\nNext.\n".encode())
    assert nz.normalise_file(src, dst) == (2, 6)
    with opener(dst, "rb") as fh:
        assert fh.read() == b"uber nine zero zero zero\nnext\n"


def test_failed_run_leaves_the_old_output_untouched(tmp_path):
    dst = tmp_path / "out.txt"
    dst.write_text("previous\n")
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        nz.normalise_file(tmp_path / "missing.txt", dst)
    assert dst.read_text() == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


@pytest.mark.parametrize("same", ["path", "hard link"])
def test_output_must_differ_from_input(tmp_path, same):
    src = tmp_path / "same.txt"
    src.write_text("x\n")
    dst = src
    if same == "hard link":
        dst = tmp_path / "link.txt"
        os.link(src, dst)
    with pytest.raises(OutputFileError, match="differ"):
        nz.normalise_file(src, dst)
    assert src.read_text() == "x\n"


def test_cli_normalise(tmp_path, capsys):
    import argparse
    src, dst = tmp_path / "raw.txt", tmp_path / "clean.txt.gz"
    src.write_text("One 2 three.\n\nFour!\n")
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    assert run(parser.parse_args(["corpora", "normalise", str(src), str(dst)])) == 0
    assert gzip.open(dst, "rt").read() == "one two three\nfour\n"
    assert "2 paragraphs, 4 words" in capsys.readouterr().err


@pytest.mark.skipif(not (SHARED / "corpora" / "gutenberg-dev.txt.gz").exists(),
                    reason="../shared corpora not available")
def test_shared_corpus_lines_are_already_normalised():
    """Each line of the shared corpus is one normalised paragraph: words unchanged."""
    with gzip.open(SHARED / "corpora" / "gutenberg-dev.txt.gz", "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, 2000):
            assert nz.normalise_words(line) == line.split()


@pytest.mark.parametrize("text", ["ﬁ" * 40, "é" * 33 + "x", "a" * 50, "日本語" * 9])
def test_separator_free_runs_are_cut_only_at_character_boundaries(text):
    data = text.encode("utf-8") + b"\n"
    pieces = list(nz.iter_line_pieces(io.BytesIO(data), block=4, give_up=16))
    assert len(pieces) > 1                                   # the run was cut
    assert all(not ends for _, ends in pieces[:-1]) and pieces[-1][1]
    assert "".join(p.decode("utf-8") for p, _ in pieces) == text   # strict decode: no split


def test_lines_mode_keeps_every_non_empty_line_as_a_paragraph():
    raw = b"One.\nTwo, 3\n\n--\nFour\n"
    out = io.StringIO()
    assert nz.normalise_stream(io.BytesIO(raw), out, block=3, lines=True) == (3, 4)
    assert out.getvalue() == "one\ntwo three\nfour\n"


def _damaged(kind, data):
    if kind == "truncated":
        return data[: len(data) // 2]
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x55
    return bytes(flipped)


@pytest.mark.parametrize("ext, module", [(".gz", gzip), (".bz2", bz2), (".xz", lzma)])
@pytest.mark.parametrize("kind, error", [("truncated", TruncatedFileError),
                                         ("corrupt", InputFileError)])
def test_damaged_compressed_input_names_the_file(tmp_path, ext, module, kind, error):
    src = tmp_path / ("in.txt" + ext)
    text = "".join(f"Line {i} of the text, with words.\n" for i in range(3000)).encode()
    src.write_bytes(_damaged(kind, module.compress(text)))
    with pytest.raises(error, match=re.escape(str(src))):
        nz.normalise_file(src, tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()
    assert os.listdir(tmp_path) == [src.name]        # no temporary file left behind


def test_cli_normalise_damaged_input_is_one_line(tmp_path, capsys):
    src = tmp_path / "in.txt.gz"
    src.write_bytes(gzip.compress(b"some words here\n" * 1000)[:40])
    code, _ = _run_cli(tmp_path, src)
    err = capsys.readouterr().err
    assert code == 1 and str(src) in err and "Traceback" not in err


def _run_cli(tmp_path, src):
    import argparse
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    return run(parser.parse_args(["corpora", "normalise", str(src), str(tmp_path / "o.txt")])), None
