"""The testable pieces of bench/compare.py: statistics, /proc parsing, the run plan, the table."""
import argparse
import statistics
import sys
from pathlib import Path

import pytest

BENCH = str(Path(__file__).resolve().parents[1] / "bench")
# bench/ goes on the path only while its modules are imported: left there, its
# distributed.py would shadow Dask's `distributed` package for every later test
sys.path.insert(0, BENCH)
try:
    import _runner
    import _stats
    import compare
    from _runner import parse_status, proc_status_kb
finally:
    sys.path.remove(BENCH)

STATUS = """Name:\tpython
VmPeak:\t  900000 kB
VmHWM:\t  204800 kB
VmRSS:\t  180000 kB
RssAnon:\t   81920 kB
RssFile:\t   98000 kB
Threads:\t3
"""


# ----------------------------------------------------------------- statistics
def test_median_spread():
    assert _stats.median_spread([3.0, 1.0, 2.0, 10.0]) == (2.5, 1.0, 10.0)
    assert _stats.median_spread([]) == (None, None, None)


def test_mean_sd_is_the_sample_deviation():
    mean, sd = _stats.mean_sd([0.30, 0.32, 0.34])
    assert mean == pytest.approx(0.32)
    assert sd == pytest.approx(statistics.stdev([0.30, 0.32, 0.34]))
    assert sd == pytest.approx(0.02)
    assert _stats.mean_sd([0.5]) == (0.5, None)
    assert _stats.mean_sd([]) == (None, None)


def test_values_of_skips_missing():
    assert _stats.values_of([{"a": 1}, {"a": None}, {}, {"a": 3}], "a") == [1, 3]


def test_paired_ratios_pair_runs_of_the_same_round_and_seed():
    gensim = [{"round": 0, "seed": 1, "t": 10.0}, {"round": 1, "seed": 1, "t": 30.0}]
    ours = [{"round": 1, "seed": 1, "t": 10.0}, {"round": 0, "seed": 1, "t": 5.0},
            {"round": 2, "seed": 1, "t": 1.0}]           # no gensim mate: left out
    assert _stats.paired_ratios(gensim, ours, "t", ("round", "seed")) == [3.0, 2.0]


# ----------------------------------------------------------------- /proc
def test_parse_status_reads_the_kb_fields():
    assert parse_status(STATUS) == {"VmHWM": 204800, "RssAnon": 81920}
    assert parse_status(STATUS, ("RssFile", "Nope")) == {"RssFile": 98000, "Nope": 0}


@pytest.mark.parametrize("text", ["", "VmHWM:\n", "VmHWM:\tlots kB\n", "garbage"])
def test_parse_status_tolerates_damaged_text(text):
    assert parse_status(text) == {"VmHWM": 0, "RssAnon": 0}


def test_proc_status_of_this_process_and_of_no_process():
    mine = proc_status_kb()
    assert mine["VmHWM"] > 0 and 0 < mine["RssAnon"] <= mine["VmHWM"]
    assert proc_status_kb(2 ** 30) == {"VmHWM": 0, "RssAnon": 0}


# ----------------------------------------------------------------- corpus and plan
def test_write_repeated(tmp_path):
    src = tmp_path / "a.txt"
    src.write_bytes(b"one two\nthree\n")
    compare.write_repeated(src, tmp_path / "b.txt", 3, block=4)
    assert (tmp_path / "b.txt").read_bytes() == b"one two\nthree\n" * 3


def plan_args(**over):
    base = {"modes": [0], "corpus_repeat": [1], "rounds": 2, "seeds": 2, "workers": 2,
            "systems": ["numbaw2v", "gensim"], "word2vec_c": None, "fasttext": None,
            "scaling": True}
    return argparse.Namespace(**{**base, **over})


