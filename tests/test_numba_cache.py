"""numbaw2v._numba_cache: the user cache fallback and the first-run notice."""
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from numbaw2v import _numba_cache as nc

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------- configure
def test_user_cache_dir_follows_xdg_then_home():
    assert nc.user_cache_dir({"XDG_CACHE_HOME": "/x"}) == os.path.join("/x", "numbaw2v", "numba")
    home = os.path.join(os.path.expanduser("~"), ".cache", "numbaw2v", "numba")
    assert nc.user_cache_dir({}) == home


def test_users_own_cache_dir_is_never_overridden():
    env = {"NUMBA_CACHE_DIR": "/mine", "XDG_CACHE_HOME": "/x"}
    assert nc.configure(env, writable=lambda path: False) is None
    assert env["NUMBA_CACHE_DIR"] == "/mine"


def test_writable_in_tree_cache_is_left_alone(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    assert nc.configure(env, in_tree=str(tmp_path / "pc")) is None
    assert "NUMBA_CACHE_DIR" not in env


def test_read_only_tree_falls_back_to_the_user_cache(tmp_path, monkeypatch):
    import numba

    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)  # restored after
    in_tree = str(tmp_path / "site-packages" / "__pycache__")
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    chosen = nc.configure(env, in_tree=in_tree,
                          writable=lambda path: path != in_tree and nc.is_writable_dir(path))
    assert chosen == str(tmp_path / "xdg" / "numbaw2v" / "numba")
    assert env["NUMBA_CACHE_DIR"] == chosen
    assert numba.config.CACHE_DIR == chosen
    assert os.path.isdir(chosen)


def test_is_writable_dir_is_false_under_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert nc.is_writable_dir(str(tmp_path / "d"))
    assert not nc.is_writable_dir(str(blocker / "__pycache__"))


# ----------------------------------------------------------------- announce_compile
class FakeIndex:
    def __init__(self, entries):
        self.entries = entries

    def _load_index(self):
        return self.entries


def fake_dispatcher(name, cached, inline="never"):
    def py_func():
        pass
    py_func.__module__ = "numbaw2v.kernels.fake"
    py_func.__name__ = name
    cache = types.SimpleNamespace(_cache_file=FakeIndex({("sig",): "f.1.nbc"} if cached else {}))
    return types.SimpleNamespace(py_func=py_func, overloads={}, _cache=cache,
                                 targetoptions={"inline": inline})


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(nc, "_announced", False)
    monkeypatch.setitem(nc.COMPILE_SECONDS, "numbaw2v.kernels.fake", 7)


def test_cold_kernels_are_announced_once(fresh):
    said = []
    assert nc.announce_compile([fake_dispatcher("a", cached=False)], said.append) == 7
    assert said == ["compiling numbaw2v kernels (first run only, ~7 s)"]
    assert nc.announce_compile([fake_dispatcher("a", cached=False)], said.append) == 0
    assert len(said) == 1


def test_warm_kernels_are_not_announced(fresh):
    said = []
    assert nc.announce_compile([fake_dispatcher("a", cached=True)], said.append) == 0
    assert said == []


def test_modules_are_scanned_without_inline_helpers(fresh):
    module = types.ModuleType("numbaw2v.kernels.fake")
    module.helper = fake_dispatcher("helper", cached=False, inline="always")
    module.kernel = fake_dispatcher("kernel", cached=True)
    module.np = types.SimpleNamespace()             # not a dispatcher
    said = []
    assert nc.announce_compile([module], said.append) == 0
    module.kernel = fake_dispatcher("kernel", cached=False)
    assert nc.announce_compile([module], said.append) == 7


def test_stale_or_unreadable_index_counts_as_cold():
    class Broken:
        def _load_index(self):
            raise EOFError("truncated")
    disp = fake_dispatcher("a", cached=True)
    disp._cache._cache_file = Broken()
    assert not nc.is_cached(disp)


# ----------------------------------------------------------------- end to end
CHILD = """
import os, sys
sys.path.insert(0, sys.argv[1])
from numbaw2v import _numba_cache as nc
from numbaw2v.kernels import rng
print(os.environ.get("NUMBA_CACHE_DIR"))
print(nc.is_cached(rng.seed_states))
said = []
nc.announce_compile([rng.seed_states], said.append)
print(len(said))
rng.seed_states(1, 3)
"""


def test_read_only_package_caches_in_the_user_dir(tmp_path):
    """A copy of the package whose kernels/__pycache__ cannot be created (a file is in the way,
    which stops root too): kernels compile into $XDG_CACHE_HOME/numbaw2v/numba, and the
    second process finds them there."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "numbaw2v", site / "numbaw2v",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (site / "numbaw2v" / "kernels" / "__pycache__").write_text("not a directory")
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "PYTHONPATH")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    expected = str(tmp_path / "xdg" / "numbaw2v" / "numba")

    def run():
        out = subprocess.run([sys.executable, "-c", CHILD, str(site)], env=env, check=True,
                             capture_output=True, text=True).stdout.split()
        return out

    assert run() == [expected, "False", "1"]          # cold: compiles and says so
    assert list(Path(expected).rglob("rng.seed_states-*.nbi"))
    assert run() == [expected, "True", "0"]           # warm: loads, says nothing


def test_training_kernels_exist_and_missing_names_are_skipped(fresh):
    said = []
    names = nc.TRAINING_KERNELS + ("numbaw2v.kernels.train:no_such_kernel",)
    seconds = nc.announce_training_compile(said.append, names=names)
    assert (seconds > 0) == bool(said)                  # cold or warm, whatever this cache holds
    import importlib
    for name in nc.TRAINING_KERNELS:                    # the names still point at dispatchers
        module, _, func = name.partition(":")
        assert hasattr(getattr(importlib.import_module(module), func), "py_func"), name


def test_every_training_mode_has_its_own_cache_index():
    """One compiled driver per mode, each with its own index file: a warm CBOW cache must not
    make a skip-gram or hs run look warm."""
    from numbaw2v.kernels import train
    paths = {d._cache._cache_file._index_path for d in train.DRIVERS.values()}
    assert len(paths) == len(train.DRIVERS) == 6
    chunks = {f._cache._cache_file._index_path
              for f in (train.chunk_cbow, train.chunk_sg_shared, train.chunk_sg_pairs)}
    assert len(chunks) == 3 and not chunks & paths


@pytest.mark.parametrize("sg, shared, hs, mode", [
    (0, True, False, ("cbow", False)), (1, True, False, ("sg-shared", False)),
    (1, False, False, ("sg-pairs", False)), (0, True, True, ("cbow", True))])
def test_training_notice_checks_the_driver_of_the_mode(fresh, monkeypatch, sg, shared, hs, mode):
    from numbaw2v.kernels import huffman, train
    seen = []
    monkeypatch.setattr(nc, "is_cached", lambda d: seen.append(d) or False)
    said = []
    seconds = nc.announce_training_compile(said.append, sg=sg, shared_negatives=shared, hs=hs)
    assert train.DRIVERS[mode] in seen
    assert [d for d in seen if d in train.DRIVERS.values()] == [train.DRIVERS[mode]]
    assert (huffman.huffman_parents in seen) == hs
    modules = {"numbaw2v.kernels.train", "numbaw2v.kernels.tokenize", "numbaw2v.kernels.alias"}
    modules |= {"numbaw2v.kernels.huffman"} if hs else set()
    assert seconds == sum(nc.COMPILE_SECONDS[m] for m in modules)
    assert said == [f"compiling numbaw2v kernels (first run only, ~{seconds} s)"]
