"""The real download code against a local HTTP server on 127.0.0.1.

The server (stdlib http.server in a thread) serves small archives made here,
honours Range requests, and has switches to cut a response midway, ignore
Range, or answer 404.  Nothing here talks to any address but 127.0.0.1.
"""
import hashlib
import io
import os
import random
import re
import socket
import tarfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from numbaw2v import corpora
from numbaw2v.corpora import download as dl
from numbaw2v.corpora import registry
from numbaw2v.corpora.download import ChecksumError
from numbaw2v.corpora.registry import Corpus


# --------------------------------------------------------------------- server

class _State:
    def __init__(self):
        self.files = {}          # url path -> bytes
        self.cut_once = {}       # url path -> bytes to send before breaking off (once)
        self.status = {}         # url path -> forced HTTP error status
        self.ignore_range = False
        self.no_length = set()   # url paths answered without Content-Length
        self.requests = []       # (path, Range header or None)
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 -- http.server's naming
        st = self.server.state
        rng = self.headers.get("Range")
        with st.lock:
            st.requests.append((self.path, rng))
            forced = st.status.get(self.path)
            data = st.files.get(self.path)
            cut = st.cut_once.pop(self.path, None)
        if forced is not None:
            self.send_error(forced)
            return
        if data is None:
            self.send_error(404)
            return
        start = 0
        if rng and not st.ignore_range:
            start = int(re.fullmatch(r"bytes=(\d+)-", rng).group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        if self.path not in st.no_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if cut is not None:
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.state = _State()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("NUMBAW2V_DATA", str(root))
    return root


def _closed_port_url(name):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/{name}"


def _text(n_words=3000, seed=0):
    rng = random.Random(seed)
    return " ".join("".join(rng.choice("abcdefghij") for _ in range(rng.randint(1, 8)))
                    for _ in range(n_words)).encode()


def _zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _targz(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _register(monkeypatch, **fields):
    entry = Corpus(**{"kind": "text", "description": "test corpus", "licence": "test", **fields})
    monkeypatch.setitem(registry.REGISTRY, entry.name, entry)
    return entry


def _leftovers(root):
    """Files in the cache, not counting the records of verified ready files."""
    if not os.path.isdir(root):
        return []
    return sorted(n for n in os.listdir(root) if n != corpora.STAMP_DIR)


# --------------------------------------------------------------------- success

def test_zip_is_downloaded_verified_and_member_extracted(server, cache, monkeypatch):
    text = _text()
    archive = _zip({"tiny8": text, "README": b"other member"})
    server.state.files["/tiny8.zip"] = archive
    _register(monkeypatch, name="tiny8", filename="tiny8.zip", ready="tiny8", member="tiny8",
              urls=(server.base + "/tiny8.zip",), size=len(archive), sha256=_sha(archive))

    got = corpora.path("tiny8", progress=False)

    assert got == str(cache / "tiny8")
    assert (cache / "tiny8").read_bytes() == text
    assert (cache / "tiny8.zip").read_bytes() == archive
    assert _leftovers(cache) == ["tiny8", "tiny8.zip"]      # no .part, no temp dirs
    assert corpora.is_cached("tiny8")
    # a second call is served from the cache: no new request
    n = len(server.state.requests)
    assert corpora.path("tiny8") == got
    assert len(server.state.requests) == n


def test_targz_member_is_extracted_and_normalised(server, cache, monkeypatch):
    raw = "The Café, 1986.\nSecond line.\n\nNew  paragraph!\n".encode()
    archive = _targz({"wt/wiki.train.raw": raw, "wt/wiki.test.raw": b"x"})
    server.state.files["/wt.tar.gz"] = archive
    _register(monkeypatch, name="wt", filename="wt.tar.gz", ready="wt.train.txt",
              member="wt/wiki.train.raw", normalise=True, urls=(server.base + "/wt.tar.gz",),
              sha256=_sha(archive))

    got = corpora.path("wt", progress=False)

    assert open(got).read() == ("the cafe one nine eight six second line\n"
                                "new paragraph\n")
    assert _leftovers(cache) == ["wt.tar.gz", "wt.train.txt"]


def test_md5_is_accepted_when_no_sha256_is_published(server, cache, monkeypatch):
    data = b" a b c \n d e \n"
    server.state.files["/p.txt"] = data
    _register(monkeypatch, name="p", filename="p.txt", urls=(server.base + "/p.txt",),
              md5=hashlib.md5(data).hexdigest())
    assert open(corpora.path("p", progress=False), "rb").read() == data


def test_missing_checksum_warns_with_the_computed_sha256(server, cache):
    data = b"unverified bytes"
    server.state.files["/u.bin"] = data
    with pytest.warns(UserWarning, match=_sha(data)):
        dl.download(server.base + "/u.bin", cache / "u.bin", progress=False)
    assert (cache / "u.bin").read_bytes() == data


def test_second_url_is_used_when_the_first_is_missing(server, cache, monkeypatch):
    data = _text(50)
    server.state.files["/mirror/m.txt"] = data
    _register(monkeypatch, name="m", filename="m.txt", sha256=_sha(data),
              urls=(server.base + "/gone/m.txt", server.base + "/mirror/m.txt"))
    assert open(corpora.path("m", progress=False), "rb").read() == data
    assert [p for p, _ in server.state.requests] == ["/gone/m.txt", "/mirror/m.txt"]


# --------------------------------------------------------------------- resume

def test_cut_connection_is_resumed_with_a_range_request(server, cache):
    data = _text(4000)
    server.state.files["/big.txt"] = data
    server.state.cut_once["/big.txt"] = 1000

    dl.download(server.base + "/big.txt", cache / "big.txt", sha256=_sha(data), progress=False)

    assert (cache / "big.txt").read_bytes() == data
    assert server.state.requests == [("/big.txt", None), ("/big.txt", "bytes=1000-")]
    assert _leftovers(cache) == ["big.txt"]


def test_interrupted_download_keeps_only_the_part_file_and_resumes_next_time(server, cache):
    data = _text(4000, seed=1)
    url = server.base + "/big.txt"
    server.state.files["/big.txt"] = data
    server.state.cut_once["/big.txt"] = 1500

    with pytest.raises(ConnectionError, match="big.txt.part"):
        dl.download(url, cache / "big.txt", sha256=_sha(data), retries=0, progress=False)
    assert _leftovers(cache) == ["big.txt.part"]              # never under the final name
    assert (cache / "big.txt.part").read_bytes() == data[:1500]

    dl.download(url, cache / "big.txt", sha256=_sha(data), progress=False)
    assert server.state.requests[-1] == ("/big.txt", "bytes=1500-")
    assert (cache / "big.txt").read_bytes() == data
    assert _leftovers(cache) == ["big.txt"]


def test_cut_without_content_length_is_detected_by_the_known_size(server, cache):
    data = _text(3000, seed=4)
    server.state.files["/n.txt"] = data
    server.state.no_length.add("/n.txt")
    server.state.cut_once["/n.txt"] = 700

    dl.download(server.base + "/n.txt", cache / "n.txt", sha256=_sha(data), size=len(data),
                progress=False)

    assert server.state.requests == [("/n.txt", None), ("/n.txt", "bytes=700-")]
    assert (cache / "n.txt").read_bytes() == data


def test_server_answering_200_to_a_range_request_restarts_from_zero(server, cache):
    data = _text(3000, seed=2)
    server.state.files["/r.txt"] = data
    server.state.ignore_range = True
    (cache).mkdir()
    (cache / "r.txt.part").write_bytes(b"garbage that must not stay in front")

    dl.download(server.base + "/r.txt", cache / "r.txt", sha256=_sha(data), progress=False)

    assert server.state.requests[0][1] == f"bytes={len(b'garbage that must not stay in front')}-"
    assert (cache / "r.txt").read_bytes() == data


def test_complete_part_file_answered_with_416_is_verified_and_used(server, cache):
    data = _text(200, seed=3)
    server.state.files["/c.txt"] = data
    cache.mkdir()
    (cache / "c.txt.part").write_bytes(data)
    dl.download(server.base + "/c.txt", cache / "c.txt", sha256=_sha(data), progress=False)
    assert (cache / "c.txt").read_bytes() == data
    assert _leftovers(cache) == ["c.txt"]


# --------------------------------------------------------------------- failures

def test_checksum_mismatch_leaves_nothing_behind(server, cache, monkeypatch):
    good = _zip({"t": _text(100)})
    bad = _zip({"t": _text(100, seed=9)})
    server.state.files["/t.zip"] = bad
    url = server.base + "/t.zip"
    _register(monkeypatch, name="t", filename="t.zip", ready="t", member="t", urls=(url,),
              sha256=_sha(good))

    with pytest.raises(corpora.ChecksumError) as info:
        corpora.path("t", progress=False)

    message = str(info.value)
    assert url in message and _sha(good) in message and _sha(bad) in message
    assert _leftovers(cache) == []


def test_md5_mismatch_is_reported_with_both_digests(server, cache):
    server.state.files["/x"] = b"served"
    expected = hashlib.md5(b"expected").hexdigest()
    with pytest.raises(ValueError, match=f"md5 mismatch: expected {expected}, got "
                                         f"{hashlib.md5(b'served').hexdigest()}"):
        dl.download(server.base + "/x", cache / "x", md5=expected, progress=False)
    assert _leftovers(cache) == []


def test_404_names_the_url_and_status(server, cache, monkeypatch):
    url = server.base + "/missing.zip"
    _register(monkeypatch, name="gone", filename="missing.zip", urls=(url,), sha256="0" * 64)
    with pytest.raises(corpora.HTTPStatusError) as info:
        corpora.path("gone", progress=False)
    assert info.value.status == 404
    assert url in str(info.value) and "404" in str(info.value)
    assert str(cache / "missing.zip") in str(info.value)          # how to add it by hand
    assert _leftovers(cache) == []


def test_no_network_says_where_to_put_the_file(cache, monkeypatch):
    url = _closed_port_url("text8.zip")
    _register(monkeypatch, name="off8", filename="off8.zip", ready="off8", member="off8",
              urls=(url,), sha256="a" * 64)

    with pytest.raises(ConnectionError) as info:
        corpora.path("off8", timeout=5, progress=False)

    message = str(info.value)
    assert url in message
    assert str(cache / "off8.zip") in message and "by hand" in message
    assert "a" * 64 in message
    assert _leftovers(cache) == []


def test_hand_placed_download_is_verified_and_prepared_offline(cache, monkeypatch):
    archive = _zip({"h8": b"hand placed words"})
    _register(monkeypatch, name="h8", filename="h8.zip", ready="h8", member="h8",
              urls=(_closed_port_url("h8.zip"),), sha256=_sha(archive))
    cache.mkdir()
    (cache / "h8.zip").write_bytes(archive)
    assert open(corpora.path("h8")).read() == "hand placed words"


def test_damaged_hand_placed_file_is_reported_and_kept(cache, monkeypatch):
    _register(monkeypatch, name="h9", filename="h9.zip", ready="h9", member="h9",
              urls=(_closed_port_url("h9.zip"),), sha256="b" * 64)
    cache.mkdir()
    (cache / "h9.zip").write_bytes(b"not the right bytes")
    with pytest.raises(ValueError, match="delete it"):
        corpora.path("h9")
    assert _leftovers(cache) == ["h9.zip"]


def test_archive_without_the_member_leaves_no_ready_file(server, cache, monkeypatch):
    archive = _zip({"other": b"x"})
    server.state.files["/a.zip"] = archive
    _register(monkeypatch, name="a", filename="a.zip", ready="a", member="wanted",
              urls=(server.base + "/a.zip",), sha256=_sha(archive))
    with pytest.raises(KeyError, match="wanted"):
        corpora.path("a", progress=False)
    assert _leftovers(cache) == ["a.zip"]


def test_extract_member_is_atomic_for_tar_and_zip(tmp_path):
    for name, archive in (("x.zip", _zip({"d/m.txt": b"zip member"})),
                          ("x.tar.gz", _targz({"d/m.txt": b"tar member"}))):
        path = tmp_path / name
        path.write_bytes(archive)
        out = tmp_path / (name + ".out")
        dl.extract_member(path, "d/m.txt", out)
        assert out.read_bytes() in (b"zip member", b"tar member")
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".extract-")]


