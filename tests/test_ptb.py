"""The book's PTB loader on small files written into a temporary cache."""
import os

import numpy as np
import pytest

from helpers import place_ready
from numbaw2v.corpora import ptb

# PTB files start every line with a space and end it with " \n", like these.
TRAIN = " the cat sat \n the dog sat on the mat \n a cat <unk> \n"
VALID = " the mat sat \n a dog \n"
TEST = " <unk> the cat \n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBAW2V_DATA", str(tmp_path))
    place_ready(tmp_path, "ptb.train.txt", TRAIN)
    place_ready(tmp_path, "ptb.valid.txt", VALID)
    place_ready(tmp_path, "ptb.test.txt", TEST)
    return tmp_path


def _reference(text, vocab=None):
    """An independent statement of the book's rules, line by line."""
    words = []
    for line in text.split("\n")[:-1]:
        words.extend(line.split())
        words.append("<eos>")
    if vocab is None:
        vocab = {}
        for w in words:
            vocab.setdefault(w, len(vocab))
    return [vocab[w] for w in words], vocab


def test_train_ids_follow_first_appearance_and_lines_end_with_eos(cache):
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    expected, vocab = _reference(TRAIN)
    assert corpus.tolist() == expected
    assert word_to_id == vocab
    assert list(word_to_id) == ["the", "cat", "sat", "<eos>", "dog", "on", "mat", "a", "<unk>"]
    assert id_to_word == {i: w for w, i in vocab.items()}
    assert [id_to_word[i] for i in corpus[:4]] == ["the", "cat", "sat", "<eos>"]
    assert corpus.dtype.kind == "i"
    assert corpus.tolist().count(word_to_id["<eos>"]) == TRAIN.count("\n")


@pytest.mark.parametrize("data_type, text", [("val", VALID), ("valid", VALID), ("test", TEST)])
def test_other_splits_use_the_train_vocabulary(cache, data_type, text):
    corpus, word_to_id, _ = ptb.load_data(data_type)
    _, train_vocab = _reference(TRAIN)
    expected, _ = _reference(text, train_vocab)
    assert word_to_id == train_vocab
    assert corpus.tolist() == expected


def test_unknown_data_type_is_rejected(cache):
    with pytest.raises(ValueError, match="'train', 'val' or 'test'"):
        ptb.load_data("dev")


def test_word_missing_from_train_is_named_with_the_file(cache):
    place_ready(cache, "ptb.test.txt", " zebra \n")
    with pytest.raises(ValueError, match=r"ptb\.test\.txt.*'zebra'"):
        ptb.load_data("test")


def test_newline_replacement_is_literal_like_the_book(cache):
    # without the usual trailing space, the book's replace() glues words to '<eos>'
    place_ready(cache, "ptb.train.txt", "a b\nc\n")
    corpus, word_to_id, _ = ptb.load_data("train")
    assert list(word_to_id) == ["a", "b<eos>c<eos>"]
    assert corpus.tolist() == [0, 1]


def test_results_are_cached_without_pickle_and_refreshed_when_the_text_changes(cache, monkeypatch):
    first = ptb.load_data("val")
    assert (cache / "ptb.valid.npy").exists() and (cache / "ptb.vocab.txt").exists()
    assert (cache / "ptb.vocab.txt").read_text().split("\n")[:4] == ["the", "cat", "sat", "<eos>"]

    def must_not_read(path):
        raise AssertionError(f"re-read {path} although the cache is fresh")

    monkeypatch.setattr(ptb, "read_words", must_not_read)
    again = ptb.load_data("val")
    assert again[0].tolist() == first[0].tolist() and again[1] == first[1]
    monkeypatch.undo()

    # a newer validation file must be re-read
    monkeypatch.setenv("NUMBAW2V_DATA", str(cache))
    place_ready(cache, "ptb.valid.txt", " a a a \n")
    later = os.path.getmtime(cache / "ptb.valid.npy") + 10
    os.utime(cache / "ptb.valid.txt", (later, later))
    corpus, word_to_id, _ = ptb.load_data("val")
    assert corpus.tolist() == [word_to_id["a"]] * 3 + [word_to_id["<eos>"]]
    assert not [p for p in os.listdir(cache) if p.endswith(".part")]


def test_missing_files_offline_raise_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBAW2V_DATA", str(tmp_path))
    from numbaw2v.corpora import registry
    entry = registry.REGISTRY["ptb-train"]
    monkeypatch.setitem(registry.REGISTRY, "ptb-train",
                        type(entry)(**{**entry.__dict__, "urls": ("http://127.0.0.1:9/ptb.train.txt",)}))
    with pytest.raises(ConnectionError, match="ptb.train.txt"):
        ptb.load_data("train")


def test_book_chapter4_style_use(cache):
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    vocab_size = len(word_to_id)
    contexts = np.array([corpus[i - 1:i + 2:2] for i in range(1, len(corpus) - 1)])
    assert vocab_size == 9 and contexts.shape == (len(corpus) - 2, 2)
    assert max(id_to_word) == vocab_size - 1