def test_plan_alternates_systems_and_scales_with_the_first_seed_only():
    runs = compare.plan(plan_args())
    order = [(r["round"], r["seed"], r["system"]) for r in runs]
    assert order == [(0, 1, "numbaw2v"), (0, 1, "gensim"), (0, 1, "numbaw2v-1"),
                     (0, 2, "numbaw2v"), (0, 2, "gensim"),
                     (1, 1, "numbaw2v"), (1, 1, "gensim"), (1, 1, "numbaw2v-1"),
                     (1, 2, "numbaw2v"), (1, 2, "gensim")]
    assert {r["workers"] for r in runs if r["system"] == "numbaw2v-1"} == {1}


@pytest.mark.parametrize("argv, message", [
    (["--rounds", "0"], "--rounds must be at least 1"),
    (["--seeds", "0"], "--seeds must be at least 1"),
    (["--corpus-repeat", "1,x"], "--corpus-repeat: expected integers"),
    (["--corpus-repeat", "0"], "--corpus-repeat: factors must be at least 1"),
])
def test_bad_arguments_are_refused(argv, message, tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    with pytest.raises(SystemExit):
        compare.parse_args(["--corpus", str(corpus), *argv])
    assert message in capsys.readouterr().err


# ----------------------------------------------------------------- summary and table
def record(system, rnd, seed, train, analogy, anon, **extra):
    return dict(system=system, sg=0, size=1, round=rnd, seed=seed, failed=False,
                vocab_s=1.0, train_s=train, trained_words=800, vocab_size=50, rss_mb=200.0,
                anon_mb=anon, analogy=analogy, ws353=None, simlex=None, **extra)


def test_summary_medians_spreads_and_means():
    records = [record("numbaw2v", 0, 1, 2.0, 0.40, 90.0), record("gensim", 0, 1, 6.0, 0.38, 80.0),
               record("numbaw2v", 1, 1, 4.0, 0.42, 95.0), record("gensim", 1, 1, 6.0, 0.39, 70.0)]
    ours, gensim = compare.summarize(records, {1: 1000}, epochs=2)
    assert ours["train_s"] == (3.0, 2.0, 4.0)
    assert ours["raw_wps"] == (750.0, 500.0, 1000.0)
    assert ours["train_ratio"] == (2.25, 1.5, 3.0)
    assert ours["anon_mb"] == 95.0 and gensim["anon_mb"] == 80.0   # peaks: the largest run
    assert ours["analogy"][0] == pytest.approx(0.41)
    assert ours["analogy"][1] == pytest.approx(statistics.stdev([0.40, 0.42]))
    table = compare.markdown_table([ours, gensim])
    assert "3.00 (2.00–4.00)" in table and "2.25x (1.50x–3.00x)" in table
    assert "0.410 ± 0.014" in table and "| 95 |" in table


def test_unsupported_system_gets_its_own_row():
    records = [{"system": "numbaw2v", "sg": 1, "size": 1, "round": 0, "seed": 1, "failed": False,
                "unsupported": "numbaw2v: TypeError: no hs"},
               record("gensim", 0, 1, 6.0, 0.38, 80.0)]
    records[1]["sg"] = 1
    rows = compare.summarize(records, {1: 1000}, epochs=1)
    assert rows[0]["unsupported"] == "numbaw2v: TypeError: no hs"
    line = compare.markdown_table(rows).splitlines()[2]
    assert line.startswith("| skip-gram | numbaw2v | not supported | – |")


# ----------------------------------------------------------------- the runner end to end
@pytest.mark.parametrize("system", ["numbaw2v", "gensim"])
def test_runner_trains_each_system_on_a_tiny_corpus(system, tmp_path):
    """One child run as compare.py starts it: train, then write the JSON report."""
    if system == "gensim":
        pytest.importorskip("gensim")
    import json

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the cat sat on the mat and the dog sat on the log\n" * 40)
    result = tmp_path / "result.json"
    _runner.main([system, "--corpus", str(corpus), "--sg", "0", "--workers", "1",
                  "--epochs", "1", "--alpha", "0.05", "--result", str(result)])
    report = json.loads(result.read_text())
    assert report["corpus_words"] == 13 * 40
    assert report["raw_words"] == 13 * 40 and report["vocab_size"] == 8
    assert 0 < report["trained_words"] <= report["raw_words"]
