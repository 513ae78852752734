"""numbaw2v against gensim (and optionally the C word2vec / fastText binaries), side by side.

The benchmark protocol of DESIGN.md in one run: the same corpus, settings and
machine for every system, CBOW and/or skip-gram, the systems alternating
(for each mode: numbaw2v, gensim, then the binaries; rounds and seeds interleaved).

    python bench/compare.py                                  # full protocol, both modes
    python bench/compare.py --max-words 300000 --epochs 1 --scaling   # a quick look
    python bench/compare.py --out bench/RESULTS.md           # append the table there
    python bench/compare.py --rounds 3 --seeds 3             # medians + spread, mean ± sd
    python bench/compare.py --sg 0 --epochs 1 --corpus-repeat 1,5    # memory: 20 M vs 100 M words
    python bench/compare.py --hs                             # hierarchical softmax (issue 10)

Options beyond the corpus, modes, systems and workers:
- ``--rounds N``: the systems alternate N times (per mode: numbaw2v, gensim,
  numbaw2v, gensim, ...). Timings are reported as the median and, in
  brackets, the spread (min–max) over the rounds: training time, words/s and
  the speed ratio to gensim (each round's ratio is taken against the gensim
  run of the same round and seed).
- ``--seeds N``: every round is run with seeds 1..N (1 is the protocol's
  seed). Quality (analogy, WordSim-353, SimLex-999) is reported as the mean ±
  standard deviation over all the runs of a system (rounds x seeds). With
  ``--scaling`` the 1-worker runs use the first seed only.
- ``--corpus-repeat LIST``: comma-separated factors (default 1). For each
  factor k the (cut) corpus is written k times over into a temporary file and
  every system trains on it, one table row per size: private memory that
  stays flat from k=1 to k=5 grows with the vocabulary, not the corpus.
- ``--hs``: hierarchical softmax for every system (``hs=1, negative=0``). A
  system that refuses these settings gets a "not supported" row (the error is
  kept in the notes), so the harness is ready before numbaw2v has ``hs``.

How it measures:
- the corpus is decompressed (and cut to --max-words) once into a temporary
  plain text file that every system reads, so no timing includes decompression;
- every training run is a child process of its own (bench/_runner.py for the
  Python systems), so memory is per system and no JIT state is shared;
  numbaw2v is warmed up in this process first with a tiny training, so its
  children load compiled kernels from Numba's on-disk cache instead of
  compiling them;
- vocabulary and training times are taken around the library calls inside
  the child; the binaries are timed as whole processes (vocabulary included);
- memory, read from /proc/PID/status of the child every 10 ms while it runs
  (and by the child itself at its end): peak RSS is VmHWM, the high-water mark
  the kernel keeps, which counts shared file-backed pages such as Numba's
  LLVM library; peak private is the largest RssAnon sample (anonymous memory
  only: arrays, heaps, stacks). RssAnon has no kernel-kept peak, so a spike
  shorter than the sampling interval can be missed. The largest value over
  a system's runs is reported for both;
- quality: every system's vectors are saved and scored by the same evaluator
  (numbaw2v's KeyedVectors): Google analogies over the 30,000 most frequent
  words, Spearman on WordSim-353 and SimLex-999.

Temporary files (the prepared and repeated corpora, logs, vectors unless
--keep-vectors) live in one temporary directory, removed on every exit path
(SIGTERM included; a running child is killed first).
"""
import argparse
import contextlib
import datetime
import importlib.metadata
import importlib.util
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _cleanup import sigterm_raises
from _runner import PROTOCOL, SEED, Unsupported, numbaw2v_model, proc_status_kb, settings
from _stats import mean_sd, median_spread, paired_ratios, values_of

