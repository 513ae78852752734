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
    import epoch
    import hs_node
    import schedule
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


# ----------------------------------------------------------------- the cost model (distributed.py)
def _bench_distributed():
    """bench/distributed.py under another name: as ``distributed`` it would shadow Dask's."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_distributed",
                                                  str(Path(BENCH) / "distributed.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bd = _bench_distributed()
assert BENCH not in sys.path


def test_round_bytes_grow_with_the_round_and_saturate_at_the_model():
    import numpy as np
    V, dim, parts = 300, 10, 3
    p = bd.zipf_probs(V)
    q = p ** 0.75 / np.sum(p ** 0.75)
    sizes = [10, 100, 1000, 10_000, 10 ** 7]
    got = [bd.round_bytes(p, q, n, parts, dim) for n in sizes]
    ups, downs, merged = zip(*got)
    assert all(a < b for a, b in zip(ups, ups[1:]))
    assert all(a < b for a, b in zip(downs, downs[1:]))
    # at most every row of both matrices; a huge round touches all of them
    assert max(merged) <= 2 * V and merged[-1] == pytest.approx(2 * V)
    assert downs[-1] == pytest.approx(2 * V * (4 + 2 * dim + 4))     # id, int16, scale
    assert ups[-1] == pytest.approx(parts * 2 * V * (12 + 2 * dim))   # + the float32 counts
    exact = bd.round_bytes(p, q, sizes[-1], parts, dim, wire="float32")
    assert exact[1] == pytest.approx(2 * V * (4 + 4 * dim))
    # subsampling keeps fewer distinct words in a small round, never more
    keep = np.linspace(0.1, 1.0, V)
    assert bd.round_bytes(p, q, 100, parts, dim, keep=keep)[0] < ups[1]


def test_snapshots_follow_the_driver_rule():
    from numbaw2v.distributed.driver import SNAPSHOT_AFTER
    assert bd._snapshot_after() == SNAPSHOT_AFTER
    # 1 model size of updates per round: at the start, then after every 4 rounds' updates
    assert bd.snapshots(10, 1.0, 1.0, after=4) == 3
    assert bd.snapshots(10, 1.0, 1.0, after=100) == 1


def test_predicted_run_bytes_use_the_schedule_rounds():
    import numpy as np
    counts = np.array([5000, 3000, 1000, 600, 400])
    pred = bd.predict_run_bytes(counts, 3000, 8, 2, 4)
    assert pred["per_epoch"] == 4 and pred["epochs"] == 2              # ceil(10000 / 3000)
    assert pred["words_per_round"] == 2500
    assert pred["total"] == pytest.approx(pred["up"] + pred["down"] + pred["snapshot"])
    assert pred["snapshot"] >= 2 * pred["model_bytes"] / 8             # >= one per run


@pytest.mark.parametrize("round_words,workers", [(100, 2), (1, 3), (3000, 2), (10 ** 6, 4)])
def test_predicted_rounds_are_capped_by_chunks_like_the_driver(round_words, workers):
    """10,000 words: 2 partitions of 5 chunks (1,024 words) each; rounds of 100 words would
    be 100 a epoch, but the driver's schedule trains whole chunks: 5 rounds."""
    import numpy as np
    from numbaw2v.distributed.rounds import Schedule
    from numbaw2v.distributed.shards import split_range
    counts = np.array([5000, 3000, 1000, 600, 400])
    pred = bd.predict_run_bytes(counts, round_words, 10, workers, 4)
    sizes = [b - a for a, b in split_range(10000, workers)]
    assert pred["per_epoch"] == Schedule(sizes, 1, round_words).per_epoch
    if (round_words, workers) == (100, 2):
        assert pred["per_epoch"] == 5 and pred["words_per_round"] == 2000


def test_fit_overhead_recovers_latency_and_bandwidth():
    pts = [(b, 0.1 + b / 1e9) for b in (1e6, 5e7, 2e8)]
    latency, bw = bd.fit_overhead(pts)
    assert latency == pytest.approx(0.1) and bw == pytest.approx(1e9)
    assert bd.fit_overhead([(1e6, 0.5), (2e6, 0.4)])[1] == float("inf")
    assert bd.fit_overhead([(1e6, 0.5)]) == (0.5, float("inf"))


