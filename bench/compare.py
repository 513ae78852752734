"""numbaw2v against gensim (and optionally the C word2vec / fastText binaries), side by side.

The benchmark protocol of DESIGN.md in one run: the same corpus, settings and
machine for every system, CBOW and/or skip-gram, the systems alternating
(for each mode: numbaw2v, gensim, then the binaries; repeats interleaved).

    python bench/compare.py                                  # full protocol, both modes
    python bench/compare.py --max-words 300000 --epochs 1 --scaling   # a quick look
    python bench/compare.py --out bench/RESULTS.md           # append the table there

How it measures:
- the corpus is decompressed (and cut to --max-words) once into a temporary
  plain text file that every system reads, so no timing includes decompression;
- every training run is a child process of its own (bench/_runner.py for the
  Python systems), so peak memory (ru_maxrss of that child) is per system and
  no JIT state or cache is shared; numbaw2v is warmed up in this process first
  with a tiny training, so its children load compiled kernels from Numba's
  on-disk cache instead of compiling them;
- vocabulary and training times are taken around the library calls inside
  the child; the binaries are timed as whole processes (vocabulary included);
- quality: every system's vectors are saved and scored by the same evaluator
  (numbaw2v's KeyedVectors): Google analogies over the 30,000 most frequent
  words, Spearman on WordSim-353 and SimLex-999.
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
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _runner import PROTOCOL, SEED

ROOT = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).resolve().parent / "_runner.py"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "gutenberg-dev.txt.gz"
EVAL_DIR = ROOT.parent / "shared" / "eval"
ANALOGY_VOCAB = 30000
WARMUP_WORDS = 500
POLL_SECONDS = 0.01
MODES = {0: "CBOW", 1: "skip-gram"}
ALPHA = {0: 0.05, 1: 0.025}
PYTHON_SYSTEMS = ("numbaw2v", "gensim")
LABELS = {"numbaw2v": "numbaw2v", "numbaw2v-1": "numbaw2v, 1 worker",
          "gensim": "gensim (corpus_file)",
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
                   help="comma-separated among numbaw2v,gensim (default: both)")
    p.add_argument("--word2vec-c", type=Path, metavar="BINARY", help="path of a C word2vec binary")
    p.add_argument("--fasttext", type=Path, metavar="BINARY", help="path of a fastText binary")
    p.add_argument("--scaling", action="store_true",
                   help="also train numbaw2v with 1 worker and report the speed-up")
    p.add_argument("--repeat", type=int, default=1, help="runs of every system (interleaved)")
    p.add_argument("--out", type=Path, help="append the report (Markdown) to this file")
    p.add_argument("--keep-vectors", type=Path, metavar="DIR", help="keep every run's vectors here")
    args = p.parse_args(argv)
    _check_args(p, args)
    return args


def _check_args(parser, args):
    """Reject bad arguments before any long work starts."""
    for name in ("workers", "epochs", "repeat"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if args.max_words is not None and args.max_words < 1:
        parser.error(f"--max-words must be at least 1, got {args.max_words}")
    if not args.corpus.is_file():
        parser.error(f"--corpus {args.corpus}: no such file")
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = sorted(set(args.systems) - set(PYTHON_SYSTEMS))
    if unknown:
        parser.error(f"--systems: unknown {', '.join(unknown)} (choose among {', '.join(PYTHON_SYSTEMS)})")
    for option in ("word2vec_c", "fasttext"):
        path = getattr(args, option)
        if path is not None and not (path.is_file() and os.access(path, os.X_OK)):
            parser.error(f"--{option.replace('_', '-')} {path}: not an executable file")
    if args.scaling and "numbaw2v" not in args.systems:
        parser.error("--scaling needs numbaw2v among --systems")
    args.modes = [0, 1] if args.sg == "both" else [int(args.sg)]


# ----------------------------------------------------------------- the corpus
def prepare_corpus(source, target, max_words=None):
    """Write ``source`` (any compression) as plain text to ``target``, cut after ``max_words`` words.

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
def warm_up(corpus, sg, workers, workdir):
    """Train numbaw2v briefly in this process so that children load its kernels from cache."""
    from numbaw2v import Word2Vec

    tiny = os.path.join(workdir, "warmup.txt")
    write_head(corpus, tiny, WARMUP_WORDS)
    t0 = time.perf_counter()
    model = Word2Vec(**dict(PROTOCOL, min_count=1), sg=sg, alpha=ALPHA[sg], epochs=1,
                     workers=workers, seed=SEED, progress=False)
    model.build_vocab(corpus_file=tiny)
    model.train(corpus_file=tiny)
    return time.perf_counter() - t0