ROOT = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).resolve().parent / "_runner.py"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "gutenberg-dev.txt.gz"
EVAL_DIR = ROOT.parent / "shared" / "eval"
ANALOGY_VOCAB = 30000
WARMUP_WORDS = 500
POLL_SECONDS = 0.01
MODES = {0: "CBOW", 1: "skip-gram"}
ALPHA = {0: 0.05, 1: 0.025}
PYTHON_SYSTEMS = ("numbaw2v", "gensim", "gensim-stream")
LABELS = {"numbaw2v": "numbaw2v", "numbaw2v-1": "numbaw2v, 1 worker",
          "gensim": "gensim (corpus_file)", "gensim-stream": "gensim (LineSentence)",
          "word2vec-c": "word2vec C (whole process)", "fasttext": "fastText (whole process)"}


# ----------------------------------------------------------------- command line
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                   help="text corpus, plain or .gz/.bz2/.xz (default: %(default)s)")
    p.add_argument("--sg", choices=("0", "1", "both"), default="both",
                   help="0 = CBOW, 1 = skip-gram, both (default)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="threads for every system (default: all %(default)s cores)")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--max-words", type=int, default=None,
                   help="use only the first N words of the corpus (quick runs)")
    p.add_argument("--systems", default="numbaw2v,gensim",
                   help="comma-separated among numbaw2v,gensim,gensim-stream (default: "
                   "numbaw2v,gensim; gensim-stream: gensim reading a LineSentence stream)")
    p.add_argument("--word2vec-c", type=Path, metavar="BINARY", help="path of a C word2vec binary")
    p.add_argument("--fasttext", type=Path, metavar="BINARY", help="path of a fastText binary")
    p.add_argument("--scaling", action="store_true",
                   help="also train numbaw2v with 1 worker and report the speed-up")
    p.add_argument("--rounds", type=int, default=1,
                   help="runs of every system, alternating; medians and min-max reported")
    p.add_argument("--seeds", type=int, default=1,
                   help="seeds 1..N per round; quality reported as mean ± sd (default 1)")
    p.add_argument("--corpus-repeat", default="1", metavar="K[,K...]",
                   help="train on the corpus written K times over, for each K (default 1)")
    p.add_argument("--hs", action="store_true",
                   help="hierarchical softmax (hs=1, negative=0) for every system")
    p.add_argument("--out", type=Path, help="append the report (Markdown) to this file")
    p.add_argument("--keep-vectors", type=Path, metavar="DIR", help="keep every run's vectors here")
    args = p.parse_args(argv)
    _check_args(p, args)
    return args


