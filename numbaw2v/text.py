"""Streaming tokenisation of training text into provisional word ids.

One pass over the input turns every token into a *provisional id* (ids given
in first-seen order) and records how many tokens each sentence has. No Python
string per token survives a block: tokens live as ``bytes`` only while their
block is being mapped, and the ids go straight into an ``IdSink``.

Three kinds of input are understood:
- files (plain, .gz, .bz2, .xz): whitespace-separated tokens, one sentence per
  line; a line may be arbitrarily long (text8 is one 100 MB line);
- an iterable of token lists (``str``);
- an iterable of integer id arrays (graph walks and the like).

Files are tokenised by a compiled kernel with its own hash table
(``numbaw2v.kernels.tokenize``). For iterables of Python strings the per-token
work is done by C-level builtins (``map`` over ``dict.__getitem__``,
``np.fromiter``). Python-level loops run over blocks, sentences and word
types only, never over tokens.
"""
import contextlib
import itertools
import sys

import numpy as np

from .errors import ParameterError
from .fileio import open_binary
from .idfile import IdFile
from .kernels import tokenize as tok

BLOCK_BYTES = 1 << 22          # 4 MiB of text per block
BATCH_TOKENS = 1 << 20         # tokens per batch for iterable input
MAX_ID = 2 ** 31 - 1           # ids are int32 in the encoded corpus and the kernels
_WHITESPACE = (b" ", b"\n", b"\t", b"\r", b"\x0b", b"\x0c")


class IdSink:
    """An append-only int32 (or ``dtype``) sequence that spills to an ``IdFile`` past a
    memory budget.

    Read it back block by block with ``blocks()`` (optionally releasing each
    in-memory part as it is read), or whole with ``finish()``.
    """

    def __init__(self, memory_budget_bytes, dtype=np.int32):
        self.budget = int(memory_budget_bytes)
        self.dtype = np.dtype(dtype)
        self.parts = []
        self.size = 0
        self.file = None

    @property
    def path(self):
        return None if self.file is None else self.file.path

    def append(self, ids):
        ids = np.ascontiguousarray(ids, dtype=self.dtype)
        self.size += ids.shape[0]
        if self.file is None and self.size * self.dtype.itemsize > self.budget:
            self.spill()
        if self.file is not None:
            self.file.append(ids)
        elif ids.shape[0]:
            self.parts.append(ids)

    def spill(self):
        """Move to the file now (what is in memory, and every later append); idempotent."""
        if self.file is None:
            self.file = IdFile(self.dtype)
            for part in self.parts:
                self.file.append(part)
            self.parts = []

    def blocks(self, block=1 << 20, release=False):
        """Yield the ids in order: the appended arrays, or ``block``-sized slices once spilled.

        With ``release`` each in-memory array is dropped as soon as it is handed
        out, so a consumer can build its output without doubling the memory.
        """
        if self.file is not None:
            yield from self.file.blocks(block)
        elif release:
            while self.parts:
                yield self.parts.pop(0)
        else:
            yield from list(self.parts)

    def finish(self):
        """The whole array: in memory, or a read-only memmap of the spill file."""
        if self.file is not None:
            return self.file.memmap()
        if not self.parts:
            return np.empty(0, dtype=self.dtype)
        out = np.concatenate(self.parts) if len(self.parts) > 1 else self.parts[0]
        self.parts = [out]
        return out

    def close(self):
        """Drop the ids and remove the spill file, if any."""
        self.parts = []
        if self.file is not None:
            self.file.close()
            self.file = None


class Scan:
    """The result of one pass: types in first-seen order, their counts, ids and sentence lengths.

    ``sink`` holds the provisional id of every token. When two byte strings
    decode to the same word, ``merge`` maps their provisional ids to one
    index of ``types`` (None when no merge was needed).
    """

    def __init__(self, types, counts, sink, sentence_lengths, undecodable=0, merge=None):
        self.types = types                        # list of keys (str or int)
        self.counts = counts                      # int64[len(types)]
        self.sink = sink                          # IdSink of provisional ids
        # int64[n_sentences], or an int64 IdSink (spilled to a file past the memory budget)
        self._lengths = sentence_lengths
        self.undecodable = undecodable            # token occurrences with invalid UTF-8
        self.merge = merge

    @property
    def sentence_lengths(self):
        """Tokens per sentence: an int64 array, or a read-only memmap once spilled to disk."""
        if isinstance(self._lengths, IdSink):
            return self._lengths.finish()
        return self._lengths

    @property
    def total_words(self):
        return int(self.sink.size)

    @property
    def ids(self):
        """Every token as an index of ``types`` (materialised: for tests and small inputs)."""
        ids = self.sink.finish()
        return self.merge[ids] if self.merge is not None else ids

    def compose(self, mapping):
        """A mapping of provisional ids, given one of ``types`` indices."""
        return mapping[self.merge] if self.merge is not None else mapping

    def close(self):
        """Drop the ids and remove the spill files. ``sentence_lengths`` stays readable: a
        spilled one through its memory map, which outlives the removed file (POSIX)."""
        self.sink.close()
        if isinstance(self._lengths, IdSink):
            kept = self._lengths.finish()
            self._lengths.close()
            self._lengths = kept


