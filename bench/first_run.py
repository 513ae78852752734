"""The first run: `numbaw2v train` on a tiny corpus with an empty Numba cache, then warm.

    python bench/first_run.py                    # CBOW and skip-gram, cold then warm
    python bench/first_run.py --modes cbow --kernels   # also: compile seconds per kernel
    python bench/first_run.py --modes cbow,sg,sg-pairs,cbow-hs  # every compiled driver

For each mode the command ``python -m numbaw2v train --min-count 1 --epochs 1
--workers 1 --no-progress`` with the mode's flags (``MODES``) runs on a synthetic
2,000-word corpus (--words),
first with a fresh, empty ``NUMBA_CACHE_DIR`` (cold: every kernel compiles) and
then again with that cache filled (warm). Each mode gets its own empty cache,
so the skip-gram cold run does not profit from the CBOW one. Times are the
wall clock of the whole process (interpreter start, imports and saving
included), as a user sees them, and the CPU seconds (user + system) of that
process: on a shared machine the wall time grows with the load, the CPU time
much less. The 1-minute load average is printed before each run.

--kernels runs one more cold training per mode inside a child that listens to
Numba's ``numba:compile`` events, and lists the functions that took the most
compile time: "own" seconds exclude the compilation of the functions a kernel
calls (each callee is compiled, and listed, separately), "total" includes it.

Every temporary file (corpus, caches, output) is removed on every exit path.
"""
import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _cleanup import sigterm_raises

ROOT = Path(__file__).resolve().parents[1]
# mode name: the training flags of that mode (each mode compiles its own driver)
MODES = {"cbow": ["--sg", "0"], "sg": ["--sg", "1"], "sg-pairs": ["--sg", "1",
                                                               "--shared-negatives", "0"],
         "cbow-hs": ["--sg", "0", "--hs", "1", "--negative", "0"]}
TRAIN = ["train", "--min-count", "1", "--epochs", "1", "--workers", "1", "--no-progress"]


def write_corpus(path, n_words, seed=0):
    """A Zipf-like synthetic corpus of ``n_words`` words, 20 words a line."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(500)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    words = rng.choices(vocab, weights, k=n_words)
    lines = (" ".join(words[i:i + 20]) for i in range(0, n_words, 20))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf8")


def child_env(cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def children_cpu():
    """CPU seconds (user + system) of the finished child processes so far."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def timed_train(mode, corpus, out, cache_dir):
    """Wall and CPU seconds of one ``python -m numbaw2v train`` and its stderr (the notice)."""
    cmd = [sys.executable, "-m", "numbaw2v", *TRAIN, *MODES[mode], "-o", str(out), str(corpus)]
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=child_env(cache_dir), capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - t0
    cpu = children_cpu() - cpu0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return wall, cpu, proc.stderr


def kernel_times(mode, corpus, out, cache_dir):
    """Compile seconds per function for one cold training (run in a child)."""
    cmd = [sys.executable, __file__, "--profile-child", mode, str(corpus), str(out)]
    proc = subprocess.run(cmd, env=child_env(cache_dir), capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        sys.exit(f"profiling child failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def profile_child(mode, corpus, out):
    """In the child: train through the CLI while timing every Numba compilation."""
    from numba.core import event

    from numbaw2v import cli

    stack, times = [], {}

    class Timer(event.Listener):
        def on_start(self, ev):
            stack.append([time.perf_counter(), 0.0])

        def on_end(self, ev):
            start, nested = stack.pop()
            total = time.perf_counter() - start
            disp = ev.data["dispatcher"]
            name = f"{disp.py_func.__module__}.{disp.py_func.__qualname__}"
            own, tot, count = times.get(name, (0.0, 0.0, 0))
            times[name] = (own + total - nested, tot + total, count + 1)
            if stack:
                stack[-1][1] += total

    with event.install_listener("numba:compile", Timer()):
        cli.main([*TRAIN, *MODES[mode], "-o", out, corpus])
    print(json.dumps(times))


def load():
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def table(rows):
    lines = ["| mode | cold wall s (empty cache) | cold CPU s | warm wall s | warm CPU s | "
             "compile cost wall s | load avg (1 min) at start |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {m} | {c:.2f} | {cc:.2f} | {w:.2f} | {wc:.2f} | {c - w:.2f} | {ld:.1f} |"
              for m, c, cc, w, wc, ld in rows]
    return "\n".join(lines)


def kernel_table(mode, times, top):
    ranked = sorted(times.items(), key=lambda kv: -kv[1][0])[:top]
    lines = [(f"Compile seconds per function, {mode} (cold, in-process; "
              f"all functions: {sum(v[0] for v in times.values()):.2f} s):"), "",
             "| function | own s | total s (with callees) | compilations |", "|---|---:|---:|---:|"]
    lines += [f"| `{name}` | {own:.2f} | {tot:.2f} | {n} |" for name, (own, tot, n) in ranked]
    return "\n".join(lines)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--modes", default="cbow,sg",
                   help=f"comma-separated among {','.join(MODES)} (default %(default)s)")
    p.add_argument("--words", type=int, default=2000, help="corpus size (default %(default)s)")
    p.add_argument("--kernels", action="store_true", help="also time each kernel's compilation")
    p.add_argument("--top", type=int, default=12, help="functions listed by --kernels")
    p.add_argument("--profile-child", nargs=3, metavar=("MODE", "CORPUS", "OUT"),
                   help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = sorted(set(args.modes) - set(MODES))
    if bad:
        p.error(f"--modes: unknown {', '.join(bad)} (choose among {','.join(MODES)})")
    if args.words < 1:
        p.error(f"--words must be at least 1, got {args.words}")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.profile_child:
        profile_child(*args.profile_child)
        return
    sigterm_raises()
    rows, kernels = [], {}
    with tempfile.TemporaryDirectory(prefix="numbaw2v-first-run-") as work:
        corpus = Path(work) / "tiny.txt"
        write_corpus(corpus, args.words)
        for mode in args.modes:
            cache = Path(work) / f"cache-{mode}"
            start_load = load()
            cold, cold_cpu, notice = timed_train(mode, corpus, Path(work) / "out.bin", cache)
            warm, warm_cpu, again = timed_train(mode, corpus, Path(work) / "out.bin", cache)
            rows.append((mode, cold, cold_cpu, warm, warm_cpu, start_load))
            said = [line for line in notice.splitlines() if "compiling numbaw2v" in line]
            print(f"{mode}: cold {cold:.2f} s (CPU {cold_cpu:.2f} s), warm {warm:.2f} s "
                  f"(CPU {warm_cpu:.2f} s), load {start_load:.1f} -> {load():.1f}; notice: "
                  f"{said[0] if said else 'none'}; notice when warm: "
                  f"{'compiling numbaw2v' in again}", file=sys.stderr, flush=True)
            if args.kernels:
                shutil.rmtree(cache)
                kernels[mode] = kernel_times(mode, str(corpus), str(Path(work) / "k.bin"), cache)
    flags = "; ".join(f"{m}: {' '.join(MODES[m])}" for m in args.modes)
    print(f"`python -m numbaw2v {' '.join(TRAIN)}` ({flags}) on {args.words:,} synthetic words:")
    print()
    print(table(rows))
    for mode, times in kernels.items():
        print()
        print(kernel_table(mode, times, args.top))


if __name__ == "__main__":
    main()