def _check_args(parser, args):
    """Reject bad arguments before any long work starts."""
    for name in ("workers", "epochs", "rounds", "seeds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if args.max_words is not None and args.max_words < 1:
        parser.error(f"--max-words must be at least 1, got {args.max_words}")
    if not args.corpus.is_file():
        parser.error(f"--corpus {args.corpus}: no such file")
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = sorted(set(args.systems) - set(PYTHON_SYSTEMS))
    if unknown:
        parser.error(f"--systems: unknown {', '.join(unknown)} "
                     f"(choose among {', '.join(PYTHON_SYSTEMS)})")
    for option in ("word2vec_c", "fasttext"):
        path = getattr(args, option)
        if path is not None and not (path.is_file() and os.access(path, os.X_OK)):
            parser.error(f"--{option.replace('_', '-')} {path}: not an executable file")
    if args.scaling and "numbaw2v" not in args.systems:
        parser.error("--scaling needs numbaw2v among --systems")
    args.modes = [0, 1] if args.sg == "both" else [int(args.sg)]
    try:
        args.corpus_repeat = [int(k) for k in args.corpus_repeat.split(",") if k.strip()]
    except ValueError:
        parser.error(f"--corpus-repeat: expected integers like 1,5, got {args.corpus_repeat!r}")
    if not args.corpus_repeat or min(args.corpus_repeat) < 1:
        parser.error(f"--corpus-repeat: factors must be at least 1, got {args.corpus_repeat}")
    args.corpus_repeat = list(dict.fromkeys(args.corpus_repeat))


# ----------------------------------------------------------------- the corpus
def prepare_corpus(source, target, max_words=None):
    """Write ``source`` (any compression) as plain text to ``target``, cut after ``max_words``.

    The cut keeps whole words (the last line is shortened at a word boundary).
    Returns (words, lines) of the written file.
    """
    from numbaw2v.fileio import open_binary

    words = lines = 0
    with open_binary(source) as fin, open(target, "wb") as fout:
        for line in fin:
            tokens = line.split()
            if max_words is not None and words + len(tokens) >= max_words:
                tokens = tokens[:max_words - words]
                fout.write(b" ".join(tokens) + b"\n")
                return words + len(tokens), lines + 1
            fout.write(line if line.endswith(b"\n") else line + b"\n")
            words += len(tokens)
            lines += 1
    return words, lines


def write_repeated(source, target, times, block=1 << 24):
    """Write the file ``source`` ``times`` times over into ``target``."""
    with open(target, "wb") as fout:
        for _ in range(times):
            with open(source, "rb") as fin:
                while chunk := fin.read(block):
                    fout.write(chunk)


def write_head(source, target, n_words):
    """The first ``n_words`` words of ``source`` on one line: the warm-up corpus."""
    tokens = []
    with open(source, "rb") as fin:
        for line in fin:
            tokens.extend(line.split())
            if len(tokens) >= n_words:
                break
    Path(target).write_bytes(b" ".join(tokens[:n_words]) + b"\n")


# ----------------------------------------------------------------- the runs
def warm_up(corpus, sg, workers, workdir, hs=False):
    """Train numbaw2v briefly in this process so that children load its kernels from cache.

    Returns the seconds taken, or None when numbaw2v refuses the settings (see --hs).
    """
    tiny = os.path.join(workdir, "warmup.txt")
    write_head(corpus, tiny, WARMUP_WORDS)
    t0 = time.perf_counter()
    try:
        model = numbaw2v_model(hs, min_count=1, sg=sg, alpha=ALPHA[sg], epochs=1,
                               workers=workers, seed=SEED)
    except Unsupported:
        return None
    model.build_vocab(corpus_file=tiny)
    model.train(corpus_file=tiny, total_words=model.corpus_total_words, epochs=model.epochs)
    return time.perf_counter() - t0


def run_process(cmd, log_path):
    """Run ``cmd`` with output to ``log_path``.

    Returns (exit code, wall seconds, peak RSS MB, peak private MB).

    Peak RSS is the child's VmHWM (high-water mark of its own address space),
    peak private the largest RssAnon seen; both read from /proc every few
    milliseconds while it runs. ``ru_maxrss`` from ``wait4`` is not used:
    Linux carries the parent's resident size into it at fork/exec, so a small
    child would report this (larger) process's memory. If this process is
    interrupted, the child is killed before the exception goes on.
    """
    peak = {"VmHWM": 0, "RssAnon": 0}
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            while True:
                pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                for key, kb in proc_status_kb(proc.pid).items():
                    peak[key] = max(peak[key], kb)
                time.sleep(POLL_SECONDS)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, peak["VmHWM"] / 1024.0, peak["RssAnon"] / 1024.0


def run_python_system(system, job, workdir):
    """One run of numbaw2v or gensim through bench/_runner.py; returns its record."""
    result = os.path.join(workdir, f"{job['tag']}.json")
    cmd = [sys.executable, str(RUNNER), system, "--corpus", job["corpus"], "--sg", str(job["sg"]),
           "--workers", str(job["workers"]), "--epochs", str(job["epochs"]),
           "--alpha", str(ALPHA[job["sg"]]), "--result", result, "--seed", str(job["seed"])]
    if job["vectors"]:
        cmd += ["--vectors", job["vectors"]]
    if job["hs"]:
        cmd.append("--hs")
    code, _, rss, anon = run_process(cmd, job["log"])
    if code != 0:
        return None
    with open(result, encoding="utf8") as fin:
        record = json.load(fin)
    # the child's own last word on its memory, in case it grew after the last poll
    record["rss_mb"] = max(rss, record.pop("peak_kb", 0) / 1024.0)
    record["anon_mb"] = max(anon, record.pop("anon_kb", 0) / 1024.0)
    return record


def run_word2vec_c(binary, job):
    """The C word2vec, timed as a whole process (its vocabulary build is inside the time)."""
    conf = settings(job["hs"])
    cmd = [str(binary), "-train", job["corpus"], "-output", job["vectors"],
           "-cbow", "0" if job["sg"] else "1", "-size", str(conf["vector_size"]),
           "-window", str(conf["window"]), "-negative", str(conf["negative"]),
           "-hs", str(conf.get("hs", 0)), "-sample", str(conf["sample"]),
           "-threads", str(job["workers"]), "-iter", str(job["epochs"]),
           "-min-count", str(conf["min_count"]), "-binary", "1", "-alpha", str(ALPHA[job["sg"]])]
    code, wall, rss, anon = run_process(cmd, job["log"])
    return {"vocab_s": None, "train_s": wall, "rss_mb": rss, "anon_mb": anon} if code == 0 else None


def run_fasttext(binary, job):
    """fastText without subwords, timed as a whole process; its .vec (text) output is kept."""
    prefix = job["vectors"][: -len(".vec")]
    cmd = [str(binary), "skipgram" if job["sg"] else "cbow", "-input", job["corpus"],
           "-output", prefix, "-dim", str(PROTOCOL["vector_size"]), "-ws", str(PROTOCOL["window"]),
           "-neg", str(PROTOCOL["negative"]), "-minCount", str(PROTOCOL["min_count"]),
           "-epoch", str(job["epochs"]), "-thread", str(job["workers"]), "-minn", "0", "-maxn", "0",
           "-t", str(PROTOCOL["sample"]), "-lr", str(ALPHA[job["sg"]]), "-seed", str(job["seed"])]
    if job["hs"]:
        cmd += ["-loss", "hs"]
    code, wall, rss, anon = run_process(cmd, job["log"])
    if code != 0:
        return None
    with contextlib.suppress(FileNotFoundError):
        os.remove(prefix + ".bin")          # the full model: large and not needed here
    return {"vocab_s": None, "train_s": wall, "rss_mb": rss, "anon_mb": anon}


# ----------------------------------------------------------------- quality
def evaluate(vectors_path, binary):
    """Analogy accuracy (30,000 most frequent words) and Spearman on WS-353 / SimLex-999."""
    from numbaw2v import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(vectors_path, binary=binary)
    scores = {"vocab_size": len(kv)}
    if not EVAL_DIR.is_dir():
        return scores
    scores["analogy"] = kv.evaluate_word_analogies(str(EVAL_DIR / "questions-words.txt"),
                                                   restrict_vocab=ANALOGY_VOCAB)[0]
    for key, name in (("ws353", "wordsim353.tsv"), ("simlex", "simlex999.txt")):
        try:
            scores[key] = kv.evaluate_word_pairs(str(EVAL_DIR / name))[1][0]
        except ValueError:              # no pair with both words known (tiny corpora)
            scores[key] = None
    return scores


# ----------------------------------------------------------------- orchestration
def plan(args):
    """Every run in order: per mode and corpus size, rounds and seeds, the systems alternating.

    A run is a dict: sg, size (corpus repeat factor), round, seed, system, workers.
    """
    runs = []
    for sg in args.modes:
        for size in args.corpus_repeat:
            for rnd in range(args.rounds):
                for i, seed in enumerate(range(SEED, SEED + args.seeds)):
                    base = {"sg": sg, "size": size, "round": rnd, "seed": seed,
                            "workers": args.workers}
                    systems = list(args.systems)
                    systems += [name for name, path in (("word2vec-c", args.word2vec_c),
                                                        ("fasttext", args.fasttext)) if path]
                    runs += [dict(base, system=system) for system in systems]
                    if args.scaling and i == 0:
                        runs.append(dict(base, system="numbaw2v-1", workers=1))
    return runs


def run_one(args, run, corpus, workdir, vector_dir):
    """Run one system once and score its vectors; returns a record (``failed`` set on error)."""
    system, sg = run["system"], run["sg"]
    tag = (f"{system}-{'sg' if sg else 'cbow'}-x{run['size']}-r{run['round'] + 1}"
           f"-s{run['seed']}")
    ext = ".vec" if system == "fasttext" else ".bin"
    scoring = system != "numbaw2v-1"            # the 1-worker run is for timing only
    job = {"tag": tag, "corpus": corpus, "sg": sg, "workers": run["workers"],
           "epochs": args.epochs, "seed": run["seed"], "hs": args.hs,
           "vectors": os.path.join(vector_dir, tag + ext) if scoring else None,
           "log": os.path.join(workdir, tag + ".log")}
    if system == "word2vec-c":
        record = run_word2vec_c(args.word2vec_c, job)
    elif system == "fasttext":
        record = run_fasttext(args.fasttext, job)
    else:
        record = run_python_system("numbaw2v" if system == "numbaw2v-1" else system, job,
                                   workdir)
    if record is None:
        _show_log_tail(tag, job["log"])
        return dict(run, failed=True)
    record.update(run, failed=False)
    if scoring and not record.get("unsupported"):
        record.update(evaluate(job["vectors"], binary=ext == ".bin"))
    return record


def _show_log_tail(tag, log_path, lines=20):
    text = Path(log_path).read_text(encoding="utf8", errors="replace").splitlines()
    print(f"!! {tag} failed; last lines of its output:", file=sys.stderr)
    for line in text[-lines:]:
        print("   " + line, file=sys.stderr)


def _progress(record, index, total):
    head = (f"[{index}/{total}] {record['system']} {MODES[record['sg']]} x{record['size']} "
            f"round {record['round'] + 1} seed {record['seed']}")
    if record["failed"]:
        return head + ": FAILED"
    if record.get("unsupported"):
        return head + ": not supported (" + record["unsupported"] + ")"
    parts = [f"train {record['train_s']:.2f} s", f"private {record['anon_mb']:.0f} MB"]
    if record.get("vocab_s") is not None:
        parts.insert(0, f"vocab {record['vocab_s']:.2f} s")
    if record.get("analogy") is not None:
        parts.append(f"analogy {record['analogy']:.3f}")
    return head + ": " + ", ".join(parts)


# ----------------------------------------------------------------- the report
def median_of(records, key):
    return median_spread(values_of(records, key))[0]


def summarize(records, words, epochs):
    """One row per (mode, corpus size, system): timings as median and spread, quality as mean ± sd.

    ``words`` maps a corpus repeat factor to the words of that corpus.
    """
    rows = []
    timed = [r for r in records if not r["failed"] and not r.get("unsupported")]
    for r in timed:
        r["raw_wps"] = words[r["size"]] * epochs / r["train_s"] if r["train_s"] else None
    for sg, mode in MODES.items():
        for size, n_words in words.items():
            here = [r for r in records if r["sg"] == sg and r["size"] == size
                    and r["system"] != "numbaw2v-1"]
            ok = [r for r in here if r in timed]
            gensim = [r for r in ok if r["system"] == "gensim"]
            for system in dict.fromkeys(r["system"] for r in here):
                row = {"mode": mode, "size": size, "words": n_words, "system": LABELS[system]}
                runs = [r for r in ok if r["system"] == system]
                refused = [r["unsupported"] for r in here
                           if r["system"] == system and r.get("unsupported")]
                row["unsupported"] = refused[0] if refused and not runs else None
                row.update(_row_numbers(runs, gensim))
                rows.append(row)
    return rows


def _row_numbers(runs, gensim):
    """The numbers of one table row from that system's runs and gensim's runs beside them."""
    pair_on = ("round", "seed")
    row = {"runs": len(runs), "train_times": [r["train_s"] for r in runs]}
    for key in ("vocab_s", "trained_words", "vocab_size"):
        row[key] = median_of(runs, key)
    for key in ("train_s", "raw_wps"):
        row[key] = median_spread(values_of(runs, key))
    for key in ("rss_mb", "anon_mb"):             # peaks: the largest over the runs
        row[key] = max(values_of(runs, key), default=None)
    for key in ("analogy", "ws353", "simlex"):
        row[key] = mean_sd(values_of(runs, key))
    train = row["train_s"][0]
    row["trained_wps"] = row["trained_words"] / train if train and row["trained_words"] else None
    row["train_ratio"] = median_spread(paired_ratios(gensim, runs, "train_s", pair_on))
    ref_vocab, vocab = median_of(gensim, "vocab_s"), row["vocab_s"]
    row["vocab_ratio"] = ref_vocab / vocab if vocab and ref_vocab else None
    return row


def scaling_lines(records, workers):
    """numbaw2v's training time with 1 worker against ``workers`` workers, per mode and size."""
    lines = []
    sizes = list(dict.fromkeys(r["size"] for r in records))
    def time_of(sg, size, system):
        return median_of([r for r in records if r["sg"] == sg and r["size"] == size
                          and r["system"] == system and not r["failed"]], "train_s")

    for sg, mode in MODES.items():
        for size in sizes:
            many, one = time_of(sg, size, "numbaw2v"), time_of(sg, size, "numbaw2v-1")
            if many and one:
                where = f" (corpus x{size})" if len(sizes) > 1 else ""
                lines.append(f"- Scaling, {mode}{where}: numbaw2v trains in {one:.2f} s with "
                             f"1 worker and {many:.2f} s with {workers}: speed-up "
                             f"**{one / many:.2f}x**.")
    return lines


def _spread(fmt):
    """Formats (median, min, max): the median alone, or 'median (min–max)' when they differ."""
    def show(value):
        mid, low, high = value
        if mid is None:
            return None
        if low == high:
            return fmt.format(mid)
        return f"{fmt.format(mid)} ({fmt.format(low)}–{fmt.format(high)})"
    return show


def _mean_sd(fmt):
    """Formats (mean, sd): the mean alone, or 'mean ± sd'."""
    def show(value):
        mean, sd = value
        if mean is None:
            return None
        return fmt.format(mean) if sd is None else f"{fmt.format(mean)} ± {fmt.format(sd)}"
    return show


def _plain(fmt):
    return lambda value: None if value is None else fmt.format(value)


COLUMNS = [("mode", "mode", _plain("{}")), ("words", "corpus words", _plain("{:,}")),
           ("system", "system", _plain("{}")),
           ("vocab_s", "vocab s", _plain("{:.2f}")), ("train_s", "train s", _spread("{:.2f}")),
           ("raw_wps", "raw words/s", _spread("{:,.0f}")),
           ("trained_wps", "trained words/s", _plain("{:,.0f}")),
           ("train_ratio", "train speed vs gensim", _spread("{:.2f}x")),
           ("vocab_ratio", "vocab speed vs gensim", _plain("{:.2f}x")),
           ("rss_mb", "peak RSS MB", _plain("{:,.0f}")),
           ("anon_mb", "peak private MB", _plain("{:,.0f}")),
           ("vocab_size", "vocab", _plain("{:,.0f}")),
           ("analogy", "analogy", _mean_sd("{:.3f}")), ("ws353", "WS-353", _mean_sd("{:.3f}")),
           ("simlex", "SimLex", _mean_sd("{:.3f}"))]
LEFT = ("mode", "words", "system")             # not numbers: no "not supported" in them


def markdown_table(rows, with_words=False):
    """The rows as a Markdown table; the corpus-words column only when ``with_words``."""
    columns = [c for c in COLUMNS if with_words or c[0] != "words"]
    head = "| " + " | ".join(title for _, title, _ in columns) + " |"
    rule = "|" + "|".join("---" if key in ("mode", "system") else "---:"
                          for key, _, _ in columns) + "|"
    body = []
    for row in rows:
        cells = []
        for key, _, show in columns:
            text = show(row.get(key)) if row.get(key) is not None else None
            if row.get("unsupported") and key not in LEFT:
                text = "not supported" if key == "vocab_s" else "–"
            cells.append("n/a" if text is None else text)
        body.append("| " + " | ".join(cells) + " |")
    return "\n".join([head, rule] + body)



def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf8", errors="replace") as fin:
            for line in fin:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions(with_gensim):
    names = ["numbaw2v", "numba", "numpy"] + (["gensim"] if with_gensim else [])
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return f"Python {platform.python_version()}, " + ", ".join(found)


def binaries(args):
    given = [(name, path) for name, path in (("word2vec C", args.word2vec_c),
                                             ("fastText", args.fasttext))
             if path is not None]
    return "".join(f", {name} `{path}`" for name, path in given)


def report(args, info, rows, records, notes):
    conf = settings(args.hs)
    loss = ("hierarchical softmax (hs 1, negative 0)" if args.hs
            else f"negative {conf['negative']}")
    sizes = ", ".join(f"x{k} = {w:,} words" for k, w in info["sizes"].items())
    lines = [f"## Word2Vec side by side: {', '.join(info['systems'])} ({info['date']})", "",
             f"Command: `{info['command']}`", "",
             (f"- Machine: {info['cpu']}, {os.cpu_count()} cores; load average "
              f"{info['load_before']} before, {info['load_after']} after"),
             f"- Corpus: `{info['corpus']}`: {info['words']:,} words in {info['lines']:,} lines"
             + (f" (the first {args.max_words:,} words)" if args.max_words else "")
             + "; decompressed to a plain file read by every system"
             + (f"; repeated: {sizes}" if len(info["sizes"]) > 1 or args.corpus_repeat != [1]
                else ""),
             f"- Versions: {info['versions']}",
             f"- Settings: vector_size {conf['vector_size']}, window {conf['window']}, {loss}, "
             f"sample {conf['sample']:g}, min_count {conf['min_count']}, epochs {args.epochs}, "
             f"alpha 0.05 (CBOW) / 0.025 (skip-gram), {args.workers} workers, "
             + (f"seeds {SEED}–{SEED + args.seeds - 1}" if args.seeds > 1 else f"seed {SEED}")
             + f"; {args.rounds} round(s) of the systems alternating"
             + (" (timings: median (min–max))" if args.rounds * args.seeds > 1 else "")
             + (" (quality: mean ± sd over all runs)" if args.seeds > 1 else ""), ""]
    lines += [markdown_table(rows, with_words=len(info["sizes"]) > 1), ""]
    lines += scaling_lines(records, args.workers)
    lines += [f"- {note}" for note in notes]
    if args.rounds * args.seeds > 1:
        for row in rows:
            times = ", ".join(f"{t:.2f}" for t in row["train_times"])
            where = f" (corpus x{row['size']})" if len(info["sizes"]) > 1 else ""
            if times:
                lines.append(f"- {row['mode']}{where}, {row['system']}: train s per run {times}")
    for row in rows:
        if row.get("unsupported"):
            lines.append(f"- {row['mode']}, {row['system']}: not supported: {row['unsupported']}")
    return "\n".join(lines).rstrip() + "\n"


def standard_notes(args, warmups):
    notes = [("raw words/s: corpus words x epochs / train s (the same numerator for every "
             "system); trained words/s: the words each library reports as trained (after "
             "subsampling and rare-word removal). Speed ratios are gensim's time / this "
             "system's (>1: faster than gensim), each run against the gensim run of its round "
             "and seed."),
             ("Peak RSS: high-water mark (VmHWM) of the child process of that run, shared "
             "file-backed pages (Numba's LLVM library) included. Peak private: the largest "
             "RssAnon (anonymous memory only) sampled every 10 ms from /proc. Both: the largest "
             "over a system's runs. Quality: every system's vectors scored by numbaw2v's "
             f"evaluator (analogies over the {ANALOGY_VOCAB:,} most frequent words).")]
    done = {sg: s for sg, s in warmups.items() if s is not None}
    if done:
        parts = ", ".join(f"{MODES[sg]} {s:.2f} s" for sg, s in done.items())
        notes.append(f"numbaw2v warm-up before timing (a {WARMUP_WORDS}-word training in the "
                     f"parent, compiling or loading Numba's cache): {parts}; each timed child "
                     "still loads the compiled kernels from that cache inside its vocab time.")
    if args.word2vec_c or args.fasttext:
        notes.append("Binaries: train s is the wall time of the whole process (reading the "
                     "corpus and building the vocabulary included); their vocabularies count "
                     "the end-of-line token '</s>'.")
    return notes


def append_report(path, text):
    """Append ``text`` to ``path`` (written atomically)."""
    from numbaw2v.fileio import atomic_output

    old = path.read_text(encoding="utf8") if path.exists() else ""
    sep = "" if not old else ("\n" if old.endswith("\n") else "\n\n")
    with atomic_output(path) as tmp:
        Path(tmp).write_text(old + sep + text, encoding="utf8")


def prepare_corpora(args, workdir, info):
    """The plain corpus and its repeats in ``workdir``: {factor: path}; sizes go into ``info``."""
    corpus = os.path.join(workdir, "corpus.txt")
    t0 = time.perf_counter()
    info["words"], info["lines"] = prepare_corpus(args.corpus, corpus, args.max_words)
    _say(f"corpus: {info['words']:,} words, {info['lines']:,} lines, "
         f"prepared in {time.perf_counter() - t0:.1f} s")
    paths, info["sizes"] = {}, {}
    for k in args.corpus_repeat:
        paths[k] = corpus
        if k > 1:
            paths[k] = os.path.join(workdir, f"corpus-x{k}.txt")
            write_repeated(corpus, paths[k], k)
            _say(f"corpus x{k}: {info['words'] * k:,} words in {paths[k]}")
        info["sizes"][k] = info["words"] * k
    return paths


def main(argv=None):
    args = parse_args(argv)
    sigterm_raises()
    notes = []
    if "gensim" in args.systems and importlib.util.find_spec("gensim") is None:
        args.systems.remove("gensim")
        notes.append("gensim is not installed: skipped (pip install gensim).")
    command = ["python"] + sys.argv if argv is None else ["python", __file__] + argv
    info = {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "command": shlex.join(command),
            "cpu": cpu_model(), "corpus": os.path.relpath(args.corpus), "load_before": _load(),
            "versions": versions("gensim" in args.systems) + binaries(args),
            "systems": args.systems + [name for name, path in
                                       (("word2vec C", args.word2vec_c),
                                        ("fastText", args.fasttext)) if path]}
    with tempfile.TemporaryDirectory(prefix="numbaw2v-bench-") as workdir:
        vector_dir = str(args.keep_vectors or workdir)
        os.makedirs(vector_dir, exist_ok=True)
        corpora = prepare_corpora(args, workdir, info)
        warmups = {}
        if "numbaw2v" in args.systems:
            for sg in args.modes:
                first = corpora[args.corpus_repeat[0]]
                warmups[sg] = warm_up(first, sg, args.workers, workdir, args.hs)
                _say(f"numbaw2v warm-up {MODES[sg]}: " + ("not supported" if warmups[sg] is None
                                                          else f"{warmups[sg]:.2f} s"))
        records, runs = [], plan(args)
        for i, run in enumerate(runs, start=1):
            record = run_one(args, run, corpora[run["size"]], workdir, vector_dir)
            records.append(record)
            _say(_progress(record, i, len(runs)))
    info["load_after"] = _load()
    notes = standard_notes(args, warmups) + notes
    if not EVAL_DIR.is_dir():
        notes.append(f"{EVAL_DIR} not found: quality not measured.")
    if any(r["failed"] for r in records):
        notes.append("Some runs FAILED (see the messages printed during the run).")
    text = report(args, info, summarize(records, info["sizes"], args.epochs), records, notes)
    print(text)
    if args.out:
        append_report(args.out, text)
        _say(f"appended to {args.out}")


def _load():
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "n/a"


def _say(message):
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
