"""numbaw2v.fileio: the one compressed-file opener, read errors, stdin, atomic output."""
import bz2
import errno
import gzip
import io
import lzma
import os
import re
import sys

import pytest

from numbaw2v import fileio
from numbaw2v.errors import InputFileError, Numbaw2vError, OutputFileError, TruncatedFileError

MODULES = {".gz": gzip, ".bz2": bz2, ".xz": lzma}
TEXT = b"".join(b"sentence number %d with some words\n" % i for i in range(5000))


def _truncated(data):
    return data[: len(data) // 2]


def _bit_flipped(data):
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x20
    return bytes(flipped)


def _bad_magic(data):
    return b"\x00" * 8 + data[8:]


def _read_all(path):
    with fileio.open_binary(path) as fin:
        return fin.read()


def _read_lines(path):
    with fileio.open_binary(path) as fin:
        return b"".join(fin)


@pytest.mark.parametrize("ext", sorted(MODULES))
@pytest.mark.parametrize("damage, error", [(_truncated, TruncatedFileError),
                                           (_bit_flipped, InputFileError),
                                           (_bad_magic, InputFileError)])
@pytest.mark.parametrize("read", [_read_all, _read_lines])
def test_damaged_compressed_file_raises_the_projects_error_naming_it(tmp_path, ext, damage,
                                                                     error, read):
    path = tmp_path / ("corpus.txt" + ext)
    path.write_bytes(damage(MODULES[ext].compress(TEXT)))
    with pytest.raises(error, match=re.escape(str(path)) + r" \(byte offset \d+\)") as info:
        read(path)
    assert isinstance(info.value, ValueError) and info.value.path == str(path)
    if error is TruncatedFileError:
        assert isinstance(info.value, EOFError)


@pytest.mark.parametrize("ext", ["", *sorted(MODULES)])
def test_whole_files_read_back(tmp_path, ext):
    path = tmp_path / ("corpus.txt" + ext)
    path.write_bytes(MODULES[ext].compress(TEXT) if ext else TEXT)
    assert _read_all(path) == TEXT and _read_lines(path) == TEXT


@pytest.mark.parametrize("ext", sorted(MODULES))
def test_open_compressed_writes_what_open_binary_reads(tmp_path, ext):
    tmp = tmp_path / "tmpname"
    with fileio.open_compressed(tmp, "wb", name="final.txt" + ext) as out:
        out.write(TEXT)
    assert MODULES[ext].decompress(tmp.read_bytes()) == TEXT


def test_dash_is_standard_input_and_stays_open(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a b\nc d\n")))
    with fileio.open_binary("-") as fin:
        assert list(fin) == [b"a b\n", b"c d\n"]
    assert not sys.stdin.closed


def test_dash_reads_a_real_pipe(tmp_path):
    import subprocess
    code = ("import sys; from numbaw2v.fileio import open_binary\n"
            "with open_binary('-') as f: data = f.read()\n"
            "sys.stdout.write(str(len(data)) + ' ' + str(sys.stdin.closed))")
    done = subprocess.run([sys.executable, "-c", code], input=TEXT, capture_output=True,
                          env={**os.environ, "PYTHONPATH": os.getcwd()}, check=True)
    assert done.stdout.decode() == f"{len(TEXT)} False"


@pytest.mark.parametrize("make, error", [
    (lambda p: None, FileNotFoundError),
    (lambda p: p.mkdir(), IsADirectoryError),
])
def test_missing_or_directory_input_names_the_path(tmp_path, make, error):
    path = tmp_path / "input.txt"
    make(path)
    with pytest.raises(error, match="input.txt"):
        fileio.open_binary(path)


# ------------------------------------------------------------------ atomic output
def test_atomic_output_fsyncs_file_and_directory_around_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(("fsync", _kind(fd))),
                                                 real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append(("replace", None)),
                                                     real_replace(a, b))[1])
    with fileio.atomic_output(tmp_path / "out.bin") as tmp:
        open(tmp, "wb").write(b"data")
    assert events == [("fsync", "file"), ("fsync", "dir"), ("replace", None), ("fsync", "dir")]
    assert (tmp_path / "out.bin").read_bytes() == b"data"


