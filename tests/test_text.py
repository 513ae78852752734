"""The compiled tokeniser and the streaming scan against plain-Python twins."""
import numpy as np
from hypothesis import given, settings, strategies as st

from numbaw2v import text
from numbaw2v.text import ByteTypeTable, IdSink, scan_files
from reference import ref_tokenize

PIECES = [b"a", b"b", b"ab", b"the", b"\xc3\xa9", b"\xff", b"x1", b" ", b"  ", b"\n", b"\t",
          b"\r\n", b"\x0b", b"\x0c"]
texts = st.lists(st.sampled_from(PIECES), max_size=300).map(b"".join)


@settings(deadline=None, max_examples=60)
@given(data=texts)
def test_tokenizer_equals_python_split(data):
    table = ByteTypeTable(types=2, arena_bytes=1)      # tiny: every growth path is taken
    ids, lines, pending = table.tokenize(data, 0)
    types, ref_ids, ref_lines = ref_tokenize(data)
    assert table.types() == types
    assert list(ids) == list(ref_ids)
    assert list(lines) + [pending] == ref_lines
    assert list(table.counts[: table.n_types]) == list(np.bincount(ref_ids, minlength=len(types)))


@settings(deadline=None, max_examples=40)
@given(data=texts, block=st.integers(1, 64))
def test_scan_in_small_blocks_equals_whole(tmp_path_factory, data, block):
    path = tmp_path_factory.mktemp("scan") / "c.txt"
    path.write_bytes(data)
    old = text.BLOCK_BYTES
    text.BLOCK_BYTES = block
    try:
        scan = scan_files([str(path)], 1 << 20)
    finally:
        text.BLOCK_BYTES = old
    _, ref_ids, ref_lines = ref_tokenize(data)
    decoded = [t.decode("utf-8", "replace") for t in data.split()]
    assert scan.types == list(dict.fromkeys(decoded))      # first-seen order, after decoding
    assert scan.total_words == len(ref_ids)
    assert list(scan.sentence_lengths) == ref_lines
    # the same tokens in the same order
    assert [scan.types[i] for i in np.asarray(scan.ids)] == decoded


def test_id_sink_spills_past_its_budget():
    sink = IdSink(memory_budget_bytes=40)
    parts = [np.arange(i, i + 7, dtype=np.int32) for i in range(5)]
    for p in parts:
        sink.append(p)
    out = sink.finish()
    assert isinstance(out, np.memmap)
    assert list(out) == list(np.concatenate(parts))
