"""gensim's progress-log spacing: ``build_vocab(progress_per=)`` and ``train(report_delay=)``."""
import logging

import pytest

from numbaw2v import Word2Vec
from numbaw2v.word2vec import _ScanProgress

SMALL = dict(vector_size=8, window=2, min_count=1, epochs=1, workers=1, seed=7, progress=False)
SENTS = [["a", "b", "c", "a"], ["b", "c", "d"]] * 20


def _lines(caplog, prefix):
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(prefix)]


def test_scan_progress_logs_once_per_multiple_passed(caplog):
    report = _ScanProgress(10)
    with caplog.at_level(logging.INFO, logger="numbaw2v.word2vec"):
        for sentences in (3, 9, 10, 11, 25, 29, 30, 95):      # totals after each block
            report(sentences, 4 * sentences)
    assert _lines(caplog, "vocabulary scan") == [
        "vocabulary scan: 10 sentences, 40 words so far",
        "vocabulary scan: 25 sentences, 100 words so far",
        "vocabulary scan: 30 sentences, 120 words so far",
        "vocabulary scan: 95 sentences, 380 words so far"]


@pytest.mark.parametrize("progress_per,expected", [(1, 1), (40, 1), (41, 0)])
def test_build_vocab_logs_its_progress(caplog, progress_per, expected):
    with caplog.at_level(logging.INFO, logger="numbaw2v.word2vec"):
        Word2Vec(**SMALL).build_vocab(SENTS, progress_per=progress_per)
    assert len(_lines(caplog, "vocabulary scan: 40 sentences, 140 words")) == expected


def test_corpus_file_scan_logs_its_progress(caplog, tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(s) for s in SENTS) + "\n")
    with caplog.at_level(logging.INFO, logger="numbaw2v.word2vec"):
        Word2Vec(**SMALL).build_vocab(corpus_file=str(path), progress_per=5)
    lines = _lines(caplog, "vocabulary scan")
    assert lines and lines[-1].endswith("140 words so far")


@pytest.mark.parametrize("delay,expected", [(1e-9, 3), (1e6, 0)])
def test_train_logs_progress_every_report_delay(caplog, delay, expected):
    model = Word2Vec(**SMALL)
    model.build_vocab(SENTS)
    with caplog.at_level(logging.INFO, logger="numbaw2v.training"):
        model.train(SENTS, total_examples=model.corpus_count, epochs=3, report_delay=delay)
    lines = _lines(caplog, "epoch ")
    assert len(lines) == expected
    if expected:
        assert [line.split(":")[0] for line in lines] == ["epoch 1", "epoch 2", "epoch 3"]
        assert all("100.00% of the corpus" in line for line in lines)