def _kind(fd):
    import stat
    return "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"


def test_stale_part_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    target = tmp_path / "v.bin"
    stale = tmp_path / ".v.bin.k1llz9.part"
    stale.write_bytes(b"half of an old save")
    other = tmp_path / ".other.bin.abc.part"          # another file's temp file is left alone
    other.write_bytes(b"x")
    with fileio.atomic_output(target) as tmp:
        open(tmp, "wb").write(b"new")
    assert sorted(os.listdir(tmp_path)) == [other.name, "v.bin"]


@pytest.mark.parametrize("fault", ["rename fails", "fsync fails"])
def test_failed_save_names_the_requested_path_and_leaves_no_temp_file(tmp_path, monkeypatch,
                                                                      fault):
    target = tmp_path / "v.bin"
    target.write_bytes(b"old")

    def refuse(*args):
        if isinstance(args[0], int):               # fsync(fd): no file name, as the OS says it
            raise OSError(errno.ENOSPC, "No space left on device")
        raise OSError(errno.ENOSPC, "No space left on device", args[0])

    monkeypatch.setattr(os, "replace" if fault == "rename fails" else "fsync", refuse)
    with pytest.raises(OutputFileError) as info:
        with fileio.atomic_output(target) as tmp:
            open(tmp, "wb").write(b"new")
    message = str(info.value)
    assert str(target) in message and ".part" not in message and "No space" in message
    assert isinstance(info.value, OSError) and isinstance(info.value, Numbaw2vError)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["v.bin"] and target.read_bytes() == b"old"


def test_output_into_a_file_where_a_directory_is_expected(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputFileError, match=re.escape(str(blocker / "v.bin"))):
        with fileio.atomic_output(blocker / "v.bin"):
            pass


def test_output_over_a_directory_names_it(tmp_path):
    (tmp_path / "v.bin").mkdir()
    with pytest.raises(OutputFileError, match=r"v\.bin: cannot be written \(is a directory\)"):
        with fileio.atomic_output(tmp_path / "v.bin") as tmp:
            open(tmp, "wb").write(b"x")
    assert os.listdir(tmp_path) == ["v.bin"]


def test_interrupt_removes_the_temp_file_and_propagates(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with fileio.atomic_output(tmp_path / "v.bin") as tmp:
            open(tmp, "wb").write(b"x")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_the_projects_file_errors_survive_pickling():
    import pickle

    from numbaw2v.errors import WordDecodeError
    try:
        b"\xff".decode("utf8")
    except UnicodeDecodeError as err:
        decode = WordDecodeError("v.bin", err, offset=7)
    for error in (InputFileError("a.txt", "damaged", line=3), TruncatedFileError("b.gz", "cut"),
                  decode):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error) and back.path == error.path


def test_file_errors_survive_pickling_under_tblib():
    """Dask installs tblib's exception pickling; errors sent back from workers still rebuild."""
    pickling_support = pytest.importorskip("tblib.pickling_support")
    import copyreg
    import pickle

    from numbaw2v.errors import WordDecodeError
    before = dict(copyreg.dispatch_table)
    pickling_support.install()
    try:
        try:
            b"\xff".decode("utf8")
        except UnicodeDecodeError as err:
            decode = WordDecodeError("v.bin", err, offset=7)
        for error in (InputFileError("a.txt", "damaged", line=3), decode):
            back = pickle.loads(pickle.dumps(error))
            assert type(back) is type(error) and str(back) == str(error)
    finally:
        copyreg.dispatch_table.clear()
        copyreg.dispatch_table.update(before)


def test_an_error_about_another_file_inside_the_block_is_not_blamed_on_the_output(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        with fileio.atomic_output(tmp_path / "out.bin"):
            open(tmp_path / "some-input.txt", "rb")
    assert not isinstance(info.value, OutputFileError)
    assert os.listdir(tmp_path) == []
