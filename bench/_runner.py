"""One training run of one Python system, in a process of its own (used by bench/compare.py).

    python bench/_runner.py numbaw2v|gensim --corpus PLAIN.txt --sg 0|1 --workers N \
        --epochs 5 --alpha A --result OUT.json [--vectors OUT.bin]

Builds the vocabulary and trains with the protocol settings below, each step
timed around the library call alone (imports and saving are outside the
clocks), saves the vectors in the word2vec binary format when asked, and
writes a JSON report, with this process's peak resident size at the end.
"""
import argparse
import json
import os
import time

# The settings every system trains with (bench/compare.py passes them on to the binaries too).
PROTOCOL = {"vector_size": 100, "window": 5, "negative": 5, "sample": 1e-3, "min_count": 5}
SEED = 1


def train_numbaw2v(args):
    """numbaw2v: build_vocab (which also encodes the corpus) then train, both on the plain file."""
    from numbaw2v import Word2Vec

    model = Word2Vec(**PROTOCOL, sg=args.sg, alpha=args.alpha, epochs=args.epochs,
                     workers=args.workers, seed=SEED, progress=False)
    vocab_s = _timed(model.build_vocab, corpus_file=args.corpus)
    train_s, (trained, raw) = _timed_result(model.train, corpus_file=args.corpus)
    return model, _report(model, vocab_s, train_s, trained, raw)


def train_gensim(args):
    """gensim in its fastest input mode (corpus_file), negative sampling only."""
    from gensim.models import Word2Vec

    model = Word2Vec(**PROTOCOL, sg=args.sg, hs=0, alpha=args.alpha, epochs=args.epochs,
                     workers=args.workers, seed=SEED)
    vocab_s = _timed(model.build_vocab, corpus_file=args.corpus)
    train_s, (trained, raw) = _timed_result(
        model.train, corpus_file=args.corpus, total_examples=model.corpus_count,
        total_words=model.corpus_total_words, epochs=model.epochs)
    return model, _report(model, vocab_s, train_s, trained, raw)


SYSTEMS = {"numbaw2v": train_numbaw2v, "gensim": train_gensim}


def _timed(func, **kwargs):
    return _timed_result(func, **kwargs)[0]


def _timed_result(func, **kwargs):
    t0 = time.perf_counter()
    result = func(**kwargs)
    return time.perf_counter() - t0, result


def _report(model, vocab_s, train_s, trained, raw):
    return {"vocab_s": vocab_s, "train_s": train_s,
            "trained_words": int(trained), "raw_words": int(raw),
            "corpus_words": int(model.corpus_total_words),
            "vocab_size": len(model.wv.index_to_key)}


def high_water_kb():
    """This process's peak resident size in kB (VmHWM: its own address space only).

    Not ``ru_maxrss``: on Linux that also holds the parent's resident size at fork/exec.
    """
    with open("/proc/self/status", encoding="ascii", errors="replace") as fin:
        for line in fin:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("system", choices=sorted(SYSTEMS))
    p.add_argument("--corpus", required=True, help="plain (uncompressed) text, one sentence per line")
    p.add_argument("--sg", type=int, choices=(0, 1), required=True)
    p.add_argument("--workers", type=int, required=True)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--alpha", type=float, required=True)
    p.add_argument("--result", required=True, help="where to write the JSON report")
    p.add_argument("--vectors", help="save the vectors here (word2vec binary format)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    model, report = SYSTEMS[args.system](args)
    if args.vectors:
        model.wv.save_word2vec_format(args.vectors, binary=True)
    report["peak_kb"] = high_water_kb()
    tmp = args.result + ".part"
    with open(tmp, "w", encoding="utf8") as fout:
        json.dump(report, fout)
    os.replace(tmp, args.result)


if __name__ == "__main__":
    main()