def test_model_vs_measured_table():
    import numpy as np
    counts = (1e6 / np.arange(1, 201)).astype(np.int64)
    n_words = int(counts.sum())
    rows = [{"system": "1 process, 2 thread(s)", "mode": 0, "trained": 4_000_000,
             "train_s": 2.0}]
    for workers, R in ((2, n_words // 4), (4, n_words // 2)):
        pred = bd.predict_run_bytes(counts, R, 10, workers, 8)
        rows.append({"system": f"LocalCluster {workers} x 1 thread", "mode": 0, "R": R,
                     "wire": "int16",
                     "rounds": 10, "trained": 1_000_000, "train_seconds": 1.0,
                     "bytes_per_round": pred["total"],
                     "round_seconds": 1.0 + 10 * (0.2 + pred["total"] / 1e8)})
    text = bd.model_vs_measured(rows, counts, dim=8, cores=2)
    lines = [line for line in text.splitlines() if line.startswith("| CBOW |")]
    assert len(lines) == 4                               # two rows in each of the two tables
    assert lines[0].endswith("| 1.00 |") and lines[1].endswith("| 1.00 |")
    assert "latency 0.200 s and bandwidth 0.80 Gbit/s" in text
    # compute: 100,000 trained words per round over 2 cores at 1,000,000 words/s each
    assert lines[2].split(" | ")[5] == "0.050"
    assert bd.model_vs_measured(rows[:1], counts).startswith("No LocalCluster rows")


def test_smallest_round_bisects_the_share():
    R = bd.smallest_round(lambda R: 2.0 ** 20 / R, 0.1)
    assert R == pytest.approx(10 * 2.0 ** 20, rel=0.01)
    assert bd.smallest_round(lambda R: 1.0, 0.1) is None


def test_model_table_is_one_row_per_configuration():
    table = bd.model_table(1e6, 50, machines_list=(2, 4), vocabs=(2000, 500),
                           exponents=(12, 16))
    rows = [line for line in table.splitlines() if line[:3] in ("| 2", "| 5")]
    assert len(rows) == 2 * 2 * 2
    for line in rows:
        cells = line.split(" | ")
        half, tenth = (float(c.split(" = ")[0][2:]) for c in cells[5:7])
        assert half < tenth              # under 10 % takes a larger round than under 50 %
    full = bd.model_table(1e6, 50, machines_list=(2,), vocabs=(500,), exponents=(12,),
                          full=True, full_exponents=(10, 14))
    assert len([line for line in full.splitlines() if line.startswith("| 500 |")]) == 2 * (1 + 2)


def test_load_rows_joins_files_and_refuses_a_broken_one(tmp_path):
    import json
    (tmp_path / "a.json").write_text(json.dumps([{"a": 1}]))
    (tmp_path / "b.json").write_text(json.dumps([{"b": 2}]))
    (tmp_path / "c.json").write_text("[{\"c\": ")
    assert bd.load_rows([tmp_path / "a.json", tmp_path / "b.json"]) == [{"a": 1}, {"b": 2}]
    with pytest.raises(json.JSONDecodeError):
        bd.load_rows([tmp_path / "c.json"], tries=2, wait=0.01)


def test_epoch_timer_prints_one_time_per_rep(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    words = [f"w{i % 40}" for i in range(3000)]
    corpus.write_text("\n".join(" ".join(words[i:i + 30]) for i in range(0, 3000, 30)))
    assert epoch.main(["--corpus", str(corpus), "--max-words", "2000", "--reps", "3",
                       "--workers", "1"]) == 0
    out = capsys.readouterr().out.strip()
    assert "CBOW, 2,000 words, 1 workers:" in out
    assert len(out.split(":")[-1].split()) == 3 + 3     # three times, "s per epoch"
    with pytest.raises(SystemExit):
        epoch.main(["--corpus", str(corpus), "--reps", "0"])


# ----------------------------------------------------------------- bench/schedule.py
def test_gensim_corpus_file_rates_fall_by_one_thread_share_per_epoch():
    step = (0.05 - 0.0001) / 5
    rates = schedule.gensim_corpus_file_rates(0.05, 0.0001, 5, 2)
    assert len(rates) == 5
    for e, (start, end) in enumerate(rates):
        assert start == pytest.approx(0.05 - step * e)
        assert end == pytest.approx(start - step / 2)
    # one thread: gensim's own schedule, ending at min_alpha
    assert schedule.gensim_corpus_file_rates(0.05, 0.0001, 5, 1)[-1][1] == pytest.approx(1e-4)


def test_schedule_bench_scores_both_schedules(tmp_path, capsys):
    import logging
    corpus = tmp_path / "c.txt"
    words = [f"w{i % 40}" for i in range(3000)]
    corpus.write_text("\n".join(" ".join(words[i:i + 30]) for i in range(0, 3000, 30)))
    level = logging.getLogger("numbaw2v.word2vec").level
    assert schedule.main(["--corpus", str(corpus), "--seeds", "2", "--epochs", "2",
                          "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("seed ") == 4
    assert "| CBOW | own |" in out and "| CBOW | gensim-corpus-file |" in out
    assert logging.getLogger("numbaw2v.word2vec").level == level
    with pytest.raises(SystemExit):
        schedule.main(["--schedules", "own,gensim"])


# ----------------------------------------------------------------- bench/hs_node.py
def test_hs_node_variants_that_claim_the_kernels_numbers_have_them():
    import numpy as np
    tree, W, syn1, words, ctx, _ = hs_node._problem(300, 16, 200)
    got = []
    for variant in (0, 2, 3):            # kernel, scores-first, two-lanes
        s = syn1.copy()
        eA, eB = np.zeros(16, np.float32), np.zeros(16, np.float32)
        hs_node._walk(variant, W, s, tree.codes, tree.points, tree.code_lens, ctx, words, eA,
                      eB, np.zeros(64, np.float32), 0.025)
        got.append((s, eA, eB))
    assert not np.allclose(got[0][0], syn1)
    for s, eA, eB in got[1:]:
        np.testing.assert_allclose(s, got[0][0], rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(eA, got[0][1], rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(eB, got[0][2], rtol=1e-4, atol=1e-6)


def test_hs_node_prints_one_row_per_size(capsys):
    assert hs_node.main(["--vocab", "300", "--words", "100", "--reps", "1",
                         "--dims", "8,16"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 2 and rows[1].startswith("| 8 | 300 |")