def run_process(cmd, log_path):
    """Run ``cmd`` with output to ``log_path``; returns (exit code, wall seconds, peak RSS in MB).

    The peak is the child's VmHWM (high-water mark of its own address space),
    read from /proc every few milliseconds while it runs. ``ru_maxrss`` from
    ``wait4`` is not used: Linux carries the parent's resident size into it at
    fork/exec, so a small child would report this (larger) process's memory.
    """
    peak_kb = 0
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_kb = max(peak_kb, high_water_kb(proc.pid))
            time.sleep(POLL_SECONDS)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, peak_kb / 1024.0


def high_water_kb(pid="self"):
    """VmHWM of a process in kB (0 when it cannot be read, e.g. the process just ended)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fin:
            for line in fin:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_python_system(system, job, workdir):
    """One run of numbaw2v or gensim through bench/_runner.py; returns its record."""
    result = os.path.join(workdir, f"{job['tag']}.json")
    cmd = [sys.executable, str(RUNNER), system, "--corpus", job["corpus"], "--sg", str(job["sg"]),
           "--workers", str(job["workers"]), "--epochs", str(job["epochs"]),
           "--alpha", str(ALPHA[job["sg"]]), "--result", result]
    if job["vectors"]:
        cmd += ["--vectors", job["vectors"]]
    code, _, rss = run_process(cmd, job["log"])
    if code != 0:
        return None
    with open(result, encoding="utf8") as fin:
        record = json.load(fin)
    # the child's own last word on its peak, in case it grew after the last poll
    record["rss_mb"] = max(rss, record.pop("peak_kb", 0) / 1024.0)
    return record


def run_word2vec_c(binary, job):
    """The C word2vec, timed as a whole process (its vocabulary build is inside the time)."""
    cmd = [str(binary), "-train", job["corpus"], "-output", job["vectors"],
           "-cbow", "0" if job["sg"] else "1", "-size", str(PROTOCOL["vector_size"]),
           "-window", str(PROTOCOL["window"]), "-negative", str(PROTOCOL["negative"]), "-hs", "0",
           "-sample", str(PROTOCOL["sample"]), "-threads", str(job["workers"]),
           "-iter", str(job["epochs"]), "-min-count", str(PROTOCOL["min_count"]),
           "-binary", "1", "-alpha", str(ALPHA[job["sg"]])]
    code, wall, rss = run_process(cmd, job["log"])
    return {"vocab_s": None, "train_s": wall, "rss_mb": rss} if code == 0 else None


def run_fasttext(binary, job):
    """fastText without subwords, timed as a whole process; its .vec (text) output is kept."""
    prefix = job["vectors"][: -len(".vec")]
    cmd = [str(binary), "skipgram" if job["sg"] else "cbow", "-input", job["corpus"],
           "-output", prefix, "-dim", str(PROTOCOL["vector_size"]), "-ws", str(PROTOCOL["window"]),
           "-neg", str(PROTOCOL["negative"]), "-minCount", str(PROTOCOL["min_count"]),
           "-epoch", str(job["epochs"]), "-thread", str(job["workers"]), "-minn", "0", "-maxn", "0",
           "-t", str(PROTOCOL["sample"]), "-lr", str(ALPHA[job["sg"]])]
    code, wall, rss = run_process(cmd, job["log"])
    if code != 0:
        return None
    with contextlib.suppress(FileNotFoundError):
        os.remove(prefix + ".bin")          # the full model: large and not needed here
    return {"vocab_s": None, "train_s": wall, "rss_mb": rss}


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
    """Every run in order: per mode, repeats interleaved, systems alternating."""
    runs = []
    for sg in args.modes:
        for rep in range(args.repeat):
            for system in args.systems:
                runs.append((sg, rep, system, args.workers))
            if args.word2vec_c:
                runs.append((sg, rep, "word2vec-c", args.workers))
            if args.fasttext:
                runs.append((sg, rep, "fasttext", args.workers))
            if args.scaling:
                runs.append((sg, rep, "numbaw2v-1", 1))
    return runs


def run_one(args, sg, rep, system, workers, corpus, workdir, vector_dir):
    """Run one system once and score its vectors; returns a record (``failed`` set on error)."""
    tag = f"{system}-{'sg' if sg else 'cbow'}-{rep + 1}"
    ext = ".vec" if system == "fasttext" else ".bin"
    scoring = system != "numbaw2v-1"            # the 1-worker run is for timing only
    job = {"tag": tag, "corpus": corpus, "sg": sg, "workers": workers, "epochs": args.epochs,
           "vectors": os.path.join(vector_dir, tag + ext) if scoring else None,
           "log": os.path.join(workdir, tag + ".log")}
    if system == "word2vec-c":
        record = run_word2vec_c(args.word2vec_c, job)
    elif system == "fasttext":
        record = run_fasttext(args.fasttext, job)
    else:
        record = run_python_system(system.split("-")[0], job, workdir)
    if record is None:
        _show_log_tail(tag, job["log"])
        return {"system": system, "sg": sg, "rep": rep, "failed": True}
    record.update(system=system, sg=sg, rep=rep, workers=workers, failed=False)
    if scoring:
        record.update(evaluate(job["vectors"], binary=ext == ".bin"))
    return record


def _show_log_tail(tag, log_path, lines=20):
    text = Path(log_path).read_text(encoding="utf8", errors="replace").splitlines()
    print(f"!! {tag} failed; last lines of its output:", file=sys.stderr)
    for line in text[-lines:]:
        print("   " + line, file=sys.stderr)


def _progress(record, index, total):
    if record["failed"]:
        return f"[{index}/{total}] {record['system']} {MODES[record['sg']]}: FAILED"
    parts = [f"train {record['train_s']:.2f} s"]
    if record.get("vocab_s") is not None:
        parts.insert(0, f"vocab {record['vocab_s']:.2f} s")
    if record.get("analogy") is not None:
        parts.append(f"analogy {record['analogy']:.3f}")
    return f"[{index}/{total}] {record['system']} {MODES[record['sg']]} run {record['rep'] + 1}: " \
           + ", ".join(parts)


# ----------------------------------------------------------------- the report
def median_of(records, key):
    values = [r[key] for r in records if r.get(key) is not None]
    return statistics.median(values) if values else None


def summarize(records, corpus_words, epochs):
    """One row per (mode, system): medians over the repeats, ratios against gensim."""
    rows = []
    for sg in MODES:
        in_mode = [r for r in records if r["sg"] == sg and not r["failed"] and r["system"] != "numbaw2v-1"]
        systems = list(dict.fromkeys(r["system"] for r in records if r["sg"] == sg
                                     and r["system"] != "numbaw2v-1"))
        gensim = [r for r in in_mode if r["system"] == "gensim"]
        ref_train, ref_vocab = median_of(gensim, "train_s"), median_of(gensim, "vocab_s")
        for system in systems:
            runs = [r for r in in_mode if r["system"] == system]
            row = {"mode": MODES[sg], "system": LABELS[system], "runs": len(runs)}
            for key in ("vocab_s", "train_s", "trained_words", "rss_mb", "vocab_size",
                        "analogy", "ws353", "simlex"):
                row[key] = median_of(runs, key)
            row["train_times"] = [r["train_s"] for r in runs]
            _add_speeds(row, corpus_words * epochs, ref_train, ref_vocab)
            rows.append(row)
    return rows


def _add_speeds(row, raw_total, ref_train, ref_vocab):
    train, vocab = row["train_s"], row["vocab_s"]
    row["raw_wps"] = raw_total / train if train else None
    row["trained_wps"] = row["trained_words"] / train if train and row["trained_words"] else None
    row["train_ratio"] = ref_train / train if train and ref_train else None
    row["vocab_ratio"] = ref_vocab / vocab if vocab and ref_vocab else None


def scaling_lines(records, workers):
    """numbaw2v's training time with 1 worker against ``workers`` workers, per mode."""
    lines = []
    for sg, mode in MODES.items():
        many = median_of([r for r in records if r["sg"] == sg and r["system"] == "numbaw2v"
                          and not r["failed"]], "train_s")
        one = median_of([r for r in records if r["sg"] == sg and r["system"] == "numbaw2v-1"
                         and not r["failed"]], "train_s")
        if many and one:
            lines.append(f"- Scaling, {mode}: numbaw2v trains in {one:.2f} s with 1 worker and "
                         f"{many:.2f} s with {workers}: speed-up **{one / many:.2f}x**.")
    return lines


