"""``numbaw2v demo``: the embedded sample corpus and the offline fallback to it."""
import lzma
import os
import shutil
import socket
import warnings
from pathlib import Path

import pytest
from test_corpora_cli import _closed_port_url as closed_port_url

from numbaw2v import cli, demo

ROOT = Path(__file__).resolve().parents[1]


def _closed_port_url():
    return closed_port_url("").rstrip("/")


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """An empty corpus cache and every HTTP connection going to a closed local port."""
    monkeypatch.setenv("NUMBAW2V_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("http_proxy", _closed_port_url())
    for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_sample_is_public_domain_text8_style_and_small():
    assert os.path.getsize(demo.SAMPLE) <= 4_000_000
    with lzma.open(demo.SAMPLE, "rb") as fh:
        text = fh.read()
    assert set(text) <= set(b"abcdefghijklmnopqrstuvwxyz \n")
    assert 2_000_000 <= len(text.split()) <= 4_000_000
    readme = (ROOT / "corpora" / "README.md").read_text()
    assert "numbaw2v/data/sample.txt.xz" in readme and "Project Gutenberg" in readme


def test_sample_is_package_data(tmp_path):
    """What a non-editable install gets: setuptools' build_py of pyproject.toml's config."""
    setuptools = pytest.importorskip("setuptools")
    if int(setuptools.__version__.split(".")[0]) < 77:    # pyproject.toml's build requirement
        pytest.skip(f"setuptools {setuptools.__version__} cannot read an SPDX license string")
    from setuptools.config.pyprojecttoml import apply_configuration
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "numbaw2v", src / "numbaw2v",
                    ignore=shutil.ignore_patterns("__pycache__"))
    cwd = os.getcwd()
    os.chdir(src)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dist = setuptools.Distribution()
            dist.script_name = "setup.py"
            apply_configuration(dist, "pyproject.toml")
            dist.get_command_obj("build_py").build_lib = str(tmp_path / "lib")
            dist.run_command("build_py")
    finally:
        os.chdir(cwd)
    built = tmp_path / "lib" / "numbaw2v" / "data" / "sample.txt.xz"
    assert built.read_bytes() == Path(demo.SAMPLE).read_bytes()


def test_probe_says_why_a_server_is_unreachable_and_sees_one_that_answers():
    assert "cannot reach 127.0.0.1" in demo.reachable(_closed_port_url() + "/x", timeout=2)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        assert demo.reachable(f"http://127.0.0.1:{server.getsockname()[1]}/x", timeout=5) is None
    finally:
        server.close()


def test_offline_the_demo_chooses_the_sample(offline):
    files, label, reason, online = demo.choose_corpus(timeout=2)
    assert files == [demo.SAMPLE] and label == demo.SAMPLE_TEXT and online is False
    assert reason.startswith("text8 is not cached and cannot reach 127.0.0.1")


def test_a_cached_text8_is_chosen_without_probing(offline, monkeypatch):
    cache = offline / "cache"
    cache.mkdir()
    (cache / "text8").write_text(" a b c")
    monkeypatch.setattr(demo, "reachable", None)      # calling it would fail
    files, label, reason, _ = demo.choose_corpus()
    assert files == [str(cache / "text8")] and label == "text8" and reason == "it is cached"


def test_a_failed_text8_download_falls_back_to_the_sample(offline, monkeypatch):
    from numbaw2v import corpora
    monkeypatch.setattr(demo, "reachable", lambda url, timeout=0: None)

    def fail(name, **options):
        raise corpora.HTTPStatusError("http://example.invalid/text8.zip", 503, "Unavailable")
    monkeypatch.setattr(corpora, "fetch", fail)
    files, _, reason, _ = demo.choose_corpus()
    assert files == [demo.SAMPLE] and "its download failed" in reason and "503" in reason


def test_demo_command_offline_trains_on_the_sample(offline, monkeypatch, capsys):
    """The whole command, on a small stand-in for the sample so that it runs in seconds."""
    small = offline / "small.txt"
    line = "the king and the queen met a man and a woman in france and in london "
    small.write_text((line * 40 + "\n") * 30)
    monkeypatch.setattr(demo, "SAMPLE", str(small))
    monkeypatch.chdir(offline)
    assert cli.main(["demo", "--epochs", "1", "--workers", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("corpus: the embedded sample (2.5 M words of Project Gutenberg text)"
                             " (text8 is not cached and cannot reach 127.0.0.1")
    assert any(line.strip().startswith("king:") for line in out)
    assert any(line.strip().startswith("king - man + woman = ") for line in out)
    assert out[-1].startswith("analogy accuracy skipped: corpus 'questions-words' is not in")
    assert (offline / "vectors" / "small.bin").is_file()
