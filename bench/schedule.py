"""numbaw2v under its own learning-rate schedule and under gensim corpus_file's, over seeds.

    python bench/schedule.py                 # CBOW, seeds 1-3, both schedules
    python bench/schedule.py --sg 1 --seeds 5

In ``corpus_file`` mode each of gensim's W threads reads 1/W of the corpus and measures
the progress of the learning rate by its own words over all of the corpus's
(``get_next_alpha`` in gensim's word2vec_corpusfile.pyx). Within epoch e of E its rate
therefore falls from alpha(e / E) to alpha((e + 1/W) / E) only, then jumps back up at
the next epoch, where alpha(x) = alpha - (alpha - min_alpha) x is the schedule both
libraries document. This trains numbaw2v with that schedule, one ``train`` call per
epoch with those start and end rates, next to its own schedule (one call, the rate
falling linearly over the whole run), with the protocol settings of bench/compare.py,
and prints analogy, WordSim-353 and SimLex-999 per run and as mean +- sd.
"""
import argparse
import os
import sys
import tempfile

from _cleanup import sigterm_raises
from _runner import numbaw2v_model, numbaw2v_warnings_off
from _stats import mean_sd, values_of
from compare import ALPHA, DEFAULT_CORPUS, evaluate, prepare_corpus

MIN_ALPHA = 0.0001
METRICS = ("analogy", "ws353", "simlex")


def gensim_corpus_file_rates(alpha, min_alpha, epochs, threads):
    """(start, end) learning rate of every epoch as gensim's corpus_file threads see it."""
    def rate(x):
        return alpha - (alpha - min_alpha) * x
    return [(rate(e / epochs), rate((e + 1.0 / threads) / epochs)) for e in range(epochs)]


def train(corpus, schedule, sg, seed, epochs, workers):
    model = numbaw2v_model(False, sg=sg, alpha=ALPHA[sg], min_alpha=MIN_ALPHA, epochs=epochs,
                           workers=workers, seed=seed)
    model.build_vocab(corpus_file=corpus)
    if schedule == "own":
        model.train(corpus_file=corpus, total_words=model.corpus_total_words, epochs=epochs)
        return model
    for start, end in gensim_corpus_file_rates(ALPHA[sg], MIN_ALPHA, epochs, workers):
        model.train(corpus_file=corpus, total_words=model.corpus_total_words, epochs=1,
                    start_alpha=start, end_alpha=end)
    return model


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    p.add_argument("--sg", type=int, choices=(0, 1), default=0)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--schedules", default="own,gensim-corpus-file")
    args = p.parse_args(argv)
    schedules = args.schedules.split(",")
    if not set(schedules) <= {"own", "gensim-corpus-file"} or args.seeds < 1:
        p.error("--schedules takes own and/or gensim-corpus-file; --seeds at least 1")
    with numbaw2v_warnings_off():       # rates above the lowest reached are asked for here
        scores = _score_runs(args, schedules)
    mode = "skip-gram" if args.sg else "CBOW"
    print(f"\n| mode | schedule | {' | '.join(METRICS)} |\n|---|---|" + "---:|" * len(METRICS))
    for schedule in schedules:
        cells = []
        for m in METRICS:
            mean, sd = mean_sd(values_of(scores[schedule], m))
            cells.append("n/a" if mean is None else f"{mean:.3f} ± {sd or 0.0:.3f}")
        print(f"| {mode} | {schedule} | {' | '.join(cells)} |")
    return 0


def _score_runs(args, schedules):
    scores = {s: [] for s in schedules}
    with tempfile.TemporaryDirectory(prefix="nw2v-schedule-") as work:
        corpus = os.path.join(work, "corpus.txt")
        vectors = os.path.join(work, "vectors.bin")
        prepare_corpus(args.corpus, corpus)
        for seed in range(1, args.seeds + 1):
            for schedule in schedules:              # alternating
                model = train(corpus, schedule, args.sg, seed, args.epochs, args.workers)
                model.wv.save_word2vec_format(vectors, binary=True)
                got = evaluate(vectors, True)
                scores[schedule].append(got)
                print(f"seed {seed} {schedule}: " + ", ".join(
                    f"{m} {got[m]:.3f}" for m in METRICS if got.get(m) is not None),
                    flush=True)
    return scores


if __name__ == "__main__":
    sigterm_raises()
    sys.exit(main())