COLUMNS = [("mode", "mode", "{}"), ("system", "system", "{}"),
           ("vocab_s", "vocab s", "{:.2f}"), ("train_s", "train s", "{:.2f}"),
           ("raw_wps", "raw words/s", "{:,.0f}"), ("trained_wps", "trained words/s", "{:,.0f}"),
           ("train_ratio", "train speed vs gensim", "{:.2f}x"),
           ("vocab_ratio", "vocab speed vs gensim", "{:.2f}x"),
           ("rss_mb", "peak RSS MB", "{:,.0f}"), ("vocab_size", "vocab", "{:,.0f}"),
           ("analogy", "analogy", "{:.3f}"), ("ws353", "WS-353", "{:.3f}"), ("simlex", "SimLex", "{:.3f}")]


def markdown_table(rows):
    head = "| " + " | ".join(title for _, title, _ in COLUMNS) + " |"
    rule = "|" + "|".join("---" if i < 2 else "---:" for i in range(len(COLUMNS))) + "|"
    body = []
    for row in rows:
        cells = [fmt.format(row[key]) if row.get(key) is not None else "n/a" for key, _, fmt in COLUMNS]
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
    given = [(name, path) for name, path in (("word2vec C", args.word2vec_c), ("fastText", args.fasttext))
             if path is not None]
    return "".join(f", {name} `{path}`" for name, path in given)