class _TypeTable:
    """Maps tokens to provisional ids, assigning new ids in first-seen order."""

    def __init__(self):
        self.index = {}

    def map_tokens(self, tokens):
        index = self.index
        new = [t for t in dict.fromkeys(tokens) if t not in index]  # loop over types of the batch
        odd = next((t for t in new if not isinstance(t, str)), None)
        if odd is not None:
            raise ParameterError(
                f"sentences: token {odd!r} is {type(odd).__name__}, tokens must be str "
                "(1, 1.0 and True would otherwise be one word); or give every sentence as "
                "an array of integer ids")
        if new:
            index.update(zip(new, range(len(index), len(index) + len(new))))
        return np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens))

    def types(self):
        return list(self.index)


class ByteTypeTable:
    """Maps whitespace-separated tokens of raw bytes to type ids, in compiled code.

    Wraps the hash-table arrays of ``numbaw2v.kernels.tokenize`` and grows them
    when the kernel asks.
    """

    def __init__(self, types=1 << 16, arena_bytes=1 << 20):
        self.slots = np.full(2 * types, -1, dtype=np.int32)
        self.hashes = np.zeros(types, dtype=np.uint64)
        self.offsets = np.zeros(types + 1, dtype=np.int64)
        self.counts = np.zeros(types, dtype=np.int64)
        self.arena = np.zeros(arena_bytes, dtype=np.uint8)
        self.state = np.zeros(2, dtype=np.int64)

    @property
    def n_types(self):
        return int(self.state[0])

    def _grow(self, status):
        if status == tok.GROW_TYPES:
            n = self.hashes.shape[0] * 2
            self.hashes = _resized(self.hashes, n)
            self.offsets = _resized(self.offsets, n + 1)
            self.counts = _resized(self.counts, n)
        elif status == tok.GROW_ARENA:
            self.arena = _resized(self.arena, self.arena.shape[0] * 2)
        elif status == tok.GROW_SLOTS:
            self.slots = np.full(self.slots.shape[0] * 2, -1, dtype=np.int32)
            tok.rehash(self.slots, self.hashes, self.n_types)

    def tokenize(self, body, pending):
        """Type ids of the tokens in ``body`` (bytes ending at whitespace or end of input).

        Returns (ids, lengths of lines completed in body, token count of the open line).
        """
        buf = np.frombuffer(body, dtype=np.uint8)
        ids = np.empty(buf.shape[0] // 2 + 1, dtype=np.int32)
        lines = np.empty(body.count(b"\n") + 1, dtype=np.int64)
        pos = n_ids = n_lines = 0
        while True:
            status, pos, n_ids, n_lines, pending = tok.tokenize(
                buf, pos, self.slots, self.hashes, self.offsets, self.counts, self.arena,
                self.state, ids, n_ids, lines, n_lines, pending)
            if status == tok.OK:
                return ids[:n_ids], lines[:n_lines], pending
            self._grow(status)

    def types(self):
        """The bytes of every type, in id order."""
        arena, off = self.arena, self.offsets
        return [arena[off[i]:off[i + 1]].tobytes() for i in range(self.n_types)]


def _resized(arr, n):
    out = np.zeros(n, dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out


def _last_whitespace(buf):
    return max(buf.rfind(w) for w in _WHITESPACE)


def whitespace_pieces(blocks):
    """Regroup byte ``blocks`` into pieces that each end at whitespace (the last at the end),
    so that no word is cut in two."""
    carry = b""
    for data in blocks:
        buf = carry + data if carry else data
        cut = _last_whitespace(buf)
        if cut < 0:
            carry = buf
            continue
        carry = buf[cut + 1:]
        yield buf[: cut + 1]
    if carry:
        yield carry


def _file_pieces(path):
    """Yield pieces of a file's bytes, each ending at whitespace (the last at end of file)."""
    with _open_input(path) as f:
        yield from whitespace_pieces(iter(lambda: f.read(BLOCK_BYTES), b""))


def _open_input(path):
    """A binary stream of a corpus file; "-" is standard input (left open afterwards)."""
    if path == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    return open_binary(path)


def _decode_types(raw_types, counts):
    """Decode byte types as UTF-8 with replacement; merge types that decode alike.

    Returns (keys, merged_counts, remap or None, undecodable occurrences).
    """
    keys = []
    bad = 0
    for i, t in enumerate(raw_types):
        try:
            keys.append(t.decode("utf-8"))
        except UnicodeDecodeError:
            keys.append(t.decode("utf-8", errors="replace"))
            bad += int(counts[i])
    if len(set(keys)) == len(keys):
        return keys, counts, None, bad
    first = {}
    remap = np.empty(len(keys), dtype=np.int32)
    for i, k in enumerate(keys):
        remap[i] = first.setdefault(k, len(first))
    merged = np.bincount(remap, weights=counts, minlength=len(first)).astype(np.int64)
    return list(first), merged, remap, bad


def scan_files(paths, memory_budget_bytes, progress=None):
    """One pass over text files -> Scan (keys are str; each line is a sentence)."""
    return scan_sources((_file_pieces(path) for path in paths), memory_budget_bytes, progress)


def scan_sources(sources, memory_budget_bytes, progress=None):
    """One pass over ``sources`` -> Scan (keys are str; each line is a sentence).

    Each source is an iterable of byte blocks that each end at whitespace (the
    last at the source's end), as ``whitespace_pieces`` makes them; a source
    ends its last sentence. The ids spill to a temporary file past
    ``memory_budget_bytes``, and the sentence lengths follow them there; the
    files are removed if the scan fails or is interrupted. ``progress(sentences,
    words)``, if given, is called after every block with the totals so far.
    """
    table = ByteTypeTable()
    sink = IdSink(memory_budget_bytes)
    lengths = IdSink(memory_budget_bytes, dtype=np.int64)
    with _removed_on_error(sink, lengths):
        for source in sources:
            pending = 0
            for piece in source:
                ids, done, pending = table.tokenize(piece, pending)
                sink.append(ids)
                if sink.file is not None:       # the corpus goes to disk: its lengths too
                    lengths.spill()
                lengths.append(done)
                if progress is not None:
                    progress(lengths.size, sink.size)
            lengths.append(np.array([pending], dtype=np.int64))  # a source's last line ends
    counts = table.counts[: table.n_types].copy()
    keys, counts, merge, bad = _decode_types(table.types(), counts)
    return Scan(keys, counts, sink, lengths, bad, merge)


@contextlib.contextmanager
def _removed_on_error(*sinks):
    """Close the ``sinks`` (removing their spill files) if the block fails or is interrupted."""
    try:
        yield sinks
    except BaseException:
        for sink in sinks:
            sink.close()
        raise


def scan_iterable(sentences, memory_budget_bytes, vocab_size=None, progress=None):
    """One pass over an iterable of token lists or integer id arrays -> Scan.

    ``progress(sentences, words)``, if given, is called after every batch of
    sentences with the totals so far.
    """
    sink = IdSink(memory_budget_bytes)
    lengths = IdSink(memory_budget_bytes, dtype=np.int64)
    with _removed_on_error(sink, lengths):
        return _scan_iterable(sentences, sink, lengths, vocab_size, progress)


def _scan_iterable(sentences, sink, length_sink, vocab_size, progress=None):
    lengths = []
    table = None
    int_mode = None
    batch, batch_tokens = [], 0
    max_id = -1

    def flush():
        flush_ids()
        if sink.file is not None:               # the corpus went to disk: its lengths too
            length_sink.spill()
        length_sink.append(np.asarray(lengths, dtype=np.int64))
        lengths.clear()
        if progress is not None:
            progress(length_sink.size, sink.size)

    def flush_ids():
        nonlocal max_id
        if not batch:
            return
        if int_mode:
            arr = np.concatenate(batch)
            if arr.size:
                max_id = max(max_id, int(arr.max()))
                if int(arr.min()) < 0:
                    raise ParameterError("sentences: integer ids must be >= 0, got "
                                         f"{int(arr.min())}")
                if max_id > MAX_ID:
                    raise ParameterError(f"sentences: integer ids must be <= {MAX_ID} "
                                         f"(2**31 - 1), got {max_id}")
                if vocab_size is not None and max_id >= vocab_size:
                    raise ParameterError(f"sentences: id {max_id} is not below "
                                         f"vocab_size={vocab_size}")
            sink.append(arr.astype(np.int32))
        else:
            tokens = list(itertools.chain.from_iterable(batch))
            if tokens:
                sink.append(table.map_tokens(tokens))
        batch.clear()

    for n, sentence in enumerate(sentences):
        if isinstance(sentence, (str, bytes)):
            raise ValueError(
                f"sentences[{n}] is a string: sentences must be lists of tokens "
                "(split your text, or pass corpus_file=...)")
        if int_mode is None and len(sentence):
            int_mode = _is_int_sequence(sentence)
            if not int_mode:
                table = _TypeTable()
        if int_mode:
            arr = np.asarray(sentence)
            if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
                raise ParameterError(f"sentences[{n}]: expected a 1-D array of integer ids, "
                                     f"got {arr.dtype} of shape {arr.shape}")
            batch.append(arr)
        else:
            if len(sentence) and not isinstance(sentence[0], str):
                raise ParameterError(
                    f"sentences[{n}] holds {type(sentence[0]).__name__}, expected str tokens")
            batch.append(sentence)
        lengths.append(len(sentence))
        batch_tokens += len(sentence)
        if batch_tokens >= BATCH_TOKENS:
            flush()
            batch_tokens = 0
    flush()
    if int_mode:
        n_types = vocab_size if vocab_size is not None else max_id + 1
        keys = list(range(n_types))
    else:
        keys = table.types() if table is not None else []
    counts = np.zeros(len(keys), dtype=np.int64)
    for block in sink.blocks():
        counts += np.bincount(block, minlength=len(keys))
    return Scan(keys, counts, sink, length_sink)


def _is_int_sequence(sentence):
    first = sentence[0]
    return isinstance(first, (int, np.integer)) and not isinstance(first, bool)