# ---------------------------------------------------------- damaged ready file
def _ready_corpus(server, cache, monkeypatch, derived):
    text = _text(500)
    if derived:
        archive = _zip({"r8": text})
        server.state.files["/r8.zip"] = archive
        entry = _register(monkeypatch, name="r8", filename="r8.zip", ready="r8", member="r8",
                          urls=(server.base + "/r8.zip",), size=len(archive), sha256=_sha(archive))
    else:
        server.state.files["/r8.txt"] = text
        entry = _register(monkeypatch, name="r8", filename="r8.txt",
                          urls=(server.base + "/r8.txt",), size=len(text), sha256=_sha(text))
    return entry, text, corpora.path("r8", progress=False)


def _truncate(path):
    with open(path, "r+b") as fh:
        fh.truncate(os.path.getsize(path) // 2)


def _flip_same_size(path):
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0x01
    open(path, "wb").write(bytes(data))
    os.utime(path, ns=(1, 1))          # a new mtime: the digest is recomputed


def _empty(path):
    open(path, "wb").close()


@pytest.mark.parametrize("derived", [False, True], ids=["download", "extracted"])
@pytest.mark.parametrize("damage", [_truncate, _flip_same_size, _empty])
def test_damaged_ready_file_is_fetched_again(server, cache, monkeypatch, derived, damage):
    entry, text, ready = _ready_corpus(server, cache, monkeypatch, derived)
    damage(ready)
    assert corpora.path("r8", progress=False) == ready
    assert open(ready, "rb").read() == text


@pytest.mark.parametrize("damage", [_truncate, _flip_same_size])
def test_damaged_ready_file_without_fetch_is_reported(server, cache, monkeypatch, damage):
    entry, text, ready = _ready_corpus(server, cache, monkeypatch, derived=True)
    damage(ready)
    with pytest.raises(ChecksumError, match=r"r8.*damaged ready file"):
        corpora.path("r8", fetch=False)


def test_hand_placed_wrong_ready_file_is_reported_and_kept(cache, monkeypatch):
    _register(monkeypatch, name="h7", filename="h7.txt", urls=(_closed_port_url("h7.txt"),),
              sha256="c" * 64)
    cache.mkdir()
    (cache / "h7.txt").write_bytes(b"not the right bytes")
    with pytest.raises(ChecksumError, match="delete it"):
        corpora.path("h7")
    assert _leftovers(cache) == ["h7.txt"]