def report(args, info, rows, records, notes):
    lines = [f"## Word2Vec side by side: {', '.join(info['systems'])} ({info['date']})", "",
             f"Command: `{info['command']}`", "",
             f"- Machine: {info['cpu']}, {os.cpu_count()} cores; load average {info['load_before']} "
             f"before, {info['load_after']} after",
             f"- Corpus: `{info['corpus']}`: {info['words']:,} words in {info['lines']:,} lines"
             + (f" (the first {args.max_words:,} words)" if args.max_words else "")
             + "; decompressed to a plain file read by every system",
             f"- Versions: {info['versions']}",
             f"- Settings: vector_size {PROTOCOL['vector_size']}, window {PROTOCOL['window']}, "
             f"negative {PROTOCOL['negative']}, sample {PROTOCOL['sample']:g}, "
             f"min_count {PROTOCOL['min_count']}, epochs {args.epochs}, alpha 0.05 (CBOW) / "
             f"0.025 (skip-gram), {args.workers} workers, seed {SEED}; "
             f"{args.repeat} run(s) of each system, alternating"
             + (" (medians shown)" if args.repeat > 1 else ""), ""]
    lines += [markdown_table(rows), ""]
    lines += scaling_lines(records, args.workers)
    lines += [f"- {note}" for note in notes]
    if args.repeat > 1:
        for row in rows:
            times = ", ".join(f"{t:.2f}" for t in row["train_times"])
            lines.append(f"- {row['mode']}, {row['system']}: train s per run {times}")
    return "\n".join(lines).rstrip() + "\n"


