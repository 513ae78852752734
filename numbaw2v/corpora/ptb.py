"""The Penn Treebank as the book's chapter-4 scripts expect it.

``load_data(data_type)`` returns ``(corpus, word_to_id, id_to_word)``:

- the words of a split are its file's text with every newline replaced by
  ``'<eos>'``, stripped, and split on whitespace (so a line end becomes a token
  of its own, since every PTB line ends with a space);
- the vocabulary always comes from the *train* file, ids in order of first
  appearance; ``word_to_id`` and ``id_to_word`` are plain dicts;
- ``corpus`` is a NumPy integer array of the ids of the requested split.

The files are fetched (and checksum-checked) through :mod:`numbaw2v.corpora`.
The id arrays and the vocabulary are cached beside them (``ptb.<split>.npy``
and ``ptb.vocab.txt``, one word per line in id order -- no pickle), written
atomically and rebuilt whenever the text file is newer than the cache.
"""
import os

import numpy as np

from numbaw2v.fileio import atomic_output

_SPLITS = {"train": "train", "val": "valid", "valid": "valid", "test": "test"}
VOCAB_FILE = "ptb.vocab.txt"


def _split_of(data_type):
    try:
        return _SPLITS[data_type]
    except (KeyError, TypeError):
        raise ValueError(f"data_type must be 'train', 'val' or 'test', got {data_type!r}") from None


def _text_path(split):
    from numbaw2v import corpora
    return corpora.path(f"ptb-{split}")


def read_words(path):
    """The book's word list of a PTB file: newlines as '<eos>', then split."""
    with open(path, encoding="utf-8") as fh:
        return fh.read().replace("\n", "<eos>").strip().split()


def build_vocab(words):
    """``(word_to_id, id_to_word)`` with ids in order of first appearance."""
    word_to_id = {}
    for word in words:
        if word not in word_to_id:
            word_to_id[word] = len(word_to_id)
    id_to_word = {i: w for w, i in word_to_id.items()}
    return word_to_id, id_to_word


def _fresh(cache, source):
    return os.path.exists(cache) and os.path.getmtime(cache) >= os.path.getmtime(source)


def _save_vocab(path, id_to_word):
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for i in range(len(id_to_word)):
                fh.write(id_to_word[i] + "\n")


def _load_vocab(path):
    with open(path, encoding="utf-8") as fh:
        id_to_word = {i: line.rstrip("\n") for i, line in enumerate(fh)}
    return {w: i for i, w in id_to_word.items()}, id_to_word


def _save_ids(path, ids):
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as fh:
            np.save(fh, ids)


def _vocab(train_path):
    cache = os.path.join(os.path.dirname(train_path), VOCAB_FILE)
    if _fresh(cache, train_path):
        return _load_vocab(cache), None
    words = read_words(train_path)
    word_to_id, id_to_word = build_vocab(words)
    _save_vocab(cache, id_to_word)
    return (word_to_id, id_to_word), words


def _encode(words, word_to_id, path):
    try:
        return np.array([word_to_id[w] for w in words])
    except KeyError as exc:
        raise ValueError(f"{path}: word {exc.args[0]!r} is not in the train vocabulary") from None


def load_data(data_type="train"):
    """``(corpus, word_to_id, id_to_word)`` for 'train', 'val' (ptb.valid.txt) or 'test'."""
    split = _split_of(data_type)
    train_path = _text_path("train")
    (word_to_id, id_to_word), train_words = _vocab(train_path)
    text_path = train_path if split == "train" else _text_path(split)
    cache = os.path.join(os.path.dirname(text_path), f"ptb.{split}.npy")
    vocab_cache = os.path.join(os.path.dirname(train_path), VOCAB_FILE)
    if _fresh(cache, text_path) and _fresh(cache, vocab_cache):
        return np.load(cache), word_to_id, id_to_word
    words = train_words if split == "train" and train_words is not None else read_words(text_path)
    corpus = _encode(words, word_to_id, text_path)
    _save_ids(cache, corpus)
    return corpus, word_to_id, id_to_word
