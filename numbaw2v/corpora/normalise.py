"""Turn any raw text into text8-style training text, streaming.

The rules, applied to every character:

- accents are folded to ASCII where Unicode can decompose them (NFKD, then the
  combining marks are dropped): "Café" -> "cafe", "ﬁne" -> "fine";
- letters are lower-cased and kept (a-z only);
- each digit is spelled out on its own: "1986" -> "one nine eight six";
- every other character becomes a space, and runs of spaces collapse to one.

Paragraphs: blank (or whitespace-only) lines separate paragraphs; the lines of
one paragraph are joined, and each paragraph becomes one output line.  A line
that holds only punctuation is not blank and does not end a paragraph.  Input
that already has one paragraph per line (no blank lines between them) is
normalised with ``lines=True`` (command line: ``--lines``) to keep its lines.

Input may be plain, .gz, .bz2 or .xz (by extension); it is read in fixed-size
blocks, so neither a huge file nor a huge single line (text8 is one 100 MB line)
is held in memory.  Output is written atomically and compressed when its name
ends in .gz, .bz2 or .xz.
"""
import io
import os
import re
import unicodedata

from numbaw2v.errors import OutputFileError
from numbaw2v.fileio import atomic_output, open_binary, open_compressed

BLOCK = 1 << 20
GIVE_UP = 16 << 20     # bytes without a separator after which a line is cut anyway

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _ascii_table():
    table = {}
    for code in range(128):
        ch = chr(code)
        if "a" <= ch <= "z":
            continue
        if "A" <= ch <= "Z":
            table[code] = ch.lower()
        elif "0" <= ch <= "9":
            table[code] = " " + _DIGIT_WORDS[code - 48] + " "
        else:
            table[code] = " "
    return table


_TABLE = _ascii_table()
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NON_ASCII = re.compile("[^\x00-\x7f]+")


def fold(text):
    """Fold accents and compatibility forms to ASCII; other non-ASCII become spaces."""
    if text.isascii():
        return text
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NON_ASCII.sub(" ", text)


def normalise_words(text):
    """The words of ``text`` after text8-style normalisation (a list of str)."""
    return fold(text).translate(_TABLE).split()


def normalise_text(text):
    """Normalise a whole string: one output line per blank-line-separated paragraph.

    Lines end at '\\n' only (a '\\r' is just whitespace), as in the streaming reader.
    """
    paragraphs, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.extend(normalise_words(line))
        else:
            if current:
                paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "".join(p + "\n" for p in paragraphs)


# ------------------------------------------------------------------ streaming

def _safe_cut(data):
    """Index just after the last ASCII non-letter byte of ``data`` (0 if there is none).

    Cutting there never splits a word, a UTF-8 sequence or a letter from the
    combining mark that follows it.
    """
    for i in range(len(data) - 1, -1, -1):
        b = data[i]
        if b < 0x80 and not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A):
            return i + 1
    return 0


def _utf8_boundary(data):
    """Largest cut <= len(data) that does not split a UTF-8 sequence."""
    i = len(data) - 1
    while i >= 0 and data[i] & 0xC0 == 0x80:       # step back over continuation bytes
        i -= 1
    if i < 0:
        return len(data)                             # nothing but stray continuations
    lead = data[i]
    need = 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    return len(data) if len(data) - i >= need else i


def iter_line_pieces(fh, block=BLOCK, give_up=GIVE_UP):
    """Yield ``(bytes_piece, ends_line)`` from a binary stream, in bounded memory.

    A line shorter than ``block`` comes as one piece; a longer one is cut at
    ASCII non-letter bytes into several pieces, all but the last with
    ``ends_line=False``.  Only a run of ``give_up`` bytes without any such byte
    is cut elsewhere (at a UTF-8 character boundary).  Newlines are not included.
    """
    pending = b""
    while True:
        data = fh.read(block)
        if not data:
            break
        pending += data
        lines = pending.split(b"\n")
        pending = lines.pop()
        for line in lines:
            yield line, True
        if len(pending) >= block:
            cut = _safe_cut(pending)
            if not cut and len(pending) >= give_up:
                cut = _utf8_boundary(pending)
            if cut:
                yield pending[:cut], False
                pending = pending[cut:]
    if pending:
        yield pending, True


def normalise_stream(fin, fout, block=BLOCK, lines=False):
    """Normalise binary stream ``fin`` into text stream ``fout``; return (paragraphs, words).

    With ``lines=True`` every input line is a paragraph of its own (for input
    that already has one paragraph per line); otherwise blank lines separate them.
    """
    paragraphs = words = 0
    open_paragraph = False
    line_has_text = False      # the current input line has a non-space character so far
    for piece, ends_line in iter_line_pieces(fin, block):
        text = piece.decode("utf-8", errors="replace")
        if not line_has_text and text.strip():
            line_has_text = True
        toks = normalise_words(text)
        if toks:
            fout.write((" " if open_paragraph else "") + " ".join(toks))
            words += len(toks)
            open_paragraph = True
        if ends_line:
            if open_paragraph and (lines or not line_has_text):   # paragraph ends here
                fout.write("\n")
                paragraphs += 1
                open_paragraph = False
            line_has_text = False
    if open_paragraph:
        fout.write("\n")
        paragraphs += 1
    return paragraphs, words


def _open_text_out(tmp, final):
    return io.TextIOWrapper(open_compressed(tmp, "wb", name=final), encoding="ascii",
                            newline="\n")


def normalise_file(src, dst, block=BLOCK, lines=False):
    """Normalise file ``src`` into ``dst`` (written atomically); return (paragraphs, words).

    ``src`` may be plain/.gz/.bz2/.xz or ``-`` (standard input); ``dst`` is
    compressed by its extension. Damaged compressed input raises
    ``InputFileError``/``TruncatedFileError`` naming ``src``.
    ``lines=True``: each input line is one paragraph (see :func:`normalise_stream`).
    """
    src, dst = os.fspath(src), os.fspath(dst)
    if os.path.abspath(src) == os.path.abspath(dst) or (
            os.path.exists(src) and os.path.exists(dst) and os.path.samefile(src, dst)):
        raise OutputFileError(f"{dst}: output must differ from the input (it would overwrite it)")
    with open_binary(src) as fin, atomic_output(dst) as tmp:
        with _open_text_out(tmp, dst) as fout:
            return normalise_stream(fin, fout, block, lines)