def standard_notes(args, warmups):
    notes = ["raw words/s: corpus words x epochs / train s (the same numerator for every system); "
             "trained words/s: the words each library reports as trained (after subsampling and "
             "rare-word removal). Speed ratios are gensim's time / this system's (>1: faster than gensim).",
             "Peak RSS: high-water mark (VmHWM) of the child process of that run. Quality: every system's vectors "
             f"scored by numbaw2v's evaluator (analogies over the {ANALOGY_VOCAB:,} most frequent words)."]
    if warmups:
        parts = ", ".join(f"{MODES[sg]} {s:.2f} s" for sg, s in warmups.items())
        notes.append(f"numbaw2v warm-up before timing (a {WARMUP_WORDS}-word training in the parent, "
                     f"compiling or loading Numba's cache): {parts}; each timed child still loads "
                     "the compiled kernels from that cache inside its vocab time.")
    if args.word2vec_c or args.fasttext:
        notes.append("Binaries: train s is the wall time of the whole process (reading the corpus and "
                     "building the vocabulary included); their vocabularies count the end-of-line "
                     "token '</s>'.")
    return notes


def append_report(path, text):
    """Append ``text`` to ``path`` (written atomically)."""
    from numbaw2v.fileio import atomic_output

    old = path.read_text(encoding="utf8") if path.exists() else ""
    sep = "" if not old else ("\n" if old.endswith("\n") else "\n\n")
    with atomic_output(path) as tmp:
        Path(tmp).write_text(old + sep + text, encoding="utf8")


def main(argv=None):
    args = parse_args(argv)
    notes = []
    if "gensim" in args.systems and importlib.util.find_spec("gensim") is None:
        args.systems.remove("gensim")
        notes.append("gensim is not installed: skipped (pip install gensim).")
    info = {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "command": shlex.join(["python"] + sys.argv if argv is None else ["python", __file__] + argv),
            "cpu": cpu_model(), "corpus": os.path.relpath(args.corpus), "load_before": _load(),
            "versions": versions("gensim" in args.systems) + binaries(args),
            "systems": args.systems + [name for name, path in (("word2vec C", args.word2vec_c),
                                                               ("fastText", args.fasttext)) if path]}
    with tempfile.TemporaryDirectory(prefix="numbaw2v-bench-") as workdir:
        vector_dir = str(args.keep_vectors or workdir)
        os.makedirs(vector_dir, exist_ok=True)
        corpus = os.path.join(workdir, "corpus.txt")
        t0 = time.perf_counter()
        info["words"], info["lines"] = prepare_corpus(args.corpus, corpus, args.max_words)
        _say(f"corpus: {info['words']:,} words, {info['lines']:,} lines, "
             f"prepared in {time.perf_counter() - t0:.1f} s")
        warmups = {}
        if "numbaw2v" in args.systems:
            for sg in args.modes:
                warmups[sg] = warm_up(corpus, sg, args.workers, workdir)
                _say(f"numbaw2v warm-up {MODES[sg]}: {warmups[sg]:.2f} s")
        records, runs = [], plan(args)
        for i, (sg, rep, system, workers) in enumerate(runs, start=1):
            record = run_one(args, sg, rep, system, workers, corpus, workdir, vector_dir)
            records.append(record)
            _say(_progress(record, i, len(runs)))
    info["load_after"] = _load()
    notes = standard_notes(args, warmups) + notes
    if not EVAL_DIR.is_dir():
        notes.append(f"{EVAL_DIR} not found: quality not measured.")
    if any(r["failed"] for r in records):
        notes.append("Some runs FAILED (see the messages printed during the run).")
    text = report(args, info, summarize(records, info["words"], args.epochs), records, notes)
    print(text)
    if args.out:
        append_report(args.out, text)
        _say(f"appended to {args.out}")


def _load():
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "n/a"


def _say(message):
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
