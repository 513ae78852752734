"""``numbaw2v corpora ...`` driven through argparse with numbaw2v.corpora.cli.register."""
import argparse
import hashlib
import io
import socket
import zipfile

import pytest

from helpers import place_ready
from numbaw2v.corpora import cli, registry
from numbaw2v.corpora.registry import Corpus


def _run(*argv):
    parser = argparse.ArgumentParser(prog="numbaw2v")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["corpora", *argv])
    out = io.StringIO()
    code = args.func(args, out=out)
    return code, out.getvalue()


def _closed_port_url(name):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/{name}"



@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBAW2V_DATA", str(tmp_path))
    return tmp_path


def test_list_shows_every_corpus_and_what_is_cached(cache):
    (cache / "simlex999.txt").write_text("old\tnew\t1.58\n")
    code, out = _run("list")
    assert code == 0
    lines = out.splitlines()
    for name in registry.REGISTRY:
        assert any(line.startswith(name + " ") for line in lines), name
    assert "ptb-train (ptb)" in out and "31.3 MB" in out and "CC BY-SA 3.0" in out
    assert next(row for row in lines if row.startswith("simlex999 ")).split()[4] == "yes"
    assert next(row for row in lines if row.startswith("text8 ")).split()[4] == "no"
    assert lines[-1] == f"cache: {cache}"


def test_path_prints_the_cached_file(cache):
    place_ready(cache, "ptb.valid.txt", " a b \n")
    assert _run("path", "ptb-valid", "--no-fetch") == (0, f"{cache / 'ptb.valid.txt'}\n")


def test_path_no_fetch_missing_is_a_one_line_error(cache, capsys):
    code, out = _run("path", "wikitext-2", "--no-fetch")
    err = capsys.readouterr().err
    assert code == 1 and out == ""
    assert err.startswith("numbaw2v: error: corpus 'wikitext-2' is not in the cache")
    assert "numbaw2v corpora fetch wikitext-2" in err


def test_unknown_name_is_an_error(cache, capsys):
    assert _run("path", "text9", "--no-fetch")[0] == 1
    assert "unknown corpus 'text9'" in capsys.readouterr().err


def test_fetch_prepares_a_hand_placed_archive_offline(cache, monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mini8", " mini corpus words ")
    archive = buf.getvalue()
    monkeypatch.setitem(registry.REGISTRY, "mini8", Corpus(
        name="mini8", kind="text", description="test", licence="test", filename="mini8.zip",
        urls=(_closed_port_url("mini8.zip"),), sha256=hashlib.sha256(archive).hexdigest(),
        ready="mini8", member="mini8"))
    (cache / "mini8.zip").write_bytes(archive)
    code, out = _run("fetch", "mini8", "--quiet")
    assert code == 0 and out == f"{cache / 'mini8'}\n"
    assert (cache / "mini8").read_text() == " mini corpus words "


def test_fetch_offline_prints_where_to_put_the_file(cache, monkeypatch, capsys):
    url = _closed_port_url("off.txt")
    monkeypatch.setitem(registry.REGISTRY, "off", Corpus(
        name="off", kind="text", description="test", licence="test", filename="off.txt",
        urls=(url,), md5="0" * 32))
    code, _ = _run("fetch", "off", "--quiet", "--timeout", "5")
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("numbaw2v: error: cannot download corpus 'off'")
    assert url in err and str(cache / "off.txt") in err and "by hand" in err
    assert list(cache.iterdir()) == []


def test_normalise_missing_input_is_an_error(tmp_path, capsys):
    code, _ = _run("normalise", str(tmp_path / "nope.txt"), str(tmp_path / "out.txt"))
    assert code == 1 and "nope.txt: no such file" in capsys.readouterr().err
    assert not (tmp_path / "out.txt").exists()


def test_subcommand_is_required():
    parser = argparse.ArgumentParser(prog="numbaw2v")
    cli.register(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit):
        parser.parse_args(["corpora"])
