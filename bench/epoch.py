"""Seconds per training epoch of numbaw2v alone, on the head of a corpus: a quick A/B timer.

    python bench/epoch.py                      # CBOW, negative sampling, first 5 M words
    python bench/epoch.py --sg 1 --hs          # skip-gram with hierarchical softmax
    PYTHONPATH=../other-tree python bench/epoch.py   # the same on another version

Builds the vocabulary of the first ``--max-words`` words of ``--corpus`` (written to a
temporary plain file, removed on every exit path), trains one warm-up epoch (which
compiles or loads the kernels) and then ``--reps`` timed epochs, and prints the seconds of
each. Comparing two versions means running this for each, alternating, several times:
single epochs on a shared machine vary by 10-20 %.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _cleanup import sigterm_raises
from _runner import numbaw2v_warnings_off
from compare import DEFAULT_CORPUS, prepare_corpus


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--max-words", type=int, default=5_000_000)
    p.add_argument("--sg", type=int, choices=(0, 1), default=0)
    p.add_argument("--hs", action="store_true", help="hs=1, negative=0 (else negative=5)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--reps", type=int, default=2, help="timed epochs (default %(default)s)")
    args = p.parse_args(argv)
    if args.max_words < 1 or args.reps < 1:
        p.error("--max-words and --reps must be at least 1")
    import numbaw2v

    with numbaw2v_warnings_off():       # every timed epoch restarts the rate on purpose
        seconds = _time_epochs(numbaw2v, args)
    print(f"{numbaw2v.__file__}: {'skip-gram' if args.sg else 'CBOW'}"
          f"{' hs' if args.hs else ''}, {args.max_words:,} words, {args.workers} workers: "
          + " ".join(f"{s:.2f}" for s in seconds) + " s per epoch", flush=True)
    return 0


def _time_epochs(numbaw2v, args):
    with tempfile.TemporaryDirectory(prefix="nw2v-epoch-") as work:
        corpus = os.path.join(work, "corpus.txt")
        prepare_corpus(args.corpus, corpus, args.max_words)
        model = numbaw2v.Word2Vec(vector_size=100, window=5, min_count=5, sg=args.sg,
                                  hs=int(args.hs), negative=0 if args.hs else 5, epochs=1,
                                  workers=args.workers, seed=1, progress=False)
        model.build_vocab(corpus_file=corpus)
        seconds = []
        for rep in range(args.reps + 1):                 # the first epoch warms up
            t0 = time.perf_counter()
            model.train(corpus_file=corpus, total_words=model.corpus_total_words, epochs=1)
            if rep:
                seconds.append(time.perf_counter() - t0)
    return seconds


if __name__ == "__main__":
    sigterm_raises()
    sys.exit(main())
